// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_arm64_decode: the arm64 stage-2 descriptor format
 * (through the generic builder) and ESR_EL2 syndrome decoding.
 */
#include <kunit/test.h>

#include "tests/mock.h"
#include "../vhe.h"

#define ESR(ec, iss)	(((u64)(ec) << 26) | BIT(25) | (iss))
#define ISV		BIT(24)
#define SAS(n)		((u64)(n) << 22)
#define SSE		BIT(21)
#define SRT(n)		((u64)(n) << 16)
#define SF		BIT(15)
#define WNR		BIT(6)
#define S1PTW		BIT(7)

static void dabt_load_halfword_signed_w(struct kunit *test)
{
	struct vhe_dabt d;

	/* ldrsh w3, [x1] */
	axvcpu_arm64_decode_dabt(ESR(VHE_EC_DABT_LOW, ISV | SAS(1) | SSE | SRT(3)), &d);
	KUNIT_EXPECT_TRUE(test, d.valid);
	KUNIT_EXPECT_FALSE(test, d.write);
	KUNIT_EXPECT_EQ(test, d.width, 2);
	KUNIT_EXPECT_EQ(test, d.reg, 3);
	KUNIT_EXPECT_TRUE(test, d.sign);
	KUNIT_EXPECT_FALSE(test, d.reg64);
}

static void dabt_store_doubleword(struct kunit *test)
{
	struct vhe_dabt d;

	/* str x5, [x0] */
	axvcpu_arm64_decode_dabt(ESR(VHE_EC_DABT_LOW, ISV | SAS(3) | SRT(5) | SF | WNR), &d);
	KUNIT_EXPECT_TRUE(test, d.valid);
	KUNIT_EXPECT_TRUE(test, d.write);
	KUNIT_EXPECT_EQ(test, d.width, 8);
	KUNIT_EXPECT_EQ(test, d.reg, 5);
	KUNIT_EXPECT_TRUE(test, d.reg64);
	KUNIT_EXPECT_FALSE(test, d.sign);

	/* strb wzr, [x0]: register 31 is the zero register */
	axvcpu_arm64_decode_dabt(ESR(VHE_EC_DABT_LOW, ISV | SAS(0) | SRT(31) | WNR), &d);
	KUNIT_EXPECT_EQ(test, d.width, 1);
	KUNIT_EXPECT_EQ(test, d.reg, 31);
}

/* Without ISV (e.g. ldp, or a post-indexed load) nothing is decoded. */
static void dabt_without_isv_is_invalid(struct kunit *test)
{
	struct vhe_dabt d;

	axvcpu_arm64_decode_dabt(ESR(VHE_EC_DABT_LOW, WNR | S1PTW), &d);
	KUNIT_EXPECT_FALSE(test, d.valid);
	KUNIT_EXPECT_TRUE(test, d.write);
	KUNIT_EXPECT_TRUE(test, d.s1ptw);
}

static void sysreg_sgi1r_write(struct kunit *test)
{
	/* msr ICC_SGI1R_EL1, x4: op0 3, op1 0, CRn 12, CRm 11, op2 5 */
	u32 addr = (3 << 20) | (5 << 17) | (0 << 14) | (12 << 10) | (11 << 1);
	struct vhe_sysreg s;

	axvcpu_arm64_decode_sysreg(ESR(VHE_EC_SYS64, addr | (4 << 5)), &s);
	KUNIT_EXPECT_EQ(test, s.addr, addr);
	KUNIT_EXPECT_EQ(test, s.reg, 4);
	KUNIT_EXPECT_FALSE(test, s.read);

	/* mrs x30, same register */
	axvcpu_arm64_decode_sysreg(ESR(VHE_EC_SYS64, addr | (30 << 5) | 1), &s);
	KUNIT_EXPECT_EQ(test, s.addr, addr);
	KUNIT_EXPECT_EQ(test, s.reg, 30);
	KUNIT_EXPECT_TRUE(test, s.read);
}

static void fault_ipa_from_hpfar(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_fault_ipa(0x90001ULL << 4,
						     0xffff000012345abcULL),
			0x90001abcULL);
	/* RES0 bits of HPFAR are ignored; IPA bits up to 51. */
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_fault_ipa((0xfffffffffffULL << 4) | 0xf,
						     0),
			0xffffffffff000ULL);
}

static void s2_leaf_permissions(struct kunit *test)
{
	const struct axvcpu_s2_format *f = &axvcpu_arm64_s2_4k;
	u64 rwx = f->make_leaf(0x40001000, AXVCPU_S2_R | AXVCPU_S2_W | AXVCPU_S2_X, 0);
	u64 rx = f->make_leaf(0x40001000, AXVCPU_S2_R | AXVCPU_S2_X, 0);
	u64 rw = f->make_leaf(0x40001000, AXVCPU_S2_R | AXVCPU_S2_W, 0);

	KUNIT_EXPECT_EQ(test, rwx, 0x40001000ULL | 0x3 | VHE_S2_MEMATTR_NORMAL |
			VHE_S2_S2AP_R | VHE_S2_S2AP_W | VHE_S2_SH_INNER | VHE_S2_AF);
	KUNIT_EXPECT_EQ(test, rx, rwx & ~VHE_S2_S2AP_W);
	KUNIT_EXPECT_EQ(test, rw, rwx | VHE_S2_XN);
	KUNIT_EXPECT_EQ(test, f->make_table(0x40002000), 0x40002003ULL);
	KUNIT_EXPECT_EQ(test, f->entry_pa(rw), 0x40001000ULL);
	KUNIT_EXPECT_FALSE(test, f->is_present(0));
	/* A 2 MiB block: bit 1 clear; a table at that level has it set. */
	KUNIT_EXPECT_EQ(test, f->block_levels, 1);
	KUNIT_EXPECT_EQ(test, f->make_leaf(0x40200000, AXVCPU_S2_R | AXVCPU_S2_W |
					   AXVCPU_S2_X, 1), (rwx & ~0x40001002ULL) | 0x40200000);
	KUNIT_EXPECT_TRUE(test, f->is_leaf(f->make_leaf(0x40200000, AXVCPU_S2_R, 1), 1));
	KUNIT_EXPECT_FALSE(test, f->is_leaf(f->make_table(0x40002000), 1));
}

/* 40-bit IPA: addresses from 2^39 use the second concatenated table. */
static void s2_builder_covers_40_bits(struct kunit *test)
{
	struct axvcpu_stage2 s2;
	u64 e;

	KUNIT_EXPECT_EQ(test, axvcpu_s2_phys_bits(&axvcpu_arm64_s2_4k), VHE_IPA_BITS);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_init(&s2, &axvcpu_arm64_s2_4k,
					     &axvcpu_fake_hal), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 2);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 0x40000000, 0x1000, AXVCPU_S2_R), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_s2_map(&s2, 1ULL << 39, 0x2000, AXVCPU_S2_R), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_s2_map(&s2, 1ULL << 40, 0x3000, AXVCPU_S2_R),
			-EINVAL);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 1ULL << 39, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_s2_4k.entry_pa(e), 0x2000);
	KUNIT_ASSERT_TRUE(test, axvcpu_s2_lookup(&s2, 0x40000000, &e));
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_s2_4k.entry_pa(e), 0x1000);
	axvcpu_s2_destroy(&s2);
	KUNIT_EXPECT_EQ(test, atomic_read(&axvcpu_fake_hal_frames), 0);
}

/*
 * ICC_SGI1R_EL1's targets: Aff3 1, Aff2 2, Aff1 3, RS 1, list bits 2 and
 * 15 name Aff0 0x12 and 0x1f of 1.2.3; nothing else (another Aff1, Aff0
 * 0x02 of RS 0, 0x20 past the range).
 */
static void sgi1r_targets(struct kunit *test)
{
	u64 v = 1ULL << 48 | 1ULL << 44 | 2ULL << 32 | 3ULL << 16 | BIT(2) | BIT(15);

	KUNIT_EXPECT_EQ(test, axvcpu_arm64_sgi1r_base(v), 0x0100020310ULL);
	KUNIT_EXPECT_TRUE(test, axvcpu_arm64_sgi1r_targets(v, 0x0100020312ULL));
	KUNIT_EXPECT_TRUE(test, axvcpu_arm64_sgi1r_targets(v, 0x010002031fULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_sgi1r_targets(v, 0x0100020313ULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_sgi1r_targets(v, 0x0100020412ULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_sgi1r_targets(v, 0x0100020302ULL));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_sgi1r_targets(v, 0x0100020320ULL));
}

/*
 * ID registers: the TID3 space is recognised from the trapped access's
 * encoding; the fields the backend does not virtualise are cleared, the
 * rest kept; AArch64 only at EL0/EL1; unallocated registers are unknown.
 */
static void id_registers(struct kunit *test)
{
	unsigned int crm, op2;

	/* mrs x0, ID_AA64PFR0_EL1: Op0 3, Op1 0, CRn 0, CRm 4, Op2 0. */
	KUNIT_EXPECT_TRUE(test, axvcpu_arm64_id_reg(3 << 20 | 4 << 1, &crm, &op2));
	KUNIT_EXPECT_EQ(test, crm, 4);
	KUNIT_EXPECT_EQ(test, op2, 0);
	/* MIDR_EL1 (CRm 0) and ACTLR_EL1 (CRn 1) are not in it. */
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_id_reg(3 << 20, &crm, &op2));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_id_reg(3 << 20 | 1 << 17 | 1 << 10,
						     &crm, &op2));
	KUNIT_EXPECT_TRUE(test, axvcpu_arm64_id_known(4, 0));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_id_known(7, 7));
	KUNIT_EXPECT_FALSE(test, axvcpu_arm64_id_known(1, 3));
	/* PFR0: EL0..EL3 2222, FP 1, AdvSIMD 1, GIC 1, RAS 2, SVE 1, CSV2 2. */
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_id_sanitise(4, 0, 0x2000000121112222ULL),
			0x2000000001110011ULL);
	/* PFR1: BT, SSBS, MTE 2, SME 1 -> BT, SSBS. */
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_id_sanitise(4, 1, 0x1000221ULL), 0x21ULL);
	/* ISAR1: DPB 1, APA 5, API 0, GPA 1 -> DPB. */
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_id_sanitise(6, 1, 0x1000051ULL), 0x1ULL);
	/* DFR0: DebugVer 9, TraceVer 1, PMUVer 8, BRPs 5, PMSVer 1 -> no PMU, trace, SPE. */
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_id_sanitise(5, 0, 0x100005819ULL), 0x5009ULL);
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_id_sanitise(4, 4, ~0ULL), 0);
	/* ISAR0 (atomics, crypto) is the host's. */
	KUNIT_EXPECT_EQ(test, axvcpu_arm64_id_sanitise(6, 0, 0x1221100110212120ULL),
			0x1221100110212120ULL);
}

static struct kunit_case decode_cases[] = {
	KUNIT_CASE(dabt_load_halfword_signed_w),
	KUNIT_CASE(dabt_store_doubleword),
	KUNIT_CASE(dabt_without_isv_is_invalid),
	KUNIT_CASE(sysreg_sgi1r_write),
	KUNIT_CASE(fault_ipa_from_hpfar),
	KUNIT_CASE(sgi1r_targets),
	KUNIT_CASE(id_registers),
	KUNIT_CASE(s2_leaf_permissions),
	KUNIT_CASE(s2_builder_covers_40_bits),
	{}
};

static struct kunit_suite decode_suite = {
	.name = "axvcpu_arm64_decode",
	.test_cases = decode_cases,
};

kunit_test_suite(decode_suite);
