#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot a test kernel and initramfs under QEMU or Bochs and judge the run.

Streams the serial console to a log file (QEMU: the command's output;
Bochs, --serial: the file its com1 writes, while the command runs on a pty
of ours whose output, its terminal display, goes to LOG.emu), then fails the run on: a module
that did not load, a missing "AXV: DONE", any KTAP or kselftest TAP
failure, any kernel splat (BUG, WARNING, Oops, KASAN, lockdep, kmemleak)
anywhere in the console or the dumped kernel log. Emulator exit codes mean
nothing (QEMU exits 0 after a panic), so only console markers count.

Prints one line per test and, last, "AXV-RESULT passed=N failed=N skipped=N".
"""
import argparse
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

SPLAT = re.compile(r'BUG:|WARNING:|Oops|KASAN|Kernel panic|'
                   r'possible (circular|recursive) locking|'
                   r'inconsistent lock state|unreferenced object|'
                   r'Unable to handle kernel|stack-protector|'
                   r'INFO: task .* blocked|rcu_.*stall')
TAP = re.compile(r'^(\s*)(ok|not ok) (\d+) (.*?)(?:\s+#\s*(SKIP|skip)\b.*)?$')
STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
INIT = b'AXV: init mode='


def boot_serial(cmd, log, serial, timeout, echo):
    """Run cmd on a pty (Bochs' term display needs one, and blocks once it
    is full: drain it) and follow the console it writes to the file serial.
    Ends when cmd exits (Bochs does at ACPI power-off, or at a triple fault:
    boot with reboot=t), on timeout, or if it outlives a panic or "AXV: DONE"."""
    t0 = time.monotonic()
    t_init = t_end = None
    if os.path.exists(serial):
        os.unlink(serial)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 25, 80, 0, 0))
    env = dict(os.environ, TERM='vt100')
    with open(log, 'wb') as out, open(log + '.emu', 'wb') as emu:
        p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                             env=env, start_new_session=True)
        os.close(slave)
        con, seen = None, b''
        try:
            while True:
                alive = p.poll() is None
                if select.select([master], [], [], 0.2)[0]:
                    try:
                        emu.write(os.read(master, 65536))
                    except OSError:  # EIO: the pty has no writer left
                        pass
                if con is None and os.path.exists(serial):
                    con = open(serial, 'rb')
                data = con.read() if con else b''
                if data:
                    out.write(data)
                    out.flush()
                    if echo:
                        sys.stdout.write(data.decode('utf-8', 'replace').replace('\r', ''))
                        sys.stdout.flush()
                    seen = seen[-4096:] + data
                    now = time.monotonic() - t0
                    if t_init is None and INIT in seen:
                        t_init = now
                    if t_end is None and (b'AXV: DONE' in seen or
                                          b'Kernel panic' in seen):
                        t_end = now
                if not alive:
                    break
                now = time.monotonic() - t0
                if now > timeout or (t_end is not None and now - t_end > 60):
                    break
                if not data:
                    time.sleep(0.2)
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            os.close(master)
            if con:
                con.close()
    return time.monotonic() - t0, t_init


def boot(cmd, log, timeout, echo):
    t0 = time.monotonic()
    t_init = None
    with open(log, 'wb') as out:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            for line in iter(p.stdout.readline, b''):
                out.write(line)
                if t_init is None and INIT in line:
                    t_init = time.monotonic() - t0
                if echo:
                    sys.stdout.write(line.decode('utf-8', 'replace').replace('\r', ''))
                    sys.stdout.flush()
                if time.monotonic() - t0 > timeout:
                    break
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
    return time.monotonic() - t0, t_init


def blocks(lines, begin, end):
    """Yield (name, lines) for each BEGIN name ... END block."""
    name, cur = None, []
    for line in lines:
        if line.startswith(begin):
            name, cur = line[len(begin):].strip(), []
        elif name is not None and line.startswith(end):
            yield name, cur
            name = None
        elif name is not None:
            cur.append(line)


def tap_results(name, lines, nested):
    """Leaf results of a KTAP/TAP document: (name, status)."""
    res = []
    for line in lines:
        m = TAP.match(STAMP.sub('', line))
        if not m:
            continue
        depth = len(m.group(1))
        status = 'skip' if m.group(5) else ('pass' if m.group(2) == 'ok' else 'fail')
        res.append((depth, f'{name}: {m.group(4).strip()}', status))
    if nested:  # KTAP: count the test cases, not the suite lines
        deepest = max((d for d, _, _ in res), default=0)
        res = [r for r in res if r[0] == deepest]
    return [(n, s) for _, n, s in res]


def judge(text, mode):
    # Without printk time stamps: "axout=kmsg" lines come through the kernel.
    lines = [STAMP.sub('', l.rstrip('\r')) for l in text.split('\n')]
    results, problems = [], []
    for l in lines:
        m = re.match(r'AXV: load (\S+) = (-?\d+)', l)
        if m and m.group(2) != '0':
            problems.append(f'module {m.group(1)} did not load: {l}')
    if not any(l.startswith('AXV: DONE') for l in lines):
        problems.append('init did not finish (no "AXV: DONE")')
    for name, body in blocks(lines, 'AXV: KTAP-BEGIN ', 'AXV: KTAP-END'):
        results += tap_results('kunit ' + name, body, True)
    for name, body in blocks(lines, 'AXV: TAP-BEGIN ', 'AXV: TAP-END'):
        r = tap_results('kselftest ' + name, body, False)
        if not r:
            problems.append(f'kselftest {name} printed no results')
        results += r
    for l in lines:
        m = re.match(r'AXV: TAP-END (\S+) rc=(\d+)', l)
        if m and m.group(2) not in ('0', '4'):  # 4: kselftest "skip"
            problems.append(f'kselftest {m.group(1)} exited {m.group(2)}')
    for _, body in blocks(lines, 'AXV: KMEMLEAK-BEGIN', 'AXV: KMEMLEAK-END'):
        if any(b.strip() for b in body):
            problems.append('kmemleak: ' + ' | '.join(b.strip() for b in body[:4]))
    for l in lines:
        if SPLAT.search(l) and not l.startswith('AXV:'):
            problems.append('kernel splat: ' + STAMP.sub('', l).strip())
    if mode == 'test' and not results:
        problems.append('no test results at all')
    return results, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--log', required=True)
    ap.add_argument('--timeout', type=float, default=900)
    ap.add_argument('--mode', default='test')
    ap.add_argument('--echo', action='store_true', help='copy the console to stdout')
    ap.add_argument('--serial', help='the console is this file, which the command writes')
    ap.add_argument('--judge-only', action='store_true', help='judge an existing log')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd
    if not a.judge_only:
        if a.serial:
            took, t_init = boot_serial(cmd, a.log, a.serial, a.timeout, a.echo)
        else:
            took, t_init = boot(cmd, a.log, a.timeout, a.echo)
        init = f'init after {t_init:.0f} s, ' if t_init is not None else 'init never ran, '
        print(f'AXV-VM: {init}run took {took:.0f} s, console in {a.log}')
    text = open(a.log, 'rb').read().decode('utf-8', 'replace').replace('\r', '')
    if a.serial and not text.strip() and os.path.exists(a.log + '.emu'):
        # No console at all: show what the emulator itself said.
        emu = open(a.log + '.emu', 'rb').read().decode('utf-8', 'replace')
        print('AXV-VM: no console output; the emulator printed:\n' + emu[-2000:])
    results, problems = judge(text, a.mode)
    for name, status in results:
        print(f'{status.upper():4} {name}')
    for p in dict.fromkeys(problems):
        print(f'FAIL {p}')
    passed = sum(s == 'pass' for _, s in results)
    failed = sum(s == 'fail' for _, s in results) + len(dict.fromkeys(problems))
    skipped = sum(s == 'skip' for _, s in results)
    print(f'AXV-RESULT passed={passed} failed={failed} skipped={skipped}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
