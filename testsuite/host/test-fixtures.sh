#!/bin/sh
# The committed fixture trees are what make-fixtures.py writes (no drift).
. "$SRCDIR/testsuite/cli/lib.sh"
python3 "$HOSTS/make-fixtures.py" "$TMP/gen"
for h in "$TMP"/gen/*/; do
	n=$(basename "$h")
	if diff -r --no-dereference "$h" "$HOSTS/$n" >"$TMP/diff" 2>&1; then
		ok "$n: committed tree matches make-fixtures.py"
	else
		not_ok "$n: committed tree drifted from make-fixtures.py"; diag "$(head -20 "$TMP/diff")"
	fi
done
done_testing
