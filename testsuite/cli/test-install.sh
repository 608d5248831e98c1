#!/bin/sh
# Installable: meson install into a DESTDIR gives a working tree (binary,
# man page, bash completion); the Debian package builds with
# dpkg-buildpackage and its binary runs from the unpacked .deb; the Arch
# PKGBUILD agrees with the project version. Nothing is installed on this
# machine: everything lands under $TMP.
. "$SRCDIR/testsuite/cli/lib.sh"
ACER="$HOSTS/acer-nitro5-an515-51"
version=$("$OPTIVFIO" --version | awk '{print $2}')

if meson install -C "$BUILDDIR" --no-rebuild --destdir "$TMP/dest" >"$TMP/install.log" 2>&1; then
	ok "meson install --destdir"
else
	not_ok "meson install --destdir"; diag "$(tail -5 "$TMP/install.log")"
fi
bin=$(find "$TMP/dest" -path '*/bin/optivfio' -type f | head -n1)
check "installed binary runs --version" sh -c "'$bin' --version | grep -q '^optivfio $version$'"
check "installed binary reads a fixture" sh -c "'$bin' --root '$ACER' list | grep -q 10de:1c8d"
check "man page installed" sh -c "find '$TMP/dest' -path '*/man1/optivfio.1*' | grep -q ."
comp=$(find "$TMP/dest" -path '*bash-completion/completions/optivfio' | head -n1)
check "bash completion installed" [ -n "$comp" ]

# The completion script, driven the way bash drives it.
if command -v bash >/dev/null && [ -n "$comp" ]; then
	out=$(PATH="$(dirname "$bin"):$PATH" bash -c '
		. "$1"
		COMP_WORDS=(optivfio gr); COMP_CWORD=1; _optivfio; echo "${COMPREPLY[*]}"
		COMP_WORDS=(optivfio --root "$2" groups --gpu 0000:01); COMP_CWORD=5; _optivfio; echo "${COMPREPLY[*]}"
		COMP_WORDS=(optivfio snapshot --o); COMP_CWORD=2; _optivfio; echo "${COMPREPLY[*]}"
	' _ "$comp" "$ACER" 2>&1)
	check "completion: commands" sh -c "echo '$out' | sed -n 1p | grep -qx groups"
	check "completion: BDFs under --root" sh -c "echo '$out' | sed -n 2p | grep -qx '0000:01:00.0 0000:01:00.1'"
	check "completion: options from --help" sh -c "echo '$out' | sed -n 3p | grep -qx -- --output"
fi

# PKGBUILD: sourced by bash the way makepkg does, its version must match.
check "PKGBUILD version matches" bash -c ". '$SRCDIR/contrib/arch/PKGBUILD' && [ \"\$pkgver\" = '$version' ] && [ \"\$pkgname\" = optivfio ]"
check "debian/changelog version matches" sh -c "head -n1 '$SRCDIR/debian/changelog' | grep -q '($version)'"

# Debian package from a copy of the tracked sources.
if command -v dpkg-buildpackage >/dev/null && [ -d "$SRCDIR/.git" ]; then
	mkdir -p "$TMP/deb/optivfio-$version"
	(cd "$SRCDIR" && git ls-files -z | xargs -0 tar cf - --no-recursion) |
		tar xf - -C "$TMP/deb/optivfio-$version"
	# The committed tree plus any uncommitted edits of tracked files.
	if (cd "$TMP/deb/optivfio-$version" &&
	    DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$TMP/deb.log" 2>&1; then
		ok "dpkg-buildpackage -us -uc -b"
	else
		not_ok "dpkg-buildpackage -us -uc -b"; diag "$(tail -15 "$TMP/deb.log")"
	fi
	deb=$(ls "$TMP"/deb/optivfio_"$version"_*.deb 2>/dev/null | head -n1)
	check ".deb produced" [ -n "$deb" ]
	if [ -n "$deb" ]; then
		dpkg-deb -x "$deb" "$TMP/debroot"
		check ".deb ships the binary, man page, completion" sh -c "
			[ -x '$TMP/debroot/usr/bin/optivfio' ] &&
			[ -f '$TMP/debroot/usr/share/man/man1/optivfio.1.gz' ] &&
			[ -f '$TMP/debroot/usr/share/bash-completion/completions/optivfio' ]"
		check ".deb binary: --version" sh -c "'$TMP/debroot/usr/bin/optivfio' --version | grep -q '^optivfio $version$'"
		check ".deb binary: --root fixture list" sh -c "'$TMP/debroot/usr/bin/optivfio' --root '$ACER' list | grep -q 10de:1c8d"
		check ".deb depends on its libraries" sh -c "dpkg-deb -f '$deb' Depends | grep -q libpci3"
	fi
else
	skip "dpkg-buildpackage not installed or not a git checkout"
fi
done_testing
