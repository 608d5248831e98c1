#!/bin/sh
# list: driver and driver_override told apart, lspci's -s/-d selectors and
# -t tree, short addresses; groups -1 (issue 15 point 2). What is expected
# comes from the fixture trees themselves (their sysfs files) and from lspci
# reading the same trees, never from optivfio's own output.
. "$SRCDIR/testsuite/cli/lib.sh"

# lspci on a fixture: libpci's sysfs backend pointed at the tree.
lspci_on() { h=$1; shift; lspci -A linux-sysfs -O "sysfs.path=$h/sys/bus/pci" "$@"; }
have_lspci=false
command -v lspci >/dev/null && have_lspci=true

# The BDF header lines of a text `list`, one address a line.
listed() { sed -n 's/^\([0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-7]\) .*/\1/p' "$TMP/out"; }

for H in "$HOSTS"/*/; do
	H=${H%/}
	name=$(basename "$H")
	ls "$H/sys/bus/pci/devices" | sort >"$TMP/all"

	run_ov --root "$H" list
	expect_rc 0 "$name: list"
	listed | sort >"$TMP/got"
	check "$name: list shows every device of the tree" cmp -s "$TMP/all" "$TMP/got"

	# Driver: the driver symlink's target; override: the sysfs file,
	# "(null)" when unset (sysfs-bus-pci).
	bad=0
	for dev in $(cat "$TMP/all"); do
		d="$H/sys/bus/pci/devices/$dev"
		drv=none
		[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		ovr=unset
		if [ -r "$d/driver_override" ]; then
			v=$(cat "$d/driver_override")
			[ "$v" != "(null)" ] && [ -n "$v" ] && ovr=$v
		fi
		[ "$ovr" = none ] && ovr="none (no driver binds)"
		line=$(sed -n "/^$dev /,/^\$/p" "$TMP/out" | grep 'Driver:')
		case "$line" in
		*"Driver: $drv, override: $ovr,"*) ;;
		*) bad=$((bad + 1)); diag "$dev: '$line', wanted driver $drv, override $ovr" ;;
		esac
	done
	check "$name: each device's driver and override as its sysfs files say" test "$bad" -eq 0

	if $have_lspci; then
		for t in -t -tv; do
			lspci_on "$H" $t >"$TMP/want"
			run_ov --root "$H" list $t
			if cmp -s "$TMP/want" "$TMP/out"; then ok "$name: list $t draws lspci $t's tree"
			else not_ok "$name: list $t differs from lspci $t"
				diag "$(diff "$TMP/want" "$TMP/out")"; fi
		done
	else
		skip "$name: lspci not installed (tree)"
	fi
done

ACER="$HOSTS/acer-nitro5-an515-51"
ALL=$(ls "$ACER/sys/bus/pci/devices")

# A copy where the HDMI function has driver_override=none and no driver:
# an untouched function and a fenced-off one must read differently.
cp -a "$ACER" "$TMP/host"
echo none >"$TMP/host/sys/bus/pci/devices/0000:01:00.1/driver_override"
rm -f "$TMP/host/sys/bus/pci/devices/0000:01:00.1/driver"
run_ov --root "$TMP/host" list -s 01:00.1
check "override set to none: 'override: none'" grep -q 'Driver: none, override: none (no driver binds),' "$TMP/out"
run_ov --root "$TMP/host" list -s 01:00.0
check "untouched and unbound: 'Driver: none, override: unset'" grep -q 'Driver: none, override: unset,' "$TMP/out"
run_ov --root "$TMP/host" --json list -s 01:00.1
expect_json "$TMP/out" 'd["devices"][0]["driver_override"]' none "--json: driver_override \"none\""
run_ov --root "$TMP/host" --json list -s 01:00.0
expect_json "$TMP/out" 'd["devices"][0]["driver_override"]' null "--json: unset driver_override is null"

# -s: the addresses the selector names, by pattern over the tree's names
# (lspci(8): hex fields, empty or * for any).
sel() {
	want=$(printf '%s\n' $ALL | grep -E "$2" | sort)
	run_ov --root "$ACER" list -s "$1"
	got=$(listed | sort)
	if [ "$RC" -eq 0 ] && [ "$got" = "$want" ] && [ -n "$want" ]; then ok "list -s '$1'"
	else not_ok "list -s '$1': got '$got', wanted '$want' (exit $RC)"; fi
	if $have_lspci; then
		want=$(lspci_on "$ACER" -D -s "$1" | cut -d' ' -f1 | sort)
		if [ "$got" = "$want" ]; then ok "list -s '$1' selects what lspci -s selects"
		else not_ok "list -s '$1': lspci selects '$want'"; fi
	fi
}
sel 1: '^0000:01:'
sel 01: '^0000:01:'
sel 1:0.0 '^0000:01:00\.0$'
sel 0:1c.3 '^0000:00:1c\.3$'
sel 0000:01:00.1 '^0000:01:00\.1$'
sel .1 '\.1$'
sel 1c '^0000:..:1c\.'
sel '*:*.1' '\.1$'
sel 0000:: '.'
sel 1f. ':1f\.'

# -d: by the vendor, device and class files.
ids() {
	want=$(for dev in $ALL; do
		d="$ACER/sys/bus/pci/devices/$dev"
		v=$(sed 's/^0x//' "$d/vendor"); i=$(sed 's/^0x//' "$d/device")
		c=$(sed 's/^0x\(....\).*/\1/' "$d/class")
		case "$v:$i:$c" in $2) echo "$dev" ;; esac
	done | sort)
	run_ov --root "$ACER" list -d "$1"
	got=$(listed | sort)
	if [ "$RC" -eq 0 ] && [ "$got" = "$want" ] && [ -n "$want" ]; then ok "list -d '$1'"
	else not_ok "list -d '$1': got '$got', wanted '$want' (exit $RC)"; fi
	if $have_lspci; then
		want=$(lspci_on "$ACER" -D -d "$1" | cut -d' ' -f1 | sort)
		if [ "$got" = "$want" ]; then ok "list -d '$1' selects what lspci -d selects"
		else not_ok "list -d '$1': lspci selects '$want'"; fi
	fi
}
ids 10de: '10de:*'
ids :1c8d '*:1c8d:*'
ids 8086:a110 '8086:a110:*'
ids ::0604 '*:*:0604'
ids 10de::0403 '10de:*:0403'

run_ov --root "$ACER" --json list -d 10de: -s .0
expect_json "$TMP/out" '[x["bdf"] for x in d["devices"]]' '["0000:01:00.0"]' "--json with -d and -s: both apply"
run_ov --root "$ACER" list -s 5:
check "a selector nothing matches: exit 0, nothing printed" sh -c "[ $RC -eq 0 ] && [ ! -s '$TMP/out' ]"

for bad in g: 1:0.8 1:20.0 100: 1:2:3:4 '1:0.0.0'; do
	run_ov --root "$ACER" list -s "$bad"
	expect_rc 2 "list -s '$bad' refused"
done
for bad in 10de 1:2:3:4:5 10000: :xyz; do
	run_ov --root "$ACER" list -d "$bad"
	expect_rc 2 "list -d '$bad' refused"
done

# The tree with a selector keeps only the branches down to the matches.
run_ov --root "$ACER" list -t -s 1:0.1
check "list -t -s 1:0.1: the path to it only" test "$(cat "$TMP/out")" = '-[0000:00]---01.0-[01]----00.1'
run_ov --root "$ACER" --json list -t
expect_rc 2 "list -t --json refused"

# Short addresses wherever a BDF is taken.
for a in 1:0.0 01:0.0 0:1:0.0 0000:01:00.0; do
	run_ov --root "$ACER" --json groups --gpu "$a"
	expect_json "$TMP/out" 'd["dgpu"]["bdf"]' 0000:01:00.0 "groups --gpu $a"
done
for a in 1:0 1:0. 0x1:0.0 ' 1:0.0' 1:0.0x; do
	run_ov --root "$ACER" groups --gpu "$a"
	expect_rc 2 "groups --gpu '$a' refused"
done

# groups -1: one line per device, the group from the iommu_group link.
run_ov --root "$ACER" groups -1
expect_rc 0 "groups -1"
bad=0
for dev in $ALL; do
	g=$(basename "$(readlink "$ACER/sys/bus/pci/devices/$dev/iommu_group")")
	v=$(sed 's/^0x//' "$ACER/sys/bus/pci/devices/$dev/vendor")
	i=$(sed 's/^0x//' "$ACER/sys/bus/pci/devices/$dev/device")
	c=$(sed 's/^0x\(....\).*/\1/' "$ACER/sys/bus/pci/devices/$dev/class")
	n=$(grep -c "^IOMMU group $g  ${dev#0000:} .*\[$c\]: .*\[$v:$i\]" "$TMP/out")
	[ "$n" -eq 1 ] || { bad=$((bad + 1)); diag "$dev: $n lines for group $g [$c] [$v:$i]"; }
done
check "groups -1: each device once, with its group, class and ids" test "$bad" -eq 0
check "groups -1: nothing else" test "$(wc -l <"$TMP/out")" -eq "$(printf '%s\n' $ALL | wc -l)"

done_testing
