#!/bin/bash
# Another process holding the daemon's port id: mcrd refuses to start and
# names it; clients do not trust replies from it.
. "$(dirname "$0")/lib.sh"
setup
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
# an unprivileged impersonator that answers every request with a fake ACK
ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	python3 "$TOP/tests/netns/nlraw.py" squat 0x5fc00000 >"$WORK/squat.out" &
SQ=$!
PIDS="$PIDS $SQ"
for _ in $(seq 50); do grep -q ready "$WORK/squat.out" 2>/dev/null && break; sleep 0.1; done
check_rc "mcrd refuses a taken port" 1 ns_exec "$MCRD"
check_match "names the holder" "pid $SQ" "$OUT"
check_match "names the port" "0x5fc00000" "$OUT"
check_rc "client rejects the impersonator's ACK" 2 nl rule add iif a0 group 239.1.1.1 oif b0
check_match "client says so" 'genuine|not the daemon|no mcrd' "$OUT"
# another port works
mcrd_start --port 0x5fe00000
check_rc "client on the other port" 0 env MCR_PORTID=0x5fe00000 "$MCRNL" -n "$NS" daemon show
check_match "port shown" '0x5fe00000' "$OUT"
finish
