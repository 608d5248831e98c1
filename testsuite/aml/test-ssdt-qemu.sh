#!/bin/sh
# QEMU itself takes the tables: -acpitable for each one the manifest lists
# (and -fw_cfg for the ROM in fwcfg mode) on a q35 machine that is created
# but never run (-S, then "quit" on the monitor). QEMU refuses a table over
# 65535 bytes and aborts when all its ACPI tables pass 2 MiB (facts §3).
. "$SRCDIR/testsuite/cli/lib.sh"

if ! command -v qemu-system-x86_64 >/dev/null; then
	skip "qemu-system-x86_64 not installed"
	done_testing
	exit 0
fi

qemu_takes() {	# qemu_takes DIR [EXTRA QEMU ARGS]: start and quit with DIR's tables
	d=$1; shift
	set -- $(python3 -c "import json; d='$d'; print(' '.join('-acpitable file=' + d + '/' + t
		for t in json.load(open(d + '/optivfio-ssdt.json'))['tables']))") "$@"
	echo quit | timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -S -nodefaults \
		-display none -monitor stdio "$@" >"$TMP/qemu.out" 2>"$TMP/qemu.err"
}

ROM="$SHARED/data/roms/gtx1050ti_mobile.rom"
FORCE=
[ -r "$ROM" ] || { python3 -c "open('$TMP/g.rom', 'wb').write(b'\x55\xaa' * 131072)"; ROM="$TMP/g.rom"; FORCE=--force; }

run_ov ssdt --qemu-version 7.2 --battery present $FORCE --rom "$ROM" -o "$TMP/fw"
expect_rc 0 "fwcfg tables"
if qemu_takes "$TMP/fw" -fw_cfg "name=opt/org.optivfio/vbios,file=$ROM"; then
	ok "QEMU 7.2 starts with the fwcfg table, the battery and the fw_cfg file"
else not_ok "QEMU 7.2 starts with the fwcfg tables"; diag "$(cat "$TMP/qemu.err")"; fi

run_ov ssdt --qemu-version 7.2 --mode embed $FORCE --rom "$ROM" -o "$TMP/em"
expect_rc 0 "embed tables"
if qemu_takes "$TMP/em"; then ok "QEMU 7.2 starts with the embed tables"
else not_ok "QEMU 7.2 starts with the embed tables"; diag "$(cat "$TMP/qemu.err")"; fi

# The largest ROM the tool takes still starts QEMU.
python3 -c "import random; r = random.Random(9)
open('$TMP/big.rom', 'wb').write(b'\x55\xaa' + bytes(r.randrange(256) for _ in range(1960000)))"
run_ov ssdt --qemu-version 7.2 --mode embed --force --rom "$TMP/big.rom" -o "$TMP/big"
expect_rc 0 "1.96 MB ROM: embed tables"
if qemu_takes "$TMP/big"; then ok "QEMU 7.2 starts with the 31 tables of a 1.96 MB ROM"
else not_ok "QEMU 7.2 starts with a 1.96 MB ROM"; diag "$(cat "$TMP/qemu.err")"; fi

# The limits are QEMU's: one table over 65535 bytes is refused.
python3 -c "
d = bytearray(open('$TMP/em/ssdt-rom-1.aml', 'rb').read()) + bytes(2000)
d[4:8] = len(d).to_bytes(4, 'little'); open('$TMP/toobig.aml', 'wb').write(d)"
if echo quit | qemu-system-x86_64 -machine q35 -accel tcg -S -nodefaults -display none \
	-monitor stdio -acpitable file="$TMP/toobig.aml" >/dev/null 2>"$TMP/qemu.err"; then
	not_ok "QEMU refuses a table over 65535 bytes"
else ok "QEMU refuses a table over 65535 bytes"; fi
check "QEMU's message names the limit" grep -q 65535 "$TMP/qemu.err"

done_testing
