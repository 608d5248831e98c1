#!/bin/sh
# The plan module on a real kernel: run INSIDE the lab guest (issue 7, "Lab,
# real kernel"), never on a host. Not registered with meson: the lab harness
# copies it into the guest with optivfio and runs it; it prints TAP.
#
# The guest it expects (QEMU q35, -accel tcg):
#   -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on
#   kernel command line: intel_iommu=on optivfio.lab=1
#   a boot VGA on the root bus (so 01:00.0 is not the boot VGA), and behind
#   -device pcie-root-port,id=rp1,bus=pcie.0,addr=01.0,chassis=1 :
#     a display-class function at 01:00.0 (multifunction=on) whose DRM driver
#     is not loaded (a connected connector makes prepare refuse: right), and
#     an HDA function at 01:00.1 (-device intel-hda,bus=rp1,addr=00.1)
#   modules from the guest kernel's /lib/modules/$(uname -r) (with depmod's
#   index): vfio, vfio_iommu_type1, vfio_pci, snd_hda_intel; snd_hda_intel
#   loaded and bound to 01:00.1 at the start, vfio_pci NOT loaded.
#   rmmod and dmesg (busybox); acpi_call may be loaded (the reset part
#   unloads it: the lab's firmware has no _OFF/_ON on the GPU's node).
# Usage: guest-host-plans.sh [OPTIVFIO]   (default: optivfio in PATH)
set -u
OV=${1:-optivfio}
GPU=0000:01:00.0
AUD=0000:01:00.1
D=/sys/bus/pci/devices
ST=/tmp/optivfio-lab-state
N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
drv() { [ -e "$D/$1/driver" ] && basename "$(readlink "$D/$1/driver")" || echo none; }
ovr() { cat "$D/$1/driver_override"; }
not_loaded() { ! grep -q "^$1 " /proc/modules; }
not_in() { ! grep -q "$2" "$1"; }
# Every PCI function with its driver and driver_override: "the host as it was".
listing() { for d in "$D"/*; do b=${d##*/}; echo "$b $(drv "$b") $(ovr "$b")"; done; }
same_listing() {
	listing >/tmp/listing.now
	cmp -s "$1" /tmp/listing.now && return 0
	echo "# listing differs from $1:"; diff "$1" /tmp/listing.now | sed 's/^/#   /'
	return 1
}
# How often the kernel enumerated a function ("pci BDF: [vvvv:dddd] type ..").
enumerated() { dmesg | grep -c "pci $1: \[[0-9a-f]*:[0-9a-f]*\] type"; }

grep -q 'optivfio.lab=1' /proc/cmdline || {
	echo "Bail out! not the lab guest (no optivfio.lab=1 on the kernel command line)"
	exit 1
}
rm -rf "$ST"
gpu0=$(drv $GPU) aud0=$(drv $AUD) ovr0=$(ovr $GPU) aovr0=$(ovr $AUD)
echo "# start: $GPU driver=$gpu0 override=$ovr0, $AUD driver=$aud0 override=$aovr0"
listing >/tmp/listing.start
cut -d' ' -f1 /proc/modules >/tmp/modules.start

"$OV" doctor >/tmp/doctor.out 2>&1; rc=$?
cat /tmp/doctor.out
check "doctor: nothing blocks (exit 0)" [ "$rc" -eq 0 ]
check "doctor: the IOMMU check passes" grep -q "^PASS  iommu" /tmp/doctor.out
check "doctor: the group check passes" grep -q "^PASS  group" /tmp/doctor.out
check "doctor: vfio_pci available" grep -q "^PASS  vfio " /tmp/doctor.out
check "doctor: warns about the bound HDMI audio" grep -q "^WARN  hdmi-audio" /tmp/doctor.out
if [ -e /proc/acpi/call ]; then
	# The lab's firmware has no _ROM on the GPU's node (no table loaded).
	printf '%s._ROM 0 4' "$(cat "$D/$GPU/firmware_node/path")" >/proc/acpi/call
	reply=$(tr -d '\000' </proc/acpi/call)
	echo "# acpi_call ._ROM: $reply"
	check "acpi_call: the GPU's node has no _ROM here" [ "$reply" = "Error: AE_NOT_FOUND" ]
	# doctor asks the firmware itself: no _ROM here is a WARN, not a PASS.
	check "doctor: rom-acpi says the node has no _ROM" \
		grep -q "^WARN  rom-acpi .* has no _ROM" /tmp/doctor.out
fi
check "the IOMMU group holds the GPU and its audio function only" \
	[ "$(cd "$D/$GPU/iommu_group/devices" && echo *)" = "$GPU $AUD" ]

"$OV" host prepare --dry-run; rc=$?
check "prepare --dry-run: exit 0" [ "$rc" -eq 0 ]
check "prepare --dry-run: GPU unchanged" [ "$(drv $GPU)" = "$gpu0" ]
check "prepare --dry-run: audio unchanged" [ "$(drv $AUD)" = "$aud0" ]

"$OV" host prepare --state-dir "$ST"; rc=$?
check "prepare: exit 0" [ "$rc" -eq 0 ]
check "prepare: GPU on vfio-pci" [ "$(drv $GPU)" = vfio-pci ]
check "prepare: GPU driver_override vfio-pci" [ "$(ovr $GPU)" = vfio-pci ]
check "prepare: audio unbound" [ "$(drv $AUD)" = none ]
check "prepare: audio driver_override none" [ "$(ovr $AUD)" = none ]
check "prepare: vfio-pci links the GPU" [ -L /sys/bus/pci/drivers/vfio-pci/$GPU ]
check "prepare: journal kept" [ -f "$ST/journal-$GPU.json" ]

"$OV" host release --state-dir "$ST"; rc=$?
check "release: exit 0" [ "$rc" -eq 0 ]
check "release: GPU driver back ($gpu0)" [ "$(drv $GPU)" = "$gpu0" ]
check "release: GPU override back ($ovr0)" [ "$(ovr $GPU)" = "$ovr0" ]
check "release: audio driver back ($aud0)" [ "$(drv $AUD)" = "$aud0" ]
check "release: audio override back ($aovr0)" [ "$(ovr $AUD)" = "$aovr0" ]
check "release: journal gone" [ ! -e "$ST/journal-$GPU.json" ]
check "release: vfio_pci unloaded again" not_loaded vfio_pci
check "release: every function's driver and override as at the start" \
	same_listing /tmp/listing.start
cut -d' ' -f1 /proc/modules | grep -vxF -f /tmp/modules.start |
	sed 's/^/# left loaded after release (dependencies of vfio_pci): /'

# With acpi_call loaded the reset plan powers the GPU through its ACPI
# node's _OFF/_ON, which QEMU's firmware does not have: whatever reset then
# does, nothing may be left changed.
if [ -e /proc/acpi/call ]; then
	listing >/tmp/listing.acpi
	"$OV" host reset --yes --state-dir "$ST" >/tmp/out 2>&1; rc=$?
	cat /tmp/out
	echo "# reset --yes with acpi_call and no _OFF: exit $rc"
	check "reset with acpi_call, no _OFF: exit 0 or 1" [ "$rc" -le 1 ]
	check "reset with acpi_call, no _OFF: every function's driver and override as before" \
		same_listing /tmp/listing.acpi
	# Nothing ran, so no half-done rollback and no journal to clean up.
	check "reset with acpi_call, no _OFF: no rollback failure" \
		not_in /tmp/out "rollback failed"
	check "reset with acpi_call, no _OFF: no journal left" [ ! -e "$ST/reset-$GPU.json" ]
fi

# The remove/rescan part of host reset (runtime PM here: no bbswitch,
# no nvidia in the guest, and acpi_call unloaded).
rmmod acpi_call 2>/dev/null
"$OV" host reset --state-dir "$ST"; rc=$?
check "reset without --yes: not run (exit 1)" [ "$rc" -eq 1 ]
for f in 0000:00:01.0 $GPU $AUD; do echo "$f $(enumerated "$f")"; done >/tmp/enum.before
listing >/tmp/listing.reset
"$OV" host reset --yes --state-dir "$ST" >/tmp/out 2>&1; rc=$?
cat /tmp/out
check "reset --yes: exit 0" [ "$rc" -eq 0 ]
check "reset: powered through runtime PM" grep -q "power/control\|runtime PM" /tmp/out
for f in 0000:00:01.0 $GPU $AUD; do
	n0=$(grep "^$f " /tmp/enum.before | cut -d' ' -f2)
	check "reset: $f removed and enumerated again" [ "$(enumerated "$f")" -eq $((n0 + 1)) ]
	check "reset: $f back on the bus" [ -e "$D/$f/config" ]
	check "reset: $f config space not all ones" \
		[ "$(od -An -tx1 -N4 "$D/$f/config" | tr -d ' \n')" != ffffffff ]
done
check "reset: audio driver back ($aud0)" [ "$(drv $AUD)" = "$aud0" ]
check "reset: every function's driver and override as before" \
	same_listing /tmp/listing.reset

# Prepare failing midway: vfio_pci cannot load (modprobe.d install command:
# libkmod runs it and it fails), so step 3 fails after the audio steps.
listing >/tmp/listing.fail
mkdir -p /etc/modprobe.d
echo "install vfio_pci /bin/false" >/etc/modprobe.d/optivfio-lab.conf
"$OV" host prepare --state-dir "$ST" 2>/tmp/err; rc=$?
cat /tmp/err
rm -f /etc/modprobe.d/optivfio-lab.conf
check "failing prepare: exit 1" [ "$rc" -eq 1 ]
check "failing prepare: failed at the module load" grep -q "load-module vfio_pci) failed" /tmp/err
check "failing prepare: rolled back" grep -q "rolled back" /tmp/err
check "failing prepare: GPU as before ($gpu0)" [ "$(drv $GPU)" = "$gpu0" ]
check "failing prepare: audio driver back ($aud0)" [ "$(drv $AUD)" = "$aud0" ]
check "failing prepare: audio override back ($aovr0)" [ "$(ovr $AUD)" = "$aovr0" ]
check "failing prepare: no journal" [ ! -e "$ST/journal-$GPU.json" ]
check "failing prepare: vfio_pci not loaded" not_loaded vfio_pci
check "failing prepare: every function's driver and override as before" \
	same_listing /tmp/listing.fail

echo "1..$N"
[ "$FAILED" -eq 0 ]
