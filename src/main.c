// SPDX-License-Identifier: GPL-2.0
/*
 * axvcpu: virtual CPUs for userspace VMMs through /dev/axvcpu.
 *
 * Module load: probe the backend (hw.c) and register the device (dev.c).
 *
 * The core's files depend on each other one way, from the module down
 * to the backend: main.c -> dev.c (/dev/axvcpu) -> vm_fd.c (VM fd) ->
 * vcpu_fd.c (vCPU fd) -> vm.c (VM object) -> vcpu.c (vCPU state machine),
 * mem.c (regions), stage2.c (tables) -> hw.c (the backend, per-CPU
 * virtualization). exit.c and hal.c are libraries the backends call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "axvcpu.h"

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
/* The one place the version is set: dkms.conf reads it from here. */
MODULE_VERSION("0.1.0");
