#!/bin/sh
# The main job on this machine: build optivfio and show what it sees of the
# host a GPU passthrough needs. On a machine without an NVIDIA laptop GPU it
# runs on the bundled example host (the Acer Nitro 5 AN515-51 of the seed).
set -eu
cd "$(dirname "$0")"
scripts/install-deps --check || scripts/install-deps
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null || { meson compile -C build; exit 1; }

ov=build/tools/optivfio
root=
# An NVIDIA dGPU here? (the groups JSON names it; see optivfio(1))
if ! $ov --json groups 2>/dev/null | tr -d ' \n' |
	grep -q '"dgpu":{"bdf":"[^"]*","vendor_id":"10de"'; then
	root="--root testsuite/hosts/acer-nitro5-an515-51"
	echo "No NVIDIA laptop GPU here: showing the bundled example host ($root)."
	echo
fi
# shellcheck disable=SC2086
$ov $root list
echo
# shellcheck disable=SC2086
$ov $root groups
