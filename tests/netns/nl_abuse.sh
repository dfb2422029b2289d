#!/bin/bash
# Abuse of the control socket, each case for a few seconds while a probe
# client (nlraw.py probe: a daemon-get every 10 ms, one at a time) runs
# beside it; every probe must be answered (within 2 s: make check asserts
# no latency, tests/perf/bench_abuse.sh measures it). The cases:
#   lies    every crafted case of garbage.sh in a loop (lengths that lie,
#           attribute lengths 0 and 2, nests past their parent or the
#           message, 200-deep nests, 16,000 attributes, ...): every answer
#           as expected, the malformed counter exact
#   huge    requests with 100,000 attributes (400 kB): each gets EMSGSIZE
#   unpriv  rule changes from uid 65534: each EPERM, the denied counter exact
#   ports   300 sockets firing requests and dumps, never reading
#   ports-nowait  the same with MSG_DONTWAIT: the kernel refuses what does
#           not fit the daemon's queue instead of making the sender wait
#   dumps   200 clients starting a dump of 500 rules, never reading: 64
#           run (the daemon's limit), the others are refused
# Afterwards the rule table is what it was, the daemon's peak memory stayed
# bounded, and a full dump works.
. "$(dirname "$0")/lib.sh"
setup
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
# the abusers run from a copy that uid 65534 can read (a checkout may not be)
chmod 0755 "$WORK"
install -m 0644 "$TOP/tests/netns/nlraw.py" "$WORK/nlraw.py"
NLRAW=$WORK/nlraw.py
mcrd_start
python3 -c 'import sys
for i in range(500):
    print("rule add iif x0 group 239.9.%d.%d oif y0" % (i // 256, i % 256))' >"$WORK/b"
check_rc "500 rules" 0 nl -b "$WORK/b"
BEFORE=$(nl -j rule show)
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$MCRD_PID/status"; }
HWM0=$(hwm)
st() { nl -j stats show | json "j[\"$1\"]"; }

# abuse NAME CMD...: CMD (the abuser) with the probe running; its stdout
# is kept in $WORK/NAME.out. Checks the probe got every answer.
abuse() {
	local name=$1 probe i
	shift
	ns_exec "$PY" "$NLRAW" probe "$WORK/$name.ready" "$WORK/$name.stop" 2 \
		>"$WORK/$name.probe" &
	probe=$!
	PIDS="$PIDS $probe"
	for i in $(seq 100); do
		[ -e "$WORK/$name.ready" ] && break
		sleep 0.05
	done
	"$@" >"$WORK/$name.out" 2>&1
	check_eq "$name: abuser exit status" 0 $?
	touch "$WORK/$name.stop"
	wait "$probe"
	check_eq "$name: every probe answered (within 2 s)" true \
		"$(json 'j["probes"] >= 10 and j["answered"] == j["probes"]' <"$WORK/$name.probe")"
	check_rc "$name: daemon alive" 0 kill -0 "$MCRD_PID"
}
out() { json "$2" <"$WORK/$1.out"; }

m0=$(st malformed)
abuse lies ns_exec "$PY" "$NLRAW" abuse lies 3
check_eq "lies: every answer as expected" "[]" "$(out lies 'j["wrong"]')"
check_match "lies: rounds" '^[1-9][0-9]*$' "$(out lies 'j["rounds"]')"
check_eq "lies: malformed counted, each once" "$(out lies 'j["malformed"]')" \
	"$(($(st malformed) - m0))"

m0=$(st malformed)
abuse huge ns_exec "$PY" "$NLRAW" abuse huge 2
check_eq "huge: every one EMSGSIZE" true \
	"$(out huge 'j["sent"] > 0 and j["emsgsize"] == j["sent"]')"
check_eq "huge: malformed counted" "$(out huge 'j["sent"]')" "$(($(st malformed) - m0))"

d0=$(st denied)
abuse unpriv ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$NLRAW" \
	abuse unpriv 3
check_eq "unpriv: every one EPERM" true "$(out unpriv 'j["sent"] > 0 and j["eperm"] == j["sent"]')"
check_eq "unpriv: denied counted" "$(out unpriv 'j["sent"]')" "$(($(st denied) - d0))"

r0=$(st replies_dropped)
abuse ports ns_exec "$PY" "$NLRAW" abuse ports 3 300
check_eq "ports: 300 sockets" 300 "$(out ports 'j["sockets"]')"
check_eq "ports: replies nobody reads are dropped, not kept" true \
	"$([ $(($(st replies_dropped) - r0)) -gt 0 ] && echo true || echo false)"

abuse ports-nowait ns_exec "$PY" "$NLRAW" abuse ports-nowait 3 300
check_eq "ports-nowait: 300 sockets" 300 "$(out ports-nowait 'j["sockets"]')"

de() { nl -j stats show | json '"%d %d" % (j["dumps"], j["errors"])'; }
read -r d0 e0 <<<"$(de)"
abuse dumps ns_exec "$PY" "$NLRAW" abuse dumps 3 200
# 64 dumps at a time in the daemon (GENL_DUMPS_MAX): the rest are refused.
# (stats show is a dump itself: the second one counts one more.)
read -r d1 e1 <<<"$(de)"
check_eq "dumps: 64 started, 136 refused (EBUSY)" "65 136" "$((d1 - d0)) $((e1 - e0))"

check_eq "rule table unchanged" "$BEFORE" "$(nl -j rule show)"
check_eq "no rule added or deleted" "0 0" \
	"$(nl -j stats show | json '"%d %d" % (j["rule_adds"] - 500, j["rule_dels"])')"
# bound: every session full (1,024 peers x 64 KiB) would be 64 MiB
check_eq "peak memory bounded (< 64 MiB over the start)" true \
	"$([ $(($(hwm) - HWM0)) -lt 65536 ] && echo true || echo false)"
check_rc "a full dump afterwards" 0 nl -j rule show
check_eq "full dump complete" 500 "$(echo "$OUT" | json 'len(j)')"
finish
