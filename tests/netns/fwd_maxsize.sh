#!/bin/bash
# The largest datagrams: UDP payloads up to 65,507 bytes (an IPv4 packet of
# 65,535), sent as one frame on 65,535-byte MTU links, and as fragments on
# 1,500-byte links that the fanout group reassembles. Each is forwarded
# whole (a ring block holds the largest datagram: none is truncated) and
# arrives once, intact (the receiving socket checks the UDP checksum and
# the test the bytes).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
SNS=$(sink_ns 1)
SIZES="1000 9000 30000 65000 65507"

fwd_mcrd
fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099
R=$RULE_ID
before=$(fwd_swaps)
ip -n "$SNS" link set s0 mtu 65535
ip -n "$NS" link set r1 mtu 65535
fwd_wait_swaps "$before"

# run NAME: the sink counts what arrives of SIZES (pattern checked) until
# 1 s without traffic; the generator sends one datagram of each size
run() {
	local name=$1
	ip netns exec "$SNS" "$PY" -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("239.9.9.9", 5099))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.9.9.9"), socket.inet_aton("10.2.0.2")))
open(sys.argv[1], "w").close()
s.settimeout(3)
got = []
try:
    while len(got) < 20:
        d = s.recv(70000)
        got.append(len(d) if d == bytes(i % 251 for i in range(len(d))) else -len(d))
        s.settimeout(1)
except socket.timeout:
    pass
print(" ".join(map(str, got)))' "$WORK/$name.ready" >"$WORK/$name.out" 2>&1 &
	local rx=$!
	for _ in $(seq 100); do [ -e "$WORK/$name.ready" ] && break; sleep 0.02; done
	ip netns exec "$GNS" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.1.0.1"))
for n in map(int, sys.argv[1:]):
    s.sendto(bytes(i % 251 for i in range(n)), ("239.1.1.1", 5001))' $SIZES
	wait "$rx"
}

run frags
check_eq "fragmented on the way in: each arrives once, whole and intact" "$SIZES" \
	"$(cat "$WORK/frags.out")"

before=$(fwd_swaps)
ip -n "$GNS" link set g0 mtu 65535
ip -n "$NS" link set r0 mtu 65535
fwd_wait_swaps "$before"
run whole
check_eq "one frame each on the way in: each arrives once, whole and intact" "$SIZES" \
	"$(cat "$WORK/whole.out")"

fwd_invariant whole
check_eq "matched, sent, too_big" "10 10 0" \
	"$(fwd_rj "$R" '"%d %d %d" % (j["packets"], j["outputs"][0]["packets"],
		j["outputs"][0]["drops"]["too_big"])')"
check_eq "no frame truncated in the ring" 0 "$(fwd_wj 'sum(w["rx_drops"]["truncated"] for w in j)')"
finish
