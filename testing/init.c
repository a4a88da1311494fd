// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the axvcpu test initramfs. Mounts the pseudo filesystems, loads
 * the modules in /modules (in the order /modules/order lists them, one file
 * name per line, if it exists, else by name), then, by the "axmode="
 * kernel argument:
 *   test   dump the KUnit results, run every program in /selftests, scan
 *          for leaks with kmemleak, unload the modules;
 *   linux  boot the Linux guest in /guest (the host's own kernel image and
 *          an initramfs whose /init is testing/guest-init.c) under
 *          /bin/axvm on 2 vCPUs (at most "axlimit=" seconds, 600 by
 *          default), unload axvcpu, scan for leaks;
 *   demo   the same Linux guest if there is one, without the leak scan,
 *          else run /bin/demo;
 *   bench  run /bin/bench;
 * and powers off. A line of /modules/order may instead be "modprobe:NAME",
 * which runs /sbin/modprobe NAME (the module and what it depends on, from
 * /lib/modules/<release> as depmod indexed it), or "run:PROGRAM ARGS...",
 * which runs that program (arguments split at spaces; it may leave a
 * daemon behind) and waits for it: each prints "AXV: load LINE = STATUS"
 * as a module load does, the program's arguments in parentheses after it.
 * Results go between "AXV: ..." markers on the console
 * for testing/vm.py; a program's output (the guest's console, for axvm)
 * between "AXV: RUN-BEGIN <program>" and "AXV: RUN-END <program>".
 *
 * With "axout=kmsg" (x86_64 under Bochs, where user output and kernel
 * messages interleave byte by byte on the serial console), every line goes
 * to /dev/kmsg as one record instead, the programs' output is relayed
 * through a pty, and the console keeps its log level: it then holds the
 * whole kernel log in order, so no dmesg dump follows.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int kmsg = -1;		/* "axout=kmsg": /dev/kmsg, else -1 */
static char line[900];		/* kmsg mode: the line being assembled */
static size_t line_len;

static void emit_flush(void)
{
	if (line_len && write(kmsg, line, line_len) < 0)
		fwrite(line, 1, line_len, stdout);
	line_len = 0;
}

/* Output: stdout, or one /dev/kmsg record per line. */
static void emit(const char *buf, size_t n)
{
	size_t i;

	if (kmsg < 0) {
		fwrite(buf, 1, n, stdout);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || line_len == sizeof(line))
			emit_flush();
		if (buf[i] != '\n' && buf[i] != '\r')
			line[line_len++] = buf[i];
	}
}

static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		emit(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* kmsg mode: a pty for a child's output, raw so that lines end in \n. */
static int open_pty(int *slave)
{
	int m, unlock = 0;
	struct termios t;

	if (kmsg < 0)
		return -1;
	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -1;
	*slave = ioctl(m, TIOCSPTLCK, &unlock) ? -1 :
		 ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		close(m);
		return -1;
	}
	if (!tcgetattr(*slave, &t)) {
		t.c_oflag &= ~OPOST;
		tcsetattr(*slave, TCSANOW, &t);
	}
	return m;
}

static void cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		say("AXV: cannot open %s: %s\n", path, strerror(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		emit(buf, n);
	if (kmsg >= 0)
		emit_flush();
	close(fd);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted regular files of @dir with @suffix. */
static int list(const char *dir, const char *suffix, char **names, int max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max) {
		size_t l = strlen(de->d_name), s = strlen(suffix);

		if (de->d_name[0] != '.' && l >= s &&
		    !strcmp(de->d_name + l - s, suffix))
			names[n++] = strdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	return n;
}

/*
 * The "<module>.<param>=<value>" words of the kernel command line, as
 * modprobe passes them: the kernel applies them to built-in code only.
 */
static void module_params(const char *ko, char *out, size_t len)
{
	char cmdline[4096], prefix[64], *tok, *save;
	size_t plen, used = 0;
	FILE *f = fopen("/proc/cmdline", "r");

	out[0] = 0;
	if (!f)
		return;
	if (!fgets(cmdline, sizeof(cmdline), f))
		cmdline[0] = 0;
	fclose(f);
	snprintf(prefix, sizeof(prefix), "%.*s.", (int)(strlen(ko) - 3), ko);
	plen = strlen(prefix);
	cmdline[strcspn(cmdline, "\n")] = 0;
	for (tok = strtok_r(cmdline, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (strncmp(tok, prefix, plen) || used + strlen(tok) + 1 >= len)
			continue;
		used += snprintf(out + used, len - used, "%s%s", used ? " " : "",
				 tok + plen);
	}
}

/* The names /modules/order lists, or -1 if there is no such file. */
static int list_order(char **names, int max)
{
	FILE *f = fopen("/modules/order", "r");
	char buf[128];
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		if (*buf)
			names[n++] = strdup(buf);
	}
	fclose(f);
	return n;
}

static int run(const char *prog, char *const argv[]);

/* Child @pid's exit status, 128 + the signal that killed it, or -1. */
static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * A program run straight on the console, without run()'s pty: a daemon it
 * leaves behind would keep that open, and run() would wait for it.
 */
static int spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		say("AXV: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		return -1;
	return wait_status(pid);
}

/* A "modprobe:" or "run:" line of /modules/order. */
static int load_command(char *line)
{
	char *argv[9], *save, *word;
	int argc = 0, r;

	if (!strncmp(line, "modprobe:", 9)) {
		char *const mp[] = { "/sbin/modprobe", line + 9, NULL };

		r = run(mp[0], mp);
		say("AXV: load %s = %d\n", line, r);
		return r;
	}
	if (!strncmp(line, "run:", 4))
		for (word = strtok_r(line + 4, " ", &save); word && argc < 8;
		     word = strtok_r(NULL, " ", &save))
			argv[argc++] = word;
	argv[argc] = NULL;
	if (!argc) {
		say("AXV: load %s = -1 (neither a module nor modprobe:/run:)\n", line);
		return -1;
	}
	r = spawn(argv);
	say("AXV: load run:%s = %d (", argv[0], r);
	for (argc = 1; argv[argc]; argc++)
		say("%s%s", argc > 1 ? " " : "", argv[argc]);
	say(")\n");
	return r;
}

/* /modules/@name with its parameters from the kernel command line. */
static long load_ko(const char *name)
{
	char path[256], params[512];
	int fd;
	long r;

	snprintf(path, sizeof(path), "/modules/%s", name);
	module_params(name, params, sizeof(params));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	r = syscall(SYS_finit_module, fd, params, 0);
	say("AXV: load %s%s%s = %ld%s%s\n", name, *params ? " " : "",
	    params, r, r ? " " : "", r ? strerror(errno) : "");
	close(fd);
	return r;
}

static int load_modules(void)
{
	char *names[16];
	int i, n = list_order(names, 16), bad = 0;

	if (n < 0)
		n = list("/modules", ".ko", names, 16);

	for (i = 0; i < n; i++) {
		if (strchr(names[i], ':'))
			bad |= load_command(names[i]) != 0;
		else
			bad |= load_ko(names[i]) != 0;
	}
	return bad;
}

static void unload_module(const char *name)
{
	long r = syscall(SYS_delete_module, name, O_NONBLOCK);

	say("AXV: unload %s = %ld%s%s\n", name, r, r ? " " : "",
	    r ? strerror(errno) : "");
}

static pid_t child;		/* run()'s program */
static int kills;		/* signals on_alarm() sent it */

/* A time limit for run(): SIGTERM, then SIGKILL 30 s later. */
static void on_alarm(int sig)
{
	kill(child, kills++ ? SIGKILL : SIGTERM);
	alarm(30);
}

static int run(const char *prog, char *const argv[])
{
	int s = -1, m = open_pty(&s);
	pid_t pid = fork();
	char buf[512];
	ssize_t n;

	if (pid == 0) {
		if (m >= 0) {
			dup2(s, 0);
			dup2(s, 1);
			dup2(s, 2);
		}
		execv(prog, argv);
		say("AXV: exec %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	child = pid;
	if (m >= 0) {
		close(s);
		/* Until the last writer is gone: then read() fails with EIO. */
		while (pid > 0) {
			n = read(m, buf, sizeof(buf));
			if (n > 0)
				emit(buf, n);
			else if (!n || errno != EINTR)
				break;
		}
		emit_flush();
		close(m);
	}
	if (pid < 0)
		return -1;
	return wait_status(pid);
}

/* run(), its output between markers (what the demo shows). */
static int run_shown(char *const argv[])
{
	int rc;

	say("AXV: RUN-BEGIN %s\n", argv[0]);
	rc = run(argv[0], argv);
	say("AXV: RUN-END %s\n", argv[0]);
	return rc;
}

/*
 * The Linux guest: its console is axvm's stdin and stdout, axvm's summary
 * ("axvm: ...") goes to stderr. Its boot log is what the demo shows, and
 * what tells where a guest hung: no "quiet". A guest that hangs is
 * stopped after "axlimit=" seconds (default 600): axvm then still prints
 * its summary, and the teardown, unload and leak scan still run.
 */
#ifdef __riscv
#define GUEST_CONSOLE	"console=ttyS0 earlycon=sbi"
#else
#define GUEST_CONSOLE	"console=ttyS0 earlycon"
#endif

static int run_linux(void)
{
	char *const argv[] = {
		"/bin/axvm", "run", "--kernel", "/guest/Image",
		"--initrd", "/guest/initrd.cpio", "--cpus", "2", "--mem", "256M",
		"--cmdline", GUEST_CONSOLE " panic=-1 kmemleak=off",
		"--boot-marker", "axvm-guest:",
		"--measure", "idle-begin,idle-end", "--stats", NULL
	};
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	const char *limit = getenv("axlimit");
	int secs = limit ? atoi(limit) : 600, rc;

	sigaction(SIGALRM, &sa, NULL);
	kills = 0;
	alarm(secs);
	rc = run_shown(argv);
	alarm(0);
	if (kills)
		say("AXV: %s timed out after %d s (%s)\n", argv[0], secs,
		    kills > 1 ? "SIGTERM, then SIGKILL" : "SIGTERM");
	return rc;
}

static void kunit_results(void)
{
	DIR *d = opendir("/sys/kernel/debug/kunit");
	char path[512];
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/kunit/%s/results",
			 de->d_name);
		say("AXV: KTAP-BEGIN %s\n", de->d_name);
		cat(path);
		say("AXV: KTAP-END %s\n", de->d_name);
	}
	if (d)
		closedir(d);
}

static void run_selftests(void)
{
	char *names[32], path[256];
	int i, n = list("/selftests", "_test", names, 32);

	for (i = 0; i < n; i++) {
		char *const argv[] = { names[i], NULL };
		int rc;

		snprintf(path, sizeof(path), "/selftests/%s", names[i]);
		say("AXV: TAP-BEGIN %s\n", names[i]);
		rc = run(path, argv);
		say("AXV: TAP-END %s rc=%d\n", names[i], rc);
	}
}

/*
 * The machine powered off under running vCPUs: axvcpu loaded again (as
 * at boot: from /modules, or by modprobe on the stock kernel) and
 * vmm/spin running a vCPU on every CPU when init powers off. The host's
 * power-off path (x86_64: the module's reboot notifier leaves VMX on
 * every CPU) must not oops under them; vm.py fails the boot on any splat,
 * also after "AXV: DONE", and on "AXV: spin" lines other than "ready".
 */
static void spin_at_power_off(void)
{
	char *const mp[] = { "/sbin/modprobe", "axvcpu", NULL };
	char *const argv[] = { "/bin/spin", "/tmp/spin-ready", NULL };
	pid_t pid;
	int i;

	if (access(argv[0], X_OK))
		return;
	if (access("/modules/axvcpu.ko", F_OK) ? run(mp[0], mp) :
	    load_ko("axvcpu.ko")) {
		say("AXV: spin: axvcpu did not load again\n");
		return;
	}
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	for (i = 0; i < 1200 && access(argv[1], F_OK); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	say("AXV: spin %s\n", access(argv[1], F_OK) ?
	    "failed: its vCPUs did not all run" :
	    "ready: powering off under running vCPUs");
}

/* kmemleak reports objects at least 5 s old, after two scans. */
static void scan_leaks(void)
{
	if (access("/sys/kernel/debug/kmemleak", F_OK))
		return;
	write_file("/sys/kernel/debug/kmemleak", "scan");
	sleep(6);
	write_file("/sys/kernel/debug/kmemleak", "scan");
	say("AXV: KMEMLEAK-BEGIN\n");
	cat("/sys/kernel/debug/kmemleak");
	say("AXV: KMEMLEAK-END\n");
}

/* The whole kernel log, so that no splat hides below the console level. */
static void dmesg(void)
{
	int n = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf = n > 0 ? malloc(n) : NULL;

	if (!buf)
		return;
	n = klogctl(3, buf, n);		/* SYSLOG_ACTION_READ_ALL */
	printf("AXV: DMESG-BEGIN\n");
	if (n > 0)
		fwrite(buf, 1, n, stdout);
	printf("\nAXV: DMESG-END\n");
	free(buf);
}

int main(void)
{
	const char *mode = getenv("axmode"), *out = getenv("axout");
	int c, rc = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	c = open("/dev/console", O_RDWR);
	if (c >= 0) {
		dup2(c, 0);
		dup2(c, 1);
		dup2(c, 2);
		if (c > 2)
			close(c);
	}
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	if (out && !strcmp(out, "kmsg")) {
		kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		mkdir("/dev/pts", 0755);
		mount("devpts", "/dev/pts", "devpts", 0, NULL);
	}
	mode = mode ? mode : "test";
	say("AXV: init mode=%s\n", mode);

	if (load_modules())
		rc = 1;
	/* Keep KERN_INFO chatter off the console; warnings still show. */
	if (kmsg < 0)
		klogctl(8, NULL, 5);
	if (!strcmp(mode, "test")) {
		kunit_results();
		run_selftests();
		scan_leaks();
		unload_module("axvcpu_kunit");
		unload_module("axvcpu");
		spin_at_power_off();
	} else if (!strcmp(mode, "linux") ||
		   (!strcmp(mode, "demo") && !access("/guest/Image", F_OK))) {
		rc = run_linux();
		say("AXV: linux exit %d\n", rc);
		unload_module("axvcpu");
		if (!strcmp(mode, "linux"))
			scan_leaks();
	} else {
		char prog[64];
		char *const args[] = { prog, NULL };

		snprintf(prog, sizeof(prog), "/bin/%s", mode);
		rc = run_shown(args);
		say("AXV: %s exit %d\n", mode, rc);
	}
	if (kmsg < 0) {
		klogctl(8, NULL, 7);
		dmesg();
	}
	say("AXV: DONE\n");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
