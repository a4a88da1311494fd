// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPU: creation, setup, bind/unbind of the guest's EL1 state,
 * registers, interrupt injection and guest entry.
 *
 * With VHE the host kernel runs at EL2 and never uses the EL1 system
 * registers, so, as KVM's VHE code does, the guest's EL1 state (reached
 * through the *_EL12 aliases) is loaded when the vCPU is bound and saved
 * when it is unbound. What the host does use (HCR_EL2, trap controls,
 * VBAR_EL2, SP_EL0, FP/SIMD) is switched around every entry.
 */
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/arch_timer.h>
#include <asm/debug-monitors.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <clocksource/arm_arch_timer.h>

#include "vhe.h"

static_assert(offsetof(struct vhe_switch, x) == VHE_GUEST_X(0));
static_assert(offsetof(struct vhe_switch, sp_el0) == VHE_GUEST_SP_EL0);
static_assert(offsetof(struct vhe_switch, pc) == VHE_GUEST_PC);
static_assert(offsetof(struct vhe_switch, pstate) == VHE_GUEST_PSTATE);
static_assert(offsetof(struct vhe_switch, host_x) == VHE_HOST_X18);
static_assert(offsetof(struct vhe_switch, host_sp_el0) == VHE_HOST_SP_EL0);
static_assert(offsetof(struct vhe_switch, host_vbar) == VHE_HOST_VBAR);
static_assert(offsetof(struct vhe_switch, host_daif) == VHE_HOST_DAIF);
static_assert(offsetof(struct vhe_switch, esr) == VHE_TRAP_ESR);
static_assert(offsetof(struct vhe_switch, far) == VHE_TRAP_FAR);
static_assert(offsetof(struct vhe_switch, hpfar) == VHE_TRAP_HPFAR);
static_assert(sizeof(struct vhe_switch) == VHE_SWITCH_SIZE);
static_assert(offsetof(struct vhe_fpsimd, fpsr) == VHE_FP_FPSR);
static_assert(offsetof(struct vhe_fpsimd, fpcr) == VHE_FP_FPCR);
static_assert(offsetof(struct vhe_vcpu, sw) == 0);

/* MDCR_EL2 traps for the guest: PMU, debug, SPE and trace filter. */
#define VHE_GUEST_MDCR	(MDCR_EL2_TPM | MDCR_EL2_TPMCR | MDCR_EL2_TDA | \
			 MDCR_EL2_TDOSA | MDCR_EL2_TDRA | MDCR_EL2_TPMS | \
			 MDCR_EL2_TTRF)

/* CNTHCTL_EL2 (E2H layout): EL1 physical counter allowed, timer trapped. */
#define VHE_CNTHCTL_EL1PCTEN	(CNTHCTL_EL1PCTEN << 10)
#define VHE_CNTHCTL_EL1PCEN	(CNTHCTL_EL1PCEN << 10)

/* PSTATE.ALLINT (FEAT_NMI), which the kernel headers do not name. */
#define VHE_PSR_ALLINT_BIT	BIT(13)

/*
 * PSTATE bits a VMM may set with SET_REGS besides the mode (checked in
 * pstate_valid()): every bit of the features this module knows that the
 * hardware can leave in SPSR_EL2 for an AArch64 guest at EL1 or EL0, so
 * that the registers GET_REGS returns can be written back, for instance
 * with only the pc changed after a nested page fault. None reaches the
 * host: the exception entry to EL2 at the next exit builds the host's
 * PSTATE afresh, and an exception a bit leads to is the guest's, taken
 * at its EL1.
 *
 * - NZCV, DAIF, PAN, UAO, DIT, SSBS: the guest's own state.
 * - BTYPE (FEAT_BTI): set by BR and BLR for the instruction at their
 *   target, so a fault on fetching it has BTYPE in SPSR_EL2 (0x7c5 after
 *   a br from the reset PSTATE); it only matters on a page the guest's
 *   stage 1 marks guarded, where it raises a Branch Target exception.
 * - TCO (FEAT_MTE): suppresses the guest's tag checks.
 * - SS: software step, whose step exceptions go to EL1 (MDCR_EL2.TDE is
 *   clear for the guest).
 * - IL: left by an illegal exception return of the guest; the next
 *   instruction raises an Illegal Execution state exception at EL1.
 * - ALLINT (FEAT_NMI): masks interrupts taken to EL1 only; the host's
 *   are taken to EL2.
 *
 * Refused: M[4] (AArch32), the RES0 bits 5, 19:14 and 27:26, and bits
 * 63:32, whose PM, PPEND, EXLOCK, PACM and UINJ belong to features this
 * module does not know (FEAT_EBEP, FEAT_GCS, FEAT_PAuth_LR, FEAT_UINJ).
 *
 * KVM (6.12 set_core_reg()) checks only the mode of a new PSTATE and
 * stores every other bit as given.
 */
#define VHE_PSTATE_MASK	(PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT | \
			 PSR_TCO_BIT | PSR_DIT_BIT | PSR_UAO_BIT | \
			 PSR_PAN_BIT | DBG_SPSR_SS | PSR_IL_BIT | \
			 VHE_PSR_ALLINT_BIT | PSR_SSBS_BIT | PSR_BTYPE_MASK | \
			 PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | \
			 PSR_MODE_MASK | PSR_MODE32_BIT)
#define VHE_PSTATE_RESET	(PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | \
				 PSR_I_BIT | PSR_F_BIT)

static int vhe_vcpu_create(struct axvcpu_vcpu *vcpu)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);

	vv->sw.pstate = VHE_PSTATE_RESET;
	vv->sys[VHE_SCTLR] = INIT_SCTLR_EL1_MMU_OFF;
	return 0;
}

static int vhe_vcpu_set_entry(struct axvcpu_vcpu *vcpu, u64 entry)
{
	if (entry & 3)
		return -EINVAL;
	to_vhe(vcpu)->sw.pc = entry;
	return 0;
}

static struct vhe_vm *to_vhe_vm(struct axvcpu_vcpu *vcpu)
{
	return vcpu->vm->arch;
}

/* VTTBR_EL2 of the vCPU's VM: its stage-2 root and VMID. */
static u64 vm_vttbr(struct axvcpu_vcpu *vcpu)
{
	return to_vhe_vm(vcpu)->vttbr;
}

static int vhe_vcpu_check_setup(struct axvcpu_vcpu *vcpu,
				const struct axvcpu_setup *cfg)
{
	return cfg->arm64.mpidr & ~MPIDR_HWID_BITMASK ? -EINVAL : 0;
}

static int vhe_vcpu_setup(struct axvcpu_vcpu *vcpu,
			  const struct axvcpu_setup *cfg)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	unsigned int i;

	vv->mpidr = cfg->arm64.mpidr;
	for (i = 0; i < ARRAY_SIZE(cfg->arm64.x); i++)
		vv->sw.x[i] = cfg->arm64.x[i];
	return 0;
}

/* ------------------------------------------------------- bind / unbind */

static void sysregs_load(const u64 *s)
{
	write_sysreg_s(s[VHE_SCTLR], SYS_SCTLR_EL12);
	write_sysreg_s(s[VHE_CPACR], SYS_CPACR_EL12);
	write_sysreg_s(s[VHE_TTBR0], SYS_TTBR0_EL12);
	write_sysreg_s(s[VHE_TTBR1], SYS_TTBR1_EL12);
	write_sysreg_s(s[VHE_TCR], SYS_TCR_EL12);
	write_sysreg_s(s[VHE_ESR], SYS_ESR_EL12);
	write_sysreg_s(s[VHE_AFSR0], SYS_AFSR0_EL12);
	write_sysreg_s(s[VHE_AFSR1], SYS_AFSR1_EL12);
	write_sysreg_s(s[VHE_FAR], SYS_FAR_EL12);
	write_sysreg_s(s[VHE_MAIR], SYS_MAIR_EL12);
	write_sysreg_s(s[VHE_AMAIR], SYS_AMAIR_EL12);
	write_sysreg_s(s[VHE_VBAR], SYS_VBAR_EL12);
	write_sysreg_s(s[VHE_CONTEXTIDR], SYS_CONTEXTIDR_EL12);
	write_sysreg_s(s[VHE_CNTKCTL], SYS_CNTKCTL_EL12);
	write_sysreg_s(s[VHE_ELR], SYS_ELR_EL12);
	write_sysreg_s(s[VHE_SPSR], SYS_SPSR_EL12);
	write_sysreg(s[VHE_SP_EL1], sp_el1);
	write_sysreg(s[VHE_TPIDR_EL1], tpidr_el1);
	write_sysreg(s[VHE_PAR], par_el1);
	write_sysreg(s[VHE_CSSELR], csselr_el1);
	write_sysreg(s[VHE_TPIDR_EL0], tpidr_el0);
	write_sysreg(s[VHE_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg_s(s[VHE_CNTV_CVAL], SYS_CNTV_CVAL_EL02);
	write_sysreg_s(s[VHE_CNTV_CTL], SYS_CNTV_CTL_EL02);
}

static void sysregs_save(u64 *s)
{
	s[VHE_CNTV_CTL] = read_sysreg_s(SYS_CNTV_CTL_EL02);
	s[VHE_CNTV_CVAL] = read_sysreg_s(SYS_CNTV_CVAL_EL02);
	s[VHE_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	s[VHE_TPIDR_EL0] = read_sysreg(tpidr_el0);
	s[VHE_CSSELR] = read_sysreg(csselr_el1);
	s[VHE_PAR] = read_sysreg(par_el1);
	s[VHE_TPIDR_EL1] = read_sysreg(tpidr_el1);
	s[VHE_SP_EL1] = read_sysreg(sp_el1);
	s[VHE_SPSR] = read_sysreg_s(SYS_SPSR_EL12);
	s[VHE_ELR] = read_sysreg_s(SYS_ELR_EL12);
	s[VHE_CNTKCTL] = read_sysreg_s(SYS_CNTKCTL_EL12);
	s[VHE_CONTEXTIDR] = read_sysreg_s(SYS_CONTEXTIDR_EL12);
	s[VHE_VBAR] = read_sysreg_s(SYS_VBAR_EL12);
	s[VHE_AMAIR] = read_sysreg_s(SYS_AMAIR_EL12);
	s[VHE_MAIR] = read_sysreg_s(SYS_MAIR_EL12);
	s[VHE_FAR] = read_sysreg_s(SYS_FAR_EL12);
	s[VHE_AFSR1] = read_sysreg_s(SYS_AFSR1_EL12);
	s[VHE_AFSR0] = read_sysreg_s(SYS_AFSR0_EL12);
	s[VHE_ESR] = read_sysreg_s(SYS_ESR_EL12);
	s[VHE_TCR] = read_sysreg_s(SYS_TCR_EL12);
	s[VHE_TTBR1] = read_sysreg_s(SYS_TTBR1_EL12);
	s[VHE_TTBR0] = read_sysreg_s(SYS_TTBR0_EL12);
	s[VHE_CPACR] = read_sysreg_s(SYS_CPACR_EL12);
	s[VHE_SCTLR] = read_sysreg_s(SYS_SCTLR_EL12);
}

static int vhe_vcpu_bind(struct axvcpu_vcpu *vcpu)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	u64 vttbr = vm_vttbr(vcpu);

	/*
	 * VMID 0 is all our VMs': entries another vCPU left here, or this
	 * one before it ran elsewhere (where its local TLBIs went), may be
	 * stale for it. KVM's guests never use VMID 0.
	 */
	if (!vcpu->tlb_clean)
		axvcpu_arm64_flush_vmid_local(vttbr);
	write_sysreg(vttbr, vttbr_el2);
	write_sysreg(axvcpu_vhe_vtcr, vtcr_el2);

	vv->host_tpidr[0] = read_sysreg(tpidr_el0);
	vv->host_tpidr[1] = read_sysreg(tpidrro_el0);
	write_sysreg(vv->mpidr | BIT(31), vmpidr_el2);
	write_sysreg(read_cpuid_id(), vpidr_el2);
	write_sysreg(to_vhe_vm(vcpu)->cntvoff, cntvoff_el2);
	axvcpu_vgic_load(vv);
	/*
	 * The physical vtimer interrupt may have been left active (forwarded)
	 * by a guest that ran here before: make it able to fire for ours.
	 */
	irq_set_irqchip_state(axvcpu_vhe_vtimer_irq, IRQCHIP_STATE_ACTIVE,
			      false);
	sysregs_load(vv->sys);
	isb();
	return 0;
}

static int vhe_vcpu_unbind(struct axvcpu_vcpu *vcpu)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	unsigned long flags;

	local_irq_save(flags);
	sysregs_save(vv->sys);
	/* Stop the guest's timer from interrupting whoever runs here next. */
	write_sysreg_s(0, SYS_CNTV_CTL_EL02);
	axvcpu_vgic_put(vv);
	write_sysreg(vv->host_tpidr[0], tpidr_el0);
	write_sysreg(vv->host_tpidr[1], tpidrro_el0);
	write_sysreg(0, cntvoff_el2);
	isb();
	local_irq_restore(flags);
	return 0;
}

/* --------------------------------------------------------- interrupts */

static int vhe_vcpu_inject_interrupt(struct axvcpu_vcpu *vcpu, u32 vector)
{
	if (vector >= VHE_NR_INTIDS)
		return -EINVAL;
	set_bit(vector, to_vhe(vcpu)->vgic.pending);
	return 0;
}

static int vhe_vcpu_irq_line(struct axvcpu_vcpu *vcpu, u32 vector, bool level)
{
	return axvcpu_vgic_line(to_vhe(vcpu), vector, level);
}

/*
 * The in-kernel halt (AXVCPU_SETUP_KERNEL_HALT): the guest's WFI found
 * nothing pending; the core sleeps until this says otherwise, with an
 * hrtimer at the guest's virtual timer deadline (CNTV_CVAL_EL0 against
 * the virtual count, the host's count less CNTVOFF_EL2), as KVM's
 * kvm_timer_schedule() does for a blocking vCPU.
 */
static bool vhe_vcpu_halt_check(struct axvcpu_vcpu *vcpu, ktime_t *timer)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	u64 ctl, cval, now;

	if (axvcpu_vgic_irq_pending(vv))
		return true;
	ctl = read_sysreg_s(SYS_CNTV_CTL_EL02);
	if ((ctl & (ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_MASK)) !=
	    ARCH_TIMER_CTRL_ENABLE)
		return false;
	cval = read_sysreg_s(SYS_CNTV_CVAL_EL02);
	now = arch_timer_read_counter() - to_vhe_vm(vcpu)->cntvoff;
	if ((s64)(cval - now) <= 0)
		return true;
	*timer = axvcpu_halt_deadline(cval - now, arch_timer_get_cntfrq());
	return false;
}

/* ---------------------------------------------------------- world switch */

/**
 * axvcpu_vhe_bad_vector() - an exception at EL2 inside the world switch
 * @esr: ESR_EL2.
 * @elr: ELR_EL2.
 *
 * Called from switch.S with the kernel's vectors back in place: a bug in
 * the module, never a guest action.
 */
void axvcpu_vhe_bad_vector(u64 esr, u64 elr)
{
	panic("axvcpu: exception at EL2 in the world switch: ESR %#llx at %pS\n",
	      esr, (void *)elr);
}

static int vhe_vcpu_run(struct axvcpu_vcpu *vcpu)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	u64 hcr, mdcr, cptr, cnthctl, gcptr;

	axvcpu_vgic_flush(vv);

	/* CPTR_EL2 in its E2H (CPACR) layout: SVE and SME always trap. */
	cptr = read_sysreg(cpacr_el1);
	gcptr = CPACR_ELx_TTA;
	if (vv->fp_enabled) {
		gcptr |= CPACR_ELx_FPEN;
		__axvcpu_vhe_fp_save(&vv->host_fp);
		__axvcpu_vhe_fp_load(&vv->fp);
	}
	hcr = read_sysreg(hcr_el2);
	mdcr = read_sysreg(mdcr_el2);
	cnthctl = read_sysreg(cnthctl_el2);

	write_sysreg((cnthctl | VHE_CNTHCTL_EL1PCTEN) & ~VHE_CNTHCTL_EL1PCEN,
		     cnthctl_el2);
	write_sysreg((mdcr & MDCR_EL2_HPMN_MASK) | VHE_GUEST_MDCR, mdcr_el2);
	write_sysreg(gcptr, cpacr_el1);
	write_sysreg(axvcpu_vhe_guest_hcr, hcr_el2);
	isb();

	vv->exit_code = __axvcpu_vhe_run(&vv->sw);

	write_sysreg(hcr, hcr_el2);
	isb();
	write_sysreg(cptr, cpacr_el1);
	write_sysreg(mdcr, mdcr_el2);
	write_sysreg(cnthctl, cnthctl_el2);
	isb();
	if (vv->fp_enabled) {
		__axvcpu_vhe_fp_save(&vv->fp);
		__axvcpu_vhe_fp_load(&vv->host_fp);
	}

	axvcpu_vgic_sync(vv);
	vv->powered_on = true;
	return 0;
}

/* ------------------------------------------------------------ registers */

static void vhe_vcpu_get_regs(struct axvcpu_vcpu *vcpu, struct axvcpu_regs *regs)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	unsigned int i;

	for (i = 0; i < 31; i++)
		regs->gprs[i] = vv->sw.x[i];
	regs->gprs[31] = vv->sys[VHE_SP_EL1];
	regs->pc = vv->sw.pc;
	regs->flags = vv->sw.pstate;
}

static bool pstate_valid(u64 pstate)
{
	u64 mode = pstate & (PSR_MODE_MASK | PSR_MODE32_BIT);

	if (pstate & ~(u64)VHE_PSTATE_MASK)
		return false;
	return mode == PSR_MODE_EL0t || mode == PSR_MODE_EL1t ||
	       mode == PSR_MODE_EL1h;
}

static int vhe_vcpu_set_regs(struct axvcpu_vcpu *vcpu,
			     const struct axvcpu_regs *regs)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	unsigned int i;

	if ((regs->pc & 3) || !pstate_valid(regs->flags))
		return -EINVAL;
	for (i = 0; i < 31; i++)
		vv->sw.x[i] = regs->gprs[i];
	vv->sys[VHE_SP_EL1] = regs->gprs[31];
	vv->sw.pc = regs->pc;
	vv->sw.pstate = regs->flags;
	return 0;
}

static int vhe_vcpu_set_gpr(struct axvcpu_vcpu *vcpu, unsigned int reg, u64 val)
{
	if (reg > 31)
		return -EINVAL;
	/* Register 31 is xzr for the instructions that name a register. */
	if (reg < 31)
		to_vhe(vcpu)->sw.x[reg] = val;
	return 0;
}

static void vhe_vcpu_set_return_value(struct axvcpu_vcpu *vcpu, u64 val)
{
	to_vhe(vcpu)->sw.x[0] = val;
}

static int vhe_vcpu_complete_read(struct axvcpu_vcpu *vcpu, u32 reason,
				  struct axvcpu_run *run)
{
	switch (reason) {
	case AXVCPU_EXIT_MMIO_READ:
		return vhe_vcpu_set_gpr(vcpu, vcpu->mmio_read.reg,
					axvcpu_mmio_read_value(&vcpu->mmio_read,
							       READ_ONCE(run->mmio.data)));
	case AXVCPU_EXIT_SYSREG_READ:
		return vhe_vcpu_set_gpr(vcpu, run->sysreg.reg,
					READ_ONCE(run->sysreg.value));
	default:
		return -EINVAL;
	}
}

static void vhe_vcpu_exit_info(struct axvcpu_vcpu *vcpu, u64 *code, u64 *info,
			       u64 *pc)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);

	*code = vv->exit_code;
	*info = vv->sw.esr;
	*pc = vv->sw.pc;
}

const struct axvcpu_arch_ops axvcpu_arm64_ops = {
	.vm_init		= axvcpu_arm64_vm_init,
	.vm_flush_s2		= axvcpu_arm64_vm_flush_s2,
	.vcpu_create		= vhe_vcpu_create,
	.vcpu_set_entry		= vhe_vcpu_set_entry,
	.vcpu_check_setup	= vhe_vcpu_check_setup,
	.vcpu_setup		= vhe_vcpu_setup,
	.vcpu_bind		= vhe_vcpu_bind,
	.vcpu_unbind		= vhe_vcpu_unbind,
	.vcpu_run		= vhe_vcpu_run,
	.vcpu_handle_exit	= axvcpu_arm64_handle_exit,
	.vcpu_complete_read	= vhe_vcpu_complete_read,
	.vcpu_get_regs		= vhe_vcpu_get_regs,
	.vcpu_set_regs		= vhe_vcpu_set_regs,
	.vcpu_inject_interrupt	= vhe_vcpu_inject_interrupt,
	.vcpu_set_return_value	= vhe_vcpu_set_return_value,
	.vcpu_halt_check	= vhe_vcpu_halt_check,
	.vcpu_irq_line		= vhe_vcpu_irq_line,
	.vcpu_exit_info		= vhe_vcpu_exit_info,
};
