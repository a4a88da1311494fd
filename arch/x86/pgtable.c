// SPDX-License-Identifier: GPL-2.0
/*
 * x86 page tables of the VMX backend, as pure functions (KUnit tests them
 * on UML): the EPT format for the core's stage-2 builder, and the
 * software walk of the guest's own tables.
 *
 * The 4-level EPT format (48-bit guest-physical addresses), Intel SDM
 * vol. 3, 29.3.2: an entry is present when any of R, W, X is set; table
 * entries grant everything (permissions of the levels are ANDed), leaves
 * (4 KiB pages, or 2 MiB pages with bit 7 at level 1: every CPU with
 * unrestricted guest has them, the probe checks) carry the region's
 * permissions and the write-back memory type with the
 * guest's PAT ignored, so guest RAM is always cacheable.
 */
#include <linux/errno.h>

#include "pgtable.h"

static u64 ept_make_table(phys_addr_t pa)
{
	return (pa & EPT_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

static u64 ept_make_leaf(phys_addr_t pa, unsigned int prot, unsigned int level)
{
	u64 e = (pa & EPT_ADDR_MASK) | EPT_MT_WB | EPT_IPAT;

	if (level)
		e |= EPT_PS;
	if (prot & AXVCPU_S2_R)
		e |= EPT_R;
	if (prot & AXVCPU_S2_W)
		e |= EPT_W;
	if (prot & AXVCPU_S2_X)
		e |= EPT_X;
	return e;
}

static bool ept_is_leaf(u64 e, unsigned int level)
{
	return e & EPT_PS;
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
	.block_levels		= 1,
	.make_table		= ept_make_table,
	.make_leaf		= ept_make_leaf,
	.is_leaf		= ept_is_leaf,
	.is_present		= ept_is_present,
	.entry_pa		= ept_entry_pa,
};
EXPORT_SYMBOL_IF_KUNIT(axvcpu_x86_ept4);

/**
 * axvcpu_x86_gva_to_gpa() - translate through the guest's page tables
 * @p: the guest's paging state.
 * @gva: guest linear address.
 * @read: reads the guest's paging-structure entries.
 * @ctx: for @read.
 * @gpa: out: the guest-physical address.
 *
 * A software walk for fetching the instruction that trapped: no paging,
 * 32-bit (2 levels of 4-byte entries), PAE (PDPTEs then 2 levels) or
 * 4-level, large pages included. Permissions are not checked: the
 * hardware already executed the access.
 *
 * Return: 0, or -EFAULT if an entry cannot be read or is not present.
 */
int axvcpu_x86_gva_to_gpa(const struct x86_paging *p, u64 gva,
			  x86_read_fn read, void *ctx, u64 *gpa)
{
	u64 table = p->cr3, e = 0;
	unsigned int levels = 2, esz = 8, bits = 9, shift, i;

	switch (p->mode) {
	case X86_PAGING_NONE:
		*gpa = p->lma ? gva : (u32)gva;
		return 0;
	case X86_PAGING_4LEVEL:
		levels = 4;
		break;
	case X86_PAGING_PAE:
		table = p->pdpte[(gva >> 30) & 3];
		if (!(table & 1))
			return -EFAULT;
		break;
	case X86_PAGING_32:
		esz = 4;
		bits = 10;
		break;
	}
	shift = 12 + bits * (levels - 1);
	for (i = 0; i < levels; i++, shift -= bits) {
		u64 idx = (gva >> shift) & ((1ULL << bits) - 1);

		e = 0;
		if (read(ctx, (table & GENMASK_ULL(51, 12)) + idx * esz, &e, esz) ||
		    !(e & 1))
			return -EFAULT;
		/* A large page (PS; never in a PML4E) ends the walk. */
		if (i < levels - 1 && !(levels == 4 && !i) && (e & BIT(7))) {
			if (esz == 4)	/* 4 MiB */
				*gpa = (e & GENMASK_ULL(31, 22)) |
				       (gva & GENMASK_ULL(21, 0));
			else		/* 2 MiB or 1 GiB */
				*gpa = (e & GENMASK_ULL(51, shift)) |
				       (gva & GENMASK_ULL(shift - 1, 0));
			return 0;
		}
		table = e;
	}
	*gpa = (e & GENMASK_ULL(51, 12)) | (gva & 0xfff);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_x86_gva_to_gpa);
