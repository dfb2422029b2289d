#!/bin/bash
# sd_notify without libsystemd: with NOTIFY_SOCKET set, mcrd sends READY=1
# once it answers and its configuration is applied, RELOADING=1 (with
# MONOTONIC_USEC) then READY=1 around a SIGHUP reload (also a refused one),
# STOPPING=1 at SIGTERM. Once with an abstract name (@), once with a path
# only root may write to, under --user nobody (mcrd connects before the drop).
. "$(dirname "$0")/lib.sh"
setup
LISTEN=$TOP/tests/netns/notify_listen.py
ip -n "$NS" link add a0 type veth peer name b0
CONF=$WORK/mcrd.conf
cat >"$CONF" <<'CONF'
rule add iif a0 group 239.1.1.1 oif b0
rule add iif a0 group 239.1.1.2 oif b0
CONF
chmod 0644 "$CONF"
chmod 0755 "$WORK" # nobody rereads the file on SIGHUP

now_usec() { "$PY" -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000)'; }

# msgs CASE EXPR: EXPR over the datagrams received so far (a list, j).
msgs() { "$PY" -c 'import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
print(json.dumps(eval(sys.argv[2])))' "$WORK/$1.log" "$2"; }

# wait_msgs CASE N: polls (at most 5 s) until N datagrams arrived.
wait_msgs() {
	for _ in $(seq 100); do
		[ "$(msgs "$1" 'len(j)')" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail_check "$1: $2 notifications within 5 s; got: $(cat "$WORK/$1.log")"
	return 1
}

# run_case CASE ADDRESS MCRD-ARGS...
run_case() {
	local c=$1 addr=$2 lpid t0 t1
	shift 2
	: >"$WORK/$c.log"
	rm -f "$WORK/$c.ready"
	# in the namespace: an abstract name belongs to a network namespace
	ns_exec "$PY" "$LISTEN" "$addr" "$WORK/$c.log" "$WORK/$c.ready" -- \
		env MCR_DAEMON_UID="${MCR_DAEMON_UID:-0}" "$MCRNL" -j rule show &
	lpid=$!
	PIDS="$PIDS $lpid"
	for _ in $(seq 100); do [ -e "$WORK/$c.ready" ] && break; sleep 0.05; done
	check_eq "$c: listener bound" true "$([ -e "$WORK/$c.ready" ] && echo true)"

	export NOTIFY_SOCKET=$addr
	mcrd_start -c "$CONF" "$@"
	unset NOTIFY_SOCKET
	wait_msgs "$c" 1
	check_eq "$c: first message READY=1 with a status" '["1", true]' \
		"$(msgs "$c" '[j[0]["fields"].get("READY"), "2 rules" in j[0]["fields"].get("STATUS", "")]')"
	check_eq "$c: at READY=1 mcrd answered with the configured rules" \
		'[0, ["239.1.1.1", "239.1.1.2"]]' \
		"$(msgs "$c" '[j[0]["check"]["rc"], sorted(r["group"] for r in json.loads(j[0]["check"]["out"]))]')"

	t0=$(now_usec)
	kill -HUP "$MCRD_PID"
	wait_msgs "$c" 3
	t1=$(now_usec)
	check_eq "$c: SIGHUP: RELOADING=1 then READY=1" '["1", "1"]' \
		"$(msgs "$c" '[j[1]["fields"].get("RELOADING"), j[2]["fields"].get("READY")]')"
	check_eq "$c: MONOTONIC_USEC is the time of the reload" true \
		"$(msgs "$c" "$t0 <= int(j[1]['fields']['MONOTONIC_USEC']) <= $t1")"
	check_eq "$c: the status after the reload" true \
		"$(msgs "$c" 'j[2]["fields"]["STATUS"].startswith("reloaded")')"

	echo "rule add iif a0 group 239.1.1.1 oif nosuchword bogus" >"$WORK/bad.conf"
	cp "$CONF" "$WORK/good.conf"
	cp "$WORK/bad.conf" "$CONF"
	kill -HUP "$MCRD_PID"
	wait_msgs "$c" 5
	check_eq "$c: a refused reload: RELOADING=1, then READY=1 saying so" '["1", "1", true]' \
		"$(msgs "$c" '[j[3]["fields"].get("RELOADING"), j[4]["fields"].get("READY"),
			"refused" in j[4]["fields"]["STATUS"]]')"
	cp "$WORK/good.conf" "$CONF"

	t0=$(now_usec)
	mcrd_stop "$MCRD_PID"
	check_eq "$c: clean stop" 0 $?
	wait "$lpid"
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$lpid" | tr '\n' ' ')
	check_eq "$c: last message STOPPING=1, sent after SIGTERM" '[6, "1", true]' \
		"$(msgs "$c" "[len(j), j[-1]['fields'].get('STOPPING'), j[-1]['usec'] >= $t0]")"
}

run_case abstract "@mcr-notify-$$"
MCR_DAEMON_UID=65534 run_case path "$WORK/notify.sock" --user nobody

# without NOTIFY_SOCKET nothing changes; a bad one is only a warning
NOTIFY_SOCKET=relative/name mcrd_start -c "$CONF"
check_match "a bad NOTIFY_SOCKET is a warning" "NOTIFY_SOCKET: Invalid argument" "$(cat "$WORK/mcrd.log")"
mcrd_stop "$MCRD_PID"
finish
