#!/usr/bin/env python3
# The ACPICA side of the aml tests: iasl (disassembler, compiler) and
# acpiexec (the ACPICA interpreter) judge the tables optivfio wrote.
#
#   acpica-check.py compare GENERATED.aml EXPECTED.asl
#       iasl -d GENERATED must succeed; EXPECTED (hand-written ASL) is
#       compiled with iasl and disassembled too; the two disassemblies must
#       match once comments, External() lines and whitespace are dropped.
#   acpica-check.py rom [--shuffle] DSDT ROMFILE PATH TABLE...
#       load the tables next to DSDT in acpiexec and evaluate PATH._ROM at
#       offset 0, in 4 KiB steps, around every chunk boundary and the end,
#       with lengths 0, 1, 42, 4096 and 5000; compare with ROMFILE.
#       --shuffle: in random order, some asked twice in a row.
#   acpica-check.py disasm TABLE...
#       iasl -d succeeds on each table, without errors.
#   acpica-check.py battery DSDT PATH present|absent TABLE...
#       PATH.BAT0._STA (and _BIF/_BIX/_BST when present) evaluate, with
#       ACPICA's predefined-name checks quiet.
#   acpica-check.py loads DSDT PATH LENGTH TABLE...
#       the tables load without errors and PATH._ROM(0, LENGTH) returns a
#       Buffer of min(LENGTH, 4096) bytes.
# Prints TAP lines; exits 1 when a check failed.
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHUNK = 0xF800       # embed chunk size (design: one chunk per table)
MAX_REQ = 4096       # _ROM returns at most 4 KiB (ACPI §6.2.12, facts §2.6)

n_checks = 0
failed = 0


def ok(cond, what, diag=None):
    global n_checks, failed
    n_checks += 1
    if cond:
        print('ok %d - %s' % (n_checks, what))
    else:
        failed += 1
        print('not ok %d - %s' % (n_checks, what))
        if diag:
            for line in str(diag).splitlines()[:40]:
                print('# ' + line)


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors='replace')
    return p.returncode, p.stdout + p.stderr


def normalise(dsl):
    text = re.sub(r'/\*.*?\*/', '', dsl, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    out = []
    for line in text.splitlines():
        line = ' '.join(line.split())
        if not line or line.startswith('External ('):
            continue
        out.append(line)
    return out


def disassemble(aml, tmp):
    """iasl -d on a copy in tmp; returns (ok, dsl text, log)."""
    base = os.path.join(tmp, os.path.basename(aml))
    if os.path.abspath(aml) != os.path.abspath(base):
        shutil.copy(aml, base)
    rc, log = run(['iasl', '-d', base], cwd=tmp)
    dsl = base[:-4] + '.dsl'
    good = rc == 0 and os.path.exists(dsl) and not re.search(r'\bError\b', log)
    return good, open(dsl).read() if os.path.exists(dsl) else '', log


def cmd_compare(gen, exp):
    with tempfile.TemporaryDirectory() as tmp:
        good, gen_dsl, log = disassemble(gen, tmp)
        ok(good, '%s: iasl -d without errors' % os.path.basename(gen), log)
        expdir = os.path.join(tmp, 'exp')
        os.mkdir(expdir)
        stem = os.path.join(expdir, 'expected')
        rc, log = run(['iasl', '-p', stem, exp])
        ok(rc == 0, '%s: expected ASL compiles' % os.path.basename(exp), log)
        if rc != 0:
            return
        _, exp_dsl, _ = disassemble(stem + '.aml', expdir)
        a, b = normalise(gen_dsl), normalise(exp_dsl)
        diff = ''
        if a != b:
            import difflib
            diff = '\n'.join(difflib.unified_diff(b, a, 'expected', 'generated', lineterm=''))
        ok(a == b, '%s: disassembly matches %s' % (os.path.basename(gen),
                                                    os.path.basename(exp)), diff)


def acpiexec(tables, commands):
    """Run acpiexec, commands on stdin (-b takes at most 1023 characters);
    returns (rc, log, list of evaluation results: bytes or None)."""
    p = subprocess.run(['acpiexec', '-dt'] + tables, input='\n'.join(commands + ['quit']) + '\n',
                       capture_output=True, text=True, errors='replace')
    rc, log = p.returncode, p.stdout + p.stderr
    results = []
    for part in log.split('Evaluating ')[1:]:
        m = re.search(r'\[Buffer\] Length ([0-9A-F]+) =(.*?)(?:\n\n|\n- |\Z)', part, re.S)
        if not m:
            results.append(None)
            continue
        data = bytearray()
        for line in m.group(2).splitlines():
            hm = re.match(r'\s*(?:[0-9A-F]{4}:)?\s*((?:[0-9A-F]{2} )+)', line)
            if hm:
                data += bytes(int(x, 16) for x in hm.group(1).split())
        if len(data) != int(m.group(1), 16):
            results.append(None)
        else:
            results.append(bytes(data))
    return rc, log, results


def load_errors(log):
    bad = [l for l in log.splitlines()
           if re.search(r'AE_[A-Z_]+|Error|Failure|Warning|Skipping', l)
           and 'AE_OK' not in l]
    return bad


def expected_rom(rom, off, length):
    n = min(length, MAX_REQ)
    return (rom[off:off + n] + bytes(n)).ljust(n, b'\0')[:n]


def cmd_rom(dsdt, romfile, path, tables, shuffle=False):
    rom = open(romfile, 'rb').read()
    size = len(rom)
    cases = []
    for off in range(0, size + 2 * MAX_REQ, MAX_REQ):
        cases.append((off, 4096))
    for b in range(CHUNK, size + CHUNK, CHUNK):
        for d in (-4096, -42, -21, -1, 0, 1):
            if b + d >= 0:
                cases.append((b + d, 42 if d in (-21, -1) else 4096))
    for off in (0, 1, size - 1, size - 42, size - 4096, size, size + 1):
        if off < 0:
            continue
        for length in (0, 1, 42, 4096, 5000):
            cases.append((off, length))
    cases.append((0xFFFFF000, 4096))     # far past the end: 32-bit overflow trap
    cases.append((0xFFFFFFFF, 42))
    cases = sorted(set(cases))
    if shuffle:
        # Out of order, and every tenth request asked again right away.
        import random
        random.Random(1).shuffle(cases)
        cases = [c for i, c in enumerate(cases) for _ in range(2 if i % 10 == 0 else 1)]
    cmds = ['evaluate %s._ROM 0x%x 0x%x' % (path, o, l) for o, l in cases]
    rc, log, results = acpiexec([dsdt] + tables, cmds)
    name = os.path.basename(romfile)
    ok(not load_errors(log), '%s: %d tables load without errors' % (name, len(tables)),
       '\n'.join(load_errors(log)))
    ok(len(results) == len(cases), '%s: %d evaluations ran' % (name, len(cases)),
       log[-2000:])
    wrong = []
    for (off, length), got in zip(cases, results):
        if got != expected_rom(rom, off, length):
            wrong.append('_ROM(0x%x, 0x%x): got %s' % (off, length,
                         'no buffer' if got is None else '%d bytes' % len(got)))
    ok(not wrong and len(results) == len(cases),
       '%s: _ROM returns the ROM bytes, zero-padded, in all %d cases' % (name, len(cases)),
       '\n'.join(wrong[:20]))


def cmd_loads(dsdt, path, length, tables):
    length = int(length, 0)
    rc, log, results = acpiexec([dsdt] + tables,
                                ['evaluate %s._ROM 0 0x%x' % (path, length),
                                 'evaluate %s._ROM 0x20000 0x2a' % path])
    ok(not load_errors(log), '%s: loads next to %s without errors' % (
        ' '.join(os.path.basename(t) for t in tables), os.path.basename(dsdt)),
       '\n'.join(load_errors(log)))
    ok(len(results) == 2 and results[0] is not None and
       len(results[0]) == min(length, MAX_REQ) and results[1] is not None and
       len(results[1]) == 42,
       '%s._ROM exists and returns Buffers of the asked length' % path, log[-1500:])


def cmd_disasm(tables):
    with tempfile.TemporaryDirectory() as tmp:
        for t in tables:
            good, _, log = disassemble(t, tmp)
            ok(good, '%s: iasl -d without errors' % os.path.basename(t), log)


def cmd_battery(dsdt, path, kind, tables):
    bat = path + '.BAT0'
    cmds = ['evaluate %s._STA' % bat]
    if kind == 'present':
        cmds += ['evaluate %s.%s' % (bat, m) for m in ('_BIF', '_BIX', '_BST')]
    rc, log = run(['acpiexec', '-b', '; '.join(cmds), dsdt] + tables)
    ok(not load_errors(log), 'battery %s: loads and evaluates without errors or warnings'
       % kind, '\n'.join(load_errors(log)))
    sta = re.search(r'\[Integer\] = ([0-9A-F]+)', log)
    want = 0x1F if kind == 'present' else 0x0F
    ok(sta is not None and int(sta.group(1), 16) == want,
       'battery %s: _STA = 0x%02X' % (kind, want), log[-1500:])
    if kind == 'present':
        counts = re.findall(r'\[Package\] Contains (\d+) Elements', log)
        ok(counts == ['13', '20', '4'], 'battery present: _BIF 13, _BIX 20, _BST 4 elements',
           log[-3000:])


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'compare':
        cmd_compare(*args)
    elif cmd == 'rom':
        shuffle = args[0] == '--shuffle'
        if shuffle:
            args = args[1:]
        cmd_rom(args[0], args[1], args[2], args[3:], shuffle)
    elif cmd == 'disasm':
        cmd_disasm(args)
    elif cmd == 'battery':
        cmd_battery(args[0], args[1], args[2], args[3:])
    elif cmd == 'loads':
        cmd_loads(args[0], args[1], args[2], args[3:])
    else:
        sys.exit('unknown command ' + cmd)
    # The caller (a TAP sh script) numbers the plan; we report counts.
    sys.exit(1 if failed else 0)


main()
