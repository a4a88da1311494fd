// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 page tables, built generically from an arch format description
 * (struct axvcpu_s2_format): riscv G-stage, arm64 stage 2 and x86 EPT are
 * all radix trees of 512-entry tables with an optionally wider root.
 *
 * Only 4 KiB leaves are built. Tables are never freed before the VM is:
 * the hardware may be walking them, and a VM's tables are small.
 * Entries are written with WRITE_ONCE so a concurrent walk sees either the
 * old or the new entry; callers flush the TLB after removing entries.
 */
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>

#include "axvcpu.h"

#define S2_PAGE_SHIFT	12
#define S2_LEVEL_BITS	9

/**
 * axvcpu_s2_phys_bits() - guest-physical address bits a format covers
 * @fmt: the format.
 *
 * Return: 12 + 9 * levels + root extra bits.
 */
unsigned int axvcpu_s2_phys_bits(const struct axvcpu_s2_format *fmt)
{
	return S2_PAGE_SHIFT + S2_LEVEL_BITS * fmt->levels + fmt->root_extra_bits;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_phys_bits);

/* Index of @gpa in a table at @level (0 = leaf level). */
static unsigned int s2_index(const struct axvcpu_s2_format *fmt, u64 gpa,
			     unsigned int level)
{
	unsigned int bits = S2_LEVEL_BITS;

	if (level == fmt->levels - 1)
		bits += fmt->root_extra_bits;
	return (gpa >> (S2_PAGE_SHIFT + S2_LEVEL_BITS * level)) & GENMASK(bits - 1, 0);
}

/**
 * axvcpu_s2_init() - allocate an empty root table
 * @s2: the tables.
 * @fmt: their format.
 * @hal: where table pages come from.
 *
 * Return: 0 or -ENOMEM.
 */
int axvcpu_s2_init(struct axvcpu_stage2 *s2, const struct axvcpu_s2_format *fmt,
		   const struct axvcpu_hal *hal)
{
	s2->fmt = fmt;
	s2->hal = hal;
	s2->root = hal->alloc_frames(fmt->root_extra_bits);
	if (!s2->root)
		return -ENOMEM;
	s2->tables = 1;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_init);

static void free_table(struct axvcpu_stage2 *s2, phys_addr_t pa,
		       unsigned int level)
{
	unsigned int i, n = 1U << S2_LEVEL_BITS;
	u64 *t = s2->hal->phys_to_virt(pa);
	unsigned int order = 0;

	if (level == s2->fmt->levels - 1) {
		order = s2->fmt->root_extra_bits;
		n <<= order;
	}
	if (level > 0) {
		for (i = 0; i < n; i++)
			if (s2->fmt->is_present(t[i]))
				free_table(s2, s2->fmt->entry_pa(t[i]), level - 1);
	}
	s2->hal->dealloc_frames(pa, order);
	s2->tables--;
}

/**
 * axvcpu_s2_destroy() - free every table
 * @s2: tables that no CPU can walk any more.
 */
void axvcpu_s2_destroy(struct axvcpu_stage2 *s2)
{
	if (s2->root)
		free_table(s2, s2->root, s2->fmt->levels - 1);
	s2->root = 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_destroy);

/*
 * Walk to the leaf entry of @gpa, allocating missing tables if @alloc.
 * Returns NULL if a table is missing (and not allocated) or on -ENOMEM.
 */
static u64 *walk(struct axvcpu_stage2 *s2, u64 gpa, bool alloc)
{
	const struct axvcpu_s2_format *fmt = s2->fmt;
	u64 *t = s2->hal->phys_to_virt(s2->root);
	unsigned int level;

	for (level = fmt->levels - 1; level > 0; level--) {
		u64 *e = &t[s2_index(fmt, gpa, level)];
		phys_addr_t next;

		if (!fmt->is_present(READ_ONCE(*e))) {
			if (!alloc)
				return NULL;
			next = s2->hal->alloc_frames(0);
			if (!next)
				return NULL;
			s2->tables++;
			WRITE_ONCE(*e, fmt->make_table(next));
		}
		t = s2->hal->phys_to_virt(fmt->entry_pa(READ_ONCE(*e)));
	}
	return &t[s2_index(fmt, gpa, 0)];
}

/**
 * axvcpu_s2_map() - map one 4 KiB guest page
 * @s2: the tables.
 * @gpa: page-aligned guest-physical address within the format's range.
 * @pa: page-aligned host-physical address.
 * @prot: AXVCPU_S2_* permissions.
 *
 * Replaces any previous mapping of @gpa.
 *
 * Return: 0, -EINVAL for an address out of range, or -ENOMEM.
 */
int axvcpu_s2_map(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t pa,
		  unsigned int prot)
{
	u64 *e;

	if (gpa >> axvcpu_s2_phys_bits(s2->fmt) || (gpa | pa) & 0xfff)
		return -EINVAL;
	e = walk(s2, gpa, true);
	if (!e)
		return -ENOMEM;
	WRITE_ONCE(*e, s2->fmt->make_leaf(pa, prot));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_map);

/**
 * axvcpu_s2_unmap() - remove the mapping of one guest page
 * @s2: the tables.
 * @gpa: guest-physical address.
 *
 * Return: whether a mapping was removed (then the caller flushes).
 */
bool axvcpu_s2_unmap(struct axvcpu_stage2 *s2, u64 gpa)
{
	u64 *e;

	if (gpa >> axvcpu_s2_phys_bits(s2->fmt))
		return false;
	e = walk(s2, gpa, false);
	if (!e || !s2->fmt->is_present(READ_ONCE(*e)))
		return false;
	WRITE_ONCE(*e, 0);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_unmap);

/**
 * axvcpu_s2_lookup() - the leaf entry mapping a guest address
 * @s2: the tables.
 * @gpa: guest-physical address.
 * @entry: out: the entry.
 *
 * Return: whether @gpa is mapped.
 */
bool axvcpu_s2_lookup(struct axvcpu_stage2 *s2, u64 gpa, u64 *entry)
{
	u64 *e;

	if (gpa >> axvcpu_s2_phys_bits(s2->fmt))
		return false;
	e = walk(s2, gpa, false);
	if (!e || !s2->fmt->is_present(READ_ONCE(*e)))
		return false;
	*entry = READ_ONCE(*e);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_lookup);
