#!/bin/sh
# The man page renders without groff warnings and documents every command
# that `optivfio --help` lists.
. "$SRCDIR/testsuite/cli/lib.sh"
MAN="$SRCDIR/man/optivfio.1"

if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww -z "$MAN" 2>"$TMP/warn"
	if [ ! -s "$TMP/warn" ]; then ok "man page renders cleanly"; else
		not_ok "man page has groff warnings"; diag "$(cat "$TMP/warn")"; fi
else
	skip "groff not installed"
fi
run_ov --help
for c in $(sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' "$TMP/out"); do
	check "man page documents '$c'" grep -q "^\.SS $c" "$MAN"
done

# What issue 15 added is in the page.
for opt in '\\-s ", " \\-\\-slot' '\\-d ", " \\-\\-id' '\\-t ", " \\-\\-tree'; do
	check "man page: list $opt" grep -q "^\.BR $opt" "$MAN"
done
check "man page: groups -1" grep -q '^\.SS groups .*\\-1' "$MAN"
check "man page: global options after the command" grep -q 'may also follow the command' "$MAN"
check "man page: NO_COLOR in ENVIRONMENT" sh -c "sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' '$MAN' | grep -q '^\.B NO_COLOR'"

# No internal jargon in what users read: the page, every help, and what
# doctor and guest check say on every fixture (text and JSON).
jargon='the seed\|seed.s\|facts §\|facts-'
grep -n -i "$jargon" "$MAN" >"$TMP/hits"
check "man page: no 'the seed' or 'facts §'" test ! -s "$TMP/hits"
: >"$TMP/said"
"$OPTIVFIO" --help >>"$TMP/said"
for c in setup list groups doctor snapshot ssdt "rom info" "rom strip" "rom dump" rom \
	 "vm libvirt" "vm qemu" "vm proxmox" host "host prepare" "host release" "host reset" \
	 hook "hook install" "hook uninstall" "guest check"; do
	"$OPTIVFIO" $c --help >>"$TMP/said" 2>&1
done
for H in "$HOSTS"/*/; do
	for c in doctor "guest check" groups list; do
		"$OPTIVFIO" --root "$H" $c >>"$TMP/said" 2>&1
		"$OPTIVFIO" --root "$H" --json $c >>"$TMP/said" 2>&1
	done
	"$OPTIVFIO" --root "$H" host prepare --dry-run >>"$TMP/said" 2>&1
done
# A GPU without an ACPI node takes doctor down its other rom-acpi branch.
cp -a "$HOSTS/acer-nitro5-an515-51" "$TMP/no-acpi"
rm -f "$TMP/no-acpi/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/firmware_node"
"$OPTIVFIO" --root "$TMP/no-acpi" doctor >"$TMP/no-acpi.out" 2>&1
check "a GPU without an ACPI node: doctor says so" grep -q '^WARN  rom-acpi    the GPU has no ACPI node' "$TMP/no-acpi.out"
cat "$TMP/no-acpi.out" >>"$TMP/said"
grep -n -i "$jargon" "$TMP/said" >"$TMP/hits"
if [ ! -s "$TMP/hits" ]; then ok "helps, doctor, guest check: no 'the seed' or 'facts §'"
else not_ok "jargon users read"; diag "$(head -n 5 "$TMP/hits")"; fi
check "... (and they said something: $(wc -l <"$TMP/said") lines)" test "$(wc -l <"$TMP/said")" -gt 500

# The EXAMPLES that only read the host run as written on a fixture.
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$MAN" | sed -n 's/\\-/-/g; s/^\(optivfio \(list\|groups\|doctor\)[^|&>]*\).*/\1/p' |
	grep -v -- '--root' >"$TMP/examples"
check "man page: read-only examples found" test "$(wc -l <"$TMP/examples")" -ge 3
while read -r line; do
	# shellcheck disable=SC2086
	run_ov ${line#optivfio } --root "$HOSTS/acer-nitro5-an515-51"
	if [ "$RC" -eq 0 ] && [ -s "$TMP/out" ]; then ok "example runs: $line"
	else not_ok "example '$line': exit $RC"; diag "$(cat "$TMP/err")"; fi
done <"$TMP/examples"
done_testing
