// SPDX-License-Identifier: GPL-2.0
/*
 * The Sv39x4 G-stage page-table format (RISC-V privileged spec, "Two-Stage
 * Address Translation"): Sv39 entries with a 2-bit wider, 16 KiB root.
 * G-stage leaves must have U set: the hardware checks guest accesses as
 * U-mode accesses. A and D are set up front, so no hardware A/D update is
 * needed.
 */
#include "rvh.h"

static u64 sv39x4_make_table(phys_addr_t pa)
{
	return ((pa >> 12) << RVH_PTE_PPN_SHIFT) | RVH_PTE_V;
}

static u64 sv39x4_make_leaf(phys_addr_t pa, unsigned int prot)
{
	u64 e = ((pa >> 12) << RVH_PTE_PPN_SHIFT) | RVH_PTE_V | RVH_PTE_U |
		RVH_PTE_A | RVH_PTE_D;

	if (prot & AXVCPU_S2_R)
		e |= RVH_PTE_R;
	if (prot & AXVCPU_S2_W)
		e |= RVH_PTE_W;
	if (prot & AXVCPU_S2_X)
		e |= RVH_PTE_X;
	return e;
}

static bool sv39x4_is_present(u64 e)
{
	return e & RVH_PTE_V;
}

static phys_addr_t sv39x4_entry_pa(u64 e)
{
	return ((e & RVH_PTE_PPN_MASK) >> RVH_PTE_PPN_SHIFT) << 12;
}

const struct axvcpu_s2_format axvcpu_riscv_sv39x4 = {
	.name			= "Sv39x4",
	.levels			= 3,
	.root_extra_bits	= 2,
	.make_table		= sv39x4_make_table,
	.make_leaf		= sv39x4_make_leaf,
	.is_present		= sv39x4_is_present,
	.entry_pa		= sv39x4_entry_pa,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_riscv_sv39x4);
