/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 backend (VMX): internal types. The pure-logic part (decoding of
 * the instruction behind an MMIO exit) builds on UML for KUnit.
 */
#ifndef _AXVCPU_X86_VMX_H
#define _AXVCPU_X86_VMX_H

#include <linux/list.h>
#include <asm/page.h>		/* for fpu/types.h before 6.2 */
#include <asm/fpu/types.h>
#include <linux/types.h>

#include "axvcpu.h"
#include "layout.h"

/* ------------------------------------------- pure logic (KUnit on UML) */

/**
 * struct vmx_mmio_insn - a decoded guest MOV to or from memory
 * @len: instruction length in bytes, prefixes included (1..15).
 * @store: true for a store (register or immediate to memory).
 * @width: access width in bytes (1, 2, 4 or 8).
 * @reg: the register operand: source of a store, destination of a load;
 *	0..15 (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15). With @high8,
 *	0..3 name ah, ch, dh, bh. 0 for an immediate store.
 * @high8: @reg names bits 15:8 of rax, rcx, rdx or rbx (ah, ch, dh, bh:
 *	a byte operand 4..7 without a REX prefix).
 * @sign: a load that sign-extends the @width bytes to @reg_width (MOVSX);
 *	other loads zero-extend them (MOVZX) or have @width == @reg_width.
 * @zero_ext: writing the @reg_width bytes of the destination also clears
 *	bits 63:32 of the register (a 32-bit destination). Otherwise the
 *	bytes above @reg_width are preserved (8- and 16-bit destinations) or
 *	there are none (64-bit). Loads only.
 * @imm_valid: an immediate store (MOV r/m, imm): the value is @imm.
 * @imm: the immediate, already sign-extended to @width (imm32 with REX.W).
 * @reg_width: width of @reg in bytes: for a load the destination (which
 *	MOVZX and MOVSX make wider than @width), for a register store the
 *	source (== @width); 0 for an immediate store.
 */
struct vmx_mmio_insn {
	unsigned int len;
	bool store;
	unsigned int width;
	unsigned int reg;
	bool high8;
	bool sign;
	bool zero_ext;
	bool imm_valid;
	u64 imm;
	unsigned int reg_width;
};

int axvcpu_x86_decode_mmio(const u8 *insn, unsigned int avail,
			   unsigned int cpu_mode, struct vmx_mmio_insn *mi);

/* --------------------------------------------------------------- vCPU */

/* Vectors an injected external interrupt may use. */
#define VMX_FIRST_VECTOR	32
#define VMX_NR_VECTORS		256
/* STAR, LSTAR, CSTAR, SFMASK, TSC_AUX, KERNEL_GS_BASE (vcpu.c). */
#define VMX_NR_SYSCALL_MSRS	6

/* General-purpose register numbers (UAPI and ModRM order). */
enum vmx_gpr {
	VMX_REG_RAX, VMX_REG_RCX, VMX_REG_RDX, VMX_REG_RBX, VMX_REG_RSP,
	VMX_REG_RBP, VMX_REG_RSI, VMX_REG_RDI, VMX_NR_GPRS = 16
};

/**
 * struct vmx_vcpu - the x86 part of a vCPU
 * @gpr: guest rax..r15 (rsp unused: it lives in the VMCS); first, for
 *	vmenter.S.
 * @vmcs: the VMCS page.
 * @loaded_cpu: the CPU the VMCS is active on (loaded and not cleared since),
 *	or -1; it stays active there across RUNs (see vmcs.c).
 * @loaded_link: in that CPU's list of active VMCSs.
 * @host_cpu: the CPU whose per-CPU host state the VMCS holds, or -1.
 * @host_cr3: HOST_CR3 as written (checked before each entry).
 * @host_cr4: HOST_CR4 as written (likewise).
 * @host_fs_base: HOST_FS_BASE as written (checked at each bind).
 * @host_seg: the host's DS, ES, FS, GS and LDT selectors, saved at bind:
 *	a VM exit zeroes them, unbind puts them back.
 * @launched: VMLAUNCH done since the last VMCLEAR: VMRESUME next.
 * @rip: guest rip while unbound (the VMCS holds it while bound).
 * @rsp: guest rsp while unbound.
 * @rflags: guest rflags while unbound.
 * @cr0: guest-visible CR0 (the read shadow).
 * @cr4: guest-visible CR4 (the read shadow).
 * @cr8: guest TPR as CR8.
 * @efer: guest IA32_EFER.
 * @xcr0: guest XCR0.
 * @dr: guest DR0..DR3, DR6 and DR7 (indexes 0..3, 6, 7): emulated only,
 *	the hardware breakpoints stay the host's.
 * @syscall_msrs: guest STAR, LSTAR, CSTAR, SFMASK, TSC_AUX and
 *	KERNEL_GS_BASE (SWAPGS swaps with it), loaded while bound.
 * @host_syscall_msrs: the host's, while bound.
 * @pkru: guest PKRU while unbound from the CPU's register (only with
 *	CR4.PKE, which the guest has only where the host has it).
 * @host_pkru: the VMM thread's PKRU, read at each entry.
 * @host_debugctl: the host's IA32_DEBUGCTL, read at each entry: a VM
 *	exit clears it.
 * @apic_id: x2APIC id (CPUID), from setup.
 * @vpid: VPID, or 0.
 * @fpu: guest x87/SSE/AVX state, the thread's during a RUN.
 * @pending: vectors injected and not delivered yet (atomic bits).
 * @exit_reason: VM_EXIT_REASON of the last exit, or VMX_EXIT_VMFAIL.
 * @exit_qual: its exit qualification.
 * @entry_error: VM_INSTRUCTION_ERROR of a failed VMLAUNCH/VMRESUME.
 * @mmio: the load whose MMIO read the next RUN completes.
 * @io_width: width of the IN whose result the next RUN completes.
 */
struct vmx_vcpu {
	u64 gpr[VMX_NR_GPRS];
	void *vmcs;
	int loaded_cpu;
	struct list_head loaded_link;
	int host_cpu;
	u64 host_cr3;
	u64 host_cr4;
	u64 host_fs_base;
	u16 host_seg[5];
	bool launched;
	u64 rip;
	u64 rsp;
	u64 rflags;
	u64 cr0;
	u64 cr4;
	u64 cr8;
	u64 efer;
	u64 xcr0;
	u64 dr[8];
	u64 syscall_msrs[VMX_NR_SYSCALL_MSRS];
	u64 host_syscall_msrs[VMX_NR_SYSCALL_MSRS];
	u32 pkru;
	u32 host_pkru;
	u64 host_debugctl;
	u32 apic_id;
	u16 vpid;
	struct fpu_guest fpu;
	unsigned long pending[BITS_TO_LONGS(VMX_NR_VECTORS)];
	u32 exit_reason;
	u64 exit_qual;
	u32 entry_error;
	struct vmx_mmio_insn mmio;
	unsigned int io_width;
};

#define VMX_EXIT_VMFAIL		0xffffffffU
#define VMX_DR6_RESET		0xffff0ff0ULL
#define VMX_DR7_RESET		0x400ULL

static inline struct vmx_vcpu *to_vmx(struct axvcpu_vcpu *vcpu)
{
	return vcpu->arch;
}

/**
 * struct vmx_vm - the x86 part of a VM
 * @eptp: the EPT pointer of its stage-2 root.
 * @id: a number no other VM of this module load has had (never 0).
 */
struct vmx_vm {
	u64 eptp;
	u64 id;
};

/**
 * struct vmx_caps - what the CPU offers, read from the VMX capability MSRs
 * @revision: VMCS revision identifier.
 * @pin: pin-based controls used.
 * @proc: primary processor-based controls used.
 * @proc2: secondary processor-based controls used.
 * @exit: VM-exit controls used.
 * @entry: VM-entry controls used.
 * @cr0_fixed0: CR0 bits that must be 1 (PE and PG excepted: unrestricted).
 * @cr0_fixed1: CR0 bits that may be 1.
 * @cr4_fixed0: CR4 bits that must be 1.
 * @cr4_fixed1: CR4 bits that may be 1.
 * @vpid: VPIDs with single-context INVVPID are available.
 * @xsave_size: bytes of an XSAVE area for the host's XCR0.
 * @host_xcr0: the host's XCR0.
 * @guest_xcr0: the XCR0 bits a guest may enable.
 * @preempt_ticks: VMX-preemption timer value per entry, or 0 if absent.
 * @l1d_flush: flush the L1 data cache before every entry (L1TF).
 * @pku: the host uses protection keys (CR4.PKE): the guest may too, and
 *	PKRU is switched around it.
 */
struct vmx_caps {
	u32 revision;
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	bool vpid;
	unsigned int xsave_size;
	u64 host_xcr0;
	u64 guest_xcr0;
	u32 preempt_ticks;
	bool l1d_flush;
	bool pku;
};

extern struct vmx_caps axvcpu_vmx_caps;
extern const struct axvcpu_arch_ops axvcpu_x86_ops;

int __axvcpu_vmx_run(u64 *gprs, bool resume);
void __axvcpu_vmx_exit(void);

bool axvcpu_vmx_on_here(void);
u16 axvcpu_vmx_alloc_vpid(void);
void axvcpu_vmx_free_vpid(u16 vpid);
void axvcpu_vmx_invept(u64 eptp);
void axvcpu_vmx_invvpid(u16 vpid);
int axvcpu_x86_vm_init(struct axvcpu_vm *vm);
void axvcpu_x86_vm_destroy(struct axvcpu_vm *vm);
void axvcpu_x86_vm_flush_s2(struct axvcpu_vm *vm);

u32 axvcpu_vmx_proc2(u16 vpid);
void axvcpu_vmx_init_vmcs(struct vmx_vcpu *vx, u64 eptp,
			  const struct axvcpu_setup_x86 *cfg);
void axvcpu_vmx_load_host_cpu_state(void);
void axvcpu_vmx_vmcs_percpu_init(void);
int axvcpu_vmx_vmcs_load(struct vmx_vcpu *vx);
void axvcpu_vmx_vmcs_clear(struct vmx_vcpu *vx);
void axvcpu_vmx_vmcs_clear_all(void);
void axvcpu_vmx_switch_vm(const struct vmx_vm *xvm);
int axvcpu_x86_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run);
bool axvcpu_vmx_irq_pending(struct vmx_vcpu *vx);
int axvcpu_vmx_set_cr0(struct vmx_vcpu *vx, u64 val);
int axvcpu_vmx_set_cr4(struct vmx_vcpu *vx, u64 val);

#endif /* _AXVCPU_X86_VMX_H */
