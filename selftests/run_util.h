/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arch-neutral part of run_test: VMs holding one guest program, run
 * loops that collect the guest's REPORTs, exit descriptions, thread
 * helpers, and the tests whose guest programs every arch provides with
 * the same contract.
 *
 * The arch's test file (run_<arch>.c) includes its guest/<arch>.h first,
 * which must define:
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
 *   spin, mmio_read, npf_ro, npf_jump, count_mmio, count_regs and irq
 *   (see the arch's guest/<arch>.S for their common contract).
 *
 * The arch's test file also defines vcpu_setup() and expect_irq_taken(),
 * declared below.
 *
 * Every RUN loop is bounded (MAX_RUNS) so that a broken module fails a
 * test instead of hanging it; the harness timeout covers the rest.
 */
#ifndef _AXVCPU_RUN_UTIL_H
#define _AXVCPU_RUN_UTIL_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/*
 * The harness itself trips -Wextra: an unused parameter, and -Wclobbered
 * in the setjmp() of every TEST_F() wrapper.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"
#include "axvcpu_util.h"

#ifndef GUEST_ARG_REG
#error "include the arch's guest/<arch>.h before run_util.h"
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
#define HALT_SLEEP_US	1000	/* pause before re-running a guest in WFI */

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
static __u64 guest_addr(const char *begin, const char *label)
{
	return GUEST_LOAD_ADDR + (__u64)(label - begin);
}

static bool is_test_call(const struct axvcpu_run *run, __u64 fid)
{
	return run->exit_reason == AXVCPU_EXIT_HYPERCALL &&
	       TEST_CALL_NR(&run->hypercall) == TEST_EID &&
	       TEST_CALL_FID(&run->hypercall) == fid;
}

/* One line describing the last exit, for failure messages. */
static const char *describe_exit(const struct axvcpu_run *run, char *buf,
				 size_t len)
{
	switch (run->exit_reason) {
	case AXVCPU_EXIT_HYPERCALL:
		if (is_test_call(run, TEST_FID_DONE))
			snprintf(buf, len, "guest DONE");
		else if (is_test_call(run, TEST_FID_FAIL))
			snprintf(buf, len, "guest FAIL %#llx (args %#llx %#llx %#llx)",
				 ULL(run->hypercall.args[0]),
				 ULL(run->hypercall.args[1]),
				 ULL(run->hypercall.args[2]),
				 ULL(run->hypercall.args[3]));
		else
			snprintf(buf, len,
				 "HYPERCALL nr %#llx fid %#llx args %#llx %#llx %#llx %#llx %#llx %#llx",
				 ULL(run->hypercall.nr), ULL(run->hypercall.fid),
				 ULL(run->hypercall.args[0]),
				 ULL(run->hypercall.args[1]),
				 ULL(run->hypercall.args[2]),
				 ULL(run->hypercall.args[3]),
				 ULL(run->hypercall.args[4]),
				 ULL(run->hypercall.args[5]));
		break;
	case AXVCPU_EXIT_MMIO_READ:
	case AXVCPU_EXIT_MMIO_WRITE:
		snprintf(buf, len,
			 "MMIO_%s addr %#llx width %u reg %u reg_width %u signed %u data %#llx",
			 run->exit_reason == AXVCPU_EXIT_MMIO_READ ? "READ" : "WRITE",
			 ULL(run->mmio.addr), run->mmio.width, run->mmio.reg,
			 run->mmio.reg_width, run->mmio.signed_ext,
			 ULL(run->mmio.data));
		break;
	case AXVCPU_EXIT_SYSREG_READ:
	case AXVCPU_EXIT_SYSREG_WRITE:
		snprintf(buf, len, "SYSREG_%s addr %#llx value %#llx reg %u",
			 run->exit_reason == AXVCPU_EXIT_SYSREG_READ ? "READ" : "WRITE",
			 ULL(run->sysreg.addr), ULL(run->sysreg.value),
			 run->sysreg.reg);
		break;
	case AXVCPU_EXIT_IO_READ:
	case AXVCPU_EXIT_IO_WRITE:
		snprintf(buf, len, "IO_%s port %#x width %u data %#llx",
			 run->exit_reason == AXVCPU_EXIT_IO_READ ? "READ" : "WRITE",
			 run->io.port, run->io.width, ULL(run->io.data));
		break;
	case AXVCPU_EXIT_NESTED_PAGE_FAULT:
		snprintf(buf, len, "NESTED_PAGE_FAULT addr %#llx access %#x",
			 ULL(run->npf.addr), run->npf.access);
		break;
	case AXVCPU_EXIT_HALT:
		snprintf(buf, len, "HALT");
		break;
	case AXVCPU_EXIT_CPU_UP:
		snprintf(buf, len, "CPU_UP target %#llx entry %#llx arg %#llx",
			 ULL(run->cpu_up.target_cpu),
			 ULL(run->cpu_up.entry_point), ULL(run->cpu_up.arg));
		break;
	case AXVCPU_EXIT_CPU_DOWN:
		snprintf(buf, len, "CPU_DOWN");
		break;
	case AXVCPU_EXIT_SYSTEM_DOWN:
		snprintf(buf, len, "SYSTEM_DOWN type %#llx reason %#llx",
			 ULL(run->system_down.type),
			 ULL(run->system_down.reason));
		break;
	case AXVCPU_EXIT_SEND_IPI:
		snprintf(buf, len,
			 "SEND_IPI target %#llx aux %#llx all %u self %u vector %#llx",
			 ULL(run->ipi.target_cpu), ULL(run->ipi.target_cpu_aux),
			 run->ipi.send_to_all, run->ipi.send_to_self,
			 ULL(run->ipi.vector));
		break;
	case AXVCPU_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "FAIL_ENTRY %#llx",
			 ULL(run->fail_entry_reason));
		break;
	case AXVCPU_EXIT_INTERNAL_ERROR:
		snprintf(buf, len,
			 "INTERNAL_ERROR suberror %u data %#llx %#llx %#llx %#llx",
			 run->internal.suberror, ULL(run->internal.data[0]),
			 ULL(run->internal.data[1]), ULL(run->internal.data[2]),
			 ULL(run->internal.data[3]));
		break;
	default:
		snprintf(buf, len, "exit reason %u", run->exit_reason);
		break;
	}
	return buf;
}

/* Describe what __run_next() returned: an errno, or the exit. */
static const char *describe_result(int r, const struct axvcpu_run *run,
				   char *buf, size_t len)
{
	if (r < 0)
		return strerror(-r);
	return describe_exit(run, buf, len);
}

/*
 * Run @v until an exit that is not a REPORT; REPORT values are collected
 * in @v->reports. If @skip_halt, a HALT exit is re-run after a short
 * pause, as a VMM waiting for an interrupt would. Returns the exit reason,
 * -errno from RUN, or -ETIMEDOUT when the run budget is spent. Makes no
 * assertions, so threads can use it.
 */
static int __run_next(struct vcpu *v, bool skip_halt)
{
	for (;;) {
		long ret;

		if (v->nr_runs >= MAX_RUNS)
			return -ETIMEDOUT;
		v->nr_runs++;
		ret = axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0);
		if (ret)
			return ret < 0 ? (int)ret : -EPROTO;
		if (is_test_call(v->run, TEST_FID_REPORT)) {
			if (v->nr_reports < MAX_REPORTS)
				v->reports[v->nr_reports] =
					v->run->hypercall.args[0];
			v->nr_reports++;
			continue;
		}
		if (skip_halt && v->run->exit_reason == AXVCPU_EXIT_HALT) {
			usleep(HALT_SLEEP_US);
			continue;
		}
		return (int)v->run->exit_reason;
	}
}

static int run_next(struct __test_metadata *_metadata, struct vcpu *v,
		    bool skip_halt)
{
	int r = __run_next(v, skip_halt);

	ASSERT_LE(0, r) TH_LOG("RUN: %s", strerror(-r));
	return r;
}

/* Run to the next non-REPORT exit and require it to be @reason. */
static void expect_exit(struct __test_metadata *_metadata, struct vcpu *v,
			__u32 reason, bool skip_halt)
{
	char buf[256];
	int r = run_next(_metadata, v, skip_halt);

	ASSERT_EQ(reason, (__u32)r)
		TH_LOG("want exit %u, got %s", reason,
		       describe_exit(v->run, buf, sizeof(buf)));
}

/* Run to the next non-REPORT exit and require the guest's DONE. */
static void expect_done(struct __test_metadata *_metadata, struct vcpu *v,
			bool skip_halt)
{
	char buf[256];

	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, skip_halt);
	ASSERT_TRUE(is_test_call(v->run, TEST_FID_DONE))
		TH_LOG("want DONE, got %s",
		       describe_exit(v->run, buf, sizeof(buf)));
}

static void check_reports(struct __test_metadata *_metadata,
			  const struct vcpu *v, const __u64 *want,
			  unsigned int n)
{
	unsigned int i;

	ASSERT_EQ(n, v->nr_reports);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(want[i], v->reports[i])
			TH_LOG("report %u: want %#llx, got %#llx", i,
			       (unsigned long long)want[i],
			       (unsigned long long)v->reports[i]);
	}
}

#define EXPECT_REPORTS(v, ...) do { \
	const __u64 __want[] = { __VA_ARGS__ }; \
	check_reports(_metadata, v, __want, ARRAY_SIZE(__want)); \
} while (0)

/*
 * A VM with GUEST_RAM_SIZE bytes at GUEST_RAM_BASE holding one program at
 * GUEST_LOAD_ADDR.
 */
static void vm_create(struct __test_metadata *_metadata, int sys_fd,
		      struct vm *vm, const char *begin, const char *end)
{
	size_t len = (size_t)(end - begin);
	unsigned int i;

	memset(vm, 0, sizeof(*vm));
	for (i = 0; i < ARRAY_SIZE(vm->vcpu); i++)
		vm->vcpu[i].fd = -1;
	vm->fd = axvcpu_create_vm(sys_fd);
	ASSERT_LE(0, vm->fd) TH_LOG("CREATE_VM: %s", strerror(-vm->fd));
	ASSERT_GE(GUEST_RAM_SIZE - GUEST_LOAD_OFF, len);
	vm->ram = axvcpu_alloc(GUEST_RAM_SIZE);
	ASSERT_NE(NULL, vm->ram);
	memcpy((char *)vm->ram + GUEST_LOAD_OFF, begin, len);
#ifdef GUEST_RAM_INIT
	GUEST_RAM_INIT(vm->ram);
#endif
	ASSERT_EQ(0, axvcpu_set_region(vm->fd, 0, 0, GUEST_RAM_BASE,
				       GUEST_RAM_SIZE, vm->ram));
}

static void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vm->vcpu); i++) {
		if (vm->vcpu[i].run)
			munmap(vm->vcpu[i].run, getpagesize());
		if (vm->vcpu[i].fd >= 0)
			close(vm->vcpu[i].fd);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->ram)
		munmap(vm->ram, GUEST_RAM_SIZE);
}

/* vCPU @id (also its slot in @vm), created and mapped but not set up. */
static struct vcpu *vcpu_create(struct __test_metadata *_metadata,
				struct vm *vm, unsigned int id)
{
	struct vcpu *v = &vm->vcpu[id];

	v->fd = axvcpu_create_vcpu(vm->fd, id);
	ASSERT_LE(0, v->fd) TH_LOG("CREATE_VCPU %u: %s", id, strerror(-v->fd));
	v->run = axvcpu_map_run(v->fd);
	ASSERT_NE(NULL, v->run) TH_LOG("mmap run page: %s", strerror(errno));
	return v;
}

/*
 * The arch part, in run_<arch>.c: SET_ENTRY @entry, then SETUP so that
 * the program starts with cpu id @cpu and argument @arg (riscv64: hartid
 * and a1; arm64: MPIDR and x0, and x1; x86_64: the APIC id, and rsi in
 * 64-bit mode).
 */
static void vcpu_setup(struct __test_metadata *_metadata, struct vcpu *v,
		       __u64 entry, __u64 cpu, __u64 arg);

/*
 * The arch part, in run_<arch>.c: check the REPORTs the irq program made
 * after it took interrupt @vector (riscv64: scause; arm64 and x86_64: 1,
 * then the vector).
 */
static void expect_irq_taken(struct __test_metadata *_metadata,
			     struct vcpu *v, __u32 vector);

/* vCPU @id entering @entry with cpu id @cpu and argument @arg. */
static struct vcpu *vcpu_add(struct __test_metadata *_metadata, struct vm *vm,
			     unsigned int id, __u64 entry, __u64 cpu,
			     __u64 arg)
{
	struct vcpu *v = vcpu_create(_metadata, vm, id);

	vcpu_setup(_metadata, v, entry, cpu, arg);
	return v;
}

/* The guest's scratch data, GUEST_DATA_OFF into RAM. */
static __u64 *vm_data(const struct vm *vm)
{
	return (__u64 *)((char *)vm->ram + GUEST_DATA_OFF);
}

static void inject(struct __test_metadata *_metadata, struct vcpu *v,
		   __u32 vector)
{
	struct axvcpu_interrupt irq = { .vector = vector };

	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_INJECT_INTERRUPT, &irq));
}

static void set_return_value(struct __test_metadata *_metadata,
			     struct vcpu *v, __u64 value)
{
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_RETURN_VALUE, &value));
}

static void get_regs(struct __test_metadata *_metadata, struct vcpu *v,
		     struct axvcpu_regs *regs)
{
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_GET_REGS, regs));
}

static void set_gpr(struct __test_metadata *_metadata, struct vcpu *v,
		    unsigned int reg, __u64 val)
{
	struct axvcpu_regs regs;

	get_regs(_metadata, v, &regs);
	regs.gprs[reg] = val;
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs));
}

/* Open the system fd, or SKIP if the module or backend @backend is absent. */
static void open_backend(struct __test_metadata *_metadata, int *sys_fd,
			 __u64 backend, const char *name)
{
	__u64 have = 0;

	*sys_fd = axvcpu_open();
	if (*sys_fd < 0 && (errno == ENOENT || errno == ENODEV ||
			    errno == ENXIO))
		SKIP(return, "%s: %s", AXVCPU_DEV, strerror(errno));
	ASSERT_LE(0, *sys_fd)
		TH_LOG("open %s: %s", AXVCPU_DEV, strerror(errno));
	ASSERT_EQ(0, axvcpu_check_cap(*sys_fd, AXVCPU_CAP_BACKEND, &have));
	if (have != backend)
		SKIP(return, "backend %llu is not %s", ULL(have), name);
}

static void noop_handler(int sig)
{
	(void)sig;
}

/* No SA_RESTART: an interrupted RUN must come back with EINTR. */
static void install_noop_handler(int sig)
{
	struct sigaction sa = { .sa_handler = noop_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* One-shot SIGALRM after @ms milliseconds. */
static void alarm_ms(unsigned int ms)
{
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

/* The current time of @clk in nanoseconds. */
static __u64 clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000 + (__u64)ts.tv_nsec;
}

/* Restrict the calling thread to @cpu: 0 or -errno. */
static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Up to @n CPUs the calling thread may run on, lowest first: how many. */
static int allowed_cpus(int *cpus, int n)
{
	cpu_set_t set;
	int cpu, found = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE && found < n; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[found++] = cpu;
	return found;
}

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

#define MMIO_WANT_FMT "access %u: want %s %#llx width %u reg %u reg_width %u signed %u data %#llx; got %s"

/*
 * Run @v, set up with the MMIO base as its program's argument, to DONE;
 * check each exit against @acc, answer the reads, and check that after
 * every read the guest reported the value it must have (the loaded
 * register, truncated and extended as the load says).
 */
static void check_mmio(struct __test_metadata *_metadata, struct vcpu *v,
		       const struct mmio_access *acc, unsigned int n)
{
	__u64 want[MAX_REPORTS];
	unsigned int i, nr_want = 0;
	char buf[256];
	bool ok;

	for (i = 0; i < n; i++) {
		const struct mmio_access *a = &acc[i];
		struct axvcpu_exit_mmio *m = &v->run->mmio;

		expect_exit(_metadata, v, a->write ? AXVCPU_EXIT_MMIO_WRITE :
						     AXVCPU_EXIT_MMIO_READ,
			    false);
		ok = m->addr == GUEST_MMIO_BASE + a->off && m->width == a->width;
		if (a->write)
			ok = ok && m->data == a->data;
		else
			ok = ok && m->reg == a->reg &&
			     m->reg_width == a->reg_width &&
			     m->signed_ext == a->signed_ext;
		ASSERT_TRUE(ok)
			TH_LOG(MMIO_WANT_FMT,
			       i, a->write ? "write" : "read",
			       ULL(GUEST_MMIO_BASE + a->off), a->width, a->reg,
			       a->reg_width, a->signed_ext, ULL(a->data),
			       describe_exit(v->run, buf, sizeof(buf)));
		if (a->write)
			continue;
		ASSERT_GT((unsigned int)MAX_REPORTS, nr_want);
		m->data = a->data;
		want[nr_want++] = a->result;
	}
	expect_done(_metadata, v, false);
	check_reports(_metadata, v, want, nr_want);
}

/* check_mmio() of program @begin, entered at its start. */
static void run_mmio(struct __test_metadata *_metadata, int sys_fd,
		     const char *begin, const char *end,
		     const struct mmio_access *acc, unsigned int n)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, sys_fd, &vm, begin, end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_MMIO_BASE);
	check_mmio(_metadata, v, acc, n);
	vm_destroy(&vm);
}

static void expect_sysreg_read(struct __test_metadata *_metadata,
			       struct vcpu *v, __u64 addr, __u32 reg,
			       __u64 value)
{
	expect_exit(_metadata, v, AXVCPU_EXIT_SYSREG_READ, false);
	ASSERT_EQ_X(addr, v->run->sysreg.addr);
	ASSERT_EQ(reg, v->run->sysreg.reg);
	v->run->sysreg.value = value;
}

static void expect_sysreg_write(struct __test_metadata *_metadata,
				struct vcpu *v, __u64 addr, __u64 value)
{
	expect_exit(_metadata, v, AXVCPU_EXIT_SYSREG_WRITE, false);
	ASSERT_EQ_X(addr, v->run->sysreg.addr);
	ASSERT_EQ_X(value, v->run->sysreg.value);
}

/* A thread injecting an interrupt after a delay. */
struct injector {
	int fd;
	__u32 vector;
	unsigned int delay_ms;
	long ret;
};

static void *injector_fn(void *arg)
{
	struct injector *inj = arg;
	struct axvcpu_interrupt irq = { .vector = inj->vector };

	usleep(inj->delay_ms * 1000);
	inj->ret = axvcpu_ioctl(inj->fd, AXVCPU_VCPU_INJECT_INTERRUPT, &irq);
	return NULL;
}

/*
 * The tests below run the shared programs and are registered by each
 * arch's file, with TEST_F() wrappers of its own fixture.
 */

/*
 * At an MMIO_READ exit, before the VMM completes it, GET_REGS already
 * reads the pc after the load (the arch's mmio_read_next label) and the
 * destination register as it was (@rt_before, if the program set it);
 * the next RUN writes it and goes on from that pc. @acc are the first
 * two reads of the arch's mmio_read program.
 */
static void common_mmio_read_pc_past_load(struct __test_metadata *_metadata,
					  int *sys_fd,
					  const struct mmio_access *acc,
					  const __u64 *rt_before)
{
	const struct mmio_access *a = &acc[0];
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, mmio_read_begin, mmio_read_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_MMIO_BASE);

	expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_READ, false);
	ASSERT_EQ_X(GUEST_MMIO_BASE + a->off, v->run->mmio.addr);
	ASSERT_EQ(a->reg, v->run->mmio.reg);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(guest_addr(mmio_read_begin, mmio_read_next), regs.pc);
	if (rt_before)
		ASSERT_EQ_X(*rt_before, regs.gprs[a->reg]);

	v->run->mmio.data = a->data;
	expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_READ, false);
	ASSERT_EQ_X(GUEST_MMIO_BASE + acc[1].off, v->run->mmio.addr);
	EXPECT_REPORTS(v, a->result);
	vm_destroy(&vm);
}

/*
 * immediate_exit: RUN fails with EINTR without entering the guest, but
 * still completes a pending MMIO read, exactly once. @acc are the first
 * two reads of the arch's mmio_read program.
 */
static void common_immediate_exit_returns_eintr(struct __test_metadata *_metadata,
						int *sys_fd,
						const struct mmio_access *acc)
{
	const struct mmio_access *a = &acc[0];
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;
	__u64 exits;

	vm_create(_metadata, *sys_fd, &vm, mmio_read_begin, mmio_read_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_MMIO_BASE);

	v->run->immediate_exit = 1;
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	ASSERT_EQ(0ULL, v->run->exits);
	ASSERT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(v->fd));
	v->run->immediate_exit = 0;

	expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_READ, false);
	ASSERT_EQ_X(GUEST_MMIO_BASE + a->off, v->run->mmio.addr);
	ASSERT_EQ(a->reg, v->run->mmio.reg);
	v->run->mmio.data = a->data;

	exits = v->run->exits;
	v->run->immediate_exit = 1;
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	ASSERT_EQ(exits, v->run->exits);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(a->result, regs.gprs[a->reg]);

	/* A second immediate exit has nothing left to complete. */
	v->run->mmio.data = 0;
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(a->result, regs.gprs[a->reg]);
	v->run->immediate_exit = 0;

	/* The guest goes on with the next load: the first is not redone. */
	expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_READ, false);
	ASSERT_EQ_X(GUEST_MMIO_BASE + acc[1].off, v->run->mmio.addr);
	ASSERT_EQ(acc[1].reg, v->run->mmio.reg);
	EXPECT_REPORTS(v, a->result);
	vm_destroy(&vm);
}

/*
 * A store to a read-only region exits with a write fault and is retried
 * on every RUN; once the slot is replaced by a writable one it lands.
 */
static void common_npf_readonly_store(struct __test_metadata *_metadata,
				      int *sys_fd)
{
	const __u64 stored = 0x5a5a5a5aa5a5a5a5ULL;
	size_t page = getpagesize();
	struct axvcpu_regs regs;
	__u64 *ro, pc;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, npf_ro_begin, npf_ro_end);
	ro = axvcpu_alloc(page);
	ASSERT_NE(NULL, ro);
	ro[0] = 0x0123456789abcdefULL;
	ASSERT_EQ(0, axvcpu_set_region(vm.fd, 1, AXVCPU_MEM_READONLY,
				       GUEST_RO_BASE, page, ro));
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_RO_BASE);

	expect_exit(_metadata, v, AXVCPU_EXIT_NESTED_PAGE_FAULT, false);
	ASSERT_EQ_X(GUEST_RO_BASE + 8, v->run->npf.addr);
	ASSERT_EQ(AXVCPU_ACCESS_WRITE, v->run->npf.access);
	get_regs(_metadata, v, &regs);
	pc = regs.pc;

	/* Not executed, so running again faults again at the same pc. */
	expect_exit(_metadata, v, AXVCPU_EXIT_NESTED_PAGE_FAULT, false);
	ASSERT_EQ_X(GUEST_RO_BASE + 8, v->run->npf.addr);
	ASSERT_EQ(AXVCPU_ACCESS_WRITE, v->run->npf.access);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(pc, regs.pc);
	ASSERT_EQ_X(0, ro[1]);

	ASSERT_EQ(0, axvcpu_set_region(vm.fd, 1, 0, GUEST_RO_BASE, page, ro));
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0x0123456789abcdefULL, stored);
	ASSERT_EQ_X(stored, ro[1]);
	vm_destroy(&vm);
	munmap(ro, page);
}

/* Fetching from outside every region exits with an exec fault. */
static void common_npf_fetch_outside(struct __test_metadata *_metadata,
				     int *sys_fd)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_UNMAPPED, 0, 0);

	expect_exit(_metadata, v, AXVCPU_EXIT_NESTED_PAGE_FAULT, false);
	ASSERT_EQ_X(GUEST_UNMAPPED, v->run->npf.addr);
	ASSERT_EQ(AXVCPU_ACCESS_EXEC, v->run->npf.access);
	vm_destroy(&vm);
}

/* A jump to an address outside every region: an exec fault there. */
static void common_npf_jump_to_unmapped(struct __test_metadata *_metadata,
					int *sys_fd)
{
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, npf_jump_begin, npf_jump_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_UNMAPPED);

	expect_exit(_metadata, v, AXVCPU_EXIT_NESTED_PAGE_FAULT, false);
	ASSERT_EQ_X(GUEST_UNMAPPED, v->run->npf.addr);
	ASSERT_EQ(AXVCPU_ACCESS_EXEC, v->run->npf.access);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(GUEST_UNMAPPED, regs.pc);
	vm_destroy(&vm);
}

/*
 * The halt program: one HALT exit with the pc at @ret, right after the
 * halting instruction (riscv64 and arm64: wfi; x86_64: hlt), and no
 * REPORT yet; then the guest goes on to DONE.
 */
static void common_halt(struct __test_metadata *_metadata, int *sys_fd,
			const char *begin, const char *end, const char *ret)
{
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, begin, end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);

	expect_exit(_metadata, v, AXVCPU_EXIT_HALT, false);
	ASSERT_EQ(0U, v->nr_reports);
	ASSERT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(v->fd));
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(guest_addr(begin, ret), regs.pc);
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0x77);
	vm_destroy(&vm);
}

/*
 * An interrupt injected before the first RUN stays queued and is taken as
 * soon as the irq program enables interrupts, so it never halts.
 */
static void common_inject_queued_before_run(struct __test_metadata *_metadata,
					    int *sys_fd, __u32 vector)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, irq_begin, irq_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	inject(_metadata, v, vector);
	expect_done(_metadata, v, false);
	expect_irq_taken(_metadata, v, vector);
	vm_destroy(&vm);
}

/*
 * Each of @vectors, injected while the irq program is halted, between two
 * RUNs: the next RUN delivers it, once, without another HALT.
 */
static void common_inject_between_runs(struct __test_metadata *_metadata,
				       int *sys_fd, const __u32 *vectors,
				       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct vcpu *v;
		struct vm vm;

		vm_create(_metadata, *sys_fd, &vm, irq_begin, irq_end);
		v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
		expect_exit(_metadata, v, AXVCPU_EXIT_HALT, false);
		inject(_metadata, v, vectors[i]);
		expect_done(_metadata, v, false);
		expect_irq_taken(_metadata, v, vectors[i]);
		vm_destroy(&vm);
	}
}

/*
 * Each of the @n vectors @bad, and a @good one with nonzero flags, fails
 * with EINVAL and queues nothing: the irq program halts until @good comes.
 */
static void common_inject_invalid_vector(struct __test_metadata *_metadata,
					 int *sys_fd, const __u32 *bad,
					 unsigned int n, __u32 good)
{
	struct axvcpu_interrupt irq = { .vector = good, .flags = 1 };
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, *sys_fd, &vm, irq_begin, irq_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	EXPECT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_INJECT_INTERRUPT, &irq),
		     EINVAL);
	for (i = 0; i < n; i++) {
		irq.vector = bad[i];
		irq.flags = 0;
		EXPECT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_INJECT_INTERRUPT,
					  &irq), EINVAL)
			TH_LOG("vector %u", bad[i]);
	}
	expect_exit(_metadata, v, AXVCPU_EXIT_HALT, false);
	inject(_metadata, v, good);
	expect_done(_metadata, v, false);
	expect_irq_taken(_metadata, v, good);
	vm_destroy(&vm);
}

/*
 * A signal interrupts a spinning guest: RUN fails with EINTR, the vCPU is
 * FREE with its pc in the loop, and it runs on to DONE once released.
 */
static void common_spin_interrupted_by_signal(struct __test_metadata *_metadata,
					      int *sys_fd)
{
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;
	__u64 start;

	install_noop_handler(SIGALRM);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);

	start = now_ms();
	alarm_ms(100);
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	ASSERT_LE(50ULL, now_ms() - start);
	ASSERT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(v->fd));
	get_regs(_metadata, v, &regs);
	ASSERT_LE(GUEST_LOAD_ADDR, regs.pc);
	ASSERT_GT(guest_addr(spin_begin, spin_end), regs.pc);

	set_gpr(_metadata, v, GUEST_ARG_REG, 1);	/* leave the loop */
	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

/* The raw RUN of close_fds_while_running, flagged for the main thread. */
struct raw_runner {
	int fd;
	int started;
	int done;
	long ret;
};

static void *raw_runner_fn(void *arg)
{
	struct raw_runner *r = arg;

	__atomic_store_n(&r->started, 1, __ATOMIC_SEQ_CST);
	r->ret = axvcpu_ioctl(r->fd, AXVCPU_VCPU_RUN, 0);
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Closing the VM and system fds while a vCPU runs neither stops nor
 * breaks it: a signal still ends the RUN with EINTR, the vCPU (which keeps
 * its VM alive) still runs to DONE, and closing it last frees everything.
 */
static void common_close_fds_while_running(struct __test_metadata *_metadata,
					   int *sys_fd)
{
	struct raw_runner r = { 0 };
	pthread_t thread;
	struct vcpu *v;
	struct vm vm;
	int i;

	install_noop_handler(SIGUSR1);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	r.fd = v->fd;
	ASSERT_EQ(0, pthread_create(&thread, NULL, raw_runner_fn, &r));
	for (i = 0; i < 1000 && !__atomic_load_n(&r.started, __ATOMIC_SEQ_CST); i++)
		usleep(1000);
	usleep(50 * 1000);

	ASSERT_EQ(0, close(vm.fd));
	vm.fd = -1;
	ASSERT_EQ(0, close(*sys_fd));
	*sys_fd = -1;
	usleep(50 * 1000);
	EXPECT_FALSE(__atomic_load_n(&r.done, __ATOMIC_SEQ_CST));

	/* Repeat the signal in case the first beat the runner into RUN. */
	for (i = 0; i < 500 && !__atomic_load_n(&r.done, __ATOMIC_SEQ_CST); i++) {
		pthread_kill(thread, SIGUSR1);
		usleep(10 * 1000);
	}
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(-EINTR, r.ret) TH_LOG("RUN: %s", strerror(-r.ret));

	set_gpr(_metadata, v, GUEST_ARG_REG, 1);
	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

/*
 * The run page counters: zero on a new vCPU; ~100 ms of spinning takes
 * host-interrupt exits that RUN never returns; exits keeps counting.
 */
static void common_run_page_stats(struct __test_metadata *_metadata,
				  int *sys_fd)
{
	struct vcpu *v;
	struct vm vm;
	__u64 exits;

	install_noop_handler(SIGALRM);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	ASSERT_EQ(0ULL, v->run->exits);
	ASSERT_EQ(0ULL, v->run->kernel_exits);
	ASSERT_EQ(0ULL, v->run->host_irq_exits);

	alarm_ms(100);
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	ASSERT_LT(0ULL, v->run->host_irq_exits);
	ASSERT_LE(v->run->host_irq_exits + v->run->kernel_exits,
		  v->run->exits);

	exits = v->run->exits;
	set_gpr(_metadata, v, GUEST_ARG_REG, 1);
	expect_done(_metadata, v, false);
	ASSERT_LT(exits, v->run->exits);
	vm_destroy(&vm);
}

/* The RAM counter of cpu @cpu's count_mmio program. */
static __u64 count_mmio_ram(const struct vm *vm, __u64 cpu)
{
	return vm_data(vm)[64 / sizeof(__u64) * cpu];
}

/*
 * Run a count_mmio vCPU of cpu id @cpu to its next exit, which must be
 * its store of @seq: 0 if so, -errno if RUN failed, 1 for any other exit
 * (left in the run page). Makes no assertions, so threads can use it.
 */
static int next_count_store(struct vcpu *v, __u64 cpu, __u64 seq)
{
	int r = __run_next(v, false);

	if (r < 0)
		return r;
	return r == AXVCPU_EXIT_MMIO_WRITE &&
	       v->run->mmio.addr == GUEST_MMIO_BASE + 8 * cpu &&
	       v->run->mmio.width == 8 && v->run->mmio.data == seq ? 0 : 1;
}

#define MIGRATE_ITERS	200U

/*
 * The VMM thread moves between two CPUs before every RUN, so the vCPU is
 * bound on one CPU, then the other, 200 times over. Registers, the
 * guest's scratch system register (riscv64 sscratch, arm64 TPIDR_EL1,
 * x86_64 IA32_KERNEL_GS_BASE) and RAM survive every move: each exit
 * stores the next count, the thread really ran on both CPUs, and the
 * guest ends with its register and RAM counters both at 200.
 */
static void common_vcpu_migrates_between_cpus(struct __test_metadata *_metadata,
					      int *sys_fd)
{
	unsigned int i, seen = 0;
	struct vcpu *v;
	struct vm vm;
	char buf[256];
	int cpus[2];

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || allowed_cpus(cpus, 2) < 2)
		SKIP(return, "needs two CPUs");
	vm_create(_metadata, *sys_fd, &vm, count_mmio_begin, count_mmio_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, MIGRATE_ITERS);

	for (i = 0; i < MIGRATE_ITERS; i++) {
		int cpu = cpus[i % 2], r;

		r = pin_to_cpu(cpu);
		ASSERT_EQ(0, r) TH_LOG("pin to CPU %d: %s", cpu, strerror(-r));
		ASSERT_EQ(cpu, sched_getcpu());
		r = next_count_store(v, 0, i + 1);
		ASSERT_EQ(0, r)
			TH_LOG("RUN %u on CPU %d: want store of %u, got %s",
			       i, cpu, i + 1,
			       describe_result(r, v->run, buf, sizeof(buf)));
		r = sched_getcpu();
		ASSERT_EQ(cpu, r) TH_LOG("RUN %u moved the thread", i);
		seen |= 1U << (r == cpus[1]);
	}
	ASSERT_EQ(3U, seen);
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, MIGRATE_ITERS, MIGRATE_ITERS);
	ASSERT_EQ_X(MIGRATE_ITERS, count_mmio_ram(&vm, 0));
	vm_destroy(&vm);
}

/* A thread running a count_mmio vCPU to its end, pinned to one CPU. */
struct counter {
	struct vcpu *v;
	__u64 cpu_id;		/* the guest's cpu id */
	unsigned int iters;
	int cpu;
	pthread_barrier_t *start;
	int pin;		/* pin_to_cpu() */
	unsigned int stores;	/* good stores seen */
	int result;		/* next_count_store() or, after all, __run_next() */
	bool moved;		/* seen off its CPU after a RUN */
	__u64 t_start, t_end;	/* CLOCK_MONOTONIC ns around the stores */
};

static void *counter_fn(void *arg)
{
	struct counter *c = arg;

	c->pin = pin_to_cpu(c->cpu);
	pthread_barrier_wait(c->start);
	if (c->pin)
		return NULL;
	c->t_start = clock_ns(CLOCK_MONOTONIC);
	for (c->stores = 0; c->stores < c->iters; c->stores++) {
		c->result = next_count_store(c->v, c->cpu_id, c->stores + 1);
		if (c->result)
			break;
		if (sched_getcpu() != c->cpu)
			c->moved = true;
	}
	c->t_end = clock_ns(CLOCK_MONOTONIC);
	if (!c->result)
		c->result = __run_next(c->v, false);
	return NULL;
}

#define CONCURRENT_ITERS	100U

/*
 * Two vCPUs of one VM run count_mmio at the same time on two threads
 * pinned to different CPUs: each sees only its own stores, in order, and
 * ends with its own counters at 100, so neither the per-CPU current vCPU
 * nor the guest system registers of one leak into the other.
 */
static void common_two_vcpus_run_concurrently(struct __test_metadata *_metadata,
					      int *sys_fd)
{
	struct counter c[2] = { 0 };
	pthread_barrier_t start;
	pthread_t thread[2];
	struct vm vm;
	char buf[256];
	int cpus[2];
	unsigned int i;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || allowed_cpus(cpus, 2) < 2)
		SKIP(return, "needs two CPUs");
	vm_create(_metadata, *sys_fd, &vm, count_mmio_begin, count_mmio_end);
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 2));
	for (i = 0; i < 2; i++) {
		c[i].v = vcpu_add(_metadata, &vm, i, GUEST_LOAD_ADDR, i,
				  CONCURRENT_ITERS);
		c[i].cpu_id = i;
		c[i].iters = CONCURRENT_ITERS;
		c[i].cpu = cpus[i];
		c[i].start = &start;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&thread[i], NULL, counter_fn, &c[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(thread[i], NULL));
	pthread_barrier_destroy(&start);

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, c[i].pin)
			TH_LOG("pin to CPU %d: %s", c[i].cpu,
			       strerror(-c[i].pin));
		ASSERT_EQ(CONCURRENT_ITERS, c[i].stores)
			TH_LOG("vCPU %u: want store of %u, got %s", i,
			       c[i].stores + 1,
			       describe_result(c[i].result, c[i].v->run, buf,
					       sizeof(buf)));
		ASSERT_EQ(AXVCPU_EXIT_HYPERCALL, c[i].result)
			TH_LOG("vCPU %u: want DONE, got %s", i,
			       describe_result(c[i].result, c[i].v->run, buf,
					       sizeof(buf)));
		ASSERT_TRUE(is_test_call(c[i].v->run, TEST_FID_DONE))
			TH_LOG("vCPU %u: want DONE, got %s", i,
			       describe_exit(c[i].v->run, buf, sizeof(buf)));
		ASSERT_FALSE(c[i].moved);
		EXPECT_REPORTS(c[i].v, CONCURRENT_ITERS, CONCURRENT_ITERS);
		ASSERT_EQ_X(CONCURRENT_ITERS, count_mmio_ram(&vm, i));
	}
	/* The two store loops overlapped in time. */
	ASSERT_LT(c[0].t_start, c[1].t_end);
	ASSERT_LT(c[1].t_start, c[0].t_end);
	vm_destroy(&vm);
}

/* A thread running a count_regs vCPU to DONE, pinned to one CPU. */
struct spinner {
	struct vcpu *v;
	int cpu;
	pthread_barrier_t *start;	/* or NULL */
	int pin;			/* pin_to_cpu() */
	int result;			/* __run_next() */
	bool moved;			/* off its CPU after the RUNs */
	__u64 t_start, t_end;		/* CLOCK_MONOTONIC ns around them */
	__u64 cpu_ns;			/* thread CPU time they took */
};

static void *spinner_fn(void *arg)
{
	struct spinner *s = arg;
	__u64 cpu;

	s->pin = pin_to_cpu(s->cpu);
	if (s->start)
		pthread_barrier_wait(s->start);
	if (s->pin)
		return NULL;
	s->t_start = clock_ns(CLOCK_MONOTONIC);
	cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	s->result = __run_next(s->v, false);
	s->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu;
	s->t_end = clock_ns(CLOCK_MONOTONIC);
	s->moved = sched_getcpu() != s->cpu;
	return NULL;
}

/* @s ran count_regs of cpu id @cpu for @k iterations to DONE. */
static void expect_count_regs(struct __test_metadata *_metadata,
			      const struct spinner *s, __u64 cpu, __u64 k)
{
	char buf[256];

	ASSERT_EQ(0, s->pin)
		TH_LOG("pin to CPU %d: %s", s->cpu, strerror(-s->pin));
	ASSERT_EQ(AXVCPU_EXIT_HYPERCALL, s->result)
		TH_LOG("cpu id %llu: want DONE, got %s", ULL(cpu),
		       describe_result(s->result, s->v->run, buf, sizeof(buf)));
	ASSERT_TRUE(is_test_call(s->v->run, TEST_FID_DONE))
		TH_LOG("cpu id %llu: want DONE, got %s", ULL(cpu),
		       describe_exit(s->v->run, buf, sizeof(buf)));
	ASSERT_FALSE(s->moved);
	EXPECT_REPORTS(s->v, k, k * (k + 1) / 2, cpu << 48 | k);
}

#define PREEMPT_CAL_ITERS	1000000ULL	/* calibration run */
#define PREEMPT_MAX_ITERS	0x40000000ULL
#define PREEMPT_TARGET_MS	200		/* CPU time of each guest */

/*
 * Two VMs run count_regs on two threads pinned to the same CPU, each for
 * about 200 ms of CPU time (the iteration count is calibrated by a solo
 * run first), so the scheduler preempts each vCPU thread for the other
 * inside RUN, on host timer interrupts. Both get their exact counts and
 * their own scratch system register back, and each RUN took clearly
 * longer than the CPU time its thread got: it was preempted while running
 * the guest.
 */
static void common_preempted_while_running(struct __test_metadata *_metadata,
					   int *sys_fd)
{
	struct spinner cal = { 0 }, s[2] = { 0 };
	pthread_barrier_t start;
	pthread_t thread[2];
	struct vm vm[2];
	__u64 k[2];
	unsigned int i;
	int cpu;

	ASSERT_EQ(1, allowed_cpus(&cpu, 1));

	/* Solo run on this thread: how many iterations take the target time. */
	vm_create(_metadata, *sys_fd, &vm[0], count_regs_begin,
		  count_regs_end);
	cal.v = vcpu_add(_metadata, &vm[0], 0, GUEST_LOAD_ADDR, 2,
			 PREEMPT_CAL_ITERS);
	cal.cpu = cpu;
	spinner_fn(&cal);
	expect_count_regs(_metadata, &cal, 2, PREEMPT_CAL_ITERS);
	vm_destroy(&vm[0]);
	k[0] = PREEMPT_CAL_ITERS * PREEMPT_TARGET_MS * 1000000 /
	       (cal.cpu_ns ?: 1);
	if (k[0] < PREEMPT_CAL_ITERS)
		k[0] = PREEMPT_CAL_ITERS;
	if (k[0] > PREEMPT_MAX_ITERS)
		k[0] = PREEMPT_MAX_ITERS;
	k[1] = k[0] + 1000;	/* different counts expose mixed-up state */
	TH_LOG("%llu iterations took %llu us; running %llu and %llu",
	       PREEMPT_CAL_ITERS, ULL(cal.cpu_ns / 1000), ULL(k[0]),
	       ULL(k[1]));

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 2));
	for (i = 0; i < 2; i++) {
		vm_create(_metadata, *sys_fd, &vm[i], count_regs_begin,
			  count_regs_end);
		s[i].v = vcpu_add(_metadata, &vm[i], 0, GUEST_LOAD_ADDR, i,
				  k[i]);
		s[i].cpu = cpu;
		s[i].start = &start;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&thread[i], NULL, spinner_fn, &s[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(thread[i], NULL));
	pthread_barrier_destroy(&start);

	for (i = 0; i < 2; i++) {
		__u64 wall = s[i].t_end - s[i].t_start;

		expect_count_regs(_metadata, &s[i], i, k[i]);
		ASSERT_LT(0ULL, s[i].v->run->host_irq_exits);
		TH_LOG("cpu id %u: RUN took %llu us for %llu us of CPU", i,
		       ULL(wall / 1000), ULL(s[i].cpu_ns / 1000));
		ASSERT_LT(s[i].cpu_ns + s[i].cpu_ns / 4, wall)
			TH_LOG("cpu id %u was not preempted inside RUN", i);
	}
	ASSERT_LT(s[0].t_start, s[1].t_end);
	ASSERT_LT(s[1].t_start, s[0].t_end);
	for (i = 0; i < 2; i++)
		vm_destroy(&vm[i]);
}

#endif /* _AXVCPU_RUN_UTIL_H */
