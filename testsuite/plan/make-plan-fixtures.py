#!/usr/bin/env python3
"""Write the host trees the plan tests run on, into OUTDIR.

Each is the seed's laptop from ../hosts/make-fixtures.py (ACER) with one
thing changed, so every plan, refusal and doctor verdict has a host that
shows it:

  acer           as committed (vfio_pci loaded, GPU without driver, HDMI
                 audio on snd_hda_intel)
  acer-novfio    vfio-pci's driver directory missing although the module is
                 listed: binding the GPU fails midway (the rollback test)
  acer-nvidia    GPU on the nvidia driver, nvidia_drm/_modeset + bbswitch
                 loaded, vfio_pci not loaded but in the module index,
                 /proc/acpi/bbswitch, /usr/bin/nvidia-smi
  acer-busy      acer-nvidia with Xorg (pid 4242) holding /dev/nvidia0
  acer-display   a connected HDMI connector on the dGPU (/sys/class/drm)
  acer-bootvga   the dGPU is the boot VGA device
  acer-no-iommu  no IOMMU groups, nothing on the kernel command line
  acer-acpicall  acpi_call loaded (/proc/acpi/call)

The module index of acer-nvidia is real: tiny ELF objects with a .modinfo
section indexed by depmod, so libkmod looks modules up in it as on a host.
Trees are generated at test time (git keeps no empty directories, and
sys/bus/pci/drivers/* are empty directories).
"""
import copy
import importlib.util
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "make_fixtures", os.path.join(HERE, "..", "hosts", "make-fixtures.py"))
mf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mf)

RELEASE = "6.1.0-fake"
GPU = "0000:01:00.0"


def variant(name, **change):
    host = copy.deepcopy(mf.ACER)
    host["name"] = name
    for k, v in change.items():
        host[k] = v
    return host


def dev(host, bdf):
    return next(d for d in host["devices"] if d["bdf"] == bdf)


def fake_modules(root, names):
    """lib/modules/RELEASE with a depmod index of empty modules."""
    mdir = os.path.join(root, "lib/modules", RELEASE, "kernel/fake")
    os.makedirs(mdir, exist_ok=True)
    for n in names:
        src = ('__attribute__((section(".modinfo"), used)) static const char a[] = '
               '"license=GPL";\n'
               '__attribute__((section(".modinfo"), used)) static const char b[] = '
               '"name=%s";\n' % n)
        subprocess.run(["gcc", "-c", "-x", "c", "-", "-o",
                        os.path.join(mdir, n.replace("_", "-") + ".ko")],
                       input=src.encode(), check=True)
    depmod = shutil.which("depmod") or "/usr/sbin/depmod"
    if not os.path.exists(depmod):
        depmod = "/sbin/depmod"
    subprocess.run([depmod, "-b", root, RELEASE], check=True,
                   stderr=subprocess.DEVNULL)
    mf.write(os.path.join(root, "proc/sys/kernel/osrelease"), RELEASE + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    mf.make_host(variant("acer"), out)

    mf.make_host(variant("acer-novfio"), out)
    shutil.rmtree(os.path.join(out, "acer-novfio/sys/bus/pci/drivers/vfio-pci"))

    nv_modules = ["i915", "nvidia_drm", "nvidia_modeset", "nvidia", "bbswitch",
                  "snd_hda_intel", "xhci_pci", "ahci", "r8169", "iwlwifi"]
    for name in ("acer-nvidia", "acer-busy"):
        h = variant(name, modules=nv_modules)
        dev(h, GPU)["driver"] = "nvidia"
        mf.make_host(h, out)
        root = os.path.join(out, name)
        shutil.rmtree(os.path.join(root, "sys/bus/pci/drivers/vfio-pci"))
        mf.write(os.path.join(root, "proc/acpi/bbswitch"), GPU + " ON\n")
        mf.write(os.path.join(root, "usr/bin/nvidia-smi"), "#!/bin/sh\nexit 0\n", 0o755)
        fake_modules(root, ["vfio", "vfio_iommu_type1", "vfio_pci", "nvidia",
                            "nvidia_modeset", "nvidia_drm", "bbswitch"])
    busy = os.path.join(out, "acer-busy/proc/4242")
    mf.write(os.path.join(busy, "comm"), "Xorg\n")
    os.makedirs(os.path.join(busy, "fd"))
    os.symlink("/dev/nvidiactl", os.path.join(busy, "fd/6"))
    os.symlink("/dev/nvidia0", os.path.join(busy, "fd/7"))

    mf.make_host(variant("acer-display"), out)
    root = os.path.join(out, "acer-display")
    mf.symlink("../../../devices/pci0000:00/0000:00:01.0/" + GPU,
               os.path.join(root, "sys/class/drm/card1/device"))
    mf.write(os.path.join(root, "sys/class/drm/card1-HDMI-A-1/status"), "connected\n")
    mf.write(os.path.join(root, "sys/class/drm/card1-DP-1/status"), "disconnected\n")

    h = variant("acer-bootvga")
    dev(h, GPU)["boot_vga"] = 1
    dev(h, "0000:00:02.0")["boot_vga"] = 0
    mf.make_host(h, out)

    h = variant("acer-no-iommu",
                cmdline="BOOT_IMAGE=/vmlinuz-linux root=UUID=3b1e0a0c rw quiet")
    for d in h["devices"]:
        d["group"] = None
    mf.make_host(h, out)

    mf.make_host(variant("acer-acpicall"), out)
    mf.write(os.path.join(out, "acer-acpicall/proc/acpi/call"), "not called\n")


if __name__ == "__main__":
    main()
