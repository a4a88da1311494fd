/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal VMM over /dev/axvcpu, shared by the demo and the benchmark. */
#ifndef AXVCPU_VMM_H
#define AXVCPU_VMM_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/axvcpu.h>

/*
 * Per arch: where guest RAM starts, the backend, what the benchmark's
 * in-kernel loop calls, the exit of its exit-to-userspace loop (the same
 * as the demo's UART output) and the exit that ends the demo: riscv64 and
 * arm64 write the UART with a store outside RAM (an MMIO exit) and power
 * off with SBI SRST or PSCI SYSTEM_OFF; x86_64 writes it with an OUT to
 * COM1's data port (an I/O exit) and ends with HLT with interrupts
 * disabled, which the demo, injecting no interrupts, takes as power-off.
 */
#if defined(__aarch64__)
#define GUEST_BASE	0x40000000ULL
#define VMM_BACKEND	AXVCPU_BACKEND_ARM64_VHE
#define KERNEL_CALL	"PSCI_VERSION"
#elif defined(__riscv)
#define GUEST_BASE	0x80000000ULL
#define VMM_BACKEND	AXVCPU_BACKEND_RISCV_H
#define KERNEL_CALL	"SBI base probe"
#elif defined(__x86_64__)
#define GUEST_BASE	0x10000ULL	/* real mode: CS 0x1000, ip 0 */
#define VMM_BACKEND	AXVCPU_BACKEND_X86_VMX
#define KERNEL_CALL	"CPUID"
#else
#error "no guest programs for this architecture"
#endif
#define GUEST_SIZE	0x10000ULL	/* the program's RAM */
#define TOUCH_PAGES	128		/* bench C: fresh pages after it */
#define GUEST_MEM	(GUEST_SIZE + TOUCH_PAGES * 4096ULL)

#if defined(__x86_64__)
#define UART_PORT	0x3f8		/* COM1 data */
#define UART_EXIT	AXVCPU_EXIT_IO_WRITE
#define UART_WHAT	"OUT to a port"
#define POWEROFF_EXIT	AXVCPU_EXIT_HALT
#else
#define UART_ADDR	0x10000000ULL
#define UART_EXIT	AXVCPU_EXIT_MMIO_WRITE
#define UART_WHAT	"MMIO store"
#define POWEROFF_EXIT	AXVCPU_EXIT_SYSTEM_DOWN
#endif

/*
 * Guest programs, in guest-<arch>.S: the demo, and the benchmark's loops
 * (guest_mmio: a UART write per iteration; guest_kernel: in-kernel calls;
 * guest_touch: first writes to TOUCH_PAGES pages, then a UART write).
 */
extern const char guest_demo_begin[], guest_demo_end[];
extern const char guest_mmio_begin[], guest_mmio_end[];
extern const char guest_kernel_begin[], guest_kernel_end[];
extern const char guest_touch_begin[], guest_touch_end[];
extern const char guest_tick_begin[], guest_tick_end[];	/* arm64 */
extern const char guest_spi_begin[], guest_spi_end[];	/* arm64 */

struct vmm {
	int sys, vm, vcpu;
	void *mem;
	struct axvcpu_run *run;
};

static inline void die(const char *what)
{
	fprintf(stderr, "vmm: %s: %s\n", what, strerror(errno));
	exit(1);
}

#ifdef _GNU_SOURCE
#include <sched.h>

/* The calling thread, on CPU @cpu alone (programs with _GNU_SOURCE). */
static inline void vmm_pin_to_cpu(int cpu)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		die("sched_setaffinity");
}
#endif

/*
 * vCPU @id of VM @vm, entered at GUEST_BASE and set up (riscv64: hart
 * @id; arm64: MPIDR @id; x86_64: real mode, APIC id @id) with the
 * AXVCPU_SETUP_* @flags, its setup arguments zero otherwise. Returns its
 * fd.
 */
static inline int vmm_vcpu_create_flags(int vm, unsigned int id,
					__u32 flags)
{
	struct axvcpu_setup setup;
	__u64 entry = GUEST_BASE;
	int vcpu;

	memset(&setup, 0, sizeof(setup));
	setup.arch = VMM_BACKEND;
	setup.flags = flags;
#if defined(__x86_64__)
	setup.x86.mode = AXVCPU_X86_MODE_REAL16;
#endif
	vcpu = ioctl(vm, AXVCPU_VM_CREATE_VCPU, id);
	if (vcpu < 0)
		die("AXVCPU_VM_CREATE_VCPU");
	if (ioctl(vcpu, AXVCPU_VCPU_SET_ENTRY, &entry))
		die("AXVCPU_VCPU_SET_ENTRY");
	if (ioctl(vcpu, AXVCPU_VCPU_SETUP, &setup))
		die("AXVCPU_VCPU_SETUP");
	return vcpu;
}

static inline int vmm_vcpu_create(int vm, unsigned int id)
{
	return vmm_vcpu_create_flags(vm, id, 0);
}

/*
 * One VM, GUEST_MEM of RAM at GUEST_BASE holding @code, vCPU 0 at it set
 * up with the AXVCPU_SETUP_* @flags.
 */
static inline void vmm_create_flags(struct vmm *v, const void *code,
				    size_t len, __u32 flags)
{
	struct axvcpu_memory_region mr = { .slot = 0 };

	v->sys = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (v->sys < 0)
		die("open /dev/axvcpu");
	v->vm = ioctl(v->sys, AXVCPU_CREATE_VM, 0);
	if (v->vm < 0)
		die("AXVCPU_CREATE_VM");
	v->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		die("mmap guest memory");
	memcpy(v->mem, code, len);
	mr.guest_phys_addr = GUEST_BASE;
	mr.size = GUEST_MEM;
	mr.userspace_addr = (uintptr_t)v->mem;
	if (ioctl(v->vm, AXVCPU_VM_SET_MEMORY_REGION, &mr))
		die("AXVCPU_VM_SET_MEMORY_REGION");
	v->vcpu = vmm_vcpu_create_flags(v->vm, 0, flags);
	v->run = mmap(NULL, sizeof(*v->run), PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED)
		die("mmap run page");
}

static inline void vmm_create(struct vmm *v, const void *code, size_t len)
{
	vmm_create_flags(v, code, len, 0);
}

static inline void vmm_destroy(struct vmm *v)
{
	munmap(v->run, sizeof(*v->run));
	munmap(v->mem, GUEST_MEM);
	close(v->vcpu);
	close(v->vm);
	close(v->sys);
}

#endif
