#!/bin/bash
# Least privilege: after setup mcrd holds CAP_NET_ADMIN and CAP_NET_RAW and
# nothing else, in every thread (effective, permitted and bounding 0x3000;
# inheritable and ambient empty; no_new_privs), as root and with --user
# nobody; and it still does everything a rule change asks afterwards:
# worker-path and kernel-path rules with real traffic, an output that
# appears after the drop (pending, then active: a new AF_PACKET socket and
# a new VIF), a SIGHUP reload, kernel entries removed with their rule.
#
# The modes: root (started as root), user (root with --user nobody), ambient
# (started as nobody holding the two capabilities in every set, ambient and
# inheritable included, as a unit with User= and AmbientCapabilities= starts
# it), nosetpcap (the same with the full bounding set, as with file
# capabilities: without CAP_SETPCAP the bounding set stays, with a warning,
# and no_new_privs makes it moot). Each mode runs in its own namespaces: the
# script runs itself per mode.
if [ $# -eq 0 ]; then
	rc=0
	for mode in root user ambient nosetpcap; do
		bash "$0" "$mode" || rc=1
	done
	exit $rc
fi
MODE=$1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
NAME="$NAME($MODE)"
fwd_setup 1
N=300
KEEP=0000000000003000
NONE=0000000000000000

USER_ARGS=()
BND=$KEEP
if [ "$MODE" = ambient ] || [ "$MODE" = nosetpcap ]; then
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	# what systemd does for User=nobody AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW
	# with CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW (but in nosetpcap)
	bset="--bounding-set=-all,+net_admin,+net_raw"
	if [ "$MODE" = nosetpcap ]; then
		bset=
		BND=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	fi
	cat >"$WORK/mcrd-ambient" <<WRAP
#!/bin/sh
exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw \
	$bset "$MCRD" "\$@"
WRAP
	chmod 0755 "$WORK/mcrd-ambient"
	MCRD=$WORK/mcrd-ambient
fi
[ "$MODE" = user ] && USER_ARGS=(--user nobody)
if [ "$MODE" != root ]; then
	WANT_ID=65534
	# clients trust only replies from the daemon's uid (mcr-nl(8))
	export MCR_DAEMON_UID=$WANT_ID
	# mcrd rereads the file on SIGHUP as nobody: the path must be open to it
	chmod 0755 "$WORK"
else
	WANT_ID=0
fi

# caps_wrong PID: every task of PID whose capability sets, no_new_privs,
# uid or gid are not what the drop promises, one a line; empty when all are.
caps_wrong() {
	local st
	for st in /proc/"$1"/status /proc/"$1"/task/*/status; do
		awk -v keep=$KEEP -v bnd="$BND" -v none=$NONE -v id="$WANT_ID" -v f="$st" '
			/^CapEff:|^CapPrm:/ { if ($2 != keep) bad = bad " " $1 $2 }
			/^CapBnd:/ { if ($2 != bnd) bad = bad " " $1 $2 }
			/^CapInh:|^CapAmb:/ { if ($2 != none) bad = bad " " $1 $2 }
			/^NoNewPrivs:/ { nnp = $2 }
			/^Uid:|^Gid:/ { for (i = 2; i <= 5; i++) if ($i != id) bad = bad " " $1 $i }
			END { if (nnp != 1) bad = bad " NoNewPrivs:" nnp; if (bad) print f ":" bad }' "$st"
	done
}

# check_caps WHAT: the drop holds in every task; and there are the workers.
check_caps() {
	check_eq "$1: every task holds CAP_NET_ADMIN and CAP_NET_RAW (bounding $BND), as uid/gid $WANT_ID" \
		"" "$(caps_wrong "$MCRD_PID")"
	check_eq "$1: the tasks checked include both workers" true \
		"$([ "$(ls /proc/"$MCRD_PID"/task | wc -l)" -ge 3 ] && echo true)"
}

# rule_id GROUP: the id of the rule for GROUP.
rule_id() { nl -j rule show | json "[r['id'] for r in j if r['group'] == '$1'][0]"; }
paths() { fwd_rj "$1" '[o["path"] for o in j["outputs"]]'; }
# mr_oifs SRC GROUP: the kernel entry's outputs; [] for none or no entry (a
# stop entry, which mcrd may leave so that the kernel stops asking, has none).
mr_oifs() {
	ns_exec ip -j mroute show | json "sorted(o['oif'] for e in j
		if e['src'] == '$1' and e['dst'] == '$2' for o in e.get('multipath', []))"
}

# stream NAME K OUT GROUP: N packets to GROUP:5001, exact at output K's
# sink on OUT.
stream() {
	fwd_sink "$1" "$2" -e $N --idle 0.5 "$3" && fwd_gen "$1" -r 10k -c $N "$4:5001"
	fwd_sink_wait "$1"
	check_eq "$1: exact" "1 [[$N, 0, 0, 0, 0, 0, 0]]" "$(sj "$1" 'len(j["streams"])') $(per_stream "$1")"
}

CONF=$WORK/mcrd.conf
cat >"$CONF" <<'CONF'
rule add iif r0 src 10.1.0.1 group 239.1.1.1 oif r1
CONF
chmod 0644 "$CONF"
fwd_mcrd --workers 2 -c "$CONF" "${USER_ARGS[@]}"
check_caps "at start"
if [ "$MODE" = nosetpcap ]; then
	check_match "the bounding set left is a warning" "bounding set left as it was" \
		"$(cat "$WORK/mcrd.log")"
fi
check_eq "daemon show reports the uid" "$WANT_ID" "$(nl -j daemon show | json 'j["uid"]')"

# ---- the kernel path from the file, the worker path at run time -----------------
fwd_wait_active
K=$(rule_id 239.1.1.1)
check_eq "configured rule: kernel path" '["kernel"]' "$(paths "$K")"
check_eq "configured rule: its (S,G) entry" '["r1"]' "$(mr_oifs 10.1.0.1 239.1.1.1)"
stream kernel 1 239.1.1.1:5001 239.1.1.1
fwd_rule_add iif r0 group 239.1.1.2 port 5001 oif r1 group 239.9.9.2 port 5099
W=$RULE_ID
check_eq "rewriting rule: worker path" '["worker"]' "$(paths "$W")"
stream worker 1 239.9.9.2:5099 239.1.1.2

# ---- an output that appears after the drop --------------------------------------
check_rc "worker rule to a missing output" 0 nl rule add iif r0 group 239.1.1.3 port 5001 \
	oif r2 group 239.9.9.3 port 5099
LW=$(rule_id 239.1.1.3)
check_rc "kernel rule to a missing output" 0 nl rule add iif r0 src 10.1.0.1 group 239.1.1.4 oif r2
LK=$(rule_id 239.1.1.4)
check_eq "missing output: pending" "true false true false" "$(flags "$LW") $(flags "$LK")"
fwd_output_add
wait_flags "$LW" "false true"
wait_flags "$LK" "false true"
check_eq "late output: paths" '["worker"] ["kernel"]' "$(paths "$LW") $(paths "$LK")"
check_eq "late output: its VIF and (S,G) entry" '1 ["r2"]' \
	"$(ns_exec grep -c ' r2 ' /proc/net/ip_mr_vif) $(mr_oifs 10.1.0.1 239.1.1.4)"
stream late_worker 2 239.9.9.3:5099 239.1.1.3
stream late_kernel 2 239.1.1.4:5001 239.1.1.4

# ---- SIGHUP reload, as whoever mcrd is now ---------------------------------------
cat >"$CONF" <<'CONF'
rule add iif r0 src 10.1.0.1 group 239.1.1.1 oif r1
rule add iif r0 src 10.1.0.1 group 239.1.1.5 oif r1
CONF
kill -HUP "$MCRD_PID"
for _ in $(seq 100); do
	[ "$(nl -j stats show | json 'j["reloads"] + j["reload_errors"]')" = 1 ] && break
	sleep 0.05
done
check_eq "reload: done, no error" "1 0" "$(nl -j stats show | json '"%d %d" % (j["reloads"], j["reload_errors"])')"
check_eq "reload: the file's rules (run-time ones gone)" '["239.1.1.1", "239.1.1.5"]' \
	"$(nl -j rule show | json 'sorted(r["group"] for r in j)')"
fwd_wait_active
check_eq "reload: removed kernel rule took its entry" '[]' "$(mr_oifs 10.1.0.1 239.1.1.4)"
check_eq "reload: new kernel rule has its entry" '["r1"]' "$(mr_oifs 10.1.0.1 239.1.1.5)"

# ---- rule delete removes kernel entries ------------------------------------------
check_rc "delete the kernel rule" 0 nl rule del id "$(rule_id 239.1.1.5)"
check_eq "deleted: its (S,G) entry forwards nowhere" '[]' "$(mr_oifs 10.1.0.1 239.1.1.5)"
check_eq "deleted: the other entry stays" '["r1"]' "$(mr_oifs 10.1.0.1 239.1.1.1)"

# ---- clients of the daemon's own uid are no admins ---------------------------------
if [ "$MODE" != root ]; then
	check_rc "a client running as nobody cannot add" 2 \
		ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$MCRNL" rule add iif r0 group 239.2.2.2 oif r1
fi

check_caps "at the end"
mcrd_stop "$MCRD_PID"
check_eq "clean stop" 0 $?
check_eq "after stop: no VIF" 0 "$(ns_exec tail -n +2 /proc/net/ip_mr_vif | wc -l)"
finish
