#!/bin/sh
# setup on the example laptop, end to end: what it writes is checked with
# independent tools (virt-xml-validate, xmllint, iasl, cmp against the
# fixture's ROM, the hand-written golden prepare plan).
. "$SRCDIR/testsuite/cli/lib.sh"
ACER="$HOSTS/acer-nitro5-an515-51"
DOMAINS="$SRCDIR/testsuite/vm/domains"
ROMBAR="$ACER/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/rom"

run_ov --root "$ACER" setup --domain-xml "$DOMAINS/win11-virt-manager.xml" -o "$TMP/s1"
expect_rc 0 "setup with a libvirt domain"
D="$TMP/s1"
for f in report.txt doctor.txt vbios.rom ssdt/optivfio-ssdt.json ssdt/ssdt-rom-1.aml \
	domain.xml host-prepare-plan.txt; do
	check "wrote $f" [ -s "$D/$f" ]
done
check "report names the GPU and its group" sh -c "grep -q '^GPU: *0000:01:00.0 .*\[10de:1c8d\]' '$TMP/out' && grep -q 'IOMMU group 1 can go to a VM whole' '$TMP/out'"
# stdout is "optivfio setup wrote DIR", a blank line, then the report itself.
check "report.txt is the printed report" sh -c "tail -n +3 '$TMP/out' | cmp -s - '$D/report.txt'"
# The synthetic ROM's chain is 25 units of 512 bytes (make-fixtures.py).
head -c 12800 "$ROMBAR" >"$TMP/chain"
check "vbios.rom is the ROM BAR's chain" cmp -s "$D/vbios.rom" "$TMP/chain"
check "domain.xml validates" virt-xml-validate "$D/domain.xml"
check "GPU hostdev at guest 01:00.0" sh -c "[ \"\$(xmllint --xpath 'string(//hostdev[source/address/@bus=\"0x01\"]/address/@bus)' '$D/domain.xml')\" = 0x01 ]"
check "root port with hotplug off" sh -c "xmllint --xpath '//controller[@model=\"pcie-root-port\"][@index=\"1\"]/target[@hotplug=\"off\"]' '$D/domain.xml' >/dev/null"
check "every table passed with -acpitable" sh -c "grep -q \"file=$D/ssdt/ssdt-rom-1.aml\" '$D/domain.xml'"
if command -v iasl >/dev/null; then
	check "the table disassembles" sh -c "cd '$TMP' && cp '$D/ssdt/ssdt-rom-1.aml' t.aml && iasl -d t.aml >/dev/null 2>&1 && grep -q 'Method (_ROM, 2, Serialized)' t.dsl"
fi
check "host plan is the seed's prepare (golden, by hand)" cmp -s "$D/host-prepare-plan.txt" "$SRCDIR/testsuite/plan/expected/acer-prepare.txt"
check "logs kept" [ -s "$D/logs/vm.txt" ]

# Without a domain: QEMU and Proxmox snippets.
run_ov --root "$ACER" --json setup --battery absent -o "$TMP/s2"
expect_rc 0 "setup without a domain"
expect_json "$TMP/out" 'd["gpu"]' "0000:01:00.0" "--json names the GPU"
expect_json "$TMP/out" 'd["blocked"]' "false" "--json: not blocked"
check "qemu-args.txt has the GPU with its subsystem ids" sh -c "grep -q 'vfio-pci,host=0000:01:00.0' '$TMP/s2/qemu-args.txt' && grep -q 'x-pci-sub-vendor-id=0x1025' '$TMP/s2/qemu-args.txt'"
check "proxmox.conf has hostpci0" grep -q '^hostpci0: 0000:01:00.0' "$TMP/s2/proxmox.conf"
check "battery table written" [ -s "$TMP/s2/ssdt/ssdt-battery.aml" ]
check "qemu-args.txt is a whole command: the QEMU binary first" \
	sh -c "head -n1 '$TMP/s2/qemu-args.txt' | grep -q '^qemu-system-x86_64 '"
check "qemu-args.txt boots the VM's own OVMF variables" \
	grep -q "file=$TMP/s2/OVMF_VARS.fd" "$TMP/s2/qemu-args.txt"
if [ -f /usr/share/OVMF/OVMF_VARS_4M.fd ]; then
	check "OVMF_VARS.fd is a copy of the installed template" \
		cmp -s /usr/share/OVMF/OVMF_VARS_4M.fd "$TMP/s2/OVMF_VARS.fd"
fi
expect_json "$TMP/s2/ssdt-proxmox/optivfio-ssdt.json" 'd["gpu_path"]' '\_SB.PCI0.SE0.S00' \
	"Proxmox's tables target the GPU behind Proxmox's root port 00:1c.0"
check "proxmox.conf passes Proxmox's tables" grep -q "^args: .*file=$TMP/s2/ssdt-proxmox/" \
	"$TMP/s2/proxmox.conf"
check "proxmox.conf hides the hypervisor" grep -q '^cpu: host,hidden=1,hv-vendor-id=' "$TMP/s2/proxmox.conf"
check "the report gives the Windows tips" sh -c "grep -q 'fast startup off' '$TMP/s2/report.txt' &&
	grep -q 'newest NVIDIA driver' '$TMP/s2/report.txt' && grep -q 'Linux guest first' '$TMP/s2/report.txt' &&
	grep -q 'UEFI variables' '$TMP/s2/report.txt'"

# --rom-bar: an MXM ROM of the same GPU (the ROM the first run dumped is
# one: 10de:1c8d, like the GPU) goes into the ROM BAR of all three outputs.
run_ov --root "$ACER" setup --rom-bar "$D/vbios.rom" --battery absent -o "$TMP/rb1"
expect_rc 0 "setup --rom-bar with the GPU's own ROM"
check "--rom-bar: copied into DIR" cmp -s "$D/vbios.rom" "$TMP/rb1/mxm.rom"
check "--rom-bar: QEMU shows it in the ROM BAR" grep -q "rombar=1,romfile=$TMP/rb1/mxm.rom" "$TMP/rb1/qemu-args.txt"
check "--rom-bar: Proxmox too" grep -q '^hostpci0: .*,rombar=1,romfile=mxm.rom' "$TMP/rb1/proxmox.conf"
run_ov --root "$ACER" setup --rom-bar "$D/vbios.rom" --domain-xml "$DOMAINS/minimal.xml" -o "$TMP/rb2"
check "--rom-bar: libvirt <rom bar='on' file=...>" sh -c \
	"xmllint --xpath \"//hostdev/rom[@bar='on' and @file='$TMP/rb2/mxm.rom']\" '$TMP/rb2/domain.xml' >/dev/null 2>&1"
if [ -f "$SHARED/data/roms/gtx1050ti_mobile.rom" ]; then
	run_ov --root "$ACER" setup --rom-bar "$SHARED/data/roms/gtx1050ti_mobile.rom" -o "$TMP/rb3"
	expect_rc 1 "--rom-bar of another GPU (10de:1c8c for 10de:1c8d): refused"
	expect_one_line_error "--rom-bar of another GPU"
	check "--rom-bar refused: DIR taken away again" test ! -e "$TMP/rb3"
fi
head -c 600 "$D/vbios.rom" >"$TMP/cut.rom"
run_ov --root "$ACER" setup --rom-bar "$TMP/cut.rom" -o "$TMP/rb4"
expect_rc 1 "--rom-bar of a truncated ROM: refused"
expect_one_line_error "--rom-bar of a truncated ROM"

# A ROM that needs stripping and belongs to another GPU (the seed's MXM-ROM
# trick uses such ROMs on purpose): written, with doctor's warning reported.
if [ -f "$SHARED/data/roms/gk107_turbo.rom" ]; then
	run_ov --root "$ACER" setup --rom "$SHARED/data/roms/gk107_turbo.rom" -o "$TMP/s3"
	expect_rc 0 "another GPU's ROM: written"
	check "doctor says whose ROM it is" grep -q '^WARN  rom-file.*10de:0fc6' "$TMP/s3/doctor.txt"
	check "the report carries the warning" grep -q '^doctor:.*warnings:.*rom-file' "$TMP/out"
	check "the NVGI prefix was stripped" sh -c "tail -c +1025 '$SHARED/data/roms/gk107_turbo.rom' | head -c \$(stat -c %s '$TMP/s3/vbios.rom') | cmp -s - '$TMP/s3/vbios.rom'"
else
	skip "gk107_turbo.rom not in \$SHARED"
fi

# A host prepare would refuse (the NVIDIA GPU is the boot VGA): setup still
# writes the VM side, says why in the report and writes no plan.
python3 "$SRCDIR/testsuite/plan/make-plan-fixtures.py" "$TMP/fx" >/dev/null
run_ov --root "$TMP/fx/acer-bootvga" setup --qemu-version 7.2 -o "$TMP/bv"
expect_rc 3 "boot-VGA GPU: setup writes, doctor blocks"
check "the report says host prepare would refuse, and why" \
	grep -q "^host: *host prepare would refuse now: 0000:01:00.0 is the boot VGA" "$TMP/bv/report.txt"
check "no host plan written" test ! -e "$TMP/bv/host-prepare-plan.txt"
mkdir -p "$TMP/fx/acer/run/optivfio"
"$OPTIVFIO" --root "$TMP/fx/acer" host prepare >/dev/null 2>&1
run_ov --root "$TMP/fx/acer" setup --qemu-version 7.2 -o "$TMP/pp"
check "a prepared GPU: the report says so" \
	grep -q "^host: *host prepare would refuse now: the GPU is prepared already" "$TMP/pp/report.txt"

# AppArmor confines libvirt's QEMU: the report says how to let it read DIR.
cp -a "$ACER" "$TMP/aa"
mkdir -p "$TMP/aa/sys/module/apparmor/parameters" "$TMP/aa/etc/apparmor.d/abstractions"
echo Y >"$TMP/aa/sys/module/apparmor/parameters/enabled"
: >"$TMP/aa/etc/apparmor.d/abstractions/libvirt-qemu"
run_ov --root "$TMP/aa" setup --qemu-version 7.2 --domain-xml "$DOMAINS/minimal.xml" -o "$TMP/aad"
expect_rc 0 "AppArmor host: setup writes"
check "the report names the rule for this directory" \
	grep -q "may not read $TMP/aad: allow .* '  $TMP/aad/\*\* r,' to /etc/apparmor.d/local/abstractions/libvirt-qemu" "$TMP/aad/report.txt"
check "without AppArmor the report says nothing of it" sh -c '! grep -q "is confined" "$1"' - "$TMP/s1/report.txt"

# Refusals and failures leave nothing behind.
mkdir "$TMP/exists"
run_ov --root "$ACER" setup -o "$TMP/exists"
expect_rc 1 "existing directory refused"
check "existing directory still empty" [ -z "$(ls -A "$TMP/exists")" ]
run_ov --root "$HOSTS/desktop-shared-group" setup -o "$TMP/s4"
expect_rc 1 "no ROM to be had: setup fails"
expect_one_line_error "no ROM to be had"
check "the failing step is named" grep -q "step 'rom' failed" "$TMP/err"
check "nothing left behind" [ ! -e "$TMP/s4" ]
run_ov --root "$ACER" setup --mode bogus -o "$TMP/s5"
expect_rc 2 "bad --mode"
run_ov --root "$ACER" setup
expect_rc 2 "missing -o"
done_testing
