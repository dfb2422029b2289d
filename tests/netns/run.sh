#!/bin/bash
# Runs every namespace test (tests/netns/*.sh but lib.sh and run.sh), one
# after another, and prints one summary line. Needs root.
cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "netns: the namespace tests need root (run: sudo make check-netns)" >&2
	exit 1
fi
pass=0 fail=0 skip=0 failed=""
for t in tests/netns/*.sh; do
	case "$(basename "$t")" in lib.sh|lib_*.sh|run.sh) continue ;; esac
	if [ -n "${TESTS:-}" ] && ! echo " $TESTS " | grep -q " $(basename "$t" .sh) "; then
		continue
	fi
	start=$(date +%s)
	timeout -k 10 300 bash "$t"
	rc=$?
	echo "   ($(( $(date +%s) - start )) s)"
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed="$failed $(basename "$t" .sh)" ;;
	esac
done
echo "netns: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "failing:$failed" >&2; exit 1; }
