// SPDX-License-Identifier: GPL-2.0
/*
 * The tests every arch shares (include/common_tests.h): they run the
 * shared guest programs, and each arch's run_<arch>.c registers them with
 * TEST_F() wrappers of its own fixture.
 */
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "axvcpu_stats.h"
#include "common_tests.h"

/*
 * At an MMIO_READ exit, before the VMM completes it, GET_REGS already
 * reads the pc after the load (the arch's mmio_read_next label) and the
 * destination register as it was (@rt_before, if the program set it);
 * the next RUN writes it and goes on from that pc. @acc are the first
 * two reads of the arch's mmio_read program.
 */
void common_mmio_read_pc_past_load(struct __test_metadata *_metadata,
				   int *sys_fd, const struct mmio_access *acc,
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
 * The run page is the VMM's to write: what RUN completes a read with is
 * the VMM's value, and nothing else it finds there. Every read of the
 * arch's mmio_read program (@acc, @n of them) is completed after its
 * width, register, register width and extension in the run page were
 * overwritten with nonsense (a width of 0 with sign extension, another
 * register or none, an 8-byte access named 1 byte): the guest must still
 * get each value as the load it executed defines it.
 */
void common_mmio_read_run_page_tampered(struct __test_metadata *_metadata,
					int *sys_fd,
					const struct mmio_access *acc,
					unsigned int n)
{
	static const struct { __u32 width, reg, reg_width, sign; } junk[] = {
		{ 0, 1, 0, 1 }, { 3, 31, 16, 1 }, { 16, 200, 1, 0 },
		{ 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
	};
	__u64 want[MAX_REPORTS];
	unsigned int i, j = 0, nr_want = 0;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, *sys_fd, &vm, mmio_read_begin, mmio_read_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, GUEST_MMIO_BASE);
	for (i = 0; i < n; i++) {
		struct axvcpu_exit_mmio *m = &v->run->mmio;

		if (acc[i].write) {
			expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_WRITE, false);
			continue;
		}
		expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_READ, false);
		ASSERT_EQ_X(GUEST_MMIO_BASE + acc[i].off, m->addr);
		m->width = junk[j].width;
		m->reg = junk[j].reg;
		m->reg_width = junk[j].reg_width;
		m->signed_ext = junk[j].sign;
		j = (j + 1) % ARRAY_SIZE(junk);
		m->data = acc[i].data;
		ASSERT_GT((unsigned int)MAX_REPORTS, nr_want);
		want[nr_want++] = acc[i].result;
	}
	expect_done(_metadata, v, false);
	check_reports(_metadata, v, want, nr_want);
	vm_destroy(&vm);
}

/*
 * immediate_exit: RUN fails with EINTR without entering the guest, but
 * still completes a pending MMIO read, exactly once. @acc are the first
 * two reads of the arch's mmio_read program.
 */
void common_immediate_exit_returns_eintr(struct __test_metadata *_metadata,
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
void common_npf_readonly_store(struct __test_metadata *_metadata, int *sys_fd)
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
void common_npf_fetch_outside(struct __test_metadata *_metadata, int *sys_fd)
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
void common_npf_jump_to_unmapped(struct __test_metadata *_metadata, int *sys_fd)
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
void common_halt(struct __test_metadata *_metadata, int *sys_fd,
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
void common_inject_queued_before_run(struct __test_metadata *_metadata,
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
void common_inject_between_runs(struct __test_metadata *_metadata, int *sys_fd,
				const __u32 *vectors, unsigned int n)
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
void common_inject_invalid_vector(struct __test_metadata *_metadata,
				  int *sys_fd, const __u32 *bad, unsigned int n,
				  __u32 good)
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
void common_spin_interrupted_by_signal(struct __test_metadata *_metadata,
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

/* The calling thread's CPU and guest time, in clock ticks. */
static void thread_times(struct __test_metadata *_metadata,
			 unsigned long long *cpu, unsigned long long *guest)
{
	unsigned long long utime, stime;
	char buf[1024], *p;
	int fd, i, field;
	ssize_t n;

	fd = open("/proc/thread-self/stat", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	/*
	 * Field 2 (comm) may hold spaces: start at its closing ')'; each
	 * step moves to the space before the next field.
	 */
	p = strrchr(buf, ')');
	for (field = 2; field < 14 && p; field++)
		p = strchr(p + 1, ' ');
	ASSERT_NE(NULL, p);
	i = sscanf(p, " %llu %llu", &utime, &stime);	/* fields 14, 15 */
	ASSERT_EQ(2, i);
	for (; field < 43 && p; field++)
		p = strchr(p + 1, ' ');
	ASSERT_NE(NULL, p);
	i = sscanf(p, " %llu", guest);			/* field 43 */
	ASSERT_EQ(1, i);
	*cpu = utime + stime;
}

/*
 * Time in guest mode is guest time, as for a KVM vCPU thread: while the
 * spin program runs for half a second, most of the thread's CPU time
 * goes to its guest_time (field 43 of /proc/thread-self/stat, summed
 * into /proc/stat's guest column), not to system time.
 */
void common_guest_time_accounted(struct __test_metadata *_metadata,
				 int *sys_fd)
{
	unsigned long long cpu0, guest0, cpu1, guest1;
	struct vcpu *v;
	struct vm vm;

	install_noop_handler(SIGALRM);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);

	thread_times(_metadata, &cpu0, &guest0);
	alarm_ms(500);
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	thread_times(_metadata, &cpu1, &guest1);
	TH_LOG("thread CPU %llu ticks, guest %llu ticks, %llu exits",
	       cpu1 - cpu0, guest1 - guest0, ULL(v->run->exits));
	ASSERT_LT(0ULL, guest1 - guest0);
	ASSERT_LE(cpu1 - cpu0, 2 * (guest1 - guest0));
	vm_destroy(&vm);
}

/* The signal sender of signal_ends_run_within_one_exit. */
struct signaller {
	pthread_t target;
	struct axvcpu_run *run;
	int round;		/* the round the target is in (or entering) */
	int ended;		/* the last round whose RUN returned */
	int sent;		/* the last round with @exits_after set */
	__u64 exits_after;	/* run->exits just after the last signal */
	unsigned int seed;
};

static void *signaller_fn(void *arg)
{
	struct signaller *s = arg;
	int r, done = 0;

	for (;;) {
		while ((r = __atomic_load_n(&s->round, __ATOMIC_SEQ_CST)) == done)
			usleep(100);
		if (r < 0)
			return NULL;
		usleep(rand_r(&s->seed) % 3000);
		/*
		 * Again if the target was not in RUN yet: its handler took
		 * that signal in user mode.
		 */
		while (__atomic_load_n(&s->ended, __ATOMIC_SEQ_CST) != r) {
			pthread_kill(s->target, SIGUSR1);
			__atomic_store_n(&s->exits_after,
					 __atomic_load_n(&s->run->exits,
							 __ATOMIC_SEQ_CST),
					 __ATOMIC_SEQ_CST);
			__atomic_store_n(&s->sent, r, __ATOMIC_SEQ_CST);
			usleep(20 * 1000);
		}
		done = r;
	}
}

#define SIGNAL_ROUNDS	50

/*
 * A signal sent at a random moment of RUN (0-3 ms after the vCPU thread
 * went in, in any phase of the run loop) ends it with EINTR within one
 * exit: once the signal is pending (pthread_kill() returned), the guest
 * exits at most once more (at the signal's IPI, or the exit in flight),
 * because the last check before each entry runs with interrupts off. The
 * vCPU is Free afterwards and its guest goes on at the next RUN.
 */
void common_signal_ends_run_within_one_exit(struct __test_metadata *_metadata,
					    int *sys_fd)
{
	struct signaller s = { .seed = 1 };
	pthread_t thread;
	struct vcpu *v;
	struct vm vm;
	__u64 worst = 0;
	int i;

	install_noop_handler(SIGUSR1);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	s.target = pthread_self();
	s.run = v->run;
	ASSERT_EQ(0, pthread_create(&thread, NULL, signaller_fn, &s));

	for (i = 1; i <= SIGNAL_ROUNDS; i++) {
		__u64 n;

		__atomic_store_n(&s.round, i, __ATOMIC_SEQ_CST);
		ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR)
			TH_LOG("round %d", i);
		while (__atomic_load_n(&s.sent, __ATOMIC_SEQ_CST) != i)
			usleep(100);
		n = v->run->exits -
		    __atomic_load_n(&s.exits_after, __ATOMIC_SEQ_CST);
		__atomic_store_n(&s.ended, i, __ATOMIC_SEQ_CST);
		ASSERT_LE(n, 1ULL)
			TH_LOG("round %d: %llu exits after the signal", i, ULL(n));
		if (n > worst)
			worst = n;
		ASSERT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(v->fd));
	}
	__atomic_store_n(&s.round, -1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%d signals, at most %llu exits from a signal to the end of RUN",
	       SIGNAL_ROUNDS, ULL(worst));

	set_gpr(_metadata, v, GUEST_ARG_REG, 1);	/* leave the loop */
	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

/*
 * VMs that take turns on a CPU never see each other's memory. Every VM
 * of axvcpu tags its TLB entries with the same VMID on riscv64 and
 * arm64, and a bind flushes it unless the same vCPU was last bound there
 * and nowhere else since (design.rst, bind). Two VMs whose RAM holds
 * different words at the same guest address run read_data in turns on
 * one CPU, then on the other, and back; each reads its own word every
 * time, also when its vCPU is bound again where it last ran with nothing
 * in between.
 */
void common_vms_in_turns_read_own_memory(struct __test_metadata *_metadata,
					 int *sys_fd)
{
	struct vcpu *v[2];
	struct vm vm[2];
	int cpus[2], n, i, k;

	n = allowed_cpus(cpus, 2);
	ASSERT_LE(1, n);
	for (i = 0; i < 2; i++) {
		vm_create(_metadata, *sys_fd, &vm[i], read_data_begin,
			  read_data_end);
		vm_data(&vm[i])[0] = 0x1111ULL * (i + 1);
		v[i] = vcpu_add(_metadata, &vm[i], 0, GUEST_LOAD_ADDR, 0, 0);
	}
	for (k = 0; k < 24; k++) {
		ASSERT_EQ(0, pin_to_cpu(cpus[(k / 8) % n]));
		for (i = 0; i < 2; i++) {
			expect_report(_metadata, v[i], 0x1111ULL * (i + 1));
			if (k % 4 == 3)	/* bound again, nothing in between */
				expect_report(_metadata, v[i],
					      0x1111ULL * (i + 1));
		}
	}
	for (i = 0; i < 2; i++)
		vm_destroy(&vm[i]);
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
void common_close_fds_while_running(struct __test_metadata *_metadata,
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
void common_run_page_stats(struct __test_metadata *_metadata, int *sys_fd)
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
void common_vcpu_migrates_between_cpus(struct __test_metadata *_metadata,
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
void common_two_vcpus_run_concurrently(struct __test_metadata *_metadata,
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

/*
 * A VM with as many vCPUs as AXVCPU_CAP_MAX_VCPUS says, each set up with
 * its id as cpu id; one id more is refused. Every 16th and the last run
 * once, to the mmio_read program's first MMIO read (vmm/bench runs them
 * all, on the release kernel; on the riscv64 debug kernel under TCG the
 * test takes 36 s so, 141 s with all run). Each fd is closed once done
 * with (the vCPU lives on with the VM), so the test needs no more fds
 * than any other.
 */
void common_max_vcpus_each_run(struct __test_metadata *_metadata, int *sys_fd)
{
	__u64 max, id, t0 = clock_ns(CLOCK_MONOTONIC);
	struct vcpu v = { 0 };
	unsigned int runs = 0;
	struct vm vm;

	ASSERT_EQ(0, axvcpu_check_cap(*sys_fd, AXVCPU_CAP_MAX_VCPUS, &max));
	ASSERT_LE(2ULL, max);
	vm_create(_metadata, *sys_fd, &vm, mmio_read_begin, mmio_read_end);
	for (id = 0; id < max; id++) {
		v.fd = axvcpu_create_vcpu(vm.fd, id);
		ASSERT_LE(0, v.fd)
			TH_LOG("CREATE_VCPU %llu of %llu: %s", ULL(id), ULL(max),
			       strerror(-v.fd));
		v.run = axvcpu_map_run(v.fd);
		ASSERT_NE(NULL, v.run);
		vcpu_setup(_metadata, &v, GUEST_LOAD_ADDR, id, GUEST_MMIO_BASE);
		if (!(id % 16) || id == max - 1) {
			v.nr_runs = 0;
			expect_exit(_metadata, &v, AXVCPU_EXIT_MMIO_READ, false);
			ASSERT_EQ(GUEST_MMIO_BASE, v.run->mmio.addr & ~0xfffULL)
				TH_LOG("vCPU %llu", ULL(id));
			runs++;
		}
		munmap(v.run, getpagesize());
		close(v.fd);
	}
	ASSERT_EQ(-EINVAL, axvcpu_create_vcpu(vm.fd, max));
	TH_LOG("%llu vCPUs created, %u of them run once, in %llu ms", ULL(max),
	       runs, ULL((clock_ns(CLOCK_MONOTONIC) - t0) / 1000000));
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
void common_preempted_while_running(struct __test_metadata *_metadata,
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

/* ------------------------------------------------- guest memory is VMM memory */

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* The data page of @vm's RAM, in the VMM. */
static char *data_page(const struct vm *vm)
{
	return (char *)vm->ram + GUEST_DATA_OFF;
}

/* Whether the VMM's page at @p is swapped out (pagemap bit 62). */
static bool page_swapped(void *p)
{
	__u64 e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return false;
	if (pread(fd, &e, sizeof(e), (unsigned long)p / getpagesize() * sizeof(e)) !=
	    sizeof(e))
		e = 0;
	close(fd);
	return e & (1ULL << 62);
}

/*
 * Swap the VMM's page at @p out with MADV_PAGEOUT. Reclaim skips a page
 * that is not on an LRU list yet, still in the per-CPU batch of the CPU
 * that faulted it, which only that CPU drains: so try from each CPU the
 * thread may run on, a few times, then restore the thread's affinity.
 */
static bool page_out(void *p)
{
	bool done = false;
	cpu_set_t saved;
	int cpus[8], n, i, j;

	if (sched_getaffinity(0, sizeof(saved), &saved))
		return false;
	n = allowed_cpus(cpus, 8);
	for (i = 0; i < 10 && !done; i++) {
		for (j = 0; j < n && !done; j++) {
			if (pin_to_cpu(cpus[j]) ||
			    madvise(p, getpagesize(), MADV_PAGEOUT))
				break;
			done = page_swapped(p);
		}
		if (!done)
			usleep(10000);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	return done;
}

/*
 * Swap space for the tests: what is on already, else the test kernel's
 * zram device (CONFIG_ZRAM) made a 32 MiB swap area. Returns false if the
 * kernel has neither.
 */
static bool swap_available(void)
{
	static const char magic[] = "SWAPSPACE2";
	size_t page = getpagesize(), size = 32U << 20;
	char line[256], *hdr;
	bool on = false;
	FILE *f;
	int fd;

	f = fopen("/proc/swaps", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		on |= strncmp(line, "Filename", 8) != 0;
	fclose(f);
	if (on)
		return true;

	fd = open("/sys/block/zram0/disksize", O_WRONLY);
	if (fd < 0)
		return false;
	snprintf(line, sizeof(line), "%zu", size);
	on = write(fd, line, strlen(line)) > 0;
	close(fd);
	/* The swap header (mkswap): version 1, last page, at byte 1024. */
	hdr = calloc(1, page);
	fd = on && hdr ? open("/dev/zram0", O_WRONLY) : -1;
	if (fd >= 0) {
		((__u32 *)(hdr + 1024))[0] = 1;
		((__u32 *)(hdr + 1024))[1] = size / page - 1;
		memcpy(hdr + page - 10, magic, 10);
		on = pwrite(fd, hdr, page, 0) == (ssize_t)page;
		close(fd);
	}
	free(hdr);
	return fd >= 0 && on && syscall(__NR_swapon, "/dev/zram0", 0) == 0;
}

/*
 * The guest sees the VMM's memory as the VMM sees it now, as KVM's guests
 * do: read_data reports the first data word at every RUN. After
 * MADV_DONTNEED the guest reads the VMM's fresh zero page, then what the
 * VMM writes to it; after a new mmap() over the page, the new page; with
 * the page unmapped, RUN exits with MEMORY_FAULT (EFAULT) and runs on once
 * the VMM maps it again; after the page was swapped out, it reads it back
 * (if the kernel has swap). A pinned region would keep the old page.
 */
void common_memory_follows_vmm(struct __test_metadata *_metadata, int *sys_fd)
{
	size_t page = getpagesize();
	struct vcpu *v;
	struct vm vm;
	char buf[256];
	__u64 *word;
	void *p;

	vm_create(_metadata, *sys_fd, &vm, read_data_begin, read_data_end);
	word = vm_data(&vm);
	*word = 0xa1;
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	expect_report(_metadata, v, 0xa1);

	ASSERT_EQ(0, madvise(data_page(&vm), page, MADV_DONTNEED));
	expect_report(_metadata, v, 0);
	*word = 0xb2;
	expect_report(_metadata, v, 0xb2);

	p = mmap(data_page(&vm), page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ(p, (void *)data_page(&vm));
	*word = 0xc3;
	expect_report(_metadata, v, 0xc3);

	ASSERT_EQ(0, munmap(data_page(&vm), page));
	ASSERT_EQ(AXVCPU_EXIT_MEMORY_FAULT, __run_next(v, false))
		TH_LOG("got %s", describe_exit(v->run, buf, sizeof(buf)));
	ASSERT_EQ_X(GUEST_RAM_BASE + GUEST_DATA_OFF, v->run->memory_fault.addr);
	EXPECT_EQ(AXVCPU_ACCESS_READ, v->run->memory_fault.access);
	EXPECT_EQ(EFAULT, v->run->memory_fault.error);
	p = mmap(data_page(&vm), page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ(p, (void *)data_page(&vm));
	*word = 0xd4;
	expect_report(_metadata, v, 0xd4);

	if (swap_available()) {
		*word = 0xe5;
		ASSERT_TRUE(page_out(data_page(&vm)));
		expect_report(_metadata, v, 0xe5);
	} else {
		TH_LOG("no swap: the swap-out case did not run");
	}
	vm_destroy(&vm);
}

#define SWAP_ROUNDS	8U

/*
 * Guest writes survive swap-out: count_mmio increments its RAM counter
 * before every exit and checks it after (FAIL 2 if it changed). The VMM
 * swaps the counter's page out at every exit; the guest's next increment
 * swaps it in, and the write after it must reach swap the next time: a
 * write through the stage-2 never dirties the VMM's page table, so the
 * module marks the page dirty when it maps it writable.
 */
void common_guest_writes_survive_swap(struct __test_metadata *_metadata,
				      int *sys_fd)
{
	unsigned int i;
	struct vcpu *v;
	struct vm vm;
	char buf[256];
	int r;

	if (!swap_available())
		SKIP(return, "the kernel has no swap");
	vm_create(_metadata, *sys_fd, &vm, count_mmio_begin, count_mmio_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, SWAP_ROUNDS);
	for (i = 0; i < SWAP_ROUNDS; i++) {
		r = next_count_store(v, 0, i + 1);
		ASSERT_EQ(0, r) TH_LOG("store %u: %s", i + 1,
				       describe_result(r, v->run, buf, sizeof(buf)));
		ASSERT_EQ_X(i + 1, count_mmio_ram(&vm, 0));
		ASSERT_TRUE(page_out(data_page(&vm))) TH_LOG("round %u", i);
	}
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, SWAP_ROUNDS, SWAP_ROUNDS);
	ASSERT_EQ_X(SWAP_ROUNDS, count_mmio_ram(&vm, 0));
	vm_destroy(&vm);
}

#define BLOCK		(2UL << 20)
#define BIG_PAGES(p)	(2 * BLOCK / (p))

/* AnonHugePages of the VMM's mapping that starts at @start, in bytes. */
static long anon_huge_bytes(void *start)
{
	char line[256], want[32];
	bool in = false;
	long kb = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)start);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') > strchr(line, '-') &&
		    isxdigit((unsigned char)line[0]))
			in = !strncmp(line, want, strlen(want));
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb * 1024;
}

/* Run touch over the big region on a new vCPU: its stage-2 faults. */
static __u64 touch_faults(struct __test_metadata *_metadata, struct vm *vm,
			  unsigned int id, size_t pages)
{
	struct vcpu *v = vcpu_add(_metadata, vm, id, GUEST_LOAD_ADDR, 0, pages);

	expect_done(_metadata, v, false);
	return v->run->kernel_exits;
}

/*
 * Guest memory is mapped at the guest's first access, 4 KiB at a time
 * or 2 MiB at once where the VMM has a transparent huge page. A 4 MiB
 * region: its first 2 MiB in small pages (MADV_NOHUGEPAGE), its second a
 * huge page (MADV_HUGEPAGE), all written by the VMM first. touch writes
 * the first word of every page: one stage-2 fault per small page (so
 * nothing was mapped before; a pinned region has none) and one for the
 * whole huge page; the VMM reads what the guest wrote. MADV_DONTNEED of
 * one small page of the huge one splits it: the block goes, and a second
 * touch faults 4 KiB pages there again (and nowhere else).
 */
void common_memory_mapped_on_demand(struct __test_metadata *_metadata,
				    int *sys_fd)
{
	size_t page = getpagesize(), i, n = BIG_PAGES(page);
	bool thp = access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
	__u64 faults, slack = 64;
	char *raw, *big;
	struct vm vm;

	raw = mmap(NULL, 3 * BLOCK, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	big = (char *)(((unsigned long)raw + BLOCK - 1) & ~(BLOCK - 1));
	ASSERT_EQ(0, madvise(big, BLOCK, MADV_NOHUGEPAGE));
	if (thp)
		ASSERT_EQ(0, madvise(big + BLOCK, BLOCK, MADV_HUGEPAGE));
	memset(big, 0xff, 2 * BLOCK);
	if (thp && anon_huge_bytes(big + BLOCK) < (long)BLOCK) {
		TH_LOG("no transparent huge page for the second 2 MiB");
		thp = false;
	}

	vm_create(_metadata, *sys_fd, &vm, touch_begin, touch_end);
	ASSERT_EQ(0, axvcpu_set_region(vm.fd, 1, 0, GUEST_BIG_BASE, 2 * BLOCK, big));
	faults = touch_faults(_metadata, &vm, 0, n);
	TH_LOG("%zu pages touched, small then huge: %llu stage-2 faults", n,
	       ULL(faults));
	EXPECT_LE(n / 2, faults);
	if (thp)
		EXPECT_GE(n / 2 + slack, faults)
			TH_LOG("%llu stage-2 faults: the huge page was not one block",
			       ULL(faults));
	for (i = 0; i < n; i++)
		ASSERT_EQ_X(i + 1, *(__u64 *)(big + i * page));

	ASSERT_EQ(0, madvise(big + BLOCK + 7 * page, page, MADV_DONTNEED));
	ASSERT_EQ_X(0, *(__u64 *)(big + BLOCK + 7 * page));
	faults = touch_faults(_metadata, &vm, 1, n);
	TH_LOG("again, after the huge page was split: %llu stage-2 faults",
	       ULL(faults));
	EXPECT_LE(1ULL, faults);
	EXPECT_GE(n / 2 + slack, faults) TH_LOG("%llu stage-2 faults", ULL(faults));
	for (i = 0; i < n; i++)
		ASSERT_EQ_X(i + 1, *(__u64 *)(big + i * page));
	vm_destroy(&vm);
	munmap(raw, 3 * BLOCK);
}

/*
 * The arch's halt program, from @begin to @end, halting before @ret and
 * REPORTing 0x77 after, set up with AXVCPU_SETUP_KERNEL_HALT.
 * A signal ends an in-kernel halt: RUN fails with EINTR after the signal
 * (a WFI with nothing pending would sleep for ever), the pc is past the
 * WFI, and the next RUN goes on from there without halting again.
 */
void common_kernel_halt_interrupted_by_signal(struct __test_metadata *_metadata,
					      int *sys_fd, const char *begin,
					      const char *end, const char *ret)
{
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;
	__u64 start;

	install_noop_handler(SIGALRM);
	vm_create(_metadata, *sys_fd, &vm, begin, end);
	v = vcpu_add_flags(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0,
			   KERNEL_HALT);
	start = now_ms();
	alarm_ms(100);
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_RUN, 0), EINTR);
	ASSERT_LE(90ULL, now_ms() - start);
	ASSERT_EQ(1ULL, v->run->halts);
	ASSERT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(v->fd));
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(guest_addr(begin, ret), regs.pc);

	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0x77);
	ASSERT_EQ(1ULL, v->run->halts);
	vm_destroy(&vm);
}

/*
 * The arch's irq_level program, from @begin to @end (REPORT 0, then its
 * handler REPORTs @taken on each entry and returns without touching the
 * source). IRQ_LINE is level-triggered: while @line is asserted the guest
 * takes it again after each return (three times here); once deasserted,
 * not any more, and the guest runs to its end, reporting 3 entries.
 */
void common_irq_line_level_triggered(struct __test_metadata *_metadata,
				     int *sys_fd, const char *begin,
				     const char *end, __u32 line, __u64 taken)
{
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, *sys_fd, &vm, begin, end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	expect_report(_metadata, v, 0);
	ASSERT_EQ(0, irq_line(v, line, 1));
	for (i = 0; i < 3; i++)
		expect_report(_metadata, v, taken);
	ASSERT_EQ(0, irq_line(v, line, 0));
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 3);
	vm_destroy(&vm);
}

/* ---------------------------------------------------------- statistics */

#define STATS_ITERS	20ULL

/* Run count_mmio to DONE: its STATS_ITERS stores, then its REPORTs. */
static void run_count_mmio(struct __test_metadata *_metadata, struct vcpu *v)
{
	unsigned int i;

	for (i = 0; i < STATS_ITERS; i++)
		expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_WRITE, false);
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, STATS_ITERS, STATS_ITERS);
}

/* The sum of the vCPU counters named exits_<reason>. */
static __u64 user_exits(const struct axvcpu_stats *s)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < s->h.num_desc; i++)
		if (!strncmp(axvcpu_stats_desc(s, i)->name, "exits_", 6))
			sum += axvcpu_stats_value(s, i);
	return sum;
}

/*
 * The stats fds of a VM and a vCPU: KVM's binary layout (header, id,
 * descriptors, data) with the ids and counters documented, and counts that
 * match what the guest did: count_mmio's STATS_ITERS MMIO stores, two
 * REPORTs and DONE each an exit of its reason, every exit counted once
 * (handled in the kernel, a host interrupt or returned), as the run page
 * counts them. A stats fd is read-only and cannot be written or mapped.
 */
void common_stats_fd(struct __test_metadata *_metadata, int *sys_fd)
{
	struct axvcpu_stats vs, cs;
	char id[AXVCPU_STATS_NAME_SIZE];
	unsigned int i;
	struct vcpu *v;
	struct vm vm;
	__u64 cap;

	ASSERT_EQ(0, axvcpu_check_cap(*sys_fd, AXVCPU_CAP_STATS_FD, &cap));
	ASSERT_EQ(1ULL, cap);
	vm_create(_metadata, *sys_fd, &vm, count_mmio_begin, count_mmio_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, STATS_ITERS);
	ASSERT_EQ(0, axvcpu_stats_open(&vs, vm.fd, AXVCPU_VM_GET_STATS_FD));
	ASSERT_EQ(0, axvcpu_stats_open(&cs, v->fd, AXVCPU_VCPU_GET_STATS_FD));

	/* Layout: header, id, then the descriptors, then the data. */
	snprintf(id, sizeof(id), "axvcpu-%d", getpid());
	ASSERT_STREQ(id, vs.id);
	snprintf(id, sizeof(id), "axvcpu-%d/vcpu-0", getpid());
	ASSERT_STREQ(id, cs.id);
	ASSERT_EQ(sizeof(cs.h), cs.h.id_offset);
	ASSERT_EQ(cs.h.id_offset + AXVCPU_STATS_NAME_SIZE, cs.h.desc_offset);
	ASSERT_EQ(cs.h.desc_offset + cs.h.num_desc * axvcpu_stats_desc_size(&cs),
		  cs.h.data_offset);
	ASSERT_EQ(0U, cs.h.flags);
	for (i = 0; i < cs.h.num_desc; i++) {
		const struct axvcpu_stats_desc *d = axvcpu_stats_desc(&cs, i);

		ASSERT_EQ(1, d->size);
		ASSERT_EQ(0U, d->bucket_size);
		ASSERT_EQ(i * sizeof(__u64), d->offset);
		ASSERT_LT(0, axvcpu_stats_find(&cs, d->name) + 1);
	}
	ASSERT_LE(0, axvcpu_stats_find(&cs, "guest_time_ns"));
	i = axvcpu_stats_find(&cs, "guest_time_ns");
	ASSERT_EQ((__u32)(AXVCPU_STATS_UNIT_SECONDS |
			  AXVCPU_STATS_TYPE_CUMULATIVE),
		  axvcpu_stats_desc(&cs, i)->flags);
	ASSERT_EQ(-9, axvcpu_stats_desc(&cs, i)->exponent);
	i = axvcpu_stats_find(&vs, "vcpus");
	ASSERT_EQ((__u32)AXVCPU_STATS_TYPE_INSTANT,
		  axvcpu_stats_desc(&vs, i)->flags);

	/* A new vCPU has counted nothing; the VM has what it was given. */
	ASSERT_EQ(0ULL, axvcpu_stats_get(&cs, "exits"));
	ASSERT_EQ(0ULL, user_exits(&cs));
	ASSERT_EQ(1ULL, axvcpu_stats_get(&vs, "vcpus"));
	ASSERT_EQ(1ULL, axvcpu_stats_get(&vs, "memory_regions"));
	ASSERT_EQ(1ULL, axvcpu_stats_get(&vs, "regions_set"));
	ASSERT_LT(0ULL, axvcpu_stats_get(&vs, "s2_table_pages"));

	run_count_mmio(_metadata, v);
	ASSERT_EQ(0, axvcpu_stats_read(&cs));
	ASSERT_EQ(STATS_ITERS, axvcpu_stats_get(&cs, "exits_mmio_write"));
	ASSERT_EQ(3ULL, axvcpu_stats_get(&cs, "exits_hypercall"));
	ASSERT_EQ(STATS_ITERS + 3, user_exits(&cs));
	ASSERT_EQ(v->run->exits, axvcpu_stats_get(&cs, "exits"));
	ASSERT_EQ(v->run->kernel_exits, axvcpu_stats_get(&cs, "kernel_exits"));
	ASSERT_EQ(v->run->host_irq_exits,
		  axvcpu_stats_get(&cs, "host_irq_exits"));
	ASSERT_EQ(axvcpu_stats_get(&cs, "exits"),
		  axvcpu_stats_get(&cs, "kernel_exits") +
		  axvcpu_stats_get(&cs, "host_irq_exits") + user_exits(&cs));
	ASSERT_LT(0ULL, axvcpu_stats_get(&cs, "guest_time_ns"));
	/* The guest's first touch of its RAM counter is mapped in the kernel. */
	ASSERT_LT(0ULL, axvcpu_stats_get(&cs, "s2_faults"));
	ASSERT_EQ(0ULL, axvcpu_stats_get(&cs, "signal_exits"));

	/* Read-only; reads past the end are empty. */
	EXPECT_EQ(-1, write(cs.fd, id, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, cs.fd, 0));
	EXPECT_EQ(0, pread(cs.fd, id, sizeof(id), cs.h.data_offset +
			   cs.nr_data * sizeof(__u64)));

	axvcpu_stats_close(&cs);
	axvcpu_stats_close(&vs);
	vm_destroy(&vm);
}

/*
 * A vCPU's stats are read while it runs, without waiting for it (it holds
 * its mutex all the while, so GET_REGS fails with EBUSY): the host's ticks
 * show as host_irq_exits between two reads. A stats fd outlives the fds
 * of its vCPU and VM, and a signal that ends RUN is a signal_exit.
 */
void common_stats_read_while_running(struct __test_metadata *_metadata,
				     int *sys_fd)
{
	struct raw_runner r = { 0 };
	struct axvcpu_regs regs;
	struct axvcpu_stats cs;
	pthread_t thread;
	__u64 before;
	struct vcpu *v;
	struct vm vm;
	int i;

	install_noop_handler(SIGUSR1);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	ASSERT_EQ(0, axvcpu_stats_open(&cs, v->fd, AXVCPU_VCPU_GET_STATS_FD));
	r.fd = v->fd;
	ASSERT_EQ(0, pthread_create(&thread, NULL, raw_runner_fn, &r));
	for (i = 0; i < 1000 && axvcpu_get_state(v->fd) != AXVCPU_STATE_RUNNING;
	     i++)
		usleep(1000);
	ASSERT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_GET_REGS, &regs), EBUSY);
	ASSERT_EQ(0, axvcpu_stats_read(&cs));
	before = axvcpu_stats_get(&cs, "host_irq_exits");
	usleep(100 * 1000);
	ASSERT_EQ(0, axvcpu_stats_read(&cs));
	ASSERT_LT(before, axvcpu_stats_get(&cs, "host_irq_exits"));
	ASSERT_LT(0ULL, axvcpu_stats_get(&cs, "guest_time_ns"));

	for (i = 0; i < 500 && !__atomic_load_n(&r.done, __ATOMIC_SEQ_CST); i++) {
		pthread_kill(thread, SIGUSR1);
		usleep(10 * 1000);
	}
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(-EINTR, r.ret);
	vm_destroy(&vm);	/* the stats fd holds the VM */
	ASSERT_EQ(0, axvcpu_stats_read(&cs));
	ASSERT_EQ(1ULL, axvcpu_stats_get(&cs, "signal_exits"));
	ASSERT_EQ(0ULL, user_exits(&cs));
	axvcpu_stats_close(&cs);
}

/* ---------------------------------------------------------- tracepoints */

#define TRACEFS		"/sys/kernel/tracing"

/* @s written to the file at @path (sysfs, tracefs): 0 or -errno. */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), r = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		r = -errno;
	else if ((size_t)n != strlen(s))
		r = -EIO;
	close(fd);
	return r;
}

static int tracefs_write(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	return write_file(path, val);
}

/* tracefs at TRACEFS, mounted if need be, with axvcpu's events: 0 or -errno. */
static int tracefs_ready(void)
{
	if (access(TRACEFS "/trace", F_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL))
		return -errno;
	return access(TRACEFS "/events/axvcpu/enable", W_OK) ? -errno : 0;
}

static void tracefs_stop(void)
{
	tracefs_write("events/axvcpu/enable", "0");
	tracefs_write("set_event_pid", "");
	tracefs_write("tracing_on", "1");
}

/*
 * axvcpu's trace events, enabled in tracefs for this process only while
 * the guest runs count_mmio: as many entry as exit events, one exit event
 * per exit the run page counts, STATS_ITERS of them MMIO stores, all from
 * one guest pc, and three hypercalls (two REPORTs and DONE).
 */
void common_trace_events(struct __test_metadata *_metadata, int *sys_fd)
{
	unsigned int entries = 0, exits = 0, stores = 0, calls = 0;
	unsigned long long pc, store_pc = 0;
	char line[512], pid[32];
	struct vcpu *v;
	struct vm vm;
	FILE *f;
	int r;

	r = tracefs_ready();
	if (r)
		SKIP(return, "no axvcpu events in " TRACEFS ": %s", strerror(-r));
	vm_create(_metadata, *sys_fd, &vm, count_mmio_begin, count_mmio_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, STATS_ITERS);
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, tracefs_write("tracing_on", "0"));
	ASSERT_EQ(0, tracefs_write("trace", ""));
	ASSERT_EQ(0, tracefs_write("set_event_pid", pid));
	ASSERT_EQ(0, tracefs_write("events/axvcpu/enable", "1"));
	ASSERT_EQ(0, tracefs_write("tracing_on", "1"));
	run_count_mmio(_metadata, v);
	tracefs_stop();

	f = fopen(TRACEFS "/trace", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strstr(line, " axvcpu_entry: "))
			entries++;
		p = strstr(line, " axvcpu_exit: ");
		if (!p)
			continue;
		exits++;
		if (strstr(p, " reason hypercall "))
			calls++;
		if (!strstr(p, " reason mmio_write "))
			continue;
		stores++;
		p = strstr(p, " pc ");
		ASSERT_NE(NULL, p) TH_LOG("%s", line);
		pc = strtoull(p + 4, NULL, 16);
		if (!store_pc)
			store_pc = pc;
		ASSERT_EQ(store_pc, pc) TH_LOG("%s", line);
	}
	fclose(f);
	ASSERT_EQ(v->run->exits, exits);
	ASSERT_EQ(exits, entries);
	ASSERT_EQ(STATS_ITERS, stores);
	ASSERT_EQ(3U, calls);
	ASSERT_LE(GUEST_LOAD_ADDR, store_pc);
	ASSERT_GT(guest_addr(count_mmio_begin, count_mmio_end), store_pc);
	vm_destroy(&vm);
}

/* ------------------------------------------------------------ hotplug */

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define HOTPLUG_ROUNDS	10

static int cpu1_set_online(bool on)
{
	return write_file(CPU1_ONLINE, on ? "1" : "0");
}

struct hotplug_runner {
	struct vcpu *v;
	int stop;		/* read and written atomically */
	unsigned int runs;
	long bad;		/* a RUN result other than EINTR, or 0 */
};

/* RUN the spin program again after every signal, until told to stop. */
static void *hotplug_runner_fn(void *arg)
{
	struct hotplug_runner *r = arg;
	long ret;

	while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
		ret = axvcpu_ioctl(r->v->fd, AXVCPU_VCPU_RUN, 0);
		__atomic_add_fetch(&r->runs, 1, __ATOMIC_SEQ_CST);
		if (ret != -EINTR) {
			r->bad = ret ? ret : 1;
			break;
		}
	}
	return NULL;
}

/*
 * CPU hotplug under a running vCPU: CPU 1 goes offline and online again
 * HOTPLUG_ROUNDS times, each time with the thread of a spinning vCPU
 * made to run there first. Offlining turns CPU 1's virtualization off
 * before the scheduler moves the thread away, and the scheduler switches
 * the thread in there once more meanwhile: the vCPU must not be bound to
 * that CPU then (it would load its state with virtualization off), but
 * run on wherever it lands, and finish. Skipped without CPU hotplug.
 */
void common_cpu_hotplug_while_running(struct __test_metadata *_metadata,
				      int *sys_fd)
{
	struct hotplug_runner r = { 0 };
	cpu_set_t one, all;
	pthread_t thread;
	unsigned int i, runs;
	struct vcpu *v;
	struct vm vm;
	int j;

	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "no CPU hotplug (%s: %s)", CPU1_ONLINE, strerror(errno));
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	CPU_ZERO(&one);
	CPU_SET(1, &one);
	install_noop_handler(SIGUSR1);
	vm_create(_metadata, *sys_fd, &vm, spin_begin, spin_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_LOAD_ADDR, 0, 0);
	r.v = v;
	ASSERT_EQ(0, pthread_create(&thread, NULL, hotplug_runner_fn, &r));

	for (i = 0; i < HOTPLUG_ROUNDS; i++) {
		ASSERT_EQ(0, pthread_setaffinity_np(thread, sizeof(one), &one));
		/* A RUN that starts on CPU 1: end the current one. */
		runs = __atomic_load_n(&r.runs, __ATOMIC_SEQ_CST);
		for (j = 0; j < 200 && __atomic_load_n(&r.runs, __ATOMIC_SEQ_CST) == runs &&
		     !r.bad; j++) {
			pthread_kill(thread, SIGUSR1);
			usleep(5000);
		}
		usleep(20 * 1000);
		ASSERT_EQ(0, cpu1_set_online(false)) TH_LOG("round %u", i);
		usleep(20 * 1000);
		/* Online again whatever happens: later tests need CPU 1. */
		ASSERT_EQ(0, cpu1_set_online(true)) TH_LOG("round %u", i);
		ASSERT_EQ(0, pthread_setaffinity_np(thread, sizeof(all), &all));
		ASSERT_EQ(0L, r.bad) TH_LOG("round %u: RUN returned %ld", i, r.bad);
	}

	__atomic_store_n(&r.stop, 1, __ATOMIC_SEQ_CST);
	for (j = 0; j < 500; j++) {
		pthread_kill(thread, SIGUSR1);
		usleep(10 * 1000);
		if (!pthread_tryjoin_np(thread, NULL))
			break;
	}
	ASSERT_GT(500, j) TH_LOG("the vCPU thread did not stop");
	ASSERT_EQ(0L, r.bad) TH_LOG("RUN returned %ld", r.bad);
	ASSERT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(v->fd));
	set_gpr(_metadata, v, GUEST_ARG_REG, 1);	/* leave the loop */
	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

#define PM_STATE	"/sys/power/state"
#define PM_TEST		"/sys/power/pm_test"

/*
 * A system suspend while a VM exists, then a vCPU on every CPU: the
 * kernel's pm_test "core" level (CONFIG_PM_DEBUG) takes the other CPUs
 * offline and runs the syscore callbacks (the module's turn off and on
 * again the suspending CPU's virtualization), waits 5 s and resumes,
 * powering nothing down. Suspend to RAM where the machine has S3, else
 * hibernation (nothing is written at that level). Each vCPU of count_mmio
 * makes one exit before and one after, with the right values.
 */
void common_suspend_while_vm_exists(struct __test_metadata *_metadata,
				    int *sys_fd)
{
	int cpus[2], n = allowed_cpus(cpus, 2), i, r;
	char states[128] = "";
	const char *state;
	struct vcpu *v[2];
	struct vm vm;
	ssize_t got;
	int fd;

	fd = open(PM_STATE, O_RDONLY | O_CLOEXEC);
	got = fd >= 0 ? read(fd, states, sizeof(states) - 1) : -1;
	if (fd >= 0)
		close(fd);
	states[got > 0 ? got : 0] = 0;
	state = strstr(states, "mem") ? "mem" : strstr(states, "disk") ? "disk" : NULL;
	if (access(PM_TEST, W_OK) || !state)
		SKIP(return, "no pm_test suspend (%s %s, %s: \"%.*s\")", PM_TEST,
		     access(PM_TEST, W_OK) ? "absent" : "present", PM_STATE,
		     (int)strcspn(states, "\n"), states);
	vm_create(_metadata, *sys_fd, &vm, count_mmio_begin, count_mmio_end);
	for (i = 0; i < n; i++) {
		v[i] = vcpu_add(_metadata, &vm, i, GUEST_LOAD_ADDR, i, 2);
		ASSERT_EQ(0, pin_to_cpu(cpus[i]));
		expect_exit(_metadata, v[i], AXVCPU_EXIT_MMIO_WRITE, false);
		ASSERT_EQ_X(1, v[i]->run->mmio.data);
	}

	ASSERT_EQ(0, write_file(PM_TEST, "core"));
	r = write_file(PM_STATE, state);
	write_file(PM_TEST, "none");
	ASSERT_EQ(0, r) TH_LOG("%s suspend: %s", state, strerror(-r));
	TH_LOG("%s suspend at pm_test core done", state);

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, pin_to_cpu(cpus[i]));
		expect_exit(_metadata, v[i], AXVCPU_EXIT_MMIO_WRITE, false);
		ASSERT_EQ_X(2, v[i]->run->mmio.data);
		expect_done(_metadata, v[i], false);
		EXPECT_REPORTS(v[i], 2, 2);
	}
	vm_destroy(&vm);
}
