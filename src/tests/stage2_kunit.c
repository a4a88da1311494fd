// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_stage2: the generic stage-2 builder with the riscv
 * Sv39x4 format and a HAL that counts frames.
 */
#include <kunit/test.h>

#include "mock.h"
#include "../../arch/riscv/rvh.h"

static void s2_init(struct kunit *test, struct axvcpu_stage2 *s2)
{
	KUNIT_ASSERT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_init(s2, &axvcpu_riscv_sv39x4,
					     &axvcpu_fake_hal), 0);
	/* The x4 root is four contiguous pages. */
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 4);
	KUNIT_EXPECT_EQ(test, s2->root & 0x3fff, 0);
}

static void s2_fini(struct kunit *test, struct axvcpu_stage2 *s2)
{
	axvcpu_s2_destroy(s2);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 0);
	KUNIT_EXPECT_EQ(test, s2->tables, 0);
}

static void sv39x4_covers_41_bits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvcpu_s2_phys_bits(&axvcpu_riscv_sv39x4), 41);
}

static void map_then_lookup_gives_leaf(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x80001000, 0x12345000,
					    AXVCPU_S2_R | AXVCPU_S2_W | AXVCPU_S2_X), 0);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x80001000, &e));
	KUNIT_EXPECT_EQ(test, e, (0x12345ULL << 10) | RVH_PTE_V | RVH_PTE_R | RVH_PTE_W |
			RVH_PTE_X | RVH_PTE_U | RVH_PTE_A | RVH_PTE_D);
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80000000, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80002000, &e));
	/* Root, one level-1 and one level-0 table. */
	KUNIT_EXPECT_EQ(test, s2.tables, 3);
	s2_fini(test, &s2);
}

static void readonly_leaf_has_no_write(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x1000, 0x2000,
					    AXVCPU_S2_R | AXVCPU_S2_X), 0);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x1000, &e));
	KUNIT_EXPECT_FALSE(test, e & RVH_PTE_W);
	KUNIT_EXPECT_TRUE(test, e & RVH_PTE_R);
	s2_fini(test, &s2);
}

static void tables_shared_within_a_range(struct kunit *test)
{
	struct axvcpu_stage2 s2;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x0, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 3);
	/* Same 2 MiB: no new table. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x1ff000, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 3);
	/* Next 2 MiB, same 1 GiB: one new leaf table. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x200000, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 4);
	/* Another 1 GiB: two new tables. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x40000000, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 6);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 4 + 5);
	s2_fini(test, &s2);
}

/* Addresses above 2^39 use the root's two extra index bits. */
static void wide_root_does_not_alias(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x0, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 1ULL << 40, 0x2000, AXVCPU_S2_R), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, (1ULL << 41) - 0x1000, 0x3000,
					    AXVCPU_S2_R), 0);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x0, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_sv39x4.entry_pa(e), 0x1000);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 1ULL << 40, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_sv39x4.entry_pa(e), 0x2000);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, (1ULL << 41) - 0x1000, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_sv39x4.entry_pa(e), 0x3000);
	s2_fini(test, &s2);
}

static void out_of_range_rejected(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_map(&s2, 1ULL << 41, 0x1000, AXVCPU_S2_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_map(&s2, 0x1001, 0x1000, AXVCPU_S2_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_map(&s2, 0x1000, 0x1800, AXVCPU_S2_R),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 1ULL << 41, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_unmap(&s2, ~0ULL & ~0xfffULL));
	KUNIT_EXPECT_EQ(test, s2.tables, 1);
	s2_fini(test, &s2);
}

static void unmap_and_remap(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x5000, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_unmap(&s2, 0x5000));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_unmap(&s2, 0x5000));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x5000, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_unmap(&s2, 0x80000000));
	/* Replacing a mapping needs no unmap. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x5000, 0x7000, AXVCPU_S2_R), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x5000, 0x9000, AXVCPU_S2_R), 0);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x5000, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_sv39x4.entry_pa(e), 0x9000);
	s2_fini(test, &s2);
}

#define RX	(AXVCPU_S2_R | AXVCPU_S2_X)
#define RWX	(RX | AXVCPU_S2_W)

/* A 2 MiB block stops the walk at level 1 and maps all its pages. */
static void block_maps_2mib(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_install(&s2, 0x80200000, 0x40200000, RWX, 1,
						NULL), 0);
	/* Root and one level-1 table; no leaf table. */
	KUNIT_EXPECT_EQ(test, s2.tables, 2);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x803ff000, &e));
	KUNIT_EXPECT_TRUE(test, axvcpu_riscv_sv39x4.is_leaf(e, 1));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_sv39x4.entry_pa(e), 0x40200000);
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80400000, &e));
	/* A page under the block: -EEXIST, nothing changed. */
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80201000, 0x1000, RX, 0, NULL),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, s2.tables, 2);
	/* The same block again: no change; more rights: a replacement. */
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80200000, 0x40200000, RWX, 1,
						NULL), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80200000, 0x40200000, RX, 1,
						NULL), 1);
	/* Misaligned block, or a level the format lacks. */
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80201000, 0x40200000, RX, 1,
						NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80200000, 0x40201000, RX, 1,
						NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80000000, 0x40000000, RX, 2,
						NULL), -EINVAL);
	/* Unmapping one page of it removes the whole block. */
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_unmap(&s2, 0x80300000));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80200000, &e));
	s2_fini(test, &s2);
}

/* Where tables hold pages, a block request fails and changes nothing. */
/* The host address of a guest address, inside a page and inside a block. */
static void translate_pages_and_blocks(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	phys_addr_t pa = 0;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_install(&s2, 0x80001000, 0x7000, RWX, 0,
						NULL), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_install(&s2, 0x80200000, 0x40200000, RWX, 1,
						NULL), 0);
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_translate(&s2, 0x80001abc, &pa));
	KUNIT_EXPECT_EQ(test, pa, 0x7abc);
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_translate(&s2, 0x803fe123, &pa));
	KUNIT_EXPECT_EQ(test, pa, 0x403fe123);
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_translate(&s2, 0x80002000, &pa));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_translate(&s2, 1ULL << 41, &pa));
	s2_fini(test, &s2);
}

static void block_over_pages_refused(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x80205000, 0x5000, RX), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x80200000, 0x40200000, RX, 1,
						NULL), -EEXIST);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x80205000, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_sv39x4.entry_pa(e), 0x5000);
	/* Freeing walks the leaf table but not into blocks. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_install(&s2, 0x80400000, 0x40400000, RX, 1,
						NULL), 0);
	s2_fini(test, &s2);
}

/* A range unmap clears pages and blocks that meet it, nothing else. */
static void unmap_range_clears_what_it_meets(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e, a;

	s2_init(test, &s2);
	for (a = 0x80000000; a < 0x80010000; a += 0x1000)
		KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, a, a - 0x40000000, RX), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_install(&s2, 0x80400000, 0x40400000, RX, 1,
						NULL), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0xc0000000, 0x1000, RX), 0);

	KUNIT_EXPECT_TRUE(test, axvcpu_s2_unmap_range(&s2, 0x80003000, 0x2000));
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_lookup(&s2, 0x80002000, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80003000, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80004000, &e));
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_lookup(&s2, 0x80005000, &e));
	/* Nothing mapped there: false. */
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_unmap_range(&s2, 0x80003000, 0x2000));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_unmap_range(&s2, 0x100000000ULL, 1ULL << 36));
	/* Across 1 GiB boundaries, and the last byte of a block. */
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_unmap_range(&s2, 0x805ff000, 0x40002000));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80400000, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0xc0000000, &e));
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_lookup(&s2, 0x8000f000, &e));
	/* Past the top of the space: clipped. */
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_unmap_range(&s2, 0, ~0ULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x80000000, &e));
	s2_fini(test, &s2);
}

/*
 * Pruning a range frees the tables that map nothing, below the root, and
 * keeps those that still map something outside the range.
 */
static void prune_frees_empty_tables(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	unsigned long base;
	phys_addr_t list;
	u64 e;

	s2_init(test, &s2);
	base = s2.tables;
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x80000000, 0x1000, RX), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x80001000, 0x2000, RX), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x1c0000000ULL, 0x3000, RX), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, base + 4);

	/* Half of a leaf table's mappings gone: it stays. */
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_unmap(&s2, 0x80001000));
	KUNIT_EXPECT_EQ(test, axvcpu_s2_prune_range(&s2, 0x80001000, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, base + 4);

	/* The GiB at 0x1c0000000 empty: its two tables go, the rest stay. */
	KUNIT_EXPECT_TRUE(test,
			  axvcpu_s2_unmap_range(&s2, 0x1c0000000ULL, 0x40000000));
	list = axvcpu_s2_prune_range(&s2, 0x1c0000000ULL, 0x40000000);
	KUNIT_EXPECT_NE(test, list, 0);
	axvcpu_s2_free_pruned(&s2, list);
	KUNIT_EXPECT_EQ(test, s2.tables, base + 2);
	KUNIT_EXPECT_TRUE(test, axvcpu_s2_lookup(&s2, 0x80000000, &e));
	KUNIT_EXPECT_FALSE(test, axvcpu_s2_lookup(&s2, 0x1c0000000ULL, &e));

	/* Mapping there again builds new tables. */
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x1c0000000ULL, 0x3000, RX), 0);
	KUNIT_EXPECT_EQ(test, s2.tables, base + 4);
	s2_fini(test, &s2);
}

/* A cache holds what one mapping needs; an empty one fails with -ENOMEM. */
static void cache_feeds_tables(struct kunit *test)
{
	struct axvcpu_s2_cache c = {};
	struct axvcpu_stage2 s2;

	s2_init(test, &s2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_topup(&s2, &c), 0);
	KUNIT_EXPECT_EQ(test, c.n, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 4 + 2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_install(&s2, 0x1000, 0x1000, RX, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, c.n, 0);
	KUNIT_EXPECT_EQ(test, s2.tables, 3);
	/* Same leaf table: nothing taken. */
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x2000, 0x2000, RX, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_install(&s2, 0x40000000, 0x2000, RX, 0, &c),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 4 + 2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_topup(&s2, &c), 0);
	axvcpu_s2_cache_free(&s2, &c);
	KUNIT_EXPECT_EQ(test, c.n, 0);
	s2_fini(test, &s2);
}

static struct kunit_case stage2_cases[] = {
	KUNIT_CASE(sv39x4_covers_41_bits),
	KUNIT_CASE(map_then_lookup_gives_leaf),
	KUNIT_CASE(readonly_leaf_has_no_write),
	KUNIT_CASE(tables_shared_within_a_range),
	KUNIT_CASE(wide_root_does_not_alias),
	KUNIT_CASE(out_of_range_rejected),
	KUNIT_CASE(unmap_and_remap),
	KUNIT_CASE(block_maps_2mib),
	KUNIT_CASE(translate_pages_and_blocks),
	KUNIT_CASE(block_over_pages_refused),
	KUNIT_CASE(unmap_range_clears_what_it_meets),
	KUNIT_CASE(cache_feeds_tables),
	KUNIT_CASE(prune_frees_empty_tables),
	{}
};

static struct kunit_suite stage2_suite = {
	.name = "axvcpu_stage2",
	.test_cases = stage2_cases,
};

kunit_test_suite(stage2_suite);
