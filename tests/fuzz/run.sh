#!/bin/sh
# Runs each libFuzzer target for SECONDS seconds from its seed corpus
# (tests/fuzz/corpus/NAME), in a scratch copy so seeds stay clean.
# Usage: run.sh SECONDS TARGET...
set -eu
secs=$1
shift
for t in "$@"; do
	name=$(basename "$t")
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/corpus-$name
	mkdir -p "$work"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null || true
	echo "fuzz: $name for ${secs}s"
	log=build/fuzz/$name.log
	if ! "$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 "$work" >"$log" 2>&1; then
		tail -60 "$log" >&2
		echo "fuzz: $name FAILED (log: $log)" >&2
		exit 1
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/fuzz: $name: /"
done
