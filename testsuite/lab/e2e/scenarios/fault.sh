# fault (issue 11 step 6): things going wrong leave the laptop as it was.
# 1. L2's QEMU (from `vm qemu`, fitted) is killed with SIGKILL while L2 boots;
#    then `host release` brings L1 back.
# 2. `host prepare` fails at its last step (the bind of 01:00.0 through
#    /sys/bus/pci/drivers_probe: strace makes that write fail with EINVAL,
#    which is what the kernel returns when the bind fails) and rolls back.
# 3. `host prepare` cannot load vfio-pci (a modprobe.d `install vfio_pci
#    /bin/false`, vfio-pci unloaded first) after it has unbound the audio
#    function, and rolls back.
# Each time: `optivfio list`, driver links and driver_override identical to
# before, no journal left.
host_state /tmp/state-before
ov ssdt ssdt --mode fwcfg --rom "$E2E_ROM" -o /tmp/ssdt
check "optivfio ssdt --mode fwcfg exits 0" test $? -eq 0
ov prepare host prepare --gpu $GPU
check "optivfio host prepare exits 0" test $? -eq 0
check_prepared
ov vmqemu vm qemu --gpu $GPU --ssdt-dir /tmp/ssdt
check "optivfio vm qemu exits 0" test $? -eq 0
l2_fit kill /tmp/ov-vmqemu.out
l2_direct_boot kill
_old=$IFS
IFS='
'
# shellcheck disable=SC2046
set -- $(cat /tmp/l2-kill.argv)
IFS=$_old
t=$(uptime_s)
"$@" -kernel "$L2_KERNEL" -initrd "$L2_INITRD" -append "$L2_APPEND" \
	-serial file:/tmp/l2-kill.log -no-reboot </dev/null >/tmp/l2-kill.qemu 2>&1 &
qpid=$!
# Mid-boot: as soon as L2's /init has begun (its kernel is up, guest check
# has not run), at most 120 s (scaled).
end=$(( $(cut -d. -f1 /proc/uptime) + $(scaled 120) ))
while ! grep -q '@@LAB-BEGIN@@' /tmp/l2-kill.log 2>/dev/null && kill -0 $qpid 2>/dev/null &&
	[ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	sleep 0.2
done
result kill_at_s "$(elapsed "$t" "$(uptime_s)")"
check "L2 booting (its /init began) and its QEMU alive when killed" \
	sh -c "grep -q '@@LAB-BEGIN@@' /tmp/l2-kill.log && ! grep -q '@@LAB-END@@' /tmp/l2-kill.log && kill -0 $qpid"
group=$(basename "$(readlink $PCI/$GPU/iommu_group)")
check "the QEMU being killed holds /dev/vfio/$group open" \
	sh -c "ls -l /proc/$qpid/fd | grep -q '/dev/vfio/$group\$'"
kill -KILL $qpid
wait $qpid
result kill_qemu_rc $?
note "L2 killed (SIGKILL) $(elapsed "$t" "$(uptime_s)") s after its QEMU started"
sed 's/^/@@GT #   L2 kill qemu| /' /tmp/l2-kill.qemu | head -n 20
check "no QEMU left in L1 after the kill" sh -c "! kill -0 $qpid 2>/dev/null && ! ps -eo comm | grep '^qemu-system'"
check "01:00.0 still on vfio-pci after its QEMU was killed" \
	test "$(basename "$(readlink $PCI/$GPU/driver)")" = vfio-pci
ov release host release --gpu $GPU
check "optivfio host release after the killed QEMU exits 0" test $? -eq 0
check_released
check_host_same /tmp/state-before /tmp/state-kill "after the killed QEMU and host release"
check_no_journal "after the killed QEMU and host release"

# 2. The bind (the plan's last step) fails.
ov plan host prepare --gpu $GPU --dry-run
t=$(uptime_s)
strace -f -qq -y -o /tmp/strace-bind.log -P /sys/bus/pci/drivers_probe -e trace=write \
	-e inject=write:error=EINVAL $OPTIVFIO host prepare --gpu $GPU \
	>/tmp/ov-failbind.out 2>/tmp/ov-failbind.err
rc=$?
result failbind_rc $rc
result failbind_s "$(elapsed "$t" "$(uptime_s)")"
note "strace -P /sys/bus/pci/drivers_probe -e inject=write:error=EINVAL optivfio host prepare --gpu $GPU (exit $rc):"
cat /tmp/ov-failbind.out /tmp/ov-failbind.err | sed 's/^/@@GT #   failbind| /'
sed 's/^/@@GT #   strace| /' /tmp/strace-bind.log | head -n 10
check "strace failed the write to drivers_probe (the bind)" grep -q 'drivers_probe.*INJECTED' /tmp/strace-bind.log
check "host prepare with a failing bind exits non-zero" test $rc -ne 0
check "host prepare says the bind step failed and it rolled back" \
	sh -c 'cat /tmp/ov-failbind.out /tmp/ov-failbind.err >/tmp/failbind.all;
		grep -q "drivers.probe" /tmp/failbind.all && grep -qi "rolled back" /tmp/failbind.all'
check_released
check_host_same /tmp/state-before /tmp/state-failbind "after the failed bind"
check_no_journal "after the failed bind"

# 3. vfio-pci cannot be loaded.
modprobe -r vfio_pci
check "vfio_pci unloaded for the next fault" test ! -e /sys/module/vfio_pci
echo 'install vfio_pci /bin/false' >/etc/modprobe.d/e2e-fault.conf
note "lab writes /etc/modprobe.d/e2e-fault.conf: install vfio_pci /bin/false"
ov failload host prepare --gpu $GPU
check "host prepare that cannot load vfio-pci exits non-zero" test $? -ne 0
check "host prepare says loading vfio_pci failed and it rolled back" \
	sh -c 'cat /tmp/ov-failload.out /tmp/ov-failload.err >/tmp/failload.all;
		grep -q "load-module vfio_pci" /tmp/failload.all && grep -qi "rolled back" /tmp/failload.all'
rm -f /etc/modprobe.d/e2e-fault.conf
check_released
check_host_same /tmp/state-before /tmp/state-failload "after vfio-pci failed to load"
check_no_journal "after vfio-pci failed to load"
