/* SPDX-License-Identifier: GPL-2.0 */
/* G-stage TLB maintenance on this hart (hardware only: not for UML). */
#ifndef _AXVCPU_RISCV_HFENCE_H
#define _AXVCPU_RISCV_HFENCE_H

#include <asm/insn-def.h>

/* hfence.gvma for one VMID; the operand is pinned to a0. */
static inline void rvh_hfence_gvma_vmid(unsigned long vmid)
{
	register unsigned long a0 asm("a0") = vmid;

	asm volatile(HFENCE_GVMA(zero, a0) : : "r" (a0) : "memory");
}

/* hfence.gvma for one guest-physical address, every VMID. */
static inline void rvh_hfence_gvma_gpa(u64 gpa)
{
	register unsigned long a0 asm("a0") = gpa >> 2;

	asm volatile(HFENCE_GVMA(a0, zero) : : "r" (a0) : "memory");
}

#endif /* _AXVCPU_RISCV_HFENCE_H */
