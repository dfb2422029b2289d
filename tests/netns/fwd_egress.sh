#!/bin/bash
# The basic exact-once case with every egress mode (mcrd --egress uring,
# mmsg, ring), one and two workers: a stream from a UDP socket
# (CHECKSUM_PARTIAL input) and one from mcr-gen --raw (complete checksums),
# each packet once, in order, intact at the sink; a capture with valid
# checksums, the new group, port and TTL; the counters equal to the count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_need_tcpdump
fwd_setup 1
SNS=$(sink_ns 1)
N=2000

# one_mode MODE WORKERS: mcrd with that egress, two streams through it.
one_mode() {
	local m=$1 w=$2 name
	mcrd_start --log "$WORK/mcrd_${m}_$w.log" --egress "$m" --workers "$w"
	check_match "$m: mcrd says its workers and egress" "$w workers, fanout hash, egress $m(,|$)" \
		"$(cat "$WORK/mcrd_${m}_$w.log")"
	fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099
	fwd_rule_add iif r0 group 239.1.1.2 port 5001 oif r1 group 239.9.9.10 port 5100 ttl 4
	for name in "${m}_$w" "${m}_${w}_raw"; do
		local extra=()
		case $name in *_raw) extra=(--raw --source 10.1.0.1:4444 -s 512) ;; esac
		fwd_cap_start "$name" "$SNS" s0 &&
			fwd_sink "$name" 1 -e $((N / 2)) --idle 0.5 239.9.9.9:5099,239.9.9.10:5100 &&
			fwd_gen "$name" -r 20k -c $N "${extra[@]}" 239.1.1.1:5001,239.1.1.2:5001
		fwd_sink_wait "$name"
		fwd_cap_stop "$name" $N
		check_eq "$name: sink exact" "2 [[$((N / 2)), 0, 0, 0, 0, 0, 0]]" \
			"$(sj "$name" 'len(j["streams"])') $(per_stream "$name")"
		check_eq "$name: streams" '[["239.9.9.9", 5099, 7, "10.2.0.1"], ["239.9.9.10", 5100, 4, "10.2.0.1"]]' \
			"$(sj "$name" '[[s["group"], s["port"], s["ttl"], s["src"]] for s in j["streams"]]')"
		check_eq "$name: capture" "[$N, 0, 0, 0, 0, [\"239.9.9.10\", \"239.9.9.9\"], [5099, 5100], [4, 7]]" \
			"$(fwd_pj "$name" '[j["udp"], j["bad_ip_csum"], j["bad_udp_csum"], j["zero_udp_csum"],
				j["bad_mac"], j["groups"], j["ports"], j["ttls"]]')"
	done
	fwd_invariant "$m"
	check_eq "$m: per rule: matched, sent" "[[$N, $N], [$N, $N]]" \
		"$(nl -s -j rule show | json '[[r["packets"], r["outputs"][0]["packets"]] for r in j]')"
	check_eq "$m: workers sent all, dropped none" "$((2 * N)) 0 0" \
		"$(fwd_wj '"%d %d %d" % (sum(w["tx_packets"] for w in j),
			sum(sum(w["out_drops"].values()) for w in j), sum(w["ring_drops"] for w in j))')"
	mcrd_stop "$MCRD_PID"
	check_eq "$m: mcrd exit status" 0 $?
}

for m in uring mmsg ring; do
	one_mode "$m" 1
done
one_mode ring 2
finish
