#!/bin/sh
# hook install|uninstall under --root: the qemu.d layout (libvirt >= 6.5)
# and the single qemu file (older), only the named domains, never replacing
# a hook that is not ours, uninstall removing only ours.
. "$SRCDIR/testsuite/cli/lib.sh"
R="$TMP/root"
mkdir -p "$R"
NEW="$R/etc/libvirt/hooks/qemu.d/optivfio"
OLD="$R/etc/libvirt/hooks/qemu"

run_ov --root "$R" hook install --domain win10 --domain gaming-vm --gpu 01:00.0
expect_rc 0 "install (default layout under --root: >= 6.5)"
check "qemu.d/optivfio written" test -f "$NEW"
check "executable (libvirt runs it directly)" test -x "$NEW"
check "no qemu dispatcher for new libvirt" test ! -e "$OLD"
check "has the marker line" grep -qx "# optivfio-hook: written by 'optivfio hook install'" "$NEW"
check "valid sh" sh -n "$NEW"
check "only the named domains" grep -qx "'win10'|'gaming-vm') ;;" "$NEW"
check "prepare at prepare/begin" grep -q "^prepare/begin) exec '.*optivfio' host prepare --gpu 01:00.0 ;;" "$NEW"
check "release at release/end" grep -q "^release/end) exec '.*optivfio' host release --gpu 01:00.0 ;;" "$NEW"
# Another domain, or another phase: the hook does nothing and succeeds.
check "other domain: exit 0, no action" sh "$NEW" otherdomain prepare begin - </dev/null
check "named domain, other phase: exit 0" sh "$NEW" win10 started begin - </dev/null

run_ov --root "$R" hook install --domain win11
expect_rc 0 "re-install over our own hook"
check "domains replaced" grep -qx "'win11') ;;" "$NEW"

run_ov --root "$R" hook uninstall
expect_rc 0 "uninstall"
check "ours removed" test ! -e "$NEW"
run_ov --root "$R" hook uninstall
expect_rc 1 "uninstall with nothing installed"
expect_one_line_error "uninstall with nothing installed"

# A foreign hook in our place: refused, untouched.
mkdir -p "$(dirname "$NEW")"
printf '#!/bin/sh\n# somebody else\nexit 0\n' >"$NEW"
cp "$NEW" "$TMP/foreign"
run_ov --root "$R" hook install --domain win10
expect_rc 1 "install refuses to replace a foreign qemu.d/optivfio"
expect_one_line_error "foreign hook"
check "... says it is not ours" grep -q "exists and is not optivfio's" "$TMP/err"
check "foreign hook untouched" cmp -s "$NEW" "$TMP/foreign"
run_ov --root "$R" hook uninstall
expect_rc 1 "uninstall finds nothing of ours"
check "foreign hook still untouched" cmp -s "$NEW" "$TMP/foreign"
rm "$NEW"

# Old libvirt: the qemu file itself; a foreign one is not replaced.
run_ov --root "$R" hook install --domain win10 --libvirt-version 6.0
expect_rc 0 "install for libvirt 6.0"
check "hooks/qemu written" test -x "$OLD"
check "not in qemu.d" test ! -e "$NEW"
check "hooks/qemu is ours" grep -q "^# optivfio-hook:" "$OLD"
run_ov --root "$R" hook install --domain win10 --libvirt-version 6.5
expect_rc 0 "install for libvirt 6.5 beside it"
check "qemu.d/optivfio written" test -x "$NEW"
printf '#!/bin/sh\n# my dispatcher\n' >"$TMP/foreign2"
run_ov --root "$R" hook uninstall
expect_rc 0 "uninstall removes both of ours"
check "both gone" test ! -e "$OLD" -a ! -e "$NEW"
cp "$TMP/foreign2" "$OLD"
run_ov --root "$R" hook install --domain win10 --libvirt-version 5.10
expect_rc 1 "old layout refuses a foreign hooks/qemu"
check "foreign hooks/qemu untouched" cmp -s "$OLD" "$TMP/foreign2"
run_ov --root "$R" hook install --domain win10 --libvirt-version 7.0
expect_rc 0 "new layout installs beside a foreign hooks/qemu"
run_ov --root "$R" hook uninstall
expect_rc 0 "uninstall"
check "... leaves the foreign hooks/qemu" cmp -s "$OLD" "$TMP/foreign2"
check "... and says so" grep -q "Left alone (not ours): /etc/libvirt/hooks/qemu" "$TMP/out"

# Usage
run_ov --root "$R" hook install
expect_rc 2 "install without --domain"
run_ov --root "$R" hook install --domain "a;rm -rf /"
expect_rc 1 "a domain name that is not shell-safe is refused"
check "... and nothing written" test ! -e "$NEW"
run_ov --root "$R" hook install --domain x --libvirt-version banana
expect_rc 2 "bad --libvirt-version"
run_ov --root "$R" hook frob
expect_rc 2 "unknown hook action"
run_ov hook --help
expect_rc 0 "hook --help"
done_testing
