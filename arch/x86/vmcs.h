/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions as C inlines (Intel SDM vol. 3, chapter 31). A VMfail
 * of VMREAD/VMWRITE is a bug in the module: warned about once.
 */
#ifndef _AXVCPU_X86_VMCS_H
#define _AXVCPU_X86_VMCS_H

#include <linux/bug.h>
#include <linux/types.h>
#include <asm/vmx.h>

static __always_inline u64 vmcs_read(unsigned long field)
{
	u64 val;
	bool fail;

	asm volatile("vmread %[field], %[val]\n\tsetna %[fail]"
		     : [val] "=rm" (val), [fail] "=qm" (fail)
		     : [field] "r" (field) : "cc");
	WARN_ONCE(fail, "axvcpu: vmread %#lx failed\n", field);
	return val;
}

static __always_inline void vmcs_write(unsigned long field, u64 val)
{
	bool fail;

	asm volatile("vmwrite %[val], %[field]\n\tsetna %[fail]"
		     : [fail] "=qm" (fail)
		     : [val] "rm" (val), [field] "r" (field) : "cc");
	WARN_ONCE(fail, "axvcpu: vmwrite %#lx = %#llx failed\n", field, val);
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
	bool fail;

	asm volatile("vmclear %[pa]\n\tsetna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static __always_inline int vmcs_load(phys_addr_t pa)
{
	bool fail;

	asm volatile("vmptrld %[pa]\n\tsetna %[fail]"
		     : [fail] "=qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

/* INVEPT/INVVPID descriptor types (SDM vol. 3, 31.3). */
#define VMX_INV_SINGLE_CONTEXT	1

static __always_inline void vmx_invept_single(u64 eptp)
{
	struct { u64 eptp, gpa; } desc = { eptp, 0 };

	asm volatile("invept %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" ((u64)VMX_INV_SINGLE_CONTEXT)
		     : "cc", "memory");
}

static __always_inline void vmx_invvpid_single(u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm volatile("invvpid %[desc], %[type]"
		     : : [desc] "m" (desc), [type] "r" ((u64)VMX_INV_SINGLE_CONTEXT)
		     : "cc", "memory");
}

#endif /* _AXVCPU_X86_VMCS_H */
