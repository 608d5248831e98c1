# libvirt-optivfio: the user's path with libvirt: `optivfio ssdt` ->
# `optivfio vm libvirt` patches the user's domain -> `optivfio hook install`
# -> libvirtd -> virsh define + start: the hook runs `host prepare` (GPU to
# vfio-pci) before QEMU starts and `host release` after the domain ends:
# L1 as before (issue 11 step 5).
T=libvirt-optivfio
host_state /tmp/state-before
ov ssdt ssdt --rom "$E2E_ROM" -o /tmp/ssdt
check "optivfio ssdt exits 0" test $? -eq 0
l2_domain_fill $T /e2e/files/base.xml /tmp/base.xml
ov vmlibvirt vm libvirt --domain-xml /tmp/base.xml --ssdt-dir /tmp/ssdt -o /tmp/patched.xml
check "optivfio vm libvirt exits 0" test $? -eq 0
sed 's/^/@@GT #   patched.xml| /' /tmp/patched.xml
check "the lab's ids go into optivfio's qemu:override" l2_libvirt_ids /tmp/patched.xml
libvirt_hook_logger
ov hook hook install --domain e2e-$T
check "optivfio hook install exits 0" test $? -eq 0
check "optivfio's hook is /etc/libvirt/hooks/qemu.d/optivfio (libvirt >= 6.5)" \
	test -x /etc/libvirt/hooks/qemu.d/optivfio
check "01:00.1 on snd_hda_intel before the domain starts" \
	test "$(basename "$(readlink $PCI/$AUD/driver)")" = snd_hda_intel
t=$(uptime_s)
check "libvirtd and virtlogd start in L1" start_libvirtd
result libvirtd_start_s "$(elapsed "$t" "$(uptime_s)")"
l2_libvirt $T /tmp/patched.xml 150
check "the libvirt hooks ran: prepare begin" grep -qx "e2e-$T prepare begin -" /run/e2e-hook.log
check "the libvirt hooks ran: release end" grep -qx "e2e-$T release end -" /run/e2e-hook.log
check_released
stop_libvirtd
check_host_same /tmp/state-before /tmp/state-after "after the hook's release"
check_no_journal "after the hook's release"
