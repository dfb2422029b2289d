#!/bin/bash
# mcr-nl monitor prints every rule change the daemon announces on the
# events group, in text and JSON.
. "$(dirname "$0")/lib.sh"
setup
mcrd_start
nl monitor count 4 >"$WORK/mon.txt" 2>&1 &
M1=$!
nl -j monitor count 4 >"$WORK/mon.json" 2>&1 &
M2=$!
PIDS="$PIDS $M1 $M2"
# ready once both have joined the events group: /proc/net/netlink lists
# USERSOCK (Eth 2) sockets with their group bitmap
for _ in $(seq 50); do
	n=$(ns_exec awk '$2 == 2 && $4 != "00000000"' /proc/net/netlink | wc -l)
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
check_eq "both monitors subscribed" 2 "$n"
check_rc "add" 0 nl rule add iif x0 group 239.1.1.1 oif y0
check_rc "replace" 0 nl rule replace iif x0 group 239.1.1.1 oif y0 ttl 3
check_rc "add 2" 0 nl rule add iif x0 group 239.1.1.2 oif y0
check_rc "del" 0 nl rule del id 1
for p in $M1 $M2; do
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
wait "$M1"; check_eq "text monitor exits 0 after 4 events" 0 $?
wait "$M2"; check_eq "json monitor exits 0 after 4 events" 0 $?
TXT=$(cat "$WORK/mon.txt")
check_match "new" '^\[NEW\] id 1 iif x0 group 239.1.1.1' "$TXT"
check_match "replace" '^\[REPLACE\] id 1 ' "$TXT"
check_match "del" '^\[DEL\] id 1 ' "$TXT"
check_eq "four event lines" 4 "$(grep -c '^\[' "$WORK/mon.txt")"
check_eq "json events" '["new", "replace", "new", "del"]' \
	"$(python3 -c 'import json,sys; print(json.dumps([json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]))' "$WORK/mon.json")"
check_eq "json rule" '[1, 3]' \
	"$(sed -n 2p "$WORK/mon.json" | json '[j["rule"]["id"], j["rule"]["outputs"][0]["ttl"]]')"
finish
