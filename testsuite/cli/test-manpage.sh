#!/bin/sh
# The man page renders without groff warnings and documents every command
# that `optivfio --help` lists.
. "$SRCDIR/testsuite/cli/lib.sh"
MAN="$SRCDIR/man/optivfio.1"

if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww -z "$MAN" 2>"$TMP/warn"
	if [ ! -s "$TMP/warn" ]; then ok "man page renders cleanly"; else
		not_ok "man page has groff warnings"; diag "$(cat "$TMP/warn")"; fi
else
	skip "groff not installed"
fi
run_ov --help
for c in $(sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' "$TMP/out"); do
	check "man page documents '$c'" grep -q "^\.SS $c" "$MAN"
done
done_testing
