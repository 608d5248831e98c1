#!/bin/sh
# Bad inputs: a ROM is checked wherever a VM is given it (the verdict is the
# one `rom info` gives, an independent parse in testsuite/rom/rom-reader.py
# agrees on the real ROMs), and a file that is not a regular file (a FIFO
# nobody writes to) is refused at once instead of hanging the command.
# Nothing is written in either case.
. "$SRCDIR/testsuite/cli/lib.sh"
ACER="$HOSTS/acer-nitro5-an515-51"
ROM="$SHARED/data/roms/gtx1050ti_mobile.rom"
PREFIXED="$SHARED/data/roms/gk107_turbo.rom"

if [ -r "$ROM" ]; then
	head -c 700 "$ROM" >"$TMP/cut.rom"
	for mode in embed fwcfg; do
		run_ov rom info "$TMP/cut.rom"
		check "rom info refuses the truncated ROM" test "$RC" -ne 0
		run_ov ssdt --qemu-version 7.2 --mode $mode --rom "$TMP/cut.rom" -o "$TMP/t-$mode"
		expect_rc 1 "ssdt --mode $mode: a truncated ROM is refused"
		expect_one_line_error "ssdt --mode $mode, truncated ROM"
		check "... saying it is truncated" grep -q "not a usable ROM: data ends at" "$TMP/err"
		check "... and writing nothing" test ! -e "$TMP/t-$mode"
	done
	run_ov ssdt --qemu-version 7.2 --mode embed --rom "$ROM" -o "$TMP/whole"
	expect_rc 0 "ssdt --mode embed: the whole ROM is taken"
	run_ov ssdt --qemu-version 7.2 --mode embed --force --rom "$TMP/cut.rom" -o "$TMP/forced"
	expect_rc 0 "ssdt --force takes it anyway"
else
	skip "no $ROM"
fi
if [ -r "$PREFIXED" ]; then
	run_ov ssdt --qemu-version 7.2 --mode embed --rom "$PREFIXED" -o "$TMP/p"
	expect_rc 1 "ssdt: a ROM behind an NVGI header is refused"
	check "... naming rom strip" grep -q "rom strip" "$TMP/err"
	check "... and writing nothing" test ! -e "$TMP/p"
else
	skip "no $PREFIXED"
fi
python3 -c "import os; open('$TMP/junk.rom', 'wb').write(os.urandom(4096))"
run_ov ssdt --qemu-version 7.2 --mode embed --rom "$TMP/junk.rom" -o "$TMP/j"
expect_rc 1 "ssdt: random bytes are not a ROM"
expect_one_line_error "ssdt, random bytes"

# FIFOs: each command must answer within the timeout, not wait for a writer.
mkfifo "$TMP/fifo"
fifo_refused() { # fifo_refused "what" ARGS...
	what=$1; shift
	RC=0
	timeout 10 "$OPTIVFIO" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	if [ "$RC" -eq 124 ]; then not_ok "$what: hangs on a FIFO"; return; fi
	check "$what: a FIFO is refused (exit $RC)" test "$RC" -ne 0
	check "$what: ... saying it is not a regular file" grep -q "not a regular file" "$TMP/err"
}
fifo_refused "rom info" rom info "$TMP/fifo"
fifo_refused "rom strip" rom strip "$TMP/fifo" -o "$TMP/s.rom"
check "rom strip: nothing written" test ! -e "$TMP/s.rom"
fifo_refused "ssdt --rom" ssdt --qemu-version 7.2 --mode embed --rom "$TMP/fifo" -o "$TMP/f"
fifo_refused "vm libvirt --domain-xml" --root "$ACER" vm libvirt --domain-xml "$TMP/fifo" -o "$TMP/d.xml"
check "vm libvirt: nothing written" test ! -e "$TMP/d.xml"
fifo_refused "setup --rom" --root "$ACER" setup --rom "$TMP/fifo" -o "$TMP/setup"
check "setup: its directory taken away again" test ! -e "$TMP/setup"
done_testing
