/* SPDX-License-Identifier: GPL-2.0 */
/* The EPT format of the VMX backend (pure: builds on UML for KUnit). */
#ifndef _AXVCPU_X86_EPT_H
#define _AXVCPU_X86_EPT_H

#include <linux/bits.h>

#include "axvcpu.h"

/* EPT paging-structure entries (Intel SDM vol. 3, 29.3.2). */
#define EPT_R			BIT(0)
#define EPT_W			BIT(1)
#define EPT_X			BIT(2)
#define EPT_MT_WB		(6ULL << 3)	/* leaf memory type: write-back */
#define EPT_IPAT		BIT(6)		/* ignore the guest's PAT */
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)

extern const struct axvcpu_s2_format axvcpu_x86_ept4;

#endif /* _AXVCPU_X86_EPT_H */
