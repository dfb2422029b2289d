#!/bin/bash
# Drops, each counted under its reason and never sent: TTL 1 input (ttl),
# an output MTU smaller than the datagram (too_big, never truncated: the
# sink gets nothing; one byte less fits), an output interface that is down
# (link_down), an output interface without an IPv4 address under "src
# ifaddr" (no_src), and malformed frames from rawsend.py, each in the
# worker's rx_drops reason, after which a good stream is forwarded exactly.
# After every case, per output: matched == sent + dropped, and the sent
# counter equals what the sink received.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
fwd_output_add --no-addr # r2: no IPv4 address
fwd_mcrd
N=500
fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099 \
	oif r2 group 239.9.9.8 port 5099
R=$RULE_ID
# what the counters must say, accumulated over the cases
M=0 S1=0 TTL=0 BIG=0 DOWN=0 RECV=0

# expect WHAT: the rule's counters against the model; output 2 (r2, no
# address) drops everything as no_src.
expect() {
	fwd_invariant "$1"
	check_eq "$1: matched; r1 sent, ttl, too_big, link_down; r2 sent, no_src" \
		"$M $S1 $TTL $BIG $DOWN 0 $M" \
		"$(fwd_rj "$R" '"%d %d %d %d %d %d %d" % (j["packets"], j["outputs"][0]["packets"],
			j["outputs"][0]["drops"]["ttl"], j["outputs"][0]["drops"]["too_big"],
			j["outputs"][0]["drops"]["link_down"], j["outputs"][1]["packets"],
			j["outputs"][1]["drops"]["no_src"])')"
	check_eq "$1: r1 sent what the sinks received" "$RECV" "$S1"
}

# run NAME SINK_ARGS -- GEN_ARGS: a sink on r1's side, then the generator.
run() {
	local name=$1 sargs=()
	shift
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	fwd_sink "$name" 1 "${sargs[@]}" 239.9.9.9:5099 && fwd_gen "$name" -r 10k "$@" 239.1.1.1:5001
	fwd_sink_wait "$name"
	RECV=$((RECV + $(sj "$name" 'j["total"]["received"]')))
}

# ---- a good stream first: the counters work -----------------------------------
run good -e $N --idle 0.5 -- -c $N
check_eq "good: exact" "[[$N, 0, 0, 0, 0, 0, 0]]" "$(per_stream good)"
M=$((M + N)) S1=$((S1 + N))
expect good

# ---- TTL 1 --------------------------------------------------------------------------
run ttl1 -w 1 -- -c $N -t 1
check_eq "ttl1: the sink got nothing" 0 "$(sj ttl1 'j["total"]["received"]')"
M=$((M + N)) TTL=$((TTL + N))
expect ttl1
fwd_raw ttl1 100 239.1.1.1 5001
M=$((M + 100)) TTL=$((TTL + 100))
expect "ttl1 (rawsend)"

# ---- output MTU 1000: a 1001-byte datagram is too big, 1000 bytes fit ----------------
before=$(fwd_swaps)
ip -n "$NS" link set r1 mtu 1000
ip -n "$(sink_ns 1)" link set s0 mtu 1000
fwd_wait_swaps "$before"
run big -w 1 -- -c $N -s 973
check_eq "big: the sink got nothing (no truncated datagram either)" "0 0" \
	"$(sj big '"%d %d" % (j["total"]["received"], j["total"]["wrong_length"])')"
M=$((M + N)) BIG=$((BIG + N))
expect "too big"
run fits -e $N --idle 0.5 -- -c $N -s 972
check_eq "fits: 1000-byte datagrams, exact" "[[$N, 0, 0, 0, 0, 0, 0]] $((N * 972))" \
	"$(per_stream fits) $(sj fits 'j["total"]["bytes"]')"
M=$((M + N)) S1=$((S1 + N))
expect "fits the MTU"
run big1024 -w 1 -- -c $N -s 1024
M=$((M + N)) BIG=$((BIG + N))
expect "too big (1024-byte payloads)"
before=$(fwd_swaps)
ip -n "$NS" link set r1 mtu 1500
ip -n "$(sink_ns 1)" link set s0 mtu 1500
fwd_wait_swaps "$before"

# ---- output interface down ---------------------------------------------------------------
before=$(fwd_swaps)
ip -n "$NS" link set r1 down
fwd_wait_swaps "$before"
run down -w 1 -- -c $N
M=$((M + N)) DOWN=$((DOWN + N))
expect "link down"
before=$(fwd_swaps)
ip -n "$NS" link set r1 up
fwd_wait_swaps "$before"
run up -e $N --idle 0.5 -- -c $N
check_eq "up again: exact" "[[$N, 0, 0, 0, 0, 0, 0]]" "$(per_stream up)"
M=$((M + N)) S1=$((S1 + N))
expect "link up again"

# ---- malformed frames --------------------------------------------------------------------
# kind:reason pairs; "-" marks kinds the kernel's BPF filter drops before the
# ring (not IPv4 UDP to a group, or shorter than its offsets): no worker
# sees them.
K=50
rx0=$(fwd_wj 'sum(w["packets"] for w in j)')
for kr in bad-ip-csum:bad_ip_csum short:- bad-len:bad_len not-udp:- bad-src:bad_src udp-len:udp_len; do
	kind=${kr%%:*} reason=${kr#*:}
	d0=$(fwd_wj 'json.dumps([w["rx_drops"] for w in j])')
	r0=$(fwd_wj 'sum(w["packets"] for w in j)')
	fwd_raw "$kind" $K 239.1.1.1 5001
	fwd_settle
	if [ "$reason" = - ]; then
		check_eq "$kind: filtered in the kernel: no worker read one" "$r0 {}" \
			"$(fwd_wj 'sum(w["packets"] for w in j)') $(fwd_wj "{k: v for k, v in
				(lambda a, b: [(k, b[k] - a[k]) for k in b])(json.loads('$d0')[0], j[0]['rx_drops']) if v}")"
	else
		check_eq "$kind: read, counted as $reason only" "$((r0 + K)) {\"$reason\": $K}" \
			"$(fwd_wj 'sum(w["packets"] for w in j)') $(fwd_wj "{k: v for k, v in
				(lambda a, b: [(k, b[k] - a[k]) for k in b])(json.loads('$d0')[0], j[0]['rx_drops']) if v}")"
	fi
done
check_eq "malformed: the worker's malformed sum" "$((4 * K))" "$(fwd_wj 'j[0]["malformed"]')"
check_eq "malformed: read by the worker" "$((rx0 + 4 * K))" "$(fwd_wj 'sum(w["packets"] for w in j)')"
expect "after malformed frames (nothing matched)"
run after -e $N --idle 0.5 -- -c $N
check_eq "after: a good stream, exact" "[[$N, 0, 0, 0, 0, 0, 0]]" "$(per_stream after)"
M=$((M + N)) S1=$((S1 + N))
expect "after malformed"

# the workers' sums agree with the rule's
check_eq "workers: out_drops by reason" "$TTL $BIG $DOWN $M 0 0" \
	"$(fwd_wj '" ".join(str(j[0]["out_drops"][k]) for k in ("ttl", "too_big", "link_down",
		"no_src", "tx_ring_full", "tx_error"))')"
check_eq "workers: tx = r1 sent; no_match 0; ring drops 0" "$S1 0 0" \
	"$(fwd_wj '"%d %d %d" % (j[0]["tx_packets"], j[0]["no_match"], j[0]["ring_drops"])')"
check_eq "daemon alive" 0 "$(kill -0 "$MCRD_PID"; echo $?)"
finish
