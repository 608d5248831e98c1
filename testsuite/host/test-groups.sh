#!/bin/sh
# groups: the dGPU and its verdict on the fixture hosts. Expected values come
# from the hosts' descriptions (seed-notes.md lspci, issue text), not from
# optivfio's output.
. "$SRCDIR/testsuite/cli/lib.sh"
ACER="$HOSTS/acer-nitro5-an515-51"
DESK="$HOSTS/desktop-shared-group"

run_ov --root "$ACER" --json groups
expect_rc 0 "acer: groups --json"
J="$TMP/acer.json"; cp "$TMP/out" "$J"
expect_json "$J" 'd["dgpu"]["bdf"]' "0000:01:00.0" "acer: dGPU is 01:00.0, not the boot VGA 00:02.0"
expect_json "$J" 'd["dgpu"]["mux"]' "muxed" "acer: class 0300 is muxed"
expect_json "$J" 'd["dgpu"]["iommu_group"]' "1" "acer: dGPU in group 1"
expect_json "$J" 'd["dgpu"]["viable"]' "true" "acer: group viable (root port + GPU functions only)"
expect_json "$J" '[m["bdf"]+"="+m["role"] for m in d["dgpu"]["group_members"]]' \
	'["0000:00:01.0=bridge", "0000:01:00.0=gpu", "0000:01:00.1=gpu-function"]' \
	"acer: group members and their roles"
expect_json "$J" 'd["dgpu"]["functions"]' '["0000:01:00.1"]' "acer: HDMI audio is the sibling"
expect_json "$J" '[g["id"] for g in d["groups"]]' '[0, 1, 2, 3, 4, 5, 6, 7]' "acer: all groups listed"

run_ov --root "$ACER" groups
check "acer: text verdict says viable" grep -q "Verdict: group 1 can be given to a VM whole" "$TMP/out"
check "acer: text says muxed" grep -q "^  muxed: class 0300" "$TMP/out"
check "acer: text explains the HDMI audio" grep -q "0000:01:00.1  the GPU's HDMI audio" "$TMP/out"

run_ov --root "$DESK" --json groups
expect_rc 0 "desktop: groups --json"
J="$TMP/desk.json"; cp "$TMP/out" "$J"
expect_json "$J" 'd["dgpu"]["bdf"]' "0000:01:00.0" "desktop: dGPU is the GTX 1070"
expect_json "$J" 'd["dgpu"]["viable"]' "false" "desktop: group not viable"
expect_json "$J" '[m["bdf"] for m in d["dgpu"]["group_members"] if m["role"]=="other"]' \
	'["0000:02:00.0"]' "desktop: the NVMe SSD is what blocks it"
run_ov --root "$DESK" groups
check "desktop: text names the blocker" grep -q "can NOT be given to a VM: it also holds 0000:02:00.0" "$TMP/out"

# --gpu: explicit choice, wrong choices.
run_ov --root "$ACER" --json groups --gpu 01:00.0
expect_rc 0 "--gpu short BDF"
run_ov --root "$ACER" groups --gpu 0000:00:02.0
expect_rc 0 "--gpu may pick the iGPU explicitly"
check "--gpu iGPU is reported in its own group" grep -q "IOMMU group 2 holds" "$TMP/out"
run_ov --root "$ACER" groups --gpu 0000:00:14.0
expect_rc 1 "--gpu on a USB controller"
expect_one_line_error "--gpu on a USB controller"
run_ov --root "$ACER" groups --gpu 0000:07:00.0
expect_rc 1 "--gpu that does not exist"
expect_one_line_error "--gpu that does not exist"
run_ov --root "$ACER" groups --gpu ../../x
expect_rc 2 "--gpu ../../x is rejected"
check "--gpu ../../x names the problem" grep -q "not a PCI address" "$TMP/err"

# No IOMMU: this machine's snapshot has no groups and no dGPU.
DEV="$HOSTS/devbox-firecracker-virtio"
run_ov --root "$DEV" --json groups
expect_rc 0 "devbox: groups without an IOMMU"
expect_json "$TMP/out" 'd["dgpu"]' "null" "devbox: no dGPU"
expect_json "$TMP/out" 'd["groups"]' "[]" "devbox: no groups"

done_testing
