// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_mem: validation of memory-region requests (alignment,
 * overflow, limits) and the overlap test.
 */
#include <kunit/test.h>

#include "axvcpu.h"

#define GB BIT_ULL(30)

static struct axvcpu_memory_region good(void)
{
	return (struct axvcpu_memory_region) {
		.slot = 3, .guest_phys_addr = 0x80000000, .size = 0x10000,
		.userspace_addr = 0x7f0000000000ULL,
	};
}

static void region_check_accepts_valid(struct kunit *test)
{
	struct axvcpu_memory_region mr = good();

	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
	mr.flags = AXVCPU_MEM_READONLY;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
	mr.slot = AXVCPU_MAX_MEM_REGIONS - 1;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
	/* Ends exactly at the top of the guest-physical space. */
	mr.guest_phys_addr = (1ULL << 41) - mr.size;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
	mr.size = AXVCPU_MAX_REGION_SIZE;
	mr.guest_phys_addr = 0;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
}

static void region_check_rejects_bad_slot_and_flags(struct kunit *test)
{
	struct axvcpu_memory_region mr = good();

	mr.slot = AXVCPU_MAX_MEM_REGIONS;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr = good();
	mr.flags = AXVCPU_MEM_PINNED | AXVCPU_MEM_READONLY;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
	mr.flags = 4;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr.flags = 0x80000000;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
}

static void region_check_rejects_unaligned(struct kunit *test)
{
	struct axvcpu_memory_region mr = good();

	mr.guest_phys_addr += 8;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr = good();
	mr.size += 1;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr = good();
	mr.userspace_addr += 0x800;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
}

static void region_check_rejects_overflow_and_limits(struct kunit *test)
{
	struct axvcpu_memory_region mr = good();

	mr.guest_phys_addr = ~0ULL & PAGE_MASK;
	mr.size = 2 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr = good();
	mr.guest_phys_addr = 1ULL << 41;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr.guest_phys_addr = (1ULL << 41) - PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr = good();
	mr.size = AXVCPU_MAX_REGION_SIZE + PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
	mr = good();
	mr.userspace_addr = ~0ULL & PAGE_MASK;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
}

/* A delete (size 0) only needs a valid slot and flags. */
static void region_check_delete_ignores_addresses(struct kunit *test)
{
	struct axvcpu_memory_region mr = { .slot = 1, .guest_phys_addr = 0x123 };

	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), 0);
	mr.slot = AXVCPU_MAX_MEM_REGIONS;
	KUNIT_EXPECT_EQ(test, axvcpu_region_check(&mr, 41), -EINVAL);
}

/* The overlap check of SET_MEMORY_REGION, on a maple tree of two regions. */
static void regions_conflict_cases(struct kunit *test)
{
	struct axvcpu_region a = { .gpa = 4 * GB, .size = GB };
	struct axvcpu_region b = { .gpa = 6 * GB, .size = 4096 };
	struct maple_tree mt;

	mt_init(&mt);
	KUNIT_ASSERT_EQ(test, mtree_insert_range(&mt, a.gpa, a.gpa + a.size - 1,
						 &a, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, mtree_insert_range(&mt, b.gpa, b.gpa + b.size - 1,
						 &b, GFP_KERNEL), 0);
	KUNIT_EXPECT_FALSE(test, axvcpu_regions_conflict(&mt, 3 * GB, GB, NULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_regions_conflict(&mt, 5 * GB, GB, NULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_regions_conflict(&mt, 6 * GB + 4096, GB, NULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 3 * GB, GB + 4096, NULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 5 * GB - 4096, GB, NULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 4 * GB + 4096, 4096, NULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 0, 8 * GB, NULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 4 * GB, GB, NULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 5 * GB, GB + 4096, NULL));
	/* The region a change replaces is no conflict; the others still are. */
	KUNIT_EXPECT_FALSE(test, axvcpu_regions_conflict(&mt, 4 * GB, GB, &a));
	KUNIT_EXPECT_FALSE(test, axvcpu_regions_conflict(&mt, 3 * GB, 2 * GB, &a));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 4 * GB, 2 * GB + 4096, &a));
	KUNIT_EXPECT_TRUE(test, axvcpu_regions_conflict(&mt, 0, 8 * GB, &b));
	mtree_destroy(&mt);
}

static struct kunit_case mem_cases[] = {
	KUNIT_CASE(region_check_accepts_valid),
	KUNIT_CASE(region_check_rejects_bad_slot_and_flags),
	KUNIT_CASE(region_check_rejects_unaligned),
	KUNIT_CASE(region_check_rejects_overflow_and_limits),
	KUNIT_CASE(region_check_delete_ignores_addresses),
	KUNIT_CASE(regions_conflict_cases),
	{}
};

static struct kunit_suite mem_suite = {
	.name = "axvcpu_mem",
	.test_cases = mem_cases,
};

kunit_test_suite(mem_suite);
