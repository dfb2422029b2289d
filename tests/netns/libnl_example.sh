#!/bin/bash
# The libnl-3 example client (docs/examples/libnl-client.c) drives mcrd with
# stock libnl: resolve the family, add a rule, dump, delete.
. "$(dirname "$0")/lib.sh"
setup
EX=$BUILD/mcr-libnl-example
[ -x "$EX" ] || { say "missing $EX"; exit 1; }
mcrd_start
check_rc "add through libnl" 0 ns_exec "$EX" add x0 239.1.1.1 5001 y0 239.9.9.9 5099
check_eq "mcr-nl sees it" '["x0", "239.1.1.1", 5001, "239.9.9.9", 5099]' \
	"$(nl -j rule show | json '[j[0]["iif"], j[0]["group"], j[0]["port"], j[0]["outputs"][0]["group"], j[0]["outputs"][0]["port"]]')"
check_rc "dump through libnl" 0 ns_exec "$EX" dump
check_match "dump line" 'id 1 iif x0 group 239.1.1.1 port 5001' "$OUT"
check_rc "duplicate refused" 2 ns_exec "$EX" add x0 239.1.1.1 5001 y0 239.9.9.9 5099
check_match "extack reaches libnl" 'already used' "$OUT"
check_rc "unprivileged add refused" 2 ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups "$EX" add x0 239.1.1.2 5001 y0
check_rc "unprivileged dump works" 0 ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups "$EX" dump
check_rc "del through libnl" 0 ns_exec "$EX" del 1
check_eq "gone" "[]" "$(nl -j rule show)"
finish
