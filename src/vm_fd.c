// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: its ioctls (memory regions, vCPU creation). It holds one
 * reference on its VM (vm.c).
 */
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "axvcpu.h"

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
	int r;

	/* The regions' addresses are in vm->mm: as KVM 6.12, EIO elsewhere. */
	if (vm->mm != current->mm)
		return -EIO;
	switch (cmd) {
	case AXVCPU_VM_SET_MEMORY_REGION:
		if (copy_from_user(&mr, argp, sizeof(mr)))
			return -EFAULT;
		r = axvcpu_vm_set_region(vm, &mr);
		if (!r)
			atomic64_inc(&vm->stats.regions_set);
		return r;
	case AXVCPU_VM_CREATE_VCPU:
		return vm_create_vcpu(vm, arg);
	case AXVCPU_VM_GET_STATS_FD:
		return axvcpu_vm_stats_fd(vm);
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
	struct axvcpu_vm *vm = axvcpu_vm_create(be);
	int fd;

	if (IS_ERR(vm))
		return PTR_ERR(vm);
	fd = anon_inode_getfd("axvcpu-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		axvcpu_vm_put(vm);
	return fd;
}
