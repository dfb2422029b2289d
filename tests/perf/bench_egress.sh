#!/bin/bash
# The workers' egress methods side by side: mcrd --egress uring (io_uring
# SEND per frame), mmsg (sendmmsg per output) and ring (TPACKET_V2 TX ring
# with one kick per output), each on the forwarding bench's chain
# (bench_forward.sh, relay mcr, one worker), REPS times per point. Prints a
# Markdown table of medians and writes docs/perf/egress.csv and
# docs/perf/egress.png.
#
# Knobs: REPS (3), RATES ("200000 400000 0"), SIZES ("1024 64"), MODES
# ("uring mmsg ring"), OUT (docs/perf), BUILD.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$TOP/docs/perf}
REPS=${REPS:-3}
MODES=${MODES:-uring mmsg ring}
WORK=$(mktemp -d /tmp/mcr-bench-egress.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$OUT"

for rep in $(seq "$REPS"); do
	for mode in $MODES; do
		echo "== egress $mode, run $rep of $REPS" >&2
		OUT=$WORK/$mode-$rep RELAYS=mcr STREAMS=1 RATES=${RATES:-200000 400000 0} \
			SIZES=${SIZES:-1024 64} MCRD_OPTS="--workers 1 --egress $mode" \
			bash "$TOP/tests/perf/bench_forward.sh" >"$WORK/$mode-$rep.log" 2>&1 ||
			{ cat "$WORK/$mode-$rep.log" >&2; exit 1; }
	done
done

/usr/bin/python3 - "$WORK" "$OUT" "$MODES" <<'PY'
import csv, glob, os, shutil, statistics, subprocess, sys

work, out, modes = sys.argv[1], sys.argv[2], sys.argv[3].split()
rows = {}
for path in glob.glob(os.path.join(work, "*-*/forward.csv")):
    mode = os.path.basename(os.path.dirname(path)).rsplit("-", 1)[0]
    for r in csv.DictReader(open(path)):
        key = (mode, int(r["size"]), int(r["rate"]))
        rows.setdefault(key, []).append(r)

def med(rs, f):
    return statistics.median(float(r[f]) for r in rs)

table = []
for (mode, size, rate), rs in rows.items():
    delivered_pps = [float(r["gen_pps"]) * (1 - float(r["loss_pct"]) / 100) for r in rs]
    table.append(dict(mode=mode, size=size, rate=rate, runs=len(rs),
                      gen_pps=med(rs, "gen_pps"), loss_pct=med(rs, "loss_pct"),
                      worst_loss_pct=max(float(r["loss_pct"]) for r in rs),
                      delivered_pps=statistics.median(delivered_pps),
                      us_per_pkt=med(rs, "relay_cpu_s_per_mpkt")))
order = {m: i for i, m in enumerate(modes)}
table.sort(key=lambda t: (-t["size"], t["rate"] or 10**9, order.get(t["mode"], 9)))
cols = ["mode", "size", "rate", "runs", "gen_pps", "delivered_pps", "loss_pct",
        "worst_loss_pct", "us_per_pkt"]
with open(os.path.join(out, "egress.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=cols)
    w.writeheader()
    for t in table:
        w.writerow({k: (round(v, 3) if isinstance(v, float) else v) for k, v in t.items()})
print("| egress | payload | rate | runs | offered pps (median) | delivered pps | loss % "
      "(median) | loss % (worst) | relay CPU s/Mpkt |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for t in table:
    print("| %s | %d | %s | %d | %.0f | %.0f | %.3f | %.3f | %.2f |" % (
        t["mode"], t["size"], "unpaced" if not t["rate"] else "%dk" % (t["rate"] // 1000),
        t["runs"], t["gen_pps"], t["delivered_pps"], t["loss_pct"], t["worst_loss_pct"],
        t["us_per_pkt"]))
if shutil.which("gnuplot"):
    data = os.path.join(out, "egress.dat")
    with open(data, "w") as f:
        for size in sorted({t["size"] for t in table}, reverse=True):
            for t in [t for t in table if t["size"] == size]:
                f.write("%s-%dB-%s %.2f %.3f %.3f\n" % (
                    t["mode"], size, "max" if not t["rate"] else "%dk" % (t["rate"] // 1000),
                    t["us_per_pkt"], t["loss_pct"], t["worst_loss_pct"]))
    script = """set terminal png size 1100,460
set output '%s'
set multiplot layout 1,2 title 'mcr egress methods, one worker, medians of the runs (max: unpaced generator)'
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -45 font ',8'
set grid ytics
set ylabel 'relay CPU per packet (us)'
set yrange [0:*]
plot '%s' using 0:2:xtic(1) with boxes notitle
set ylabel 'loss %%'
set style data histograms
plot '%s' using 0:4:xtic(1) with boxes title 'worst run', '' using 0:3 with boxes title 'median'
unset multiplot
""" % (os.path.join(out, "egress.png"), data, data)
    subprocess.run(["gnuplot"], input=script.encode(), check=False)
    os.unlink(data)
PY
echo "wrote $OUT/egress.csv and $OUT/egress.png"
