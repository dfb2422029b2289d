#!/bin/bash
# The rewrite of one stream 239.1.1.1:5001 -> 239.9.9.9:5099 through mcrd,
# judged by mcr-sink (every packet once, in order, intact) and by a capture
# in the sink namespace checked by pcapcheck.py (valid IP and UDP
# checksums, the multicast MAC, only the new group and port, the TTL, the
# source, r1's MAC): for each source mode (ifaddr, keep, an address), a
# fixed TTL, the three kinds of UDP checksum that arrive (CHECKSUM_PARTIAL
# from a local socket on veth, complete from mcr-gen --raw, zero from
# rawsend.py) and IP options.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_need_tcpdump
fwd_setup 1
fwd_mcrd
SNS=$(sink_ns 1)
MAC1=$(fwd_mac r1)
N=1000
IN=239.1.1.1:5001
RULE="iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099"

# pcap_is NAME WHAT COUNT GROUP PORT TTL SRC: the capture holds COUNT UDP
# frames, all with valid checksums and MAC, to GROUP:PORT with TTL from
# SRC, sent by r1.
pcap_is() {
	check_eq "$1: capture ($2)" "[$3, $3, 0, 0, 0, 0, [\"$4\"], [$5], [$6], [\"$7\"], [\"$MAC1\"]]" \
		"$(fwd_pj "$1" '[j["frames"], j["udp"], j["bad_ip_csum"], j["bad_udp_csum"], j["bad_mac"],
			j["fragments"], j["groups"], j["ports"], j["ttls"], j["srcs"], j["smacs"]]')"
}

# stream NAME SRC TTL RULE_EXTRA -- GEN_ARGS: one rule, one capture, one
# sink, N packets; checks the sink's numbers, the capture and the counters.
stream() {
	local name=$1 src=$2 ttl=$3
	shift 3
	local extra=()
	while [ "$1" != -- ]; do extra+=("$1"); shift; done
	shift
	fwd_rule_add $RULE "${extra[@]}" || return
	fwd_cap_start "$name" "$SNS" s0 && fwd_cap_start "${name}_in" "$NS" r0 &&
		fwd_sink "$name" 1 -e $N --idle 0.5 239.9.9.9:5099 &&
		fwd_gen "$name" -r 10k -c $N "$@" $IN
	fwd_sink_wait "$name"
	fwd_cap_stop "$name" $N
	fwd_cap_stop "${name}_in" $N
	check_eq "$name: sink exact" "[[$N, 0, 0, 0, 0, 0, 0]]" "$(per_stream "$name")"
	check_eq "$name: what arrived" "[1, \"239.9.9.9\", 5099, \"$src\", $ttl, 0, 0, 0]" \
		"$(sj "$name" '[len(j["streams"]), j["streams"][0]["group"], j["streams"][0]["port"],
			j["streams"][0]["src"], j["streams"][0]["ttl"], j["total"]["invalid"],
			j["total"]["foreign"], j["total"]["rcvbuf_drops"]]')"
	pcap_is "$name" output $N 239.9.9.9 5099 "$ttl" "$src"
	fwd_invariant "$name"
	check_eq "$name: counters (matched, sent, dropped)" "$N $N 0" \
		"$(fwd_rj "$RULE_ID" '"%d %d %d" % (j["packets"], j["outputs"][0]["packets"],
			j["outputs"][0]["dropped"])')"
	check_rc "$name: flush" 0 nl rule flush
}

# ---- source modes, TTL; input from a UDP socket: CHECKSUM_PARTIAL ---------
stream ifaddr 10.2.0.1 7 --
check_eq "ifaddr: the input really had partial UDP checksums" "$N $N 0" \
	"$(fwd_pj ifaddr_in '"%d %d %d" % (j["udp"], j["bad_udp_csum"], j["bad_ip_csum"])')"
stream keep 10.1.0.1 7 src keep --
stream addr 10.2.0.99 7 src 10.2.0.99 --
stream ttl3 10.2.0.1 3 ttl 3 --
stream ttl3keep 10.1.0.1 3 ttl 3 src keep -- -t 200

# ---- complete checksums: mcr-gen --raw ------------------------------------
stream raw 10.2.0.1 7 -- --raw --source 10.1.0.1:4444 -s 100
check_eq "raw: the input had complete checksums" "$N 0 0" \
	"$(fwd_pj raw_in '"%d %d %d" % (j["udp"], j["bad_udp_csum"], j["bad_ip_csum"])')"

# ---- rawsend.py frames: zero UDP checksum, IP options ------------------------
# raw_case NAME KIND COUNT: COUNT frames of KIND through the rule.
raw_case() {
	fwd_rule_add $RULE || return
	fwd_cap_start "$1" "$SNS" s0 && fwd_raw "$2" "$3" 239.1.1.1 5001
	fwd_cap_stop "$1" "$3"
	fwd_invariant "$1"
	check_eq "$1: counters (matched, sent, dropped)" "$3 $3 0" \
		"$(fwd_rj "$RULE_ID" '"%d %d %d" % (j["packets"], j["outputs"][0]["packets"],
			j["outputs"][0]["dropped"])')"
}

raw_case zero zero-csum 200
pcap_is zero output 200 239.9.9.9 5099 7 10.2.0.1
check_eq "zero: the UDP checksum stayed 0" 200 "$(fwd_pj zero 'j["zero_udp_csum"]')"
check_rc "zero: flush" 0 nl rule flush

raw_case options options 200
pcap_is options output 200 239.9.9.9 5099 7 10.2.0.1
check_eq "options: carried, lengths kept" '[["01010100"], [96], 0]' \
	"$(fwd_pj options '[j["options"], j["ip_lens"], j["zero_udp_csum"]]')"
check_rc "options: flush" 0 nl rule flush

# a rule on a port the frames do not use takes none of them
fwd_rule_add iif r0 group 239.1.1.1 port 5002 oif r1 group 239.9.9.9 port 5099
fwd_raw good 100 239.1.1.1 5001
fwd_settle
check_eq "other port: matched nothing, no_match 100" "0 100" \
	"$(fwd_rj "$RULE_ID" 'j["packets"]') $(fwd_wj 'sum(w["no_match"] for w in j)')"

mcrd_stop "$MCRD_PID"
check_eq "mcrd exit status" 0 $?
finish
