#!/bin/bash
# Nothing of mcrd's stays in the kernel's multicast routing table: not
# after a clean stop, not after kill -9; a restart starts clean and installs
# what its configuration asks again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
fwd_setup 2

mr_vifs() { ns_exec cat /proc/net/ip_mr_vif | tail -n +2 | wc -l; }
mr_cache() { ns_exec cat /proc/net/ip_mr_cache | tail -n +2 | wc -l; }

cat >"$WORK/mcrd.conf" <<EOF
rule add iif r0 src 10.1.0.1 group 239.1.1.1 oif r1 oif r2
rule add iif r0 group 239.1.1.2 oif r2
EOF
fwd_mcrd -c "$WORK/mcrd.conf"
fwd_wait_active
check_eq "running: 3 VIFs" 3 "$(mr_vifs)"
check_eq "running: one (S,G) entry" 1 "$(mr_cache)"
fwd_gen learn -c 3 239.1.1.2:5001 239.1.1.3:5001
for _ in $(seq 50); do [ "$(mr_cache)" = 3 ] && break; sleep 0.05; done
check_eq "running: learned and stop entries too" 3 "$(mr_cache)"
mcrd_stop "$MCRD_PID"
check_eq "clean stop: exit status" 0 $?
check_eq "after stop: no VIF" 0 "$(mr_vifs)"
check_eq "after stop: no entry" 0 "$(mr_cache)"

fwd_mcrd -c "$WORK/mcrd.conf"
fwd_wait_active
check_eq "restarted: 3 VIFs again" 3 "$(mr_vifs)"
kill -9 "$MCRD_PID"
wait "$MCRD_PID" 2>/dev/null
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$MCRD_PID" | tr '\n' ' ')
# the kernel cleans up when the dead process's socket is released
for _ in $(seq 50); do [ "$(mr_vifs)$(mr_cache)" = 00 ] && break; sleep 0.05; done
check_eq "after kill -9: no VIF" 0 "$(mr_vifs)"
check_eq "after kill -9: no entry" 0 "$(mr_cache)"

fwd_mcrd -c "$WORK/mcrd.conf"
fwd_wait_active
check_eq "after a crash, a restart works: VIFs" 3 "$(mr_vifs)"
check_eq "after a crash, a restart works: the (S,G) entry" 1 "$(mr_cache)"
fwd_sink after 1 -c 1000 --idle 2 239.1.1.1:5001
fwd_gen after -r 10k -c 1000 239.1.1.1:5001
fwd_sink_wait after
check_eq "and forwards" "[[1000, 0, 0, 0, 0, 0, 0]]" "$(per_stream after)"
finish
