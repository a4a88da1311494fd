// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_riscv_insn: the riscv load/store and CSR decoders
 * (encodings from GNU as) and the software VS-stage page walk.
 */
#include <kunit/test.h>

#include "../rvh.h"

struct load_case {
	u32 insn;
	unsigned int len, width, reg;
	bool store, sign;
};

static const struct load_case cases[] = {
	{ 0x00058503, 4, 1, 10, false, true },	/* lb a0,0(a1) */
	{ 0x00459303, 4, 2, 6, false, true },	/* lh t1,4(a1) */
	{ 0x0085a903, 4, 4, 18, false, true },	/* lw s2,8(a1) */
	{ 0x0105b783, 4, 8, 15, false, false },	/* ld a5,16(a1) */
	{ 0x0005c503, 4, 1, 10, false, false },	/* lbu a0,0(a1) */
	{ 0x0005d503, 4, 2, 10, false, false },	/* lhu a0,0(a1) */
	{ 0x0005e503, 4, 4, 10, false, false },	/* lwu a0,0(a1) */
	{ 0x00c58023, 4, 1, 12, true, false },	/* sb a2,0(a1) */
	{ 0x01c59023, 4, 2, 28, true, false },	/* sh t3,0(a1) */
	{ 0x0145a023, 4, 4, 20, true, false },	/* sw s4,0(a1) */
	{ 0x0115b023, 4, 8, 17, true, false },	/* sd a7,0(a1) */
	{ 0x41c8, 2, 4, 10, false, true },	/* c.lw a0,4(a1) */
	{ 0x6690, 2, 8, 12, false, false },	/* c.ld a2,8(a3) */
	{ 0xc3d8, 2, 4, 14, true, false },	/* c.sw a4,4(a5) */
	{ 0xe480, 2, 8, 8, true, false },	/* c.sd s0,8(s1) */
	{ 0x4292, 2, 4, 5, false, true },	/* c.lwsp t0,4(sp) */
	{ 0x69a2, 2, 8, 19, false, false },	/* c.ldsp s3,8(sp) */
	{ 0xc27e, 2, 4, 31, true, false },	/* c.swsp t6,4(sp) */
	{ 0xe42e, 2, 8, 11, true, false },	/* c.sdsp a1,8(sp) */
};

static void decode_mmio_loads_and_stores(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct load_case *c = &cases[i];
		struct rvh_mmio_insn mi;

		KUNIT_ASSERT_EQ_MSG(test, axvcpu_riscv_decode_mmio(c->insn, &mi), 0,
				    "insn %#x", c->insn);
		KUNIT_EXPECT_EQ_MSG(test, mi.len, c->len, "insn %#x", c->insn);
		KUNIT_EXPECT_EQ_MSG(test, mi.width, c->width, "insn %#x", c->insn);
		KUNIT_EXPECT_EQ_MSG(test, mi.reg, c->reg, "insn %#x", c->insn);
		KUNIT_EXPECT_EQ_MSG(test, mi.store, c->store, "insn %#x", c->insn);
		KUNIT_EXPECT_EQ_MSG(test, mi.sign, c->sign, "insn %#x", c->insn);
	}
}

/* Floating point, atomics, non-memory and reserved encodings. */
static void decode_mmio_rejects_others(struct kunit *test)
{
	static const u32 bad[] = {
		0x0005a507,	/* flw fa0,0(a1) */
		0x2588,		/* c.fld fa0,8(a1) */
		0x00b6252f,	/* amoadd.w a0,a1,(a2) */
		0x00b50533,	/* add a0,a0,a1 */
		0x0005f503,	/* load funct3 7: reserved */
		0x0005c023,	/* store funct3 4: reserved */
		0x4002,		/* c.lwsp x0: reserved */
		0x0001,		/* c.nop */
		0x10500073,	/* wfi */
	};
	struct rvh_mmio_insn mi;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, axvcpu_riscv_decode_mmio(bad[i], &mi),
				    -EINVAL, "insn %#x", bad[i]);
}

static void decode_csr_forms(struct kunit *test)
{
	struct rvh_csr_insn ci;

	KUNIT_ASSERT_EQ(test, axvcpu_riscv_decode_csr(0x5c002573, &ci), 0);
	KUNIT_EXPECT_EQ(test, ci.csr, 0x5c0);		/* csrr a0,0x5c0 */
	KUNIT_EXPECT_EQ(test, ci.rd, 10);
	KUNIT_EXPECT_EQ(test, ci.rs1, 0);
	KUNIT_EXPECT_EQ(test, ci.op, 2);
	KUNIT_EXPECT_FALSE(test, ci.imm);

	KUNIT_ASSERT_EQ(test, axvcpu_riscv_decode_csr(0x5c059073, &ci), 0);
	KUNIT_EXPECT_EQ(test, ci.rd, 0);		/* csrw 0x5c0,a1 */
	KUNIT_EXPECT_EQ(test, ci.rs1, 11);
	KUNIT_EXPECT_EQ(test, ci.op, 1);

	KUNIT_ASSERT_EQ(test, axvcpu_riscv_decode_csr(0x5c0322f3, &ci), 0);
	KUNIT_EXPECT_EQ(test, ci.rd, 5);		/* csrrs t0,0x5c0,t1 */
	KUNIT_EXPECT_EQ(test, ci.rs1, 6);
	KUNIT_EXPECT_EQ(test, ci.op, 2);

	KUNIT_ASSERT_EQ(test, axvcpu_riscv_decode_csr(0x5c02f073, &ci), 0);
	KUNIT_EXPECT_EQ(test, ci.op, 3);		/* csrci 0x5c0,5 */
	KUNIT_EXPECT_TRUE(test, ci.imm);
	KUNIT_EXPECT_EQ(test, ci.rs1, 5);

	KUNIT_EXPECT_EQ(test, axvcpu_riscv_decode_csr(RVH_INSN_WFI, &ci), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_decode_csr(0x00000073, &ci), -EINVAL);
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_decode_csr(0x00058503, &ci), -EINVAL);
}

/* A guest memory of 16 pages for the walker, as (gpa, value) pairs. */
struct fake_mem {
	u64 base;
	u64 words[16 * 512];
	int reads;
};

static int fake_read(void *ctx, u64 gpa, u64 *val)
{
	struct fake_mem *m = ctx;

	m->reads++;
	if (gpa < m->base || gpa - m->base >= sizeof(m->words))
		return -EFAULT;
	*val = m->words[(gpa - m->base) / 8];
	return 0;
}

static void put_pte(struct fake_mem *m, u64 table, unsigned int idx, u64 pte)
{
	m->words[(table - m->base) / 8 + idx] = pte;
}

#define TABLE(pa)	((((pa) >> 12) << 10) | 1)
#define LEAF(pa)	((((pa) >> 12) << 10) | 0xcf)	/* V R W X A D */
#define SV39		(8ULL << 60)

static void gva_walk_bare_is_identity(struct kunit *test)
{
	u64 gpa;

	KUNIT_EXPECT_EQ(test, axvcpu_riscv_gva_to_gpa(0, 0x1234567, NULL, NULL,
						      &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x1234567);
}

static void gva_walk_sv39_pages_and_superpages(struct kunit *test)
{
	struct fake_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	u64 root, l1, l0, gpa, satp;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->base = 0x80000000;
	root = m->base;
	l1 = m->base + 0x1000;
	l0 = m->base + 0x2000;
	satp = SV39 | (root >> 12);
	/* gva 0xffffffc000201000 -> vpn2 256, vpn1 1, vpn0 1 -> 0x90005000. */
	put_pte(m, root, 256, TABLE(l1));
	put_pte(m, l1, 1, TABLE(l0));
	put_pte(m, l0, 1, LEAF(0x90005000ULL));
	KUNIT_ASSERT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0xffffffc000201abcULL,
						      fake_read, m, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x90005abc);
	KUNIT_EXPECT_EQ(test, m->reads, 3);

	/* A 2 MiB superpage at level 1. */
	put_pte(m, l1, 2, LEAF(0xa0000000ULL));
	KUNIT_ASSERT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0xffffffc000412345ULL,
						      fake_read, m, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xa0012345);

	/* A 1 GiB superpage at the root. */
	put_pte(m, root, 2, LEAF(0xc0000000ULL));
	KUNIT_ASSERT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0x80123456ULL,
						      fake_read, m, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xc0123456);
}

static void gva_walk_faults(struct kunit *test)
{
	struct fake_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	u64 gpa, satp;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->base = 0x80000000;
	satp = SV39 | (m->base >> 12);
	/* Invalid entry. */
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0x1000, fake_read, m,
						      &gpa), -EINVAL);
	/* W without R is reserved. */
	put_pte(m, m->base, 0, TABLE(0ULL) | 4);
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0x1000, fake_read, m,
						      &gpa), -EINVAL);
	/* A table outside guest memory. */
	put_pte(m, m->base, 0, TABLE(0x10000000ULL));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0x1000, fake_read, m,
						      &gpa), -EFAULT);
	/* A non-leaf at level 0. */
	put_pte(m, m->base, 0, TABLE(m->base + 0x1000));
	put_pte(m, m->base + 0x1000, 0, TABLE(m->base + 0x2000));
	put_pte(m, m->base + 0x2000, 1, TABLE(m->base + 0x3000));
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_gva_to_gpa(satp, 0x1000, fake_read, m,
						      &gpa), -EINVAL);
	/* Unknown satp mode. */
	KUNIT_EXPECT_EQ(test, axvcpu_riscv_gva_to_gpa(1ULL << 60, 0x1000,
						      fake_read, m, &gpa), -EINVAL);
}

static struct kunit_case insn_cases[] = {
	KUNIT_CASE(decode_mmio_loads_and_stores),
	KUNIT_CASE(decode_mmio_rejects_others),
	KUNIT_CASE(decode_csr_forms),
	KUNIT_CASE(gva_walk_bare_is_identity),
	KUNIT_CASE(gva_walk_sv39_pages_and_superpages),
	KUNIT_CASE(gva_walk_faults),
	{}
};

static struct kunit_suite insn_suite = {
	.name = "axvcpu_riscv_insn",
	.test_cases = insn_cases,
};

kunit_test_suite(insn_suite);
