// SPDX-License-Identifier: GPL-2.0
/*
 * The exit-loop benchmark: the same two guest loops through /dev/axvcpu
 * and through /dev/kvm in the same boot, printed as exits per second and
 * the ratio (DESIGN.md §7). A program that prints figures, not a test.
 *
 *   A: a UART write per iteration (riscv64, arm64: a store to an address
 *      outside guest RAM; x86_64: an OUT to port 0x3f8): every iteration
 *      is an exit to the VMM and back.
 *   B: a call handled in the kernel (riscv64: SBI BASE get_spec_version;
 *      arm64: PSCI_VERSION through hvc #0; x86_64: CPUID leaf 0), with one
 *      exit to the VMM per 1000 calls.
 *   C: first-touch stage-2 faults: a fresh VM's guest writes TOUCH_PAGES
 *      pages it never touched, each a fault handled in the kernel.
 *   D: VM create + destroy; E: vCPUs created ready to run, 16 per VM.
 *   F: kernel memory (free pages) per empty VM and per ready vCPU, over 64
 *      VMs of 16 vCPUs held open.
 *   H: A on 1, 2, 4 and 8 vCPUs of one VM, a thread each, the threads
 *      pinned in turn to CPUs 0 and 1: total exits per second.
 *   I: one VM with as many vCPUs as the side allows (at most MAX_VCPUS),
 *      each created, set up and run once to its UART exit: vCPUs/s.
 *   J: arm64: the guest's virtual timer firing again at once in its own
 *      handler: ticks per second, and exits per tick (axvcpu only: KVM
 *      delivers its timer only through its own vGIC device).
 *   K: arm64: an SPI per iteration through AXVCPU_VCPU_IRQ_LINE to a
 *      guest waiting in WFI (halted in the kernel): line up, RUN until the
 *      guest's handler acknowledges with a UART store, line down. SPIs
 *      per second and exits per SPI (axvcpu only, as J).
 *   G: A again with EXTRA_REGIONS one-page memory regions more in the VM
 *      (riscv64, arm64: each MMIO exit looks the address up among them
 *      and misses; x86_64's OUT looks nothing up).
 *
 * The vCPU thread is pinned to CPU 0; each case runs ROUNDS phases of
 * each side, alternated (axvcpu, KVM, axvcpu, ...), and prints each
 * side's median with its spread, and the ratio of the medians.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <linux/kvm.h>

#include "vmm.h"

#define SECS	1.0	/* per phase */
#define ROUNDS	5	/* phases of each side, alternated */
#define BATCH	1000
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* KVM's exit for a UART write (UART_EXIT). */
#if defined(__x86_64__)
#define KVM_UART_EXIT	KVM_EXIT_IO
#else
#define KVM_UART_EXIT	KVM_EXIT_MMIO
#endif

#define EXTRA_REGIONS	1000
#define EXTRA_BASE	(GUEST_BASE + 0x1000000ULL)

static unsigned int extra_regions;	/* case G: regions the phases add */
static void *extra_mem;

/* Case G: @n one-page regions in slots 1 .. @n, above the guest's RAM. */
static void add_regions(bool kvm, int vm, unsigned int n)
{
	unsigned int i;

	if (n && !extra_mem) {
		extra_mem = mmap(NULL, n * 4096UL, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (extra_mem == MAP_FAILED)
			die("mmap extra regions");
	}
	for (i = 0; i < n; i++) {
		__u64 gpa = EXTRA_BASE + i * 4096ULL;
		__u64 hva = (uintptr_t)extra_mem + i * 4096ULL;
		struct kvm_userspace_memory_region kr = {
			.slot = i + 1, .guest_phys_addr = gpa,
			.memory_size = 4096, .userspace_addr = hva,
		};
		struct axvcpu_memory_region ar = {
			.slot = i + 1, .guest_phys_addr = gpa, .size = 4096,
			.userspace_addr = hva,
		};

		if (kvm ? ioctl(vm, KVM_SET_USER_MEMORY_REGION, &kr) :
			  ioctl(vm, AXVCPU_VM_SET_MEMORY_REGION, &ar))
			die("set an extra memory region");
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One RUN of vCPU @fd (run page @run) of either side, to its UART exit. */
static void run_to_uart(bool kvm, int fd, void *run)
{
	unsigned int got;

	if (ioctl(fd, kvm ? KVM_RUN : AXVCPU_VCPU_RUN, 0))
		die(kvm ? "KVM_RUN" : "AXVCPU_VCPU_RUN");
	got = kvm ? ((struct kvm_run *)run)->exit_reason :
		    ((struct axvcpu_run *)run)->exit_reason;
	if (got != (kvm ? KVM_UART_EXIT : UART_EXIT)) {
		fprintf(stderr, "bench: %s exit %u\n", kvm ? "kvm" : "axvcpu", got);
		exit(1);
	}
}

#if defined(__aarch64__)
static double tick_exits;	/* exits per tick in the last tick phase */

/* Case J: guest timer ticks per second, BATCH per UART exit. */
static double axvcpu_tick_phase(const char *b, const char *e)
{
	struct vmm v;
	double t0, t;
	__u64 exits0;
	long n = 0;

	vmm_create(&v, b, e - b);
	run_to_uart(false, v.vcpu, v.run);	/* set up, ticking */
	exits0 = v.run->exits;
	t0 = now();
	do {
		run_to_uart(false, v.vcpu, v.run);
		n++;
	} while ((t = now() - t0) < SECS);
	tick_exits = (double)(v.run->exits - exits0) / (n * BATCH);
	vmm_destroy(&v);
	return n / t;
}

#define BENCH_SPI	32

static double spi_exits;	/* exits per SPI in the last SPI phase */

static void spi_line(int vcpu, __u32 level)
{
	struct axvcpu_irq_line line = { .vector = BENCH_SPI, .level = level };

	if (ioctl(vcpu, AXVCPU_VCPU_IRQ_LINE, &line))
		die("AXVCPU_VCPU_IRQ_LINE");
}

/* Case K: SPIs delivered and acknowledged per second. */
static double axvcpu_spi_phase(const char *b, const char *e)
{
	struct vmm v;
	double t0, t;
	__u64 exits0;
	long n = 0;

	vmm_create_flags(&v, b, e - b, AXVCPU_SETUP_KERNEL_HALT);
	exits0 = v.run->exits;
	t0 = now();
	do {
		spi_line(v.vcpu, 1);
		run_to_uart(false, v.vcpu, v.run);
		if (v.run->mmio.data != BENCH_SPI) {
			fprintf(stderr, "bench: SPI acknowledged as INTID %llu\n",
				(unsigned long long)v.run->mmio.data);
			exit(1);
		}
		spi_line(v.vcpu, 0);
		n++;
	} while ((t = now() - t0) < SECS);
	spi_exits = (double)(v.run->exits - exits0) / n;
	vmm_destroy(&v);
	return n / t;
}

static double kvm_unavailable(const char *b, const char *e)
{
	(void)b;
	(void)e;
	return -1;
}
#endif

/* Exits to the VMM per second through /dev/axvcpu. */
static double axvcpu_phase(const char *b, const char *e)
{
	struct vmm v;
	double t0, t;
	long n = 0;

	vmm_create(&v, b, e - b);
	add_regions(false, v.vm, extra_regions);
	t0 = now();
	do {
		run_to_uart(false, v.vcpu, v.run);
		n++;
	} while ((t = now() - t0) < SECS);
	vmm_destroy(&v);
	return n / t;
}

#if defined(__x86_64__)
/*
 * Make KVM vCPU @vcpu start at GUEST_BASE in real mode, as axvcpu's REAL16
 * does (CS = GUEST_BASE >> 4, ip 0, rflags 0x2), with the CPUID table KVM
 * supports, so that CPUID is answered in KVM.
 */
static void kvm_vcpu_start(int kvm, int vm, int vcpu)
{
	static struct kvm_cpuid2 *cpuid;	/* fetched once, as a VMM does */
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned int n;

	(void)vm;
	for (n = 64; !cpuid; n *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die("calloc");
		cpuid->nent = n;
		if (!ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid))
			break;
		if (errno != E2BIG || n >= 4096)
			die("KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
		cpuid = NULL;
	}
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		die("KVM_SET_CPUID2");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cs.base = GUEST_BASE;
	sregs.cs.selector = GUEST_BASE >> 4;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");
}
#else
/*
 * Make KVM vCPU @vcpu of @vm start at GUEST_BASE (arm64: initialised as
 * the preferred target with PSCI 0.2 and later, so that PSCI_VERSION is
 * handled in KVM).
 */
static void kvm_vcpu_start(int kvm, int vm, int vcpu)
{
	__u64 pc = GUEST_BASE;
	struct kvm_one_reg reg = { .addr = (uintptr_t)&pc };

	(void)kvm;
#if defined(__aarch64__)
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		 KVM_REG_ARM_CORE_REG(regs.pc);
#else
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE };

	(void)vm;
	reg.id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE |
		 KVM_REG_RISCV_CORE_REG(regs.pc);
	/* KVM powers vCPUs other than 0 off at creation (SBI HSM). */
	if (ioctl(vcpu, KVM_SET_MP_STATE, &mp))
		die("KVM_SET_MP_STATE");
#endif
	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG pc");
}
#endif

/* KVM vCPU @id of @vm, ready to run at GUEST_BASE (kvm_vcpu_start()). */
static int kvm_vcpu_create(int sys, int vm, unsigned int id)
{
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, id);

	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	kvm_vcpu_start(sys, vm, vcpu);
	return vcpu;
}

struct kvm_vmm {
	int kvm, vm, vcpu;
	long run_size;
	struct kvm_run *run;
	void *mem;
};

/* A KVM VM with GUEST_MEM of RAM holding @code; false if KVM is absent. */
static bool kvm_create(struct kvm_vmm *k, const char *b, const char *e)
{
	struct kvm_userspace_memory_region mr = { 0 };

	k->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm < 0)
		return false;
	k->vm = ioctl(k->kvm, KVM_CREATE_VM, 0);
	if (k->vm < 0) {
		/* e.g. x86: KVM cannot turn on VMX while axvcpu holds it. */
		fprintf(stderr, "bench: KVM_CREATE_VM: %s\n", strerror(errno));
		close(k->kvm);
		return false;
	}
#if defined(__x86_64__)
	/* Intel without unrestricted guest runs real mode on a TSS here. */
	if (ioctl(k->vm, KVM_SET_TSS_ADDR, 0xfffbd000UL))
		die("KVM_SET_TSS_ADDR");
#endif
	k->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (k->mem == MAP_FAILED)
		die("mmap guest memory");
	memcpy(k->mem, b, e - b);
	mr.guest_phys_addr = GUEST_BASE;
	mr.memory_size = GUEST_MEM;
	mr.userspace_addr = (uintptr_t)k->mem;
	if (ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &mr))
		die("KVM_SET_USER_MEMORY_REGION");
	k->vcpu = kvm_vcpu_create(k->kvm, k->vm, 0);
	k->run_size = ioctl(k->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      k->vcpu, 0);
	if (k->run == MAP_FAILED)
		die("mmap kvm_run");
	return true;
}

static void kvm_destroy(struct kvm_vmm *k)
{
	munmap(k->run, k->run_size);
	munmap(k->mem, GUEST_MEM);
	close(k->vcpu);
	close(k->vm);
	close(k->kvm);
}

/* The same through /dev/kvm: vCPU 0 of a fresh VM, pc at GUEST_BASE. */
static double kvm_phase(const char *b, const char *e)
{
	struct kvm_vmm k;
	double t0, t;
	long n = 0;

	if (!kvm_create(&k, b, e))
		return -1;
	add_regions(true, k.vm, extra_regions);
	t0 = now();
	do {
		run_to_uart(true, k.vcpu, k.run);
		n++;
	} while ((t = now() - t0) < SECS);
	kvm_destroy(&k);
	return n / t;
}

/*
 * First-touch stage-2 faults per second: fresh VMs run guest_touch, whose
 * one RUN writes TOUCH_PAGES pages the guest never touched (each a fault
 * the hypervisor handles in the kernel) and ends at the UART write. Only
 * the RUNs are timed.
 */
static double axvcpu_touch_phase(const char *b, const char *e)
{
	double busy = 0, t0;
	long pages = 0;
	struct vmm v;

	do {
		vmm_create(&v, b, e - b);
		t0 = now();
		run_to_uart(false, v.vcpu, v.run);
		busy += now() - t0;
		pages += TOUCH_PAGES;
		vmm_destroy(&v);
	} while (busy < SECS);
	return pages / busy;
}

static double kvm_touch_phase(const char *b, const char *e)
{
	double busy = 0, t0;
	struct kvm_vmm k;
	long pages = 0;

	do {
		if (!kvm_create(&k, b, e))
			return -1;
		t0 = now();
		run_to_uart(true, k.vcpu, k.run);
		busy += now() - t0;
		pages += TOUCH_PAGES;
		kvm_destroy(&k);
	} while (busy < SECS);
	return pages / busy;
}

/* VMs created and destroyed per second (an fd each, no memory, no vCPU). */
static double axvcpu_vm_phase(const char *b, const char *e)
{
	int sys = open("/dev/axvcpu", O_RDWR | O_CLOEXEC), vm;
	double t0 = now(), t;
	long n = 0;

	(void)b;
	(void)e;
	if (sys < 0)
		die("open /dev/axvcpu");
	do {
		vm = ioctl(sys, AXVCPU_CREATE_VM, 0);
		if (vm < 0)
			die("AXVCPU_CREATE_VM");
		close(vm);
		n++;
	} while ((t = now() - t0) < SECS);
	close(sys);
	return n / t;
}

static double kvm_vm_phase(const char *b, const char *e)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm;
	double t0 = now(), t;
	long n = 0;

	(void)b;
	(void)e;
	if (kvm < 0)
		return -1;
	do {
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		if (vm < 0) {
			close(kvm);
			return -1;
		}
		close(vm);
		n++;
	} while ((t = now() - t0) < SECS);
	close(kvm);
	return n / t;
}

#define VCPUS_PER_VM	16
#define MEM_VMS		64	/* 1024 vCPUs held open */

/* A VM fd of either side; -1 if that side is unavailable. */
static int vm_open(bool kvm, int sys)
{
	return ioctl(sys, kvm ? KVM_CREATE_VM : AXVCPU_CREATE_VM, 0);
}

static int vcpu_open(bool kvm, int sys, int vm, unsigned int id)
{
	return kvm ? kvm_vcpu_create(sys, vm, id) : vmm_vcpu_create(vm, id);
}

static int sys_open(bool kvm)
{
	return open(kvm ? "/dev/kvm" : "/dev/axvcpu", O_RDWR | O_CLOEXEC);
}

/*
 * vCPUs created per second, each ready to run at GUEST_BASE (axvcpu:
 * CREATE_VCPU, SET_ENTRY, SETUP; KVM: CREATE_VCPU and kvm_vcpu_start()),
 * VCPUS_PER_VM in each fresh VM; only the vCPU calls are timed.
 */
static double vcpu_phase(bool kvm)
{
	int sys = sys_open(kvm), vm, fds[VCPUS_PER_VM];
	double busy = 0, t0;
	long n = 0;
	int i;

	if (sys < 0)
		return -1;
	do {
		vm = vm_open(kvm, sys);
		if (vm < 0) {
			close(sys);
			return -1;
		}
		t0 = now();
		for (i = 0; i < VCPUS_PER_VM; i++)
			fds[i] = vcpu_open(kvm, sys, vm, i);
		busy += now() - t0;
		n += VCPUS_PER_VM;
		for (i = 0; i < VCPUS_PER_VM; i++)
			close(fds[i]);
		close(vm);
	} while (busy < SECS);
	close(sys);
	return n / busy;
}

static double axvcpu_vcpu_phase(const char *b, const char *e)
{
	(void)b;
	(void)e;
	return vcpu_phase(false);
}

static double kvm_vcpu_phase(const char *b, const char *e)
{
	(void)b;
	(void)e;
	return vcpu_phase(true);
}

/*
 * Free memory in KiB, exactly: every zone's free pages plus the pages on
 * its per-CPU lists (MemFree leaves those out, and they move in batches),
 * after folding the per-CPU counter deltas into the zone counters.
 */
static long mem_free_kib(void)
{
	long pages = 0, n;
	char line[128];
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		die("/proc/zoneinfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %ld", &n) == 1 ||
		    sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * Kernel memory per VM and per vCPU: free memory before and after MEM_VMS
 * empty VMs, then after VCPUS_PER_VM ready vCPUs in each, all held open.
 * @per_vm gets KiB per VM; returns KiB per vCPU, or -1.
 */
static double mem_phase(bool kvm, double *per_vm)
{
	static int vms[MEM_VMS], vcpus[MEM_VMS][VCPUS_PER_VM];
	int sys = sys_open(kvm), i, j;
	long m0, m1, m2;

	if (sys < 0)
		return -1;
	m0 = mem_free_kib();
	for (i = 0; i < MEM_VMS; i++) {
		vms[i] = vm_open(kvm, sys);
		if (vms[i] < 0) {
			while (i--)
				close(vms[i]);
			close(sys);
			return -1;
		}
	}
	m1 = mem_free_kib();
	for (i = 0; i < MEM_VMS; i++)
		for (j = 0; j < VCPUS_PER_VM; j++)
			vcpus[i][j] = vcpu_open(kvm, sys, vms[i], j);
	m2 = mem_free_kib();
	for (i = 0; i < MEM_VMS; i++) {
		for (j = 0; j < VCPUS_PER_VM; j++)
			close(vcpus[i][j]);
		close(vms[i]);
	}
	close(sys);
	*per_vm = (double)(m0 - m1) / MEM_VMS;
	return (double)(m1 - m2) / (MEM_VMS * VCPUS_PER_VM);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v: the median, and @v[0], @v[ROUNDS - 1] as the spread. */
static double median(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp_double);
	return v[ROUNDS / 2];
}

typedef double (*phase_fn)(const char *b, const char *e);

/* Print one line: each side's median and spread, and their ratio. */
static void print_case(const char *what, const char *unit, double *ax,
		       double *kvm)
{
	double max = median(ax), mkvm;

	if (kvm[0] <= 0) {
		printf("bench: %-42s axvcpu %9.1f%s (%.1f-%.1f)   kvm unavailable\n",
		       what, max, unit, ax[0], ax[ROUNDS - 1]);
		return;
	}
	mkvm = median(kvm);
	printf("bench: %-42s axvcpu %9.1f%s (%.1f-%.1f)   "
	       "kvm %9.1f%s (%.1f-%.1f)   axvcpu/kvm %.2f\n",
	       what, max, unit, ax[0], ax[ROUNDS - 1], mkvm, unit, kvm[0],
	       kvm[ROUNDS - 1], max / mkvm);
}

/* Cases H and I: a VM of either side running guest_mmio, more vCPUs. */
struct either_vm {
	bool kvm;
	struct kvm_vmm k;
	struct vmm v;
};

static bool either_create(struct either_vm *x, bool kvm)
{
	x->kvm = kvm;
	if (kvm)
		return kvm_create(&x->k, guest_mmio_begin, guest_mmio_end);
	vmm_create(&x->v, guest_mmio_begin, guest_mmio_end - guest_mmio_begin);
	return true;
}

static void either_destroy(struct either_vm *x)
{
	if (x->kvm)
		kvm_destroy(&x->k);
	else
		vmm_destroy(&x->v);
}

static long either_run_size(const struct either_vm *x)
{
	return x->kvm ? x->k.run_size : (long)sizeof(*x->v.run);
}

/*
 * vCPU @i's fd, its run page in *@run: vCPU 0 is the VM's own, the others
 * are created, set up at GUEST_BASE and mapped here.
 */
static int either_vcpu(struct either_vm *x, unsigned int i, void **run)
{
	int fd;

	if (!i) {
		*run = x->kvm ? (void *)x->k.run : (void *)x->v.run;
		return x->kvm ? x->k.vcpu : x->v.vcpu;
	}
	fd = x->kvm ? kvm_vcpu_create(x->k.kvm, x->k.vm, i) :
		      vmm_vcpu_create(x->v.vm, i);
	*run = mmap(NULL, either_run_size(x), PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (*run == MAP_FAILED)
		die("mmap run page");
	return fd;
}

/* Undo either_vcpu() for vCPU @i (vCPU 0 goes with the VM). */
static void either_vcpu_put(struct either_vm *x, unsigned int i, int fd,
			    void *run)
{
	if (!i)
		return;
	munmap(run, either_run_size(x));
	close(fd);
}

/* Case H: a vCPU thread, RUN to the UART exit until told to stop. */
struct runner {
	pthread_t thread;
	int fd, cpu;
	bool kvm;
	void *run;
	long n;
};

static bool runners_stop;	/* __atomic: the threads poll it */

static void *runner_fn(void *arg)
{
	struct runner *r = arg;

	vmm_pin_to_cpu(r->cpu);
	while (!__atomic_load_n(&runners_stop, __ATOMIC_RELAXED)) {
		run_to_uart(r->kvm, r->fd, r->run);
		r->n++;
	}
	return NULL;
}

/* Exits per second of @n threads, each running one vCPU of one VM. */
static double threads_phase(bool kvm, unsigned int n)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	struct runner r[8] = { 0 };
	struct either_vm x;
	unsigned int i;
	double t0, t;
	long total = 0;

	if (!either_create(&x, kvm))
		return -1;
	for (i = 0; i < n; i++) {
		r[i].kvm = kvm;
		r[i].cpu = i % ncpus;
		r[i].fd = either_vcpu(&x, i, &r[i].run);
	}
	__atomic_store_n(&runners_stop, false, __ATOMIC_RELAXED);
	t0 = now();
	for (i = 0; i < n; i++)
		if (pthread_create(&r[i].thread, NULL, runner_fn, &r[i]))
			die("pthread_create");
	usleep(SECS * 1e6);
	__atomic_store_n(&runners_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		pthread_join(r[i].thread, NULL);
		total += r[i].n;
	}
	t = now() - t0;
	for (i = 0; i < n; i++)
		either_vcpu_put(&x, i, r[i].fd, r[i].run);
	either_destroy(&x);
	return total / t;
}

/* ROUNDS alternated phases of @fn with @n_ax and @n_kvm; prints them. */
static void bench_case_n(const char *what, double (*fn)(bool kvm, unsigned int n),
			 unsigned int n_ax, unsigned int n_kvm)
{
	double ax[ROUNDS], kv[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		ax[i] = fn(false, n_ax);
		kv[i] = fn(true, n_kvm);
		if (kv[i] < 0)
			kv[0] = -1;
	}
	print_case(what, "/s", ax, kv);
}

static void bench_threads(void)
{
	static const unsigned int threads[] = { 1, 2, 4, 8 };
	char what[64];
	unsigned int j;

	for (j = 0; j < ARRAY_SIZE(threads); j++) {
		snprintf(what, sizeof(what), "exit to userspace, %u vCPU thread%s",
			 threads[j], threads[j] > 1 ? "s" : "");
		bench_case_n(what, threads_phase, threads[j], threads[j]);
	}
}

#define MAX_VCPUS	1024

static unsigned int max_vcpus(bool kvm)
{
	int sys = open(kvm ? "/dev/kvm" : "/dev/axvcpu", O_RDWR | O_CLOEXEC);
	struct axvcpu_cap cap = { .cap = AXVCPU_CAP_MAX_VCPUS };
	long n;

	if (sys < 0)
		return 0;
	if (kvm)
		n = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	else
		n = ioctl(sys, AXVCPU_CHECK_CAP, &cap) ? -1 : (long)cap.value;
	close(sys);
	return n < 0 ? 0 : n < MAX_VCPUS ? n : MAX_VCPUS;
}

/* Case I: vCPUs per second, each created, set up and run once. */
static double all_vcpus_phase(bool kvm, unsigned int n)
{
	struct either_vm x;
	double t0, t;
	unsigned int i;
	void *run;
	int fd;

	if (!n || !either_create(&x, kvm))
		return -1;
	t0 = now();
	for (i = 0; i < n; i++) {
		fd = either_vcpu(&x, i, &run);
		run_to_uart(kvm, fd, run);
		either_vcpu_put(&x, i, fd, run);
	}
	t = now() - t0;
	either_destroy(&x);
	return n / t;
}

static void bench_all_vcpus(void)
{
	unsigned int n_ax = max_vcpus(false), n_kvm = max_vcpus(true);
	char what[64];

	snprintf(what, sizeof(what), "VM of %u (kvm %u) vCPUs, each run once",
		 n_ax, n_kvm);
	bench_case_n(what, all_vcpus_phase, n_ax, n_kvm);
}

/* ROUNDS alternated phases of each side for one case; prints them. */
static void bench_case(const char *what, phase_fn axvcpu, phase_fn kvm,
		       const char *b, const char *e, int scale)
{
	double ax[ROUNDS], kv[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		ax[i] = axvcpu(b, e) * scale;
		kv[i] = kvm(b, e) * scale;
		if (kv[i] < 0)
			kv[0] = -1;
	}
	print_case(what, "/s", ax, kv);
}

/* Kernel memory per VM and per vCPU, alternated like the rest. */
static void bench_memory(void)
{
	double ax_vcpu[ROUNDS], kvm_vcpu[ROUNDS], ax_vm[ROUNDS], kvm_vm[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		ax_vcpu[i] = mem_phase(false, &ax_vm[i]);
		kvm_vcpu[i] = mem_phase(true, &kvm_vm[i]);
		if (kvm_vcpu[i] < 0) {
			kvm_vcpu[0] = -1;
			kvm_vm[0] = -1;
		}
	}
	print_case("kernel memory per VM (free pages)", " KiB", ax_vm, kvm_vm);
	print_case("kernel memory per ready vCPU (free pages)", " KiB", ax_vcpu,
		   kvm_vcpu);
}

int main(void)
{
	struct rlimit nofile = { 4096, 4096 };

	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(900);	/* a stuck RUN must not hang the boot */
	/* Case F holds 1024 vCPU fds open. */
	if (setrlimit(RLIMIT_NOFILE, &nofile))
		die("setrlimit RLIMIT_NOFILE");
	vmm_pin_to_cpu(0);
	printf("bench: medians of %d alternated %.0f s phases per side (min-max), "
	       "vCPU thread on CPU 0\n", ROUNDS, SECS);
	bench_case("exit to userspace (" UART_WHAT ")", axvcpu_phase, kvm_phase,
		   guest_mmio_begin, guest_mmio_end, 1);
	bench_case("exit handled in kernel (" KERNEL_CALL ")", axvcpu_phase,
		   kvm_phase, guest_kernel_begin, guest_kernel_end, BATCH);
	bench_case("first-touch stage-2 fault", axvcpu_touch_phase,
		   kvm_touch_phase, guest_touch_begin, guest_touch_end, 1);
	bench_case("VM create + destroy", axvcpu_vm_phase, kvm_vm_phase,
		   NULL, NULL, 1);
	bench_case("vCPU create, ready to run", axvcpu_vcpu_phase,
		   kvm_vcpu_phase, NULL, NULL, 1);
	bench_memory();
	bench_threads();
	bench_all_vcpus();
#if defined(__aarch64__)
	bench_case("guest timer tick (fires again at once)", axvcpu_tick_phase,
		   kvm_unavailable, guest_tick_begin, guest_tick_end, BATCH);
	printf("bench: guest timer tick: %.2f exits per tick (axvcpu)\n",
	       tick_exits);
	bench_case("SPI through IRQ_LINE, acknowledged by a UART store",
		   axvcpu_spi_phase, kvm_unavailable, guest_spi_begin,
		   guest_spi_end, 1);
	printf("bench: SPI: %.2f exits per SPI (axvcpu)\n", spi_exits);
#endif
	extra_regions = EXTRA_REGIONS;
	bench_case("exit to userspace, 1000 regions more", axvcpu_phase,
		   kvm_phase, guest_mmio_begin, guest_mmio_end, 1);
	return 0;
}
