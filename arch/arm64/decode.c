// SPDX-License-Identifier: GPL-2.0
/*
 * ESR_EL2 syndrome decoding, as pure functions (KUnit tests them on UML).
 * References: Arm ARM D24.2.43 (ESR_EL2), D24.2.78 (HPFAR_EL2).
 */
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
