#!/bin/bash
# Control-plane scale: time to add N rules in one mcr-nl batch, time to dump
# them, the daemon's RSS, for N = 1,000 .. 50,000. Writes
# docs/perf/control.csv and docs/perf/control.png and prints a table.
. "$(dirname "$0")/lib_ctl.sh" ctl
ip netns add "$NS"
ip -n "$NS" link add in0 type veth peer name out0
mkdir -p "$OUT"
now() { date +%s.%N; }
# rss PID: resident kB without the mapped packet rings (socket mappings:
# the workers' RX and TX rings, sized by --rx-ring, not by the rules)
rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {ring = ($6 ~ /^socket:/)}
		/^Rss:/ && !ring {kb += $2} END {print kb + 0}' "/proc/$1/smaps"
}

echo "n_rules,add_s,add_rules_per_s,dump_s,rss_empty_kb,rss_kb,bytes_per_rule" >"$OUT/control.csv"
echo "| rules | add (one batch) | rules/s | dump | RSS empty | RSS loaded | bytes/rule |"
echo "(RSS without the packet rings: those are --rx-ring MiB per worker per input)" >&2
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in 1000 5000 10000 20000 50000; do
	python3 - "$n" >"$WORK/batch" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print("rule add iif in0 group 239.%d.%d.%d port %d oif out0 group 238.%d.%d.%d"
          % (i // 65536, (i // 256) % 256, i % 256, 1 + i % 65000,
             i // 65536, (i // 256) % 256, i % 256))
PY
	ip netns exec "$NS" "$B/mcrd" >"$WORK/log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do "$B/mcr-nl" -n "$NS" daemon show >/dev/null 2>&1 && break; sleep 0.05; done
	r0=$(rss "$PID")
	t0=$(now)
	"$B/mcr-nl" -n "$NS" -b "$WORK/batch" || { echo "batch failed" >&2; exit 1; }
	t1=$(now)
	got=$("$B/mcr-nl" -n "$NS" -j rule show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	t2=$(now)
	[ "$got" = "$n" ] || { echo "dump returned $got of $n rules" >&2; exit 1; }
	r1=$(rss "$PID")
	kill "$PID"; wait "$PID" 2>/dev/null; PID=
	python3 - "$n" "$t0" "$t1" "$t2" "$r0" "$r1" "$OUT/control.csv" <<'PY'
import sys
n, t0, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
r0, r1 = int(sys.argv[5]), int(sys.argv[6])
add, dump = t1 - t0, t2 - t1
per = (r1 - r0) * 1024 / n
with open(sys.argv[7], "a") as f:
    f.write("%d,%.3f,%.0f,%.3f,%d,%d,%.0f\n" % (n, add, n / add, dump, r0, r1, per))
print("| %d | %.3f s | %.0f | %.3f s | %d kB | %d kB | %.0f |" % (n, add, n / add, dump, r0, r1, per))
PY
done
if command -v gnuplot >/dev/null; then
	gnuplot <<GP
set terminal pngcairo size 800,450 noenhanced
set output "$OUT/control.png"
set datafile separator ","
set key top left
set xlabel "rules"
set ylabel "seconds"
set y2label "RSS (MB)"
set y2tics
set title "mcr control plane: batch add, dump and daemon RSS"
plot "$OUT/control.csv" every ::1 using 1:2 with linespoints title "add (one batch)", \
     "" every ::1 using 1:4 with linespoints title "dump (mcr-nl -j rule show)", \
     "" every ::1 using 1:(\$6/1024) axes x1y2 with linespoints title "mcrd RSS"
GP
	echo "wrote $OUT/control.csv and $OUT/control.png"
fi
