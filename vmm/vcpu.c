// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads and the exits they handle: MMIO to the UART and the PLIC,
 * the SBI console calls the module forwards, hart start and stop, and the
 * end of the guest. One thread per vCPU; a hart not started yet, or
 * stopped with SBI HSM hart_stop, has its thread wait for a CPU_UP that
 * names it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "axvm.h"

#define EID_LEGACY_PUTCHAR	0x01
#define EID_LEGACY_GETCHAR	0x02
#define EID_DBCN		0x4442434E
#define DBCN_WRITE		0
#define DBCN_READ		1
#define DBCN_WRITE_BYTE		2

#define CSR_SSTATUS	0x100
#define CSR_SEPC	0x141
#define CSR_SCAUSE	0x142
#define CSR_STVAL	0x143
#define CSR_SATP	0x180

/* Keys of warn_once(): an MMIO page address, or one of these. */
#define MAX_WARNED	32
#define WARN_IRQ_LINE	0x1000000000000000ULL	/* | vCPU id */
#define WARN_INJECT	0x2000000000000000ULL	/* | vCPU id */
#define WARN_CSR	0x3000000000000000ULL	/* | CSR number */

/* A misbehaving guest must not flood stderr: each key warns once. */
static bool warn_once(u64 key)
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

static void vcpu_fail(struct vcpu *v, const char *what)
{
	axvm_err("vCPU %u: %s: %s", v->id, what, strerror(errno));
	vm_stop(1, "stopped on an error");
}

static void set_ret(struct vcpu *v, s64 val)
{
	u64 x = val;

	if (ioctl(v->fd, AXVCPU_VCPU_SET_RETURN_VALUE, &x))
		vcpu_fail(v, "AXVCPU_VCPU_SET_RETURN_VALUE");
}

static void set_reg(struct vcpu *v, u64 id, u64 val)
{
	struct axvcpu_one_reg r = { .id = id, .value = val };

	if (ioctl(v->fd, AXVCPU_VCPU_SET_ONE_REG, &r))
		vcpu_fail(v, "AXVCPU_VCPU_SET_ONE_REG");
}

int vcpu_setup(struct vcpu *v, u64 entry, u64 arg)
{
	struct axvcpu_setup s;

	memset(&s, 0, sizeof(s));
	s.arch = AXVCPU_BACKEND_RISCV_H;
	s.flags = vm.setup_flags;
	s.riscv.hartid = v->id;
	s.riscv.arg = arg;
	if (ioctl(v->fd, AXVCPU_VCPU_SET_ENTRY, &entry)) {
		axvm_err("vCPU %u: AXVCPU_VCPU_SET_ENTRY 0x%llx: %s", v->id,
			 (unsigned long long)entry, strerror(errno));
		return -1;
	}
	if (ioctl(v->fd, AXVCPU_VCPU_SETUP, &s)) {
		axvm_err("vCPU %u: AXVCPU_VCPU_SETUP: %s", v->id, strerror(errno));
		return -1;
	}
	return 0;
}

/* Guest RAM at @gpa for @len bytes, or NULL if not all of it is RAM. */
static u8 *guest_ptr(u64 gpa, u64 len)
{
	u64 off = gpa - RAM_BASE;

	if (gpa < RAM_BASE || off > vm.mem_size || len > vm.mem_size - off)
		return NULL;
	return vm.ram + off;
}

/* The PLIC's output for context @ctx: hart @ctx's external interrupt line. */
void plic_irq_out(void *opaque, unsigned int ctx, bool level)
{
	struct axvcpu_irq_line line = { .vector = IRQ_S_EXT, .level = level };

	(void)opaque;
	if (ioctl(vm.vcpus[ctx].fd, AXVCPU_VCPU_IRQ_LINE, &line) &&
	    warn_once(WARN_IRQ_LINE | ctx))
		axvm_err("vCPU %u: AXVCPU_VCPU_IRQ_LINE %d: %s", ctx, level,
			 strerror(errno));
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
	} else if (m->addr >= PLIC_BASE && m->addr < PLIC_BASE + PLIC_SIZE &&
		   m->width == 4 && !(m->addr & 3)) {
		if (write)
			plic_write(&vm.plic, m->addr - PLIC_BASE, m->data);
		else
			val = plic_read(&vm.plic, m->addr - PLIC_BASE);
	} else {
		mmio_unknown(v, m, write);
	}
	pthread_mutex_unlock(&vm.dev_lock);
	if (!write)
		m->data = val;
}

/* DBCN console_write_byte and the legacy console_putchar. */
static void put_byte(struct vcpu *v, u8 c)
{
	v->n.sbi_console++;
	pthread_mutex_lock(&vm.dev_lock);
	console_out(&c, 1);
	pthread_mutex_unlock(&vm.dev_lock);
	set_ret(v, SBI_SUCCESS);
}

/* SBI debug console: bytes in guest memory, base_hi must be 0 on rv64. */
static void sbi_dbcn(struct vcpu *v, const struct axvcpu_exit_hypercall *h)
{
	u8 *p;
	u64 n;

	switch (h->fid) {
	case DBCN_WRITE:
	case DBCN_READ:
		v->n.sbi_console++;
		p = h->args[2] ? NULL : guest_ptr(h->args[1], h->args[0]);
		if (!p) {
			set_ret(v, SBI_ERR_INVALID_PARAM);
			return;
		}
		pthread_mutex_lock(&vm.dev_lock);
		if (h->fid == DBCN_WRITE) {
			console_out(p, h->args[0]);
			n = h->args[0];
		} else {
			n = console_read(p, h->args[0]);
		}
		pthread_mutex_unlock(&vm.dev_lock);
		set_ret(v, SBI_SUCCESS);
		set_reg(v, AXVCPU_REG_RISCV_GPR(11), n);
		return;
	case DBCN_WRITE_BYTE:
		put_byte(v, h->args[0]);
		return;
	}
	v->n.sbi_other++;
	set_ret(v, SBI_ERR_NOT_SUPPORTED);
}

static void hypercall(struct vcpu *v)
{
	const struct axvcpu_exit_hypercall *h = &v->run->hypercall;
	int in;

	switch (h->nr) {
	case EID_DBCN:
		sbi_dbcn(v, h);
		return;
	case EID_LEGACY_PUTCHAR:
		put_byte(v, h->args[0]);
		return;
	case EID_LEGACY_GETCHAR:
		v->n.sbi_console++;
		pthread_mutex_lock(&vm.dev_lock);
		in = console_getc();
		pthread_mutex_unlock(&vm.dev_lock);
		set_ret(v, in);
		return;
	}
	v->n.sbi_other++;
	set_ret(v, SBI_ERR_NOT_SUPPORTED);
}

/* SBI HSM hart_start from @v: set the target up, or restart it. */
static void cpu_up(struct vcpu *v)
{
	const struct axvcpu_exit_cpu_up *up = &v->run->cpu_up;
	s64 ret = SBI_SUCCESS;
	struct vcpu *t;

	v->n.cpu_up++;
	if (up->target_cpu >= vm.ncpus) {
		set_ret(v, SBI_ERR_INVALID_PARAM);
		return;
	}
	t = &vm.vcpus[up->target_cpu];
	pthread_mutex_lock(&vm.cpu_lock);
	switch (t->state) {
	case VCPU_CREATED:
		if (vcpu_setup(t, up->entry_point, up->arg)) {
			ret = SBI_ERR_FAILED;
			break;
		}
		t->state = VCPU_RUNNING;
		pthread_cond_signal(&t->wake);
		break;
	case VCPU_STOPPED:
		/* The module reset the hart at its hart_stop; it starts afresh. */
		t->state = VCPU_RUNNING;
		pthread_cond_signal(&t->wake);
		break;
	case VCPU_RUNNING:
		ret = SBI_ERR_ALREADY_AVAILABLE;
		break;
	}
	pthread_mutex_unlock(&vm.cpu_lock);
	if (ret != SBI_SUCCESS)
		set_ret(v, ret);
}

/* Wait while the hart is not started; false if axvm is stopping. */
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

/* Only without in-kernel IPIs: raise the software interrupt of each target. */
static void send_ipi(struct vcpu *v)
{
	const struct axvcpu_exit_ipi *ipi = &v->run->ipi;
	struct axvcpu_interrupt irq = { .vector = ipi->vector };
	unsigned int i;
	u64 hart;

	v->n.ipi++;
	for (i = 0; i < vm.ncpus; i++) {
		hart = i - ipi->target_cpu;
		if (!ipi->send_to_all &&
		    (i < ipi->target_cpu || hart >= 64 ||
		     !(ipi->target_cpu_aux & (1ULL << hart))))
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
	if (warn_once(WARN_CSR | s->addr))
		axvm_err("vCPU %u: %s of CSR 0x%llx, which nothing emulates (reads 0, writes ignored)",
			 v->id, write ? "write" : "read", (unsigned long long)s->addr);
	if (!write)
		s->value = 0;
}

/* A guest the VMM cannot continue: say why and where, and stop. */
static void guest_fault(struct vcpu *v, const char *what)
{
	static const struct {
		const char *name;
		u64 id;
	} regs[] = {
		{ "pc", AXVCPU_REG_RISCV_PC },
		{ "sstatus", AXVCPU_REG_RISCV_CSR(CSR_SSTATUS) },
		{ "sepc", AXVCPU_REG_RISCV_CSR(CSR_SEPC) },
		{ "scause", AXVCPU_REG_RISCV_CSR(CSR_SCAUSE) },
		{ "stval", AXVCPU_REG_RISCV_CSR(CSR_STVAL) },
		{ "satp", AXVCPU_REG_RISCV_CSR(CSR_SATP) },
	};
	struct axvcpu_one_reg r;
	char buf[256];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(regs) && n < sizeof(buf); i++) {
		r.id = regs[i].id;
		r.value = 0;
		if (ioctl(v->fd, AXVCPU_VCPU_GET_ONE_REG, &r))
			n += snprintf(buf + n, sizeof(buf) - n, " %s ?", regs[i].name);
		else
			n += snprintf(buf + n, sizeof(buf) - n, " %s 0x%llx",
				      regs[i].name, (unsigned long long)r.value);
	}
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
		hypercall(v);
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
