#!/bin/sh
# optivfio vm qemu / vm proxmox: the arguments, quoted for a shell, checked
# by running them through sh; the property names checked against QEMU itself.
. "$SRCDIR/testsuite/cli/lib.sh"

S="$TMP/ssdt dir, it's"
mkdir -p "$S"
printf 'SSDT' >"$S/ssdt-rom.aml"
printf '\125\252' >"$S/vbios.rom"
cat >"$S/optivfio-ssdt.json" <<JSON
{"mode":"fwcfg","gpu_path":"\\\\_SB.PCI0.S08.S00","scope":"scope",
 "fw_cfg_name":"opt/optivfio/vbios","rom":"$S/vbios.rom",
 "tables":["ssdt-rom.aml"],"battery":"none"}
JSON
IDS="--gpu 0000:01:00.0 --sub-vendor 0x1025 --sub-device 0x118b"

run_ov vm qemu $IDS --ssdt-dir "$S"
expect_rc 0 "vm qemu"
# The printed text is shell: let sh split it and print one word per line.
printf 'set -- \\\n%s\nprintf "%%s\\n" "$@"\n' "$(cat "$TMP/out")" >"$TMP/words.sh"
sh "$TMP/words.sh" >"$TMP/words"
cat >"$TMP/want" <<WANT
-device
pcie-root-port,id=optivfio-rp,bus=pcie.0,addr=0x1,chassis=1,port=8,hotplug=off
-device
vfio-pci,host=0000:01:00.0,id=optivfio-gpu,bus=optivfio-rp,addr=0x0,x-pci-sub-vendor-id=0x1025,x-pci-sub-device-id=0x118b
-acpitable
file=$TMP/ssdt dir,, it's/ssdt-rom.aml
-fw_cfg
name=opt/optivfio/vbios,file=$TMP/ssdt dir,, it's/vbios.rom
WANT
if cmp -s "$TMP/want" "$TMP/words"; then ok "vm qemu: sh reads back the exact arguments"
else not_ok "vm qemu: arguments differ"; diag "$(diff "$TMP/want" "$TMP/words")"; fi

run_ov --json vm qemu $IDS
expect_rc 0 "vm qemu --json"
check "--json: an args array" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["args"]
assert a[0] == "-device" and a[3].startswith("vfio-pci,host=0000:01:00.0,"), a
' "$TMP/out"

run_ov vm proxmox --vmid 101 $IDS --ssdt-dir "$S"
expect_rc 0 "vm proxmox"
check "proxmox: machine q35" grep -qx 'machine: q35' "$TMP/out"
check "proxmox: hostpci0 with pcie=1" grep -qx 'hostpci0: 0000:01:00.0,pcie=1' "$TMP/out"
sed -n 's/^args: //p' "$TMP/out" >"$TMP/args"
printf 'set -- %s\nprintf "%%s\\n" "$@"\n' "$(cat "$TMP/args")" >"$TMP/pwords.sh"
sh "$TMP/pwords.sh" >"$TMP/pwords"
cat >"$TMP/pwant" <<WANT
-set
device.hostpci0.x-pci-sub-vendor-id=0x1025
-set
device.hostpci0.x-pci-sub-device-id=0x118b
-acpitable
file=$TMP/ssdt dir,, it's/ssdt-rom.aml
-fw_cfg
name=opt/optivfio/vbios,file=$TMP/ssdt dir,, it's/vbios.rom
WANT
if cmp -s "$TMP/pwant" "$TMP/pwords"; then ok "proxmox: args: splits back into the arguments"
else not_ok "proxmox: args differ"; diag "$(diff "$TMP/pwant" "$TMP/pwords")"; fi

check "proxmox: no tablet line without the battery" test "$(grep -c '^tablet:' "$TMP/out")" -eq 0
run_ov vm proxmox --vmid 101 $IDS --battery
check "proxmox --battery: the USB tablet on" grep -qx 'tablet: 1' "$TMP/out"

run_ov vm proxmox $IDS
expect_rc 2 "proxmox without --vmid"
run_ov vm proxmox --vmid 12x $IDS
expect_rc 2 "proxmox with a bad --vmid"
run_ov vm qemu --domain-xml x.xml $IDS
expect_rc 2 "vm qemu refuses libvirt options"
run_ov vm frob
expect_rc 2 "unknown vm command"
run_ov vm --help
expect_rc 0 "vm --help"
check "help names the three commands" grep -q 'vm proxmox --vmid' "$TMP/out"

# The property names exist in this QEMU (facts §5): ask QEMU, not us.
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
	qemu-system-x86_64 -device vfio-pci,help >"$TMP/vfio" 2>&1
	for p in x-pci-sub-vendor-id x-pci-sub-device-id rombar romfile host; do
		check "QEMU vfio-pci has '$p'" grep -q "^  $p=" "$TMP/vfio"
	done
	qemu-system-x86_64 -device pcie-root-port,help >"$TMP/rp" 2>&1
	for p in chassis port hotplug; do
		check "QEMU pcie-root-port has '$p'" grep -q "^  $p=" "$TMP/rp"
	done
	# The root port, -acpitable and -fw_cfg as printed (paths with a comma,
	# a space and a quote) start a q35 machine: QEMU parses our escaping.
	# A 36-byte SSDT header (ACPI 6.4 §5.2.6; QEMU fixes the checksum).
	printf 'SSDT\044\0\0\0\001\0OPTVFIOTESTTBL\001\0\0\0INTL\001\0\0\0' >"$S/ssdt-rom.aml"
	run_ov --json vm qemu $IDS --ssdt-dir "$S"
	if python3 - "$TMP/out" >"$TMP/q" 2>&1 <<'PY'
import json, subprocess, sys
a = json.load(open(sys.argv[1]))["args"]
i = next(i for i, x in enumerate(a) if x.startswith("vfio-pci,"))
del a[i - 1:i + 1]          # no host GPU here: everything but the vfio-pci device
r = subprocess.run(["timeout", "60", "qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
                    "-nodefaults", "-display", "none", "-S", "-monitor", "stdio"] + a,
                   input=b"info pci\nquit\n", capture_output=True)
sys.stdout.write(r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"))
sys.exit(r.returncode)
PY
	then
		ok "QEMU accepts the root port, -acpitable and -fw_cfg"
	else
		not_ok "QEMU refused the arguments"; diag "$(cat "$TMP/q")"
	fi
	check "QEMU: the root port is at 00:01.0" grep -q "Bus  0, device   1, function 0" "$TMP/q"
else
	skip "qemu-system-x86_64 not installed"
fi

done_testing
