#!/bin/sh
# The tables judged by ACPICA (design.md §3 "Verification"): iasl -d
# disassembles every table without errors and matches hand-written ASL
# (expected/); acpiexec loads them next to QEMU 7.2's own DSDTs (data/,
# captured with capture-dsdt.py, command lines next to them) and evaluates
# _ROM against the ROM bytes.
. "$SRCDIR/testsuite/cli/lib.sh"
HERE="$SRCDIR/testsuite/aml"
CHECK="python3 $HERE/acpica-check.py"
DSDT="$HERE/data/q35-7.2-dsdt.aml"              # declares \_SB.PCI0.S08.S00
DSDT_NO_S00="$HERE/data/q35-7.2-nobridgehp-dsdt.aml" # bridge hotplug off: no S00
DSDT_PC="$HERE/data/pc-7.2-dsdt.aml"            # pc, a NIC at 00:05.0 (S28)
GPU='\_SB.PCI0.S08.S00'

if ! command -v iasl >/dev/null || ! command -v acpiexec >/dev/null; then
	skip "acpica-tools (iasl, acpiexec) not installed"
	done_testing
	exit 0
fi

# acpica-check.py prints its own TAP lines; renumber them into ours. A
# crash (no TAP line for a failure) still fails through the exit code.
acpica() {
	rc=0
	$CHECK "$@" > "$TMP/acpica.tap" 2>&1 || rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok [0-9]* - }" ;;
		"not ok "*) not_ok "${line#not ok [0-9]* - }" ;;
		*) echo "$line" ;;
		esac
	done < "$TMP/acpica.tap"
	[ "$rc" -eq 0 ] || not_ok "acpica-check.py $1 exited $rc"
}

gen() {	# gen DIR ARGS...: run optivfio ssdt -o $TMP/DIR ARGS
	d=$1; shift
	run_ov ssdt -o "$TMP/$d" "$@"
	expect_rc 0 "ssdt $*"
}

# Synthetic ROMs (not option ROMs: --force), an odd size over 3 chunks, and about the largest QEMU can
# take (1.9 MB, 30 tables; its ACPI blob is limited to 2 MiB in all).
python3 -c "
import random, sys
r = random.Random(4)
for name, n in (('three.rom', 3 * 0xF800 + 4321), ('big.rom', 1900000)):
    open('$TMP/' + name, 'wb').write(b'\x55\xaa' + bytes(r.randrange(256) for _ in range(n - 2)))
"
printf '\125\252\001\002\003\004\005\006\007\010\011\012\013\014\015\016' > "$TMP/tiny.rom"

# 1. Disassembly vs hand-written ASL.
gen bat-absent --qemu-version 7.2 --battery absent
acpica compare "$TMP/bat-absent/ssdt-battery.aml" "$HERE/expected/battery-absent-q35.asl"
gen bat-pc --qemu-version 7.2 --machine pc --gpu-slot 05.0 --battery present
acpica compare "$TMP/bat-pc/ssdt-battery.aml" "$HERE/expected/battery-present-pc.asl"
gen fw-seed --qemu-version 7.2 --fw-cfg-name opt/com.lion328/nvidia-rom
acpica compare "$TMP/fw-seed/ssdt-rom.aml" "$HERE/expected/rom-fwcfg-seedname.asl"
gen tiny-dev --qemu-version 7.2 --bridge-hotplug off --mode embed --force --rom "$TMP/tiny.rom"
acpica compare "$TMP/tiny-dev/ssdt-rom-1.aml" "$HERE/expected/rom-embed-device.asl"
# The comparison can fail: the Scope flavour is not the Device one.
gen tiny-scope --qemu-version 7.2 --mode embed --force --rom "$TMP/tiny.rom"
if $CHECK compare "$TMP/tiny-scope/ssdt-rom-1.aml" "$HERE/expected/rom-embed-device.asl" \
	>/dev/null 2>&1; then not_ok "Scope table differs from the Device ASL"
else ok "Scope table differs from the Device ASL"; fi

# 2. Every table of every flavour disassembles.
gen three --qemu-version 7.2 --mode embed --force --rom "$TMP/three.rom" --battery present
gen rom1050 --qemu-version 7.2 --mode embed --rom "$SHARED/data/roms/gtx1050ti_mobile.rom"
gen big-dev --qemu-version 7.2 --bridge-hotplug off --mode embed --force --rom "$TMP/big.rom"
gen fw-dev --qemu-version 7.2 --bridge-hotplug off
acpica disasm "$TMP"/three/*.aml "$TMP"/rom1050/*.aml "$TMP"/fw-dev/*.aml "$TMP"/fw-seed/*.aml \
	"$TMP/big-dev/ssdt-rom-1.aml" "$TMP/big-dev/ssdt-rom-30.aml"

tables() {	# the manifest's table list, in order, as paths
	python3 -c "import json,sys; d='$TMP/$1'; print(' '.join(d + '/' + t for t in
		json.load(open(d + '/optivfio-ssdt.json'))['tables'] if t.startswith('ssdt-rom')))"
}

# 3. acpiexec: _ROM against the ROM bytes next to the real QEMU DSDTs.
acpica rom "$DSDT" "$TMP/three.rom" "$GPU" $(tables three)
if [ -r "$SHARED/data/roms/gtx1050ti_mobile.rom" ]; then
	acpica rom "$DSDT" "$SHARED/data/roms/gtx1050ti_mobile.rom" "$GPU" $(tables rom1050)
else
	skip "gtx1050ti_mobile.rom not in \$SHARED"
fi
acpica rom "$DSDT_NO_S00" "$TMP/big.rom" "$GPU" $(tables big-dev)
acpica rom "$DSDT_NO_S00" "$TMP/tiny.rom" "$GPU" $(tables tiny-dev)
# ... and the check can fail: the 3-chunk tables are not the 1050 Ti's ROM.
if $CHECK rom "$DSDT" "$TMP/three.rom" "$GPU" $(tables rom1050) >/dev/null 2>&1; then
	not_ok "acpiexec check notices a different ROM"
else ok "acpiexec check notices a different ROM"; fi

# 4. fw_cfg: loads, _ROM exists and answers with Buffers of the asked length
# (acpiexec has no fw_cfg device: the directory reads as empty, so zeros).
acpica loads "$DSDT" "$GPU" 4096 "$TMP/fw-seed/ssdt-rom.aml"
acpica loads "$DSDT" "$GPU" 5000 "$TMP/fw-seed/ssdt-rom.aml"
acpica loads "$DSDT_NO_S00" "$GPU" 42 "$TMP/fw-dev/ssdt-rom.aml"
# Never both: the Device flavour next to a DSDT that declares S00 fails (facts §1.4),
# and so does the Scope flavour where S00 is missing.
if $CHECK loads "$DSDT" "$GPU" 1 "$TMP/fw-dev/ssdt-rom.aml" >/dev/null 2>&1; then
	not_ok "Device(S00) table refused where QEMU declares S00"
else ok "Device(S00) table refused where QEMU declares S00"; fi
if $CHECK loads "$DSDT_NO_S00" "$GPU" 1 "$TMP/fw-seed/ssdt-rom.aml" >/dev/null 2>&1; then
	not_ok "Scope(S00) table finds no S00 where QEMU does not declare it"
else ok "Scope(S00) table finds no S00 where QEMU does not declare it"; fi

# 4b. fw_cfg for real bytes: the generated _ROM with its two ports wired to a
# fw_cfg device simulated in AML (fwcfg-sim.py), requests out of order and
# repeated; a directory without our name must give zeros (the check fails).
python3 -c "import random; r = random.Random(6)
open('$TMP/fw.rom', 'wb').write(b'\x55\xaa' + bytes(r.randrange(256) for _ in range(5998)))"
gen fw-default --qemu-version 7.2
if python3 "$HERE/fwcfg-sim.py" build "$TMP/sim" "$TMP/fw-default/ssdt-rom.aml" "$TMP/fw.rom" \
	opt/org.optivfio/vbios >"$TMP/sim.log" 2>&1; then
	ok "fw_cfg simulator and rewired table build"
	acpica rom --shuffle "$DSDT" "$TMP/fw.rom" "$GPU" "$TMP/sim/blob.aml" "$TMP/sim/sim.aml" "$TMP/sim/rom.aml"
else
	not_ok "fw_cfg simulator and rewired table build"; diag "$(cat "$TMP/sim.log")"
fi
python3 "$HERE/fwcfg-sim.py" build "$TMP/sim2" "$TMP/fw-default/ssdt-rom.aml" "$TMP/fw.rom" \
	opt/org.optivfio/other >/dev/null 2>&1
if $CHECK rom "$DSDT" "$TMP/fw.rom" "$GPU" "$TMP/sim2/blob.aml" "$TMP/sim2/sim.aml" "$TMP/sim2/rom.aml" \
	>/dev/null 2>&1; then not_ok "fw_cfg _ROM finds only its own file name"
else ok "fw_cfg _ROM finds only its own file name"; fi

# 5. Batteries under the q35 LPC bridge.
acpica battery "$DSDT" '\_SB.PCI0.SF8' absent "$TMP/bat-absent/ssdt-battery.aml"
acpica battery "$DSDT" '\_SB.PCI0.SF8' present "$TMP/three/ssdt-battery.aml"
# pc: the battery under PIIX (S08), _ROM on a GPU at 00:05.0 (S28).
acpica battery "$DSDT_PC" '\_SB.PCI0.S08' present "$TMP/bat-pc/ssdt-battery.aml"
acpica loads "$DSDT_PC" '\_SB.PCI0.S28' 4096 "$TMP/bat-pc/ssdt-rom.aml"

done_testing
