// SPDX-License-Identifier: GPL-2.0
/*
 * axvcpu: virtual CPUs for userspace VMMs through /dev/axvcpu.
 *
 * Module load: probe the backend and register the device. Virtualization
 * is enabled on every online CPU, from CPU hotplug callbacks (the seed's
 * AxArchPerCpu), only while at least one VM exists, as KVM does with
 * kvm.enable_virt_at_load=0: so the two can take turns in one boot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/module.h>

#include "axvcpu.h"

const struct axvcpu_backend *axvcpu_backend;

static enum cpuhp_state hp_state;
static DEFINE_MUTEX(hw_lock);	/* hw_users, hp_state */
static unsigned int hw_users;

static int axvcpu_cpu_online(unsigned int cpu)
{
	return axvcpu_backend->percpu->hardware_enable();
}

static int axvcpu_cpu_offline(unsigned int cpu)
{
	if (axvcpu_backend->percpu->is_enabled())
		axvcpu_backend->percpu->hardware_disable();
	return 0;
}

static const struct axvcpu_backend *find_backend(void)
{
#if defined(CONFIG_RISCV)
	return &axvcpu_riscv_backend;
#elif defined(CONFIG_ARM64)
	return &axvcpu_arm64_backend;
#elif defined(CONFIG_X86_64)
	return &axvcpu_x86_backend;
#else
	return NULL;
#endif
}

/**
 * axvcpu_hw_get() - have virtualization enabled on every CPU, for a VM
 *
 * The first user enables it on every online CPU (and on CPUs that come
 * online later); if one refuses, none stays enabled.
 *
 * Context: may sleep.
 * Return: 0, or the refusing CPU's errno (-EBUSY: another hypervisor).
 */
int axvcpu_hw_get(void)
{
	int r = 0;

	mutex_lock(&hw_lock);
	if (!hw_users) {
		r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "axvcpu:online",
				      axvcpu_cpu_online, axvcpu_cpu_offline);
		if (r >= 0) {
			hp_state = r;
			r = 0;
		}
	}
	if (!r)
		hw_users++;
	mutex_unlock(&hw_lock);
	return r;
}

/**
 * axvcpu_hw_put() - drop what axvcpu_hw_get() took
 *
 * The last user disables virtualization on every CPU.
 *
 * Context: may sleep.
 */
void axvcpu_hw_put(void)
{
	mutex_lock(&hw_lock);
	if (!--hw_users)
		cpuhp_remove_state(hp_state);
	mutex_unlock(&hw_lock);
}

static void backend_remove(const struct axvcpu_backend *be)
{
	if (be->remove)
		be->remove();
}

static int __init axvcpu_init(void)
{
	const struct axvcpu_backend *be = find_backend();
	int r;

	if (!be) {
		pr_info("no backend for this architecture\n");
		return -ENODEV;
	}
	r = be->probe();
	if (r)
		return r;
	axvcpu_backend = be;

	axvcpu_vcpu_fd_init();
	r = axvcpu_dev_register();
	if (r) {
		axvcpu_vcpu_fd_exit();
		backend_remove(be);
		return r;
	}
	pr_info("%s backend, %s stage 2 (%u guest-physical bits), up to %u vCPUs per VM\n",
		be->name, be->s2_format->name, axvcpu_s2_phys_bits(be->s2_format),
		AXVCPU_MAX_VCPUS);
	return 0;
}

static void __exit axvcpu_exit(void)
{
	axvcpu_dev_unregister();
	axvcpu_vcpu_fd_exit();
	backend_remove(axvcpu_backend);
}

module_init(axvcpu_init);
module_exit(axvcpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Virtual CPUs for userspace VMMs (the AxVCpu design)");
MODULE_AUTHOR("The axvcpu authors");
