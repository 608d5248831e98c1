#!/usr/bin/env python3
"""optivfio end to end: a laptop in a box (issue 11).

L0 (this machine) runs L1 under TCG (`-cpu max`: QEMU emulates AMD SVM):
L1 is the laptop, a q35 with an emulated Intel IOMMU, a boot VGA at 00:02.0,
behind the root port at 00:01.0 a display function at 01:00.0 (no DRM
driver) and an HDA at 01:00.1 (snd_hda_intel), and a firmware whose _ROM on
\\_SB.PCI0.S08.S00 serves the laptop's VBIOS (the lab's streaming table and
fw_cfg file). L1's userland is L0's own /usr and /etc over read-only 9p
shares with a tmpfs overlay (qemu, libvirtd, virsh, python3 ... in L1);
its kernel is the lab kit's, with a real module tree (depmod index) so
optivfio can load vfio_pci through libkmod. A scenario's shell script runs
in L1 (e2e/l1lib.sh sourced) and starts L2, the VM, with real KVM and the
GPU passed through by the real vfio-pci; L2's /init reports what a driver
in the VM sees and `optivfio guest check`. L1 relays L2's serial console.

    e2e_lab.py names                           scenario names (meson)
    e2e_lab.py list                            names and what they prove
    e2e_lab.py run --optivfio BIN NAME [--keep]   one scenario, TAP

Environment: BUILDDIR (cache: $BUILDDIR/lab-cache), SHARED (ROMs),
LAB_TIMEOUT_SCALE (multiply the timeouts).
"""
import argparse
import fcntl
import glob
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.path.dirname(HERE)
sys.path.insert(0, LAB)
sys.path.insert(0, os.path.join(LAB, "host"))
import labkit  # noqa: E402
import host_lab  # noqa: E402  (read_dep, closure)

SRCDIR = os.environ.get("SRCDIR", os.path.normpath(os.path.join(LAB, "..", "..")))
BUILDDIR = os.environ.get("BUILDDIR", os.path.join(SRCDIR, "build"))
SHARED = os.environ.get("SHARED", os.path.join(SRCDIR, "..", "shared"))
CACHE = os.path.join(BUILDDIR, "lab-cache")
ROM = os.path.join(SHARED, "data", "roms", "gtx1050ti_mobile.rom")
FWCFG_NAME = "opt/com.lion328/nvidia-rom"
GPU_ACPI_PATH = "\\_SB_.PCI0.S08_.S00_"
# Proxmox's layout: hostpci0 behind its root port ich9-pcie-port-1 at 00:1c.0
# (testsuite/vm/proxmox_argv.py); QEMU names that slot SE0 (devfn 0xe0).
PROXMOX_ACPI_PATH = "\\_SB_.PCI0.SE0_.S00_"
PROXMOX_ARGV = os.path.join(SRCDIR, "testsuite", "vm", "proxmox_argv.py")
# What L2 must see: the ids the lab gives vfio-pci (the emulated L0 device
# is QEMU's VGA, 1234:1111) and the laptop's subsystem (the Acer fixture).
L2_IDS = {"vendor": "0x10de", "device": "0x1c8d",
          "subsystem_vendor": "0x1025", "subsystem_device": "0x118b"}

# L1's modules: insmod'ed by /init from the initramfs (9p root) ...
BOOT_MODULES = ["virtio_pci", "9pnet_virtio", "9p", "overlay"]
# ... and modprobe'd in the chroot (the laptop's own, optivfio's).
TREE_MODULES = BOOT_MODULES + ["kvm_amd", "snd_hda_intel", "vfio_pci",
                               "vfio_iommu_type1"]
DEB_PARTS = ["kernel/arch/x86/kvm/*", "kernel/virt/*", "kernel/drivers/crypto/ccp/*",
             "kernel/drivers/virtio/*", "kernel/net/9p/*", "kernel/fs/9p/*",
             "kernel/fs/netfs/*", "kernel/fs/fscache/*", "kernel/fs/overlayfs/*",
             "kernel/sound/*", "kernel/drivers/vfio/*",
             "modules.builtin", "modules.builtin.modinfo", "modules.order"]
L2_APPEND = "console=ttyS0 panic=-1 loglevel=4 quiet"
# L1's own values of 01:00.0 (what optivfio passes on from the host).
L2_IDS_FROM_L1 = {"vendor": "0x10de", "device": "0x1c8d",
                  "subsystem_vendor": "@l1_gpu_subsystem_vendor",
                  "subsystem_device": "@l1_gpu_subsystem_device"}


def rom_chain(data):
    """The ROM's image chain (PCI Firmware spec 3.0 §5.1: each image's PCIR
    length in 512-byte units, bit 7 of the indicator on the last one), as
    read here, independently of optivfio."""
    off = 0
    while True:
        if data[off:off + 2] != b"\x55\xaa":
            raise labkit.LabError("no ROM image at 0x%x" % off)
        p = off + struct.unpack_from("<H", data, off + 0x18)[0]
        if data[p:p + 4] != b"PCIR":
            raise labkit.LabError("no PCIR for the image at 0x%x" % off)
        off += struct.unpack_from("<H", data, p + 0x10)[0] * 512
        if data[p + 0x15] & 0x80:
            return data[:off]


def rom_ids(data):
    """vendor:device of the ROM's first PCIR (lower-case hex)."""
    off = struct.unpack_from("<H", data, 0x18)[0]
    if data[:2] != b"\x55\xaa" or data[off:off + 4] != b"PCIR":
        raise labkit.LabError("no PCIR in the ROM")
    return "%04x:%04x" % struct.unpack_from("<HH", data, off + 4)


class Scenario:
    """script: scenarios/<script>.sh, sourced in L1 after l1lib.sh.
    l2: tags of the L2 runs it must report (each checked on ids and node).
    timeout: L0's hard limit for the whole L1 run (seconds)."""

    def __init__(self, name, what, script=None, l2=(), timeout=300, l2_ids=None,
                 l2_gc_rc=None, l2_fw_path=GPU_ACPI_PATH, l2_gc_pass=False,
                 l2_gc_known=None, l2_battery=False, l2_rom_dump=False, l1_rom_dump=False,
                 files=()):
        self.name = name
        self.what = what
        self.script = os.path.join(HERE, "scenarios", (script or name) + ".sh")
        self.l2 = list(l2)
        self.timeout = timeout
        # values "@key": L1's result key (e.g. L1's own subsystem ids)
        self.l2_ids = l2_ids or L2_IDS
        # optivfio guest check's exit code in L2, when the scenario knows it
        self.l2_gc_rc = l2_gc_rc
        # the ACPI path L2's 01:00.0 must have
        self.l2_fw_path = l2_fw_path
        # every check of guest check PASS, but those in l2_gc_known
        # ({id: (status, why)}: a known defect of optivfio, printed)
        self.l2_gc_pass = l2_gc_pass
        self.l2_gc_known = l2_gc_known or {}
        # L2 has the fake battery (power_supply), ran rom dump --from acpi;
        # L1 dumped the firmware's ROM (l1_rom_dump_sha256)
        self.l2_battery = l2_battery
        self.l2_rom_dump = l2_rom_dump
        self.l1_rom_dump = l1_rom_dump
        # more files for L1's /e2e ({name in /e2e: path on L0})
        self.files = dict(files)


SCENARIOS = [
    Scenario("smoke", "01:00.0 to vfio-pci by hand; L2 (KVM) with the facts-file "
             "command sees 10de:1c8d sub 1025:118b at \\_SB_.PCI0.S08_.S00_",
             l2=["smoke"]),
    Scenario("libvirt", "libvirtd started by hand in L1, a qemu hook, virsh define + "
             "start of a domain direct-booting L2 with the VFIO hostdev (managed='no')",
             l2=["libvirt"]),
    Scenario("control-own-ids", "control: vfio-pci without x-pci-* properties: L2 sees "
             "L1's own ids and subsystem of 01:00.0 (the device really is L1's)",
             l2=["control"], l2_ids={k: "@l1_gpu_" + k for k in L2_IDS}),
    Scenario("libvirt-optivfio", "optivfio ssdt -> vm libvirt patches a domain -> "
             "hook install -> libvirtd, virsh define + start: the hook prepares the GPU, "
             "L2's guest check passes, the hook releases it afterwards",
             l2=["libvirt-optivfio"], l2_ids=L2_IDS_FROM_L1, l2_gc_rc="0"),
    Scenario("setup-qemu", "optivfio setup -> host prepare -> QEMU with setup's "
             "qemu-args.txt; in L2 guest check passes (its _ROM serves the ROM); "
             "host release gives 01:00.1 back to snd_hda_intel",
             l2=["setup"], l2_ids=L2_IDS_FROM_L1, l2_gc_rc="0"),
    Scenario("vm-qemu", "optivfio ssdt -> host prepare -> vm qemu --ssdt-dir -> that "
             "QEMU; in L2 guest check passes; host release",
             l2=["vm-qemu"], l2_ids=L2_IDS_FROM_L1, l2_gc_rc="0", l2_gc_pass=True),
    Scenario("proxmox", "rom dump --from acpi in L1 -> ssdt --layout proxmox --mode embed "
             "--battery present -> host prepare -> vm proxmox -> qemu-server's argv for "
             "those lines (testsuite/vm/proxmox_argv.py); in L2 the GPU behind 00:1c.0 at "
             "\\_SB_.PCI0.SE0_.S00_, guest check passes with the battery, rom dump in L2 "
             "= L1's = the ROM chain; host release: L1 as before",
             l2=["proxmox"], l2_ids=L2_IDS_FROM_L1, l2_gc_rc="0", timeout=480,
             l2_fw_path=PROXMOX_ACPI_PATH, l2_gc_pass=True, l2_battery=True,
             l2_rom_dump=True, l1_rom_dump=True,
             files={"proxmox_argv.py": PROXMOX_ARGV}),
    Scenario("fault", "L2's QEMU killed (SIGKILL) while L2 boots, then host release; "
             "host prepare failing at its bind (strace-injected EINVAL) and at loading "
             "vfio-pci (modprobe.d install /bin/false): each time L1 as before (optivfio "
             "list, driver links, driver_override), no journal"),
]
BY_NAME = {s.name: s for s in SCENARIOS}


# ---------------------------------------------------------------- L1's files

def module_tree(kit):
    """L1's module tree for @kit (cached): returns (dest dir, tree)."""
    base = os.path.join(CACHE, "e2e-modules")
    os.makedirs(base, exist_ok=True)
    dest = os.path.join(base, os.path.basename(kit.path))
    tree = os.path.join(dest, "lib", "modules", kit.abi)
    with open(os.path.join(base, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(os.path.join(dest, "done")):
            for old in os.listdir(base):
                if old != ".lock":
                    shutil.rmtree(os.path.join(base, old), ignore_errors=True)
            t0 = time.time()
            work = tempfile.mkdtemp(prefix="work-", dir=base)
            try:
                _build_tree(kit, work, dest)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            labkit.log("L1 module tree ready in %.1f s" % (time.time() - t0))
    return dest, tree


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
    need = host_lab.closure(host_lab.read_dep(os.path.join(src, "modules.dep")),
                            TREE_MODULES)
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
    # acpi_call: the kit's build (vermagic checked by labkit).
    os.makedirs(os.path.join(tree, "extra"), exist_ok=True)
    shutil.copy(os.path.join(kit.moddir, "acpi_call.ko"), os.path.join(tree, "extra"))
    for f in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        shutil.copy(os.path.join(src, f), tree)
    labkit.sh(["depmod", "-b", stage, kit.abi])
    if not os.path.exists(os.path.join(tree, "modules.dep.bin")):
        raise labkit.LabError("depmod wrote no modules.dep.bin")
    with open(os.path.join(stage, "boot-modules"), "w") as f:
        for p in host_lab.closure(host_lab.read_dep(os.path.join(tree, "modules.dep")),
                                  BOOT_MODULES):
            f.write("/lib/modules/%s/%s\n" % (kit.abi, p))
    open(os.path.join(stage, "done"), "w").close()
    os.rename(stage, dest)


def l2_initrd(kit, optivfio, out):
    """L2's initramfs: the lab's guest /init, busybox, optivfio (+ libs),
    l2-check.sh as the scenario; the ACPI battery driver (power_supply)."""
    with open(os.path.join(HERE, "l2-check.sh")) as f:
        labkit.build_initramfs(kit, out, f.read(), modules=["battery"],
                               binaries={"/usr/bin/optivfio": optivfio})


def l1_initrd(kit, sc, optivfio, work, out):
    with open(ROM, "rb") as f:
        ids = rom_ids(f.read())
    dest, tree = module_tree(kit)
    l2 = os.path.join(work, "l2-initrd.gz")
    l2_initrd(kit, optivfio, l2)
    c = labkit.Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "usr/bin", "usr/sbin"):
        c.mkdir(d)
    with open(kit.busybox, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    applets = subprocess.run([kit.busybox, "--list-full"], stdout=subprocess.PIPE,
                             text=True, check=True).stdout.split()
    for a in applets:
        if a != "bin/busybox":
            c.symlink(a, "/bin/busybox")
    for root, _, names in os.walk(tree):
        for n in sorted(names):
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                c.file("lib/modules/%s/%s" % (kit.abi, os.path.relpath(p, tree)), f.read())
    files = {
        "init": (os.path.join(HERE, "l1-init"), 0o755),
        "e2e/l1-run.sh": (os.path.join(HERE, "l1-run.sh"), 0o755),
        "e2e/l1lib.sh": (os.path.join(HERE, "l1lib.sh"), 0o644),
        "e2e/fit-argv.py": (os.path.join(HERE, "fit-argv.py"), 0o755),
        "e2e/scenario.sh": (sc.script, 0o644),
        "e2e/boot-modules": (os.path.join(dest, "boot-modules"), 0o644),
        "e2e/optivfio": (optivfio, 0o755),
        "e2e/l2/vmlinuz": (kit.vmlinuz, 0o644),
        "e2e/l2/initrd.gz": (l2, 0o644),
        "e2e/rom/" + os.path.basename(ROM): (ROM, 0o644),
    }
    for d in glob.glob(os.path.join(HERE, "scenarios", sc.name + ".d", "*")):
        files["e2e/files/" + os.path.basename(d)] = (d, 0o644)
    for name, src in sc.files.items():
        files["e2e/" + name] = (src, 0o755)
    for gpath, (src, mode) in files.items():
        with open(src, "rb") as f:
            c.file(gpath, f.read(), mode)
    env = {"OPTIVFIO": "/usr/local/bin/optivfio",
           "E2E_ROM": "/e2e/rom/" + os.path.basename(ROM),
           "E2E_SCENARIO": sc.name,
           "E2E_TIMEOUT_SCALE": os.environ.get("LAB_TIMEOUT_SCALE", "1"),
           "L2_KERNEL": "/e2e/l2/vmlinuz", "L2_INITRD": "/e2e/l2/initrd.gz",
           "L2_APPEND": "%s e2e.rom_ids=%s" % (L2_APPEND, ids)}
    c.file("e2e/env", "".join("%s='%s'\n" % kv for kv in env.items()).encode())
    with open(out, "wb") as f:
        f.write(gzip.compress(c.bytes(), compresslevel=1))


def l1_argv(kit, initrd, console, work, tag):
    """L1, the laptop (TCG): see the module docstring."""
    import lab
    aml = lab.compile_asl(os.path.join(LAB, "lab-tables", "ssdt_stream_rom.asl"), work)
    return ["qemu-system-x86_64", "-name", tag, "-accel", "tcg", "-cpu", "max",
            "-machine", "q35,kernel-irqchip=split", "-smp", "2", "-m", "3072",
            "-nodefaults", "-nographic", "-no-reboot", "-serial", "file:" + console,
            "-device", "intel-iommu,intremap=on,caching-mode=on",
            "-kernel", kit.vmlinuz, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 loglevel=4 quiet intel_iommu=on",
            "-device", "VGA,bus=pcie.0,addr=0x2",
            "-device", "pcie-root-port,id=rp1,bus=pcie.0,addr=0x1,chassis=1,hotplug=off",
            "-device", "VGA,bus=rp1,addr=0x0,multifunction=on,romfile=",
            "-device", "ich9-intel-hda,bus=rp1,addr=0x0.0x1",
            "-acpitable", "file=" + aml,
            "-fw_cfg", "name=%s,file=%s" % (FWCFG_NAME, ROM),
            "-virtfs", "local,path=/usr,mount_tag=l0usr,security_model=none,readonly=on",
            "-virtfs", "local,path=/etc,mount_tag=l0etc,security_model=none,readonly=on"]


# ---------------------------------------------------------------- checks

TAP_LINE = re.compile(r"^(not ok|ok)( \d+)? - (.*)$")


def rom_call_text(data):
    """What acpi_call prints for a 42-byte buffer of @data."""
    return "{" + ", ".join("0x%02x" % b for b in data[:42]) + "}"


def check_l2(tap, label, res, tag, sc, chain):
    ids, gc_rc = sc.l2_ids, sc.l2_gc_rc
    p = "l2.%s." % tag
    for step in ("define", "start"):
        if p + step + "_rc" in res:
            tap.ok(res[p + step + "_rc"] == "0", "%s: L2 %s: virsh %s" % (label, tag, step),
                   res.get(p + step + "_out", "").replace("|", "\n"))
    if p + "qemu_cmdline" in res:
        print("# L2 %s: QEMU in L1: %s" % (tag, res[p + "qemu_cmdline"]))
    if p + "gpu_driver_running" in res:
        tap.ok(res[p + "gpu_driver_running"] == "vfio-pci" and
               not res.get(p + "aud_driver_running"),
               "%s: L2 %s: while the domain ran, L1's 01:00.0 was on vfio-pci and 01:00.1 "
               "on no driver" % (label, tag), "01:00.0 on %r, 01:00.1 on %r" % (
                   res[p + "gpu_driver_running"], res.get(p + "aud_driver_running")))
    if p + "qemu_cmdline" in res:
        tap.ok('"driver":"vfio-pci","host":"0000:01:00.0"' in res[p + "qemu_cmdline"],
               "%s: L2 %s: libvirt's QEMU has vfio-pci host 0000:01:00.0" % (label, tag))
    tap.ok(res.get(p + "finished") == "1" and res.get(p + "rc") == "0",
           "%s: L2 %s booted and ran its check (L2 rc %s%s)"
           % (label, tag, res.get(p + "rc"), ", QEMU in L1 rc %s" % res[p + "qemu_rc"]
              if p + "qemu_rc" in res else ""))
    for k, want in ids.items():
        if want.startswith("@"):
            want = res.get(want[1:], "(L1 gave no %s)" % want[1:])
        tap.ok(res.get(p + k) == want, "%s: L2 %s sees 01:00.0 %s %s"
               % (label, tag, k, want), "got %r" % res.get(p + k))
    tap.ok(res.get(p + "class") == res.get("l1_gpu_class"), "%s: L2 %s sees L1's class %s"
           % (label, tag, res.get("l1_gpu_class")), "got %r" % res.get(p + "class"))
    tap.ok(res.get(p + "fw_path") == sc.l2_fw_path, "%s: L2 %s: 01:00.0 firmware_node/path "
           "is %s" % (label, tag, sc.l2_fw_path), "got %r (parent %s)" % (
               res.get(p + "fw_path"), res.get(p + "parent")))
    gc = res.get(p + "gc_json", "")
    try:
        doc = json.loads(gc)
        print("# L2 %s: optivfio guest check exit %s: %s" % (
            tag, res.get(p + "gc_rc"), " ".join(
                "%s=%s" % (c.get("id") or c.get("name"), c.get("status") or c.get("result"))
                for c in doc.get("checks", []))))
    except ValueError:
        doc = None
    tap.ok(doc is not None, "%s: L2 %s: optivfio --json guest check printed JSON"
           % (label, tag), "%s | %s" % (gc[:500], res.get(p + "gc_err")))
    if gc_rc is not None:
        tap.ok(res.get(p + "gc_rc") == gc_rc, "%s: L2 %s: optivfio guest check exit %s (%ss)"
               % (label, tag, gc_rc, res.get(p + "gc_s")), gc[:2000])
    checks = {c.get("id"): c for c in (doc or {}).get("checks", [])}
    if sc.l2_gc_pass:
        base = ["gpu", "layout", "subsystem", "acpi-node", "rom", "hotplug", "battery"]
        for cid in base + [c for c in checks if c not in base]:
            c = checks.get(cid, {})
            want, why = sc.l2_gc_known.get(cid, ("PASS", None))
            if why:
                print("# L2 %s: KNOWN DEFECT (optivfio): guest check %s is %s, not PASS: %s"
                      % (tag, cid, want, why))
            tap.ok(c.get("status") == want, "%s: L2 %s: guest check %s %s%s" % (
                label, tag, cid, want, " (known defect, see above)" if why else ""),
                json.dumps(c) if c else "no check %r in %s" % (cid, sorted(checks)))
    if sc.l2_battery:
        tap.ok("PNP0C0A" in json.dumps(checks.get("battery", {})) and
               checks.get("battery", {}).get("status") == "PASS",
               "%s: L2 %s: guest check --battery present finds the PNP0C0A device"
               % (label, tag), json.dumps(checks.get("battery")))
        tap.ok(res.get(p + "power_supply", "").split() != [],
               "%s: L2 %s: the fake battery is in /sys/class/power_supply (%s)"
               % (label, tag, res.get(p + "power_supply", "").strip()),
               "got %r" % res.get(p + "power_supply"))
    if sc.l2_rom_dump:
        want = hashlib.sha256(chain).hexdigest()
        tap.ok(res.get(p + "rom_dump_rc") == "0", "%s: L2 %s: optivfio rom dump --from acpi "
               "exit 0 (%ss)" % (label, tag, res.get(p + "rom_dump_s")),
               res.get(p + "rom_dump_out", "").replace("|", "\n"))
        tap.ok(res.get(p + "rom_dump_sha256") == want,
               "%s: L2 %s: the ROM dumped from L2's _ROM has the sha256 of the ROM file's "
               "chain (%d bytes, %s)" % (label, tag, len(chain), want[:16]),
               "got %r, %s bytes" % (res.get(p + "rom_dump_sha256"), res.get(p + "rom_dump_len")))
        if sc.l1_rom_dump:
            tap.ok(res.get(p + "rom_dump_sha256") == res.get("l1_rom_dump_sha256"),
                   "%s: L2 %s: L2's ROM dump = L1's (sha256)" % (label, tag),
                   "L2 %r, L1 %r" % (res.get(p + "rom_dump_sha256"),
                                     res.get("l1_rom_dump_sha256")))


def run(tap, kit, sc, optivfio, keep):
    scale = float(os.environ.get("LAB_TIMEOUT_SCALE", "1"))
    label = "e2e %s" % sc.name
    t_start = time.time()
    work = tempfile.mkdtemp(prefix="run-e2e-%s-" % sc.name, dir=CACHE)
    try:
        with open(ROM, "rb") as f:
            rom = f.read()
        # One copy for L1 and L2, taken once: the build may be relinked
        # while the test runs.
        ov = os.path.join(work, "optivfio")
        shutil.copy(optivfio, ov)
        ver = labkit.sh([ov, "--version"]).strip()
        print("# optivfio: %s, sha256 %s (%s)" % (ver, labkit.sha256_file(ov)[:16], optivfio))
        initrd = os.path.join(work, "l1-initrd.gz")
        l1_initrd(kit, sc, ov, work, initrd)
        console = os.path.join(work, "console.log")
        argv = l1_argv(kit, initrd, console, work, "optivfio-e2e-%s-%d" % (sc.name, os.getpid()))
        with open(os.path.join(work, "argv"), "w") as f:
            f.write(" ".join("'%s'" % a for a in argv) + "\n")
        t_setup = time.time() - t_start
        r = labkit.run_qemu(argv, console, sc.timeout * scale, os.path.join(work, "qemu.log"))
    except (labkit.LabError, OSError) as e:
        tap.ok(False, "%s: setup (kit, module tree, initramfs, table)" % label, e)
        return
    res = r.results
    tail = r.console[-3000:]
    tap.ok(not r.timed_out, "%s: L1 finished within %ds (took %.1fs)"
           % (label, sc.timeout * scale, r.wall), tail)
    tap.ok(not r.leftover, "%s: no QEMU process left behind" % label, r.leftover)
    if not tap.ok(r.finished, "%s: L1 ran the scenario" % label,
                  open(os.path.join(work, "qemu.log")).read() + tail):
        print("# kept %s (console.log, qemu.log, argv)" % work)
        return
    for k in ("insmod_failed", "mount_failed", "modprobe_failed"):
        if k in res:
            print("# L1 %s: %s" % (k, res[k]))
    tap.ok(res.get("kernel") == kit.abi, "%s: L1 kernel %s" % (label, res.get("kernel")))
    tap.ok("rootfs_s" in res, "%s: L1 root from L0's /usr and /etc (9p + overlay)" % label,
           res.get("mount_failed") or res.get("insmod_failed"))
    tap.ok(res.get("l1_kvm") == "yes", "%s: L1 has /dev/kvm (kvm_amd on TCG's SVM)" % label,
           res.get("modprobe_failed"))
    tap.ok(res.get("l1_aud_driver") == "snd_hda_intel",
           "%s: L1 01:00.1 on snd_hda_intel" % label, res.get("l1_aud_driver"))
    tap.ok(res.get("l1_drm", "").strip() == "" and not res.get("l1_gpu_driver"),
           "%s: L1 01:00.0 has no driver, no DRM device" % label,
           "drm=%r driver=%r" % (res.get("l1_drm"), res.get("l1_gpu_driver")))
    members = sorted(res.get("l1_gpu_group_devices", "").split())
    print("# L1 01:00.0: ids %s sub %s class %s, IOMMU group %s: %s" % (
        res.get("l1_gpu_ids"), res.get("l1_gpu_sub"), res.get("l1_gpu_class"),
        res.get("l1_gpu_group"), " ".join(members)))
    tap.ok(members == ["0000:01:00.0", "0000:01:00.1"],
           "%s: L1 01:00.0 and 01:00.1 alone in their IOMMU group" % label, members)
    tap.ok(res.get("l1_gpu_fw_path") == GPU_ACPI_PATH,
           "%s: L1 01:00.0 firmware_node/path is %s" % (label, GPU_ACPI_PATH),
           "got %r" % res.get("l1_gpu_fw_path"))
    want = rom_call_text(rom)
    tap.ok(res.get("l1_rom_call") == want,
           "%s: L1 firmware: _ROM(0, 42) = the ROM file's first 42 bytes (55 AA ...)" % label,
           "got  %s\nwant %s" % (res.get("l1_rom_call"), want))

    n_guest = 0
    for line in r.lines:
        at = line.find("@@GT ")
        if at >= 0:
            text = line[at + 5:]
            m = TAP_LINE.match(text)
            if m:
                n_guest += 1
                tap.ok(m.group(1) == "ok", "%s: L1: %s" % (label, m.group(3)))
            else:
                print(text if text.startswith("#") else "# " + text)
            continue
        at = line.find("@@L2 ")
        if at >= 0:
            print("#   L2 " + line[at + 5:])
    chain = rom_chain(rom)
    if sc.l1_rom_dump:
        want = hashlib.sha256(chain).hexdigest()
        tap.ok(res.get("l1_rom_dump_sha256") == want,
               "%s: L1's rom dump --from acpi (the firmware's _ROM) has the sha256 of the "
               "ROM file's chain (%d bytes, %s)" % (label, len(chain), want[:16]),
               "got %r, %s bytes" % (res.get("l1_rom_dump_sha256"), res.get("l1_rom_dump_len")))
    for tag in sc.l2:
        check_l2(tap, label, res, tag, sc, chain)
    tap.ok(res.get("rc") == "0", "%s: L1 scenario script exit %s" % (label, res.get("rc")))
    total = time.time() - t_start
    l2 = ", ".join("L2 %s: boot %ss (L2 uptime at init), QEMU in L1 %ss" % (
        t, res.get("l2.%s.boot_s" % t), res.get("l2.%s.wall_s" % t)) for t in sc.l2)
    print("# %s times: total %.1fs (setup %.1fs, L1 QEMU %.1fs); L1 boot %ss (uptime at "
          "init), root %ss, laptop up %ss, scenario %ss, L1 end %ss; %s" % (
              label, total, t_setup, r.wall, res.get("boot_s"), res.get("rootfs_s"),
              res.get("l1_up_s"), res.get("scenario_s"), res.get("end_s"), l2))
    # Every step the scenario timed (ov NAME: NAME_s; L2: gc_s, rom_dump_s),
    # in the order L1 reported them.
    known = {"boot_s", "rootfs_s", "l1_up_s", "scenario_s", "end_s"}
    steps = ["%s %ss" % (k[:-2], v) for k, v in res.items()
             if k.endswith("_s") and k not in known and not k.endswith((".boot_s", ".wall_s"))]
    print("# %s step times: %s" % (label, ", ".join(steps) or "none"))
    if keep or tap.failed:
        print("# kept %s (console.log, qemu.log, argv)" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("names")
    sub.add_parser("list")
    rp = sub.add_parser("run")
    rp.add_argument("--optivfio", required=True, help="optivfio binary (L1 and L2)")
    rp.add_argument("--keep", action="store_true", help="keep the run directory")
    rp.add_argument("scenario", choices=sorted(BY_NAME))
    a = ap.parse_args()
    if a.cmd == "names":
        print("\n".join(s.name for s in SCENARIOS))
        return 0
    if a.cmd == "list":
        for s in SCENARIOS:
            print("%-24s %s" % (s.name, s.what))
        return 0
    import lab
    tap = lab.Tap()
    try:
        kit = labkit.prepare(CACHE)
    except labkit.LabError as e:
        tap.ok(False, "lab kit (kernel, modules, busybox) from Debian packages", e)
        return 0 if tap.done() else 1
    run(tap, kit, BY_NAME[a.scenario], os.path.abspath(a.optivfio), a.keep)
    return 0 if tap.done() else 1


if __name__ == "__main__":
    sys.exit(main())
