#!/usr/bin/env python3
# A fw_cfg device simulated in AML, so acpiexec (which has no fw_cfg) can run
# the fwcfg-mode _ROM against real bytes, and a seed-style reader to compare
# with (design.md §3: the seed reads the whole file byte by byte on its
# first call).
#
#   fwcfg-sim.py build OUTDIR ROM_TABLE.aml ROMFILE FW_CFG_NAME
#       OUTDIR/blob.aml: the file's bytes (\FWFL); load it before sim.aml.
#       OUTDIR/sim.aml: \FWSL(key) selects (offset back to 0), \FWRD()
#           returns the next byte (0 past the end), \FWNR counts reads; the
#           directory (key 0x19: BE32 count, 64-byte entries {BE32 size, BE16
#           select, BE16 reserved, name[56]}, facts §2.3) holds the 15 files
#           of a bare q35 (facts §2.3 EMP) and FW_CFG_NAME at key 0x2f.
#       OVDIR/rom.aml: ROM_TABLE with its port accesses rewired to the
#           simulator: the OperationRegion and Fields go, OVSL = x becomes
#           \FWSL (x), OVDT becomes a method returning \FWRD (). Everything
#           else is the generated code, recompiled from its disassembly.
#       OUTDIR/seed.aml: a seed-style _ROM over the same simulator (scan the
#           directory, read the whole file into a Buffer, then Mid).
import os
import re
import subprocess
import sys

QEMU_FILES = ['bios-geometry', 'bootorder', 'etc/acpi/rsdp', 'etc/acpi/tables',
              'etc/boot-fail-wait', 'etc/e820', 'etc/smbios/smbios-anchor',
              'etc/smbios/smbios-tables', 'etc/smi/features-ok',
              'etc/smi/requested-features', 'etc/smi/supported-features',
              'etc/system-states', 'etc/table-loader', 'etc/tpm/log', 'genroms/kvmvapic.bin']


def asl_buffer(data):
    lines = []
    for i in range(0, len(data), 16):
        lines.append(', '.join('0x%02X' % b for b in data[i:i + 16]))
    return 'Buffer (0x%X) {\n%s\n}' % (len(data), ',\n'.join(lines)) if data else 'Buffer (1) {0}'


def directory(name, rom_len):
    files = sorted(QEMU_FILES + [name])
    out = bytearray(len(files).to_bytes(4, 'big'))
    key = None
    for i, f in enumerate(files):
        size = rom_len if f == name else 64
        out += size.to_bytes(4, 'big') + (0x20 + i).to_bytes(2, 'big') + bytes(2)
        out += f.encode().ljust(56, b'\0')
        if f == name:
            key = 0x20 + i
    return bytes(out), key


def blob_table(rom):
    """An SSDT holding only Name (\\FWFL, Buffer (n) {rom}), written as bytes: iasl
    takes minutes over a 256 KiB Buffer in ASL. ACPI §5.2.6 header;
    §20.2.5.1 DefName, §20.2.5.4 DefBuffer with a 4-byte PkgLength (§20.2.4),
    BufferSize as a DWordConst."""
    body = b'\x0c' + len(rom).to_bytes(4, 'little') + rom
    total = 4 + len(body)
    pkg = bytes([0xC0 | (total & 0xF), (total >> 4) & 0xFF, (total >> 12) & 0xFF,
                 (total >> 20) & 0xFF])
    aml = b'\x08\x5cFWFL\x11' + pkg + body
    hdr = bytearray(b'SSDT' + (36 + len(aml)).to_bytes(4, 'little') + b'\x01\x00' +
                    b'OVTESTFWCFGROM' + (1).to_bytes(4, 'little') + b'OVIO' +
                    (1).to_bytes(4, 'little'))
    table = hdr + aml
    table[9] = (-sum(table)) & 0xFF
    return bytes(table)


def sim_asl(rom, name):
    d, key = directory(name, len(rom))
    return '''DefinitionBlock ("", "SSDT", 1, "OVTEST", "FWCFGSIM", 1)
{
    External (\\FWFL, BuffObj)
    Name (FWDR, %s)
    Name (FWSE, 0)      // selected key
    Name (FWPO, 0)      // offset in it
    Name (FWNR, 0)      // data port reads so far
    Method (FWSL, 1, NotSerialized)
    {
        FWSE = Arg0
        FWPO = 0
    }
    Method (FWRD, 0, NotSerialized)
    {
        FWNR++
        Local0 = 0
        If (FWSE == 0x19) {
            If (FWPO < SizeOf (FWDR)) { Local0 = DerefOf (FWDR [FWPO]) }
        } ElseIf (FWSE == 0x%X) {
            If (FWPO < SizeOf (FWFL)) { Local0 = DerefOf (FWFL [FWPO]) }
        }
        FWPO++
        Return (Local0)
    }
}
''' % (asl_buffer(d), key)


def rewire(dsl):
    """The generated table with its two ports replaced by the simulator."""
    dsl = re.sub(r'OperationRegion \(OVFR,[^\n]*\n', '', dsl)
    dsl = re.sub(r'Field \(OVFR,[^{]*\{[^}]*\}\s*', '', dsl)
    dsl = re.sub(r'\bOVSL = ([^\n/]*?)\s*(/\*.*\*/)?\n', r'\\FWSL (\1)\n', dsl)
    dsl = dsl.replace('Name (OVFN,', 'Method (OVDT, 0, NotSerialized) { Return (\\FWRD ()) }\n'
                      '        Name (OVFN,', 1)
    dsl = re.sub(r'External \([^\n]*\n', '', dsl)
    dsl = dsl.replace('Scope (\\_SB.PCI0.S08.S00)',
                      'External (\\_SB.PCI0.S08.S00, DeviceObj)\n'
                      '    External (\\FWSL, MethodObj)\n    External (\\FWRD, MethodObj)\n'
                      '    Scope (\\_SB.PCI0.S08.S00)', 1)
    if '\\FWSL (0x19)' not in dsl or 'OVSL' in dsl:
        sys.exit('rewiring the fw_cfg accesses failed')
    return dsl


SEED_ASL = '''DefinitionBlock ("", "SSDT", 1, "OVTEST", "SEEDLIKE", 1)
{
    External (\\_SB.PCI0.S08.S00, DeviceObj)
    External (\\FWSL, MethodObj)
    External (\\FWRD, MethodObj)
    Scope (\\_SB.PCI0.S08.S00)
    {
        Name (FWIT, 0)
        Name (FWBI, Buffer (1) {0})
        Name (FWNM, Buffer () { "%s" })
        Method (RDBE, 1, NotSerialized)
        {
            Local0 = 0
            Local1 = 0
            While (Local1 < Arg0) { Local0 = (Local0 << 8) | \\FWRD ()
                Local1++ }
            Return (Local0)
        }
        Method (RINT, 0, Serialized)   // the seed's first call: find, then read it all
        {
            If (FWIT) { Return (0) }
            FWIT = 1
            \\FWSL (0x19)
            Local0 = RDBE (4)
            Local1 = 0
            Local5 = 0
            Local6 = 0
            While (Local1 < Local0)
            {
                Local2 = RDBE (4)
                Local3 = RDBE (2)
                RDBE (2)
                Local4 = Buffer (56) {}
                Local7 = 0
                While (Local7 < 56) { Local4 [Local7] = \\FWRD ()
                    Local7++ }
                If (Mid (Local4, 0, SizeOf (FWNM)) == FWNM) { Local5 = Local3
                    Local6 = Local2 }
                Local1++
            }
            If (Local5 == 0) { Return (0) }
            \\FWSL (Local5)
            Local4 = Buffer (Local6) {}
            Local7 = 0
            While (Local7 < Local6) { Local4 [Local7] = \\FWRD ()
                Local7++ }
            CopyObject (Local4, FWBI)
        }
        Method (_ROM, 2, Serialized)
        {
            RINT ()
            Local0 = Arg1
            If (Local0 > 0x1000) { Local0 = 0x1000 }
            Return (Mid (FWBI, Arg0, Local0))
        }
    }
}
'''


def iasl(asl_path):
    p = subprocess.run(['iasl', '-p', asl_path[:-4], asl_path], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('iasl %s failed:\n%s' % (asl_path, p.stdout + p.stderr))


def build(outdir, table, romfile, name):
    rom = open(romfile, 'rb').read()
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'sim.asl'), 'w') as f:
        f.write(sim_asl(rom, name))
    iasl(os.path.join(outdir, 'sim.asl'))
    with open(os.path.join(outdir, 'blob.aml'), 'wb') as f:
        f.write(blob_table(rom))
    copy = os.path.join(outdir, 'gen.aml')
    with open(table, 'rb') as src, open(copy, 'wb') as dst:
        dst.write(src.read())
    subprocess.run(['iasl', '-d', copy], capture_output=True, check=True)
    dsl = open(copy[:-4] + '.dsl').read()
    with open(os.path.join(outdir, 'rom.asl'), 'w') as f:
        f.write(rewire(dsl))
    iasl(os.path.join(outdir, 'rom.asl'))
    with open(os.path.join(outdir, 'seed.asl'), 'w') as f:
        f.write(SEED_ASL % name)
    iasl(os.path.join(outdir, 'seed.asl'))


def cpu_run(cmd, stdin_text):
    """Run cmd; returns (CPU seconds of the child, output)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
            p.stdout + p.stderr)


def bench(outdir, dsdt, romfile, requests):
    """CPU time and data-port reads of a series of _ROM calls, ours vs seed-style."""
    rom_len = os.path.getsize(romfile)
    path = '\\_SB.PCI0.S08.S00._ROM'
    cmds = ['evaluate %s 0x%x 0x%x' % (path, o, l) for o, l in requests]
    rows = []
    for which in ('rom', 'seed'):
        tables = [dsdt, os.path.join(outdir, 'blob.aml'), os.path.join(outdir, 'sim.aml'),
                  os.path.join(outdir, which + '.aml')]
        base, _ = cpu_run(['acpiexec', '-dt'] + tables, 'evaluate \\FWNR\nquit\n')
        t, out = cpu_run(['acpiexec', '-dt'] + tables,
                         '\n'.join(cmds + ['evaluate \\FWNR', 'quit']) + '\n')
        reads = re.findall(r'\[Integer\] = ([0-9A-F]+)', out)
        rows.append((which, max(t - base, 0.0), int(reads[-1], 16) if reads else -1))
    return rom_len, rows


if __name__ == '__main__':
    if sys.argv[1] == 'build':
        build(*sys.argv[2:6])
    elif sys.argv[1] == 'bench':
        # bench OUTDIR DSDT ROMFILE OFF:LEN[,OFF:LEN...] (after build)
        reqs = [tuple(int(x, 0) for x in r.split(':')) for r in sys.argv[5].split(',')]
        size, rows = bench(sys.argv[2], sys.argv[3], sys.argv[4], reqs)
        for which, t, n in rows:
            print('%-5s %8d-byte ROM, %s: %.3f s CPU, %d data-port reads' % (
                which, size, sys.argv[5] if len(reqs) < 4 else '%d calls' % len(reqs), t, n))
    else:
        sys.exit('usage: fwcfg-sim.py build OUTDIR ROM_TABLE.aml ROMFILE FW_CFG_NAME\n'
                 '       fwcfg-sim.py bench OUTDIR DSDT ROMFILE OFF:LEN[,...]')
