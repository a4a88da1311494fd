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

#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* Guest-physical layout. */
#define GUEST_RAM_BASE		_UL(0x80000000)	/* programs are copied here */
#define GUEST_RAM_SIZE		_UL(0x10000)
#define GUEST_DATA_OFF		_UL(0x8000)	/* scratch results in RAM */
#define GUEST_RO_BASE		_UL(0x80100000)	/* read-only region */
#define GUEST_MMIO_BASE		_UL(0x10000000)	/* no region: MMIO exits */
#define GUEST_UNMAPPED		_UL(0x90000000)	/* no region: fetch faults */

/* walk_out: its root page table in RAM, and the address it loads from. */
#define WALK_ROOT_OFF		_UL(0x9000)
#define WALK_VA			_UL(0xc0000000)

/* Programs start with a0 = hartid and a1 = arg: gprs[11] is the argument. */
#define GUEST_ARG_REG		11

#define HSM_OPAQUE		_UL(0x0badcafe12345678)
#define CSR_CUSTOM		0x5c0		/* an S-mode custom CSR */
#define CSR_CUSTOM2		0x5c1

#define SCAUSE_INTERRUPT	(_UL(1) << 63)
#define SCAUSE_ILLEGAL_INSN	2

#ifndef __ASSEMBLER__
/* Each program runs from <name>_begin to <name>_end, entered at _begin. */
#define GUEST_PROGRAM(name) \
	extern const char name##_begin[], name##_end[]

GUEST_PROGRAM(hypercall);
GUEST_PROGRAM(sbi_base);
GUEST_PROGRAM(mmio_read);
GUEST_PROGRAM(mmio_write);
GUEST_PROGRAM(mmio_compressed);
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
GUEST_PROGRAM(start_state);
GUEST_PROGRAM(timer_clear);

/* Labels inside programs, for checking pcs and entry points. */
extern const char hypercall_ret[];	/* right after the ecall */
extern const char wfi_ret[];		/* right after the wfi */
extern const char hsm_secondary[];	/* hart_start entry of hart 1 */
extern const char illegal_insn[];	/* the illegal instruction */
extern const char mmio_read_next[];	/* after mmio_read's first load */
#endif

#endif /* _AXVCPU_SELFTEST_GUEST_RISCV64_H */
