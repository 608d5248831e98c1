# Shared by the CLI tests: a tiny TAP producer. Source it, call the checks,
# end with `done_testing`. Each check prints "ok N - what" or "not ok N".
# shellcheck shell=sh
set -u
: "${OPTIVFIO:?run through meson test}"
: "${SRCDIR:?run through meson test}"
HOSTS="$SRCDIR/testsuite/hosts"
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d "${BUILDDIR:-/tmp}/tmp-cli-XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $* # SKIP"; }
diag() { echo "# $*" | sed '2,$s/^/# /'; }

# check "what" COMMAND...: passes when COMMAND exits 0.
check() {
	what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# run_ov ARGS...: runs optivfio, stdout in $TMP/out, stderr in $TMP/err,
# exit code in $RC.
run_ov() {
	RC=0
	"$OPTIVFIO" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

# expect_rc N "what": the last run_ov exited N.
# traced ARGS...: strace ARGS... with LeakSanitizer off for the traced
# program, which cannot run under ptrace (a sanitizer build would abort).
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"
}

expect_rc() {
	if [ "$RC" -eq "$1" ]; then ok "$2 (exit $1)"; else
		not_ok "$2: exit $RC, wanted $1"; diag "$(cat "$TMP/err")"; fi
}

# expect_one_line_error "what": stderr starts with "optivfio: " and the
# error itself is one line (an optional hint line may follow).
expect_one_line_error() {
	first=$(head -n1 "$TMP/err")
	others=$(tail -n +2 "$TMP/err" | grep -vc '^  hint: \|^Try ' || true)
	case "$first" in
	"optivfio: "*) if [ "$others" -eq 0 ]; then ok "$1: one-line error"; else
		not_ok "$1: error spans lines"; diag "$(cat "$TMP/err")"; fi ;;
	*) not_ok "$1: no 'optivfio:' error line"; diag "$(cat "$TMP/err")" ;;
	esac
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# json_get FILE EXPR: print the python3 expression EXPR over the JSON
# document in FILE, bound to `d` (e.g. 'd["dgpu"]["bdf"]'); "ERROR" if it fails.
json_get() {
	python3 -c 'import json,sys
try:
    d = json.load(open(sys.argv[1]))
    v = eval(sys.argv[2])
    print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
except Exception as e:
    print("ERROR", e)' "$1" "$2"
}

# expect_json FILE EXPR WANT "what"
expect_json() {
	got=$(json_get "$1" "$2")
	if [ "$got" = "$3" ]; then ok "$4"; else not_ok "$4: $2 is '$got', wanted '$3'"; fi
}
