#!/bin/bash
# Fragmented input. mcr-gen's datagrams of 4000 bytes leave g0 (MTU 1500)
# as three fragments each; the relay's fanout group reassembles them
# (PACKET_FANOUT_FLAG_DEFRAG), so a worker sees one whole datagram:
# - output MTU 9000 (r1 and s0): it is sent whole, unfragmented; the sink
#   receives every datagram exactly once and intact, the capture shows
#   4028-byte IP datagrams with valid checksums and no fragment;
# - output MTU 1500: every datagram is dropped as too_big (mcr does not
#   fragment), nothing reaches the sink;
# - the same with two workers (reassembly happens before the fanout hash);
# - rawsend.py first fragments that are never completed: no worker sees
#   them (the kernel keeps them for reassembly until they expire), nothing
#   is forwarded, and a good stream passes afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_need_tcpdump
fwd_setup 1
N=500
S=4000
SNS=$(sink_ns 1)

# mtu M: r1 and s0 to M; waits for a table built after the change.
mtu() {
	local before
	before=$(fwd_swaps)
	ip -n "$SNS" link set s0 mtu "$1"
	ip -n "$NS" link set r1 mtu "$1"
	fwd_wait_swaps "$before"
}

# frag_cases WORKERS
frag_cases() {
	local w=$1 r
	fwd_mcrd --log "$WORK/mcrd_$w.log" --workers "$w"
	fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099
	r=$RULE_ID
	mtu 9000
	fwd_cap_start "in$w" "$NS" r0 && fwd_cap_start "whole$w" "$SNS" s0 &&
		fwd_sink "whole$w" 1 -e $N --idle 0.5 239.9.9.9:5099 &&
		fwd_gen "whole$w" -r 5k -c $N -s $S 239.1.1.1:5001
	fwd_sink_wait "whole$w"
	fwd_cap_stop "in$w" $((3 * N))
	fwd_cap_stop "whole$w" $N
	check_eq "whole$w: the input was fragmented: frames, fragments" "$((3 * N)) $((3 * N))" \
		"$(fwd_pj "in$w" '"%d %d" % (j["udp"], j["fragments"])')"
	check_eq "whole$w: the sink got every datagram whole" "[[$N, 0, 0, 0, 0, 0, 0]] $((N * S))" \
		"$(per_stream "whole$w") $(sj "whole$w" 'j["total"]["bytes"]')"
	check_eq "whole$w: capture: one unfragmented datagram each, valid" \
		"[$N, 0, 0, 0, 0, [$((S + 28))], [7], [\"239.9.9.9\"]]" \
		"$(fwd_pj "whole$w" '[j["udp"], j["fragments"], j["bad_ip_csum"], j["bad_udp_csum"],
			j["bad_mac"], j["ip_lens"], j["ttls"], j["groups"]]')"
	fwd_invariant "whole$w"
	check_eq "whole$w: matched and sent" "$N $N" \
		"$(fwd_rj "$r" '"%d %d" % (j["packets"], j["outputs"][0]["packets"])')"
	check_eq "whole$w: the workers read datagrams, not fragments" "$N 0" \
		"$(fwd_wj '"%d %d" % (sum(w["packets"] for w in j), sum(w["rx_drops"]["fragment"] for w in j))')"

	mtu 1500
	fwd_sink "big$w" 1 -w 1 239.9.9.9:5099 && fwd_gen "big$w" -r 5k -c $N -s $S 239.1.1.1:5001
	fwd_sink_wait "big$w"
	check_eq "big$w: nothing arrived" 0 "$(sj "big$w" 'j["total"]["received"]')"
	fwd_invariant "big$w"
	check_eq "big$w: matched, sent, too_big" "$((2 * N)) $N $N" \
		"$(fwd_rj "$r" '"%d %d %d" % (j["packets"], j["outputs"][0]["packets"],
			j["outputs"][0]["drops"]["too_big"])')"

	fwd_raw frag 100 239.1.1.1 5001
	fwd_settle
	check_eq "frag$w: incomplete fragments: not read, not matched" "$((2 * N)) $((2 * N)) 0" \
		"$(fwd_wj 'sum(w["packets"] for w in j)') $(fwd_rj "$r" 'j["packets"]') $(fwd_wj \
			'sum(w["malformed"] for w in j)')"
	fwd_sink "after$w" 1 -e $N --idle 0.5 239.9.9.9:5099 && fwd_gen "after$w" -r 10k -c $N 239.1.1.1:5001
	fwd_sink_wait "after$w"
	check_eq "after$w: a good stream, exact" "[[$N, 0, 0, 0, 0, 0, 0]]" "$(per_stream "after$w")"
	fwd_invariant "after$w"
	mcrd_stop "$MCRD_PID"
	check_eq "mcrd ($w workers) exit status" 0 $?
}

frag_cases 1
frag_cases 2
finish
