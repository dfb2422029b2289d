#!/bin/bash
# mcrd's command line: every bad option value gets exit status 1 and a
# sentence naming the option and what it takes; nothing starts. --help and
# --version exit 0.
. "$(dirname "$0")/lib.sh"
setup

# bad OPTION... EXPECTED_REGEX: mcrd refuses with that message
bad() {
	local want=${*: -1}
	check_rc "refused: ${*:1:$#-1}" 1 ns_exec timeout 5 "$MCRD" "${@:1:$#-1}"
	check_match "message for ${*:1:$#-1}" "$want" "$OUT"
}

bad --workers 0 '--workers "0": expected 1-256'
bad --workers 257 '--workers "257": expected 1-256'
bad --workers two '--workers "two": expected 1-256'
bad --fanout round '--fanout "round": expected hash, cpu or lb'
bad --egress fast '--egress "fast": expected uring, mmsg or ring'
bad --rx-ring 0 '--rx-ring "0": expected 1-1024'
bad --rx-ring 4096 '--rx-ring "4096": expected 1-1024'
bad --table -1 '--table "-1": expected a table id'
bad --table 1000000000 '--table "1000000000": expected a table id'
bad --mfc-expire 0 '--mfc-expire "0": expected 1-86400'
bad --port 0 '--port "0": expected a port id'
bad --port 0x1ffffffff '--port "0x1ffffffff": expected a port id'
bad --group no-such-group-here 'unknown group "no-such-group-here"'
bad --dry-run 'needs --config FILE'
bad extra 'unexpected argument "extra"'
bad --no-such-option 'Usage: mcrd'
bad -c /nonexistent/mcrd.conf '/nonexistent/mcrd.conf'
check_rc "MCR_PORTID must be a port id" 1 ns_exec env MCR_PORTID=banana timeout 5 "$MCRD"
check_match "MCR_PORTID message" 'MCR_PORTID="banana" is not a port id' "$OUT"

check_rc "--help" 0 "$MCRD" --help
check_match "--help lists the data-plane options" '--egress MODE.*' "$OUT"
check_match "--help lists the kernel-path options" '--table ID\|none' "$OUT"
check_rc "--version" 0 "$MCRD" --version
check_match "--version" '^mcrd [0-9]+\.[0-9]+\.[0-9]+$' "$OUT"
check_eq "nothing listens after the refusals" "" \
	"$(ns_exec awk '$2 == 2 && $3 == 1606418432' /proc/net/netlink)"
finish
