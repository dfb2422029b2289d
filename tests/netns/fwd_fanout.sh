#!/bin/bash
# One input to several outputs: three interfaces (r1, r2, r3, one sink
# namespace each) with different groups, ports, TTL and source modes, then
# three outputs on one interface. Every sink gets every packet exactly
# once; each output's counter equals the count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 3
fwd_mcrd
N=3000

# ---- three interfaces ------------------------------------------------------
fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.1.1 port 6001 \
	oif r2 group 239.9.2.2 port 6002 ttl 5 oif r3 group 239.9.3.3 port 6003 src keep
R3=$RULE_ID
fwd_sink a 1 -e $N --idle 0.5 239.9.1.1:6001 && fwd_sink b 2 -e $N --idle 0.5 239.9.2.2:6002 &&
	fwd_sink c 3 -e $N --idle 0.5 239.9.3.3:6003 &&
	fwd_gen three -r 20k -c $N 239.1.1.1:5001
for s in a b c; do
	fwd_sink_wait "$s"
	check_eq "sink $s: exact" "1 [[$N, 0, 0, 0, 0, 0, 0]]" "$(sj "$s" 'len(j["streams"])') $(per_stream "$s")"
	check_eq "sink $s: nothing else" "0 0" "$(sj "$s" '"%d %d" % (j["total"]["invalid"], j["total"]["foreign"])')"
done
check_eq "sink a: group, port, ttl, src" '["239.9.1.1", 6001, 7, "10.2.0.1"]' \
	"$(sj a '[j["streams"][0][k] for k in ("group", "port", "ttl", "src")]')"
check_eq "sink b: group, port, ttl, src" '["239.9.2.2", 6002, 5, "10.3.0.1"]' \
	"$(sj b '[j["streams"][0][k] for k in ("group", "port", "ttl", "src")]')"
check_eq "sink c: group, port, ttl, src" '["239.9.3.3", 6003, 7, "10.1.0.1"]' \
	"$(sj c '[j["streams"][0][k] for k in ("group", "port", "ttl", "src")]')"
fwd_invariant three
check_eq "three: matched, and sent per output" "$N [$N, $N, $N] [0, 0, 0]" \
	"$(fwd_rj "$R3" '"%d %s %s" % (j["packets"], [o["packets"] for o in j["outputs"]],
		[o["dropped"] for o in j["outputs"]])')"
check_eq "three: the worker read N, sent 3 N" "$N $((3 * N))" \
	"$(fwd_wj '"%d %d" % (j[0]["packets"], j[0]["tx_packets"])')"

# ---- three outputs on one interface ------------------------------------------
fwd_rule_add iif r0 group 239.1.1.2 port 5001 oif r1 group 239.9.1.2 port 6001 \
	oif r1 group 239.9.1.3 port 6001 oif r1 group 239.9.1.2 port 6002
R1=$RULE_ID
fwd_sink one 1 -e $N --idle 0.5 239.9.1.2:6001,239.9.1.3:6001,239.9.1.2:6002 &&
	fwd_gen one -r 20k -c $N 239.1.1.2:5001
fwd_sink_wait one
check_eq "one interface: three exact streams" "3 [[$N, 0, 0, 0, 0, 0, 0]]" \
	"$(sj one 'len(j["streams"])') $(per_stream one)"
check_eq "one interface: their groups and ports" \
	'[["239.9.1.2", 6001], ["239.9.1.2", 6002], ["239.9.1.3", 6001]]' \
	"$(sj one 'sorted([s["group"], s["port"]] for s in j["streams"])')"
fwd_invariant one
check_eq "one interface: matched, and sent per output" "$N [$N, $N, $N]" \
	"$(fwd_rj "$R1" '"%d %s" % (j["packets"], [o["packets"] for o in j["outputs"]])')"
check_eq "first rule untouched" "$N" "$(fwd_rj "$R3" 'j["packets"]')"
check_eq "workers: all sent, nothing dropped" "$((6 * N)) 0 0" \
	"$(fwd_wj '"%d %d %d" % (j[0]["tx_packets"], sum(j[0]["out_drops"].values()), j[0]["ring_drops"])')"
finish
