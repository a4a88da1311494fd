// SPDX-License-Identifier: GPL-2.0
/*
 * The SBI the guest sees (RISC-V SBI specification v2.0). BASE, TIME and
 * HSM's bookkeeping are handled here; IPI and RFENCE too for a vCPU set
 * up with AXVCPU_SETUP_KERNEL_IPI (else IPI is a SendIPI exit and RFENCE
 * is absent); HART_START/STOP and SRST become CpuUp/CpuDown and
 * SystemDown exits; DBCN and the legacy console calls are Hypercall exits
 * for the VMM to answer; the other standard extensions answer "not
 * supported"; every other extension id is a Hypercall for the VMM.
 */
#include <linux/mutex.h>
#include <asm/csr.h>

#include "rvh.h"

/* Extension ids are guest ABI: defined here, whatever the host's config. */
#define EID_LEGACY_PUTCHAR	0x01
#define EID_LEGACY_GETCHAR	0x02
#define EID_LEGACY_SHUTDOWN	0x08
#define EID_LEGACY_LAST		0x08
#define EID_BASE		0x10
#define EID_TIME		0x54494D45
#define EID_IPI			0x735049
#define EID_RFENCE		0x52464E43
#define EID_HSM			0x48534D
#define EID_SRST		0x53525354
#define EID_PMU			0x504D55
#define EID_DBCN		0x4442434E
#define EID_SUSP		0x53555350
#define EID_CPPC		0x43505043
#define EID_NACL		0x4E41434C
#define EID_STA			0x535441

#define SBI_SUCCESS		0
#define SBI_ERR_NOT_SUPPORTED	-2
#define SBI_ERR_INVALID_PARAM	-3
#define SBI_ERR_ALREADY_AVAILABLE -6

/* HSM hart states and suspend types. */
#define HSM_STARTED		0
#define HSM_STOPPED		1
#define HSM_START_PENDING	2
#define HSM_SUSPEND_RET_DEFAULT	0
#define HSM_SUSPEND_NONRET_DEFAULT 0x80000000UL

#define AXVCPU_SBI_SPEC_VERSION	0x02000000	/* v2.0 */
#define AXVCPU_SBI_IMPL_ID	0x4158		/* "AX" */
#define AXVCPU_SBI_IMPL_VERSION	1

static int sbi_ret(struct rvh_context *g, long err, unsigned long val)
{
	g->x[10] = err;
	g->x[11] = val;
	return AXVCPU_EXIT_NOTHING;
}

static bool probe_extension(struct axvcpu_vcpu *vcpu, unsigned long eid)
{
	switch (eid) {
	case EID_BASE:
	case EID_IPI:
	case EID_HSM:
	case EID_SRST:
	case EID_DBCN:		/* the VMM's to answer */
	case EID_LEGACY_PUTCHAR:
	case EID_LEGACY_GETCHAR:
		return true;
	case EID_TIME:
		return axvcpu_riscv_has_sstc;
	case EID_RFENCE:
		return vcpu->flags & AXVCPU_SETUP_KERNEL_IPI;
	default:
		return false;
	}
}

static int sbi_base(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		    unsigned long fid)
{
	switch (fid) {
	case 0:
		return sbi_ret(g, SBI_SUCCESS, AXVCPU_SBI_SPEC_VERSION);
	case 1:
		return sbi_ret(g, SBI_SUCCESS, AXVCPU_SBI_IMPL_ID);
	case 2:
		return sbi_ret(g, SBI_SUCCESS, AXVCPU_SBI_IMPL_VERSION);
	case 3:
		return sbi_ret(g, SBI_SUCCESS, probe_extension(vcpu, g->x[10]));
	case 4:		/* mvendorid, marchid, mimpid */
	case 5:
	case 6:
		return sbi_ret(g, SBI_SUCCESS, 0);
	default:
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	}
}

/*
 * The guest's set_timer lands in vstimecmp (Sstc): no exit, no hrtimer.
 * It also clears a pending injected timer interrupt (SBI spec).
 */
static int sbi_time(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		    unsigned long fid)
{
	if (fid || !axvcpu_riscv_has_sstc)
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	csr_write(CSR_VSTIMECMP, g->x[10]);
	axvcpu_riscv_ack_timer(vcpu);
	return sbi_ret(g, SBI_SUCCESS, 0);
}

/* Whether a hart mask (SBI "hart_mask", "hart_mask_base") names @hartid. */
static bool in_hart_mask(unsigned long mask, unsigned long base,
			 unsigned long hartid)
{
	return base == -1UL ||
	       (hartid >= base && hartid - base < BITS_PER_LONG &&
		(mask & BIT(hartid - base)));
}

/*
 * Run @fn on every vCPU of the VM the hart mask names, the caller
 * included. Hart ids no vCPU has are skipped, as KVM 6.12 does.
 */
static void to_hart_mask(struct axvcpu_vcpu *vcpu, unsigned long mask,
			 unsigned long base,
			 void (*fn)(struct axvcpu_vcpu *vcpu, struct axvcpu_vcpu *t))
{
	struct axvcpu_vcpu *t;
	unsigned long i;

	xa_for_each(&vcpu->vm->vcpus, i, t) {
		if (axvcpu_vcpu_is_set_up(t) &&
		    in_hart_mask(mask, base, to_rvh(t)->hartid))
			fn(vcpu, t);
	}
}

static void send_ipi(struct axvcpu_vcpu *vcpu, struct axvcpu_vcpu *t)
{
	axvcpu_riscv_inject(t, IRQ_S_SOFT);
	axvcpu_vcpu_kick(t);
}

/*
 * A remote fence: the target does fence.i and hfence.vvma before it runs
 * guest code again; the call returns once every target in guest mode has
 * left it (the caller's own request is done at its next entry).
 */
static void send_fence(struct axvcpu_vcpu *vcpu, struct axvcpu_vcpu *t)
{
	set_bit(RVH_REQ_FLUSH, &to_rvh(t)->requests);
	if (t != vcpu)
		axvcpu_vcpu_kick_sync(t);
}

static int sbi_rfence(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		      unsigned long fid)
{
	if (!(vcpu->flags & AXVCPU_SETUP_KERNEL_IPI))
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	switch (fid) {
	case 0:		/* REMOTE_FENCE_I */
	case 1:		/* REMOTE_SFENCE_VMA */
	case 2:		/* REMOTE_SFENCE_VMA_ASID */
		to_hart_mask(vcpu, g->x[10], g->x[11], send_fence);
		return sbi_ret(g, SBI_SUCCESS, 0);
	default:
		/* The HFENCE calls: no nested virtualization, as KVM 6.12. */
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	}
}

static int sbi_ipi(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		   unsigned long fid, struct axvcpu_run *run)
{
	unsigned long mask = g->x[10], base = g->x[11];
	unsigned long self = to_rvh(vcpu)->hartid;

	if (fid)
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	if (vcpu->flags & AXVCPU_SETUP_KERNEL_IPI) {
		to_hart_mask(vcpu, mask, base, send_ipi);
		return sbi_ret(g, SBI_SUCCESS, 0);
	}
	run->ipi.target_cpu = base;
	run->ipi.target_cpu_aux = mask;
	run->ipi.send_to_all = base == -1UL;
	run->ipi.send_to_self = in_hart_mask(mask, base, self);
	run->ipi.vector = IRQ_S_SOFT;
	sbi_ret(g, SBI_SUCCESS, 0);
	return AXVCPU_EXIT_SEND_IPI;
}

/*
 * HSM. A hart is STOPPED until the VMM has set its vCPU up (hart ids are
 * known from setup), STARTED from then on, STOPPED again after its own
 * HART_STOP until it runs again, START_PENDING between another hart's
 * HART_START and that run. Starting and stopping stay with the VMM
 * (CpuUp and CpuDown exits): it owns the threads. A restarted vCPU is
 * reset by its next entry (vcpu.c, hsm_start()), as KVM's HSM does.
 */
static int hart_status(struct axvcpu_vcpu *vcpu, struct rvh_context *g)
{
	unsigned long hartid = g->x[10];
	struct axvcpu_vcpu *t;
	long status = HSM_STARTED;

	t = axvcpu_riscv_find_hart(vcpu->vm, hartid);
	if (!t)
		status = hartid < AXVCPU_MAX_VCPUS ? HSM_STOPPED : -1;
	else if (READ_ONCE(to_rvh(t)->start_pending))
		status = HSM_START_PENDING;
	else if (READ_ONCE(to_rvh(t)->hsm_stopped))
		status = HSM_STOPPED;
	if (status < 0)
		return sbi_ret(g, SBI_ERR_INVALID_PARAM, 0);
	return sbi_ret(g, SBI_SUCCESS, status);
}

static int hart_start(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		      struct axvcpu_run *run)
{
	struct axvcpu_vm *vm = vcpu->vm;
	struct axvcpu_vcpu *t;
	struct rvh_vcpu *trv;
	long err = SBI_SUCCESS;

	/* Two harts starting the same one: one of them wins. */
	mutex_lock(&vm->lock);
	t = axvcpu_riscv_find_hart(vm, g->x[10]);
	if (t) {
		trv = to_rvh(t);
		if (!READ_ONCE(trv->hsm_stopped) || READ_ONCE(trv->start_pending)) {
			err = SBI_ERR_ALREADY_AVAILABLE;
		} else {
			trv->start_entry = g->x[11];
			trv->start_arg = g->x[12];
			/* Pairs with hsm_start(): entry and arg first. */
			smp_store_release(&trv->start_pending, true);
		}
	}
	mutex_unlock(&vm->lock);
	if (err)
		return sbi_ret(g, err, 0);
	run->cpu_up.target_cpu = g->x[10];
	run->cpu_up.entry_point = g->x[11];
	run->cpu_up.arg = g->x[12];
	sbi_ret(g, SBI_SUCCESS, 0);
	return AXVCPU_EXIT_CPU_UP;
}

/* Retentive suspend is a WFI, as KVM 6.12 (non-retentive: not supported). */
static int hart_suspend(struct axvcpu_vcpu *vcpu, struct rvh_context *g)
{
	u32 type = g->x[10];

	if (type == HSM_SUSPEND_NONRET_DEFAULT)
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	if (type != HSM_SUSPEND_RET_DEFAULT)
		return sbi_ret(g, SBI_ERR_INVALID_PARAM, 0);
	sbi_ret(g, SBI_SUCCESS, 0);
	return axvcpu_riscv_irq_pending(vcpu) ? AXVCPU_EXIT_NOTHING :
						AXVCPU_EXIT_HALT;
}

static int sbi_hsm(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		   unsigned long fid, struct axvcpu_run *run)
{
	switch (fid) {
	case 0:
		return hart_start(vcpu, g, run);
	case 1:		/* HART_STOP */
		WRITE_ONCE(to_rvh(vcpu)->hsm_stopped, true);
		run->cpu_down_state = 0;
		sbi_ret(g, SBI_SUCCESS, 0);
		return AXVCPU_EXIT_CPU_DOWN;
	case 2:
		return hart_status(vcpu, g);
	case 3:
		return hart_suspend(vcpu, g);
	default:
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	}
}

static int system_down(struct axvcpu_run *run, u64 type, u64 reason)
{
	run->system_down.type = type;
	run->system_down.reason = reason;
	return AXVCPU_EXIT_SYSTEM_DOWN;
}

static int hypercall(struct rvh_context *g, struct axvcpu_run *run)
{
	unsigned int i;

	run->hypercall.nr = g->x[17];
	for (i = 0; i < 6; i++)
		run->hypercall.args[i] = g->x[10 + i];
	run->hypercall.fid = g->x[16];
	return AXVCPU_EXIT_HYPERCALL;
}

/**
 * axvcpu_riscv_sbi_ecall() - handle an ecall from VS-mode
 * @vcpu: the vCPU, bound.
 * @run: the run page, for exits to the VMM.
 *
 * Return: an AXVCPU_EXIT_* reason; the ecall has been stepped over.
 */
int axvcpu_riscv_sbi_ecall(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct rvh_context *g = &to_rvh(vcpu)->sw.guest;
	unsigned long eid = g->x[17], fid = g->x[16];

	g->sepc += 4;
	switch (eid) {
	case EID_BASE:
		return sbi_base(vcpu, g, fid);
	case EID_TIME:
		return sbi_time(vcpu, g, fid);
	case EID_IPI:
		return sbi_ipi(vcpu, g, fid, run);
	case EID_HSM:
		return sbi_hsm(vcpu, g, fid, run);
	case EID_SRST:
		if (fid)
			return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
		return system_down(run, g->x[10], g->x[11]);
	case EID_LEGACY_SHUTDOWN:
		return system_down(run, 0, 0);
	case EID_RFENCE:
		return sbi_rfence(vcpu, g, fid);
	case EID_LEGACY_PUTCHAR:
	case EID_LEGACY_GETCHAR:
	case EID_DBCN:
		return hypercall(g, run);
	case 0:
	case EID_LEGACY_GETCHAR + 1 ... EID_LEGACY_LAST - 1:
	case EID_PMU:
	case EID_SUSP:
	case EID_CPPC:
	case EID_NACL:
	case EID_STA:
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	default:
		return hypercall(g, run);
	}
}
