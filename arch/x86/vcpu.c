// SPDX-License-Identifier: GPL-2.0
/*
 * x86 vCPU: one VMCS each. Bind makes it current on this CPU (VMPTRLD)
 * and writes the host state, unbind VMCLEARs it so that it can be loaded
 * anywhere next; between the two the guest's rip, rsp and rflags live in
 * the VMCS, otherwise in struct vmx_vcpu. Entry switches the FPU state,
 * IA32_KERNEL_GS_BASE (SWAPGS) and the segment registers a VM exit
 * clobbers, and injects pending interrupts.
 */
#include <linux/gfp.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#ifdef AXVCPU_HAVE_GSSEG_H		/* load_gs_index() moved there in 6.2 */
#include <asm/gsseg.h>
#endif
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/special_insns.h>

#include "vmcs.h"
#include "vmx.h"

static_assert(offsetof(struct vmx_vcpu, gpr) == 0);

/* RFLAGS bits a VMM may set (reserved bits and VM are refused). */
#define VMX_RFLAGS_MASK	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
			 X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_OF | \
			 X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_RF | \
			 X86_EFLAGS_AC | X86_EFLAGS_ID | X86_EFLAGS_FIXED)

static void *alloc_xsave(void)
{
	/* 64-byte aligned, as XSAVE wants: kmalloc of >= 64 bytes is. */
	u8 *x = kzalloc(max(axvcpu_vmx_caps.xsave_size, 576U), GFP_KERNEL_ACCOUNT);

	if (x) {
		*(u16 *)x = 0x37f;		/* FCW: all x87 exceptions masked */
		*(u32 *)(x + 24) = 0x1f80;	/* MXCSR: likewise for SSE */
	}
	return x;
}

static int vmx_vcpu_create(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vx->xsave = alloc_xsave();
	if (!vx->vmcs || !vx->xsave) {
		free_page((unsigned long)vx->vmcs);
		kfree(vx->xsave);
		return -ENOMEM;
	}
	*(u32 *)vx->vmcs = axvcpu_vmx_caps.revision;
	vx->xcr0 = XFEATURE_MASK_FP;
	vx->rflags = X86_EFLAGS_FIXED;
	vx->dr[6] = VMX_DR6_RESET;
	vx->dr[7] = VMX_DR7_RESET;
	vx->vpid = axvcpu_vmx_alloc_vpid();
	return 0;
}

static void vmx_vcpu_destroy(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	axvcpu_vmx_free_vpid(vx->vpid);
	free_page((unsigned long)vx->vmcs);
	kfree(vx->xsave);
}

static int vmx_vcpu_set_entry(struct axvcpu_vcpu *vcpu, u64 entry)
{
	to_vmx(vcpu)->rip = entry;
	return 0;
}

static int vmx_vcpu_check_setup(struct axvcpu_vcpu *vcpu,
				const struct axvcpu_setup *cfg)
{
	u64 entry = to_vmx(vcpu)->rip;

	switch (cfg->x86.mode) {
	case AXVCPU_X86_MODE_REAL16:
		/* CS = entry >> 4, IP = entry & 0xf: as a SIPI would. */
		return cfg->x86.cr3 || entry >= SZ_1M ? -EINVAL : 0;
	case AXVCPU_X86_MODE_PROT32:
		return cfg->x86.cr3 || entry > U32_MAX ? -EINVAL : 0;
	case AXVCPU_X86_MODE_LONG64:
		return !cfg->x86.cr3 || (cfg->x86.cr3 & ~PHYSICAL_PAGE_MASK) ||
		       !__is_canonical_address(entry, 48) ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

static int vmx_vcpu_setup(struct axvcpu_vcpu *vcpu,
			  const struct axvcpu_setup *cfg)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_vm *xvm = vcpu->vm->arch;
	unsigned long flags;
	int r;

	vx->apic_id = cfg->x86.apic_id;

	/* Fill the VMCS on this CPU, then leave it clear for any CPU. */
	local_irq_save(flags);
	r = vmcs_clear(__pa(vx->vmcs));
	r = r ?: vmcs_load(__pa(vx->vmcs));
	if (!r) {
		axvcpu_vmx_init_vmcs(vx, xvm->eptp, &cfg->x86);
		r = vmcs_clear(__pa(vx->vmcs));
	}
	local_irq_restore(flags);
	vx->launched = false;
	return r;
}

/* ------------------------------------------------------- bind / unbind */

/*
 * The SYSCALL MSRs and TSC_AUX are not in the VMCS. The host only uses
 * them in userspace, which this thread reaches only after unbinding, and
 * other threads only after the preempt notifier unbound us: so they are
 * switched at bind and unbind, not on every entry.
 */
static const u32 syscall_msrs[5] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_TSC_AUX
};

static void switch_syscall_msrs(u64 *save, const u64 *load)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syscall_msrs); i++) {
		rdmsrl(syscall_msrs[i], save[i]);
		wrmsrl(syscall_msrs[i], load[i]);
	}
}

static int vmx_vcpu_bind(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_vm *xvm = vcpu->vm->arch;
	int r;

	r = vmcs_load(__pa(vx->vmcs));
	if (r)
		return r;
	axvcpu_vmx_switch_vm(xvm);
	axvcpu_vmx_load_host_state();
	switch_syscall_msrs(vx->host_syscall_msrs, vx->syscall_msrs);
	vmcs_write(GUEST_RIP, vx->rip);
	vmcs_write(GUEST_RSP, vx->rsp);
	vmcs_write(GUEST_RFLAGS, vx->rflags);
	/*
	 * KVM may have run its own guests here with VPIDs numbered like
	 * ours; EPT translations are tagged by the EPT root, which is ours.
	 */
	axvcpu_vmx_invvpid(vx->vpid);
	axvcpu_vmx_invept(xvm->eptp);
	return 0;
}

static int vmx_vcpu_unbind(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vx->rip = vmcs_read(GUEST_RIP);
	vx->rsp = vmcs_read(GUEST_RSP);
	vx->rflags = vmcs_read(GUEST_RFLAGS);
	switch_syscall_msrs(vx->syscall_msrs, vx->host_syscall_msrs);
	axvcpu_vmx_invvpid(vx->vpid);
	vx->launched = false;
	return vmcs_clear(__pa(vx->vmcs));
}

/* --------------------------------------------------------- interrupts */

static int vmx_vcpu_inject_interrupt(struct axvcpu_vcpu *vcpu, u32 vector)
{
	if (vector < VMX_FIRST_VECTOR || vector >= VMX_NR_VECTORS)
		return -EINVAL;
	set_bit(vector, to_vmx(vcpu)->pending);
	return 0;
}

/**
 * axvcpu_vmx_irq_pending() - whether an injected interrupt waits
 * @vx: the vCPU.
 *
 * Return: a vector is pending (HLT returns at once if the guest has
 * interrupts enabled).
 */
bool axvcpu_vmx_irq_pending(struct vmx_vcpu *vx)
{
	return !bitmap_empty(vx->pending, VMX_NR_VECTORS);
}

/*
 * Before an entry: inject the highest pending vector if the guest can take
 * an interrupt now (IF set, no STI or MOV SS shadow, no other event being
 * injected), else ask for an exit as soon as it can.
 */
static void inject_pending(struct vmx_vcpu *vx)
{
	unsigned int vector;
	u32 intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	if (bitmap_empty(vx->pending, VMX_NR_VECTORS))
		return;
	if ((vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK) ||
	    !(vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF) ||
	    (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		vmcs_set_bits(CPU_BASED_VM_EXEC_CONTROL,
			      CPU_BASED_INTR_WINDOW_EXITING);
		return;
	}
	vector = find_last_bit(vx->pending, VMX_NR_VECTORS);
	if (vector >= VMX_NR_VECTORS || !test_and_clear_bit(vector, vx->pending))
		return;
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD,
		   vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
	/*
	 * The next pending vector goes in at the next exit (at the latest the
	 * preemption timer's). Interrupt-window exiting together with an
	 * injection loses the injected event under Bochs 2.7.
	 */
}

/* An event whose delivery the exit interrupted is delivered again. */
static void requeue_event(void)
{
	u32 info = vmcs_read(IDT_VECTORING_INFO_FIELD);

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(IDT_VECTORING_ERROR_CODE));
	vmcs_write(VM_ENTRY_INSTRUCTION_LEN,
		   vmcs_read(VM_EXIT_INSTRUCTION_LEN));
}

/* ---------------------------------------------------------- world switch */

static u16 sldt_read(void)
{
	u16 sel;

	asm volatile("sldt %0" : "=rm" (sel));
	return sel;
}

static void ldt_load(u16 sel)
{
	asm volatile("lldt %0" : : "rm" (sel) : "memory");
}

static void xsave_to(void *area, u64 mask)
{
	u32 lo = mask, hi = mask >> 32;

	asm volatile("xsave64 %[area]" : [area] "=m" (*(u8 *)area)
		     : "a" (lo), "d" (hi) : "memory");
}

static void xrstor_from(void *area, u64 mask)
{
	u32 lo = mask, hi = mask >> 32;

	asm volatile("xrstor64 %[area]" : : [area] "m" (*(u8 *)area),
		     "a" (lo), "d" (hi) : "memory");
}

static int vmx_vcpu_run(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 host_xcr0 = axvcpu_vmx_caps.host_xcr0;
	u64 gmask = vx->xcr0 | XFEATURE_MASK_SSE;
	u64 cr3 = __read_cr3(), kgs;
	u16 ds, es, fs, gs, ldt;
	unsigned long fsbase;
	int r;

	if (vmcs_read(HOST_CR3) != cr3)
		vmcs_write(HOST_CR3, cr3);
	/*
	 * A guest never runs longer than a tick without an exit, even where
	 * a host timer interrupt fails to cause one (seen under Bochs).
	 */
	if (axvcpu_vmx_caps.preempt_ticks)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE,
			   axvcpu_vmx_caps.preempt_ticks);
	inject_pending(vx);

	/*
	 * The guest's FPU state replaces the task's, which kernel_fpu_begin()
	 * saved and the return to userspace reloads.
	 */
	kernel_fpu_begin();
	xrstor_from(vx->xsave, gmask);		/* under the host's XCR0 */
	if (vx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vx->xcr0);
	ldt = sldt_read();

	savesegment(ds, ds);
	savesegment(es, es);
	savesegment(fs, fs);
	savesegment(gs, gs);
	rdmsrl(MSR_FS_BASE, fsbase);
	rdmsrl(MSR_KERNEL_GS_BASE, kgs);
	wrmsrl(MSR_KERNEL_GS_BASE, vx->kernel_gs_base);

	if (axvcpu_vmx_caps.l1d_flush)
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	r = __axvcpu_vmx_run(vx->gpr, vx->launched);
#ifdef X86_FEATURE_IBPB_EXIT_TO_USER
	/* VMSCAPE: the VMM must not run on predictions the guest trained. */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
#endif

	rdmsrl(MSR_KERNEL_GS_BASE, vx->kernel_gs_base);
	if (ds)
		loadsegment(ds, ds);
	if (es)
		loadsegment(es, es);
	if (fs) {
		loadsegment(fs, fs);
		wrmsrl(MSR_FS_BASE, fsbase);
	}
	if (gs)
		load_gs_index(gs);
	wrmsrl(MSR_KERNEL_GS_BASE, kgs);
	/* A VM exit clears LDTR and leaves the TSS and GDT limits minimal. */
	if (ldt)
		ldt_load(ldt);
	invalidate_tss_limit();
	load_fixmap_gdt(smp_processor_id());

	if (vx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
	xsave_to(vx->xsave, gmask);
	kernel_fpu_end();

	if (r) {
		vx->exit_reason = VMX_EXIT_VMFAIL;
		vx->entry_error = vmcs_read(VM_INSTRUCTION_ERROR);
		return 0;
	}
	vx->exit_reason = vmcs_read(VM_EXIT_REASON);
	vx->launched = !(vx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY);
	vx->exit_qual = vmcs_read(EXIT_QUALIFICATION);
	if (!(vx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		requeue_event();
	/* A host NMI that made the guest exit is the host's to handle. */
	if ((u16)vx->exit_reason == EXIT_REASON_EXCEPTION_NMI &&
	    (vmcs_read(VM_EXIT_INTR_INFO) & INTR_INFO_INTR_TYPE_MASK) ==
	    INTR_TYPE_NMI_INTR)
		asm volatile("int $2");
	return 0;
}

/* ------------------------------------------------------------ registers */

static void vmx_vcpu_get_regs(struct axvcpu_vcpu *vcpu, struct axvcpu_regs *regs)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned int i;

	memset(regs->gprs, 0, sizeof(regs->gprs));
	for (i = 0; i < VMX_NR_GPRS; i++)
		regs->gprs[i] = vx->gpr[i];
	regs->gprs[VMX_REG_RSP] = vx->rsp;
	regs->pc = vx->rip;
	regs->flags = vx->rflags;
}

static int vmx_vcpu_set_regs(struct axvcpu_vcpu *vcpu,
			     const struct axvcpu_regs *regs)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	unsigned int i;

	if ((regs->flags & ~VMX_RFLAGS_MASK) || !(regs->flags & X86_EFLAGS_FIXED))
		return -EINVAL;
	for (i = VMX_NR_GPRS; i < ARRAY_SIZE(regs->gprs); i++)
		if (regs->gprs[i])
			return -EINVAL;
	for (i = 0; i < VMX_NR_GPRS; i++)
		vx->gpr[i] = regs->gprs[i];
	vx->rsp = regs->gprs[VMX_REG_RSP];
	vx->rip = regs->pc;
	vx->rflags = regs->flags;
	return 0;
}

static void vmx_vcpu_set_return_value(struct axvcpu_vcpu *vcpu, u64 val)
{
	to_vmx(vcpu)->gpr[VMX_REG_RAX] = val;
}

/* Merge @val into @reg as the decoded load wants. */
static void complete_mmio(struct vmx_vcpu *vx, const struct axvcpu_run *run)
{
	const struct vmx_mmio_insn *mi = &vx->mmio;
	u64 val = axvcpu_mmio_read_value(&run->mmio);
	/* Unbound here: rsp is in struct vmx_vcpu, not in the VMCS. */
	u64 *reg = mi->reg == VMX_REG_RSP ? &vx->rsp : &vx->gpr[mi->reg];

	if (mi->high8) {
		*reg = (*reg & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	switch (mi->reg_width) {
	case 1:
		*reg = (*reg & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*reg = (*reg & ~0xffffULL) | (val & 0xffff);
		break;
	default:	/* 4 (zero-extends to 64) and 8 */
		*reg = val;
		break;
	}
}

static int vmx_vcpu_complete_read(struct axvcpu_vcpu *vcpu, u32 reason,
				  struct axvcpu_run *run)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 *rax = &vx->gpr[VMX_REG_RAX], val;

	switch (reason) {
	case AXVCPU_EXIT_MMIO_READ:
		complete_mmio(vx, run);
		return 0;
	case AXVCPU_EXIT_IO_READ:
		val = READ_ONCE(run->io.data);
		if (vx->io_width == 4)
			*rax = (u32)val;
		else if (vx->io_width == 2)
			*rax = (*rax & ~0xffffULL) | (val & 0xffff);
		else
			*rax = (*rax & ~0xffULL) | (val & 0xff);
		return 0;
	case AXVCPU_EXIT_SYSREG_READ:
		val = READ_ONCE(run->sysreg.value);
		*rax = (u32)val;
		vx->gpr[VMX_REG_RDX] = val >> 32;
		return 0;
	default:
		return -EINVAL;
	}
}

const struct axvcpu_arch_ops axvcpu_x86_ops = {
	.vm_init		= axvcpu_x86_vm_init,
	.vm_destroy		= axvcpu_x86_vm_destroy,
	.vm_flush_s2		= axvcpu_x86_vm_flush_s2,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_destroy		= vmx_vcpu_destroy,
	.vcpu_set_entry		= vmx_vcpu_set_entry,
	.vcpu_check_setup	= vmx_vcpu_check_setup,
	.vcpu_setup		= vmx_vcpu_setup,
	.vcpu_bind		= vmx_vcpu_bind,
	.vcpu_unbind		= vmx_vcpu_unbind,
	.vcpu_run		= vmx_vcpu_run,
	.vcpu_handle_exit	= axvcpu_x86_handle_exit,
	.vcpu_complete_read	= vmx_vcpu_complete_read,
	.vcpu_get_regs		= vmx_vcpu_get_regs,
	.vcpu_set_regs		= vmx_vcpu_set_regs,
	.vcpu_inject_interrupt	= vmx_vcpu_inject_interrupt,
	.vcpu_set_return_value	= vmx_vcpu_set_return_value,
};
