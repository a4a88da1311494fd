// SPDX-License-Identifier: GPL-2.0
/*
 * Filling a VMCS: the controls, the guest's initial state for each start
 * mode of struct axvcpu_setup_x86, and the host state the CPU returns to
 * on a VM exit (Intel SDM vol. 3, chapter 25 "Virtual Machine Control
 * Structures" and 27.3 "Checks on the guest state area"); and which CPU
 * each VMCS is active on.
 */
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>

#include "vmcs.h"
#include "vmx.h"

/* Segment registers in VMCS order: their fields are 2 encodings apart. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Access rights (SDM 25.4.1, table 25-2). */
#define AR_DATA16	0x0093		/* present, read/write, accessed */
#define AR_CODE16	0x009b		/* present, execute/read, accessed */
#define AR_DATA32	0xc093		/* ... with G and D/B */
#define AR_CODE32	0xc09b
#define AR_CODE64	0xa09b		/* ... with G and L */
#define AR_TSS		0x008b		/* present, busy TSS */
#define AR_UNUSABLE	0x10000

#define GUEST_PAT_RESET	0x0007040600070406ULL

/*
 * Exceptions intercepted: #DB and #AC can loop forever in microcode; #MC
 * is the host's (a guest's IDT must not swallow a host machine check).
 */
#define VMX_EXCEPTION_BITMAP	(BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) | \
				 BIT(X86_TRAP_MC))

static void set_segment(unsigned int seg, u16 sel, u64 base, u32 limit, u32 ar)
{
	vmcs_write(GUEST_ES_SELECTOR + 2 * seg, sel);
	vmcs_write(GUEST_ES_BASE + 2 * seg, base);
	vmcs_write(GUEST_ES_LIMIT + 2 * seg, limit);
	vmcs_write(GUEST_ES_AR_BYTES + 2 * seg, ar);
}

/**
 * axvcpu_vmx_proc2() - the secondary processor-based controls of a vCPU
 * @vpid: its VPID.
 *
 * A vCPU created after the VPIDs ran out has VPID 0, and "enable VPID"
 * with VPID 0 fails VM entry (SDM 26.2.1.1): it runs without, flushing
 * at every entry, as in KVM's vmx_secondary_exec_control().
 *
 * Return: the controls to write.
 */
u32 axvcpu_vmx_proc2(u16 vpid)
{
	u32 proc2 = axvcpu_vmx_caps.proc2;

	return vpid ? proc2 : proc2 & ~SECONDARY_EXEC_ENABLE_VPID;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vmx_proc2);

static void init_controls(struct vmx_vcpu *vx, u64 eptp)
{
	const struct vmx_caps *c = &axvcpu_vmx_caps;

	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, c->proc);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, axvcpu_vmx_proc2(vx->vpid));
	vmcs_write(VM_EXIT_CONTROLS, c->exit);
	vmcs_write(VM_ENTRY_CONTROLS, c->entry);
	vmcs_write(EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(EPT_POINTER, eptp);
	if (vx->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vx->vpid);
	/* Every CR0/CR4 bit is the module's: writes exit, reads see shadows. */
	vmcs_write(CR0_GUEST_HOST_MASK, ~0UL);
	vmcs_write(CR4_GUEST_HOST_MASK, ~0UL);
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(HOST_RIP, (unsigned long)__axvcpu_vmx_exit);
}

static void init_guest(struct vmx_vcpu *vx, const struct axvcpu_setup_x86 *cfg)
{
	u64 entry = vx->rip, cr0, cr4 = 0;
	unsigned int i;

	switch (cfg->mode) {
	case AXVCPU_X86_MODE_REAL16:
		/* CS = entry >> 4, IP = entry & 0xf, as a SIPI sets them. */
		for (i = SEG_ES; i <= SEG_GS; i++)
			set_segment(i, 0, 0, 0xffff, AR_DATA16);
		set_segment(SEG_CS, entry >> 4, entry & ~0xfULL, 0xffff,
			    AR_CODE16);
		vx->rip = entry & 0xf;
		cr0 = X86_CR0_ET;
		break;
	case AXVCPU_X86_MODE_PROT32:
		for (i = SEG_ES; i <= SEG_GS; i++)
			set_segment(i, 0x10, 0, 0xffffffff, AR_DATA32);
		set_segment(SEG_CS, 0x08, 0, 0xffffffff, AR_CODE32);
		cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
		break;
	default:	/* AXVCPU_X86_MODE_LONG64 */
		for (i = SEG_ES; i <= SEG_GS; i++)
			set_segment(i, 0x10, 0, 0xffffffff, AR_DATA32);
		set_segment(SEG_CS, 0x08, 0, 0xffffffff, AR_CODE64);
		cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
		cr4 = X86_CR4_PAE;
		vx->efer = EFER_LME | EFER_LMA;
		vmcs_set_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
		break;
	}
	set_segment(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
	set_segment(SEG_TR, 0, 0, 0xff, AR_TSS);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, cfg->mode == AXVCPU_X86_MODE_REAL16 ?
		   0x3ff : 0xffff);

	vmcs_write(GUEST_CR3, cfg->cr3);
	vmcs_write(GUEST_IA32_EFER, vx->efer);
	vmcs_write(GUEST_IA32_PAT, GUEST_PAT_RESET);
	vmcs_write(GUEST_DR7, 0x400);	/* bit 10 is reserved as 1 */
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vx->rflags = X86_EFLAGS_FIXED;
	vx->gpr[VMX_REG_RSI] = cfg->rsi;

	vx->cr0 = cr0;
	vx->cr4 = cr4;
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR0, (cr0 | axvcpu_vmx_caps.cr0_fixed0) &
		   axvcpu_vmx_caps.cr0_fixed1);
	vmcs_write(GUEST_CR4, (cr4 | axvcpu_vmx_caps.cr4_fixed0) &
		   axvcpu_vmx_caps.cr4_fixed1);
}

/*
 * Host state the same on every CPU and for every task (as KVM's
 * vmx_set_constant_host_state()): written once, at setup. The IDT is one
 * table for all CPUs; SYSENTER_EIP one entry point.
 */
static void init_host_const(void)
{
	struct desc_ptr idt;
	u64 v;

	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	/* Per task: 0 as the vCPU's cache says; bind writes the thread's. */
	vmcs_write(HOST_FS_BASE, 0);
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(HOST_IA32_EFER, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write(HOST_IA32_PAT, v);
}

/**
 * axvcpu_vmx_init_vmcs() - fill the current VMCS for a new vCPU
 * @vx: the vCPU; @vx->rip holds the entry point.
 * @eptp: the EPT pointer of its VM.
 * @cfg: the start mode (validated by the caller).
 *
 * Context: the VMCS is current on this CPU, preemption disabled.
 */
void axvcpu_vmx_init_vmcs(struct vmx_vcpu *vx, u64 eptp,
			  const struct axvcpu_setup_x86 *cfg)
{
	init_controls(vx, eptp);
	init_guest(vx, cfg);
	init_host_const();
}

/**
 * axvcpu_vmx_load_host_cpu_state() - the per-CPU host state a VM exit needs
 *
 * The TSS, the GDT, the per-CPU GS base and the SYSENTER stack of this
 * CPU: written when the vCPU binds on another CPU than the one whose
 * state its VMCS holds (&struct vmx_vcpu.host_cpu). Per task, CR3 and CR4
 * are checked before each entry and the FS base at each bind.
 *
 * Context: the VMCS is current on this CPU, preemption disabled.
 */
void axvcpu_vmx_load_host_cpu_state(void)
{
	int cpu = smp_processor_id();
	u64 v;

	vmcs_write(HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(HOST_IA32_SYSENTER_ESP, v);
}

/* ------------------------------------------------------ VMCS ownership */

/*
 * As KVM's loaded_vmcss_on_cpu: a VMCS stays active (VMPTRLD done, no
 * VMCLEAR since) on the CPU that last loaded it, across RUNs and
 * preemptions, so that a vCPU that runs where it ran before neither
 * clears nor reloads it. It is cleared, on that CPU, when the vCPU binds
 * on another (by IPI: a VMCS may be active on one CPU only, SDM 25.11.1),
 * when the vCPU is destroyed, and when the CPU leaves VMX operation
 * (hardware_disable: suspend, CPU offline, the last VM gone). Each CPU
 * lists its active VMCSs; current_vmcs is the one VMPTRLD made current.
 */
static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(void *, current_vmcs);

/** axvcpu_vmx_vmcs_percpu_init() - empty lists, at probe */
void axvcpu_vmx_vmcs_percpu_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		INIT_LIST_HEAD(&per_cpu(loaded_vmcss, cpu));
		per_cpu(current_vmcs, cpu) = NULL;
	}
}

/* On the CPU the VMCS is active on, interrupts off. */
static void vmcs_clear_here(void *arg)
{
	struct vmx_vcpu *vx = arg;

	if (vx->loaded_cpu != smp_processor_id())
		return;
	vmcs_clear(__pa(vx->vmcs));
	if (this_cpu_read(current_vmcs) == vx->vmcs)
		this_cpu_write(current_vmcs, NULL);
	list_del(&vx->loaded_link);
	vx->launched = false;
	/* Off the list before another CPU may put it on its own. */
	smp_wmb();
	WRITE_ONCE(vx->loaded_cpu, -1);
}

/**
 * axvcpu_vmx_vmcs_clear() - VMCLEAR the vCPU's VMCS where it is active
 * @vx: a vCPU that is not bound.
 *
 * Context: may wait for an IPI (interrupts enabled).
 */
void axvcpu_vmx_vmcs_clear(struct vmx_vcpu *vx)
{
	int cpu = READ_ONCE(vx->loaded_cpu);

	/* An offline CPU cleared its VMCSs on its way down. */
	if (cpu >= 0)
		smp_call_function_single(cpu, vmcs_clear_here, vx, 1);
}

/**
 * axvcpu_vmx_vmcs_load() - make the vCPU's VMCS active and current here
 * @vx: the vCPU, being bound on this CPU.
 *
 * Clears it first where it was active on another CPU (which then reports
 * it not launched).
 *
 * Context: preemption disabled, interrupts enabled.
 * Return: 0 or -EIO (VMPTRLD failed).
 */
int axvcpu_vmx_vmcs_load(struct vmx_vcpu *vx)
{
	int cpu = smp_processor_id();
	unsigned long flags;
	int r;

	if (vx->loaded_cpu != cpu) {
		axvcpu_vmx_vmcs_clear(vx);
		local_irq_save(flags);
		smp_rmb();	/* pairs with vmcs_clear_here() */
		list_add(&vx->loaded_link, this_cpu_ptr(&loaded_vmcss));
		vx->loaded_cpu = cpu;
		local_irq_restore(flags);
	}
	if (this_cpu_read(current_vmcs) == vx->vmcs)
		return 0;
	r = vmcs_load(__pa(vx->vmcs));
	if (!r)
		this_cpu_write(current_vmcs, vx->vmcs);
	return r;
}

/**
 * axvcpu_vmx_vmcs_clear_all() - clear every VMCS active on this CPU
 *
 * Before VMXOFF: the VMCSs' data is written back to memory, so they can be
 * loaded anywhere next.
 *
 * Context: on the CPU, preemption disabled.
 */
void axvcpu_vmx_vmcs_clear_all(void)
{
	struct vmx_vcpu *vx, *tmp;
	unsigned long flags;

	local_irq_save(flags);
	list_for_each_entry_safe(vx, tmp, this_cpu_ptr(&loaded_vmcss), loaded_link)
		vmcs_clear_here(vx);
	this_cpu_write(current_vmcs, NULL);
	local_irq_restore(flags);
}
