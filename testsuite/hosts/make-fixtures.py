#!/usr/bin/env python3
"""Write the fixture host trees under testsuite/hosts/ from the tables below.

A fixture is what `optivfio snapshot` copies from a real machine: sysfs PCI
device directories (attribute files, config space, symlinks laid out as the
kernel lays them out), IOMMU groups, /proc/cmdline, /proc/modules, ACPI
table names, power supplies. Config space follows the PCI Local Bus Spec 3.0
§6.1 (type 0 and type 1 headers) closely enough that libpci/lspci read the
same ids from it as from the attribute files.

The trees are committed so `optivfio --root testsuite/hosts/NAME` works from
a fresh clone; test-fixtures.sh regenerates them into a temp dir and checks
the committed copies did not drift. Usage: make-fixtures.py [OUTDIR]
"""
import os
import shutil
import struct
import sys

# Acer Nitro 5 AN515-51 (the seed's laptop): Kaby Lake, GTX 1050 Mobile.
# Ids from the seed's lspci and linuxhw's AN515-51 lspci -vvnn
# (facts-rom-acpicall.md §6.3); groups as on Kaby Lake without ACS.
ACER = {
    "name": "acer-nitro5-an515-51",
    "cmdline": "BOOT_IMAGE=/vmlinuz-linux root=UUID=3b1e0a0c rw quiet intel_iommu=on iommu=pt",
    "modules": ["i915", "snd_hda_intel", "xhci_pci", "ahci", "r8169", "iwlwifi",
                "vfio_pci", "vfio_iommu_type1", "vfio"],
    "acpi_tables": ["APIC", "BOOT", "DBGP", "DMAR", "DSDT", "FACP", "FACS", "FPDT", "HPET",
                    "LPIT", "MCFG", "SSDT1", "SSDT2", "SSDT3", "SSDT4", "SSDT5", "TPM2",
                    "UEFI", "WSMT"],
    "power_supply": {"ADP1": "Mains", "BAT1": "Battery"},
    "devices": [
        # bdf, parent, vendor, device, class, rev, subsys, driver, group, acpi, extras
        dict(bdf="0000:00:00.0", vd=(0x8086, 0x5910), cls=0x060000, rev=0x05,
             sub=(0x1025, 0x118b), driver="skl_uncore", group=0, acpi=r"\_SB_.PCI0"),
        dict(bdf="0000:00:01.0", vd=(0x8086, 0x1901), cls=0x060400, rev=0x05,
             driver="pcieport", group=1, acpi=r"\_SB_.PCI0.PEG0", bridge=(0, 1, 1)),
        dict(bdf="0000:00:02.0", vd=(0x8086, 0x591b), cls=0x030000, rev=0x04,
             sub=(0x1025, 0x118b), driver="i915", group=2, acpi=r"\_SB_.PCI0.GFX0",
             boot_vga=1, rom=(0xc0000, 0x20000)),
        dict(bdf="0000:00:14.0", vd=(0x8086, 0xa12f), cls=0x0c0330, rev=0x31,
             sub=(0x1025, 0x118b), driver="xhci_hcd", group=3, acpi=r"\_SB_.PCI0.XHC_"),
        dict(bdf="0000:00:17.0", vd=(0x8086, 0xa103), cls=0x010601, rev=0x31,
             sub=(0x1025, 0x118b), driver="ahci", group=4, acpi=r"\_SB_.PCI0.SAT0"),
        dict(bdf="0000:00:1c.0", vd=(0x8086, 0xa110), cls=0x060400, rev=0xf1,
             driver="pcieport", group=5, acpi=r"\_SB_.PCI0.RP01", bridge=(0, 2, 2)),
        dict(bdf="0000:00:1c.3", vd=(0x8086, 0xa113), cls=0x060400, rev=0xf1,
             driver="pcieport", group=6, acpi=r"\_SB_.PCI0.RP04", bridge=(0, 3, 3)),
        dict(bdf="0000:00:1f.0", vd=(0x8086, 0xa152), cls=0x060100, rev=0x31,
             sub=(0x1025, 0x118b), driver=None, group=7, acpi=r"\_SB_.PCI0.LPCB"),
        dict(bdf="0000:00:1f.3", vd=(0x8086, 0xa171), cls=0x040300, rev=0x31,
             sub=(0x1025, 0x118b), driver="snd_hda_intel", group=7, acpi=r"\_SB_.PCI0.HDAS"),
        dict(bdf="0000:00:1f.4", vd=(0x8086, 0xa123), cls=0x0c0500, rev=0x31,
             sub=(0x1025, 0x118b), driver="i801_smbus", group=7, acpi=r"\_SB_.PCI0.SBUS"),
        dict(bdf="0000:01:00.0", parent="0000:00:01.0", vd=(0x10de, 0x1c8d), cls=0x030000,
             rev=0xa1, sub=(0x1025, 0x118b), driver=None, group=1,
             acpi=r"\_SB_.PCI0.PEG0.PEGP", boot_vga=0, rom=(0xa4000000, 0x80000),
             multifunction=True, vbios=True),
        dict(bdf="0000:01:00.1", parent="0000:00:01.0", vd=(0x10de, 0x0fb9), cls=0x040300,
             rev=0xa1, sub=(0x1025, 0x118b), driver="snd_hda_intel", group=1),
        dict(bdf="0000:02:00.0", parent="0000:00:1c.0", vd=(0x10ec, 0x8168), cls=0x020000,
             rev=0x15, sub=(0x1025, 0x118b), driver="r8169", group=5,
             acpi=r"\_SB_.PCI0.RP01.PXSX"),
        dict(bdf="0000:03:00.0", parent="0000:00:1c.3", vd=(0x8086, 0x24fd), cls=0x028000,
             rev=0x78, sub=(0x8086, 0x0010), driver="iwlwifi", group=6,
             acpi=r"\_SB_.PCI0.RP04.PXSX"),
    ],
}

# A desktop where the GPU cannot be given away: Intel iGPU as boot VGA, a
# GTX 1070 on the CPU's PEG port 00:01.0, an NVMe SSD on the second PEG port
# 00:01.1; without ACS both ports and everything behind them share group 1.
DESKTOP = {
    "name": "desktop-shared-group",
    "cmdline": "BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/nvme0n1p2 ro intel_iommu=on",
    "modules": ["i915", "nouveau", "snd_hda_intel", "nvme", "e1000e"],
    "acpi_tables": ["APIC", "DMAR", "DSDT", "FACP", "FACS", "HPET", "MCFG", "SSDT1"],
    "power_supply": {},
    "devices": [
        dict(bdf="0000:00:00.0", vd=(0x8086, 0x3e30), cls=0x060000, rev=0x0d,
             sub=(0x1458, 0x5000), driver=None, group=0),
        dict(bdf="0000:00:01.0", vd=(0x8086, 0x1901), cls=0x060400, rev=0x0d,
             driver="pcieport", group=1, acpi=r"\_SB_.PCI0.PEG0", bridge=(0, 1, 1)),
        dict(bdf="0000:00:01.1", vd=(0x8086, 0x1905), cls=0x060400, rev=0x0d,
             driver="pcieport", group=1, acpi=r"\_SB_.PCI0.PEG1", bridge=(0, 2, 2)),
        dict(bdf="0000:00:02.0", vd=(0x8086, 0x3e92), cls=0x030000, rev=0x02,
             sub=(0x1458, 0xd000), driver="i915", group=2, boot_vga=1,
             rom=(0xc0000, 0x20000), acpi=r"\_SB_.PCI0.GFX0"),
        dict(bdf="0000:00:1f.6", vd=(0x8086, 0x15bc), cls=0x020000, rev=0x10,
             sub=(0x1458, 0xe000), driver="e1000e", group=3),
        dict(bdf="0000:01:00.0", parent="0000:00:01.0", vd=(0x10de, 0x1b81), cls=0x030000,
             rev=0xa1, sub=(0x1458, 0x3772), driver="nouveau", group=1, boot_vga=0,
             rom=(0xde000000, 0x80000), multifunction=True, acpi=r"\_SB_.PCI0.PEG0.PEGP"),
        dict(bdf="0000:01:00.1", parent="0000:00:01.0", vd=(0x10de, 0x10f0), cls=0x040300,
             rev=0xa1, sub=(0x1458, 0x3772), driver="snd_hda_intel", group=1),
        dict(bdf="0000:02:00.0", parent="0000:00:01.1", vd=(0x144d, 0xa808), cls=0x010802,
             rev=0x00, sub=(0x144d, 0xa801), driver="nvme", group=1),
    ],
}


def config_space(d):
    """256 bytes of config space (PCI LB 3.0 §6.1)."""
    cfg = bytearray(256)
    v, dev = d["vd"]
    bridge = "bridge" in d
    struct.pack_into("<HH", cfg, 0x00, v, dev)
    struct.pack_into("<HH", cfg, 0x04, 0x0007 if d.get("driver") else 0x0000, 0x0010)
    cfg[0x08] = d["rev"]
    cls = d["cls"]
    cfg[0x09], cfg[0x0A], cfg[0x0B] = cls & 0xff, (cls >> 8) & 0xff, cls >> 16
    cfg[0x0E] = (0x01 if bridge else 0x00) | (0x80 if d.get("multifunction") else 0)
    if bridge:
        pri, sec, sub = d["bridge"]
        cfg[0x18], cfg[0x19], cfg[0x1A] = pri, sec, sub
        cfg[0x34] = 0x40
        # PCI Express capability (§7.8): a root port, so lspci sees PCIe.
        cfg[0x40], cfg[0x41] = 0x10, 0x00
        struct.pack_into("<H", cfg, 0x42, 0x0042)  # v2, root port
    else:
        sv, sd = d.get("sub", (0, 0))
        struct.pack_into("<HH", cfg, 0x2C, sv, sd)
        if "rom" in d:
            # Expansion ROM BAR (§6.2.5.2): address, enable bit clear.
            struct.pack_into("<I", cfg, 0x30, d["rom"][0] & 0xfffff800)
        cfg[0x34] = 0x00
        struct.pack_into("<HH", cfg, 0x04, cfg[0x04], 0x0000)
    cfg[0x3C] = 0x10 if not bridge else 0xff
    cfg[0x3D] = 0x01
    return bytes(cfg)


def _image(units, vendor, device, cls, code_type, last, npde=None, npds=False, fill=b""):
    """One option-ROM image (PCI FW 3.0 §5.1.1 header, §5.1.2 PCIR) with an
    optional NVIDIA NPDE right after the data structure (facts-rom-acpicall
    §3.4): npde = (units, last). x86 images get byte 6 so they sum to 0."""
    img = bytearray(units * 512)
    img[0:2] = b"\x55\xaa"
    img[2] = min(units, 255)
    img[0x18:0x1a] = struct.pack("<H", 0x40)
    img[0x80:0x80 + len(fill)] = fill
    pcir = 0x40
    img[pcir:pcir + 4] = b"NPDS" if npds else b"PCIR"
    struct.pack_into("<HHHHB", img, pcir + 4, vendor, device, 0, 0x18, 0)
    img[pcir + 0x0D:pcir + 0x10] = bytes([cls & 0xff, (cls >> 8) & 0xff, cls >> 16])
    struct.pack_into("<HHBB", img, pcir + 0x10, units, 0, code_type, 0x80 if last else 0)
    if npde:
        n = (pcir + 0x18 + 15) & ~15
        img[n:n + 4] = b"NPDE"
        struct.pack_into("<HHHB", img, n + 4, 0x0101, 0x0C, npde[0], 0x80 if npde[1] else 0)
    if code_type == 0:
        img[6] = (-sum(img[:(npde[0] if npde else units) * 512])) & 0xff
    return bytes(img)


def synthetic_vbios(vendor, device):
    """A small VBIOS laid out like the laptop ROMs of facts §3.4: an x86
    image whose PCIR claims the whole ROM and "last" while its NPDE says
    16 units and more follow, an NVIDIA data image (0xE0) and the final
    0x70 image, then 0xFF padding. Made up here; no vendor code in it."""
    total = 16 + 8 + 1
    x86 = bytearray(_image(16, vendor, device, 0x030000, 0x00, True, npde=(16, False),
                           fill=b"optivfio synthetic VBIOS for tests; not a real video BIOS"))
    struct.pack_into("<H", x86, 0x40 + 0x10, total)   # PCIR length: the whole ROM
    x86[6] = 0
    x86[6] = (-sum(x86)) & 0xff
    data = _image(8, vendor, 0x1c80, 0x000000, 0xE0, False, npde=(8, False), npds=True)
    final = _image(1, vendor, 0x0000, 0x000000, 0x70, True, npds=True)
    rom = bytes(x86) + data + final
    return rom + b"\xff" * (16384 - len(rom))


def resource_lines(d):
    """sysfs 'resource': 13 lines start end flags; line 6 is the ROM."""
    lines = []
    for i in range(13):
        start = end = flags = 0
        if i == 6 and "rom" in d:
            start, size = d["rom"]
            end = start + size - 1
            flags = 0x46200
        lines.append("0x%016x 0x%016x 0x%016x" % (start, end, flags))
    return "\n".join(lines) + "\n"


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)


def symlink(target, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def device_dir(host, d):
    """/sys/devices path of a device: nested under its bridges."""
    chain = [d["bdf"]]
    by_bdf = {x["bdf"]: x for x in host["devices"]}
    p = d.get("parent")
    while p:
        chain.insert(0, p)
        p = by_bdf[p].get("parent")
    return "sys/devices/pci0000:00/" + "/".join(chain)


def make_host(host, out):
    root = os.path.join(out, host["name"])
    shutil.rmtree(root, ignore_errors=True)
    write(os.path.join(root, "proc/cmdline"), host["cmdline"] + "\n")
    write(os.path.join(root, "proc/modules"), "".join(
        "%s 16384 0 - Live 0x0000000000000000\n" % m for m in host["modules"]))
    for t in host["acpi_tables"]:
        write(os.path.join(root, "sys/firmware/acpi/tables", t), b"", 0o400)
    for name, kind in host["power_supply"].items():
        write(os.path.join(root, "sys/class/power_supply", name, "type"), kind + "\n")
    drivers = sorted({d["driver"] for d in host["devices"] if d.get("driver")} |
                     {"vfio-pci", "pci-stub"})
    for drv in drivers:
        # The write-only attributes of a driver directory, as empty files
        # (also keeps the directory in git when no device is bound).
        for attr in ("bind", "unbind", "new_id", "remove_id"):
            write(os.path.join(root, "sys/bus/pci/drivers", drv, attr), b"", 0o200)

    for d in host["devices"]:
        rel = device_dir(host, d)
        ddir = os.path.join(root, rel)
        up = "../" * rel.count("/")  # from the device directory back to sys/
        v, dev = d["vd"]
        sv, sd = d.get("sub", (0, 0))
        write(os.path.join(ddir, "config"), config_space(d))
        write(os.path.join(ddir, "vendor"), "0x%04x\n" % v)
        write(os.path.join(ddir, "device"), "0x%04x\n" % dev)
        write(os.path.join(ddir, "subsystem_vendor"), "0x%04x\n" % sv)
        write(os.path.join(ddir, "subsystem_device"), "0x%04x\n" % sd)
        write(os.path.join(ddir, "class"), "0x%06x\n" % d["cls"])
        write(os.path.join(ddir, "revision"), "0x%02x\n" % d["rev"])
        write(os.path.join(ddir, "irq"), "16\n")
        write(os.path.join(ddir, "enable"), "1\n" if d.get("driver") else "0\n")
        write(os.path.join(ddir, "resource"), resource_lines(d))
        write(os.path.join(ddir, "driver_override"), "(null)\n")
        write(os.path.join(ddir, "power_state"), "D0\n")
        write(os.path.join(ddir, "d3cold_allowed"), "1\n")
        write(os.path.join(ddir, "power/control"), "auto\n")
        write(os.path.join(ddir, "power/runtime_status"), "active\n")
        if d.get("vbios"):
            # What the ROM BAR shows (here: read as a plain file, never written).
            write(os.path.join(ddir, "rom"), synthetic_vbios(v, dev), 0o600)
        if "boot_vga" in d:
            write(os.path.join(ddir, "boot_vga"), "%d\n" % d["boot_vga"])
        if d.get("driver"):
            symlink(up + "bus/pci/drivers/" + d["driver"], os.path.join(ddir, "driver"))
            symlink("../../../../" + rel[len("sys/"):],
                    os.path.join(root, "sys/bus/pci/drivers", d["driver"], d["bdf"]))
        if d.get("group") is not None:
            symlink(up + "kernel/iommu_groups/%d" % d["group"],
                    os.path.join(ddir, "iommu_group"))
            symlink("../../../../" + rel[len("sys/"):],
                    os.path.join(root, "sys/kernel/iommu_groups/%d/devices" % d["group"],
                                 d["bdf"]))
        if d.get("acpi"):
            node = "sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A08:00/" + \
                d["acpi"].replace("\\", "").replace(".", "_")
            write(os.path.join(root, node, "path"), d["acpi"] + "\n")
            symlink(up + node[len("sys/"):], os.path.join(ddir, "firmware_node"))
        symlink("../../../" + rel[len("sys/"):],
                os.path.join(root, "sys/bus/pci/devices", d["bdf"]))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for host in (ACER, DESKTOP):
        make_host(host, out)


if __name__ == "__main__":
    main()
