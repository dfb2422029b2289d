#!/bin/bash
# The control plane under abuse: while one abuser (tests/netns/nlraw.py
# abuse KIND) hammers mcrd's socket for SECS seconds, a probe client sends
# a daemon-get every 10 ms, one at a time, and times each answer. The goal
# is every probe answered within 100 ms; this reports, it does not assert.
# Cases (as tests/netns/nl_abuse.sh): none (baseline), lies, huge, unpriv,
# ports (300 non-reading sockets), ports-nowait (the same, sending with
# MSG_DONTWAIT), dumps (200 dumps never read), against a
# daemon holding 10,000 rules. Writes docs/perf/abuse.csv and
# docs/perf/abuse.png and prints a table.
# Usage: [CASES="lies ports"] bench_abuse.sh [SECS]   (default: all, 5 s)
. "$(dirname "$0")/lib_ctl.sh" abuse
NLRAW=$TOP/tests/netns/nlraw.py
PY=/usr/bin/python3
SECS=${1:-5}
CASES=${CASES:-none lies huge unpriv ports ports-nowait dumps}
command -v setpriv >/dev/null || { echo "bench_abuse: needs setpriv" >&2; exit 1; }
ip netns add "$NS"
ip -n "$NS" link set lo up
mkdir -p "$OUT"
ip netns exec "$NS" "$B/mcrd" >"$WORK/log" 2>&1 &
PID=$!
for _ in $(seq 100); do "$B/mcr-nl" -n "$NS" daemon show >/dev/null 2>&1 && break; sleep 0.05; done
"$PY" -c 'for i in range(10000):
    print("rule add iif x0 group 239.%d.%d.%d oif y0" % (1, i // 256, i % 256))' >"$WORK/b"
"$B/mcr-nl" -n "$NS" -b "$WORK/b" >"$WORK/batch.out" 2>&1 ||
	{ echo "bench_abuse: batch failed: $(tail -3 "$WORK/batch.out")" >&2; exit 1; }
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }

# run CASE ABUSER...: the probe around the abuser; one CSV line.
run() {
	local name=$1 probe
	shift
	rm -f "$WORK/ready" "$WORK/stop"
	ip netns exec "$NS" "$PY" "$NLRAW" probe "$WORK/ready" "$WORK/stop" 2 >"$WORK/probe" &
	probe=$!
	for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
	"$@" >"$WORK/abuser" 2>&1 || echo "bench_abuse: $name: abuser failed: $(cat "$WORK/abuser")" >&2
	touch "$WORK/stop"
	wait "$probe"
	kill -0 "$PID" 2>/dev/null || { echo "bench_abuse: mcrd died during $name" >&2; exit 1; }
	"$PY" - "$name" "$WORK/probe" "$WORK/abuser" "$(hwm)" >>"$WORK/csv" <<'PY'
import json, sys
name, p, a, hwm = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], int(sys.argv[4])
try:
    sent = json.load(open(a)).get("sent", 0)
except ValueError:
    sent = 0
f = lambda v: "" if v is None else "%.3f" % v
print("%s,%d,%d,%s,%s,%s,%d,%d" % (name, p["probes"], p["answered"], f(p["p50_ms"]),
                                   f(p["p99_ms"]), f(p["max_ms"]), sent, hwm))
PY
}

ab() { ip netns exec "$NS" "$PY" "$NLRAW" abuse "$@"; }
: >"$WORK/csv"
for c in $CASES; do
	case $c in
	none) run none sleep "$SECS" ;;
	unpriv) run unpriv ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PY" "$NLRAW" abuse unpriv "$SECS" ;;
	ports | ports-nowait) run "$c" ab "$c" "$SECS" 300 ;;
	dumps) run dumps ab dumps "$SECS" 200 ;;
	*) run "$c" ab "$c" "$SECS" ;;
	esac
done

{
	echo "case,probes,answered,p50_ms,p99_ms,max_ms,abuser_requests,mcrd_peak_rss_kb"
	cat "$WORK/csv"
} >"$OUT/abuse.csv"
echo "| case | probes | answered | p50 | p99 | max | abuser requests | mcrd peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk -F, '{printf "| %s | %d | %d | %s ms | %s ms | %s ms | %d | %d kB |\n",
	$1, $2, $3, $4, $5, $6, $7, $8}' \
	"$WORK/csv"
if command -v gnuplot >/dev/null; then
	gnuplot <<GP
set terminal pngcairo size 800,450 noenhanced
set output "$OUT/abuse.png"
set datafile separator ","
set title "mcr control plane under abuse: probe answer latency (10,000 rules, ${SECS} s a case)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7
set logscale y
set yrange [0.01:1000]
set ylabel "ms (log)"
set grid ytics
set key top right
set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 2
set label "100 ms goal" at graph 0.01, first 130
plot "$OUT/abuse.csv" every ::1 using 4:xtic(1) title "p50", \
     "" every ::1 using 5 title "p99", "" every ::1 using 6 title "max"
GP
	echo "wrote $OUT/abuse.csv and $OUT/abuse.png"
fi
