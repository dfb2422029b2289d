#!/bin/bash
# A client that starts a dump of 10,000 rules and never reads, and a crowd
# of clients that never read: the daemon keeps serving others, and gives
# up on the stalled dump after its timeout.
. "$(dirname "$0")/lib.sh"
setup
mcrd_start
python3 -c 'import sys
for i in range(10000):
    print("rule add iif x0 group 239.%d.%d.%d oif y0" % (1 + i // 65536, (i // 256) % 256, i % 256))' >"$WORK/b"
check_rc "10,000 rules" 0 nl -b "$WORK/b"
ns_exec python3 "$TOP/tests/netns/nlraw.py" stall-dump 20 >"$WORK/stall.out" &
ST=$!
PIDS="$PIDS $ST"
for _ in $(seq 50); do grep -q ready "$WORK/stall.out" 2>/dev/null && break; sleep 0.1; done
check_rc "others still served" 0 nl -j daemon show
check_rc "a full dump still works" 0 nl -j rule show
check_eq "full dump complete" 10000 "$(echo "$OUT" | json 'len(j)')"
check_rc "flood of non-readers" 0 ns_exec python3 "$TOP/tests/netns/nlraw.py" flood 2000
check_rc "served after the flood" 0 nl -j daemon show
# the stalled dump is abandoned after 10 s without progress
for _ in $(seq 150); do
	[ "$(nl -j stats show | json 'j["dumps_aborted"] >= 1')" = true ] && break
	sleep 0.1
done
check_eq "stalled dump abandoned" true "$(nl -j stats show | json 'j["dumps_aborted"] >= 1')"
check_rc "daemon alive" 0 kill -0 "$MCRD_PID"
finish
