#!/bin/bash
# make soak: mcrd under load for SOAK_SECONDS (default 300): 100 streams at
# 100,000 packets/s in all through the worker path while other rules churn
# (10 changes a second) and the interfaces of unrelated rules flap. Checks
# that the streams are exact and that mcrd's memory and fds stay flat; prints
# a table and writes docs/perf/soak.csv and docs/perf/soak.png. The knobs are
# the SOAK_* variables of tests/netns/lib_soak.sh (SOAK_OUT: where the CSV
# and plot go).
SOAK_OUT=${SOAK_OUT:-$(cd "$(dirname "$0")/../.." && pwd)/docs/perf}
. "$(dirname "$0")/../netns/lib.sh"
. "$(dirname "$0")/../netns/lib_fwd.sh"
. "$(dirname "$0")/../netns/lib_soak.sh"
fwd_setup 1
read -r load1 _ </proc/loadavg
say "load average $load1 at the start (2 CPUs shared: other work skews the figures)"
soak_run
say "wrote $SOAK_OUT/soak.csv${SOAK_OUT:+ and soak.png}"
finish
