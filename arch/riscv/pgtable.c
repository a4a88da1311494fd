// SPDX-License-Identifier: GPL-2.0
/*
 * riscv page tables, as pure functions (KUnit tests them on UML): the
 * Sv39x4 G-stage format for the core's stage-2 builder, and the software
 * walk of the guest's own (VS-stage) tables.
 *
 * Sv39x4 (RISC-V privileged spec, "Two-Stage Address Translation"): Sv39
 * entries with a 2-bit wider, 16 KiB root.
 * G-stage leaves must have U set: the hardware checks guest accesses as
 * U-mode accesses. A and D are set up front, so no hardware A/D update is
 * needed.
 */
#include <linux/bits.h>
#include <linux/errno.h>

#include "rvh.h"

static u64 sv39x4_make_table(phys_addr_t pa)
{
	return ((pa >> 12) << RVH_PTE_PPN_SHIFT) | RVH_PTE_V;
}

static u64 sv39x4_make_leaf(phys_addr_t pa, unsigned int prot,
			    unsigned int level)
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

/* A leaf at any level has R, W or X; a pointer to a table has none. */
static bool sv39x4_is_leaf(u64 e, unsigned int level)
{
	return e & (RVH_PTE_R | RVH_PTE_W | RVH_PTE_X);
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
	.block_levels		= 1,
	.make_table		= sv39x4_make_table,
	.make_leaf		= sv39x4_make_leaf,
	.is_leaf		= sv39x4_is_leaf,
	.is_present		= sv39x4_is_present,
	.entry_pa		= sv39x4_entry_pa,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_riscv_sv39x4);

/**
 * axvcpu_riscv_gva_to_gpa() - translate through the guest's page tables
 * @vsatp: the guest's satp (vsatp): Bare, Sv39, Sv48 or Sv57.
 * @gva: guest-virtual address.
 * @read: reads the guest's page-table entries.
 * @ctx: for @read.
 * @gpa: out: the guest-physical address.
 *
 * A software walk for fetching the instruction that trapped. Permissions
 * are not checked: the hardware already executed the access.
 *
 * Return: 0, -EFAULT if @read fails, or -EINVAL for an invalid walk.
 */
int axvcpu_riscv_gva_to_gpa(u64 vsatp, u64 gva, rvh_read_fn read, void *ctx,
			    u64 *gpa)
{
	unsigned int mode = vsatp >> 60, levels, level;
	u64 table = (vsatp & GENMASK_ULL(43, 0)) << 12, pte;

	switch (mode) {
	case 0:
		*gpa = gva;
		return 0;
	case 8:
		levels = 3;
		break;
	case 9:
		levels = 4;
		break;
	case 10:
		levels = 5;
		break;
	default:
		return -EINVAL;
	}

	for (level = levels - 1; ; level--) {
		unsigned int shift = 12 + 9 * level;
		u64 idx = (gva >> shift) & 511;

		if (read(ctx, table + idx * 8, &pte))
			return -EFAULT;
		if (!(pte & RVH_PTE_V) || (!(pte & RVH_PTE_R) && (pte & RVH_PTE_W)))
			return -EINVAL;
		table = ((pte & RVH_PTE_PPN_MASK) >> RVH_PTE_PPN_SHIFT) << 12;
		if (pte & (RVH_PTE_R | RVH_PTE_X)) {	/* a leaf, maybe a superpage */
			*gpa = (table & ~GENMASK_ULL(shift - 1, 0)) |
			       (gva & GENMASK_ULL(shift - 1, 0));
			return 0;
		}
		if (!level)
			return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_riscv_gva_to_gpa);
