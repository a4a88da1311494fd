/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 guest programs for run_test (run_arm64.c).
 *
 * Each program lies between <name>_begin and <name>_end, which is 2 KiB
 * aligned so that a vector table 2 KiB into a program is 2 KiB aligned in
 * the guest too. The VMM copies a program to GUEST_RAM_BASE and starts it
 * at EL1h with the MMU off and DAIF masked; unless a program says
 * otherwise x0 = cpu id (also the MPIDR affinity) and x1 = arg. Programs
 * are position independent (pc-relative addressing only) and talk to the
 * VMM through the test hypercall (TEST_EID): REPORT hands a value to the
 * VMM, DONE ends the program.
 *
 * With the MMU off every data access is to Device memory, so all of them
 * are aligned. The REPORT, DONE and FAIL macros clobber x0 and x1 (FAIL
 * also x2..x4), and the module may return results in x0..x3 of a PSCI
 * call, so values that must survive live in x19 and up. Interrupt
 * handlers use x20..x25 only.
 */
#include "arm64.h"

	.section .text.axvcpu_guest, "ax", %progbits

/* The trapped system registers, by encoding. */
#define ACTLR_EL1		s3_0_c1_c0_1
#define PMCR_EL0		s3_3_c9_c12_0
#define MDSCR_EL1		s2_0_c0_c2_2
#define OSLAR_EL1		s2_0_c1_c0_4
#define CNTP_CTL_EL0		s3_3_c14_c2_1
#define CNTP_CVAL_EL0		s3_3_c14_c2_2
#define ICC_SGI1R_EL1		s3_0_c12_c11_5
/* The GICv3 CPU interface (the virtual one, in the guest). */
#define ICC_PMR_EL1		s3_0_c4_c6_0
#define ICC_IAR1_EL1		s3_0_c12_c12_0
#define ICC_EOIR1_EL1		s3_0_c12_c12_1
#define ICC_IGRPEN1_EL1		s3_0_c12_c12_7
/* The ID registers that say which of SVE, SME and PAuth the CPU has. */
#define ID_AA64PFR0_EL1		s3_0_c0_c4_0
#define ID_AA64PFR1_EL1		s3_0_c0_c4_1
#define ID_AA64ISAR1_EL1	s3_0_c0_c6_1
#define ID_AA64ISAR2_EL1	s3_0_c0_c6_2

#define CPACR_EL1_FPEN		(3 << 20)
#define CPACR_EL1_ZEN		(3 << 16)
#define CPACR_EL1_SMEN		(3 << 24)
#define SCTLR_EL1_ENIA		(1 << 31)
/* EnIA, EnIB, EnDA and EnDB: the four pointer authentication keys. */
#define SCTLR_EL1_ENKEYS	((1 << 31) | (1 << 30) | (1 << 27) | (1 << 13))
#define CNTV_CTL_ENABLE		1

/* Any 64-bit constant, in four instructions and without a literal pool. */
.macro MOV64 reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\val) >> 48) & 0xffff), lsl #48
.endm

.macro TEST_CALL fid
	MOV64	x0, TEST_EID
	hvc	#\fid
.endm

.macro REPORT reg
	mov	x1, \reg
	TEST_CALL TEST_FID_REPORT
.endm

.macro DONE
	TEST_CALL TEST_FID_DONE
.endm

.macro FAIL code
	mov	x1, #\code
	TEST_CALL TEST_FID_FAIL
.endm

/* A PSCI call through hvc #0: x0 = \fn, x1..x3 as the caller set them. */
.macro PSCI fn
	MOV64	x0, \fn
	hvc	#0
.endm

/* \reg = the affinity fields of MPIDR_EL1. */
.macro READ_AFFINITY reg, tmp
	mrs	\reg, mpidr_el1
	MOV64	\tmp, MPIDR_AFF_MASK
	and	\reg, \reg, \tmp
.endm

/* Busy-wait \ms milliseconds of the virtual counter; clobbers \t0..\t2. */
.macro WAIT_MS ms, t0, t1, t2
	mrs	\t0, cntfrq_el0
	mov	\t1, #(1000 / \ms)
	udiv	\t0, \t0, \t1
	isb
	mrs	\t1, cntvct_el0
	add	\t1, \t1, \t0
.Lwait\@:
	isb
	mrs	\t2, cntvct_el0
	cmp	\t2, \t1
	b.lo	.Lwait\@
.endm

.macro BEGIN name
	.balign 2048
	.globl \name\()_begin
	.type \name\()_begin, %function
\name\()_begin:
.endm

/* A VMM that runs a program past its end sees FAIL 0xe0d, not the next one. */
.macro END name
	.balign 4
.Lend\@:
	FAIL	0xe0d
	b	.Lend\@
	.globl \name\()_end
\name\()_end:
	.size \name\()_begin, . - \name\()_begin
.endm

/* One vector: a branch to \handler, or a FAIL if \handler is 0. */
.macro VECTOR handler, i
	.balign 0x80
	.ifnc \handler, 0
	b	\handler
	.else
	mrs	x2, esr_el1
	mrs	x3, elr_el1
	mrs	x4, far_el1
	FAIL	(FAIL_VECTOR + \i)
	b	.
	.endif
.endm

/*
 * A vector table for VBAR_EL1, \name\()_vectors, 2 KiB aligned: a
 * synchronous exception and an IRQ from the current EL with SP_EL1
 * (offsets 0x200 and 0x280) go to \sync and \irq, or FAIL if 0; any other
 * vector FAILs with FAIL_VECTOR + its index, x2 = ESR_EL1, x3 = ELR_EL1
 * and x4 = FAR_EL1.
 */
.macro VECTORS name, sync, irq
	.balign 2048
\name\()_vectors:
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.if \i == 4
	VECTOR	\sync, \i
	.elseif \i == 5
	VECTOR	\irq, \i
	.else
	VECTOR	0, \i
	.endif
	.endr
.endm

/*
 * Take interrupts through \name\()_vectors: enable group 1 at every
 * priority in the GIC CPU interface (IRQs stay masked in DAIF).
 */
.macro GIC_INIT name
	adr	x2, \name\()_vectors
	msr	vbar_el1, x2
	mov	x2, #0xff
	msr	ICC_PMR_EL1, x2
	mov	x2, #1
	msr	ICC_IGRPEN1_EL1, x2
	isb
.endm

/*
 * hypercall: hvc #HC_FID_HVC with x0 = HC_NR, x1..x6 = 1..6 and x7 = 7,
 * or, entered at hypercall_smc, the same through smc #HC_FID_SMC. Then
 * reports x0 (the VMM's return value), x1, x6 and x7 (untouched).
 */
.macro HC_ARGS
	MOV64	x0, HC_NR
	mov	x1, #1
	mov	x2, #2
	mov	x3, #3
	mov	x4, #4
	mov	x5, #5
	mov	x6, #6
	mov	x7, #7
.endm

BEGIN hypercall
	HC_ARGS
	hvc	#HC_FID_HVC
	.globl hypercall_hvc_ret
hypercall_hvc_ret:
	b	1f

	.globl hypercall_smc
hypercall_smc:
	HC_ARGS
	smc	#HC_FID_SMC
	.globl hypercall_smc_ret
hypercall_smc_ret:
1:	mov	x19, x0
	mov	x20, x1
	mov	x21, x6
	mov	x22, x7
	REPORT	x19
	REPORT	x20
	REPORT	x21
	REPORT	x22
	DONE
END hypercall

/* read_data: report the first data word, again at every RUN, forever. */
BEGIN read_data
	MOV64	x19, GUEST_RAM_BASE + GUEST_DATA_OFF
1:	ldr	x20, [x19]
	REPORT	x20
	b	1b
END read_data

/* touch: store n + 1 to the first word of page n at GUEST_BIG_BASE, n < x1. */
BEGIN touch
	MOV64	x19, GUEST_BIG_BASE
	mov	x20, #0
1:	cmp	x20, x1
	b.hs	2f
	add	x20, x20, #1
	str	x20, [x19]
	add	x19, x19, #4096
	b	1b
2:	DONE
END touch

/*
 * psci_table: the PSCI calls of a table the VMM wrote at x1, entries of
 * four u64s {function id, x1, x2, result}, ended by a zero function id.
 * Each is made with hvc #0, or smc #0 if x2 is nonzero, x3 = 0, and x0
 * after it is stored as the result. No REPORTs: the PSCI calls are handled
 * in the module, so the whole program is one RUN ending in DONE.
 */
BEGIN psci_table
	mov	x19, x1
	mov	x20, x2
1:	ldr	x0, [x19]
	cbz	x0, 3f
	ldr	x1, [x19, #8]
	ldr	x2, [x19, #16]
	mov	x3, #0
	cbnz	x20, 2f
	hvc	#0
	b	4f
2:	smc	#0
4:	str	x0, [x19, #24]
	add	x19, x19, #32
	b	1b
3:	DONE
END psci_table

/*
 * psci_call: one PSCI call with x0..x3 as set up (x0 the function id), by
 * hvc #0 or, entered at psci_call_smc, smc #0. Used for the calls that do
 * not return: it FAILs if the call does.
 */
BEGIN psci_call
	hvc	#0
	FAIL	1
	.globl psci_call_smc
psci_call_smc:
	smc	#0
	FAIL	1
END psci_call

/*
 * psci_cpu_on: CPU_ON (SMC64) of MPIDR arg at psci_cpu_on_secondary with
 * context id CPU_ON_CONTEXT, twice, reporting x0 each time; then reports
 * AFFINITY_INFO of the target. The secondary reports its MPIDR affinity
 * and x0 (the context id).
 */
BEGIN psci_cpu_on
	mov	x19, x1
	adr	x20, psci_cpu_on_secondary
	MOV64	x21, CPU_ON_CONTEXT
	mov	x1, x19
	mov	x2, x20
	mov	x3, x21
	PSCI	PSCI_FN64_CPU_ON
	REPORT	x0
	mov	x1, x19
	mov	x2, x20
	mov	x3, x21
	PSCI	PSCI_FN64_CPU_ON
	REPORT	x0
	mov	x1, x19
	mov	x2, #0
	PSCI	PSCI_FN64_AFFINITY_INFO
	REPORT	x0
	DONE

	.balign 4
	.globl psci_cpu_on_secondary
psci_cpu_on_secondary:
	mov	x19, x0
	READ_AFFINITY x20, x2
	REPORT	x20
	REPORT	x19
	DONE
END psci_cpu_on

/*
 * psci_cpu_off: vCPU 0 reports AFFINITY_INFO of MPIDR arg, SYNCs (the VMM
 * runs vCPU 1 on), and reports it again. vCPU 1, entered at
 * psci_cpu_off_secondary, waits in WFI, then calls CPU_OFF.
 */
BEGIN psci_cpu_off
	mov	x19, x1
	mov	x2, #0
	PSCI	PSCI_FN64_AFFINITY_INFO
	REPORT	x0
	TEST_CALL TEST_FID_SYNC
	mov	x1, x19
	mov	x2, #0
	PSCI	PSCI_FN64_AFFINITY_INFO
	REPORT	x0
	DONE

	.balign 4
	.globl psci_cpu_off_secondary
psci_cpu_off_secondary:
	wfi
	PSCI	PSCI_FN_CPU_OFF
	FAIL	1
END psci_cpu_off

/*
 * mmio_read: loads of every width and signedness, into X and W registers,
 * from arg (an address no region covers); each result is reported. W
 * destinations are set to all ones first, to show that the load clears
 * their upper half. The load into xzr must change nothing: after it sp,
 * set at the start, is reported.
 */
BEGIN mmio_read
	mov	x19, x1
	MOV64	x2, (GUEST_RAM_BASE + GUEST_RAM_SIZE)
	mov	sp, x2
	mov	x5, #-1
	ldrb	w5, [x19]			/* 0x00 */
	.globl mmio_read_next
mmio_read_next:
	REPORT	x5
	ldrsb	x6, [x19, #1]			/* 0x01 */
	REPORT	x6
	mov	x7, #-1
	ldrsb	w7, [x19, #2]			/* 0x02 */
	REPORT	x7
	mov	x8, #-1
	ldrh	w8, [x19, #4]			/* 0x04 */
	REPORT	x8
	ldrsh	x9, [x19, #6]			/* 0x06 */
	REPORT	x9
	mov	x10, #-1
	ldrsh	w10, [x19, #8]			/* 0x08 */
	REPORT	x10
	mov	x11, #-1
	ldr	w11, [x19, #12]			/* 0x0c */
	REPORT	x11
	ldrsw	x12, [x19, #16]			/* 0x10 */
	REPORT	x12
	ldr	x13, [x19, #24]			/* 0x18 */
	REPORT	x13
	ldr	x0, [x19, #32]			/* 0x20, into x0 */
	REPORT	x0
	mov	x30, #-1
	ldrh	w30, [x19, #40]			/* 0x28, into w30 */
	REPORT	x30
	mov	x20, #0x48
	ldr	x14, [x19, x20]			/* 0x48, register offset */
	REPORT	x14
	add	x21, x19, #0x60
	ldur	x15, [x21, #-8]			/* 0x58, unscaled offset */
	REPORT	x15
	ldrsw	x17, [x19, #0x64]		/* 0x64 */
	REPORT	x17
	ldr	x16, [x19, #0x7ff8]		/* largest offset of ldr x */
	REPORT	x16
	ldr	xzr, [x19, #0x68]		/* 0x68, discarded */
	mov	x22, sp
	REPORT	x22
	DONE
END mmio_read

/* mmio_write: stores of every width to arg; data checked by the VMM. */
BEGIN mmio_write
	mov	x19, x1
	MOV64	x5, 0x8899aabbccddeeff
	strb	w5, [x19, #0x40]
	strh	w5, [x19, #0x42]
	str	w5, [x19, #0x44]
	str	x5, [x19, #0x48]
	str	xzr, [x19, #0x50]
	strb	wzr, [x19, #0x58]
	mov	x20, #0x60
	str	w5, [x19, x20]			/* register offset */
	add	x21, x19, #0x70
	stur	x5, [x21, #-8]			/* 0x68, unscaled offset */
	MOV64	x30, 0x0123456789abcdef
	strh	w30, [x19, #0x1ffe]		/* largest offset of strh */
	MOV64	x6, 0xffffffff00000001
	str	w6, [x19, #0x78]		/* only the low word */
	DONE
END mmio_write

/*
 * mmio_nosyn: accesses to arg + 0x100 that the hardware reports without an
 * instruction syndrome (ISV = 0): a load pair, a post-indexed load and a
 * store pair. The module cannot decode them, so each is an internal error
 * the VMM steps over.
 */
BEGIN mmio_nosyn
	mov	x19, x1
	add	x2, x19, #0x100
	mov	x3, #1
	mov	x4, #2
	.globl mmio_nosyn_ldp
mmio_nosyn_ldp:
	ldp	x5, x6, [x2]
	.globl mmio_nosyn_post
mmio_nosyn_post:
	ldr	x7, [x2], #8
	.globl mmio_nosyn_stp
mmio_nosyn_stp:
	stp	x3, x4, [x2, #16]
	DONE
END mmio_nosyn

/*
 * npf_ro: arg is a read-only region. Reads work; the store faults until
 * the VMM makes the region writable, then the stored value is read back.
 */
BEGIN npf_ro
	mov	x19, x1
	ldr	x20, [x19]
	REPORT	x20
	MOV64	x21, 0x5a5a5a5aa5a5a5a5
	str	x21, [x19, #8]
	ldr	x22, [x19, #8]
	REPORT	x22
	DONE
END npf_ro

/* npf_jump: branch to arg, which no region covers. */
BEGIN npf_jump
	br	x1
END npf_jump

/*
 * npf_resume: br to arg, which no region covers: the fetch there is a
 * nested page fault, with the branch's BTYPE in PSTATE on a CPU with BTI.
 * The VMM moves the pc to npf_resume_cont, which reports x19
 * (NPF_RESUME_MARK) and ends.
 */
BEGIN npf_resume
	MOV64	x19, NPF_RESUME_MARK
	br	x1
	FAIL	1
	.globl npf_resume_cont
npf_resume_cont:
	REPORT	x19
	DONE
END npf_resume

/* wfi: one HALT exit, then the program goes on. */
BEGIN wfi
	mov	x19, #0x77
	wfi
	.globl wfi_ret
wfi_ret:
	REPORT	x19
	DONE
END wfi

/*
 * sysreg: accesses to system registers the module traps and hands to the
 * VMM; each value read is reported. The read into xzr must change
 * nothing: after it sp, set at the start, is reported.
 */
BEGIN sysreg
	MOV64	x2, (GUEST_RAM_BASE + GUEST_RAM_SIZE)
	mov	sp, x2
	mrs	x5, ACTLR_EL1
	REPORT	x5
	MOV64	x6, 0x1122334455667788
	msr	ACTLR_EL1, x6
	msr	ACTLR_EL1, xzr
	mrs	x30, PMCR_EL0
	REPORT	x30
	mov	x7, #0x41
	msr	PMCR_EL0, x7
	mrs	x0, MDSCR_EL1
	REPORT	x0
	mov	x8, #0x8000
	msr	MDSCR_EL1, x8
	mov	x9, #1
	msr	OSLAR_EL1, x9
	mrs	x10, CNTP_CTL_EL0
	REPORT	x10
	mov	x11, #3
	msr	CNTP_CTL_EL0, x11
	MOV64	x12, 0xfedcba9876543210
	msr	CNTP_CVAL_EL0, x12
	mrs	x13, CNTP_CVAL_EL0
	REPORT	x13
	mrs	xzr, ACTLR_EL1
	mov	x14, sp
	REPORT	x14
	DONE
END sysreg

/*
 * sgi: write the x2 ICC_SGI1R_EL1 values of the table at x1 (u64s), each
 * a SEND_IPI exit.
 */
BEGIN sgi
	mov	x19, x1
	mov	x20, x2
1:	cbz	x20, 2f
	ldr	x3, [x19], #8
	msr	ICC_SGI1R_EL1, x3
	sub	x20, x20, #1
	b	1b
2:	DONE
END sgi

/*
 * irq: take IRQs through the GIC CPU interface, then wait for one: with
 * wfi if arg == 0, spinning otherwise. The handler acknowledges the
 * interrupt, EOIs it and counts it. After the first one the program
 * waits 10 ms with IRQs unmasked, so that an interrupt delivered twice is
 * counted twice, and reports the count and the last INTID.
 */
BEGIN irq
	b	irq_start
	VECTORS irq, 0, irq_handler

irq_start:
	GIC_INIT irq
	mov	x20, #0				/* interrupts taken */
	mov	x21, #0				/* the last INTID */
	msr	daifclr, #2
	cbnz	x1, 3f
1:	cbnz	x20, 2f
	wfi
	b	1b
3:	cbz	x20, 3b
2:	WAIT_MS	10, x2, x3, x4
	msr	daifset, #2
	mov	x19, x20
	mov	x22, x21
	REPORT	x19
	REPORT	x22
	DONE

irq_handler:
	mrs	x21, ICC_IAR1_EL1
	msr	ICC_EOIR1_EL1, x21
	add	x20, x20, #1
	eret
END irq

/*
 * id_regs: REPORT ID_AA64PFR0_EL1, ID_AA64PFR1_EL1, ID_AA64DFR0_EL1,
 * ID_AA64MMFR1_EL1, ID_AA64ZFR0_EL1 and the unallocated s3_0_c0_c7_7.
 */
BEGIN id_regs
	mrs	x19, ID_AA64PFR0_EL1
	REPORT	x19
	mrs	x19, ID_AA64PFR1_EL1
	REPORT	x19
	mrs	x19, s3_0_c0_c5_0
	REPORT	x19
	mrs	x19, s3_0_c0_c7_1
	REPORT	x19
	mrs	x19, s3_0_c0_c4_4
	REPORT	x19
	mrs	x19, s3_0_c0_c7_7
	REPORT	x19
	DONE
END id_regs

/* counter: REPORT the virtual counter (CNTVCT_EL0); DONE. */
BEGIN counter
	isb
	mrs	x19, cntvct_el0
	REPORT	x19
	DONE
END counter

/*
 * irq_level: take IRQs through the GIC CPU interface, IRQs unmasked, and
 * REPORT 0 (the VMM asserts its line then). The handler acknowledges,
 * REPORTs the INTID, then EOIs and returns, having done nothing about
 * the source. After 10 ms in the main program with IRQs unmasked, REPORT
 * the handler's entries; DONE.
 */
BEGIN irq_level
	b	irq_level_start
	VECTORS irq_level, 0, irq_level_handler

irq_level_start:
	GIC_INIT irq_level
	mov	x20, #0				/* interrupts taken */
	msr	daifclr, #2
	REPORT	xzr
	WAIT_MS	10, x2, x3, x4
	msr	daifset, #2
	mov	x19, x20
	REPORT	x19
	DONE

irq_level_handler:
	mrs	x21, ICC_IAR1_EL1
	add	x20, x20, #1
	REPORT	x21
	msr	ICC_EOIR1_EL1, x21
	eret
END irq_level

/*
 * vtimer: arm the EL1 virtual timer arg milliseconds ahead and wait in
 * WFI until its interrupt came. The handler disables the timer before
 * the EOI, since the timer's interrupt is a level. Reports the INTID,
 * the number of interrupts taken and whether the handler ran at or after
 * the deadline (1).
 */
BEGIN vtimer
	b	vtimer_start
	VECTORS vtimer, 0, vtimer_handler

vtimer_start:
	GIC_INIT vtimer
	mov	x20, #0				/* interrupts taken */
	mov	x21, #0				/* the last INTID */
	mov	x23, #0				/* the counter in the handler */
	mrs	x2, cntfrq_el0
	mov	x3, #1000
	udiv	x2, x2, x3
	mul	x2, x2, x1			/* ticks in arg ms */
	isb
	mrs	x3, cntvct_el0
	add	x19, x3, x2			/* the deadline */
	msr	cntv_cval_el0, x19
	mov	x2, #CNTV_CTL_ENABLE
	msr	cntv_ctl_el0, x2
	isb
	msr	daifclr, #2
1:	cbnz	x20, 2f
	wfi
	b	1b
2:	msr	daifset, #2
	mov	x24, x21
	mov	x25, x20
	cmp	x23, x19
	cset	x26, hs
	REPORT	x24
	REPORT	x25
	REPORT	x26
	DONE

vtimer_handler:
	mrs	x21, ICC_IAR1_EL1
	isb
	mrs	x23, cntvct_el0
	msr	cntv_ctl_el0, xzr
	isb
	msr	ICC_EOIR1_EL1, x21
	add	x20, x20, #1
	eret
END vtimer

/*
 * undef: with FP, SVE and SME enabled in CPACR_EL1 and the IA key in
 * SCTLR_EL1, so that only the hypervisor can stop them, execute UDF, an
 * SVE, an SME and a PAuth instruction. Each must raise an undefined
 * instruction exception in the guest: for each the program reports the
 * exception class and ELR_EL1 its handler saw (-1, -1 if none).
 *
 * TRY_INSN runs \insn at \label and reports those two; x24 is then
 * what x0 was after \insn.
 */
.macro TRY_INSN label, insn
	mov	x20, #-1
	mov	x21, #-1
	.globl \label
\label:
	.inst	\insn
	mov	x24, x0
	mov	x22, x20
	mov	x23, x21
	REPORT	x22
	REPORT	x23
.endm

BEGIN undef
	b	undef_start
	VECTORS undef, undef_handler, 0

undef_start:
	adr	x2, undef_vectors
	msr	vbar_el1, x2
	MOV64	x2, (CPACR_EL1_FPEN | CPACR_EL1_ZEN | CPACR_EL1_SMEN)
	msr	cpacr_el1, x2
	mrs	x2, sctlr_el1
	MOV64	x3, SCTLR_EL1_ENIA
	orr	x2, x2, x3
	msr	sctlr_el1, x2
	isb
	TRY_INSN undef_udf, 0x00000000	/* udf #0 */
	TRY_INSN undef_sve, 0x04bf5020	/* rdvl x0, #1 */
	TRY_INSN undef_sme, 0x04bf5820	/* rdsvl x0, #1 */
	TRY_INSN undef_pauth, 0xdac10020	/* pacia x0, x1 */
	TRY_INSN undef_erridr, 0xd5385300	/* mrs x0, erridr_el1 */
	DONE

/* Record the exception class and ELR_EL1, and return past the insn. */
undef_handler:
	mrs	x20, esr_el1
	lsr	x20, x20, #ESR_EC_SHIFT
	mrs	x21, elr_el1
	add	x2, x21, #4
	msr	elr_el1, x2
	eret
END undef

/*
 * undef_off: SVE, SME and PAuth left disabled at EL1, as at reset: ZEN
 * and SMEN 0b00 in CPACR_EL1 (FPEN 0b11, so that only they count) and the
 * four keys off in SCTLR_EL1. The guest's own controls then act before
 * the hypervisor's traps. Reports ID_AA64PFR0_EL1, ID_AA64PFR1_EL1,
 * ID_AA64ISAR1_EL1 and ID_AA64ISAR2_EL1 (which of them the CPU has); then
 * runs pacia x0, x1 and xpaci x0 with x0 = PAUTH_POINTER, reporting for
 * each the exception class and ELR_EL1 its handler saw (-1, -1 if none)
 * and x0 after it; then pacga, rdvl and rdsvl, reporting the exception
 * class and ELR_EL1 of each.
 */
BEGIN undef_off
	b	undef_off_start
	VECTORS undef_off, undef_off_handler, 0

undef_off_start:
	adr	x2, undef_off_vectors
	msr	vbar_el1, x2
	mov	x2, #CPACR_EL1_FPEN
	msr	cpacr_el1, x2
	mrs	x2, sctlr_el1
	MOV64	x3, SCTLR_EL1_ENKEYS
	bic	x2, x2, x3
	msr	sctlr_el1, x2
	isb
	mrs	x19, ID_AA64PFR0_EL1
	mrs	x25, ID_AA64PFR1_EL1
	mrs	x26, ID_AA64ISAR1_EL1
	mrs	x27, ID_AA64ISAR2_EL1
	REPORT	x19
	REPORT	x25
	REPORT	x26
	REPORT	x27
	MOV64	x0, PAUTH_POINTER
	MOV64	x1, PAUTH_MODIFIER
	TRY_INSN undef_off_pacia, 0xdac10020	/* pacia x0, x1 */
	REPORT	x24
	MOV64	x0, PAUTH_POINTER
	TRY_INSN undef_off_xpaci, 0xdac143e0	/* xpaci x0 */
	REPORT	x24
	TRY_INSN undef_off_pacga, 0x9ac23020	/* pacga x0, x1, x2 */
	TRY_INSN undef_off_sve, 0x04bf5020	/* rdvl x0, #1 */
	TRY_INSN undef_off_sme, 0x04bf5820	/* rdsvl x0, #1 */
	DONE

/* Record the exception class and ELR_EL1, and return past the insn. */
undef_off_handler:
	mrs	x20, esr_el1
	lsr	x20, x20, #ESR_EC_SHIFT
	mrs	x21, elr_el1
	add	x2, x21, #4
	msr	elr_el1, x2
	eret
END undef_off

/*
 * fpsimd: enable FP/SIMD, put a distinct pattern in each of v0..v31 and
 * FPSIMD_FPCR in FPCR, then make arg MMIO stores of the remaining count,
 * each an exit to the VMM. Reports how many of the 64 register halves
 * changed meanwhile (0) and FPCR.
 */
BEGIN fpsimd
	mov	x2, #CPACR_EL1_FPEN
	msr	cpacr_el1, x2
	isb
	MOV64	x19, 0x0101010101010101		/* step between registers */
	mov	x20, #0
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	add	x20, x20, x19
	mvn	x2, x20
	fmov	d\i, x20
	mov	v\i\().d[1], x2
	.endr
	MOV64	x2, FPSIMD_FPCR
	msr	fpcr, x2
	MOV64	x21, GUEST_MMIO_BASE
	mov	x22, x1
	cbz	x22, 2f
1:	str	x22, [x21]
	subs	x22, x22, #1
	b.ne	1b
2:	mov	x23, #0				/* halves changed */
	mov	x20, #0
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	add	x20, x20, x19
	mvn	x2, x20
	mov	x3, v\i\().d[0]
	mov	x4, v\i\().d[1]
	cmp	x3, x20
	cinc	x23, x23, ne
	cmp	x4, x2
	cinc	x23, x23, ne
	.endr
	mrs	x24, fpcr
	REPORT	x23
	REPORT	x24
	DONE
END fpsimd

/*
 * init_state: entered at init_state_entry. Reports x0..x3 at entry, then
 * MPIDR_EL1, CurrentEL, DAIF, SPSel and SCTLR_EL1.M (the stage-1 MMU).
 */
BEGIN init_state
	FAIL	0xbad				/* not the entry point */
	.globl init_state_entry
init_state_entry:
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	mrs	x23, mpidr_el1
	mrs	x24, CurrentEL
	mrs	x25, daif
	mrs	x26, SPSel
	mrs	x27, sctlr_el1
	and	x27, x27, #1
	REPORT	x19
	REPORT	x20
	REPORT	x21
	REPORT	x22
	REPORT	x23
	REPORT	x24
	REPORT	x25
	REPORT	x26
	REPORT	x27
	DONE
END init_state

/*
 * regs: hvc #REGS_FID with the registers the VMM set; then add 1 to each
 * of x0..x30, 16 to sp, set NZCV to Z and C (cmp of equal values), and
 * hvc #REGS_FID again.
 */
BEGIN regs
	hvc	#REGS_FID
	.globl regs_exit1
regs_exit1:
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	add	x\i, x\i, #1
	.endr
	add	sp, sp, #16
	cmp	x0, x0
	hvc	#REGS_FID
	.globl regs_exit2
regs_exit2:
	DONE
END regs

/* spin: loop until the VMM sets x1 (arg is 0), then DONE. */
BEGIN spin
1:	cbz	x1, 1b
	DONE
END spin

/*
 * count_mmio: x1 iterations of: increment a register counter (x21) and a
 * RAM counter (at GUEST_DATA_OFF + 64 * cpu id, zeroed first), put
 * cpu id << 48 | count in TPIDR_EL1, and store the count to
 * GUEST_MMIO_BASE + 8 * cpu id, which exits to the VMM. After the exit
 * TPIDR_EL1 and the RAM counter must still hold what was written (else
 * FAIL 1 or FAIL 2). Reports the register counter and the RAM counter.
 */
BEGIN count_mmio
	mov	x19, x0				/* cpu id */
	mov	x20, x1				/* iterations */
	mov	x21, #0
	MOV64	x22, (GUEST_RAM_BASE + GUEST_DATA_OFF)
	add	x22, x22, x19, lsl #6		/* this vCPU's RAM counter */
	str	xzr, [x22]
	MOV64	x23, GUEST_MMIO_BASE
	add	x23, x23, x19, lsl #3		/* this vCPU's MMIO address */
	lsl	x24, x19, #48			/* TPIDR_EL1 tag */
	cbz	x20, 2f
1:	add	x21, x21, #1
	ldr	x2, [x22]
	add	x2, x2, #1
	str	x2, [x22]
	orr	x3, x24, x21
	msr	tpidr_el1, x3
	str	x21, [x23]			/* MMIO_WRITE exit */
	mrs	x4, tpidr_el1
	cmp	x3, x4
	b.ne	3f
	ldr	x2, [x22]
	cmp	x2, x21
	b.ne	4f
	cmp	x21, x20
	b.ne	1b
	b	2f
3:	FAIL	1
	b	3b
4:	FAIL	2
	b	4b
2:	REPORT	x21
	ldr	x25, [x22]
	REPORT	x25
	DONE
END count_mmio

/*
 * count_regs: a pure register loop of x1 iterations with no exits of its
 * own: x20 counts, x21 sums the counts. TPIDR_EL1 holds
 * cpu id << 48 | x1 throughout. Reports x20, x21 and TPIDR_EL1.
 */
BEGIN count_regs
	orr	x2, x1, x0, lsl #48
	msr	tpidr_el1, x2
	mov	x19, x1
	mov	x20, #0
	mov	x21, #0
	cbz	x19, 2f
1:	add	x20, x20, #1
	add	x21, x21, x20
	cmp	x20, x19
	b.ne	1b
2:	mrs	x22, tpidr_el1
	REPORT	x20
	REPORT	x21
	REPORT	x22
	DONE
END count_regs
