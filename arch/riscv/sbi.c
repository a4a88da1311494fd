// SPDX-License-Identifier: GPL-2.0
/*
 * The SBI the guest sees (RISC-V SBI specification v2.0). BASE and TIME
 * are handled here; HSM, IPI and SRST become CpuUp/CpuDown, SendIPI and
 * SystemDown exits; the other standard extensions answer "not supported";
 * every other extension id is a Hypercall for the VMM.
 */
#include <linux/mutex.h>
#include <asm/csr.h>

#include "rvh.h"

/* Extension ids are guest ABI: defined here, whatever the host's config. */
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

#define AXVCPU_SBI_SPEC_VERSION	0x02000000	/* v2.0 */
#define AXVCPU_SBI_IMPL_ID	0x4158		/* "AX" */
#define AXVCPU_SBI_IMPL_VERSION	1

static int sbi_ret(struct rvh_context *g, long err, unsigned long val)
{
	g->x[10] = err;
	g->x[11] = val;
	return AXVCPU_EXIT_NOTHING;
}

static bool probe_extension(unsigned long eid)
{
	switch (eid) {
	case EID_BASE:
	case EID_IPI:
	case EID_HSM:
	case EID_SRST:
		return true;
	case EID_TIME:
		return axvcpu_riscv_has_sstc;
	default:
		return false;
	}
}

static int sbi_base(struct rvh_context *g, unsigned long fid)
{
	switch (fid) {
	case 0:
		return sbi_ret(g, SBI_SUCCESS, AXVCPU_SBI_SPEC_VERSION);
	case 1:
		return sbi_ret(g, SBI_SUCCESS, AXVCPU_SBI_IMPL_ID);
	case 2:
		return sbi_ret(g, SBI_SUCCESS, AXVCPU_SBI_IMPL_VERSION);
	case 3:
		return sbi_ret(g, SBI_SUCCESS, probe_extension(g->x[10]));
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

static int sbi_ipi(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		   unsigned long fid, struct axvcpu_run *run)
{
	unsigned long mask = g->x[10], base = g->x[11];
	unsigned long self = to_rvh(vcpu)->hartid;

	if (fid)
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	run->ipi.target_cpu = base;
	run->ipi.target_cpu_aux = mask;
	run->ipi.send_to_all = base == -1UL;
	run->ipi.send_to_self = base == -1UL ||
		(self >= base && self - base < BITS_PER_LONG &&
		 (mask & BIT(self - base)));
	run->ipi.vector = IRQ_S_SOFT;
	sbi_ret(g, SBI_SUCCESS, 0);
	return AXVCPU_EXIT_SEND_IPI;
}

/*
 * HART_GET_STATUS: a hart is started once the VMM has set its vCPU up
 * (hart ids are known from setup); any other id below the vCPU limit is
 * stopped.
 */
static int hart_status(struct axvcpu_vcpu *vcpu, struct rvh_context *g)
{
	struct axvcpu_vm *vm = vcpu->vm;
	unsigned long hartid = g->x[10];
	bool started = false;
	unsigned int i;

	mutex_lock(&vm->lock);
	for (i = 0; i < AXVCPU_MAX_VCPUS && !started; i++) {
		struct axvcpu_vcpu *v = vm->vcpus[i];
		int state = v ? READ_ONCE(v->state) : AXVCPU_STATE_CREATED;

		started = state != AXVCPU_STATE_CREATED &&
			  state != AXVCPU_STATE_INVALID &&
			  to_rvh(v)->hartid == hartid;
	}
	mutex_unlock(&vm->lock);
	if (started)
		return sbi_ret(g, SBI_SUCCESS, 0);	/* STARTED */
	if (hartid < AXVCPU_MAX_VCPUS)
		return sbi_ret(g, SBI_SUCCESS, 1);	/* STOPPED */
	return sbi_ret(g, SBI_ERR_INVALID_PARAM, 0);
}

static int sbi_hsm(struct axvcpu_vcpu *vcpu, struct rvh_context *g,
		   unsigned long fid, struct axvcpu_run *run)
{
	switch (fid) {
	case 0:		/* HART_START */
		run->cpu_up.target_cpu = g->x[10];
		run->cpu_up.entry_point = g->x[11];
		run->cpu_up.arg = g->x[12];
		sbi_ret(g, SBI_SUCCESS, 0);
		return AXVCPU_EXIT_CPU_UP;
	case 1:		/* HART_STOP */
		run->cpu_down_state = 0;
		sbi_ret(g, SBI_SUCCESS, 0);
		return AXVCPU_EXIT_CPU_DOWN;
	case 2:
		return hart_status(vcpu, g);
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
		return sbi_base(g, fid);
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
	case 0 ... EID_LEGACY_LAST - 1:
	case EID_RFENCE:
	case EID_PMU:
	case EID_DBCN:
	case EID_SUSP:
	case EID_CPPC:
	case EID_NACL:
	case EID_STA:
		return sbi_ret(g, SBI_ERR_NOT_SUPPORTED, 0);
	default:
		return hypercall(g, run);
	}
}
