/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conventions shared by the riscv64 guest programs (guest/riscv64.S) and
 * the VMM side of run_test (run_riscv64.c and the library, lib/): the
 * test hypercall, the guest-physical layout and the program symbols.
 */
#ifndef _AXVCPU_SELFTEST_GUEST_RISCV64_H
#define _AXVCPU_SELFTEST_GUEST_RISCV64_H

/* Constants usable from both C and the assembler. */
#ifdef __ASSEMBLER__
#define _UL(x)			x
#else
#define _UL(x)			x##UL
#endif

/*
 * Test hypercall: "AXTN". Not an SBI extension the module knows, so every
 * ecall with it is a HYPERCALL exit. a6 is the function, a0 the value.
 */
#define TEST_EID		0x4158544E
#define TEST_FID_DONE		0	/* program finished */
#define TEST_FID_REPORT		1	/* a0 = a value for the VMM to check */
#define TEST_FID_FAIL		2	/* a0 = guest-detected failure code */

/* SBI extensions and their functions used by the programs. */
#define SBI_EXT_LEGACY_PUTCHAR	0x01
#define SBI_EXT_LEGACY_GETCHAR	0x02
#define SBI_EXT_LEGACY_SHUTDOWN	0x08
#define SBI_EXT_BASE		0x10
#define SBI_EXT_TIME		0x54494D45
#define SBI_EXT_IPI		0x735049
#define SBI_EXT_RFENCE		0x52464E43
#define SBI_EXT_HSM		0x48534D
#define SBI_EXT_SRST		0x53525354
#define SBI_EXT_PMU		0x504D55
#define SBI_EXT_DBCN		0x4442434E

#define SBI_HSM_HART_START	0
#define SBI_HSM_HART_STOP	1
#define SBI_HSM_HART_STATUS	2
#define SBI_HSM_HART_SUSPEND	3

#define SBI_HSM_STARTED		0
#define SBI_HSM_STOPPED		1
#define SBI_HSM_START_PENDING	2

#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_INVALID_PARAM	(-3)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* Guest-physical layout. */
#define GUEST_RAM_BASE		_UL(0x80000000)	/* programs are copied here */
#define GUEST_RAM_SIZE		_UL(0x10000)
#define GUEST_DATA_OFF		_UL(0x8000)	/* scratch results in RAM */
#define GUEST_RO_BASE		_UL(0x80100000)	/* read-only region */
#define GUEST_MMIO_BASE		_UL(0x10000000)	/* no region: MMIO exits */
#define GUEST_UNMAPPED		_UL(0x90000000)	/* no region: fetch faults */
#define GUEST_BIG_BASE		_UL(0xc0000000)	/* touch: 2 MiB aligned */

/* walk_out: its root page table in RAM, and the address it loads from. */
#define WALK_ROOT_OFF		_UL(0x9000)
#define WALK_VA			_UL(0xc0000000)

/*
 * Guest paging (Sv39) for rfence_tlb and hsm_restart, built by the VMM
 * (run_riscv64.c): the root maps RAM's gigapage 1:1 and PT_VA, through a
 * level-1 and a level-0 table, to page A or page B; each holds its own
 * value in every word.
 */
#define PT_ROOT_OFF		_UL(0x9000)
#define PT_L1_OFF		_UL(0xa000)
#define PT_L0_OFF		_UL(0xb000)
#define PT_PAGE_A_OFF		_UL(0xc000)
#define PT_PAGE_B_OFF		_UL(0xd000)
#define PT_VA			_UL(0xc0000000)
#define PT_SATP			((_UL(8) << 60) | \
				 ((GUEST_RAM_BASE + PT_ROOT_OFF) >> 12))
#define PTE_VRWXAD		_UL(0xcf)	/* V R W X A D: a leaf */
#define PTE_VRWAD		_UL(0xc7)	/* V R W A D: a data leaf */
#define PTE_TABLE		_UL(0x01)	/* V: the next level */
#define PTE_TO(gpa, bits)	((((gpa) >> 12) << 10) | (bits))
#define PAGE_A_VALUE		_UL(0xaaaa0000aaaa0001)
#define PAGE_B_VALUE		_UL(0xbbbb0000bbbb0002)

/* mmio_alias: RAM's gigapage seen a second time at this address as well. */
#define ALIAS_VA		_UL(0x100000000)

/*
 * rfence_tlb: the scratch words (GUEST_DATA_OFF + offset) of the two
 * harts, and how many rounds they play.
 */
#define RF_READY		0	/* hart 1: round it read PT_VA in */
#define RF_GO			8	/* hart 0: round whose PTE is changed */
#define RF_TICK			16	/* hart 1: its reads so far */
#define RF_RESULT		64	/* + 8 * round: what hart 1 read then */
#define RF_ROUNDS		256

/* halt_wait and kipi: the word the waiting hart sets before its WFI loop. */
#define HALT_READY		0

/* halt_wait's argument: the sie bits, and the timer's delay in ticks << 16. */
#define HALT_TICKS_SHIFT	16

/* Programs start with a0 = hartid and a1 = arg: gprs[11] is the argument. */
#define GUEST_ARG_REG		11

#define HSM_OPAQUE		_UL(0x0badcafe12345678)
#define HSM_OPAQUE2		_UL(0x5a5a00005a5a0002)
#define CSR_CUSTOM		0x5c0		/* an S-mode custom CSR */
#define CSR_CUSTOM2		0x5c1

#define SCAUSE_INTERRUPT	(_UL(1) << 63)
#define SCAUSE_ILLEGAL_INSN	2

#define SIE_SSIE		0x2
#define SIE_STIE		0x20
#define SIE_SEIE		0x200
#define SSTATUS_SIE		0x2
#define SSTATUS_SPIE		0x20
#define SSTATUS_FS		0x6000		/* 3: dirty */
#define SSTATUS_FS_INITIAL	0x2000
#define SSTATUS_VS		0x0600		/* 3: dirty */
#define SSTATUS_VS_INITIAL	0x0200
/* vec: v0 .. v31 get V_SEED + n * FP_STEP in every 64-bit element. */
#define V_SEED			_UL(0x5a5a0123456789a0)
#define V_VTYPE			0xd8		/* e64, m1, ta, ma */
#define SIP_SSIP		0x2

#define CSR_STIMECMP		0x14d

/* one_reg: what it writes in sscratch, sepc and s2. */
#define ONE_REG_SSCRATCH	_UL(0x5ca7c4)
#define ONE_REG_SEPC		(GUEST_RAM_BASE + 0x1234)
#define ONE_REG_S2		_UL(0x1122334455667788)

/* fp: f0 .. f31 get FP_SEED + n * FP_STEP, fcsr FP_FCSR (frm 2, flags 5). */
#define FP_SEED			_UL(0x3ff0123456789ab0)
#define FP_STEP			_UL(0x0000010101010101)
#define FP_FCSR			0x45

#ifndef __ASSEMBLER__
/* Each program runs from <name>_begin to <name>_end, entered at _begin. */
#define GUEST_PROGRAM(name) \
	extern const char name##_begin[], name##_end[]

GUEST_PROGRAM(hypercall);
GUEST_PROGRAM(read_data);
GUEST_PROGRAM(touch);
GUEST_PROGRAM(sbi_base);
GUEST_PROGRAM(mmio_read);
GUEST_PROGRAM(mmio_write);
GUEST_PROGRAM(mmio_compressed);
GUEST_PROGRAM(mmio_alias);
GUEST_PROGRAM(npf_ro);
GUEST_PROGRAM(npf_jump);
GUEST_PROGRAM(wfi);
GUEST_PROGRAM(csr);
GUEST_PROGRAM(hsm);
GUEST_PROGRAM(hsm_stop);
GUEST_PROGRAM(srst);
GUEST_PROGRAM(legacy_shutdown);
GUEST_PROGRAM(ipi);
GUEST_PROGRAM(timer);
GUEST_PROGRAM(irq);
GUEST_PROGRAM(spin);
GUEST_PROGRAM(illegal);
GUEST_PROGRAM(count_mmio);
GUEST_PROGRAM(count_regs);
GUEST_PROGRAM(irq_count);
GUEST_PROGRAM(walk_out);
GUEST_PROGRAM(h_insns);
GUEST_PROGRAM(counters);
GUEST_PROGRAM(start_state);
GUEST_PROGRAM(timer_clear);
GUEST_PROGRAM(halt_wait);
GUEST_PROGRAM(irq_level);
GUEST_PROGRAM(kipi);
GUEST_PROGRAM(rfence);
GUEST_PROGRAM(rfence_tlb);
GUEST_PROGRAM(dbcn);
GUEST_PROGRAM(hsm_restart);
GUEST_PROGRAM(fp);
GUEST_PROGRAM(fp_off);
GUEST_PROGRAM(fp_csr_off);
GUEST_PROGRAM(vec);
GUEST_PROGRAM(one_reg);

/* Labels inside programs, for checking pcs and entry points. */
extern const char hypercall_ret[];	/* right after the ecall */
extern const char wfi_ret[];		/* right after the wfi */
extern const char hsm_secondary[];	/* hart_start entry of hart 1 */
extern const char illegal_insn[];	/* the illegal instruction */
extern const char mmio_read_next[];	/* after mmio_read's first load */
extern const char dbcn_ret[];		/* after the console_write ecall */
extern const char dbcn_msg[];		/* the bytes it writes */
extern const char hsm_restart_first[];	/* hart 1's first start */
extern const char hsm_restart_again[];	/* hart 1's restart */
extern const char hsm_restart_suspend_ret[]; /* after hart_suspend(0) */
extern const char fp_off_insn[];	/* the FP instruction with FS off */
extern const char fp_csr_off_insn[];	/* the fcsr access with FS off */
extern const char one_reg_ret[];	/* after its first REPORT */
extern const char one_reg_handler[];	/* its stvec */
extern const char one_reg_cont[];	/* where the VMM sends it */
#endif

#endif /* _AXVCPU_SELFTEST_GUEST_RISCV64_H */
