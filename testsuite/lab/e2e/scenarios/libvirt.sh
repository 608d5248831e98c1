# libvirt: libvirtd started by hand in L1, a qemu hook in
# /etc/libvirt/hooks/qemu, `virsh define` + `virsh start` of a domain that
# direct-boots L2 with the GPU as a VFIO hostdev (managed='no': bound by
# hand first), L2's serial console into a file, relayed.
bind_vfio
check "01:00.0 bound to vfio-pci by hand" test "$(basename "$(readlink $PCI/$GPU/driver)")" = vfio-pci
libvirt_hook_logger
t=$(uptime_s)
check "libvirtd and virtlogd start in L1" start_libvirtd
result libvirtd_start_s "$(elapsed "$t" "$(uptime_s)")"
l2_libvirt libvirt /e2e/files/domain.xml 150
check "the libvirt hook ran for e2e-libvirt: prepare begin" grep -qx "e2e-libvirt prepare begin -" /run/e2e-hook.log
check "the libvirt hook ran for e2e-libvirt: release end" grep -qx "e2e-libvirt release end -" /run/e2e-hook.log
stop_libvirtd
