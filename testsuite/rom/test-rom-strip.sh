#!/bin/sh
# rom strip: NVGI prefix removed structurally, --trim-padding stops at the
# chain end (never inside NVIDIA 0xE0/0x70 images), broken input refused,
# the output never half-written or clobbered on failure.
. "$SRCDIR/testsuite/cli/lib.sh"
ROMS="$SHARED/data/roms"

size() { wc -c <"$1" | tr -d ' '; }
# jget EXPR: evaluate a python expression on the JSON in $TMP/out (as j)
jget() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$TMP/out"; }

if [ -f "$ROMS/gk107_turbo.rom" ]; then
	run_ov rom strip "$ROMS/gk107_turbo.rom" -o "$TMP/gk107.rom"
	expect_rc 0 "strip gk107 (NVGI prefix)"
	check "output starts with 55 AA" \
		sh -c "head -c 2 '$TMP/gk107.rom' | od -An -tx1 | grep -q '55 aa'"
	# facts §3.4: the ROM starts at 0x400 = 1024, so byte 1025 on is the ROM
	tail -c +1025 "$ROMS/gk107_turbo.rom" >"$TMP/want"
	check "output equals the input from 0x400" cmp -s "$TMP/gk107.rom" "$TMP/want"
	run_ov --json rom info "$TMP/gk107.rom"
	expect_rc 0 "stripped gk107 parses"
	check "stripped gk107 has no prefix and is usable" \
		[ "$(jget "j['prefix_length'], j['verdict'], len(j['images'])")" = "0 usable 4" ]
else
	skip "gk107_turbo.rom not in \$SHARED"
fi

if [ -f "$ROMS/gtx1050ti_mobile.rom" ]; then
	f="$ROMS/gtx1050ti_mobile.rom"
	run_ov rom strip "$f" -o "$TMP/plain.rom"
	expect_rc 0 "strip without --trim-padding"
	check "nothing to cut: a copy" cmp -s "$TMP/plain.rom" "$f"
	run_ov rom strip --trim-padding "$f" -o "$TMP/trim.rom"
	expect_rc 0 "strip --trim-padding"
	# facts §6.1: data ends at 0x29600 = 169472, then 0xFF padding
	check "trimmed to the chain end 0x29600" [ "$(size "$TMP/trim.rom")" -eq 169472 ]
	head -c 169472 "$f" >"$TMP/want"
	check "trimmed output is the input's first 0x29600 bytes" cmp -s "$TMP/trim.rom" "$TMP/want"
	# Matoking's footer rule would cut at the first E0 image (0xF000): we keep 4 images
	run_ov --json rom info "$TMP/trim.rom"
	check "all 4 images (x86, E0, E0, 70) kept" \
		[ "$(jget "[i['code_type'] for i in j['images']]")" = "[0, 224, 224, 112]" ]
fi

# Broken input: refused, OUT not created, an existing OUT untouched.
head -c 65536 /dev/zero | tr '\0' '\377' >"$TMP/ff.rom"
run_ov rom strip "$TMP/ff.rom" -o "$TMP/new.rom"
expect_rc 1 "strip of all-0xFF"
expect_one_line_error "strip of all-0xFF"
check "no output created" [ ! -e "$TMP/new.rom" ]
echo "precious" >"$TMP/keep.rom"
if [ -f "$ROMS/gtx1050ti_mobile.rom" ]; then
	head -c 100000 "$ROMS/gtx1050ti_mobile.rom" >"$TMP/cut.rom"
	run_ov rom strip --trim-padding "$TMP/cut.rom" -o "$TMP/keep.rom"
	expect_rc 1 "strip of a truncated ROM"
	check "existing output untouched" [ "$(cat "$TMP/keep.rom")" = precious ]
fi
check "no temporary files left" [ -z "$(ls "$TMP" | grep 'tmp-')" ]

run_ov rom strip "$TMP/keep.rom"
expect_rc 2 "strip without -o"
cp "$TMP/ff.rom" "$TMP/same.rom"
run_ov rom strip "$TMP/same.rom" -o "$TMP/same.rom"
expect_rc 2 "strip onto its own input"
ln -s same.rom "$TMP/link.rom"
run_ov rom strip "$TMP/same.rom" -o "$TMP/link.rom"
expect_rc 2 "strip onto its own input through a link"
run_ov rom strip --help
expect_rc 0 "strip --help"

done_testing
