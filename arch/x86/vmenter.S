/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch, modelled on arch/x86/kvm/vmx/vmenter.S.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "layout.h"

	.text

/*
 * int __axvcpu_vmx_run(u64 *gprs, bool resume)
 *
 * Contract: VMX root operation, interrupts disabled, the vCPU's VMCS
 * current and complete except HOST_RSP, which is written here (the stack
 * depth at the VMLAUNCH/VMRESUME). Saves the host's callee-saved
 * registers and @gprs on the stack, loads the guest's rax..r15 but rsp
 * (which the VMCS holds) from @gprs and executes VMRESUME if @resume,
 * VMLAUNCH otherwise. A VM exit lands at __axvcpu_vmx_exit (HOST_RIP)
 * with the stack as it was: the guest's registers are stored back into
 * @gprs, the others cleared, the host's restored. Returns 0 after a VM
 * exit, 1 if the instruction failed (VMfail: VM_INSTRUCTION_ERROR tells
 * why; the guest's registers are then lost from the CPU but intact in
 * @gprs).
 *
 * Speculation, as KVM's world switch does and where the kernel enables
 * it: CPU buffers cleared with VERW right before the entry (MDS, TAA,
 * MMIO stale data: X86_FEATURE_CLEAR_CPU_BUF, the flag KVM 6.12's VMX
 * entry uses; a kernel without the macro fails the build below, the
 * mitigation is never compiled out); after an exit, before the first unbalanced RET, the
 * return stack buffer refilled (or one CALL retired with eIBRS) so that
 * no guest-made entry steers a host RET, and the branch history cleared
 * (BHI). L1D flushing and IBPB are the caller's (vcpu.c).
 */
#ifndef CLEAR_CPU_BUFFERS
#error "asm/nospec-branch.h has no CLEAR_CPU_BUFFERS: VERW before VM entry"
#endif

SYM_FUNC_START(__axvcpu_vmx_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* @gprs, for the exit path */

	mov	$VMX_FIELD_HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lvmfail

	bt	$0, %esi		/* CF = @resume; movs keep flags */
	mov	%rdi, %rax
	mov	VMX_RCX(%rax), %rcx
	mov	VMX_RDX(%rax), %rdx
	mov	VMX_RBX(%rax), %rbx
	mov	VMX_RBP(%rax), %rbp
	mov	VMX_RSI(%rax), %rsi
	mov	VMX_RDI(%rax), %rdi
	mov	VMX_GPR(8)(%rax), %r8
	mov	VMX_GPR(9)(%rax), %r9
	mov	VMX_GPR(10)(%rax), %r10
	mov	VMX_GPR(11)(%rax), %r11
	mov	VMX_GPR(12)(%rax), %r12
	mov	VMX_GPR(13)(%rax), %r13
	mov	VMX_GPR(14)(%rax), %r14
	mov	VMX_GPR(15)(%rax), %r15
	mov	VMX_RAX(%rax), %rax

	CLEAR_CPU_BUFFERS		/* VERW; clobbers ZF, keeps CF */
	jnc	.Lvmlaunch
	UNWIND_HINT_SAVE
.Lvmresume:
	vmresume
	jmp	.Lvmfail
.Lvmlaunch:
	vmlaunch
	jmp	.Lvmfail

SYM_INNER_LABEL_ALIGN(__axvcpu_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax		/* @gprs */
	pop	VMX_RAX(%rax)
	mov	%rcx, VMX_RCX(%rax)
	mov	%rdx, VMX_RDX(%rax)
	mov	%rbx, VMX_RBX(%rax)
	mov	%rbp, VMX_RBP(%rax)
	mov	%rsi, VMX_RSI(%rax)
	mov	%rdi, VMX_RDI(%rax)
	mov	%r8, VMX_GPR(8)(%rax)
	mov	%r9, VMX_GPR(9)(%rax)
	mov	%r10, VMX_GPR(10)(%rax)
	mov	%r11, VMX_GPR(11)(%rax)
	mov	%r12, VMX_GPR(12)(%rax)
	mov	%r13, VMX_GPR(13)(%rax)
	mov	%r14, VMX_GPR(14)(%rax)
	mov	%r15, VMX_GPR(15)(%rax)
	xor	%ebx, %ebx		/* the return value until the end */

.Lout:
	/*
	 * No guest value may survive in a register, not even speculatively
	 * in one the pops below reload.
	 */
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d

	/* Before the first unbalanced RET: no guest-made RSB entry. */
#ifdef X86_FEATURE_RSB_VMEXIT_LITE
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
#else
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
#endif
#ifdef X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT
	CLEAR_BRANCH_HISTORY_VMEXIT	/* clobbers rax, rcx */
#endif
	mov	%ebx, %eax

	pop	%rdi
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	mov	$1, %ebx
	jmp	.Lout
SYM_FUNC_END(__axvcpu_vmx_run)
