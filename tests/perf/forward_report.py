#!/usr/bin/env python3
"""Bookkeeping for tests/perf/bench_forward.sh (stdlib only).

  forward_report.py header CSV
      start CSV with the header line
  forward_report.py point CSV RELAY STREAMS SIZE RATE GEN.json SINK.json BEFORE AFTER T0 T1
      one measured point: append a CSV row, print a Markdown table row.
      BEFORE and AFTER are "relay cpu0_softirq cpu1_softirq ksoftirqd" snapshots
      in clock ticks (relay "-" when the relay has no process); T0 and T1 the
      output of bash's `times` before and after the generator ran
  forward_report.py summary CSV PNG
      print the highest loss-free offered rate per relay x payload x streams
      and draw PNG with gnuplot (when present)
"""
import csv
import json
import os
import shutil
import subprocess
import sys

COLUMNS = ["relay", "streams", "size", "rate", "offered", "gen_seconds", "gen_pps",
           "delivered", "unique", "lost", "loss_pct", "duplicated", "reordered",
           "rcvbuf_drops", "relay_cpu_s", "relay_cpu_s_per_mpkt",
           "gen_cpu_s", "gen_cpu_s_per_mpkt", "ksoftirqd_s",
           "softirq_cpu0_s", "softirq_cpu1_s", "note"]
LOSS_FREE_PCT = 0.1
TICK = os.sysconf("SC_CLK_TCK")


def load(path):
    """The JSON object in path, or None when the tool wrote none."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ticks(snap):
    """(relay ticks or None, cpu0 softirq, cpu1 softirq, ksoftirqd ticks)."""
    f = snap.split()
    relay = None if f[0] == "-" else int(f[0])
    return relay, int(f[1]), int(f[2]), int(f[3])


def children_cpu(path):
    """Seconds of user+system CPU of the waited-for children from bash's `times`."""
    try:
        with open(path) as f:
            line = f.read().splitlines()[1]
    except (OSError, IndexError):
        return None
    total = 0.0
    for t in line.split():
        m, sec = t.rstrip("s").split("m")
        total += 60 * int(m) + float(sec)
    return total


def rate_label(rate):
    r = int(rate)
    if r == 0:
        return "unpaced"
    return "%gk" % (r / 1000) if r % 1000 == 0 else str(r)


def measure(relay, streams, size, rate, gen, sink, before, after, gen_cpu):
    """One CSV row (a dict) from the tools' JSON and the CPU snapshots."""
    note = []
    if gen is None:
        gen, note = {}, note + ["no generator summary"]
    if sink is None:
        sink, note = {"total": {}}, note + ["no sink report"]
    t = sink.get("total", {})
    offered = int(gen.get("sent", 0))
    delivered = int(t.get("received", 0))
    dup = int(t.get("duplicated", 0))
    unique = delivered - dup
    (r0, a0, b0, k0), (r1, a1, b1, k1) = ticks(before), ticks(after)
    row = {"relay": relay, "streams": streams, "size": size, "rate": rate,
           "offered": offered, "gen_seconds": "%.3f" % gen.get("seconds", 0),
           "gen_pps": "%.0f" % gen.get("pps", 0), "delivered": delivered,
           "unique": unique, "lost": int(t.get("lost", 0)),
           "loss_pct": "%.3f" % (100.0 * (offered - unique) / offered) if offered else "",
           "duplicated": dup, "reordered": int(t.get("reordered", 0)),
           "rcvbuf_drops": int(t.get("rcvbuf_drops", 0)),
           "relay_cpu_s": "", "relay_cpu_s_per_mpkt": "",
           "softirq_cpu0_s": "%.2f" % ((a1 - a0) / TICK),
           "softirq_cpu1_s": "%.2f" % ((b1 - b0) / TICK),
           "ksoftirqd_s": "%.2f" % ((k1 - k0) / TICK), "gen_cpu_s": "", "gen_cpu_s_per_mpkt": ""}
    if gen_cpu is not None:
        row["gen_cpu_s"] = "%.2f" % gen_cpu
        if offered:
            row["gen_cpu_s_per_mpkt"] = "%.2f" % (gen_cpu * 1e6 / offered)
    if r0 is not None and r1 is not None:
        cpu = (r1 - r0) / TICK
        row["relay_cpu_s"] = "%.2f" % cpu
        if unique > 0:
            row["relay_cpu_s_per_mpkt"] = "%.2f" % (cpu * 1e6 / unique)
    if int(gen.get("failed", 0)):
        note.append("%d failed sends" % gen["failed"])
    if offered and unique > offered:
        note.append("more unique than offered")
    row["note"] = "; ".join(note)
    return row


def md_row(r):
    cpu = r["relay_cpu_s"] or "n/a"
    per = r["relay_cpu_s_per_mpkt"] or "n/a"
    return ("| %s " * 14 + "| %s / %s | %s |") % (
        r["relay"], r["streams"], r["size"], rate_label(r["rate"]), r["offered"],
        r["gen_pps"], r["delivered"], r["loss_pct"] or "n/a", r["duplicated"],
        r["reordered"], cpu, per, r["gen_cpu_s_per_mpkt"] or "n/a", r["ksoftirqd_s"],
        r["softirq_cpu0_s"], r["softirq_cpu1_s"], r["note"])


MD_HEAD = ("| relay | streams | payload | rate | offered | gen pps | delivered | loss % | dup | "
           "reord | relay CPU s | relay s/Mpkt | gen s/Mpkt | ksoftirqd s | softirq s cpu0 / cpu1 "
           "| note |\n"
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
           "| ---: | ---: | ---: | --- |")


def cmd_header(path):
    with open(path, "w", newline="") as f:
        csv.writer(f).writerow(COLUMNS)
    print(MD_HEAD)


def cmd_point(path, relay, streams, size, rate, genf, sinkf, before, after, t0, t1):
    c0, c1 = children_cpu(t0), children_cpu(t1)
    gen_cpu = c1 - c0 if c0 is not None and c1 is not None else None
    row = measure(relay, int(streams), int(size), int(rate), load(genf), load(sinkf),
                  before, after, gen_cpu)
    with open(path, "a", newline="") as f:
        csv.DictWriter(f, COLUMNS).writerow(row)
    print(md_row(row), flush=True)


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def series(rows):
    """(relay, size, streams) -> rows sorted by achieved generator rate."""
    out = {}
    for r in rows:
        out.setdefault((r["relay"], int(r["size"]), int(r["streams"])), []).append(r)
    for k in out:
        out[k].sort(key=lambda r: float(r["gen_pps"]))
    return out


def loss_free(points):
    """The point with the highest offered rate whose loss stays below 0.1%, or None."""
    ok = [r for r in points if r["loss_pct"] != "" and float(r["loss_pct"]) < LOSS_FREE_PCT]
    return max(ok, key=lambda r: float(r["gen_pps"])) if ok else None


def cmd_summary(path, png):
    s = series(read_rows(path))
    print("\nHighest offered rate with < %g%% loss (offered = the generator's achieved rate):\n"
          % LOSS_FREE_PCT)
    print("| relay | payload | streams | loss-free up to | at setting | loss there % | "
          "relay s/Mpkt there | gen s/Mpkt there |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (relay, size, streams), pts in sorted(s.items()):
        best = loss_free(pts)
        if best is None:
            print("| %s | %d | %d | none (lowest offered %s pps lost >= %g%%) | | | | |"
                  % (relay, size, streams, pts[0]["gen_pps"], LOSS_FREE_PCT))
            continue
        print("| %s | %d | %d | %s pps | %s | %s | %s | %s |" % (
            relay, size, streams, best["gen_pps"], rate_label(best["rate"]),
            best["loss_pct"], best["relay_cpu_s_per_mpkt"] or "n/a",
            best["gen_cpu_s_per_mpkt"] or "n/a"))
    plot(s, png)


def datablock(name, pts, col):
    lines = ["$%s << EOD" % name]
    for r in pts:
        if r[col] != "":
            lines.append("%s %s" % (float(r["gen_pps"]) / 1000, r[col]))
    lines.append("EOD")
    return "\n".join(lines)


def frac_col(pts):
    for r in pts:
        r["frac"] = "%.5f" % (int(r["unique"]) / int(r["offered"])) if int(r["offered"]) else ""


RELAY_COLOR = {"mcr": "#0060c0", "socat": "#d04000", "kernel": "#208020"}


def style(relay, size):
    """One look per relay x payload in every panel: colour by relay, dash by size."""
    dash, pt = ("solid", 7) if size >= 512 else ("(8,4)", 9)
    return 'lc rgb "%s" dt %s pt %d lw 1.5' % (RELAY_COLOR.get(relay, "black"), dash, pt)


def panel_series(s, n):
    """The datablocks and the plot clauses of the three panels for n streams."""
    blocks, frac, cpu, gen = [], [], [], []
    for (relay, size, streams), pts in sorted(s.items()):
        if streams != n:
            continue
        frac_col(pts)
        name = "%s_%d_%d" % (relay, size, n)
        clause = '$%s_' + name + ' using 1:2 with linespoints ' + style(relay, size) + \
            ' title "%s, %d B"' % (relay, size)
        for tag, col, out in (("F", "frac", frac), ("C", "relay_cpu_s_per_mpkt", cpu),
                              ("G", "gen_cpu_s_per_mpkt", gen)):
            if any(r[col] for r in pts):
                blocks.append(datablock(tag + "_" + name, pts, col))
                out.append(clause % tag)
    return blocks, (frac, cpu, gen)


PANELS = (("delivered fraction", "delivered / offered", "[0:1.05]"),
          ("relay process CPU per delivered packet", "s per M delivered (= us/pkt)", "[0:*]"),
          ("generator CPU per offered packet (kernel forwarding runs here)",
           "s per M offered (= us/pkt)", "[0:*]"))


def plot(s, png):
    if not shutil.which("gnuplot"):
        print("gnuplot missing: no %s" % png, file=sys.stderr)
        return
    counts = sorted({k[2] for k in s})
    gp = ["set terminal pngcairo size %d,1350 noenhanced" % (720 * len(counts)),
          'set output "%s"' % png]
    columns = []
    for n in counts:
        blocks, clauses = panel_series(s, n)
        gp += blocks
        columns.append((n, clauses))
    gp += ["set multiplot layout %d,%d columnsfirst" % (len(PANELS), len(counts)),
           "set key below maxrows 2", "set grid",
           'set xlabel "offered (k pps, as achieved by mcr-gen)"', "set xrange [0:*]"]
    for n, clauses in columns:
        for (title, ylabel, yrange), plots in zip(PANELS, clauses):
            gp += ['set title "%s, %d stream%s"' % (title, n, "" if n == 1 else "s"),
                   'set ylabel "%s"' % ylabel, "set yrange %s" % yrange]
            gp.append("plot " + ", \\\n     ".join(plots) if plots else
                      'set label 1 "nothing measured" at graph 0.4,0.5\n'
                      "plot [0:1] [0:1] NaN notitle\nunset label 1")
    gp.append("unset multiplot")
    res = subprocess.run(["gnuplot"], input="\n".join(gp) + "\n", text=True,
                         capture_output=True)
    if res.returncode != 0:
        print("gnuplot failed: %s" % res.stderr.strip(), file=sys.stderr)


def main(argv):
    cmds = {"header": (cmd_header, 1), "point": (cmd_point, 11), "summary": (cmd_summary, 2)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 1
    cmds[argv[1]][0](*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
