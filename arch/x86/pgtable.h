/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 page tables of the VMX backend, pure (built on UML for KUnit): the
 * EPT format, and the software walk of the guest's own tables.
 */
#ifndef _AXVCPU_X86_PGTABLE_H
#define _AXVCPU_X86_PGTABLE_H

#include <linux/bits.h>

#include "axvcpu.h"

/* EPT paging-structure entries (Intel SDM vol. 3, 29.3.2). */
#define EPT_R			BIT(0)
#define EPT_W			BIT(1)
#define EPT_X			BIT(2)
#define EPT_MT_WB		(6ULL << 3)	/* leaf memory type: write-back */
#define EPT_IPAT		BIT(6)		/* ignore the guest's PAT */
#define EPT_PS			BIT(7)		/* a 2 MiB leaf at level 1 */
#define EPT_ADDR_MASK		GENMASK_ULL(51, 12)

extern const struct axvcpu_s2_format axvcpu_x86_ept4;

/* The guest's paging modes (Intel SDM vol. 3, 4.1.1). */
enum x86_paging_mode {
	X86_PAGING_NONE,
	X86_PAGING_32,
	X86_PAGING_PAE,
	X86_PAGING_4LEVEL,
};

/**
 * struct x86_paging - the guest's paging state, for a software walk
 * @mode: its paging mode.
 * @lma: IA-32e mode active: unpaged addresses keep their 64 bits.
 * @cr3: its CR3.
 * @pdpte: the four PDPTEs the CPU holds (PAE paging).
 */
struct x86_paging {
	enum x86_paging_mode mode;
	bool lma;
	u64 cr3;
	u64 pdpte[4];
};

/**
 * typedef x86_read_fn - read guest-physical memory
 * @ctx: caller's context.
 * @gpa: guest-physical address.
 * @buf: out: the bytes.
 * @len: how many.
 *
 * Return: 0 or -EFAULT.
 */
typedef int (*x86_read_fn)(void *ctx, u64 gpa, void *buf, unsigned int len);

int axvcpu_x86_gva_to_gpa(const struct x86_paging *p, u64 gva,
			  x86_read_fn read, void *ctx, u64 *gpa);

#endif /* _AXVCPU_X86_PGTABLE_H */
