// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-2 page tables, built generically from an arch format description
 * (struct axvcpu_s2_format): riscv G-stage, arm64 stage 2 and x86 EPT are
 * all radix trees of 512-entry tables with an optionally wider root.
 *
 * Leaves are 4 KiB pages (level 0) or, where the format has them, 2 MiB
 * blocks (level 1). A table is freed only after the flush that follows
 * its unlinking (axvcpu_s2_prune_range()): the hardware may be walking it
 * until then. Entries are written with WRITE_ONCE so a concurrent walk
 * sees either the old or the new entry, and an entry that points to a new
 * table with release semantics, so that a walker that sees it sees the
 * table's zeroed entries too (as KVM's kvm_set_table_pte() does on
 * arm64); callers serialise changes (the VM's mmu_lock) and flush the TLB
 * after removing or changing present entries.
 *
 * A caller that must not allocate while it holds its lock (the fault path:
 * reclaim may call back into the VM's MMU notifier, which takes that lock)
 * fills a struct axvcpu_s2_cache before and maps from it.
 */
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <asm/barrier.h>

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

/* Bytes one entry at @level spans. */
static u64 level_size(unsigned int level)
{
	return 1ULL << (S2_PAGE_SHIFT + S2_LEVEL_BITS * level);
}

/* Whether the present entry @e at @level maps memory (a block or a page). */
static bool is_leaf(const struct axvcpu_s2_format *fmt, u64 e,
		    unsigned int level)
{
	return !level || fmt->is_leaf(e, level);
}

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

/* Entries in a table at @level: the root may be wider. */
static unsigned int table_entries(const struct axvcpu_s2_format *fmt,
				  unsigned int level)
{
	return (1U << S2_LEVEL_BITS) <<
	       (level == fmt->levels - 1 ? fmt->root_extra_bits : 0);
}

static void free_table(struct axvcpu_stage2 *s2, phys_addr_t pa,
		       unsigned int level)
{
	const struct axvcpu_s2_format *fmt = s2->fmt;
	unsigned int i, n = table_entries(fmt, level);
	u64 *t = s2->hal->phys_to_virt(pa);

	for (i = 0; level > 0 && i < n; i++)
		if (fmt->is_present(t[i]) && !is_leaf(fmt, t[i], level))
			free_table(s2, fmt->entry_pa(t[i]), level - 1);
	s2->hal->dealloc_frames(pa, level == fmt->levels - 1 ?
				fmt->root_extra_bits : 0);
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

/**
 * axvcpu_s2_topup() - fill a cache with the tables one mapping may need
 * @s2: the tables.
 * @c: the cache; zero-initialise it before the first topup.
 *
 * Context: may sleep; call without the lock that serialises @s2.
 * Return: 0 or -ENOMEM (the cache keeps what it has).
 */
int axvcpu_s2_topup(struct axvcpu_stage2 *s2, struct axvcpu_s2_cache *c)
{
	while (c->n < s2->fmt->levels - 1) {
		phys_addr_t pa = s2->hal->alloc_frames(0);

		if (!pa)
			return -ENOMEM;
		c->frames[c->n++] = pa;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_topup);

/**
 * axvcpu_s2_cache_free() - give back what a cache still holds
 * @s2: the tables the cache was filled for.
 * @c: the cache.
 */
void axvcpu_s2_cache_free(struct axvcpu_stage2 *s2, struct axvcpu_s2_cache *c)
{
	while (c->n)
		s2->hal->dealloc_frames(c->frames[--c->n], 0);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_cache_free);

/*
 * Walk towards @gpa down to @target (0 = the 4 KiB level), adding missing
 * tables from @c, or from the HAL if @c is NULL, when @alloc. Stops early
 * at a leaf above @target: *@level says where the walk stopped. Returns
 * NULL if a table is missing (and not added).
 */
static u64 *walk(struct axvcpu_stage2 *s2, u64 gpa, unsigned int target,
		 bool alloc, struct axvcpu_s2_cache *c, unsigned int *level)
{
	const struct axvcpu_s2_format *fmt = s2->fmt;
	u64 *t = s2->hal->phys_to_virt(s2->root);
	unsigned int l;

	for (l = fmt->levels - 1; l > target; l--) {
		u64 *e = &t[s2_index(fmt, gpa, l)];
		phys_addr_t next;

		if (!fmt->is_present(READ_ONCE(*e))) {
			if (!alloc)
				return NULL;
			if (c && c->n)
				next = c->frames[--c->n];
			else
				next = c ? 0 : s2->hal->alloc_frames(0);
			if (!next)
				return NULL;
			s2->tables++;
			/* The table's zeroed entries before the link to it. */
			smp_store_release(e, fmt->make_table(next));
		} else if (is_leaf(fmt, READ_ONCE(*e), l)) {
			*level = l;
			return e;
		}
		t = s2->hal->phys_to_virt(fmt->entry_pa(READ_ONCE(*e)));
	}
	*level = target;
	return &t[s2_index(fmt, gpa, target)];
}

/**
 * axvcpu_s2_install() - map a 4 KiB page or a 2 MiB block
 * @s2: the tables.
 * @gpa: guest-physical address, aligned to the leaf's size, in range.
 * @pa: host-physical address, aligned likewise.
 * @prot: AXVCPU_S2_* permissions.
 * @level: 0 for a page, 1 for a block (if the format has blocks).
 * @c: where missing tables come from; NULL: the HAL, which may sleep.
 *
 * Return: 0 if @gpa was not mapped and now is, or was mapped by the same
 * entry; 1 if a present leaf of the same size was replaced (flush);
 * -EEXIST if a leaf of another size covers @gpa (a block over a page
 * request, or tables under a block request: nothing changed); -EINVAL
 * for a bad address or level; -ENOMEM (from an empty @c, too).
 */
int axvcpu_s2_install(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t pa,
		      unsigned int prot, unsigned int level,
		      struct axvcpu_s2_cache *c)
{
	const struct axvcpu_s2_format *fmt = s2->fmt;
	u64 *e, old, new;
	unsigned int at;

	if (level > fmt->block_levels || gpa >> axvcpu_s2_phys_bits(fmt) ||
	    (gpa | pa) & (level_size(level) - 1))
		return -EINVAL;
	e = walk(s2, gpa, level, true, c, &at);
	if (!e)
		return -ENOMEM;
	old = READ_ONCE(*e);
	if (at != level || (fmt->is_present(old) && !is_leaf(fmt, old, at)))
		return -EEXIST;
	new = fmt->make_leaf(pa, prot, level);
	if (old == new)
		return 0;
	WRITE_ONCE(*e, new);
	return fmt->is_present(old);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_install);

/**
 * axvcpu_s2_map() - map one 4 KiB guest page, allocating from the HAL
 * @s2: the tables.
 * @gpa: page-aligned guest-physical address within the format's range.
 * @pa: page-aligned host-physical address.
 * @prot: AXVCPU_S2_* permissions.
 *
 * Replaces any previous 4 KiB mapping of @gpa.
 *
 * Context: may sleep.
 * Return: 0, -EINVAL for an address out of range, -EEXIST under a block,
 * or -ENOMEM.
 */
int axvcpu_s2_map(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t pa,
		  unsigned int prot)
{
	int r = axvcpu_s2_install(s2, gpa, pa, prot, 0, NULL);

	return r > 0 ? 0 : r;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_map);

/* Clear the leaves of table @pa (at @level) that meet [@gpa, @end). */
static bool unmap_table(struct axvcpu_stage2 *s2, phys_addr_t pa,
			unsigned int level, u64 base, u64 gpa, u64 end)
{
	const struct axvcpu_s2_format *fmt = s2->fmt;
	u64 *t = s2->hal->phys_to_virt(pa), span = level_size(level);
	unsigned int i = s2_index(fmt, gpa, level);
	unsigned int n = table_entries(fmt, level);
	bool removed = false;
	u64 a = base + i * span;

	for (; a < end && i < n; i++, a += span) {
		u64 e = READ_ONCE(t[i]);

		if (!fmt->is_present(e))
			continue;
		if (is_leaf(fmt, e, level)) {
			/* A block partly in the range goes whole. */
			WRITE_ONCE(t[i], 0);
			removed = true;
		} else {
			removed |= unmap_table(s2, fmt->entry_pa(e), level - 1,
					       a, max(gpa, a), end);
		}
	}
	return removed;
}

/**
 * axvcpu_s2_unmap_range() - remove every leaf that maps part of a range
 * @s2: the tables.
 * @gpa: base of the range.
 * @size: bytes.
 *
 * A block that extends past the range is removed whole: the fault path
 * maps again what is still backed. Skips missing tables, so the cost is
 * that of what is mapped.
 *
 * Return: whether a leaf was removed (then the caller flushes).
 */
bool axvcpu_s2_unmap_range(struct axvcpu_stage2 *s2, u64 gpa, u64 size)
{
	u64 top = 1ULL << axvcpu_s2_phys_bits(s2->fmt), end;

	if (gpa >= top || !size)
		return false;
	end = size > top - gpa ? top : gpa + size;
	return unmap_table(s2, s2->root, s2->fmt->levels - 1, 0, gpa, end);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_unmap_range);

/* Whether table @t (at @level) has no present entry. */
static bool table_empty(const struct axvcpu_s2_format *fmt, const u64 *t,
			unsigned int level)
{
	unsigned int i, n = table_entries(fmt, level);

	for (i = 0; i < n; i++)
		if (fmt->is_present(READ_ONCE(t[i])))
			return false;
	return true;
}

/*
 * Unlink the empty tables under table @pa (at @level > 0) that meet
 * [@gpa, @end), children first, onto the list *@freed (linked through
 * their first entry). Return: whether table @pa is empty now.
 */
static bool prune_table(struct axvcpu_stage2 *s2, phys_addr_t pa,
			unsigned int level, u64 base, u64 gpa, u64 end,
			phys_addr_t *freed)
{
	const struct axvcpu_s2_format *fmt = s2->fmt;
	u64 *t = s2->hal->phys_to_virt(pa), span = level_size(level);
	unsigned int i = s2_index(fmt, gpa, level);
	unsigned int n = table_entries(fmt, level);
	u64 a = base + i * span;

	for (; a < end && i < n; i++, a += span) {
		u64 e = READ_ONCE(t[i]);
		phys_addr_t child;

		if (!fmt->is_present(e) || is_leaf(fmt, e, level))
			continue;
		child = fmt->entry_pa(e);
		if (level > 1 && !prune_table(s2, child, level - 1, a,
					      max(gpa, a), end, freed))
			continue;
		if (level == 1 &&
		    !table_empty(fmt, s2->hal->phys_to_virt(child), 0))
			continue;
		WRITE_ONCE(t[i], 0);
		*(u64 *)s2->hal->phys_to_virt(child) = *freed;
		*freed = child;
	}
	return table_empty(fmt, t, level);
}

/**
 * axvcpu_s2_prune_range() - unlink the tables left empty in a range
 * @s2: the tables.
 * @gpa: base of the range.
 * @size: bytes.
 *
 * For a range that no longer maps anything of its own (a region left the
 * VM): every table below the root that meets it and maps nothing is
 * unlinked, so that a VM's tables follow its regions, not every address
 * it ever used. The caller invalidates the VM's translations (walk
 * caches may still point at the tables), then frees them with
 * axvcpu_s2_free_pruned().
 *
 * Return: the unlinked tables, a list for axvcpu_s2_free_pruned(), or 0.
 */
phys_addr_t axvcpu_s2_prune_range(struct axvcpu_stage2 *s2, u64 gpa, u64 size)
{
	u64 top = 1ULL << axvcpu_s2_phys_bits(s2->fmt), end;
	phys_addr_t freed = 0;

	if (gpa >= top || !size)
		return 0;
	end = size > top - gpa ? top : gpa + size;
	prune_table(s2, s2->root, s2->fmt->levels - 1, 0, gpa, end, &freed);
	return freed;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_prune_range);

/**
 * axvcpu_s2_free_pruned() - free what axvcpu_s2_prune_range() unlinked
 * @s2: the tables.
 * @list: its result, once no CPU can walk those tables any more.
 */
void axvcpu_s2_free_pruned(struct axvcpu_stage2 *s2, phys_addr_t list)
{
	while (list) {
		phys_addr_t next = *(u64 *)s2->hal->phys_to_virt(list);

		s2->hal->dealloc_frames(list, 0);
		s2->tables--;
		list = next;
	}
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_free_pruned);

/**
 * axvcpu_s2_unmap() - remove the mapping of one guest page
 * @s2: the tables.
 * @gpa: guest-physical address.
 *
 * Return: whether a mapping was removed (then the caller flushes).
 */
bool axvcpu_s2_unmap(struct axvcpu_stage2 *s2, u64 gpa)
{
	return axvcpu_s2_unmap_range(s2, gpa & ~(u64)(BIT(S2_PAGE_SHIFT) - 1),
				     BIT(S2_PAGE_SHIFT));
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_unmap);

/**
 * axvcpu_s2_translate() - the host-physical address a guest address maps to
 * @s2: the tables.
 * @gpa: guest-physical address.
 * @pa: out: the host-physical address of @gpa (within a page or a block).
 *
 * Context: the caller keeps the mapping from changing (the VM's mmu_lock).
 * Return: whether @gpa is mapped.
 */
bool axvcpu_s2_translate(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t *pa)
{
	unsigned int level;
	u64 *e, entry;

	if (gpa >> axvcpu_s2_phys_bits(s2->fmt))
		return false;
	e = walk(s2, gpa, 0, false, NULL, &level);
	if (!e)
		return false;
	entry = READ_ONCE(*e);
	if (!s2->fmt->is_present(entry))
		return false;
	*pa = s2->fmt->entry_pa(entry) + (gpa & (level_size(level) - 1));
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_translate);

/**
 * axvcpu_s2_lookup() - the leaf entry mapping a guest address
 * @s2: the tables.
 * @gpa: guest-physical address.
 * @entry: out: the entry (a page or a block).
 *
 * Return: whether @gpa is mapped.
 */
bool axvcpu_s2_lookup(struct axvcpu_stage2 *s2, u64 gpa, u64 *entry)
{
	unsigned int level;
	u64 *e;

	if (gpa >> axvcpu_s2_phys_bits(s2->fmt))
		return false;
	e = walk(s2, gpa, 0, false, NULL, &level);
	if (!e || !s2->fmt->is_present(READ_ONCE(*e)))
		return false;
	*entry = READ_ONCE(*e);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_s2_lookup);
