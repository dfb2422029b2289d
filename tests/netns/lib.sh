# Shared helpers of the namespace tests; sourced by every test script.
# Each test gets its own namespaces, named with the test name and PID and
# deleted in a trap, so tests never see each other or the host.
#
# A test calls setup, then uses ns_exec / mcrd_start / nl and the check
# helpers; the trap tears everything down and the exit status tells
# run.sh the verdict (0 pass, 1 fail, 77 skip).

set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
MCRD=$BUILD/mcrd
MCRNL=$BUILD/mcr-nl
# the system interpreter: tests run parts as uid 65534, which cannot reach
# a per-user install such as pyenv's shims
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/mcr-$NAME.XXXXXX")
NS=mcr-$NAME-$$
NAMESPACES=""
PIDS=""
CHECKS=0
FAILS=0

say() { printf '%s: %s\n' "$NAME" "$*"; }

cleanup() {
	trap - EXIT INT TERM
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		# bounded: SIGKILL whatever did not stop within 2 s
		for _ in $(seq 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in $NAMESPACES; do
		ip netns del "$n" 2>/dev/null
	done
	if [ "$FAILS" -ne 0 ] || [ -n "${KEEP_WORK:-}" ]; then
		say "logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		say "FAIL ($FAILS of $CHECKS checks failed)"
		exit 1
	fi
	say "PASS ($CHECKS checks)"
	exit 0
}

skip() {
	say "SKIP: $*"
	exit 77
}

# ns_add NAME: a namespace with loopback up, deleted at exit.
ns_add() {
	ip netns add "$1" || { say "cannot create netns $1"; exit 1; }
	NAMESPACES="$NAMESPACES $1"
	ip -n "$1" link set lo up
}

# setup [--no-mcrd]: root check, build check (mcrd and mcr-nl unless
# --no-mcrd), the trap, and this test's namespace $NS.
setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	if [ "${1:-}" != --no-mcrd ]; then
		[ -x "$MCRD" ] && [ -x "$MCRNL" ] || { say "build first (make)"; exit 1; }
	fi
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	ns_add "$NS"
}

ns_exec() { ip netns exec "$NS" "$@"; }

# nl ARGS: mcr-nl against the daemon of this test's namespace.
nl() { "$MCRNL" -n "$NS" "$@"; }

# mcrd_start [--ns NS] [--log FILE] ARGS: starts mcrd and waits until it
# answers "daemon show" (at most 5 s). Sets MCRD_PID.
mcrd_start() {
	local ns=$NS log=$WORK/mcrd.log
	while :; do
		case "${1:-}" in
		--ns) ns=$2; shift 2 ;;
		--log) log=$2; shift 2 ;;
		*) break ;;
		esac
	done
	ip netns exec "$ns" "$MCRD" "$@" >>"$log" 2>&1 &
	MCRD_PID=$!
	PIDS="$PIDS $MCRD_PID"
	for _ in $(seq 100); do
		if "$MCRNL" -n "$ns" daemon show >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$MCRD_PID" 2>/dev/null || break
		sleep 0.05
	done
	say "mcrd did not become ready; log:"
	cat "$log"
	FAILS=$((FAILS + 1))
	finish
}

# mcrd_stop PID: SIGTERM and wait (bounded); returns mcrd's exit status.
mcrd_stop() {
	local pid=$1 rc
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	wait "$pid"
	rc=$?
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
	return $rc
}

# mroute_hold: a stand-in for another multicast routing daemon, holding
# table 0 of $NS's mroute socket (MRT_INIT, 200) until the test ends; sets
# HOLD to its pid (ip netns exec execs, so $! is the holder's) once it holds
# it, or fails the test.
mroute_hold() {
	ip netns exec "$NS" "$PY" -c 'import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(socket.IPPROTO_IP, 200, struct.pack("i", 1))
print("held", flush=True)
time.sleep(120)' >"$WORK/hold.txt" 2>&1 &
	HOLD=$!
	PIDS="$PIDS $HOLD"
	for _ in $(seq 50); do grep -q held "$WORK/hold.txt" && return 0; sleep 0.1; done
	fail_check "the mroute holder did not start: $(cat "$WORK/hold.txt")"
	finish
}

pass_check() { CHECKS=$((CHECKS + 1)); }
fail_check() {
	CHECKS=$((CHECKS + 1))
	FAILS=$((FAILS + 1))
	say "FAILED: $*"
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass_check; else fail_check "$1: expected [$2], got [$3]"; fi
}

# check_match WHAT REGEX TEXT
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		pass_check
	else
		fail_check "$1: [$3] does not match /$2/"
	fi
}

# check_rc WHAT EXPECTED_STATUS CMD...: runs CMD, keeps its stdout+stderr
# in $OUT, and checks the exit status.
check_rc() {
	local what=$1 want=$2 rc
	shift 2
	OUT=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass_check
	else
		fail_check "$what: exit $rc, expected $want; output: $OUT"
	fi
}

# json EXPR: evaluates a Python expression over the JSON on stdin, bound
# to j; prints the result. A real parser: malformed JSON fails the check.
# The system interpreter ($PY): a per-user shim such as pyenv's costs 0.2 s
# a start, and the tests poll with it.
json() {
	"$PY" -c 'import json,sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (dict, list)) or r is None or isinstance(r, bool) else r)' "$1"
}
