#!/bin/sh
# optivfio ssdt: arguments, outputs, the manifest, QEMU version probing and
# atomic output (design.md §2, §3).
. "$SRCDIR/testsuite/cli/lib.sh"

json() {	# json FILE EXPR: print a Python expression over the parsed JSON (as d)
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

run_ov ssdt --help
expect_rc 0 "ssdt --help"
check "help names the modes" grep -q -- '--mode fwcfg|embed' "$TMP/out"

# Usage errors: exit 2, one line.
for args in "" "--mode embed -o $TMP/x" "--mode flash -o $TMP/x" "--battery yes -o $TMP/x" \
	"--machine i440 -o $TMP/x" "--root-port 1.0 -o $TMP/x" "--gpu-slot 00.8 -o $TMP/x" \
	"--bridge-hotplug maybe -o $TMP/x" "--qemu-version seven -o $TMP/x" \
	"--gpu-path _SB.PCI0 -o $TMP/x" "--gpu-path \\_SB.PCI0.S08 --root-port 01.0 -o $TMP/x" \
	"--fw-cfg-name opt/$(printf '%060d' 0) -o $TMP/x" "--fw-cfg-name rom -o $TMP/x" \
	"--mode embed --rom /dev/null --fw-cfg-name opt/x -o $TMP/x" \
	"--machine pc --qemu-version 7.2 -o $TMP/x" "--qemu-version 7.2 --gpu-slot 01.0 -o $TMP/x" \
	"--qemu-version 7.2 -o $TMP/x extra" "--frobnicate -o $TMP/x" "-o"; do
	# shellcheck disable=SC2086
	run_ov ssdt $args
	expect_rc 2 "ssdt $args"
	expect_one_line_error "ssdt $args"
done
check "no table written by the usage errors" test ! -e "$TMP/x"

# A ROM that cannot be read: exit 1, one line, nothing written.
run_ov ssdt --qemu-version 7.2 --mode embed --rom "$TMP/missing.rom" -o "$TMP/x"
expect_rc 1 "missing ROM"
expect_one_line_error "missing ROM"
check "missing ROM writes nothing" test ! -e "$TMP/x"

# Defaults: q35, root port 01.0, GPU 00.0, fwcfg with our fw_cfg name.
run_ov ssdt --qemu-version 7.2 -o "$TMP/d"
expect_rc 0 "defaults"
check "ssdt-rom.aml written" test -s "$TMP/d/ssdt-rom.aml"
check "the table is an SSDT" sh -c "head -c 4 '$TMP/d/ssdt-rom.aml' | grep -q SSDT"
check "manifest: mode fwcfg" test "$(json "$TMP/d/optivfio-ssdt.json" "d['mode']")" = fwcfg
check "manifest: gpu_path" test "$(json "$TMP/d/optivfio-ssdt.json" "d['gpu_path']")" = '\_SB.PCI0.S08.S00'
check "manifest: scope" test "$(json "$TMP/d/optivfio-ssdt.json" "d['scope']")" = scope
check "manifest: fw_cfg_name" \
	test "$(json "$TMP/d/optivfio-ssdt.json" "d['fw_cfg_name']")" = opt/org.optivfio/vbios
check "manifest: rom null" test "$(json "$TMP/d/optivfio-ssdt.json" "d['rom']")" = None
check "manifest: tables" test "$(json "$TMP/d/optivfio-ssdt.json" "d['tables']")" = "['ssdt-rom.aml']"
check "manifest: battery none" test "$(json "$TMP/d/optivfio-ssdt.json" "d['battery']")" = none
check "manifest has exactly the agreed keys" test "$(json "$TMP/d/optivfio-ssdt.json" \
	"','.join(sorted(d))")" = "battery,fw_cfg_name,gpu_path,mode,rom,scope,tables"
check "summary gives the -acpitable argument" grep -q "^  -acpitable file=$TMP/d/ssdt-rom.aml" "$TMP/out"
check "summary gives the -fw_cfg argument" grep -q "^  -fw_cfg name=opt/org.optivfio/vbios," "$TMP/out"
check "no staging directory left" sh -c "! ls -a '$TMP/d' | grep -q optivfio-ssdt-"

# Bridge hotplug off on 7.2: QEMU has no S00, the table declares it.
run_ov ssdt --qemu-version 7.2 --bridge-hotplug off -o "$TMP/dev"
expect_rc 0 "bridge hotplug off"
check "manifest: scope device" test "$(json "$TMP/dev/optivfio-ssdt.json" "d['scope']")" = device

# The QEMU version probed from qemu-system-x86_64 on PATH (or OPTIVFIO_QEMU).
mkdir -p "$TMP/bin8" "$TMP/bin7" "$TMP/bad"
printf '#!/bin/sh\necho "QEMU emulator version 8.2.2 (fake)"\n' > "$TMP/bin8/qemu-system-x86_64"
printf '#!/bin/sh\necho "QEMU emulator version 7.2.22 (fake)"\n' > "$TMP/bin7/qemu-system-x86_64"
printf '#!/bin/sh\nexit 1\n' > "$TMP/bad/qemu-system-x86_64"
chmod +x "$TMP"/bin8/* "$TMP"/bin7/* "$TMP"/bad/*
RC=0; PATH="$TMP/bin8:$PATH" "$OPTIVFIO" ssdt --bridge-hotplug off -o "$TMP/p8" >/dev/null 2>&1 || RC=$?
expect_rc 0 "probe QEMU 8.2"
check "QEMU 8.2 declares S00 even with bridge hotplug off" \
	test "$(json "$TMP/p8/optivfio-ssdt.json" "d['scope']")" = scope
RC=0; PATH="$TMP/bin7:$PATH" "$OPTIVFIO" ssdt --bridge-hotplug off -o "$TMP/p7" >/dev/null 2>&1 || RC=$?
expect_rc 0 "probe QEMU 7.2"
check "QEMU 7.2 with bridge hotplug off: device" \
	test "$(json "$TMP/p7/optivfio-ssdt.json" "d['scope']")" = device
RC=0; OPTIVFIO_QEMU="$TMP/bin8/qemu-system-x86_64" PATH="$TMP/bin7:$PATH" \
	"$OPTIVFIO" ssdt --bridge-hotplug off -o "$TMP/pe" >/dev/null 2>&1 || RC=$?
check "OPTIVFIO_QEMU wins over PATH" test "$(json "$TMP/pe/optivfio-ssdt.json" "d['scope']")" = scope
RC=0; PATH="$TMP/bad:$PATH" "$OPTIVFIO" ssdt -o "$TMP/pb" >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 1 "no usable QEMU"
expect_one_line_error "no usable QEMU"
check "no usable QEMU: hint names --qemu-version" grep -q -- '--qemu-version' "$TMP/err"

# Embed: tables in order, < 64 KiB each, rom recorded as an absolute path.
python3 -c "import os; open('$TMP/r.rom','wb').write(b'\x55\xaa' + os.urandom(200000))"
(cd "$TMP" && "$OPTIVFIO" --json ssdt --qemu-version 7.2 --mode embed --force --rom r.rom \
	--battery absent -o e >"$TMP/out" 2>"$TMP/err") && RC=0 || RC=$?
expect_rc 0 "embed"
check "embed: manifest tables in order, battery last" test "$(json "$TMP/e/optivfio-ssdt.json" \
	"d['tables']")" = "['ssdt-rom-1.aml', 'ssdt-rom-2.aml', 'ssdt-rom-3.aml', 'ssdt-rom-4.aml', 'ssdt-battery.aml']"
check "embed: rom is absolute" test "$(json "$TMP/e/optivfio-ssdt.json" "d['rom']")" = "$TMP/r.rom"
check "embed: fw_cfg_name null" test "$(json "$TMP/e/optivfio-ssdt.json" "d['fw_cfg_name']")" = None
check "embed: --json prints the manifest" cmp -s "$TMP/out" "$TMP/e/optivfio-ssdt.json"
for f in "$TMP"/e/ssdt-*.aml; do
	check "$(basename "$f") under 64 KiB" test "$(wc -c < "$f")" -le 65535
done

# A failure leaves DIR as it was: same files, same bytes, no staging dir.
(cd "$TMP/e" && ls -a && cat ./*) > "$TMP/before"
head -c 5000000 /dev/zero > "$TMP/huge.rom"
run_ov ssdt --qemu-version 7.2 --mode embed --force --rom "$TMP/huge.rom" -o "$TMP/e"
expect_rc 1 "ROM too large to embed"
expect_one_line_error "ROM too large to embed"
check "ROM too large: the error says to use fwcfg" grep -q fwcfg "$TMP/err"
python3 -c "open('$TMP/2m.rom', 'wb').write(b'\x55\xaa' * (1024 * 1024 + 500))"
run_ov ssdt --qemu-version 7.2 --mode embed --force --rom "$TMP/2m.rom" -o "$TMP/e"
expect_rc 1 "2 MiB ROM: over QEMU's 2 MiB ACPI blob"
expect_one_line_error "2 MiB ROM"
check "2 MiB ROM: the error says why" grep -q 'QEMU aborts' "$TMP/err"
(cd "$TMP/e" && ls -a && cat ./*) > "$TMP/after"
check "failed run left DIR untouched" cmp -s "$TMP/before" "$TMP/after"
: > "$TMP/file"
run_ov ssdt --qemu-version 7.2 -o "$TMP/file"
expect_rc 1 "-o naming a file"
expect_one_line_error "-o naming a file"

# Re-running with fewer tables removes the ones only the old manifest listed,
# and nothing else.
: > "$TMP/e/ssdt-mine.aml"
printf '\125\252\001\002' > "$TMP/small.rom"
run_ov ssdt --qemu-version 7.2 --mode embed --force --rom "$TMP/small.rom" -o "$TMP/e"
expect_rc 0 "smaller ROM over the embed directory"
check "stale ssdt-rom-2..4 removed" sh -c "! ls '$TMP/e' | grep -q 'ssdt-rom-[234]'"
check "stale battery table removed" test ! -e "$TMP/e/ssdt-battery.aml"
check "a file the manifest never listed stays" test -e "$TMP/e/ssdt-mine.aml"
check "ssdt-rom-1.aml is the new one" test "$(wc -c < "$TMP/e/ssdt-rom-1.aml")" -lt 1000

# Re-running over a directory replaces the tables.
run_ov ssdt --qemu-version 7.2 --battery present -o "$TMP/d"
expect_rc 0 "rerun"
check "rerun: battery table added" test -s "$TMP/d/ssdt-battery.aml"
check "rerun: manifest updated" test "$(json "$TMP/d/optivfio-ssdt.json" "d['battery']")" = present

# --dsl: disassembly next to each table when iasl is there, a note when not.
if command -v iasl >/dev/null; then
	run_ov ssdt --qemu-version 7.2 --battery absent --dsl -o "$TMP/dsl"
	expect_rc 0 "--dsl"
	check "--dsl: ssdt-rom.dsl" grep -q 'Method (_ROM, 2, Serialized)' "$TMP/dsl/ssdt-rom.dsl"
	check "--dsl: ssdt-battery.dsl" grep -q 'PNP0C0A' "$TMP/dsl/ssdt-battery.dsl"
else
	skip "iasl not installed"
fi
mkdir -p "$TMP/noiasl"
RC=0; PATH="$TMP/noiasl" "$OPTIVFIO" ssdt --qemu-version 7.2 --dsl -o "$TMP/nodsl" \
	>"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 0 "--dsl without iasl"
check "--dsl without iasl: says so" grep -q 'iasl' "$TMP/out"
check "--dsl without iasl: no .dsl" test ! -e "$TMP/nodsl/ssdt-rom.dsl"

done_testing
