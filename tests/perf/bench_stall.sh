#!/bin/bash
# How long a stall of the relay its RX ring covers: one stream through a
# worker-path rule, and mcrd stopped (SIGSTOP) for STOPS seconds in the middle
# of RATES packets/s (3 s of traffic). Prints the packets lost per point and
# writes docs/perf/stall.csv (OUT). A TPACKET_V3 block is handed over when
# full or after 1 ms, so below the rate that fills a block in 1 ms the ring
# holds (blocks) ms of traffic: 512 blocks of 128 KiB with --rx-ring 64.
STALL_OUT=${OUT:-$(cd "$(dirname "$0")/../.." && pwd)/docs/perf}
. "$(dirname "$0")/../netns/lib.sh"
. "$(dirname "$0")/../netns/lib_fwd.sh"
RATES=${RATES:-20000 100000}
STOPS=${STOPS:-0.25 0.5 0.9 1.5}
fwd_setup 1
# shellcheck disable=SC2086
fwd_mcrd ${MCRD_OPTS:-}
fwd_rule_add iif r0 group 239.1.1.1 port 5001 oif r1 group 239.9.9.9 port 5099
mkdir -p "$STALL_OUT"
echo "rate,stop_s,sent,received,lost,duplicated,ring_drops" >"$STALL_OUT/stall.csv"
echo "| pps | mcrd stopped | sent | received | lost | dup | ring drops |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
k=0
for rate in $RATES; do
	for stop in $STOPS; do
		k=$((k + 1))
		n=$((rate * 3))
		d0=$(fwd_wj 'sum(w["ring_drops"] for w in j)')
		fwd_sink "p$k" 1 -e $n --idle 3 239.9.9.9:5099 || break
		fwd_gen_bg "p$k" -r "$rate" -c $n -s 512 239.1.1.1:5001
		sleep 1 # the stall starts a second into the stream (pacing, not sync)
		kill -STOP "$MCRD_PID"
		sleep "$stop"
		kill -CONT "$MCRD_PID"
		fwd_gen_wait "p$k"
		fwd_sink_wait "p$k"
		d1=$(fwd_wj 'sum(w["ring_drops"] for w in j)')
		row="$rate,$stop,$(gj "p$k" 'j["sent"]'),$(sj "p$k" '"%d,%d,%d" % (j["total"]["received"],
			j["total"]["lost"], j["total"]["duplicated"])'),$((d1 - d0))"
		echo "$row" >>"$STALL_OUT/stall.csv"
		echo "| ${row//,/ | } |"
	done
done
say "wrote $STALL_OUT/stall.csv"
finish
