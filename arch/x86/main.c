// SPDX-License-Identifier: GPL-2.0
/*
 * The x86_64 backend (Intel VMX): probe from the VMX capability MSRs,
 * VMXON per CPU (the seed's AxArchPerCpu), VMXOFF on reboot and crash,
 * VPIDs, EPT invalidation, and the backend table the core plugs in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/reboot.h>
#include <asm/tsc.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "pgtable.h"
#include "vmcs.h"
#include "vmx.h"

struct vmx_caps axvcpu_vmx_caps;

static DEFINE_PER_CPU(void *, vmxon_region);
static DEFINE_PER_CPU(bool, vmx_enabled);
static DEFINE_PER_CPU(u64, last_vm_id);	/* axvcpu_vmx_switch_vm() */
static atomic_t vmx_cpus;	/* CPUs in VMX operation */
static DEFINE_IDA(vpid_ida);

/* ------------------------------------------------------------- controls */

/*
 * A control word from a capability MSR: the low half says which bits must
 * be 1, the high half which may be 1. Fails if a @want bit is not allowed.
 */
static int adjust_controls(u32 msr, u32 want, u32 optional, u32 *out)
{
	u32 must, may;

	rdmsr(msr, must, may);
	if (want & ~may) {
		pr_info("VMX control MSR %#x lacks %#x: cannot run guests\n",
			msr, want & ~may);
		return -ENODEV;
	}
	*out = (want | (optional & may) | must) & may;
	return 0;
}

static int read_caps(struct vmx_caps *c)
{
	u64 basic, ept_vpid, fixed;
	bool true_ctls;
	int r;

	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	c->revision = basic & 0x7fffffff;
	true_ctls = basic & BIT_ULL(55);
	if (((basic >> 32) & 0x1fff) > PAGE_SIZE || ((basic >> 50) & 0xf) != 6) {
		pr_info("VMCS larger than a page or not write-back: not supported\n");
		return -ENODEV;
	}

	r = adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			    MSR_IA32_VMX_PINBASED_CTLS,
			    PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
			    PIN_BASED_VMX_PREEMPTION_TIMER, &c->pin);
	r = r ?: adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				 MSR_IA32_VMX_PROCBASED_CTLS,
				 CPU_BASED_HLT_EXITING |
				 CPU_BASED_CR8_LOAD_EXITING |
				 CPU_BASED_CR8_STORE_EXITING |
				 CPU_BASED_UNCOND_IO_EXITING |
				 CPU_BASED_MWAIT_EXITING |
				 CPU_BASED_MONITOR_EXITING |
				 CPU_BASED_RDPMC_EXITING |
				 CPU_BASED_MOV_DR_EXITING |
				 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
				 &c->proc);
	r = r ?: adjust_controls(MSR_IA32_VMX_PROCBASED_CTLS2,
				 SECONDARY_EXEC_ENABLE_EPT |
				 SECONDARY_EXEC_UNRESTRICTED_GUEST,
				 SECONDARY_EXEC_ENABLE_VPID |
				 SECONDARY_EXEC_WBINVD_EXITING |
				 SECONDARY_EXEC_ENABLE_RDTSCP |
				 SECONDARY_EXEC_ENABLE_INVPCID,
				 &c->proc2);
	r = r ?: adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				 MSR_IA32_VMX_EXIT_CTLS,
				 VM_EXIT_HOST_ADDR_SPACE_SIZE |
				 VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT |
				 VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER, 0,
				 &c->exit);
	r = r ?: adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				 MSR_IA32_VMX_ENTRY_CTLS,
				 VM_ENTRY_LOAD_IA32_PAT | VM_ENTRY_LOAD_IA32_EFER,
				 0, &c->entry);
	if (r)
		return r;
	/*
	 * CR3 accesses need no exit with EPT; without the TRUE capability
	 * MSRs they may be forced on, and are then emulated.
	 */
	/* IA-32e mode is chosen per guest, on entry. */
	c->entry &= ~VM_ENTRY_IA32E_MODE;

	/* The preemption timer counts TSC >> rate: about 10 ms per entry. */
	if (c->pin & PIN_BASED_VMX_PREEMPTION_TIMER) {
		u64 misc;

		rdmsrl(MSR_IA32_VMX_MISC, misc);
		c->preempt_ticks = clamp_t(u64, ((u64)tsc_khz * 10) >> (misc & 0x1f),
					   1, U32_MAX);
	}

	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, ept_vpid);
	if (!(ept_vpid & VMX_EPT_PAGE_WALK_4_BIT) || !(ept_vpid & VMX_EPTP_WB_BIT) ||
	    !(ept_vpid & VMX_EPT_INVEPT_BIT) || !(ept_vpid & VMX_EPT_2MB_PAGE_BIT) ||
	    !(ept_vpid & VMX_EPT_EXTENT_CONTEXT_BIT)) {
		pr_info("EPT lacks 4-level walks, write-back, 2 MiB pages or single-context INVEPT\n");
		return -ENODEV;
	}
	c->vpid = (c->proc2 & SECONDARY_EXEC_ENABLE_VPID) &&
		  (ept_vpid & (VMX_VPID_INVVPID_BIT << 32)) &&
		  (ept_vpid & (VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT << 32));
	if (!c->vpid)
		c->proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;

	/* Unrestricted guest: PE and PG may be clear whatever FIXED0 says. */
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, fixed);
	c->cr0_fixed0 = fixed & ~(X86_CR0_PE | X86_CR0_PG);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, c->cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, c->cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, c->cr4_fixed1);
	/*
	 * Protection keys only where the host has them on, as KVM offers
	 * PKU only with the host's OSPKE: then PKRU is switched around the
	 * guest; else CR4.PKE is reserved to it, so a guest's PKRU can never
	 * stay in a register nothing switches.
	 */
	c->pku = cpu_feature_enabled(X86_FEATURE_OSPKE);
	if (!c->pku)
		c->cr4_fixed1 &= ~(u64)X86_CR4_PKE;

	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		u32 eax, ebx, ecx, edx;

		c->host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		/* AMX tiles are armed per task through XFD: never the guest's. */
		c->guest_xcr0 = c->host_xcr0 & ~(u64)XFEATURE_MASK_XTILE;
		cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
		c->xsave_size = ebx;
	}
	return 0;
}

/* ----------------------------------------------------------- per CPU */

/* Leave VMX operation on this CPU. */
static void vmx_cpu_off(void)
{
	vmx_off();
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(vmx_enabled, false);
}

/*
 * An emergency reboot or a crash kexec: VMX root operation blocks INIT,
 * so leave it on this CPU, as KVM does from the same callback. The slot
 * has one occupant. Since 6.12 KVM holds it only while its virtualization
 * is on, when we refuse VMX anyway. Before (6.4 to 6.11 and the stable
 * backports, e.g. Debian's 6.1), kvm_intel holds it from load to unload
 * and a second registration WARNs; its callback does VMXOFF on every CPU
 * with CR4.VMXE set, whoever set it. There we leave the slot to KVM: an
 * emergency restart leaves our VMX on unless kvm_intel is loaded.
 */
#if defined(AXVCPU_HAVE_EMERGENCY_VIRT_CB) && defined(AXVCPU_KVM_SHARES_EMERGENCY_CB)
static void vmx_emergency_disable(void)
{
	if (this_cpu_read(vmx_enabled))
		vmx_cpu_off();
}

static void emergency_callback(bool on)
{
	if (on)
		cpu_emergency_register_virt_callback(vmx_emergency_disable);
	else
		cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
}
#else
static void emergency_callback(bool on)
{
}
#endif

static int vmx_hardware_enable(void)
{
	void *region = this_cpu_read(vmxon_region);
	int r;

	if (READ_ONCE(axvcpu_vmx_rebooting))
		return -EBUSY;
	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_warn_ratelimited("CPU%d: VMX already on (kvm_intel with virtualization enabled? boot with kvm.enable_virt_at_load=0)\n",
				    smp_processor_id());
		return -EBUSY;
	}
	*(u32 *)region = axvcpu_vmx_caps.revision;
	cr4_set_bits(X86_CR4_VMXE);
	r = vmx_on(__pa(region));
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_warn("CPU%d: VMXON failed\n", smp_processor_id());
		return r;
	}
	this_cpu_write(vmx_enabled, true);
	this_cpu_write(last_vm_id, 0);
	/*
	 * The emergency callback has one slot, which KVM takes while it has
	 * VMX on: hold it only while we do (the two take turns).
	 */
	if (atomic_inc_return(&vmx_cpus) == 1)
		emergency_callback(true);
	return 0;
}

static void vmx_hardware_disable(void)
{
	/* Every VMCS active here written back first, loadable elsewhere. */
	axvcpu_vmx_vmcs_clear_all();
	vmx_cpu_off();
	if (atomic_dec_and_test(&vmx_cpus))
		emergency_callback(false);
}

static const struct axvcpu_percpu_ops vmx_percpu_ops = {
	.hardware_enable	= vmx_hardware_enable,
	.hardware_disable	= vmx_hardware_disable,
};

/**
 * axvcpu_vmx_on_here() - whether this CPU is in VMX operation
 *
 * Context: interrupts disabled (else the reboot IPI may end it at once).
 * Return: true between VMXON and VMXOFF.
 */
bool axvcpu_vmx_on_here(void)
{
	return this_cpu_read(vmx_enabled);
}

/*
 * Reboot, power-off, kexec: VMXOFF everywhere, from IPIs (the callback
 * slot stays held), as KVM's kvm_shutdown() does, while the VMM's threads
 * still run: a vCPU thread between an exit and its next entry finds VMX
 * off. Its VMX instructions fail through their exception fixups
 * (vmcs.h), silently from now on, as KVM's with kvm_rebooting set, and
 * its next entry fails with -EIO (vmx_vcpu_run()).
 */
bool axvcpu_vmx_rebooting;

void axvcpu_vmx_insn_failed(const char *insn, u64 arg, u8 how)
{
	if (READ_ONCE(axvcpu_vmx_rebooting))
		return;
	WARN_ONCE(1, "axvcpu: %s %#llx %s\n", insn, arg,
		  how == VMX_INSN_FAULT ? "faulted: VMX off" : "failed");
}

static void vmx_off_ipi(void *unused)
{
	if (this_cpu_read(vmx_enabled))
		vmx_cpu_off();
}

static int vmx_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	WRITE_ONCE(axvcpu_vmx_rebooting, true);
	on_each_cpu(vmx_off_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block vmx_reboot_nb = {
	.notifier_call = vmx_reboot,
};

/* ---------------------------------------------------------- VMs, TLBs */

u16 axvcpu_vmx_alloc_vpid(void)
{
	int id = axvcpu_tags_get(&vpid_ida, axvcpu_vmx_caps.vpid ? 0xffff : 0);

	return id < 0 ? 0 : id;	/* out of VPIDs: run without */
}

void axvcpu_vmx_free_vpid(u16 vpid)
{
	axvcpu_tags_put(&vpid_ida, vpid);
}

void axvcpu_vmx_invvpid(u16 vpid)
{
	if (vpid)
		vmx_invvpid_single(vpid);
}

void axvcpu_vmx_invept(u64 eptp)
{
	vmx_invept_single(eptp);
}

int axvcpu_x86_vm_init(struct axvcpu_vm *vm)
{
	static atomic64_t last_id;
	struct vmx_vm *xvm = vm->arch;

	xvm->id = atomic64_inc_return(&last_id);
	/* Write-back paging structures, 4 levels (SDM 25.6.11). */
	xvm->eptp = vm->s2.root | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
	return 0;
}

/*
 * Branch predictions one guest trained must not steer another's: an IBPB
 * when this CPU is about to run a vCPU of another VM than the last one it
 * ran (as KVM does when it switches VMCSs). Since VMXON the CPU may have
 * run anyone's guests (KVM's, between our turns): last_vm_id is 0 then.
 */
void axvcpu_vmx_switch_vm(const struct vmx_vm *xvm)
{
	if (this_cpu_read(last_vm_id) != xvm->id) {
		indirect_branch_prediction_barrier();
		this_cpu_write(last_vm_id, xvm->id);
	}
}

static void invept_ipi(void *eptp)
{
	if (this_cpu_read(vmx_enabled))
		vmx_invept_single(*(u64 *)eptp);
}

void axvcpu_x86_vm_destroy(struct axvcpu_vm *vm)
{
	struct vmx_vm *xvm = vm->arch;

	/* The root page is freed next: no CPU may keep translations of it. */
	if (xvm->eptp)
		on_each_cpu(invept_ipi, &xvm->eptp, 1);
}

void axvcpu_x86_vm_flush_s2(struct axvcpu_vm *vm)
{
	struct vmx_vm *xvm = vm->arch;

	/* The IPI also makes a vCPU of this VM in guest mode exit. */
	if (xvm->eptp)
		on_each_cpu(invept_ipi, &xvm->eptp, 1);
}

/* -------------------------------------------------------------- probe */

static void free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
}

static int vmx_probe(void)
{
	u64 feat;
	int cpu, r;

	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_info("no VMX (an Intel CPU with VT-x is needed): cannot run guests\n");
		return -ENODEV;
	}
	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED) ||
	    !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_info("VMX disabled by the firmware (IA32_FEATURE_CONTROL)\n");
		return -ENODEV;
	}
	r = read_caps(&axvcpu_vmx_caps);
	if (r)
		return r;
	axvcpu_vmx_vmcs_percpu_init();
	if (!axvcpu_vmx_caps.xsave_size) {
		pr_info("no XSAVE: guest FPU state cannot be switched\n");
		return -ENODEV;
	}
	/* L1TF: a guest could read what the host left in L1D (as KVM). */
	if (boot_cpu_has_bug(X86_BUG_L1TF) && !cpu_mitigations_off()) {
		axvcpu_vmx_caps.l1d_flush = boot_cpu_has(X86_FEATURE_FLUSH_L1D);
		if (!axvcpu_vmx_caps.l1d_flush)
			pr_warn("L1TF: no L1D flush command (microcode): guests may read host data from L1D\n");
	}

	for_each_possible_cpu(cpu) {
		struct page *p = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);

		if (!p) {
			free_vmxon_regions();
			return -ENOMEM;
		}
		per_cpu(vmxon_region, cpu) = page_address(p);
	}
	register_reboot_notifier(&vmx_reboot_nb);
	pr_info("VMX with EPT and unrestricted guest, VPID %s, VMCS revision %#x\n",
		axvcpu_vmx_caps.vpid ? "on" : "off", axvcpu_vmx_caps.revision);
	return 0;
}

static void vmx_remove(void)
{
	unregister_reboot_notifier(&vmx_reboot_nb);
	free_vmxon_regions();
}

const struct axvcpu_backend axvcpu_x86_backend = {
	.name		= "x86_64 VMX",
	.id		= AXVCPU_BACKEND_X86_VMX,
	.probe		= vmx_probe,
	.remove		= vmx_remove,
	.ops		= &axvcpu_x86_ops,
	.percpu		= &vmx_percpu_ops,
	.s2_format	= &axvcpu_x86_ept4,
	.hal		= &axvcpu_linux_hal,
	.setup_size	= sizeof(struct axvcpu_setup_x86),
	.vcpu_size	= sizeof(struct vmx_vcpu),
	.vm_size	= sizeof(struct vmx_vm),
};
