#!/bin/bash
# make demo: the main job of mcr in a namespace topology, narrated.
#
#   gen-ns [g0] ---- [r0] relay-ns [r1] ---- [s1] sink-ns
#                                  [r2] ---- [s2]
#
# mcrd runs in relay-ns; rules are added, replaced and removed with
# mcr-nl, shown as text and JSON with their counters, and watched by
# mcr-nl monitor. mcr-gen sends numbered streams from gen-ns, mcr-sink
# counts them in sink-ns: one stream rewritten by the workers, one fanned
# out to two interfaces, one forwarded unchanged by the kernel (MFC).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/build
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (sudo make demo)" >&2; exit 1; }
P=$$
GEN=mcr-demo-gen-$P RELAY=mcr-demo-relay-$P SINK=mcr-demo-sink-$P
WORK=$(mktemp -d /tmp/mcr-demo.XXXXXX)
MCRD_PID= MON_PID= SINK_PID=

cleanup() {
	trap - EXIT INT TERM
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	if [ -n "$MCRD_PID" ]; then
		kill "$MCRD_PID" 2>/dev/null
		wait "$MCRD_PID" 2>/dev/null
	fi
	for n in $GEN $RELAY $SINK; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
nl() { "$B/mcr-nl" -n "$RELAY" "$@"; }

step "topology: $GEN - $RELAY - $SINK (veth)"
for n in $GEN $RELAY $SINK; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add g0 netns "$GEN" type veth peer name r0 netns "$RELAY"
ip link add r1 netns "$RELAY" type veth peer name s1 netns "$SINK"
ip link add r2 netns "$RELAY" type veth peer name s2 netns "$SINK"
ip -n "$GEN" addr add 10.1.0.2/24 dev g0
ip -n "$RELAY" addr add 10.1.0.1/24 dev r0
ip -n "$RELAY" addr add 10.2.0.1/24 dev r1
ip -n "$RELAY" addr add 10.3.0.1/24 dev r2
ip -n "$SINK" addr add 10.2.0.2/24 dev s1
ip -n "$SINK" addr add 10.3.0.2/24 dev s2
for l in "$GEN g0" "$RELAY r0" "$RELAY r1" "$RELAY r2" "$SINK s1" "$SINK s2"; do
	set -- $l; ip -n "$1" link set "$2" up
done
ip -n "$RELAY" -br addr

step "mcrd starts in $RELAY with a configuration file (an mcr-nl batch file)"
cat >"$WORK/mcrd.conf" <<'CONF'
# camera feed: rewrite 239.1.1.1:5001 to 239.9.9.9:5099 towards the sink
rule add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099
CONF
cat "$WORK/mcrd.conf"
ip netns exec "$RELAY" "$B/mcrd" -c "$WORK/mcrd.conf" >"$WORK/mcrd.log" 2>&1 &
MCRD_PID=$!
for _ in $(seq 100); do nl daemon show >/dev/null 2>&1 && break; sleep 0.05; done
run nl daemon show

step "a monitor watches rule changes (events group)"
nl monitor >"$WORK/monitor.txt" 2>&1 &
MON_PID=$!
for _ in $(seq 50); do
	[ "$(ip netns exec "$RELAY" awk '$2 == 2 && $4 != "00000000"' /proc/net/netlink | wc -l)" -ge 1 ] && break
	sleep 0.1
done

step "add rules: fan-out to two interfaces, a source-specific input, TTL and source modes"
run nl rule add iif r0 group 239.2.2.2 port 6000 oif r1 oif r2 group 239.8.8.8 port 6001 ttl 16
run nl rule add iif r0 src 10.1.0.2 group 239.3.3.3 oif r2 src keep
run nl rule add iif r9 group 239.4.4.4 oif r1
echo "(r9 does not exist yet: the rule is kept as pending)"

step "show the rules (text, then JSON with counters; -d: which path each output takes)"
run nl -d rule show
run nl -s -j -p rule show

step "traffic: 3 streams of 20,000 packets from $GEN, counted in $SINK"
for _ in $(seq 100); do
	[ "$(nl -j rule show | python3 -c 'import json,sys; print(sum(r["active"] for r in json.load(sys.stdin)))')" = 3 ] && break
	sleep 0.05
done
rm -f "$WORK/ready1" "$WORK/ready2"
ip netns exec "$SINK" timeout 30 "$B/mcr-sink" -i s1 --ready-file "$WORK/ready1" -c 40000 --idle 1 \
	239.9.9.9:5099 239.2.2.2:6000 >"$WORK/sink1.txt" 2>&1 &
SINK_PID=$!
ip netns exec "$SINK" timeout 30 "$B/mcr-sink" -i s2 --ready-file "$WORK/ready2" -c 40000 --idle 1 \
	239.8.8.8:6001 239.3.3.3:7000 >"$WORK/sink2.txt" 2>&1 &
SINK2_PID=$!
for _ in $(seq 100); do [ -e "$WORK/ready1" ] && [ -e "$WORK/ready2" ] && break; sleep 0.05; done
run ip netns exec "$GEN" "$B/mcr-gen" -i g0 -t 8 -r 30k -c 60000 \
	239.1.1.1:5001 239.2.2.2:6000 239.3.3.3:7000
wait "$SINK_PID" "$SINK2_PID"; SINK_PID=
echo "-- $SINK on s1 (239.1.1.1:5001 rewritten to 239.9.9.9:5099; 239.2.2.2:6000 unchanged):"
cat "$WORK/sink1.txt"
echo "-- $SINK on s2 (239.2.2.2:6000 as 239.8.8.8:6001 TTL 16; 239.3.3.3 by the kernel):"
cat "$WORK/sink2.txt"

# a send counts when it completes: give the last batch its moment (bounded)
for _ in $(seq 20); do
	[ "$(nl -s -j rule show | python3 -c 'import json,sys
print(all(r["packets"] == o["packets"] + o["dropped"] for r in json.load(sys.stdin)
	for o in r["outputs"] if o["path"] == "worker" and not r["pending"]))')" = True ] && break
	sleep 0.05
done
step "the counters: per rule, per output, per worker, per kernel entry"
run nl -s rule show
run nl -s worker show
run nl -s mroute show

step "mistakes get clear errors and change nothing"
run nl rule add iif r0 group 239.1.1.1 port 5001 oif r2 ; echo "exit $?"
run nl rule add iif r0 group 239.5.5.5 port 70000 oif r2 ; echo "exit $?"
run nl rule add iif r0 group 239.5.5.5 oif r0 ; echo "exit $?"

step "replace a rule in place (same id), delete another"
run nl rule replace iif r0 group 239.2.2.2 port 6000 oif r1 ttl 8
run nl rule del id 4
run nl rule show

step "save the running rules as a configuration file"
run nl rule save

step "what the monitor saw"
kill "$MON_PID" 2>/dev/null; wait "$MON_PID" 2>/dev/null; MON_PID=
cat "$WORK/monitor.txt"

step "daemon counters"
run nl stats show

step "SIGHUP reloads the file atomically: the file is the truth"
kill -HUP "$MCRD_PID"
for _ in $(seq 50); do [ "$(nl -j stats show | python3 -c 'import json,sys; print(json.load(sys.stdin)["reloads"])')" = 1 ] && break; sleep 0.1; done
run nl rule show
echo
echo "demo done: mcrd log follows"
cat "$WORK/mcrd.log"
