#!/bin/bash
# Deleting a rule under traffic: its output stops within a second of the
# delete returning (a capture of the output group holds no frame after that
# second, and a sink joined after it receives nothing while the generator
# still sends), the relay leaves the group (/proc/net/igmp), and a second
# rule on the same input keeps forwarding every packet of its stream.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_need_tcpdump
fwd_setup 1
fwd_mcrd
K=25000 # packets per stream: two streams at 5,000 pps each, 5 s
fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.1 port 5099
A=$RULE_ID
fwd_rule_add iif r0 group 239.1.1.2 port 5001 oif r1 group 239.9.9.2 port 5099
B=$RULE_ID
fwd_wait_igmp "$NS" r0 239.1.1.1 yes
fwd_wait_igmp "$NS" r0 239.1.1.2 yes

fwd_cap_start a "$(sink_ns 1)" s0 udp and dst host 239.9.9.1 &&
	fwd_sink b 1 -e $K --idle 1 239.9.9.2:5099 &&
	fwd_sink a1 1 -c 2000 239.9.9.1:5099 &&
	fwd_gen_bg del -r 10k -c $((2 * K)) 239.1.1.1:5001,239.1.1.2:5001
fwd_sink_wait a1
check_eq "before: A forwards (at least 2000, none lost, doubled, late)" "True 0 0 0 0" \
	"$(sj a1 '"%s %d %d %d %d" % tuple([j["total"]["received"] >= 2000] +
		[j["total"][k] for k in ("lost", "duplicated", "reordered", "corrupt")])')"

T_ASK=$(date +%s.%N)
check_rc "delete A" 0 nl rule del iif r0 group 239.1.1.1 port 5001
T_DEL=$(date +%s.%N)
# the measurement itself: one second for the rule's output to stop
sleep 1
fwd_sink a2 1 -w 1 239.9.9.1:5099
fwd_sink_wait a2
running=no
kill -0 "$GEN_PID" 2>/dev/null && running=yes
check_eq "the generator still sent A's group after the window" yes $running
check_eq "after delete + 1 s: nothing of A arrives" "0 0" \
	"$(sj a2 '"%d %d" % (len(j["streams"]), j["total"]["received"])')"
fwd_gen_wait del
fwd_sink_wait b
fwd_cap_stop a
check_eq "capture: no frame of A later than delete + 1 s" 0 \
	"$(fwd_pj a 'j["after"]' "$(echo "$T_DEL + 1" | bc)")"
check_eq "capture: A's frames before, all valid" "True 0 0" \
	"$(fwd_pj a '"%s %d %d" % (j["udp"] >= 2000, j["bad_ip_csum"], j["bad_udp_csum"])')"
say "A's last frame $(fwd_pj a "round((j['last_ts'] - $T_ASK) * 1000, 1)") ms after the delete" \
	"was asked for, which took $(echo "($T_DEL - $T_ASK) * 1000 / 1" | bc) ms"
fwd_wait_igmp "$NS" r0 239.1.1.1 no
fwd_wait_igmp "$NS" r0 239.1.1.2 yes

check_eq "B: exact through A's delete" "1 [[$K, 0, 0, 0, 0, 0, 0]]" \
	"$(sj b 'len(j["streams"])') $(per_stream b)"
check_eq "only B is left" "[$B]" "$(nl -j rule show | json '[r["id"] for r in j]')"
fwd_invariant delete
check_eq "B: counters" "$K $K" "$(fwd_rj "$B" '"%d %d" % (j["packets"], j["outputs"][0]["packets"])')"
check_eq "A: gone" "" "$(nl rule get id "$A" 2>/dev/null)"

# the last rule of the input: the relay leaves its last group too
check_rc "delete B" 0 nl rule del id "$B"
fwd_wait_igmp "$NS" r0 239.1.1.2 no
check_eq "no rule, no membership left on r0" "" "$(fwd_igmp "$NS" r0 | grep -v '^224\.0\.0\.1$')"
finish
