// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory regions: validation, pinning of the VMM's pages and their
 * stage-2 mappings, and guest-memory reads for instruction decoding.
 */
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
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
	if (mr->flags & ~AXVCPU_MEM_READONLY)
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

/**
 * axvcpu_region_overlaps() - whether [@gpa, @gpa + @size) meets @r
 * @r: a region.
 * @gpa: base of the range.
 * @size: bytes, nonzero, with @gpa + @size not overflowing.
 *
 * Return: true if the ranges share a byte.
 */
bool axvcpu_region_overlaps(const struct axvcpu_region *r, u64 gpa, u64 size)
{
	return gpa < r->gpa + r->size && r->gpa < gpa + size;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_region_overlaps);

static void region_free(struct axvcpu_region *r)
{
	unpin_user_pages(r->pages, r->npages);
	kvfree(r->pages);
	kfree(r);
}

/* Pin the VMM's pages backing @mr. */
static struct axvcpu_region *region_pin(const struct axvcpu_memory_region *mr)
{
	unsigned int gup = FOLL_LONGTERM;
	struct axvcpu_region *r;
	long done = 0, n;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->gpa = mr->guest_phys_addr;
	r->size = mr->size;
	r->uaddr = mr->userspace_addr;
	r->flags = mr->flags;
	r->npages = mr->size >> PAGE_SHIFT;
	r->pages = kvcalloc(r->npages, sizeof(*r->pages), GFP_KERNEL_ACCOUNT);
	if (!r->pages) {
		kfree(r);
		return ERR_PTR(-ENOMEM);
	}
	if (!(mr->flags & AXVCPU_MEM_READONLY))
		gup |= FOLL_WRITE;
	while (done < r->npages) {
		n = pin_user_pages_fast(r->uaddr + (done << PAGE_SHIFT),
					r->npages - done, gup, r->pages + done);
		if (n <= 0) {
			unpin_user_pages(r->pages, done);
			kvfree(r->pages);
			kfree(r);
			return ERR_PTR(n ? n : -EFAULT);
		}
		done += n;
	}
	return r;
}

static void region_unmap(struct axvcpu_vm *vm, struct axvcpu_region *r)
{
	unsigned long i;

	for (i = 0; i < r->npages; i++)
		axvcpu_s2_unmap(&vm->s2, r->gpa + (i << PAGE_SHIFT));
}

static int region_map(struct axvcpu_vm *vm, struct axvcpu_region *r)
{
	unsigned int prot = AXVCPU_S2_R | AXVCPU_S2_X;
	unsigned long i;
	int err;

	if (!(r->flags & AXVCPU_MEM_READONLY))
		prot |= AXVCPU_S2_W;
	for (i = 0; i < r->npages; i++) {
		err = axvcpu_s2_map(&vm->s2, r->gpa + (i << PAGE_SHIFT),
				    page_to_phys(r->pages[i]), prot);
		if (err)
			return err;
	}
	return 0;
}

/**
 * axvcpu_vm_set_region() - add, replace or delete a memory region
 * @vm: the VM.
 * @mr: the request from userspace.
 *
 * A failure changes nothing: the slot keeps its old region.
 *
 * Context: takes @vm->lock.
 * Return: 0 or a negative errno as documented for the ioctl.
 */
int axvcpu_vm_set_region(struct axvcpu_vm *vm,
			 const struct axvcpu_memory_region *mr)
{
	struct axvcpu_region *old, *new = NULL;
	unsigned int i;
	int err;

	err = axvcpu_region_check(mr, axvcpu_s2_phys_bits(vm->s2.fmt));
	if (err)
		return err;

	if (mr->size) {
		new = region_pin(mr);
		if (IS_ERR(new))
			return PTR_ERR(new);
	}

	mutex_lock(&vm->lock);
	old = vm->regions[mr->slot];
	if (!new && !old) {
		err = -ENOENT;
		goto out;
	}
	for (i = 0; new && i < AXVCPU_MAX_MEM_REGIONS; i++) {
		struct axvcpu_region *r = vm->regions[i];

		if (r && i != mr->slot &&
		    axvcpu_region_overlaps(r, new->gpa, new->size)) {
			err = -EEXIST;
			goto out;
		}
	}
	if (old) {
		region_unmap(vm, old);
		vm->be->ops->vm_flush_s2(vm);
	}
	if (new) {
		err = region_map(vm, new);
		if (err) {
			/*
			 * Out of table memory: put the old region back. That
			 * allocates nothing (tables live as long as the VM),
			 * so it cannot fail.
			 */
			region_unmap(vm, new);
			vm->be->ops->vm_flush_s2(vm);
			if (old)
				region_map(vm, old);
			goto out;
		}
	}
	vm->regions[mr->slot] = new;
	new = old;
	err = 0;
out:
	mutex_unlock(&vm->lock);
	if (new)
		region_free(new);
	return err;
}

/**
 * axvcpu_vm_free_regions() - unpin every region of a dying VM
 * @vm: a VM that no vCPU can run any more.
 */
void axvcpu_vm_free_regions(struct axvcpu_vm *vm)
{
	unsigned int i;

	for (i = 0; i < AXVCPU_MAX_MEM_REGIONS; i++) {
		if (vm->regions[i])
			region_free(vm->regions[i]);
		vm->regions[i] = NULL;
	}
}

/**
 * axvcpu_vm_find_region() - the region containing a guest address
 * @vm: the VM, with @vm->lock held.
 * @gpa: guest-physical address.
 *
 * Return: the region or NULL.
 */
struct axvcpu_region *axvcpu_vm_find_region(struct axvcpu_vm *vm, u64 gpa)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < AXVCPU_MAX_MEM_REGIONS; i++) {
		struct axvcpu_region *r = vm->regions[i];

		if (r && gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

/**
 * axvcpu_vm_read_guest() - copy guest memory into the kernel
 * @vm: the VM.
 * @gpa: guest-physical address.
 * @buf: destination.
 * @len: bytes; the range may cross pages and regions.
 *
 * Context: may sleep; takes @vm->lock.
 * Return: 0, or -EFAULT if part of the range is outside every region.
 */
int axvcpu_vm_read_guest(struct axvcpu_vm *vm, u64 gpa, void *buf, size_t len)
{
	int err = 0;

	mutex_lock(&vm->lock);
	while (len) {
		struct axvcpu_region *r = axvcpu_vm_find_region(vm, gpa);
		size_t off = offset_in_page(gpa), n = min_t(size_t, len, PAGE_SIZE - off);

		if (!r) {
			err = -EFAULT;
			break;
		}
		memcpy_from_page(buf, r->pages[(gpa - r->gpa) >> PAGE_SHIFT], off, n);
		buf += n;
		gpa += n;
		len -= n;
	}
	mutex_unlock(&vm->lock);
	return err;
}
