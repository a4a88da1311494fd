// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 stage-2 descriptor format and ESR_EL2 syndrome decoding, as
 * pure functions (KUnit tests them on UML). References: Arm ARM D8.3
 * (translation table descriptors), D24.2.43 (ESR_EL2), D24.2.78 (HPFAR_EL2).
 */
#include "vhe.h"

static u64 s2_make_table(phys_addr_t pa)
{
	return (pa & VHE_S2_ADDR_MASK) | VHE_S2_TABLE | VHE_S2_VALID;
}

static u64 s2_make_leaf(phys_addr_t pa, unsigned int prot)
{
	u64 e = (pa & VHE_S2_ADDR_MASK) | VHE_S2_TABLE | VHE_S2_VALID |
		VHE_S2_MEMATTR_NORMAL | VHE_S2_SH_INNER | VHE_S2_AF;

	if (prot & AXVCPU_S2_R)
		e |= VHE_S2_S2AP_R;
	if (prot & AXVCPU_S2_W)
		e |= VHE_S2_S2AP_W;
	if (!(prot & AXVCPU_S2_X))
		e |= VHE_S2_XN;
	return e;
}

static bool s2_is_present(u64 e)
{
	return e & VHE_S2_VALID;
}

static phys_addr_t s2_entry_pa(u64 e)
{
	return e & VHE_S2_ADDR_MASK;
}

const struct axvcpu_s2_format axvcpu_arm64_s2_4k = {
	.name			= "4K granule, 40-bit IPA",
	.levels			= 3,
	.root_extra_bits	= 1,
	.make_table		= s2_make_table,
	.make_leaf		= s2_make_leaf,
	.is_present		= s2_is_present,
	.entry_pa		= s2_entry_pa,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_s2_4k);

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
