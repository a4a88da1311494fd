/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 VHE world switch, modelled on arch/arm64/kvm/hyp/entry.S, and
 * the exception vectors installed while a guest runs.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "layout.h"

	.text

/*
 * u64 __axvcpu_vhe_run(struct vhe_switch *sw)
 *
 * Contract: EL2 with VHE, interrupts disabled, x0 = sw, with the guest's
 * HCR_EL2, stage 2, EL1 system registers (*_EL12), timer, GIC list
 * registers, trap controls and FP/SIMD state already loaded. Saves the
 * host's x18..x30 (x18 is the shadow call stack), SP_EL0 (current),
 * VBAR_EL2 and DAIF into sw, masks DAIF, pushes sw on the host stack,
 * loads the guest's SP_EL0, pc (ELR_EL2), PSTATE (SPSR_EL2) and x0..x30,
 * installs __axvcpu_vhe_vectors and erets. Any exception from the guest
 * enters those vectors with SP_EL2 pointing at the pushed sw; .Lguest_exit
 * stores x0..x30, SP_EL0, pc, PSTATE, ESR_EL2, FAR_EL2 and HPFAR_EL2 back
 * into sw, restores the host's VBAR_EL2, SP_EL0, x18..x30 and DAIF and
 * returns the VHE_EXIT_* code of the vector taken. x0..x17 are clobbered;
 * the caller restores every other piece of host state, in mirror order.
 */
SYM_FUNC_START(__axvcpu_vhe_run)
	stp	x18, x19, [x0, #VHE_HOST_X18]
	stp	x20, x21, [x0, #VHE_HOST_X18 + 16]
	stp	x22, x23, [x0, #VHE_HOST_X18 + 32]
	stp	x24, x25, [x0, #VHE_HOST_X18 + 48]
	stp	x26, x27, [x0, #VHE_HOST_X18 + 64]
	stp	x28, x29, [x0, #VHE_HOST_X18 + 80]
	str	x30, [x0, #VHE_HOST_X18 + 96]
	mrs	x1, sp_el0
	str	x1, [x0, #VHE_HOST_SP_EL0]
	mrs	x1, vbar_el2
	mrs	x2, daif
	stp	x1, x2, [x0, #VHE_HOST_VBAR]
	msr	daifset, #0xf

	/* The exit path finds sw here (16 bytes keep sp aligned). */
	str	x0, [sp, #-16]!

	ldp	x1, x2, [x0, #VHE_GUEST_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldr	x1, [x0, #VHE_GUEST_SP_EL0]
	msr	sp_el0, x1
	adr_l	x1, __axvcpu_vhe_vectors
	msr	vbar_el2, x1
	isb

	ldp	x2, x3, [x0, #VHE_GUEST_X(2)]
	ldp	x4, x5, [x0, #VHE_GUEST_X(4)]
	ldp	x6, x7, [x0, #VHE_GUEST_X(6)]
	ldp	x8, x9, [x0, #VHE_GUEST_X(8)]
	ldp	x10, x11, [x0, #VHE_GUEST_X(10)]
	ldp	x12, x13, [x0, #VHE_GUEST_X(12)]
	ldp	x14, x15, [x0, #VHE_GUEST_X(14)]
	ldp	x16, x17, [x0, #VHE_GUEST_X(16)]
	ldp	x18, x19, [x0, #VHE_GUEST_X(18)]
	ldp	x20, x21, [x0, #VHE_GUEST_X(20)]
	ldp	x22, x23, [x0, #VHE_GUEST_X(22)]
	ldp	x24, x25, [x0, #VHE_GUEST_X(24)]
	ldp	x26, x27, [x0, #VHE_GUEST_X(26)]
	ldp	x28, x29, [x0, #VHE_GUEST_X(28)]
	ldr	x30, [x0, #VHE_GUEST_X(30)]
	ldp	x0, x1, [x0, #VHE_GUEST_X(0)]
	eret
	sb
SYM_FUNC_END(__axvcpu_vhe_run)

/* On entry: x0 = VHE_EXIT_*, the guest's x0/x1 at [sp], sw at [sp, #16]. */
SYM_CODE_START_LOCAL(vhe_guest_exit)
	ldr	x1, [sp, #16]
	stp	x2, x3, [x1, #VHE_GUEST_X(2)]
	stp	x4, x5, [x1, #VHE_GUEST_X(4)]
	stp	x6, x7, [x1, #VHE_GUEST_X(6)]
	stp	x8, x9, [x1, #VHE_GUEST_X(8)]
	stp	x10, x11, [x1, #VHE_GUEST_X(10)]
	stp	x12, x13, [x1, #VHE_GUEST_X(12)]
	stp	x14, x15, [x1, #VHE_GUEST_X(14)]
	stp	x16, x17, [x1, #VHE_GUEST_X(16)]
	stp	x18, x19, [x1, #VHE_GUEST_X(18)]
	stp	x20, x21, [x1, #VHE_GUEST_X(20)]
	stp	x22, x23, [x1, #VHE_GUEST_X(22)]
	stp	x24, x25, [x1, #VHE_GUEST_X(24)]
	stp	x26, x27, [x1, #VHE_GUEST_X(26)]
	stp	x28, x29, [x1, #VHE_GUEST_X(28)]
	str	x30, [x1, #VHE_GUEST_X(30)]
	/* Pop the guest's x0/x1 and the sw slot. */
	ldp	x2, x3, [sp], #32
	stp	x2, x3, [x1, #VHE_GUEST_X(0)]

	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #VHE_GUEST_PC]
	mrs	x2, sp_el0
	str	x2, [x1, #VHE_GUEST_SP_EL0]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x1, #VHE_TRAP_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x1, #VHE_TRAP_HPFAR]

	ldp	x2, x3, [x1, #VHE_HOST_VBAR]
	msr	vbar_el2, x2
	isb
	ldr	x2, [x1, #VHE_HOST_SP_EL0]
	msr	sp_el0, x2
	ldp	x18, x19, [x1, #VHE_HOST_X18]
	ldp	x20, x21, [x1, #VHE_HOST_X18 + 16]
	ldp	x22, x23, [x1, #VHE_HOST_X18 + 32]
	ldp	x24, x25, [x1, #VHE_HOST_X18 + 48]
	ldp	x26, x27, [x1, #VHE_HOST_X18 + 64]
	ldp	x28, x29, [x1, #VHE_HOST_X18 + 80]
	ldr	x30, [x1, #VHE_HOST_X18 + 96]
	msr	daif, x3
	ret
SYM_CODE_END(vhe_guest_exit)

/* An exception from the guest (a lower EL): leave with its code. */
.macro	vhe_vector_guest, code
	.align	7
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\code
	b	vhe_guest_exit
.endm

/*
 * An exception at EL2 itself while these vectors are installed can only
 * be a bug in the few instructions around the eret above: put the
 * kernel's vectors back and panic with the syndrome.
 */
.macro	vhe_vector_bad
	.align	7
	adr_l	x16, axvcpu_vhe_host_vbar
	ldr	x16, [x16]
	msr	vbar_el2, x16
	isb
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	bl	axvcpu_vhe_bad_vector
.endm

	.align	11
SYM_CODE_START(__axvcpu_vhe_vectors)
	vhe_vector_bad				/* EL2t sync */
	vhe_vector_bad				/* EL2t irq */
	vhe_vector_bad				/* EL2t fiq */
	vhe_vector_bad				/* EL2t serror */
	vhe_vector_bad				/* EL2h sync */
	vhe_vector_bad				/* EL2h irq */
	vhe_vector_bad				/* EL2h fiq */
	vhe_vector_bad				/* EL2h serror */
	vhe_vector_guest VHE_EXIT_SYNC		/* lower EL, AArch64 */
	vhe_vector_guest VHE_EXIT_IRQ
	vhe_vector_guest VHE_EXIT_FIQ
	vhe_vector_guest VHE_EXIT_SERROR
	vhe_vector_guest VHE_EXIT_SYNC		/* lower EL, AArch32 */
	vhe_vector_guest VHE_EXIT_IRQ
	vhe_vector_guest VHE_EXIT_FIQ
	vhe_vector_guest VHE_EXIT_SERROR
SYM_CODE_END(__axvcpu_vhe_vectors)

/*
 * void __axvcpu_vhe_fp_save(struct vhe_fpsimd *fp)
 * void __axvcpu_vhe_fp_load(const struct vhe_fpsimd *fp)
 *
 * Save or load v0..v31, FPSR and FPCR. Interrupts disabled, FP enabled
 * at EL2 (CPTR_EL2.FPEN).
 */
SYM_FUNC_START(__axvcpu_vhe_fp_save)
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpsr
	mrs	x2, fpcr
	str	x1, [x0, #VHE_FP_FPSR]
	str	x2, [x0, #VHE_FP_FPCR]
	ret
SYM_FUNC_END(__axvcpu_vhe_fp_save)

SYM_FUNC_START(__axvcpu_vhe_fp_load)
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	ldr	x1, [x0, #VHE_FP_FPSR]
	ldr	x2, [x0, #VHE_FP_FPCR]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
SYM_FUNC_END(__axvcpu_vhe_fp_load)
