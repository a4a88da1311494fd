// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/axvcpu: capability queries and VM creation.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "axvcpu.h"

static int check_cap(struct axvcpu_cap *c)
{
	const struct axvcpu_backend *be = axvcpu_backend;

	if (c->pad)
		return -EINVAL;
	switch (c->cap) {
	case AXVCPU_CAP_BACKEND:
		c->value = be->id;
		break;
	case AXVCPU_CAP_MAX_VCPUS:
		c->value = AXVCPU_MAX_VCPUS;
		break;
	case AXVCPU_CAP_MAX_MEM_REGIONS:
		c->value = AXVCPU_MAX_MEM_REGIONS;
		break;
	case AXVCPU_CAP_GUEST_PT_LEVELS:
		c->value = be->s2_format->levels;
		break;
	case AXVCPU_CAP_RUN_PAGE_SIZE:
		c->value = PAGE_SIZE;
		break;
	case AXVCPU_CAP_MAX_GUEST_PHYS_BITS:
		c->value = axvcpu_s2_phys_bits(be->s2_format);
		break;
	case AXVCPU_CAP_MAX_REGION_SIZE:
		c->value = AXVCPU_MAX_REGION_SIZE;
		break;
	case AXVCPU_CAP_SETUP_FLAGS:
		c->value = be->setup_flags;
		break;
	case AXVCPU_CAP_IRQ_LINE:
		c->value = !!be->ops->vcpu_irq_line;
		break;
	case AXVCPU_CAP_ONE_REG:
		c->value = be->ops->vcpu_get_one_reg && be->ops->vcpu_set_one_reg;
		break;
	case AXVCPU_CAP_STATS_FD:
		c->value = 1;
		break;
	default:
		return be->check_cap ? be->check_cap(c->cap, &c->value) : -EINVAL;
	}
	return 0;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct axvcpu_cap cap;
	int r;

	switch (cmd) {
	case AXVCPU_CHECK_CAP:
		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		r = check_cap(&cap);
		if (!r && copy_to_user(argp, &cap, sizeof(cap)))
			return -EFAULT;
		return r;
	case AXVCPU_CREATE_VM:
		if (arg)
			return -EINVAL;
		return axvcpu_vm_create_fd(axvcpu_backend);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice axvcpu_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "axvcpu",
	.fops	= &dev_fops,
	.mode	= 0600,
};

int axvcpu_dev_register(void)
{
	return misc_register(&axvcpu_dev);
}

void axvcpu_dev_unregister(void)
{
	misc_deregister(&axvcpu_dev);
}
