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

/* read_data: report the first data word, again at every RUN, forever. */
BEGIN read_data
	li	s1, GUEST_RAM_BASE + GUEST_DATA_OFF
1:	ld	s2, 0(s1)
	REPORT	s2
	j	1b
END read_data

/* touch: store n + 1 to the first word of page n at GUEST_BIG_BASE, n < a1. */
BEGIN touch
	li	s1, GUEST_BIG_BASE
	li	s2, 0
	li	t1, 4096
1:	bgeu	s2, a1, 2f
	addi	s2, s2, 1
	sd	s2, 0(s1)
	add	s1, s1, t1
	j	1b
2:	DONE
END touch

/*
 * sbi_base: SBI calls the module handles itself. Each result pair (a0, a1)
 * is stored at arg + 16 * n, so the whole program is one RUN ending in DONE.
 */
/* Spin until @ticks of the time CSR have passed (t3, t4, t5 clobbered). */
.macro SPIN_TICKS ticks
	li	t4, \ticks
	rdtime	t3
	add	t3, t3, t4
9:	rdtime	t5
	bltu	t5, t3, 9b
.endm

/* A trap handler's body: REPORT scause and stval, return past the insn. */
.macro REPORT_TRAP_AND_SKIP
	csrr	s4, scause
	csrr	s5, stval
	REPORT	s4
	REPORT	s5
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	sret
.endm

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

.macro MMIO_COMPRESSED_BODY
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
.endm

/*
 * mmio_compressed: the compressed loads and stores. c.lw/c.ld/c.sw/c.sd
 * only reach x8..x15 (s0, s1, a0..a5); the sp forms use sp = arg.
 */
BEGIN mmio_compressed
	MMIO_COMPRESSED_BODY
END mmio_compressed

/*
 * mmio_alias: mmio_compressed run from another virtual address. The guest
 * turns on Sv39 with RAM's gigapage at both GUEST_RAM_BASE and ALIAS_VA,
 * and the first gigapage (GUEST_MMIO_BASE) 1:1, its root at PT_ROOT_OFF,
 * and jumps to its own code at ALIAS_VA, so the module finds each MMIO
 * instruction only through the guest's page tables.
 */
BEGIN mmio_alias
	li	t0, GUEST_RAM_BASE + PT_ROOT_OFF
	li	t1, PTE_TO(0, PTE_VRWAD)
	sd	t1, 0(t0)
	li	t1, PTE_TO(GUEST_RAM_BASE, PTE_VRWXAD)
	sd	t1, ((GUEST_RAM_BASE >> 30) & 511) * 8(t0)
	sd	t1, ((ALIAS_VA >> 30) & 511) * 8(t0)
	li	t0, PT_SATP
	csrw	satp, t0
	sfence.vma
	lla	t0, 1f
	li	t1, ALIAS_VA - GUEST_RAM_BASE
	add	t0, t0, t1
	jr	t0
1:	MMIO_COMPRESSED_BODY
END mmio_alias

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
 * then); with interrupts enabled, waits for the first trap (at most 5 s
 * of guest time, rdtime: a loaded host may inject late), then spins for
 * 50 ms more, counting traps. The handler acknowledges nothing and
 * returns with interrupts enabled (sret with SPIE set). Then REPORTs the
 * count, the last scause and the vectored-entry mismatches, and DONE.
 * arg bit 0: stvec in vectored mode (each entry checks it is the one for
 * scause). arg bit 1: spin 50 ms with sstatus.SIE clear first, then
 * REPORT sip as seen there, then enable and spin 50 ms more.
 */
#define IRQ_COUNT_TICKS	500000		/* 50 ms of the 10 MHz timebase */
#define IRQ_WAIT_TICKS	50000000	/* 5 s */

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
	andi	t1, s7, 2
	bnez	t1, 3f
	li	t4, IRQ_WAIT_TICKS
	rdtime	t3
	add	t3, t3, t4
4:	bnez	s3, 6f
	rdtime	t5
	bltu	t5, t3, 4b
6:	SPIN_TICKS IRQ_COUNT_TICKS
	j	5f
3:	SPIN_TICKS IRQ_COUNT_TICKS
	csrr	t0, sip
	REPORT	t0
	csrsi	sstatus, SSTATUS_SIE
	SPIN_TICKS IRQ_COUNT_TICKS
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
	REPORT_TRAP_AND_SKIP
END h_insns

/*
 * counters: read cycle, instret and hpmcounter3 (each must be an illegal
 * instruction: the host's counters are not the guest's) and time (which
 * must not). The handler REPORTs scause and stval and skips the
 * instruction; then REPORT whether time read nonzero, and DONE.
 */
BEGIN counters
	lla	t0, counters_handler
	csrw	stvec, t0
	li	a0, 0
	.word	0xc0002573		/* csrr a0, cycle */
	.word	0xc0202573		/* csrr a0, instret */
	.word	0xc0302573		/* csrr a0, hpmcounter3 */
	csrr	a0, time
	snez	a0, a0
	REPORT	a0
	DONE

	.balign 4
counters_handler:
	REPORT_TRAP_AND_SKIP
END counters

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
	SPIN_TICKS IRQ_COUNT_TICKS / 5
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

/*
 * The body of halt_wait, also hart 1's part of kipi: wait for one
 * interrupt in a WFI loop. a1: the sie bits to enable (low 16 bits) and,
 * from bit HALT_TICKS_SHIFT up, a delay in timer ticks to program the
 * guest's own timer (stimecmp) with, if nonzero. HALT_READY is set just
 * before the loop. The handler records scause, clears sip.SSIP, disarms
 * the timer after a timer interrupt and returns with interrupts off; the
 * program then REPORTs scause and DONE.
 */
.macro HALT_WAIT_BODY name
	lla	t0, \name\()_handler
	csrw	stvec, t0
	li	s3, 0
	li	t0, 0xffff
	and	t1, a1, t0
	csrs	sie, t1
	srli	t2, a1, HALT_TICKS_SHIFT
	beqz	t2, 1f
	rdtime	t3
	add	t3, t3, t2
	csrw	CSR_STIMECMP, t3
1:	li	t0, GUEST_RAM_BASE + GUEST_DATA_OFF
	li	t1, 1
	sd	t1, HALT_READY(t0)
	csrsi	sstatus, SSTATUS_SIE
2:	bnez	s3, 3f
	wfi
	j	2b
3:	REPORT	s4
	DONE

	.balign 4
\name\()_handler:
	csrr	s4, scause
	li	s3, 1
	li	t0, SIP_SSIP
	csrc	sip, t0
	li	t0, SCAUSE_INTERRUPT | 5
	bne	s4, t0, 4f
	li	t0, -1
	csrw	CSR_STIMECMP, t0
4:	li	t0, SSTATUS_SPIE
	csrc	sstatus, t0
	sret
.endm

BEGIN halt_wait
	HALT_WAIT_BODY halt_wait
END halt_wait

/*
 * irq_level: take external interrupts with SEIE and SIE on. REPORT 0 (the
 * VMM asserts its line then); the handler REPORTs scause on every entry
 * and returns with interrupts on, acknowledging nothing. After 10 ms of
 * guest time in the main program, REPORT the handler's entries; DONE.
 */
BEGIN irq_level
	lla	t0, irq_level_handler
	csrw	stvec, t0
	li	s3, 0
	li	t0, SIE_SEIE
	csrs	sie, t0
	csrsi	sstatus, SSTATUS_SIE
	REPORT	zero
	SPIN_TICKS IRQ_COUNT_TICKS / 5
	csrci	sstatus, SSTATUS_SIE
	REPORT	s3
	DONE

	.balign 4
irq_level_handler:
	addi	s3, s3, 1
	csrr	s4, scause
	REPORT	s4
	sret
END irq_level

/*
 * kipi: hart 1 waits for a software interrupt as halt_wait does. Hart 0
 * waits for hart 1's HALT_READY, then 50 ms of guest time for it to
 * reach its WFI, sends it an IPI (hart mask 1 << 1, base 0), REPORTs the
 * SBI status and DONE.
 */
BEGIN kipi
	bnez	a0, 3f
	li	s1, GUEST_RAM_BASE + GUEST_DATA_OFF
1:	ld	t0, HALT_READY(s1)
	beqz	t0, 1b
	SPIN_TICKS IRQ_COUNT_TICKS
	li	a0, 1 << 1
	li	a1, 0
	SBI_CALL SBI_EXT_IPI, 0
	mv	s2, a0
	REPORT	s2
	DONE

3:	li	a1, SIE_SSIE
	HALT_WAIT_BODY kipi
END kipi

/*
 * rfence: the RFENCE calls, each (a0, a1) stored at arg + 16 * n as
 * sbi_base does; the caller is hart 0, the only one.
 */
.macro RFENCE_CALL n, fid, mask, base
	li	a0, \mask
	li	a1, \base
	li	a2, 0
	li	a3, -1
	li	a4, 0
	SBI_STORE \n, SBI_EXT_RFENCE, \fid
.endm

BEGIN rfence
	mv	s1, a1
	SBI_PROBE 0, SBI_EXT_RFENCE
	RFENCE_CALL 1, 0, 1, 0		/* remote_fence_i(self) */
	RFENCE_CALL 2, 1, 1, 0		/* remote_sfence_vma(self, all) */
	RFENCE_CALL 3, 2, 1, 0		/* remote_sfence_vma_asid(self, all, 0) */
	RFENCE_CALL 4, 1, 0, -1		/* remote_sfence_vma(every hart) */
	RFENCE_CALL 5, 0, 0xff, 8	/* harts 8..15: none exists */
	RFENCE_CALL 6, 3, 1, 0		/* remote_hfence_gvma_vmid */
	RFENCE_CALL 7, 4, 1, 0		/* remote_hfence_gvma */
	RFENCE_CALL 8, 5, 1, 0		/* remote_hfence_vvma_asid */
	RFENCE_CALL 9, 6, 1, 0		/* remote_hfence_vvma */
	RFENCE_CALL 10, 7, 1, 0		/* no such function */
	DONE
END rfence

/*
 * rfence_tlb: both harts turn on the VMM's Sv39 tables (PT_*). They play
 * RF_ROUNDS rounds k = 1, 2, ... Hart 1 drops its own TLB (sfence.vma),
 * then loops: reads PT_VA, sets RF_READY = k, counts the read in RF_TICK,
 * until RF_GO = k; then it reads PT_VA once more into RF_RESULT + 8 * k.
 * Hart 0 waits for RF_READY = k (hart 1's TLB holds PT_VA) and for
 * RF_TICK to move while it spins a little (hart 1 runs right now, not
 * preempted), points PT_VA's PTE at page B in odd rounds and page A in
 * even ones, makes a remote_sfence_vma of PT_VA on hart 1 in even rounds,
 * and sets RF_GO = k. No exit in between; at the end hart 0 REPORTs the
 * OR of its SBI statuses.
 */
BEGIN rfence_tlb
	li	t0, PT_SATP
	csrw	satp, t0
	sfence.vma
	li	s1, GUEST_RAM_BASE + GUEST_DATA_OFF
	li	s2, PT_VA
	li	s3, 1
	li	s4, RF_ROUNDS + 1
	li	s5, 0
	bnez	a0, 5f
	li	s6, GUEST_RAM_BASE + PT_L0_OFF
	li	s7, PTE_TO(GUEST_RAM_BASE + PT_PAGE_A_OFF, PTE_VRWAD)
	li	s8, PTE_TO(GUEST_RAM_BASE + PT_PAGE_B_OFF, PTE_VRWAD)
	li	s9, 0
1:	ld	t0, RF_READY(s1)
	bne	t0, s3, 1b
	/* Only while hart 1 runs: its RF_TICK moves within a few loops. */
7:	ld	t2, RF_TICK(s1)
	li	t3, 64
8:	addi	t3, t3, -1
	bnez	t3, 8b
	ld	t4, RF_TICK(s1)
	beq	t2, t4, 7b
	andi	t0, s3, 1
	mv	t1, s7
	beqz	t0, 2f
	mv	t1, s8
2:	sd	t1, 0(s6)
	fence	rw, rw
	andi	t0, s3, 1
	bnez	t0, 3f
	li	a0, 1 << 1
	li	a1, 0
	li	a2, PT_VA
	li	a3, 4096
	SBI_CALL SBI_EXT_RFENCE, 1
	or	s9, s9, a0
3:	fence	rw, rw
	sd	s3, RF_GO(s1)
	addi	s3, s3, 1
	bne	s3, s4, 1b
	REPORT	s9
	DONE

5:	sfence.vma
6:	ld	t0, 0(s2)
	addi	s5, s5, 1
	sd	s3, RF_READY(s1)
	sd	s5, RF_TICK(s1)
	ld	t1, RF_GO(s1)
	bne	t1, s3, 6b
	ld	t0, 0(s2)
	slli	t1, s3, 3
	add	t1, t1, s1
	sd	t0, RF_RESULT(t1)
	addi	s3, s3, 1
	bne	s3, s4, 5b
	DONE
END rfence_tlb

/*
 * dbcn: REPORT probe_extension of DBCN and of the legacy putchar (a1),
 * then console_write(5, dbcn_msg, 0) with a3..a5 = 0x33, 0x44, 0x55, and
 * REPORT a0 .. a3 after it; REPORT a0 after the legacy putchar('x') and
 * after the legacy getchar; DONE.
 */
BEGIN dbcn
	li	a0, SBI_EXT_DBCN
	SBI_CALL SBI_EXT_BASE, 3
	mv	s2, a1
	REPORT	s2
	li	a0, SBI_EXT_LEGACY_PUTCHAR
	SBI_CALL SBI_EXT_BASE, 3
	mv	s2, a1
	REPORT	s2
	li	a0, 5
	lla	a1, dbcn_msg
	li	a2, 0
	li	a3, 0x33
	li	a4, 0x44
	li	a5, 0x55
	SBI_CALL SBI_EXT_DBCN, 0
	.globl	dbcn_ret
dbcn_ret:
	mv	s2, a0
	mv	s3, a1
	mv	s4, a2
	mv	s5, a3
	REPORT	s2
	REPORT	s3
	REPORT	s4
	REPORT	s5
	li	a0, 'x'
	SBI_CALL SBI_EXT_LEGACY_PUTCHAR, 0
	mv	s2, a0
	REPORT	s2
	SBI_CALL SBI_EXT_LEGACY_GETCHAR, 0
	mv	s2, a0
	REPORT	s2
	DONE
	.globl	dbcn_msg
dbcn_msg:
	.ascii	"hello"
END dbcn

/*
 * hsm_restart: hart 0 starts hart 1 at hsm_restart_first (CPU_UP, the VMM
 * sets hart 1 up and runs it), which REPORTs a0 and a1, turns on paging
 * (the VMM's PT_SATP), FP and interrupts, and stops (CPU_DOWN). Hart 0
 * REPORTs its hart_start's a0, then hart_get_status(1)'s a0 and a1; starts
 * hart 1 again at hsm_restart_again with HSM_OPAQUE2 (CPU_UP) and REPORTs
 * a0; REPORTs the status (a1) and a third hart_start's a0; REPORTs 0x5e,
 * when the VMM runs hart 1: it REPORTs a0, a1, satp and sstatus's SIE
 * and FS there, and DONE. Hart 0 REPORTs the status (a1) and a fourth
 * hart_start's a0, then hart_suspend's a0 for types 0x80000000 and 5;
 * suspends (type 0) and REPORTs a0; DONE.
 */
.macro HSM_START entry, opaque
	li	a0, 1
	lla	a1, \entry
	li	a2, \opaque
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_START
	mv	s2, a0
	REPORT	s2
.endm

.macro HSM_STATUS
	li	a0, 1
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_STATUS
	mv	s2, a1
	REPORT	s2
.endm

.macro HSM_SUSPEND type
	li	a0, \type
	li	a1, 0
	li	a2, 0
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_SUSPEND
.endm

BEGIN hsm_restart
	HSM_START hsm_restart_first, HSM_OPAQUE
	li	a0, 1
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_STATUS
	mv	s2, a0
	mv	s3, a1
	REPORT	s2
	REPORT	s3
	HSM_START hsm_restart_again, HSM_OPAQUE2
	HSM_STATUS
	HSM_START hsm_restart_again, HSM_OPAQUE2
	li	s2, 0x5e
	REPORT	s2
	HSM_STATUS
	HSM_START hsm_restart_again, HSM_OPAQUE2
	HSM_SUSPEND 0x80000000
	mv	s2, a0
	REPORT	s2
	HSM_SUSPEND 5
	mv	s2, a0
	REPORT	s2
	HSM_SUSPEND 0
	.globl	hsm_restart_suspend_ret
hsm_restart_suspend_ret:
	mv	s2, a0
	REPORT	s2
	DONE

	.balign 4
	.globl	hsm_restart_first
hsm_restart_first:
	mv	s2, a0
	mv	s3, a1
	REPORT	s2
	REPORT	s3
	li	t0, PT_SATP
	csrw	satp, t0
	sfence.vma
	li	t0, SSTATUS_FS_INITIAL | SSTATUS_SIE
	csrs	sstatus, t0
	SBI_CALL SBI_EXT_HSM, SBI_HSM_HART_STOP
	FAIL	1

	.balign 4
	.globl	hsm_restart_again
hsm_restart_again:
	mv	s2, a0
	mv	s3, a1
	csrr	s4, satp
	csrr	t0, sstatus
	li	t1, SSTATUS_FS | SSTATUS_SIE
	and	s5, t0, t1
	REPORT	s2
	REPORT	s3
	REPORT	s4
	REPORT	s5
	DONE
END hsm_restart

/*
 * fp: turn FP on (sstatus.FS = Initial), put FP_SEED + n * FP_STEP in
 * f0 .. f31 and FP_FCSR in fcsr, REPORT sstatus.FS; then (after the VMM
 * ran with FP values of its own) REPORT how many of f0 .. f31 and fcsr
 * differ from that; DONE.
 */
#define FP_REGS	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31

BEGIN fp
	li	t0, SSTATUS_FS_INITIAL
	csrs	sstatus, t0
	li	t1, FP_SEED
	li	t2, FP_STEP
	.irp	n, FP_REGS
	fmv.d.x	f\n, t1
	add	t1, t1, t2
	.endr
	li	t0, FP_FCSR
	fscsr	t0
	csrr	t0, sstatus
	li	t1, SSTATUS_FS
	and	s2, t0, t1
	REPORT	s2
	li	t1, FP_SEED
	li	t2, FP_STEP
	li	s3, 0
	.irp	n, FP_REGS
	fmv.x.d	t0, f\n
	beq	t0, t1, 1f
	addi	s3, s3, 1
1:	add	t1, t1, t2
	.endr
	frcsr	t0
	li	t1, FP_FCSR
	beq	t0, t1, 2f
	addi	s3, s3, 1
2:	REPORT	s3
	DONE
END fp

/*
 * vec: turn the vector unit on (sstatus.VS = Initial), set e64/m1 and put
 * V_SEED + n * FP_STEP in every element of v0 .. v31, REPORT sstatus.VS;
 * then (after the VMM ran with vector values of its own) REPORT how many
 * of v0 .. v31 (element 0) and vtype differ from that; DONE.
 */
BEGIN vec
	li	t0, SSTATUS_VS_INITIAL
	csrs	sstatus, t0
	.option push
	.option arch, +v
	vsetvli	t0, zero, e64, m1, ta, ma
	li	t1, V_SEED
	li	t2, FP_STEP
	.irp	n, FP_REGS
	vmv.v.x	v\n, t1
	add	t1, t1, t2
	.endr
	csrr	t0, sstatus
	li	t1, SSTATUS_VS
	and	s2, t0, t1
	REPORT	s2
	li	t1, V_SEED
	li	t2, FP_STEP
	li	s3, 0
	.irp	n, FP_REGS
	vmv.x.s	t0, v\n
	beq	t0, t1, 1f
	addi	s3, s3, 1
1:	add	t1, t1, t2
	.endr
	csrr	t0, vtype
	li	t1, V_VTYPE
	beq	t0, t1, 2f
	addi	s3, s3, 1
2:	REPORT	s3
	.option pop
	DONE
END vec

/*
 * fp_off: an FP instruction with FP off in sstatus, as at reset, traps to
 * the guest's own handler: it REPORTs scause, sepc and sstatus.FS; DONE.
 */
BEGIN fp_off
	lla	t0, fp_off_handler
	csrw	stvec, t0
	li	t1, FP_SEED
	.globl	fp_off_insn
fp_off_insn:
	fmv.d.x	f0, t1
	FAIL	1

	.balign 4
fp_off_handler:
	csrr	s2, scause
	csrr	s3, sepc
	csrr	t0, sstatus
	li	t1, SSTATUS_FS
	and	s4, t0, t1
	REPORT	s2
	REPORT	s3
	REPORT	s4
	DONE
END fp_off

/*
 * fp_csr_off: the same with an access to fcsr, an FP CSR: an illegal
 * instruction for the guest's handler, not a CSR exit for the VMM.
 */
BEGIN fp_csr_off
	lla	t0, fp_csr_off_handler
	csrw	stvec, t0
	.globl	fp_csr_off_insn
fp_csr_off_insn:
	frcsr	t1
	FAIL	1

	.balign 4
fp_csr_off_handler:
	csrr	s2, scause
	csrr	s3, sepc
	csrr	t0, sstatus
	li	t1, SSTATUS_FS
	and	s4, t0, t1
	REPORT	s2
	REPORT	s3
	REPORT	s4
	DONE
END fp_csr_off

/*
 * one_reg: write stvec, sscratch, sepc, satp and sie, put a value in s2,
 * REPORT 0 and FAIL: the VMM reads them with GET_ONE_REG, writes
 * sscratch, sepc and s3 with SET_ONE_REG and the pc to one_reg_cont,
 * where sscratch, sepc and s3 are REPORTed; DONE.
 */
BEGIN one_reg
	lla	t0, one_reg_handler
	csrw	stvec, t0
	li	t0, ONE_REG_SSCRATCH
	csrw	sscratch, t0
	li	t0, ONE_REG_SEPC
	csrw	sepc, t0
	csrw	satp, zero
	li	t0, SIE_SSIE | SIE_SEIE
	csrs	sie, t0
	li	s2, ONE_REG_S2
	REPORT	zero
	.globl	one_reg_ret
one_reg_ret:
	FAIL	1

	.globl	one_reg_cont
one_reg_cont:
	csrr	t0, sscratch
	REPORT	t0
	csrr	t0, sepc
	REPORT	t0
	REPORT	s3
	DONE

	.balign 4
	.globl	one_reg_handler
one_reg_handler:
	FAIL	2
END one_reg
