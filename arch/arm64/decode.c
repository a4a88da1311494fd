// SPDX-License-Identifier: GPL-2.0
/*
 * ESR_EL2 syndrome decoding, as pure functions (KUnit tests them on UML).
 * References: Arm ARM D24.2.43 (ESR_EL2), D24.2.78 (HPFAR_EL2).
 */
#include <linux/kernel.h>

#include "vhe.h"

/**
 * axvcpu_arm64_decode_dabt() - decode a data abort syndrome
 * @esr: ESR_EL2 of a data abort from a lower EL.
 * @d: out: the access; only @valid, @write and @s1ptw when ISV is 0.
 */
void axvcpu_arm64_decode_dabt(u64 esr, struct vhe_dabt *d)
{
	d->valid = esr & BIT(24);
	d->write = esr & BIT(6);
	d->s1ptw = esr & BIT(7);
	d->width = 1U << ((esr >> 22) & 3);
	d->sign = esr & BIT(21);
	d->reg = (esr >> 16) & 31;
	d->reg64 = esr & BIT(15);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_decode_dabt);

/**
 * axvcpu_arm64_decode_sysreg() - decode a trapped MSR or MRS
 * @esr: ESR_EL2 with EC 0x18.
 * @s: out: the register, Rt and the direction.
 */
void axvcpu_arm64_decode_sysreg(u64 esr, struct vhe_sysreg *s)
{
	u32 iss = esr & GENMASK(24, 0);

	s->reg = (iss >> 5) & 31;
	s->read = iss & 1;
	s->addr = iss & ~(GENMASK(9, 5) | BIT(0));
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_decode_sysreg);

/**
 * axvcpu_arm64_fault_ipa() - the IPA of a stage-2 fault
 * @hpfar: HPFAR_EL2: FIPA (IPA bits 51:12) in bits 43:4.
 * @far: FAR_EL2: the faulting virtual address (its page offset is the IPA's).
 *
 * Return: the intermediate physical address.
 */
u64 axvcpu_arm64_fault_ipa(u64 hpfar, u64 far)
{
	return ((hpfar & GENMASK_ULL(43, 4)) << 8) | (far & GENMASK_ULL(11, 0));
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_fault_ipa);

/**
 * axvcpu_arm64_sgi1r_base() - the first MPIDR an ICC_SGI1R_EL1 value names
 * @sgi1r: the value written (GICv3 spec 12.2.23).
 *
 * Return: the MPIDR of target list bit 0: Aff3.Aff2.Aff1 and the range
 * selector's Aff0 (RS * 16).
 */
u64 axvcpu_arm64_sgi1r_base(u64 sgi1r)
{
	return (((sgi1r >> 48) & 0xff) << 32) | (((sgi1r >> 32) & 0xff) << 16) |
	       (((sgi1r >> 16) & 0xff) << 8) | ((sgi1r >> 44) & 0xf) * 16;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_sgi1r_base);

/**
 * axvcpu_arm64_sgi1r_targets() - whether an ICC_SGI1R_EL1 list names @mpidr
 * @sgi1r: the value written; its IRM bit is the caller's to look at.
 * @mpidr: an affinity (MPIDR_EL1 bits).
 *
 * Return: true if @mpidr is in the target list.
 */
bool axvcpu_arm64_sgi1r_targets(u64 sgi1r, u64 mpidr)
{
	u64 base = axvcpu_arm64_sgi1r_base(sgi1r), n = (mpidr & 0xff) - (base & 0xff);

	return (mpidr & ~0xffULL) == (base & ~0xffULL) && n < 16 &&
	       (sgi1r & BIT_ULL(n));
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_sgi1r_targets);

/*
 * The ID registers a guest reads (HCR_EL2.TID3 traps them): Op0 3, Op1 0,
 * CRn 0, CRm 1..7, indexed (CRm - 1) * 8 + Op2. The ones the host kernel
 * keeps a sanitised value of (arch/arm64/kernel/cpufeature.c); the rest
 * of the space reads as zero, as unallocated ID registers do.
 */
#define ID(crm, op2)	(((crm) - 1) * 8 + (op2))

static const u8 id_known[] = {
	ID(1, 0), ID(1, 1), ID(1, 2), ID(1, 4), ID(1, 5), ID(1, 6), ID(1, 7),
	ID(2, 0), ID(2, 1), ID(2, 2), ID(2, 3), ID(2, 4), ID(2, 5), ID(2, 6),
	ID(2, 7), ID(3, 0), ID(3, 1), ID(3, 2), ID(3, 4), ID(3, 5), ID(3, 6),
	ID(4, 0), ID(4, 1), ID(4, 2), ID(4, 4), ID(4, 5), ID(4, 7),
	ID(5, 0), ID(5, 1), ID(6, 0), ID(6, 1), ID(6, 2), ID(6, 3),
	ID(7, 0), ID(7, 1), ID(7, 2), ID(7, 3), ID(7, 4),
};

#define FIELD(n)	(0xfULL << (4 * (n)))	/* the 4-bit field at bit 4n */

/**
 * axvcpu_arm64_id_reg() - which ID register a trapped read names
 * @addr: &struct vhe_sysreg.addr of the read.
 * @crm: out: its CRm (1..7).
 * @op2: out: its Op2.
 *
 * Return: true if @addr is in the ID register space TID3 traps.
 */
bool axvcpu_arm64_id_reg(u32 addr, unsigned int *crm, unsigned int *op2)
{
	*crm = (addr >> 1) & 0xf;
	*op2 = (addr >> 17) & 7;
	return ((addr >> 20) & 3) == 3 && !((addr >> 14) & 7) &&
	       !((addr >> 10) & 0xf) && *crm >= 1 && *crm <= 7;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_id_reg);

/**
 * axvcpu_arm64_id_known() - whether the host keeps a value of an ID register
 * @crm: CRm, 1..7.
 * @op2: Op2.
 *
 * Return: true if read_sanitised_ftr_reg() knows it; false for the
 * unallocated ones, which read as zero.
 */
bool axvcpu_arm64_id_known(unsigned int crm, unsigned int op2)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(id_known); i++)
		if (id_known[i] == ID(crm, op2))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_id_known);

/**
 * axvcpu_arm64_id_sanitise() - the guest's view of an ID register
 * @crm: CRm, 1..7.
 * @op2: Op2.
 * @val: the host's sanitised value.
 *
 * What the backend does not virtualise reads as absent, as KVM's
 * sys_regs.c limits its guests' ID registers: no EL2 or EL3, AArch64 only
 * at EL0 and EL1, no SVE, SME, MTE, RAS, MPAM, AMU, RME, NMI or GCS, no
 * pointer authentication (its instructions trap), no PMU, SPE, trace or
 * BRBE (their registers trap), no VHE or nested virtualization, no
 * LORegions. Everything the guest runs natively (the FP/SIMD, crypto and
 * atomic instructions, the stage-1 MMU features, BTI, SSBS, debug
 * breakpoints) keeps the host's value.
 *
 * Return: the value the guest reads.
 */
u64 axvcpu_arm64_id_sanitise(unsigned int crm, unsigned int op2, u64 val)
{
	switch (ID(crm, op2)) {
	case ID(4, 0):	/* ID_AA64PFR0_EL1: keep FP, AdvSIMD, GIC, CSV2, CSV3, DIT */
		val &= FIELD(4) | FIELD(5) | FIELD(6) | FIELD(12) | FIELD(14) |
		       FIELD(15);
		return val | 1ULL << 0 | 1ULL << 4;	/* EL0, EL1: AArch64 only */
	case ID(4, 1):	/* ID_AA64PFR1_EL1: keep BT, SSBS, CSV2_frac */
		return val & (FIELD(0) | FIELD(1) | FIELD(8));
	case ID(4, 2):	/* ID_AA64PFR2_EL1 (MTE extensions) */
	case ID(4, 4):	/* ID_AA64ZFR0_EL1 (SVE) */
	case ID(4, 5):	/* ID_AA64SMFR0_EL1 (SME) */
	case ID(4, 7):	/* ID_AA64FPFR0_EL1 (FP8, its register traps) */
	case ID(5, 1):	/* ID_AA64DFR1_EL1 */
	case ID(7, 4):	/* ID_AA64MMFR4_EL1: EL2 features */
		return 0;
	case ID(5, 0):	/* ID_AA64DFR0_EL1: keep DebugVer, BRPs, WRPs, CTX_CMPs, DoubleLock */
		return val & (FIELD(0) | FIELD(3) | FIELD(5) | FIELD(7) | FIELD(9));
	case ID(6, 1):	/* ID_AA64ISAR1_EL1: no APA, API, GPA, GPI */
		return val & ~(FIELD(1) | FIELD(2) | FIELD(6) | FIELD(7));
	case ID(6, 2):	/* ID_AA64ISAR2_EL1: no GPA3, APA3, PAC_frac */
		return val & ~(FIELD(2) | FIELD(3) | FIELD(6));
	case ID(7, 1):	/* ID_AA64MMFR1_EL1: no VH, no LO */
		return val & ~(FIELD(2) | FIELD(4));
	case ID(7, 2):	/* ID_AA64MMFR2_EL1: no NV */
		return val & ~FIELD(6);
	case ID(1, 2):	/* ID_DFR0_EL1: no CopTrc, MMapTrc, PerfMon, TraceFilt */
		return val & ~(FIELD(3) | FIELD(4) | FIELD(6) | FIELD(7));
	default:
		return val;
	}
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_id_sanitise);
