# Helpers of the data-plane tests (fwd_*.sh), sourced after lib.sh.
#
# The chain: the generator namespace $GNS (g0 10.1.0.1/24) -- the relay
# $NS (r0 10.1.0.2/24; outputs r1 10.2.0.1/24, r2 10.3.0.1/24, ...) -- one
# sink namespace per output ($NS-s1 with s0 10.2.0.2/24, $NS-s2 with s1
# 10.3.0.2/24, ...). mcrd runs in the relay; mcr-gen sends out of g0 with
# TTL 8; a sink listens on its namespace's interface.
#
# Readiness without sleeps: fwd_rule_add waits until the rule is active;
# a change of interfaces is waited for with fwd_swaps / fwd_wait_swaps
# (every worker moved to a table built after the change); a sink is
# started once it has joined (ready file); a capture once tcpdump listens.
# Counters are read after fwd_settle: sent counters follow the matched ones
# a little later (a send counts when it completes).

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "lib_fwd.sh: the helpers of fwd_*.sh, not a test"
	exit 77
fi

GEN=$BUILD/mcr-gen
SINK=$BUILD/mcr-sink
PCAPCHECK=$TOP/tests/netns/pcapcheck.py
RAWSEND=$TOP/tests/netns/rawsend.py
GNS=$NS-g
NOUT=0
RULE_ID=
GEN_PID=

# Namespaces without IPv6 (no MLD or ND frames in captures) and without
# reverse-path filtering (a sink must accept "src keep" traffic from a
# subnet it has no route to).
fwd_ns_quiet() {
	local k
	for k in net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; do
		ip netns exec "$1" sysctl -qw "$k" >/dev/null
	done
}

# fwd_setup [N_OUTPUTS]: lib.sh's setup, the generator and the first
# N_OUTPUTS outputs (default 1).
fwd_setup() {
	local k
	setup
	[ -x "$GEN" ] && [ -x "$SINK" ] || { say "build first (make)"; exit 1; }
	fwd_ns_quiet "$NS"
	ns_add "$GNS"
	fwd_ns_quiet "$GNS"
	fwd_input_add
	for k in $(seq "${1:-1}"); do
		fwd_output_add
	done
}

# fwd_input_add [IN [GIF [NET]]]: a veth GIF (generator, .1) -- IN (relay,
# .2) on NET/24 (default g0 -- r0 on 10.1.0).
fwd_input_add() {
	local in=${1:-r0} gif=${2:-g0} net=${3:-10.1.0}
	ip link add "$gif" netns "$GNS" type veth peer name "$in" netns "$NS" || return 1
	ip -n "$GNS" addr add "$net.1/24" dev "$gif"
	ip -n "$NS" addr add "$net.2/24" dev "$in"
	ip -n "$GNS" link set "$gif" up
	ip -n "$NS" link set "$in" up
}

# fwd_output_add [--no-addr] [--down]: the next output rK (10.K+1.0.1/24, no
# address with --no-addr; left down with --down, the sink side is up) and its
# sink namespace $NS-sK with s(K-1) (10.K+1.0.2/24).
fwd_output_add() {
	local k=$((NOUT + 1)) sns addr=yes up=yes
	while [ $# -gt 0 ]; do
		case $1 in
		--no-addr) addr=no ;;
		--down) up=no ;;
		esac
		shift
	done
	sns=$(sink_ns "$k")
	ns_add "$sns"
	fwd_ns_quiet "$sns"
	ip link add "r$k" netns "$NS" type veth peer name "$(sink_if "$k")" netns "$sns" || return 1
	[ $addr = no ] || ip -n "$NS" addr add "10.$((k + 1)).0.1/24" dev "r$k"
	ip -n "$sns" addr add "10.$((k + 1)).0.2/24" dev "$(sink_if "$k")"
	ip -n "$sns" link set "$(sink_if "$k")" up
	[ $up = no ] || ip -n "$NS" link set "r$k" up
	ip netns exec "$sns" sysctl -qw "net.ipv4.conf.$(sink_if "$k").rp_filter=0"
	NOUT=$k
}

sink_ns() { echo "$NS-s$1"; }
sink_if() { echo "s$(($1 - 1))"; }

# fwd_mcrd ARGS: mcrd in the relay; one worker unless ARGS say otherwise.
fwd_mcrd() {
	case " $* " in
	*" --workers "*) mcrd_start "$@" ;;
	*) mcrd_start "$@" --workers 1 ;;
	esac
}

# ---- rules ------------------------------------------------------------------

# fwd_rule_add WORDS: "rule add WORDS"; waits until it is active and sets
# RULE_ID (ids grow, so the new rule has the highest).
fwd_rule_add() {
	if ! OUT=$(nl rule add "$@" 2>&1); then
		fail_check "rule add $*: $OUT"
		return 1
	fi
	pass_check
	RULE_ID=$(nl -j rule show | json 'max(r["id"] for r in j)')
	fwd_wait_active "$RULE_ID"
}

# flags ID: "pending active" of rule ID.
flags() { fwd_rj "$1" '"%s %s" % (json.dumps(j["pending"]), json.dumps(j["active"]))'; }

# wait_flags ID WANT: polls (at most 5 s) until flags ID says WANT.
wait_flags() {
	local i
	for i in $(seq 100); do
		[ "$(flags "$1")" = "$2" ] && break
		sleep 0.05
	done
	check_eq "rule $1: pending, active" "$2" "$(flags "$1")"
}

# fwd_wait_active [ID...]: polls (at most 5 s) until the rules (default:
# all) are active; a failed check on timeout.
fwd_wait_active() {
	local ids="$*" i
	for i in $(seq 100); do
		if [ "$(nl -j rule show | json "all(r['active'] for r in j
			if not '$ids' or str(r['id']) in '$ids'.split())")" = true ]; then
			pass_check
			return 0
		fi
		sleep 0.05
	done
	fail_check "rules ${ids:-all} not active within 5 s: $(nl -j rule show | head -c 2000)"
	return 1
}

# fwd_rj ID EXPR: EXPR over rule ID of "rule show -s" (bound to j).
fwd_rj() {
	nl -s -j rule show | json "(lambda j: $2)([r for r in j if r['id'] == $1][0])"
}

# fwd_wj EXPR: EXPR over "worker show" (the list of workers, bound to j).
fwd_wj() { nl -j worker show | json "$1"; }

# The table generation every worker has reached, per worker.
fwd_swaps() { fwd_wj '" ".join(str(w["table_swaps"]) for w in j)'; }

# fwd_wait_swaps BEFORE: polls (at most 5 s) until every worker moved to a
# newer table than in BEFORE (fwd_swaps taken before the change).
fwd_wait_swaps() {
	local i
	for i in $(seq 100); do
		if [ "$(fwd_wj "all(w['table_swaps'] > int(b) for w, b in zip(j, '$1'.split()))")" = \
			true ]; then
			return 0
		fi
		sleep 0.05
	done
	fail_check "the workers did not take up a new table within 5 s (swaps $1 -> $(fwd_swaps))"
	return 1
}

# fwd_settle: polls (at most 3 s) until every output of every rule accounts
# for every matched packet (matched == sent + dropped) and the counters
# stayed the same for 100 ms. Returns 1 on timeout (fwd_invariant fails).
fwd_settle() {
	local i prev="" rules cur
	for i in $(seq 30); do
		rules=$(nl -s -j rule show)
		cur=$rules$(nl -j worker show)
		if [ "$cur" = "$prev" ] && [ "$(printf '%s' "$rules" |
			json 'all(r["packets"] == o["packets"] + o["dropped"]
				for r in j for o in r["outputs"])')" = true ]; then
			return 0
		fi
		prev=$cur
		sleep 0.1
	done
	return 1
}

# fwd_invariant [WHAT]: after fwd_settle, for every output of every rule:
# matched == sent + dropped, and dropped is the sum of its reasons; and every
# output takes the worker path (these tests are about the workers: an output
# the kernel could forward unchanged would take the kernel path instead).
fwd_invariant() {
	fwd_settle
	check_eq "${1:-counters}: every output on the worker path" "[]" \
		"$(nl -s -j rule show | json '[(r["id"], o["oif"], o.get("path")) for r in j
			for o in r["outputs"] if o.get("path") != "worker"]')"
	check_eq "${1:-counters}: matched == sent + dropped, per output" "[]" \
		"$(nl -s -j rule show | json '[(r["id"], o["oif"], r["packets"], o["packets"], o["dropped"],
			o["drops"]) for r in j for o in r["outputs"]
			if r["packets"] != o["packets"] + o["dropped"]
			or o["dropped"] != sum(o["drops"].values())]')"
}

# ---- traffic ------------------------------------------------------------------

# fwd_sink NAME K ARGS: mcr-sink in the sink namespace of output K, JSON to
# $WORK/NAME.json; returns once it has joined. NAME must be a word.
fwd_sink() {
	local name=$1 k=$2 i pid
	shift 2
	rm -f "$WORK/$name.ready"
	ip netns exec "$(sink_ns "$k")" timeout 60 "$SINK" -i "$(sink_if "$k")" -j \
		--ready-file "$WORK/$name.ready" "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" &
	pid=$!
	PIDS="$PIDS $pid"
	printf -v "SINK_$name" %s "$pid"
	for i in $(seq 200); do
		[ -e "$WORK/$name.ready" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	fail_check "sink $name did not get ready: $(cat "$WORK/$name.err")"
	return 1
}

# fwd_sink_wait NAME: waits for sink NAME; checks it exited 0.
fwd_sink_wait() {
	local v="SINK_$1"
	wait "${!v}"
	check_eq "sink $1 exit status" 0 $?
}

# fwd_gen NAME ARGS: mcr-gen out of g0 (or $GEN_IF) with TTL 8 (ARGS may set
# another), JSON summary to $WORK/NAME.gen; checks it ran and failed no send.
fwd_gen() {
	local name=$1
	shift
	ip netns exec "$GNS" timeout 60 "$GEN" -i "${GEN_IF:-g0}" -t 8 -j "$@" >"$WORK/$name.gen" 2>&1
	check_eq "$name: generator exit status" 0 $?
	check_eq "$name: generator failed sends" 0 "$(gj "$name" 'j["failed"]')"
}

# fwd_gen_bg NAME ARGS: the same in the background; fwd_gen_wait NAME after.
fwd_gen_bg() {
	local name=$1
	shift
	ip netns exec "$GNS" timeout 60 "$GEN" -i "${GEN_IF:-g0}" -t 8 -j "$@" >"$WORK/$name.gen" 2>&1 &
	GEN_PID=$!
	PIDS="$PIDS $GEN_PID"
}

fwd_gen_wait() {
	wait "$GEN_PID"
	check_eq "$1: generator exit status" 0 $?
	check_eq "$1: generator failed sends" 0 "$(gj "$1" 'j["failed"]')"
}

sj() { json "$2" <"$WORK/$1.json"; }
gj() { json "$2" <"$WORK/$1.gen"; }

# Per-stream numbers of sink NAME as one sorted, de-duplicated list:
# received, lost, duplicated, reordered, corrupt, wrong length, old.
per_stream() {
	sj "$1" 'sorted(set((s["received"], s["lost"], s["duplicated"], s["reordered"],
		s["corrupt"], s["wrong_length"], s["old"]) for s in j["streams"]))'
}

# fwd_raw KIND COUNT GROUP PORT [SRC] [IF]: rawsend.py frames out of g0 (or
# IF) from SRC (default 10.1.0.1); checks all were sent.
fwd_raw() {
	check_eq "rawsend $1 x $2" "$2" \
		"$(ip netns exec "$GNS" "$PY" "$RAWSEND" "${6:-g0}" "$1" "$2" "$3" "$4" "${5:-10.1.0.1}" 2>&1)"
}

# ---- captures -----------------------------------------------------------------

fwd_need_tcpdump() { command -v tcpdump >/dev/null || skip "needs tcpdump"; }

# fwd_cap_start NAME NETNS IFNAME [FILTER]: tcpdump of IFNAME's UDP (or
# FILTER) into $WORK/NAME.pcap; returns once it listens.
fwd_cap_start() {
	local name=$1 ns=$2 dev=$3 i pid
	shift 3
	ip netns exec "$ns" timeout 60 tcpdump -i "$dev" -n -U --immediate-mode -B 32768 -Z root \
		-w "$WORK/$name.pcap" "${@:-udp}" 2>"$WORK/$name.cap.err" &
	pid=$!
	PIDS="$PIDS $pid"
	printf -v "CAP_$name" %s "$pid"
	for i in $(seq 100); do
		grep -q "listening on" "$WORK/$name.cap.err" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	fail_check "capture $name did not start: $(cat "$WORK/$name.cap.err")"
	return 1
}

# fwd_cap_stop NAME [EXPECT]: waits (at most 3 s) until the capture holds
# EXPECT frames, then stops it; checks tcpdump lost none itself.
fwd_cap_stop() {
	local name=$1 want=${2:-0} v="CAP_$1" i
	for i in $(seq 60); do
		[ "$("$PY" "$PCAPCHECK" --count "$WORK/$name.pcap")" -ge "$want" ] && break
		sleep 0.05
	done
	kill -INT "${!v}" 2>/dev/null
	wait "${!v}"
	check_eq "capture $name: dropped by the kernel" 0 \
		"$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$WORK/$name.cap.err")"
}

# fwd_pj NAME EXPR [--after T]: EXPR over pcapcheck.py's report of NAME.
fwd_pj() {
	"$PY" "$PCAPCHECK" ${3:+--after "$3"} "$WORK/$1.pcap" | json "$2"
}

# The interface's MAC in the relay.
fwd_mac() { ip -n "$NS" -o link show "$1" | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p'; }

# ---- memberships ------------------------------------------------------------

# fwd_igmp NETNS IFNAME: the groups IFNAME has joined, as /proc/net/igmp
# of NETNS lists them (the address word in hex, host byte order), dotted,
# sorted, one a line.
fwd_igmp() {
	ip netns exec "$1" cat /proc/net/igmp | "$PY" -c '
import socket, struct, sys
dev, out = None, []
for line in sys.stdin.read().splitlines()[1:]:
    f = line.split()
    if line[:1].isdigit():
        dev = f[1]
    elif dev == sys.argv[1] and f:
        out.append(socket.inet_ntoa(struct.pack("=I", int(f[0], 16))))
print("\n".join(sorted(out, key=socket.inet_aton)))' "$2"
}

# fwd_wait_igmp NETNS IFNAME GROUP yes|no: polls (at most 5 s) until GROUP
# is (yes) or is not (no) joined on IFNAME; a check either way.
fwd_wait_igmp() {
	local i has
	for i in $(seq 100); do
		has=no
		fwd_igmp "$1" "$2" | grep -qx "$3" && has=yes
		[ "$has" = "$4" ] && break
		sleep 0.05
	done
	check_eq "$3 joined on $2 of $1" "$4" "$has"
}
