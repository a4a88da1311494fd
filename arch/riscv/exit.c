// SPDX-License-Identifier: GPL-2.0
/*
 * riscv64 exit handling: one switch on scause. Runs with interrupts and
 * preemption enabled; the preempt notifier keeps the VS CSRs on whatever
 * CPU this thread runs, so they are read and written directly.
 */
#include <linux/mutex.h>
#include <asm/csr.h>

#include "hfence.h"
#include "rvh.h"

/* ---------------------------------------------------------- trap redirect */

/*
 * Deliver the trap to the guest as if the hardware had delegated it
 * (privileged spec, "Trap behavior"), as KVM's trap_redirect does.
 */
static int redirect_trap(struct rvh_vcpu *rv, unsigned long cause,
			 unsigned long tval)
{
	struct rvh_context *g = &rv->sw.guest;
	unsigned long vsstatus = csr_read(CSR_VSSTATUS);

	vsstatus &= ~(SR_SPP | SR_SPIE);
	if (g->sstatus & SR_SPP)
		vsstatus |= SR_SPP;
	if (vsstatus & SR_SIE)
		vsstatus |= SR_SPIE;
	vsstatus &= ~SR_SIE;
	csr_write(CSR_VSSTATUS, vsstatus);
	csr_write(CSR_VSCAUSE, cause);
	csr_write(CSR_VSTVAL, tval);
	csr_write(CSR_VSEPC, g->sepc);
	g->sepc = csr_read(CSR_VSTVEC) & ~3UL;
	g->sstatus |= SR_SPP;
	return AXVCPU_EXIT_NOTHING;
}

/* ------------------------------------------------- guest instruction fetch */

static int read_guest_u64(void *vm, u64 gpa, u64 *val)
{
	return axvcpu_vm_read_guest(vm, gpa, val, sizeof(*val));
}

static int read_guest_u16(struct axvcpu_vcpu *vcpu, unsigned long gva, u16 *v)
{
	u64 gpa;
	int r;

	r = axvcpu_riscv_gva_to_gpa(csr_read(CSR_VSATP), gva, read_guest_u64,
				    vcpu->vm, &gpa);
	return r ?: axvcpu_vm_read_guest(vcpu->vm, gpa, v, sizeof(*v));
}

/*
 * Fetch the instruction at @pc as the guest would (HLVX.HU: its vsatp and
 * privilege, execute permission, the VM's G-stage), with a trap guard in
 * stvec, as KVM's kvm_riscv_vcpu_unpriv_read(). The vCPU is bound, so the
 * guest's VS CSRs and hgatp are loaded. Return: 0, or the trap's scause
 * (a page not mapped yet, or no longer executable).
 */
static unsigned long fetch_insn_hw(struct axvcpu_vcpu *vcpu, unsigned long pc,
				   u32 *insn)
{
	unsigned long scause = 0, flags, hstatus, stvec;

	local_irq_save(flags);
	hstatus = csr_swap(CSR_HSTATUS, to_rvh(vcpu)->sw.guest.hstatus);
	stvec = csr_swap(CSR_STVEC, (unsigned long)axvcpu_riscv_unpriv_trap);
	*insn = __axvcpu_riscv_fetch_insn(&scause, pc);
	csr_write(CSR_STVEC, stvec);
	csr_write(CSR_HSTATUS, hstatus);
	local_irq_restore(flags);
	return scause;
}

/*
 * Fetch the instruction at @pc. Where the hardware cannot (its page is not
 * mapped in the G-stage yet), walk the guest's page tables in software and
 * read 16 bits at a time (it may cross a page).
 */
static int fetch_insn(struct axvcpu_vcpu *vcpu, unsigned long pc, u32 *insn)
{
	u16 lo, hi;
	int r;

	if (!fetch_insn_hw(vcpu, pc, insn))
		return 0;
	r = read_guest_u16(vcpu, pc, &lo);
	if (r)
		return r;
	if ((lo & 3) != 3) {
		*insn = lo;
		return 0;
	}
	r = read_guest_u16(vcpu, pc + 2, &hi);
	*insn = lo | (u32)hi << 16;
	return r;
}

/* ------------------------------------------------------ G-stage faults */

static int mmio_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		     u64 gpa, bool store)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	struct rvh_context *g = &rv->sw.guest;
	struct rvh_mmio_insn mi;
	unsigned long htinst = rv->sw.htinst;
	u32 insn;

	/* A transformed instruction in htinst; bit 1 clear if it was RVC. */
	if (htinst & 1) {
		insn = htinst | 2;
		if (axvcpu_riscv_decode_mmio(insn, &mi))
			goto undecodable;
		mi.len = htinst & 2 ? 4 : 2;
	} else {
		if (fetch_insn(vcpu, g->sepc, &insn))
			return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_INSN_FETCH,
							  g->sepc, gpa);
		if (axvcpu_riscv_decode_mmio(insn, &mi))
			goto undecodable;
	}
	if (mi.store != store)
		goto undecodable;

	g->sepc += mi.len;
	if (store)
		return axvcpu_exit_mmio_write(run, gpa, mi.width, g->x[mi.reg]);
	return axvcpu_exit_mmio_read(vcpu, gpa, mi.width, mi.reg, 8, mi.sign);

undecodable:
	return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_MMIO_DECODE, insn,
					  gpa);
}

/*
 * htinst for a guest-page fault of an implicit access of the guest's own
 * (VS-stage) page walk: these pseudoinstructions (privileged spec,
 * "Transformed Instruction or Pseudoinstruction for mtinst or htinst").
 */
#define HTINST_VS_READ32	0x00002000UL
#define HTINST_VS_READ64	0x00003000UL
#define HTINST_VS_WRITE32	0x00002020UL
#define HTINST_VS_WRITE64	0x00003020UL

static int gstage_fault(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct rvh_switch *sw = &to_rvh(vcpu)->sw;
	u64 gpa = (sw->htval << 2) | (sw->stval & 3);
	u32 access = AXVCPU_ACCESS_READ;
	bool walk = false;
	int r;

	if (sw->scause == EXC_STORE_GUEST_PAGE_FAULT)
		access = AXVCPU_ACCESS_WRITE;
	else if (sw->scause == EXC_INST_GUEST_PAGE_FAULT)
		access = AXVCPU_ACCESS_EXEC;
	switch (sw->htinst) {
	case HTINST_VS_WRITE32:
	case HTINST_VS_WRITE64:
		access = AXVCPU_ACCESS_WRITE;
		fallthrough;
	case HTINST_VS_READ32:
	case HTINST_VS_READ64:
		/* stval holds the guest-virtual address being translated. */
		walk = true;
		gpa = sw->htval << 2;
		break;
	}
	r = axvcpu_gpa_fault(vcpu, run, gpa, access, walk);
	/*
	 * Fixed (by us, or by another vCPU first): a hart may have cached the
	 * entry as invalid, and without Svvptc nothing makes it look again.
	 * KVM flushes the address on every hart at each new leaf
	 * (gstage_set_pte()); here the hart that faulted flushes it, as does
	 * any other that faults on it too, and a vCPU that moves flushes at
	 * its bind.
	 */
	if (r == AXVCPU_EXIT_NOTHING)
		rvh_hfence_gvma_gpa(gpa);
	if (r != AXVCPU_GPA_MMIO)
		return r;
	return mmio_exit(vcpu, run, gpa, access == AXVCPU_ACCESS_WRITE);
}

/* ------------------------------------------ illegal/virtual instructions */

/* The FP CSRs: fflags, frm, fcsr. */
#define RVH_CSR_FFLAGS	0x001
#define RVH_CSR_FCSR	0x003

/* cycle, time, instret, hpmcounter3..31 and their RV32 high halves. */
static bool rvh_csr_is_counter(unsigned int csr)
{
	return (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31) ||
	       (csr >= CSR_CYCLEH && csr <= CSR_HPMCOUNTER31H);
}

static int csr_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		    const struct rvh_csr_insn *ci)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	struct rvh_context *g = &rv->sw.guest;
	unsigned long src = ci->imm ? ci->rs1 : g->x[ci->rs1];

	memset(&run->sysreg, 0, sizeof(run->sysreg));
	run->sysreg.addr = ci->csr;
	g->sepc += 4;
	rv->csr_ci = *ci;
	rv->csr_rmw = false;

	/* csrw: a pure write. */
	if (ci->op == 1 && !ci->rd) {
		run->sysreg.value = src;
		return AXVCPU_EXIT_SYSREG_WRITE;
	}
	/* csrr: a pure read; anything else reads, then writes on completion. */
	if (ci->op == 1 || ci->rs1) {
		rv->csr_rmw = true;
		rv->csr_rmw_src = src;
	}
	run->sysreg.reg = ci->rd;
	return AXVCPU_EXIT_SYSREG_READ;
}

static int insn_fault(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	struct rvh_csr_insn ci;
	u32 insn;

	/* The first FP instruction of a run: load the guest's FP, retry. */
	if (rv->sw.scause == EXC_INST_ILLEGAL && axvcpu_riscv_fp_trap(rv))
		return AXVCPU_EXIT_NOTHING;

	/*
	 * The instruction comes from guest memory, not from stval: QEMU 7.2
	 * leaves the previous instruction's bits in stval for some
	 * virtual-instruction exceptions (hlv.*, hsv.* from VS-mode), which
	 * would then be emulated, or reported to the guest, as another
	 * instruction.
	 */
	if (fetch_insn(vcpu, rv->sw.guest.sepc, &insn)) {
		if (rv->sw.guest.sstatus & SR_SPP)
			return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_INSN_FETCH,
							  rv->sw.guest.sepc, 0);
		insn = rv->sw.stval;
	}
	/* From the guest's user mode, the guest kernel handles it. */
	if (!(rv->sw.guest.sstatus & SR_SPP))
		return redirect_trap(rv, EXC_INST_ILLEGAL, insn);

	if (insn == RVH_INSN_WFI) {
		rv->sw.guest.sepc += 4;
		return axvcpu_riscv_irq_pending(vcpu) ? AXVCPU_EXIT_NOTHING :
							AXVCPU_EXIT_HALT;
	}
	/*
	 * fflags, frm and fcsr trap only with FP off for the guest (fp.c),
	 * the counters but time always (hcounteren): its illegal
	 * instruction, as on a real hart without them, not a CSR exit.
	 */
	if (!axvcpu_riscv_decode_csr(insn, &ci) &&
	    (ci.csr < RVH_CSR_FFLAGS || ci.csr > RVH_CSR_FCSR) &&
	    !rvh_csr_is_counter(ci.csr))
		return csr_exit(vcpu, run, &ci);
	return redirect_trap(rv, EXC_INST_ILLEGAL, insn);
}

/* ------------------------------------------------------------ dispatch */

/**
 * axvcpu_riscv_handle_exit() - handle the trap that ended the last entry
 * @vcpu: the vCPU, bound.
 * @run: the run page.
 *
 * Return: an AXVCPU_EXIT_* reason with its payload in @run.
 */
int axvcpu_riscv_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	unsigned long scause = rv->sw.scause;

	if (axvcpu_riscv_delivery_trap(rv))
		return AXVCPU_EXIT_NOTHING;
	if (scause & CAUSE_IRQ_FLAG)
		return AXVCPU_EXIT_EXTERNAL_INTERRUPT;

	switch (scause) {
	case EXC_SUPERVISOR_SYSCALL:
		return axvcpu_riscv_sbi_ecall(vcpu, run);
	case EXC_INST_GUEST_PAGE_FAULT:
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT:
		return gstage_fault(vcpu, run);
	case EXC_INST_ILLEGAL:
	case EXC_VIRTUAL_INST_FAULT:
		return insn_fault(vcpu, run);
	default:
		return redirect_trap(rv, scause, rv->sw.stval);
	}
}
