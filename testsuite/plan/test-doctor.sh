#!/bin/sh
# doctor on every fixture: exit 0 when nothing blocks, 3 when something
# does, and the specific verdicts each host's description implies
# (make-fixtures.py, make-plan-fixtures.py, the seed's list).
. "$SRCDIR/testsuite/cli/lib.sh"
F="$TMP/fx"
python3 "$SRCDIR/testsuite/plan/make-plan-fixtures.py" "$F" || { not_ok "make fixtures"; done_testing; exit 1; }

# line STATUS ID PATTERN "what": doctor's text output has that verdict.
line() {
	if grep -q "^$1  $(printf '%-11s' "$2") .*$3" "$TMP/out"; then ok "$4"; else
		not_ok "$4: no '$1 $2 ...$3'"; diag "$(cat "$TMP/out")"; fi
}

run_ov --root "$HOSTS/acer-nitro5-an515-51" doctor
expect_rc 0 "acer: nothing blocks"
line PASS iommu "intel_iommu=on" "acer: IOMMU on (cmdline + groups)"
line PASS gpu "0000:01:00.0 \[10de:1c8d\]" "acer: dGPU found"
line PASS group "group 1" "acer: group 1 viable"
line PASS vfio "vfio_pci is loaded" "acer: vfio_pci loaded (/proc/modules)"
line PASS gpu-driver "no driver bound" "acer: GPU has no driver"
line WARN hdmi-audio "0000:01:00.1 is bound to snd_hda_intel" "acer: audio on snd_hda_intel"
line PASS rom-bar "512 KiB" "acer: ROM BAR 512 KiB"
line WARN rom-acpi "PEG0.PEGP) but acpi_call is not loaded" "acer: ACPI node, no acpi_call"
line PASS battery "BAT1" "acer: battery BAT1"
line PASS mux "class 0300" "acer: VGA class"
line PASS topology "behind 0000:00:01.0" "acer: topology advice"
check "acer: the fix for the audio is printed" grep -q "fix: host prepare sets its driver_override to none" "$TMP/out"
check "acer: says ready" grep -q "^Ready: nothing blocks passthrough (2 warnings)" "$TMP/out"

run_ov --root "$HOSTS/desktop-shared-group" doctor
expect_rc 3 "desktop: blocked"
line FAIL group "also holds 0000:02:00.0" "desktop: group not viable"
line WARN gpu-driver "bound to nouveau" "desktop: GPU on nouveau"
line PASS battery "no battery" "desktop: no battery"
line WARN vfio "cannot tell" "desktop: no module index in the tree: vfio unknown"
check "desktop: says blocked" grep -q "^Blocked: 1 check FAILed" "$TMP/out"

run_ov --root "$HOSTS/devbox-firecracker-virtio" doctor
expect_rc 3 "devbox: blocked"
line FAIL iommu "IOMMU off" "devbox: IOMMU off"
line FAIL gpu "no discrete GPU" "devbox: no dGPU"

run_ov --root "$F/acer-nvidia" doctor
expect_rc 0 "acer+nvidia: nothing blocks"
line PASS vfio "vfio_pci is available" "acer+nvidia: vfio_pci in the module index (libkmod)"
line WARN gpu-driver "bound to nvidia" "acer+nvidia: GPU on nvidia"

run_ov --root "$F/acer-busy" doctor
expect_rc 3 "acer busy: blocked"
line FAIL gpu-driver "process 4242 (Xorg) holds /dev/nvidia" "acer busy: Xorg holds the GPU"
run_ov --root "$F/acer-display" doctor
expect_rc 3 "acer display: blocked"
line FAIL gpu-driver "drives a connected display" "acer display: connected HDMI"
run_ov --root "$F/acer-bootvga" doctor --gpu 01:00.0
expect_rc 3 "acer boot VGA: blocked"
line FAIL gpu-driver "boot VGA" "acer boot VGA: said"
run_ov --root "$F/acer-no-iommu" doctor
expect_rc 3 "acer no IOMMU: blocked"
line FAIL iommu "nothing on the kernel command line" "acer no IOMMU: iommu FAIL"
line FAIL group "no IOMMU group" "acer no IOMMU: group FAIL"
run_ov --root "$F/acer-acpicall" doctor
expect_rc 0 "acer+acpi_call: nothing blocks"
line PASS rom-acpi 'acpi_call is loaded and the GPU has an ACPI node (\\_SB_.PCI0.PEG0.PEGP); _ROM not evaluated here' "acer+acpi_call: _ROM not evaluated under --root"
run_ov --root "$F/acer-novfio" doctor
expect_rc 0 "doctor exit 0 with warnings only"

# The GPU after host prepare: vfio-pci, audio as the seed wants.
rm -rf "$TMP/w"; cp -a "$F/acer" "$TMP/w"
run_ov --root "$TMP/w" host prepare --state-dir "$TMP/s"
run_ov --root "$TMP/w" doctor
line PASS gpu-driver "bound to vfio-pci" "prepared: GPU on vfio-pci"
line PASS hdmi-audio "driver_override=none and unbound" "prepared: audio as the seed does"

# ROM files, validated by the rom module against the GPU's ids. A minimal
# ROM built here from PCI FW 3.0 §5.1: 55 AA, size 1 (512 bytes), PCIR at
# 0x1C with 10de:1c8d, class 030000, length 1, x86, last; checksum 0.
python3 - "$TMP" <<'PY'
import struct, sys
rom = bytearray(512)
rom[0:3] = b"\x55\xaa\x01"
struct.pack_into("<H", rom, 0x18, 0x1C)
p = 0x1C
rom[p:p + 4] = b"PCIR"
struct.pack_into("<HHHH", rom, p + 4, 0x10DE, 0x1C8D, 0, 0x18)
rom[p + 0xD:p + 0x10] = bytes([0, 0, 3])
struct.pack_into("<H", rom, p + 0x10, 1)
rom[p + 0x15] = 0x80
rom[511] = -sum(rom) & 0xFF
open(sys.argv[1] + "/good.rom", "wb").write(rom)
open(sys.argv[1] + "/nvgi.rom", "wb").write(b"NVGI" + bytes(0x3FC) + rom)
open(sys.argv[1] + "/bad.rom", "wb").write(b"junk" * 200)
PY
run_ov --root "$F/acer" doctor --rom "$TMP/good.rom"
line PASS rom-file "1 image, 512 bytes, for 10de:1c8d" "rom file for this GPU"
run_ov --root "$F/acer" doctor --rom "$TMP/nvgi.rom"
line WARN rom-file "" "rom file with an NVGI prefix"
check "... fix: strip it" grep -q "fix: 'optivfio rom strip FILE -o OUT'" "$TMP/out"
run_ov --root "$F/acer" doctor --rom "$TMP/bad.rom"
line WARN rom-file "not a PCI option ROM" "rom file that is not a ROM"
expect_rc 0 "a bad ROM file does not block"
run_ov --root "$F/acer" doctor --rom "$TMP/none.rom"
line WARN rom-file "No such file" "missing rom file"
# A real GTX 1050 Ti Mobile ROM (GP107M 10de:1c8c, facts-rom-acpicall §6.1) on
# the Acer's 10de:1c8d: the wrong GPU.
if [ -r "$SHARED/data/roms/gtx1050ti_mobile.rom" ]; then
	run_ov --root "$F/acer" doctor --rom "$SHARED/data/roms/gtx1050ti_mobile.rom"
	line WARN rom-file "for device 10de:1c8c, the device is 10de:1c8d" "another GPU's ROM"
else
	skip "no shared ROMs"
fi

# Stale NVRAM (the seed's tip): NVRAM older than the domain XML.
R="$TMP/w"
mkdir -p "$R/etc/libvirt/qemu" "$R/var/lib/libvirt/qemu/nvram"
echo '<domain/>' >"$R/etc/libvirt/qemu/win10.xml"
: >"$R/var/lib/libvirt/qemu/nvram/win10_VARS.fd"
touch -d '2026-01-01 00:00' "$R/var/lib/libvirt/qemu/nvram/win10_VARS.fd"
touch -d '2026-02-01 00:00' "$R/etc/libvirt/qemu/win10.xml"
run_ov --root "$R" doctor --domain win10
line WARN nvram "NVRAM is older than the domain XML" "stale NVRAM warned"
check "nvram fix names the file" grep -q "fix: if the VM hangs at the POST screen, delete /var/lib/libvirt/qemu/nvram/win10_VARS.fd" "$TMP/out"
touch -d '2026-03-01 00:00' "$R/var/lib/libvirt/qemu/nvram/win10_VARS.fd"
run_ov --root "$R" doctor --domain win10
line PASS nvram "NVRAM is newer" "fresh NVRAM passes"
run_ov --root "$R" doctor --domain nosuch
line WARN nvram "domain nosuch: no /etc/libvirt/qemu/nosuch.xml" "unknown domain"
run_ov --root "$R" doctor --domain ../../etc/passwd
expect_rc 1 "a domain name with a path is refused"
expect_one_line_error "bad domain name"

# JSON
run_ov --root "$HOSTS/desktop-shared-group" --json doctor
expect_rc 3 "json: exit 3 too"
expect_json "$TMP/out" 'd["blocked"]' true "json: blocked"
expect_json "$TMP/out" 'd["gpu"]' 0000:01:00.0 "json: gpu"
expect_json "$TMP/out" '[c["status"] for c in d["checks"] if c["id"] == "group"]' '["FAIL"]' "json: group FAIL"
expect_json "$TMP/out" 'all(set(c) == {"id", "status", "reason", "fix"} for c in d["checks"])' true \
	"json: every check has id, status, reason, fix"
run_ov --root "$HOSTS/devbox-firecracker-virtio" --json doctor
expect_json "$TMP/out" 'd["gpu"]' null "json: no gpu is null"

# Confinement of libvirt's QEMU: the files it reads come around libvirt.
run_ov --root "$HOSTS/acer-nitro5-an515-51" doctor
line PASS qemu-confinement "neither AppArmor" "acer: no confinement"
cp -a "$HOSTS/acer-nitro5-an515-51" "$TMP/aa"
mkdir -p "$TMP/aa/sys/module/apparmor/parameters" "$TMP/aa/etc/apparmor.d/abstractions"
echo Y >"$TMP/aa/sys/module/apparmor/parameters/enabled"
: >"$TMP/aa/etc/apparmor.d/abstractions/libvirt-qemu"
run_ov --root "$TMP/aa" doctor
expect_rc 0 "AppArmor: a warning, not blocking"
line WARN qemu-confinement "AppArmor confines libvirt's QEMU" "AppArmor with libvirt's profile: WARN"
check "AppArmor: the fix names the local abstraction" grep -q "local/abstractions/libvirt-qemu" "$TMP/out"
echo N >"$TMP/aa/sys/module/apparmor/parameters/enabled"
run_ov --root "$TMP/aa" doctor
line PASS qemu-confinement "neither" "AppArmor disabled: PASS"
mkdir -p "$TMP/aa/sys/fs/selinux" "$TMP/aa/etc/libvirt"
echo 1 >"$TMP/aa/sys/fs/selinux/enforce"
run_ov --root "$TMP/aa" doctor
line WARN qemu-confinement "SELinux is enforcing" "SELinux enforcing: WARN"
printf '# ours\nsecurity_driver = "none"\n' >"$TMP/aa/etc/libvirt/qemu.conf"
run_ov --root "$TMP/aa" doctor
line PASS qemu-confinement 'unconfined (security_driver = "none")' "security_driver none: PASS"

run_ov doctor --gpu nope
expect_rc 2 "doctor --gpu must be a BDF"
run_ov doctor extra
expect_rc 2 "doctor takes no arguments"
done_testing
