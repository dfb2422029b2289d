#!/bin/bash
# mcr-gen and mcr-sink against each other over a veth pair between two
# namespaces: exact counts per stream for one, 50 and 30 streams, the
# smallest (18-byte, compact header) and largest (8972-byte, jumbo)
# payloads, latency, --expect, duplicates and reordering made by more
# generators, 32-bit sequence wrap, source-specific joins, two sinks on one
# port, --raw frames, a dropping qdisc (ENOBUFS retried, nothing lost), and
# the command line contract (help, bad arguments, exit codes).
. "$(dirname "$0")/lib.sh"
setup --no-mcrd
GEN=$BUILD/mcr-gen
SINK=$BUILD/mcr-sink
[ -x "$GEN" ] && [ -x "$SINK" ] || { say "build first (make)"; exit 1; }
GNS=$NS-gen
ns_add "$GNS"
ip link add g0 netns "$GNS" type veth peer name s0 netns "$NS"
ip -n "$GNS" addr add 10.77.0.1/24 dev g0
ip -n "$NS" addr add 10.77.0.2/24 dev s0
ip -n "$GNS" link set g0 up
ip -n "$NS" link set s0 up

# sink_start NAME ARGS: mcr-sink in $NS with JSON to $WORK/NAME.json; returns
# once it has written its ready file (all groups joined). Sets SINK_PID.
sink_start() {
	local name=$1
	shift
	rm -f "$WORK/$name.ready"
	ip netns exec "$NS" timeout 60 "$SINK" -i s0 -j --ready-file "$WORK/$name.ready" "$@" \
		>"$WORK/$name.json" 2>"$WORK/$name.err" &
	SINK_PID=$!
	PIDS="$PIDS $SINK_PID"
	for _ in $(seq 200); do
		[ -e "$WORK/$name.ready" ] && return 0
		kill -0 "$SINK_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail_check "sink $name did not get ready: $(cat "$WORK/$name.err")"
	return 1
}

# sink_wait: waits for the last sink; checks it exited 0.
sink_wait() {
	wait "$SINK_PID"
	check_eq "sink exit status" 0 $?
}

# gen NAME ARGS: mcr-gen in $GNS out of g0, JSON summary to $WORK/NAME.gen.
gen() {
	local name=$1
	shift
	ip netns exec "$GNS" timeout 60 "$GEN" -i g0 -j "$@" >"$WORK/$name.gen" 2>&1
	check_eq "$name: generator exit status" 0 $?
}

# sj NAME EXPR: a Python expression over sink NAME's JSON (bound to j).
sj() { json "$2" <"$WORK/$1.json"; }
gj() { json "$2" <"$WORK/$1.gen"; }

# Per-stream numbers of sink NAME as one sorted, de-duplicated list.
per_stream() {
	sj "$1" 'sorted(set((s["received"], s["lost"], s["duplicated"], s["reordered"],
		s["corrupt"], s["wrong_length"], s["old"]) for s in j["streams"]))'
}

# ---- command line --------------------------------------------------------
for t in "$GEN" "$SINK"; do
	n=$(basename "$t")
	check_rc "$n --help" 0 "$t" --help
	check_match "$n --help is a manual" '^NAME' "$OUT"
	check_match "$n --help has a synopsis" 'SYNOPSIS' "$OUT"
	check_match "$n --help has exit statuses" 'EXIT STATUS' "$OUT"
	check_rc "$n without destination" 1 "$t"
	check_match "$n: names the problem" "^$n: no destination.*try --help\)$" "$OUT"
	check_rc "$n bad destination" 1 "$t" 239.1.1.1:70000
	check_match "$n: names the destination" "'239.1.1.1:70000'.*try --help" "$OUT"
	check_eq "$n: one line" 1 "$(printf '%s\n' "$OUT" | wc -l)"
	check_rc "$n unknown option" 1 "$t" --bogus 239.1.1.1:5001
	check_match "$n: names the option" "unknown option '--bogus'.*try --help" "$OUT"
	check_rc "$n missing value" 1 "$t" 239.1.1.1:5001 --count
	check_match "$n: names the option" "option --count needs a value.*try --help" "$OUT"
	check_rc "$n --streams without --group-base" 1 "$t" --streams 3
done
check_rc "gen bad rate" 1 "$GEN" --rate fast 239.1.1.1:5001
check_match "gen bad rate message" "^mcr-gen: --rate 'fast': .*try --help\)$" "$OUT"
check_rc "gen size 17" 1 "$GEN" -s 17 239.1.1.1:5001
check_match "gen size range" "^mcr-gen: --size '17': expected an integer 18..8972" "$OUT"
check_rc "gen size 8973" 1 "$GEN" -s 8973 239.1.1.1:5001
check_rc "gen rate and bitrate" 1 "$GEN" -r 1k -b 1M 239.1.1.1:5001
check_rc "sink window not a power of two" 1 "$SINK" --window 100 239.1.1.1:5001
check_match "sink window message" "^mcr-sink: --window '100': expected a power of two" "$OUT"
check_rc "sink unicast destination" 1 "$SINK" 10.0.0.1:5001
check_rc "sink unknown interface is a setup error" 2 ip netns exec "$NS" "$SINK" -i nosuch0 \
	239.1.1.1:5001
check_match "sink names the interface" "nosuch0" "$OUT"
check_rc "gen unknown interface is a setup error" 2 ip netns exec "$GNS" "$GEN" -i nosuch0 \
	-c 1 239.1.1.1:5001

# ---- one stream, 1000 packets at 10k pps ---------------------------------
sink_start one -c 1000 239.1.1.1:5001 && gen one -r 10k -c 1000 239.1.1.1:5001
sink_wait
check_eq "one: generator sent" "1000 0 0" "$(gj one '"%d %d %d" % (j["sent"], j["failed"], j["retries"])')"
check_eq "one: one stream" 1 "$(sj one 'len(j["streams"])')"
check_eq "one: exact" "[[1000, 0, 0, 0, 0, 0, 0]]" "$(per_stream one)"
check_eq "one: where it came from" '[0, "239.1.1.1", 5001, "10.77.0.1", 1, 0, 999, 1024000]' \
	"$(sj one '[j["streams"][0][k] for k in ("stream", "group", "port", "src", "ttl",
		"first_seq", "last_seq", "bytes")]')"
check_eq "one: nothing else arrived" "0 0 0 0" \
	"$(sj one '"%d %d %d %d" % tuple(j["total"][k] for k in ("invalid", "foreign", "overflow", "rcvbuf_drops"))')"
check_eq "one: no latency unless asked" false "$(sj one '"latency_ns" in j["total"]')"

# ---- 50 streams x 200: more groups on one port than one socket may join ---
sink_start fifty -e 200 --idle 1 --streams 50 --group-base 239.1.0.1 &&
	gen fifty -r 50k -c 10000 --streams 50 --group-base 239.1.0.1 --ttl 3
sink_wait
check_eq "fifty: 50 streams" 50 "$(sj fifty 'len(j["streams"])')"
check_eq "fifty: every stream exact" "[[200, 0, 0, 0, 0, 0, 0]]" "$(per_stream fifty)"
check_eq "fifty: ids follow groups" true \
	"$(sj fifty 'all(s["group"] == "239.1.0.%d" % (s["stream"] + 1) for s in j["streams"])')"
check_eq "fifty: ttl 3" "[3]" "$(sj fifty 'sorted(set(s["ttl"] for s in j["streams"]))')"
check_eq "fifty: totals" "10000 0 0" "$(sj fifty '"%d %d %d" % (j["total"]["received"], j["total"]["lost"], j["total"]["foreign"])')"

# ---- 30 streams on 30 ports ---------------------------------------------
sink_start ports -e 100 --idle 1 --streams 30 --group-base 239.3.0.1 --group-step 0 --port-step 1 &&
	gen ports -r 30k -c 3000 --streams 30 --group-base 239.3.0.1 --group-step 0 --port-step 1
sink_wait
check_eq "ports: 30 streams" 30 "$(sj ports 'len(j["streams"])')"
check_eq "ports: every stream exact" "[[100, 0, 0, 0, 0, 0, 0]]" "$(per_stream ports)"
check_eq "ports: one port per stream" true \
	"$(sj ports 'sorted(s["port"] for s in j["streams"]) == list(range(5001, 5031))')"

# ---- smallest payload: 18 bytes, compact header -------------------------
sink_start small -c 1000 239.1.1.2:5002 && gen small -s 18 -r 10k -c 1000 239.1.1.2:5002
sink_wait
check_eq "small: exact" "[[1000, 0, 0, 0, 0, 0, 0]]" "$(per_stream small)"
check_eq "small: 18 bytes each" 18000 "$(sj small 'j["streams"][0]["bytes"]')"

# ---- largest payload: 8972 bytes over a 9000-byte MTU --------------------
ip -n "$GNS" link set g0 mtu 9000
ip -n "$NS" link set s0 mtu 9000
sink_start jumbo -c 1000 239.1.1.3:5003 && gen jumbo -s 8972 -r 10k -c 1000 239.1.1.3:5003
sink_wait
check_eq "jumbo: exact" "[[1000, 0, 0, 0, 0, 0, 0]]" "$(per_stream jumbo)"
check_eq "jumbo: 8972 bytes each" 8972000 "$(sj jumbo 'j["streams"][0]["bytes"]')"

ip -n "$GNS" link set g0 mtu 1500

# ---- latency -------------------------------------------------------------
sink_start lat -c 500 --latency 239.1.1.4:5004 && gen lat -r 5k -c 500 239.1.1.4:5004
sink_wait
check_eq "lat: per stream and total" "True True" \
	"$(sj lat '"%s %s" % ("latency_ns" in j["streams"][0], "latency_ns" in j["total"])')"
check_eq "lat: one sample per packet" 500 "$(sj lat 'j["total"]["latency_ns"]["count"]')"
check_eq "lat: 0 <= min <= p50 <= p99 <= max < 1 s, avg within" true \
	"$(sj lat '(lambda l: 0 <= l["min"] <= l["p50"] <= l["p99"] <= l["max"] < 10**9 and
		l["min"] <= l["avg"] <= l["max"] and l["negative"] == 0)(j["total"]["latency_ns"])')"

# ---- --expect sees a short tail -------------------------------------------
sink_start expect -e 100 --idle 0.5 239.1.2.1:5001,239.1.2.2:5001 &&
	gen expect -r 10k -c 160 239.1.2.1:5001,239.1.2.2:5001
sink_wait
check_eq "expect: 20 of 100 lost per stream" "[[80, 20, 0, 0, 0, 0, 0]]" "$(per_stream expect)"
check_eq "expect: last seq 79" "[79, 79]" "$(sj expect '[s["last_seq"] for s in j["streams"]]')"
check_eq "expect: total lost" 40 "$(sj expect 'j["total"]["lost"]')"

# ---- reordering and duplicates, made by three generators on one stream ----
sink_start reorder -e 200 --idle 0.5 239.1.3.1:5001 &&
	gen reorder1 -r 10k -c 100 --seq-start 100 239.1.3.1:5001 &&
	gen reorder2 -r 10k -c 100 239.1.3.1:5001 &&
	gen reorder3 -r 10k -c 50 239.1.3.1:5001
sink_wait
check_eq "reorder: 100 late, 50 duplicated, none lost" "[[250, 0, 50, 100, 0, 0, 0]]" \
	"$(per_stream reorder)"
check_eq "reorder: span" "0 199 199" \
	"$(sj reorder '"%d %d %d" % (j["streams"][0]["first_seq"], j["streams"][0]["last_seq"], j["streams"][0]["max_reorder"])')"

# ---- compact header across the 32-bit sequence wrap -----------------------
sink_start wrap -c 300 239.1.4.1:5001 &&
	gen wrap -s 20 -r 10k -c 300 --seq-start 4294967196 239.1.4.1:5001
sink_wait
check_eq "wrap: exact" "[[300, 0, 0, 0, 0, 0, 0]]" "$(per_stream wrap)"
check_eq "wrap: extended past 2^32" "4294967196 4294967495" \
	"$(sj wrap '"%d %d" % (j["streams"][0]["first_seq"], j["streams"][0]["last_seq"])')"

# ---- source-specific joins ------------------------------------------------
sink_start ssm -c 100 --source 10.77.0.1 239.1.5.1:5001 && gen ssm -r 10k -c 100 239.1.5.1:5001
sink_wait
check_eq "ssm: the named source gets through" "[[100, 0, 0, 0, 0, 0, 0]]" "$(per_stream ssm)"
sink_start ssm_other -w 1 --source 10.77.0.99 239.1.5.1:5001 && gen ssm_other -r 10k -c 100 239.1.5.1:5001
sink_wait
check_eq "ssm: another source does not" "0 0" \
	"$(sj ssm_other '"%d %d" % (len(j["streams"]), j["total"]["received"])')"

# ---- two sinks on one port, each sees only its own group --------------------
sink_start shareA -c 100 239.1.6.1:6000 && A_PID=$SINK_PID &&
	sink_start shareB -c 100 239.1.6.2:6000 &&
	gen share -r 10k -c 200 239.1.6.1:6000,239.1.6.2:6000
sink_wait
wait "$A_PID"
check_eq "shareA: its group only" '[["239.1.6.1", 100, 0]]' \
	"$(sj shareA '[[s["group"], s["received"], s["lost"]] for s in j["streams"]]')"
check_eq "shareB: its group only" '[["239.1.6.2", 100, 0]]' \
	"$(sj shareB '[[s["group"], s["received"], s["lost"]] for s in j["streams"]]')"
check_eq "share: nothing foreign" "0 0" \
	"$(echo "$(sj shareA 'j["total"]["foreign"]') $(sj shareB 'j["total"]["foreign"]')")"

# ---- --raw: whole frames from an AF_PACKET socket, checksums by mcr-gen -----
sink_start raw -c 2000 239.1.9.1:5001,239.1.9.2:5002 &&
	gen raw --raw -t 7 --source 10.77.0.1:4444 -s 100 -r 20k -c 2000 \
		239.1.9.1:5001,239.1.9.2:5002
sink_wait
check_eq "raw: exact (the kernel dropped no bad checksum)" "[[1000, 0, 0, 0, 0, 0, 0]]" \
	"$(per_stream raw)"
check_eq "raw: addresses and TTL" '[["239.1.9.1", 5001, "10.77.0.1", 7], ["239.1.9.2", 5002, "10.77.0.1", 7]]' \
	"$(sj raw '[[s["group"], s["port"], s["src"], s["ttl"]] for s in j["streams"]]')"
check_rc "raw needs an interface" 1 "$GEN" --raw 239.1.1.1:5001
check_rc "raw sends to groups only" 2 ip netns exec "$GNS" "$GEN" --raw -i g0 -c 1 10.77.0.2:5001
check_rc "raw frame must fit the MTU" 2 ip netns exec "$GNS" "$GEN" --raw -i g0 -s 1473 -c 1 \
	239.1.1.1:5001
check_match "raw MTU message" "does not fit the MTU 1500" "$OUT"

# ---- a qdisc that drops: the generator retries, nothing is lost ------------
if ip netns exec "$GNS" tc qdisc add dev g0 root tbf rate 10mbit burst 10k limit 10k 2>/dev/null; then
	sink_start enobufs -c 3000 239.1.8.1:5001 && gen enobufs -s 64 -r 0 -c 3000 239.1.8.1:5001
	sink_wait
	check_eq "enobufs: all sent, none failed" "3000 0" "$(gj enobufs '"%d %d" % (j["sent"], j["failed"])')"
	check_eq "enobufs: the qdisc refused some" true "$(gj enobufs 'j["retries"] > 0')"
	check_eq "enobufs: every drop was retried" \
		"$(ip netns exec "$GNS" tc -s qdisc show dev g0 | sed -n 's/.*(dropped \([0-9]*\),.*/\1/p')" \
		"$(gj enobufs 'j["retries"]')"
	check_eq "enobufs: the sink got everything" "[[3000, 0, 0, 0, 0, 0, 0]]" "$(per_stream enobufs)"
	ip netns exec "$GNS" tc qdisc del dev g0 root
else
	say "no tbf qdisc: skipping the ENOBUFS case"
fi

# ---- more groups than one socket may join, next to another listener -------
# The helper-joined sink sees every group joined in the namespace on its
# port: the one it did not ask for must count as foreign, not as a stream.
sink_start poolA --idle 0.5 --streams 25 --group-base 239.5.0.1 && A_PID=$SINK_PID &&
	sink_start poolB -c 20 239.5.0.26:5001 &&
	gen pool -r 26k -c 520 --streams 26 --group-base 239.5.0.1
sink_wait
wait "$A_PID"
check_eq "poolA: 25 exact streams" "25 [[20, 0, 0, 0, 0, 0, 0]]" \
	"$(sj poolA 'len(j["streams"])') $(per_stream poolA)"
check_eq "poolA: the other group is foreign" 20 "$(sj poolA 'j["total"]["foreign"]')"
check_eq "poolB: its own stream only" "1 [[20, 0, 0, 0, 0, 0, 0]] 0" \
	"$(sj poolB 'len(j["streams"])') $(per_stream poolB) $(sj poolB 'j["total"]["foreign"]')"

# ---- routed instead of --interface, text table ----------------------------
ip -n "$GNS" route add 224.0.0.0/4 dev g0
rm -f "$WORK/text.ready"
ip netns exec "$NS" timeout 60 "$SINK" -i s0 -c 100 --ready-file "$WORK/text.ready" \
	239.1.7.1:5001 >"$WORK/text.out" 2>&1 &
SINK_PID=$!
PIDS="$PIDS $SINK_PID"
for _ in $(seq 200); do [ -e "$WORK/text.ready" ] && break; sleep 0.05; done
check_rc "routed: generator" 0 ip netns exec "$GNS" "$GEN" -r 10k -c 100 239.1.7.1:5001
check_match "routed: text summary" '^sent 100 packets \(102400 bytes\) to 1 stream' "$OUT"
sink_wait
check_match "text: stream line" '^0 +239\.1\.7\.1:5001 +10\.77\.0\.1 +1 +100 +0 +0 +0 +0 +0 +0 +99' \
	"$(cat "$WORK/text.out")"
check_match "text: total line" '^total +1 stream +100 +0 ' "$(cat "$WORK/text.out")"

finish
