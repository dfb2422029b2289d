#!/bin/bash
# Malformed, truncated, lying and random netlink from a raw socket: every
# parseable request gets the right error, the rest is counted and dropped,
# and the daemon keeps running and answering. (nl_abuse.sh repeats these
# cases in a loop with a probe client running.)
. "$(dirname "$0")/lib.sh"
setup
mcrd_start
check_rc "a rule" 0 nl rule add iif x0 group 239.1.1.1 oif y0
check_rc "crafted cases" 0 ns_exec python3 "$TOP/tests/netns/nlraw.py" garbage
G=$OUT
expect() { check_eq "case $1" "$1 $2" "$(printf '%s\n' "$G" | grep "^$1 ")"; }
expect short-datagram none
expect length-lies-long none
expect length-lies-short none
expect no-genl-header EINVAL
expect unknown-type EOPNOTSUPP
expect unknown-cmd EOPNOTSUPP
expect attr-length-lies EINVAL
expect attr-unknown EINVAL
expect string-no-nul EINVAL
expect not-a-request none
expect deep-nest EINVAL
expect 16000-attributes EINVAL
expect self-loop ELOOP
expect attr-length-2 EINVAL
expect attr-length-0 EINVAL
expect nest-past-parent EINVAL
expect nest-past-message EINVAL
expect message-past-datagram ack
expect second-message-truncated ack
# 400 kB, past the 64 kB the daemon reads of a datagram: an error, not silence
expect 100000-attributes EMSGSIZE
check_rc "random datagrams" 0 ns_exec python3 "$TOP/tests/netns/nlraw.py" fuzz 3000 $$
check_rc "daemon alive" 0 kill -0 "$MCRD_PID"
check_rc "daemon answers" 0 nl -j rule show
check_eq "rule intact" '["239.1.1.1"]' "$(echo "$OUT" | json '[r["group"] for r in j]')"
MAL=$(nl -j stats show | json 'j["malformed"]')
check_match "malformed counted" '^[1-9][0-9]*$' "$MAL"
finish
