#!/usr/bin/env python3
"""Crash and error campaign over host prepare, release and reset (fixture mode).

For each command and each syscall that changes something on disk (write,
rename, unlink, symlink, mkdir, rmdir, link, fsync, ftruncate and their *at
forms), in a fresh copy of the fixture host:
  - crash: strace kills optivfio with SIGKILL right before that syscall;
  - error: strace makes that syscall fail with EIO.
Then ONE more optivfio command, the same one again, must leave the tree in
the original state or in the intended one (what a clean run of the command
gives). Trees are compared byte for byte, symlink targets included, without
the state directory (which lives outside the tree).

    fault_campaign.py --optivfio BIN [FIXTURES_DIR]   (TAP; a summary per command)

Without FIXTURES_DIR the fixture hosts are made by make-plan-fixtures.py.

The figures line per command: points tried, recovered (original or
intended), lost (anything else: a test failure).
"""
import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

MUTATING = ["write", "pwrite64", "rename", "renameat", "renameat2", "unlink", "unlinkat",
            "symlink", "symlinkat", "mkdir", "mkdirat", "rmdir", "link", "linkat", "fsync",
            "fdatasync", "ftruncate"]
GPU = "0000:01:00.0"
WORKERS = max(1, min(4, os.cpu_count() or 1))


def tree_snapshot(root):
    """{relative path: ('l', target) | ('f', bytes) | ('d',)} of a tree."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("l", os.readlink(p))
                if name in dirnames:
                    dirnames.remove(name)
            elif os.path.isdir(p):
                out[rel] = ("d",)
            else:
                with open(p, "rb") as f:
                    out[rel] = ("f", f.read())
    return out


def diff(a, b):
    keys = sorted(set(a) | set(b))
    return [k for k in keys if a.get(k) != b.get(k)]


class Campaign:
    def __init__(self, optivfio, work):
        self.optivfio = optivfio
        self.work = work
        self.n = 0
        self.failed = 0

    def tap(self, ok, what, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, what))
        if not ok:
            self.failed += 1
            for line in (diag or "").splitlines()[:15]:
                print("# " + line)
        sys.stdout.flush()

    def fresh(self, base, slot="0"):
        w = os.path.join(self.work, "w" + slot)
        s = os.path.join(self.work, "s" + slot)
        for d in (w, s):
            if os.path.exists(d):
                shutil.rmtree(d)
        shutil.copytree(base, w, symlinks=True)
        if os.path.isdir(base + ".state"):
            shutil.copytree(base + ".state", s, symlinks=True)
        return w, s

    def cmd(self, w, s, action):
        argv = [self.optivfio, "--root", w, "host", action, "--state-dir", s]
        return argv + (["--yes"] if action == "reset" else [])

    def run(self, argv, strace=None):
        env = dict(os.environ, OPTIVFIO_LOCK_WAIT="2")
        if strace:
            argv = ["strace", "-f", "-o", "/dev/null", "-e", "trace=" + ",".join(MUTATING),
                    "-e", strace] + argv
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, env=env, text=True)

    def count_points(self, base, action):
        """[(syscall, n)]: every call of a mutating syscall, in per-name order
        (strace's when=N counts each syscall name on its own)."""
        w, s = self.fresh(base)
        log = os.path.join(self.work, "count.log")
        argv = ["strace", "-f", "-o", log, "-e", "trace=" + ",".join(MUTATING)] + \
            self.cmd(w, s, action)
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen, points = {}, []
        with open(log) as f:
            for line in f:
                parts = line.split(None, 1)
                if len(parts) < 2 or "(" not in parts[1] or parts[1].startswith(("+++", "---")):
                    continue
                if parts[1].startswith("<..."):
                    continue
                name = parts[1].split("(", 1)[0]
                seen[name] = seen.get(name, 0) + 1
                points.append((name, seen[name]))
        return points

    def campaign(self, base, action):
        """Returns (tried, recovered, lost)."""
        w, s = self.fresh(base)
        original = tree_snapshot(w)
        r = self.run(self.cmd(w, s, action))
        self.tap(r.returncode == 0, "%s: a clean run succeeds" % action, r.stdout)
        intended = tree_snapshot(w)
        points = self.count_points(base, action)
        jobs = [(kind, name, k) for kind in ("crash", "error") for name, k in points]

        slots = queue.Queue()
        for i in range(WORKERS):
            slots.put(str(i))

        def one(job):
            slot = slots.get()
            try:
                return point(slot, job)
            finally:
                slots.put(slot)

        def point(slot, job):
            kind, name, k = job
            w, s = self.fresh(base, slot)
            inject = ("inject=%s:signal=KILL:when=%d" if kind == "crash" else
                      "inject=%s:error=EIO:when=%d") % (name, k)
            first = self.run(self.cmd(w, s, action), strace=inject)
            again = self.run(self.cmd(w, s, action))
            now = tree_snapshot(w)
            if now == intended or now == original:
                return None
            return ("%s %s" % (kind, name), k, first.stdout.strip().splitlines()[-1:],
                    again.stdout.strip().splitlines()[-1:], diff(intended, now)[:5])

        # One tree per worker; the points are independent of each other.
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(one, jobs))
        lost = [x for x in results if x]
        tried, recovered = len(jobs), len(jobs) - len(lost)
        points = len(points)
        print("# %s: %d syscalls that change the disk; %d points tried (crash and EIO at "
              "each), %d recovered, %d lost" % (action, points, tried, recovered, len(lost)))
        self.tap(not lost, "%s: every crash and error point recovered by one more run "
                 "(%d/%d)" % (action, recovered, tried),
                 "\n".join("%s at %d: first %s; again %s; differs from intended: %s" % x
                           for x in lost))
        return tried, recovered, len(lost)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--optivfio", required=True)
    ap.add_argument("fixtures", nargs="?")
    a = ap.parse_args()
    if not shutil.which("strace"):
        print("1..0 # SKIP strace not installed")
        return 0
    work = tempfile.mkdtemp(prefix="ovfault-", dir=os.environ.get("BUILDDIR"))
    c = Campaign(a.optivfio, work)
    try:
        fixtures = a.fixtures
        if not fixtures:
            fixtures = os.path.join(work, "fx")
            subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__),
                            "make-plan-fixtures.py"), fixtures], check=True,
                           stdout=subprocess.DEVNULL)
        acer = os.path.join(fixtures, "acer")
        # The prepared host, with its journal, is release's starting point.
        prepared = os.path.join(work, "prepared")
        shutil.copytree(acer, prepared, symlinks=True)
        r = c.run(c.cmd(prepared, prepared + ".state", "prepare"))
        c.tap(r.returncode == 0, "a prepared host for release", r.stdout)
        totals = [c.campaign(acer, "prepare"), c.campaign(prepared, "release"),
                  c.campaign(acer, "reset")]
        print("# all: %d points tried, %d recovered, %d lost" %
              tuple(sum(t[i] for t in totals) for i in range(3)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % c.n)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
