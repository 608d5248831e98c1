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

grep -q 'optivfio.lab=1' /proc/cmdline || {
	echo "Bail out! not the lab guest (no optivfio.lab=1 on the kernel command line)"
	exit 1
}
rm -rf "$ST"
gpu0=$(drv $GPU) aud0=$(drv $AUD) ovr0=$(ovr $GPU) aovr0=$(ovr $AUD)
echo "# start: $GPU driver=$gpu0 override=$ovr0, $AUD driver=$aud0 override=$aovr0"

"$OV" doctor; rc=$?
check "doctor: nothing blocks (exit 0)" [ "$rc" -eq 0 ]

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
check "release: vfio_pci unloaded again" ! grep -q '^vfio_pci ' /proc/modules

# The remove/rescan part of host reset (runtime PM here: no bbswitch,
# no acpi_call, no nvidia in the guest).
"$OV" host reset --state-dir "$ST"; rc=$?
check "reset without --yes: not run (exit 1)" [ "$rc" -eq 1 ]
"$OV" host reset --yes --state-dir "$ST"; rc=$?
check "reset --yes: exit 0" [ "$rc" -eq 0 ]
for f in 0000:00:01.0 $GPU $AUD; do
	check "reset: $f back on the bus" [ -e "$D/$f/config" ]
	check "reset: $f config space not all ones" \
		[ "$(od -An -tx1 -N4 "$D/$f/config" | tr -d ' \n')" != ffffffff ]
done
check "reset: audio driver back ($aud0)" [ "$(drv $AUD)" = "$aud0" ]

# Prepare failing midway: vfio_pci cannot load (modprobe.d install command:
# libkmod runs it and it fails), so step 3 fails after the audio steps.
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

echo "1..$N"
[ "$FAILED" -eq 0 ]
