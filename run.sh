#!/bin/sh
# The main job: build optivfio and run `optivfio setup`, the whole pipeline
# (checks, ROM, ACPI tables, VM configuration, host plan; nothing on the host
# is changed). On a machine without an NVIDIA laptop GPU it runs on the
# bundled example host, the seed's Acer Nitro 5 AN515-51, with its
# (synthetic) ROM and an example virt-manager domain.
#   ./run.sh [DIR]     results in DIR (default build/setup-out, replaced)
# It installs only the build packages (scripts/install-deps run) and writes
# only under build/: the program is built in build/run without the tests
# (so no test library is needed), the results go to DIR.
set -eu
cd "$(dirname "$0")"
scripts/install-deps --check run || scripts/install-deps run
[ -f build/run/build.ninja ] || meson setup build/run -Dtests=false >/dev/null
meson compile -C build/run >/dev/null || { meson compile -C build/run; exit 1; }

ov=build/run/tools/optivfio
out=${1:-build/setup-out}
rm -rf "$out"
# The ACPI tables depend on the VM's QEMU version, which setup asks the
# installed QEMU for. QEMU is not a package the main job installs: without
# it, the tables are made for Debian 12's QEMU.
qemu=""
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "QEMU is not installed here: the tables are made for QEMU 7.2 (Debian 12's);"
	echo "for another QEMU run: $ov setup --qemu-version X.Y -o DIR"
	echo
	qemu="--qemu-version 7.2"
fi
# An NVIDIA dGPU here? (the groups JSON names it; see optivfio(1))
if $ov --json groups 2>/dev/null | tr -d ' \n' |
	grep -q '"dgpu":{"bdf":"[^"]*","vendor_id":"10de"'; then
	# shellcheck disable=SC2086
	$ov setup $qemu -o "$out"
else
	echo "No NVIDIA laptop GPU here: running on the bundled example host"
	echo "(testsuite/hosts/acer-nitro5-an515-51) with an example libvirt domain."
	echo
	# shellcheck disable=SC2086
	$ov --root testsuite/hosts/acer-nitro5-an515-51 setup $qemu \
		--domain-xml testsuite/vm/domains/win11-virt-manager.xml -o "$out"
fi
