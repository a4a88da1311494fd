/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The riscv world switch, modelled on arch/riscv/kvm/vcpu_switch.S.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/csr.h>
#include <asm/insn-def.h>

#include "layout.h"

	.text

/*
 * void __axvcpu_riscv_switch_to(struct rvh_switch *sw)
 *
 * Contract: HS-mode, interrupts disabled (sstatus.SIE = 0), a0 = sw, with
 * the guest's VS CSRs, hgatp, hvip, hedeleg and hideleg already loaded.
 * Loads the guest's sstatus, hstatus (SPV = 1, so sret enters V = 1), sepc
 * and x1..x31 from sw->guest and executes sret. Any trap while the guest
 * runs (an exception not delegated to VS, or a host interrupt) lands at
 * .Lguest_exit through stvec, which stores the guest's x1..x31, sepc,
 * sstatus and hstatus back into sw->guest and scause, stval, htval and
 * htinst into sw->trap, restores the host's sstatus, hstatus, stvec and
 * sscratch, and returns to the caller. ra, sp, gp, tp and s0..s11 are
 * preserved; every other register is clobbered.
 */
SYM_FUNC_START(__axvcpu_riscv_switch_to)
	/* Save the host's callee-saved registers. */
	REG_S	ra, RVH_HOST_X(1)(a0)
	REG_S	sp, RVH_HOST_X(2)(a0)
	REG_S	gp, RVH_HOST_X(3)(a0)
	REG_S	tp, RVH_HOST_X(4)(a0)
	REG_S	s0, RVH_HOST_X(8)(a0)
	REG_S	s1, RVH_HOST_X(9)(a0)
	REG_S	s2, RVH_HOST_X(18)(a0)
	REG_S	s3, RVH_HOST_X(19)(a0)
	REG_S	s4, RVH_HOST_X(20)(a0)
	REG_S	s5, RVH_HOST_X(21)(a0)
	REG_S	s6, RVH_HOST_X(22)(a0)
	REG_S	s7, RVH_HOST_X(23)(a0)
	REG_S	s8, RVH_HOST_X(24)(a0)
	REG_S	s9, RVH_HOST_X(25)(a0)
	REG_S	s10, RVH_HOST_X(26)(a0)
	REG_S	s11, RVH_HOST_X(27)(a0)

	/* Swap in the guest's sstatus, hstatus and sepc; trap to us. */
	REG_L	t0, RVH_GUEST_SSTATUS(a0)
	REG_L	t1, RVH_GUEST_HSTATUS(a0)
	REG_L	t2, RVH_GUEST_SEPC(a0)
	la	t3, .Lguest_exit
	csrrw	t0, CSR_SSTATUS, t0
	csrrw	t1, CSR_HSTATUS, t1
	csrrw	t3, CSR_STVEC, t3
	csrrw	t4, CSR_SSCRATCH, a0
	csrw	CSR_SEPC, t2
	REG_S	t0, RVH_HOST_SSTATUS(a0)
	REG_S	t1, RVH_HOST_HSTATUS(a0)
	REG_S	t3, RVH_HOST_STVEC(a0)
	REG_S	t4, RVH_HOST_SSCRATCH(a0)

	/* Load the guest's registers, a0 last. */
	REG_L	ra, RVH_GUEST_X(1)(a0)
	REG_L	sp, RVH_GUEST_X(2)(a0)
	REG_L	gp, RVH_GUEST_X(3)(a0)
	REG_L	tp, RVH_GUEST_X(4)(a0)
	REG_L	t0, RVH_GUEST_X(5)(a0)
	REG_L	t1, RVH_GUEST_X(6)(a0)
	REG_L	t2, RVH_GUEST_X(7)(a0)
	REG_L	s0, RVH_GUEST_X(8)(a0)
	REG_L	s1, RVH_GUEST_X(9)(a0)
	REG_L	a1, RVH_GUEST_X(11)(a0)
	REG_L	a2, RVH_GUEST_X(12)(a0)
	REG_L	a3, RVH_GUEST_X(13)(a0)
	REG_L	a4, RVH_GUEST_X(14)(a0)
	REG_L	a5, RVH_GUEST_X(15)(a0)
	REG_L	a6, RVH_GUEST_X(16)(a0)
	REG_L	a7, RVH_GUEST_X(17)(a0)
	REG_L	s2, RVH_GUEST_X(18)(a0)
	REG_L	s3, RVH_GUEST_X(19)(a0)
	REG_L	s4, RVH_GUEST_X(20)(a0)
	REG_L	s5, RVH_GUEST_X(21)(a0)
	REG_L	s6, RVH_GUEST_X(22)(a0)
	REG_L	s7, RVH_GUEST_X(23)(a0)
	REG_L	s8, RVH_GUEST_X(24)(a0)
	REG_L	s9, RVH_GUEST_X(25)(a0)
	REG_L	s10, RVH_GUEST_X(26)(a0)
	REG_L	s11, RVH_GUEST_X(27)(a0)
	REG_L	t3, RVH_GUEST_X(28)(a0)
	REG_L	t4, RVH_GUEST_X(29)(a0)
	REG_L	t5, RVH_GUEST_X(30)(a0)
	REG_L	t6, RVH_GUEST_X(31)(a0)
	REG_L	a0, RVH_GUEST_X(10)(a0)

	sret

	/* stvec requires 4-byte alignment (direct mode). */
	.align 2
.Lguest_exit:
	/* sscratch holds sw: take it, leaving the guest's a0 there. */
	csrrw	a0, CSR_SSCRATCH, a0

	REG_S	ra, RVH_GUEST_X(1)(a0)
	REG_S	sp, RVH_GUEST_X(2)(a0)
	REG_S	gp, RVH_GUEST_X(3)(a0)
	REG_S	tp, RVH_GUEST_X(4)(a0)
	REG_S	t0, RVH_GUEST_X(5)(a0)
	REG_S	t1, RVH_GUEST_X(6)(a0)
	REG_S	t2, RVH_GUEST_X(7)(a0)
	REG_S	s0, RVH_GUEST_X(8)(a0)
	REG_S	s1, RVH_GUEST_X(9)(a0)
	REG_S	a1, RVH_GUEST_X(11)(a0)
	REG_S	a2, RVH_GUEST_X(12)(a0)
	REG_S	a3, RVH_GUEST_X(13)(a0)
	REG_S	a4, RVH_GUEST_X(14)(a0)
	REG_S	a5, RVH_GUEST_X(15)(a0)
	REG_S	a6, RVH_GUEST_X(16)(a0)
	REG_S	a7, RVH_GUEST_X(17)(a0)
	REG_S	s2, RVH_GUEST_X(18)(a0)
	REG_S	s3, RVH_GUEST_X(19)(a0)
	REG_S	s4, RVH_GUEST_X(20)(a0)
	REG_S	s5, RVH_GUEST_X(21)(a0)
	REG_S	s6, RVH_GUEST_X(22)(a0)
	REG_S	s7, RVH_GUEST_X(23)(a0)
	REG_S	s8, RVH_GUEST_X(24)(a0)
	REG_S	s9, RVH_GUEST_X(25)(a0)
	REG_S	s10, RVH_GUEST_X(26)(a0)
	REG_S	s11, RVH_GUEST_X(27)(a0)
	REG_S	t3, RVH_GUEST_X(28)(a0)
	REG_S	t4, RVH_GUEST_X(29)(a0)
	REG_S	t5, RVH_GUEST_X(30)(a0)
	REG_S	t6, RVH_GUEST_X(31)(a0)

	/* Restore the host's CSRs, collecting the guest's. */
	REG_L	t1, RVH_HOST_SSCRATCH(a0)
	REG_L	t2, RVH_HOST_STVEC(a0)
	REG_L	t3, RVH_HOST_HSTATUS(a0)
	REG_L	t4, RVH_HOST_SSTATUS(a0)
	csrrw	t1, CSR_SSCRATCH, t1
	csrw	CSR_STVEC, t2
	csrrw	t3, CSR_HSTATUS, t3
	csrrw	t4, CSR_SSTATUS, t4
	csrr	t5, CSR_SEPC
	REG_S	t1, RVH_GUEST_X(10)(a0)
	REG_S	t3, RVH_GUEST_HSTATUS(a0)
	REG_S	t4, RVH_GUEST_SSTATUS(a0)
	REG_S	t5, RVH_GUEST_SEPC(a0)

	/* Record the trap. */
	csrr	t0, CSR_SCAUSE
	csrr	t1, CSR_STVAL
	csrr	t2, CSR_HTVAL
	csrr	t3, CSR_HTINST
	REG_S	t0, RVH_TRAP_SCAUSE(a0)
	REG_S	t1, RVH_TRAP_STVAL(a0)
	REG_S	t2, RVH_TRAP_HTVAL(a0)
	REG_S	t3, RVH_TRAP_HTINST(a0)

	/* Restore the host's callee-saved registers. */
	REG_L	ra, RVH_HOST_X(1)(a0)
	REG_L	sp, RVH_HOST_X(2)(a0)
	REG_L	gp, RVH_HOST_X(3)(a0)
	REG_L	tp, RVH_HOST_X(4)(a0)
	REG_L	s0, RVH_HOST_X(8)(a0)
	REG_L	s1, RVH_HOST_X(9)(a0)
	REG_L	s2, RVH_HOST_X(18)(a0)
	REG_L	s3, RVH_HOST_X(19)(a0)
	REG_L	s4, RVH_HOST_X(20)(a0)
	REG_L	s5, RVH_HOST_X(21)(a0)
	REG_L	s6, RVH_HOST_X(22)(a0)
	REG_L	s7, RVH_HOST_X(23)(a0)
	REG_L	s8, RVH_HOST_X(24)(a0)
	REG_L	s9, RVH_HOST_X(25)(a0)
	REG_L	s10, RVH_HOST_X(26)(a0)
	REG_L	s11, RVH_HOST_X(27)(a0)
	ret
SYM_FUNC_END(__axvcpu_riscv_switch_to)

/*
 * axvcpu_riscv_unpriv_trap - stvec while a hypervisor load reads the guest
 *
 * Contract: installed in stvec only around a 4-byte HLV/HLVX instruction,
 * with interrupts disabled, a0 = where to store scause and a1 free for
 * use. Any trap of that instruction stores scause at (a0), steps sepc over
 * the instruction and returns to HS-mode (the trap cleared hstatus.SPV).
 * As KVM's __kvm_riscv_unpriv_trap.
 */
	.align 2
SYM_CODE_START(axvcpu_riscv_unpriv_trap)
	csrr	a1, CSR_SCAUSE
	REG_S	a1, 0(a0)
	csrr	a1, CSR_SEPC
	addi	a1, a1, 4
	csrw	CSR_SEPC, a1
	sret
SYM_CODE_END(axvcpu_riscv_unpriv_trap)

/*
 * u32 __axvcpu_riscv_fetch_insn(unsigned long *scause, unsigned long pc)
 *
 * Contract: HS-mode, interrupts disabled, stvec = axvcpu_riscv_unpriv_trap
 * and hstatus = the guest's (SPVP: the privilege it trapped from), the
 * guest's vsatp and hgatp loaded. Reads the instruction at the guest's
 * virtual address @pc as the guest would fetch it, with HLVX.HU: 16 bits,
 * and 16 more for a 32-bit instruction. A trapping HLVX.HU leaves its
 * scause in *@scause and is skipped; the result is then meaningless.
 * Clobbers a1..a4; as KVM's kvm_riscv_vcpu_unpriv_read().
 */
SYM_FUNC_START(__axvcpu_riscv_fetch_insn)
	mv	a2, a1
	HLVX_HU(a3, a2)
	andi	a4, a3, 3
	addi	a4, a4, -3
	bnez	a4, 1f
	addi	a2, a2, 2
	HLVX_HU(a4, a2)
	slli	a4, a4, 16
	or	a3, a3, a4
1:	mv	a0, a3
	ret
SYM_FUNC_END(__axvcpu_riscv_fetch_insn)
