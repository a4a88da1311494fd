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

Mode linux (and the riscv64 and arm64 demo): the Linux guest that the host runs
under axvm, whose console the host relays into its own, is judged line by
line (testing/guest-init.c's "axvm-guest: " lines, axvm's "axvm: "
summary), and splats are told apart: the guest's are the ones between
"AXV: RUN-BEGIN" and "AXV: RUN-END" that the host's dumped kernel log
does not hold.

Prints one line per test and, last, "AXV-RESULT passed=N failed=N skipped=N";
with --demo, only the program's part of the console (between the RUN
markers) while it runs and a one-line verdict at the end (on failure also
the tail of the console and the failures).
"""
import argparse
import bisect
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
RUN_BEGIN, RUN_END = 'AXV: RUN-BEGIN', 'AXV: RUN-END'
GUEST_BOOT = re.compile(r'^axvm-guest: Linux (\S+) up, (\d+) CPUs online')
IDLE = re.compile(r"^axvm: 'idle-begin'\.\.'idle-end': ([\d.]+) s")
# Host seconds for the guest's 10 s sleep: axvm times the lines as their
# bytes reach the UART (seen 9.88 s); a guest clock 5% off fails.
IDLE_RANGE = (9.5, 13.0)


class Echo:
    """Copies the console to stdout: all of it, or (only_run) just the lines
    between "AXV: RUN-BEGIN" and "AXV: RUN-END", the program's output."""

    def __init__(self, only_run):
        self.only_run, self.inside, self.partial = only_run, False, b''
        self.t0 = time.monotonic()

    def feed(self, data):
        if not self.only_run:
            sys.stdout.write(data.decode('utf-8', 'replace').replace('\r', ''))
            sys.stdout.flush()
            return
        *lines, self.partial = (self.partial + data).split(b'\n')
        for raw in lines:
            line = raw.decode('utf-8', 'replace').replace('\r', '')
            if RUN_END in line:  # also when glued to an unfinished line
                self.inside = False
            elif self.inside:
                print(line, flush=True)
            elif STAMP.sub('', line).startswith(RUN_BEGIN):
                self.inside = True
                print(f'demo: host up after {time.monotonic() - self.t0:.0f} s, '
                      f'running {line.split()[-1]}', flush=True)


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
                        echo.feed(data)
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


def monitor_dump(sock, symbols):
    """On a timeout: every vCPU's registers from the QEMU monitor at sock,
    each PC named from the kernel's System.map (symbols), as text lines."""
    import socket
    out = []
    try:
        m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        m.settimeout(5)
        m.connect(sock)
        m.sendall(b'info registers -a\n')
        data, t_end = b'', time.monotonic() + 5
        while time.monotonic() < t_end:
            try:
                chunk = m.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
        m.close()
    except OSError as e:
        return [f'AXV-VM: monitor: {e}']
    syms = []
    try:
        for l in open(symbols):
            a, t, n = l.split()[:3]
            if t in 'tTwW':
                syms.append((int(a, 16), n))
        syms.sort()
    except (OSError, ValueError):
        pass
    for l in data.decode('latin1').replace('\r', '').split('\n'):
        if '\x1b' in l:    # the monitor echoing the command line
            continue
        m = re.search(r'\b(?:PC|pc)=([0-9a-f]{8,16})', l)
        if m and syms:
            pc = int(m.group(1), 16)
            k = bisect.bisect_right(syms, (pc, '\uffff')) - 1
            l += (f'   <- {syms[k][1]}+{pc - syms[k][0]:#x}' if k >= 0
                  else '   <- (not the kernel text)')
        out.append('AXV-VM: monitor: ' + l)
    return out


def boot(cmd, log, timeout, echo, monitor=None, symbols=None):
    """Runs cmd (QEMU) with its output in log until it exits or timeout
    seconds have passed, with or without output meanwhile (a machine that
    hangs silently must not hang the harness: the timeout is the wall
    clock's, not checked only when a line arrives)."""
    t0 = time.monotonic()
    t_init = None
    seen = b''
    with open(log, 'wb') as out:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        fd = p.stdout.fileno()
        try:
            while True:
                left = timeout - (time.monotonic() - t0)
                if left <= 0:
                    out.write(f'\nAXV-VM: timeout: no end after {timeout:.0f} s, '
                              f'the machine killed\n'.encode())
                    if monitor:
                        out.write(('\n'.join(monitor_dump(monitor, symbols)) +
                                   '\n').encode())
                    print(f'AXV-VM: timed out after {timeout:.0f} s', file=sys.stderr)
                    break
                ready, _, _ = select.select([fd], [], [], min(left, 5))
                if not ready:
                    continue
                data = os.read(fd, 65536)
                if not data:
                    break
                out.write(data)
                out.flush()
                seen = seen[-4096:] + data
                if t_init is None and INIT in seen:
                    t_init = time.monotonic() - t0
                if echo:
                    echo.feed(data)
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


def splats(raw):
    """The splat lines of the console, (guest's, host's): a guest's is one
    between the RUN markers that the host's dumped kernel log lacks (the
    host's console messages there are in the dump, with their time stamps;
    without a dump every splat between the markers counts as the guest's)."""
    host_log = set()
    for _, body in blocks(raw, 'AXV: DMESG-BEGIN', 'AXV: DMESG-END'):
        host_log.update(body)
    guest, host, inside = [], [], False
    for l in raw:
        bare = STAMP.sub('', l)
        if RUN_END in l:
            inside = False
        elif bare.startswith(RUN_BEGIN):
            inside = True
        elif SPLAT.search(l) and not bare.startswith('AXV:'):
            (guest if inside and l not in host_log else host).append(bare.strip())
    return guest, host


def check_stats(check, first):
    """axvm --stats: the vCPUs' stats fds count the exits the run pages do."""
    pages = first(r'axvm: exits: (\d+) \(.*; to axvm (\d+):')
    stats = first(r'axvm: stats: \d+ vCPUs?: (.*)')
    if not pages or not stats:
        check("the stats fds count the run pages' exits", False,
              'no "axvm: exits:" line' if not pages else 'no "axvm: stats:" line')
        return
    counts = {k: int(v) for k, v in re.findall(r'(\w+) (\d+)(?!\.)\b', stats.group(1))}
    # axvm's "to axvm" are the exits it served, not the SYSTEM_DOWN that
    # ended it.
    to_vmm = sum(v for k, v in counts.items()
                 if k.startswith('exits_') and k != 'exits_system_down')
    ok = counts.get('exits') == int(pages.group(1)) and to_vmm == int(pages.group(2))
    check("the stats fds count the run pages' exits", ok,
          f"stats: exits {counts.get('exits')}, to axvm {to_vmm}; "
          f"run pages: {pages.group(1)}, {pages.group(2)}")


def judge_linux(lines, raw, demo):
    """The Linux guest under axvm: (results, figures)."""
    results = []

    def check(name, ok, why=''):
        results.append((f'linux: {name}' + ('' if ok or not why else f' ({why})'),
                        'pass' if ok else 'fail'))

    def first(pattern):
        return next((m for m in map(re.compile(pattern).match, lines) if m), None)

    m = first(GUEST_BOOT.pattern)
    check('the guest booted with 2 CPUs online', m and m.group(2) == '2',
          f'{m.group(2)} CPUs online' if m else 'no "axvm-guest: Linux ... up" line')
    check("the guest's threads on CPUs 0 and 1 (IPIs, remote fences, FP)",
          first(r'axvm-guest: 2 threads on CPUs 0 and 1: ok\b'), 'no "ok" line')
    check('the guest slept 1 s', first(r'axvm-guest: slept \d+\.\d+ s'), 'no "slept" line')
    check('the guest idled 10 s', first(r'axvm-guest: idle-end$'), 'no "idle-end" line')
    m = first(IDLE.pattern)
    lo, hi = IDLE_RANGE
    check(f"the guest's 10 s sleep took {lo}-{hi} s on the host",
          m and lo <= float(m.group(1)) <= hi,
          f'{m.group(1)} s' if m else "no \"axvm: 'idle-begin'..'idle-end'\" line")
    fails = [l for l in lines if l.startswith('axvm-guest: FAIL')]
    check('no FAIL from the guest', not fails, ' | '.join(fails[:3]))
    check('axvm saw the guest power off', first(r'axvm: guest powered off'),
          'no "axvm: guest powered off" line')
    check_stats(check, first)
    m, late = first(r'AXV: linux exit (-?\d+)'), first(r'AXV: \S+ (timed out .*)')
    check('axvm exited 0', m and m.group(1) == '0',
          (f'exit {m.group(1)}' if m else 'never returned') +
          (f', {late.group(1)}' if late else ''))
    guest, host = splats(raw)
    guest, host = list(dict.fromkeys(guest)), list(dict.fromkeys(host))
    check('no guest kernel splat', not guest, ' | '.join(guest[:3]))
    check('no host kernel splat', not host, ' | '.join(host[:3]))
    m = first(r'AXV: unload axvcpu = (-?\d+.*)')
    check('axvcpu unloaded', m and m.group(1) == '0', m.group(1) if m else 'not unloaded')
    leaks = list(blocks(lines, 'AXV: KMEMLEAK-BEGIN', 'AXV: KMEMLEAK-END'))
    if leaks or not demo:
        body = [b.strip() for _, bl in leaks for b in bl if b.strip()]
        check('no kmemleak report after the unload', leaks and not body,
              ' | '.join(body[:4]) if leaks else 'no kmemleak scan')
    figures = [l for l in lines if l.startswith('axvm: ') or
               re.match(r'axvm-guest: (2 threads|slept)', l)]
    return results, figures


def judge(text, mode, demo=False):
    # Without printk time stamps: "axout=kmsg" lines come through the kernel.
    raw = [l.rstrip('\r') for l in text.split('\n')]
    lines = [STAMP.sub('', l) for l in raw]
    results, problems, figures = [], [], []
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
    if mode == 'linux':
        r, figures = judge_linux(lines, raw, demo)
        return results + r, problems, figures
    for _, body in blocks(lines, 'AXV: KMEMLEAK-BEGIN', 'AXV: KMEMLEAK-END'):
        if any(b.strip() for b in body):
            problems.append('kmemleak: ' + ' | '.join(b.strip() for b in body[:4]))
    splat_at = [i for i, l in enumerate(lines)
                if SPLAT.search(l) and not l.startswith('AXV:')]
    for i in splat_at:
        problems.append('kernel splat: ' + STAMP.sub('', lines[i]).strip())
    if mode == 'test' and not results:
        problems.append('no test results at all')
    # After the tests (and the ioctl storm) every module must unload.
    for l in lines:
        m = re.match(r'AXV: unload (\S+) = (-?\d+)', l)
        # (ENOENT: never loaded, as axvcpu_kunit on the stock kernel)
        if mode == 'test' and m and m.group(2) != '0' and 'No such file' not in l:
            problems.append(f'module {m.group(1)} did not unload: {l}')
    # init.c's last step: power-off while vmm/spin runs a vCPU per CPU.
    spin = [i for i, l in enumerate(lines) if l.startswith('AXV: spin')]
    if mode == 'test' and spin:
        ok = lines[spin[-1]].startswith('AXV: spin ready') and not any(
            i > spin[-1] for i in splat_at)
        results.append(('power-off under running vCPUs (vmm/spin)',
                        'pass' if ok else 'fail'))
    if mode == 'demo':
        if not any(l.startswith('demo: guest powered off') for l in lines):
            problems.append('the demo guest did not power off')
        if not any(l.startswith('AXV: demo exit 0') for l in lines):
            problems.append('/bin/demo failed')
    return results, problems, figures


def verdict(mode, failed, results, problems, figures, text, log):
    """The demo's last words: one line, after the failures if any."""
    log = os.path.relpath(log) if not os.path.relpath(log).startswith('..') else log
    if failed:
        tail = text.rstrip('\n').split('\n')[-40:]
        print(f'demo: the last lines of the console ({log}):')
        print('\n'.join('  | ' + l for l in tail))
        for name, status in results:
            if status == 'fail':
                print(f'FAIL {name}')
        for p in problems:
            print(f'FAIL {p}')
        print(f'demo: FAILED, {failed} check(s) above (log: {log})')
    elif mode == 'linux':
        boot = next((m.group(1) for m in map(
            re.compile(r"axvm: boot: .* first seen after ([\d.]+) s").match, figures) if m), None)
        took = f' in {boot} s' if boot else ''
        print(f'demo: the Linux guest booted on 2 vCPUs{took}, passed its checks '
              f'and powered off (log: {log})')
    else:
        print(f'demo: the guest printed its line through the VMM and powered off (log: {log})')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--log', required=True)
    ap.add_argument('--timeout', type=float, default=900)
    ap.add_argument('--monitor', help='QEMU monitor socket: registers on a timeout')
    ap.add_argument('--symbols', help='System.map to name the PCs with')
    ap.add_argument('--mode', default='test')
    ap.add_argument('--echo', action='store_true', help='copy the console to stdout')
    ap.add_argument('--demo', action='store_true',
                    help='show only the program\'s output (unless --echo), end with a verdict')
    ap.add_argument('--serial', help='the console is this file, which the command writes')
    ap.add_argument('--judge-only', action='store_true', help='judge an existing log')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd
    echo = Echo(not a.echo) if a.echo or a.demo else None
    if not a.judge_only:
        if a.serial:
            took, t_init = boot_serial(cmd, a.log, a.serial, a.timeout, echo)
        else:
            took, t_init = boot(cmd, a.log, a.timeout, echo, a.monitor, a.symbols)
        init = f'init after {t_init:.0f} s, ' if t_init is not None else 'init never ran, '
        if not a.demo or a.echo:
            print(f'AXV-VM: {init}run took {took:.0f} s, console in {a.log}')
    text = open(a.log, 'rb').read().decode('utf-8', 'replace').replace('\r', '')
    if a.serial and not text.strip() and os.path.exists(a.log + '.emu'):
        # No console at all: show what the emulator itself said.
        emu = open(a.log + '.emu', 'rb').read().decode('utf-8', 'replace')
        print('AXV-VM: no console output; the emulator printed:\n' + emu[-2000:])
    results, problems, figures = judge(text, a.mode, a.demo)
    problems = list(dict.fromkeys(problems))
    passed = sum(s == 'pass' for _, s in results)
    failed = sum(s == 'fail' for _, s in results) + len(problems)
    skipped = sum(s == 'skip' for _, s in results)
    if a.demo:
        verdict(a.mode, failed, results, problems, figures, text, a.log)
        return 1 if failed else 0
    for name, status in results:
        print(f'{status.upper():4} {name}')
    for p in problems:
        print(f'FAIL {p}')
    for f in figures:
        print(f'     {f}')
    print(f'AXV-RESULT passed={passed} failed={failed} skipped={skipped}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
