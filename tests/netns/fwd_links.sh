#!/bin/bash
# Interfaces that come, go and change under rules:
# - a rule whose input does not exist yet is pending, not active; it becomes
#   active when the interface appears and then forwards;
# - a rule whose output does not exist yet is pending, not active, sends
#   nothing; the output appears and the rule forwards;
# - an output that goes down (admin down, and carrier lost when the far end
#   goes down) counts link_down while down; forwarding resumes after;
# - an address change on the output changes the source of what is forwarded
#   ("src ifaddr"; no address at all in between counts no_src);
# - the input deleted and created again (same name, new ifindex): the rule
#   (same id) goes pending and back, the relay joins again, forwarding
#   resumes without touching the rule;
# - an idle worker stays idle after its input went down and up (no busy
#   loop on the socket's error).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
fwd_mcrd
N=500

# stream NAME K GROUP: N packets to GROUP:5001 (out of $GEN_IF), exact at
# output K's sink on 239.9.9.x:5099 (x = GROUP's last byte).
stream() {
	local out=239.9.9.${3##*.}:5099
	fwd_sink "$1" "$2" -e $N --idle 0.5 "$out" && fwd_gen "$1" -r 10k -c $N "$3:5001"
	fwd_sink_wait "$1"
	check_eq "$1: exact" "1 [[$N, 0, 0, 0, 0, 0, 0]]" "$(sj "$1" 'len(j["streams"])') $(per_stream "$1")"
}

# idle_wakeups: the workers' wakeups in 0.5 s without traffic (the
# measurement window is the sleep).
idle_wakeups() {
	local w0
	w0=$(fwd_wj 'sum(w["wakeups"] for w in j)')
	sleep 0.5
	echo $(($(fwd_wj 'sum(w["wakeups"] for w in j)') - w0))
}

# ---- a rule on interfaces that are there; idle means idle ----------------------------
fwd_rule_add iif r0 group 239.1.1.7 port 5001 oif r1 group 239.9.9.7 port 5099
Q=$RULE_ID
stream before_down 1 239.1.1.7
check_eq "idle workers wake up (almost) never" true \
	"$(w=$(idle_wakeups); say "wakeups in 0.5 s idle, at the start: $w" >&2; [ "$w" -lt 50 ] && echo true)"

# ---- an input that appears later ------------------------------------------------
check_rc "rule on a missing input" 0 nl rule add iif r5 group 239.1.1.5 port 5001 \
	oif r1 group 239.9.9.5 port 5099
check_match "the add warns" "r5 does not exist yet" "$OUT"
P_IN=$(nl -j rule show | json 'max(r["id"] for r in j)')
check_eq "missing input: pending, not active" "true false" "$(flags "$P_IN")"
fwd_input_add r5 g5 10.5.0
wait_flags "$P_IN" "false true"
GEN_IF=g5 stream in_appeared 1 239.1.1.5
fwd_wait_igmp "$NS" r5 239.1.1.5 yes

# ---- an output that appears later -----------------------------------------------
before=$(fwd_swaps)
check_rc "rule to a missing output" 0 nl rule add iif r0 group 239.1.1.6 port 5001 \
	oif r2 group 239.9.9.6 port 5099
check_match "the add warns" "r2 does not exist yet" "$OUT"
P_OUT=$(nl -j rule show | json 'max(r["id"] for r in j)')
fwd_wait_swaps "$before" # the workers took up a table built with the rule
check_eq "missing output: pending, not active" "true false" "$(flags "$P_OUT")"
fwd_gen missing -r 10k -c 200 239.1.1.6:5001
fwd_invariant "missing output"
check_eq "missing output: nothing sent" 0 "$(fwd_rj "$P_OUT" 'j["outputs"][0]["packets"]')"
say "missing output: matched $(fwd_rj "$P_OUT" 'j["packets"]'), drops $(fwd_rj "$P_OUT" \
	'{k: v for k, v in j["outputs"][0]["drops"].items() if v}')"
fwd_output_add --down
before=$(fwd_swaps)
ip -n "$NS" link set r2 up
fwd_wait_swaps "$before"
wait_flags "$P_OUT" "false true"
stream out_appeared 2 239.1.1.6

# ---- the output goes down and comes back -------------------------------------------
# down_case WHAT NETNS DEV: DEV of NETNS down, N packets, up again.
down_case() {
	local d0
	d0=$(fwd_rj "$Q" 'j["outputs"][0]["drops"]["link_down"]')
	before=$(fwd_swaps)
	ip -n "$2" link set "$3" down
	fwd_wait_swaps "$before"
	fwd_gen "$1" -r 10k -c $N 239.1.1.7:5001
	fwd_invariant "$1"
	check_eq "$1: counted as link_down" $((d0 + N)) "$(fwd_rj "$Q" 'j["outputs"][0]["drops"]["link_down"]')"
	before=$(fwd_swaps)
	ip -n "$2" link set "$3" up
	fwd_wait_swaps "$before"
	stream "$1_up" 1 239.1.1.7
}
down_case admin_down "$NS" r1
down_case carrier_lost "$(sink_ns 1)" s0
fwd_invariant "down and up"
check_eq "down and up: matched, sent, dropped" "$((5 * N)) $((3 * N)) $((2 * N))" \
	"$(fwd_rj "$Q" '"%d %d %d" % (j["packets"], j["outputs"][0]["packets"], j["outputs"][0]["dropped"])')"

# ---- the output's address changes ------------------------------------------------------
before=$(fwd_swaps)
ip -n "$NS" addr del 10.2.0.1/24 dev r1
fwd_wait_swaps "$before"
fwd_gen noaddr -r 10k -c 200 239.1.1.7:5001
fwd_invariant "no address"
check_eq "no address: counted as no_src" 200 "$(fwd_rj "$Q" 'j["outputs"][0]["drops"]["no_src"]')"
before=$(fwd_swaps)
ip -n "$NS" addr add 10.2.0.7/24 dev r1
fwd_wait_swaps "$before"
stream readdressed 1 239.1.1.7
check_eq "readdressed: the new source" '["10.2.0.7", 0]' \
	"$(sj readdressed '[j["streams"][0]["src"], j["streams"][0]["src_changes"]]')"

# ---- the input deleted and created again ---------------------------------------------------
idx0=$(ip -n "$NS" -o link show r0 | cut -d: -f1)
ip -n "$NS" link del r0
wait_flags "$Q" "true false"
check_eq "input gone: the other rules on r0 are pending too" "true false" "$(flags "$P_OUT")"
fwd_input_add r0 g0 10.1.0
idx1=$(ip -n "$NS" -o link show r0 | cut -d: -f1)
check_eq "a new r0" true "$([ "$idx0" != "$idx1" ] && echo true)"
wait_flags "$Q" "false true"
fwd_wait_igmp "$NS" r0 239.1.1.7 yes
fwd_wait_igmp "$NS" r0 239.1.1.6 yes
stream recreated 1 239.1.1.7
check_eq "recreated: the rules kept their ids" "[$Q, $P_IN, $P_OUT]" \
	"$(nl -j rule show | json 'sorted(r["id"] for r in j)')"
check_eq "recreated: the rule counted on" "$((7 * N + 200)) $((5 * N))" \
	"$(fwd_rj "$Q" '"%d %d" % (j["packets"], j["outputs"][0]["packets"])')"
fwd_invariant recreated

# ---- idle means idle, even after an input went down and up -------------------------------
before=$(fwd_swaps)
ip -n "$NS" link set r0 down
fwd_wait_swaps "$before"
before=$(fwd_swaps)
ip -n "$NS" link set r0 up
fwd_wait_swaps "$before"
stream down_up_input 1 239.1.1.7
check_eq "idle workers wake up (almost) never after the input went down and up" true \
	"$(w=$(idle_wakeups); say "wakeups in 0.5 s idle, at the end: $w" >&2; [ "$w" -lt 50 ] && echo true)"
check_eq "mcrd alive" 0 "$(kill -0 "$MCRD_PID"; echo $?)"
finish
