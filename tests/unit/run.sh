#!/bin/sh
# Runs every cmocka unit test binary given on the command line and prints
# one summary line; exits non-zero when any test failed.
set -u
pass=0
fail=0
failed=""
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[ *(PASSED|FAILED|ERROR) *\]|^\[====' | sed "s|^|$(basename "$t"): |"
	n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=$((pass + ${n:-0}))
	if [ "$rc" -ne 0 ]; then
		fail=$((fail + ${f:-1}))
		failed="$failed $(basename "$t")"
		printf '%s\n' "$out" | grep -vE '^\[ +(RUN|OK) +\]' >&2
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failing:$failed" >&2; exit 1; }
