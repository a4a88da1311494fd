// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory regions: validation, the stage-2 mappings of the VMM's
 * pages (at the guest's first access, kept in step with the VMM's address
 * space by an MMU notifier; or pinned and mapped at once), and
 * guest-memory reads for instruction decoding.
 */
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "axvcpu.h"

/**
 * axvcpu_region_check() - validate a region request against the limits
 * @mr: the request; @mr->size 0 (delete) is valid here.
 * @phys_bits: guest-physical address bits of the VM.
 *
 * Return: 0 or -EINVAL.
 */
int axvcpu_region_check(const struct axvcpu_memory_region *mr,
			unsigned int phys_bits)
{
	u64 end;

	if (mr->slot >= AXVCPU_MAX_MEM_REGIONS)
		return -EINVAL;
	if (mr->flags & ~(AXVCPU_MEM_READONLY | AXVCPU_MEM_PINNED))
		return -EINVAL;
	if (!mr->size)
		return 0;
	if ((mr->guest_phys_addr | mr->size | mr->userspace_addr) & ~PAGE_MASK)
		return -EINVAL;
	if (mr->size > AXVCPU_MAX_REGION_SIZE)
		return -EINVAL;
	if (check_add_overflow(mr->guest_phys_addr, mr->size, &end))
		return -EINVAL;
	if (phys_bits < 64 && end > (1ULL << phys_bits))
		return -EINVAL;
	if (mr->userspace_addr + mr->size < mr->userspace_addr)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_region_check);

/*
 * The stage-2 of a region that is not pinned follows the VMM's mapping:
 * the MMU notifier of its range removes what the VMM's changes make stale,
 * and the next guest access maps the page the VMM maps then. As KVM does:
 * the fault path reads the notifier's sequence before it looks the page
 * up and installs the mapping under the VM's mmu_lock only if no
 * invalidation ran meanwhile, the notifier takes the same lock to clear
 * and flush.
 */
static bool region_invalidate(struct mmu_interval_notifier *mn,
			      const struct mmu_notifier_range *range,
			      unsigned long cur_seq)
{
	struct axvcpu_region *r = container_of(mn, struct axvcpu_region, mn);
	struct axvcpu_vm *vm = r->vm;
	unsigned long start = max_t(unsigned long, range->start, r->uaddr);
	unsigned long end = min_t(unsigned long, range->end, r->uaddr + r->size);
	bool removed;

	/* The OOM reaper cannot wait: it retries later (KVM does too). */
	if (mmu_notifier_range_blockable(range))
		mutex_lock(&vm->mmu_lock);
	else if (!mutex_trylock(&vm->mmu_lock))
		return false;
	mmu_interval_set_seq(mn, cur_seq);
	removed = !r->retired && start < end &&
		  axvcpu_s2_unmap_range(&vm->s2, r->gpa + (start - r->uaddr),
					end - start);
	if (removed)
		axvcpu_vm_flush_s2(vm);
	mutex_unlock(&vm->mmu_lock);
	return true;
}

static const struct mmu_interval_notifier_ops region_mn_ops = {
	.invalidate = region_invalidate,
};

/*
 * Pinned pages count as the VMM's locked memory (RLIMIT_MEMLOCK, VmLck),
 * as VFIO's do; given back only to an address space that still has users
 * (vfio_lock_acct()), and never by the final mmput() here, which could
 * run the MMU notifiers of the VM's other regions.
 */
static void region_unaccount(struct axvcpu_region *r)
{
	struct mm_struct *mm = r->vm->mm;

	if (mmget_not_zero(mm)) {
		account_locked_vm(mm, r->npages, false);
		mmput_async(mm);
	}
}

static void region_free(struct axvcpu_region *r)
{
	if (r->flags & AXVCPU_MEM_PINNED) {
		/* The guest may have written any page of a writable region. */
		unpin_user_pages_dirty_lock(r->pages, r->npages,
					    !(r->flags & AXVCPU_MEM_READONLY));
		kvfree(r->pages);
		region_unaccount(r);
	} else {
		mmu_interval_notifier_remove(&r->mn);
	}
	kfree(r);
}

/*
 * Pin the VMM's pages backing @r, charged to its locked memory first:
 * -ENOMEM beyond RLIMIT_MEMLOCK without CAP_IPC_LOCK.
 */
static int region_pin(struct axvcpu_region *r)
{
	unsigned int gup = FOLL_LONGTERM;
	long done = 0, n;
	int err;

	err = account_locked_vm(r->vm->mm, r->npages, true);
	if (err)
		return err;
	r->pages = kvcalloc(r->npages, sizeof(*r->pages), GFP_KERNEL_ACCOUNT);
	if (!r->pages) {
		err = -ENOMEM;
		goto err_acct;
	}
	if (!(r->flags & AXVCPU_MEM_READONLY))
		gup |= FOLL_WRITE;
	while (done < r->npages) {
		n = pin_user_pages_fast(r->uaddr + (done << PAGE_SHIFT),
					r->npages - done, gup, r->pages + done);
		if (n <= 0) {
			unpin_user_pages(r->pages, done);
			kvfree(r->pages);
			err = n ? n : -EFAULT;
			goto err_acct;
		}
		done += n;
		cond_resched();
	}
	return 0;

err_acct:
	account_locked_vm(r->vm->mm, r->npages, false);
	return err;
}

/* A region for @mr: pinned, or watched by an MMU notifier on @vm->mm. */
static struct axvcpu_region *region_new(struct axvcpu_vm *vm,
					const struct axvcpu_memory_region *mr)
{
	struct axvcpu_region *r;
	int err;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->vm = vm;
	r->gpa = mr->guest_phys_addr;
	r->size = mr->size;
	r->uaddr = mr->userspace_addr;
	r->flags = mr->flags;
	r->npages = mr->size >> PAGE_SHIFT;
	if (r->flags & AXVCPU_MEM_PINNED)
		err = region_pin(r);
	else
		err = mmu_interval_notifier_insert(&r->mn, vm->mm, r->uaddr,
						   r->size, &region_mn_ops);
	if (err) {
		kfree(r);
		return ERR_PTR(err);
	}
	return r;
}

static unsigned int region_prot(const struct axvcpu_region *r)
{
	unsigned int prot = AXVCPU_S2_R | AXVCPU_S2_X;

	if (!(r->flags & AXVCPU_MEM_READONLY))
		prot |= AXVCPU_S2_W;
	return prot;
}

/*
 * @r leaves the stage-2 (@retire) or comes back to it after a failed
 * change (!@retire): either way nothing of its range stays mapped.
 */
static void region_unmap(struct axvcpu_vm *vm, struct axvcpu_region *r,
			 bool retire)
{
	phys_addr_t pruned = 0;
	bool removed;

	mutex_lock(&vm->mmu_lock);
	r->retired = retire;
	removed = axvcpu_s2_unmap_range(&vm->s2, r->gpa, r->size);
	/* Leaving: the tables it alone used go too, after the flush. */
	if (retire)
		pruned = axvcpu_s2_prune_range(&vm->s2, r->gpa, r->size);
	if (removed || pruned)
		axvcpu_vm_flush_s2(vm);
	axvcpu_s2_free_pruned(&vm->s2, pruned);
	mutex_unlock(&vm->mmu_lock);
}

/*
 * Map a pinned region's pages. Tables come from a cache filled without
 * mmu_lock held: reclaim may call the notifier of another region.
 */
static int region_map_pinned(struct axvcpu_vm *vm, struct axvcpu_region *r)
{
	struct axvcpu_s2_cache c = {};
	unsigned long i;
	int err = 0;

	for (i = 0; i < r->npages && !err; i++) {
		err = axvcpu_s2_topup(&vm->s2, &c);
		if (err)
			break;
		mutex_lock(&vm->mmu_lock);
		err = axvcpu_s2_install(&vm->s2, r->gpa + (i << PAGE_SHIFT),
					page_to_phys(r->pages[i]), region_prot(r),
					0, &c);
		mutex_unlock(&vm->mmu_lock);
		cond_resched();
	}
	axvcpu_s2_cache_free(&vm->s2, &c);
	return err < 0 ? err : 0;
}

/**
 * axvcpu_regions_conflict() - whether a range meets a region but @old
 * @mt: regions by guest-physical range.
 * @gpa: base of the range.
 * @size: bytes, nonzero, with @gpa + @size not overflowing.
 * @old: the region the range replaces, or NULL.
 *
 * Return: true if a region other than @old has a byte of the range.
 */
bool axvcpu_regions_conflict(struct maple_tree *mt, u64 gpa, u64 size,
			     const struct axvcpu_region *old)
{
	unsigned long index = gpa;
	struct axvcpu_region *r;

	mt_for_each(mt, r, index, gpa + size - 1)
		if (r != old)
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_regions_conflict);

/*
 * Put @new in @old's place in the GPA tree (either may be NULL), under
 * @vm->lock. The sequence count is odd meanwhile: a lookup that misses
 * then waits and looks again. Return: 0 or -ENOMEM, the tree as it was.
 */
static int regions_swap(struct axvcpu_vm *vm, struct axvcpu_region *old,
			struct axvcpu_region *new)
{
	int err = 0;

	lockdep_assert_held(&vm->lock);
	/*
	 * The raw writer: readers yield while the count is odd instead of
	 * spinning with preemption off, so the update may sleep to allocate.
	 */
	raw_write_seqcount_begin(&vm->gpa_seq);
	if (old)
		mtree_erase(&vm->gpa_tree, old->gpa);
	if (new)
		err = mtree_insert_range(&vm->gpa_tree, new->gpa,
					 new->gpa + new->size - 1, new,
					 GFP_KERNEL_ACCOUNT);
	/*
	 * Putting @old back needs at most the nodes erasing it freed; a
	 * failure would leave its slot unreachable by address: warn.
	 */
	if (err && old)
		WARN_ON_ONCE(mtree_insert_range(&vm->gpa_tree, old->gpa,
						old->gpa + old->size - 1, old,
						GFP_KERNEL));
	raw_write_seqcount_end(&vm->gpa_seq);
	return err;
}

/*
 * Make @new the region of @slot in place of @old; @new or @old may be
 * NULL. Lookups see @old or @new, never neither where both are; once no
 * fault can use @old any more, its mappings go, then @new's pinned pages
 * are mapped. A failure puts @old back.
 */
static int region_replace(struct axvcpu_vm *vm, u32 slot,
			  struct axvcpu_region *old, struct axvcpu_region *new)
{
	void *prev;
	int err;

	prev = xa_store(&vm->slots, slot, new, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(prev))
		return xa_err(prev);
	err = regions_swap(vm, old, new);
	if (err)
		goto err_slot;
	/* Faults that found @old are done: none maps it again. */
	if (old) {
		synchronize_srcu_expedited(&vm->srcu);
		region_unmap(vm, old, true);
	}
	if (!new || !(new->flags & AXVCPU_MEM_PINNED))
		return 0;
	err = region_map_pinned(vm, new);
	if (!err)
		return 0;
	/*
	 * Out of table memory: put the old region back. A pinned one maps
	 * again into the tables it had (they live as long as the VM), others
	 * on their next fault.
	 */
	WARN_ON_ONCE(regions_swap(vm, new, old));
	synchronize_srcu_expedited(&vm->srcu);
	region_unmap(vm, new, true);
	if (old) {
		region_unmap(vm, old, false);
		if (old->flags & AXVCPU_MEM_PINNED)
			WARN_ON_ONCE(region_map_pinned(vm, old));
	}
err_slot:
	/* @new is in the slot (a delete cannot fail): this allocates nothing. */
	xa_store(&vm->slots, slot, old, GFP_KERNEL);
	return err;
}

/**
 * axvcpu_vm_set_region() - add, replace or delete a memory region
 * @vm: the VM.
 * @mr: the request from userspace.
 *
 * A failure changes nothing: the slot keeps its old region. Slots are
 * sparse (an xarray) and regions are found by address in a maple tree, so
 * the cost does not grow with the slot number and a lookup with the
 * number of regions as log n.
 *
 * Context: takes @vm->lock; @vm->mm must be the caller's.
 * Return: 0 or a negative errno as documented for the ioctl.
 */
int axvcpu_vm_set_region(struct axvcpu_vm *vm,
			 const struct axvcpu_memory_region *mr)
{
	struct axvcpu_region *old, *new = NULL;
	int err;

	err = axvcpu_region_check(mr, axvcpu_s2_phys_bits(vm->s2.fmt));
	if (err)
		return err;
	/* KVM 6.12 rejects a range outside user space with EINVAL, too. */
	if (mr->size && !access_ok(u64_to_user_ptr(mr->userspace_addr), mr->size))
		return -EINVAL;

	if (mr->size) {
		new = region_new(vm, mr);
		if (IS_ERR(new))
			return PTR_ERR(new);
	}

	mutex_lock(&vm->lock);
	old = xa_load(&vm->slots, mr->slot);
	if (!new && !old)
		err = -ENOENT;
	else if (new && axvcpu_regions_conflict(&vm->gpa_tree, new->gpa, new->size, old))
		err = -EEXIST;
	else
		err = region_replace(vm, mr->slot, old, new);
	mutex_unlock(&vm->lock);
	if (!err)
		new = old;
	if (new)
		region_free(new);
	return err;
}

#define BLOCK_PAGES	(AXVCPU_S2_BLOCK_SIZE >> PAGE_SHIFT)
#define GUP_BATCH	64

/*
 * Whether the VMM maps the 2 MiB at @hva (aligned) with the consecutive
 * pages of @folio, starting at a 2 MiB-aligned frame: then one block maps
 * them as the VMM does (a transparent or hugetlb huge page, mapped by a
 * PMD or still by PTEs). Read with GUP-fast, which walks the VMM's tables
 * locklessly and portably; the caller's notifier sequence catches a
 * change after.
 */
static bool host_block(unsigned long hva, struct folio *folio, bool writable)
{
	unsigned int gup = writable ? FOLL_WRITE : 0;
	struct page *pages[GUP_BATCH];
	unsigned long i = 0, pfn0 = 0;
	bool ok = true;
	int n, j;

	while (ok && i < BLOCK_PAGES) {
		n = get_user_pages_fast_only(hva + i * PAGE_SIZE, GUP_BATCH, gup, pages);
		if (n <= 0)
			return false;
		if (!i)
			pfn0 = page_to_pfn(pages[0]);
		for (j = 0; j < n; j++) {
			ok &= page_folio(pages[j]) == folio &&
			      page_to_pfn(pages[j]) == pfn0 + i + j;
			put_page(pages[j]);
		}
		i += n;
	}
	return ok && IS_ALIGNED(pfn0, BLOCK_PAGES);
}

/* Whether the fault at @gpa, on @page, can be mapped by a 2 MiB block. */
static bool block_ok(struct axvcpu_vm *vm, struct axvcpu_region *r, u64 gpa,
		     unsigned long hva, struct page *page, bool writable)
{
	u64 base = ALIGN_DOWN(gpa, AXVCPU_S2_BLOCK_SIZE);

	return vm->s2.fmt->block_levels &&
	       folio_size(page_folio(page)) >= AXVCPU_S2_BLOCK_SIZE &&
	       !((gpa ^ hva) & (AXVCPU_S2_BLOCK_SIZE - 1)) &&
	       base >= r->gpa && base - r->gpa + AXVCPU_S2_BLOCK_SIZE <= r->size &&
	       host_block(ALIGN_DOWN(hva, AXVCPU_S2_BLOCK_SIZE), page_folio(page),
			  writable);
}

/* The VMM's page at @hva, writable if @write; *@writable says if it is. */
static int region_get_page(struct axvcpu_region *r, unsigned long hva,
			   bool write, struct page **page, bool *writable)
{
	struct page *wpage;
	long n;

	*writable = write;
	n = get_user_pages_unlocked(hva, 1, page, write ? FOLL_WRITE : 0);
	if (n != 1)
		return n < 0 ? n : -EFAULT;
	/*
	 * A read maps the page writable if the VMM's mapping already is (no
	 * copy-on-write to break), as KVM's hva_to_pfn() does; otherwise
	 * read-only, and a write faults again.
	 */
	if (!write && !(r->flags & AXVCPU_MEM_READONLY) &&
	    get_user_page_fast_only(hva, FOLL_WRITE, &wpage)) {
		put_page(*page);
		*page = wpage;
		*writable = true;
	}
	return 0;
}

/**
 * axvcpu_region_fault() - map the page behind a guest access to a region
 * @vm: the VM, in the VMM's process.
 * @r: the region containing @gpa, not pinned, found in the SRCU read
 *	section of @vm->srcu the caller is in.
 * @gpa: guest-physical address of the access.
 * @write: the access needs write permission (never for a read-only
 *	region).
 * @c: the faulting vCPU's table cache, topped up here and kept across
 *	faults (as KVM's per-vCPU mmu memory caches), so that a fault that
 *	adds no table allocates nothing.
 *
 * Brings the VMM's page in (a page fault of the VMM's own, which may
 * allocate, swap in or break copy-on-write) and maps it for the guest: a
 * 2 MiB block if the VMM maps a huge page there and the block fits the
 * region with the same offset, else the 4 KiB page; writable if @write or
 * if the VMM's mapping is writable already. A change of the VMM's mapping
 * meanwhile (the notifier ran) leaves the stage-2 as it is: the guest
 * faults again. The page's reference is dropped once mapped: the notifier
 * removes the mapping before the page can go away.
 *
 * Context: may sleep; takes @vm->mmu_lock.
 * Return: 0, or -EFAULT, -EHWPOISON or -ENOMEM (the page cannot be had).
 */
int axvcpu_region_fault(struct axvcpu_vm *vm, struct axvcpu_region *r, u64 gpa,
			bool write, struct axvcpu_s2_cache *c)
{
	unsigned long hva = r->uaddr + (gpa - r->gpa), seq;
	unsigned int prot = AXVCPU_S2_R | AXVCPU_S2_X, level = 0;
	struct page *page;
	u64 base = ALIGN_DOWN(gpa, PAGE_SIZE);
	phys_addr_t pa;
	bool writable;
	int err;

	err = axvcpu_s2_topup(&vm->s2, c);
	if (err)
		return err;
	seq = mmu_interval_read_begin(&r->mn);
	err = region_get_page(r, hva, write, &page, &writable);
	if (err)
		return err;
	if (writable)
		prot |= AXVCPU_S2_W;
	pa = page_to_phys(page);
	if (block_ok(vm, r, gpa, hva, page, writable)) {
		level = 1;
		base = ALIGN_DOWN(gpa, AXVCPU_S2_BLOCK_SIZE);
		pa = ALIGN_DOWN(pa, AXVCPU_S2_BLOCK_SIZE);
	}

	mutex_lock(&vm->mmu_lock);
	if (!mmu_interval_read_retry(&r->mn, seq)) {
		err = axvcpu_s2_install(&vm->s2, base, pa, prot, level, c);
		/* Tables under the block's range: map the page alone. */
		if (err == -EEXIST && level)
			err = axvcpu_s2_install(&vm->s2, ALIGN_DOWN(gpa, PAGE_SIZE),
						page_to_phys(page), prot, 0, c);
		/* A block maps the page already (another vCPU's fault). */
		if (err == -EEXIST)
			err = 0;
		/* Write permission granted to a present leaf: drop the old. */
		if (err > 0)
			axvcpu_vm_flush_s2(vm);
	}
	mutex_unlock(&vm->mmu_lock);

	/* Writes through the stage-2 never dirty the VMM's page table. */
	if (writable)
		set_page_dirty_lock(page);
	mark_page_accessed(page);
	put_page(page);
	return err < 0 ? err : 0;
}

/**
 * axvcpu_vm_free_regions() - unpin or unwatch every region of a dying VM
 * @vm: a VM that no vCPU can run any more.
 */
void axvcpu_vm_free_regions(struct axvcpu_vm *vm)
{
	struct axvcpu_region *r;
	unsigned long slot;

	mtree_destroy(&vm->gpa_tree);
	xa_for_each(&vm->slots, slot, r)
		region_free(r);
	xa_destroy(&vm->slots);
}

/**
 * axvcpu_vm_find_region() - the region containing a guest address
 * @vm: the VM.
 * @gpa: guest-physical address.
 *
 * An O(log n) lookup without @vm->lock. A miss while the regions change
 * (the sequence count is odd or moved) waits for the change and looks
 * again, so that an address a region is moving to is never taken for
 * MMIO. It yields rather than take @vm->lock: a change holds that across
 * synchronize_srcu_expedited(), which waits for the caller's section.
 *
 * Context: inside an SRCU read section of @vm->srcu, which keeps the
 * region allocated; may sleep.
 * Return: the region or NULL.
 */
struct axvcpu_region *axvcpu_vm_find_region(struct axvcpu_vm *vm, u64 gpa)
{
	struct axvcpu_region *r;
	unsigned int seq;

	RCU_LOCKDEP_WARN(!srcu_read_lock_held(&vm->srcu),
			 "axvcpu: region lookup outside vm->srcu");
	for (;;) {
		seq = raw_read_seqcount(&vm->gpa_seq);
		r = mtree_load(&vm->gpa_tree, gpa);
		if (r || (!(seq & 1) && !read_seqcount_retry(&vm->gpa_seq, seq)))
			return r;
		cond_resched();
	}
}

/*
 * Read from a page the stage-2 maps (the page the guest sees), through the
 * kernel's mapping, under mmu_lock so that no notifier can take it away
 * meanwhile. Faster than copy_from_user() from the VMM's mapping on the
 * instruction fetch of every MMIO exit (riscv64 under TCG: twice the
 * exit rate). @n does not cross the page.
 */
static bool read_mapped(struct axvcpu_vm *vm, u64 gpa, void *buf, size_t n)
{
	phys_addr_t pa;
	bool ok;

	mutex_lock(&vm->mmu_lock);
	ok = axvcpu_s2_translate(&vm->s2, gpa, &pa);
	if (ok)
		memcpy_from_page(buf, pfn_to_page(PHYS_PFN(pa)), offset_in_page(pa), n);
	mutex_unlock(&vm->mmu_lock);
	return ok;
}

/**
 * axvcpu_vm_read_guest() - copy guest memory into the kernel
 * @vm: the VM.
 * @gpa: guest-physical address.
 * @buf: destination.
 * @len: bytes; the range may cross pages and regions.
 *
 * Reads what the guest sees: a pinned region's pages; else the page the
 * stage-2 maps, or where nothing is mapped yet the VMM's memory at the
 * region's address (as KVM's kvm_read_guest() does), which the stage-2
 * follows.
 *
 * Context: may sleep; in the VMM's process.
 * Return: 0, or -EFAULT if part of the range is outside every region or
 * its backing cannot be read.
 */
int axvcpu_vm_read_guest(struct axvcpu_vm *vm, u64 gpa, void *buf, size_t len)
{
	int err = 0, idx;

	idx = srcu_read_lock(&vm->srcu);
	while (len) {
		struct axvcpu_region *r = axvcpu_vm_find_region(vm, gpa);
		size_t off = offset_in_page(gpa), n = min_t(size_t, len, PAGE_SIZE - off);

		if (!r) {
			err = -EFAULT;
			break;
		}
		if (r->flags & AXVCPU_MEM_PINNED) {
			memcpy_from_page(buf, r->pages[(gpa - r->gpa) >> PAGE_SHIFT],
					 off, n);
		} else if (!read_mapped(vm, gpa, buf, n) &&
			   copy_from_user(buf, u64_to_user_ptr(r->uaddr + (gpa - r->gpa)),
					  n)) {
			err = -EFAULT;
			break;
		}
		buf += n;
		gpa += n;
		len -= n;
	}
	srcu_read_unlock(&vm->srcu, idx);
	return err;
}
