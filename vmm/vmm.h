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
 * Per arch: where guest RAM starts, the backend, and what the benchmark's
 * in-kernel loop calls.
 */
#if defined(__aarch64__)
#define GUEST_BASE	0x40000000ULL
#define VMM_BACKEND	AXVCPU_BACKEND_ARM64_VHE
#define KERNEL_CALL	"PSCI_VERSION"
#elif defined(__riscv)
#define GUEST_BASE	0x80000000ULL
#define VMM_BACKEND	AXVCPU_BACKEND_RISCV_H
#define KERNEL_CALL	"SBI base probe"
#else
#error "no guest programs for this architecture"
#endif
#define GUEST_SIZE	0x10000ULL
#define UART_ADDR	0x10000000ULL

/* Guest programs, in guest-<arch>.S. */
extern const char guest_demo_begin[], guest_demo_end[];
extern const char guest_mmio_begin[], guest_mmio_end[];
extern const char guest_kernel_begin[], guest_kernel_end[];

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

/*
 * One VM, GUEST_SIZE of RAM at GUEST_BASE holding @code, one vCPU at it
 * (riscv64: hart 0; arm64: MPIDR 0), its setup arguments zero.
 */
static inline void vmm_create(struct vmm *v, const void *code, size_t len)
{
	struct axvcpu_memory_region mr = { .slot = 0 };
	struct axvcpu_setup setup;
	__u64 entry = GUEST_BASE;

	memset(&setup, 0, sizeof(setup));
	setup.arch = VMM_BACKEND;

	v->sys = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (v->sys < 0)
		die("open /dev/axvcpu");
	v->vm = ioctl(v->sys, AXVCPU_CREATE_VM, 0);
	if (v->vm < 0)
		die("AXVCPU_CREATE_VM");
	v->mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		die("mmap guest memory");
	memcpy(v->mem, code, len);
	mr.guest_phys_addr = GUEST_BASE;
	mr.size = GUEST_SIZE;
	mr.userspace_addr = (uintptr_t)v->mem;
	if (ioctl(v->vm, AXVCPU_VM_SET_MEMORY_REGION, &mr))
		die("AXVCPU_VM_SET_MEMORY_REGION");
	v->vcpu = ioctl(v->vm, AXVCPU_VM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		die("AXVCPU_VM_CREATE_VCPU");
	if (ioctl(v->vcpu, AXVCPU_VCPU_SET_ENTRY, &entry))
		die("AXVCPU_VCPU_SET_ENTRY");
	if (ioctl(v->vcpu, AXVCPU_VCPU_SETUP, &setup))
		die("AXVCPU_VCPU_SETUP");
	v->run = mmap(NULL, sizeof(*v->run), PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED)
		die("mmap run page");
}

static inline void vmm_destroy(struct vmm *v)
{
	munmap(v->run, sizeof(*v->run));
	munmap(v->mem, GUEST_SIZE);
	close(v->vcpu);
	close(v->vm);
	close(v->sys);
}

#endif
