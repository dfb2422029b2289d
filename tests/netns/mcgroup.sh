#!/bin/bash
# The group-membership pool on the real kernel: 2,000 any-source groups and
# 30 source-specific joins over 102 helper sockets, all seen in
# /proc/net/igmp and /proc/net/mcfilter and all gone after an empty sync;
# ENOBUFS calibration after igmp_max_memberships is lowered; an interface
# that vanishes under its memberships and comes back.
#
# The checks live in the unit test binary (test_mcgroup_kernel_*), which
# drives the pool directly; each runs in a forked child that unshares a
# network namespace of its own with veth pairs. Here it runs inside this
# test's namespace too, and those tests must pass, not skip.
. "$(dirname "$0")/lib.sh"
setup --no-mcrd
BIN=$BUILD/tests/test_mcgroup
# check-netns builds only the programs; make is a no-op when it is current
if ! make -s -C "$TOP" BUILD="$BUILD" "$BIN" >"$WORK/make.log" 2>&1; then
	cat "$WORK/make.log"
	fail_check "cannot build $BIN"
	finish
fi
check_rc "unit binary in $NS" 0 ns_exec "$BIN"
LOG=$OUT
for t in 2000_groups enobufs_calibrates vanished_interface; do
	check_match "kernel test $t ran" "^\[ +OK +\] test_mcgroup_kernel_$t\$" "$LOG"
done
check_eq "no test skipped" "" "$(printf '%s\n' "$LOG" | grep SKIPPED)"
check_eq "no interface left in $NS" "" "$(ip -n "$NS" -o link show | grep -o 'mcg[0-9]')"
finish
