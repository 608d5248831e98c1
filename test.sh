#!/bin/sh
# Run every optivfio test: the suite is built twice, once plain with
# warnings as errors and once with ASan+UBSan, and run in both builds.
# Ends with one line "N passed, N failed, N skipped"; exit 0 only if none failed.
#   ./test.sh            everything
#   ./test.sh SUITE...   only these meson suites (unit, cli, ...)
set -eu
cd "$(dirname "$0")"

scripts/install-deps --check || scripts/install-deps

setup() {
	dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

suites=""
for s in "$@"; do suites="$suites --suite $s"; done

status=0
setup build --werror
meson compile -C build >/dev/null || { meson compile -C build; exit 1; }
# shellcheck disable=SC2086
meson test -C build --print-errorlogs $suites || status=1

setup build-san --werror -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C build-san >/dev/null || { meson compile -C build-san; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# shellcheck disable=SC2086
meson test -C build-san --print-errorlogs --no-suite lab --no-suite slow $suites || status=1

python3 scripts/test-summary build/meson-logs/testlog.json build-san/meson-logs/testlog.json || status=1
exit $status
