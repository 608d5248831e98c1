#!/bin/sh
# snapshot: what it copies replays to the same list/groups, for fixtures and
# for this machine; it never writes into an existing directory.
. "$SRCDIR/testsuite/cli/lib.sh"

same_view() { # name, original root ("" = this machine), snapshot dir
	if [ -n "$2" ]; then set -- "$1" "--root $2" "$3"; fi
	# shellcheck disable=SC2086
	"$OPTIVFIO" $2 --json list >"$TMP/a" 2>&1
	"$OPTIVFIO" --root "$3" --json list >"$TMP/b" 2>&1
	if cmp -s "$TMP/a" "$TMP/b"; then ok "$1: list of the snapshot is identical"; else
		not_ok "$1: list of the snapshot differs"; diag "$(diff "$TMP/a" "$TMP/b" | head -20)"; fi
	# shellcheck disable=SC2086
	"$OPTIVFIO" $2 --json groups >"$TMP/a" 2>&1
	"$OPTIVFIO" --root "$3" --json groups >"$TMP/b" 2>&1
	if cmp -s "$TMP/a" "$TMP/b"; then ok "$1: groups of the snapshot are identical"; else
		not_ok "$1: groups of the snapshot differ"; diag "$(diff "$TMP/a" "$TMP/b" | head -20)"; fi
}

for h in acer-nitro5-an515-51 desktop-shared-group; do
	run_ov --root "$HOSTS/$h" snapshot -o "$TMP/snap-$h"
	expect_rc 0 "$h: snapshot"
	same_view "$h" "$HOSTS/$h" "$TMP/snap-$h"
	check "$h: /proc/cmdline copied" cmp -s "$HOSTS/$h/proc/cmdline" "$TMP/snap-$h/proc/cmdline"
	check "$h: /proc/modules copied" cmp -s "$HOSTS/$h/proc/modules" "$TMP/snap-$h/proc/modules"
	check "$h: ACPI table names copied" sh -c "[ \"\$(ls '$HOSTS/$h/sys/firmware/acpi/tables')\" = \"\$(ls '$TMP/snap-$h/sys/firmware/acpi/tables')\" ]"
	check "$h: lspci reads the snapshot" sh -c "lspci -n -A linux-sysfs -O sysfs.path='$TMP/snap-$h/sys/bus/pci' 2>/dev/null | grep -q 10de:"
	bad=$(find "$TMP/snap-$h" -type l | while read -r l; do
		case "$(readlink -f "$l")" in "$TMP/snap-$h"/*) ;; *) echo "$l";; esac; done)
	check "$h: every link stays inside the snapshot" [ -z "$bad" ]
done
check "acer: battery presence copied" grep -q Battery "$TMP/snap-acer-nitro5-an515-51/sys/class/power_supply/BAT1/type"

# This machine (read-only) into the build tree.
run_ov snapshot -o "$TMP/snap-here"
expect_rc 0 "this machine: snapshot"
same_view "this machine" "" "$TMP/snap-here"
lspci -n 2>/dev/null | sort >"$TMP/l1"
lspci -n -A linux-sysfs -O "sysfs.path=$TMP/snap-here/sys/bus/pci" 2>/dev/null | sort >"$TMP/l2"
check "this machine: lspci -n of the snapshot equals lspci -n" cmp -s "$TMP/l1" "$TMP/l2"

# Refusals: an existing directory is never written into; nothing is left behind.
mkdir "$TMP/exists"; echo keep >"$TMP/exists/file"
run_ov --root "$HOSTS/acer-nitro5-an515-51" snapshot -o "$TMP/exists"
expect_rc 1 "snapshot into an existing directory"
expect_one_line_error "snapshot into an existing directory"
check "existing directory untouched" sh -c "[ \"\$(ls '$TMP/exists')\" = file ]"
run_ov --root "$HOSTS/acer-nitro5-an515-51" snapshot -o "$TMP/no/such/parent/x"
expect_rc 1 "snapshot under a missing parent"
expect_one_line_error "snapshot under a missing parent"
mkdir "$TMP/empty-root"
run_ov --root "$TMP/empty-root" snapshot -o "$TMP/snap-empty"
expect_rc 1 "snapshot of a tree without PCI devices"
check "nothing left behind after failures" sh -c "! ls -d '$TMP'/*.tmp-* 2>/dev/null"
run_ov snapshot
expect_rc 2 "snapshot without -o"

done_testing
