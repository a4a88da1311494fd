// SPDX-License-Identifier: GPL-2.0
/*
 * riscv64 vCPU: creation, setup, bind/unbind of the VS CSRs, registers,
 * interrupt injection and guest entry.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/cacheflush.h>
#include <asm/csr.h>
#include <asm/delay.h>
#include <asm/insn-def.h>

#include "hfence.h"
#include "rvh.h"

static_assert(offsetof(struct rvh_switch, guest.x) == RVH_GUEST_X(0));
static_assert(offsetof(struct rvh_switch, guest.sepc) == RVH_GUEST_SEPC);
static_assert(offsetof(struct rvh_switch, guest.sstatus) == RVH_GUEST_SSTATUS);
static_assert(offsetof(struct rvh_switch, guest.hstatus) == RVH_GUEST_HSTATUS);
static_assert(offsetof(struct rvh_switch, host_x) == RVH_HOST_X(0));
static_assert(offsetof(struct rvh_switch, host_sstatus) == RVH_HOST_SSTATUS);
static_assert(offsetof(struct rvh_switch, host_hstatus) == RVH_HOST_HSTATUS);
static_assert(offsetof(struct rvh_switch, host_stvec) == RVH_HOST_STVEC);
static_assert(offsetof(struct rvh_switch, host_sscratch) == RVH_HOST_SSCRATCH);
static_assert(offsetof(struct rvh_switch, scause) == RVH_TRAP_SCAUSE);
static_assert(offsetof(struct rvh_switch, stval) == RVH_TRAP_STVAL);
static_assert(offsetof(struct rvh_switch, htval) == RVH_TRAP_HTVAL);
static_assert(offsetof(struct rvh_switch, htinst) == RVH_TRAP_HTINST);
static_assert(sizeof(struct rvh_switch) == RVH_SWITCH_SIZE);

/*
 * Exceptions the guest handles itself. Illegal instructions are not
 * delegated: a CSR the guest may not access becomes a SysReg exit.
 */
#define RVH_HEDELEG	(BIT(EXC_INST_MISALIGNED) | BIT(EXC_BREAKPOINT) | \
			 BIT(EXC_SYSCALL) | BIT(EXC_INST_PAGE_FAULT) | \
			 BIT(EXC_LOAD_PAGE_FAULT) | BIT(EXC_STORE_PAGE_FAULT))

/* hcounteren: the guest may read time (TM), no other counter. */
#define RVH_HCOUNTEREN_TM	BIT(1)

/*
 * The delivery trap. Injected timer and external interrupts are
 * edge-like (RVH_EDGE_IRQS): asserted in hvip until the guest takes one,
 * which the guest cannot undo. The hardware delivers them, so sip shows
 * them and WFI wakes for them, but the guest would take one again each
 * time its handler returns with interrupts enabled. So while one is
 * asserted, vstvec holds RVH_DELIVERY_TVEC (with the guest's mode bits):
 * any trap into the guest, done by the hardware (vsepc, vscause, vstval,
 * vsstatus), is followed by a fetch that faults into HS-mode, where
 * axvcpu_riscv_delivery_trap() restores vstvec, continues the guest at
 * its own handler, and sync_hvip_after() drops the interrupt it took from
 * hvip: one delivery per injection. Instruction page faults are not
 * delegated while the trap is armed, so that fault reaches HS-mode.
 *
 * A guest that writes stvec while the trap is armed replaces it; for that
 * case a cause that cannot occur (interrupt 63) is also parked in vscause
 * for the run, and a trap into the guest overwrites it.
 */
#define RVH_SENTINEL	(CAUSE_IRQ_FLAG | 63)

static int rvh_vcpu_create(struct axvcpu_vcpu *vcpu)
{
	return axvcpu_riscv_fp_create(to_rvh(vcpu));
}

static void rvh_vcpu_destroy(struct axvcpu_vcpu *vcpu)
{
	axvcpu_riscv_fp_destroy(to_rvh(vcpu));
}

static int rvh_vcpu_set_entry(struct axvcpu_vcpu *vcpu, u64 entry)
{
	if (entry & 1)
		return -EINVAL;
	to_rvh(vcpu)->sw.guest.sepc = entry;
	return 0;
}

static int rvh_vcpu_setup(struct axvcpu_vcpu *vcpu,
			  const struct axvcpu_setup *cfg)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	struct rvh_context *g = &rv->sw.guest;

	rv->hartid = cfg->riscv.hartid;
	g->x[10] = cfg->riscv.hartid;
	g->x[11] = cfg->riscv.arg;
	/* Start in VS-mode; sret from HS then enters V = 1 (hstatus.SPV). */
	g->sstatus = SR_SPP;
	g->hstatus = (csr_read(CSR_HSTATUS) & HSTATUS_VSXL) | HSTATUS_SPV |
		     HSTATUS_SPVP | HSTATUS_VTW;
	rv->csr.vstimecmp = -1UL;
	/* Another hart finds this one by its id once the state says Free. */
	smp_wmb();
	return 0;
}

/* ------------------------------------------------------- bind / unbind */

static unsigned long vm_hgatp(struct axvcpu_vcpu *vcpu)
{
	return ((struct rvh_vm *)vcpu->vm->arch)->hgatp;
}

/*
 * Drop this hart's G-stage and VS-stage TLB entries of VMID 0, which all
 * our VMs use; hfence.vvma acts on the VMID in hgatp, which is 0 here.
 */
static void flush_local(void)
{
	rvh_hfence_gvma_vmid(0);
	asm volatile(HFENCE_VVMA(zero, zero) : : : "memory");
}

static int rvh_vcpu_bind(struct axvcpu_vcpu *vcpu)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	struct rvh_vs_csrs *c = &rv->csr;

	csr_write(CSR_VSSTATUS, c->vsstatus);
	csr_write(CSR_VSTVEC, c->vstvec);
	csr_write(CSR_VSSCRATCH, c->vsscratch);
	csr_write(CSR_VSEPC, c->vsepc);
	csr_write(CSR_VSCAUSE, c->vscause);
	csr_write(CSR_VSTVAL, c->vstval);
	csr_write(CSR_VSATP, c->vsatp);
	/*
	 * The guest reads time (its own time base is the host's), never the
	 * host's cycle, instret and HPM counters, which would tell it what
	 * the host ran: those reads trap and become illegal instructions
	 * (exit.c), as in KVM without its SBI PMU.
	 */
	csr_write(CSR_HCOUNTEREN, RVH_HCOUNTEREN_TM);
	/* KVM gives its guests their own time base; ours read the host's. */
	csr_write(CSR_HTIMEDELTA, 0);
	csr_write(CSR_HENVCFG, axvcpu_riscv_has_sstc ? ENVCFG_STCE : 0);
	if (axvcpu_riscv_has_sstc)
		csr_write(CSR_VSTIMECMP, c->vstimecmp);
	csr_write(CSR_HGATP, vm_hgatp(vcpu));
	/*
	 * Another vCPU's entries, or this vCPU's from before it ran on
	 * another hart (where its guest's local fences went), are stale for
	 * it; where KVM gives its guests VMID 0 too, so may theirs be.
	 */
	if (!vcpu->tlb_clean || axvcpu_riscv_vmid0_shared)
		flush_local();
	return 0;
}

static int rvh_vcpu_unbind(struct axvcpu_vcpu *vcpu)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	struct rvh_vs_csrs *c = &rv->csr;

	c->vsstatus = csr_read(CSR_VSSTATUS);
	c->vstvec = csr_read(CSR_VSTVEC);
	c->vsscratch = csr_read(CSR_VSSCRATCH);
	c->vsepc = csr_read(CSR_VSEPC);
	c->vscause = csr_read(CSR_VSCAUSE);
	c->vstval = csr_read(CSR_VSTVAL);
	c->vsatp = csr_read(CSR_VSATP);
	if (axvcpu_riscv_has_sstc)
		c->vstimecmp = csr_read(CSR_VSTIMECMP);
	axvcpu_riscv_fp_put(rv);
	csr_write(CSR_HGATP, 0);
	csr_write(CSR_HVIP, 0);
	return 0;
}

/* --------------------------------------------------------- interrupts */

/**
 * axvcpu_riscv_inject() - queue an edge-like interrupt (INJECT_INTERRUPT)
 * @vcpu: the vCPU; any context.
 * @vector: the guest's cause: 1, 5 or 9.
 *
 * Return: 0 or -EINVAL; the caller kicks the vCPU.
 */
int axvcpu_riscv_inject(struct axvcpu_vcpu *vcpu, u32 vector)
{
	if (vector != IRQ_S_SOFT && vector != IRQ_S_TIMER && vector != IRQ_S_EXT)
		return -EINVAL;
	/* Guest cause n is hvip bit n + 1 (VSSIP, VSTIP, VSEIP). */
	set_bit(vector + VSIP_TO_HVIP_SHIFT, &to_rvh(vcpu)->pending);
	return 0;
}

/*
 * A level line (IRQ_LINE): held in hvip at every entry while asserted,
 * outside the delivery trap, which only edge-like injections need.
 */
static int rvh_vcpu_irq_line(struct axvcpu_vcpu *vcpu, u32 vector, bool level)
{
	unsigned long *lines = &to_rvh(vcpu)->irq_lines;

	if (vector != IRQ_S_EXT)
		return -EINVAL;
	if (level)
		set_bit(IRQ_VS_EXT, lines);
	else
		clear_bit(IRQ_VS_EXT, lines);
	return 0;
}

/**
 * axvcpu_riscv_pending() - the VS interrupts pending for the guest
 * @rv: the vCPU.
 * @vstimecmp: its timer compare value (the CSR while bound, the saved
 *	copy while not).
 *
 * Return: hvip bits: asserted, queued and level-line interrupts, and the
 * guest's timer if it has fired (Sstc).
 */
unsigned long axvcpu_riscv_pending(struct rvh_vcpu *rv, unsigned long vstimecmp)
{
	unsigned long ip = rv->hvip | READ_ONCE(rv->pending) |
			   READ_ONCE(rv->irq_lines);

	if (axvcpu_riscv_has_sstc && csr_read(CSR_TIME) >= vstimecmp)
		ip |= BIT(IRQ_VS_TIMER);
	return ip;
}

/**
 * axvcpu_riscv_irq_pending() - whether WFI should wake at once
 * @vcpu: the vCPU, bound.
 *
 * Return: an interrupt is pending that the guest has enabled in sie
 * (WFI ignores sstatus.SIE).
 */
bool axvcpu_riscv_irq_pending(struct axvcpu_vcpu *vcpu)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);

	return axvcpu_riscv_pending(rv, axvcpu_riscv_has_sstc ?
				    csr_read(CSR_VSTIMECMP) : -1UL) & rv->hie_vs;
}

/*
 * The in-kernel halt (AXVCPU_SETUP_KERNEL_HALT): the guest's WFI found
 * nothing pending; the core sleeps until this says otherwise, with an
 * hrtimer at the guest's timer deadline (vstimecmp, in the host's time
 * base: htimedelta is 0).
 */
static bool rvh_vcpu_halt_check(struct axvcpu_vcpu *vcpu, ktime_t *timer)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	u64 now, cmp;

	if (axvcpu_riscv_irq_pending(vcpu))
		return true;
	if (!axvcpu_riscv_has_sstc || !(rv->hie_vs & BIT(IRQ_VS_TIMER)))
		return false;
	cmp = csr_read(CSR_VSTIMECMP);
	now = csr_read(CSR_TIME);
	if (cmp == -1UL)
		return false;
	*timer = axvcpu_halt_deadline(cmp - now, riscv_timebase);
	return false;
}

/**
 * axvcpu_riscv_find_hart() - the vCPU a guest hart id names
 * @vm: the VM.
 * @hartid: the hart id, as given at setup.
 *
 * Return: the vCPU, set up and not Invalid, or NULL.
 */
struct axvcpu_vcpu *axvcpu_riscv_find_hart(struct axvcpu_vm *vm,
					   unsigned long hartid)
{
	struct axvcpu_vcpu *v;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, v) {
		if (axvcpu_vcpu_is_set_up(v) && to_rvh(v)->hartid == hartid)
			return v;
	}
	return NULL;
}

/* ---------------------------------------------------------- world switch */

/* The delivery trap's vstvec, with the mode bits of the guest's. */
static unsigned long delivery_tvec(struct rvh_vcpu *rv)
{
	return RVH_DELIVERY_TVEC | (rv->guest_vstvec & 3);
}

static void arm_delivery_trap(struct rvh_vcpu *rv)
{
	rv->saved_vscause = csr_read(CSR_VSCAUSE);
	csr_write(CSR_VSCAUSE, RVH_SENTINEL);
	rv->guest_vstvec = csr_read(CSR_VSTVEC);
	csr_write(CSR_VSTVEC, delivery_tvec(rv));
	/* vstvec is WARL: a hart that cannot hold it has the sentinel only. */
	rv->tvec_armed = csr_read(CSR_VSTVEC) == delivery_tvec(rv);
	if (!rv->tvec_armed)
		csr_write(CSR_VSTVEC, rv->guest_vstvec);
}

static void disarm_delivery_trap(struct rvh_vcpu *rv)
{
	/* Unless the guest wrote its own stvec meanwhile. */
	if (csr_read(CSR_VSTVEC) == delivery_tvec(rv))
		csr_write(CSR_VSTVEC, rv->guest_vstvec);
	else
		rv->tvec_armed = false;
}

/**
 * axvcpu_riscv_delivery_trap() - finish a trap into the guest that the
 *	delivery trap caught
 * @rv: the vCPU, bound, right after an exit.
 *
 * Return: true if the exit is the fetch at RVH_DELIVERY_TVEC that follows
 * the guest's trap entry: the guest then continues at its own handler
 * (its vstvec, plus 4 * cause for an interrupt in vectored mode), as the
 * hardware would have done.
 */
bool axvcpu_riscv_delivery_trap(struct rvh_vcpu *rv)
{
	struct rvh_context *g = &rv->sw.guest;
	unsigned long vscause, pc;

	if (!rv->tvec_armed || g->sepc - RVH_DELIVERY_TVEC >= RVH_DELIVERY_SPAN)
		return false;
	switch (rv->sw.scause) {
	case EXC_INST_ACCESS:
	case EXC_INST_PAGE_FAULT:
	case EXC_INST_GUEST_PAGE_FAULT:
		break;
	default:
		return false;
	}
	vscause = csr_read(CSR_VSCAUSE);
	pc = rv->guest_vstvec & ~3UL;
	if ((vscause & CAUSE_IRQ_FLAG) && (rv->guest_vstvec & 3) == 1)
		pc += 4 * (vscause & ~CAUSE_IRQ_FLAG);
	g->sepc = pc;
	return true;
}

/**
 * axvcpu_riscv_ack_timer() - the guest programmed its timer (SBI set_timer)
 * @vcpu: the vCPU, bound.
 *
 * The SBI specification has set_timer clear the pending timer interrupt:
 * an injected one not yet taken is dropped, as KVM does.
 */
void axvcpu_riscv_ack_timer(struct axvcpu_vcpu *vcpu)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);

	clear_bit(IRQ_VS_TIMER, &rv->pending);
	rv->hvip &= ~BIT(IRQ_VS_TIMER);
}

static void sync_hvip_after(struct rvh_vcpu *rv)
{
	unsigned long vscause;

	/* The guest clears VSSIP itself, through sip. */
	rv->hvip = (rv->hvip & ~BIT(IRQ_VS_SOFT)) |
		   (csr_read(CSR_HVIP) & BIT(IRQ_VS_SOFT));
	if (!(rv->hvip & RVH_EDGE_IRQS))
		return;
	vscause = csr_read(CSR_VSCAUSE);
	if (vscause == RVH_SENTINEL) {
		csr_write(CSR_VSCAUSE, rv->saved_vscause);
	} else if (vscause & CAUSE_IRQ_FLAG) {
		unsigned long bit = (vscause & ~CAUSE_IRQ_FLAG) + VSIP_TO_HVIP_SHIFT;

		if (bit < BITS_PER_LONG && (BIT(bit) & RVH_EDGE_IRQS))
			rv->hvip &= ~BIT(bit);
	}
}

/*
 * SBI HSM: a HART_START of another hart (sbi.c) resets this one to the
 * state the specification gives a started hart: S-mode at the start
 * address, a0 = hart id, a1 = the opaque argument, satp = 0, SIE = 0.
 */
static void hsm_start(struct rvh_vcpu *rv)
{
	struct rvh_context *g = &rv->sw.guest;

	/* Pairs with hart_start() in sbi.c. */
	if (smp_load_acquire(&rv->start_pending)) {
		g->sepc = rv->start_entry;
		g->x[10] = rv->hartid;
		g->x[11] = rv->start_arg;
		g->sstatus = SR_SPP;
		csr_write(CSR_VSSTATUS, 0);
		csr_write(CSR_VSATP, 0);
		asm volatile(HFENCE_VVMA(zero, zero) : : : "memory");
		WRITE_ONCE(rv->start_pending, false);
	}
	if (rv->hsm_stopped)
		WRITE_ONCE(rv->hsm_stopped, false);
}

/* Requests of other vCPUs (SBI RFENCE), after in_guest was set. */
static void do_requests(struct rvh_vcpu *rv)
{
	if (!READ_ONCE(rv->requests))
		return;
	if (test_and_clear_bit(RVH_REQ_FLUSH, &rv->requests)) {
		/* Over-flush: every address and ASID of this VMID. */
		local_flush_icache_all();
		asm volatile(HFENCE_VVMA(zero, zero) : : : "memory");
	}
}

static int rvh_vcpu_run(struct axvcpu_vcpu *vcpu)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	unsigned long hedeleg, hideleg;

	hsm_start(rv);
	do_requests(rv);
	rv->hvip |= xchg(&rv->pending, 0);
	csr_write(CSR_HVIP, rv->hvip | READ_ONCE(rv->irq_lines));
	rv->tvec_armed = false;
	if (rv->hvip & RVH_EDGE_IRQS)
		arm_delivery_trap(rv);
	/* FP and vector only once loaded (fp.c). */
	rv->sw.guest.sstatus &= ~SR_FS_VS;
	if (rv->fp_loaded)
		rv->sw.guest.sstatus |= SR_FS_DIRTY;
	if (rv->v_loaded)
		rv->sw.guest.sstatus |= SR_VS_DIRTY;
	rv->sw.guest.hstatus |= HSTATUS_SPV | HSTATUS_VTW;

	/*
	 * Per entry, so that KVM may own them between our runs. The guest's
	 * sie (vsie) is an alias of the VS bits of hie, readable only while
	 * hideleg delegates them: keep those bits in hie only while the
	 * guest runs, so the host never takes a VS-level interrupt.
	 */
	hedeleg = csr_swap(CSR_HEDELEG, rv->tvec_armed ?
			   RVH_HEDELEG & ~BIT(EXC_INST_PAGE_FAULT) : RVH_HEDELEG);
	hideleg = csr_swap(CSR_HIDELEG, RVH_HIDELEG);
	csr_set(CSR_HIE, rv->hie_vs);
	__axvcpu_riscv_switch_to(&rv->sw);
	rv->hie_vs = csr_read(CSR_HIE) & RVH_HIDELEG;
	csr_clear(CSR_HIE, RVH_HIDELEG);
	csr_write(CSR_HEDELEG, hedeleg);
	csr_write(CSR_HIDELEG, hideleg);

	if (rv->tvec_armed)
		disarm_delivery_trap(rv);
	sync_hvip_after(rv);
	return 0;
}

/* ------------------------------------------------------------ registers */

static void rvh_vcpu_get_regs(struct axvcpu_vcpu *vcpu, struct axvcpu_regs *regs)
{
	struct rvh_context *g = &to_rvh(vcpu)->sw.guest;
	unsigned int i;

	for (i = 1; i < 32; i++)
		regs->gprs[i] = g->x[i];
	regs->pc = g->sepc;
}

static int rvh_vcpu_set_regs(struct axvcpu_vcpu *vcpu,
			     const struct axvcpu_regs *regs)
{
	struct rvh_context *g = &to_rvh(vcpu)->sw.guest;
	unsigned int i;

	if (regs->flags || (regs->pc & 1))
		return -EINVAL;
	for (i = 1; i < 32; i++)
		g->x[i] = regs->gprs[i];
	g->sepc = regs->pc;
	return 0;
}

static int set_gpr(struct rvh_vcpu *rv, unsigned int reg, u64 val)
{
	if (reg >= 32)
		return -EINVAL;
	if (reg)
		rv->sw.guest.x[reg] = val;
	return 0;
}

static void rvh_vcpu_set_return_value(struct axvcpu_vcpu *vcpu, u64 val)
{
	to_rvh(vcpu)->sw.guest.x[10] = val;
}

/*
 * Complete a read exit. A CSR read-modify-write then owes its write: the
 * SYSREG_WRITE exit is returned by this RUN, without entering the guest.
 */
static int rvh_vcpu_complete_read(struct axvcpu_vcpu *vcpu, u32 reason,
				  struct axvcpu_run *run)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	unsigned long old, val;

	switch (reason) {
	case AXVCPU_EXIT_MMIO_READ:
		return set_gpr(rv, vcpu->mmio_read.reg,
			       axvcpu_mmio_read_value(&vcpu->mmio_read,
						      READ_ONCE(run->mmio.data)));
	case AXVCPU_EXIT_SYSREG_READ:
		old = READ_ONCE(run->sysreg.value);
		set_gpr(rv, rv->csr_ci.rd, old);
		if (!rv->csr_rmw)
			return 0;
		rv->csr_rmw = false;
		switch (rv->csr_ci.op) {
		case 1:
			val = rv->csr_rmw_src;
			break;
		case 2:
			val = old | rv->csr_rmw_src;
			break;
		default:
			val = old & ~rv->csr_rmw_src;
			break;
		}
		memset(&run->sysreg, 0, sizeof(run->sysreg));
		run->sysreg.addr = rv->csr_ci.csr;
		run->sysreg.value = val;
		return AXVCPU_EXIT_SYSREG_WRITE;
	default:
		return -EINVAL;
	}
}

static void rvh_vcpu_exit_info(struct axvcpu_vcpu *vcpu, u64 *code, u64 *info,
			       u64 *pc)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);

	*code = rv->sw.scause;
	*info = rv->sw.stval;
	*pc = rv->sw.guest.sepc;
}

const struct axvcpu_arch_ops axvcpu_riscv_ops = {
	.vm_init		= axvcpu_riscv_vm_init,
	.vm_flush_s2		= axvcpu_riscv_vm_flush_s2,
	.vcpu_create		= rvh_vcpu_create,
	.vcpu_destroy		= rvh_vcpu_destroy,
	.vcpu_set_entry		= rvh_vcpu_set_entry,
	.vcpu_setup		= rvh_vcpu_setup,
	.vcpu_bind		= rvh_vcpu_bind,
	.vcpu_unbind		= rvh_vcpu_unbind,
	.vcpu_run		= rvh_vcpu_run,
	.vcpu_handle_exit	= axvcpu_riscv_handle_exit,
	.vcpu_complete_read	= rvh_vcpu_complete_read,
	.vcpu_get_regs		= rvh_vcpu_get_regs,
	.vcpu_set_regs		= rvh_vcpu_set_regs,
	.vcpu_inject_interrupt	= axvcpu_riscv_inject,
	.vcpu_set_return_value	= rvh_vcpu_set_return_value,
	.vcpu_halt_check	= rvh_vcpu_halt_check,
	.vcpu_irq_line		= rvh_vcpu_irq_line,
	.vcpu_get_one_reg	= axvcpu_riscv_get_one_reg,
	.vcpu_set_one_reg	= axvcpu_riscv_set_one_reg,
	.vcpu_exit_info		= rvh_vcpu_exit_info,
};
