#!/bin/bash
# Forwarding: offered, delivered, lost and relay CPU per packet for four
# relays side by side on one veth chain and the same offered loads:
#   gen-ns g0 10.81.1.1 -- r0 10.81.1.2 relay-ns r1 10.81.2.1 -- s0 10.81.2.2 sink-ns
#   mcr     mcrd (pinned), one rule per stream 239.1.0.N:5001 -> 239.9.0.N:5099
#           (the worker path)
#   mcrk    mcrd, one rule per stream without rewrite: mcr's kernel path
#           (an MFC entry per rule), to compare with smcroute's
#   socat   one socat per stream, the same rewrite, recv/send per packet
#   kernel  the kernel's multicast forwarding (MFC routes from smcrouted),
#           no rewrite: the sink joins the input groups
# mcr-gen sends from gen-ns (pinned), mcr-sink counts in sink-ns. Writes
# docs/perf/forward.csv and docs/perf/forward.png and prints Markdown tables.
#
# Knobs (environment): BUILD (binaries; default build), RELAYS ("mcr mcrk
# socat kernel"), RATES (pps, 0 = unpaced; "50000 100000 200000 400000 0"), SIZES
# ("1024 64"), STREAMS ("1 100"), SECONDS (traffic per paced point, 2.5),
# UNPACED_COUNT (packets of an unpaced point, 600000), MCRD_OPTS (extra mcrd
# options, e.g. "--workers 1"), GEN_CPU (0), RELAY_CPU (1), SINK_CPU (unset:
# unpinned), IDLE (sink idle stop, 1 s), OUT (docs/perf).
#
# CPU: relay CPU is utime+stime of the relay's processes (mcrd with all its
# threads, every socat), read from /proc/PID/stat before and after a point;
# it includes the softirq work run in their context (veth delivering their
# sends into sink-ns). The kernel relay has no process: its forwarding runs
# in softirq in the generator's send path (on GEN_CPU; ksoftirqd is recorded
# and stays small), so every point also records the generator's CPU per
# offered packet (bash `times` around it): the kernel's extra over the other
# relays' generator cost is its forwarding cost. The softirq columns of
# /proc/stat are recorded raw; they are tick samples (CONFIG_TICK_CPU_ACCOUNTING)
# and varied tenfold between runs of one point here: not a measure.
# shellcheck disable=SC2317 # the relay_start_* functions are called by name
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-$TOP/build}
case "$B" in /*) ;; *) B=$TOP/$B ;; esac
OUT=${OUT:-$TOP/docs/perf}
REPORT=$TOP/tests/perf/forward_report.py
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
# bash keeps its own SECONDS (time since start): take the caller's from the
# environment this process was started with
SECS=$(tr '\0' '\n' </proc/$$/environ | sed -n 's/^SECONDS=//p')
SECS=${SECS:-2.5}
RELAYS=${RELAYS:-mcr mcrk socat kernel}
RATES=${RATES:-50000 100000 200000 400000 0}
SIZES=${SIZES:-1024 64}
STREAMS=${STREAMS:-1 100}
UNPACED_COUNT=${UNPACED_COUNT:-600000}
MCRD_OPTS=${MCRD_OPTS:-}
GEN_CPU=${GEN_CPU:-0}
RELAY_CPU=${RELAY_CPU:-1}
SINK_CPU=${SINK_CPU:-}
IDLE=${IDLE:-1}
mapfile -t KSOFTIRQD < <(pgrep '^ksoftirqd/')
IN_BASE=239.1.0.1 IN_PORT=5001 OUT_BASE=239.9.0.1 OUT_PORT=5099

GNS=mcr-fwd-g-$$ RNS=mcr-fwd-r-$$ SNS=mcr-fwd-s-$$
WORK=$(mktemp -d /tmp/mcr-bench-fwd.XXXXXX)
RPIDS='' SINK_PID='' SMC_PID=''
cleanup() {
	relay_stop
	[ -n "$SINK_PID" ] && { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; }
	for ns in "$GNS" "$RNS" "$SNS"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "bench_forward: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root"
for t in mcrd mcr-nl mcr-gen mcr-sink; do [ -x "$B/$t" ] || die "no $B/$t (build first)"; done
for r in $RELAYS; do
	case $r in
	mcr | mcrk) ;;
	socat) command -v socat >/dev/null || die "socat missing (make deps)" ;;
	kernel) command -v smcrouted >/dev/null || die "smcrouted missing (make deps)" ;;
	*) die "unknown relay '$r' (mcr, mcrk, socat, kernel)" ;;
	esac
done

# ---- addresses -----------------------------------------------------------
ip2n() {
	local IFS=. a
	read -ra a <<<"$1"
	echo $(((a[0] << 24) + (a[1] << 16) + (a[2] << 8) + a[3]))
}
n2ip() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }
# nth BASE I: the I-th group counted from BASE (I from 0)
nth() { n2ip $(($(ip2n "$1") + $2)); }

# ---- topology -------------------------------------------------------------
topology() {
	ip netns add "$GNS" && ip netns add "$RNS" && ip netns add "$SNS" || return 1
	ip link add g0 netns "$GNS" type veth peer name r0 netns "$RNS" || return 1
	ip link add r1 netns "$RNS" type veth peer name s0 netns "$SNS" || return 1
	ip -n "$GNS" addr add 10.81.1.1/24 dev g0
	ip -n "$RNS" addr add 10.81.1.2/24 dev r0
	ip -n "$RNS" addr add 10.81.2.1/24 dev r1
	ip -n "$SNS" addr add 10.81.2.2/24 dev s0
	local ns
	for ns in "$GNS" "$RNS" "$SNS"; do ip -n "$ns" link set lo up; done
	ip -n "$GNS" link set g0 up
	ip -n "$RNS" link set r0 up
	ip -n "$RNS" link set r1 up
	ip -n "$SNS" link set s0 up
	# sources must be accepted: the kernel relay keeps 10.81.1.1 as source
	ip -n "$SNS" route add 10.81.1.0/24 via 10.81.2.1
	ip -n "$GNS" route add 10.81.2.0/24 via 10.81.1.2
	for ns in "$RNS" "$SNS"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 || return 1
	done
	ip netns exec "$RNS" sysctl -qw net.ipv4.conf.r0.rp_filter=0
	ip netns exec "$SNS" sysctl -qw net.ipv4.conf.s0.rp_filter=0
}

# ---- relays ---------------------------------------------------------------
# relay_start RELAY N: the relay for N streams, ready to forward. Sets RPIDS
# (the processes whose CPU is the relay's).
relay_start() { "relay_start_$1" "$2"; }

relay_start_mcr() {
	local n=$1 i
	mcrd_start || { cat "$WORK/mcrd.log" >&2; return 1; }
	for ((i = 0; i < n; i++)); do
		echo "rule add iif r0 group $(nth "$IN_BASE" "$i") port $IN_PORT" \
			"oif r1 group $(nth "$OUT_BASE" "$i") port $OUT_PORT"
	done >"$WORK/rules"
	"$B/mcr-nl" -n "$RNS" -b "$WORK/rules" >>"$WORK/mcrd.log" 2>&1 ||
		{ cat "$WORK/mcrd.log" >&2; return 1; }
	# forwarding once every worker took up the table with the rules
	for _ in $(seq 200); do
		[ "$("$B/mcr-nl" -n "$RNS" -j rule show | "$PY" -c 'import json, sys
print(all(r["active"] for r in json.load(sys.stdin)))')" = True ] && return 0
		sleep 0.05
	done
	return 1
}

mcrd_start() {
	# shellcheck disable=SC2086
	ip netns exec "$RNS" taskset -c "$RELAY_CPU" "$B/mcrd" $MCRD_OPTS >>"$WORK/mcrd.log" 2>&1 &
	RPIDS=$!
	for _ in $(seq 100); do
		"$B/mcr-nl" -n "$RNS" daemon show >/dev/null 2>&1 && return 0
		kill -0 "$RPIDS" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# mcr's kernel path: no rewrite, so mcrd installs an MFC entry per rule
# and the kernel forwards, as with smcroute
relay_start_mcrk() {
	local n=$1 i
	mcrd_start || { cat "$WORK/mcrd.log" >&2; return 1; }
	for ((i = 0; i < n; i++)); do
		echo "rule add iif r0 src 10.81.1.1 group $(nth "$IN_BASE" "$i") oif r1"
	done >"$WORK/rules"
	"$B/mcr-nl" -n "$RNS" -b "$WORK/rules" >>"$WORK/mcrd.log" 2>&1 ||
		{ cat "$WORK/mcrd.log" >&2; return 1; }
	for _ in $(seq 200); do
		[ "$(ip -n "$RNS" mroute show | grep -c '^(10\.81\.1\.1,')" -ge "$n" ] && return 0
		sleep 0.05
	done
	return 1
}

relay_start_socat() {
	local n=$1 i gi out
	RPIDS=
	for ((i = 0; i < n; i++)); do
		gi=$(nth "$IN_BASE" "$i")
		out=$(nth "$OUT_BASE" "$i"):$OUT_PORT
		# bound to the group: every socket on the port would get every
		# group joined in the namespace otherwise (IP_MULTICAST_ALL)
		ip netns exec "$RNS" taskset -c "$RELAY_CPU" socat -u \
			"UDP4-RECV:$IN_PORT,bind=$gi,reuseaddr,ip-add-membership=$gi:r0" \
			"UDP4-SENDTO:$out,ip-multicast-if=10.81.2.1,ip-multicast-ttl=8" \
			2>>"$WORK/socat.log" &
		RPIDS="$RPIDS $!"
	done
	# bound after joining (membership is set before bind)
	for _ in $(seq 200); do
		i=$(ip netns exec "$RNS" ss -Hlun "sport = :$IN_PORT" | wc -l)
		[ "$i" -ge "$n" ] && return 0
		sleep 0.05
	done
	cat "$WORK/socat.log" >&2
	return 1
}

relay_start_kernel() {
	local n=$1 i
	{
		echo "phyint r0 enable"
		echo "phyint r1 enable"
		# (S,G) routes go into the MFC at start: no upcall, no lost
		# first packets as a (*,G) route would have
		for ((i = 0; i < n; i++)); do
			echo "mroute from r0 source 10.81.1.1 group $(nth "$IN_BASE" "$i") to r1"
		done
	} >"$WORK/smcroute.conf"
	ip netns exec "$RNS" taskset -c "$RELAY_CPU" smcrouted -n -N -f "$WORK/smcroute.conf" \
		-i "mcr-fwd-$$" -u "$WORK/smcroute.sock" -P "$WORK/smcroute.pid" \
		>>"$WORK/smcroute.log" 2>&1 &
	SMC_PID=$!
	RPIDS=-
	for _ in $(seq 200); do
		[ "$(ip -n "$RNS" mroute show | grep -c '^(10\.81\.1\.1,')" -ge "$n" ] && return 0
		kill -0 "$SMC_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$WORK/smcroute.log" >&2
	return 1
}

relay_stop() {
	local p pids=$RPIDS
	[ "$pids" = - ] && pids=${SMC_PID:-}
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for p in $pids; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	RPIDS='' SMC_PID=''
}

# ---- measuring ------------------------------------------------------------
# ticks PID...: the sum of utime+stime of the PIDs, in clock ticks
ticks() {
	local t=0 p f
	for p in "$@"; do
		# fields after the ")" that ends comm: utime is the 12th, stime the 13th
		read -ra f < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)
		[ ${#f[@]} -ge 13 ] && t=$((t + f[11] + f[12]))
	done
	echo "$t"
}

# snapshot: "relay cpu0_softirq cpu1_softirq ksoftirqd" in clock ticks;
# relay is the CPU of RPIDS ("-" for a relay without process).
snapshot() {
	local t=-
	# shellcheck disable=SC2086
	[ "$RPIDS" != - ] && t=$(ticks $RPIDS)
	echo "$t $(awk '$1 == "cpu0" {a = $8} $1 == "cpu1" {b = $8} END {print a + 0, b + 0}' \
		/proc/stat) $(ticks "${KSOFTIRQD[@]}")"
}

# point RELAY N SIZE RATE: one run of the generator into the relay; appends
# to the CSV and prints a row.
point() {
	local relay=$1 n=$2 size=$3 rate=$4 count per sbase sport wait_s pin=
	if [ "$rate" -gt 0 ]; then
		count=$(awk -v r="$rate" -v s="$SECS" 'BEGIN {printf "%d", r * s}')
	else
		count=$UNPACED_COUNT
	fi
	per=$(((count + n - 1) / n))
	count=$((per * n))
	# the time the generator should need, plus margin: the sink's backstop
	wait_s=$(awk -v c="$count" -v r="$rate" \
		'BEGIN {printf "%d", c / (r > 100000 ? r : 100000) + 15}')
	sbase=$OUT_BASE sport=$OUT_PORT
	case $relay in kernel | mcrk) sbase=$IN_BASE sport=$IN_PORT ;; esac
	[ -n "$SINK_CPU" ] && pin="--cpu $SINK_CPU"
	rm -f "$WORK/ready" "$WORK/sink.json" "$WORK/gen.json"
	# shellcheck disable=SC2086
	ip netns exec "$SNS" "$B/mcr-sink" -i s0 -j -q --ready-file "$WORK/ready" \
		--streams "$n" --group-base "$sbase" --port-base "$sport" -e "$per" \
		--idle "$IDLE" -w "$wait_s" $pin >"$WORK/sink.json" 2>>"$WORK/sink.err" &
	SINK_PID=$!
	for _ in $(seq 200); do
		[ -e "$WORK/ready" ] && break
		kill -0 "$SINK_PID" 2>/dev/null || break
		sleep 0.05
	done
	[ -e "$WORK/ready" ] || { cat "$WORK/sink.err" >&2; die "sink did not get ready"; }
	local before after
	before=$(snapshot)
	# the generator's CPU: the change in this shell's children's times
	times >"$WORK/times0"
	ip netns exec "$GNS" timeout "$wait_s" "$B/mcr-gen" -i g0 -j -t 8 -s "$size" -r "$rate" \
		-c "$count" --cpu "$GEN_CPU" --streams "$n" --group-base "$IN_BASE" \
		--port-base "$IN_PORT" >"$WORK/gen.json" 2>>"$WORK/gen.err"
	times >"$WORK/times1"
	# the sink stops IDLE s after its last packet; one that got nothing
	# (a relay that forwards nothing) is stopped after IDLE + 3 s
	for _ in $(seq "$(awk -v i="$IDLE" 'BEGIN {printf "%d", (i + 3) * 20}')"); do
		kill -0 "$SINK_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -TERM "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=
	after=$(snapshot)
	"$PY" "$REPORT" point "$OUT/forward.csv" "$relay" "$n" "$size" "$rate" \
		"$WORK/gen.json" "$WORK/sink.json" "$before" "$after" "$WORK/times0" "$WORK/times1"
}

# ---- run ------------------------------------------------------------------
topology || die "cannot build the namespaces"
mkdir -p "$OUT"
npoints=$(($(wc -w <<<"$RELAYS") * $(wc -w <<<"$STREAMS") * $(wc -w <<<"$SIZES") *
	$(wc -w <<<"$RATES")))
echo "bench_forward: $npoints points, $SECS s each paced, unpaced $UNPACED_COUNT packets;" \
	"generator on CPU$GEN_CPU, relay on CPU$RELAY_CPU; binaries from $B" >&2
read -r load1 _ </proc/loadavg
awk -v l="$load1" 'BEGIN {exit !(l > 0.5)}' &&
	echo "bench_forward: load average $load1 at the start: other work skews the numbers" >&2
"$PY" "$REPORT" header "$OUT/forward.csv"
for relay in $RELAYS; do
	for n in $STREAMS; do
		relay_start "$relay" "$n" || die "$relay did not start for $n streams"
		for size in $SIZES; do
			for rate in $RATES; do
				case $rate in *k) rate=$((${rate%k} * 1000)) ;; esac
				point "$relay" "$n" "$size" "$rate"
			done
		done
		relay_stop
	done
done
"$PY" "$REPORT" summary "$OUT/forward.csv" "$OUT/forward.png"
[ -e "$OUT/forward.png" ] && echo "wrote $OUT/forward.csv and $OUT/forward.png"
exit 0
