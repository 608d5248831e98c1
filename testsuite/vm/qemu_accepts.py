#!/usr/bin/env python3
"""Does this machine's QEMU start a printed VM command? (nothing of the host is used)

    qemu_accepts.py ARGV_JSON REPORT

ARGV_JSON holds the argv (a JSON list, argv[0] the binary). Only what this
machine cannot have is swapped, and each swap is printed: KVM for TCG, the
host CPU model for "max" (its flags stay), the memory for 512 MiB, and each
vfio-pci device for an emulated VGA with the same id, bus and address.
QEMU then creates every device and stops before the guest runs (-S); the
monitor's `info qtree` and `info pci` go to REPORT, and the devices of
`info qtree` to REPORT.json: {id: {"type", "bus", "addr", "props"}}, "addr"
as QEMU prints it ("00:01.0": bus number as firmware has not yet run, 0).
Exit status: QEMU's.
"""
import json
import re
import subprocess
import sys


def qtree_devices(text):
    """Walk `info qtree` by indentation: each dev: line opens a device,
    each bus: line a bus inside the device above it."""
    devices, stack = {}, []   # stack of (indent, kind, name)
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        m = re.match(r'dev: ([^,]+)(?:, id "([^"]*)")?$', body)
        if m:
            bus = next((n for _, k, n in reversed(stack) if k == "bus"), None)
            name = m.group(2) or "%s@%d" % (m.group(1), len(devices))
            devices[name] = {"type": m.group(1), "bus": bus, "addr": None, "props": {}}
            stack.append((indent, "dev", name))
            continue
        m = re.match(r"bus: (\S+)$", body)
        if m:
            stack.append((indent, "bus", m.group(1)))
            continue
        dev = next((n for _, k, n in reversed(stack) if k == "dev"), None)
        if dev is None:
            continue
        m = re.match(r"class .*, addr ([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]),", body)
        if m:
            devices[dev]["addr"] = m.group(1)
            continue
        m = re.match(r"([\w-]+) = (.*)$", body)
        if m:
            devices[dev]["props"][m.group(1)] = m.group(2)
    return devices


def swap(argv):
    out = []
    for i, a in enumerate(argv):
        prev = argv[i - 1] if i else ""
        if prev == "-accel" and a == "kvm":
            a = "tcg"
        elif prev == "-cpu" and a.split(",")[0] == "host":
            # TCG has no Hyper-V VP index (QEMU: "kernel doesn't allow
            # setting HyperV VP_INDEX"); every other flag stays.
            a = ",".join(["max"] + [f for f in a.split(",")[1:]
                                    if f not in ("hv_vpindex", "hv-vpindex")])
        elif prev == "-m":
            a = "512"
        elif prev == "-device" and a.startswith("vfio-pci,"):
            keep = [p for p in a.split(",")[1:] if p.split("=")[0] in ("id", "bus", "addr")]
            a = ",".join(["VGA", "romfile="] + keep)
        elif prev == "-machine" and "accel=kvm" in a:
            a = a.replace("accel=kvm", "accel=tcg")
        if a != argv[i]:
            print("# swapped: %s -> %s" % (argv[i], a))
        out.append(a)
    return out


def main():
    with open(sys.argv[1]) as f:
        argv = swap(json.load(f))
    argv = ["timeout", "60"] + argv + ["-S", "-display", "none", "-monitor", "stdio"]
    r = subprocess.run(argv, input=b"info qtree\ninfo pci\nquit\n", capture_output=True)
    with open(sys.argv[2], "w") as f:
        f.write(r.stdout.decode(errors="replace"))
        f.write(r.stderr.decode(errors="replace"))
    with open(sys.argv[2] + ".json", "w") as f:
        json.dump(qtree_devices(r.stdout.decode(errors="replace")), f, indent=1)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
