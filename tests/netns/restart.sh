#!/bin/bash
# kill -9 under traffic and a restart with the same configuration: every
# rule is back with the same content, the kernel holds only what the new
# daemon installed (VIFs, (S,G) entries: none left over from the dead one,
# none twice), and every stream flows again exactly once, on the worker
# path, on the kernel path and on a rule with both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 2
CONF=$WORK/mcrd.conf
cat >"$CONF" <<EOF
# worker path (rewrite), kernel path with a source, kernel path learning
# its source, and a rule with one output of each
rule add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.1 port 5099
rule add iif r0 src 10.1.0.1 group 239.1.1.2 oif r2
rule add iif r0 group 239.1.1.3 oif r1 oif r2
rule add iif r0 src 10.1.0.1 group 239.1.1.4 oif r1 oif r2 group 239.9.9.4
EOF

# the kernel's state, ordered: VIF interfaces, then "(src, group) iif oifs"
# of every MFC entry (ip mroute show)
mr_vifs() { ns_exec cat /proc/net/ip_mr_vif | awk 'NR > 1 {print $2}' | sort | tr '\n' ' '; }
mr_cache_n() { ns_exec cat /proc/net/ip_mr_cache | tail -n +2 | wc -l; }
mr_entries() {
	ns_exec ip -j mroute show | json 'sorted("%s,%s %s %s" % (e["src"], e["dst"], e["iif"],
		",".join(sorted(o["oif"] for o in e.get("multipath", [])))) for e in j)'
}
# the rules without counters or the "active" flag
rules() { nl -j -d rule show | json '[{k: v for k, v in r.items() if k != "active"} for r in j]'; }
# 239.1.1.1 has no kernel-path output: a stop entry (no oif) keeps its
# packets from coming up as reports again
WANT_ENTRIES='["10.1.0.1,239.1.1.1 r0 ", "10.1.0.1,239.1.1.2 r0 r2", "10.1.0.1,239.1.1.3 r0 r1,r2", "10.1.0.1,239.1.1.4 r0 r1"]'
GROUPS4=(239.1.1.1:5001 239.1.1.2:5001 239.1.1.3:5001 239.1.1.4:5001)

fwd_mcrd -c "$CONF"
fwd_wait_active
RULES0=$(rules)
check_eq "first start: 4 rules" 4 "$(nl -j daemon show | json 'j["rules"]')"
check_eq "first start: paths" '[["worker"], ["kernel"], ["kernel", "kernel"], ["kernel", "worker"]]' \
	"$(nl -j -d rule show | json '[[o["path"] for o in r["outputs"]] for r in j]')"
VIFS0=$(mr_vifs)
check_eq "first start: VIFs" "r0 r1 r2 " "$VIFS0"

# traffic on all four groups while mcrd is killed and restarted
fwd_gen_bg bg -r 2000 -d 10 "${GROUPS4[@]}"
for _ in $(seq 100); do
	[ "$(mr_entries)" = "$WANT_ENTRIES" ] && [ "$(fwd_rj 1 'j["packets"]')" -gt 0 ] && break
	sleep 0.05
done
check_eq "under traffic: the kernel's entries (learned and stop entries too)" \
	"$WANT_ENTRIES" "$(mr_entries)"
check_eq "under traffic: the worker forwards" true "$([ "$(fwd_rj 1 'j["packets"]')" -gt 0 ] && echo true)"

kill -9 "$MCRD_PID"
wait "$MCRD_PID" 2>/dev/null
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$MCRD_PID" | tr '\n' ' ')
for _ in $(seq 50); do [ "$(mr_vifs)$(mr_cache_n)" = 0 ] && break; sleep 0.05; done
check_eq "after kill -9: no VIF" "" "$(mr_vifs)"
check_eq "after kill -9: no MFC entry" 0 "$(mr_cache_n)"
check_eq "after kill -9: the generator still sends" true "$(kill -0 "$GEN_PID" 2>/dev/null && echo true)"

# restart while the traffic goes on
fwd_mcrd -c "$CONF"
fwd_wait_active
check_eq "restart: every rule back, same ids and content" "$RULES0" "$(rules)"
check_eq "restart: the same VIFs" "$VIFS0" "$(mr_vifs)"
for _ in $(seq 100); do [ "$(mr_entries)" = "$WANT_ENTRIES" ] && break; sleep 0.05; done
check_eq "restart: the kernel's entries, each once" "$WANT_ENTRIES" "$(mr_entries)"
check_eq "restart: as many cache lines as entries" 4 "$(mr_cache_n)"
fwd_gen_wait bg
check_eq "restart: stats of a fresh daemon" "4 0" \
	"$(nl -j stats show | json '"%d %d" % (j["rule_adds"], j["rule_dels"])')"

# exactly once again: every output of every rule, counted at the sinks
N=5000
fwd_sink s1 1 -e $N --idle 1 239.9.9.1:5099 239.1.1.3:5001 239.1.1.4:5001 &&
	fwd_sink s2 2 -e $N --idle 1 239.1.1.2:5001 239.1.1.3:5001 239.9.9.4:5001 &&
	fwd_gen after -r 10k -c $((4 * N)) "${GROUPS4[@]}"
fwd_sink_wait s1
fwd_sink_wait s2
check_eq "after restart: r1's three streams exact" "3 [[$N, 0, 0, 0, 0, 0, 0]]" \
	"$(sj s1 'len(j["streams"])') $(per_stream s1)"
check_eq "after restart: r2's three streams exact" "3 [[$N, 0, 0, 0, 0, 0, 0]]" \
	"$(sj s2 'len(j["streams"])') $(per_stream s2)"
check_eq "after restart: the kernel's entries unchanged" "$WANT_ENTRIES" "$(mr_entries)"
check_eq "after restart: no ring drops" 0 "$(fwd_wj 'sum(w["ring_drops"] for w in j)')"
mcrd_stop "$MCRD_PID"
check_eq "clean stop" 0 $?
check_eq "after the stop: nothing left in the kernel" " 0" "$(mr_vifs) $(mr_cache_n)"
finish
