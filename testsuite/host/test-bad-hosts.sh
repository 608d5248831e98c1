#!/bin/sh
# Broken host trees: missing or garbage attribute files, dangling symlinks,
# unreadable config space. Fields become unknown; nothing crashes.
. "$SRCDIR/testsuite/cli/lib.sh"

cp -a "$HOSTS/acer-nitro5-an515-51" "$TMP/h"
D="$TMP/h/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0"
A="$TMP/h/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1"
I="$TMP/h/sys/devices/pci0000:00/0000:00:02.0"

# dGPU: config space unreadable (truncated) -> ids from the sysfs attributes.
head -c 10 "$D/config" >"$D/config.new" && mv "$D/config.new" "$D/config"
# HDMI audio: no config and garbage id attributes -> ids unknown.
rm "$A/config"; echo "garbage" >"$A/vendor"; printf '\377\376' >"$A/class"
# iGPU: dangling driver link, garbage group link, garbage resource.
rm "$I/driver"; ln -s ../../../bus/pci/drivers/gone "$I/driver"
rm "$I/iommu_group"; ln -s ../../../kernel/iommu_groups/notanumber "$I/iommu_group"
printf 'zzz\n' >"$I/resource"; rm "$I/boot_vga"

run_ov --root "$TMP/h" --json list
expect_rc 0 "list on a damaged tree"
J="$TMP/list.json"; cp "$TMP/out" "$J"
dev() { echo "[x for x in d[\"devices\"] if x[\"bdf\"]==\"$1\"][0]"; }
expect_json "$J" "$(dev 0000:01:00.0)[\"device_id\"]" "1c8d" "truncated config: ids from sysfs attributes"
expect_json "$J" "$(dev 0000:01:00.1)[\"vendor_id\"]" "null" "garbage ids: unknown"
expect_json "$J" "$(dev 0000:00:02.0)[\"driver\"]" "gone" "dangling driver link: its name"
expect_json "$J" "$(dev 0000:00:02.0)[\"iommu_group\"]" "null" "garbage group link: unknown"
expect_json "$J" "$(dev 0000:00:02.0)[\"rom_bar_size\"]" "null" "garbage resource: no ROM BAR"
expect_json "$J" "$(dev 0000:00:02.0)[\"boot_vga\"]" "null" "missing boot_vga: unknown"
run_ov --root "$TMP/h" list
expect_rc 0 "text list on a damaged tree"
check "unknown device is said so" grep -q "0000:01:00.1 unknown device" "$TMP/out"
run_ov --root "$TMP/h" groups
expect_rc 0 "groups on a damaged tree"

# With the iGPU's boot_vga gone, two display devices qualify; NVIDIA wins.
run_ov --root "$TMP/h" --json groups
expect_json "$TMP/out" 'd["dgpu"]["bdf"]' "0000:01:00.0" "dGPU still found"

# A device directory that vanished (dangling bus link).
rm -rf "$D"
run_ov --root "$TMP/h" --json list
expect_rc 0 "list with a vanished device"
expect_json "$TMP/out" "$(dev 0000:01:00.0)[\"vendor_id\"]" "null" "vanished device: ids unknown"

# A tree with no /sys at all.
mkdir "$TMP/empty"
run_ov --root "$TMP/empty" list
expect_rc 1 "list on a tree without /sys"
expect_one_line_error "list on a tree without /sys"

# Unreadable devices directory (skip when root ignores permissions).
mkdir -p "$TMP/noperm/sys/bus/pci/devices"; chmod 000 "$TMP/noperm/sys/bus/pci/devices"
if [ -r "$TMP/noperm/sys/bus/pci/devices" ]; then
	skip "permission test: running with CAP_DAC_OVERRIDE"
else
	run_ov --root "$TMP/noperm" list
	expect_rc 1 "unreadable devices directory"
fi
chmod 755 "$TMP/noperm/sys/bus/pci/devices"

done_testing
