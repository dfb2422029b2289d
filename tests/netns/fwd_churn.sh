#!/bin/bash
# Rule churn under traffic: a stream at 50,000 pps for 3 s while other
# rules are added and deleted, one mcr-nl call each (at least 120, at most
# 800 calls, while the stream runs; 120 reach the 40 rules at once): rules for other groups on the same
# input (up to 40 of them at once, so the input's BPF group list crosses its
# limit of 32 and back) and rules for the stream's own group on other
# ports. The stream loses, duplicates and reorders nothing; its rule keeps
# its id and counts every packet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 1
fwd_mcrd
N=150000
fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099
MAIN=$RULE_ID

fwd_sink churn 1 -e $N --idle 1 239.9.9.9:5099 && fwd_gen_bg churn -r 50k -c $N -s 512 239.1.1.1:5001
# start churning once the stream flows through the relay
for i in $(seq 100); do
	[ "$(fwd_rj "$MAIN" 'j["packets"]')" -gt 0 ] && break
	sleep 0.02
done

other() { echo "iif r0 group 239.2.$(($1 / 200)).$(($1 % 200 + 1)) port 5001"; }
started=no
kill -0 "$GEN_PID" 2>/dev/null && started=yes
check_eq "churn: starts while the stream runs" yes $started
# every iteration starts while the generator still sends
ops=0 bad=0 i=0 t0=$(date +%s%N)
while [ $ops -lt 800 ] && kill -0 "$GEN_PID" 2>/dev/null; do
	i=$((i + 1))
	nl rule add $(other $i) oif r1 group 239.8.0.1 port 5099 || bad=$((bad + 1))
	nl rule add iif r0 group 239.1.1.1 port $((6000 + i)) oif r1 group 239.7.0.1 port 7000 ||
		bad=$((bad + 1))
	nl rule del iif r0 group 239.1.1.1 port $((6000 + i)) || bad=$((bad + 1))
	ops=$((ops + 3))
	if [ $i -gt 40 ]; then
		nl rule del $(other $((i - 40))) || bad=$((bad + 1))
		ops=$((ops + 1))
	fi
done
t1=$(date +%s%N)
running=no
kill -0 "$GEN_PID" 2>/dev/null && running=yes
say "churn: $ops rule changes in $(((t1 - t0) / 1000000)) ms (generator still running: $running)"
check_eq "churn: every rule change succeeded" 0 $bad
check_eq "churn: at least 120 changes" true "$([ $ops -ge 120 ] && echo true)"
fwd_gen_wait churn
for k in $(seq $((i > 40 ? i - 39 : 1)) $i); do
	nl rule del $(other $k) || bad=$((bad + 1))
done
check_eq "churn: the last 40 deleted" 0 $bad
fwd_sink_wait churn
check_eq "churn: the stream is exact" "1 [[$N, 0, 0, 0, 0, 0, 0]]" \
	"$(sj churn 'len(j["streams"])') $(per_stream churn)"
check_eq "churn: only the stream's rule is left, same id" "[$MAIN]" \
	"$(nl -j rule show | json '[r["id"] for r in j]')"
fwd_invariant churn
check_eq "churn: its counters" "$N $N 0" \
	"$(fwd_rj "$MAIN" '"%d %d %d" % (j["packets"], j["outputs"][0]["packets"], j["outputs"][0]["dropped"])')"
check_eq "churn: nothing unmatched, no ring drops" "0 0" \
	"$(fwd_wj '"%d %d" % (sum(w["no_match"] for w in j), sum(w["ring_drops"] for w in j))')"
say "churn: the workers moved through $(fwd_wj 'sum(w["table_swaps"] for w in j)') tables"
fwd_wait_igmp "$NS" r0 239.1.1.1 yes
for k in 1 $i; do
	fwd_wait_igmp "$NS" r0 "$(other $k | cut -d' ' -f4)" no
done
finish
