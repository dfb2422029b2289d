#!/bin/bash
# The soak of make soak, short (SOAK_SECONDS, default 30) and slower
# (20,000 packets/s over 50 streams), against mcrd built with AddressSanitizer,
# LeakSanitizer and UBSan (make mcrd-asan: build/asan/mcrd): the same churn
# and flaps, every stream exact, every rule change successful, fds flat; then
# SIGTERM: mcrd exits 0 and the sanitizers logged nothing (no error, no
# leak). Memory is not checked here: ASan's quarantine holds freed blocks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_fwd.sh"
export SOAK_SECONDS=${SOAK_SECONDS:-30} SOAK_RATE=${SOAK_RATE:-20000} SOAK_STREAMS=${SOAK_STREAMS:-50}
export SOAK_SAMPLE_S=1 SOAK_RSS_CHECK=no SOAK_OUT=$WORK
. "$(dirname "$0")/lib_soak.sh"
MCRD=${MCRD_ASAN:-$TOP/build/asan/mcrd}
[ -x "$MCRD" ] || { say "no $MCRD: make mcrd-asan"; exit 1; }
strings "$MCRD" | grep -q __asan_init || { say "$MCRD is not an ASan build"; exit 1; }
export ASAN_OPTIONS="detect_leaks=1:log_path=$WORK/asan:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$WORK/asan"
export LSAN_OPTIONS="log_path=$WORK/asan"
fwd_setup 1
soak_run
mcrd_stop "$MCRD_PID"
check_eq "asan: mcrd exit status after SIGTERM" 0 $?
check_eq "asan: sanitizer logs (errors, leaks)" "" "$(cat "$WORK"/asan* 2>/dev/null | head -40)"
check_eq "asan: mcrd log clean of sanitizer reports" "" \
	"$(grep -E 'Sanitizer|runtime error' "$WORK/mcrd.log" | head -5)"
finish
