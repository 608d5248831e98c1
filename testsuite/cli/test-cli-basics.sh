#!/bin/sh
# Global options, help, version and usage errors (design.md §2).
. "$SRCDIR/testsuite/cli/lib.sh"

run_ov --version
expect_rc 0 "--version"
check "--version prints the version" grep -q '^optivfio [0-9]' "$TMP/out"

run_ov --help
expect_rc 0 "--help"
for c in list groups snapshot rom ssdt vm; do
	check "--help lists $c" grep -q "^  $c " "$TMP/out"
done

run_ov
expect_rc 2 "no command"

run_ov frobnicate
expect_rc 2 "unknown command"
expect_one_line_error "unknown command"

run_ov --no-such-option list
expect_rc 2 "unknown global option"

run_ov --root /nonexistent/optivfio list
expect_rc 1 "--root that does not exist"
expect_one_line_error "--root that does not exist"
check "--root error names the directory" grep -q '/nonexistent/optivfio' "$TMP/err"

run_ov --root /etc/hostname list
expect_rc 1 "--root that is a file"
expect_one_line_error "--root that is a file"

done_testing
