#!/bin/sh
# The Arch package builds the way the AUR builds it: contrib/arch/srcpkg
# makes the `meson dist` tarball (git HEAD) and the PKGBUILD beside it with
# the tarball's sha256; Debian's makepkg verifies the checksum, builds with
# plain meson, runs check() and packages. makepkg refuses root: as root the
# test runs it as the user nobody (setpriv: uid, gid and groups dropped, no
# new privileges, a clean environment) in a directory under $TMP that only
# it owns. A control run with a wrong checksum must be refused. Then the
# package's contents: bin/optivfio (runs), the man page, the completion.
. "$SRCDIR/testsuite/cli/lib.sh"
ACER="$HOSTS/acer-nitro5-an515-51"
version=$("$OPTIVFIO" --version | awk '{print $2}')
PKGBUILD="$SRCDIR/contrib/arch/PKGBUILD"

# What the PKGBUILD says, read the way makepkg reads it (bash).
check "PKGBUILD: source is the meson dist tarball" bash -c "
	. '$PKGBUILD' && [ \"\${source[*]}\" = 'optivfio-$version.tar.xz' ] &&
	[ \${#sha256sums[@]} -eq 1 ] && [ \"\$pkgver\" = '$version' ]"
check "PKGBUILD: plain meson setup/compile/install, no Arch-only helper" bash -c "
	. '$PKGBUILD' && body=\$(declare -f build check package) &&
	echo \"\$body\" | grep -q 'meson setup' && echo \"\$body\" | grep -q 'meson compile' &&
	echo \"\$body\" | grep -q 'meson install' &&
	! echo \"\$body\" | grep -q 'arch-meson\|startdir\|\.\./\.\.'"
check "PKGBUILD: url is a real https address" bash -c "
	. '$PKGBUILD' && case \"\$url\" in https://*.invalid*|https://example.*|'') false ;; https://*) true ;; *) false ;; esac"

if ! command -v makepkg >/dev/null || ! command -v bsdtar >/dev/null || ! git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	skip "makepkg or bsdtar (libarchive-tools) not installed, or not a git checkout"
	done_testing
	exit
fi

# as_builder CMD...: CMD as this user, or as nobody when this is root.
chmod 755 "$TMP"
mkdir "$TMP/arch"
if [ "$(id -u)" -eq 0 ]; then
	chown nobody:nogroup "$TMP/arch"
	as_builder() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs \
			env -i PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C "$@"
	}
else
	as_builder() { env -i PATH=/usr/bin:/bin HOME="$HOME" LC_ALL=C "$@"; }
fi
if ! as_builder test -w "$TMP/arch"; then
	skip "the builder cannot reach $TMP/arch (a parent directory closed to nobody?)"
	done_testing
	exit
fi

if "$SRCDIR/contrib/arch/srcpkg" "$BUILDDIR" "$TMP/src" >"$TMP/srcpkg.log" 2>&1; then
	ok "contrib/arch/srcpkg: meson dist tarball and PKGBUILD"
else
	not_ok "contrib/arch/srcpkg"; diag "$(cat "$TMP/srcpkg.log")"
fi
tarball="$TMP/src/optivfio-$version.tar.xz"
sum=$(sha256sum "$tarball" 2>/dev/null | cut -d' ' -f1)
check "PKGBUILD's sha256sums is the tarball's sha256" \
	grep -qx "sha256sums=('$sum')" "$TMP/src/PKGBUILD"
check ".SRCINFO names the tarball and its sha256" sh -c "
	grep -qx '	source = optivfio-$version.tar.xz' '$TMP/src/.SRCINFO' &&
	grep -qx '	sha256sums = $sum' '$TMP/src/.SRCINFO'"
check "the tarball is a meson dist of this project" sh -c "
	tar tJf '$tarball' | grep -qx 'optivfio-$version/meson.build'"

# Control: a checksum that is not the tarball's is refused before any build.
mkdir "$TMP/arch/bad"
cp "$tarball" "$TMP/arch/bad/"
sed "s/^sha256sums=.*/sha256sums=('$(printf '%064d' 0)')/" "$TMP/src/PKGBUILD" >"$TMP/arch/bad/PKGBUILD"
[ "$(id -u)" -ne 0 ] || chown -R nobody:nogroup "$TMP/arch/bad"
RC=0
(cd "$TMP/arch/bad" && as_builder makepkg --verifysource --nodeps) >"$TMP/bad.log" 2>&1 || RC=$?
if [ "$RC" -ne 0 ] && grep -q 'optivfio-.*FAILED' "$TMP/bad.log"; then
	ok "control: makepkg refuses a tarball whose sha256 is not the PKGBUILD's (exit $RC)"
else
	not_ok "control: makepkg took a wrong checksum (exit $RC)"; diag "$(cat "$TMP/bad.log")"
fi

# The build: checksum, build(), check(), package().
mkdir "$TMP/arch/ok"
cp "$tarball" "$TMP/src/PKGBUILD" "$TMP/arch/ok/"
[ "$(id -u)" -ne 0 ] || chown -R nobody:nogroup "$TMP/arch/ok"
RC=0
(cd "$TMP/arch/ok" && as_builder makepkg --nodeps --noconfirm) >"$TMP/makepkg.log" 2>&1 || RC=$?
if [ "$RC" -eq 0 ]; then ok "makepkg --nodeps: built, checked and packaged"; else
	not_ok "makepkg --nodeps: exit $RC"; diag "$(tail -30 "$TMP/makepkg.log")"; fi
check "makepkg verified the sha256" grep -q 'optivfio-.*\.tar\.xz \.\.\. Passed' "$TMP/makepkg.log"
check "makepkg ran check() (the unit tests)" grep -q '==> Starting check()' "$TMP/makepkg.log"
diag "$(grep '^==>' "$TMP/makepkg.log")"

pkg=$(find "$TMP/arch/ok" -maxdepth 1 -name "optivfio-$version-*-x86_64.pkg.tar*" | head -n1)
check "package made" [ -n "$pkg" ]
mkdir "$TMP/root"
[ -z "$pkg" ] || bsdtar -xf "$pkg" -C "$TMP/root"
check "package: usr/bin/optivfio" [ -x "$TMP/root/usr/bin/optivfio" ]
check "package: man page" [ -f "$TMP/root/usr/share/man/man1/optivfio.1.gz" ]
check "package: bash completion" [ -f "$TMP/root/usr/share/bash-completion/completions/optivfio" ]
check "package: .PKGINFO names optivfio $version" sh -c "
	grep -qx 'pkgname = optivfio' '$TMP/root/.PKGINFO' && grep -qx 'pkgver = $version-1' '$TMP/root/.PKGINFO'"
check "package: nothing outside usr/" sh -c "
	cd '$TMP/root' && [ -z \"\$(ls -A | grep -vx '\\.BUILDINFO\|\\.MTREE\|\\.PKGINFO\|usr')\" ]"
check "packaged binary: --version" sh -c "'$TMP/root/usr/bin/optivfio' --version | grep -qx 'optivfio $version'"
check "packaged binary: --root fixture list" sh -c "'$TMP/root/usr/bin/optivfio' --root '$ACER' list | grep -q 10de:1c8d"
done_testing
