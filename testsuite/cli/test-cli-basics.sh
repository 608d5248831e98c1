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
run_ov --root "$ACER" --json -- list
expect_rc 0 "'--' before the command ends the global options"
check "... and the command still sees them" cmp -s "$TMP/before" "$TMP/out"

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

# Colour (issue 15 point 3): PASS green, WARN yellow, FAIL red on a terminal
# only. script(1) gives the command a pty; ESC is octal 033.
ESC=$(printf '\033')
DESK="$HOSTS/desktop-shared-group"
on_tty() { TERM=xterm script -qec "$*" /dev/null >"$TMP/tty" 2>&1 </dev/null; }
if command -v script >/dev/null; then
	on_tty "'$OPTIVFIO' --root '$DESK' doctor"
	check "doctor on a terminal: PASS in green" grep -q "^${ESC}\[32mPASS${ESC}\[0m  " "$TMP/tty"
	check "doctor on a terminal: WARN in yellow" grep -q "^${ESC}\[33mWARN${ESC}\[0m  " "$TMP/tty"
	check "doctor on a terminal: FAIL in red" grep -q "^${ESC}\[1;31mFAIL${ESC}\[0m  " "$TMP/tty"
	check "doctor on a terminal: every status coloured" sh -c \
		"! grep -q '^\(PASS\|WARN\|FAIL\)' '$TMP/tty'"
	on_tty "'$OPTIVFIO' --root '$ACER' guest check"
	check "guest check on a terminal: coloured" grep -q "^${ESC}\[32mPASS" "$TMP/tty"
	for env in NO_COLOR=1 NO_COLOR=yes TERM=dumb; do
		on_tty "env $env '$OPTIVFIO' --root '$DESK' doctor"
		check "$env: no colour on a terminal" sh -c "grep -q '^FAIL' '$TMP/tty' && ! grep -q '$ESC' '$TMP/tty'"
	done
	on_tty "env NO_COLOR= '$OPTIVFIO' --root '$DESK' doctor"
	check "NO_COLOR empty counts as unset (no-color.org)" grep -q "${ESC}\[32mPASS" "$TMP/tty"
	on_tty "'$OPTIVFIO' --root '$DESK' doctor --json"
	check "--json on a terminal: no colour" sh -c "grep -q '\"status\"' '$TMP/tty' && ! grep -q '$ESC' '$TMP/tty'"
else
	skip "script(1) not installed: colour on a terminal"
fi
run_ov --root "$DESK" doctor
check "doctor into a pipe: no colour" sh -c "grep -q '^FAIL' '$TMP/out' && ! grep -q '$ESC' '$TMP/out'"

# On a terminal lines fit 100 columns (stty makes the pty 200 wide: the
# limit is optivfio's, not the terminal's), and wrapping loses no word: the
# reasons and fixes, unwrapped, are the --json ones. Into a pipe each check
# stays one line.
if command -v script >/dev/null; then
	for H in "$HOSTS"/*/; do
		name=$(basename "$H")
		for cmd in doctor "guest check"; do
			on_tty "stty cols 200 rows 50; NO_COLOR=1 '$OPTIVFIO' --root '$H' $cmd"
			tr -d '\r' <"$TMP/tty" >"$TMP/text"
			# A word longer than a line (a path under a deep checkout) stands
			# alone on its line; any other line over 100 could have been wrapped.
			long=$(awk 'length($0) > 100 { s = $0; sub(/^ +/, "", s); if (index(s, " ")) print }' \
				"$TMP/text" | head -n 3)
			if [ -z "$long" ]; then ok "$name: $cmd on a terminal: lines fit 100 columns"
			else not_ok "$name: $cmd lines longer than 100 columns"; diag "$long"; fi
			run_ov --root "$H" $cmd
			if awk 'length($0) > 100 { found = 1 } END { exit !found }' "$TMP/out"; then
				check "$name: $cmd on a terminal: the long lines are wrapped" \
					grep -q '^           *[^ ]' "$TMP/text"
			fi
			run_ov --root "$H" --json $cmd
			check "$name: $cmd wraps without losing words" python3 - "$TMP/text" "$TMP/out" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().split("\n\n")[0]
checks = json.load(open(sys.argv[2]))["checks"]
items = re.split(r"\n(?=(?:PASS|WARN|FAIL)  )", text.strip())
assert len(items) == len(checks), (len(items), len(checks))
for item, c in zip(items, checks):
    reason, _, fix = item.partition("\n      fix: ")
    words = reason.split()
    assert words[0] == c["status"] and words[1] == c["id"], words[:2]
    assert " ".join(words[2:]) == " ".join(c["reason"].split()), (words, c["reason"])
    assert " ".join(fix.split()) == " ".join((c["fix"] or "").split()), (fix, c["fix"])
PY
		done
	done
	on_tty "stty cols 60 rows 50; NO_COLOR=1 '$OPTIVFIO' --root '$ACER' doctor"
	long=$(tr -d '\r' <"$TMP/tty" | awk 'length($0) > 60' | grep -v '^ *[^ ]*$' | head -n 3)
	if [ -z "$long" ]; then ok "a 60-column terminal: lines fit 60 columns"
	else not_ok "a 60-column terminal: longer lines"; diag "$long"; fi
fi
run_ov --root "$ACER" doctor
check "into a pipe: one line per check (grep finds it whole)" \
	grep -q '^PASS  topology    host: 0000:01:00.0 behind 0000:00:01.0; mirror it in the VM (the driver looks for _ROM' "$TMP/out"

# Per-subcommand help (issue 15 point 4): each action its own text.
: >"$TMP/helps"
for sub in "host prepare" "host release" "host reset" "hook install" "hook uninstall"; do
	run_ov $sub --help
	expect_rc 0 "$sub --help"
	check "$sub --help: its own usage line" grep -q "^Usage: optivfio .*$sub" "$TMP/out"
	check "$sub --help: no other action's usage" sh -c \
		"! grep '^Usage:\|^       optivfio' '$TMP/out' | grep -v -q '$sub'"
	cksum <"$TMP/out" >>"$TMP/helps"
	run_ov $sub --no-such-option
	check "$sub: a usage error points to '$sub --help'" grep -q "^Try 'optivfio $sub --help'" "$TMP/err"
done
check "the five helps are five different texts" test "$(sort -u "$TMP/helps" | wc -l)" -eq 5
run_ov host reset --help
check "host reset --help documents --yes" grep -q '^  -y, --yes' "$TMP/out"
run_ov host prepare --help
check "host prepare --help does not offer --yes" sh -c "! grep -q -- '--yes' '$TMP/out'"
run_ov host prepar
check "host prepar: did you mean 'prepare'" grep -q "did you mean 'prepare'?" "$TMP/err"
run_ov hook instal
check "hook instal: did you mean 'install'" grep -q "did you mean 'install'?" "$TMP/err"

done_testing
