/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions as C inlines (Intel SDM vol. 3, chapter 31). Each but
 * VMXON and VMXOFF has an exception fixup, as KVM's do: the reboot
 * notifier (main.c) turns VMX off on every CPU while vCPU threads may be
 * between an exit and the next entry, and their next VMX instruction then
 * raises #UD. The fixup makes it fail instead, and such a failure is
 * expected once the notifier ran (axvcpu_vmx_rebooting); before, a VMfail
 * or fault is a bug in the module, warned about once
 * (axvcpu_vmx_insn_failed()).
 */
#ifndef _AXVCPU_X86_VMCS_H
#define _AXVCPU_X86_VMCS_H

#include <linux/bug.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

/* The outcome the asm below leaves in its "fail" operand. */
#define VMX_INSN_OK	0
#define VMX_INSN_VMFAIL	1
#define VMX_INSN_FAULT	2

extern bool axvcpu_vmx_rebooting;
void axvcpu_vmx_insn_failed(const char *insn, u64 arg, u8 how);

/*
 * \insn, then the outcome in %[fail]: VMfail (CF or ZF) or, from the
 * exception fixup, a fault.
 */
#define VMX_INSN_ASM(insn)					\
	"1: " insn "\n\t"					\
	"setna %[fail]\n\t"					\
	"jmp 3f\n"						\
	"2: movb $" __stringify(VMX_INSN_FAULT) ", %[fail]\n"	\
	"3:\n\t"						\
	_ASM_EXTABLE(1b, 2b)

static __always_inline u64 vmcs_read(unsigned long field)
{
	u64 val;
	u8 fail;

	asm volatile(VMX_INSN_ASM("vmread %[field], %[val]")
		     : [val] "=r" (val), [fail] "=qm" (fail)
		     : [field] "r" (field) : "cc");
	if (unlikely(fail)) {
		axvcpu_vmx_insn_failed("vmread", field, fail);
		return 0;
	}
	return val;
}

static __always_inline void vmcs_write(unsigned long field, u64 val)
{
	u8 fail;

	asm volatile(VMX_INSN_ASM("vmwrite %[val], %[field]")
		     : [fail] "=qm" (fail)
		     : [val] "rm" (val), [field] "r" (field) : "cc");
	if (unlikely(fail))
		axvcpu_vmx_insn_failed("vmwrite", field, fail);
}

static __always_inline void vmcs_set_bits(unsigned long field, u64 bits)
{
	vmcs_write(field, vmcs_read(field) | bits);
}

static __always_inline void vmcs_clear_bits(unsigned long field, u64 bits)
{
	vmcs_write(field, vmcs_read(field) & ~bits);
}

/* Each returns 0, or -EIO if the instruction failed (VMfail). */
static __always_inline int vmx_on(phys_addr_t pa)
{
	bool fail;

	asm volatile("vmxon %[pa]\n\tsetna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static __always_inline void vmx_off(void)
{
	asm volatile("vmxoff" : : : "cc", "memory");
}

static __always_inline int vmcs_clear(phys_addr_t pa)
{
	u8 fail;

	asm volatile(VMX_INSN_ASM("vmclear %[pa]")
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	if (unlikely(fail == VMX_INSN_FAULT))
		axvcpu_vmx_insn_failed("vmclear", pa, fail);
	return fail ? -EIO : 0;
}

static __always_inline int vmcs_load(phys_addr_t pa)
{
	u8 fail;

	asm volatile(VMX_INSN_ASM("vmptrld %[pa]")
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	if (unlikely(fail == VMX_INSN_FAULT))
		axvcpu_vmx_insn_failed("vmptrld", pa, fail);
	return fail ? -EIO : 0;
}

/* INVEPT/INVVPID descriptor types (SDM vol. 3, 31.3). */
#define VMX_INV_SINGLE_CONTEXT	1

static __always_inline void vmx_invept_single(u64 eptp)
{
	struct { u64 eptp, gpa; } desc = { eptp, 0 };
	u8 fail;

	asm volatile(VMX_INSN_ASM("invept %[desc], %[type]")
		     : [fail] "=qm" (fail)
		     : [desc] "m" (desc), [type] "r" ((u64)VMX_INV_SINGLE_CONTEXT)
		     : "cc", "memory");
	if (unlikely(fail))
		axvcpu_vmx_insn_failed("invept", eptp, fail);
}

static __always_inline void vmx_invvpid_single(u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	u8 fail;

	asm volatile(VMX_INSN_ASM("invvpid %[desc], %[type]")
		     : [fail] "=qm" (fail)
		     : [desc] "m" (desc), [type] "r" ((u64)VMX_INV_SINGLE_CONTEXT)
		     : "cc", "memory");
	if (unlikely(fail))
		axvcpu_vmx_insn_failed("invvpid", vpid, fail);
}

#endif /* _AXVCPU_X86_VMCS_H */
