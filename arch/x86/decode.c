// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the guest instruction behind an MMIO exit (an EPT violation
 * on an address no memory region backs), as a pure function (KUnit tests it
 * on UML). Only the MOV forms compilers emit for device accesses are
 * decoded; anything else is -EINVAL and the caller reports an internal
 * error rather than guess. Reference: Intel SDM vol. 2, chapter 2
 * (instruction format, ModR/M and SIB, REX) and the MOV, MOVZX and MOVSX
 * pages.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "vmx.h"

#define X86_MAX_INSN_LEN	15

#define REX_W	BIT(3)
#define REX_R	BIT(2)

/* Whether the first @n bytes of the instruction may be read. */
static int insn_need(unsigned int n, unsigned int avail)
{
	if (n > X86_MAX_INSN_LEN)
		return -EINVAL;
	return n > avail ? -EFAULT : 0;
}

/*
 * The end of the memory operand whose ModR/M byte is insn[@pos]: past the
 * SIB byte and the displacement. @asize is the address size (2, 4 or 8);
 * REX.B and REX.X do not change the length (rm or base 5 with mod 0 means
 * disp32 for r13 too).
 */
static int mem_operand_end(const u8 *insn, unsigned int avail,
			   unsigned int pos, unsigned int asize,
			   unsigned int *end)
{
	unsigned int mod = insn[pos] >> 6, rm = insn[pos] & 7;
	int ret;

	if (mod == 3)
		return -EINVAL;
	pos++;
	if (asize == 2) {
		/* [bx+si] ...; mod 0 rm 6 is [disp16] */
		if (mod == 1)
			pos += 1;
		else if (mod == 2 || rm == 6)
			pos += 2;
		*end = pos;
		return 0;
	}
	if (rm == 4) {
		ret = insn_need(pos + 1, avail);
		if (ret)
			return ret;
		/* SIB base 5 with mod 0: no base, disp32 */
		if (mod == 0 && (insn[pos] & 7) == 5)
			pos += 4;
		pos++;
	} else if (mod == 0 && rm == 5) {
		pos += 4;	/* disp32; rip-relative in 64-bit mode */
	}
	if (mod == 1)
		pos += 1;
	else if (mod == 2)
		pos += 4;
	*end = pos;
	return 0;
}

/**
 * axvcpu_x86_decode_mmio() - decode the MOV that accessed MMIO
 * @insn: the instruction bytes, from the guest's rip.
 * @avail: how many bytes of @insn are valid.
 * @cpu_mode: the guest's mode: 16, 32 (default operand and address size)
 *	or 64 (long mode, CS.L).
 * @mi: out: the access; its contents are unspecified on error.
 *
 * Decodes MOV r/m,r (88, 89), MOV r,r/m (8A, 8B), MOV r/m,imm (C6 /0,
 * C7 /0), MOV between the accumulator and moffs (A0-A3), MOVZX (0F B6,
 * 0F B7) and MOVSX (0F BE, 0F BF), after any of the prefixes 66, 67, the
 * segment overrides and, in 64-bit mode, REX. A REX not right before the
 * opcode is ignored, as the CPU does. The operand must be in memory.
 *
 * Return: 0; -EFAULT if the instruction extends past @avail bytes (the
 * caller may fetch more and retry); -EINVAL for anything not decoded here
 * (other opcodes, LOCK or REP prefixes, a register operand, an invalid
 * @cpu_mode, or more than 15 bytes).
 */
int axvcpu_x86_decode_mmio(const u8 *insn, unsigned int avail,
			   unsigned int cpu_mode, struct vmx_mmio_insn *mi)
{
	unsigned int pos, rex = 0, opsize, asize, imm_len = 0, end, i;
	bool opsize_prefix = false, asize_prefix = false;
	bool has_modrm = true, byte_reg = false;
	u8 op;
	int ret;

	if (cpu_mode != 16 && cpu_mode != 32 && cpu_mode != 64)
		return -EINVAL;
	memset(mi, 0, sizeof(*mi));

	for (pos = 0; ; pos++) {
		ret = insn_need(pos + 1, avail);
		if (ret)
			return ret;
		op = insn[pos];
		if (op == 0x66) {
			opsize_prefix = true;
		} else if (op == 0x67) {
			asize_prefix = true;
		} else if (op == 0x26 || op == 0x2e || op == 0x36 ||
			   op == 0x3e || op == 0x64 || op == 0x65) {
			/* segment override: the caller has the address */
		} else if (cpu_mode == 64 && (op & 0xf0) == 0x40) {
			rex = op;
			continue;
		} else {
			break;
		}
		rex = 0;
	}
	pos++;

	if (rex & REX_W)
		opsize = 8;
	else
		opsize = ((cpu_mode == 16) != opsize_prefix) ? 2 : 4;
	if (cpu_mode == 64)
		asize = asize_prefix ? 4 : 8;
	else
		asize = ((cpu_mode == 16) != asize_prefix) ? 2 : 4;

	switch (op) {
	case 0x88:	/* MOV r/m8, r8 */
	case 0x8a:	/* MOV r8, r/m8 */
		mi->store = op == 0x88;
		mi->width = 1;
		mi->reg_width = 1;
		byte_reg = true;
		break;
	case 0x89:	/* MOV r/m, r */
	case 0x8b:	/* MOV r, r/m */
		mi->store = op == 0x89;
		mi->width = opsize;
		mi->reg_width = opsize;
		break;
	case 0xc6:	/* MOV r/m8, imm8 */
	case 0xc7:	/* MOV r/m, imm16/32 */
		mi->store = true;
		mi->imm_valid = true;
		mi->width = op == 0xc6 ? 1 : opsize;
		imm_len = mi->width == 8 ? 4 : mi->width;
		break;
	case 0xa0:	/* MOV al, moffs8 */
	case 0xa1:	/* MOV eax, moffs */
	case 0xa2:	/* MOV moffs8, al */
	case 0xa3:	/* MOV moffs, eax */
		mi->store = op & 2;
		mi->width = (op & 1) ? opsize : 1;
		mi->reg_width = mi->width;
		has_modrm = false;
		break;
	case 0x0f:
		ret = insn_need(pos + 1, avail);
		if (ret)
			return ret;
		op = insn[pos++];
		/* MOVZX (B6, B7), MOVSX (BE, BF): r, r/m8 or r/m16 */
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -EINVAL;
		mi->sign = op & 8;
		mi->width = (op & 1) ? 2 : 1;
		mi->reg_width = opsize;
		break;
	default:
		return -EINVAL;
	}

	if (has_modrm) {
		ret = insn_need(pos + 1, avail);
		if (ret)
			return ret;
		mi->reg = (insn[pos] >> 3) & 7;
		if (mi->imm_valid) {
			if (mi->reg)	/* C6 /0, C7 /0 only */
				return -EINVAL;
		} else if (rex & REX_R) {
			mi->reg += 8;
		}
		ret = mem_operand_end(insn, avail, pos, asize, &end);
		if (ret)
			return ret;
	} else {
		end = pos + asize;	/* moffs: address-size bytes */
	}

	ret = insn_need(end + imm_len, avail);
	if (ret)
		return ret;
	for (i = 0; i < imm_len; i++)
		mi->imm |= (u64)insn[end + i] << (8 * i);
	if (mi->width == 8 && mi->imm_valid)
		mi->imm = (u64)(s64)(s32)mi->imm;
	mi->len = end + imm_len;

	/* Without REX, byte registers 4..7 are ah, ch, dh, bh. */
	if (byte_reg && !rex && mi->reg >= 4) {
		mi->reg -= 4;
		mi->high8 = true;
	}
	mi->zero_ext = !mi->store && mi->reg_width == 4;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_x86_decode_mmio);
