#!/usr/bin/env python3
# Capture QEMU's own DSDT without booting a guest: run QEMU with the qtest
# accelerator, read the fw_cfg file "etc/acpi/tables" through the legacy
# port protocol (select = 16-bit write to 0x510, data = 8-bit reads from
# 0x511, directory at key 0x19: BE32 count + 64-byte entries
# {BE32 size, BE16 select, BE16 reserved, char name[56]}; facts §2.2/§2.3)
# and carve out the table with the "DSDT" signature (ACPI §5.2.6 header:
# Length is the LE32 at offset 4).
#
# Used once to make the test data in data/ (not run by the test suite):
#   capture-dsdt.py OUT.aml [extra QEMU args...]     q35, root port 00:01.0 + NIC behind it
#   capture-dsdt.py --pc OUT.aml [extra QEMU args...] pc, a NIC at 00:05.0
# writes OUT.aml and OUT.cmdline (the exact QEMU command line and version).
import subprocess
import sys


def qemu_cmd(extra, pc=False):
    if pc:
        return ['qemu-system-x86_64', '-machine', 'pc', '-accel', 'tcg', '-S',
                '-qtest', 'stdio', '-qtest-log', '/dev/null', '-nodefaults', '-display', 'none',
                '-device', 'e1000,bus=pci.0,addr=0x5,romfile='] + extra
    return ['qemu-system-x86_64', '-machine', 'q35', '-accel', 'tcg', '-S',
            '-qtest', 'stdio', '-qtest-log', '/dev/null', '-nodefaults', '-display', 'none',
            '-device', 'pcie-root-port,id=rp1,bus=pcie.0,addr=0x1,chassis=1,hotplug=off',
            '-device', 'e1000e,bus=rp1,addr=0x0,romfile='] + extra


class Qtest:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)

    def cmd(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()
        while True:
            r = self.p.stdout.readline()
            if not r:
                raise RuntimeError('qemu exited')
            if r.startswith('OK') or r.startswith('FAIL') or r.startswith('ERR'):
                return r.split()

    def select(self, key):
        self.cmd('outw 0x510 0x%x' % key)

    def read(self, n):
        out = bytearray()
        for _ in range(n):
            out.append(int(self.cmd('inb 0x511')[1], 16))
        return bytes(out)

    def close(self):
        self.p.terminate()
        self.p.wait()


def main():
    args = sys.argv[1:]
    pc = args[0] == '--pc'
    if pc:
        args = args[1:]
    out = args[0]
    cmd = qemu_cmd(args[1:], pc)
    q = Qtest(cmd)
    q.select(0x19)
    count = int.from_bytes(q.read(4), 'big')
    key = None
    for _ in range(count):
        e = q.read(64)
        name = e[8:].split(b'\0')[0].decode()
        if name == 'etc/acpi/tables':
            key = int.from_bytes(e[4:6], 'big')
    if key is None:
        sys.exit('etc/acpi/tables not found')
    q.select(key)
    data = bytearray()
    # Tables are laid out one after the other; the DSDT comes early (after
    # the FACS), so read until its header and body are in.
    while True:
        data += q.read(512)
        i = data.find(b'DSDT')
        if i >= 0 and len(data) >= i + 8:
            length = int.from_bytes(data[i + 4:i + 8], 'little')
            if len(data) >= i + length:
                dsdt = bytes(data[i:i + length])
                break
    version = subprocess.run(['qemu-system-x86_64', '--version'], capture_output=True,
                             text=True).stdout.splitlines()[0]
    q.close()
    # QEMU leaves the checksum (offset 9) to the firmware's BIOS linker
    # ("add checksum" command); do what the linker does.
    dsdt = bytearray(dsdt)
    dsdt[9] = 0
    dsdt[9] = (-sum(dsdt)) & 0xff
    with open(out, 'wb') as f:
        f.write(dsdt)
    with open(out.rsplit('.', 1)[0] + '.cmdline', 'w') as f:
        f.write('# %s\n# captured with testsuite/aml/capture-dsdt.py (checksum set as the\n'
                '# firmware linker does)\n' % version)
        f.write(' '.join(cmd) + '\n')


main()
