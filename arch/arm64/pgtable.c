// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 page tables, as pure functions (KUnit tests them on UML): the
 * stage-2 descriptor format for the core's stage-2 builder (Arm ARM D8.3,
 * translation table descriptors). The guest's own (stage-1) tables are
 * never walked in software: a stage-2 abort's syndrome describes the
 * access (decode.c).
 */
#include "vhe.h"

static u64 s2_make_table(phys_addr_t pa)
{
	return (pa & VHE_S2_ADDR_MASK) | VHE_S2_TABLE | VHE_S2_VALID;
}

/* A page (level 0) has bit 1 set like a table; a block has it clear. */
static u64 s2_make_leaf(phys_addr_t pa, unsigned int prot, unsigned int level)
{
	u64 e = (pa & VHE_S2_ADDR_MASK) | VHE_S2_VALID |
		VHE_S2_MEMATTR_NORMAL | VHE_S2_SH_INNER | VHE_S2_AF;

	if (!level)
		e |= VHE_S2_TABLE;
	if (prot & AXVCPU_S2_R)
		e |= VHE_S2_S2AP_R;
	if (prot & AXVCPU_S2_W)
		e |= VHE_S2_S2AP_W;
	if (!(prot & AXVCPU_S2_X))
		e |= VHE_S2_XN;
	return e;
}

static bool s2_is_leaf(u64 e, unsigned int level)
{
	return !(e & VHE_S2_TABLE);
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
	.block_levels		= 1,
	.make_table		= s2_make_table,
	.make_leaf		= s2_make_leaf,
	.is_leaf		= s2_is_leaf,
	.is_present		= s2_is_present,
	.entry_pa		= s2_entry_pa,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_arm64_s2_4k);
