#!/bin/bash
# Add, show, get, replace, change, delete and flush rules through mcr-nl
# against a real daemon; JSON checked with a real parser; exit codes and
# error sentences as documented.
. "$(dirname "$0")/lib.sh"
setup
ip -n "$NS" link add a0 type veth peer name b0
ip -n "$NS" link add a1 type veth peer name b1
mcrd_start

check_rc "add" 0 nl rule add iif a0 group 239.1.1.1 port 5001 oif a1 group 239.9.9.9 port 5099 oif b1 ttl 9
check_eq "add prints nothing" "" "$OUT"
check_rc "add by prefixes" 0 nl r a i a0 g 239.1.1.2 o a1 s keep
check_rc "add source-specific" 0 nl rule add iif a0 src 10.0.0.1 group 239.1.1.1 port 5001 oif b1

J=$(nl -j rule show)
check_eq "three rules" 3 "$(echo "$J" | json 'len(j)')"
check_eq "first rule" '{"id": 1, "iif": "a0", "group": "239.1.1.1", "port": 5001, "pending": false}' \
	"$(echo "$J" | json '{k: j[0][k] for k in ("id","iif","group","port","pending")}')"
check_eq "outputs" '[{"oif": "a1", "group": "239.9.9.9", "port": 5099, "ttl": null, "src": "ifaddr"}, {"oif": "b1", "group": "239.1.1.1", "port": 5001, "ttl": 9, "src": "keep"}]' \
	"$(echo "$J" | json '[{k: o[k] for k in ("oif","group","port","ttl","src")} for o in j[0]["outputs"]]')"
check_eq "any port is null" "None" "$(echo "$J" | json 'j[1]["port"] is None and "None"')"
check_eq "src keep" "keep" "$(echo "$J" | json 'j[1]["outputs"][0]["src"]')"
check_eq "input source" "10.0.0.1" "$(echo "$J" | json 'j[2]["src"]')"
check_eq "no counters without -s" "false" "$(echo "$J" | json '"packets" in j[0]')"
JS=$(nl -s -j rule show)
check_eq "counters with -s" "0 0 0" "$(echo "$JS" | json '"%d %d %d" % (j[0]["packets"], j[0]["bytes"], j[0]["outputs"][0]["packets"])')"
check_rc "pretty json parses" 0 sh -c "'$MCRNL' -n '$NS' -j -p rule show | python3 -m json.tool"
check_eq "output drops with -s" '0 {"ttl": 0, "too_big": 0, "link_down": 0, "no_src": 0, "tx_ring_full": 0, "tx_error": 0}' \
	"$(echo "$JS" | json '"%d %s" % (j[0]["outputs"][0]["dropped"], json.dumps(j[0]["outputs"][0]["drops"]))')"
check_eq "no drops on the rule" "false" "$(echo "$JS" | json '"drops" in j[0] or "dropped" in j[0]')"
check_rc "-s -s text show" 0 nl -s -s rule show
check_match "output counters line" '^        packets 0 bytes 0 dropped 0$' "$OUT"
W=$(nl -j worker show)
check_eq "one object per worker" "$(nl -j daemon show | json 'j["workers"]')" "$(echo "$W" | json 'len(j)')"
check_eq "worker counters" "0 0 13 6" "$(echo "$W" | json '"%d %d %d %d" % (j[0]["id"], j[0]["tx_packets"], len(j[0]["rx_drops"]), len(j[0]["out_drops"]))')"
check_rc "worker text by prefix" 0 nl w s
check_match "worker block" '^    no-match 0 malformed 0 ring-drops 0 ring-freezes 0$' "$OUT"

check_rc "text show" 0 nl rule show
check_match "text show line" '^id 1 iif a0 group 239.1.1.1 port 5001' "$OUT"
check_rc "prefix r s" 0 nl r s
check_match "prefix show" 'id 2 iif a0 group 239.1.1.2' "$OUT"
check_rc "filter by group" 0 nl -j rule show group 239.1.1.2
check_eq "filtered" "[2]" "$(echo "$OUT" | json '[r["id"] for r in j]')"
check_rc "filter by iif" 0 nl -j rule show iif b0
check_eq "filtered none" "[]" "$OUT"
check_rc "get" 0 nl -j rule get id 2
check_match "get id 2" '"id": ?2' "$OUT"

# duplicates and loops across rules are refused by the daemon: exit 2 with
# its sentence; a rule that feeds itself is refused by mcr-nl before it is
# sent (exit 1), and the raw-socket case of it is in garbage.sh
check_rc "duplicate" 2 nl rule add iif a0 group 239.1.1.1 port 5001 oif b1
check_match "duplicate message" '^Error: .*already used by rule 1.*\.$' "$OUT"
check_rc "self loop" 1 nl rule add iif a0 group 239.5.5.5 oif a0
check_match "self loop message" '^Error: output 1 sends to the rule.s own input.*a loop\.$' "$OUT"
check_rc "two-rule loop" 0 nl rule add iif a1 group 239.7.7.7 oif b0 group 239.8.8.8
check_rc "two-rule loop closes" 2 nl rule add iif b0 group 239.8.8.8 oif a1 group 239.7.7.7
check_match "loop message" '^Error: .*(loop|feeds).*' "$OUT"

# pending interface: accepted with a warning
check_rc "pending" 0 nl rule add iif nosuch0 group 239.3.3.3 oif a1
check_match "pending warning" '^Warning: .*nosuch0.*' "$OUT"
check_eq "pending flag" "true" "$(nl -j rule show iif nosuch0 | json 'j[0]["pending"]')"
ip -n "$NS" link add nosuch0 type veth peer name nosuch1
for _ in $(seq 50); do
	[ "$(nl -j rule show iif nosuch0 | json 'j[0]["pending"]')" = "false" ] && break
	sleep 0.1
done
check_eq "pending cleared when the interface appears" "false" \
	"$(nl -j rule show iif nosuch0 | json 'j[0]["pending"]')"

# replace keeps the id; change needs an existing rule
check_rc "replace" 0 nl rule replace iif a0 group 239.1.1.2 oif b1 port 6000
check_eq "replaced in place" '[2, "b1", 6000]' \
	"$(nl -j rule get id 2 | json '[j[0]["id"], j[0]["outputs"][0]["oif"], j[0]["outputs"][0]["port"]] if isinstance(j, list) else [j["id"], j["outputs"][0]["oif"], j["outputs"][0]["port"]]')"
check_rc "change missing" 2 nl rule change iif a0 group 239.4.4.4 oif b1
check_rc "replace creates" 0 nl rule replace iif a0 group 239.4.4.4 oif b1

# delete by id and by match; flush with a filter and all
N=$(nl -j rule show | json 'len(j)')
check_rc "del by id" 0 nl rule del id 2
check_rc "del missing id" 2 nl rule del id 2
check_match "del missing message" '^Error: no rule with id 2' "$OUT"
check_rc "del by match" 0 nl rule del iif a0 src 10.0.0.1 group 239.1.1.1 port 5001
check_eq "two fewer" $((N - 2)) "$(nl -j rule show | json 'len(j)')"
check_rc "flush by iif" 0 nl rule flush iif nosuch0
check_eq "flushed one iif" "0" "$(nl -j rule show iif nosuch0 | json 'len(j)')"
M=$(nl -j rule show | json 'len(j)')
check_rc "save" 0 nl rule save
SAVE=$OUT
printf '%s\n' "$SAVE" >"$WORK/saved.conf"
check_match "save format" '^rule add iif a0 group 239.1.1.1 port 5001 oif a1 group 239.9.9.9 port 5099 oif b1 ttl 9$' "$SAVE"
check_rc "saved file is a valid config" 0 "$MCRD" -n -c "$WORK/saved.conf"
check_rc "flush all" 0 nl rule flush
check_eq "empty" "[]" "$(nl -j rule show)"
check_rc "restore from save" 0 nl -b "$WORK/saved.conf"
check_eq "restored" "$M" "$(nl -j rule show | json 'len(j)')"

# syntax errors: exit 1, nothing sent, the word named
check_rc "bad port" 1 nl rule add iif a0 group 239.1.1.1 port 70000 oif b1
check_eq "bad port message" 'Error: "70000" is not a valid port (1-65535).' "$OUT"
check_rc "unknown object" 1 nl bogus show
check_match "unknown object message" 'bogus' "$OUT"
check_rc "unknown command" 1 nl rule frob
check_match "unknown command message" 'frob' "$OUT"
check_rc "help" 0 nl rule help
check_match "help grammar" 'OUTPUT := oif' "$OUT"
check_rc "version" 0 nl -V
check_rc "daemon show" 0 nl -j daemon show
check_eq "daemon pid" "$MCRD_PID" "$(echo "$OUT" | json 'j["pid"]')"
check_rc "stats show" 0 nl -j stats show
check_match "stats has requests" '"requests"' "$OUT"
check_rc "mcrd still alive" 0 kill -0 "$MCRD_PID"
mcrd_stop "$MCRD_PID"
check_eq "clean exit on SIGTERM" 0 $?
check_rc "no daemon" 2 nl rule show
check_match "no daemon message" 'no mcrd is running' "$OUT"
finish
