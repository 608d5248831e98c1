#!/bin/sh
# rom dump against --root fixture trees: the sysfs source (the fixture's
# rom is a plain file, read and never written), id validation before
# writing, and the failures a user meets (no acpi_call, bad BDF, 0xffff).
# The ACPI loop itself is tested through the simulator (test-rom-acpi);
# the real module runs in the lab.
. "$SRCDIR/testsuite/cli/lib.sh"
ROMS="$SHARED/data/roms"

# fixture ROOT BDF VENDOR DEVICE [ROMFILE]
fixture() {
	d="$1/sys/bus/pci/devices/$2"
	mkdir -p "$d/firmware_node"
	echo "$3" >"$d/vendor"
	echo "$4" >"$d/device"
	printf '\\_SB_.PCI0.PEG0.PEGP\n' >"$d/firmware_node/path"
	echo D0 >"$d/power_state"
	[ -n "${5:-}" ] && cp "$5" "$d/rom"
	return 0
}

if [ ! -f "$ROMS/gtx1050ti_mobile.rom" ]; then
	skip "gtx1050ti_mobile.rom not in \$SHARED"
	done_testing
	exit
fi
rom="$ROMS/gtx1050ti_mobile.rom"
R="$TMP/root"
fixture "$R" 0000:01:00.0 0x10de 0x1c8c "$rom"
cp "$rom" "$TMP/orig"

run_ov --root "$R" rom dump --gpu 01:00.0 --from sysfs -o "$TMP/dump.rom"
expect_rc 0 "dump from sysfs"
head -c 169472 "$rom" >"$TMP/want"	# chain end 0x29600 (facts §6.1)
check "dump is the ROM up to its chain end" cmp -s "$TMP/dump.rom" "$TMP/want"
check "says where it came from" grep -q 'from sysfs' "$TMP/out"
check "the fixture's rom file is unchanged" cmp -s "$R/sys/bus/pci/devices/0000:01:00.0/rom" "$TMP/orig"

run_ov --root "$R" --json rom dump --gpu 0000:01:00.0 -o "$TMP/auto.rom"
expect_rc 0 "dump --from auto"
check "auto used sysfs" grep -q '"source": "sysfs"' "$TMP/out"
check "auto dump equals the sysfs one" cmp -s "$TMP/auto.rom" "$TMP/want"

# Another device's ids: refused, nothing written; --force writes.
R2="$TMP/root2"
fixture "$R2" 0000:01:00.0 0x10de 0x1d10 "$rom"
echo precious >"$TMP/keep.rom"
run_ov --root "$R2" rom dump --gpu 01:00.0 --from sysfs -o "$TMP/keep.rom"
expect_rc 1 "ROM of another device refused"
expect_one_line_error "ROM of another device"
check "error names both ids" grep -q '10de:1c8c.*10de:1d10' "$TMP/err"
check "existing output untouched" [ "$(cat "$TMP/keep.rom")" = precious ]
run_ov --root "$R2" rom dump --gpu 01:00.0 --from sysfs --force -o "$TMP/forced.rom"
expect_rc 0 "--force writes it anyway"
check "forced dump is the ROM" cmp -s "$TMP/forced.rom" "$TMP/want"

# A ROM BAR that reads 0xffff: explained.
R3="$TMP/root3"
head -c 65536 /dev/zero | tr '\0' '\377' >"$TMP/ff"
fixture "$R3" 0000:01:00.0 0x10de 0x1c8c "$TMP/ff"
echo D3cold >"$R3/sys/bus/pci/devices/0000:01:00.0/power_state"
run_ov --root "$R3" rom dump --gpu 01:00.0 --from sysfs -o "$TMP/x.rom"
expect_rc 1 "ROM BAR reading 0xffff"
expect_one_line_error "0xffff"
check "0xffff explained" grep -q 'powered off' "$TMP/err"
check "D3cold named" grep -q 'D3cold: wake it' "$TMP/err"
check "nothing written" [ ! -e "$TMP/x.rom" ]

# auto: sysfs fails, acpi_call is not loaded: both reasons, and the hint.
run_ov --root "$R3" rom dump --gpu 01:00.0 -o "$TMP/x.rom"
expect_rc 1 "auto with nothing working"
check "both sources reported" grep -q 'sysfs: .*acpi: ' "$TMP/err"
check "acpi_call hint" grep -q 'hint: modprobe acpi_call' "$TMP/err"
run_ov --root "$R" rom dump --gpu 01:00.0 --from acpi -o "$TMP/x.rom"
expect_rc 1 "--from acpi without acpi_call"
expect_one_line_error "--from acpi without acpi_call"

# Bad path in firmware_node/path: refused before anything is called.
mkdir -p "$R/proc/acpi" && : >"$R/proc/acpi/call"
printf 'PEGP 0 0\n' >"$R/sys/bus/pci/devices/0000:01:00.0/firmware_node/path"
run_ov --root "$R" rom dump --gpu 01:00.0 --from acpi -o "$TMP/x.rom"
expect_rc 1 "a firmware_node path that is not a full ACPI path"
check "path refused" grep -q 'not a full ACPI path' "$TMP/err"
check "nothing was written to acpi_call" [ ! -s "$R/proc/acpi/call" ]

# A valid path, but the tree's acpi_call is a plain file: refused, untouched.
printf '\\_SB_.PCI0.PEG0.PEGP\n' >"$R/sys/bus/pci/devices/0000:01:00.0/firmware_node/path"
run_ov --root "$R" rom dump --gpu 01:00.0 --from acpi -o "$TMP/x.rom"
expect_rc 1 "acpi_call that is a plain file in a --root tree"
expect_one_line_error "plain-file acpi_call"
check "plain-file acpi_call refused" grep -q 'not the acpi_call proc file' "$TMP/err"
check "plain-file acpi_call left empty" [ ! -s "$R/proc/acpi/call" ]

# Usage.
run_ov --root "$R" rom dump --gpu ../../etc -o "$TMP/x.rom"
expect_rc 2 "--gpu that is not a BDF"
run_ov --root "$R" rom dump --gpu 01:00.0 --from floppy -o "$TMP/x.rom"
expect_rc 2 "--from with an unknown source"
run_ov --root "$R" rom dump --gpu 01:00.0
expect_rc 2 "dump without -o"
run_ov --root "$R" rom dump --gpu 07:00.0 -o "$TMP/x.rom"
expect_rc 1 "a device that does not exist"
expect_one_line_error "a device that does not exist"
run_ov rom dump --help
expect_rc 0 "dump --help"

done_testing
