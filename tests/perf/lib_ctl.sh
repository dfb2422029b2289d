# The common start of the control-plane benchmarks, sourced with the bench's
# short name: paths, a namespace named with it and the PID, a scratch
# directory, and a trap that stops the daemon ($PID, once started) and
# removes both.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build
OUT=$TOP/docs/perf
NS=mcr-bench-$1-$$
WORK=$(mktemp -d /tmp/mcr-bench.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
	ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
