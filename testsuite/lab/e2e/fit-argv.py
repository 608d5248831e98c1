#!/usr/bin/env python3
"""Run in L1: fit a QEMU command optivfio printed (`vm qemu`, setup's
qemu-args.txt: a whole command or only the GPU's arguments) to the lab's L2.

    fit-argv.py FILE OUT    writes OUT (one argument a line) and prints on
                            stdout, as TAP comments, every change it made

Changes (each printed): a base command when FILE has only arguments; -m
256 and -smp 1 (L1 has 3 GiB and 2 vCPUs; vfio pins all guest memory);
the UEFI pflash drives dropped (L2 boots its kernel directly under
SeaBIOS); -accel kvm and -display none when missing; the NVIDIA ids
(x-pci-vendor-id=0x10de,x-pci-device-id=0x1c8d) on every vfio-pci device
(L1's device is QEMU's VGA, 1234:1111). The lab's -kernel/-initrd/-append
and serial console come on top (l1lib.sh l2_qemu).
"""
import shlex
import sys

BASE = ["qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-M", "q35", "-nodefaults"]
IDS = "x-pci-vendor-id=0x10de,x-pci-device-id=0x1c8d"


def fit(words):
    notes = []
    if not words or not words[0].startswith("qemu-system"):
        notes.append("base command before the arguments: " + " ".join(BASE))
        words = BASE + words
    out = [words[0]]
    i = 1
    while i < len(words):
        w = words[i]
        v = words[i + 1] if i + 1 < len(words) else None
        if w in ("-m", "-smp") and v is not None:
            new = "256" if w == "-m" else "1"
            if v != new:
                notes.append("%s %s -> %s %s" % (w, v, w, new))
            out += [w, new]
            i += 2
            continue
        if w == "-drive" and v is not None and "if=pflash" in v:
            notes.append("dropped -drive %s" % v)
            i += 2
            continue
        if w == "-device" and v is not None and v.startswith("vfio-pci,"):
            notes.append("-device %s gets ,%s" % (v, IDS))
            out += [w, v + "," + IDS]
            i += 2
            continue
        out.append(w)
        i += 1
    if "-accel" not in out and "-enable-kvm" not in out:
        notes.append("added -accel kvm")
        out[1:1] = ["-accel", "kvm"]
    if "-display" not in out and "-nographic" not in out:
        notes.append("added -display none")
        out += ["-display", "none"]
    if "-m" not in out:
        notes.append("added -m 256")
        out += ["-m", "256"]
    return out, notes


def main():
    with open(sys.argv[1]) as f:
        words = shlex.split(f.read().replace("\\\n", " "))
    out, notes = fit(words)
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")
    for n in notes:
        print("@@GT # lab changes: " + n)


if __name__ == "__main__":
    main()
