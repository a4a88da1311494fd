// SPDX-License-Identifier: GPL-2.0
/*
 * The run_test library: the harness of the guest-running tests (see
 * include/run_util.h), built for the target's arch.
 */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "run_util.h"

#define HALT_SLEEP_US	1000	/* pause before re-running a guest in WFI */

/* One line describing the last exit, for failure messages. */
const char *describe_exit(const struct axvcpu_run *run, char *buf, size_t len)
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
	case AXVCPU_EXIT_MEMORY_FAULT:
		snprintf(buf, len, "MEMORY_FAULT addr %#llx access %#x error %d",
			 ULL(run->memory_fault.addr), run->memory_fault.access,
			 run->memory_fault.error);
		break;
	default:
		snprintf(buf, len, "exit reason %u", run->exit_reason);
		break;
	}
	return buf;
}

/* Describe what __run_next() returned: an errno, or the exit. */
const char *describe_result(int r, const struct axvcpu_run *run, char *buf,
			    size_t len)
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
int __run_next(struct vcpu *v, bool skip_halt)
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

int run_next(struct __test_metadata *_metadata, struct vcpu *v, bool skip_halt)
{
	int r = __run_next(v, skip_halt);

	ASSERT_LE(0, r) TH_LOG("RUN: %s", strerror(-r));
	return r;
}

/* Run to the next non-REPORT exit and require it to be @reason. */
void expect_exit(struct __test_metadata *_metadata, struct vcpu *v,
		 __u32 reason, bool skip_halt)
{
	char buf[256];
	int r = run_next(_metadata, v, skip_halt);

	ASSERT_EQ(reason, (__u32)r)
		TH_LOG("want exit %u, got %s", reason,
		       describe_exit(v->run, buf, sizeof(buf)));
}

/* One RUN that must end at a REPORT of @value (not recorded). */
void expect_report(struct __test_metadata *_metadata, struct vcpu *v,
		   __u64 value)
{
	char buf[256];

	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0));
	ASSERT_TRUE(is_test_call(v->run, TEST_FID_REPORT) &&
		    v->run->hypercall.args[0] == value)
		TH_LOG("want REPORT %#llx, got %s", ULL(value),
		       describe_exit(v->run, buf, sizeof(buf)));
}

/* Run to the next non-REPORT exit and require the guest's DONE. */
void expect_done(struct __test_metadata *_metadata, struct vcpu *v,
		 bool skip_halt)
{
	char buf[256];

	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, skip_halt);
	ASSERT_TRUE(is_test_call(v->run, TEST_FID_DONE))
		TH_LOG("want DONE, got %s",
		       describe_exit(v->run, buf, sizeof(buf)));
}

void check_reports(struct __test_metadata *_metadata, const struct vcpu *v,
		   const __u64 *want, unsigned int n)
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

/*
 * A VM with GUEST_RAM_SIZE bytes at GUEST_RAM_BASE holding one program at
 * GUEST_LOAD_ADDR.
 */
void vm_create(struct __test_metadata *_metadata, int sys_fd, struct vm *vm,
	       const char *begin, const char *end)
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

void vm_destroy(struct vm *vm)
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
struct vcpu *vcpu_create(struct __test_metadata *_metadata, struct vm *vm,
			 unsigned int id)
{
	struct vcpu *v = &vm->vcpu[id];

	v->fd = axvcpu_create_vcpu(vm->fd, id);
	ASSERT_LE(0, v->fd) TH_LOG("CREATE_VCPU %u: %s", id, strerror(-v->fd));
	v->run = axvcpu_map_run(v->fd);
	ASSERT_NE(NULL, v->run) TH_LOG("mmap run page: %s", strerror(errno));
	return v;
}

/* vcpu_setup_flags() without flags. */
void vcpu_setup(struct __test_metadata *_metadata, struct vcpu *v,
		__u64 entry, __u64 cpu, __u64 arg)
{
	vcpu_setup_flags(_metadata, v, entry, cpu, arg, 0);
}

/* vCPU @id entering @entry with cpu id @cpu and argument @arg. */
struct vcpu *vcpu_add(struct __test_metadata *_metadata, struct vm *vm,
		      unsigned int id, __u64 entry, __u64 cpu, __u64 arg)
{
	return vcpu_add_flags(_metadata, vm, id, entry, cpu, arg, 0);
}

/* vcpu_add() with the AXVCPU_SETUP_* @flags. */
struct vcpu *vcpu_add_flags(struct __test_metadata *_metadata, struct vm *vm,
			    unsigned int id, __u64 entry, __u64 cpu, __u64 arg,
			    __u32 flags)
{
	struct vcpu *v = vcpu_create(_metadata, vm, id);

	vcpu_setup_flags(_metadata, v, entry, cpu, arg, flags);
	return v;
}

/* AXVCPU_VCPU_IRQ_LINE @vector of @v to @level: 0 or -errno. */
long irq_line(struct vcpu *v, __u32 vector, __u32 level)
{
	struct axvcpu_irq_line line = { .vector = vector, .level = level };

	return axvcpu_ioctl(v->fd, AXVCPU_VCPU_IRQ_LINE, &line);
}

void inject(struct __test_metadata *_metadata, struct vcpu *v, __u32 vector)
{
	struct axvcpu_interrupt irq = { .vector = vector };

	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_INJECT_INTERRUPT, &irq));
}

void set_return_value(struct __test_metadata *_metadata, struct vcpu *v,
		      __u64 value)
{
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_RETURN_VALUE, &value));
}

void get_regs(struct __test_metadata *_metadata, struct vcpu *v,
	      struct axvcpu_regs *regs)
{
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_GET_REGS, regs));
}

void set_gpr(struct __test_metadata *_metadata, struct vcpu *v,
	     unsigned int reg, __u64 val)
{
	struct axvcpu_regs regs;

	get_regs(_metadata, v, &regs);
	regs.gprs[reg] = val;
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs));
}

/* Open the system fd, or SKIP if the module or backend @backend is absent. */
void open_backend(struct __test_metadata *_metadata, int *sys_fd, __u64 backend,
		  const char *name)
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
void install_noop_handler(int sig)
{
	struct sigaction sa = { .sa_handler = noop_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* One-shot SIGALRM after @ms milliseconds. */
void alarm_ms(unsigned int ms)
{
	struct itimerval it = {
		.it_value = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

__u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

/* The current time of @clk in nanoseconds. */
__u64 clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000 + (__u64)ts.tv_nsec;
}

/* Restrict the calling thread to @cpu: 0 or -errno. */
int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Up to @n CPUs the calling thread may run on, lowest first: how many. */
int allowed_cpus(int *cpus, int n)
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

#define MMIO_WANT_FMT "access %u: want %s %#llx width %u reg %u reg_width %u signed %u data %#llx; got %s"

/*
 * Run @v, set up with the MMIO base as its program's argument, to DONE;
 * check each exit against @acc, answer the reads, and check that after
 * every read the guest reported the value it must have (the loaded
 * register, truncated and extended as the load says).
 */
void check_mmio(struct __test_metadata *_metadata, struct vcpu *v,
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
void run_mmio(struct __test_metadata *_metadata, int sys_fd, const char *begin,
	      const char *end, const struct mmio_access *acc, unsigned int n)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, sys_fd, &vm, begin, end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_MMIO_BASE);
	check_mmio(_metadata, v, acc, n);
	vm_destroy(&vm);
}

void expect_sysreg_read(struct __test_metadata *_metadata, struct vcpu *v,
			__u64 addr, __u32 reg, __u64 value)
{
	expect_exit(_metadata, v, AXVCPU_EXIT_SYSREG_READ, false);
	ASSERT_EQ_X(addr, v->run->sysreg.addr);
	ASSERT_EQ(reg, v->run->sysreg.reg);
	v->run->sysreg.value = value;
}

void expect_sysreg_write(struct __test_metadata *_metadata, struct vcpu *v,
			 __u64 addr, __u64 value)
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
 * Run @v to the guest's DONE on this thread (re-running it on every HALT
 * if @skip_halt) while a second thread injects @vector into it after
 * @delay_ms; the injection must have succeeded.
 */
void run_injecting(struct __test_metadata *_metadata, struct vcpu *v,
		   __u32 vector, unsigned int delay_ms, bool skip_halt)
{
	struct injector inj = {
		.fd = v->fd, .vector = vector, .delay_ms = delay_ms,
	};
	pthread_t thread;

	ASSERT_EQ(0, pthread_create(&thread, NULL, injector_fn, &inj));
	expect_done(_metadata, v, skip_halt);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(0, inj.ret) TH_LOG("INJECT: %s", strerror(-inj.ret));
}

/*
 * Run the irq program, waiting for an interrupt (or spinning, if @spin),
 * while a second thread injects @vector after INJECT_DELAY_MS, re-running
 * it on every HALT as a VMM would; the guest's handler must have taken
 * it, once (expect_irq_taken()). Returns the vCPU, at DONE, in @vm.
 */
struct vcpu *run_injected(struct __test_metadata *_metadata, int sys_fd,
			  struct vm *vm, __u32 vector, bool spin)
{
	struct vcpu *v;

	vm_create(_metadata, sys_fd, vm, irq_begin, irq_end);
	v = vcpu_add(_metadata, vm, 0, GUEST_LOAD_ADDR, 0, spin);
	run_injecting(_metadata, v, vector, INJECT_DELAY_MS, true);
	expect_irq_taken(_metadata, v, vector);
	return v;
}

/* The thread of run_woken(). */
struct waker {
	struct vcpu *v;
	__u32 vector;
	bool line;
	bool saw_halt;
	long ret;
};

static void *waker_fn(void *arg)
{
	struct waker *w = arg;
	struct axvcpu_interrupt irq = { .vector = w->vector };
	unsigned int i;

	for (i = 0; i < 10000 && !w->saw_halt; i++) {
		w->saw_halt = __atomic_load_n(&w->v->run->halts, __ATOMIC_ACQUIRE);
		if (!w->saw_halt)
			usleep(1000);
	}
	usleep(WAKE_DELAY_MS * 1000);
	if (w->line)
		w->ret = irq_line(w->v, w->vector, 1);
	else
		w->ret = axvcpu_ioctl(w->v->fd, AXVCPU_VCPU_INJECT_INTERRUPT, &irq);
	return NULL;
}

/*
 * Run @v, set up with AXVCPU_SETUP_KERNEL_HALT, to its DONE while a
 * second thread waits until RUN halts in the kernel (run->halts moves),
 * then WAKE_DELAY_MS more, and injects @vector or, if @line, asserts that
 * line. The halt was waited out asleep: a handful of kernel exits, not
 * one per WFI. Returns how long it took in ms; the caller checks what the
 * guest reported.
 */
__u64 run_woken(struct __test_metadata *_metadata, struct vcpu *v,
		__u32 vector, bool line)
{
	struct waker w = { .v = v, .vector = vector, .line = line };
	pthread_t thread;
	__u64 start = now_ms();

	ASSERT_EQ(0, pthread_create(&thread, NULL, waker_fn, &w));
	expect_done(_metadata, v, false);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_TRUE(w.saw_halt);
	ASSERT_EQ(0, w.ret) TH_LOG("wake: %s", strerror(-w.ret));
	ASSERT_LE(1ULL, v->run->halts);
	ASSERT_GT(20ULL, v->run->kernel_exits)
		TH_LOG("%llu kernel exits for %llu halts", ULL(v->run->kernel_exits),
		       ULL(v->run->halts));
	return now_ms() - start;
}
