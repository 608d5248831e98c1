#!/usr/bin/env python3
"""Run an e2e scenario; if it fails, run it once more and say so.

    once-more.py COMMAND...

Nested TCG -> KVM guests on a shared 2-core machine stall now and then (a
`virsh start` that never returns in one of five CI runs of
libvirt-optivfio, the same commit passing in 132 s before). A failure that
repeats is a failure; one that does not is reported, never hidden: the
first attempt's failures and last lines are printed as TAP diagnostics
("# first attempt (exit N) failed: ...") before the second attempt's TAP.
"""
import subprocess
import sys


def main():
    first = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True)
    if first.returncode == 0:
        sys.stdout.write(first.stdout)
        return 0
    failed = [l for l in first.stdout.splitlines() if l.startswith("not ok")]
    print("# first attempt (exit %d) failed: %s" % (first.returncode, "; ".join(failed[:5])))
    for line in first.stdout.splitlines()[-60:]:
        print("#   first| " + line)
    sys.stdout.flush()
    again = subprocess.run(sys.argv[1:])
    return again.returncode


if __name__ == "__main__":
    sys.exit(main())
