/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run_test library (lib/run_util.c), built for the target's arch and
 * linked into its run_test: VMs holding one guest program, run loops that
 * collect the guest's REPORTs, exit descriptions, MMIO and sysreg checks,
 * interrupt injection from a second thread, clocks and CPU pinning.
 * Functions that check take the running test's struct __test_metadata
 * and fail it with the harness's ASSERT_*() as the test would; those that
 * make no assertion are safe in threads. lib/common_tests.c holds the
 * tests every arch shares (common_tests.h).
 *
 * The target's guest/<arch>.h, included below, must define:
 *
 * - the guest-physical layout: GUEST_RAM_BASE, GUEST_RAM_SIZE,
 *   GUEST_DATA_OFF (scratch data in RAM), GUEST_RO_BASE (for a read-only
 *   region), GUEST_MMIO_BASE and GUEST_UNMAPPED (covered by no region);
 *   optionally GUEST_LOAD_OFF, where in RAM programs are copied (default
 *   0), and GUEST_RAM_INIT(ram), what else every VM's RAM holds (x86_64:
 *   page tables, descriptor tables and the interrupt handlers);
 * - the test hypercall: a HYPERCALL exit with nr TEST_EID, function
 *   (fid) TEST_FID_DONE, TEST_FID_REPORT or TEST_FID_FAIL, the value in
 *   args[0]; an arch whose hypercall has no function field defines
 *   TEST_CALL_NR(hc) and TEST_CALL_FID(hc), which extract both from the
 *   struct axvcpu_exit_hypercall;
 * - GUEST_ARG_REG: the index in struct axvcpu_regs.gprs of the register
 *   that holds a program's argument at entry;
 * - the shared programs, each entered with a cpu id and an argument:
 *   spin, mmio_read (and its label mmio_read_next), npf_ro, npf_jump,
 *   count_mmio, count_regs, read_data and irq (see the arch's
 *   guest/<arch>.S for their common contract).
 *
 * The arch's test file, run_<arch>.c, defines the arch hooks declared at
 * the end, vcpu_setup_flags() and expect_irq_taken(), which the library and the
 * common tests call.
 *
 * Every RUN loop is bounded (MAX_RUNS) so that a broken module fails a
 * test instead of hanging it; the harness timeout covers the rest.
 */
#ifndef _AXVCPU_RUN_UTIL_H
#define _AXVCPU_RUN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The library's files include lib/harness.h, its variant, first. */
#include "kselftest_harness.h"
#include "axvcpu_util.h"

#if defined(__riscv) && __riscv_xlen == 64
#include "guest/riscv64.h"
#elif defined(__aarch64__)
#include "guest/arm64.h"
#elif defined(__x86_64__)
#include "guest/x86_64.h"
#else
#error "no guest programs for this architecture"
#endif

#ifndef GUEST_LOAD_OFF
#define GUEST_LOAD_OFF	0
#endif
/* Where programs start: the entry point of most tests. */
#define GUEST_LOAD_ADDR	(GUEST_RAM_BASE + GUEST_LOAD_OFF)

#ifndef TEST_CALL_NR
#define TEST_CALL_NR(hc)	((hc)->nr)
#define TEST_CALL_FID(hc)	((hc)->fid)
#endif

#define MAX_RUNS	10000	/* RUN calls per vCPU before a test gives up */
#define MAX_REPORTS	32

struct vcpu {
	int fd;
	struct axvcpu_run *run;
	__u64 reports[MAX_REPORTS];
	unsigned int nr_reports;
	unsigned int nr_runs;
};

struct vm {
	int fd;
	void *ram;
	struct vcpu vcpu[2];
};

/* Compare as u64, evaluating each side once; print both in hex on mismatch. */
#define ASSERT_EQ_X(expected, seen) do { \
	__u64 __want = (__u64)(expected), __got = (__u64)(seen); \
	ASSERT_EQ(__want, __got) \
		TH_LOG("%s: want %#llx, got %#llx", #seen, \
		       (unsigned long long)__want, \
		       (unsigned long long)__got); \
} while (0)

#define ULL(x)	((unsigned long long)(x))	/* for printing __u64 */

/* Guest-physical address of @label in the program starting at @begin. */
static inline __u64 guest_addr(const char *begin, const char *label)
{
	return GUEST_LOAD_ADDR + (__u64)(label - begin);
}

static inline bool is_test_call(const struct axvcpu_run *run, __u64 fid)
{
	return run->exit_reason == AXVCPU_EXIT_HYPERCALL &&
	       TEST_CALL_NR(&run->hypercall) == TEST_EID &&
	       TEST_CALL_FID(&run->hypercall) == fid;
}

/* The guest's scratch data, GUEST_DATA_OFF into RAM. */
static inline __u64 *vm_data(const struct vm *vm)
{
	return (__u64 *)((char *)vm->ram + GUEST_DATA_OFF);
}

/* Exit descriptions for failure messages: @buf, or an errno string. */
const char *describe_exit(const struct axvcpu_run *run, char *buf,
			  size_t len);
const char *describe_result(int r, const struct axvcpu_run *run, char *buf,
			    size_t len);

/* Run loops. __run_next() makes no assertions. */
int __run_next(struct vcpu *v, bool skip_halt);
int run_next(struct __test_metadata *_metadata, struct vcpu *v,
	     bool skip_halt);
void expect_exit(struct __test_metadata *_metadata, struct vcpu *v,
		 __u32 reason, bool skip_halt);
void expect_done(struct __test_metadata *_metadata, struct vcpu *v,
		 bool skip_halt);
void expect_report(struct __test_metadata *_metadata, struct vcpu *v,
		   __u64 value);
void check_reports(struct __test_metadata *_metadata, const struct vcpu *v,
		   const __u64 *want, unsigned int n);

/* The REPORTs @v collected are exactly the arguments, in order. */
#define EXPECT_REPORTS(v, ...) do { \
	const __u64 __want[] = { __VA_ARGS__ }; \
	check_reports(_metadata, v, __want, ARRAY_SIZE(__want)); \
} while (0)

/* VMs and vCPUs. */
void vm_create(struct __test_metadata *_metadata, int sys_fd, struct vm *vm,
	       const char *begin, const char *end);
void vm_destroy(struct vm *vm);
struct vcpu *vcpu_create(struct __test_metadata *_metadata, struct vm *vm,
			 unsigned int id);
#define KERNEL_HALT	AXVCPU_SETUP_KERNEL_HALT
#define KERNEL_IPI	AXVCPU_SETUP_KERNEL_IPI

void vcpu_setup(struct __test_metadata *_metadata, struct vcpu *v,
		__u64 entry, __u64 cpu, __u64 arg);
struct vcpu *vcpu_add(struct __test_metadata *_metadata, struct vm *vm,
		      unsigned int id, __u64 entry, __u64 cpu, __u64 arg);
struct vcpu *vcpu_add_flags(struct __test_metadata *_metadata, struct vm *vm,
			    unsigned int id, __u64 entry, __u64 cpu, __u64 arg,
			    __u32 flags);
long irq_line(struct vcpu *v, __u32 vector, __u32 level);
void inject(struct __test_metadata *_metadata, struct vcpu *v, __u32 vector);
void set_return_value(struct __test_metadata *_metadata, struct vcpu *v,
		      __u64 value);
void get_regs(struct __test_metadata *_metadata, struct vcpu *v,
	      struct axvcpu_regs *regs);
void set_gpr(struct __test_metadata *_metadata, struct vcpu *v,
	     unsigned int reg, __u64 val);
void open_backend(struct __test_metadata *_metadata, int *sys_fd,
		  __u64 backend, const char *name);

/* Signals, clocks and CPUs. */
void install_noop_handler(int sig);
void alarm_ms(unsigned int ms);
__u64 now_ms(void);
__u64 clock_ns(clockid_t clk);
int pin_to_cpu(int cpu);
int allowed_cpus(int *cpus, int n);

/* One MMIO access a program makes, and what the VMM does about it. */
struct mmio_access {
	bool write;
	__u64 off;		/* from GUEST_MMIO_BASE */
	__u32 width;
	__u32 reg;		/* read: destination register */
	__u32 reg_width;	/* read: its width in bytes */
	__u32 signed_ext;	/* read */
	__u64 data;		/* read: value supplied; write: value expected */
	__u64 result;		/* read: value the guest reports next */
};

#define MMIO_RW(_off, _w, _reg, _rw, _s, _data, _result) \
	{ false, _off, _w, _reg, _rw, _s, _data, _result }
#define MMIO_R(_off, _w, _reg, _s, _data, _result) \
	MMIO_RW(_off, _w, _reg, 8, _s, _data, _result)
#define MMIO_W(_off, _w, _data) \
	{ true, _off, _w, 0, 0, 0, _data, 0 }

void check_mmio(struct __test_metadata *_metadata, struct vcpu *v,
		const struct mmio_access *acc, unsigned int n);
void run_mmio(struct __test_metadata *_metadata, int sys_fd,
	      const char *begin, const char *end,
	      const struct mmio_access *acc, unsigned int n);
void expect_sysreg_read(struct __test_metadata *_metadata, struct vcpu *v,
			__u64 addr, __u32 reg, __u64 value);
void expect_sysreg_write(struct __test_metadata *_metadata, struct vcpu *v,
			 __u64 addr, __u64 value);

/* Interrupts injected from a second thread while this one runs the guest. */
#define INJECT_DELAY_MS	50

void run_injecting(struct __test_metadata *_metadata, struct vcpu *v,
		   __u32 vector, unsigned int delay_ms, bool skip_halt);
struct vcpu *run_injected(struct __test_metadata *_metadata, int sys_fd,
			  struct vm *vm, __u32 vector, bool spin);

/* Halts in the kernel (AXVCPU_SETUP_KERNEL_HALT) woken from another thread. */
#define WAKE_DELAY_MS	100ULL

__u64 run_woken(struct __test_metadata *_metadata, struct vcpu *v,
		__u32 vector, bool line);

/*
 * The arch hooks, defined in run_<arch>.c.
 *
 * vcpu_setup_flags(): SET_ENTRY @entry, then SETUP with the AXVCPU_SETUP_*
 * @flags so that the program starts with cpu id @cpu and argument @arg
 * (riscv64: hartid and a1; arm64: MPIDR and x0, and x1; x86_64: the APIC
 * id, and rsi in 64-bit mode).
 *
 * expect_irq_taken(): check the REPORTs the irq program made after it
 * took interrupt @vector (riscv64: scause; arm64 and x86_64: 1, then the
 * vector).
 */
void vcpu_setup_flags(struct __test_metadata *_metadata, struct vcpu *v,
		      __u64 entry, __u64 cpu, __u64 arg, __u32 flags);
void expect_irq_taken(struct __test_metadata *_metadata, struct vcpu *v,
		      __u32 vector);

#endif /* _AXVCPU_RUN_UTIL_H */
