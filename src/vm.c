// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: the VM fd, its memory regions and its vCPUs. A VM lives while its
 * fd or any of its vCPU fds is open; the last put frees everything.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "axvcpu.h"

static DEFINE_IDA(vm_ida);

static void vm_release(struct kref *ref)
{
	struct axvcpu_vm *vm = container_of(ref, struct axvcpu_vm, ref);
	const struct axvcpu_arch_ops *ops = vm->be->ops;
	unsigned int i;

	for (i = 0; i < AXVCPU_MAX_VCPUS; i++) {
		struct axvcpu_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		axvcpu_vcpu_destroy(vcpu);
		free_page((unsigned long)vcpu->run);
		kfree(vcpu);
	}
	/* No vCPU can run: flush before the pages are unpinned. */
	ops->vm_flush_s2(vm);
	axvcpu_vm_free_regions(vm);
	axvcpu_s2_destroy(&vm->s2);
	ops->vm_destroy(vm);
	ida_free(&vm_ida, vm->id);
	mutex_destroy(&vm->lock);
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

static long vm_create_vcpu(struct axvcpu_vm *vm, unsigned long id)
{
	if (id >= AXVCPU_MAX_VCPUS)
		return -EINVAL;
	return axvcpu_vcpu_create_fd(vm, id);
}

static long vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct axvcpu_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;
	struct axvcpu_memory_region mr;

	switch (cmd) {
	case AXVCPU_VM_SET_MEMORY_REGION:
		if (copy_from_user(&mr, argp, sizeof(mr)))
			return -EFAULT;
		return axvcpu_vm_set_region(vm, &mr);
	case AXVCPU_VM_CREATE_VCPU:
		return vm_create_vcpu(vm, arg);
	default:
		return -ENOTTY;
	}
}

static int vm_release_fd(struct inode *inode, struct file *file)
{
	axvcpu_vm_put(file->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vm_release_fd,
	.unlocked_ioctl	= vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * axvcpu_vm_create_fd() - create a VM and return an fd for it
 * @be: the backend.
 *
 * Return: the fd or a negative errno.
 */
int axvcpu_vm_create_fd(const struct axvcpu_backend *be)
{
	struct axvcpu_vm *vm;
	int id, fd, err;

	/* Virtualization is on while VMs exist (-EBUSY: KVM has it now). */
	err = axvcpu_hw_get();
	if (err)
		return err;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		axvcpu_hw_put();
		return -ENOMEM;
	}
	id = ida_alloc(&vm_ida, GFP_KERNEL);
	if (id < 0) {
		kfree(vm);
		axvcpu_hw_put();
		return id;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->id = id;
	vm->be = be;

	err = axvcpu_s2_init(&vm->s2, be->s2_format, be->hal);
	if (err)
		goto err_s2;
	err = be->ops->vm_init(vm);
	if (err)
		goto err_arch;

	fd = anon_inode_getfd("axvcpu-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		axvcpu_vm_put(vm);
	return fd;

err_arch:
	axvcpu_s2_destroy(&vm->s2);
err_s2:
	ida_free(&vm_ida, id);
	mutex_destroy(&vm->lock);
	kfree(vm);
	axvcpu_hw_put();
	return err;
}
