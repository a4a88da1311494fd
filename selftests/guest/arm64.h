/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conventions shared by the arm64 guest programs (guest/arm64.S) and the
 * VMM side of run_test (run_arm64.c and the library, lib/): the test
 * hypercall, the guest-physical layout, PSCI and the program symbols.
 */
#ifndef _AXVCPU_SELFTEST_GUEST_ARM64_H
#define _AXVCPU_SELFTEST_GUEST_ARM64_H

/* Constants usable from both C and the assembler. */
#ifdef __ASSEMBLER__
#define GUEST_UL(x)		x
#else
#define GUEST_UL(x)		x##UL
#endif

/*
 * Test hypercall: "hvc #fid" with x0 = "AXTN", which is no PSCI function,
 * so it is a HYPERCALL exit with nr = x0 and fid = the HVC immediate; x1
 * is the value (args[0]).
 */
#define TEST_EID		0x4158544E
#define TEST_FID_DONE		0	/* program finished */
#define TEST_FID_REPORT		1	/* x1 = a value for the VMM to check */
#define TEST_FID_FAIL		2	/* x1 = failure code, x2..x4 details */
#define TEST_FID_SYNC		3	/* the VMM runs another vCPU first */

/* Guest-physical layout. */
#define GUEST_RAM_BASE	GUEST_UL(0x40000000)	/* programs are copied here */
#define GUEST_RAM_SIZE	GUEST_UL(0x10000)
#define GUEST_DATA_OFF	GUEST_UL(0x8000)	/* scratch data in RAM */
#define GUEST_RO_BASE	GUEST_UL(0x40100000)	/* read-only region */
#define GUEST_MMIO_BASE	GUEST_UL(0x10000000)	/* no region: MMIO exits */
#define GUEST_UNMAPPED	GUEST_UL(0x50000000)	/* no region: fetch faults */
#define GUEST_BIG_BASE		GUEST_UL(0x60000000)	/* touch: 2 MiB aligned */

/* Programs start with x0 = cpu id and x1 = arg: gprs[1] is the argument. */
#define GUEST_ARG_REG		1

/* PSCI function ids (SMC32 and SMC64 conventions), results and version. */
#define PSCI_FN_VERSION		0x84000000
#define PSCI_FN_CPU_SUSPEND	0x84000001
#define PSCI_FN_CPU_OFF		0x84000002
#define PSCI_FN_CPU_ON		0x84000003
#define PSCI_FN_AFFINITY_INFO	0x84000004
#define PSCI_FN_MIGRATE_INFO_TYPE 0x84000006
#define PSCI_FN_SYSTEM_OFF	0x84000008
#define PSCI_FN_SYSTEM_RESET	0x84000009
#define PSCI_FN_FEATURES	0x8400000A
#define PSCI_FN_LAST32		0x8400001F
#define PSCI_FN64_CPU_SUSPEND	0xC4000001
#define PSCI_FN64_CPU_ON	0xC4000003
#define PSCI_FN64_AFFINITY_INFO	0xC4000004
#define PSCI_FN64_SYSTEM_RESET2	0xC4000012
#define PSCI_FN64_LAST		0xC400001F

#define PSCI_SUCCESS		0
#define PSCI_ERR_NOT_SUPPORTED	(-1)
#define PSCI_ERR_INVALID_PARAMS	(-2)
#define PSCI_ERR_ALREADY_ON	(-4)
#define PSCI_AFFINITY_ON	0
#define PSCI_AFFINITY_OFF	1
#define PSCI_VERSION_1_1	0x10001

/* MPIDR_EL1 affinity fields: Aff3 (39:32), Aff2, Aff1, Aff0 (23:0). */
#define MPIDR_AFF_MASK		GUEST_UL(0xff00ffffff)

/* The hypercall program's call, and the CPU_ON program's context id. */
#define HC_NR			GUEST_UL(0x12345678)
#define HC_FID_HVC		0x1234
#define HC_FID_SMC		0x4321
#define REGS_FID		0x77
#define CPU_ON_CONTEXT		GUEST_UL(0x0badcafe12345678)

/* What npf_resume reports once the VMM resumed it past its fault. */
#define NPF_RESUME_MARK		GUEST_UL(0x6e7066726573756d)

/* undef_off's operands of pacia and xpaci: a pointer and a modifier. */
#define PAUTH_POINTER		GUEST_UL(0x40001230)
#define PAUTH_MODIFIER		GUEST_UL(0x1234)

/* The EL1 virtual timer's PPI. */
#define INTID_VTIMER		27

/* FAIL code of an exception at an unexpected vector: + the vector's index. */
#define FAIL_VECTOR		0xe000

/* ESR_ELx: exception class, IL, and the data abort ISV and WnR bits. */
#define ESR_EC_SHIFT		26
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_SVE		0x19	/* SVE access trap */
#define ESR_EC_SME		0x1d	/* SME access trap */
#define ESR_EC_DABT_LOW		0x24
#define ESR_IL			(GUEST_UL(1) << 25)
#define ESR_ISV			(GUEST_UL(1) << 24)
#define ESR_WNR			(GUEST_UL(1) << 6)

/* PSTATE: the mode field (M[3:0], M[4] for AArch32), DAIF and NZCV. */
#define PSTATE_MODE_EL0T	0x0
#define PSTATE_MODE_EL1T	0x4
#define PSTATE_MODE_EL1H	0x5
#define PSTATE_MODE_EL2T	0x8
#define PSTATE_MODE_EL2H	0x9
#define PSTATE_AARCH32		0x10
#define PSTATE_DAIF		0x3c0
#define PSTATE_NZCV_SHIFT	28
#define PSTATE_BTYPE		0xc00
/*
 * The other bits SET_REGS takes: NZCV, TCO, DIT, UAO, PAN, SS, IL,
 * ALLINT, SSBS, BTYPE and DAIF.
 */
#define PSTATE_SETTABLE		GUEST_UL(0xf3f03fc0)

/* FPCR of the fpsimd program: round toward zero (RMode = 3), flush to zero. */
#define FPSIMD_FPCR		GUEST_UL(0x01c00000)

#ifndef __ASSEMBLER__
/* Each program runs from <name>_begin to <name>_end, entered at _begin. */
#define GUEST_PROGRAM(name) \
	extern const char name##_begin[], name##_end[]

GUEST_PROGRAM(hypercall);
GUEST_PROGRAM(read_data);
GUEST_PROGRAM(touch);
GUEST_PROGRAM(psci_table);
GUEST_PROGRAM(psci_call);
GUEST_PROGRAM(psci_cpu_on);
GUEST_PROGRAM(psci_cpu_off);
GUEST_PROGRAM(mmio_read);
GUEST_PROGRAM(mmio_write);
GUEST_PROGRAM(mmio_nosyn);
GUEST_PROGRAM(npf_ro);
GUEST_PROGRAM(npf_jump);
GUEST_PROGRAM(npf_resume);
GUEST_PROGRAM(wfi);
GUEST_PROGRAM(sysreg);
GUEST_PROGRAM(sgi);
GUEST_PROGRAM(irq);
GUEST_PROGRAM(vtimer);
GUEST_PROGRAM(undef);
GUEST_PROGRAM(undef_off);
GUEST_PROGRAM(fpsimd);
GUEST_PROGRAM(init_state);
GUEST_PROGRAM(regs);
GUEST_PROGRAM(spin);
GUEST_PROGRAM(count_mmio);
GUEST_PROGRAM(count_regs);
GUEST_PROGRAM(irq_level);
GUEST_PROGRAM(counter);
GUEST_PROGRAM(id_regs);

/* Labels inside programs, for checking pcs and entry points. */
extern const char hypercall_hvc_ret[];	/* right after the hvc */
extern const char hypercall_smc[];	/* entry of the smc variant */
extern const char hypercall_smc_ret[];	/* right after the smc */
extern const char psci_call_smc[];	/* entry of the smc variant */
extern const char psci_cpu_on_secondary[];	/* CPU_ON entry point */
extern const char psci_cpu_off_secondary[];	/* vCPU 1's entry */
extern const char mmio_read_next[];	/* right after the first load */
extern const char mmio_nosyn_ldp[];	/* the three accesses without */
extern const char mmio_nosyn_post[];	/* a syndrome */
extern const char mmio_nosyn_stp[];
extern const char npf_resume_cont[];	/* where the VMM resumes it */
extern const char wfi_ret[];		/* right after the wfi */
extern const char undef_udf[];		/* the five instructions that */
extern const char undef_sve[];		/* must raise UNDEF */
extern const char undef_sme[];
extern const char undef_pauth[];
extern const char undef_erridr[];
extern const char undef_off_pacia[];	/* undef_off's instructions */
extern const char undef_off_xpaci[];
extern const char undef_off_pacga[];
extern const char undef_off_sve[];
extern const char undef_off_sme[];
extern const char init_state_entry[];	/* not at _begin */
extern const char regs_exit1[];		/* right after the two hvcs */
extern const char regs_exit2[];
#endif

#endif /* _AXVCPU_SELFTEST_GUEST_ARM64_H */
