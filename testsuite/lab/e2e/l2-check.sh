# L2 (the VM), run by the lab's guest /init (testsuite/lab/guest/init):
# what a driver in the VM sees of the passed GPU, and optivfio guest check.
. /lab/lib.sh
D=/sys/bus/pci/devices/0000:01:00.0
for f in vendor device subsystem_vendor subsystem_device class; do
	result "$f" "$(cat $D/$f 2>/dev/null)"
done
result fw_path "$(cat $D/firmware_node/path 2>/dev/null)"
result driver "$(basename "$(readlink $D/driver)" 2>/dev/null)"
result devices "$(ls /sys/bus/pci/devices | tr '\n' ' ')"
t0=$(uptime_s)
# e2e.rom_ids=V:D on the command line (the lab's): the ids of the ROM the
# laptop's firmware serves (L0 reads them from the ROM's PCIR).
ids=$(sed -n 's/.*e2e\.rom_ids=\([0-9a-f:]*\).*/\1/p' /proc/cmdline)
optivfio --json guest check ${ids:+--rom-ids "$ids"} >/tmp/gc.json 2>/tmp/gc.err
result gc_rc $?
result gc_s "$(elapsed "$t0" "$(uptime_s)")"
result gc_json "$(tr -d '\n' </tmp/gc.json)"
result gc_err "$(head -c 500 /tmp/gc.err | tr '\n' '|')"
