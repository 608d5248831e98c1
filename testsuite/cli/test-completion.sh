#!/bin/sh
# bash completion (issue 15 point 5): what it offers after "--" is exactly
# what the command accepts, read here from the getopt tables in tools/*.c
# (the completion itself reads the --help texts), plus the global options
# that optivfio takes after any command; the values it offers are accepted
# by the command and a made-up one is refused.
. "$SRCDIR/testsuite/cli/lib.sh"
command -v bash >/dev/null || { skip "bash not installed"; done_testing; exit; }

# complete WORDS...: what _optivfio offers for the last word, one per line.
complete_words() {
	PATH="$(dirname "$OPTIVFIO"):$PATH" bash -c '
		. "$1/completion/optivfio.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_optivfio 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"' sh "$SRCDIR" optivfio "$@" | grep -v '^$' | sort -u
}

# The long options of table N in FILE, with the global ones, as "--name" lines.
accepted() {
	python3 - "$SRCDIR/tools/$1" "$2" "${3:-}" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
tables = re.findall(r'struct option\s+\w+\[\]\s*=\s*\{(.*?)\n\s*\};', src, re.S)
names = set(re.findall(r'\{\s*"([a-z0-9-]+)"', tables[int(sys.argv[2])]))
names -= set(sys.argv[3].split())
names |= {"root", "json", "verbose", "quiet", "help"}
print("\n".join(sorted("--" + n for n in names)))
PY
}

# offers "what" TABLE-FILE INDEX "EXCLUDED" WORDS...
offers() {
	what=$1 file=$2 index=$3 excluded=$4; shift 4
	accepted "$file" "$index" "$excluded" >"$TMP/want"
	complete_words "$@" -- >"$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then ok "$what: offers exactly what it accepts"
	else not_ok "$what: offers differ from what it accepts"
		diag "$(diff "$TMP/want" "$TMP/got" | grep '^[<>]')"; fi
}

offers "list" cmd-host.c 0 "" list
offers "groups" cmd-host.c 1 "" groups
offers "snapshot" cmd-host.c 2 "" snapshot
offers "doctor" cmd-plan-doctor.c 0 "" doctor
offers "guest check" cmd-guest.c 0 "" guest check
offers "hook install" cmd-plan-hook.c 0 "" hook install
offers "hook uninstall" cmd-plan-hook.c 0 "domain gpu state-dir libvirt-version" hook uninstall
offers "host prepare" cmd-plan.c 0 "yes" host prepare
offers "host release" cmd-plan.c 0 "yes" host release
offers "host reset" cmd-plan.c 0 "" host reset
offers "rom info" cmd-rom.c 0 "" rom info
offers "rom strip" cmd-rom.c 1 "" rom strip
offers "rom dump" cmd-rom-dump.c 0 "" rom dump
offers "ssdt" cmd-ssdt.c 0 "" ssdt
offers "setup" cmd-setup.c 0 "" setup
# vm's three share one getopt table; each refuses the others' own options
# (checked here: exit 2), and its help and completion leave them out.
qemu_only="name memory cpus ovmf-code ovmf-vars disk cdrom"
libvirt_only="domain-xml output remove libvirt-version"
for sub in libvirt qemu proxmox; do
	case $sub in
	libvirt) not_here="$qemu_only vmid" ;;
	qemu) not_here="$libvirt_only vmid" ;;
	proxmox) not_here="$libvirt_only $qemu_only" ;;
	esac
	for opt in $not_here; do
		RC=0
		"$OPTIVFIO" vm "$sub" "--$opt" x >/dev/null 2>&1 || RC=$?
		[ "$opt" = remove ] && { RC=0; "$OPTIVFIO" vm "$sub" --remove >/dev/null 2>&1 || RC=$?; }
		[ "$RC" -eq 2 ] || { not_ok "vm $sub refuses --$opt (exit $RC)"; continue; }
	done
	offers "vm $sub" cmd-vm.c 0 "$not_here" vm "$sub"
done

# The issue's cases by name.
complete_words host prepare -- >"$TMP/got"
check "host prepare --: no --gpu-reset (a word of a sentence)" sh -c "! grep -qx -- --gpu-reset '$TMP/got'"
check "host prepare --: --json and --root offered (accepted after the command)" \
	sh -c "grep -qx -- --json '$TMP/got' && grep -qx -- --root '$TMP/got'"
run_ov host prepare --root "$HOSTS/acer-nitro5-an515-51" --dry-run --json
expect_rc 0 "... and host prepare accepts them"

complete_words "" >"$TMP/got"
"$OPTIVFIO" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort >"$TMP/want"
check "the commands of optivfio --help" cmp -s "$TMP/want" "$TMP/got"
complete_words host "" >"$TMP/got"
check "host: prepare release reset" test "$(echo $(cat "$TMP/got"))" = "prepare release reset"
complete_words snapshot "" >"$TMP/got"
check "snapshot: no '-o' taken for an action" sh -c "! grep -qx -- -o '$TMP/got'"

# Values: the command refuses none of those offered the way it refuses a
# made-up one (whatever else then fails, e.g. a missing --rom), and it does
# refuse the made-up one with exit 2.
ACER="$HOSTS/acer-nitro5-an515-51"
# values "WANTED" OPTION WORDS-BEFORE... -- COMMAND-ARGS-TO-TRY...
values() {
	want=$1 opt=$2; shift 2
	words=""; while [ "$1" != -- ]; do words="${words:+$words }$1"; shift; done; shift
	got=$(complete_words $words "$opt" "" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then ok "$words $opt: offers '$want'"
	else not_ok "$words $opt: offers '$got', wanted '$want'"; fi
	rm -rf "$TMP/o"
	run_ov --root "$ACER" $words "$opt" made-up-value "$@"
	expect_rc 2 "$words $opt made-up-value refused"
	refusal=$(head -n1 "$TMP/err")
	for v in $got; do
		rm -rf "$TMP/o"
		run_ov --root "$ACER" $words "$opt" "$v" "$@"
		if [ "$(head -n1 "$TMP/err")" != "$(echo "$refusal" | sed "s/made-up-value/$v/g")" ]
		then ok "$words $opt $v accepted (exit $RC)"
		else not_ok "$words $opt $v refused like a made-up value"; diag "$(cat "$TMP/err")"; fi
	done
}
values "embed fwcfg" --mode ssdt -- -o "$TMP/o"
values "mirror proxmox" --layout ssdt -- -o "$TMP/o"
values "pc q35" --machine ssdt -- -o "$TMP/o"
values "off on" --bridge-hotplug ssdt -- -o "$TMP/o"
values "absent none present" --battery ssdt -- -o "$TMP/o"
values "acpi auto sysfs" --from rom dump -- -o "$TMP/o"
values "auto off on" --hide-hypervisor vm qemu -- --ovmf-code /dev/null --ovmf-vars /dev/null
values "absent none present" --battery setup -- -o "$TMP/o"
values "embed fwcfg" --mode setup -- -o "$TMP/o"
values "absent present" --battery guest check --

complete_words --root "$ACER" doctor --gpu "" >"$TMP/got"
ls "$ACER/sys/bus/pci/devices" | sort >"$TMP/want"
check "--gpu: the BDFs under --root" cmp -s "$TMP/want" "$TMP/got"

done_testing
