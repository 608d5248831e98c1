#!/usr/bin/env python3
"""Independent checks for 'optivfio --json rom info' (not the C parser).

  rom-reader.py vendor NAME JSON   compare with the facts-rom-acpicall.md tables
  rom-reader.py pcir FILE JSON     compare with a PCIR-only walk done here

Prints one line per check: "ok <what>" or "not ok <what>: <detail>".
"""
import json
import struct
import sys

# facts-rom-acpicall.md §3.4 (chain table) and §6.1 (inventory); §4.1 for the
# GK107 ROM length 0x29A00. None: not stated there, not checked.
VENDOR = {
    "gk107_turbo.rom": {
        "size": 171520, "prefix_length": 0x400, "prefix_nvgi": True,
        "rom_length": 0x29A00, "padding_length": 0, "verdict": "needs-strip",
        "images": [(0x400, 0x00, 0x10de, 0x0fc6), (0x10000, 0x03, 0x10de, 0x0fc6),
                   (0x21400, 0xE0, 0x10de, 0x0ff0), (0x29400, 0x70, 0x10de, 0x0000)],
        "pcir_last": [False, True, None, None], "npde_last": [False, False, None, None],
    },
    "gtx1050ti_mobile.rom": {
        "size": 262144, "prefix_length": 0, "rom_length": 0x29600,
        "padding_length": 262144 - 0x29600, "verdict": "usable",
        "images": [(0x0, 0x00, 0x10de, 0x1c8c), (0xF000, 0xE0, 0x10de, None),
                   (0x1A400, 0xE0, 0x10de, None), (0x28C00, 0x70, 0x10de, None)],
        "class0": 0x030000, "pcir_len0": 331 * 512, "npde_len0": 120 * 512,
        "pcir_last": [True, None, None, None], "npde_last": [False, None, None, None],
    },
    "mx150_x140.rom": {
        "size": 181760, "prefix_length": 0, "rom_length": 181760, "padding_length": 0,
        "verdict": "usable",
        "images": [(None, 0x00, 0x10de, 0x1d10), (None, 0xE0, 0x10de, None),
                   (None, 0xE0, 0x10de, None), (None, 0x70, 0x10de, None)],
    },
    "quadro-m1200.rom": {
        "size": 104448, "prefix_length": 0, "rom_length": 104448, "padding_length": 0,
        "verdict": "usable",
        "images": [(0x0, 0x00, 0x10de, 0x13b6), (0x10000, 0xE0, 0x10de, None),
                   (0x18E00, 0x70, 0x10de, None)],
        "class0": 0x030200, "pcir_len0": 104448, "npde_len0": 128 * 512,
        "pcir_last": [True, None, None], "npde_last": [False, None, None],
    },
}

failed = False


def check(what, got, want):
    global failed
    if want is None:
        return
    if got == want:
        print(f"ok {what}")
    else:
        failed = True
        print(f"not ok {what}: got {got!r}, want {want!r}")


def vendor(name, js):
    w = VENDOR[name]
    for key in ("size", "prefix_length", "prefix_nvgi", "rom_length", "padding_length",
                "verdict"):
        if key in w:
            check(f"{name} {key}", js[key], w[key])
    imgs = js["images"]
    check(f"{name} image count", len(imgs), len(w["images"]))
    for i, (off, ct, ven, dev) in enumerate(w["images"][:len(imgs)]):
        im = imgs[i]
        check(f"{name} image {i} offset", im["offset"], off)
        check(f"{name} image {i} code type", im["code_type"], ct)
        check(f"{name} image {i} vendor", im["vendor_id"], ven)
        check(f"{name} image {i} device", im["device_id"], dev)
        check(f"{name} image {i} last", im["last"], i == len(w["images"]) - 1)
        if "pcir_last" in w:
            check(f"{name} image {i} PCIR last", im["pcir_last"], w["pcir_last"][i])
            if w["npde_last"][i] is not None:
                check(f"{name} image {i} NPDE last", (im["npde"] or {}).get("last"),
                      w["npde_last"][i])
    if imgs:
        check(f"{name} image 0 checksum", imgs[0]["checksum_ok"], True)
        if "class0" in w:
            check(f"{name} image 0 class", imgs[0]["class_code"], w["class0"])
            check(f"{name} image 0 PCIR length", imgs[0]["pcir_length"], w["pcir_len0"])
            check(f"{name} image 0 NPDE length", imgs[0]["npde"]["length"], w["npde_len0"])
    if name == "gk107_turbo.rom" and len(imgs) > 1:
        efi = imgs[1]["efi"] or {}
        check(f"{name} EFI machine x64", efi.get("machine"), 0x8664)
        check(f"{name} EFI boot driver", efi.get("subsystem"), 0x0B)
        check(f"{name} EFI compressed", efi.get("compressed"), True)


def pcir_walk(data):
    """PCI FW 3.0 §5.1: 55 AA, pointer at 0x18 to PCIR, length at +0x10,
    code type +0x14, indicator bit 7 +0x15. No NPDE in these files."""
    images, off = [], 0
    while True:
        if data[off:off + 2] != b"\x55\xaa":
            return images, "no 55 AA at %#x" % off
        ptr = struct.unpack_from("<H", data, off + 0x18)[0]
        p = off + ptr
        if ptr == 0 or data[p:p + 4] != b"PCIR":
            return images, "no PCIR"
        vendor_id, device_id = struct.unpack_from("<HH", data, p + 4)
        cls = data[p + 0x0D] | data[p + 0x0E] << 8 | data[p + 0x0F] << 16
        length = struct.unpack_from("<H", data, p + 0x10)[0] * 512
        ct, ind = data[p + 0x14], data[p + 0x15]
        im = {"offset": off, "code_type": ct, "vendor_id": vendor_id, "device_id": device_id,
              "class_code": cls, "length": length, "last": bool(ind & 0x80)}
        im["checksum_ok"] = (sum(data[off:off + length]) % 256 == 0) if ct == 0 else None
        if ct == 3:
            sig, subsys, machine, comp = struct.unpack_from("<IHHH", data, off + 4)
            im["efi"] = (sig, subsys, machine, comp != 0)
        images.append(im)
        if ind & 0x80:
            return images, None
        off += length


def pcir(path, js):
    data = open(path, "rb").read()
    name = path.rsplit("/", 1)[-1]
    images, problem = pcir_walk(data)
    if problem:
        check(f"{name} broken ({problem})", js["verdict"], "broken")
        return
    imgs = js["images"]
    check(f"{name} image count", len(imgs), len(images))
    for i, want in enumerate(images[:len(imgs)]):
        for key in ("offset", "code_type", "vendor_id", "device_id", "class_code", "length",
                    "last", "checksum_ok"):
            check(f"{name} image {i} {key}", imgs[i][key], want[key])
        if "efi" in want:
            e = imgs[i]["efi"] or {}
            check(f"{name} image {i} EFI header",
                  (e.get("signature"), e.get("subsystem"), e.get("machine"),
                   e.get("compressed")), want["efi"])
    end = images[-1]["offset"] + images[-1]["length"]
    check(f"{name} rom_length", js["rom_length"], end)
    check(f"{name} trailing bytes", js["trailing_length"], len(data) - end)
    check(f"{name} verdict", js["verdict"], "usable")


if __name__ == "__main__":
    mode, arg, jfile = sys.argv[1:4]
    js = json.load(open(jfile))
    if mode == "vendor":
        vendor(arg, js)
    else:
        pcir(arg, js)
    sys.exit(1 if failed else 0)
