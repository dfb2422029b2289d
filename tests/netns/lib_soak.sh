# The soak run, shared by tests/perf/soak.sh (make soak: 300 s at 100,000
# packets/s) and tests/netns/soak_asan.sh (make check: a short run against
# the AddressSanitizer build of mcrd). Sourced after lib.sh and lib_fwd.sh.
#
# The chain of lib_fwd.sh (gen -- r0 relay r1 -- sink) carries SOAK_STREAMS
# streams, one worker-path rule each (239.1.0.N:5001 -> 239.9.0.N:5099), at
# SOAK_RATE packets/s in all for SOAK_SECONDS. Meanwhile, all bounded:
#  - churn: SOAK_CHURN_HZ rule changes a second, one mcr-nl call each, in
#    turn an add, a replace and a delete of OTHER rules (input r0 or a flap
#    interface, output a flap interface), so r0's group list, its BPF
#    filter and the forwarding table change all the time;
#  - flaps: every SOAK_FLAP_S seconds one of four extra veth pairs of the
#    relay (fa K -- fb K) goes down for a second and up again; fixed rules
#    use them as input and output, and a second, slow generator sends on r0
#    to rules whose output is a flap interface;
#  - samples: every SOAK_SAMPLE_S seconds mcrd's VmRSS, its anonymous
#    resident memory (RssAnon: heap and stacks, without the packet rings,
#    which are socket pages and count in RssFile), its open fds and threads,
#    its CPU, and the packets sent (gen ns), forwarded and ring-dropped (the
#    workers) and received (sink ns), into $SOAK_OUT/soak.csv. All from
#    /proc/PID/status, not smaps: a walk of smaps takes mcrd's mmap lock
#    (16-120 ms under ASan), which a sampler should not.
# Checks at the end: every stream exact (lost, dup, reordered 0), no socket
# drops at the sink, every rule change succeeded, the fixed rules are intact,
# and (SOAK_RSS_CHECK=yes) mcrd's memory and fds do not grow after warm-up
# (the first quarter): the median of the last quarter exceeds the median of
# the second by at most SOAK_RSS_TOL_KIB (1024), fds equal.

SOAK_SECONDS=${SOAK_SECONDS:-300}
SOAK_RATE=${SOAK_RATE:-100000}
SOAK_STREAMS=${SOAK_STREAMS:-100}
SOAK_SIZE=${SOAK_SIZE:-512}
SOAK_CHURN_HZ=${SOAK_CHURN_HZ:-10}
SOAK_FLAP_S=${SOAK_FLAP_S:-3}
SOAK_SAMPLE_S=${SOAK_SAMPLE_S:-2}
SOAK_RSS_CHECK=${SOAK_RSS_CHECK:-yes}
SOAK_RSS_TOL_KIB=${SOAK_RSS_TOL_KIB:-1024}
SOAK_OUT=${SOAK_OUT:-$WORK}
SOAK_MCRD_OPTS=${SOAK_MCRD_OPTS:-}
# SOAK_NICE: the nice value of mcrd, the generators and the sink (default
# 0); on a shared machine a negative one keeps other work from starving them
SOAK_NICE=${SOAK_NICE:-0}
NFLAP=4

# soak_ticks PID: utime+stime of PID (all its threads), in clock ticks
soak_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# soak_snmp NETNS FIELD: a Udp counter of NETNS
soak_snmp() {
	ip netns exec "$1" cat /proc/net/snmp | awk -v f="$2" '
		$1 == "Udp:" && !h {for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next}
		$1 == "Udp:" && h {print $col[f]}'
}

# soak_sample T0: one CSV line about mcrd now
soak_sample() {
	local t rss heap fds thr cpu run wait sent fwd rdrop recv rbuf rules
	t=$((($(date +%s%N) - $1) / 1000000))
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$MCRD_PID/status")
	thr=$(awk '/^Threads/ {print $2}' "/proc/$MCRD_PID/status")
	heap=$(awk '/^RssAnon/ {print $2}' "/proc/$MCRD_PID/status")
	fds=$(find "/proc/$MCRD_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
	cpu=$(soak_ticks "$MCRD_PID")
	# run time and run-queue wait of mcrd's threads, ms: a worker that waits
	# for a CPU more than it runs is starved by other work, not stuck
	read -r run wait < <(cat "/proc/$MCRD_PID"/task/*/schedstat 2>/dev/null |
		awk '{r += $1; w += $2} END {printf "%d %d\n", r / 1e6, w / 1e6}')
	sent=$(soak_snmp "$GNS" OutDatagrams)
	read -r fwd rdrop < <(nl -j worker show |
		json '"%d %d" % (sum(w["tx_packets"] for w in j), sum(w["ring_drops"] for w in j))')
	recv=$(soak_snmp "$(sink_ns 1)" InDatagrams)
	rbuf=$(soak_snmp "$(sink_ns 1)" RcvbufErrors)
	rules=$(nl -j daemon show | json 'j["rules"]')
	echo "$((t / 1000)).$(printf %03d $((t % 1000))),$rss,$heap,$fds,$thr,$cpu,$run,$wait,$sent,$fwd,$rdrop,$recv,$rbuf,$rules"
}

# soak_sampler T0 N: N samples, SOAK_SAMPLE_S apart, or until $WORK/stop
soak_sampler() {
	local k
	for k in $(seq "$2"); do
		[ -e "$WORK/stop" ] && break
		kill -0 "$MCRD_PID" 2>/dev/null || break
		soak_sample "$1" >>"$SOAK_OUT/soak.csv"
		sleep "$SOAK_SAMPLE_S"
	done
}

# soak_flapper N: N flaps, one every SOAK_FLAP_S s (down 1 s), or until
# $WORK/stop; counts them into $WORK/flaps
soak_flapper() {
	local k f
	for k in $(seq "$1"); do
		[ -e "$WORK/stop" ] && break
		f=$((k % NFLAP + 1))
		ip -n "$NS" link set "fa$f" down && sleep 1 && ip -n "$NS" link set "fa$f" up &&
			echo "$k" >"$WORK/flaps"
		sleep "$((SOAK_FLAP_S - 1))"
	done
}

# The churn rules: rule K has input r0 (or fa, every fourth) and a flap
# interface as output; a replace moves it to another output and port.
soak_churn_rule() {
	local k=$1 v=$2 f=$(($1 % NFLAP + 1)) g=$(($1 % NFLAP + 1))
	[ "$v" = 1 ] && g=$(((f % NFLAP) + 1))
	if [ $((k % 4)) = 3 ]; then
		echo "iif fa$f group 239.6.$((k / 200 % 200)).$((k % 200 + 1)) port 6000" \
			"oif fb$g group 239.7.0.$v port $((7000 + v))"
	else
		echo "iif r0 group 239.5.$((k / 200 % 200)).$((k % 200 + 1)) port 6000" \
			"oif fa$g group 239.7.0.$v port $((7000 + v))"
	fi
}

# soak_churn END_NS: one rule change every 1/SOAK_CHURN_HZ s on an absolute
# schedule until END_NS (date +%s%N): tick t adds churn rule t/3 (t%3 == 0),
# replaces rule t/3 - 5 (1) or deletes rule t/3 - 20 (2); at most 20 rules
# of the churn live at once. Sets CHURN_OPS, CHURN_BAD, CHURN_ADD/REP/DEL.
soak_churn() {
	local end=$1 t=0 k t0 due now max
	t0=$(date +%s%N)
	max=$((SOAK_SECONDS * SOAK_CHURN_HZ))
	CHURN_OPS=0 CHURN_BAD=0 CHURN_ADD=0 CHURN_REP=0 CHURN_DEL=0
	while [ $t -lt $max ]; do
		now=$(date +%s%N)
		[ "$now" -ge "$end" ] && break
		due=$((t0 + t * 1000000000 / SOAK_CHURN_HZ))
		[ "$due" -gt "$now" ] && sleep "$(printf '0.%09d' $((due - now)))"
		k=$((t / 3))
		case $((t % 3)) in
		0)
			# shellcheck disable=SC2046
			nl rule add $(soak_churn_rule $k 0) >>"$WORK/churn.err" 2>&1 ||
				CHURN_BAD=$((CHURN_BAD + 1))
			CHURN_ADD=$((CHURN_ADD + 1))
			;;
		1)
			[ $k -ge 5 ] && k=$((k - 5))
			# shellcheck disable=SC2046
			nl rule replace $(soak_churn_rule $k 1) >>"$WORK/churn.err" 2>&1 ||
				CHURN_BAD=$((CHURN_BAD + 1))
			CHURN_REP=$((CHURN_REP + 1))
			;;
		2)
			t=$((t + 1))
			[ $k -ge 20 ] || continue
			# shellcheck disable=SC2046
			nl rule del $(soak_churn_rule $((k - 20)) 0 | sed 's/ oif.*//') \
				>>"$WORK/churn.err" 2>&1 || CHURN_BAD=$((CHURN_BAD + 1))
			CHURN_DEL=$((CHURN_DEL + 1))
			CHURN_OPS=$((CHURN_OPS + 1))
			continue
			;;
		esac
		CHURN_OPS=$((CHURN_OPS + 1))
		t=$((t + 1))
	done
	CHURN_TICKS=$t
}

# soak_topology: the flap pairs fa K (10.50.K.1) -- fb K (10.51.K.1), both
# in the relay
soak_topology() {
	local k
	for k in $(seq $NFLAP); do
		ip -n "$NS" link add "fa$k" type veth peer name "fb$k" || return 1
		ip -n "$NS" addr add "10.50.$k.1/24" dev "fa$k"
		ip -n "$NS" addr add "10.51.$k.1/24" dev "fb$k"
		ip -n "$NS" link set "fa$k" up
		ip -n "$NS" link set "fb$k" up
	done
}

# soak_rules: the streams' rules and the fixed rules of the flap pairs
soak_rules() {
	local k
	"$PY" - "$SOAK_STREAMS" >"$WORK/streams.batch" <<'PY'
import ipaddress, sys
bi, bo = (int(ipaddress.ip_address(a)) for a in ("239.1.0.1", "239.9.0.1"))
for i in range(int(sys.argv[1])):
    print("rule add iif r0 group %s port 5001 oif r1 group %s port 5099"
          % (ipaddress.ip_address(bi + i), ipaddress.ip_address(bo + i)))
PY
	for k in $(seq $NFLAP); do
		# r0 to a flap interface (the slow generator feeds them) and flap
		# input to flap output
		echo "rule add iif r0 group 239.4.0.$k port 5001 oif fa$k group 239.4.1.$k"
		echo "rule add iif fa$k group 239.3.0.$k oif fb$(((k % NFLAP) + 1)) port 5555"
	done >"$WORK/fixed.batch"
	check_rc "soak: the streams' rules" 0 nl -b "$WORK/streams.batch"
	check_rc "soak: the fixed rules of the flap pairs" 0 nl -b "$WORK/fixed.batch"
	fwd_wait_active
}

# soak_quarter_stats CSV COL: "median(2nd quarter) median(last quarter)
# slope_per_min min max" of column COL after the first quarter
soak_quarters() {
	"$PY" - "$1" "$2" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
col = sys.argv[2]
t = [float(r["time_s"]) for r in rows]
v = [float(r[col]) for r in rows]
n = len(v)
q = max(n // 4, 1)
q2, q4 = v[q:2 * q], v[n - q:]
tt, vv = t[q:], v[q:]
mt, mv = statistics.mean(tt), statistics.mean(vv)
den = sum((x - mt) ** 2 for x in tt)
slope = sum((x - mt) * (y - mv) for x, y in zip(tt, vv)) / den * 60 if den else 0.0
print("%g %g %.1f %g %g" % (statistics.median(q2), statistics.median(q4), slope,
                            min(vv), max(vv)))
PY
}

# two panels: mcrd's anonymous memory and fds (what a leak moves), then
# VmRSS (mostly the packet rings) and the traffic the sink received
soak_plot() {
	command -v gnuplot >/dev/null || return 0
	gnuplot <<GP
set terminal pngcairo size 900,700 noenhanced
set output "$SOAK_OUT/soak.png"
set datafile separator ","
set multiplot layout 2,1 title "mcr soak: $SOAK_STREAMS streams, $SOAK_RATE pps, $SOAK_CHURN_HZ rule changes/s, a flap every $SOAK_FLAP_S s"
set key bottom right
set xlabel "seconds"
set ylabel "RssAnon (KiB)"
set y2label "open fds"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
plot "$SOAK_OUT/soak.csv" every ::1 using 1:3 with lines lw 2 title "mcrd RssAnon (heap, no packet rings)", \
     "" every ::1 using 1:4 axes x1y2 with lines lw 2 title "mcrd open fds"
set ylabel "VmRSS (MiB)"
set y2label "packets/s"
pt = NaN; pr = NaN
rate(t, r) = (d = (r - pr) / (t - pt), pt = t, pr = r, d)
plot "$SOAK_OUT/soak.csv" every ::1 using 1:(\$2/1024) with lines lw 2 title "mcrd VmRSS (with packet rings)", \
     "" every ::1 using 1:(rate(\$1, \$12)) axes x1y2 with lines title "received/s (sink)"
unset multiplot
GP
}

soak_run() {
	local per total end wait_s nsamples nflaps q t0 gen_pid sink_pid slow_pid mcrd_cpu0
	per=$((SOAK_RATE * SOAK_SECONDS / SOAK_STREAMS))
	total=$((per * SOAK_STREAMS))
	wait_s=$((SOAK_SECONDS + 60))
	soak_topology || { fail_check "soak: flap interfaces"; finish; }
	# shellcheck disable=SC2086
	fwd_mcrd $SOAK_MCRD_OPTS
	if [ "$SOAK_NICE" != 0 ]; then
		# per thread: the workers exist already
		for k in "/proc/$MCRD_PID"/task/*; do
			renice -n "$SOAK_NICE" -p "${k##*/}" >/dev/null
		done
	fi
	soak_rules
	say "soak: $SOAK_STREAMS streams x $per packets ($SOAK_RATE pps, $SOAK_SIZE B) for" \
		"$SOAK_SECONDS s; $SOAK_CHURN_HZ rule changes/s; a flap every $SOAK_FLAP_S s;" \
		"mcrd $MCRD"
	mkdir -p "$SOAK_OUT"
	echo "time_s,rss_kib,anon_kib,fds,threads,cpu_ticks,run_ms,runq_wait_ms,sent,forwarded,ring_drops,received,rcvbuf_errors,rules" \
		>"$SOAK_OUT/soak.csv"
	rm -f "$WORK/stop" "$WORK/flaps" "$WORK/churn.err"

	rm -f "$WORK/soak.ready"
	nice -n "$SOAK_NICE" ip netns exec "$(sink_ns 1)" timeout $((wait_s + 30)) "$SINK" -i s0 -j -q \
		--ready-file "$WORK/soak.ready" --streams "$SOAK_STREAMS" --group-base 239.9.0.1 \
		--port-base 5099 -e "$per" --idle 3 -w "$wait_s" >"$WORK/soak.json" 2>"$WORK/soak.err" &
	sink_pid=$!
	PIDS="$PIDS $sink_pid"
	for _ in $(seq 200); do
		[ -e "$WORK/soak.ready" ] && break
		sleep 0.05
	done
	[ -e "$WORK/soak.ready" ] || { fail_check "soak: sink not ready"; finish; }

	t0=$(date +%s%N)
	mcrd_cpu0=$(soak_ticks "$MCRD_PID")
	nice -n "$SOAK_NICE" ip netns exec "$GNS" timeout "$wait_s" "$GEN" -i g0 -t 8 -j -s "$SOAK_SIZE" \
		-r "$SOAK_RATE" -c "$total" --streams "$SOAK_STREAMS" --group-base 239.1.0.1 \
		--port-base 5001 >"$WORK/soak.gen" 2>&1 &
	gen_pid=$!
	PIDS="$PIDS $gen_pid"
	# the slow stream into the rules whose outputs flap (loses what goes out
	# of a down link: counted as link-down drops, no check)
	ip netns exec "$GNS" timeout "$wait_s" "$GEN" -i g0 -t 8 -q -s 200 -r 400 \
		-d "$SOAK_SECONDS" --streams $NFLAP --group-base 239.4.0.1 --port-base 5001 \
		--stream-id 1000 >"$WORK/slow.gen" 2>&1 &
	slow_pid=$!
	PIDS="$PIDS $slow_pid"

	nsamples=$((SOAK_SECONDS / SOAK_SAMPLE_S + 5))
	soak_sampler "$t0" "$nsamples" &
	PIDS="$PIDS $!"
	q=$!
	nflaps=$((SOAK_SECONDS / SOAK_FLAP_S))
	soak_flapper "$nflaps" &
	PIDS="$PIDS $!"
	# the churn stops a second before the generator is due to stop
	end=$((t0 + (SOAK_SECONDS - 1) * 1000000000))
	soak_churn "$end"
	say "soak: churn done after $((($(date +%s%N) - t0) / 1000000)) ms: $CHURN_OPS changes" \
		"($CHURN_ADD adds, $CHURN_REP replaces, $CHURN_DEL deletes), $CHURN_BAD failed"
	wait "$gen_pid"
	check_eq "soak: generator exit status" 0 $?
	touch "$WORK/stop"
	wait "$q"
	wait "$slow_pid"
	wait "$sink_pid"
	check_eq "soak: sink exit status" 0 $?
	soak_sample "$t0" >>"$SOAK_OUT/soak.csv"
	soak_report "$per" "$mcrd_cpu0"
}

soak_report() {
	local per=$1 cpu0=$2 rss heap fds churn_expect flaps
	check_eq "soak: generator failed sends" 0 "$(gj soak 'j["failed"]')"
	check_eq "soak: generator sent everything" $((per * SOAK_STREAMS)) "$(gj soak 'j["sent"]')"
	check_eq "soak: streams at the sink" "$SOAK_STREAMS" "$(sj soak 'len(j["streams"])')"
	check_eq "soak: every stream exact (received lost dup reord corrupt badlen old)" \
		"[[$per, 0, 0, 0, 0, 0, 0]]" "$(per_stream soak)"
	check_eq "soak: sink: nothing foreign or invalid, no socket drops" "0 0 0" \
		"$(sj soak '"%d %d %d" % (j["total"]["foreign"], j["total"]["invalid"], j["total"]["rcvbuf_drops"])')"
	check_eq "soak: sink namespace: no UDP receive buffer errors" 0 \
		"$(soak_snmp "$(sink_ns 1)" RcvbufErrors)"
	check_eq "soak: every rule change succeeded" 0 "$CHURN_BAD"
	[ "$CHURN_BAD" = 0 ] || head -5 "$WORK/churn.err"
	# the schedule may slip on a loaded machine; most ticks must happen
	churn_expect=$(((SOAK_SECONDS - 1) * SOAK_CHURN_HZ * 9 / 10))
	check_eq "soak: at least 90 % of the scheduled rule changes ticked ($CHURN_TICKS)" true \
		"$([ "$CHURN_TICKS" -ge "$churn_expect" ] && echo true)"
	flaps=$(cat "$WORK/flaps" 2>/dev/null || echo 0)
	check_eq "soak: interfaces flapped" true "$([ "$flaps" -ge $((SOAK_SECONDS / SOAK_FLAP_S / 2)) ] && echo true)"
	check_eq "soak: the streams' rules counted every packet" "[[$per, $per, 0]]" \
		"$(nl -s -j rule show | json "sorted(set((r['packets'], r['outputs'][0]['packets'],
			r['outputs'][0]['dropped']) for r in j if r['group'].startswith('239.1.0.')))")"
	check_eq "soak: no ring drops, nothing unmatched on r0's streams" "0" \
		"$(fwd_wj 'sum(w["ring_drops"] for w in j)')"
	check_eq "soak: stream and fixed rules left: ids 1..$((SOAK_STREAMS + 2 * NFLAP))" true \
		"$(nl -j rule show | json "([r['id'] for r in j if not r['group'].startswith(('239.5.', '239.6.'))]
			== list(range(1, $((SOAK_STREAMS + 2 * NFLAP + 1)))))")"
	read -r RSS_Q2 RSS_Q4 RSS_SLOPE RSS_MIN RSS_MAX < <(soak_quarters "$SOAK_OUT/soak.csv" rss_kib)
	read -r HEAP_Q2 HEAP_Q4 HEAP_SLOPE _ _ < <(soak_quarters "$SOAK_OUT/soak.csv" anon_kib)
	read -r FDS_Q2 FDS_Q4 _ FDS_MIN FDS_MAX < <(soak_quarters "$SOAK_OUT/soak.csv" fds)
	SOAK_CPU_S=$(awk -v a="$cpu0" -v b="$(soak_ticks "$MCRD_PID")" -v hz="$(getconf CLK_TCK)" \
		'BEGIN {printf "%.1f", (b - a) / hz}')
	echo
	echo "| soak | value |"
	echo "| --- | ---: |"
	echo "| duration, streams, rate | $SOAK_SECONDS s, $SOAK_STREAMS, $(gj soak 'round(j["pps"])') pps achieved |"
	echo "| packets sent / received by the sink | $(gj soak 'j["sent"]') / $(sj soak 'j["total"]["received"]') |"
	echo "| lost / duplicated / reordered | $(sj soak '"%d / %d / %d" % (j["total"]["lost"], j["total"]["duplicated"], j["total"]["reordered"])') |"
	echo "| rule changes (add / replace / del), failed | $CHURN_OPS ($CHURN_ADD / $CHURN_REP / $CHURN_DEL), $CHURN_BAD |"
	echo "| interface flaps | $flaps |"
	echo "| VmRSS median 2nd quarter -> last quarter | $RSS_Q2 -> $RSS_Q4 KiB (min $RSS_MIN, max $RSS_MAX) |"
	echo "| VmRSS slope after warm-up | $RSS_SLOPE KiB/min |"
	echo "| RssAnon (no packet rings), 2nd -> last quarter | $HEAP_Q2 -> $HEAP_Q4 KiB, slope $HEAP_SLOPE KiB/min |"
	echo "| open fds 2nd -> last quarter (min, max) | $FDS_Q2 -> $FDS_Q4 ($FDS_MIN, $FDS_MAX) |"
	echo "| mcrd CPU over the run (nice $SOAK_NICE) | $SOAK_CPU_S s |"
	echo "| mcrd threads: ran / waited runnable for a CPU | $(tail -1 "$SOAK_OUT/soak.csv" |
		awk -F, '{printf "%.1f s / %.1f s", $7 / 1000, $8 / 1000}') |"
	echo "| worker ring drops | $(fwd_wj 'sum(w["ring_drops"] for w in j)') |"
	echo
	if [ "$SOAK_RSS_CHECK" = yes ]; then
		check_eq "soak: VmRSS grows at most $SOAK_RSS_TOL_KIB KiB after warm-up ($RSS_Q2 -> $RSS_Q4)" \
			true "$(awk -v a="$RSS_Q2" -v b="$RSS_Q4" -v t="$SOAK_RSS_TOL_KIB" 'BEGIN {print (b - a <= t) ? "true" : "false"}')"
		check_eq "soak: RssAnon grows at most $SOAK_RSS_TOL_KIB KiB ($HEAP_Q2 -> $HEAP_Q4)" \
			true "$(awk -v a="$HEAP_Q2" -v b="$HEAP_Q4" -v t="$SOAK_RSS_TOL_KIB" 'BEGIN {print (b - a <= t) ? "true" : "false"}')"
	fi
	check_eq "soak: open fds the same after warm-up" "$FDS_Q2" "$FDS_Q4"
	check_eq "soak: open fds never above the warm-up median" "$FDS_Q2" "$FDS_MAX"
	soak_plot
}
