#!/bin/sh
# optivfio list must see what lspci sees, on every fixture host and on this
# machine: same BDFs, class, prog-if, ids, subsystem ids, revision, driver,
# IOMMU group (lspci -vmmnkD through its own sysfs backend).
. "$SRCDIR/testsuite/cli/lib.sh"

crosscheck() { # name, root ("" for the real host)
	if [ -n "$2" ]; then
		run_ov --root "$2" --json list
		lspci -vmmnkD -A linux-sysfs -O "sysfs.path=$2/sys/bus/pci" >"$TMP/lspci" 2>/dev/null
	else
		run_ov --json list
		lspci -vmmnkD >"$TMP/lspci" 2>/dev/null
	fi
	expect_rc 0 "$1: list --json"
	if [ ! -s "$TMP/lspci" ]; then
		not_ok "$1: lspci read nothing"
		return
	fi
	if python3 "$SRCDIR/testsuite/host/lspci-compare.py" "$TMP/out" "$TMP/lspci" >"$TMP/diff"; then
		ok "$1: optivfio list agrees with lspci ($(grep -c '^Slot' "$TMP/lspci") devices)"
	else
		not_ok "$1: optivfio list disagrees with lspci"
		diag "$(cat "$TMP/diff")"
	fi
}

for h in "$HOSTS"/*/; do
	h=${h%/}
	[ -d "$h/sys/bus/pci/devices" ] || continue
	crosscheck "$(basename "$h")" "$h"
done

# This machine, read-only (reading sysfs attributes and config space).
if [ -n "$(ls /sys/bus/pci/devices 2>/dev/null)" ]; then
	crosscheck "this machine" ""
else
	skip "this machine has no PCI devices"
fi

done_testing
