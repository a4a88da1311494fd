// SPDX-License-Identifier: GPL-2.0
/*
 * x86 vCPU: one VMCS each, which stays active on the CPU it last ran on
 * (vmcs.c). Bind makes it current (VMPTRLD only if another VMCS was),
 * writes the per-CPU host state only on a CPU change and flushes the
 * vCPU's VPID and the EPT only when this CPU's TLB may hold stale entries;
 * it saves the host's segment selectors and switches the syscall MSRs and
 * IA32_KERNEL_GS_BASE, which unbind puts back (as KVM's vcpu_load/put,
 * once per RUN or preemption). Between the two the guest's rip, rsp and
 * rflags live in the VMCS, otherwise in struct vmx_vcpu. The guest's FPU
 * state is the thread's for a whole RUN; entry switches XCR0 and injects
 * pending interrupts.
 */
#include <linux/gfp.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#ifdef AXVCPU_HAVE_GSSEG_H		/* load_gs_index() moved there in 6.2 */
#include <asm/gsseg.h>
#endif
#include <asm/mce.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>

#include "vmcs.h"
#include "vmx.h"

static_assert(offsetof(struct vmx_vcpu, gpr) == 0);

/* RFLAGS bits a VMM may set (reserved bits and VM are refused). */
#define VMX_RFLAGS_MASK	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
			 X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_OF | \
			 X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_RF | \
			 X86_EFLAGS_AC | X86_EFLAGS_ID | X86_EFLAGS_FIXED)

static int vmx_vcpu_create(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	vx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vx->vmcs)
		return -ENOMEM;
	/* The reset state: x87 and SSE exceptions masked (FCW, MXCSR). */
	if (!fpu_alloc_guest_fpstate(&vx->fpu)) {
		free_page((unsigned long)vx->vmcs);
		return -ENOMEM;
	}
	*(u32 *)vx->vmcs = axvcpu_vmx_caps.revision;
	vx->xcr0 = XFEATURE_MASK_FP;
	vx->rflags = X86_EFLAGS_FIXED;
	vx->dr[6] = VMX_DR6_RESET;
	vx->dr[7] = VMX_DR7_RESET;
	vx->vpid = axvcpu_vmx_alloc_vpid();
	vx->loaded_cpu = -1;
	vx->host_cpu = -1;
	INIT_LIST_HEAD(&vx->loaded_link);
	return 0;
}

static void vmx_vcpu_destroy(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	/* Written back and off its CPU's list before the page goes. */
	axvcpu_vmx_vmcs_clear(vx);
	axvcpu_vmx_free_vpid(vx->vpid);
	free_page((unsigned long)vx->vmcs);
	fpu_free_guest_fpstate(&vx->fpu);
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
	int r;

	vx->apic_id = cfg->x86.apic_id;

	/* Filled on this CPU, where it stays active (never launched yet). */
	preempt_disable();
	r = axvcpu_vmx_vmcs_load(vx);
	if (!r)
		axvcpu_vmx_init_vmcs(vx, xvm->eptp, &cfg->x86);
	preempt_enable();
	return r;
}

/* ------------------------------------------------------- bind / unbind */

/*
 * The SYSCALL MSRs, TSC_AUX and KERNEL_GS_BASE are not in the VMCS. The
 * host only uses them in userspace (KERNEL_GS_BASE holds its user GS base
 * while in the kernel), which this thread reaches only after unbinding,
 * and other threads only after the preempt notifier unbound us: so they
 * are switched at bind and unbind, not on every entry.
 */
#define SYSCALL_MSR_KGS	5	/* KERNEL_GS_BASE, which loading GS clobbers */

static const u32 syscall_msrs[VMX_NR_SYSCALL_MSRS] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_TSC_AUX,
	[SYSCALL_MSR_KGS] = MSR_KERNEL_GS_BASE
};

static void switch_syscall_msrs(u64 *save, const u64 *load)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syscall_msrs); i++) {
		rdmsrl(syscall_msrs[i], save[i]);
		wrmsrl(syscall_msrs[i], load[i]);
	}
}

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

enum { HOST_DS, HOST_ES, HOST_FS, HOST_GS, HOST_LDT };

/*
 * A VM exit zeroes DS, ES, FS, GS and LDTR, sets the FS and GS bases from
 * the VMCS, and leaves the TSS and GDT limits minimal. The kernel needs
 * none of them, so they are put back once, at unbind (before the context
 * switch saves them, for a preemption), as KVM's vmx_prepare_switch_to_host()
 * does.
 */
static void save_host_segments(struct vmx_vcpu *vx)
{
	savesegment(ds, vx->host_seg[HOST_DS]);
	savesegment(es, vx->host_seg[HOST_ES]);
	savesegment(fs, vx->host_seg[HOST_FS]);
	savesegment(gs, vx->host_seg[HOST_GS]);
	vx->host_seg[HOST_LDT] = sldt_read();
}

static void restore_host_segments(struct vmx_vcpu *vx)
{
	u16 *seg = vx->host_seg;

	if (seg[HOST_DS])
		loadsegment(ds, seg[HOST_DS]);
	if (seg[HOST_ES])
		loadsegment(es, seg[HOST_ES]);
	if (seg[HOST_FS]) {
		loadsegment(fs, seg[HOST_FS]);
		wrmsrl(MSR_FS_BASE, vx->host_fs_base);
	}
	/* Loading GS writes the user GS base: the caller restores it. */
	if (seg[HOST_GS])
		load_gs_index(seg[HOST_GS]);
	if (seg[HOST_LDT])
		ldt_load(seg[HOST_LDT]);
	invalidate_tss_limit();
	load_fixmap_gdt(smp_processor_id());
}

static int vmx_vcpu_bind(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	struct vmx_vm *xvm = vcpu->vm->arch;
	int cpu = smp_processor_id();
	u64 fsbase;
	int r;

	r = axvcpu_vmx_vmcs_load(vx);
	if (r)
		return r;
	if (vx->host_cpu != cpu) {
		axvcpu_vmx_load_host_cpu_state();
		vx->host_cpu = cpu;
	}
	/* Per task: setup wrote 0, the value host_fs_base starts with. */
	rdmsrl(MSR_FS_BASE, fsbase);
	if (fsbase != vx->host_fs_base) {
		vmcs_write(HOST_FS_BASE, fsbase);
		vx->host_fs_base = fsbase;
	}
	axvcpu_vmx_switch_vm(xvm);
	save_host_segments(vx);
	switch_syscall_msrs(vx->host_syscall_msrs, vx->syscall_msrs);
	vmcs_write(GUEST_RIP, vx->rip);
	vmcs_write(GUEST_RSP, vx->rsp);
	vmcs_write(GUEST_RFLAGS, vx->rflags);
	/*
	 * The vCPU's translations here are its own unless it ran elsewhere
	 * since (its guest may have changed its tables and flushed there
	 * only) or VMX was off meanwhile (KVM may have run guests with VPIDs
	 * numbered like ours): src/vcpu.c tells, as tlb_clean. EPT
	 * translations are tagged by the EPT root, flushed on every CPU at
	 * each stage-2 change.
	 */
	if (!vcpu->tlb_clean) {
		axvcpu_vmx_invvpid(vx->vpid);
		axvcpu_vmx_invept(xvm->eptp);
	}
	return 0;
}

static int vmx_vcpu_unbind(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 *host = vx->host_syscall_msrs;

	vx->rip = vmcs_read(GUEST_RIP);
	vx->rsp = vmcs_read(GUEST_RSP);
	vx->rflags = vmcs_read(GUEST_RFLAGS);
	switch_syscall_msrs(vx->syscall_msrs, host);
	restore_host_segments(vx);
	if (vx->host_seg[HOST_GS])
		wrmsrl(MSR_KERNEL_GS_BASE, host[SYSCALL_MSR_KGS]);
	/* The VMCS stays active here: no VMCLEAR, no flush. */
	return 0;
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

/*
 * For the whole RUN the guest's FPU state is the thread's (KVM's
 * fpu_swap_kvm_fpstate(), as its kvm_load_guest_fpu() and
 * kvm_put_guest_fpu() do): in the registers from here on, saved by a
 * context switch and reloaded before the next entry, and the task's own
 * back at the end of the RUN, not switched at every entry and exit.
 */
static int vmx_vcpu_run_begin(struct axvcpu_vcpu *vcpu)
{
	return fpu_swap_kvm_fpstate(&to_vmx(vcpu)->fpu, true);
}

static void vmx_vcpu_run_end(struct axvcpu_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(&to_vmx(vcpu)->fpu, false);
}

/*
 * PKRU is the guest's while it runs with protection keys on, the VMM
 * thread's otherwise (kvm_load_guest_xsave_state() and
 * kvm_load_host_xsave_state() in KVM 6.12). The guest can only have them
 * where the host does (read_caps()), so PKRU is never left to a guest
 * unswitched.
 */
static bool guest_pkru_live(const struct vmx_vcpu *vx)
{
	return axvcpu_vmx_caps.pku &&
	       ((vx->cr4 & X86_CR4_PKE) || (vx->xcr0 & XFEATURE_MASK_PKRU));
}

static void pkru_enter(struct vmx_vcpu *vx)
{
	if (!axvcpu_vmx_caps.pku)
		return;
	vx->host_pkru = rdpkru();
	if (guest_pkru_live(vx) && vx->pkru != vx->host_pkru)
		wrpkru(vx->pkru);
}

static void pkru_exit(struct vmx_vcpu *vx)
{
	if (!guest_pkru_live(vx))
		return;
	vx->pkru = rdpkru();
	if (vx->pkru != vx->host_pkru)
		wrpkru(vx->host_pkru);
}

/*
 * A machine check that made the guest exit (or came during the entry):
 * the host's handler runs now, as from user mode with interrupts on, as
 * KVM's kvm_machine_check() does it.
 */
static void machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

static int vmx_vcpu_run(struct axvcpu_vcpu *vcpu)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u64 host_xcr0 = axvcpu_vmx_caps.host_xcr0;
	u64 cr3 = __read_cr3(), cr4 = cr4_read_shadow();
	int r;

	/* VMX left for a reboot since the last exit (main.c): no entry. */
	if (unlikely(!axvcpu_vmx_on_here()))
		return -EIO;
	/* Per task (the VMM's threads differ) or changed at run time. */
	if (cr3 != vx->host_cr3) {
		vmcs_write(HOST_CR3, cr3);
		vx->host_cr3 = cr3;
	}
	if (cr4 != vx->host_cr4) {
		vmcs_write(HOST_CR4, cr4);
		vx->host_cr4 = cr4;
	}
	/*
	 * A guest never runs longer than a tick without an exit, even where
	 * a host timer interrupt fails to cause one (seen under Bochs).
	 */
	if (axvcpu_vmx_caps.preempt_ticks)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE,
			   axvcpu_vmx_caps.preempt_ticks);
	inject_pending(vx);

	/* A context switch since the last entry saved the guest's FPU state. */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	if (vx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vx->xcr0);

	vx->host_debugctl = get_debugctlmsr();
	pkru_enter(vx);

	if (axvcpu_vmx_caps.l1d_flush)
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
	r = __axvcpu_vmx_run(vx->gpr, vx->launched);
#ifdef X86_FEATURE_IBPB_EXIT_TO_USER
	/* VMSCAPE: the VMM must not run on predictions the guest trained. */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);
#endif
	/*
	 * A VM exit leaves DR7 at 0x400 and IA32_DEBUGCTL at 0 (SDM 28.3.1,
	 * 28.5.1): the host's breakpoints (ptrace, perf) and debug controls
	 * (LBR, BTF) come back now, not at the next context switch, as in
	 * KVM's vcpu_enter_guest() and vmx_vcpu_run().
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (vx->host_debugctl)
		update_debugctlmsr(vx->host_debugctl);
	pkru_exit(vx);

	if (vx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);

	if (r) {
		vx->exit_reason = VMX_EXIT_VMFAIL;
		vx->entry_error = vmcs_read(VM_INSTRUCTION_ERROR);
		return 0;
	}
	vx->exit_reason = vmcs_read(VM_EXIT_REASON);
	/*
	 * A failed entry leaves the launch state as it was (a failed
	 * VMLAUNCH clear, a failed VMRESUME launched), and the VMCS stays
	 * active across RUNs now: only a completed entry launches it, as in
	 * KVM's vmx_vcpu_run().
	 */
	if (!(vx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		vx->launched = true;
	vx->exit_qual = vmcs_read(EXIT_QUALIFICATION);
	if (!(vx->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		requeue_event();
	/* A host NMI that made the guest exit is the host's to handle. */
	if ((u16)vx->exit_reason == EXIT_REASON_EXCEPTION_NMI) {
		u32 info = vmcs_read(VM_EXIT_INTR_INFO);

		if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
			asm volatile("int $2");
		else if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
			machine_check();
	} else if ((u16)vx->exit_reason == EXIT_REASON_MCE_DURING_VMENTRY) {
		machine_check();
	}
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
static void complete_mmio(struct axvcpu_vcpu *vcpu, const struct axvcpu_run *run)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	const struct vmx_mmio_insn *mi = &vx->mmio;
	u64 val = axvcpu_mmio_read_value(&vcpu->mmio_read,
					 READ_ONCE(run->mmio.data));
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
		complete_mmio(vcpu, run);
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

/* Bound, interrupts off: the VMCS is this CPU's current one. */
static void vmx_vcpu_exit_info(struct axvcpu_vcpu *vcpu, u64 *code, u64 *info,
			       u64 *pc)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);

	*code = vx->exit_reason;
	*info = vx->exit_qual;
	*pc = vmcs_read(GUEST_RIP);
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
	.vcpu_run_begin		= vmx_vcpu_run_begin,
	.vcpu_run_end		= vmx_vcpu_run_end,
	.vcpu_run		= vmx_vcpu_run,
	.vcpu_handle_exit	= axvcpu_x86_handle_exit,
	.vcpu_complete_read	= vmx_vcpu_complete_read,
	.vcpu_get_regs		= vmx_vcpu_get_regs,
	.vcpu_set_regs		= vmx_vcpu_set_regs,
	.vcpu_inject_interrupt	= vmx_vcpu_inject_interrupt,
	.vcpu_set_return_value	= vmx_vcpu_set_return_value,
	.vcpu_exit_info		= vmx_vcpu_exit_info,
};
