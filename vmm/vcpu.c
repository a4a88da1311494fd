// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads and the exits they handle: MMIO to the UART and the
 * interrupt controller, the hypercalls the module forwards (the arch's),
 * CPU start and stop, and the end of the guest. One thread per vCPU; a
 * CPU not started yet, or stopped (SBI HSM hart_stop, PSCI CPU_OFF), has
 * its thread wait for a CPU_UP that names it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "axvm.h"

#define MAX_WARNED	32

/* A misbehaving guest must not flood stderr: each key warns once. */
bool warn_once(u64 key)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static u64 warned[MAX_WARNED];
	static unsigned int nr;
	bool first;
	unsigned int i;

	pthread_mutex_lock(&lock);
	first = nr < MAX_WARNED;
	for (i = 0; i < nr; i++)
		if (warned[i] == key)
			first = false;
	if (first)
		warned[nr++] = key;
	pthread_mutex_unlock(&lock);
	return first;
}

void vcpu_fail(struct vcpu *v, const char *what)
{
	axvm_err("vCPU %u: %s: %s", v->id, what, strerror(errno));
	vm_stop(1, "stopped on an error");
}

void vcpu_set_ret(struct vcpu *v, s64 val)
{
	u64 x = val;

	if (ioctl(v->fd, AXVCPU_VCPU_SET_RETURN_VALUE, &x))
		vcpu_fail(v, "AXVCPU_VCPU_SET_RETURN_VALUE");
}

int vcpu_setup(struct vcpu *v, u64 entry, u64 arg)
{
	if (ioctl(v->fd, AXVCPU_VCPU_SET_ENTRY, &entry)) {
		axvm_err("vCPU %u: AXVCPU_VCPU_SET_ENTRY 0x%llx: %s", v->id,
			 (unsigned long long)entry, strerror(errno));
		return -1;
	}
	return arch_vcpu_setup(v, arg);
}

/* Guest RAM at @gpa for @len bytes, or NULL if not all of it is RAM. */
u8 *guest_ptr(u64 gpa, u64 len)
{
	u64 off = gpa - RAM_BASE;

	if (gpa < RAM_BASE || off > vm.mem_size || len > vm.mem_size - off)
		return NULL;
	return vm.ram + off;
}

static void mmio_unknown(struct vcpu *v, const struct axvcpu_exit_mmio *m,
			 bool write)
{
	if (warn_once(m->addr & ~0xfffULL))
		axvm_err("vCPU %u: %u-byte %s at 0x%llx: no device there (reads 0, writes ignored; not reported again for this page)",
			 v->id, m->width, write ? "write" : "read",
			 (unsigned long long)m->addr);
}

static void mmio(struct vcpu *v, bool write)
{
	struct axvcpu_exit_mmio *m = &v->run->mmio;
	u64 val = 0;

	v->n.mmio++;
	pthread_mutex_lock(&vm.dev_lock);
	if (m->addr >= UART_BASE && m->addr < UART_BASE + UART_SIZE) {
		/* Byte registers at offsets 0..7; the rest of the page reads 0. */
		if (m->addr < UART_BASE + 8) {
			if (write)
				ns16550_write(&vm.uart, m->addr - UART_BASE, m->data);
			else
				val = ns16550_read(&vm.uart, m->addr - UART_BASE);
			console_pump();
		}
	} else if (!arch_mmio(m->addr, m->width, write, write ? &m->data : &val)) {
		mmio_unknown(v, m, write);
	}
	pthread_mutex_unlock(&vm.dev_lock);
	if (!write)
		m->data = val;
}

/* CPU_UP from @v (SBI HSM hart_start, PSCI CPU_ON): start the target. */
static void cpu_up(struct vcpu *v)
{
	const struct axvcpu_exit_cpu_up *up = &v->run->cpu_up;
	int i = arch_cpu_index(up->target_cpu);
	s64 ret = arch.cpu_up.ok;
	struct vcpu *t;

	v->n.cpu_up++;
	if (i < 0) {
		vcpu_set_ret(v, arch.cpu_up.invalid);
		return;
	}
	t = &vm.vcpus[i];
	pthread_mutex_lock(&vm.cpu_lock);
	if (t->state == VCPU_RUNNING) {
		ret = arch.cpu_up.already_on;
	} else if (t->state == VCPU_CREATED ?
		   vcpu_setup(t, up->entry_point, up->arg) :
		   arch_vcpu_restart(t, up->entry_point, up->arg)) {
		ret = arch.cpu_up.failed;
	} else {
		t->state = VCPU_RUNNING;
		pthread_cond_signal(&t->wake);
	}
	pthread_mutex_unlock(&vm.cpu_lock);
	if (ret != arch.cpu_up.ok)
		vcpu_set_ret(v, ret);
}

/* Wait while the CPU is not started; false if axvm is stopping. */
static bool wait_started(struct vcpu *v)
{
	pthread_mutex_lock(&vm.cpu_lock);
	while (v->state != VCPU_RUNNING && !stopping())
		pthread_cond_wait(&v->wake, &vm.cpu_lock);
	pthread_mutex_unlock(&vm.cpu_lock);
	return !stopping();
}

static void cpu_down(struct vcpu *v)
{
	v->n.cpu_down++;
	pthread_mutex_lock(&vm.cpu_lock);
	v->state = VCPU_STOPPED;
	pthread_mutex_unlock(&vm.cpu_lock);
	wait_started(v);
}

/*
 * Only without in-kernel IPIs: inject the vector into each target, the
 * vCPUs @target_cpu + n for each bit n of @target_cpu_aux (riscv64: hart
 * ids; arm64: MPIDRs, which are the vCPU ids here).
 */
static void send_ipi(struct vcpu *v)
{
	const struct axvcpu_exit_ipi *ipi = &v->run->ipi;
	struct axvcpu_interrupt irq = { .vector = ipi->vector };
	unsigned int i;
	u64 bit;

	v->n.ipi++;
	for (i = 0; i < vm.ncpus; i++) {
		bit = i - ipi->target_cpu;
		if (!ipi->send_to_all &&
		    (i < ipi->target_cpu || bit >= 64 ||
		     !(ipi->target_cpu_aux & (1ULL << bit))))
			continue;
		if (ioctl(vm.vcpus[i].fd, AXVCPU_VCPU_INJECT_INTERRUPT, &irq) &&
		    errno != ENOEXEC && warn_once(WARN_INJECT | i))
			axvm_err("vCPU %u: AXVCPU_VCPU_INJECT_INTERRUPT: %s", i,
				 strerror(errno));
	}
}

static void sysreg(struct vcpu *v, bool write)
{
	struct axvcpu_exit_sysreg *s = &v->run->sysreg;

	v->n.sysreg++;
	if (warn_once(WARN_SYSREG | s->addr))
		axvm_err("vCPU %u: %s of system register 0x%llx, which nothing emulates (reads 0, writes ignored)",
			 v->id, write ? "write" : "read", (unsigned long long)s->addr);
	if (!write)
		s->value = 0;
}

/* A guest the VMM cannot continue: say why and where, and stop. */
static void guest_fault(struct vcpu *v, const char *what)
{
	char buf[256] = "";

	arch_describe_regs(v, buf, sizeof(buf));
	axvm_err("vCPU %u: %s;%s", v->id, what, buf);
	vm_stop(1, "stopped on a guest fault");
}

static void npf(struct vcpu *v)
{
	const struct axvcpu_exit_npf *f = &v->run->npf;
	char what[128];

	snprintf(what, sizeof(what),
		 "nested page fault: %s%s%s access to 0x%llx, outside RAM or read-only",
		 f->access & AXVCPU_ACCESS_READ ? "r" : "",
		 f->access & AXVCPU_ACCESS_WRITE ? "w" : "",
		 f->access & AXVCPU_ACCESS_EXEC ? "x" : "",
		 (unsigned long long)f->addr);
	guest_fault(v, what);
}

static void internal_error(struct vcpu *v)
{
	const struct axvcpu_exit_internal *e = &v->run->internal;
	char what[160];

	switch (e->suberror) {
	case AXVCPU_INTERNAL_MMIO_DECODE:
		snprintf(what, sizeof(what),
			 "the module cannot decode the MMIO instruction 0x%llx (address 0x%llx)",
			 (unsigned long long)e->data[0], (unsigned long long)e->data[1]);
		break;
	case AXVCPU_INTERNAL_INSN_FETCH:
		snprintf(what, sizeof(what),
			 "the module cannot fetch the guest's instruction at 0x%llx",
			 (unsigned long long)e->data[0]);
		break;
	default:
		snprintf(what, sizeof(what),
			 "internal error %u in the module (data 0x%llx 0x%llx)",
			 e->suberror, (unsigned long long)e->data[0],
			 (unsigned long long)e->data[1]);
	}
	guest_fault(v, what);
}

static void system_down(struct vcpu *v)
{
	if (v->run->system_down.type == 0) {
		vm.powered_off = true;
		vm_stop(0, "guest powered off");
		return;
	}
	axvm_msg("guest asked for a reboot (not supported), stopping");
	vm_stop(0, "guest asked for a reboot (not supported), stopped");
}

static void handle_exit(struct vcpu *v)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	char what[64];

	switch (v->run->exit_reason) {
	case AXVCPU_EXIT_MMIO_READ:
		mmio(v, false);
		break;
	case AXVCPU_EXIT_MMIO_WRITE:
		mmio(v, true);
		break;
	case AXVCPU_EXIT_HYPERCALL:
		arch_hypercall(v);
		break;
	case AXVCPU_EXIT_CPU_UP:
		cpu_up(v);
		break;
	case AXVCPU_EXIT_CPU_DOWN:
		cpu_down(v);
		break;
	case AXVCPU_EXIT_SYSTEM_DOWN:
		system_down(v);
		break;
	case AXVCPU_EXIT_HALT:
		/* Not with in-kernel halts; the guest's wait stays short anyway. */
		v->n.halt++;
		nanosleep(&ts, NULL);
		break;
	case AXVCPU_EXIT_SEND_IPI:
		send_ipi(v);
		break;
	case AXVCPU_EXIT_SYSREG_READ:
		sysreg(v, false);
		break;
	case AXVCPU_EXIT_SYSREG_WRITE:
		sysreg(v, true);
		break;
	case AXVCPU_EXIT_NESTED_PAGE_FAULT:
		npf(v);
		break;
	case AXVCPU_EXIT_INTERNAL_ERROR:
		internal_error(v);
		break;
	case AXVCPU_EXIT_MEMORY_FAULT:
		snprintf(what, sizeof(what), "guest RAM at 0x%llx cannot be brought in: %s",
			 (unsigned long long)v->run->memory_fault.addr,
			 strerror(v->run->memory_fault.error));
		guest_fault(v, what);
		break;
	case AXVCPU_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "guest entry failed (reason 0x%llx)",
			 (unsigned long long)v->run->fail_entry_reason);
		guest_fault(v, what);
		break;
	default:
		v->n.other++;
		snprintf(what, sizeof(what), "unexpected exit reason %u",
			 v->run->exit_reason);
		guest_fault(v, what);
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	sigset_t set;

	/* Only the kick signal reaches a vCPU thread, to end its RUN. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	if (!wait_started(v))
		return NULL;
	if (v->id == 0) {
		vm.cpu_start = cpu_time();
		vm.guest_start = guest_time();
		vm.t_start = now();
	}
	while (!stopping()) {
		if (ioctl(v->fd, AXVCPU_VCPU_RUN, 0)) {
			if (errno == EINTR)
				continue;
			vcpu_fail(v, "AXVCPU_VCPU_RUN");
			break;
		}
		handle_exit(v);
	}
	return NULL;
}

int vcpu_start_threads(void)
{
	struct vcpu *v;
	unsigned int i;
	int r;

	for (i = 0; i < vm.ncpus; i++) {
		v = &vm.vcpus[i];
		r = pthread_create(&v->thread, NULL, vcpu_thread, v);
		if (r) {
			errno = r;
			vcpu_fail(v, "creating its thread");
			return -1;
		}
		v->thread_started = true;
	}
	return 0;
}

/*
 * End every RUN: immediate_exit for a RUN about to start, the signal for
 * one in progress or halted in the kernel, the condition for a thread
 * waiting for its hart to start.
 */
void vcpu_kick_all(void)
{
	struct vcpu *v;
	unsigned int i;

	for (i = 0; i < vm.ncpus; i++) {
		v = &vm.vcpus[i];
		if (!v->thread_started)
			continue;
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(v->thread, SIGUSR1);
	}
	pthread_mutex_lock(&vm.cpu_lock);
	for (i = 0; i < vm.ncpus; i++)
		pthread_cond_broadcast(&vm.vcpus[i].wake);
	pthread_mutex_unlock(&vm.cpu_lock);
}

void vcpu_join_all(void)
{
	unsigned int i;

	for (i = 0; i < vm.ncpus; i++) {
		if (vm.vcpus[i].thread_started)
			pthread_join(vm.vcpus[i].thread, NULL);
		vm.vcpus[i].thread_started = false;
	}
}
