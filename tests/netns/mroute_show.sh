#!/bin/bash
# The kernel path through the protocol and mcr-nl: daemon show names the
# mroute state, mroute show lists what mcrd installed (a rule's (S,G) at
# once, a learned entry and a stop entry after traffic) with the kernel's
# own counters (as ip -s mroute reads them), rule show tells each output's
# path, a dump of 300 entries arrives whole, and a table held by another
# process shows as busy.
. "$(dirname "$0")/lib.sh"
setup
for i in 0 1 2; do
	ip -n "$NS" link add "r$i" type veth peer name "p$i"
	ip -n "$NS" link set "r$i" up
	ip -n "$NS" link set "p$i" up
done
for a in 10.1.0.1 10.1.0.7 10.1.0.9; do ip -n "$NS" addr add "$a/32" dev lo; done
# the test sends from local addresses out of p0 into r0
for k in all default r0 r1 r2 p0 p1 p2; do
	ns_exec sysctl -qw "net.ipv4.conf.$k.rp_filter=0" "net.ipv4.conf.$k.accept_local=1"
done

# send DEV SRC COUNT GROUP...: COUNT UDP datagrams to each GROUP out of DEV
send() {
	ns_exec "$PY" -c 'import socket, sys
dev, src, n, groups = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 5)
u.bind((src, 0))
for g in groups:
    for _ in range(n):
        u.sendto(b"x" * 100, (g, 5000))' "$@"
}

# wait_entries N: until mroute show lists N entries (at most 3 s)
wait_entries() {
	for _ in $(seq 60); do
		[ "$(nl mroute show | wc -l)" -eq "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

mcrd_start --workers 1 --mfc-expire 30
check_match "daemon show: mroute on" '^  mroute on \(table 0\)$' "$(nl daemon show)"
check_eq "daemon json: table" '["on (table 0)", 0]' \
	"$(nl -j daemon show | json '[j["mroute_state"], j["mroute_table"]]')"

check_rc "add (S,G)" 0 nl rule add iif r0 src 10.1.0.1 group 239.1.1.1 oif r1 oif r2
check_rc "add template" 0 nl rule add iif r0 group 239.1.1.9 oif r1
check_rc "add rewrite" 0 nl rule add iif r0 group 239.1.1.5 oif r1 group 239.5.5.5
wait_entries 1
check_match "(S,G) entry at once" \
	'^\(10\.1\.0\.1,239\.1\.1\.1\) +Iif: r0 +Oifs: r1 r2  State: resolved  Rule: 1$' \
	"$(nl mroute show)"

send p0 10.1.0.1 5 239.1.1.1
send p0 10.1.0.9 4 239.1.1.9
send p0 10.1.0.7 3 239.7.7.7
wait_entries 3
SHOW=$(nl mroute show)
check_match "learned entry" \
	'^\(10\.1\.0\.9,239\.1\.1\.9\) +Iif: r0 +Oifs: r1  State: resolved  Rule: 2  Learned$' "$SHOW"
check_match "stop entry" '^\(10\.1\.0\.7,239\.7\.7\.7\) +Iif: r0  +State: stop$' "$SHOW"
check_match "-s counters" '^  4 packets, 512 bytes, 0 arrived on wrong iif, idle [0-9.]+s$' \
	"$(nl -s mroute show | grep -A1 '239.1.1.9' | tail -1)"
check_eq "json keys" \
	'[["10.1.0.1", "239.1.1.1", "r0", ["r1", "r2"], 1, false, false], ["10.1.0.9", "239.1.1.9", "r0", ["r1"], 2, true, false], ["10.1.0.7", "239.7.7.7", "r0", [], null, false, true]]' \
	"$(nl -j mroute show | json '[[e["src"], e["dst"], e["iif"], [o["oif"] for o in e["multipath"]], e["rule"], e["learned"], e["stop"]] for e in j]')"
# the same counters as the kernel's own listing
MCR=$(nl -j -s mroute show | json 'sorted([e["src"], e["dst"], e["packets"], e["bytes"]] for e in j)')
IP=$(ns_exec ip -j -s mroute show | json 'sorted([e["src"], e["dst"], e["packets"], e["bytes"]] for e in j)')
check_eq "counters as ip -s mroute" "$IP" "$MCR"

RULES=$(nl -d rule show)
check_match "kernel output path" $'^\toif r1 group 239.1.1.9 src keep path kernel vif [0-9]+$' "$RULES"
check_match "worker output path" $'^\toif r1 group 239.5.5.5 src ifaddr path worker$' "$RULES"
check_eq "rule json: paths and kernel counters" '[["kernel", "kernel"], 5, ["worker"]]' \
	"$(nl -j -s rule show | json '[[o["path"] for o in j[0]["outputs"]], j[0]["kernel"]["packets"], [o["path"] for o in j[2]["outputs"]]]')"
check_eq "stats json: learned, stopped" '[1, 1]' \
	"$(nl -j stats show | json '[j["mroute_learned"], j["mroute_stopped"]]')"
check_rc "\"m\" is ambiguous" 1 nl m s
check_match "ambiguity message" 'object "m" is ambiguous: mroute or monitor' "$OUT"
check_rc "\"mr s\" is mroute show" 0 nl mr s

# 300 more entries, more than one dump datagram holds: from (S,G) rules,
# installed at once (reports would not do: the kernel keeps at most 10
# unresolved (S,G) at a time and drops the packets of the others)
for i in $(seq 300); do
	echo "rule add iif r0 src 10.1.0.7 group 239.8.$((i / 200)).$((i % 200 + 1)) oif r1"
done >"$WORK/300.batch"
check_rc "300 (S,G) rules" 0 nl -b "$WORK/300.batch"
wait_entries 303
check_eq "a long dump arrives whole" "303 303" \
	"$(nl -j mroute show | json '"%d %d" % (len(j), len({(e["src"], e["dst"]) for e in j}))')"
check_eq "as many as the kernel has" "$(ns_exec ip mroute show | wc -l)" "$(nl mroute show | wc -l)"

mcrd_stop "$MCRD_PID"
# another process takes the table: mcrd leaves everything to the workers
mroute_hold
mcrd_start --workers 1
check_match "busy" '^  mroute busy: .*held by pid '"$HOLD"' ' "$(nl daemon show)"
check_eq "busy: no table" "null" "$(nl -j daemon show | json 'j["mroute_table"]')"
check_rc "busy: mroute show works" 0 nl mroute show
check_eq "busy: no entries" "" "$OUT"
finish
