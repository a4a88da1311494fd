// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 backend (EL2 with VHE): probe, per-CPU enable (the seed's
 * AxArchPerCpu), the guest virtual timer's interrupt, VMIDs and stage-2
 * TLB maintenance, and the backend table the core plugs in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>
#include <asm/virt.h>

#include <clocksource/arm_arch_timer.h>

#include "vhe.h"

static bool kvm_coexist;
module_param(kvm_coexist, bool, 0444);
MODULE_PARM_DESC(kvm_coexist,
		 "arm64: load next to an initialised KVM, sharing its guest vtimer interrupt");

u64 axvcpu_vhe_host_vbar;
unsigned int axvcpu_vhe_nr_lrs;
unsigned int axvcpu_vhe_nr_aprs;
u64 axvcpu_vhe_vtcr;
/* HCR_EL2 while a guest runs: VHE_GUEST_HCR and what the CPU adds. */
u64 axvcpu_vhe_guest_hcr;
int axvcpu_vhe_vtimer_irq;

/* ID register fields (Arm ARM D23.2), by position: stable ABI. */
#define VHE_MMFR0_PARANGE	GENMASK_ULL(3, 0)
#define VHE_MMFR0_TGRAN4_2	GENMASK_ULL(43, 40)
#define VHE_MMFR1_VMIDBITS	GENMASK_ULL(7, 4)
#define VHE_PFR0_GIC		GENMASK_ULL(27, 24)

static bool vtimer_irq_owned;
static DEFINE_PER_CPU(u8, vtimer_cookie);
static u8 vtimer_forwarded;	/* any non-NULL vcpu_info marks it forwarded */

/* ------------------------------------------------------ vtimer interrupt */

/*
 * The guest's timer fired while it ran (or right before): the interrupt
 * made it exit, and being forwarded it stays active until the guest EOIs
 * the hardware list register vgic.c gives it. Nothing else to do.
 */
static irqreturn_t vtimer_isr(int irq, void *cookie)
{
	return IRQ_HANDLED;
}

static int vtimer_irq_init(void)
{
	struct device_node *np;
	int irq, r;

	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	if (!np) {
		pr_info("no arm,armv8-timer node: cannot route the guest's virtual timer\n");
		return -ENODEV;
	}
	irq = irq_of_parse_and_map(np, 2);	/* the EL1 virtual timer */
	of_node_put(np);
	if (irq <= 0) {
		pr_info("no EL1 virtual timer interrupt in the device tree\n");
		return -ENODEV;
	}
	axvcpu_vhe_vtimer_irq = irq;

	r = request_percpu_irq(irq, vtimer_isr, "axvcpu guest vtimer",
			       &vtimer_cookie);
	if (r == -EBUSY && kvm_coexist) {
		pr_info("sharing the guest vtimer interrupt with KVM (kvm_coexist=1)\n");
		return 0;
	}
	if (r == -EBUSY) {
		pr_warn("KVM owns the guest timer interrupt and EL2 guest state (boot with kvm-arm.mode=none, or load with kvm_coexist=1)\n");
		return -EBUSY;
	}
	if (r)
		return r;
	/* Priority drop only at the host's EOI: the guest deactivates it. */
	r = irq_set_vcpu_affinity(irq, &vtimer_forwarded);
	if (r) {
		free_percpu_irq(irq, &vtimer_cookie);
		return r;
	}
	vtimer_irq_owned = true;
	return 0;
}

static void vtimer_irq_exit(void)
{
	if (!vtimer_irq_owned)
		return;
	irq_set_vcpu_affinity(axvcpu_vhe_vtimer_irq, NULL);
	free_percpu_irq(axvcpu_vhe_vtimer_irq, &vtimer_cookie);
	vtimer_irq_owned = false;
}

/* ----------------------------------------------------------- per CPU */

static int vhe_hardware_enable(void)
{
	if (!is_kernel_in_hyp_mode()) {
		pr_warn("CPU%d: not at EL2 with VHE\n", smp_processor_id());
		return -ENODEV;
	}
	if (vtimer_irq_owned)
		enable_percpu_irq(axvcpu_vhe_vtimer_irq, IRQ_TYPE_NONE);
	return 0;
}

static void vhe_hardware_disable(void)
{
	if (vtimer_irq_owned)
		disable_percpu_irq(axvcpu_vhe_vtimer_irq);
}

static const struct axvcpu_percpu_ops vhe_percpu_ops = {
	.hardware_enable	= vhe_hardware_enable,
	.hardware_disable	= vhe_hardware_disable,
};

/* ---------------------------------------------------------------- VMs */

/*
 * Every VM of axvcpu uses VMID 0, which KVM reserves and never gives to
 * a guest (arch/arm64/kvm/vmid.c), so neither hypervisor's guests can
 * hit the other's entries; among our own VMs a bind flushes VMID 0
 * whenever another vCPU may have left entries on the CPU.
 */
int axvcpu_arm64_vm_init(struct axvcpu_vm *vm)
{
	struct vhe_vm *vvm = vm->arch;

	vvm->vttbr = vm->s2.root;
	/*
	 * One virtual counter for the VM, zero at its creation: every vCPU
	 * has the same CNTVOFF_EL2, whenever it is set up, so the guest's
	 * CPUs agree on the time (KVM: one offset per VM, kvm_timer_init_vm()).
	 */
	vvm->cntvoff = arch_timer_read_counter();
	return 0;
}

/*
 * Run a stage-2 TLB invalidation for the VMID of @vttbr. With
 * HCR_EL2.{E2H,TGE} = {1,1} TLBIs of the EL1&0 regime would hit the host's
 * EL2&0 one instead, so TGE is cleared around it, as KVM's
 * __tlb_switch_to_guest() does.
 */
static void flush_vmid(u64 vttbr, bool broadcast)
{
	u64 old_vttbr, hcr;
	unsigned long flags;

	/*
	 * The stage-2 updates that make the flush necessary complete before
	 * it, for every walker it reaches (KVM's __kvm_tlb_flush_vmid():
	 * dsb(ishst) before the TLBI).
	 */
	if (broadcast)
		dsb(ishst);
	else
		dsb(nshst);
	local_irq_save(flags);
	old_vttbr = read_sysreg(vttbr_el2);
	hcr = read_sysreg(hcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	write_sysreg(hcr & ~HCR_TGE, hcr_el2);
	isb();
	if (broadcast) {
		__tlbi(vmalls12e1is);
		dsb(ish);
	} else {
		__tlbi(vmalls12e1);
		dsb(nsh);
	}
	isb();
	write_sysreg(hcr, hcr_el2);
	write_sysreg(old_vttbr, vttbr_el2);
	isb();
	local_irq_restore(flags);
}

/**
 * axvcpu_arm64_flush_vmid_local() - drop this CPU's entries of one VMID
 * @vttbr: a VTTBR_EL2 value naming the VMID.
 */
void axvcpu_arm64_flush_vmid_local(u64 vttbr)
{
	flush_vmid(vttbr, false);
}

void axvcpu_arm64_vm_flush_s2(struct axvcpu_vm *vm)
{
	/* The inner-shareable TLBI reaches every CPU: VMID 0, all our VMs. */
	flush_vmid(0, true);
}

/* -------------------------------------------------------------- probe */

static unsigned int pa_range_bits(unsigned int parange)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return parange < ARRAY_SIZE(bits) ? bits[parange] : 0;
}

static int vhe_probe(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	u64 pfr0 = read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1);
	unsigned int parange, tgran4, pri_bits, vmid_bits;
	u64 vtr;
	int r;

	if (!is_kernel_in_hyp_mode()) {
		pr_info("kernel not running at EL2 with VHE (nVHE or protected KVM owns EL2, or no EL2): cannot run guests\n");
		return -ENODEV;
	}
	if (system_uses_irq_prio_masking()) {
		pr_info("GIC priority masking (pseudo-NMI) in use: not supported\n");
		return -ENODEV;
	}
	if (!FIELD_GET(VHE_PFR0_GIC, pfr0) ||
	    !(read_sysreg_s(SYS_ICC_SRE_EL2) & ICC_SRE_EL2_SRE)) {
		pr_info("no GICv3 system-register interface: cannot inject interrupts\n");
		return -ENODEV;
	}

	/* Stage 2: 4 KiB granule, 40-bit IPA from level 1, PS from PARange. */
	parange = min_t(unsigned int, ID_AA64MMFR0_EL1_PARANGE_48,
			FIELD_GET(VHE_MMFR0_PARANGE, mmfr0));
	tgran4 = FIELD_GET(VHE_MMFR0_TGRAN4_2, mmfr0);
	if (pa_range_bits(parange) < VHE_IPA_BITS ||
	    tgran4 == ID_AA64MMFR0_EL1_TGRAN4_2_NI) {
		pr_info("stage 2 with 4 KiB pages and a %d-bit IPA not supported\n",
			VHE_IPA_BITS);
		return -ENODEV;
	}
	/*
	 * With RAS, the error record registers (ERR*_EL1, ERX*_EL1) are the
	 * host's: trapped (TERR) and undefined for the guest, whose ID
	 * registers show no RAS. KVM sets TERR with TEA; external aborts
	 * stay the guest's here (no TEA) until the module can triage them.
	 */
	axvcpu_vhe_guest_hcr = VHE_GUEST_HCR;
	if (FIELD_GET(ID_AA64PFR0_EL1_RAS, pfr0))
		axvcpu_vhe_guest_hcr |= HCR_TERR;
	vmid_bits = FIELD_GET(VHE_MMFR1_VMIDBITS, mmfr1) == 2 ? 16 : 8;
	axvcpu_vhe_vtcr = VTCR_EL2_RES1 | VTCR_EL2_T0SZ(VHE_IPA_BITS) |
			  (1UL << VTCR_EL2_SL0_SHIFT) | VTCR_EL2_SH0_INNER |
			  VTCR_EL2_ORGN0_WBWA | VTCR_EL2_IRGN0_WBWA |
			  VTCR_EL2_TG0_4K |
			  ((u64)parange << VTCR_EL2_PS_SHIFT) |
			  (vmid_bits == 16 ? VTCR_EL2_VS_16BIT : 0);

	vtr = read_sysreg_s(SYS_ICH_VTR_EL2);
	axvcpu_vhe_nr_lrs = min_t(unsigned int, (vtr & 0xf) + 1, VHE_MAX_LRS);
	pri_bits = ((vtr & ICH_VTR_PRI_BITS_MASK) >> ICH_VTR_PRI_BITS_SHIFT) + 1;
	axvcpu_vhe_nr_aprs = pri_bits > 5 ? 1U << (pri_bits - 5) : 1;
	axvcpu_vhe_host_vbar = read_sysreg(vbar_el1);	/* VBAR_EL2 with E2H */

	r = vtimer_irq_init();
	if (r)
		return r;
	pr_info("EL2 with VHE, GICv3 with %u list registers, %u-bit VMIDs, vtimer irq %d%s\n",
		axvcpu_vhe_nr_lrs, vmid_bits, axvcpu_vhe_vtimer_irq,
		vtimer_irq_owned ? "" : " (KVM's)");
	return 0;
}

const struct axvcpu_backend axvcpu_arm64_backend = {
	.name		= "arm64 VHE",
	.id		= AXVCPU_BACKEND_ARM64_VHE,
	.probe		= vhe_probe,
	.remove		= vtimer_irq_exit,
	.ops		= &axvcpu_arm64_ops,
	.percpu		= &vhe_percpu_ops,
	.s2_format	= &axvcpu_arm64_s2_4k,
	.hal		= &axvcpu_linux_hal,
	.setup_size	= sizeof(struct axvcpu_setup_arm64),
	.setup_flags	= AXVCPU_SETUP_KERNEL_HALT | AXVCPU_SETUP_KERNEL_IPI,
	.vcpu_size	= sizeof(struct vhe_vcpu),
	.vm_size	= sizeof(struct vhe_vm),
};
