#!/bin/sh
# optivfio vm qemu / vm proxmox: the arguments, quoted for a shell, checked
# by running them through sh; the property names checked against QEMU
# itself; the printed QEMU command and the argv Proxmox builds from the
# printed lines started by this machine's QEMU (vfio-pci swapped for an
# emulated device: there is no GPU here).
. "$SRCDIR/testsuite/cli/lib.sh"

# manifest DIR GPU_PATH: a fake `optivfio ssdt` output (one table, fwcfg).
manifest() {
	mkdir -p "$1"
	# A 36-byte SSDT header (ACPI 6.4 §5.2.6; QEMU fixes the checksum).
	printf 'SSDT\044\0\0\0\001\0OPTVFIOTESTTBL\001\0\0\0INTL\001\0\0\0' >"$1/ssdt-rom.aml"
	printf '\125\252' >"$1/vbios.rom"
	cat >"$1/optivfio-ssdt.json" <<JSON
{"mode":"fwcfg","gpu_path":"$2","scope":"scope",
 "fw_cfg_name":"opt/optivfio/vbios","rom":"$1/vbios.rom",
 "tables":["ssdt-rom.aml"],"battery":"none"}
JSON
}
S="$TMP/ssdt dir, it's"
manifest "$S" '\\_SB.PCI0.S08.S00'
P="$TMP/ssdt-proxmox"
manifest "$P" '\\_SB_.PCI0.SE0_.S00_'
OVMF=/usr/share/OVMF/OVMF_CODE_4M.fd
[ -f "$OVMF" ] || { OVMF="$TMP/OVMF_CODE.fd"; : >"$OVMF"; }
IDS="--gpu 0000:01:00.0 --sub-vendor 0x1025 --sub-device 0x118b"
Q="--ovmf-code $OVMF --ovmf-vars $TMP/win_VARS.fd --name win"

# words FILE: the shell words of FILE, one per line (sh does the splitting).
words() {
	printf 'set -- \\\n%s\nprintf "%%s\\n" "$@"\n' "$(cat "$1")" >"$TMP/words.sh"
	sh "$TMP/words.sh"
}
# has_pair OPTION VALUE "what": OPTION is followed by VALUE in $TMP/words.
has_pair() {
	if awk -v o="$1" -v v="$2" 'p == o && $0 == v { f = 1 } { p = $0 } END { exit !f }' \
		"$TMP/words"; then ok "$3"; else not_ok "$3: no '$1 $2'"; diag "$(cat "$TMP/words")"; fi
}

run_ov vm qemu $IDS $Q --ssdt-dir "$S"
expect_rc 0 "vm qemu"
words "$TMP/out" >"$TMP/words"
check "vm qemu: the command starts with the QEMU binary" \
	test "$(head -n1 "$TMP/words")" = qemu-system-x86_64
has_pair -machine q35 "vm qemu: q35"
has_pair -accel kvm "vm qemu: KVM"
check "vm qemu: -nodefaults (no default VGA or NIC on 00:01.0)" grep -qx -- -nodefaults "$TMP/words"
has_pair -device \
	"pcie-root-port,id=optivfio-rp,bus=pcie.0,addr=01.0,chassis=1,port=0x8,hotplug=off" \
	"vm qemu: root port at 00:01.0, hotplug off"
has_pair -device \
	"vfio-pci,host=0000:01:00.0,id=optivfio-gpu,bus=optivfio-rp,addr=00.0,x-pci-sub-vendor-id=0x1025,x-pci-sub-device-id=0x118b" \
	"vm qemu: the GPU at 01:00.0 with the host's subsystem ids"
has_pair -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF" "vm qemu: OVMF read-only"
has_pair -drive "if=pflash,format=raw,unit=1,file=$TMP/win_VARS.fd" "vm qemu: the VM's own variables"
has_pair -acpitable "file=$TMP/ssdt dir,, it's/ssdt-rom.aml" "vm qemu: -acpitable, comma doubled"
has_pair -fw_cfg "name=opt/optivfio/vbios,file=$TMP/ssdt dir,, it's/vbios.rom" "vm qemu: -fw_cfg"
check "vm qemu: the missing variable store is named with its template" \
	grep -q "cp .*VARS.* $TMP/win_VARS.fd" "$TMP/err"
# Code 43 fixes: kvm=off and a vendor id, stable per VM name.
cpu=$(awk 'p == "-cpu" { print } { p = $0 }' "$TMP/words")
case "$cpu" in
host,kvm=off,hv-vendor-id=*) ok "vm qemu: hypervisor hidden by default" ;;
*) not_ok "vm qemu: -cpu $cpu" ;;
esac
vid=$(echo "$cpu" | sed -n 's/.*hv-vendor-id=\([^,]*\).*/\1/p')
check "vendor id: 12 letters and digits" sh -c 'echo "$1" | grep -qx "[a-z][a-z0-9]\{11\}"' - "$vid"
run_ov vm qemu $IDS $Q
words "$TMP/out" | awk 'p == "-cpu" { print } { p = $0 }' >"$TMP/cpu2"
check "vendor id: the same on a second run" test "$(cat "$TMP/cpu2")" = "$cpu"
run_ov vm qemu $IDS --ovmf-code "$OVMF" --name other
words "$TMP/out" | awk 'p == "-cpu" { print } { p = $0 }' >"$TMP/cpu3"
check "vendor id: another VM gets another" test "$(cat "$TMP/cpu3")" != "$cpu"
run_ov vm qemu $IDS $Q --hide-hypervisor off
words "$TMP/out" >"$TMP/words"
check "--hide-hypervisor off: no kvm=off" sh -c '! grep -q "kvm=off\|hv-vendor-id" "$1"' - "$TMP/words"
run_ov vm qemu $IDS $Q --hide-hypervisor maybe
expect_rc 2 "--hide-hypervisor maybe"

# One layout: tables for another guest address are refused.
run_ov vm qemu $IDS $Q --ssdt-dir "$P"
expect_rc 1 "vm qemu refuses tables made for Proxmox's port"
expect_one_line_error "vm qemu, Proxmox tables"
check "the error names both paths" grep -q 'SE0_.S00_.*S08.S00' "$TMP/err"
run_ov vm proxmox --vmid 101 $IDS --ssdt-dir "$S"
expect_rc 1 "vm proxmox refuses tables made for 00:01.0"
check "the error says how to rebuild them" grep -q 'ssdt --layout proxmox' "$TMP/err"

run_ov --json vm qemu $IDS $Q
expect_rc 0 "vm qemu --json"
check "--json: an args array from the binary on" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["args"]
assert a[0] == "qemu-system-x86_64" and any(x.startswith("vfio-pci,host=0000:01:00.0,") for x in a), a
' "$TMP/out"

run_ov vm proxmox --vmid 101 $IDS --ssdt-dir "$P"
expect_rc 0 "vm proxmox"
cp "$TMP/out" "$TMP/101.conf"
check "proxmox: machine q35" grep -qx 'machine: q35' "$TMP/out"
check "proxmox: bios ovmf" grep -qx 'bios: ovmf' "$TMP/out"
check "proxmox: Proxmox's own sub-id options" \
	grep -qx 'hostpci0: 0000:01:00.0,pcie=1,sub-vendor-id=0x1025,sub-device-id=0x118b' "$TMP/out"
check "proxmox: cpu hidden with a vendor id" grep -qx 'cpu: host,hidden=1,hv-vendor-id=[a-z][a-z0-9]\{11\}' "$TMP/out"
sed -n 's/^args: //p' "$TMP/out" >"$TMP/args"
words "$TMP/args" >"$TMP/pwords"
cat >"$TMP/pwant" <<WANT
-global
pcie-root-port.hotplug=off
-acpitable
file=$P/ssdt-rom.aml
-fw_cfg
name=opt/optivfio/vbios,file=$P/vbios.rom
WANT
if cmp -s "$TMP/pwant" "$TMP/pwords"; then ok "proxmox: args: splits back into the arguments"
else not_ok "proxmox: args differ"; diag "$(diff "$TMP/pwant" "$TMP/pwords")"; fi
a=$(sed -n 's/^cpu: //p' "$TMP/out")
run_ov vm proxmox --vmid 102 $IDS
check "proxmox: another VMID, another vendor id" test "$(sed -n 's/^cpu: //p' "$TMP/out")" != "$a"
run_ov vm proxmox --vmid 101 $IDS --hide-hypervisor off
check "proxmox --hide-hypervisor off: cpu: host" grep -qx 'cpu: host' "$TMP/out"

check "proxmox: no tablet line without the battery" test "$(grep -c '^tablet:' "$TMP/101.conf")" -eq 0
run_ov vm proxmox --vmid 101 $IDS --battery
check "proxmox --battery: the USB tablet on" grep -qx 'tablet: 1' "$TMP/out"

run_ov vm proxmox $IDS
expect_rc 2 "proxmox without --vmid"
run_ov vm proxmox --vmid 12x $IDS
expect_rc 2 "proxmox with a bad --vmid"
run_ov vm qemu --domain-xml x.xml $IDS
expect_rc 2 "vm qemu refuses libvirt options"
run_ov vm proxmox --vmid 101 --disk x.img $IDS
expect_rc 2 "vm proxmox refuses vm qemu options"
run_ov vm qemu $IDS $Q --memory 12
expect_rc 2 "vm qemu --memory 12"
run_ov vm qemu $IDS $Q --disk "$TMP/missing.qcow2"
expect_rc 1 "vm qemu --disk that is not there"
expect_one_line_error "missing disk"
run_ov vm frob
expect_rc 2 "unknown vm command"
run_ov vm --help
expect_rc 0 "vm --help"
check "help names the three commands" grep -q 'vm proxmox --vmid' "$TMP/out"
check "help says what hiding costs" grep -q 'paravirtual clock' "$TMP/out"

# The property names exist in this QEMU (facts §5): ask QEMU, not us.
if command -v qemu-system-x86_64 >/dev/null 2>&1 && [ -s "$OVMF" ]; then
	qemu-system-x86_64 -device vfio-pci,help >"$TMP/vfio" 2>&1
	for p in x-pci-sub-vendor-id x-pci-sub-device-id rombar romfile host; do
		check "QEMU vfio-pci has '$p'" grep -q "^  $p=" "$TMP/vfio"
	done
	qemu-system-x86_64 -device pcie-root-port,help >"$TMP/rp" 2>&1
	for p in chassis port hotplug; do
		check "QEMU pcie-root-port has '$p'" grep -q "^  $p=" "$TMP/rp"
	done
	# The command as printed, with a disk, a CD and the battery's tablet,
	# starts on this QEMU: every device is created (then -S stops it).
	cp "${OVMF%CODE_4M.fd}VARS_4M.fd" "$TMP/win_VARS.fd"
	truncate -s 1M "$TMP/disk.img" "$TMP/install.iso"
	run_ov --json vm qemu $IDS $Q --ssdt-dir "$S" --battery --disk "$TMP/disk.img" \
		--cdrom "$TMP/install.iso"
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["args"]))' \
		"$TMP/out" >"$TMP/argv.json"
	if python3 "$SRCDIR/testsuite/vm/qemu_accepts.py" "$TMP/argv.json" "$TMP/q" >"$TMP/swaps"; then
		ok "QEMU starts the printed command"
	else
		not_ok "QEMU refused the printed command"; diag "$(cat "$TMP/swaps" "$TMP/q")"
	fi
	diag "$(cat "$TMP/swaps")"
	# info pci, QEMU's own view: bus 0 slot 1 is the root port, slot 2 the VGA.
	check "QEMU: a PCI bridge at 00:01.0" sh -c \
		'grep -A1 "Bus  0, device   1, function 0" "$1" | grep -q "PCI bridge: PCI device 1b36:000c"' - "$TMP/q"
	check "QEMU: the console VGA at 00:02.0" sh -c \
		'grep -A1 "Bus  0, device   2, function 0" "$1" | grep -q "VGA controller"' - "$TMP/q"
	# info qtree: the GPU's stand-in sits at 00.0 on the root port's bus.
	expect_json "$TMP/q.json" 'd["optivfio-rp"]["addr"]' "00:01.0" "QEMU: root port at 00:01.0"
	expect_json "$TMP/q.json" 'd["optivfio-rp"]["props"]["hotplug"]' "false" "QEMU: its hotplug off"
	expect_json "$TMP/q.json" 'd["optivfio-gpu"]["bus"]' "optivfio-rp" "QEMU: the GPU behind it"
	expect_json "$TMP/q.json" 'd["optivfio-gpu"]["addr"]' "00:00.0" "QEMU: the GPU at slot 0"
	check "QEMU: the USB tablet is there" grep -q 'dev: usb-tablet' "$TMP/q"

	# Proxmox: the argv qemu-server would build from the printed lines.
	if python3 "$SRCDIR/testsuite/vm/proxmox_argv.py" "$TMP/101.conf" "$OVMF" \
		"$TMP/win_VARS.fd" >"$TMP/pargv.json" 2>"$TMP/perr" &&
		python3 "$SRCDIR/testsuite/vm/qemu_accepts.py" "$TMP/pargv.json" "$TMP/pq" >"$TMP/pswaps"; then
		ok "QEMU starts what Proxmox builds from the lines"
	else
		not_ok "Proxmox's argv refused"; diag "$(cat "$TMP/perr" "$TMP/pswaps" "$TMP/pq" 2>/dev/null)"
	fi
	expect_json "$TMP/pq.json" 'd["ich9-pcie-port-1"]["addr"]' "00:1c.0" \
		"Proxmox: its first root port at 00:1c.0 (SE0)"
	expect_json "$TMP/pq.json" 'd["hostpci0"]["bus"]' "ich9-pcie-port-1" "Proxmox: hostpci0 behind it"
	expect_json "$TMP/pq.json" 'd["hostpci0"]["addr"]' "00:00.0" "Proxmox: hostpci0 at slot 0 (S00)"
	expect_json "$TMP/pq.json" 'd["ich9-pcie-port-1"]["props"]["hotplug"]' "false" \
		"Proxmox: hotplug off on its root port"
else
	skip "qemu-system-x86_64 or OVMF not installed"
fi

done_testing
