#!/bin/bash
# Many concurrent streams, one rule each (added from one mcr-nl batch):
# 1, 2, 5, 50, 500 and 2,000 streams, each rewritten to its own group and
# port 6001; every stream exact at the sink (no loss, no duplicate, no
# reordering), every rule's counters equal to its stream, and the relay's
# /proc/net/igmp lists every input group while they run and none after the
# flush. (The Rust MCR broke at 2 and at 40 streams.) Crosses the BPF group
# list limit (32) and the all-multicast threshold (256 groups).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
fwd_mcrd

# igmp_check PREFIX N: polls (at most 5 s) until r0 of the relay has joined
# exactly the N groups PREFIX.0.1 + i; prints what differs.
igmp_check() {
	local i got
	for i in $(seq 100); do
		got=$(fwd_igmp "$NS" r0 | "$PY" -c '
import ipaddress, sys
pre, n = sys.argv[1], int(sys.argv[2])
base = int(ipaddress.ip_address(pre + ".0.1"))
want = {str(ipaddress.ip_address(base + i)) for i in range(n)}
have = {l for l in sys.stdin.read().split() if l.startswith(pre + ".")}
print("ok" if have == want else "missing %d extra %d" % (len(want - have), len(have - want)))' "$1" "$2")
		[ "$got" = ok ] && break
		sleep 0.05
	done
	check_eq "$3: relay's memberships on r0" ok "$got"
}

# streams N PER_STREAM RATE CASE: N rules, N streams of PER_STREAM packets.
streams() {
	local n=$1 k=$2 rate=$3 c=$4 t0 name=s$1
	local gin=239.$((10 + c)) gout=239.$((110 + c))
	"$PY" - "$WORK/$name.batch" "$n" "$gin" "$gout" <<'PY'
import ipaddress, sys
path, n, gin, gout = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
bi, bo = (int(ipaddress.ip_address(g + ".0.1")) for g in (gin, gout))
with open(path, "w") as f:
    for i in range(n):
        f.write("rule add iif r0 group %s port 5001 oif r1 group %s port 6001\n"
                % (ipaddress.ip_address(bi + i), ipaddress.ip_address(bo + i)))
PY
	t0=$(date +%s%N)
	check_rc "$name: batch of $n rules" 0 nl -b "$WORK/$name.batch"
	fwd_wait_active
	igmp_check "$gin" "$n" "$name"
	say "$name: $n rules active, groups joined in $((($(date +%s%N) - t0) / 1000000)) ms"
	fwd_sink "$name" 1 -e "$k" --idle 1 --streams "$n" --group-base "$gout.0.1" --port-base 6001 &&
		fwd_gen "$name" -r "$rate" -c $((n * k)) --streams "$n" --group-base "$gin.0.1" \
			--port-base 5001 -s 256
	fwd_sink_wait "$name"
	igmp_check "$gin" "$n" "$name after the traffic"
	check_eq "$name: streams at the sink" "$n" "$(sj "$name" 'len(j["streams"])')"
	check_eq "$name: every stream exact" "[[$k, 0, 0, 0, 0, 0, 0]]" "$(per_stream "$name")"
	check_eq "$name: stream i on group i" true \
		"$(sj "$name" "all(s['group'] == '$gout.%d.%d' % ((s['stream'] + 1) // 256,
			(s['stream'] + 1) % 256) and s['port'] == 6001 for s in j['streams'])")"
	check_eq "$name: nothing foreign, no socket drops" "0 0 0" \
		"$(sj "$name" '"%d %d %d" % (j["total"]["foreign"], j["total"]["invalid"], j["total"]["rcvbuf_drops"])')"
	fwd_invariant "$name"
	check_eq "$name: every rule matched and sent its stream" "$n [[$k, $k]]" \
		"$(nl -s -j rule show | json '"%d %s" % (len(j), [list(x) for x in sorted(set((r["packets"],
			r["outputs"][0]["packets"]) for r in j))])')"
	check_eq "$name: no ring drops" 0 "$(fwd_wj 'sum(w["ring_drops"] for w in j)')"
	check_rc "$name: flush" 0 nl rule flush
	igmp_check "$gin" 0 "$name after flush"
}

streams 1 3000 20k 0
streams 2 1500 20k 1
streams 5 600 20k 2
streams 50 60 20k 3
streams 500 20 30k 4
streams 2000 10 30k 5
check_eq "workers: total sent = total received by the sinks" \
	"$((3000 + 3000 + 3000 + 3000 + 10000 + 20000))" "$(fwd_wj 'sum(w["tx_packets"] for w in j)')"
finish
