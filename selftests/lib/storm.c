// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl storm (include/common_tests.h): STORM_THREADS threads issue
 * every ioctl of the API, with valid and hostile arguments, against a
 * victim VM they share and replace at random moments, while one VM that
 * nobody attacks runs count_mmio to its end and must get every value
 * right. The calls' results are not judged (any errno is fine); the
 * kernel's are: the harness fails the boot on any splat, and kmemleak
 * runs after the module is unloaded.
 *
 * The victims' guests run from memory that holds count_mmio at each
 * slot's first page and random bytes elsewhere, from random entry points
 * and register state: a random mix of exits, faults and spins.
 *
 * AXV_STORM_CALLS in the environment sets the number of calls (default
 * STORM_CALLS); testing/test.sh --soak passes a million.
 */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "axvcpu_stats.h"
#include "common_tests.h"

#define STORM_CALLS	100000UL
#define STORM_THREADS	4
#define STORM_VCPUS	8		/* ids 0 .. STORM_VCPUS - 1 in use */
#define STORM_SLOTS	4
#define STORM_GOOD_ITERS 2000ULL

/* The victim: a VM and its vCPU fds, replaced under the lock. */
struct storm {
	pthread_mutex_t lock;
	int sys;
	int vm;
	int vcpu[STORM_VCPUS];
	char *mem;			/* STORM_SLOTS pages per slot */
	size_t page;
	unsigned long calls;		/* atomically */
	unsigned long target;
	int stop;			/* atomically */
};

static unsigned long rnd(unsigned int *seed, unsigned long n)
{
	return n ? (unsigned long)rand_r(seed) % n : 0;
}

static __u64 rnd64(unsigned int *seed)
{
	return (__u64)rand_r(seed) << 33 ^ (__u64)rand_r(seed) << 11 ^
	       (__u64)rand_r(seed);
}

/* An fd of the victim (or another kind, or none) to aim a call at. */
static int pick_fd(struct storm *s, unsigned int *seed)
{
	int fd;

	pthread_mutex_lock(&s->lock);
	switch (rnd(seed, 8)) {
	case 0:
		fd = s->sys;
		break;
	case 1:
	case 2:
		fd = s->vm;
		break;
	default:
		fd = s->vcpu[rnd(seed, STORM_VCPUS)];
		break;
	}
	/* The call works on a copy: the fd may be closed meanwhile. */
	fd = fd >= 0 ? dup(fd) : -1;
	pthread_mutex_unlock(&s->lock);
	return fd;
}

/* A pointer argument: a buffer, NULL, a kernel address, or unmapped. */
static void *pick_ptr(struct storm *s, unsigned int *seed, void *buf)
{
	switch (rnd(seed, 6)) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffff800000000000UL;
	case 2:
		return s->mem + s->page * STORM_SLOTS * 4 - 1;	/* straddles */
	default:
		return buf;
	}
}

static void victim_new(struct storm *s, unsigned int *seed)
{
	int i;

	pthread_mutex_lock(&s->lock);
	if (s->vm >= 0)
		close(s->vm);
	for (i = 0; i < STORM_VCPUS; i++) {
		if (s->vcpu[i] >= 0)
			close(s->vcpu[i]);
		s->vcpu[i] = -1;
	}
	s->vm = axvcpu_create_vm(s->sys);
	if (s->vm >= 0)
		for (i = 0; i < STORM_VCPUS; i++)
			if (rnd(seed, 2))
				s->vcpu[i] = axvcpu_create_vcpu(s->vm, i);
	pthread_mutex_unlock(&s->lock);
}

static void storm_region(struct storm *s, unsigned int *seed, int fd)
{
	static const __u32 flags[] = { 0, AXVCPU_MEM_READONLY,
				       AXVCPU_MEM_PINNED, 0x80 };
	unsigned int slot = rnd(seed, 8) ? rnd(seed, STORM_SLOTS) : rnd64(seed);
	struct axvcpu_memory_region r = {
		.slot = slot,
		.flags = flags[rnd(seed, 4)],
		.guest_phys_addr = rnd(seed, 6) ? rnd(seed, 16) * s->page :
						  rnd64(seed),
		.size = rnd(seed, 4) * s->page,
		.userspace_addr = (unsigned long)s->mem +
				  rnd(seed, STORM_SLOTS * 4) * s->page,
	};

	if (!rnd(seed, 8))
		r.userspace_addr = (unsigned long)pick_ptr(s, seed, s->mem);
	if (!rnd(seed, 16))
		r.size = rnd64(seed);
	ioctl(fd, AXVCPU_VM_SET_MEMORY_REGION, rnd(seed, 8) ? (void *)&r :
	      pick_ptr(s, seed, &r));
}

static void storm_setup(struct storm *s, unsigned int *seed, int fd)
{
	struct axvcpu_setup cfg;
	__u64 entry = rnd(seed, 2) ? GUEST_LOAD_ADDR : rnd64(seed);
	unsigned int i;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < sizeof(cfg) / 8 && rnd(seed, 4); i++)
		((__u64 *)&cfg)[rnd(seed, sizeof(cfg) / 8)] = rnd64(seed);
	if (rnd(seed, 2)) {
		__u64 backend = 0;

		axvcpu_check_cap(s->sys, AXVCPU_CAP_BACKEND, &backend);
		cfg.arch = backend;
	}
	ioctl(fd, AXVCPU_VCPU_SET_ENTRY, pick_ptr(s, seed, &entry));
	ioctl(fd, AXVCPU_VCPU_SETUP, pick_ptr(s, seed, &cfg));
}

/*
 * RUN, ended within 2 ms by a signal to this thread if the guest spins: a
 * victim's guest may loop without an exit to userspace for ever (random
 * code), so the timer repeats until RUN returned, a signal that came
 * before RUN began would not end it.
 */
static void storm_run(struct storm *s, unsigned int *seed, int fd)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR2,
	};
	struct itimerspec its = {
		.it_value.tv_nsec = 2000000,
		.it_interval.tv_nsec = 2000000,
	};
	struct axvcpu_run *run;
	timer_t t;

	sev._sigev_un._tid = gettid();	/* sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &t))
		return;
	run = mmap(NULL, s->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (run != MAP_FAILED && !rnd(seed, 4))
		memset(run, (int)rnd(seed, 256), sizeof(*run));
	timer_settime(t, 0, &its, NULL);
	ioctl(fd, AXVCPU_VCPU_RUN, 0);
	timer_delete(t);
	if (run != MAP_FAILED)
		munmap(run, s->page);
}

static void storm_stats(struct storm *s, unsigned int *seed, int fd)
{
	char buf[512];
	int sfd;

	sfd = ioctl(fd, rnd(seed, 2) ? AXVCPU_VM_GET_STATS_FD :
				       AXVCPU_VCPU_GET_STATS_FD, 0);
	if (sfd < 0)
		return;
	if (pread(sfd, rnd(seed, 4) ? buf : pick_ptr(s, seed, buf),
		  rnd(seed, sizeof(buf)), rnd(seed, 4096)) < 0)
		errno = 0;
	close(sfd);
}

/* One call of a random kind on a random fd. */
static void storm_call(struct storm *s, unsigned int *seed)
{
	__u64 scratch[64] = { 0 };
	struct axvcpu_irq_line line;
	struct axvcpu_interrupt irq;
	void *p;
	int fd;

	if (!rnd(seed, 500)) {
		victim_new(s, seed);
		return;
	}
	fd = pick_fd(s, seed);
	switch (rnd(seed, 14)) {
	case 0:
		storm_region(s, seed, fd);
		break;
	case 1:
		close(ioctl(fd, AXVCPU_VM_CREATE_VCPU,
			    rnd(seed, 4) ? rnd(seed, STORM_VCPUS * 2) :
					   rnd64(seed)));
		break;
	case 2:
		storm_setup(s, seed, fd);
		break;
	case 3:
	case 4:
		storm_run(s, seed, fd);
		break;
	case 5:
		ioctl(fd, rnd(seed, 2) ? AXVCPU_VCPU_GET_REGS :
					 AXVCPU_VCPU_SET_REGS,
		      pick_ptr(s, seed, scratch));
		break;
	case 6:
		irq.vector = rnd(seed, 4) ? rnd(seed, 64) : rnd64(seed);
		irq.flags = !rnd(seed, 8);
		ioctl(fd, AXVCPU_VCPU_INJECT_INTERRUPT, pick_ptr(s, seed, &irq));
		break;
	case 7:
		line.vector = rnd(seed, 2) ? rnd(seed, 64) : rnd(seed, 1100);
		line.level = rnd(seed, 3);
		ioctl(fd, AXVCPU_VCPU_IRQ_LINE, pick_ptr(s, seed, &line));
		break;
	case 8:
		ioctl(fd, rnd(seed, 2) ? AXVCPU_VCPU_GET_ONE_REG :
					 AXVCPU_VCPU_SET_ONE_REG,
		      pick_ptr(s, seed, scratch));
		break;
	case 9:
		ioctl(fd, AXVCPU_VCPU_SET_RETURN_VALUE, pick_ptr(s, seed, scratch));
		ioctl(fd, AXVCPU_VCPU_GET_STATE, pick_ptr(s, seed, scratch));
		break;
	case 10:
		storm_stats(s, seed, fd);
		break;
	case 11:
		p = mmap(NULL, s->page * (1 + rnd(seed, 2)),
			 rnd(seed, 2) ? PROT_READ : PROT_READ | PROT_WRITE,
			 rnd(seed, 4) ? MAP_SHARED : MAP_PRIVATE, fd,
			 rnd(seed, 4) ? 0 : s->page);
		if (p != MAP_FAILED)
			munmap(p, s->page);
		break;
	case 12:
		/* Any ioctl number of ours, and others. */
		ioctl(fd, _IOC(rnd(seed, 4), rnd(seed, 2) ? AXVCPU_IOCTL_MAGIC :
							  0xAE,
			       rnd(seed, 0x30), rnd(seed, 512)),
		      pick_ptr(s, seed, scratch));
		break;
	default:
		ioctl(fd, AXVCPU_CHECK_CAP, pick_ptr(s, seed, scratch));
		close(ioctl(fd, AXVCPU_CREATE_VM, 0));
		break;
	}
	if (fd >= 0)
		close(fd);
}

static void *storm_thread(void *arg)
{
	struct storm *s = arg;
	unsigned int seed = (unsigned int)gettid() * 2654435761U;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED) &&
	       __atomic_add_fetch(&s->calls, 1, __ATOMIC_RELAXED) <= s->target)
		storm_call(s, &seed);
	return NULL;
}

static void noop(int sig)
{
	(void)sig;
}

/*
 * The storm: STORM_THREADS attacker threads and one VM nobody attacks,
 * whose count_mmio guest must complete STORM_GOOD_ITERS stores with every
 * value right, however the others fare.
 */
void common_ioctl_storm(struct __test_metadata *_metadata, int *sys_fd)
{
	struct storm s = { .lock = PTHREAD_MUTEX_INITIALIZER, .vm = -1 };
	struct sigaction sa = { .sa_handler = noop };
	pthread_t threads[STORM_THREADS];
	const char *calls = getenv("AXV_STORM_CALLS");
	unsigned int i, seed = 1;
	struct vcpu *v;
	struct vm good;
	__u64 n, t0;

	sigaction(SIGUSR2, &sa, NULL);	/* no SA_RESTART: RUN returns */
	s.sys = *sys_fd;
	s.page = getpagesize();
	s.target = calls ? strtoul(calls, NULL, 0) : STORM_CALLS;
	s.mem = mmap(NULL, s.page * STORM_SLOTS * 4, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s.mem);
	for (n = 0; n < s.page * STORM_SLOTS * 4; n++)
		s.mem[n] = rand_r(&seed);
	for (i = 0; i < STORM_SLOTS; i++)
		memcpy(s.mem + s.page * 4 * i, count_mmio_begin,
		       count_mmio_end - count_mmio_begin);
	for (i = 0; i < STORM_VCPUS; i++)
		s.vcpu[i] = -1;
	victim_new(&s, &seed);

	vm_create(_metadata, *sys_fd, &good, count_mmio_begin, count_mmio_end);
	v = vcpu_add(_metadata, &good, 0, GUEST_LOAD_ADDR, 0, STORM_GOOD_ITERS);
	t0 = now_ms();
	for (i = 0; i < STORM_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, storm_thread, &s));
	for (n = 0; n < STORM_GOOD_ITERS; n++) {
		expect_exit(_metadata, v, AXVCPU_EXIT_MMIO_WRITE, false);
		ASSERT_EQ_X(n + 1, v->run->mmio.data);
	}
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, STORM_GOOD_ITERS, STORM_GOOD_ITERS);
	for (i = 0; i < STORM_THREADS; i++)
		ASSERT_EQ(0, pthread_join(threads[i], NULL));
	TH_LOG("%lu calls from %d threads in %.1f s", s.target, STORM_THREADS,
	       (now_ms() - t0) / 1000.0);
	vm_destroy(&good);
	victim_new(&s, &seed);
	pthread_mutex_lock(&s.lock);
	close(s.vm);
	for (i = 0; i < STORM_VCPUS; i++)
		if (s.vcpu[i] >= 0)
			close(s.vcpu[i]);
	pthread_mutex_unlock(&s.lock);
	munmap(s.mem, s.page * STORM_SLOTS * 4);
}
