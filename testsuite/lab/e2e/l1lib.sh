# shellcheck shell=sh
# Helpers for e2e scenario scripts, sourced in L1 (the laptop) by l1-run.sh.
#
# Known paths in L1:
#   $OPTIVFIO     /usr/local/bin/optivfio (the build's binary)
#   $E2E_ROM      the laptop's VBIOS file (what the firmware's _ROM serves)
#   $L2_KERNEL, $L2_INITRD   L2's kernel (the kit's) and initramfs (busybox,
#                 optivfio, e2e/l2-check.sh run by the lab's guest /init)
#   $L2_APPEND    L2's kernel command line
#   $GPU, $AUD    0000:01:00.0 (display) and 0000:01:00.1 (HDA)
#   $E2E_TIMEOUT_SCALE  L0's LAB_TIMEOUT_SCALE: L1's own waits for L2 scale
#                 with it (a loaded machine)
#   $L2_EXTRA     set by a scenario: more of L2's command line (e2e.battery=,
#                 e2e.rom_dump=1: see l2-check.sh)
# Output: `result KEY VALUE` (L0 parses it), `check DESC CMD...` (one TAP
# line, "@@GT ok - DESC" / "@@GT not ok - DESC"), `note TEXT` ("# " line).
. /e2e/env
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
GPU=0000:01:00.0
AUD=0000:01:00.1
PCI=/sys/bus/pci/devices

result() { echo "@@LAB $1=$2"; }
note() { echo "@@GT # $*"; }
check() {
	_d=$1; shift
	if "$@" >/tmp/check.out 2>&1; then
		echo "@@GT ok - $_d"
	else
		echo "@@GT not ok - $_d"
		sed 's/^/@@GT #   /' /tmp/check.out | head -n 20
	fi
}
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# scaled SECONDS: SECONDS times E2E_TIMEOUT_SCALE (whole seconds).
scaled() { awk -v a="$1" -v s="${E2E_TIMEOUT_SCALE:-1}" 'BEGIN { printf "%d", a * s }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# acpi_call CMD: one round trip through /proc/acpi/call (NUL dropped).
acpi_call() {
	printf '%s' "$1" >/proc/acpi/call
	tr -d '\000' </proc/acpi/call
}

# e2e_laptop_up: what a laptop's boot does: KVM, the HDA driver on the
# dGPU's audio function, acpi_call (vfio-pci stays out: optivfio loads it).
e2e_laptop_up() {
	_t=$(uptime_s)
	for m in kvm_amd snd_hda_intel acpi_call; do
		modprobe "$m" 2>/tmp/modprobe.err || result modprobe_failed "$m: $(cat /tmp/modprobe.err)"
	done
	_i=0
	while [ ! -e $PCI/$AUD/driver ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	result l1_kvm "$([ -c /dev/kvm ] && echo yes || echo no)"
	# What udev's default rule does on the laptop (no udev in L1; L0's
	# /etc may have no kvm group): /dev/kvm mode 0666, group kvm.
	chmod 0666 /dev/kvm
	chgrp kvm /dev/kvm 2>/dev/null
	result l1_aud_driver "$(basename "$(readlink $PCI/$AUD/driver)" 2>/dev/null)"
	result l1_gpu_driver "$(basename "$(readlink $PCI/$GPU/driver)" 2>/dev/null)"
	result l1_gpu_ids "$(cat $PCI/$GPU/vendor):$(cat $PCI/$GPU/device)"
	result l1_gpu_sub "$(cat $PCI/$GPU/subsystem_vendor):$(cat $PCI/$GPU/subsystem_device)"
	result l1_gpu_vendor "$(cat $PCI/$GPU/vendor)"
	result l1_gpu_device "$(cat $PCI/$GPU/device)"
	result l1_gpu_subsystem_vendor "$(cat $PCI/$GPU/subsystem_vendor)"
	result l1_gpu_subsystem_device "$(cat $PCI/$GPU/subsystem_device)"
	result l1_gpu_class "$(cat $PCI/$GPU/class)"
	result l1_gpu_fw_path "$(cat $PCI/$GPU/firmware_node/path 2>/dev/null)"
	result l1_gpu_group "$(basename "$(readlink $PCI/$GPU/iommu_group)")"
	result l1_gpu_group_devices "$(ls $PCI/$GPU/iommu_group/devices | tr '\n' ' ')"
	result l1_boot_vga "$(cat $PCI/0000:00:02.0/boot_vga 2>/dev/null)"
	result l1_drm "$(ls /sys/class/drm 2>/dev/null | tr '\n' ' ')"
	result l1_rom_call "$(acpi_call '\_SB.PCI0.S08.S00._ROM 0 42')"
	result l1_up_s "$(elapsed "$_t" "$(uptime_s)")"
}

# bind_vfio: the GPU to vfio-pci by hand, its audio function to no driver.
bind_vfio() {
	modprobe vfio_pci || return 1
	modprobe vfio_iommu_type1 || return 1
	echo none >$PCI/$AUD/driver_override
	[ -e $PCI/$AUD/driver ] && echo $AUD >$PCI/$AUD/driver/unbind
	echo vfio-pci >$PCI/$GPU/driver_override
	[ -e $PCI/$GPU/driver ] && echo $GPU >$PCI/$GPU/driver/unbind
	echo $GPU >/sys/bus/pci/drivers_probe
	result vfio_gpu_driver "$(basename "$(readlink $PCI/$GPU/driver)" 2>/dev/null)"
	result vfio_dev "$(ls /dev/vfio | tr '\n' ' ')"
}

# l2_direct_boot: the lab's additions to a VM's QEMU argv: direct kernel
# boot of L2 and its serial console into a file. Prints them (TAP comment).
l2_direct_boot() {   # TAG
	L2_ADDS="-kernel $L2_KERNEL -initrd $L2_INITRD -append '$L2_APPEND${L2_EXTRA:+ $L2_EXTRA}' -serial file:/tmp/l2-$1.log -no-reboot"
	note "lab adds: $L2_ADDS"
}

# l2_qemu TAG TIMEOUT QEMU-ARGV...: run L2 with the lab's additions, then
# relay its results (l2_relay). rc of QEMU in result l2.TAG.qemu_rc.
# TIMEOUT is scaled by E2E_TIMEOUT_SCALE.
l2_qemu() {
	_tag=$1 _to=$(scaled "$2"); shift 2
	l2_direct_boot "$_tag"
	rm -f /tmp/l2-$_tag.log
	_t=$(uptime_s)
	timeout -s KILL "$_to" "$@" -kernel "$L2_KERNEL" -initrd "$L2_INITRD" \
		-append "$L2_APPEND${L2_EXTRA:+ $L2_EXTRA}" -serial file:/tmp/l2-$_tag.log -no-reboot \
		</dev/null >/tmp/l2-$_tag.qemu 2>&1
	result "l2.$_tag.qemu_rc" $?
	result "l2.$_tag.wall_s" "$(elapsed "$_t" "$(uptime_s)")"
	sed "s/^/@@L2 $_tag qemu| /" /tmp/l2-$_tag.qemu | head -n 40
	l2_relay "$_tag" /tmp/l2-$_tag.log
}

# l2_relay TAG FILE: L2's "@@LAB k=v" lines (between its markers) become
# "@@LAB l2.TAG.k=v" here; its other lines "@@L2 TAG| line".
l2_relay() {
	tr -d '\r' <"$2" | awk -v tag="$1" '
		/@@LAB-BEGIN@@/ { inside = 1; next }
		/@@LAB-END@@/ { if (inside) print "@@LAB l2." tag ".finished=1"; inside = 0; next }
		inside && index($0, "@@LAB ") {
			s = substr($0, index($0, "@@LAB ") + 6); print "@@LAB l2." tag "." s; next }
		{ print "@@L2 " tag "| " $0 }' | tail -n 200
}

# l2_fit TAG FILE: the QEMU command (or only arguments) optivfio wrote into
# FILE, fitted by fit-argv.py (every change printed), one argument a line in
# /tmp/l2-TAG.argv.
l2_fit() {
	if [ ! -s "$2" ]; then
		note "no QEMU command in $2: L2 $1 not started"
		return 1
	fi
	python3 /e2e/fit-argv.py "$2" /tmp/l2-$1.argv
}

# start_libvirtd: libvirtd (and virtlogd) by hand, as root, no systemd.
# L0's /etc has no qemu.conf (libvirt-daemon without -system): the lab's
# one only turns off the per-domain mount namespace (printed).
start_libvirtd() {
	mkdir -p /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /run/libvirt
	if [ ! -e /etc/libvirt/qemu.conf ]; then
		echo 'namespaces = []' >/etc/libvirt/qemu.conf
		note "lab writes /etc/libvirt/qemu.conf: $(tr '\n' ' ' </etc/libvirt/qemu.conf)"
	fi
	virtlogd -d || return 1
	libvirtd -d || return 1
	_i=0
	while ! virsh -c qemu:///system version >/dev/null 2>&1 && [ $_i -lt 300 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	virsh -c qemu:///system version
}

# stop_libvirtd: the daemons started by start_libvirtd, by pid file.
stop_libvirtd() {
	for p in /run/libvirtd.pid /run/virtlogd.pid; do
		[ -f $p ] && kill "$(cat $p)" 2>/dev/null
	done
	return 0
}

# libvirt_hook_logger: /etc/libvirt/hooks/qemu appends its arguments to
# /run/e2e-hook.log (before libvirtd starts: it looks for hooks then).
libvirt_hook_logger() {
	mkdir -p /etc/libvirt/hooks
	cat >/etc/libvirt/hooks/qemu <<'H'
#!/bin/sh
echo "$*" >>/run/e2e-hook.log
cat >/dev/null
H
	chmod 755 /etc/libvirt/hooks/qemu
}

# l2_domain_fill TAG IN OUT: the lab's fields of a domain (@NAME@ =
# e2e-TAG, @KERNEL@, @INITRD@, @CMDLINE@, @CONSOLE@ = /tmp/l2-TAG.log).
l2_domain_fill() {
	sed -e "s|@NAME@|e2e-$1|" -e "s|@KERNEL@|$L2_KERNEL|" -e "s|@INITRD@|$L2_INITRD|" \
		-e "s|@CMDLINE@|$L2_APPEND|" -e "s|@CONSOLE@|/tmp/l2-$1.log|" "$2" >"$3"
}

# l2_libvirt_ids XML: the lab's NVIDIA ids on the GPU (L1's device is QEMU's
# VGA): x-pci-vendor-id/x-pci-device-id next to the x-pci-sub-device-id
# property of the domain's qemu:override (printed).
l2_libvirt_ids() {
	sed -i "s|^\( *\)\(<qemu:property name='x-pci-sub-device-id'.*\)$|\1\2\n\1<qemu:property name='x-pci-vendor-id' type='unsigned' value='4318'/>\n\1<qemu:property name='x-pci-device-id' type='unsigned' value='7309'/>|" "$1"
	note "lab adds to $1's qemu:override: x-pci-vendor-id 4318 (0x10de), x-pci-device-id 7309 (0x1c8d)"
	grep -q "x-pci-vendor-id" "$1"
}

# l2_libvirt TAG DOMAIN-XML TIMEOUT: fill in the lab's fields of the domain
# (@NAME@ = e2e-TAG, @KERNEL@, @INITRD@, @CMDLINE@, @CONSOLE@), define and
# start it, wait until it is shut off, relay L2's console, undefine.
l2_libvirt() {
	_tag=$1 _xml=$2 _to=$(scaled "$3") _dom=e2e-$1
	_log=/tmp/l2-$_tag.log
	note "lab adds (domain $_xml): <kernel>$L2_KERNEL</kernel> <initrd>$L2_INITRD</initrd> <cmdline>$L2_APPEND</cmdline>, <serial type='file'> $_log"
	l2_domain_fill "$_tag" "$_xml" /tmp/$_dom.xml
	V="virsh -q -c qemu:///system"
	$V define /tmp/$_dom.xml >/tmp/virsh.out 2>&1
	result "l2.$_tag.define_rc" $?
	result "l2.$_tag.define_out" "$(tr '\n' '|' </tmp/virsh.out)"
	_t=$(uptime_s)
	$V start $_dom >/tmp/virsh.out 2>&1
	result "l2.$_tag.start_rc" $?
	result "l2.$_tag.start_out" "$(tr '\n' '|' </tmp/virsh.out)"
	_pid=$(cat /run/libvirt/qemu/$_dom.pid 2>/dev/null)
	[ -n "$_pid" ] && result "l2.$_tag.qemu_cmdline" "$(tr '\0' ' ' </proc/$_pid/cmdline)"
	result "l2.$_tag.gpu_driver_running" "$(basename "$(readlink $PCI/$GPU/driver)" 2>/dev/null)"
	result "l2.$_tag.aud_driver_running" "$(basename "$(readlink $PCI/$AUD/driver)" 2>/dev/null)"
	# until shut off, at most TIMEOUT seconds of L1's clock
	_end=$(awk -v a="$_t" -v b="$_to" 'BEGIN { print int(a + b) }')
	while [ "$($V domstate $_dom 2>/dev/null)" = running ] &&
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$_end" ]; do
		sleep 0.5
	done
	result "l2.$_tag.wall_s" "$(elapsed "$_t" "$(uptime_s)")"
	result "l2.$_tag.domstate" "$($V domstate $_dom 2>&1)"
	$V destroy $_dom >/dev/null 2>&1
	sed "s/^/@@L2 $_tag qemu log| /" /var/log/libvirt/qemu/$_dom.log 2>/dev/null | tail -n 30
	l2_relay "$_tag" "$_log"
	$V undefine $_dom >/dev/null 2>&1
}

# l2_qemu_from TAG TIMEOUT FILE: run L2 with the QEMU command (or only
# arguments) optivfio wrote into FILE, fitted by fit-argv.py (every change
# printed) and with the lab's direct boot (l2_qemu).
l2_qemu_from() {
	l2_fit "$1" "$3" || return 1
	_old=$IFS
	IFS='
'
	# shellcheck disable=SC2046
	set -- "$1" "$2" $(cat /tmp/l2-$1.argv)
	IFS=$_old
	l2_qemu "$@"
}

# ov NAME ARGS...: optivfio ARGS; stdout in /tmp/ov-NAME.out, both streams
# shown as TAP comments, results NAME_rc and NAME_s; returns its exit code.
ov() {
	_n=$1; shift
	_t=$(uptime_s)
	$OPTIVFIO "$@" >/tmp/ov-$_n.out 2>/tmp/ov-$_n.err
	_rc=$?
	result "${_n}_rc" $_rc
	result "${_n}_s" "$(elapsed "$_t" "$(uptime_s)")"
	echo "@@GT # optivfio $* (exit $_rc, $(elapsed "$_t" "$(uptime_s)") s):"
	cat /tmp/ov-$_n.out /tmp/ov-$_n.err | head -n 60 | sed "s/^/@@GT #   $_n| /"
	return $_rc
}

# check_prepared / check_released: sysfs after host prepare / release.
check_prepared() {
	check "sysfs: 01:00.0 on vfio-pci" test "$(basename "$(readlink $PCI/$GPU/driver)")" = vfio-pci
	check "sysfs: 01:00.1 has no driver" test ! -e $PCI/$AUD/driver
	check "sysfs: /dev/vfio/<group of 01:00.0> exists" \
		test -c /dev/vfio/"$(basename "$(readlink $PCI/$GPU/iommu_group)")"
}
check_released() {
	_i=0
	while [ ! -e $PCI/$AUD/driver ] && [ $_i -lt 30 ]; do sleep 0.1; _i=$((_i + 1)); done
	check "sysfs: 01:00.1 back on snd_hda_intel" \
		test "$(basename "$(readlink $PCI/$AUD/driver)")" = snd_hda_intel
	check "sysfs: 01:00.0 has no driver again" test ! -e $PCI/$GPU/driver
}

# host_state FILE: what release must bring back (issue 11 step 5): the
# `optivfio list` output, then the driver link and driver_override of both
# functions as sysfs has them.
host_state() {
	{
		$OPTIVFIO list 2>&1
		echo "optivfio list exit $?"
		for _d in $GPU $AUD; do
			echo "$_d driver=$(basename "$(readlink $PCI/$_d/driver)" 2>/dev/null)" \
				"driver_override=$(cat $PCI/$_d/driver_override)"
		done
	} >"$1"
}

# check_host_same BEFORE AFTER WHEN: L1 as it was (diff shown on failure).
# One field is the kernel's bookkeeping, not optivfio's: the power state of
# a function no driver holds reads "unknown" (PCI_UNKNOWN) or "D0" depending
# on what last touched it (01:00.0 is "unknown" until vfio-pci's first
# probe sets D0; the boot VGA 00:02.0, which optivfio never changes, was seen
# going from D0 to unknown). Both mean powered on; the raw diff is printed
# and "power: unknown" and "power: D0" compare equal.
check_host_same() {
	host_state "$2"
	if ! diff -u "$1" "$2" >/tmp/state.diff; then
		note "$3: raw diff of optivfio list etc. ($1 -> $2):"
		sed 's/^/@@GT #   /' /tmp/state.diff
	fi
	sed 's/, power: unknown,/, power: D0,/' "$1" >"$1.d0"
	sed 's/, power: unknown,/, power: D0,/' "$2" >"$2.d0"
	check "$3: optivfio list, driver links and driver_override identical to before prepare (power unknown = D0)" \
		diff -u "$1.d0" "$2.d0"
}

# check_no_journal WHEN: no journal of a run left in /run/optivfio.
check_no_journal() {
	check "$1: no journal left in /run/optivfio" \
		sh -c '! ls /run/optivfio/journal-* 2>/dev/null'
}
