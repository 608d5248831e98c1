# smoke: the GPU to vfio-pci by hand, then L2 with the facts-file command
# (docs: facts-nested-lab §3). L0 checks what L2 reports.
bind_vfio
check "01:00.0 bound to vfio-pci by hand" test "$(basename "$(readlink $PCI/$GPU/driver)")" = vfio-pci
check "01:00.1 has no driver" test ! -e $PCI/$AUD/driver
l2_qemu smoke 120 qemu-system-x86_64 -accel kvm -cpu host -M q35 -m 256 -nodefaults -nographic \
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x1,chassis=1,hotplug=off \
	-device vfio-pci,host=$GPU,bus=rp1,addr=0x0,x-pci-sub-vendor-id=0x1025,x-pci-sub-device-id=0x118b,x-pci-vendor-id=0x10de,x-pci-device-id=0x1c8d
