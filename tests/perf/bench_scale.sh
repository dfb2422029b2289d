#!/bin/bash
# Scale: 10,000 rules on one input interface (one mcr-nl batch), traffic on
# 2,000 of them (every fifth rule, one stream each, rewritten to its own
# group), one worker. Measures the batch's add rate, the time until every
# rule is active, full dumps (without and with counters), mcrd's memory
# empty and loaded, and per traffic point the loss, duplicates and
# reordering per stream and the relay's CPU per packet. Prints a table and
# writes docs/perf/scale.csv (OUT). No plot: a handful of points.
#
# Memory: VmRSS counts the packet rings (socket pages, RssFile: --rx-ring
# MiB per worker per input, whatever the rules), so the memory per rule is
# the growth of RssAnon (heap, stacks) from the empty daemon to the loaded
# one, divided by the rules.
# Knobs: RULES (10000), STREAMS (2000), RATES ("20000 100000"), SECS (5 s of
# traffic a point), REPEAT (3 runs a point), MCRD_OPTS (--workers 1).
SCALE_OUT=${OUT:-$(cd "$(dirname "$0")/../.." && pwd)/docs/perf}
. "$(dirname "$0")/../netns/lib.sh"
. "$(dirname "$0")/../netns/lib_fwd.sh"
RULES=${RULES:-10000}
STREAMS=${STREAMS:-2000}
RATES=${RATES:-20000 100000}
SECS=${SECS:-5}
REPEAT=${REPEAT:-3}
STEP=$((RULES / STREAMS))
CSV=$SCALE_OUT/scale.csv
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

fwd_setup 1
# shellcheck disable=SC2086
fwd_mcrd ${MCRD_OPTS:-}
read -r load1 _ </proc/loadavg
say "load average $load1 at the start (2 CPUs shared: other work skews the figures)"
RSS0=$(status "$MCRD_PID" VmRSS)
ANON0=$(status "$MCRD_PID" RssAnon)
"$PY" - "$WORK/rules.batch" "$RULES" <<'PY'
import ipaddress, sys
bi, bo = (int(ipaddress.ip_address(a)) for a in ("239.1.0.1", "239.9.0.1"))
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write("rule add iif r0 group %s port 5001 oif r1 group %s port 5099\n"
                % (ipaddress.ip_address(bi + i), ipaddress.ip_address(bo + i)))
PY
T0=$(now)
check_rc "batch of $RULES rules" 0 nl -b "$WORK/rules.batch"
T1=$(now)
for _ in $(seq 600); do
	[ "$(nl -j rule show | json 'all(r["active"] for r in j)')" = true ] && break
	sleep 0.05
done
T2=$(now)
nl -j rule show >"$WORK/dump.json"
T3=$(now)
nl -s -j rule show >"$WORK/dumps.json"
T4=$(now)
check_eq "dump: $RULES rules, all active" "$RULES True" \
	"$(json '"%d %s" % (len(j), all(r["active"] for r in j))' <"$WORK/dump.json")"
check_eq "dump with counters: $RULES rules" "$RULES" "$(json 'len(j)' <"$WORK/dumps.json")"
RSS1=$(status "$MCRD_PID" VmRSS)
ANON1=$(status "$MCRD_PID" RssAnon)
FILE1=$(status "$MCRD_PID" RssFile)
ADD_MS=$(ms "$T0" "$T1") ACT_MS=$(ms "$T1" "$T2") DUMP_MS=$(ms "$T2" "$T3") DUMPS_MS=$(ms "$T3" "$T4")
PER_RULE=$(((ANON1 - ANON0) * 1024 / RULES))
say "add $RULES in one batch: $ADD_MS ms ($((RULES * 1000 / (ADD_MS > 0 ? ADD_MS : 1))) rules/s);" \
	"all active $ACT_MS ms later; dump $DUMP_MS ms, with counters $DUMPS_MS ms"
say "mcrd VmRSS $RSS0 -> $RSS1 KiB (RssFile, the rings, $FILE1 KiB); RssAnon $ANON0 -> $ANON1 KiB:" \
	"$PER_RULE bytes per rule"

mkdir -p "$SCALE_OUT"
echo "rules,streams,rate,run,add_ms,active_ms,dump_ms,dump_stats_ms,rss_empty_kib,rss_kib,anon_empty_kib,anon_kib,bytes_per_rule,achieved_pps,sent,received,lost,duplicated,reordered,streams_with_loss,rcvbuf_drops,ring_drops,relay_cpu_s,cpu_us_per_pkt" >"$CSV"
echo
echo "| offered pps | run | achieved | sent | received | lost | dup | reord | streams with loss | ring drops | relay CPU µs/pkt |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for rate in $RATES; do
	for run in $(seq "$REPEAT"); do
		per=$((rate * SECS / STREAMS))
		name=p${rate}_$run
		rd0=$(fwd_wj 'sum(w["ring_drops"] for w in j)')
		fwd_sink "$name" 1 -q -e "$per" --idle 2 --streams "$STREAMS" --group-base 239.9.0.1 \
			--group-step "$STEP" --port-base 5099 || break
		c0=$(ticks "$MCRD_PID")
		fwd_gen "$name" -r "$rate" -c $((per * STREAMS)) -s 256 --streams "$STREAMS" \
			--group-base 239.1.0.1 --group-step "$STEP" --port-base 5001
		fwd_sink_wait "$name"
		c1=$(ticks "$MCRD_PID")
		rd1=$(fwd_wj 'sum(w["ring_drops"] for w in j)')
		"$PY" - "$CSV" "$WORK/$name.gen" "$WORK/$name.json" "$RULES" "$STREAMS" "$rate" "$run" \
			"$ADD_MS $ACT_MS $DUMP_MS $DUMPS_MS $RSS0 $RSS1 $ANON0 $ANON1 $PER_RULE" \
			"$((rd1 - rd0))" "$((c1 - c0))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
csv, gen, sink = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
rules, streams, rate, run = sys.argv[4:8]
fixed = sys.argv[8].split()
ring, ticks, hz = int(sys.argv[9]), int(sys.argv[10]), int(sys.argv[11])
t = sink["total"]
lossy = sum(1 for s in sink["streams"] if s["lost"])
lossy += int(streams) - len(sink["streams"])  # streams that never arrived
cpu = ticks / hz
us = cpu * 1e6 / t["received"] if t["received"] else 0
row = [rules, streams, rate, run] + fixed + [
    "%d" % gen["pps"], gen["sent"], t["received"], t["lost"], t["duplicated"], t["reordered"],
    lossy, t["rcvbuf_drops"], ring, "%.2f" % cpu, "%.2f" % us]
open(csv, "a").write(",".join(str(x) for x in row) + "\n")
print("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %.2f |" % (
    rate, run, gen["pps"], gen["sent"], t["received"], t["lost"], t["duplicated"],
    t["reordered"], lossy, ring, us))
PY
	done
done
echo
say "wrote $CSV"
finish
