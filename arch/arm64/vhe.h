/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 backend (EL2 with VHE): internal types. The pure-logic part
 * (stage-2 format, ESR decoding) builds on UML for KUnit.
 */
#ifndef _AXVCPU_ARM64_VHE_H
#define _AXVCPU_ARM64_VHE_H

#include <linux/bits.h>
#include <linux/types.h>

#include "axvcpu.h"

/* ------------------------------------------- pure logic (KUnit on UML) */

/*
 * Stage-2 descriptors, 4 KiB granule (Arm ARM D8.3): a 40-bit IPA space
 * walked from level 1 with two concatenated level-1 tables.
 */
#define VHE_S2_VALID		BIT(0)
#define VHE_S2_TABLE		BIT(1)	/* table (levels 1, 2) or page (3) */
#define VHE_S2_MEMATTR_NORMAL	(0xfULL << 2)	/* Normal, inner/outer WB */
#define VHE_S2_S2AP_R		BIT(6)
#define VHE_S2_S2AP_W		BIT(7)
#define VHE_S2_SH_INNER		(3ULL << 8)
#define VHE_S2_AF		BIT(10)
#define VHE_S2_XN		BIT_ULL(54)
#define VHE_S2_ADDR_MASK	GENMASK_ULL(47, 12)
#define VHE_IPA_BITS		40

extern const struct axvcpu_s2_format axvcpu_arm64_s2_4k;

/* Exception classes of ESR_EL2 that the backend handles. */
#define VHE_EC_WFX		0x01
#define VHE_EC_HVC64		0x16
#define VHE_EC_SMC64		0x17
#define VHE_EC_SYS64		0x18
#define VHE_EC_IABT_LOW		0x20
#define VHE_EC_DABT_LOW		0x24

/**
 * struct vhe_dabt - a decoded data abort syndrome (ESR_EL2.ISS, EC 0x24)
 * @valid: ISV: the syndrome describes the access; otherwise it does not.
 * @write: WnR.
 * @width: access width in bytes (SAS).
 * @reg: the transfer register, x0..x30 (SRT; 31 is xzr).
 * @sign: SSE: the load sign-extends.
 * @reg64: SF: the register is 64 bits wide (else 32).
 * @s1ptw: the fault is on the guest's own stage-1 table walk.
 */
struct vhe_dabt {
	bool valid;
	bool write;
	unsigned int width;
	unsigned int reg;
	bool sign;
	bool reg64;
	bool s1ptw;
};

void axvcpu_arm64_decode_dabt(u64 esr, struct vhe_dabt *d);

/**
 * struct vhe_sysreg - a decoded trapped MSR/MRS (ESR_EL2.ISS, EC 0x18)
 * @addr: the register as the seed names it: the ISS with Rt and the
 *	direction bit cleared (Op0, Op2, Op1, CRn, CRm).
 * @reg: Rt.
 * @read: MRS (a read of the register).
 */
struct vhe_sysreg {
	u32 addr;
	unsigned int reg;
	bool read;
};

void axvcpu_arm64_decode_sysreg(u64 esr, struct vhe_sysreg *s);
u64 axvcpu_arm64_fault_ipa(u64 hpfar, u64 far);

#endif /* _AXVCPU_ARM64_VHE_H */
