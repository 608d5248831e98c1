#!/bin/sh
# Global options, help, version and usage errors (design.md §2).
. "$SRCDIR/testsuite/cli/lib.sh"

run_ov --version
expect_rc 0 "--version"
check "--version prints the version" grep -q '^optivfio [0-9]' "$TMP/out"

run_ov --help
expect_rc 0 "--help"
for c in list groups snapshot rom ssdt vm; do
	check "--help lists $c" grep -q "^  $c " "$TMP/out"
done

run_ov
expect_rc 2 "no command"

run_ov frobnicate
expect_rc 2 "unknown command"
expect_one_line_error "unknown command"

run_ov --no-such-option list
expect_rc 2 "unknown global option"

# Global options anywhere (issue 15): after the command they mean the same.
ACER="$HOSTS/acer-nitro5-an515-51"
ROMBAR="$ACER/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/rom"
run_ov --root "$ACER" --json list
expect_rc 0 "--root --json list"
cp "$TMP/out" "$TMP/before"
run_ov list --json --root "$ACER"
expect_rc 0 "list --json --root"
check "list --json --root prints what --root --json list prints" cmp -s "$TMP/before" "$TMP/out"
run_ov list --root="$ACER" --json
check "--root=DIR after the command" cmp -s "$TMP/before" "$TMP/out"
expect_json "$TMP/out" 'len(d["devices"])' "$(ls "$ACER/sys/bus/pci/devices" | wc -l)" \
	"list --json: one entry per fixture device"

run_ov rom info "$ROMBAR" --json
expect_rc 0 "rom info FILE --json"
check "rom info FILE --json is JSON" sh -c "python3 -m json.tool '$TMP/out' >/dev/null"

run_ov host prepare --root "$ACER" --dry-run
expect_rc 0 "host prepare --root DIR --dry-run"
check "host prepare --root after the command reads the fixture" grep -q '^Plan: host prepare 0000:01:00.0 (dry run' "$TMP/out"
run_ov host prepare --dry-run --json --root "$ACER" -v
expect_rc 0 "host prepare --dry-run --json --root -v"
expect_json "$TMP/out" 'd["dry_run"]' true "host prepare ... --json: a JSON plan"

run_ov list -q --root "$ACER" --quiet
expect_rc 0 "-q and --quiet after the command"

run_ov list --root "$ACER" -- --json
expect_rc 2 "'--' ends the global options: --json after it goes to the command"

run_ov list --root
expect_rc 2 "--root without a directory"

# Typos: the unknown word is named and the closest real one suggested.
run_ov --jsn list
expect_rc 2 "--jsn before the command"
check "--jsn: named" grep -q "unknown option '--jsn'" "$TMP/err"
check "--jsn: --json suggested" grep -q "did you mean '--json'" "$TMP/err"
check "--jsn: no program path in the error" sh -c "! grep -q '$OPTIVFIO' '$TMP/err'"
run_ov list --jsn --root "$ACER"
expect_rc 2 "list --jsn"
check "list --jsn: --json suggested" grep -q "unknown option '--jsn'; did you mean '--json'" "$TMP/err"
run_ov groups --root "$ACER" --gpi 01:00.0
expect_rc 2 "groups --gpi"
check "groups --gpi: the command's own --gpu suggested" grep -q "did you mean '--gpu'" "$TMP/err"
run_ov doctor --root "$ACER" --xyzzy
check "an option far from every name: no suggestion" sh -c "grep -q \"unknown option '--xyzzy'\$\" '$TMP/err'"
run_ov lsit
expect_rc 2 "lsit"
check "lsit: did you mean 'list'" grep -q "unknown command 'lsit'; did you mean 'list'?" "$TMP/err"
run_ov grups
check "grups: did you mean 'groups'" grep -q "did you mean 'groups'?" "$TMP/err"
run_ov frobnicate
check "frobnicate: no suggestion" sh -c "! grep -q 'did you mean' '$TMP/err'"

# --json on every command, --version included.
run_ov --version --json
expect_rc 0 "--version --json"
expect_json "$TMP/out" 'd["version"]' "$("$OPTIVFIO" --version | sed 's/^optivfio //')" \
	"--version --json: the version --version prints"
run_ov --json snapshot --root "$ACER" -o "$TMP/snap"
expect_rc 0 "snapshot --json"
expect_json "$TMP/out" 'd["devices"]' "$(ls "$ACER/sys/bus/pci/devices" | wc -l)" \
	"snapshot --json: devices counted"
expect_json "$TMP/out" 'd["output"]' "$TMP/snap" "snapshot --json: the output directory"
cp -a "$ACER" "$TMP/host"
run_ov hook install --domain win11 --root "$TMP/host" --json
expect_rc 0 "hook install --json"
expect_json "$TMP/out" 'd["domains"]' '["win11"]' "hook install --json: the domains"
check "hook install --json: the hook it names exists" \
	test -f "$TMP/host$(json_get "$TMP/out" 'd["hook"]')"
run_ov hook uninstall --json --root "$TMP/host"
expect_rc 0 "hook uninstall --json"
expect_json "$TMP/out" 'd["removed"]' 1 "hook uninstall --json: one file removed"

run_ov --root /nonexistent/optivfio list
expect_rc 1 "--root that does not exist"
expect_one_line_error "--root that does not exist"
check "--root error names the directory" grep -q '/nonexistent/optivfio' "$TMP/err"

run_ov --root /etc/hostname list
expect_rc 1 "--root that is a file"
expect_one_line_error "--root that is a file"

done_testing
