// SPDX-License-Identifier: GPL-2.0
/*
 * The mock backend (KUnit only): records every arch call, fails the one it
 * is told to, and "runs" the guest by returning a chosen exit.
 */
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "mock.h"

static int record(struct axvcpu_vcpu *vcpu, enum mock_op op)
{
	struct axvcpu_mock *m = vcpu->arch;

	m->calls[op]++;
	if (m->norder < ARRAY_SIZE(m->order))
		m->order[m->norder++] = op;
	return m->fail == op ? -EIO : 0;
}

static int mock_vm_init(struct axvcpu_vm *vm)
{
	return 0;
}

static void mock_vm_nop(struct axvcpu_vm *vm)
{
}

static int mock_vcpu_create(struct axvcpu_vcpu *vcpu)
{
	struct axvcpu_mock *m = vcpu->arch;

	m->fail = -1;
	m->exit = AXVCPU_EXIT_HALT;
	return 0;
}

static int mock_set_entry(struct axvcpu_vcpu *vcpu, u64 entry)
{
	return record(vcpu, MOCK_SET_ENTRY);
}

static int mock_setup(struct axvcpu_vcpu *vcpu, const struct axvcpu_setup *cfg)
{
	return record(vcpu, MOCK_SETUP);
}

static int mock_bind(struct axvcpu_vcpu *vcpu)
{
	((struct axvcpu_mock *)vcpu->arch)->tlb_clean_at_bind = vcpu->tlb_clean;
	return record(vcpu, MOCK_BIND);
}

static int mock_unbind(struct axvcpu_vcpu *vcpu)
{
	return record(vcpu, MOCK_UNBIND);
}

static int mock_run(struct axvcpu_vcpu *vcpu)
{
	struct axvcpu_mock *m = vcpu->arch;

	m->irqs_off_in_run = irqs_disabled();
	m->in_guest_in_run = READ_ONCE(vcpu->in_guest);
	return record(vcpu, MOCK_RUN);
}

static int mock_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	return ((struct axvcpu_mock *)vcpu->arch)->exit;
}

static int mock_complete_read(struct axvcpu_vcpu *vcpu, u32 reason,
			      struct axvcpu_run *run)
{
	return 0;
}

static void mock_get_regs(struct axvcpu_vcpu *vcpu, struct axvcpu_regs *regs)
{
}

static int mock_set_regs(struct axvcpu_vcpu *vcpu, const struct axvcpu_regs *regs)
{
	return 0;
}

static int mock_inject(struct axvcpu_vcpu *vcpu, u32 vector)
{
	return 0;
}

static void mock_set_return_value(struct axvcpu_vcpu *vcpu, u64 val)
{
}

static const struct axvcpu_arch_ops mock_ops = {
	.vm_init		= mock_vm_init,
	.vm_destroy		= mock_vm_nop,
	.vm_flush_s2		= mock_vm_nop,
	.vcpu_create		= mock_vcpu_create,
	.vcpu_set_entry		= mock_set_entry,
	.vcpu_setup		= mock_setup,
	.vcpu_bind		= mock_bind,
	.vcpu_unbind		= mock_unbind,
	.vcpu_run		= mock_run,
	.vcpu_handle_exit	= mock_handle_exit,
	.vcpu_complete_read	= mock_complete_read,
	.vcpu_get_regs		= mock_get_regs,
	.vcpu_set_regs		= mock_set_regs,
	.vcpu_inject_interrupt	= mock_inject,
	.vcpu_set_return_value	= mock_set_return_value,
};

atomic_t axvcpu_fake_hal_frames = ATOMIC_INIT(0);

static phys_addr_t fake_alloc_frames(unsigned int order)
{
	phys_addr_t pa = axvcpu_linux_hal.alloc_frames(order);

	if (pa)
		atomic_add(1 << order, &axvcpu_fake_hal_frames);
	return pa;
}

static void fake_dealloc_frames(phys_addr_t pa, unsigned int order)
{
	atomic_sub(1 << order, &axvcpu_fake_hal_frames);
	axvcpu_linux_hal.dealloc_frames(pa, order);
}

static void *fake_phys_to_virt(phys_addr_t pa)
{
	return axvcpu_linux_hal.phys_to_virt(pa);
}

static phys_addr_t fake_virt_to_phys(void *va)
{
	return axvcpu_linux_hal.virt_to_phys(va);
}

const struct axvcpu_hal axvcpu_fake_hal = {
	.alloc_frames	= fake_alloc_frames,
	.dealloc_frames	= fake_dealloc_frames,
	.phys_to_virt	= fake_phys_to_virt,
	.virt_to_phys	= fake_virt_to_phys,
};

const struct axvcpu_backend axvcpu_mock_backend = {
	.name		= "mock",
	.id		= 0,
	.ops		= &mock_ops,
	.hal		= &axvcpu_fake_hal,
	.vcpu_size	= sizeof(struct axvcpu_mock),
};

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of axvcpu");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
