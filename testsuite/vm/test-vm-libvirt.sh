#!/bin/sh
# optivfio vm libvirt: every fixture domain patched, checked with tools that
# are not ours (virt-xml-validate, xmllint --xpath, xmllint --c14n), patched
# again (idempotent) and un-patched (--remove gives back the input).
. "$SRCDIR/testsuite/cli/lib.sh"
D="$SRCDIR/testsuite/vm/domains"

# An SSDT directory as `optivfio ssdt` writes it, in a path that needs
# quoting everywhere (space, comma, quote).
S="$TMP/ssdt dir, it's"
mkdir -p "$S"
printf 'SSDT' >"$S/ssdt-rom.aml"
printf 'SSDT' >"$S/ssdt-battery.aml"
printf '\125\252' >"$S/vbios.rom"
cat >"$S/optivfio-ssdt.json" <<JSON
{"mode":"fwcfg","gpu_path":"\\\\_SB.PCI0.S08.S00","scope":"scope",
 "fw_cfg_name":"opt/optivfio/vbios","rom":"$S/vbios.rom",
 "tables":["ssdt-rom.aml","ssdt-battery.aml"],"battery":"present"}
JSON

IDS="--gpu 0000:01:00.0 --sub-vendor 0x1025 --sub-device 0x118b"

# xp FILE XPATH: the string value (namespaces by local-name()).
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }
# expect_xp "what" FILE XPATH WANT
expect_xp() {
	got=$(xp "$2" "$3")
	if [ "$got" = "$4" ]; then ok "$1"; else not_ok "$1: got '$got', wanted '$4'"; fi
}
Q="*[local-name()='"
# args_of FILE: the qemu:arg values, "|"-separated, with "|" around.
args_of() {
	n=$(xp "$1" "count(/domain/${Q}commandline']/${Q}arg'])")
	printf '|'
	i=1
	while [ "$i" -le "${n:-0}" ]; do
		printf '%s|' "$(xp "$1" "string(/domain/${Q}commandline']/${Q}arg'][$i]/@value)")"
		i=$((i + 1))
	done
}
# expect_args "what" FILE "|a|b|": these values follow each other.
expect_args() {
	got=$(args_of "$2")
	case "$got" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1: args $got"; diag "wanted $3" ;;
	esac
}
ROOT_PORT="/domain/devices/controller[@type='pci' and @model='pcie-root-port' and target/@hotplug='off']"
GPU="/domain/devices/hostdev[source/address/@bus='0x01' and source/address/@function='0x0']"

for name in win11-virt-manager minimal gpu-hostdev-elsewhere seed-patched; do
	in="$D/$name.xml"
	out="$TMP/$name.out.xml"
	sum_before=$(cksum <"$in")
	run_ov vm libvirt --domain-xml "$in" -o "$out" $IDS --libvirt-version 9.0.0 \
		--ssdt-dir "$S"
	expect_rc 0 "$name: patch"
	check "$name: input unchanged" test "$(cksum <"$in")" = "$sum_before"
	check "$name: output validates (virt-xml-validate)" \
		virt-xml-validate "$out" domain
	# facts-qemu-libvirt §4.4 recipe
	expect_xp "$name: one root port at 00:01.0 with hotplug off" "$out" \
		"count($ROOT_PORT[address/@bus='0x00' and address/@slot='0x01' and address/@function='0x0'])" 1
	expect_xp "$name: the root port is controller index 1" "$out" \
		"string($ROOT_PORT[address/@slot='0x01']/@index)" 1
	expect_xp "$name: root port chassis 1 port 0x8" "$out" \
		"concat($ROOT_PORT[address/@slot='0x01']/target/@chassis, ' ', $ROOT_PORT[address/@slot='0x01']/target/@port)" "1 0x8"
	expect_xp "$name: nothing else at 00:01" "$out" \
		"count(/domain/devices/*/address[@type='pci' and @bus='0x00' and @slot='0x01'])" 1
	expect_xp "$name: one hostdev for the GPU" "$out" "count($GPU)" 1
	expect_xp "$name: GPU hostdev at guest 01:00.0" "$out" \
		"concat($GPU/address/@type, ' ', $GPU/address/@bus, ' ', $GPU/address/@slot, ' ', $GPU/address/@function)" \
		"pci 0x01 0x00 0x0"
	# Not managed: optivfio's hook hands over the GPU's whole IOMMU group.
	expect_xp "$name: GPU hostdev managed='no', vfio" "$out" \
		"concat($GPU/@managed, ' ', $GPU/driver/@name)" "no vfio"
	# Code 43 (drivers before 465): kvm=off and a Hyper-V vendor id.
	expect_xp "$name: <kvm><hidden state='on'/>" "$out" \
		"string(/domain/features/kvm/hidden/@state)" on
	vid=$(xp "$out" "string(/domain/features/hyperv/vendor_id[@state='on']/@value)")
	check "$name: a 12-character Hyper-V vendor id" sh -c \
		'echo "$1" | grep -qx "[a-z][a-z0-9]\{11\}"' - "$vid"
	echo "$vid" >>"$TMP/vendor-ids"
	expect_xp "$name: HDMI audio not passed" "$out" \
		"count(/domain/devices/hostdev[source/address/@bus='0x01' and source/address/@function='0x1'])" 0
	expect_xp "$name: only controller 1 uses index 1" "$out" \
		"count(/domain/devices/controller[@type='pci' and @index='1'])" 1
	# seed "Set PCI subsystem vendor and device IDs": 0x1025 = 4133, 0x118b = 4491
	OVR="/domain/${Q}override']/${Q}device' and @alias=$GPU/alias/@name]/${Q}frontend']"
	expect_xp "$name: sub vendor override 4133" "$out" \
		"string($OVR/${Q}property' and @name='x-pci-sub-vendor-id' and @type='unsigned']/@value)" 4133
	expect_xp "$name: sub device override 4491" "$out" \
		"string($OVR/${Q}property' and @name='x-pci-sub-device-id' and @type='unsigned']/@value)" 4491
	ARGS="/domain/${Q}commandline']/${Q}arg']"
	expect_args "$name: -acpitable for each table, in order, commas doubled" "$out" \
		"|-acpitable|file=$TMP/ssdt dir,, it's/ssdt-rom.aml|-acpitable|file=$TMP/ssdt dir,, it's/ssdt-battery.aml|"
	expect_xp "$name: fw_cfg entry for the ROM" "$out" \
		"string(/domain/sysinfo[@type='fwcfg']/entry[@name='opt/optivfio/vbios']/@file)" \
		"$S/vbios.rom"
	expect_xp "$name: <features><acpi/>" "$out" "count(/domain/features/acpi)" 1
	expect_xp "$name: a USB tablet (battery)" "$out" \
		"count(/domain/devices/input[@type='tablet' and @bus='usb'])" 1
	expect_xp "$name: no virtio pointer (battery)" "$out" \
		"count(/domain/devices/input[@bus='virtio' and (@type='mouse' or @type='tablet')])" 0
	check "$name: qemu namespace declared once" \
		test "$(grep -o 'xmlns:qemu=' "$out" | wc -l)" -eq 1

	# Idempotent: patching the output changes nothing, byte for byte.
	run_ov vm libvirt --domain-xml "$out" -o "$TMP/$name.again.xml" $IDS \
		--libvirt-version 9.0.0 --ssdt-dir "$S"
	expect_rc 0 "$name: patch the patched"
	check "$name: idempotent (bytes)" cmp -s "$out" "$TMP/$name.again.xml"
	xmllint --c14n "$out" >"$TMP/c1" && xmllint --c14n "$TMP/$name.again.xml" >"$TMP/c2"
	check "$name: idempotent (canonical XML)" cmp -s "$TMP/c1" "$TMP/c2"

	# --remove restores the input: canonical XML equal, and even the bytes.
	run_ov vm libvirt --remove --domain-xml "$out" -o "$TMP/$name.rm.xml"
	expect_rc 0 "$name: remove"
	xmllint --c14n "$in" >"$TMP/c1" && xmllint --c14n "$TMP/$name.rm.xml" >"$TMP/c2"
	check "$name: remove restores the input (canonical XML)" cmp -s "$TMP/c1" "$TMP/c2"
	check "$name: remove restores the input (bytes)" cmp -s "$in" "$TMP/$name.rm.xml"
done

check "each domain gets its own vendor id" \
	test "$(sort -u "$TMP/vendor-ids" | wc -l)" -eq "$(wc -l <"$TMP/vendor-ids")"

# auto does not hide for a guest libosinfo says is Linux; off never hides.
sed 's|<domain type=.kvm.>|&<metadata><libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo></metadata>|' \
	"$D/minimal.xml" >"$TMP/debian.xml"
run_ov vm libvirt --domain-xml "$TMP/debian.xml" -o "$TMP/debian.out.xml" $IDS --libvirt-version 9.0.0
expect_rc 0 "a Debian guest: patch"
expect_xp "a Debian guest: auto leaves the hypervisor visible" "$TMP/debian.out.xml" \
	"count(/domain/features/kvm | /domain/features/hyperv)" 0
run_ov vm libvirt --domain-xml "$TMP/debian.xml" -o "$TMP/debian-on.xml" $IDS --libvirt-version 9.0.0 \
	--hide-hypervisor on
expect_xp "a Debian guest, --hide-hypervisor on: hidden" "$TMP/debian-on.xml" \
	"string(/domain/features/kvm/hidden/@state)" on
run_ov vm libvirt --domain-xml "$D/win11-virt-manager.xml" -o "$TMP/off.xml" $IDS \
	--libvirt-version 9.0.0 --hide-hypervisor off
expect_xp "--hide-hypervisor off: no kvm hidden, no vendor id" "$TMP/off.xml" \
	"count(/domain/features/kvm/hidden | /domain/features/hyperv/vendor_id)" 0

# Re-patching without the tables would drop them: refused, file untouched.
P1="$TMP/minimal.out.xml"
echo keep >"$TMP/keep.xml"
run_ov vm libvirt --domain-xml "$P1" -o "$TMP/keep.xml" $IDS --libvirt-version 9.0.0
expect_rc 1 "re-patching without --ssdt-dir"
expect_one_line_error "re-patching without --ssdt-dir"
check "re-patching without --ssdt-dir: -o untouched" test "$(cat "$TMP/keep.xml")" = keep
# Tables for another layout are refused.
mkdir -p "$TMP/pve"
sed 's/S08\.S00/SE0.S00/' "$S/optivfio-ssdt.json" >"$TMP/pve/optivfio-ssdt.json"
cp "$S"/*.aml "$S/vbios.rom" "$TMP/pve/"
run_ov vm libvirt --domain-xml "$D/minimal.xml" -o "$TMP/pve.xml" $IDS --libvirt-version 9.0.0 \
	--ssdt-dir "$TMP/pve"
expect_rc 1 "tables for \\_SB.PCI0.SE0.S00 refused for a GPU at 00:01.0/01:00.0"
check "no output written" test ! -e "$TMP/pve.xml"

# What changed where, for the fixtures that had something in the way.
W="$TMP/win11-virt-manager.out.xml"
expect_xp "win11: the QXL video moved from 00:01.0 to 00:03.0" "$W" \
	"concat(/domain/devices/video/address/@bus, ' ', /domain/devices/video/address/@slot)" "0x00 0x03"
expect_xp "win11: its old index-1 root port is now index 7, chassis 7" "$W" \
	"concat(/domain/devices/controller[target/@port='0x10']/@index, ' ', /domain/devices/controller[target/@port='0x10']/target/@chassis)" "7 7"
expect_xp "win11: the NIC that was on bus 1 followed it to bus 7" "$W" \
	"string(/domain/devices/interface/address/@bus)" "0x07"
expect_xp "win11: the user's comment is still there" "$W" \
	"count(/domain/devices/comment()[contains(., 'balloon')])" 1
G="$TMP/gpu-hostdev-elsewhere.out.xml"
expect_args "gpu-elsewhere: the user's qemu args kept, ours after them" "$G" \
	"|-global|ICH9-LPC.disable_s3=1|-acpitable|"
expect_xp "gpu-elsewhere: the virtio disk on bus 1 moved with its port" "$G" \
	"string(/domain/devices/disk/address/@bus)" "0x04"
E="$TMP/seed-patched.out.xml"
expect_xp "seed: the old root port moved to 00:02.0, port 0x10, index 2" "$E" \
	"concat(/domain/devices/controller[@index='2']/address/@slot, ' ', /domain/devices/controller[@index='2']/target/@port)" "0x02 0x10"
expect_xp "seed: the user's fw_cfg entry kept" "$E" \
	"count(/domain/sysinfo[@type='fwcfg']/entry)" 2

# Versions (facts-qemu-libvirt §4.1): before 8.2 no <qemu:override>, -set instead;
# before 6.5 no fwcfg sysinfo; from 11.2 native <acpi><table type='raw'>.
M="$D/minimal.xml"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/v8.1.xml" $IDS --libvirt-version 8.1.0
expect_rc 0 "libvirt 8.1.0"
check "8.1.0: validates" virt-xml-validate "$TMP/v8.1.xml" domain
expect_xp "8.1.0: no qemu:override" "$TMP/v8.1.xml" "count(//${Q}override'])" 0
expect_args "8.1.0: -set sub ids through qemu:commandline" "$TMP/v8.1.xml" \
	"|-set|device.ua-optivfio-gpu.x-pci-sub-vendor-id=0x1025|-set|device.ua-optivfio-gpu.x-pci-sub-device-id=0x118b|"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/v6.4.xml" $IDS --libvirt-version 6.4.0 \
	--ssdt-dir "$S"
expect_rc 0 "libvirt 6.4.0"
check "6.4.0: validates" virt-xml-validate "$TMP/v6.4.xml" domain
expect_xp "6.4.0: no fwcfg sysinfo" "$TMP/v6.4.xml" "count(/domain/sysinfo)" 0
expect_args "6.4.0: -fw_cfg name=...,file=... instead" "$TMP/v6.4.xml" \
	"|-fw_cfg|name=opt/optivfio/vbios,file=$TMP/ssdt dir,, it's/vbios.rom|"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/v11.2.xml" $IDS --libvirt-version 11.2.0 \
	--ssdt-dir "$S"
expect_rc 0 "libvirt 11.2.0"
expect_xp "11.2.0: tables as <os><acpi><table type='raw'>, in order" "$TMP/v11.2.xml" \
	"concat(/domain/os/acpi/table[@type='raw'][1], '|', /domain/os/acpi/table[@type='raw'][2])" \
	"$S/ssdt-rom.aml|$S/ssdt-battery.aml"
expect_xp "11.2.0: no -acpitable" "$TMP/v11.2.xml" "count(//${Q}arg'][@value='-acpitable'])" 0
# libvirt's own schema gates it: the installed one (Debian 12: 9.0.0) does
# not know type='raw' yet, which is why older versions get -acpitable.
case "$(virsh --version 2>/dev/null)" in
9.*|10.*|11.0.*|11.1.*)
	if virt-xml-validate "$TMP/v11.2.xml" domain >"$TMP/val" 2>&1; then
		not_ok "11.2.0: schema $(virsh --version) accepted <table type='raw'>"
	else
		check "11.2.0: schema $(virsh --version) refuses only the raw table" \
			grep -q "Error validating value" "$TMP/val"
	fi ;;
*) check "11.2.0: validates" virt-xml-validate "$TMP/v11.2.xml" domain ;;
esac
run_ov vm libvirt --remove --domain-xml "$TMP/v11.2.xml" -o "$TMP/v11.2.rm.xml"
check "11.2.0: remove restores the input" cmp -s "$M" "$TMP/v11.2.rm.xml"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/v6.2.xml" $IDS --libvirt-version 6.2.0
expect_rc 1 "libvirt 6.2.0 (no hotplug='off') refused"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/x.xml" $IDS --libvirt-version 9.x
expect_rc 2 "a bad --libvirt-version"

# --rom-bar: the seed's MXM-ROM alternative.
run_ov vm libvirt --domain-xml "$M" -o "$TMP/rom.xml" $IDS --libvirt-version 9.0.0 \
	--rom-bar "$S/vbios.rom"
expect_rc 0 "--rom-bar"
check "--rom-bar: validates" virt-xml-validate "$TMP/rom.xml" domain
expect_xp "--rom-bar: <rom bar='on' file=ABS>" "$TMP/rom.xml" \
	"concat($GPU/rom/@bar, ' ', $GPU/rom/@file)" "on $S/vbios.rom"

# Patching with other options replaces our earlier patch, not adds to it.
run_ov vm libvirt --domain-xml "$TMP/rom.xml" -o "$TMP/rom2.xml" $IDS --libvirt-version 9.0.0
expect_rc 0 "re-patch without --rom-bar"
expect_xp "re-patch: the ROM is gone again" "$TMP/rom2.xml" "count($GPU/rom)" 0
expect_xp "re-patch: still one root port" "$TMP/rom2.xml" "count($ROOT_PORT)" 1

# Refusals: one line, exit 1, no output file.
for bad in bad-i440fx bad-no-machine bad-not-domain bad-garbage; do
	rm -f "$TMP/bad.xml"
	run_ov vm libvirt --domain-xml "$D/$bad.xml" -o "$TMP/bad.xml" $IDS
	expect_rc 1 "$bad: refused"
	expect_one_line_error "$bad"
	check "$bad: no output file" test ! -e "$TMP/bad.xml"
done
# Bytes the declared encoding cannot decode: libxml2 would print to stderr
# itself; the library must stay silent and leave one line to the CLI.
printf '<?xml version="1.0" encoding="ISO-2022-JP"?>\n<domain>\351\377</domain>\n' \
	>"$TMP/enc.xml"
run_ov vm libvirt --domain-xml "$TMP/enc.xml" -o "$TMP/bad.xml" $IDS
expect_rc 1 "undecodable input refused"
expect_one_line_error "undecodable input"
run_ov vm libvirt --domain-xml "$D/bad-i440fx.xml" -o "$TMP/bad.xml" $IDS
check "i440fx: the error says why (q35)" grep -q "q35" "$TMP/err"
run_ov vm libvirt --domain-xml "$D/bad-not-domain.xml" -o "$TMP/bad.xml" $IDS
check "not a domain: says so" grep -q "not a libvirt domain" "$TMP/err"
run_ov vm libvirt --domain-xml "$D/minimal.xml" -o "$D/minimal.xml" $IDS
expect_rc 2 "-o the input itself refused"
run_ov vm libvirt --domain-xml "$TMP/none.xml" -o "$TMP/bad.xml" $IDS
expect_rc 1 "missing input"
expect_one_line_error "missing input"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/bad.xml" --gpu 01:00.0 --sub-vendor 0x1025
expect_rc 2 "--sub-vendor without --sub-device"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/bad.xml" --gpu ../../x --sub-vendor 1 --sub-device 2
expect_rc 2 "--gpu that is not a BDF"
# Without ids the host model must provide them; an empty root has no GPU.
mkdir -p "$TMP/emptyroot"
run_ov --root "$TMP/emptyroot" vm libvirt --domain-xml "$M" -o "$TMP/bad.xml"
expect_rc 1 "no GPU on the host"
expect_one_line_error "no GPU on the host"
check "no GPU: no output file" test ! -e "$TMP/bad.xml"
echo '{"mode":"fwcfg","tables":[]}' >"$TMP/emptyroot/optivfio-ssdt.json"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/bad.xml" $IDS --ssdt-dir "$TMP/emptyroot"
expect_rc 1 "a manifest without fw_cfg_name refused"
expect_one_line_error "bad manifest"
echo '{"mode":"embed","gpu_path":"x","tables":["../etc/passwd"]}' >"$TMP/emptyroot/optivfio-ssdt.json"
run_ov vm libvirt --domain-xml "$M" -o "$TMP/bad.xml" $IDS --ssdt-dir "$TMP/emptyroot"
expect_rc 1 "a manifest table outside the directory refused"

run_ov --json vm libvirt --domain-xml "$M" -o "$TMP/j.xml" $IDS --libvirt-version 8.2.0
expect_rc 0 "--json"
check "--json: output and the libvirt version" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["output"].endswith("/j.xml") and j["libvirt_version"] == "8.2.0", j
assert j["libvirt_version_assumed"] is False and j["removed"] is False, j
' "$TMP/out"
run_ov --root "$TMP/emptyroot" --json vm libvirt --domain-xml "$M" -o "$TMP/j.xml" $IDS
check "--json: an assumed version says so" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["libvirt_version"] == "9.0.0" and j["libvirt_version_assumed"] is True, j
' "$TMP/out"
check "assumed version: a warning" grep -q "assumed 9.0.0" "$TMP/err"

# --remove on a domain without our patch: unchanged, with a warning.
run_ov vm libvirt --remove --domain-xml "$D/win11-virt-manager.xml" -o "$TMP/rm.xml"
expect_rc 0 "--remove on an unpatched domain"
check "--remove unpatched: unchanged" cmp -s "$D/win11-virt-manager.xml" "$TMP/rm.xml"
check "--remove unpatched: says so" grep -q "no optivfio patch" "$TMP/err"

# The GPU and its ids from the host model (the Acer Nitro 5 fixture:
# dGPU 0000:01:00.0 10de:1c8d, subsystem 1025:118b, HDMI audio at .1).
H="$SRCDIR/testsuite/hosts/acer-nitro5-an515-51"
run_ov --root "$H" vm libvirt --domain-xml "$D/gpu-hostdev-elsewhere.xml" \
	-o "$TMP/host.xml" --libvirt-version 9.0.0
if [ ! -d "$H" ] || grep -q "not implemented" "$TMP/err"; then
	skip "GPU from the host model (host scanner not merged yet)"
else
	expect_rc 0 "GPU from the host model"
	expect_xp "host: GPU 0000:01:00.0, ids 4133/4491" "$TMP/host.xml" \
		"concat($GPU/source/address/@slot, ' ', //${Q}property'][@name='x-pci-sub-vendor-id']/@value, ' ', //${Q}property'][@name='x-pci-sub-device-id']/@value)" \
		"0x00 4133 4491"
	check "host: validates" virt-xml-validate "$TMP/host.xml" domain
fi

done_testing
