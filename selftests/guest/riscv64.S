/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 guest programs for run_test (run_riscv64.c).
 *
 * Each program lies between <name>_begin and <name>_end. The VMM copies it
 * to GUEST_RAM_BASE and starts it there in VS-mode with vsatp = 0, a0 =
 * hartid and a1 = arg. Programs are position independent (pc-relative
 * addressing only) and talk to the VMM through the test hypercall
 * (TEST_EID): REPORT hands a value to the VMM, DONE ends the program.
 *
 * The REPORT, DONE and FAIL macros clobber a0, a6 and a7, and the in-kernel
 * SBI calls return in a0 and a1, so values that must survive live in
 * s-registers or t-registers.
 */
#include "riscv64.h"

/* Relaxation could turn lla into gp-relative code, which breaks copying. */
	.option norelax
/* Plain 32-bit encodings unless a program asks for compressed ones. */
	.option norvc

	.section .text.axvcpu_guest, "ax", @progbits

#define SIE_SSIE	(1 << 1)
#define SIE_STIE	(1 << 5)
#define SIE_SEIE	(1 << 9)
#define SSTATUS_SIE	(1 << 1)
#define SSTATUS_SPIE	(1 << 5)
#define SIP_SSIP	(1 << 1)

.macro SBI_CALL eid, fid
	li	a7, \eid
	li	a6, \fid
	ecall
.endm

.macro REPORT reg
	mv	a0, \reg
	SBI_CALL TEST_EID, TEST_FID_REPORT
.endm

.macro DONE
	SBI_CALL TEST_EID, TEST_FID_DONE
.endm

.macro FAIL code
	li	a0, \code
	SBI_CALL TEST_EID, TEST_FID_FAIL
.endm

.macro BEGIN name
	.balign 16
	.globl \name\()_begin
	.type \name\()_begin, @function
\name\()_begin:
.endm

/* A VMM that runs a program past its end sees FAIL 0xe0d, not the next one. */
.macro END name
	.balign 4
9999:	FAIL 0xe0d
	j	9999b
	.globl \name\()_end
\name\()_end:
	.size \name\()_begin, . - \name\()_begin
.endm

/*
 * hypercall: exit with a7 = 0x12345678, a0..a5 = 1..6, a6 = 7; then report
 * a0 (the VMM's return value), a1 and a5 (untouched).
 */
BEGIN hypercall
	li	a0, 1
	li	a1, 2
	li	a2, 3
	li	a3, 4
	li	a4, 5
	li	a5, 6
	li	a6, 7
	li	a7, 0x12345678
	ecall
	.globl hypercall_ret
hypercall_ret:
	mv	s2, a0
	mv	s3, a1
	mv	s4, a5
	REPORT	s2
	REPORT	s3
	REPORT	s4
	DONE
END hypercall

/*
 * sbi_base: SBI calls the module handles itself. Each result pair (a0, a1)
 * is stored at arg + 16 * n, so the whole program is one RUN ending in DONE.
 */
.macro SBI_STORE n, eid, fid
	SBI_CALL \eid, \fid
	sd	a0, (16 * \n)(s1)
	sd	a1, (16 * \n + 8)(s1)
.endm

.macro SBI_PROBE n, ext
	li	a0, \ext
	SBI_STORE \n, SBI_EXT_BASE, 3
.endm

BEGIN sbi_base
	mv	s1, a1
	li	a0, 0
	SBI_STORE 0, SBI_EXT_BASE, 0		/* spec version */
	li	a0, 0
	SBI_STORE 1, SBI_EXT_BASE, 1		/* impl id */
	li	a0, 0
	SBI_STORE 2, SBI_EXT_BASE, 2		/* impl version */
	SBI_PROBE 3, SBI_EXT_BASE
	SBI_PROBE 4, SBI_EXT_TIME
	SBI_PROBE 5, SBI_EXT_IPI
	SBI_PROBE 6, SBI_EXT_HSM
	SBI_PROBE 7, SBI_EXT_SRST
	SBI_PROBE 8, SBI_EXT_RFENCE		/* known but not handled */
	SBI_PROBE 9, 0x12345678			/* unknown */
	li	a0, 0
	SBI_STORE 10, SBI_EXT_BASE, 4		/* mvendorid */
	li	a0, 0
	SBI_STORE 11, SBI_EXT_BASE, 5		/* marchid */
	li	a0, 0
	SBI_STORE 12, SBI_EXT_BASE, 6		/* mimpid */
	li	a0, 0
	SBI_STORE 13, SBI_EXT_BASE, 99		/* unknown fid */
	li	a0, 0
	SBI_STORE 14, SBI_EXT_RFENCE, 0		/* not supported */
	li	a0, 0
	SBI_STORE 15, SBI_EXT_HSM, SBI_HSM_HART_STATUS	/* self: started */
	li	a0, 1
	SBI_STORE 16, SBI_EXT_HSM, SBI_HSM_HART_STATUS	/* created only */
	li	a0, -1
	SBI_STORE 17, SBI_EXT_TIME, 0		/* set_timer(never) */
	li	a0, 0
	SBI_STORE 18, 0x03, 0			/* legacy clear_ipi: not supported */
	li	a0, 0
	SBI_STORE 19, 0x53555350, 0		/* SUSP: not supported */
	li	a0, 0
	SBI_STORE 20, SBI_EXT_PMU, 0		/* not supported */
	DONE
END sbi_base

/*
 * mmio_read: loads of every width and signedness from arg (an address no
 * region covers), into assorted registers; each result is reported.
 */
BEGIN mmio_read
	mv	s1, a1
	lb	t0, 0(s1)		/* x5 */
	.globl	mmio_read_next
mmio_read_next:
	REPORT	t0
	lbu	t1, 1(s1)		/* x6 */
	REPORT	t1
	lh	t2, 2(s1)		/* x7 */
	REPORT	t2
	lhu	s2, 4(s1)		/* x18 */
	REPORT	s2
	lw	s3, 8(s1)		/* x19 */
	REPORT	s3
	lwu	t6, 12(s1)		/* x31 */
	REPORT	t6
	ld	s11, 16(s1)		/* x27 */
	REPORT	s11
	lw	a0, 24(s1)		/* x10, which REPORT itself uses */
	REPORT	a0
	lb	ra, 31(s1)		/* x1 */
	REPORT	ra
	lhu	a5, 0x7fe(s1)		/* x15, largest positive offset */
	REPORT	a5
	DONE
END mmio_read

/* mmio_write: stores of every width to arg; data checked by the VMM. */
BEGIN mmio_write
	mv	s1, a1
	li	t0, 0x8899aabbccddeeff
	sb	t0, 0x40(s1)
	sh	t0, 0x42(s1)
	sw	t0, 0x44(s1)
	sd	t0, 0x48(s1)
	li	t1, 0x7e
	sb	t1, 0x51(s1)
	sd	zero, 0x58(s1)
	li	t6, -1
	sw	t6, 0x60(s1)
	DONE
END mmio_write

/*
 * mmio_compressed: the compressed loads and stores. c.lw/c.ld/c.sw/c.sd
 * only reach x8..x15 (s0, s1, a0..a5); the sp forms use sp = arg.
 */
BEGIN mmio_compressed
	.option push
	.option rvc
	mv	s0, a1
	c.lw	a2, 0(s0)		/* x12 */
	REPORT	a2
	c.ld	a3, 8(s0)		/* x13 */
	REPORT	a3
	li	a4, 0x8badf00d
	c.sw	a4, 16(s0)
	li	a5, 0x0123456789abcdef
	c.sd	a5, 24(s0)
	mv	sp, s0
	c.lwsp	t3, 32(sp)		/* x28 */
	REPORT	t3
	c.ldsp	s2, 40(sp)		/* x18 */
	REPORT	s2
	li	t4, -2
	c.swsp	t4, 48(sp)
	c.sdsp	t4, 56(sp)
	DONE
	/* Under norvc gas cannot pad a 2-byte gap, so align while rvc is on. */
	.balign 4
	.option pop
END mmio_compressed

/*
 * npf_ro: arg is a read-only region. Reads work; the store faults until
 * the VMM makes the region writable, then the stored value is read back.
 */
BEGIN npf_ro
	mv	s1, a1
	ld	t0, 0(s1)
	REPORT	t0
	li	t1, 0x5a5a5a5aa5a5a5a5
	sd	t1, 8(s1)
	ld	t2, 8(s1)
	REPORT	t2
	DONE
END npf_ro

/* wfi: one HALT exit, then the program goes on. */
BEGIN wfi
	li	s2, 0x77
	wfi
	.globl	wfi_ret
wfi_ret:
	REPORT	s2
	DONE
END wfi

/*
 * csr: accesses to custom CSRs, which the module hands to the VMM; each
 * value read is reported.
 */
BEGIN csr
	csrr	a0, CSR_CUSTOM			/* read, rd = x10 */
	REPORT	a0
	li	a1, 0x1122334455667788
	csrw	CSR_CUSTOM, a1			/* write only */
	li	t1, 0xf0
	csrrs	t2, CSR_CUSTOM, t1		/* read x7, write old | 0xf0 */
	REPORT	t2
	csrrc	t3, CSR_CUSTOM, t1		/* read x28, write old & ~0xf0 */
	REPORT	t3
	csrrw	t4, CSR_CUSTOM, t1		/* read x29, write 0xf0 */
	REPORT	t4
	csrrwi	t5, CSR_CUSTOM, 0x15		/* read x30, write 0x15 */
	REPORT	t5
	csrrsi	zero, CSR_CUSTOM, 3		/* read x0, write old | 3 */
	csrrci	s2, CSR_CUSTOM2, 0		/* read x18 only */
	REPORT	s2
	DONE
END csr

/*
 * hsm: hart 0 starts hart 1 at hsm_secondary with HSM_OPAQUE, reports the
 * status, asks again (the module answers ALREADY_AVAILABLE), then reports
 * hart_get_status(1). Hart 1 reports its a0 and a1.
 */
BEGIN hsm
	li	a0, 1
	lla	a1, hsm_secondary
	li	a2, HSM_OPAQUE
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_START
	REPORT	a0
	li	a0, 1
	lla	a1, hsm_secondary
	li	a2, HSM_OPAQUE
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_START
	REPORT	a0
	li	a0, 1
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_STATUS
	mv	s2, a0
	mv	s3, a1
	REPORT	s2
	REPORT	s3
	DONE

	.balign 4
	.globl hsm_secondary
hsm_secondary:
	mv	s2, a0
	mv	s3, a1
	REPORT	s2
	REPORT	s3
	DONE
END hsm

/* hsm_stop: hart_stop; it must not return to the guest. */
BEGIN hsm_stop
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_STOP
	FAIL	1
END hsm_stop

/* srst: system_reset(type = arg[31:0], reason = arg[63:32]). */
BEGIN srst
	slli	a0, a1, 32
	srli	a0, a0, 32
	srli	a1, a1, 32
	SBI_CALL SBI_EXT_SRST, 0
	FAIL	1
END srst

/* legacy_shutdown: EID 0x08; a0/a1 are junk the module must ignore. */
BEGIN legacy_shutdown
	li	a0, 5
	li	a1, 6
	SBI_CALL SBI_EXT_LEGACY_SHUTDOWN, 0
	FAIL	1
END legacy_shutdown

/*
 * ipi: send_ipi(mask, base) four times; the VMM runs this as hart 2.
 * Each SBI status is reported.
 */
.macro SEND_IPI mask, base
	li	a0, \mask
	li	a1, \base
	SBI_CALL SBI_EXT_IPI, 0
	REPORT	a0
.endm

BEGIN ipi
	SEND_IPI 0x5, 0		/* harts 0 and 2: includes self */
	SEND_IPI 0x1, 1		/* hart 1 */
	SEND_IPI 0x1, 2		/* hart 2: self */
	SEND_IPI 0x0, -1	/* all */
	DONE
END ipi

/*
 * timer: set_timer(time + arg) with STIE on, then wfi until the handler
 * ran. The handler records scause in s4 and disarms the timer.
 */
BEGIN timer
	lla	t0, timer_handler
	csrw	stvec, t0
	li	s3, 0
	li	t0, SIE_STIE
	csrs	sie, t0
	rdtime	t1
	add	a0, t1, a1
	SBI_CALL SBI_EXT_TIME, 0
	REPORT	a0
	csrsi	sstatus, SSTATUS_SIE
1:	bnez	s3, 2f
	wfi
	j	1b
2:	REPORT	s4
	DONE

	.balign 4
timer_handler:
	csrr	s4, scause
	li	s3, 1
	li	a0, -1
	SBI_CALL SBI_EXT_TIME, 0
	sret
END timer

/*
 * irq: enable software, timer and external interrupts, then wait for one: with
 * wfi if arg == 0, spinning otherwise. The handler records scause in s4,
 * clears sip.SSIP and returns with interrupts off, so an interrupt whose
 * level is still pending cannot re-enter it.
 */
BEGIN irq
	lla	t0, irq_handler
	csrw	stvec, t0
	li	s3, 0
	li	t0, SIE_SSIE | SIE_STIE | SIE_SEIE
	csrs	sie, t0
	csrsi	sstatus, SSTATUS_SIE
	bnez	a1, 3f
1:	bnez	s3, 2f
	wfi
	j	1b
3:	beqz	s3, 3b
2:	REPORT	s4
	DONE

	.balign 4
irq_handler:
	csrr	s4, scause
	li	s3, 1
	li	t0, SIP_SSIP
	csrc	sip, t0
	li	t0, SSTATUS_SPIE
	csrc	sstatus, t0
	sret
END irq

/*
 * irq_count: count deliveries of injected interrupts. Enables software,
 * timer and external interrupts in sie and REPORTs 0 (the VMM injects
 * then); spins for 50 ms of guest time (rdtime) with interrupts enabled,
 * counting traps. The handler acknowledges nothing and returns with
 * interrupts enabled (sret with SPIE set). Then REPORTs the count, the
 * last scause and the vectored-entry mismatches, and DONE.
 * arg bit 0: stvec in vectored mode (each entry checks it is the one for
 * scause). arg bit 1: spin 50 ms with sstatus.SIE clear first, then
 * REPORT sip as seen there, then enable and spin 50 ms more.
 */
#define IRQ_COUNT_TICKS	500000		/* 50 ms of the 10 MHz timebase */

BEGIN irq_count
	mv	s7, a1
	li	s3, 0
	li	s4, 0
	li	s6, 0
	lla	t0, irq_count_handler
	andi	t1, s7, 1
	beqz	t1, 1f
	lla	t0, irq_count_vec
	ori	t0, t0, 1
1:	csrw	stvec, t0
	li	t0, SIE_SSIE | SIE_STIE | SIE_SEIE
	csrs	sie, t0
	andi	t1, s7, 2
	bnez	t1, 2f
	csrsi	sstatus, SSTATUS_SIE
2:	REPORT	zero
	li	t4, IRQ_COUNT_TICKS
	rdtime	t3
	add	t3, t3, t4
3:	rdtime	t5
	bltu	t5, t3, 3b
	andi	t1, s7, 2
	beqz	t1, 5f
	csrr	t0, sip
	REPORT	t0
	csrsi	sstatus, SSTATUS_SIE
	rdtime	t3
	add	t3, t3, t4
4:	rdtime	t5
	bltu	t5, t3, 4b
5:	csrci	sstatus, SSTATUS_SIE
	REPORT	s3
	REPORT	s4
	REPORT	s6
	DONE

	.balign 4
irq_count_handler:
	addi	s3, s3, 1
	csrr	s4, scause
	sret

/* Vectored mode: entry n (jal sets t2 = entry + 4) must match scause. */
irq_count_vcheck:
	lla	t1, irq_count_vec
	sub	t2, t2, t1
	srli	t2, t2, 2
	addi	t2, t2, -1
	csrr	t1, scause
	andi	t1, t1, 63
	beq	t1, t2, irq_count_handler
	addi	s6, s6, 1
	j	irq_count_handler

	.balign 4
irq_count_vec:
	.rept	16
	jal	t2, irq_count_vcheck
	.endr
END irq_count

/*
 * walk_out: turn on Sv39 with page tables whose walk leaves RAM. The root
 * table (RAM + WALK_ROOT_OFF) maps the gigapage of RAM 1:1 and points the
 * next one (WALK_VA) at a level-1 table at GUEST_UNMAPPED. arg 0: load
 * from WALK_VA (the walk reads GUEST_UNMAPPED); arg 1: the root itself is
 * at GUEST_UNMAPPED, so the next fetch's walk reads there.
 */
BEGIN walk_out
	li	t0, GUEST_RAM_BASE + WALK_ROOT_OFF
	li	t1, ((GUEST_RAM_BASE >> 12) << 10) | 0xcf	/* V R W X A D */
	sd	t1, ((GUEST_RAM_BASE >> 30) * 8)(t0)
	li	t1, ((GUEST_UNMAPPED >> 12) << 10) | 1		/* V: next level */
	sd	t1, ((WALK_VA >> 30) * 8)(t0)
	li	t2, (8 << 60) | ((GUEST_RAM_BASE + WALK_ROOT_OFF) >> 12)
	beqz	a1, 1f
	li	t2, (8 << 60) | (GUEST_UNMAPPED >> 12)
1:	sfence.vma
	csrw	satp, t2
	sfence.vma
	li	t0, WALK_VA
	ld	t1, 0(t0)
	REPORT	t1
	DONE
END walk_out

/*
 * h_insns: hypervisor instructions from VS-mode. The handler REPORTs
 * scause and stval and skips the instruction.
 */
BEGIN h_insns
	lla	t0, h_insns_handler
	csrw	stvec, t0
	lla	a1, h_insns_begin
	.word	0x62000073		/* hfence.gvma zero, zero */
	.word	0x22000073		/* hfence.vvma zero, zero */
	.word	0x6c05c573		/* hlv.d a0, (a1) */
	.word	0x6ea5c073		/* hsv.d a0, (a1) */
	DONE

	.balign 4
h_insns_handler:
	csrr	s4, scause
	csrr	s5, stval
	REPORT	s4
	REPORT	s5
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	sret
END h_insns

/*
 * start_state: REPORT sip at the start, then enable every interrupt and
 * read the time RDTIME_LOOPS times, counting interrupts in the handler;
 * REPORT the time elapsed (nonzero) and the count (0), then DONE.
 */
#define RDTIME_LOOPS	10000

BEGIN start_state
	lla	t0, start_state_handler
	csrw	stvec, t0
	li	s3, 0
	csrr	t0, sip
	REPORT	t0
	li	t0, SIE_SSIE | SIE_STIE | SIE_SEIE
	csrs	sie, t0
	csrsi	sstatus, SSTATUS_SIE
	li	t1, RDTIME_LOOPS
	rdtime	t3
1:	rdtime	t4
	addi	t1, t1, -1
	bnez	t1, 1b
	csrci	sstatus, SSTATUS_SIE
	sub	t4, t4, t3
	REPORT	t4
	REPORT	s3
	DONE

	.balign 4
start_state_handler:
	addi	s3, s3, 1
	li	t0, SSTATUS_SPIE
	csrc	sstatus, t0
	sret
END start_state

/*
 * timer_clear: interrupts enabled in sie, sstatus.SIE clear; REPORT 0 (the
 * VMM injects a timer interrupt), REPORT sip, SBI set_timer(-1), REPORT
 * sip, then enable SIE for 10 ms and REPORT the interrupts taken; DONE.
 */
BEGIN timer_clear
	lla	t0, timer_clear_handler
	csrw	stvec, t0
	li	s3, 0
	li	t0, SIE_SSIE | SIE_STIE | SIE_SEIE
	csrs	sie, t0
	REPORT	zero
	csrr	t0, sip
	REPORT	t0
	li	a0, -1
	SBI_CALL SBI_EXT_TIME, 0
	csrr	t0, sip
	REPORT	t0
	csrsi	sstatus, SSTATUS_SIE
	li	t4, IRQ_COUNT_TICKS / 5
	rdtime	t3
	add	t3, t3, t4
1:	rdtime	t5
	bltu	t5, t3, 1b
	csrci	sstatus, SSTATUS_SIE
	REPORT	s3
	DONE

	.balign 4
timer_clear_handler:
	addi	s3, s3, 1
	li	t0, SSTATUS_SPIE
	csrc	sstatus, t0
	sret
END timer_clear

/* npf_jump: jump to arg, which no region covers. */
BEGIN npf_jump
	jr	a1
END npf_jump

/* spin: loop until the VMM sets a1 (arg is 0), then DONE. */
BEGIN spin
1:	beqz	a1, 1b
	DONE
END spin

/*
 * illegal: execute an all-zero word (illegal, not a CSR access); the
 * handler reports scause and sepc, then DONE.
 */
BEGIN illegal
	lla	t0, illegal_handler
	csrw	stvec, t0
	.globl illegal_insn
illegal_insn:
	.word	0
	FAIL	1

	.balign 4
illegal_handler:
	csrr	s2, scause
	csrr	s3, sepc
	REPORT	s2
	REPORT	s3
	DONE
END illegal

/*
 * count_mmio: a1 iterations of: increment a register counter (s3) and a
 * RAM counter (at GUEST_DATA_OFF + 64 * hartid, zeroed first), put
 * hartid << 48 | count in sscratch, and store the count to
 * GUEST_MMIO_BASE + 8 * hartid, which exits to the VMM. After the exit
 * sscratch and the RAM counter must still hold what was written (else
 * FAIL 1 or FAIL 2). Reports the register counter and the RAM counter.
 */
BEGIN count_mmio
	mv	s1, a0				/* hartid */
	mv	s2, a1				/* iterations */
	li	s3, 0
	li	s4, GUEST_RAM_BASE + GUEST_DATA_OFF
	slli	t0, s1, 6
	add	s4, s4, t0			/* this hart's RAM counter */
	sd	zero, 0(s4)
	li	s5, GUEST_MMIO_BASE
	slli	t0, s1, 3
	add	s5, s5, t0			/* this hart's MMIO address */
	slli	s6, s1, 48			/* sscratch tag */
	beqz	s2, 2f
1:	addi	s3, s3, 1
	ld	t0, 0(s4)
	addi	t0, t0, 1
	sd	t0, 0(s4)
	or	t1, s6, s3
	csrw	sscratch, t1
	sd	s3, 0(s5)			/* MMIO_WRITE exit */
	csrr	t2, sscratch
	bne	t1, t2, 3f
	ld	t0, 0(s4)
	bne	t0, s3, 4f
	bne	s3, s2, 1b
	j	2f
3:	FAIL	1
	j	3b
4:	FAIL	2
	j	4b
2:	REPORT	s3
	ld	t0, 0(s4)
	REPORT	t0
	DONE
END count_mmio

/*
 * count_regs: a pure register loop of a1 iterations with no exits of its
 * own: s2 counts, s3 sums the counts. sscratch holds hartid << 48 | a1
 * throughout. Reports s2, s3 and sscratch.
 */
BEGIN count_regs
	slli	t0, a0, 48
	or	t0, t0, a1
	csrw	sscratch, t0
	mv	s1, a1
	li	s2, 0
	li	s3, 0
	beqz	s1, 2f
1:	addi	s2, s2, 1
	add	s3, s3, s2
	bne	s2, s1, 1b
2:	csrr	s4, sscratch
	REPORT	s2
	REPORT	s3
	REPORT	s4
	DONE
END count_regs
