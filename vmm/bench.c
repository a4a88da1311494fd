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
 *
 * The vCPU thread is pinned to CPU 0; each case runs ROUNDS phases of
 * each side, alternated (axvcpu, KVM, axvcpu, ...), and prints each
 * side's median with its spread, and the ratio of the medians.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <linux/kvm.h>

#include "vmm.h"

#define SECS	1.0	/* per phase */
#define ROUNDS	5	/* phases of each side, alternated */
#define BATCH	1000

/* KVM's exit for a UART write (UART_EXIT). */
#if defined(__x86_64__)
#define KVM_UART_EXIT	KVM_EXIT_IO
#else
#define KVM_UART_EXIT	KVM_EXIT_MMIO
#endif

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Exits to the VMM per second through /dev/axvcpu. */
static double axvcpu_phase(const char *b, const char *e)
{
	struct vmm v;
	double t0, t;
	long n = 0;

	vmm_create(&v, b, e - b);
	t0 = now();
	do {
		if (ioctl(v.vcpu, AXVCPU_VCPU_RUN, 0))
			die("AXVCPU_VCPU_RUN");
		if (v.run->exit_reason != UART_EXIT) {
			fprintf(stderr, "bench: axvcpu exit %u\n", v.run->exit_reason);
			exit(1);
		}
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
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	unsigned int n;

	(void)vm;
	for (n = 64; ; n *= 2) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die("calloc");
		cpuid->nent = n;
		if (!ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid))
			break;
		if (errno != E2BIG || n >= 4096)
			die("KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
	}
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		die("KVM_SET_CPUID2");
	free(cpuid);
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
	(void)vm;
	reg.id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE |
		 KVM_REG_RISCV_CORE_REG(regs.pc);
#endif
	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG pc");
}
#endif

/* The same through /dev/kvm: vCPU 0 of a fresh VM, pc at GUEST_BASE. */
static double kvm_phase(const char *b, const char *e)
{
	struct kvm_userspace_memory_region mr = { 0 };
	int kvm, vm, vcpu;
	struct kvm_run *run;
	long sz, n = 0;
	double t0, t;
	void *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -1;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		/* e.g. x86: KVM cannot turn on VMX while axvcpu holds it. */
		fprintf(stderr, "bench: KVM_CREATE_VM: %s\n", strerror(errno));
		close(kvm);
		return -1;
	}
#if defined(__x86_64__)
	/* Intel without unrestricted guest runs real mode on a TSS here. */
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL))
		die("KVM_SET_TSS_ADDR");
#endif
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(mem, b, e - b);
	mr.guest_phys_addr = GUEST_BASE;
	mr.memory_size = GUEST_SIZE;
	mr.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr))
		die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	kvm_vcpu_start(kvm, vm, vcpu);
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	t0 = now();
	do {
		if (ioctl(vcpu, KVM_RUN, 0))
			die("KVM_RUN");
		if (run->exit_reason != KVM_UART_EXIT) {
			fprintf(stderr, "bench: kvm exit %u\n", run->exit_reason);
			exit(1);
		}
		n++;
	} while ((t = now() - t0) < SECS);
	munmap(run, sz);
	munmap(mem, GUEST_SIZE);
	close(vcpu);
	close(vm);
	close(kvm);
	return n / t;
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

/* ROUNDS alternated phases of each side for one guest loop; prints them. */
static void bench_case(const char *what, const char *b, const char *e,
		       int scale)
{
	double ax[ROUNDS], kvm[ROUNDS], max, mkvm;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		ax[i] = axvcpu_phase(b, e) * scale;
		kvm[i] = kvm_phase(b, e) * scale;
	}
	max = median(ax);
	mkvm = median(kvm);
	if (kvm[0] <= 0) {
		printf("bench: %-42s axvcpu %9.0f/s (%.0f-%.0f)   kvm unavailable\n",
		       what, max, ax[0], ax[ROUNDS - 1]);
		return;
	}
	printf("bench: %-42s axvcpu %9.0f/s (%.0f-%.0f)   "
	       "kvm %9.0f/s (%.0f-%.0f)   axvcpu/kvm %.2f\n",
	       what, max, ax[0], ax[ROUNDS - 1], mkvm, kvm[0], kvm[ROUNDS - 1],
	       max / mkvm);
}

int main(void)
{
	cpu_set_t cpus;

	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(300);	/* a stuck RUN must not hang the boot */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		die("sched_setaffinity");
	printf("bench: medians of %d alternated %.0f s phases per side (min-max), "
	       "vCPU thread on CPU 0\n", ROUNDS, SECS);
	bench_case("exit to userspace (" UART_WHAT ")", guest_mmio_begin,
		   guest_mmio_end, 1);
	bench_case("exit handled in kernel (" KERNEL_CALL ")",
		   guest_kernel_begin, guest_kernel_end, BATCH);
	return 0;
}
