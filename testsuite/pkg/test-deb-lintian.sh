#!/bin/sh
# The Debian package passes lintian: it is built (source and binary, with
# the unit tests, as a Debian build would) from a copy of this checkout's
# files, and lintian --pedantic runs on the .changes (source package, .deb,
# dbgsym, .buildinfo). Any E:, any W: that no override in
# debian/optivfio.lintian-overrides explains, and any override that is
# unused or has no reason fail. A control run shows that the judgement
# catches an error: the same .deb repacked with the old maintainer address
# on localhost must fail with bogus-mail-host. Nothing is installed: all
# lands under $TMP.
. "$SRCDIR/testsuite/cli/lib.sh"
version=$("$OPTIVFIO" --version | awk '{print $2}')

if ! command -v dpkg-buildpackage >/dev/null || ! command -v lintian >/dev/null ||
   ! git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	skip "dpkg-buildpackage or lintian not installed, or not a git checkout"
	done_testing
	exit
fi

# judge FILE: lintian's output in FILE is clean (exit 0), or why not on stdout.
judge() {
	grep '^E: ' "$1" || true
	grep '^W: ' "$1" || true
	grep -E '^[A-Z]: .*(unused-override|mismatched-override)' "$1" || true
}

# The files of the checkout (tracked and new ones not ignored, as the meson
# build sees them), copied with the uncommitted edits.
src="$TMP/deb/optivfio-$version"
mkdir -p "$src"
(cd "$SRCDIR" && git ls-files -z -co --exclude-standard | xargs -0 -r sh -c '
	for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
	xargs -0 tar cf - --no-recursion) | tar xf - -C "$src"
if (cd "$src" && DEB_BUILD_OPTIONS="parallel=2" dpkg-buildpackage -us -uc) >"$TMP/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc (source and binary, unit tests run)"
else
	not_ok "dpkg-buildpackage -us -uc"; diag "$(tail -20 "$TMP/build.log")"
fi
changes="$TMP/deb/optivfio_${version}_$(dpkg --print-architecture).changes"
deb=$(ls "$TMP"/deb/optivfio_"$version"_*.deb 2>/dev/null | head -n1)
check ".changes and .deb made" [ -f "$changes" -a -n "$deb" ]
check ".changes lists the source package and the .deb" sh -c "
	grep -q ' optivfio_$version.dsc\$' '$changes' && grep -q ' $(basename "${deb:-none}")\$' '$changes'"

diag "$(lintian --version)"
RC=0
lintian --pedantic -I --show-overrides --fail-on error,warning "$changes" >"$TMP/lintian.txt" 2>"$TMP/lintian.err" || RC=$?
grep -v '^running with root privileges' "$TMP/lintian.err" >>"$TMP/lintian.txt" || true
diag "lintian --pedantic -I --show-overrides --fail-on error,warning (exit $RC):"
diag "$(cat "$TMP/lintian.txt")"
bad=$(judge "$TMP/lintian.txt")
if [ -z "$bad" ] && [ "$RC" -eq 0 ]; then
	ok "lintian: no E:, no unexplained W:, no stale override"
else
	not_ok "lintian: exit $RC"; diag "$bad"
fi
check "lintian checked the .deb (it names no missing file)" sh -c "! grep -qi 'cannot\|no such file' '$TMP/lintian.txt'"
check "maintainer address: the project's own, on the reserved .invalid domain" sh -c "
	dpkg-deb -f '$deb' Maintainer | grep -qx 'optivfio developers <optivfio@optivfio.invalid>'"

# Every override says why, on comment lines right above it, and ships.
ov="$SRCDIR/debian/optivfio.lintian-overrides"
if [ -f "$ov" ]; then
	check "every lintian override has its reason above it" awk '
		/^#/ { why = 1; next } /^[[:space:]]*$/ { why = 0; next }
		{ if (!why) { print "no reason: " $0; bad = 1 } }
		END { exit bad }' "$ov"
	check "the overrides are in the .deb" sh -c "
		dpkg-deb -c '$deb' | grep -q ' ./usr/share/lintian/overrides/optivfio\$'"
else
	ok "no lintian overrides: nothing to explain"
fi

# Control: the judgement fails on a package lintian finds wrong.
mkdir -p "$TMP/bad"
dpkg-deb -R "$deb" "$TMP/bad/root"
sed -i 's/^Maintainer: .*/Maintainer: optivfio developers <optivfio@localhost>/' "$TMP/bad/root/DEBIAN/control"
dpkg-deb -b --root-owner-group "$TMP/bad/root" "$TMP/bad/optivfio_${version}_bad.deb" >/dev/null
lintian "$TMP/bad/optivfio_${version}_bad.deb" >"$TMP/bad.txt" 2>/dev/null || true
ctl=$(judge "$TMP/bad.txt")
if echo "$ctl" | grep -q '^E: optivfio: bogus-mail-host Maintainer optivfio@localhost'; then
	ok "control: judge catches a maintainer on localhost (E: bogus-mail-host)"
else
	not_ok "control: judge passed a maintainer on localhost"; diag "$(cat "$TMP/bad.txt")"
fi
done_testing
