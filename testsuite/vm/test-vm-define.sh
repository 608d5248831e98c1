#!/bin/sh
# The bundled example (a Windows 11 domain as virt-manager writes it) after
# `optivfio setup` is accepted by this machine's libvirt: `virsh define`
# through the embedded QEMU driver, in a libvirt tree of the test's own.
# One swap, named: type='kvm' becomes type='qemu', as libvirt would probe
# KVM's capabilities and /dev/kvm hangs QEMU on these machines.
. "$SRCDIR/testsuite/cli/lib.sh"

if ! command -v virsh >/dev/null 2>&1 || ! [ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ]; then
	skip "virsh or libvirt's QEMU driver not installed"
	done_testing
	exit
fi
run_ov --root "$HOSTS/acer-nitro5-an515-51" setup \
	--domain-xml "$SRCDIR/testsuite/vm/domains/win11-virt-manager.xml" -o "$TMP/out-dir"
expect_rc 0 "setup on the example host with the example domain"
sed "s/<domain type='kvm'/<domain type='qemu'/" "$TMP/out-dir/domain.xml" >"$TMP/domain.xml"
check "the swap took (type='qemu')" grep -q "<domain type='qemu'" "$TMP/domain.xml"
diag "swapped: <domain type='kvm'> -> <domain type='qemu'> (KVM capabilities hang here)"
# Short root: libvirt puts sockets under it (sun_path is 108 bytes).
L=$(mktemp -d /tmp/ovdef-XXXXXX)
mkdir -p "$L/etc"
printf 'user = "root"\ngroup = "root"\nsecurity_driver = "none"\n' >"$L/etc/qemu.conf"
if timeout 120 virsh -q -c "qemu:///embed?root=$L" define "$TMP/domain.xml" >"$TMP/def" 2>&1; then
	ok "virsh define accepts setup's domain"
else
	not_ok "virsh define refused setup's domain"; diag "$(grep -v ': info :\|: warning :' "$TMP/def")"
fi
timeout 120 virsh -q -c "qemu:///embed?root=$L" dumpxml win11 >"$TMP/dump.xml" 2>"$TMP/dump.err"
check "libvirt kept the GPU hostdev (managed='no') at guest 01:00.0" sh -c \
	"xmllint --xpath \"//hostdev[@managed='no']/address[@bus='0x01' and @slot='0x00']\" '$TMP/dump.xml' >/dev/null 2>&1"
check "libvirt kept <kvm><hidden state='on'/>" sh -c \
	"xmllint --xpath \"/domain/features/kvm/hidden[@state='on']\" '$TMP/dump.xml' >/dev/null 2>&1"
check "libvirt kept the Hyper-V vendor id" sh -c \
	"xmllint --xpath \"/domain/features/hyperv/vendor_id[@state='on']\" '$TMP/dump.xml' >/dev/null 2>&1"
rm -rf "$L"
done_testing
