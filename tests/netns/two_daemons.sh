#!/bin/bash
# Two daemons on the same port id in two namespaces never see each other.
. "$(dirname "$0")/lib.sh"
setup
NS2=$NS-b
ns_add "$NS2"
mcrd_start
A=$MCRD_PID
mcrd_start --ns "$NS2" --log "$WORK/mcrd2.log"
B=$MCRD_PID
check_rc "add in A" 0 nl rule add iif x0 group 239.1.1.1 oif y0
check_rc "add in B" 0 "$MCRNL" -n "$NS2" rule add iif x0 group 239.2.2.2 oif y0
check_rc "add in B again" 0 "$MCRNL" -n "$NS2" rule add iif x0 group 239.3.3.3 oif y0
check_eq "A sees its own" '["239.1.1.1"]' "$(nl -j rule show | json '[r["group"] for r in j]')"
check_eq "B sees its own" '["239.2.2.2", "239.3.3.3"]' \
	"$("$MCRNL" -n "$NS2" -j rule show | json '[r["group"] for r in j]')"
check_eq "A is pid A" "$A" "$(nl -j daemon show | json 'j["pid"]')"
check_eq "B is pid B" "$B" "$("$MCRNL" -n "$NS2" -j daemon show | json 'j["pid"]')"
NS3=$NS-c
ns_add "$NS3"
check_rc "no daemon in a third namespace" 2 "$MCRNL" -n "$NS3" rule show
check_match "no daemon sentence" 'no mcrd is running' "$OUT"
finish
