#!/bin/bash
# make bench: runs every benchmark in tests/perf (bench_*.sh). Each prints a
# Markdown table and writes CSV and PNG files under docs/perf/.
cd "$(dirname "$0")/../.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (sudo make bench)" >&2; exit 1; }
rc=0
for b in tests/perf/bench_*.sh; do
	echo "== $b"
	bash "$b" || rc=1
done
exit $rc
