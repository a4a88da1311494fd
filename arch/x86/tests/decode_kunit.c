// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_x86_decode: the x86 MMIO instruction decoder. The
 * encodings come from GNU as (as --64 / --32 with .code64, .code32 and
 * .code16) and objdump -d; the few it will not emit (a misplaced REX, LOCK
 * or REPNE on a MOV, C7 /1) were written with .byte and checked with
 * objdump.
 */
#include <kunit/test.h>

#include "../vmx.h"

/* flags of a case */
#define ST	BIT(0)	/* store */
#define H8	BIT(1)	/* ah, ch, dh, bh */
#define SX	BIT(2)	/* sign-extending load */
#define ZX	BIT(3)	/* clears bits 63:32 of the destination */
#define IMM	BIT(4)	/* immediate store */

struct mmio_case {
	const char *text;
	unsigned int mode;
	const char *bytes;
	unsigned int len, width, reg, reg_width, flags;
	u64 imm;
};

static const struct mmio_case cases[] = {
	/* 64-bit mode: 88, 89 (stores) */
	{ "mov %al,(%rbx)", 64, "\x88\x03", 2, 1, 0, 1, ST },
	{ "mov %ah,(%rbx)", 64, "\x88\x23", 2, 1, 0, 1, ST | H8 },
	{ "mov %bh,0x10(%rsi)", 64, "\x88\x7e\x10", 3, 1, 3, 1, ST | H8 },
	{ "mov %sil,(%rax)", 64, "\x40\x88\x30", 3, 1, 6, 1, ST },
	{ "mov %r9b,(%rcx)", 64, "\x44\x88\x09", 3, 1, 9, 1, ST },
	{ "mov %eax,(%rbx)", 64, "\x89\x03", 2, 4, 0, 4, ST },
	{ "mov %ecx,0x12345678(%rsp)", 64, "\x89\x8c\x24\x78\x56\x34\x12",
	  7, 4, 1, 4, ST },
	{ "mov %rdx,(%rax)", 64, "\x48\x89\x10", 3, 8, 2, 8, ST },
	{ "mov %r15,0x8(%r12,%r13,4)", 64, "\x4f\x89\x7c\xac\x08",
	  5, 8, 15, 8, ST },
	{ "mov %r10d,(%r11)", 64, "\x45\x89\x13", 3, 4, 10, 4, ST },
	{ "mov %si,(%rdi)", 64, "\x66\x89\x37", 3, 2, 6, 2, ST },
	{ "mov %r8w,%fs:0x20(%rax)", 64, "\x64\x66\x44\x89\x40\x20",
	  6, 2, 8, 2, ST },
	{ "data16 mov %rax,(%rbx)", 64, "\x66\x48\x89\x03", 4, 8, 0, 8, ST },
	{ "rex.WR mov %eax,(%rbx)", 64, "\x4c\x89\x03", 3, 8, 8, 8, ST },
	/* a REX before another prefix is ignored: dh, not r14b */
	{ "rex.R; data16 mov %dh,(%rax)", 64, "\x44\x66\x88\x30",
	  4, 1, 2, 1, ST | H8 },
	/* 8A, 8B (loads) */
	{ "mov (%rbx),%al", 64, "\x8a\x03", 2, 1, 0, 1, 0 },
	{ "mov (%rbx),%ch", 64, "\x8a\x2b", 2, 1, 1, 1, H8 },
	{ "mov (%rax),%dil", 64, "\x40\x8a\x38", 3, 1, 7, 1, 0 },
	{ "mov 0x7f(%rax,%rbx,2),%r12b", 64, "\x44\x8a\x64\x58\x7f",
	  5, 1, 12, 1, 0 },
	{ "mov 0x11223344,%al", 64, "\x8a\x04\x25\x44\x33\x22\x11",
	  7, 1, 0, 1, 0 },
	{ "mov (%rbx),%eax", 64, "\x8b\x03", 2, 4, 0, 4, ZX },
	{ "mov (%rbx),%rax", 64, "\x48\x8b\x03", 3, 8, 0, 8, 0 },
	{ "mov 0x1000(%rip),%r14", 64, "\x4c\x8b\x35\x00\x10\x00\x00",
	  7, 8, 14, 8, 0 },
	{ "mov 0x1000(%rip),%ebp", 64, "\x8b\x2d\x00\x10\x00\x00",
	  6, 4, 5, 4, ZX },
	{ "mov (%rbx),%bx", 64, "\x66\x8b\x1b", 3, 2, 3, 2, 0 },
	{ "mov %gs:(%rax),%rsp", 64, "\x65\x48\x8b\x20", 4, 8, 4, 8, 0 },
	{ "mov (%ebx),%eax", 64, "\x67\x8b\x03", 3, 4, 0, 4, ZX },
	{ "mov 0x12345678,%eax", 64, "\x8b\x04\x25\x78\x56\x34\x12",
	  7, 4, 0, 4, ZX },
	{ "mov 0x0(%r13),%eax", 64, "\x41\x8b\x45\x00", 4, 4, 0, 4, ZX },
	{ "mov 0x0(,%rax,8),%ecx", 64, "\x8b\x0c\xc5\x00\x00\x00\x00",
	  7, 4, 1, 4, ZX },
	/* C6, C7 (immediate stores) */
	{ "movb $0x80,(%rax)", 64, "\xc6\x00\x80", 3, 1, 0, 0, ST | IMM, 0x80 },
	{ "movw $0x8001,(%rax)", 64, "\x66\xc7\x00\x01\x80",
	  5, 2, 0, 0, ST | IMM, 0x8001 },
	{ "movl $0x80000001,0x4(%rax)", 64, "\xc7\x40\x04\x01\x00\x00\x80",
	  7, 4, 0, 0, ST | IMM, 0x80000001 },
	{ "movq $-2,(%rax)", 64, "\x48\xc7\x00\xfe\xff\xff\xff",
	  7, 8, 0, 0, ST | IMM, 0xfffffffffffffffeULL },
	{ "movq $0x7fffffff,0x10(%rip)", 64,
	  "\x48\xc7\x05\x10\x00\x00\x00\xff\xff\xff\x7f",
	  11, 8, 0, 0, ST | IMM, 0x7fffffff },
	{ "movl $0x12345678,0x11223344(%rax,%rcx,8)", 64,
	  "\xc7\x84\xc8\x44\x33\x22\x11\x78\x56\x34\x12",
	  11, 4, 0, 0, ST | IMM, 0x12345678 },
	/* the longest form, with prefixes: 14 bytes */
	{ "movq $0x12345678,%fs:0x11223344(%eax,%ecx,8)", 64,
	  "\x64\x67\x48\xc7\x84\xc8\x44\x33\x22\x11\x78\x56\x34\x12",
	  14, 8, 0, 0, ST | IMM, 0x12345678 },
	/* MOVZX, MOVSX */
	{ "movzbl (%rax),%ecx", 64, "\x0f\xb6\x08", 3, 1, 1, 4, ZX },
	{ "movzbq (%rax),%r9", 64, "\x4c\x0f\xb6\x08", 4, 1, 9, 8, 0 },
	{ "movzwl (%rax),%edx", 64, "\x0f\xb7\x10", 3, 2, 2, 4, ZX },
	{ "movzbw (%rax),%ax", 64, "\x66\x0f\xb6\x00", 4, 1, 0, 2, 0 },
	{ "movsbl (%rax),%ecx", 64, "\x0f\xbe\x08", 3, 1, 1, 4, SX | ZX },
	{ "movsbq 0x1(%rax),%rax", 64, "\x48\x0f\xbe\x40\x01",
	  5, 1, 0, 8, SX },
	{ "movswl (%rax),%esi", 64, "\x0f\xbf\x30", 3, 2, 6, 4, SX | ZX },
	{ "movswq (%rax),%r11", 64, "\x4c\x0f\xbf\x18", 4, 2, 11, 8, SX },
	/* A0-A3: moffs64, or moffs32 with 67 */
	{ "movabs 0x1122334455667788,%al", 64,
	  "\xa0\x88\x77\x66\x55\x44\x33\x22\x11", 9, 1, 0, 1, 0 },
	{ "movabs 0x1122334455667788,%rax", 64,
	  "\x48\xa1\x88\x77\x66\x55\x44\x33\x22\x11", 10, 8, 0, 8, 0 },
	{ "movabs %eax,0x1122334455667788", 64,
	  "\xa3\x88\x77\x66\x55\x44\x33\x22\x11", 9, 4, 0, 4, ST },
	{ "movabs %al,0x1122334455667788", 64,
	  "\xa2\x88\x77\x66\x55\x44\x33\x22\x11", 9, 1, 0, 1, ST },
	{ "addr32 mov 0x11223344,%al", 64, "\x67\xa0\x44\x33\x22\x11",
	  6, 1, 0, 1, 0 },

	/* 32-bit mode */
	{ "mov %al,(%ebx)", 32, "\x88\x03", 2, 1, 0, 1, ST },
	{ "mov %dh,(%ebx)", 32, "\x88\x33", 2, 1, 2, 1, ST | H8 },
	{ "mov %eax,(%ebx)", 32, "\x89\x03", 2, 4, 0, 4, ST },
	{ "mov %cx,(%ebx)", 32, "\x66\x89\x0b", 3, 2, 1, 2, ST },
	{ "mov 0x10(%ebp),%edx", 32, "\x8b\x55\x10", 3, 4, 2, 4, ZX },
	{ "mov 0x12345678(,%esi,4),%edi", 32, "\x8b\x3c\xb5\x78\x56\x34\x12",
	  7, 4, 7, 4, ZX },
	{ "mov %es:(%edi),%bl", 32, "\x26\x8a\x1f", 3, 1, 3, 1, 0 },
	{ "mov (%bx,%si),%eax", 32, "\x67\x8b\x00", 3, 4, 0, 4, ZX },
	{ "mov 0x1234(%bp),%ax", 32, "\x67\x66\x8b\x86\x34\x12",
	  6, 2, 0, 2, 0 },
	{ "movb $0x12,(%ecx)", 32, "\xc6\x01\x12", 3, 1, 0, 0, ST | IMM, 0x12 },
	{ "movw $0x1234,(%ecx)", 32, "\x66\xc7\x01\x34\x12",
	  5, 2, 0, 0, ST | IMM, 0x1234 },
	{ "movl $0xdeadbeef,0x8(%esp)", 32,
	  "\xc7\x44\x24\x08\xef\xbe\xad\xde", 8, 4, 0, 0, ST | IMM, 0xdeadbeef },
	{ "movzbl (%eax),%eax", 32, "\x0f\xb6\x00", 3, 1, 0, 4, ZX },
	{ "movzwl (%eax),%ecx", 32, "\x0f\xb7\x08", 3, 2, 1, 4, ZX },
	{ "movsbw (%eax),%dx", 32, "\x66\x0f\xbe\x10", 4, 1, 2, 2, SX },
	{ "movswl 0x4(%eax),%ebx", 32, "\x0f\xbf\x58\x04", 4, 2, 3, 4, SX | ZX },
	{ "mov 0xfee000b0,%eax", 32, "\xa1\xb0\x00\xe0\xfe", 5, 4, 0, 4, ZX },
	{ "mov 0x11223344,%al", 32, "\xa0\x44\x33\x22\x11", 5, 1, 0, 1, 0 },
	{ "mov %eax,0x11223344", 32, "\xa3\x44\x33\x22\x11", 5, 4, 0, 4, ST },
	{ "mov %ax,0x11223344", 32, "\x66\xa3\x44\x33\x22\x11", 6, 2, 0, 2, ST },

	/* 16-bit mode */
	{ "mov %al,(%bx)", 16, "\x88\x07", 2, 1, 0, 1, ST },
	{ "mov %ax,(%bx,%si)", 16, "\x89\x00", 2, 2, 0, 2, ST },
	{ "mov %eax,(%bx,%si)", 16, "\x66\x89\x00", 3, 4, 0, 4, ST },
	{ "mov 0x1234,%cx", 16, "\x8b\x0e\x34\x12", 4, 2, 1, 2, 0 },
	{ "mov 0x12(%bp,%di),%dx", 16, "\x8b\x53\x12", 3, 2, 2, 2, 0 },
	{ "mov 0x1234(%bx),%si", 16, "\x8b\xb7\x34\x12", 4, 2, 6, 2, 0 },
	{ "mov (%ebx),%eax", 16, "\x67\x66\x8b\x03", 4, 4, 0, 4, ZX },
	{ "mov 0x12345678(%eax,%ecx,2),%ax", 16,
	  "\x67\x8b\x84\x48\x78\x56\x34\x12", 8, 2, 0, 2, 0 },
	{ "mov %cs:0x10(%bx),%ah", 16, "\x2e\x8a\x67\x10", 4, 1, 0, 1, H8 },
	{ "movb $0x5a,0x10(%di)", 16, "\xc6\x45\x10\x5a",
	  4, 1, 0, 0, ST | IMM, 0x5a },
	{ "movw $0xbeef,0x1234", 16, "\xc7\x06\x34\x12\xef\xbe",
	  6, 2, 0, 0, ST | IMM, 0xbeef },
	{ "movl $0xcafef00d,(%si)", 16, "\x66\xc7\x04\x0d\xf0\xfe\xca",
	  7, 4, 0, 0, ST | IMM, 0xcafef00d },
	{ "movzbw (%si),%ax", 16, "\x0f\xb6\x04", 3, 1, 0, 2, 0 },
	{ "movzbl (%si),%eax", 16, "\x66\x0f\xb6\x04", 4, 1, 0, 4, ZX },
	{ "movsbw (%di),%bx", 16, "\x0f\xbe\x1d", 3, 1, 3, 2, SX },
	{ "movswl (%di),%ebx", 16, "\x66\x0f\xbf\x1d", 4, 2, 3, 4, SX | ZX },
	{ "mov 0x1234,%al", 16, "\xa0\x34\x12", 3, 1, 0, 1, 0 },
	{ "mov %ax,0x1234", 16, "\xa3\x34\x12", 3, 2, 0, 2, ST },
};

static void check_case(struct kunit *test, const struct mmio_case *c,
		       unsigned int avail, const u8 *buf)
{
	struct vmx_mmio_insn mi;

	KUNIT_ASSERT_EQ_MSG(test, axvcpu_x86_decode_mmio(buf, avail, c->mode, &mi),
			    0, "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.len, c->len, "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.store, !!(c->flags & ST), "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.width, c->width, "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.reg, c->reg, "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.high8, !!(c->flags & H8), "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.sign, !!(c->flags & SX), "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.zero_ext, !!(c->flags & ZX), "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.imm_valid, !!(c->flags & IMM), "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.imm, c->imm, "%s", c->text);
	KUNIT_EXPECT_EQ_MSG(test, mi.reg_width, c->reg_width, "%s", c->text);
}

/* Exactly the instruction's bytes available. */
static void decode_mmio_forms(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(test, &cases[i], cases[i].len, (const u8 *)cases[i].bytes);
}

/* More bytes available than the instruction needs: the length still ends it. */
static void decode_mmio_ignores_following_bytes(struct kunit *test)
{
	unsigned int i;
	u8 buf[16];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(buf, 0x89, sizeof(buf));
		memcpy(buf, cases[i].bytes, cases[i].len);
		check_case(test, &cases[i], sizeof(buf), buf);
	}
}

/* Every proper prefix of every instruction asks for more bytes. */
static void decode_mmio_truncated(struct kunit *test)
{
	struct vmx_mmio_insn mi;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		for (n = 0; n < cases[i].len; n++)
			KUNIT_EXPECT_EQ_MSG(test,
					    axvcpu_x86_decode_mmio((const u8 *)cases[i].bytes,
								   n, cases[i].mode, &mi),
					    -EFAULT, "%s, %u bytes", cases[i].text, n);
}

struct reject_case {
	const char *text;
	unsigned int mode;
	const char *bytes;
	unsigned int avail;
};

static const struct reject_case rejects[] = {
	{ "lock addl $0x1,(%rax)", 64, "\xf0\x83\x00\x01", 4 },
	{ "lock mov %eax,(%rbx)", 64, "\xf0\x89\x03", 3 },
	{ "repnz mov %eax,(%rbx)", 64, "\xf2\x89\x03", 3 },
	{ "rep movsb", 64, "\xf3\xa4", 2 },
	{ "add %eax,(%rbx)", 64, "\x01\x03", 2 },
	{ "movslq (%rax),%rax", 64, "\x48\x63\x00", 3 },
	{ "movups (%rax),%xmm0", 64, "\x0f\x10\x00", 3 },
	{ "imul (%rbx),%eax", 64, "\x0f\xaf\x03", 3 },
	{ "c7 /1", 64, "\xc7\x08\x01\x00\x00\x00", 6 },
	/* register operands (mod 3) */
	{ "mov %eax,%ebx", 64, "\x89\xc3", 2 },
	{ "mov %bl,%al", 64, "\x88\xd8", 2 },
	{ "movzbl %cl,%eax", 64, "\x0f\xb6\xc1", 3 },
	{ "xabort $0x1", 64, "\xc6\xf8\x01", 3 },
	{ "mov %ax,%bx (16-bit)", 16, "\x8b\xd8", 2 },
	/* 48 is dec %eax outside 64-bit mode, not REX.W */
	{ "dec %eax; mov %eax,(%ebx)", 32, "\x48\x89\x03", 3 },
	/* 13 prefixes + 89 03 is 15 bytes (accepted); 14 is 16 */
	{ "14 prefixes + mov %ax,(%rbx)", 64,
	  "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x89\x03", 16 },
	{ "16 bytes of 0x66", 64,
	  "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66", 16 },
	{ "15 bytes of 0x66, 15 available", 32,
	  "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66", 15 },
	{ "16 bytes of 0xff", 64,
	  "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16 },
	/* the 14-byte movq above with two more segment prefixes: 16 bytes */
	{ "2e 2e + 14-byte movq", 64,
	  "\x2e\x2e\x64\x67\x48\xc7\x84\xc8\x44\x33\x22\x11\x78\x56\x34\x12", 16 },
	{ "mode 8", 8, "\x89\x03", 2 },
};

static void decode_mmio_rejects(struct kunit *test)
{
	struct vmx_mmio_insn mi;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rejects); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    axvcpu_x86_decode_mmio((const u8 *)rejects[i].bytes,
							   rejects[i].avail,
							   rejects[i].mode, &mi),
				    -EINVAL, "%s", rejects[i].text);
}

/* The 15-byte limit: exactly 15 decodes; a 16th needed byte is -EINVAL. */
static void decode_mmio_length_limit(struct kunit *test)
{
	static const u8 max[] = {
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x89, 0x03,
	};
	static const u8 movq[] = {	/* 2e + the 14-byte movq */
		0x2e, 0x64, 0x67, 0x48, 0xc7, 0x84, 0xc8, 0x44, 0x33, 0x22,
		0x11, 0x78, 0x56, 0x34, 0x12,
	};
	struct vmx_mmio_insn mi;

	KUNIT_ASSERT_EQ(test, axvcpu_x86_decode_mmio(max, sizeof(max), 64, &mi), 0);
	KUNIT_EXPECT_EQ(test, mi.len, 15);
	KUNIT_EXPECT_EQ(test, mi.width, 2);
	KUNIT_EXPECT_TRUE(test, mi.store);
	KUNIT_ASSERT_EQ(test, axvcpu_x86_decode_mmio(movq, sizeof(movq), 64, &mi), 0);
	KUNIT_EXPECT_EQ(test, mi.len, 15);
	KUNIT_EXPECT_EQ(test, mi.width, 8);
	KUNIT_EXPECT_EQ(test, mi.imm, 0x12345678);
	/* nothing available, or a truncated prefix run */
	KUNIT_EXPECT_EQ(test, axvcpu_x86_decode_mmio(max, 0, 64, &mi), -EFAULT);
	KUNIT_EXPECT_EQ(test, axvcpu_x86_decode_mmio(max, 14, 64, &mi), -EFAULT);
}

static struct kunit_case decode_cases[] = {
	KUNIT_CASE(decode_mmio_forms),
	KUNIT_CASE(decode_mmio_ignores_following_bytes),
	KUNIT_CASE(decode_mmio_truncated),
	KUNIT_CASE(decode_mmio_rejects),
	KUNIT_CASE(decode_mmio_length_limit),
	{}
};

static struct kunit_suite decode_suite = {
	.name = "axvcpu_x86_decode",
	.test_cases = decode_cases,
};

kunit_test_suite(decode_suite);
