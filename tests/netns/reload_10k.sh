#!/bin/bash
# SIGHUP with 10,000 rules of which exactly one changes, under traffic: a
# stream through an unchanged rule and one through the rule that changes.
# The other 9,999 rules keep ids and content, the unchanged rule's counters
# go on from where they were (not reset), its stream loses and duplicates
# nothing across the reload, the changed rule shows its new content and the
# traffic follows it, and the daemon reports exactly one replacement
# (its reload log line; the add and delete counters do not move).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 2
CONF=$WORK/mcrd.conf
N=10000
KEEP=100   # the unchanged rule with traffic: 239.1.0.100 -> r1 239.9.0.100:5099
CHG=7000   # the rule that changes: 239.1.27.88 -> r1 :6001, then r2 :6002

# conf PORT: N worker-path rules on r0; rule CHG sends to port PORT (6001 on
# r1, anything else on r2)
conf() {
	"$PY" - "$CONF" "$N" "$CHG" "$1" <<'PY'
import ipaddress, sys
path, n, chg, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
bi, bo = int(ipaddress.ip_address("239.1.0.0")), int(ipaddress.ip_address("239.9.0.0"))
with open(path + ".new", "w") as f:
    for i in range(1, n + 1):
        gi, go = ipaddress.ip_address(bi + i), ipaddress.ip_address(bo + i)
        if i == chg:
            oif = "r1" if port == 6001 else "r2"
            f.write("rule add iif r0 group %s port 5001 oif %s group %s port %d\n"
                    % (gi, oif, go, port))
        else:
            f.write("rule add iif r0 group %s port 5001 oif r1 group %s port 5099\n" % (gi, go))
PY
	mv "$CONF.new" "$CONF"
}
group_in() { "$PY" -c "import ipaddress; print(ipaddress.ip_address('239.1.0.0') + $1)"; }
group_out() { "$PY" -c "import ipaddress; print(ipaddress.ip_address('239.9.0.0') + $1)"; }
# rj ID EXPR: EXPR over rule ID with counters (one rule: a dump of 10,000
# with counters costs a second)
rj() { nl -s -j rule get id "$1" | json "(lambda j: $2)(j[0])"; }
# settle: the two rules with traffic stopped changing for 200 ms (at most 3 s)
settle() {
	local prev="" cur
	for _ in $(seq 15); do
		cur=$(nl -s -j rule get id $KEEP)$(nl -s -j rule get id $CHG)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.2
	done
}
# the rules without counters, keyed by id, but for rule CHG
others() {
	nl -j rule show | json "[[r['id'], r['group'], r['port'], r['outputs']] for r in j
		if r['group'] != '$(group_in $CHG)']"
}

conf 6001
T0=$(date +%s%N)
fwd_mcrd -c "$CONF"
for _ in $(seq 200); do
	[ "$(nl -j daemon show | json 'j["rules"]')" = $N ] && break
	sleep 0.05
done
fwd_wait_active $KEEP $CHG
say "10,000 rules loaded and active in $((($(date +%s%N) - T0) / 1000000)) ms"
check_eq "loaded: $N rules, ids 1..$N" true \
	"$(nl -j rule show | json "[r['id'] for r in j] == list(range(1, $N + 1))")"
OTHERS0=$(others)
check_eq "the changing rule before" "[\"r1\", 6001]" \
	"$(rj $CHG '[j["outputs"][0]["oif"], j["outputs"][0]["port"]]')"

# 5 s of each stream at 4,000 packets/s; the reload comes early in them
PER=20000
fwd_sink keep 1 -e $PER --idle 2 "$(group_out $KEEP):5099" &&
	fwd_sink chg1 1 --idle 3 "$(group_out $CHG):6001" &&
	fwd_sink chg2 2 --idle 3 "$(group_out $CHG):6002" &&
	fwd_gen_bg both -r 8000 -c $((2 * PER)) "$(group_in $KEEP):5001" "$(group_in $CHG):5001"
for _ in $(seq 200); do
	[ "$(rj $KEEP 'j["packets"]')" -gt 2000 ] && break
	sleep 0.05
done
C1=$(rj $KEEP 'j["packets"]')
STATS0=$(nl -j stats show | json '"%d %d %d" % (j["rule_adds"], j["rule_dels"], j["reloads"])')

conf 6002
kill -HUP "$MCRD_PID"
for _ in $(seq 100); do
	[ "$(nl -j stats show | json 'j["reloads"]')" = 1 ] && break
	sleep 0.05
done
C2=$(rj $KEEP 'j["packets"]')
check_eq "reload counted, no error" "1 0" \
	"$(nl -j stats show | json '"%d %d" % (j["reloads"], j["reload_errors"])')"
check_match "the reload's log line: one replace" \
	"reloaded .*: $N rules \(0 added, 1 replaced, 0 deleted\)" "$(grep reloaded "$WORK/mcrd.log")"
check_eq "no rule added or deleted by the reload" \
	"$(echo "$STATS0" | awk '{print $1, $2}') 1" \
	"$(nl -j stats show | json '"%d %d %d" % (j["rule_adds"], j["rule_dels"], j["reloads"])')"
check_eq "the changed rule: new content, same id" "[$CHG, \"r2\", \"$(group_out $CHG)\", 6002]" \
	"$(rj $CHG '[j["id"], j["outputs"][0]["oif"], j["outputs"][0]["group"], j["outputs"][0]["port"]]')"
check_eq "the other 9,999: same ids and content" "$OTHERS0" "$(others)"
check_eq "9,999 others" 9999 "$(others | json 'len(j)')"
fwd_gen_wait both
fwd_sink_wait keep
fwd_sink_wait chg1
fwd_sink_wait chg2
settle
C3=$(rj $KEEP 'j["packets"]')
say "unchanged rule's packets: $C1 before the SIGHUP, $C2 after it, $C3 at the end"
check_eq "unchanged rule's counter not reset, still growing" true \
	"$([ "$C1" -gt 0 ] && [ "$C2" -ge "$C1" ] && [ "$C3" -gt "$C2" ] && echo true)"
check_eq "unchanged rule counted its whole stream" "$PER $PER" \
	"$(rj $KEEP '"%d %d" % (j["packets"], j["outputs"][0]["packets"])')"
check_eq "unchanged stream exact across the reload" "[[$PER, 0, 0, 0, 0, 0, 0]]" "$(per_stream keep)"
CH1=$(sj chg1 'j["total"]["received"]')
CH2=$(sj chg2 'j["total"]["received"]')
say "changed stream: $CH1 packets to the old output, $CH2 to the new one"
check_eq "changed stream: before the reload on r1, after it on r2" true \
	"$([ "$CH1" -gt 0 ] && [ "$CH2" -gt 0 ] && echo true)"
check_eq "changed stream: no duplicate on either side" "0 0" \
	"$(sj chg1 'j["total"]["duplicated"]') $(sj chg2 'j["total"]["duplicated"]')"
check_eq "changed rule: its counters go on too" $PER "$(rj $CHG 'j["packets"]')"
check_eq "no ring drops" 0 "$(fwd_wj 'sum(w["ring_drops"] for w in j)')"
finish
