// SPDX-License-Identifier: GPL-2.0
/*
 * The riscv64 backend: probe for the H extension, per-CPU enable (the
 * seed's AxArchPerCpu), VMIDs and G-stage TLB maintenance, and the
 * backend table the core plugs in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/csr.h>
#include <asm/hwcap.h>
#include <asm/insn-def.h>
#include <asm/vector.h>

#include "hfence.h"
#include "rvh.h"

bool axvcpu_riscv_has_sstc;
bool axvcpu_riscv_vmid0_shared;

/* ----------------------------------------------------------- per CPU */

/*
 * KVM programs hedeleg while it has virtualization enabled on a CPU
 * (kvm_arch_enable_virtualization_cpu()); a nonzero hedeleg means another
 * hypervisor owns this hart's H-extension state.
 */
static int rvh_hardware_enable(void)
{
	if (csr_read(CSR_HEDELEG)) {
		pr_warn_ratelimited("CPU%d: hypervisor CSRs in use (KVM with virtualization enabled? boot with kvm.enable_virt_at_load=0)\n",
				    smp_processor_id());
		return -EBUSY;
	}
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HGATP, 0);
	csr_clear(CSR_HIE, RVH_HIDELEG);
	return 0;
}

static void rvh_hardware_disable(void)
{
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HGATP, 0);
}

static const struct axvcpu_percpu_ops rvh_percpu_ops = {
	.hardware_enable	= rvh_hardware_enable,
	.hardware_disable	= rvh_hardware_disable,
};

/* ---------------------------------------------------------------- VMs */

/*
 * Every VM of axvcpu uses VMID 0 (see riscv.rst, "VMIDs and TLBs"): KVM
 * never gives it out where it uses VMIDs, so its guests and ours cannot
 * hit each other's entries; among our own VMs, a bind flushes VMID 0
 * whenever another vCPU may have left entries on the hart.
 */
int axvcpu_riscv_vm_init(struct axvcpu_vm *vm)
{
	struct rvh_vm *rvm = vm->arch;

	rvm->hgatp = (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) |
		     (vm->s2.root >> 12);
	return 0;
}

static void flush_vmid0(void *unused)
{
	rvh_hfence_gvma_vmid(0);
}

void axvcpu_riscv_vm_flush_s2(struct axvcpu_vm *vm)
{
	/* The IPI also makes a vCPU of this VM in guest mode exit. */
	on_each_cpu(flush_vmid0, NULL, 1);
}

/* -------------------------------------------------------------- probe */

static int rvh_probe(void)
{
	unsigned long hgatp, vmid_bits;

	if (!riscv_isa_extension_available(NULL, h)) {
		pr_info("no H extension: cannot run guests\n");
		return -ENODEV;
	}
	/* Sv39x4 support and VMID width, probed as arch/riscv/kvm does. */
	csr_write(CSR_HGATP, (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) | HGATP_VMID);
	hgatp = csr_read(CSR_HGATP);
	csr_write(CSR_HGATP, 0);
	if ((hgatp >> HGATP_MODE_SHIFT) != HGATP_MODE_SV39X4) {
		pr_info("G-stage Sv39x4 not supported\n");
		return -ENODEV;
	}
	vmid_bits = fls_long((hgatp & HGATP_VMID) >> HGATP_VMID_SHIFT);
	/* KVM's own rule for giving every VM VMID 0 (kvm/vmid.c). */
	axvcpu_riscv_vmid0_shared = (1UL << vmid_bits) < num_possible_cpus() ||
				    !vmid_bits;
	asm volatile(HFENCE_GVMA(zero, zero) : : : "memory");
	axvcpu_riscv_has_sstc = riscv_isa_extension_available(NULL, SSTC);
	axvcpu_riscv_has_fp = IS_ENABLED(CONFIG_FPU) &&
			      riscv_isa_extension_available(NULL, f) &&
			      riscv_isa_extension_available(NULL, d);
	/* Vector state the kernel can save (its own user V support). */
	axvcpu_riscv_has_v = IS_ENABLED(CONFIG_RISCV_ISA_V) && has_vector() &&
			     riscv_isa_extension_available(NULL, v) &&
			     riscv_v_vsize;
	pr_info("H extension, %lu-bit VMIDs (%s), Sstc %s, guest FP %s, vector %s\n",
		vmid_bits, axvcpu_riscv_vmid0_shared ?
		"shared with KVM's guests: flushed at every bind" : "VMID 0 ours",
		axvcpu_riscv_has_sstc ?
		"present (SBI TIME in vstimecmp)" : "absent (SBI TIME not supported)",
		axvcpu_riscv_has_fp ? "on" : "off", axvcpu_riscv_has_v ? "on" : "off");
	return 0;
}

/* AXVCPU_CAP_RISCV_ISA: what the guest gets of the host's ISA. */
static int rvh_check_cap(u32 cap, u64 *value)
{
	static const char letters[] = "imac";
	u64 isa = 0;
	unsigned int i;

	if (cap != AXVCPU_CAP_RISCV_ISA)
		return -EINVAL;
	for (i = 0; letters[i]; i++)
		if (__riscv_isa_extension_available(NULL, letters[i] - 'a'))
			isa |= BIT_ULL(letters[i] - 'a');
	if (axvcpu_riscv_has_fp)
		isa |= BIT_ULL('f' - 'a') | BIT_ULL('d' - 'a');
	if (axvcpu_riscv_has_v)
		isa |= BIT_ULL('v' - 'a');
	if (axvcpu_riscv_has_sstc)
		isa |= AXVCPU_RISCV_ISA_SSTC;
	*value = isa;
	return 0;
}

const struct axvcpu_backend axvcpu_riscv_backend = {
	.name		= "riscv64 H extension",
	.id		= AXVCPU_BACKEND_RISCV_H,
	.probe		= rvh_probe,
	.ops		= &axvcpu_riscv_ops,
	.percpu		= &rvh_percpu_ops,
	.s2_format	= &axvcpu_riscv_sv39x4,
	.hal		= &axvcpu_linux_hal,
	.setup_size	= sizeof(struct axvcpu_setup_riscv),
	.vcpu_size	= sizeof(struct rvh_vcpu),
	.vm_size	= sizeof(struct rvh_vm),
	.setup_flags	= AXVCPU_SETUP_KERNEL_HALT | AXVCPU_SETUP_KERNEL_IPI,
	.check_cap	= rvh_check_cap,
};
