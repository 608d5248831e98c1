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
optivfio --json guest check >/tmp/gc.json 2>/tmp/gc.err
result gc_rc $?
result gc_s "$(elapsed "$t0" "$(uptime_s)")"
result gc_json "$(tr -d '\n' </tmp/gc.json)"
result gc_err "$(head -c 500 /tmp/gc.err | tr '\n' '|')"
