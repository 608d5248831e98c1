#!/bin/sh
# host prepare|release|reset on fixture hosts: the printed plans against
# golden plans written by hand from the seed's steps (expected/*.txt, see
# expected/README), execution with journal and rollback, release restoring
# the tree byte for byte, and every refusal.
. "$SRCDIR/testsuite/cli/lib.sh"
EXP="$SRCDIR/testsuite/plan/expected"
F="$TMP/fx"
python3 "$SRCDIR/testsuite/plan/make-plan-fixtures.py" "$F" || { not_ok "make fixtures"; done_testing; exit 1; }
GPU=0000:01:00.0

# same_tree A B "what": byte for byte, symlink targets included.
same_tree() {
	if diff -r --no-dereference "$1" "$2" >"$TMP/diff" 2>&1; then ok "$3"; else
		not_ok "$3"; diag "$(head -20 "$TMP/diff")"; fi
}
# work NAME: a scratch copy of a fixture in $W, journals in $S.
work() {
	rm -rf "$TMP/w" "$TMP/s"; cp -a "$1" "$TMP/w"; W="$TMP/w"; S="$TMP/s"
}
golden() { # golden ROOT EXPECTED "what" ARGS...
	root=$1 exp=$2 what=$3; shift 3
	run_ov --root "$root" "$@"
	if [ "$RC" -eq 0 ] && diff -u "$EXP/$exp" "$TMP/out" >"$TMP/diff"; then ok "$what"; else
		not_ok "$what (exit $RC)"; diag "$(cat "$TMP/diff" "$TMP/err")"; fi
}

# --- golden plans (dry run) ---
golden "$HOSTS/acer-nitro5-an515-51" acer-prepare.txt "acer: prepare plan" host prepare --dry-run
golden "$HOSTS/acer-nitro5-an515-51" acer-reset.txt "acer: reset plan" host reset --dry-run
golden "$F/acer-nvidia" acer-nvidia-prepare.txt "acer+nvidia: prepare plan" host prepare -n
golden "$F/acer-nvidia" acer-nvidia-reset.txt "acer+nvidia: reset plan (bbswitch)" host reset -n
golden "$F/acer-acpicall" acer-acpicall-reset.txt "acer+acpi_call: reset plan (ACPI _OFF/_ON)" \
	host reset --dry-run
golden "$HOSTS/desktop-shared-group" desktop-reset.txt "desktop: reset plan" host reset -n
golden "$F/acer" acer-prepare.txt "acer (generated): prepare plan, GPU given" \
	host prepare --gpu 01:00.0 --dry-run

# --- a dry run changes nothing, writes no journal ---
work "$F/acer"
run_ov --root "$W" host prepare --dry-run
run_ov --root "$W" host reset --dry-run
run_ov --root "$W" host reset
expect_rc 1 "reset without --yes is not run"
check "reset without --yes shows the plan" grep -q "^  6. rescan$" "$TMP/out"
check "reset without --yes says --yes" grep -q "needs --yes" "$TMP/err"
same_tree "$F/acer" "$W" "dry runs and an unconfirmed reset change nothing"

# --- prepare, then release: exact ---
for h in acer acer-nvidia; do
	work "$F/$h"
	run_ov --root "$W" host prepare --state-dir "$S"
	expect_rc 0 "$h: prepare"
	D="$W/sys/bus/pci/devices"
	check "$h: GPU bound to vfio-pci" test "$(basename "$(readlink "$D/$GPU/driver")")" = vfio-pci
	check "$h: GPU driver_override vfio-pci" test "$(cat "$D/$GPU/driver_override")" = vfio-pci
	check "$h: vfio-pci links back to the GPU" test -L "$W/sys/bus/pci/drivers/vfio-pci/$GPU"
	check "$h: HDMI audio unbound" test ! -e "$D/0000:01:00.1/driver"
	check "$h: snd_hda_intel no longer links to it" \
		test ! -L "$W/sys/bus/pci/drivers/snd_hda_intel/0000:01:00.1"
	check "$h: HDMI audio driver_override none" test "$(cat "$D/0000:01:00.1/driver_override")" = none
	check "$h: vfio_pci loaded" grep -q "^vfio_pci " "$W/proc/modules"
	J="$S/journal-$GPU.json"
	expect_json "$J" 'd["state"]' complete "$h: journal complete"
	expect_json "$J" '[s["status"] for s in d["steps"]].count("done") == len(d["steps"])' true \
		"$h: every journaled step done"
	run_ov --root "$W" host prepare --state-dir "$S"
	expect_rc 1 "$h: second prepare refused"
	check "$h: ... because of the journal" grep -q "already prepared" "$TMP/err"
	run_ov --root "$W" host reset --yes --state-dir "$S"
	expect_rc 1 "$h: reset refused while prepared"
	check "$h: ... saying so" grep -q "the GPU is prepared" "$TMP/err"
	if [ "$h" = acer ]; then
		golden "$W" acer-release.txt "acer: release plan from the journal" \
			host release --state-dir "$S" --dry-run
	fi
	run_ov --root "$W" host release --state-dir "$S"
	expect_rc 0 "$h: release"
	same_tree "$F/$h" "$W" "$h: release restores the tree byte for byte"
	check "$h: release removes the journal" test ! -e "$J"
	run_ov --root "$W" host release --state-dir "$S"
	expect_rc 1 "$h: release without a journal"
	expect_one_line_error "$h: release without a journal"
	check "$h: ... says there is nothing to undo" grep -q "nothing to undo" "$TMP/err"
done

# --- a damaged journal: release refuses, changes nothing ---
work "$F/acer"
run_ov --root "$W" host prepare --state-dir "$S"
cp -a "$W" "$TMP/prepared"
for bad in '{"steps": 3}' 'not json' \
	'{"gpu": "0000:01:00.0", "steps": [{"kind": "format-disk", "arg": "", "before": "", "status": "done"}]}' \
	'{"gpu": "0000:01:00.0", "steps": [{"kind": "bind", "bdf": "../../x", "arg": "", "before": "", "status": "done"}]}'; do
	printf '%s' "$bad" >"$S/journal-$GPU.json"
	run_ov --root "$W" host release --state-dir "$S"
	expect_rc 1 "damaged journal '$(echo "$bad" | cut -c1-30)...': refused"
	expect_one_line_error "damaged journal"
done
same_tree "$TMP/prepared" "$W" "damaged journals changed nothing"
rm -rf "$TMP/prepared"

# --- the default state dir is under the root, in /run: a reboot forgets it ---
work "$F/acer"
run_ov --root "$W" host prepare
expect_rc 0 "prepare with the default state dir"
check "journal in ROOT/run/optivfio" test -f "$W/run/optivfio/journal-$GPU.json"
run_ov --root "$W" host release
expect_rc 0 "release with the default state dir"
check "journal gone" test ! -e "$W/run/optivfio/journal-$GPU.json"

# --- a state dir that outlives a reboot: journals of the old boot set aside ---
work "$F/acer"
mkdir -p "$W/proc/sys/kernel/random"
echo 11111111-aaaa-4bbb-8ccc-000000000001 >"$W/proc/sys/kernel/random/boot_id"
cp -a "$W" "$TMP/fresh"
run_ov --root "$W" host prepare --state-dir "$S"
expect_rc 0 "prepare in boot 1"
check "the state dir carries boot 1's id" grep -q 11111111 "$S/boot-id"
# The reboot: a fresh host (drivers as at boot), the same persistent state dir.
rm -rf "$W"; cp -a "$TMP/fresh" "$W"
echo 22222222-aaaa-4bbb-8ccc-000000000002 >"$W/proc/sys/kernel/random/boot_id"
cp "$W/proc/sys/kernel/random/boot_id" "$TMP/fresh/proc/sys/kernel/random/boot_id"
run_ov --root "$W" host release --state-dir "$S" --dry-run
expect_rc 1 "after the reboot a dry release finds nothing of this boot to undo"
run_ov --root "$W" host prepare --state-dir "$S"
expect_rc 0 "after the reboot prepare is not blocked by boot 1's journal"
check "... and says it set the old journal aside" grep -q "set aside journal-$GPU.json (from boot 11111111)" "$TMP/err"
check "... which is kept under another name" test -f "$S/journal-$GPU.json.boot-11111111"
run_ov --root "$W" host release --state-dir "$S"
expect_rc 0 "release undoes this boot's prepare"
same_tree "$TMP/fresh" "$W" "after the reboot: prepare + release leave the host as it booted"
rm -rf "$TMP/fresh"

# --- the journal cannot be written: nothing is done ---
work "$F/acer"
run_ov --root "$W" host prepare --state-dir /dev/null/state
expect_rc 1 "prepare with an unusable state dir fails"
expect_one_line_error "unusable state dir"
same_tree "$F/acer" "$W" "... before changing anything"

# --- one host run at a time, whatever the state dir: the lock comes first ---
work "$F/acer"
if command -v flock >/dev/null; then
	flock "$W/sys/bus/pci" sleep 4 &
	locker=$!
	sleep 0.5
	OPTIVFIO_LOCK_WAIT=1 run_ov --root "$W" host prepare --state-dir "$TMP/other-state"
	expect_rc 1 "a prepare while another run holds the host (other state dir) is refused"
	check "... naming who holds it" grep -q "process [0-9]* (flock) is changing this host (waited 1 s)" "$TMP/err"
	same_tree "$F/acer" "$W" "... and changes nothing"
	check "... not even its state dir" test ! -e "$TMP/other-state"
	OPTIVFIO_LOCK_WAIT=20 run_ov --root "$W" host prepare --state-dir "$S"
	expect_rc 0 "a prepare that may wait gets the host once the other run is done"
	wait "$locker" 2>/dev/null
else
	skip "flock(1) not installed"
fi

# --- release racing prepare from a prepared host: serialized, never both lying ---
# strace holds prepare for 0.7 s at its first look at the journal, and
# release runs in that gap. Reading the host before the lock, prepare then
# planned from a host release had already changed: "Prepared" with no
# steps, the journal there and the GPU not on vfio-pci.
if command -v strace >/dev/null 2>&1; then
	work "$F/acer"
	"$OPTIVFIO" --root "$W" host prepare --state-dir "$S" >/dev/null 2>&1
	traced -f -o /dev/null -P "$S/journal-$GPU.json" -e inject=all:delay_enter=700000:when=1 \
		"$OPTIVFIO" --root "$W" host prepare --state-dir "$S" >"$TMP/prep.out" 2>&1 &
	prep=$!
	sleep 0.3
	run_ov --root "$W" host release --state-dir "$S"
	expect_rc 0 "race: the release waits for the held prepare, then runs"
	wait "$prep"; prc=$?
	check "race: the held prepare finds the GPU prepared and refuses" test "$prc" -eq 1
	check "race: ... saying so" grep -q "already prepared" "$TMP/prep.out"
	drv=$(basename "$(readlink "$W/sys/bus/pci/devices/$GPU/driver" 2>/dev/null)")
	check "race: released, no journal, GPU off vfio-pci" \
		sh -c '[ ! -e "$1" ] && [ "$2" != vfio-pci ]' - "$S/journal-$GPU.json" "$drv"
else
	skip "strace not installed: no race test"
fi

# --- a run killed midway (crash, power loss): the next run undoes it first ---
# strace kills prepare at its first symlink (the vfio-pci bind) and reset at
# its first rename (removing a function); the whole campaign over every
# such point is testsuite/plan/fault_campaign.py (suite slow).
if command -v strace >/dev/null 2>&1; then
	killed() { # killed SYSCALLS: host prepare killed at the first of SYSCALLS
		traced -f -o /dev/null -e trace="$1" -e inject="$1":signal=KILL:when=1 \
			"$OPTIVFIO" --root "$W" host prepare --state-dir "$S" >/dev/null 2>&1
	}
	work "$F/acer"
	killed symlink,symlinkat
	check "killed prepare: it left its journal" test -e "$S/journal-$GPU.json"
	run_ov --root "$W" host prepare --state-dir "$S"
	expect_rc 0 "after a killed prepare, prepare runs"
	check "... saying it undid the interrupted run first" grep -q "undid an interrupted run" "$TMP/err"
	run_ov --root "$W" host release --state-dir "$S"
	same_tree "$F/acer" "$W" "... and release then leaves the host as it was"

	work "$F/acer"
	killed symlink,symlinkat
	run_ov --root "$W" host release --state-dir "$S"
	expect_rc 0 "after a killed prepare, release succeeds"
	check "... saying the interrupted prepare is undone" grep -q "^Released: $GPU" "$TMP/out"
	same_tree "$F/acer" "$W" "... and the host is as it was"
	check "... no journal left" test ! -e "$S/journal-$GPU.json"

	# The tree a reset that ran to its end leaves (runtime PM left on).
	work "$F/acer"
	"$OPTIVFIO" --root "$W" host reset --yes --state-dir "$S" >/dev/null 2>&1
	rm -rf "$TMP/reset-done"; mv "$W" "$TMP/reset-done"
	work "$F/acer"
	traced -f -o /dev/null -P "$W/.optivfio-fixture/dev-0000:00:01.0" -e trace=rename,renameat,renameat2 \
		-e inject=rename,renameat,renameat2:signal=KILL:when=1 \
		"$OPTIVFIO" --root "$W" host reset --yes --state-dir "$S" >/dev/null 2>&1
	check "reset killed removing the root port: the port is gone from the bus" \
		test ! -e "$W/sys/bus/pci/devices/0000:00:01.0"
	run_ov --root "$W" host reset --yes --state-dir "$S"
	expect_rc 0 "after a killed reset, reset runs"
	check "... saying it undid the interrupted run first" grep -q "undid an interrupted run" "$TMP/err"
	same_tree "$TMP/reset-done" "$W" "... and the host is as a whole reset leaves it"
	# The last journal save (state "complete") fails: the GPU is prepared but
	# the journal says running; the error says how it is undone, and it is.
	work "$F/acer"
	# strace counts every rename: the last one onto the journal is the save.
	traced -f -o "$TMP/count" -e trace=rename \
		"$OPTIVFIO" --root "$W" host prepare --state-dir "$S" >/dev/null 2>&1
	last=$(grep -n "rename(.*\"$S/journal-$GPU.json\")" "$TMP/count" | tail -n1 | cut -d: -f1)
	work "$F/acer"
	RC=0
	traced -f -o /dev/null -e trace=rename -e inject=rename:error=EIO:when=${last:-1} \
		"$OPTIVFIO" --root "$W" host prepare --state-dir "$S" >"$TMP/out" 2>"$TMP/err" || RC=$?
	expect_rc 1 "the final journal save fails (rename $last): prepare fails"
	check "... the hint says the next run undoes it" grep -q "hint: the journal .* is kept: the next" "$TMP/err"
	run_ov --root "$W" host release --state-dir "$S"
	expect_rc 0 "... and release does"
	same_tree "$F/acer" "$W" "... leaving the host as it was"
else
	skip "strace not installed: no crash test"
fi

# --- a damaged journal: release sets it aside and says how to go on ---
work "$F/acer"
mkdir -p "$S"; printf '{"state": "compl' >"$S/journal-$GPU.json"
run_ov --root "$W" host release --state-dir "$S"
expect_rc 1 "a damaged journal: release fails"
expect_one_line_error "a damaged journal"
check "... keeping it as .damaged" sh -c 'test -e "$1.damaged" && test ! -e "$1"' - "$S/journal-$GPU.json"
check "... with a way forward" grep -q "hint: 'optivfio list' shows the drivers now" "$TMP/err"
same_tree "$F/acer" "$W" "... and changes nothing on the host"
run_ov --root "$W" host prepare --state-dir "$S"
expect_rc 0 "after that, prepare works again"

# --- reset waits for the power-off: D3cold, or it fails and rolls back ---
work "$F/acer"
run_ov --root "$W" host reset --yes --state-dir "$S"
expect_rc 0 "reset: the GPU reached D3cold (power_state), reset done"
work "$F/acer"
printf '0\n' >"$W/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/d3cold_allowed"
RC=0
OPTIVFIO_POWER_WAIT=300 "$OPTIVFIO" --root "$W" host reset --yes --state-dir "$S" >"$TMP/out" 2>"$TMP/err" || RC=$?
expect_rc 0 "reset: a GPU that stops in D3hot (d3cold_allowed 0) is still removed and rescanned"
check "... after waiting, and the step says the power was not cut" \
	grep -q "set-power-control 0000:01:00.0 auto: done - not powered off: power_state reads \"D3hot\" after 300 ms" "$TMP/out"
check "... the rest of the reset ran" grep -q "rescan: done" "$TMP/out"

# --- a hostile tree: no write follows a link out of --root ---
# OUT stands for the real host's files; each run must leave it as it was.
escape_setup() {
	work "$F/acer"
	rm -rf "$TMP/out-host"; mkdir -p "$TMP/out-host"
	printf '(null)\n' >"$TMP/out-host/override"
	OUT_BEFORE=$(cd "$TMP/out-host" && find . | sort && cat ./* 2>/dev/null)
}
out_untouched() {
	now=$(cd "$TMP/out-host" && find . | sort && cat ./* 2>/dev/null)
	check "$1: nothing outside the root changed" test "$now" = "$OUT_BEFORE"
}
escape_setup
D0="$W/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0"
rm "$D0/driver_override"; ln -s "$TMP/out-host/override" "$D0/driver_override"
run_ov --root "$W" host prepare --state-dir "$S"
expect_rc 1 "driver_override a link out of the root: prepare fails"
check "... saying it is a link" grep -q "symbolic link" "$TMP/err"
out_untouched "driver_override link"

escape_setup
D1="$W/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.1"
cp -a "$D1" "$TMP/out-host/dev"
OUT_BEFORE=$(cd "$TMP/out-host" && find . | sort && cat ./override)
rm "$W/sys/bus/pci/devices/0000:01:00.1"; ln -s "$TMP/out-host/dev" "$W/sys/bus/pci/devices/0000:01:00.1"
for action in prepare "reset --yes"; do
	run_ov --root "$W" host $action --state-dir "$S"
	expect_rc 1 "a device link out of the root: ${action% *} fails"
	check "... saying where it leads" grep -q "leads out of the root" "$TMP/err"
	now=$(cd "$TMP/out-host" && find . | sort && cat ./override)
	check "${action% *}: the device outside the root is where it was, unchanged" test "$now" = "$OUT_BEFORE"
done

escape_setup
mkdir -p "$W/run"; ln -s "$TMP/out-host/state" "$W/run/optivfio"
run_ov --root "$W" host prepare
expect_rc 1 "the default state dir a link out of the root: prepare refused"
check "... before writing anything there" test ! -e "$TMP/out-host/state"
out_untouched "state dir link"

escape_setup
printf 'SECRET-OUTSIDE\n' >"$TMP/out-host/secret"
rm "$D0/vendor"; ln -s "$TMP/out-host/secret" "$D0/vendor"
run_ov --root "$W" snapshot -o "$TMP/snap"
check "snapshot: a file linked from the tree is not copied in" sh -c '! grep -rq SECRET-OUTSIDE "$1"' - "$TMP/snap"

# --- a step fails midway: rollback leaves the host exactly as it was ---
work "$F/acer-novfio"
run_ov --root "$W" host prepare --state-dir "$S"
expect_rc 1 "prepare with vfio-pci unavailable fails"
expect_one_line_error "prepare failing midway"
check "the error names step 4 (the bind)" grep -q "step 4 (drivers-probe $GPU vfio-pci) failed" "$TMP/err"
check "the error says it rolled back" grep -q "rolled back 4 steps, the host is as it was" "$TMP/err"
check "steps 1-3 were done before the failure" grep -q "^  3. set-driver-override $GPU vfio-pci: done" "$TMP/out"
check "the undo ran in reverse" grep -q "^  undo 4. bind 0000:01:00.1 snd_hda_intel: done" "$TMP/out"
same_tree "$F/acer-novfio" "$W" "rollback: tree byte for byte as before"
check "rollback: no journal left" test ! -e "$S/journal-$GPU.json"

# vfio_pci not in the tree's module index (the lab's "vfio-pci made
# unavailable"): fails at step 3, after the audio steps, which roll back.
work "$F/acer-nvidia"
rm -f "$W"/lib/modules/*/kernel/fake/vfio-pci.ko
depmod -b "$W" 6.1.0-fake 2>/dev/null || /sbin/depmod -b "$W" 6.1.0-fake 2>/dev/null
cp -a "$W" "$TMP/before"
run_ov --root "$W" host prepare --state-dir "$S"
expect_rc 1 "prepare with vfio_pci missing from the module index fails"
check "... at the module load" grep -q "step 3 (load-module vfio_pci) failed" "$TMP/err"
check "... after two done steps" test "$(grep -c ': done$' "$TMP/out")" -eq 4
check "... the audio function bound back" grep -q "^  undo 3. bind 0000:01:00.1 snd_hda_intel: done" "$TMP/out"
check "... the GPU was never unbound" test -z "$(grep "unbind $GPU" "$TMP/out")"
same_tree "$TMP/before" "$W" "... and the rollback leaves the tree as it was"
rm -rf "$TMP/before"

# --- refusals: nothing changed, one line saying why ---
refuse() { # refuse FIXTURE PATTERN "what" ARGS...
	fx=$1 pat=$2 what=$3; shift 3
	work "$fx"
	run_ov --root "$W" host prepare --state-dir "$S" "$@"
	expect_rc 1 "$what: refused"
	expect_one_line_error "$what"
	if grep -q "refused, nothing changed: .*$pat" "$TMP/err"; then ok "$what: says why"; else
		not_ok "$what: says why"; diag "$(cat "$TMP/err")"; fi
	same_tree "$fx" "$W" "$what: nothing changed"
}
refuse "$HOSTS/desktop-shared-group" "IOMMU group 1 also holds 0000:02:00.0" "foreign endpoint in the group"
refuse "$F/acer-no-iommu" "has no IOMMU group: the IOMMU is off" "IOMMU off"
refuse "$F/acer-busy" "process 4242 (Xorg) holds /dev/nvidia" "/dev/nvidia* held"
refuse "$F/acer-display" "drives a connected display" "drives a display"
refuse "$F/acer-bootvga" "is the boot VGA device" "boot VGA" --gpu "$GPU"
refuse "$F/acer-bootvga" "is the boot VGA device" "boot VGA, dry run" --gpu "$GPU" --dry-run
# Without --gpu the dGPU is chosen from what it is (NVIDIA), so the boot-VGA
# dGPU is chosen and refused; the iGPU at 00:02.0 is never planned.
refuse "$F/acer-bootvga" "0000:01:00.0 is the boot VGA device" "boot-VGA dGPU, no --gpu"
check "boot-VGA dGPU: the iGPU 00:02.0 is not touched" sh -c '! grep -q "00:02.0" "$1" "$2"' - "$TMP/out" "$TMP/err"
run_ov --root "$F/acer-bootvga" doctor
expect_rc 3 "doctor, boot-VGA dGPU, no --gpu: blocked"
check "doctor names the NVIDIA GPU and why" grep -q "^FAIL  gpu-driver.*0000:01:00.0 is the boot VGA" "$TMP/out"

# Fail closed: a check that cannot read its input refuses. strace makes the
# one read fail with EACCES (root reads everything, so a chmod cannot).
# inject_refuse FIXTURE PATH PATTERN "what": PATH relative to the tree.
inject_refuse() {
	fx=$1 rel=$2 pat=$3 what=$4
	work "$fx"
	RC=0
	traced -f -o "$TMP/strace" -P "$W/$rel" -e trace=openat -e inject=openat:error=EACCES \
		"$OPTIVFIO" --root "$W" host prepare --state-dir "$S" >"$TMP/out" 2>"$TMP/err" || RC=$?
	expect_rc 1 "$what: refused"
	if grep -q "refused, nothing changed: .*$pat" "$TMP/err"; then ok "$what: says why"; else
		not_ok "$what: says why"; diag "$(cat "$TMP/err")"; fi
	check "$what: the read really failed" grep -q "EACCES (Permission denied) (INJECTED)" "$TMP/strace"
	same_tree "$fx" "$W" "$what: nothing changed"
}
if command -v strace >/dev/null 2>&1; then
	inject_refuse "$F/acer" "sys/bus/pci/devices/0000:01:00.0/boot_vga" \
		"cannot read whether 0000:01:00.0 is the boot VGA" "boot_vga unreadable"
	inject_refuse "$F/acer-display" "sys/class/drm" "cannot tell whether 0000:01:00.0 drives a display" \
		"/sys/class/drm unreadable"
	inject_refuse "$F/acer-display" "sys/class/drm/card1-DP-1/status" \
		"cannot tell whether 0000:01:00.0 drives a display" "a connector's status unreadable"
	inject_refuse "$F/acer-busy" "proc" "cannot tell whether a process holds" "/proc unreadable"
else
	skip "strace not installed: no fault injection"
fi
work "$F/acer-busy"
run_ov --root "$W" host reset --yes --state-dir "$S"
expect_rc 1 "reset refused while /dev/nvidia0 is held"
same_tree "$F/acer-busy" "$W" "refused reset changed nothing"
run_ov --root "$HOSTS/devbox-firecracker-virtio" host prepare --dry-run
expect_rc 1 "no dGPU: prepare fails"
check "... saying so" grep -q "no discrete GPU found" "$TMP/err"

# --- reset for real (emulated kernel) ---
work "$F/acer-nvidia"
run_ov --root "$W" host reset --yes --state-dir "$S"
expect_rc 0 "acer+nvidia: reset --yes"
check "all 15 steps done" test "$(grep -c ': done$' "$TMP/out")" -eq 15
check "GPU back on nvidia" test "$(basename "$(readlink "$W/sys/bus/pci/devices/$GPU/driver")")" = nvidia
check "audio back" test -e "$W/sys/bus/pci/devices/0000:01:00.1/config"
check "root port back" test -e "$W/sys/bus/pci/devices/0000:00:01.0/config"
check "IOMMU group links back" test -e "$W/sys/kernel/iommu_groups/1/devices/$GPU"
check "bbswitch back ON" grep -q "ON" "$W/proc/acpi/bbswitch"
check "no reset journal left" test ! -e "$S/reset-$GPU.json"
check "no emulation stash left" test ! -e "$W/.optivfio-fixture"
sort "$F/acer-nvidia/proc/modules" >"$TMP/m1"; sort "$W/proc/modules" >"$TMP/m2"
check "the same modules loaded as before" cmp -s "$TMP/m1" "$TMP/m2"
rm "$W/proc/modules"; cp "$F/acer-nvidia/proc/modules" "$W/proc/modules"
same_tree "$F/acer-nvidia" "$W" "reset leaves the tree as it was (module order aside)"

work "$F/acer"
run_ov --root "$W" host reset --yes --state-dir "$S"
expect_rc 0 "acer: reset --yes (runtime PM)"
check "power/control left on" test "$(cat "$W/sys/bus/pci/devices/$GPU/power/control")" = on

# A device that does not come back breaks the reset; the rollback rescans.
work "$F/acer"
printf '\377\377\377\377' >"$W/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/config"
run_ov --root "$W" host reset --yes --state-dir "$S"
expect_rc 1 "reset with a GPU reading all ones fails"
check "... at the power-on check" grep -q "config space reads all ones" "$TMP/err"

# --- JSON ---
run_ov --root "$F/acer" --json host prepare --dry-run
expect_json "$TMP/out" '[s["kind"] for s in d["steps"]]' \
	'["unbind", "set-driver-override", "set-driver-override", "drivers-probe"]' "json: step kinds"
expect_json "$TMP/out" 'd["dry_run"]' true "json: dry_run"
run_ov --root "$F/acer-nvidia" --json host reset --dry-run
expect_json "$TMP/out" 'd["power_method"]' bbswitch "json: power method"
work "$F/acer-novfio"
run_ov --root "$W" --json host prepare --state-dir "$S"
expect_json "$TMP/out" 'd["ok"]' false "json: failed run"
expect_json "$TMP/out" '[s["status"] for s in d["steps"]]' '["done", "done", "done", "FAILED"]' \
	"json: statuses"
expect_json "$TMP/out" 'len(d["rollback"])' 4 "json: rollback steps"

# --- usage ---
run_ov host
expect_rc 2 "host without an action"
run_ov host frobnicate
expect_rc 2 "host with an unknown action"
run_ov host prepare --gpu ../../x
expect_rc 2 "--gpu must be a BDF"
run_ov host prepare --help
expect_rc 0 "host --help"
done_testing
