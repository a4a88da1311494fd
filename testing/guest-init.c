// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the Linux guest that axvm boots in the emulated riscv64 or arm64
 * machine (testing/init.c, modes "linux" and "demo"); the guest kernel is
 * the host's own test kernel. Every line it prints starts with "axvm-guest: ",
 * for testing/vm.py:
 *
 *   Linux <release> up, <N> CPUs online
 *   2 threads on CPUs 0 and 1: ok (<figures>)
 *   slept <s> s by the guest clock
 *   idle-begin, then 10 s of sleep, then idle-end
 *
 * and "FAIL <what>" for each check that fails; it powers off in any case
 * (reboot(RB_POWER_OFF): SBI SRST or PSCI SYSTEM_OFF, which ends axvm).
 *
 * The two threads, pinned to CPU 0 and CPU 1 of one mm, take turns
 * ("moves") through a mutex and a condition variable: a futex wake-up of
 * a sleeping thread on the other CPU, an IPI. Each move remaps a window
 * page to the other page of a memfd (a TLB shootdown: riscv64 SBI RFENCE
 * sfence.vma to the other CPU, arm64 a broadcast TLBI) and writes a new
 * function into an executable page (__builtin___clear_cache: riscv64 a
 * remote fence.i, arm64 IC IVAU broadcast); the next
 * move, on the other CPU, reads the window and calls the function: a
 * stale translation or stale code gives the previous move's value. Before
 * that, an FP-only thread joins each of them on its CPU and all four do
 * exact double arithmetic with their own rounding mode, yielding the CPU
 * to each other: the FP registers and fcsr (arm64: FPCR) must survive
 * context switches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MOVES		100	/* moves, alternately on CPU 0 and CPU 1 */
#define FP_STEPS	8000	/* steps of each FP thread */
#define FP_YIELD	64	/* sched_yield() every FP_YIELD steps */
#define NR_WORKERS	4	/* 0, 1: the movers; 2, 3: FP only */

struct shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int turn;			/* the CPU whose move it is */
	int stop;			/* a thread failed: the other stops */
	unsigned int moves;		/* moves made */
	long page;
	int memfd;			/* two pages, one value each */
	unsigned int *view;		/* both pages, read-write */
	unsigned int *window;		/* one of them, read-only, remapped */
	unsigned int *code;		/* the last move's function */
};

struct worker {
	int cpu;
	int mover;			/* takes part in the moves */
	int round;			/* FE_* rounding mode of its FP work */
	pthread_t thread;
	struct shared *sh;
	double fp_end, moves_end;	/* when it finished them (now()) */
	char err[200];			/* the first failure, or "" */
};

static int failures;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("axvm-guest: ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("axvm-guest: FAIL ", stdout);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	va_end(ap);
	failures++;
}

static void werr(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The IPIs this guest has received so far: the IPI rows of /proc/interrupts. */
static long long ipis(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char buf[512], *p, *end;
	long long n = 0;

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		p = buf + strspn(buf, " ");
		if (strncmp(p, "IPI", 3))
			continue;
		p = strchr(p, ':');
		while (p) {
			long long v = strtoll(p + 1, &end, 10);

			if (end == p + 1)
				break;
			n += v;
			p = end;
		}
	}
	fclose(f);
	return n;
}

/* 1/3, rounded by the current rounding mode, computed now. */
static double third(double k)
{
#ifdef __riscv
	asm volatile ("" : "+f" (k));
#else
	asm volatile ("" : "+w" (k));
#endif
	return k / (3 * k);
}

/*
 * Exact double arithmetic: eight accumulators, kept in callee-saved FP
 * registers across sched_yield(), whose sums are integers or small binary
 * fractions (exact), checked against the integer sums; and 1/3, which the
 * rounding mode decides, checked against its value at the start.
 */
static void fp_work(struct worker *w, long seed)
{
	double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
	double k = w->cpu + 1, t, want[8], got[8];
	long n = FP_STEPS, s1, i;

	if (fesetround(w->round)) {
		werr(w, "fesetround(%d) on CPU %d", w->round, w->cpu);
		return;
	}
	t = third(k);
	for (i = 1; i <= n; i++) {
		double x = (double)(i + seed);

		a0 += x * 0.5;
		a1 += __builtin_sqrt(x * x);
		a2 += x * 3.0 / 3.0;
		a3 -= x * 0.25;
		a4 += x / 8.0;
		a5 += x - 1.0;
		a6 += (x + 0.5) * 2.0;
		a7 += x * x - x * (x - 1.0);
		if (i % FP_YIELD)
			continue;
		sched_yield();
		if (fegetround() != w->round || third(k) != t) {
			werr(w, "CPU %d: FP rounding mode lost after %ld steps",
			     w->cpu, i);
			return;
		}
	}
	s1 = n * seed + n * (n + 1) / 2;
	want[0] = s1 / 2.0;
	want[1] = s1;
	want[2] = s1;
	want[3] = -s1 / 4.0;
	want[4] = s1 / 8.0;
	want[5] = s1 - n;
	want[6] = 2.0 * s1 + n;
	want[7] = s1;
	got[0] = a0;
	got[1] = a1;
	got[2] = a2;
	got[3] = a3;
	got[4] = a4;
	got[5] = a5;
	got[6] = a6;
	got[7] = a7;
	for (i = 0; i < 8; i++)
		if (got[i] != want[i])
			werr(w, "CPU %d: FP sum %ld is %.17g, expected %.17g",
			     w->cpu, i, got[i], want[i]);
	fesetround(FE_TONEAREST);
}

/* The function of move @m: addi a0, zero, imm; ret. */
static int move_value(int m)
{
	return (m * 37 + 5) & 0x7ff;
}

static int call_code(struct shared *sh)
{
	int (*fn)(void) = (int (*)(void))sh->code;

	return fn();
}

static int wait_turn(struct shared *sh, int cpu)
{
	int stop;

	pthread_mutex_lock(&sh->lock);
	while (sh->turn != cpu && !sh->stop)
		pthread_cond_wait(&sh->cond, &sh->lock);
	stop = sh->stop;
	pthread_mutex_unlock(&sh->lock);
	return stop;
}

static void pass_turn(struct shared *sh, int cpu, int stop)
{
	pthread_mutex_lock(&sh->lock);
	sh->turn = cpu;
	sh->stop |= stop;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
}

/* What move @m, made on the other CPU, left: through this CPU's TLB and I$. */
static int check_move(struct worker *w, int m)
{
	struct shared *sh = w->sh;
	unsigned int v = *sh->window;
	int c = call_code(sh);

	/* A stale translation: the remote sfence.vma was lost. */
	if (v != (unsigned int)m + 1)
		werr(w, "CPU %d: stale TLB: the window of move %d holds %u, not %u",
		     w->cpu, m, v, m + 1);
	/* Stale code: the remote fence.i was lost. */
	if (c != move_value(m))
		werr(w, "CPU %d: stale code: move %d's function returned %d, not %d",
		     w->cpu, m, c, move_value(m));
	if (sched_getcpu() != w->cpu)
		werr(w, "the thread pinned to CPU %d runs on CPU %d", w->cpu,
		     sched_getcpu());
	return w->err[0] != 0;
}

/* Move @m: a new page under the window, a new function. */
static int make_move(struct worker *w, int m)
{
	struct shared *sh = w->sh;
	long idx = m & 1;
	void *p;

	sh->view[idx * sh->page / sizeof(*sh->view)] = m + 1;
	p = mmap((void *)sh->window, sh->page, PROT_READ, MAP_SHARED | MAP_FIXED,
		 sh->memfd, idx * sh->page);
	if (p != (void *)sh->window) {
		werr(w, "mmap of the window on CPU %d: %s", w->cpu, strerror(errno));
		return 1;
	}
#ifdef __riscv
	sh->code[0] = (unsigned int)move_value(m) << 20 | 10 << 7 | 0x13; /* li a0 */
	sh->code[1] = 0x00008067;					   /* ret */
#else
	sh->code[0] = 0x52800000 | (unsigned int)move_value(m) << 5;	/* mov w0 */
	sh->code[1] = 0xd65f03c0;					/* ret */
#endif
	__builtin___clear_cache((char *)sh->code, (char *)(sh->code + 2));
	if (*sh->window != (unsigned int)m + 1 || call_code(sh) != move_value(m)) {
		werr(w, "CPU %d does not see its own move %d", w->cpu, m);
		return 1;
	}
	sh->moves++;
	return 0;
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	cpu_set_t set;
	int m, bad;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		werr(w, "sched_setaffinity to CPU %d: %s", w->cpu, strerror(errno));
	} else if (sched_getcpu() != w->cpu) {
		werr(w, "the thread pinned to CPU %d runs on CPU %d", w->cpu,
		     sched_getcpu());
	} else {
		fp_work(w, 100000L * (w->cpu + 1) + 10000L * w->mover);
	}
	w->fp_end = now();
	if (!w->mover)
		return NULL;
	/* Moves w->cpu, w->cpu + 2, ...; move MOVES is only a check. */
	bad = w->err[0] != 0;
	for (m = w->cpu; m <= MOVES && !bad; m += 2) {
		if (wait_turn(sh, w->cpu))
			return NULL;
		bad = m > 0 && check_move(w, m - 1);
		if (m == MOVES && !bad)
			break;
		bad = bad || make_move(w, m);
		pass_turn(sh, !w->cpu, bad);
	}
	w->moves_end = now();
	return NULL;
}

static int shared_init(struct shared *sh)
{
	sh->page = sysconf(_SC_PAGESIZE);
	sh->memfd = memfd_create("axvm-guest", MFD_CLOEXEC);
	if (sh->memfd < 0 || ftruncate(sh->memfd, 2 * sh->page)) {
		fail("memfd: %s", strerror(errno));
		return 1;
	}
	sh->view = mmap(NULL, 2 * sh->page, PROT_READ | PROT_WRITE, MAP_SHARED,
			sh->memfd, 0);
	sh->window = mmap(NULL, sh->page, PROT_READ, MAP_SHARED, sh->memfd, 0);
	sh->code = mmap(NULL, sh->page, PROT_READ | PROT_WRITE | PROT_EXEC,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh->view == MAP_FAILED || sh->window == MAP_FAILED ||
	    sh->code == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		return 1;
	}
	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->cond, NULL);
	return 0;
}

static void two_cpus(void)
{
	static const int rounding[NR_WORKERS] = {
		FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO, FE_TONEAREST
	};
	struct worker w[NR_WORKERS];
	struct shared sh = { 0 };
	long long ipi0 = ipis(), ipi1;
	double t0 = now(), t_fp = 0, t_moves = 0, t;
	int i, n, bad = 0;
	char ipi_str[32] = "";

	if (shared_init(&sh))
		return;
	memset(w, 0, sizeof(w));
	for (n = 0; n < NR_WORKERS; n++) {
		w[n].cpu = n % 2;
		w[n].mover = n < 2;
		w[n].round = rounding[n];
		w[n].sh = &sh;
		errno = pthread_create(&w[n].thread, NULL, worker, &w[n]);
		if (errno) {
			fail("pthread_create: %s", strerror(errno));
			pass_turn(&sh, 0, 1);
			break;
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	for (i = 0; i < n; i++) {
		t_fp = w[i].fp_end - t0 > t_fp ? w[i].fp_end - t0 : t_fp;
		t_moves = w[i].moves_end - t0 > t_moves ? w[i].moves_end - t0 : t_moves;
		if (w[i].err[0]) {
			fail("%s", w[i].err);
			bad = 1;
		}
	}
	if (n < NR_WORKERS || bad)
		return;
	if (sh.moves != MOVES) {
		fail("%u moves of %d", sh.moves, MOVES);
		return;
	}
	ipi1 = ipis();
	if (ipi0 >= 0 && ipi1 >= 0)
		snprintf(ipi_str, sizeof(ipi_str), ", %lld IPIs", ipi1 - ipi0);
	/* The moves begin as the first mover ends its FP work. */
	t = w[0].fp_end < w[1].fp_end ? w[0].fp_end - t0 : w[1].fp_end - t0;
	say("2 threads on CPUs 0 and 1: ok (FP: 4 threads x %d steps in %.3f s; "
	    "%d moves in %.3f s%s)\n", FP_STEPS, t_fp, MOVES, t_moves - t, ipi_str);
}

static void mounts(void)
{
	int c;

	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	if (fcntl(1, F_GETFD) < 0) {
		c = open("/dev/console", O_RDWR);
		if (c >= 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
			if (c > 2)
				close(c);
		}
	}
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void sleep_for(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(void)
{
	struct utsname u;
	long cpus;
	double t;

	mounts();
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	say("Linux %s up, %ld CPUs online\n", u.release, cpus);
	if (cpus < 2)
		fail("%ld CPUs online: the thread test needs 2", cpus);
	else
		two_cpus();

	t = now();
	sleep_for(1.0);
	t = now() - t;
	say("slept %.3f s by the guest clock\n", t);
	if (t < 1.0 || t > 5.0)
		fail("a 1 s sleep took %.3f s by the guest clock", t);

	say("idle-begin\n");
	sleep_for(10.0);
	say("idle-end\n");

	if (failures)
		say("%d checks failed\n", failures);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	fail("reboot(RB_POWER_OFF): %s", strerror(errno));
	return 1;
}
