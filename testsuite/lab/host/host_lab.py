#!/usr/bin/env python3
"""optivfio's host side on a real kernel (issue 7, "Lab, real kernel").

Boots the lab kernel (labkit's kit) in a q35 guest with an emulated Intel
IOMMU that plays the laptop: a boot VGA on the root bus, and behind the root
port at 00:01.0 a display function at 01:00.0 (no DRM driver in the guest)
and an HDA controller at 01:00.1 driven by snd_hda_intel, like the dGPU's
HDMI audio. Inside, testsuite/plan/lab/guest-host-plans.sh runs optivfio
doctor, host prepare/release/reset and a prepare that fails midway, and
checks sysfs; its TAP lines come back here as this test's TAP lines.

    host_lab.py run --optivfio BIN [--keep]

The guest's /lib/modules/<abi>/ is a real module tree with libkmod's index,
so `host prepare` loads vfio_pci the way it does on a laptop: the modules of
snd_hda_intel and vfio_pci (their modules.dep closure) from the kit kernel's
own Debian package, plus modules.builtin/.order, indexed with Debian's depmod
(kmod). It is cached next to the kit, keyed by it.

Environment: BUILDDIR (cache: $BUILDDIR/lab-cache), LAB_TIMEOUT_SCALE.
"""
import argparse
import fcntl
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import labkit  # noqa: E402

SRCDIR = os.environ.get("SRCDIR", os.path.normpath(os.path.join(HERE, "..", "..", "..")))
BUILDDIR = os.environ.get("BUILDDIR", os.path.join(SRCDIR, "build"))
CACHE = os.path.join(BUILDDIR, "lab-cache")
GUEST_SCRIPT = os.path.join(SRCDIR, "testsuite", "plan", "lab", "guest-host-plans.sh")
# What the guest loads at boot (snd_hda_intel) and what optivfio loads
# itself through libkmod (vfio_pci; vfio_iommu_type1 for a VM later).
BOOT_MODULES = ["snd_hda_intel"]
TREE_MODULES = BOOT_MODULES + ["vfio_pci", "vfio_iommu_type1"]
# Only these parts of the kernel package are unpacked.
DEB_PARTS = ["kernel/sound/*", "kernel/drivers/vfio/*", "kernel/virt/*",
             "modules.builtin", "modules.builtin.modinfo", "modules.order"]
GUEST_TIMEOUT = 150


def norm(name):
    return name.replace("-", "_")


def read_dep(path):
    """modules.dep -> {relative .ko path: [dependency paths]}."""
    deps = {}
    with open(path) as f:
        for line in f:
            p, _, rest = line.partition(":")
            deps[p.strip()] = rest.split()
    return deps


def closure(deps, names):
    """Paths of @names and what they need, dependencies first."""
    byname = {norm(os.path.basename(p)[:-3]): p for p in deps}
    out = []

    def visit(p):
        if p in out:
            return
        for d in deps[p]:
            visit(d)
        out.append(p)
    for n in names:
        if norm(n) not in byname:
            raise labkit.LabError("module %s is not in the kernel package" % n)
        visit(byname[norm(n)])
    return out


def module_tree(kit):
    """The cached guest module tree for @kit: returns its lib/modules/<abi>."""
    # Its own directory: labkit prunes "*.tmp", "kit-*" and other
    # "*-amd64-*" entries of the cache under a lock this code does not hold.
    base = os.path.join(CACHE, "hostlab")
    os.makedirs(base, exist_ok=True)
    dest = os.path.join(base, os.path.basename(kit.path))
    tree = os.path.join(dest, "lib", "modules", kit.abi)
    with open(os.path.join(base, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(dest, "done")):
            return tree
        # Trees of older kits, and what killed runs left half built.
        for old in os.listdir(base):
            if old != ".lock":
                shutil.rmtree(os.path.join(base, old), ignore_errors=True)
        t0 = time.time()
        work = tempfile.mkdtemp(prefix="work-", dir=base)
        try:
            _build_tree(kit, work, dest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        labkit.log("guest module tree ready in %.1f s" % (time.time() - t0))
    return tree


def _build_tree(kit, work, dest):
    pkg = "linux-image-" + kit.abi
    labkit.sh(["apt-get", "download", "-q", pkg], cwd=work)
    deb = glob.glob(os.path.join(work, "*.deb"))[0]
    full = os.path.join(work, "full")
    os.makedirs(full)
    mods = "./lib/modules/%s/" % kit.abi
    tar = subprocess.Popen(["tar", "-x", "-C", full, "--wildcards"] +
                           [mods + p for p in DEB_PARTS], stdin=subprocess.PIPE)
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=tar.stdin)
    tar.stdin.close()
    if fsys.wait() != 0 or tar.wait() != 0:
        raise labkit.LabError("cannot unpack %s" % deb)
    labkit.sh(["depmod", "-b", full, kit.abi])
    src = os.path.join(full, "lib", "modules", kit.abi)
    deps = read_dep(os.path.join(src, "modules.dep"))
    need = closure(deps, TREE_MODULES)

    # The same kernel build as the kit's: its copy of vfio-pci.ko is ours.
    kit_ko = os.path.join(kit.moddir, "vfio-pci.ko")
    ours = [p for p in need if os.path.basename(p) == "vfio-pci.ko"][0]
    with open(kit_ko, "rb") as a, open(os.path.join(src, ours), "rb") as b:
        if a.read() != b.read():
            raise labkit.LabError("%s is not the kit's kernel build" % deb)

    stage = dest + ".tmp"
    shutil.rmtree(stage, ignore_errors=True)
    tree = os.path.join(stage, "lib", "modules", kit.abi)
    for p in need:
        os.makedirs(os.path.dirname(os.path.join(tree, p)), exist_ok=True)
        shutil.copy(os.path.join(src, p), os.path.join(tree, p))
    for f in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        shutil.copy(os.path.join(src, f), tree)
    # Debian's depmod (kmod) writes the binary index libkmod reads.
    labkit.sh(["depmod", "-b", stage, kit.abi])
    if not os.path.exists(os.path.join(tree, "modules.dep.bin")):
        raise labkit.LabError("depmod wrote no modules.dep.bin")
    with open(os.path.join(stage, "boot-modules"), "w") as f:
        for p in closure(read_dep(os.path.join(tree, "modules.dep")), BOOT_MODULES):
            f.write("/lib/modules/%s/%s\n" % (kit.abi, p))
    open(os.path.join(stage, "done"), "w").close()
    os.rename(stage, dest)


def guest_files(kit, tree):
    files = {}
    for root, _, names in os.walk(tree):
        for n in names:
            host = os.path.join(root, n)
            files["/lib/modules/%s/%s" % (kit.abi, os.path.relpath(host, tree))] = host
    files["/lab/boot-modules"] = os.path.join(os.path.dirname(os.path.dirname(
        os.path.dirname(tree))), "boot-modules")
    files["/lab/guest-host-plans.sh"] = GUEST_SCRIPT
    return files


# /init runs this. snd_hda_intel comes up like the laptop's HDMI audio
# driver (insmod in modules.dep order: vfio_pci must stay out until
# optivfio loads it). Every line of the guest script is prefixed for the
# host: kernel messages may land on the console between them.
SCENARIO = r"""
. /lab/lib.sh
while read -r ko; do
	insmod "$ko" || result insmod_failed "$ko"
done </lab/boot-modules
i=0
while [ ! -e /sys/bus/pci/devices/0000:01:00.1/driver ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
result aud_driver_start "$(basename "$(readlink /sys/bus/pci/devices/0000:01:00.1/driver)")"
result vfio_pci_loaded_start "$(grep -c '^vfio_pci ' /proc/modules)"
result groups "$(ls /sys/kernel/iommu_groups | wc -l)"
t0=$(uptime_s)
{ sh /lab/guest-host-plans.sh /usr/bin/optivfio; echo $? >/tmp/plans.rc; } 2>&1 |
	while IFS= read -r l; do echo "@@GT $l"; done
result plans_s "$(elapsed "$t0" "$(uptime_s)")"
result plans_rc "$(cat /tmp/plans.rc)"
"""


def qemu_argv(kit, initrd, console, work, tag):
    argv = labkit.qemu_argv(
        kit, initrd, console, work, root_port="hotplug=off",
        display="secondary-vga,multifunction=on", tag=tag,
        extra=["-device", "VGA,bus=pcie.0,addr=0x2",
               "-device", "ich9-intel-hda,bus=rp1,addr=0x0.0x1"])
    # The IOMMU: split irqchip for interrupt remapping, and the device
    # before any other PCI device (QEMU wants it first).
    m = argv.index("-machine")
    argv[m + 1] += ",kernel-irqchip=split"
    argv[m + 2:m + 2] = ["-device", "intel-iommu,intremap=on"]
    a = argv.index("-append")
    argv[a + 1] += " intel_iommu=on optivfio.lab=1"
    return argv


TAP_LINE = re.compile(r"^(not ok|ok) \d+ - (.*)$")


def run(tap, kit, optivfio, keep):
    scale = float(os.environ.get("LAB_TIMEOUT_SCALE", "1"))
    work = tempfile.mkdtemp(prefix="run-host-plans-", dir=CACHE)
    label = "host-plans"
    t_start = time.time()
    try:
        tree = module_tree(kit)
        initrd = os.path.join(work, "initrd.gz")
        labkit.build_initramfs(kit, initrd, SCENARIO, files=guest_files(kit, tree),
                               binaries={"/usr/bin/optivfio": optivfio})
        console = os.path.join(work, "console.log")
        argv = qemu_argv(kit, initrd, console, work, "optivfio-lab-host-%d" % os.getpid())
        with open(os.path.join(work, "argv"), "w") as f:
            f.write(" ".join("'%s'" % a for a in argv) + "\n")
        t_setup = time.time() - t_start
        r = labkit.run_qemu(argv, console, GUEST_TIMEOUT * scale,
                            os.path.join(work, "qemu.log"))
    except labkit.LabError as e:
        tap.ok(False, "%s: setup (kit, module tree, initramfs)" % label, e)
        return
    res = r.results
    tail = r.console[-3000:]
    tap.ok(not r.timed_out, "%s: guest finished within %ds (took %.1fs)"
           % (label, GUEST_TIMEOUT * scale, r.wall), tail)
    tap.ok(not r.leftover, "%s: no QEMU process left behind" % label, r.leftover)
    if not tap.ok(r.finished, "%s: guest ran the scenario" % label,
                  open(os.path.join(work, "qemu.log")).read() + tail):
        print("# kept %s (console.log, qemu.log, argv)" % work)
        return
    tap.ok(res.get("kernel") == kit.abi, "%s: guest kernel %s" % (label, res.get("kernel")))
    tap.ok("insmod_failed" not in res, "%s: snd_hda_intel and its modules load" % label,
           res.get("insmod_failed"))
    tap.ok(res.get("aud_driver_start") == "snd_hda_intel",
           "%s: 01:00.1 starts on snd_hda_intel" % label, res.get("aud_driver_start"))
    tap.ok(res.get("vfio_pci_loaded_start") == "0",
           "%s: vfio_pci not loaded at the start" % label)
    tap.ok(int(res.get("groups") or 0) > 0,
           "%s: the IOMMU made groups (%s)" % (label, res.get("groups")))

    # The guest script's own TAP, one host line each.
    n_guest, plan = 0, None
    for line in r.lines:
        at = line.find("@@GT ")
        if at < 0:
            continue
        text = line[at + 5:]
        m = TAP_LINE.match(text)
        if m:
            n_guest += 1
            tap.ok(m.group(1) == "ok", "%s: guest: %s" % (label, m.group(2)))
        elif re.match(r"^1\.\.\d+$", text):
            plan = int(text[3:])
        else:
            print("#   guest| " + text)
    tap.ok(plan is not None and plan == n_guest and n_guest > 0,
           "%s: guest script ran to its end (%d of %s checks)" % (label, n_guest, plan),
           tail)
    tap.ok(res.get("plans_rc") == "0", "%s: guest script exit %s"
           % (label, res.get("plans_rc")))
    print("# %s: wall %.1fs (setup %.1fs), boot %ss, guest script %ss, in guest %ss" % (
        label, time.time() - t_start, t_setup, res.get("boot_s"), res.get("plans_s"),
        res.get("end_s")))
    if keep or tap.failed:
        print("# kept %s (console.log, qemu.log, argv)" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rp = sub.add_parser("run")
    rp.add_argument("--optivfio", required=True, help="optivfio binary for the guest")
    rp.add_argument("--keep", action="store_true", help="keep the run directory")
    a = ap.parse_args()
    tap = _tap()
    try:
        kit = labkit.prepare(CACHE)
    except labkit.LabError as e:
        tap.ok(False, "lab kit (kernel, modules, busybox) from Debian packages", e)
        return 0 if tap.done() else 1
    run(tap, kit, a.optivfio, a.keep)
    return 0 if tap.done() else 1


def _tap():
    # lab.py's TAP printer (lab.py itself is a script; import it lazily).
    import lab
    return lab.Tap()


if __name__ == "__main__":
    sys.exit(main())
