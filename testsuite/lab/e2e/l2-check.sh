# L2 (the VM), run by the lab's guest /init (testsuite/lab/guest/init):
# what a driver in the VM sees of the passed GPU, and optivfio guest check.
# What the L1 scenario asks for comes on L2's kernel command line:
#   e2e.rom_ids=V:D    the ids of the ROM the laptop's firmware serves (L0
#                      reads them from the ROM's PCIR) for guest check
#   e2e.battery=KIND   the VM was given a fake battery (guest check --battery)
#   e2e.rom_dump=1     also `optivfio rom dump --from acpi` (its sha256)
. /lab/lib.sh
D=/sys/bus/pci/devices/0000:01:00.0
arg() { sed -n "s/.*e2e\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
for f in vendor device subsystem_vendor subsystem_device class; do
	result "$f" "$(cat $D/$f 2>/dev/null)"
done
result fw_path "$(cat $D/firmware_node/path 2>/dev/null)"
result parent "$(basename "$(readlink -f $D/..)")"
result driver "$(basename "$(readlink $D/driver)" 2>/dev/null)"
result devices "$(ls /sys/bus/pci/devices | tr '\n' ' ')"
result power_supply "$(ls /sys/class/power_supply 2>/dev/null | tr '\n' ' ')"
t0=$(uptime_s)
ids=$(arg rom_ids)
bat=$(arg battery)
optivfio --json guest check ${ids:+--rom-ids "$ids"} ${bat:+--battery "$bat"} \
	>/tmp/gc.json 2>/tmp/gc.err
result gc_rc $?
result gc_s "$(elapsed "$t0" "$(uptime_s)")"
result gc_json "$(tr -d '\n' </tmp/gc.json)"
result gc_err "$(head -c 500 /tmp/gc.err | tr '\n' '|')"
if [ "$(arg rom_dump)" = 1 ]; then
	# --force: the lab's device id (x-pci-device-id=0x1c8d) is not the
	# ROM's own (10de:1c8c); the bytes are what is compared.
	t0=$(uptime_s)
	optivfio rom dump --gpu 0000:01:00.0 --from acpi --force -o /tmp/rom.bin \
		>/tmp/rd.out 2>&1
	result rom_dump_rc $?
	result rom_dump_s "$(elapsed "$t0" "$(uptime_s)")"
	result rom_dump_out "$(head -c 500 /tmp/rd.out | tr '\n' '|')"
	result rom_dump_sha256 "$(sha256sum /tmp/rom.bin 2>/dev/null | cut -d' ' -f1)"
	result rom_dump_len "$(wc -c </tmp/rom.bin 2>/dev/null)"
fi
