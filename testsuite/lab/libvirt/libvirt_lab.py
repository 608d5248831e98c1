#!/usr/bin/env python3
"""optivfio lab with real libvirt (issue 6, README.md next to this file).

    libvirt_lab.py run --optivfio BIN [--rom KEY] [--keep]   TAP on stdout

1. `optivfio ssdt --mode embed` and `optivfio vm libvirt` patch the lab's
   domain (lab-domain.xml); `virsh domxml-to-native qemu-argv` of libvirt's
   QEMU driver must show the root port with hotplug off at 00:01.0, the
   vfio-pci device with the host's subsystem ids on that port's bus, and one
   -acpitable per table of the manifest.
2. The patched domain with its hostdev swapped for an emulated VGA at the
   same guest address (and the hostdev-only subsystem-id override dropped)
   is defined and started by libvirt; the lab guest boots in it and runs
   `optivfio guest check` and `optivfio rom dump --from acpi` (sha256
   compared with the input ROM here).

libvirt runs as its embedded QEMU driver (`qemu:///embed?root=DIR`, the
same driver libvirtd loads, in-process in one long-lived `virsh`), with
every file of its own under the run directory: nothing touches /etc/libvirt
or /var/lib/libvirt, and no daemon of the machine is used or started.

Environment: BUILDDIR, SRCDIR, SHARED, LAB_TIMEOUT_SCALE (as lab.py).
"""
import argparse
import hashlib
import json
import os
import pwd
import grp
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import labkit  # noqa: E402
import lab     # noqa: E402

SRCDIR = lab.SRCDIR
CACHE = lab.CACHE
HOST_FIXTURE = os.path.join(SRCDIR, "testsuite", "hosts", "acer-nitro5-an515-51")
HOST_GPU = "0000:01:00.0"
LIBVIRT_VERSION = "9.0.0"       # Debian 12's libvirt-daemon (facts §4.1)
QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"
# ROMs the guest serves through optivfio's embed tables, with the ids
# `guest check --rom-ids` is given (the guest's device is QEMU's VGA).
ROM_IDS = {"gtx1050ti": "10de:1c8c", "e1000e": "8086:10d3"}
GUEST_TIMEOUT = 150
QEMU_CONF = """# private instance of the optivfio lab (libvirt_lab.py)
user = "root"
group = "root"
security_driver = "none"
# no virtlogd: QEMU's stdout/stderr go to a file of ours
stdio_handler = "file"
"""


def have_qemu_user():
    """libvirt's privileged QEMU driver resolves its compiled-in default
    user libvirt-qemu before it reads qemu.conf. scripts/install-deps
    creates it (Debian's libvirt-daemon-system would, but also starts the
    machine's libvirtd); the test itself changes nothing outside the build
    tree."""
    try:
        grp.getgrnam("libvirt-qemu")
        pwd.getpwnam("libvirt-qemu")
        return True
    except KeyError:
        return False


class Virsh:
    """One interactive `virsh -c qemu:///embed?root=DIR`: the embedded QEMU
    driver lives as long as this process, and it must be alive while a
    domain runs (it handles the guest's power-off and tears QEMU down)."""

    MARK = "@@VIRSH-DONE@@"

    def __init__(self, root, log):
        self.root = root
        self.uri = "qemu:///embed?root=" + root
        self.logf = open(log, "ab")
        self.p = subprocess.Popen(["virsh", "-c", self.uri], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.logf,
                                  start_new_session=True)
        self.buf = b""

    def cmd(self, line, timeout=120):
        """Run one virsh command; returns its stdout (text). The command's
        error goes to the log; virsh's `echo` marks the end."""
        self.logf.write(("virsh> %s\n" % line).encode())
        self.logf.flush()
        # virsh reads stdin through readline, which echoes every command
        # line after a prompt: the marker is written in two quoted halves
        # (virsh joins them) so only echo's output carries it whole.
        half = len(self.MARK) // 2
        self.p.stdin.write(("%s\necho '%s''%s'\n" % (line, self.MARK[:half],
                                                    self.MARK[half:])).encode())
        self.p.stdin.flush()
        end = time.time() + timeout
        mark = self.MARK.encode()     # (interactive echo prints no newline)
        while True:
            at = self.buf.find(mark)
            if at >= 0:
                out, self.buf = self.buf[:at], self.buf[at + len(mark):]
                text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode("utf-8", "replace"))
                # readline's echo: the prompt line, wrapped when long
                text = "".join(ln for ln in text.splitlines(True)
                               if not ln.startswith("virsh # ") and
                               not ln.startswith(("Welcome", "Type:", "       ")))
                self.logf.write(text.encode())
                return text
            left = end - time.time()
            if left <= 0:
                raise labkit.LabError("virsh %s: no answer in %ds" % (line, timeout))
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 65536)
                if not chunk:
                    raise labkit.LabError("virsh exited during: %s" % line)
                self.buf += chunk

    def close(self):
        try:
            self.p.stdin.write(b"quit\n")
            self.p.stdin.flush()
            self.p.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        self.logf.close()


def qemu_pids(name):
    """QEMU processes of our domain (its name is unique to this run)."""
    out = subprocess.run(["pgrep", "-f", r"qemu-system-x86_64 -name guest=%s[, ]"
                          % re.escape(name)], stdout=subprocess.PIPE, text=True).stdout
    return [int(p) for p in out.split()]


def kill_pids(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def fill_template(path, values):
    with open(path) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace("@%s@" % k, escape(v, {"'": "&apos;"}))
    return text


def parse_xml(path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    return ET.parse(path, parser)


def swap_hostdev_for_vga(patched, out):
    """The patched domain with its GPU hostdev replaced, in place, by an
    emulated VGA at the same guest address (QEMU's VGA: class 0x030000) and
    the hostdev's subsystem-id override dropped (x-pci-sub-* are vfio-pci
    properties: VGA has none, QEMU would refuse to start). Returns the
    alias of the swapped hostdev."""
    ET.register_namespace("qemu", QEMU_NS)
    tree = parse_xml(patched)
    dom = tree.getroot()
    devices = dom.find("devices")
    hostdevs = [h for h in devices.findall("hostdev") if h.get("type") == "pci"]
    if len(hostdevs) != 1:
        raise labkit.LabError("%s: %d PCI hostdevs, want 1" % (patched, len(hostdevs)))
    hd = hostdevs[0]
    alias = hd.find("alias").get("name")
    video = ET.Element("video")
    video.text, video.tail = hd.text, hd.tail
    model = ET.SubElement(video, "model", {"type": "vga", "vram": "16384", "heads": "1",
                                           "primary": "yes"})
    model.tail = hd.find("alias").tail
    addr = hd.find("address")
    video.append(ET.fromstring(ET.tostring(addr)))
    video[-1].tail = addr.tail
    pos = list(devices).index(hd)
    devices.remove(hd)
    devices.insert(pos, video)
    ov = dom.find("{%s}override" % QEMU_NS)
    for d in list(ov.findall("{%s}device" % QEMU_NS)) if ov is not None else []:
        if d.get("alias") == alias:
            ov.remove(d)
    if ov is not None and len(ov) == 0:
        dom.remove(ov)
    tree.write(out, encoding="unicode")
    return alias


def device_json(argv):
    """All `-device '{json}'` of a QEMU argv, parsed."""
    devs = []
    for i, a in enumerate(argv[:-1]):
        if a == "-device" and argv[i + 1].startswith("{"):
            devs.append(json.loads(argv[i + 1]))
    return devs


def host_attr(name):
    with open(os.path.join(HOST_FIXTURE, "sys/bus/pci/devices", HOST_GPU, name)) as f:
        return int(f.read().strip(), 16)


def check_native(tap, argv_text, tables, ssdt_dir):
    """What libvirt's QEMU driver makes of the patched domain."""
    try:
        argv = shlex.split(argv_text.replace("\\\n", " "))
    except ValueError as e:
        tap.ok(False, "domxml-to-native: output is a shell command line", e)
        return
    devs = device_json(argv)
    for line in argv_text.replace("\\\n", "").split(" -"):
        if "pcie-root-port" in line or "vfio-pci" in line or "acpitable" in line:
            print("#   -" + line.strip())
    rps = [d for d in devs if d.get("driver") == "pcie-root-port" and
           d.get("bus") == "pcie.0" and d.get("addr") == "0x1"]
    rp = rps[0] if len(rps) == 1 else {}
    tap.ok(rp.get("hotplug") is False,
           "domxml-to-native: pcie-root-port at pcie.0 addr 0x1 with \"hotplug\":false",
           json.dumps(rps))
    gpus = [d for d in devs if d.get("driver") == "vfio-pci"]
    gpu = gpus[0] if len(gpus) == 1 else {}
    tap.ok(gpu.get("host") == HOST_GPU and gpu.get("bus") == rp.get("id", "?") and
           gpu.get("addr") == "0x0",
           "domxml-to-native: vfio-pci host=%s at addr 0x0 on the root port's bus (%s)"
           % (HOST_GPU, rp.get("id")), json.dumps(gpus))
    # Expected ids: the host fixture's sysfs, as decimal numbers in JSON.
    sv, sd = host_attr("subsystem_vendor"), host_attr("subsystem_device")
    tap.ok(gpu.get("x-pci-sub-vendor-id") == sv and gpu.get("x-pci-sub-device-id") == sd,
           "domxml-to-native: vfio-pci x-pci-sub-vendor-id=%d x-pci-sub-device-id=%d "
           "(%04x:%04x from the host)" % (sv, sd, sv, sd), json.dumps(gpu))
    got = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "-acpitable"]
    want = ["file=" + os.path.join(ssdt_dir, t) for t in tables]
    tap.ok(got == want, "domxml-to-native: one -acpitable per table of the manifest "
           "(%d, in order)" % len(want), "got %s\nwant %s" % (got, want))
    tap.ok("-no-acpi" not in argv and "-accel" in argv and
           argv[argv.index("-accel") + 1] == "tcg",
           "domxml-to-native: ACPI on, TCG (-accel tcg)",
           " ".join(argv[:40]))


def parse_console(text):
    """@@LAB key=value results between the markers lab's /init prints."""
    res, finished, inside = {}, False, False
    for line in text.splitlines():
        if labkit.BEGIN in line:
            inside = True
        elif labkit.END in line:
            finished, inside = True, False
        elif inside and "@@LAB " in line:
            k, _, v = line[line.find("@@LAB ") + 6:].partition("=")
            res[k.strip()] = v
    return res, finished


def run(a, tap):
    scale = float(os.environ.get("LAB_TIMEOUT_SCALE", "1"))
    label = "libvirt"
    rom = lab.rom_path(a.rom)
    if not os.path.exists(rom):
        tap.ok(False, "%s: input ROM %s exists" % (label, rom))
        return
    with open(rom, "rb") as f:
        rom_data = f.read()
    if not shutil.which("virsh"):
        tap.ok(False, "%s: virsh (libvirt-clients) is installed" % label)
        return
    if not tap.ok(have_qemu_user(), "%s: the libvirt-qemu user and group exist" % label,
                  "run scripts/install-deps: it creates them for libvirt's QEMU driver"):
        return
    kit = labkit.prepare(CACHE)
    work = tempfile.mkdtemp(prefix="run-libvirt-", dir=CACHE)
    name = "ovlab-%d" % os.getpid()
    console = os.path.join(work, "console.log")
    t_start = time.time()

    # The tables and the patch, on the host side.
    ssdt_dir = os.path.join(work, "ssdt")
    try:
        labkit.sh([a.optivfio, "ssdt", "--mode", "embed", "--rom", rom, "-o", ssdt_dir])
        with open(os.path.join(ssdt_dir, "optivfio-ssdt.json")) as f:
            tables = json.load(f)["tables"]
        script = lab.guest_script(
            lab.Scenario("libvirt", "libvirt", rom=a.rom, floor_dump=False,
                         optivfio=lab.ov_checks(ROM_IDS[a.rom])),
            len(rom_data), a.optivfio)
        initrd = os.path.join(work, "initrd.gz")
        labkit.build_initramfs(kit, initrd, script,
                               binaries={"/usr/bin/optivfio": a.optivfio})
        base = os.path.join(work, "domain.xml")
        with open(base, "w") as f:
            f.write(fill_template(os.path.join(HERE, "lab-domain.xml"), {
                "NAME": name, "KERNEL": kit.vmlinuz, "INITRD": initrd, "CONSOLE": console}))
        patched = os.path.join(work, "patched.xml")
        labkit.sh([a.optivfio, "--root", HOST_FIXTURE, "vm", "libvirt", "--domain-xml", base,
                   "--ssdt-dir", ssdt_dir, "--libvirt-version", LIBVIRT_VERSION,
                   "-o", patched])
        swapped = os.path.join(work, "swapped.xml")
        alias = swap_hostdev_for_vga(patched, swapped)
    except (labkit.LabError, OSError, KeyError, AttributeError, ET.ParseError) as e:
        tap.ok(False, "%s: setup (optivfio ssdt, vm libvirt, initramfs)" % label, e)
        return
    tap.ok(True, "%s: optivfio ssdt --mode embed (%d tables) and vm libvirt patched "
           "lab-domain.xml" % (label, len(tables)))
    check_swap_only(tap, patched, swapped, alias)
    for path in (patched, swapped):
        p = subprocess.run(["virt-xml-validate", path, "domain"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        tap.ok(p.returncode == 0, "virt-xml-validate %s" % os.path.basename(path), p.stdout)

    # libvirt's own tree: short, for the QEMU monitor socket under it
    # (sun_path is 108 bytes; a build tree's path may be long).
    root = tempfile.mkdtemp(prefix="ovlv-", dir="/tmp" if os.path.isdir("/tmp") else None)
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc", "qemu.conf"), "w") as f:
        f.write(QEMU_CONF)
    virsh = Virsh(root, os.path.join(work, "virsh.log"))
    defined = False
    r = {}
    try:
        t0 = time.time()
        # Short command lines (readline wraps long ones with escapes).
        virsh.cmd("cd %s" % shlex.quote(work))
        out = virsh.cmd("domxml-to-native qemu-argv patched.xml")
        print("# domxml-to-native (driver start + capabilities): %.1fs" % (time.time() - t0))
        if not tap.ok(out.strip().endswith("-msg timestamp=on") or "-device" in out,
                      "virsh domxml-to-native qemu-argv patched.xml",
                      open(os.path.join(work, "virsh.log")).read()[-3000:]):
            return
        with open(os.path.join(work, "patched.argv"), "w") as f:
            f.write(out)
        check_native(tap, out, tables, ssdt_dir)
        # Control: the same domain without hotplug='off' on the root port
        # gives no "hotplug":false (the check above sees our attribute).
        with open(patched) as f:
            text = f.read()
        with open(os.path.join(work, "control.xml"), "w") as f:
            f.write(text.replace(" hotplug='off'", ""))
        out = virsh.cmd("domxml-to-native qemu-argv control.xml")
        rps = [d for d in device_json(shlex.split(out.replace("\\\n", " ")))
               if d.get("driver") == "pcie-root-port" and d.get("addr") == "0x1"]
        tap.ok(text.count(" hotplug='off'") == 1 and len(rps) == 1 and
               "hotplug" not in rps[0],
               "control: without <target hotplug='off'/> the root port has no \"hotplug\"",
               json.dumps(rps))

        out = virsh.cmd("define swapped.xml")
        defined = tap.ok("defined" in out, "virsh define swapped.xml",
                         open(os.path.join(work, "virsh.log")).read()[-3000:])
        if not defined:
            return
        t0 = time.time()
        out = virsh.cmd("start %s" % name)
        if not tap.ok("started" in out, "virsh start (the lab guest boots through libvirt)",
                      open(os.path.join(work, "virsh.log")).read()[-3000:]):
            return
        check_started(tap, qemu_pids(name))
        state = ""
        deadline = t0 + GUEST_TIMEOUT * scale
        while time.time() < deadline:
            state = virsh.cmd("domstate %s" % name).strip()
            if state not in ("running", "in shutdown"):
                break
            time.sleep(1)
        wall = time.time() - t0
        tap.ok(state == "shut off", "libvirt: the guest powered off by itself within %ds "
               "(state %r after %.1fs)" % (GUEST_TIMEOUT * scale, state, wall))
        try:
            with open(console, "rb") as f:
                text = f.read().decode("utf-8", "replace").replace("\r", "")
        except FileNotFoundError:
            text = ""
        r, finished = parse_console(text)
        if not tap.ok(finished and r.get("rc") == "0", "libvirt: guest ran the lab script "
                      "(exit %s)" % r.get("rc"), text[-3000:]):
            return
        print("# guest: boot %ss, in guest %ss, wall %.1fs"
              % (r.get("boot_s"), r.get("end_s"), wall))
    except labkit.LabError as e:
        tap.ok(False, "libvirt: virsh", e)
        return
    finally:
        if defined:
            try:
                if virsh.cmd("domstate %s" % name, 30).strip() != "shut off":
                    virsh.cmd("destroy %s" % name, 60)
                virsh.cmd("undefine %s" % name, 30)
            except labkit.LabError as e:
                print("# cleanup: %s" % e)
        virsh.close()
        left = qemu_pids(name)
        kill_pids(left)
        tap.ok(not left and virsh.p.returncode is not None,
               "libvirt: no QEMU and no virsh of this run left (%s)" % left)
        print("# libvirt part: %.1fs" % (time.time() - t_start))
        for log in [os.path.join(root, "log", "qemu", name + ".log")]:
            if os.path.exists(log):
                shutil.copy(log, os.path.join(work, "qemu.log"))
        shutil.rmtree(root, ignore_errors=True)
        if a.keep or tap.failed:
            print("# kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    check_guest(tap, kit, r, rom_data)


def check_started(tap, pids):
    """The QEMU libvirt started: the VGA where the GPU was (01:00.0 behind
    the root port with hotplug off at 00:01.0), and no vfio-pci."""
    argv = []
    if len(pids) == 1:
        with open("/proc/%d/cmdline" % pids[0]) as f:
            argv = f.read().split("\0")
    devs = device_json(argv)
    rp = [d for d in devs if d.get("driver") == "pcie-root-port" and
          d.get("addr") == "0x1" and d.get("bus") == "pcie.0"]
    vga = [d for d in devs if d.get("driver") == "VGA"]
    print("#   started: " + "\n#   started: ".join(json.dumps(d) for d in rp + vga))
    tap.ok(len(rp) == 1 and rp[0].get("hotplug") is False and len(vga) == 1 and
           vga[0].get("bus") == rp[0].get("id") and vga[0].get("addr") == "0x0" and
           not any(d.get("driver") == "vfio-pci" for d in devs),
           "the started QEMU (pid %s): VGA at addr 0x0 on the hotplug=off root port, "
           "no vfio-pci" % pids, " ".join(argv)[:3000])


def check_swap_only(tap, patched, swapped, alias):
    """The started domain differs from the patched one by the swap only:
    take the GPU hostdev (and its override) out of one and the VGA out of
    the other, and the rest must be identical."""
    def strip(path, tag):
        tree = parse_xml(path)
        dom = tree.getroot()
        devs = dom.find("devices")
        gone = [e for e in devs if e.tag == tag]
        for e in gone:
            devs.remove(e)
        ov = dom.find("{%s}override" % QEMU_NS)
        if ov is not None:
            for d in list(ov):
                if d.get("alias") == alias:
                    ov.remove(d)
            if len(ov) == 0:
                dom.remove(ov)
        return ET.canonicalize(ET.tostring(dom), strip_text=True), gone
    a, ha = strip(patched, "hostdev")
    b, vb = strip(swapped, "video")
    addr = lambda e: ET.tostring(e.find("address")) if e.find("address") is not None else b""
    tap.ok(a == b and len(ha) == 1 and len(vb) == 1 and addr(ha[0]) == addr(vb[0]),
           "swapped.xml = patched.xml with the hostdev replaced by a VGA at the same "
           "address (and the override of %s dropped)" % alias)


def check_guest(tap, kit, r, rom_data):
    label = "libvirt guest"
    tap.ok(r.get("kernel") == kit.abi, "%s: kernel %s" % (label, r.get("kernel")))
    tap.ok(r.get("gpu_acpi_path") == lab.GPU_ACPI_PATH,
           "%s: %s firmware_node/path is %s" % (label, lab.GPU, lab.GPU_ACPI_PATH),
           "got %r" % r.get("gpu_acpi_path"))
    tap.ok(r.get("gpu_class", "").startswith("0x0300"),
           "%s: %s is the VGA (class %s)" % (label, lab.GPU, r.get("gpu_class")))
    tap.ok(r.get("first_rom_head", "").startswith("{0x55, 0xaa,"),
           "%s: _ROM(0, 42) starts with 55 AA" % label, r.get("first_rom_head"))
    tap.ok(r.get("acpi_errors") == "0", "%s: no ACPI errors in dmesg" % label,
           r.get("acpi_error_first"))
    out = r.get("optivfio_0_out", "")
    tap.ok(r.get("optivfio_0_rc") == "0" and "PASS  rom" in out,
           "%s: optivfio guest check passes (PASS  rom)" % label, out.replace("|", "\n"))
    print("#   guest check: " + out.replace("|", "\n#     "))
    tap.ok(r.get("optivfio_1_rc") == "0", "%s: optivfio rom dump --from acpi (%ss)"
           % (label, r.get("optivfio_1_s")), r.get("optivfio_1_out", "").replace("|", "\n"))
    n = int(r.get("optivfio_rom_size", "0"))
    tap.ok(lab.pcir_walk_length(rom_data) <= n <= len(rom_data) and
           r.get("optivfio_rom_sha256") == hashlib.sha256(rom_data[:n]).hexdigest(),
           "%s: the dumped ROM (%d bytes) matches the input's sha256" % (label, n),
           "PCIR size %d, file %d" % (lab.pcir_walk_length(rom_data), len(rom_data)))


def _interrupt(signum, frame):
    raise KeyboardInterrupt()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rp = sub.add_parser("run")
    rp.add_argument("--optivfio", required=True, help="the optivfio binary")
    rp.add_argument("--rom", default="gtx1050ti", choices=sorted(ROM_IDS))
    rp.add_argument("--keep", action="store_true", help="keep the run directory")
    a = ap.parse_args()
    a.optivfio = os.path.abspath(a.optivfio)
    tap = lab.Tap()
    # meson's timeout or ^C: the finally blocks take QEMU and virsh along.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        run(a, tap)
    except labkit.LabError as e:
        tap.ok(False, "libvirt lab", e)
    except KeyboardInterrupt:
        tap.ok(False, "libvirt lab: interrupted")
    return 0 if tap.done() else 1


if __name__ == "__main__":
    sys.exit(main())
