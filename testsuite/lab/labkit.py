"""The lab's machinery: guest kit from Debian packages, initramfs, QEMU runs.

Everything the guests need is built from Debian packages only and cached
under $BUILDDIR/lab-cache/<key>, where the key is made of the package
versions, so a second run only assembles the (small) per-scenario initramfs.

    kit = prepare(cache_root)          # kernel, modules, acpi_call.ko, busybox
    img = build_initramfs(kit, ...)    # /init + scenario + files, cpio newc
    res = run_qemu(...)                # hard timeout, whole process group
"""
import fcntl
import glob
import gzip
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Bump when the recipe below changes what ends up in the cache.
RECIPE = "3"
# Modules copied into the kit (with their modules.dep closure). Scenarios
# choose which of them the guest loads.
KIT_MODULES = ["battery", "ac", "qemu_fw_cfg", "vfio-pci", "vfio_iommu_type1"]
BEGIN = "@@LAB-BEGIN@@"
END = "@@LAB-END@@"


class LabError(Exception):
    pass


def log(msg):
    print("# " + msg, flush=True)


def sh(cmd, cwd=None, env=None):
    """Run a command list; raise LabError with its output when it fails."""
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise LabError("%s failed (exit %d):\n%s" %
                       (" ".join(cmd), p.returncode, p.stdout[-3000:]))
    return p.stdout


def apt_version(pkg):
    out = subprocess.run(["apt-cache", "show", "--no-all-versions", pkg],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    m = re.search(r"^Version: (\S+)", out, re.M)
    return m.group(1) if m else None


def installed_version(pkg):
    p = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


def kernel_abi():
    """The current bookworm kernel ABI name, e.g. 6.1.0-56-amd64 (from the
    linux-image-amd64 metapackage), or None when apt knows nothing."""
    out = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    m = re.search(r"Depends: linux-image-(\S+-amd64)\s*$", out, re.M)
    return m.group(1) if m else None


def kit_key():
    """(abi, key string, package list) for the current archive state."""
    abi = kernel_abi()
    if abi is None:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
        abi = kernel_abi()
    if abi is None:
        return None
    series = abi.split("-")[0].rsplit(".", 1)[0]          # 6.1
    pkgs = ["linux-image-%s" % abi, "linux-headers-%s" % abi,
            "linux-headers-%s-common" % abi.rsplit("-", 1)[0],
            "linux-kbuild-%s" % series, "acpi-call-dkms"]
    vers = [apt_version(p) for p in pkgs]
    if None in vers:
        return None
    parts = ["%s=%s" % (p, v) for p, v in zip(pkgs, vers)]
    parts.append("busybox-static=%s" % installed_version("busybox-static"))
    parts.append("recipe=" + RECIPE)
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    return abi, "%s-%s" % (abi, digest), pkgs, parts


class Kit:
    def __init__(self, path):
        self.path = path
        with open(os.path.join(path, "abi")) as f:
            self.abi = f.read().strip()
        self.vmlinuz = os.path.join(path, "vmlinuz")
        self.moddir = os.path.join(path, "modules")
        self.busybox = os.path.join(path, "busybox")
        self.deps = {}
        with open(os.path.join(path, "modules.dep")) as f:
            for line in f:
                name, _, rest = line.partition(":")
                self.deps[name.strip()] = rest.split()

    def closure(self, names):
        """Module file names to insmod, dependencies first."""
        order = []

        def visit(n):
            n = n.replace("-", "_")
            if n in order:
                return
            if n not in self.deps:
                raise LabError("module %s is not in the lab kit" % n)
            for d in self.deps[n]:
                visit(d)
            order.append(n)
        for n in names:
            visit(n)
        return order


def prepare(cache_root):
    """Build (or find) the cached kit; returns a Kit."""
    os.makedirs(cache_root, exist_ok=True)
    with open(os.path.join(cache_root, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        k = kit_key()
        if k is None:
            have = sorted(glob.glob(os.path.join(cache_root, "*", "done")),
                          key=os.path.getmtime)
            if have:
                log("apt knows no kernel; using the newest cached kit")
                return Kit(os.path.dirname(have[-1]))
            raise LabError("cannot find the bookworm kernel packages with apt-cache "
                           "(run apt-get update)")
        abi, key, pkgs, parts = k
        dest = os.path.join(cache_root, key)
        _prune(cache_root)
        if os.path.exists(os.path.join(dest, "done")):
            return Kit(dest)
        log("building the lab kit %s (one time): %s" % (key, ", ".join(parts)))
        t0 = time.time()
        shutil.rmtree(dest, ignore_errors=True)
        work = tempfile.mkdtemp(prefix="kit-", dir=cache_root)
        try:
            _build_kit(abi, pkgs, parts, work, dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        # Old kits are dead weight (hundreds of KiB to MiB each): keep one.
        for other in glob.glob(os.path.join(cache_root, "*-amd64-*")):
            if other != dest:
                shutil.rmtree(other, ignore_errors=True)
        log("lab kit ready in %.1f s" % (time.time() - t0))
        return Kit(dest)


def _prune(cache_root):
    """Under the lock: drop half-built kits of killed runs, and run
    directories kept (for failures) more than a day ago."""
    for d in glob.glob(os.path.join(cache_root, "kit-*")):
        shutil.rmtree(d, ignore_errors=True)
    for d in glob.glob(os.path.join(cache_root, "*.tmp")):
        shutil.rmtree(d, ignore_errors=True)
    for d in glob.glob(os.path.join(cache_root, "run-*")) + \
            glob.glob(os.path.join(cache_root, "bench-*")):
        try:
            if time.time() - os.path.getmtime(d) > 86400:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def _build_kit(abi, pkgs, parts, work, dest):
    debs = os.path.join(work, "debs")
    root = os.path.join(work, "root")
    os.makedirs(debs)
    sh(["apt-get", "download", "-q"] + pkgs, cwd=debs)
    for deb in sorted(glob.glob(os.path.join(debs, "*.deb"))):
        sh(["dpkg", "-x", deb, root])

    stage = dest + ".tmp"
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(os.path.join(stage, "modules"))
    shutil.copy(os.path.join(root, "boot", "vmlinuz-" + abi),
                os.path.join(stage, "vmlinuz"))

    # acpi_call from Debian's dkms source, against the unpacked headers. The
    # headers' Makefile includes the -common tree by absolute path: point it
    # at the unpacked copy.
    hdr = os.path.join(root, "usr/src/linux-headers-" + abi)
    common = os.path.basename(glob.glob(os.path.join(
        root, "usr/src/linux-headers-*-common"))[0])
    with open(os.path.join(hdr, "Makefile"), "w") as f:
        f.write("include %s/usr/src/%s/Makefile\n" % (root, common))
    src = glob.glob(os.path.join(root, "usr/src/acpi-call-*"))[0]
    mod = os.path.join(work, "acpi_call")
    os.makedirs(mod)
    shutil.copy(os.path.join(src, "acpi_call.c"), mod)
    with open(os.path.join(mod, "Kbuild"), "w") as f:
        f.write("obj-m := acpi_call.o\n")
    sh(["make", "-C", hdr, "M=" + mod, "CC=gcc-12", "-j2", "modules"])
    ko = os.path.join(mod, "acpi_call.ko")
    vermagic = _modinfo(ko, "vermagic")
    if not vermagic.startswith(abi + " "):
        raise LabError("acpi_call.ko vermagic '%s' does not match %s" % (vermagic, abi))

    # Dependencies from modules.dep, made by busybox depmod over the tree.
    kmods = os.path.join(root, "lib/modules", abi)
    shutil.copy(ko, os.path.join(kmods, "kernel", "acpi_call.ko"))
    sh(["busybox", "depmod", "-b", root, abi])
    deps = {}
    with open(os.path.join(kmods, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path.strip()] = rest.split()
    byname = {}
    for path in deps:
        byname[os.path.basename(path)[:-3].replace("-", "_")] = path
    want, seen = ["acpi_call"] + KIT_MODULES, set()
    out = []

    def visit(path):
        if path in seen:
            return
        seen.add(path)
        for d in deps[path]:
            visit(d)
        out.append(path)
    for n in want:
        p = byname.get(n.replace("-", "_"))
        if p is None:
            raise LabError("module %s not found in %s" % (n, abi))
        visit(p)
    with open(os.path.join(stage, "modules.dep"), "w") as f:
        for path in out:
            name = os.path.basename(path)
            shutil.copy(os.path.join(kmods, path), os.path.join(stage, "modules", name))
            f.write("%s: %s\n" % (name[:-3].replace("-", "_"),
                                  " ".join(os.path.basename(d)[:-3].replace("-", "_")
                                           for d in deps[path])))
    shutil.copy(shutil.which("busybox"), os.path.join(stage, "busybox"))
    with open(os.path.join(stage, "abi"), "w") as f:
        f.write(abi + "\n")
    with open(os.path.join(stage, "versions"), "w") as f:
        f.write("\n".join(parts) + "\nacpi_call vermagic=%s\n" % vermagic)
    open(os.path.join(stage, "done"), "w").close()
    os.rename(stage, dest)


def _modinfo(ko, field):
    with open(ko, "rb") as f:
        data = f.read()
    m = re.search(rb"(?:^|\0)" + field.encode() + rb"=([^\0]*)", data)
    return m.group(1).decode() if m else ""


# ---------------------------------------------------------------- initramfs

class Cpio:
    """A cpio "newc" archive written from Python (what the kernel unpacks)."""

    def __init__(self):
        self.chunks = []
        self.ino = 1
        self.dirs = set()

    def _entry(self, name, mode, data=b"", nlink=1):
        name_b = name.encode() + b"\0"
        hdr = "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X" % (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_b), 0)
        self.ino += 1
        blob = hdr.encode() + name_b
        blob += b"\0" * (-len(blob) % 4)
        blob += data + b"\0" * (-len(data) % 4)
        self.chunks.append(blob)

    def mkdir(self, path):
        path = path.strip("/")
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            p = "/".join(parts[:i])
            if p and p not in self.dirs:
                self.dirs.add(p)
                self._entry(p, stat.S_IFDIR | 0o755, nlink=2)

    def file(self, path, data, mode=0o644):
        path = path.strip("/")
        if "/" in path:
            self.mkdir(os.path.dirname(path))
        self._entry(path, stat.S_IFREG | mode, data)

    def symlink(self, path, target):
        path = path.strip("/")
        if "/" in path:
            self.mkdir(os.path.dirname(path))
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def bytes(self):
        self._entry("TRAILER!!!", 0)
        return b"".join(self.chunks)


def ldd_libs(binary):
    """Shared libraries (and the loader) a dynamic binary needs."""
    p = subprocess.run(["ldd", binary], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if "not a dynamic executable" in p.stdout or "statically linked" in p.stdout:
        return []
    libs = []
    for line in p.stdout.splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def build_initramfs(kit, out, scenario_sh, modules=(), files=None, binaries=None):
    """Write a gzip'd newc initramfs to `out`.

    scenario_sh: the scenario script (text) run by /init as /lab/scenario.sh.
    modules: module names to insmod (their dependencies come along first).
    files: {guest path: host path or bytes} extra files (mode kept from host).
    binaries: {guest path: host path} executables; their ldd libraries come too.
    """
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "lab", "lib/modules",
              "usr/bin", "usr/sbin", "root"):
        c.mkdir(d)
    with open(kit.busybox, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    applets = subprocess.run([kit.busybox, "--list-full"], stdout=subprocess.PIPE,
                             text=True, check=True).stdout.split()
    for a in applets:
        if a != "bin/busybox":
            c.symlink(a, "/bin/busybox")
    order = kit.closure(["acpi_call"] + list(modules))
    for n in order:
        fn = [x for x in os.listdir(kit.moddir)
              if x[:-3].replace("-", "_") == n][0]
        with open(os.path.join(kit.moddir, fn), "rb") as f:
            c.file("lib/modules/" + fn, f.read())
    c.file("lab/modules", "".join(
        [x for x in os.listdir(kit.moddir) if x[:-3].replace("-", "_") == n][0] + "\n"
        for n in order).encode())
    with open(os.path.join(HERE, "guest", "init"), "rb") as f:
        c.file("init", f.read(), 0o755)
    with open(os.path.join(HERE, "guest", "lib.sh"), "rb") as f:
        c.file("lab/lib.sh", f.read())
    c.file("lab/scenario.sh", scenario_sh.encode(), 0o755)
    done_libs = set()
    for gpath, hpath in (binaries or {}).items():
        with open(hpath, "rb") as f:
            c.file(gpath, f.read(), 0o755)
        for lib in ldd_libs(hpath):
            if lib in done_libs:
                continue
            done_libs.add(lib)
            with open(lib, "rb") as f:       # follows symlinks: one real copy
                c.file(lib, f.read(), 0o755)
    for gpath, src in (files or {}).items():
        if isinstance(src, (bytes, bytearray)):
            c.file(gpath, bytes(src))
        else:
            with open(src, "rb") as f:
                c.file(gpath, f.read(), os.stat(src).st_mode & 0o777)
    with open(out, "wb") as f:
        f.write(gzip.compress(c.bytes(), compresslevel=1))


# ---------------------------------------------------------------- QEMU

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def qemu_argv(kit, initrd, console, workdir, firmware="seabios", root_port="hotplug=off",
              bridge_hotplug=True, display="VGA", tables=(), fw_cfg=(), extra=(),
              tag="lab", memory=512):
    """The guest layout of the lab (design §6): q35, a pcie-root-port at
    00:01.0, a display device at 01:00.0 behind it, our tables through
    -acpitable and blobs through -fw_cfg."""
    rp = "pcie-root-port,id=rp1,bus=pcie.0,addr=0x1,chassis=1"
    if root_port:
        rp += "," + root_port
    argv = ["qemu-system-x86_64", "-name", tag, "-accel", "tcg", "-machine", "q35",
            "-m", str(memory), "-smp", "1", "-nodefaults", "-nographic",
            "-no-reboot", "-serial", "file:" + console,
            "-kernel", kit.vmlinuz, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 loglevel=4 quiet",
            "-device", rp]
    if display:
        # romfile= (empty): no option ROM BAR, so the firmware does not run
        # a VGA BIOS and the only ROM the guest sees is the one _ROM serves.
        argv += ["-device", "%s,bus=rp1,addr=0x0,romfile=" % display]
    if not bridge_hotplug:
        argv += ["-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"]
    if firmware == "ovmf":
        vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        argv += ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                 "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
    for t in tables:
        argv += ["-acpitable", "file=" + t]
    for name, path in fw_cfg:
        argv += ["-fw_cfg", "name=%s,file=%s" % (name, path)]
    return argv + list(extra)


class RunResult:
    def __init__(self):
        self.wall = 0.0
        self.timed_out = False
        self.rc = None
        self.console = ""
        self.results = {}
        self.lines = []
        self.guest_rc = None
        self.finished = False
        self.leftover = []


_running = set()


def _kill_running(signum, frame):
    """SIGTERM/SIGINT (meson's own timeout, ^C): take the guests along."""
    for pgid in list(_running):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    raise SystemExit(128 + signum)


def run_qemu(argv, console, timeout, qemu_log):
    """Run QEMU in its own process group with a hard timeout; parse the
    markers the guest /init prints; make sure no process is left behind."""
    r = RunResult()
    t0 = time.time()
    sigs = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    for sig in sigs:
        signal.signal(sig, _kill_running)
    with open(qemu_log, "wb") as lf:
        # No signal between the fork and _running.add: QEMU would be orphaned.
        signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
        try:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=lf,
                                 stderr=subprocess.STDOUT, start_new_session=True,
                                 preexec_fn=lambda: signal.pthread_sigmask(
                                     signal.SIG_UNBLOCK, sigs))
            _running.add(p.pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, sigs)
        try:
            r.rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            r.timed_out = True
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
            _running.discard(p.pid)
    r.wall = time.time() - t0
    # Nothing of this run may survive it: look for its process group and name.
    left = subprocess.run(["pgrep", "-g", str(p.pid)], stdout=subprocess.PIPE,
                          text=True).stdout.split()
    tag = argv[argv.index("-name") + 1]
    left += subprocess.run(["pgrep", "-f", "-x", ".*-name %s .*" % re.escape(tag)],
                           stdout=subprocess.PIPE, text=True).stdout.split()
    r.leftover = sorted(set(left))
    try:
        with open(console, "rb") as f:
            r.console = f.read().decode("utf-8", "replace").replace("\r", "")
    except FileNotFoundError:
        r.console = ""
    inside = False
    for line in r.console.splitlines():
        # Terminal resets and kernel messages may share a line with a marker.
        if BEGIN in line:
            inside = True
            continue
        if END in line:
            r.finished = True
            inside = False
            continue
        if not inside:
            continue
        at = line.find("@@LAB ")
        if at >= 0:
            k, _, v = line[at + 6:].partition("=")
            r.results[k.strip()] = v
            if k.strip() == "rc":
                r.guest_rc = int(v)
        else:
            r.lines.append(line)
    return r


def sha256_file(path, length=None):
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha256(data if length is None else data[:length]).hexdigest()
