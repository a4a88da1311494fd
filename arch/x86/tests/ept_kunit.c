// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_x86_ept: the EPT format through the generic stage-2
 * builder.
 */
#include <kunit/test.h>

#include "tests/mock.h"
#include "../ept.h"

static void ept_entries(struct kunit *test)
{
	const struct axvcpu_s2_format *f = &axvcpu_x86_ept4;
	u64 rwx = f->make_leaf(0x12345000, AXVCPU_S2_R | AXVCPU_S2_W | AXVCPU_S2_X);

	KUNIT_EXPECT_EQ(test, rwx, 0x12345000ULL | 0x7 | (6 << 3) | BIT(6));
	KUNIT_EXPECT_EQ(test, f->make_leaf(0x12345000, AXVCPU_S2_R | AXVCPU_S2_X),
			rwx & ~EPT_W);
	KUNIT_EXPECT_EQ(test, f->make_table(0xabcde000), 0xabcde007ULL);
	KUNIT_EXPECT_EQ(test, f->entry_pa(rwx), 0x12345000ULL);
	KUNIT_EXPECT_TRUE(test, f->is_present(EPT_X));
	KUNIT_EXPECT_FALSE(test, f->is_present(EPT_MT_WB | 0x12345000));
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

kunit_test_suite(ept_suite);
