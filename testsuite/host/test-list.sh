#!/bin/sh
# list on the seed's laptop: every field the issue names, against the values
# of the real AN515-51 (seed-notes.md lspci, facts-rom-acpicall.md §6.3).
. "$SRCDIR/testsuite/cli/lib.sh"
ACER="$HOSTS/acer-nitro5-an515-51"

run_ov --root "$ACER" --json list
expect_rc 0 "list --json"
J="$TMP/list.json"; cp "$TMP/out" "$J"
dev() { echo "[x for x in d[\"devices\"] if x[\"bdf\"]==\"$1\"][0]"; }

G=$(dev 0000:01:00.0)
expect_json "$J" "$G[\"vendor_id\"]+':'+$G[\"device_id\"]" "10de:1c8d" "dGPU ids"
expect_json "$J" "$G[\"class\"]" "0300" "dGPU class"
expect_json "$J" "$G[\"revision\"]" "a1" "dGPU revision"
expect_json "$J" "$G[\"subsystem_vendor_id\"]+':'+$G[\"subsystem_device_id\"]" "1025:118b" "dGPU subsystem"
expect_json "$J" "$G[\"rom_bar_size\"]" "524288" "dGPU ROM BAR 512 KiB"
expect_json "$J" "$G[\"acpi_path\"]" '\_SB_.PCI0.PEG0.PEGP' "dGPU ACPI path"
expect_json "$J" "$G[\"boot_vga\"]" "false" "dGPU is not boot VGA"
expect_json "$J" "$G[\"driver\"]" "null" "dGPU has no driver"
expect_json "$J" "$G[\"driver_override\"]" "null" "dGPU has no override"
expect_json "$J" "$G[\"iommu_group\"]" "1" "dGPU group"
expect_json "$J" "$G[\"power_state\"]" "D0" "dGPU power state"
expect_json "$J" "$G[\"parent\"]" "0000:00:01.0" "dGPU sits behind the root port"
expect_json "$J" "$G[\"device_name\"]" "GP107M [GeForce GTX 1050 Mobile]" "dGPU name from pci.ids"
I=$(dev 0000:00:02.0)
expect_json "$J" "$I[\"vendor_id\"]+':'+$I[\"device_id\"]+' '+$I[\"driver\"]" "8086:591b i915" "iGPU ids and driver"
expect_json "$J" "$I[\"boot_vga\"]" "true" "iGPU is boot VGA"
P=$(dev 0000:00:01.0)
expect_json "$J" "$P[\"device_id\"]+' '+$P[\"acpi_path\"]" '1901 \_SB_.PCI0.PEG0' "root port id and ACPI path"
expect_json "$J" "$P[\"rom_bar_size\"]" "null" "root port has no ROM BAR"
A=$(dev 0000:01:00.1)
expect_json "$J" "$A[\"device_id\"]+' '+$A[\"class\"]" "0fb9 0403" "HDMI audio"

run_ov --root "$ACER" list
expect_rc 0 "list (text)"
check "text: dGPU line like lspci -nn" grep -q '^0000:01:00.0 VGA compatible controller \[0300\]: NVIDIA Corporation GP107M \[GeForce GTX 1050 Mobile\] \[10de:1c8d\] (rev a1)$' "$TMP/out"
check "text: ACPI and ROM BAR" grep -q 'ACPI: \\_SB_.PCI0.PEG0.PEGP, ROM BAR: 512 KiB' "$TMP/out"
run_ov --root "$ACER" list --help
expect_rc 0 "list --help"
run_ov --root "$ACER" list extra
expect_rc 2 "list with a stray argument"

done_testing
