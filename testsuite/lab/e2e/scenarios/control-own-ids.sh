# control-own-ids: the smoke command without any x-pci-* property: what L2
# sees must then be L1's own 01:00.0 (QEMU's VGA, its ids and subsystem).
bind_vfio
check "01:00.0 bound to vfio-pci by hand" test "$(basename "$(readlink $PCI/$GPU/driver)")" = vfio-pci
l2_qemu control 120 qemu-system-x86_64 -accel kvm -cpu host -M q35 -m 256 -nodefaults -nographic \
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x1,chassis=1,hotplug=off \
	-device vfio-pci,host=$GPU,bus=rp1,addr=0x0
