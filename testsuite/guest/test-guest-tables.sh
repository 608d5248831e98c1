#!/bin/sh
# `optivfio guest check` reads the tables `optivfio ssdt` wrote, as a guest
# kernel lists them in /sys/firmware/acpi/tables (a guest tree under --root:
# the Acer fixture, whose GPU's ACPI node is \_SB_.PCI0.PEG0.PEGP, with
# QEMU's DSDT and the SSDTs in place of the laptop's own tables).
. "$SRCDIR/testsuite/cli/lib.sh"

ROM=/usr/lib/ipxe/qemu/efi-e1000e.rom	# Debian's iPXE for QEMU's e1000e: 8086:10d3
if [ ! -r "$ROM" ]; then
	skip "$ROM missing (package ipxe-qemu)"
	done_testing
	exit
fi

G="$TMP/guest"
T="$G/sys/firmware/acpi/tables"
mkdir -p "$G"
cp -a "$HOSTS/acer-nitro5-an515-51/." "$G"
rm -rf "$T" && mkdir -p "$T/dynamic"
cp "$SRCDIR/testsuite/aml/data/q35-7.2-dsdt.aml" "$T/DSDT"

# tables_from DIR: the .aml files in the order ssdt printed them, as SSDT1...
tables_from() {
	n=0
	for f in $(sed -n 's/^  -acpitable file=//p' "$TMP/out"); do
		n=$((n + 1))
		cp "$f" "$T/SSDT$n"
	done
}

run_ov ssdt --gpu-path '\_SB.PCI0.PEG0.PEGP' --mode embed --rom "$ROM" --qemu-version 7.2 \
	-o "$TMP/embed"
expect_rc 0 "ssdt --mode embed for the Acer's node"
tables_from
check "ssdt wrote several tables (the ROM is larger than one)" test -e "$T/SSDT2"

run_ov --root "$G" --json guest check --rom-ids 8086:10d3
expect_rc 3 "guest check without acpi_call"
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"] == "rom"]' '["FAIL"]' \
	"... rom FAILs: acpi_call is not loaded"
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"].startswith("ssdt")]' \
	'["PASS", "PASS", "PASS"]' "... the three table checks PASS"
expect_json "$TMP/out" '"249856-byte ROM" in [c["reason"] for c in d["checks"] if c["id"] == "ssdt-rom"][0]' \
	true "... the embedded ROM is the whole file ($(wc -c <"$ROM") bytes)"

run_ov --root "$G" --json guest check
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"] == "ssdt-rom"]' '["FAIL"]' \
	"the embedded ROM is not for the GPU itself (10de:1c8d): ssdt-rom FAILs"

rm "$T/SSDT2"
run_ov --root "$G" --json guest check --rom-ids 8086:10d3
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"] == "ssdt-rom"]' '["FAIL"]' \
	"a table of the set missing: ssdt-rom FAILs"

rm -f "$T"/SSDT*
run_ov ssdt --mode fwcfg --battery absent --qemu-version 7.2 -o "$TMP/fwcfg"
expect_rc 0 "ssdt --mode fwcfg for QEMU's default node"
tables_from
run_ov --root "$G" --json guest check --rom-ids 8086:10d3
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"] == "ssdt-path"]' '["FAIL"]' \
	"tables for \\_SB.PCI0.S08.S00 on a guest whose GPU is PEG0.PEGP: ssdt-path FAILs"

rm -f "$T"/SSDT*
run_ov --root "$G" --json guest check
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"] == "ssdt"]' '["FAIL"]' \
	"no optivfio table at all: ssdt FAILs"

done_testing
