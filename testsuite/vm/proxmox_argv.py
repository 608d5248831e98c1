#!/usr/bin/env python3
"""The QEMU argv Proxmox VE's qemu-server builds from `optivfio vm proxmox`'s lines.

Nothing here runs Proxmox: this rebuilds, for the few options optivfio
writes, what qemu-server's config_to_command does with them, read from its
source (github.com/proxmox/qemu-server, read at 9.2.6):

- machine: q35 -> `-readconfig /usr/share/qemu-server/pve-q35-4.0.cfg`, whose
  devices are written out here: the EHCI controller at 00:1d.7 and the four
  root ports ich9-pcie-port-1..4 at 00:1c.0..3 (src/usr/pve-q35-4.0.cfg), and
  the default display `VGA,id=vga,bus=pcie.0,addr=0x1`
  (src/test/cfg2cmd/q35-linux-hostpci.conf.cmd).
- bios: ovmf -> two pflash drives, the code read-only and the efidisk0
  variables (src/test/cfg2cmd/q35-win10-hostpci.conf.cmd).
- cpu: host,hidden=1,hv-vendor-id=X -> `-cpu host,...,kvm=off` with
  `hv_vendor_id=X` among the Hyper-V flags of a Windows ostype
  (src/PVE/QemuServer/CPUConfig.pm get_cpu_options, get_hyperv_enlightenments).
- hostpci0: BDF,pcie=1[,sub-vendor-id=..,sub-device-id=..][,rombar=1,romfile=F]
  -> `vfio-pci,host=BDF,id=hostpci0,bus=ich9-pcie-port-1,addr=0x0` plus
  `,romfile=/usr/share/kvm/F` and `,x-pci-sub-vendor-id=..` in that order
  (src/PVE/QemuServer/PCI.pm print_hostpci_devices, get_pci_addr_map).
- tablet: 1 -> `usb-tablet,id=tablet,bus=ehci.0,port=1`.
- args: split like a shell (PVE::Tools::split_args) and appended last.

    proxmox_argv.py CONF OVMF_CODE OVMF_VARS   prints the argv as JSON
"""
import json
import shlex
import sys

PVE_Q35_DEVICES = [
    "ich9-usb-ehci1,id=ehci,multifunction=on,bus=pcie.0,addr=1d.7",
] + ["pcie-root-port,id=ich9-pcie-port-%d,x-speed=16,x-width=32,multifunction=on,"
     "bus=pcie.0,addr=1c.%d,port=%d,chassis=%d" % (i, i - 1, i, i) for i in range(1, 5)]

WINDOWS_HV_FLAGS = ["hv_ipi", "hv_relaxed", "hv_reset", "hv_runtime", "hv_spinlocks=0x1fff",
                    "hv_stimer", "hv_synic", "hv_time", "hv_vapic", "hv_vpindex"]


class ConfError(Exception):
    pass


def parse(lines):
    conf = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ConfError("not a key: value line: %r" % line)
        conf[key.strip()] = value.strip()
    return conf


def options(value):
    """'0000:01:00.0,pcie=1,a=b' -> ('0000:01:00.0', {'pcie': '1', 'a': 'b'})"""
    first, *rest = value.split(",")
    opts = {}
    for r in rest:
        k, _, v = r.partition("=")
        opts[k] = v
    return first, opts


def argv(conf, ovmf_code, ovmf_vars, vmid=100):
    if conf.get("machine") != "q35":
        raise ConfError("machine: q35 expected, got %r" % conf.get("machine"))
    # -id VMID is an option of Proxmox's own QEMU build: left out.
    out = ["qemu-system-x86_64", "-name", "vm%d" % vmid, "-nodefaults",
           "-machine", "type=q35"]
    if conf.get("bios") == "ovmf":
        out += ["-drive", "if=pflash,unit=0,format=raw,readonly=on,file=" + ovmf_code,
                "-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,file=" + ovmf_vars]
    model, cpu = options(conf.get("cpu", "kvm64"))
    flags = list(WINDOWS_HV_FLAGS)
    if "hv-vendor-id" in cpu:
        flags.append("hv_vendor_id=" + cpu["hv-vendor-id"])
    if cpu.get("hidden") == "1":
        flags.append("kvm=off")
    out += ["-cpu", ",".join([model] + flags)]
    for dev in PVE_Q35_DEVICES:
        out += ["-device", dev]
    if "hostpci0" in conf:
        host, o = options(conf["hostpci0"])
        if o.get("pcie") != "1":
            raise ConfError("hostpci0 without pcie=1 goes to the PCI bridge, not a root port")
        if len(host) == 7:  # 01:00.0: Proxmox adds the domain
            host = "0000:" + host
        dev = "vfio-pci,host=%s,id=hostpci0,bus=ich9-pcie-port-1,addr=0x0" % host
        if o.get("rombar") == "0":
            dev += ",rombar=0"
        if o.get("romfile"):
            dev += ",romfile=/usr/share/kvm/" + o["romfile"]
        for opt in ("vendor-id", "device-id", "sub-vendor-id", "sub-device-id"):
            if o.get(opt):
                dev += ",x-pci-%s=%s" % (opt, o[opt])
        out += ["-device", dev]
    if conf.get("tablet", "1") == "1":
        out += ["-device", "usb-tablet,id=tablet,bus=ehci.0,port=1"]
    if conf.get("vga", "std") != "none":
        out += ["-device", "VGA,id=vga,bus=pcie.0,addr=0x1"]
    if "args" in conf:
        out += shlex.split(conf["args"])
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    with open(sys.argv[1]) as f:
        print(json.dumps(argv(parse(f), sys.argv[2], sys.argv[3])))


if __name__ == "__main__":
    main()
