/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offsets into struct vhe_switch (vhe.h) shared with switch.S; vcpu.c
 * checks each against offsetof() at build time.
 */
#ifndef _AXVCPU_ARM64_LAYOUT_H
#define _AXVCPU_ARM64_LAYOUT_H

#define VHE_GUEST_X(n)		((n) * 8)	/* x0..x30 */
#define VHE_GUEST_SP_EL0	248
#define VHE_GUEST_PC		256
#define VHE_GUEST_PSTATE	264
#define VHE_HOST_X18		272		/* x18..x30 */
#define VHE_HOST_SP_EL0		376
#define VHE_HOST_VBAR		384
#define VHE_HOST_DAIF		392
#define VHE_TRAP_ESR		400
#define VHE_TRAP_FAR		408
#define VHE_TRAP_HPFAR		416
#define VHE_SWITCH_SIZE		424

/* struct vhe_fpsimd: v0..v31, then fpsr and fpcr. */
#define VHE_FP_FPSR		512
#define VHE_FP_FPCR		520

/* What __axvcpu_vhe_run() returns: the vector the guest exited through. */
#define VHE_EXIT_SYNC		0
#define VHE_EXIT_IRQ		1
#define VHE_EXIT_FIQ		2
#define VHE_EXIT_SERROR		3

#endif /* _AXVCPU_ARM64_LAYOUT_H */
