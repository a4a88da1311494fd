// SPDX-License-Identifier: GPL-2.0
/*
 * axvm: a VMM that boots a Linux Image on /dev/axvcpu (riscv64, arm64),
 * with an ns16550a UART on the terminal and the arch's interrupt
 * controller. This file: options, the module's capabilities, the VM and
 * its vCPUs, stopping, the summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "axvcpu_stats.h"
#include "axvm.h"

#define DEFAULT_MEM	(256 * MIB)
#define DT_SPACE	(64 * KIB)
#define RAM_ALIGN	(2 * MIB)	/* a transparent huge page */
#define SETUP_FLAGS	(AXVCPU_SETUP_KERNEL_HALT | AXVCPU_SETUP_KERNEL_IPI)

struct axvm vm = {
	.sys_fd = -1,
	.vm_fd = -1,
	.stop_fd = -1,
	.cpu_lock = PTHREAD_MUTEX_INITIALIZER,
	.dev_lock = PTHREAD_MUTEX_INITIALIZER,
	.ncpus = 1,
	.mem_size = DEFAULT_MEM,
};

/* --help: %s the arch, its Image, the default command line, the machine. */
static const char help[] =
"usage: axvm run --kernel Image [options]\n"
"       axvm --help\n"
"\n"
"Boots a %s Linux Image on virtual CPUs of /dev/axvcpu (axvcpu.ko),\n"
"with an ns16550a UART on stdin and stdout.\n"
"\n"
"Options of run:\n"
"  --kernel FILE        the uncompressed kernel (%s)\n"
"  --initrd FILE        an initramfs for it\n"
"  --cpus N             CPUs (default 1)\n"
"  --mem SIZE           guest RAM, suffix K, M or G (default 256M)\n"
"  --cmdline STR        kernel command line (default \"%s\")\n"
"  --dump-dtb FILE      write the device tree to FILE and exit, not running\n"
"  --boot-marker STR    report when a console line containing STR is first\n"
"                       complete, counted from the first RUN\n"
"  --measure BEGIN,END  report wall-clock and host CPU time from the console\n"
"                       line containing BEGIN to the one containing END\n"
"  --stats              add the module's counters to the summary: the VM's,\n"
"                       and the vCPUs' summed (exits by reason, in the module,\n"
"                       halts, injections, kicks, time in the guest)\n"
"\n"
"The machine: %s. On a terminal,\n"
"stdin is raw while the guest runs: Ctrl-C goes to the guest, Ctrl-A x\n"
"stops axvm. The summary goes to stderr, each line starting with \"axvm: \".\n"
"\n"
"Exit status: 0 when the guest powers off (or asks for a reboot), 1 on an\n"
"error, 2 on bad usage, 128 + the signal's number when stopped by SIGINT,\n"
"SIGTERM or SIGHUP (130 for Ctrl-A x).\n";

static void print_help(FILE *f)
{
	fprintf(f, help, arch.name, arch.image, arch.default_cmdline, arch.machine);
}

static void vmsg(const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "axvm: %s\n", buf);
}

void axvm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void axvm_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* User and system time of the whole process, guest time included. */
double cpu_time(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * The part of it the module accounted as guest time (its vCPU threads in
 * guest mode): field 43 of /proc/self/stat, in clock ticks; 0 if unknown.
 */
double guest_time(void)
{
	unsigned long long ticks;
	char buf[1024], *p;
	int field = 2;
	FILE *f;
	size_t n;

	f = fopen("/proc/self/stat", "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* From the ')' ending field 2 (comm), to the space before field 43. */
	for (p = strrchr(buf, ')'); p && field < 43; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &ticks) != 1)
		return 0;
	return (double)ticks / sysconf(_SC_CLK_TCK);
}

const char *size_str(char buf[SIZE_STR], u64 n)
{
	static const struct {
		u64 unit;
		const char *name;
	} units[] = { { GIB, "GiB" }, { MIB, "MiB" }, { KIB, "KiB" } };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (n < units[i].unit)
			continue;
		if (n % units[i].unit)
			snprintf(buf, SIZE_STR, "%.1f %s", (double)n / units[i].unit,
				 units[i].name);
		else
			snprintf(buf, SIZE_STR, "%llu %s",
				 (unsigned long long)(n / units[i].unit), units[i].name);
		return buf;
	}
	snprintf(buf, SIZE_STR, "%llu bytes", (unsigned long long)n);
	return buf;
}

/* The first reason to stop wins; the main thread then ends every vCPU. */
static int stop_wfd = -1;		/* write end of the vm.stop_fd pipe */
static sig_atomic_t got_signal;	/* read after ppoll() returns */

static void on_signal(int sig)
{
	__atomic_store_n(&got_signal, sig, __ATOMIC_RELAXED);
}

void vm_stop(int code, const char *why)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	char one = 1;

	pthread_mutex_lock(&lock);
	if (!stopping()) {
		vm.exit_code = code;
		vm.stop_why = why;
		vm.t_stop = now();
		__atomic_store_n(&vm.stop, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
	/* The pipe stays readable: every poller of vm.stop_fd sees the stop. */
	if (stop_wfd >= 0 && write(stop_wfd, &one, sizeof(one)) < 0)
		axvm_err("stop pipe: %s", strerror(errno));
}

/* ------------------------------------------------------------- options */

static int parse_size(const char *opt, const char *s, u64 *val)
{
	char *end, b[SIZE_STR];
	unsigned long long n;
	u64 mul = 1;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (end == s || *s == '-' || errno)
		goto bad;
	switch (*end) {
	case 'k': case 'K':
		mul = KIB;
		break;
	case 'm': case 'M':
		mul = MIB;
		break;
	case 'g': case 'G':
		mul = GIB;
		break;
	case 0:
		break;
	default:
		goto bad;
	}
	if (*end && end[1])
		goto bad;
	if (n > UINT64_MAX / mul) {
		axvm_err("%s %s: too large", opt, s);
		return -1;
	}
	*val = n * mul;
	if (!*val || *val % (4 * KIB)) {
		axvm_err("%s %s: must be a nonzero multiple of 4 KiB (is %s)", opt,
			 s, size_str(b, *val));
		return -1;
	}
	return 0;
bad:
	axvm_err("%s %s: not a size (a number with an optional K, M or G suffix)",
		 opt, s);
	return -1;
}

static int parse_cpus(const char *s)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (end == s || *end || *s == '-' || errno) {
		axvm_err("--cpus %s: not a number", s);
		return -1;
	}
	if (!n || n > AXVM_MAX_CPUS) {
		axvm_err("--cpus %s: must be 1 to %d", s, AXVM_MAX_CPUS);
		return -1;
	}
	vm.ncpus = n;
	return 0;
}

static int parse_measure(char *s)
{
	char *comma = strchr(s, ',');

	if (!comma || comma == s || !comma[1]) {
		axvm_err("--measure %s: expected BEGIN,END (two non-empty strings)", s);
		return -1;
	}
	*comma = 0;
	vm.measure_begin = s;
	vm.measure_end = comma + 1;
	return 0;
}

/* Returns 0 to run, 1 after --help, -1 on bad usage. */
static int parse_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "dump-dtb", required_argument, NULL, 'd' },
		{ "boot-marker", required_argument, NULL, 'b' },
		{ "measure", required_argument, NULL, 'M' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			vm.kernel_path = optarg;
			break;
		case 'i':
			vm.initrd_path = optarg;
			break;
		case 'c':
			if (parse_cpus(optarg))
				return -1;
			break;
		case 'm':
			if (parse_size("--mem", optarg, &vm.mem_size))
				return -1;
			break;
		case 'a':
			vm.cmdline = optarg;
			break;
		case 'd':
			vm.dump_dtb = optarg;
			break;
		case 'b':
			if (!*optarg) {
				axvm_err("--boot-marker: the string is empty");
				return -1;
			}
			vm.boot_marker = optarg;
			break;
		case 'M':
			if (parse_measure(optarg))
				return -1;
			break;
		case 's':
			vm.stats = true;
			break;
		case 'h':
			print_help(stdout);
			return 1;
		case ':':
			axvm_err("%s needs a value (see axvm --help)", argv[optind - 1]);
			return -1;
		default:
			axvm_err("unknown option %s (see axvm --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		axvm_err("unexpected argument '%s' (see axvm --help)", argv[optind]);
		return -1;
	}
	if (!vm.kernel_path) {
		axvm_err("run needs --kernel Image (see axvm --help)");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------ module and host */

static const char *backend_name(u64 b)
{
	switch (b) {
	case AXVCPU_BACKEND_X86_VMX:
		return "x86_64 VMX";
	case AXVCPU_BACKEND_ARM64_VHE:
		return "arm64 VHE";
	case AXVCPU_BACKEND_RISCV_H:
		return "riscv64 H";
	}
	return "unknown";
}

int check_cap(u32 cap, const char *name, u64 *val)
{
	struct axvcpu_cap c = { .cap = cap };

	if (ioctl(vm.sys_fd, AXVCPU_CHECK_CAP, &c)) {
		if (errno == EINVAL)
			axvm_err("the module predates %s: axvm needs an axvcpu.ko with in-kernel halt and IPIs, IRQ lines and ONE_REG",
				 name);
		else
			axvm_err("AXVCPU_CHECK_CAP %s: %s", name, strerror(errno));
		return -1;
	}
	*val = c.value;
	return 0;
}

static int open_device(void)
{
	u64 backend, max_vcpus, max_region, phys_bits, flags, irq_line, one_reg;
	char b1[SIZE_STR], b2[SIZE_STR];

	vm.sys_fd = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (vm.sys_fd < 0) {
		axvm_err("/dev/axvcpu: %s%s", strerror(errno),
			 errno == ENOENT ? " (load axvcpu.ko first)" :
			 errno == EACCES ? " (run axvm as root, or get access to the device)" : "");
		return -1;
	}
	if (CAP(AXVCPU_CAP_BACKEND, &backend))
		return -1;
	if (backend != arch.backend) {
		axvm_err("/dev/axvcpu has the %s backend (%llu); this axvm runs %s guests on the %s backend",
			 backend_name(backend), (unsigned long long)backend,
			 arch.name, backend_name(arch.backend));
		return -1;
	}
	if (CAP(AXVCPU_CAP_MAX_VCPUS, &max_vcpus) ||
	    CAP(AXVCPU_CAP_MAX_REGION_SIZE, &max_region) ||
	    CAP(AXVCPU_CAP_MAX_GUEST_PHYS_BITS, &phys_bits) ||
	    CAP(AXVCPU_CAP_RUN_PAGE_SIZE, &vm.run_page_size) ||
	    CAP(AXVCPU_CAP_SETUP_FLAGS, &flags) ||
	    CAP(AXVCPU_CAP_IRQ_LINE, &irq_line) ||
	    CAP(AXVCPU_CAP_ONE_REG, &one_reg))
		return -1;
	if (vm.ncpus > max_vcpus) {
		axvm_err("--cpus %u: the module allows at most %llu vCPU%s", vm.ncpus,
			 (unsigned long long)max_vcpus, max_vcpus == 1 ? "" : "s");
		return -1;
	}
	if (vm.mem_size > max_region) {
		axvm_err("--mem %s: more than the module's largest memory region (%s)",
			 size_str(b1, vm.mem_size), size_str(b2, max_region));
		return -1;
	}
	if (phys_bits < 64 && RAM_BASE + vm.mem_size > 1ULL << phys_bits) {
		axvm_err("--mem %s: RAM would end at 0x%llx, beyond the module's %llu guest-physical address bits",
			 size_str(b1, vm.mem_size),
			 (unsigned long long)(RAM_BASE + vm.mem_size),
			 (unsigned long long)phys_bits);
		return -1;
	}
	if ((flags & SETUP_FLAGS) != SETUP_FLAGS) {
		axvm_err("the module lacks in-kernel halt/IPI (AXVCPU_CAP_SETUP_FLAGS is 0x%llx, axvm needs AXVCPU_SETUP_KERNEL_HALT and AXVCPU_SETUP_KERNEL_IPI)",
			 (unsigned long long)flags);
		return -1;
	}
	vm.setup_flags = SETUP_FLAGS;
	if (!irq_line || (arch.one_reg && !one_reg)) {
		axvm_err("the module lacks %s",
			 !irq_line ? "AXVCPU_VCPU_IRQ_LINE (AXVCPU_CAP_IRQ_LINE is 0)" :
			 "AXVCPU_VCPU_GET/SET_ONE_REG (AXVCPU_CAP_ONE_REG is 0)");
		return -1;
	}
	if (vm.run_page_size < sizeof(struct axvcpu_run)) {
		axvm_err("AXVCPU_CAP_RUN_PAGE_SIZE %llu: smaller than struct axvcpu_run",
			 (unsigned long long)vm.run_page_size);
		return -1;
	}
	return arch_open();
}

static int write_dtb(const void *dtb, size_t size)
{
	ssize_t r = -1;
	int fd;

	fd = open(vm.dump_dtb, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		r = write(fd, dtb, size);
		if (close(fd) && r >= 0)
			r = -1;
	}
	if (r != (ssize_t)size) {
		axvm_err("--dump-dtb %s: %s", vm.dump_dtb,
			 r < 0 ? strerror(errno) : "short write");
		if (fd >= 0)
			unlink(vm.dump_dtb);
		return -1;
	}
	axvm_msg("device tree written to %s (%zu bytes)", vm.dump_dtb, size);
	return 0;
}

/* ------------------------------------------------------------ the VM */

static void uart_tx(void *opaque, u8 c)
{
	(void)opaque;
	console_out(&c, 1);
}

static void uart_irq(void *opaque, bool level)
{
	(void)opaque;
	arch_uart_irq(level);
}

static int create_vm(const struct image *kernel, const struct image *initrd,
		     const void *dtb, const struct layout *l)
{
	struct axvcpu_memory_region mr = { .slot = 0 };
	char b[SIZE_STR];
	struct vcpu *v;
	unsigned int i;

	/*
	 * 2 MiB aligned, and transparent huge pages asked for as QEMU does:
	 * the module maps each huge page as one stage-2 block at the guest's
	 * first access to it, not 512 pages one fault at a time.
	 */
	vm.ram = mmap(NULL, vm.mem_size + RAM_ALIGN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm.ram == MAP_FAILED) {
		axvm_err("guest RAM (%s): %s", size_str(b, vm.mem_size), strerror(errno));
		return -1;
	}
	vm.ram = (u8 *)(((uintptr_t)vm.ram + RAM_ALIGN - 1) & ~(uintptr_t)(RAM_ALIGN - 1));
	madvise(vm.ram, vm.mem_size, MADV_HUGEPAGE);
	memcpy(vm.ram + (l->kernel - RAM_BASE), kernel->data, kernel->size);
	if (initrd)
		memcpy(vm.ram + (l->initrd - RAM_BASE), initrd->data, initrd->size);
	memcpy(vm.ram + (l->dtb - RAM_BASE), dtb, l->dtb_end - l->dtb);

	vm.vm_fd = ioctl(vm.sys_fd, AXVCPU_CREATE_VM, 0);
	if (vm.vm_fd < 0) {
		axvm_err("AXVCPU_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	mr.guest_phys_addr = RAM_BASE;
	mr.size = vm.mem_size;
	mr.userspace_addr = (uintptr_t)vm.ram;
	if (ioctl(vm.vm_fd, AXVCPU_VM_SET_MEMORY_REGION, &mr)) {
		axvm_err("AXVCPU_VM_SET_MEMORY_REGION (%s of RAM): %s",
			 size_str(b, vm.mem_size), strerror(errno));
		return -1;
	}
	for (i = 0; i < vm.ncpus; i++) {
		v = &vm.vcpus[i];
		v->id = i;
		v->state = VCPU_CREATED;
		pthread_cond_init(&v->wake, NULL);
		v->fd = ioctl(vm.vm_fd, AXVCPU_VM_CREATE_VCPU, i);
		if (v->fd < 0) {
			axvm_err("AXVCPU_VM_CREATE_VCPU %u: %s", i, strerror(errno));
			return -1;
		}
		v->run = mmap(NULL, vm.run_page_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			axvm_err("vCPU %u: mmap of the run page: %s", i, strerror(errno));
			return -1;
		}
	}
	/* The boot CPU, given the device tree (riscv64 a1, arm64 x0). */
	arch_devices_init();
	ns16550_init(&vm.uart, uart_tx, uart_irq, NULL);
	if (vcpu_setup(&vm.vcpus[0], l->kernel, l->dtb))
		return -1;
	vm.vcpus[0].state = VCPU_RUNNING;
	return 0;
}

/* --------------------------------------------------------------- summary */

/* The run pages' exit and halt counters, summed (read racily: figures). */
void vm_counters(u64 *exits, u64 *halts)
{
	const struct vcpu *v;
	unsigned int i;

	*exits = 0;
	*halts = 0;
	for (i = 0; i < vm.ncpus; i++) {
		v = &vm.vcpus[i];
		if (!v->run || v->run == MAP_FAILED)
			continue;
		*exits += __atomic_load_n(&v->run->exits, __ATOMIC_RELAXED);
		*halts += __atomic_load_n(&v->run->halts, __ATOMIC_RELAXED);
	}
}

static void print_markers(void)
{
	const struct marker *b = console_marker(MARK_BOOT);
	const struct marker *m0 = console_marker(MARK_BEGIN);
	const struct marker *m1 = console_marker(MARK_END);
	double wall, cpu;

	if (b->str && b->seen)
		axvm_msg("boot: '%s' first seen after %.2f s", b->str,
			 b->wall - vm.t_start);
	else if (b->str)
		axvm_msg("boot: '%s' not seen", b->str);
	if (!m0->str)
		return;
	if (!m1->seen) {
		axvm_msg("'%s'..'%s': '%s' not seen", m0->str, m1->str,
			 m0->seen ? m1->str : m0->str);
		return;
	}
	wall = m1->wall - m0->wall;
	cpu = m1->cpu - m0->cpu;
	axvm_msg("'%s'..'%s': %.2f s, host CPU %.2f s (%.1f%% of one CPU; guest %.2f s), "
		 "%llu exits, %llu halts",
		 m0->str, m1->str, wall, cpu, wall > 0 ? 100 * cpu / wall : 0,
		 m1->guest - m0->guest,
		 (unsigned long long)(m1->exits - m0->exits),
		 (unsigned long long)(m1->halts - m0->halts));
}

static size_t add_count(char *buf, size_t len, size_t size, const char *name,
			u64 n)
{
	if (!n || len >= size)
		return len;
	return len + snprintf(buf + len, size - len, ", %s %llu", name,
			      (unsigned long long)n);
}

static void print_exits(void)
{
	u64 total = 0, kern = 0, halts = 0, hirq = 0, to_vmm;
	struct exit_counts n = { 0 };
	const struct vcpu *v;
	char extra[256] = "";
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < vm.ncpus; i++) {
		v = &vm.vcpus[i];
		if (!v->run || v->run == MAP_FAILED)
			continue;
		total += v->run->exits;
		kern += v->run->kernel_exits;
		halts += v->run->halts;
		hirq += v->run->host_irq_exits;
		n.mmio += v->n.mmio;
		n.console += v->n.console;
		n.hypercall += v->n.hypercall;
		n.cpu_up += v->n.cpu_up;
		n.cpu_down += v->n.cpu_down;
		n.halt += v->n.halt;
		n.ipi += v->n.ipi;
		n.sysreg += v->n.sysreg;
		n.other += v->n.other;
	}
	to_vmm = n.mmio + n.console + n.hypercall + n.cpu_up + n.cpu_down +
		 n.halt + n.ipi + n.sysreg + n.other;
	/* The rare kinds only when they happened. */
	len = add_count(extra, len, sizeof(extra), "console", n.console);
	len = add_count(extra, len, sizeof(extra), "other hypercalls", n.hypercall);
	len = add_count(extra, len, sizeof(extra), "halts", n.halt);
	len = add_count(extra, len, sizeof(extra), "ipis", n.ipi);
	len = add_count(extra, len, sizeof(extra), "system registers", n.sysreg);
	add_count(extra, len, sizeof(extra), "other", n.other);
	axvm_msg("exits: %llu (in the module %llu: halts %llu, host interrupts %llu; "
		 "to axvm %llu: mmio %llu, cpu up %llu, cpu down %llu%s)",
		 (unsigned long long)total, (unsigned long long)(kern + hirq),
		 (unsigned long long)halts, (unsigned long long)hirq,
		 (unsigned long long)to_vmm, (unsigned long long)n.mmio,
		 (unsigned long long)n.cpu_up,
		 (unsigned long long)n.cpu_down, extra);
}

/*
 * One summary line of the counters of the stats fds @s (@n of them, with
 * the same descriptors): each nonzero counter summed, times in seconds.
 */
static void print_stats(const char *what, const struct axvcpu_stats *s,
			unsigned int n)
{
	char line[2048];
	size_t len = 0;
	unsigned int i, j;

	for (i = 0; i < s[0].h.num_desc; i++) {
		const struct axvcpu_stats_desc *d = axvcpu_stats_desc(&s[0], i);
		const char *name = d->name;
		bool ns = (d->flags & AXVCPU_STATS_UNIT_MASK) ==
			  AXVCPU_STATS_UNIT_SECONDS && d->exponent == -9;
		u64 sum = 0;

		for (j = 0; j < n; j++)
			sum += axvcpu_stats_value(&s[j], i);
		if (!sum || len >= sizeof(line))
			continue;
		if (ns)
			len += snprintf(line + len, sizeof(line) - len,
					"%s%.*s %.3f s", len ? ", " : "",
					(int)(strlen(name) - 3), name, sum / 1e9);
		else
			len += snprintf(line + len, sizeof(line) - len,
					"%s%s %llu", len ? ", " : "", name,
					(unsigned long long)sum);
	}
	axvm_msg("stats: %s: %s", what, len ? line : "all zero");
}

/* --stats: the VM's counters, and its vCPUs' summed. */
static void summary_stats(void)
{
	struct axvcpu_stats vs, cs[AXVM_MAX_CPUS];
	unsigned int i, n = 0;
	char what[32];
	int r;

	r = axvcpu_stats_open(&vs, vm.vm_fd, AXVCPU_VM_GET_STATS_FD);
	if (r) {
		axvm_msg("stats: the VM's: %s", strerror(-r));
		return;
	}
	print_stats("VM", &vs, 1);
	axvcpu_stats_close(&vs);
	for (i = 0; i < vm.ncpus; i++) {
		if (!vm.vcpus[i].run || vm.vcpus[i].run == MAP_FAILED)
			continue;
		r = axvcpu_stats_open(&cs[n], vm.vcpus[i].fd,
				      AXVCPU_VCPU_GET_STATS_FD);
		if (r) {
			axvm_msg("stats: vCPU %u: %s", i, strerror(-r));
			continue;
		}
		n++;
	}
	if (n) {
		snprintf(what, sizeof(what), "%u vCPU%s", n, n > 1 ? "s" : "");
		print_stats(what, cs, n);
	}
	for (i = 0; i < n; i++)
		axvcpu_stats_close(&cs[i]);
}

static void summary(void)
{
	double wall, cpu;

	if (!vm.t_start) {
		axvm_msg("%s before the guest ran", vm.stop_why);
		return;
	}
	axvm_msg("%s after %.1f s (first RUN to %s)", vm.stop_why,
		 vm.t_stop - vm.t_start, vm.powered_off ? "power-off" : "stop");
	print_markers();
	print_exits();
	if (vm.stats)
		summary_stats();
	/* Both from the first RUN to now, all threads stopped. */
	wall = now() - vm.t_start;
	cpu = cpu_time() - vm.cpu_start;
	axvm_msg("host CPU: %.1f s of %.1f s wall (%.1f%% of one CPU; guest %.1f s)",
		 cpu, wall, wall > 0 ? 100 * cpu / wall : 0,
		 guest_time() - vm.guest_start);
}

/* ------------------------------------------------------------------ run */

static void on_kick(int sig)
{
	(void)sig;
}

static const char *signal_why(int sig)
{
	switch (sig) {
	case SIGINT:
		return "stopped by SIGINT";
	case SIGTERM:
		return "stopped by SIGTERM";
	}
	return "stopped by SIGHUP";
}

/*
 * SIGINT, SIGTERM and SIGHUP are blocked in every thread, so no vCPU
 * thread is ever interrupted by them; the main thread takes them only
 * inside ppoll() while it waits for a stop (a pipe, not a signalfd or an
 * eventfd: the small kernels axvm runs on may have neither). The vCPU
 * threads see only SIGUSR1, the kick.
 */
static int run_vm(const sigset_t *sigs)
{
	struct sigaction sa = { .sa_handler = on_kick };	/* no SA_RESTART */
	struct sigaction ss = { .sa_handler = on_signal };
	struct pollfd pfd;
	sigset_t waitmask;
	int p[2], i;

	sigaction(SIGUSR1, &sa, NULL);
	for (i = 1; i < NSIG; i++)
		if (sigismember(sigs, i) == 1)
			sigaction(i, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_SETMASK, NULL, &waitmask);
	for (i = 1; i < NSIG; i++)
		if (sigismember(sigs, i) == 1)
			sigdelset(&waitmask, i);
	if (pipe2(p, O_CLOEXEC)) {
		axvm_err("pipe: %s", strerror(errno));
		return 1;
	}
	vm.stop_fd = p[0];
	stop_wfd = p[1];
	if (console_init(vm.boot_marker, vm.measure_begin, vm.measure_end))
		return 1;
	if (console_start_input() || vcpu_start_threads())
		vm_stop(1, "stopped on an error");

	pfd = (struct pollfd){ .fd = vm.stop_fd, .events = POLLIN };
	while (!stopping()) {
		if (ppoll(&pfd, 1, NULL, &waitmask) < 0 && errno != EINTR) {
			axvm_err("poll: %s", strerror(errno));
			vm_stop(1, "stopped on an error");
		}
		i = __atomic_load_n(&got_signal, __ATOMIC_RELAXED);
		if (i)
			vm_stop(128 + i, signal_why(i));
	}
	vcpu_kick_all();
	vcpu_join_all();
	console_stop_input();
	console_restore();
	summary();
	return vm.exit_code;
}

static int run(void)
{
	struct dt_config *dc = &vm.dt;
	struct image kernel, initrd;
	struct layout l;
	sigset_t sigs;
	void *dtb;
	size_t dtb_space;

	if (load_file(vm.kernel_path, "kernel", vm.mem_size, &kernel) ||
	    image_check(&kernel))
		return 1;
	if (vm.initrd_path &&
	    load_file(vm.initrd_path, "initrd", vm.mem_size, &initrd))
		return 1;
	layout_plan(&kernel, vm.initrd_path ? &initrd : NULL, &l);
	/* What can be checked without the module comes first. */
	l.dtb_end = l.dtb + 4 * KIB;
	if (layout_fit(&l, vm.mem_size))
		return 1;
	if (open_device())
		return 1;

	dc->ncpus = vm.ncpus;
	dc->mem_size = vm.mem_size;
	dc->cmdline = vm.cmdline;
	if (vm.initrd_path) {
		dc->initrd_start = l.initrd;
		dc->initrd_end = l.initrd_end;
	}
	dtb_space = DT_SPACE + strlen(vm.cmdline);
	dtb = malloc(dtb_space);
	if (!dtb || dt_build(dtb, dtb_space, dc))
		return 1;
	l.dtb_end = l.dtb + dt_size(dtb);
	if (layout_fit(&l, vm.mem_size))
		return 1;
	if (vm.dump_dtb)
		return write_dtb(dtb, dt_size(dtb)) ? 1 : 0;

	/* From here on a signal stops the guest cleanly. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (create_vm(&kernel, vm.initrd_path ? &initrd : NULL, dtb, &l))
		return 1;
	free(kernel.data);
	if (vm.initrd_path)
		free(initrd.data);
	free(dtb);
	return run_vm(&sigs);
}

int main(int argc, char **argv)
{
	int r;

	vm.cmdline = arch.default_cmdline;
	if (argc < 2) {
		print_help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "run")) {
		axvm_err("unknown command '%s' (see axvm --help)", argv[1]);
		return 2;
	}
	r = parse_run(argc - 1, argv + 1);
	if (r)
		return r > 0 ? 0 : 2;
	return run();
}
