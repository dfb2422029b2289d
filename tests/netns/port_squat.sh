#!/bin/bash
# Another process holding the daemon's port id: mcrd refuses to start and
# names it; clients do not trust replies from it.
. "$(dirname "$0")/lib.sh"
setup
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
# an unprivileged impersonator that answers every request with a fake ACK;
# its script is copied where uid 65534 can read it (a checkout may not be)
chmod 0755 "$WORK"
install -m 0644 "$TOP/tests/netns/nlraw.py" "$WORK/nlraw.py"
ns_exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$PY" "$WORK/nlraw.py" squat 0x5fc00000 >"$WORK/squat.out" 2>"$WORK/squat.err" &
SQ=$!
PIDS="$PIDS $SQ"
for _ in $(seq 50); do grep -q ready "$WORK/squat.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/squat.out" ||
	{ fail_check "the squatter did not start: $(cat "$WORK/squat.err")"; finish; }
# bounded: were the port free, mcrd would run in the foreground until killed
check_rc "mcrd refuses a taken port" 1 ns_exec timeout 10 "$MCRD"
check_match "names the holder" "held by pid [0-9]+ \(uid 65534\).*nlraw.py squat" "$OUT"
check_match "names the port" "0x5fc00000" "$OUT"
check_rc "client rejects the impersonator's ACK" 2 nl rule add iif a0 group 239.1.1.1 oif b0
check_match "client says so" 'genuine|not the daemon|no mcrd' "$OUT"
# another port works, for the daemon and for clients that are told of it
export MCR_PORTID=0x60000000
mcrd_start
check_rc "client on the other port" 0 "$MCRNL" -n "$NS" daemon show
check_match "port shown" '0x60000000' "$OUT"
finish
