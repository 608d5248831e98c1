#!/bin/sh
# The main job: build optivfio and run `optivfio setup`, the whole pipeline
# (checks, ROM, ACPI tables, VM configuration, host plan; nothing on the host
# is changed). On a machine without an NVIDIA laptop GPU it runs on the
# bundled example host, the seed's Acer Nitro 5 AN515-51, with its
# (synthetic) ROM and an example virt-manager domain.
#   ./run.sh [DIR]     results in DIR (default build/setup-out, replaced)
set -eu
cd "$(dirname "$0")"
scripts/install-deps --check || scripts/install-deps
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null || { meson compile -C build; exit 1; }

ov=build/tools/optivfio
out=${1:-build/setup-out}
rm -rf "$out"
# An NVIDIA dGPU here? (the groups JSON names it; see optivfio(1))
if $ov --json groups 2>/dev/null | tr -d ' \n' |
	grep -q '"dgpu":{"bdf":"[^"]*","vendor_id":"10de"'; then
	$ov setup -o "$out"
else
	echo "No NVIDIA laptop GPU here: running on the bundled example host"
	echo "(testsuite/hosts/acer-nitro5-an515-51) with an example libvirt domain."
	echo
	$ov --root testsuite/hosts/acer-nitro5-an515-51 setup \
		--domain-xml testsuite/vm/domains/win11-virt-manager.xml -o "$out"
fi
