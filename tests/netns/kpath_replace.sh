#!/bin/bash
# A rule replaced between a kernel output and a rewritten one, and read back
# at once: until the change reaches the kernel and the workers, the reply
# describes no path of the old content (no stale VIF, "active" false), and
# once it is active its path is the one of the new content. 2,000 other
# rules make every rebuild take long enough for the reads to land inside
# that window.
. "$(dirname "$0")/lib.sh"
setup
for i in 0 1 2; do
	ip -n "$NS" link add a$i type veth peer name b$i
	ip -n "$NS" link set a$i up
	ip -n "$NS" link set b$i up
done
mcrd_start --workers 1
for i in $(seq 0 1999); do
	echo "rule add iif a2 group 239.2.$((i / 250)).$((i % 250 + 1)) port 7000 oif b2 port 7001"
done >"$WORK/filler.conf"
check_rc "2000 filler rules" 0 nl -b "$WORK/filler.conf"
check_rc "kernel rule" 0 nl rule add iif a0 src 10.0.0.1 group 239.1.1.1 oif a1
ID=$(nl -j rule show group 239.1.1.1 | json 'j[0]["id"]')

# wait_active: polls the rule until its content is live (at most 5 s)
wait_active() {
	for _ in $(seq 100); do
		[ "$(nl -j rule get id "$ID" | json 'j[0]["active"]')" = true ] && return 0
		sleep 0.05
	done
	return 1
}

# state: "path vif active" of output 0, straight after a change
state() { nl -j rule get id "$ID" | json '"%s %s %s" % (j[0]["outputs"][0]["path"], j[0]["outputs"][0].get("vif"), j[0]["active"])'; }

KERNEL="iif a0 src 10.0.0.1 group 239.1.1.1 oif a1"
WORKER="iif a0 src 10.0.0.1 group 239.1.1.1 oif b1 port 6000"
# to_then_read A B: replaces with A then at once with B (the second change
# lands within the rebuild spacing, so its rebuild waits), then reads.
# Counts replies that are malformed, that show A's path or an active rule
# on the wrong path, and that show the change not yet live.
to_then_read() {
	local S
	nl rule replace $1 >/dev/null && nl rule replace $2 >/dev/null || return 1
	reads=$((reads + 1))
	S=$(state) || { bad_reply=$((bad_reply + 1)); return 0; }
	case "$2:$S" in
	"$WORKER:kernel "*) stale=$((stale + 1)) ;;
	"$KERNEL:worker "*" True") stale=$((stale + 1)) ;;
	*" False") inactive=$((inactive + 1)) ;;
	esac
}
wait_active
bad_reply=0 stale=0 inactive=0 reads=0
for i in $(seq 10); do
	to_then_read "$KERNEL" "$WORKER" || break
	wait_active
	to_then_read "$WORKER" "$KERNEL" || break
	wait_active
done
check_eq "20 double replaces and reads" 20 "$reads"
check_eq "every reply well-formed" 0 "$bad_reply"
check_eq "no read shows the old content's path" 0 "$stale"
# the check has teeth only when reads fall in the window
if [ "$inactive" -gt 0 ]; then pass_check; else fail_check "no read fell before the rebuild (0 of $reads inactive)"; fi

check_rc "to a kernel output" 0 nl rule replace $KERNEL
wait_active
check_match "active: kernel path with a VIF" '^kernel [0-9]+ True$' "$(state)"
check_eq "its entry is in the kernel" 1 "$(ns_exec ip mroute show | grep -c '(10.0.0.1,239.1.1.1).*Iif: a0.*Oifs: a1')"
check_rc "to a rewritten output" 0 nl rule replace $WORKER
wait_active
check_eq "active: the workers, no VIF" "worker None True" "$(state)"
check_eq "the kernel entry went with it" 0 "$(ns_exec ip mroute show | grep -c 239.1.1.1)"
finish
