# proxmox: the user's path on a Proxmox VE host, as far as it runs without
# Proxmox: the laptop's ROM dumped from its firmware (`rom dump --from
# acpi`, issue 11 step 1) -> `optivfio ssdt --layout proxmox --mode embed
# --battery present` from that dump -> `host prepare` -> `vm proxmox` lines
# -> the argv qemu-server would build from them (testsuite/vm/proxmox_argv.py,
# derived from github.com/proxmox/qemu-server's config_to_command, its
# src/PVE/QemuServer/PCI.pm and src/usr/pve-q35-4.0.cfg; see that file) ->
# fitted by fit-argv.py -> L2 with the GPU behind Proxmox's root port 00:1c.0
# (\_SB.PCI0.SE0.S00): guest check with the battery, `rom dump --from acpi`
# in L2 -> `host release`: L1 as it was before prepare.
host_state /tmp/state-before
ov romdump rom dump --gpu $GPU --from acpi --force -o /tmp/l1-rom.bin
check "optivfio rom dump --from acpi in L1 exits 0 (--force: L1's device is QEMU's VGA, not the ROM's 10de:1c8c)" \
	test $? -eq 0
result l1_rom_dump_sha256 "$(sha256sum /tmp/l1-rom.bin | cut -d' ' -f1)"
result l1_rom_dump_len "$(wc -c </tmp/l1-rom.bin)"
ov ssdt ssdt --layout proxmox --mode embed --battery present --rom /tmp/l1-rom.bin -o /tmp/ssdt
check "optivfio ssdt --layout proxmox --mode embed exits 0" test $? -eq 0
check "the tables' manifest says embed mode on \\_SB.PCI0.SE0.S00" \
	grep -q '"mode":"embed"' /tmp/ssdt/optivfio-ssdt.json
ov prepare host prepare --gpu $GPU
check "optivfio host prepare exits 0" test $? -eq 0
check_prepared
ov vmproxmox vm proxmox --vmid 100 --gpu $GPU --ssdt-dir /tmp/ssdt
check "optivfio vm proxmox exits 0" test $? -eq 0
cp /tmp/ov-vmproxmox.out /tmp/100.conf
# The Proxmox side: qemu-server's argv for that config (OVMF paths as on a
# Proxmox host; fit-argv.py drops both pflash drives, printed).
python3 /e2e/proxmox_argv.py /tmp/100.conf /usr/share/pve-edk2-firmware/OVMF_CODE.fd \
	/tmp/efidisk0.raw >/tmp/pve-argv.json 2>/tmp/pve-argv.err
check "proxmox_argv.py builds qemu-server's argv from the vm proxmox lines" test $? -eq 0 -a -s /tmp/pve-argv.json
python3 -c 'import json, shlex, sys; print(shlex.join(json.load(open(sys.argv[1]))))' \
	/tmp/pve-argv.json >/tmp/pve.cmd
sed 's/^/@@GT #   qemu-server argv| /' /tmp/pve.cmd
L2_EXTRA="e2e.battery=present e2e.rom_dump=1"
l2_qemu_from proxmox 300 /tmp/pve.cmd
L2_EXTRA=
ov release host release --gpu $GPU
check "optivfio host release exits 0" test $? -eq 0
check_released
check_host_same /tmp/state-before /tmp/state-after "after host release"
check_no_journal "after host release"
