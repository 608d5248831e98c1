#!/usr/bin/env python3
"""Compare `optivfio --json list` with `lspci -vmmnkD` (an independent reader).

Usage: lspci-compare.py OPTIVFIO_JSON LSPCI_VMM
Prints one line per mismatch and exits 1 if there is any.
lspci leaves out fields that are zero or absent (Rev 00, SVendor of
bridges without an SSVID capability); those compare as absent.
"""
import json
import sys

FIELDS = [  # lspci key, optivfio key
    ("Class", "class"), ("Vendor", "vendor_id"), ("Device", "device_id"),
    ("SVendor", "subsystem_vendor_id"), ("SDevice", "subsystem_device_id"),
    ("Rev", "revision"), ("ProgIf", "prog_if"), ("Driver", "driver"),
    ("IOMMUGroup", "iommu_group"),
]
ZERO_MEANS_ABSENT = {"SVendor", "SDevice", "Rev"}


def lspci_records(text):
    recs = {}
    for block in text.strip().split("\n\n"):
        rec = {}
        for line in block.splitlines():
            key, _, value = line.partition(":")
            rec[key.strip()] = value.strip()
        if "Slot" in rec:
            recs[rec["Slot"]] = rec
    return recs


def main():
    with open(sys.argv[1]) as f:
        ours = {d["bdf"]: d for d in json.load(f)["devices"]}
    with open(sys.argv[2]) as f:
        theirs = lspci_records(f.read())
    bad = []
    if set(ours) != set(theirs):
        bad.append("BDFs differ: only optivfio %s, only lspci %s" %
                   (sorted(set(ours) - set(theirs)), sorted(set(theirs) - set(ours))))
    for bdf in sorted(set(ours) & set(theirs)):
        for lkey, okey in FIELDS:
            want = theirs[bdf].get(lkey)
            got = ours[bdf].get(okey)
            got = None if got is None else str(got)
            if lkey in ZERO_MEANS_ABSENT and got is not None and int(got, 16) == 0:
                got = None
            if want != got:
                bad.append("%s %s: lspci %r, optivfio %r" % (bdf, lkey, want, got))
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


main()
