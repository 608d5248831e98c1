#!/bin/sh
# rom info on every sample ROM (facts tables), on Debian's iPXE and SeaBIOS
# option ROMs (checked by an independent PCIR reader in python), and on
# bad input (reported with exit 1, never a crash or a hang).
. "$SRCDIR/testsuite/cli/lib.sh"
READER="$SRCDIR/testsuite/rom/rom-reader.py"

# reader MODE ARG: run the python checks on $TMP/out, one TAP line each.
reader() {
	python3 "$READER" "$1" "$2" "$TMP/out" >"$TMP/checks" 2>&1 || true
	[ -s "$TMP/checks" ] || echo "not ok reader produced nothing for $2" >"$TMP/checks"
	while IFS= read -r line; do
		case "$line" in
		"ok "*) ok "${line#ok }" ;;
		*) not_ok "${line#not ok }" ;;
		esac
	done <"$TMP/checks"
}

for name in gk107_turbo.rom gtx1050ti_mobile.rom mx150_x140.rom quadro-m1200.rom; do
	f="$SHARED/data/roms/$name"
	if [ ! -f "$f" ]; then skip "$name not in \$SHARED"; continue; fi
	run_ov --json rom info "$f"
	expect_rc 0 "rom info $name"
	reader vendor "$name"
	run_ov rom info "$f"
	check "$name: text output has a verdict line" grep -q '^verdict: ' "$TMP/out"
done

found=0
for f in /usr/lib/ipxe/qemu/efi-*.rom /usr/lib/ipxe/qemu/pxe-*.rom \
	/usr/share/seabios/vgabios-*.bin; do
	[ -f "$f" ] || continue
	found=$((found + 1))
	run_ov --json rom info "$f"
	case "$RC" in 0|1) ok "rom info $(basename "$f") ran (exit $RC)" ;;
	*) not_ok "rom info $(basename "$f"): exit $RC" ;; esac
	reader pcir "$f"
done
if [ "$found" -ge 20 ]; then ok "found $found Debian option ROMs"; else
	not_ok "only $found Debian option ROMs (ipxe-qemu, seabios installed?)"; fi

# Bad input: a one-line error, exit 1, a verdict, no hang (timeout).
bad() {
	what=$1
	RC=0
	timeout 20 "$OPTIVFIO" rom info "$TMP/bad" >"$TMP/out" 2>"$TMP/err" || RC=$?
	expect_rc 1 "$what"
	expect_one_line_error "$what"
	check "$what: verdict broken" grep -q '^verdict: broken' "$TMP/out"
}
head -c 65536 /dev/zero | tr '\0' '\377' >"$TMP/bad"; bad "all 0xFF"
head -c 65536 /dev/zero >"$TMP/bad"; bad "all 0x00"
: >"$TMP/bad"; bad "empty file"
printf '\125\252\003' >"$TMP/bad"; bad "truncated inside the header"
if [ -f "$SHARED/data/roms/gtx1050ti_mobile.rom" ]; then
	head -c 100000 "$SHARED/data/roms/gtx1050ti_mobile.rom" >"$TMP/bad"
	bad "truncated inside an E0 image"
	check "truncation is named" grep -q 'data ends at 0x186a0' "$TMP/out"
	# PCIR pointer (bytes 0x18-0x19) out of range
	{ head -c 24 "$SHARED/data/roms/gtx1050ti_mobile.rom"; printf '\360\377';
	  tail -c +27 "$SHARED/data/roms/gtx1050ti_mobile.rom" | head -c 4000; } >"$TMP/bad"
	bad "PCIR pointer out of range"
fi

run_ov rom info
expect_rc 2 "rom info without FILE"
run_ov rom info /nonexistent/x.rom
expect_rc 1 "rom info on a missing file"
expect_one_line_error "missing file"
run_ov rom info --help
expect_rc 0 "rom info --help"
run_ov rom frob
expect_rc 2 "unknown rom command"

done_testing
