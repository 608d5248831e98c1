#!/bin/sh
# optivfio-guest.exe under Wine (Debian's wine64): the options, the JSON,
# and a run on a machine without an NVIDIA GPU, which must say so and exit
# 3 as documented. Wine is not Windows: SetupAPI, the firmware table API
# and the power API answer with Wine's stand-ins, so this proves the .exe
# starts, parses its options and reports, not what it finds in a real VM.
#   test-wine.sh EXE WINE
. "$SRCDIR/testsuite/cli/lib.sh"

EXE=$1
WINE=$2
# One prefix per test run, inside the build directory; its first start
# takes ~20 s. No Wine debug chatter on stderr.
export WINEPREFIX="$TMP/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
server=$(dirname "$WINE")/wineserver64
[ -x "$server" ] || server=$(command -v wineserver || true)
trap '[ -n "$server" ] && "$server" -k 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

# run_exe ARGS...: stdout (without Windows' CRs) in $TMP/out, stderr in $TMP/err, $RC.
run_exe() {
	RC=0
	"$WINE" "$EXE" "$@" >"$TMP/out.crlf" 2>"$TMP/err" || RC=$?
	tr -d '\r' <"$TMP/out.crlf" >"$TMP/out"
}

"$WINE" wineboot --init >/dev/null 2>&1 || true

want_version=$("$OPTIVFIO" --version | sed -n 's/^optivfio \([^ ]*\).*/\1/p' | head -n1)
run_exe --version
expect_rc 0 "--version"
check "--version prints optivfio-guest $want_version (the version of optivfio)" \
	grep -qx "optivfio-guest $want_version" "$TMP/out"

run_exe --help
expect_rc 0 "--help"
check "--help names --json" grep -q -- '--json' "$TMP/out"
check "--help documents the exit codes" grep -q 'Exit status: 0 nothing FAILed, 3' "$TMP/out"

run_exe --bogus
expect_rc 2 "an unknown option"
check "an unknown option: says which" grep -q "unknown option '--bogus'" "$TMP/err"

# Wine has no NVIDIA device (and CI's machine no GPU at all).
run_exe
expect_rc 3 "a run without an NVIDIA device"
check "... says there is no NVIDIA device" \
	grep -q '^FAIL  gpu  *no NVIDIA display device' "$TMP/out"
check "... ends with the Blocked line" grep -q '^Blocked: 1 check FAILed' "$TMP/out"
check "... still runs the machine checks" grep -q '^[A-Z]*  hypervisor ' "$TMP/out"
cp "$TMP/out" "$TMP/out.txt"

run_exe --json
expect_rc 3 "--json without an NVIDIA device"
cp "$TMP/out" "$TMP/out.json"
check "--json is valid JSON (python3)" sh -c 'python3 -m json.tool "$1" >/dev/null' - "$TMP/out.json"
expect_json "$TMP/out.json" 'd["gpu"]' null "--json: gpu is null"
expect_json "$TMP/out.json" 'd["blocked"]' true "--json: blocked"
expect_json "$TMP/out.json" 'd["version"]' "$want_version" "--json: version"
expect_json "$TMP/out.json" '[c["status"] for c in d["checks"] if c["id"] == "gpu"]' \
	'["FAIL"]' "--json: the gpu check FAILs"
expect_json "$TMP/out.json" \
	'all(c["status"] in ("PASS", "WARN", "FAIL") and c["reason"] for c in d["checks"])' \
	true "--json: every check has a status and a reason"
expect_json "$TMP/out.json" \
	'len(set(c["id"] for c in d["checks"])) == len(d["checks"])' true "--json: ids are unique"
expect_json "$TMP/out.json" \
	'sorted(c["id"] for c in d["checks"]) == sorted(l.split()[1] for l in open(sys.argv[1].replace(".json", ".txt")) if l[:4] in ("PASS", "WARN", "FAIL"))' \
	true "--json: the same checks as the text run"

done_testing
