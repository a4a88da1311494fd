// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture-independent part of exit handling: the payloads of the
 * exits every backend produces, and the classification of a stage-2
 * fault against the VM's memory regions. A backend reads the fault
 * address from its hardware, calls axvcpu_gpa_fault(), and decodes the
 * instruction only for what is left: an MMIO access.
 */
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "axvcpu.h"

/**
 * axvcpu_exit_internal_error() - fill an INTERNAL_ERROR exit
 * @run: the run page.
 * @suberror: AXVCPU_INTERNAL_*.
 * @d0: data[0].
 * @d1: data[1].
 *
 * Return: %AXVCPU_EXIT_INTERNAL_ERROR.
 */
int axvcpu_exit_internal_error(struct axvcpu_run *run, u32 suberror, u64 d0,
			       u64 d1)
{
	memset(&run->internal, 0, sizeof(run->internal));
	run->internal.suberror = suberror;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	return AXVCPU_EXIT_INTERNAL_ERROR;
}

/**
 * axvcpu_exit_npf() - fill a NESTED_PAGE_FAULT exit
 * @run: the run page.
 * @gpa: the guest-physical address.
 * @access: AXVCPU_ACCESS_*.
 *
 * Return: %AXVCPU_EXIT_NESTED_PAGE_FAULT.
 */
int axvcpu_exit_npf(struct axvcpu_run *run, u64 gpa, u32 access)
{
	memset(&run->npf, 0, sizeof(run->npf));
	run->npf.addr = gpa;
	run->npf.access = access;
	return AXVCPU_EXIT_NESTED_PAGE_FAULT;
}

/**
 * axvcpu_exit_mmio_read() - fill an MMIO_READ exit
 * @vcpu: the vCPU.
 * @gpa: the guest-physical address.
 * @width: bytes read, 1, 2, 4 or 8.
 * @reg: destination register, in the backend's numbering.
 * @reg_width: bytes of the destination register the completion writes,
 *	1, 2, 4 or 8.
 * @sign: the value is sign-extended from @width bytes.
 *
 * The access goes to the run page for the VMM and to @vcpu->mmio_read
 * for the completion: the run page is the VMM's to write, so the
 * completion takes only the value from it (axvcpu_mmio_read_value()),
 * never the width, register or extension, as KVM completes from its own
 * vcpu->mmio_* fields.
 *
 * Return: %AXVCPU_EXIT_MMIO_READ.
 */
int axvcpu_exit_mmio_read(struct axvcpu_vcpu *vcpu, u64 gpa, u32 width,
			  u32 reg, u32 reg_width, bool sign)
{
	struct axvcpu_exit_mmio *m = &vcpu->mmio_read;

	memset(m, 0, sizeof(*m));
	m->addr = gpa;
	m->width = width;
	m->reg = reg;
	m->reg_width = reg_width;
	m->signed_ext = sign;
	vcpu->run->mmio = *m;
	return AXVCPU_EXIT_MMIO_READ;
}

/**
 * axvcpu_exit_mmio_write() - fill an MMIO_WRITE exit
 * @run: the run page.
 * @gpa: the guest-physical address.
 * @width: bytes written, 1, 2, 4 or 8.
 * @data: the value stored; only its low @width bytes are reported.
 *
 * Return: %AXVCPU_EXIT_MMIO_WRITE.
 */
int axvcpu_exit_mmio_write(struct axvcpu_run *run, u64 gpa, u32 width,
			   u64 data)
{
	memset(&run->mmio, 0, sizeof(run->mmio));
	run->mmio.addr = gpa;
	run->mmio.width = width;
	run->mmio.data = width < 8 ? data & (BIT_ULL(width * 8) - 1) : data;
	return AXVCPU_EXIT_MMIO_WRITE;
}

/* A guest access to a region whose page cannot be brought in. */
static int exit_memory_fault(struct axvcpu_run *run, u64 gpa, u32 access,
			     int err)
{
	run->memory_fault.addr = gpa;
	run->memory_fault.access = access;
	run->memory_fault.error = -err;
	return AXVCPU_EXIT_MEMORY_FAULT;
}

/**
 * axvcpu_gpa_fault() - handle a stage-2 fault against the VM's regions
 * @vcpu: the vCPU that faulted.
 * @run: the run page.
 * @gpa: the guest-physical address of the fault.
 * @access: AXVCPU_ACCESS_READ, _WRITE or _EXEC: the access that faulted.
 * @walk: the access was the guest's own page-table walk, not its data.
 *
 * In a region, the page is mapped on demand (axvcpu_region_fault()); a
 * walk may need to set an accessed or dirty flag, so it is mapped as for
 * a write (as KVM treats S1PTW faults). A write to a read-only region
 * whose page is mapped already is a nested page fault. Outside every
 * region, a fetch and a walk are nested page faults, the rest is MMIO.
 *
 * Context: the vCPU's mutex held (in its exit handler); looks the region
 * up in an SRCU read section of the VM's regions, without the VM's lock
 * unless the regions are changing; may sleep.
 *
 * Return: %AXVCPU_EXIT_NOTHING if the guest can run on (the page is
 * mapped now, or the fault raced with a change); %AXVCPU_EXIT_NESTED_PAGE_FAULT
 * or %AXVCPU_EXIT_MEMORY_FAULT with its payload; or %AXVCPU_GPA_MMIO for
 * an MMIO access, which the backend decodes.
 */
int axvcpu_gpa_fault(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		     u64 gpa, u32 access, bool walk)
{
	struct axvcpu_vm *vm = vcpu->vm;
	bool write = walk || access == AXVCPU_ACCESS_WRITE;
	struct axvcpu_region *r;
	int ret = AXVCPU_EXIT_NOTHING, err, idx;
	u64 entry;

	lockdep_assert_held(&vcpu->mutex);
	idx = srcu_read_lock(&vm->srcu);
	r = axvcpu_vm_find_region(vm, gpa);
	if (!r) {
		ret = AXVCPU_GPA_MMIO;
	} else if ((r->flags & AXVCPU_MEM_READONLY) && write &&
		   axvcpu_s2_lookup(&vm->s2, gpa, &entry)) {
		ret = axvcpu_exit_npf(run, gpa, AXVCPU_ACCESS_WRITE);
	} else if (!(r->flags & AXVCPU_MEM_PINNED)) {
		err = axvcpu_region_fault(vm, r, gpa,
					  write && !(r->flags & AXVCPU_MEM_READONLY),
					  &vcpu->s2_cache);
		if (err)
			ret = exit_memory_fault(run, gpa, access, err);
		else
			axvcpu_stat_inc(&vcpu->stats.s2_faults);
	}
	srcu_read_unlock(&vm->srcu, idx);

	if (r)
		return ret;
	if (walk)
		return axvcpu_exit_npf(run, gpa, access == AXVCPU_ACCESS_WRITE ?
				       AXVCPU_ACCESS_WRITE : AXVCPU_ACCESS_READ);
	if (access == AXVCPU_ACCESS_EXEC)
		return axvcpu_exit_npf(run, gpa, AXVCPU_ACCESS_EXEC);
	return AXVCPU_GPA_MMIO;
}

/**
 * axvcpu_tags_get() - allocate a translation tag (VMID, VPID)
 * @ida: the tag space.
 * @max: the largest tag the hardware has; 0 if it has none.
 *
 * Tag 0 is never allocated: it stands for "no tag" (shared, flushed at
 * every switch), which is what a hardware without tags uses.
 *
 * Return: a tag in 1 .. @max, 0 if @max is 0, or -ENOSPC when all are in
 * use (-ENOMEM).
 */
int axvcpu_tags_get(struct ida *ida, unsigned int max)
{
	return max ? ida_alloc_range(ida, 1, max, GFP_KERNEL) : 0;
}

/**
 * axvcpu_tags_put() - free a tag from axvcpu_tags_get()
 * @ida: the tag space.
 * @tag: the tag; 0 is ignored.
 */
void axvcpu_tags_put(struct ida *ida, unsigned int tag)
{
	if (tag)
		ida_free(ida, tag);
}
