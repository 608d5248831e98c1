#!/usr/bin/env python3
"""optivfio lab: boot real Debian kernels in QEMU (TCG) and prove _ROM tables,
ACPI ROM dumps and fake batteries inside them (design §6, issue 5).

    lab.py list                     scenarios and what they prove
    lab.py names                    scenario names only (meson reads them)
    lab.py run NAME [NAME...]       run scenarios, TAP on stdout (meson test)
    lab.py run --keep NAME          keep the run directory (console.log, argv)
    lab.py run --optivfio BIN NAME  also put BIN (+ its libraries) in the guest
    lab.py run --display DEV NAME   another display device at 01:00.0
    lab.py run --optivfio BIN --guest-cmd "rom dump --from acpi -o /tmp/optivfio.rom" NAME
                                    run optivfio commands in the guest (repeatable)
    lab.py run --optivfio BIN --ssdt-mode fwcfg|embed NAME
                                    boot with `optivfio ssdt` tables instead of ours
    lab.py prepare                  only build/refresh the cached kit
    lab.py bench [--rom KEY] [--optivfio BIN]   timings and ratios (minutes)

Environment: BUILDDIR (cache: $BUILDDIR/lab-cache), SHARED (ROM inputs),
LAB_TIMEOUT_SCALE (multiply every guest timeout, e.g. 3 on a busy machine).
"""
import argparse
import json
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labkit  # noqa: E402

HERE = labkit.HERE
SRCDIR = os.environ.get("SRCDIR", os.path.normpath(os.path.join(HERE, "..", "..")))
BUILDDIR = os.environ.get("BUILDDIR", os.path.join(SRCDIR, "build"))
SHARED = os.environ.get("SHARED", os.path.join(SRCDIR, "..", "shared"))
CACHE = os.path.join(BUILDDIR, "lab-cache")
FWCFG_NAME = "opt/com.lion328/nvidia-rom"   # the seed's fw_cfg file name
GPU = "0000:01:00.0"
# What Linux prints for QEMU's node of 01:00.0 behind the root port at
# 00:01.0 (facts-qemu-libvirt §1.1: S%02X of devfn, nested under the bridge;
# ACPICA pads segments to 4 characters with '_').
GPU_ACPI_PATH = "\\_SB_.PCI0.S08_.S00_"
# Bytes the seed-style sh dumper reads in CI (it needs 38-100 ms per 42-byte
# call under TCG: a whole 165 KiB ROM takes 2.5-7 minutes; the bench does it).
SH_CI_PREFIX = 8192

TABLES = {
    "stream": os.path.join(HERE, "lab-tables", "ssdt_stream_rom.asl"),
    "seed": os.path.join(HERE, "seed-style", "ssdt_seed_rom.asl"),
}

ROMS = {
    # multi-image: legacy PXE image (not marked last) + EFI image
    "e1000e": "/usr/lib/ipxe/qemu/efi-e1000e.rom",
    # single legacy image, marked last, 73.5 KiB
    "pxe-e1000e": "/usr/lib/ipxe/qemu/pxe-e1000e.rom",
    # NVIDIA Pascal laptop VBIOS: image 0 marked last, PCIR length = the ROM,
    # the file is padded with 0xFF to 256 KiB
    "gtx1050ti": "@SHARED@/data/roms/gtx1050ti_mobile.rom",
}

# Root port / ACPI bridge hotplug placements on QEMU 7.2 (facts §1.2 table).
PLACEMENTS = {
    # QEMU declares S00 (_ADR only): the table uses Scope(S08.S00)
    "hotplug-off": dict(root_port="hotplug=off", bridge_hotplug=True, declare_s00=False),
    # QEMU's defaults: S00 with ASUN/_DSM/_SUN/_EJ0, Scope(S08.S00)
    "hotplug-default": dict(root_port="", bridge_hotplug=True, declare_s00=False),
    # no S00 from QEMU: the table must declare Device(S00) with _ADR 0
    "bridge-hotplug-off": dict(root_port="hotplug=off", bridge_hotplug=False,
                               declare_s00=True),
}


def rom_path(key):
    return ROMS[key].replace("@SHARED@", SHARED)


def pcir_walk_length(data):
    """ROM size as a PCIR-only walk of the image chain computes it (PCI FW
    3.0 §5.1.2: image length at PCIR+0x10 in 512-byte units, last image =
    bit 7 of PCIR+0x15). Independent of the guest: what the seed-style
    dumper must come back with."""
    off = 0
    while off + 0x1a <= len(data) and data[off:off + 2] == b"\x55\xaa":
        p = off + struct.unpack_from("<H", data, off + 0x18)[0]
        if data[p:p + 4] != b"PCIR":
            break
        off += struct.unpack_from("<H", data, p + 0x10)[0] * 512
        if data[p + 0x15] & 0x80:
            return off
    return off


def image0_is_last(data):
    p = struct.unpack_from("<H", data, 0x18)[0]
    return bool(data[p + 0x15] & 0x80)


class Scenario:
    """One guest boot. Fields:
    rom: key of ROMS served through the seed-style table (None: no table)
    placement: key of PLACEMENTS
    firmware: 'seabios' or 'ovmf'
    battery: None, 'absent' or 'present' (hand-written ASL tables)
    sh_dump: run the seed-style sh dumper ('auto': where it terminates,
             '--length' runs elsewhere use the seed's -l override)
    floor_dump: dump the whole input file with acpi-call-floor
    optivfio: list of commands run as `optivfio ARGS` in the guest
    ov_expect: (index, text) pairs: text the optivfio command must print
    extra: more QEMU arguments (devices on bus 0)
    rom_bar: file whose bytes an optivfio dump from a ROM BAR must return
    ssdt_mode: 'fwcfg' or 'embed': the tables come from `optivfio ssdt`
             (placement decided by optivfio from the installed QEMU)
    timeout: seconds before the guest is killed (times LAB_TIMEOUT_SCALE)
    table: 'stream' (lab-tables/ssdt_stream_rom.asl) or 'seed'
             (seed-style/ssdt_seed_rom.asl) serves the ROM from fw_cfg
    wrong_placement: control run with the other placement of the table: the
             guest must then have no _ROM (proves the placement matters)
    """

    def __init__(self, name, what, rom=None, placement="hotplug-off", firmware="seabios",
                 battery=None, sh_dump=False, floor_dump=True, optivfio=(), timeout=240,
                 display="VGA", wrong_placement=False, table="stream", ssdt_mode=None,
                 ov_expect=(), extra=(), rom_bar=None):
        self.name, self.what, self.rom, self.placement = name, what, rom, placement
        self.firmware, self.battery, self.sh_dump = firmware, battery, sh_dump
        self.floor_dump, self.optivfio, self.timeout = floor_dump, list(optivfio), timeout
        self.display = display
        self.wrong_placement = wrong_placement
        self.table = table
        self.ssdt_mode = ssdt_mode
        self.ov_expect = list(ov_expect)
        self.extra, self.rom_bar = list(extra), rom_bar
        if wrong_placement:
            self.floor_dump = self.sh_dump = False


SCENARIOS = [
    Scenario("rom-gtx1050ti-hotplug-off",
             "GTX 1050 Ti ROM, root port hotplug=off, Scope(S08.S00): floor dump; "
             "seed sh walk + 8 KiB dump",
             rom="gtx1050ti", sh_dump="ci"),
    Scenario("rom-e1000e-hotplug-off",
             "multi-image ipxe ROM, hotplug=off: floor dump; seed walk loops (bounded)",
             rom="e1000e", sh_dump="ci"),
    Scenario("rom-e1000e-hotplug-default",
             "ipxe ROM, root port defaults (ACPI hotplug on), Scope(S08.S00)",
             rom="e1000e", placement="hotplug-default"),
    Scenario("rom-gtx1050ti-bridge-hotplug-off",
             "GTX ROM, ICH9 bridge hotplug off: table declares Device(S00)",
             rom="gtx1050ti", placement="bridge-hotplug-off"),
    Scenario("rom-gtx1050ti-ovmf",
             "GTX ROM under OVMF (direct kernel boot), hotplug=off",
             rom="gtx1050ti", firmware="ovmf"),
    # 73.5 KiB, so the seed-style table's first call (11 s per 256 KiB idle)
    # stays clear of ACPICA's 30 s loop limit on a loaded machine; the bench
    # runs it on the GTX ROM.
    Scenario("baseline-seed-table-pxe-e1000e",
             "the seed-style table (whole file on the first call) serves a single-image "
             "ipxe ROM; seed sh walk + 8 KiB dump",
             rom="pxe-e1000e", table="seed", sh_dump="ci"),
    Scenario("control-scope-without-s00",
             "control: bridge hotplug off + Scope(S08.S00) table: no node, no _ROM",
             rom="gtx1050ti", placement="bridge-hotplug-off", wrong_placement=True),
    Scenario("control-device-s00-twice",
             "control: hotplug=off + Device(S00) table: AE_ALREADY_EXISTS, no _ROM",
             rom="gtx1050ti", placement="hotplug-off", wrong_placement=True),
    Scenario("battery-absent", "fake battery, _STA only: PNP0C0A present, no power_supply",
             battery="absent", floor_dump=False),
    Scenario("battery-present", "fake battery with _BIF/_BST: BAT0 in power_supply",
             battery="present", floor_dump=False),
]


def ov_checks(rom_ids, battery=None):
    """What optivfio runs in the guest: guest check, then the ACPI dump.
    The lab's GPU is QEMU's VGA (1234:1111) serving another device's ROM,
    so the ROM's own ids are given and the dump is forced past the id check."""
    check = ["guest", "check", "--rom-ids", rom_ids]
    if battery:
        check += ["--battery", battery]
    return [check, ["rom", "dump", "--gpu", GPU, "--from", "acpi", "--force",
                    "-o", "/tmp/optivfio.rom"]]


# optivfio end to end (issue 5 scenarios 1-4): `optivfio ssdt` writes the
# tables, `optivfio guest check` must pass in the guest and `optivfio rom
# dump --from acpi` must return the input ROM byte for byte.
EFI_E1000E = "/usr/lib/ipxe/qemu/efi-e1000e.rom"

SCENARIOS += [
    Scenario("optivfio-fwcfg-gtx1050ti-hotplug-off",
             "optivfio ssdt --mode fwcfg, GTX ROM, hotplug=off: guest check, rom dump",
             rom="gtx1050ti", ssdt_mode="fwcfg", floor_dump=False,
             optivfio=ov_checks("10de:1c8c"), timeout=400,
             ov_expect=[(0, "PASS  rom"), (0, "PASS  hotplug"), (0, "PASS  layout")]),
    Scenario("optivfio-embed-gtx1050ti-hotplug-off",
             "optivfio ssdt --mode embed, GTX ROM, hotplug=off: guest check, rom dump",
             rom="gtx1050ti", ssdt_mode="embed", floor_dump=False,
             optivfio=ov_checks("10de:1c8c"),
             ov_expect=[(0, "PASS  rom"), (0, "PASS  hotplug"), (0, "PASS  subsystem")]),
    Scenario("optivfio-embed-e1000e-hotplug-off",
             "optivfio ssdt --mode embed, multi-image ipxe ROM: guest check, rom dump",
             rom="e1000e", ssdt_mode="embed", floor_dump=False,
             optivfio=ov_checks("8086:10d3")),
    Scenario("optivfio-embed-e1000e-hotplug-default",
             "optivfio tables with the root port's defaults (QEMU declares S00 with "
             "_DSM): Scope placement, guest check warns about the _DSM",
             rom="e1000e", placement="hotplug-default", ssdt_mode="embed",
             floor_dump=False, optivfio=ov_checks("8086:10d3"),
             ov_expect=[(0, "PASS  rom"), (0, "WARN  hotplug")]),
    Scenario("optivfio-embed-gtx1050ti-bridge-hotplug-off",
             "optivfio tables with ICH9 bridge hotplug off: optivfio declares Device(S00)",
             rom="gtx1050ti", placement="bridge-hotplug-off", ssdt_mode="embed",
             floor_dump=False, optivfio=ov_checks("10de:1c8c")),
    Scenario("optivfio-embed-gtx1050ti-ovmf",
             "optivfio embed tables under OVMF: guest check, rom dump",
             rom="gtx1050ti", firmware="ovmf", ssdt_mode="embed", floor_dump=False,
             optivfio=ov_checks("10de:1c8c")),
    Scenario("optivfio-battery-present",
             "optivfio ssdt --battery present: PNP0C0A and BAT0 in the guest",
             rom="e1000e", battery="present", ssdt_mode="embed", floor_dump=False,
             optivfio=ov_checks("8086:10d3", "present"),
             ov_expect=[(0, "PASS  battery")]),
    # The sysfs source on a real kernel: an e1000e on bus 0 whose ROM BAR
    # holds Debian's iPXE ROM (QEMU's default romfile for it).
    Scenario("optivfio-sysfs-rom-e1000e",
             "optivfio rom dump --from sysfs reads a real ROM BAR (e1000e at 00:03.0)",
             extra=["-device", "e1000e,bus=pcie.0,addr=0x3,romfile=%s" % EFI_E1000E],
             rom_bar=EFI_E1000E, floor_dump=False,
             optivfio=[["rom", "dump", "--gpu", "0000:00:03.0", "--from", "sysfs",
                        "-o", "/tmp/optivfio.rom"]],
             ov_expect=[(0, "from sysfs")]),
    Scenario("optivfio-battery-absent",
             "optivfio ssdt --battery absent: PNP0C0A, no power_supply",
             rom="e1000e", battery="absent", ssdt_mode="embed", floor_dump=False,
             optivfio=ov_checks("8086:10d3", "absent")),
]
BY_NAME = {s.name: s for s in SCENARIOS}


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, diag=None):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, what), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, what), flush=True)
            if diag:
                for line in str(diag).splitlines()[-40:]:
                    print("#   " + line)
        return cond

    def skip(self, what):
        self.n += 1
        print("ok %d - %s # SKIP" % (self.n, what), flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        return self.failed == 0


def compile_asl(src, out_dir, defines=()):
    """iasl at test time; returns the .aml path."""
    base = os.path.join(out_dir, os.path.basename(src)[:-4] +
                        "".join("-" + d.lower() for d in defines))
    cmd = ["iasl", "-vi", "-p", base] + ["-D" + d for d in defines] + [src]
    labkit.sh(cmd)
    return base + ".aml"


def floor_binary():
    """acpi-call-floor, static, cached by source hash."""
    src = os.path.join(HERE, "acpi-call-floor.c")
    with open(src, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    out = os.path.join(CACHE, "bin", "acpi-call-floor-" + digest)
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        tmp = out + ".%d" % os.getpid()
        labkit.sh(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-o", tmp, src])
        os.rename(tmp, out)
    return out


def guest_script(sc, rom_size, optivfio, image0_last=False):
    """The sh the guest runs for a scenario (sources /lab/lib.sh)."""
    s = [". /lab/lib.sh", 'P=$(gpu_acpi_path %s)' % GPU,
         'result gpu_acpi_path "$P"',
         # no node (control runs): ask QEMU's name directly
         '[ -n "$P" ] || P="\\_SB.PCI0.S08.S00"',
         'result gpu_class "$(cat /sys/bus/pci/devices/%s/class)"' % GPU]
    if sc.rom:
        s += ['t0=$(uptime_s)',
              'r=$(acpi_call "$P._ROM 0 42")',
              'result first_rom_s "$(elapsed "$t0" "$(uptime_s)")"',
              'result first_rom_head "$(printf %s "$r" | cut -c1-30)"']
        if sc.floor_dump:
            s += ['out=$(/lab/acpi-call-floor dump "$P._ROM" %d /tmp/floor.rom)' % rom_size,
                  'result floor_rc $?',
                  'result floor_stats "$out"',
                  'result floor_sha256 "$(sha256sum /tmp/floor.rom | cut -d" " -f1)"']
        if sc.sh_dump:
            # The walk on its own (terminates or says it would loop), then
            # a dump: in CI an 8 KiB prefix through the seed's -l override
            # (2 windows, every code path), the whole ROM in the bench.
            s += ['out=$(sh /lab/dump_rom_acpi.sh -w -r 16 2>/tmp/sh.err)',
                  'result sh_walk_rc $?',
                  'result sh_walk_out "$out"',
                  'result sh_walk_err "$(head -n1 /tmp/sh.err)"']
            if image0_last:
                args = "-l %d" % SH_CI_PREFIX if sc.sh_dump == "ci" else ""
                s += ['t0=$(uptime_s)',
                      'out=$(sh /lab/dump_rom_acpi.sh %s /tmp/sh.rom 2>/tmp/sh.err)' % args,
                      'result sh_rc $?',
                      'result sh_s "$(elapsed "$t0" "$(uptime_s)")"',
                      'result sh_stats "$out"',
                      'result sh_err "$(head -n1 /tmp/sh.err)"',
                      'result sh_sha256 "$(sha256sum /tmp/sh.rom | cut -d" " -f1)"',
                      'result sh_size "$(wc -c </tmp/sh.rom)"']
    if sc.battery:
        s += ['result acpi_bat "$(ls -d /sys/bus/acpi/devices/PNP0C0A:* 2>/dev/null | '
              'tr "\\n" " ")"',
              'result acpi_bat_status "$(cat /sys/bus/acpi/devices/PNP0C0A:00/status '
              '2>/dev/null)"',
              'result power_supply "$(ls /sys/class/power_supply 2>/dev/null | tr "\\n" " ")"',
              'for b in /sys/class/power_supply/BAT*; do [ -e "$b" ] || continue; '
              'result bat_type "$(cat $b/type)"; result bat_present "$(cat $b/present)"; '
              'result bat_technology "$(cat $b/technology)"; '
              'result bat_capacity "$(cat $b/capacity 2>/dev/null)"; done']
    # TODO(optivfio): each command runs as /usr/bin/optivfio ARGS; its output
    # and exit code come back as results optivfio_N_rc / optivfio_N_out. The
    # ROM it dumps should go to /tmp/optivfio.rom so the host compares its
    # sha256 (optivfio_rom_sha256) with the input, e.g.
    #   optivfio=[["guest", "check"], ["rom", "dump", "--from", "acpi", "-o",
    #              "/tmp/optivfio.rom"]]
    for i, args in enumerate(sc.optivfio if optivfio else []):
        cmd = " ".join("'%s'" % a.replace("'", "'\\''") for a in args)
        s += ['t0=$(uptime_s)',
              'optivfio %s >/tmp/ov.out 2>&1; result optivfio_%d_rc $?' % (cmd, i),
              'result optivfio_%d_s "$(elapsed "$t0" "$(uptime_s)")"' % i,
              'result optivfio_%d_out "$(head -c 2000 /tmp/ov.out | tr "\\n" "|")"' % i]
    if optivfio and sc.optivfio:
        s += ['if [ -f /tmp/optivfio.rom ]; then',
              '  result optivfio_rom_sha256 "$(sha256sum /tmp/optivfio.rom | cut -d" " -f1)"',
              '  result optivfio_rom_size "$(wc -c </tmp/optivfio.rom)"',
              'fi']
    # Any ACPI error while loading or running our tables (a wrong placement
    # shows up here as AE_ALREADY_EXISTS / AE_NOT_FOUND).
    # acpi_call logs every path it could not resolve: those are probes of
    # ours (guest check asks whether a _DSM exists), not table errors.
    s += ["dmesg | grep -E 'ACPI (BIOS )?Error|ACPI Exception|AE_[A-Z_]+' | "
          "grep -v 'acpi_call: Cannot get handle' >/tmp/acpi.err",
          'result acpi_errors "$(wc -l </tmp/acpi.err)"',
          'result acpi_error_first "$(head -n1 /tmp/acpi.err)"']
    return "\n".join(s) + "\n"


def optivfio_tables(optivfio, mode, rom, bridge_hotplug, battery, out_dir):
    """Tables from `optivfio ssdt` (design §2) instead of the hand-written
    ones. Returns (tables, fw_cfg). optivfio computes the node from the
    default topology (root port 01.0, GPU 00.0) and decides Scope vs
    Device(S00) itself from the installed QEMU and the bridge-hotplug knob;
    the scenario's checks then show whether it decided right."""
    d = os.path.join(out_dir, "ssdt-" + mode)
    cmd = [optivfio, "ssdt", "--bridge-hotplug", "on" if bridge_hotplug else "off",
           "--mode", mode, "--battery", battery or "none", "-o", d]
    if rom:
        cmd += ["--rom", rom]
    if rom and mode == "fwcfg":
        cmd += ["--fw-cfg-name", FWCFG_NAME]
    labkit.sh(cmd)
    with open(os.path.join(d, "optivfio-ssdt.json")) as f:
        tables = [os.path.join(d, t) for t in json.load(f)["tables"]]
    if not tables:
        raise labkit.LabError("%s wrote no tables into %s" % (" ".join(cmd), d))
    return tables, ([(FWCFG_NAME, rom)] if rom and mode == "fwcfg" else [])


def boot(kit, sc, work, script, tables, fw_cfg, files, binaries, modules, timeout):
    """Build the initramfs, boot the guest of scenario `sc`, return RunResult."""
    pl = PLACEMENTS[sc.placement]
    initrd = os.path.join(work, "initrd.gz")
    labkit.build_initramfs(kit, initrd, script, modules=modules, files=files,
                           binaries=binaries)
    console = os.path.join(work, "console.log")
    tag = "optivfio-lab-%s-%d" % (sc.name, os.getpid())
    argv = labkit.qemu_argv(kit, initrd, console, work, firmware=sc.firmware,
                            root_port=pl["root_port"], bridge_hotplug=pl["bridge_hotplug"],
                            display=sc.display, tables=tables, fw_cfg=fw_cfg, tag=tag,
                            extra=sc.extra)
    with open(os.path.join(work, "argv"), "w") as f:
        f.write(" ".join("'%s'" % a for a in argv) + "\n")
    scale = float(os.environ.get("LAB_TIMEOUT_SCALE", "1"))
    return labkit.run_qemu(argv, console, timeout * scale, os.path.join(work, "qemu.log"))


def rom_files():
    return {"/lab/acpi-call-floor": floor_binary(),
            "/lab/dump_rom_acpi.sh": os.path.join(HERE, "seed-style", "dump_rom_acpi.sh")}


def run_scenario(sc, tap, kit, keep=False, optivfio=None, ssdt_mode=None):
    scale = float(os.environ.get("LAB_TIMEOUT_SCALE", "1"))
    work = tempfile.mkdtemp(prefix="run-%s-" % sc.name, dir=CACHE)
    label = "lab scenario %s" % sc.name
    pl = PLACEMENTS[sc.placement]
    declare_s00 = pl["declare_s00"] != sc.wrong_placement
    tables, fw_cfg, files, binaries = [], [], {}, {}
    rom = rom_data = None
    t_start = time.time()
    try:
        if sc.rom:
            rom = rom_path(sc.rom)
            if not os.path.exists(rom):
                tap.ok(False, "%s: input ROM %s exists" % (label, rom))
                return
            with open(rom, "rb") as f:
                rom_data = f.read()
            files.update(rom_files())
        ssdt_mode = ssdt_mode or sc.ssdt_mode
        if ssdt_mode:
            # optivfio's own tables (_ROM and battery) replace the hand-written ones.
            if not optivfio:
                tap.ok(False, "%s: needs --optivfio for its tables" % label)
                return
            tables, fw_cfg = optivfio_tables(optivfio, ssdt_mode, rom, pl["bridge_hotplug"],
                                             sc.battery, work)
        else:
            if sc.rom:
                tables.append(compile_asl(
                    TABLES[sc.table], work, ["DECLARE_S00"] if declare_s00 else []))
                fw_cfg.append((FWCFG_NAME, rom))
            if sc.battery:
                tables.append(compile_asl(os.path.join(
                    HERE, "battery", "ssdt_battery_%s.asl" % sc.battery), work))
        if optivfio:
            binaries["/usr/bin/optivfio"] = optivfio
        script = guest_script(sc, len(rom_data or b""), optivfio,
                              rom_data is not None and image0_is_last(rom_data))
        r = boot(kit, sc, work, script, tables, fw_cfg, files, binaries,
                 ["battery"] if sc.battery else [], sc.timeout)
    except labkit.LabError as e:
        tap.ok(False, "%s: setup" % label, e)
        return
    res = r.results
    tail = r.console[-3000:]
    tap.ok(not r.timed_out, "%s: guest finished within %ds (took %.1fs)"
           % (label, sc.timeout * scale, r.wall), tail)
    tap.ok(not r.leftover, "%s: no QEMU process left behind" % label, r.leftover)
    if not tap.ok(r.finished and r.guest_rc == 0,
                  "%s: guest ran the scenario (exit %s)" % (label, r.guest_rc),
                  open(os.path.join(work, "qemu.log")).read() + tail):
        print("# kept %s (console.log, qemu.log, argv)" % work)
        return
    tap.ok(res.get("kernel") == kit.abi, "%s: guest kernel %s" % (label, res.get("kernel")))
    if sc.wrong_placement:
        check_wrong_placement(sc, tap, label, res)
        return finish(sc, tap, work, keep, r, t_start)
    tap.ok(res.get("gpu_acpi_path") == GPU_ACPI_PATH,
           "%s: %s firmware_node/path is %s" % (label, GPU, GPU_ACPI_PATH),
           "got %r" % res.get("gpu_acpi_path"))
    tap.ok(res.get("gpu_class", "").startswith("0x03"),
           "%s: %s is a display controller (class %s)" % (label, GPU, res.get("gpu_class")))
    if sc.table == "seed" and "AE_AML_LOOP_TIMEOUT" in res.get("first_rom_head", ""):
        # The seed-style table's one long While loop passed ACPICA's 30 s
        # limit: the machine is too loaded for the baseline, not our bug.
        tap.skip("%s: seed-style first _ROM call aborted by ACPICA's 30 s loop "
                 "limit (AE_AML_LOOP_TIMEOUT) on this loaded machine" % label)
        return finish(sc, tap, work, keep, r, t_start)
    tap.ok(res.get("acpi_errors") == "0", "%s: no ACPI errors in the guest's log" % label,
           res.get("acpi_error_first"))
    if sc.rom:
        tap.ok(res.get("first_rom_head", "").startswith("{0x55, 0xaa,"),
               "%s: _ROM(0, 42) of the %s table starts with 55 AA"
               % (label, "optivfio %s" % sc.ssdt_mode if sc.ssdt_mode else sc.table),
               res.get("first_rom_head"))
        if sc.floor_dump:
            want = hashlib.sha256(rom_data).hexdigest()
            tap.ok(res.get("floor_rc") == "0" and res.get("floor_sha256") == want,
                   "%s: acpi-call-floor dump of %d bytes matches the input sha256"
                   % (label, len(rom_data)),
                   "rc=%s stats=%s sha=%s want=%s" % (res.get("floor_rc"),
                                                     res.get("floor_stats"),
                                                     res.get("floor_sha256"), want))
        if sc.sh_dump:
            check_sh_dump(sc, tap, label, res, rom_data)
    if sc.battery:
        check_battery(sc, tap, label, res)
    if optivfio:
        for i, _ in enumerate(sc.optivfio):
            tap.ok(res.get("optivfio_%d_rc" % i) == "0", "%s: optivfio %s" %
                   (label, " ".join(sc.optivfio[i])), res.get("optivfio_%d_out" % i))
        for i, text in sc.ov_expect:
            out = res.get("optivfio_%d_out" % i, "")
            tap.ok(text in out, "%s: optivfio %s says %r" % (label, sc.optivfio[i][0], text),
                   out.replace("|", "\n"))
        if "optivfio_rom_sha256" in res and sc.rom_bar:
            with open(sc.rom_bar, "rb") as f:
                bar = f.read()
            tap.ok(res["optivfio_rom_sha256"] == hashlib.sha256(bar).hexdigest(),
                   "%s: optivfio rom dump from the ROM BAR equals %s (%d bytes)"
                   % (label, sc.rom_bar, len(bar)),
                   "got %s bytes" % res.get("optivfio_rom_size"))
        elif "optivfio_rom_sha256" in res:
            # optivfio sizes the ROM from its images (NPDE-aware); the file
            # may carry padding after them (the GTX one: 0xFF to 256 KiB).
            # Its bytes must be the input's, and at least the PCIR chain.
            n = int(res.get("optivfio_rom_size", "0"))
            tap.ok(pcir_walk_length(rom_data) <= n <= len(rom_data) and
                   res["optivfio_rom_sha256"] == hashlib.sha256(rom_data[:n]).hexdigest(),
                   "%s: optivfio rom dump (%d bytes) matches the input" % (label, n),
                   "PCIR size %d, file %d" % (pcir_walk_length(rom_data), len(rom_data)))
    finish(sc, tap, work, keep, r, t_start)


def finish(sc, tap, work, keep, r, t_start):
    res = r.results
    times = ["wall %.1fs" % r.wall, "boot %ss" % res.get("boot_s"),
             "in guest %ss" % res.get("end_s")]
    if "first_rom_s" in res:
        times.append("first _ROM %ss" % res["first_rom_s"])
    if "sh_s" in res:
        times.append("sh dumper %ss" % res["sh_s"])
    print("# %s: %s (setup+run %.1fs)" % (sc.name, ", ".join(times), time.time() - t_start))
    if keep or tap.failed:
        print("# kept %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def check_wrong_placement(sc, tap, label, res):
    """facts-qemu-libvirt §1.2/§1.4 on QEMU 7.2: Scope(S08.S00) without a
    QEMU S00 adds nothing; Device(S00) next to QEMU's S00 is refused."""
    head = res.get("first_rom_head", "")
    if PLACEMENTS[sc.placement]["declare_s00"]:
        tap.ok(res.get("gpu_acpi_path") == "",
               "%s: without Device(S00) %s has no ACPI node" % (label, GPU),
               "got %r" % res.get("gpu_acpi_path"))
    else:
        tap.ok(res.get("gpu_acpi_path") == GPU_ACPI_PATH,
               "%s: %s is bound to QEMU's own S00" % (label, GPU))
        tap.ok("AE_ALREADY_EXISTS" in res.get("acpi_error_first", ""),
               "%s: the second Device(S00) is refused (AE_ALREADY_EXISTS)" % label,
               res.get("acpi_error_first"))
    tap.ok(head.startswith("Error: AE_NOT_FOUND") or head == "",
           "%s: there is no _ROM" % label, head)


def check_sh_dump(sc, tap, label, res, rom_data):
    if image0_is_last(rom_data):
        size = pcir_walk_length(rom_data)
        tap.ok(res.get("sh_walk_rc") == "0" and res.get("sh_walk_out") == "size=%d" % size,
               "%s: seed-style sh walk finds the PCIR size %d" % (label, size),
               "rc=%s out=%s err=%s" % (res.get("sh_walk_rc"), res.get("sh_walk_out"),
                                        res.get("sh_walk_err")))
        if sc.sh_dump == "ci":
            size = min(size, SH_CI_PREFIX)
        want = hashlib.sha256(rom_data[:size]).hexdigest()
        tap.ok(res.get("sh_rc") == "0" and res.get("sh_size") == str(size) and
               res.get("sh_sha256") == want,
               "%s: seed-style sh dumper returns %d bytes equal to the input" % (label, size),
               "rc=%s err=%s size=%s sha=%s want=%s" % (
                   res.get("sh_rc"), res.get("sh_err"), res.get("sh_size"),
                   res.get("sh_sha256"), want))
    else:
        # Image 0 not marked last: the seed re-reads image 0 forever (§1.5);
        # our copy is bounded and must say so.
        tap.ok(res.get("sh_walk_rc") == "3" and "loops forever" in res.get("sh_walk_err", ""),
               "%s: seed-style sh walk would loop forever on a multi-image ROM (bounded)"
               % label, "rc=%s err=%s" % (res.get("sh_walk_rc"), res.get("sh_walk_err")))


def check_battery(sc, tap, label, res):
    tap.ok("PNP0C0A:00" in res.get("acpi_bat", ""),
           "%s: /sys/bus/acpi/devices/PNP0C0A:00 exists" % label, res.get("acpi_bat"))
    ps = res.get("power_supply", "").split()
    bats = [p for p in ps if p.startswith("BAT")]
    if sc.battery == "absent":
        # _STA 0x0F, bit 4 (battery present) clear: the ACPI device exists
        # and the battery driver binds, but drivers/acpi/battery.c adds a
        # power supply only for a present battery.
        tap.ok(res.get("acpi_bat_status") == "15",
               "%s: _STA of the absent battery is 0x0F" % label, res.get("acpi_bat_status"))
        tap.ok(res.get("bat_present", "0") == "0",
               "%s: no battery reported present" % label,
               "power_supply=%s present=%s" % (ps, res.get("bat_present")))
    else:
        tap.ok(bool(bats) and res.get("bat_present") == "1" and
               res.get("bat_type") == "Battery",
               "%s: the battery driver reports a present battery" % label,
               "power_supply=%s type=%s present=%s" % (ps, res.get("bat_type"),
                                                       res.get("bat_present")))

BENCH_RAW_CALLS = 2000


def bench_script(size, full, optivfio):
    """First _ROM call (cold: the seed-style table reads the whole file
    now; retried once when ACPICA aborts it), a warm call, a floor dump of
    `size` bytes; with `full` also raw round trips, the seed-style sh dump
    and optivfio's dumper."""
    s = [". /lab/lib.sh", "P=$(gpu_acpi_path %s)" % GPU,
         't0=$(uptime_s); r=$(acpi_call "$P._ROM 0 42")',
         'result first_rom_s "$(elapsed "$t0" "$(uptime_s)")"',
         'result first_rom_head "$(printf %s "$r" | cut -c1-40)"',
         'case $r in "{"*) ;; *)',
         '  t0=$(uptime_s); r=$(acpi_call "$P._ROM 0 42")',
         '  result retry_rom_s "$(elapsed "$t0" "$(uptime_s)")"',
         '  result retry_rom_head "$(printf %s "$r" | cut -c1-40)" ;;',
         'esac',
         't0=$(uptime_s); acpi_call "$P._ROM 4096 42" >/dev/null',
         'result warm_rom_s "$(elapsed "$t0" "$(uptime_s)")"',
         'result floor_dump "$(/lab/acpi-call-floor dump "$P._ROM" %d /tmp/floor.rom)"' % size,
         'result floor_sha256 "$(sha256sum /tmp/floor.rom | cut -d" " -f1)"']
    if full:
        s += ['result floor_raw "$(/lab/acpi-call-floor calls "$P._ROM" %d)"'
              % BENCH_RAW_CALLS,
              't0=$(uptime_s)',
              'result sh_dump "$(sh /lab/dump_rom_acpi.sh /tmp/sh.rom)"',
              'result sh_s "$(elapsed "$t0" "$(uptime_s)")"',
              'result sh_sha256 "$(sha256sum /tmp/sh.rom | cut -d" " -f1)"']
    if full and optivfio:
        s += ['t0=$(uptime_s)',
              # The lab GPU is QEMU's VGA (the boot VGA, 1234:1111) serving
              # another device's ROM: name it and skip the id check.
              'optivfio rom dump --gpu %s --from acpi --force -o /tmp/ov.rom '
              '>/tmp/ov.out 2>&1' % GPU,
              'result ov_rc $?',
              'result ov_s "$(elapsed "$t0" "$(uptime_s)")"',
              'result ov_out "$(head -c 300 /tmp/ov.out | tr "\\n" "|")"',
              'result ov_sha256 "$(sha256sum /tmp/ov.rom | cut -d" " -f1)"']
    return "\n".join(s) + "\n"


def _stat(text, key):
    for kv in (text or "").split():
        k, _, v = kv.partition("=")
        if k == key:
            return float(v)
    return float("nan")


def bench(kit, rom_key, optivfio):
    """Boot 1: the seed-style table; first _ROM latency and full dump times
    of the seed-style sh loop, acpi-call-floor and (with --optivfio)
    optivfio's dumper, all on the same ROM and the same (then warm) table.
    Boots 2..: first _ROM latency of the other tables (the lab's streaming
    table; with --optivfio, `optivfio ssdt --mode fwcfg|embed`). Ratios."""
    rom = rom_path(rom_key)
    with open(rom, "rb") as f:
        data = f.read()
    if not image0_is_last(data):
        print("# %s: image 0 is not marked last, the seed-style dumper would loop "
              "forever; pick a single-image ROM" % rom_key)
        return 1
    size = pcir_walk_length(data)      # what the seed-style dumper reads
    want = hashlib.sha256(data[:size]).hexdigest()
    binaries = {"/usr/bin/optivfio": optivfio} if optivfio else {}
    sc = Scenario("bench", "bench", rom=rom_key, timeout=1800)
    work = tempfile.mkdtemp(prefix="bench-", dir=CACHE)
    boots = [("seed-style table", True)]
    boots.append(("lab streaming table", False))
    if optivfio:
        boots += [("optivfio ssdt --mode fwcfg", False), ("optivfio ssdt --mode embed", False)]
    print("# bench: %s (%d bytes; dumps read the PCIR size %d), %d boots; takes minutes"
          % (rom_key, len(data), size, len(boots)), flush=True)
    results = []
    for name, full in boots:
        d = os.path.join(work, "boot%d" % len(results))
        os.makedirs(d)
        try:
            if name.startswith("optivfio"):
                tables, fw_cfg = optivfio_tables(
                    optivfio, name.split()[-1], rom,
                    PLACEMENTS[sc.placement]["bridge_hotplug"], None, d)
            else:
                tables = [compile_asl(TABLES["seed" if full else "stream"], d)]
                fw_cfg = [(FWCFG_NAME, rom)]
        except labkit.LabError as e:
            print("# %s: no tables: %s" % (name, str(e).splitlines()[0]))
            continue
        r = boot(kit, sc, d, bench_script(size, full, optivfio), tables, fw_cfg,
                 rom_files(), binaries, [], sc.timeout)
        if not r.finished or r.guest_rc != 0:
            print("# %s: guest failed, see %s" % (name, d))
            return 1
        print("# %s: done (wall %.0fs)" % (name, r.wall), flush=True)
        results.append((name, r.results))

    seed = results[0][1]
    floor_s = _stat(seed.get("floor_dump"), "seconds")
    calls = _stat(seed.get("floor_dump"), "calls")
    rows = []
    for name, res in results:
        first = float(res["first_rom_s"])
        note = ""
        if "retry_rom_s" in res:
            note = " (ABORTED: %s; retry took %ss)" % (
                res.get("first_rom_head", "").replace("Error: ", ""), res["retry_rom_s"])
        rows.append(("first _ROM call, %s%s" % (name, note), first, None))
        rows.append(("  warm _ROM call, %s" % name, float(res["warm_rom_s"]), None))
        ok = res.get("floor_sha256") == want
        rows.append(("  floor dump through the %s%s" % (name, "" if ok else " MISMATCH"),
                     _stat(res.get("floor_dump"), "seconds"), None))
    rows.append(("raw acpi_call round trip (C, one call)",
                 _stat(seed.get("floor_raw"), "seconds") / BENCH_RAW_CALLS, None))
    rows.append(("full dump: acpi-call-floor (C), seed-style table warm"
                 + ("" if seed.get("floor_sha256") == want else " MISMATCH"), floor_s, 1.0))
    sh_s = float(seed.get("sh_s", "nan"))
    rows.append(("full dump: seed-style sh loop"
                 + ("" if seed.get("sh_sha256") == want else " MISMATCH"), sh_s,
                 sh_s / floor_s))
    if optivfio:
        ov_ok = seed.get("ov_rc") == "0" and seed.get("ov_sha256") == want
        ov_s = float(seed.get("ov_s", "nan"))
        rows.append(("full dump: optivfio rom dump --from acpi" +
                     ("" if ov_ok else " FAILED: " + seed.get("ov_out", "")),
                     ov_s, ov_s / floor_s))
    print("# %d bytes, %d calls of <= 42 bytes; guest clocks (/proc/uptime, 10 ms; "
          "the C program: CLOCK_MONOTONIC); TCG" % (size, calls))
    print("%-66s %10s %8s" % ("measure", "seconds", "x floor"))
    for name, secs, ratio in rows:
        print("%-66s %10.4f %8s" % (name, secs, "" if ratio is None else "%.1f" % ratio))
    firsts = [(n, float(r["first_rom_s"])) for n, r in results]
    for n, t in firsts[1:]:
        print("first _ROM call: seed-style / %s = %.0f" % (n, firsts[0][1] / max(t, 0.01)))
    print("full dump: seed-style sh loop / C floor = %.1f" % (sh_s / floor_s))
    shutil.rmtree(work, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    sub.add_parser("names")
    sub.add_parser("prepare")
    bp = sub.add_parser("bench")
    bp.add_argument("--rom", default="gtx1050ti", choices=sorted(ROMS))
    bp.add_argument("--optivfio", help="also time `optivfio rom dump --from acpi`")
    rp = sub.add_parser("run")
    rp.add_argument("names", nargs="+")
    rp.add_argument("--keep", action="store_true")
    rp.add_argument("--optivfio", help="optivfio binary to put in the guest")
    rp.add_argument("--display", help="QEMU display device at 01:00.0 (default VGA)")
    rp.add_argument("--guest-cmd", action="append", default=[], metavar="ARGS",
                    help="run `optivfio ARGS` in the guest (repeatable; needs --optivfio)")
    rp.add_argument("--ssdt-mode", choices=["fwcfg", "embed"],
                    help="tables from `optivfio ssdt --mode MODE` instead of the "
                         "hand-written ones (needs --optivfio)")
    a = ap.parse_args()
    if a.cmd == "run" and (a.guest_cmd or a.ssdt_mode) and not a.optivfio:
        ap.error("--guest-cmd and --ssdt-mode need --optivfio BIN")
    if a.cmd == "names":          # for meson: one test per scenario
        print("\n".join(s.name for s in SCENARIOS))
        return 0
    if a.cmd == "list":
        for s in SCENARIOS:
            print("%-34s %s" % (s.name, s.what))
        return 0
    tap = Tap()
    try:
        kit = labkit.prepare(CACHE)
    except labkit.LabError as e:
        tap.ok(False, "lab kit (kernel, acpi_call, busybox) from Debian packages", e)
        return 0 if tap.done() else 1
    if a.cmd == "prepare":
        print("# kit %s" % kit.path)
        return 0
    if a.cmd == "bench":
        return bench(kit, a.rom, a.optivfio)
    names = [s.name for s in SCENARIOS] if a.names == ["all"] else a.names
    for n in names:
        if n not in BY_NAME:
            tap.ok(False, "unknown scenario %s (see lab.py list)" % n)
            continue
        sc = BY_NAME[n]
        if a.display:
            sc.display = a.display
        sc.optivfio += [c.split() for c in a.guest_cmd]
        run_scenario(sc, tap, kit, keep=a.keep, optivfio=a.optivfio, ssdt_mode=a.ssdt_mode)
    return 0 if tap.done() else 1


if __name__ == "__main__":
    sys.exit(main())
