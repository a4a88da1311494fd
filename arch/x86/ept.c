// SPDX-License-Identifier: GPL-2.0
/*
 * The 4-level EPT format (48-bit guest-physical addresses) for the generic
 * stage-2 builder. Intel SDM vol. 3, 29.3.2: an entry is present when any
 * of R, W, X is set; table entries grant everything (permissions of the
 * levels are ANDed), leaves carry the region's permissions and the
 * write-back memory type with the guest's PAT ignored, so guest RAM is
 * always cacheable.
 */
#include "ept.h"

static u64 ept_make_table(phys_addr_t pa)
{
	return (pa & EPT_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

static u64 ept_make_leaf(phys_addr_t pa, unsigned int prot)
{
	u64 e = (pa & EPT_ADDR_MASK) | EPT_MT_WB | EPT_IPAT;

	if (prot & AXVCPU_S2_R)
		e |= EPT_R;
	if (prot & AXVCPU_S2_W)
		e |= EPT_W;
	if (prot & AXVCPU_S2_X)
		e |= EPT_X;
	return e;
}

static bool ept_is_present(u64 e)
{
	return e & (EPT_R | EPT_W | EPT_X);
}

static phys_addr_t ept_entry_pa(u64 e)
{
	return e & EPT_ADDR_MASK;
}

const struct axvcpu_s2_format axvcpu_x86_ept4 = {
	.name			= "4-level EPT",
	.levels			= 4,
	.root_extra_bits	= 0,
	.make_table		= ept_make_table,
	.make_leaf		= ept_make_leaf,
	.is_present		= ept_is_present,
	.entry_pa		= ept_entry_pa,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_x86_ept4);
