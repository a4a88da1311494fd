// SPDX-License-Identifier: GPL-2.0
/*
 * axvcpu: virtual CPUs for userspace VMMs through /dev/axvcpu.
 *
 * Module load: probe the backend, enable virtualization on every online
 * CPU from CPU hotplug callbacks (the seed's AxArchPerCpu), then register
 * the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/module.h>

#include "axvcpu.h"

const struct axvcpu_backend *axvcpu_backend;

static enum cpuhp_state hp_state;

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

	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "axvcpu:online",
			      axvcpu_cpu_online, axvcpu_cpu_offline);
	if (r < 0) {
		backend_remove(be);
		return r;
	}
	hp_state = r;

	axvcpu_vcpu_fd_init();
	r = axvcpu_dev_register();
	if (r) {
		axvcpu_vcpu_fd_exit();
		cpuhp_remove_state(hp_state);
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
	cpuhp_remove_state(hp_state);
	backend_remove(axvcpu_backend);
}

module_init(axvcpu_init);
module_exit(axvcpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Virtual CPUs for userspace VMMs (the AxVCpu design)");
MODULE_AUTHOR("The axvcpu authors");
