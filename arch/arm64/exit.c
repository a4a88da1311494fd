// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 exit handling: one switch on the exception class of ESR_EL2. Runs
 * with interrupts and preemption enabled; the preempt notifier keeps the
 * guest's EL1 registers on whatever CPU this thread runs, so they are
 * read and written directly.
 */
#include <linux/mutex.h>
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>

#include "vhe.h"

/* Fault status codes of a stage-2 translation or permission fault. */
#define VHE_FSC_TYPE_MASK	0x3c
#define VHE_FSC_TRANS		0x04
#define VHE_FSC_PERM		0x0c
#define VHE_FSC_ACCESS		0x08

/* ICC_SGI1R_EL1 as decoded by axvcpu_arm64_decode_sysreg(). */
#define VHE_SYSREG_ICC_SGI1R	((3 << 20) | (5 << 17) | (0 << 14) | \
				 (12 << 10) | (11 << 1))

/*
 * The RAS error record registers: Op0 3, Op1 0, CRn 5, CRm 3..5 (ERRIDR,
 * ERRSELR, ERX*), trapped by HCR_EL2.TERR.
 */
static bool is_ras_reg(u32 addr)
{
	unsigned int crm = (addr >> 1) & 0xf;

	return ((addr >> 20) & 3) == 3 && !((addr >> 14) & 7) &&
	       ((addr >> 10) & 0xf) == 5 && crm >= 3 && crm <= 5;
}

static void skip_insn(struct vhe_vcpu *vv)
{
	vv->sw.pc += 4;
}

/*
 * Make the guest take an Undefined Instruction exception at EL1, as the
 * hardware would have without our trap (Arm ARM D1.3 "Exception entry").
 */
static int inject_undef(struct vhe_vcpu *vv)
{
	u64 pstate = vv->sw.pstate, off;

	switch (pstate & (PSR_MODE_MASK | PSR_MODE32_BIT)) {
	case PSR_MODE_EL1t:
		off = 0x000;
		break;
	case PSR_MODE_EL1h:
		off = 0x200;
		break;
	case PSR_MODE_EL0t:
		off = 0x400;
		break;
	default:
		off = 0x600;
		break;
	}
	write_sysreg_s(vv->sw.pc, SYS_ELR_EL12);
	write_sysreg_s(pstate, SYS_SPSR_EL12);
	write_sysreg_s(ESR_ELx_IL | (ESR_ELx_EC_UNKNOWN << ESR_ELx_EC_SHIFT),
		       SYS_ESR_EL12);
	vv->sw.pc = read_sysreg_s(SYS_VBAR_EL12) + off;
	vv->sw.pstate = PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT |
			PSR_F_BIT | (pstate & PSR_PAN_BIT);
	return AXVCPU_EXIT_NOTHING;
}

/* ------------------------------------------------------ stage-2 faults */

static int mmio_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		     u64 esr, u64 ipa)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	struct vhe_dabt d;

	axvcpu_arm64_decode_dabt(esr, &d);
	if (!d.valid)
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_MMIO_DECODE,
						  esr, ipa);

	skip_insn(vv);
	if (d.write)
		return axvcpu_exit_mmio_write(run, ipa, d.width,
					      d.reg == 31 ? 0 : vv->sw.x[d.reg]);
	/* The completion writes Xt, or Wt zero-extended. */
	return axvcpu_exit_mmio_read(vcpu, ipa, d.width, d.reg, d.reg64 ? 8 : 4,
				     d.sign);
}

static int abort_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		      bool fetch)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	u64 esr = vv->sw.esr, fsc = esr & ESR_ELx_FSC;
	u64 ipa = axvcpu_arm64_fault_ipa(vv->sw.hpfar, vv->sw.far);
	u32 access = fetch ? AXVCPU_ACCESS_EXEC : (esr & ESR_ELx_WNR) ?
		     AXVCPU_ACCESS_WRITE : AXVCPU_ACCESS_READ;
	int r;

	switch (fsc & VHE_FSC_TYPE_MASK) {
	case VHE_FSC_TRANS:
	case VHE_FSC_PERM:
	case VHE_FSC_ACCESS:
		break;
	default:	/* external abort, alignment, TLB conflict... */
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_UNKNOWN_EXIT,
						  esr, ipa);
	}

	/* S1PTW: the guest's own page-table walk, never MMIO. */
	r = axvcpu_gpa_fault(vcpu, run, ipa, access, esr & ESR_ELx_S1PTW);
	if (r != AXVCPU_GPA_MMIO)
		return r;
	/* Cache maintenance by VA on MMIO: nothing to do, as KVM does. */
	if (esr & ESR_ELx_CM) {
		skip_insn(vv);
		return AXVCPU_EXIT_NOTHING;
	}
	return mmio_exit(vcpu, run, esr, ipa);
}

/* ---------------------------------------------------- system registers */

/* A write to ICC_SGI1R_EL1 (GICv3 spec 12.2.23): the guest sends an SGI. */
static int sgi_exit(struct vhe_vcpu *vv, struct axvcpu_run *run, u64 val)
{
	bool all = val & BIT_ULL(40);

	memset(&run->ipi, 0, sizeof(run->ipi));
	run->ipi.target_cpu = axvcpu_arm64_sgi1r_base(val);
	run->ipi.target_cpu_aux = val & 0xffff;
	run->ipi.send_to_all = all;
	/* IRM = 1 targets every PE but the sender. */
	run->ipi.send_to_self = !all && axvcpu_arm64_sgi1r_targets(val, vv->mpidr);
	run->ipi.vector = (val >> 24) & 0xf;
	skip_insn(vv);
	return AXVCPU_EXIT_SEND_IPI;
}

/*
 * A guest read of an ID register (HCR_EL2.TID3): the host's sanitised
 * value with what the backend does not virtualise removed, as KVM's
 * sys_regs.c; unallocated ones read as zero.
 */
static int id_reg_read(struct vhe_vcpu *vv, const struct vhe_sysreg *s,
		       unsigned int crm, unsigned int op2)
{
	u64 val = 0;

	if (axvcpu_arm64_id_known(crm, op2)) {
		val = read_sanitised_ftr_reg(sys_reg(3, 0, 0, crm, op2));
		val = axvcpu_arm64_id_sanitise(crm, op2, val);
	}
	if (s->reg < 31)
		vv->sw.x[s->reg] = val;
	skip_insn(vv);
	return AXVCPU_EXIT_NOTHING;
}

static int sysreg_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	unsigned int crm, op2;
	struct vhe_sysreg s;
	u64 val;

	axvcpu_arm64_decode_sysreg(vv->sw.esr, &s);
	if (s.read && axvcpu_arm64_id_reg(s.addr, &crm, &op2))
		return id_reg_read(vv, &s, crm, op2);
	/* No RAS in the guest's ID registers: as on a CPU without it. */
	if (is_ras_reg(s.addr))
		return inject_undef(vv);
	val = s.reg == 31 ? 0 : vv->sw.x[s.reg];
	if (!s.read && s.addr == VHE_SYSREG_ICC_SGI1R) {
		if (!(vcpu->flags & AXVCPU_SETUP_KERNEL_IPI))
			return sgi_exit(vv, run, val);
		axvcpu_vgic_send_sgi(vcpu, val);
		skip_insn(vv);
		return AXVCPU_EXIT_NOTHING;
	}

	memset(&run->sysreg, 0, sizeof(run->sysreg));
	run->sysreg.addr = s.addr;
	run->sysreg.reg = s.reg;
	if (!s.read)
		run->sysreg.value = val;
	skip_insn(vv);
	return s.read ? AXVCPU_EXIT_SYSREG_READ : AXVCPU_EXIT_SYSREG_WRITE;
}

/* ------------------------------------------------------------ dispatch */

static int wfx_exit(struct vhe_vcpu *vv)
{
	skip_insn(vv);
	/* WFE (ISS bit 0) is not trapped; WFIT waits like WFI. */
	if (vv->sw.esr & ESR_ELx_WFx_ISS_WFE)
		return AXVCPU_EXIT_NOTHING;
	return axvcpu_vgic_irq_pending(vv) ? AXVCPU_EXIT_NOTHING :
					     AXVCPU_EXIT_HALT;
}

/**
 * axvcpu_arm64_handle_exit() - handle the exception that ended the entry
 * @vcpu: the vCPU, bound.
 * @run: the run page.
 *
 * Return: an AXVCPU_EXIT_* reason with its payload in @run.
 */
int axvcpu_arm64_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	u64 esr = vv->sw.esr;

	switch (vv->exit_code) {
	case VHE_EXIT_SYNC:
		break;
	case VHE_EXIT_IRQ:
	case VHE_EXIT_FIQ:
		return AXVCPU_EXIT_EXTERNAL_INTERRUPT;
	default:	/* an SError the guest caused: not ours to resolve */
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_UNKNOWN_EXIT,
				      vv->exit_code, esr);
	}

	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_WFx:
		return wfx_exit(vv);
	case ESR_ELx_EC_FP_ASIMD:
		vv->fp_enabled = true;		/* switched from now on */
		return AXVCPU_EXIT_NOTHING;
	case ESR_ELx_EC_HVC64:
		return axvcpu_arm64_hvc(vcpu, run, esr & ESR_ELx_xVC_IMM_MASK);
	case ESR_ELx_EC_SMC64:
		skip_insn(vv);
		return axvcpu_arm64_hvc(vcpu, run, esr & ESR_ELx_xVC_IMM_MASK);
	case ESR_ELx_EC_SYS64:
		return sysreg_exit(vcpu, run);
	case ESR_ELx_EC_IABT_LOW:
		return abort_exit(vcpu, run, true);
	case ESR_ELx_EC_DABT_LOW:
		return abort_exit(vcpu, run, false);
	case ESR_ELx_EC_UNKNOWN:
	case ESR_ELx_EC_PAC:
	case ESR_ELx_EC_SVE:
	case ESR_ELx_EC_SME:
	case ESR_ELx_EC_CP15_32:
	case ESR_ELx_EC_CP15_64:
	case ESR_ELx_EC_CP14_MR:
	case ESR_ELx_EC_CP14_LS:
	case ESR_ELx_EC_CP14_64:
	case ESR_ELx_EC_CP10_ID:
	case ESR_ELx_EC_HVC32:
	case ESR_ELx_EC_SMC32:
		return inject_undef(vv);
	default:
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_UNKNOWN_EXIT, esr,
				      vv->sw.pc);
	}
}
