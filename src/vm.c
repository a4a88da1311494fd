// SPDX-License-Identifier: GPL-2.0
/*
 * The VM object: its creation, with its stage-2 tables and the backend's
 * part, and its lifetime. A VM lives while its fd or any of its vCPU fds
 * is open (each holds a reference); the last put frees its vCPUs,
 * regions and tables. The fds are in vm_fd.c and vcpu_fd.c.
 */
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/xarray.h>

#include "axvcpu.h"

static DEFINE_IDA(vm_ida);

static void vm_release(struct kref *ref)
{
	struct axvcpu_vm *vm = container_of(ref, struct axvcpu_vm, ref);
	const struct axvcpu_arch_ops *ops = vm->be->ops;
	struct axvcpu_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu) {
		axvcpu_vcpu_destroy(vcpu);
		free_page((unsigned long)vcpu->run);
		kfree(vcpu);
	}
	xa_destroy(&vm->vcpus);
	/* No vCPU can run: flush before the pages are unpinned or freed. */
	ops->vm_flush_s2(vm);
	axvcpu_vm_free_regions(vm);
	axvcpu_s2_destroy(&vm->s2);
	if (ops->vm_destroy)
		ops->vm_destroy(vm);
	kfree(vm->arch);
	ida_free(&vm_ida, vm->id);
	cleanup_srcu_struct(&vm->srcu);
	mutex_destroy(&vm->mmu_lock);
	mutex_destroy(&vm->lock);
	mmdrop(vm->mm);
	kfree(vm);
	axvcpu_hw_put();
}

/**
 * axvcpu_vm_put() - drop a reference on a VM
 * @vm: the VM.
 *
 * Context: may sleep (the last put frees the VM).
 */
void axvcpu_vm_put(struct axvcpu_vm *vm)
{
	kref_put(&vm->ref, vm_release);
}

/**
 * axvcpu_vm_create() - create a VM with one reference
 * @be: the backend.
 *
 * The first VM turns virtualization on, on every CPU.
 *
 * Context: may sleep.
 * Return: the VM, or an ERR_PTR (-EBUSY: KVM has the hardware now).
 */
struct axvcpu_vm *axvcpu_vm_create(const struct axvcpu_backend *be)
{
	struct axvcpu_vm *vm;
	int id, err;

	/* Virtualization is on while VMs exist (-EBUSY: KVM has it now). */
	err = axvcpu_hw_get();
	if (err)
		return ERR_PTR(err);
	err = -ENOMEM;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		goto err_hw;
	id = ida_alloc(&vm_ida, GFP_KERNEL);
	if (id < 0) {
		err = id;
		goto err_vm;
	}
	err = init_srcu_struct(&vm->srcu);
	if (err)
		goto err_id;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	mutex_init(&vm->mmu_lock);
	seqcount_init(&vm->gpa_seq);
	xa_init(&vm->vcpus);
	xa_init(&vm->slots);
	mt_init(&vm->gpa_tree);
	vm->id = id;
	vm->be = be;
	vm->mm = current->mm;
	mmgrab(vm->mm);
	vm->pid = task_tgid_nr(current);

	vm->arch = kzalloc(be->vm_size, GFP_KERNEL_ACCOUNT);
	if (!vm->arch) {
		err = -ENOMEM;
		goto err_alloc;
	}
	err = axvcpu_s2_init(&vm->s2, be->s2_format, be->hal);
	if (err)
		goto err_s2;
	err = be->ops->vm_init(vm);
	if (err)
		goto err_arch;
	return vm;

err_arch:
	axvcpu_s2_destroy(&vm->s2);
err_s2:
	kfree(vm->arch);
err_alloc:
	cleanup_srcu_struct(&vm->srcu);
	mutex_destroy(&vm->mmu_lock);
	mutex_destroy(&vm->lock);
	mmdrop(vm->mm);
err_id:
	ida_free(&vm_ida, id);
err_vm:
	kfree(vm);
err_hw:
	axvcpu_hw_put();
	return ERR_PTR(err);
}
