// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites axvcpu_x86_ept (the EPT format through the generic
 * stage-2 builder) and axvcpu_x86_walk (the software walk of the guest's
 * own page tables).
 */
#include <kunit/test.h>

#include "tests/mock.h"
#include "../pgtable.h"

static void ept_entries(struct kunit *test)
{
	const struct axvcpu_s2_format *f = &axvcpu_x86_ept4;
	u64 rwx = f->make_leaf(0x12345000, AXVCPU_S2_R | AXVCPU_S2_W | AXVCPU_S2_X, 0);

	KUNIT_EXPECT_EQ(test, rwx, 0x12345000ULL | 0x7 | (6 << 3) | BIT(6));
	KUNIT_EXPECT_EQ(test, f->make_leaf(0x12345000, AXVCPU_S2_R | AXVCPU_S2_X, 0),
			rwx & ~EPT_W);
	KUNIT_EXPECT_EQ(test, f->make_table(0xabcde000), 0xabcde007ULL);
	KUNIT_EXPECT_EQ(test, f->entry_pa(rwx), 0x12345000ULL);
	KUNIT_EXPECT_TRUE(test, f->is_present(EPT_X));
	KUNIT_EXPECT_FALSE(test, f->is_present(EPT_MT_WB | 0x12345000));
	/* A 2 MiB page: bit 7 at level 1; a table never has it. */
	KUNIT_EXPECT_EQ(test, f->block_levels, 1);
	KUNIT_EXPECT_EQ(test, f->make_leaf(0x12200000, AXVCPU_S2_R | AXVCPU_S2_W |
					   AXVCPU_S2_X, 1), 0x12200000ULL | 0x7 | (6 << 3) |
			BIT(6) | BIT(7));
	KUNIT_EXPECT_TRUE(test, f->is_leaf(f->make_leaf(0x12200000, AXVCPU_S2_R, 1), 1));
	KUNIT_EXPECT_FALSE(test, f->is_leaf(f->make_table(0xabcde000), 1));
}

static void ept_builder_covers_48_bits(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	KUNIT_EXPECT_EQ(test, axvcpu_s2_phys_bits(&axvcpu_x86_ept4), 48);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_init(&s2, &axvcpu_x86_ept4,
					     &axvcpu_fake_hal), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 1);
	/* Real-mode guests live at the bottom of the address space. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x7000, 0x1000,
					    AXVCPU_S2_R | AXVCPU_S2_X), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 4);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, (1ULL << 48) - 0x1000, 0x2000,
					    AXVCPU_S2_R), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 7);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_map(&s2, 1ULL << 48, 0x3000, AXVCPU_S2_R),
			-EINVAL);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x7000, &e));
	KUNIT_EXPECT_EQ(test, e & (EPT_R | EPT_W | EPT_X), EPT_R | EPT_X);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, (1ULL << 48) - 0x1000, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_x86_ept4.entry_pa(e), 0x2000);
	axvcpu_s2_destroy(&s2);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 0);
}

static struct kunit_case ept_cases[] = {
	KUNIT_CASE(ept_entries),
	KUNIT_CASE(ept_builder_covers_48_bits),
	{}
};

static struct kunit_suite ept_suite = {
	.name = "axvcpu_x86_ept",
	.test_cases = ept_cases,
};

/* Guest memory for the walks: 64 KiB at guest-physical 0. */
struct walk_mem {
	u8 bytes[0x10000];
};

static int walk_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct walk_mem *m = ctx;

	if (gpa + len > sizeof(m->bytes))
		return -EFAULT;
	memcpy(buf, m->bytes + gpa, len);
	return 0;
}

static void put64(struct walk_mem *m, u64 gpa, u64 v)
{
	memcpy(m->bytes + gpa, &v, sizeof(v));
}

static void put32(struct walk_mem *m, u64 gpa, u32 v)
{
	memcpy(m->bytes + gpa, &v, sizeof(v));
}

static void walk_unpaged(struct kunit *test)
{
	struct x86_paging p = { .mode = X86_PAGING_NONE };
	u64 gpa;

	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x123456789ULL, NULL,
						    NULL, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x23456789ULL);	/* 32-bit truncated */
	p.lma = true;
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x123456789ULL, NULL,
						    NULL, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x123456789ULL);
}

/* 4-level: a 4 KiB page, a 2 MiB page, a missing entry. */
static void walk_4level(struct kunit *test)
{
	struct walk_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct x86_paging p = { .mode = X86_PAGING_4LEVEL, .lma = true,
				.cr3 = 0x1000 };
	u64 gpa;

	KUNIT_ASSERT_NOT_NULL(test, m);
	put64(m, 0x1000, 0x2003);		/* PML4E 0 */
	put64(m, 0x2000, 0x3003);		/* PDPTE 0 */
	put64(m, 0x3000, 0x4003);		/* PDE 0: a table */
	put64(m, 0x3008, 0x600083);		/* PDE 1: 2 MiB at 6 MiB */
	put64(m, 0x4000 + 5 * 8, 0x9003);	/* PTE 5 */
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x5abc, walk_read, m,
						    &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x9abcULL);
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x212345, walk_read, m,
						    &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x612345ULL);
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x6000, walk_read, m,
						    &gpa), -EFAULT);
	/* A table outside guest memory. */
	put64(m, 0x4000 + 7 * 8, 0x9003);
	p.cr3 = 0x100000;
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x7000, walk_read, m,
						    &gpa), -EFAULT);
}

/* 32-bit paging with a 4 MiB page; PAE with a PDPTE not present. */
static void walk_32bit_and_pae(struct kunit *test)
{
	struct walk_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct x86_paging p = { .mode = X86_PAGING_32, .cr3 = 0x1000 };
	u64 gpa;

	KUNIT_ASSERT_NOT_NULL(test, m);
	put32(m, 0x1000 + 1 * 4, 0x00c00083);	/* PDE 1: 4 MiB at 12 MiB */
	put32(m, 0x1000, 0x2003);		/* PDE 0: a table */
	put32(m, 0x2000 + 3 * 4, 0x5003);	/* PTE 3 */
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x401234, walk_read, m,
						    &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xc01234ULL);
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x3fff, walk_read, m,
						    &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x5fffULL);

	p.mode = X86_PAGING_PAE;
	p.pdpte[0] = 0x3001;
	put64(m, 0x3000, 0x4003);		/* PDE 0 */
	put64(m, 0x4000 + 2 * 8, 0x8003);	/* PTE 2 */
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x2010, walk_read, m,
						    &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x8010ULL);
	KUNIT_EXPECT_EQ(test, axvcpu_x86_gva_to_gpa(&p, 0x40002010, walk_read,
						    m, &gpa), -EFAULT);
}

static struct kunit_case walk_cases[] = {
	KUNIT_CASE(walk_unpaged),
	KUNIT_CASE(walk_4level),
	KUNIT_CASE(walk_32bit_and_pae),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "axvcpu_x86_walk",
	.test_cases = walk_cases,
};

kunit_test_suites(&ept_suite, &walk_suite);
