// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of trapped guest instructions, as pure functions (KUnit tests
 * them on UML).
 */
#include <linux/bits.h>
#include <linux/errno.h>

#include "rvh.h"

#define OPC_LOAD	0x03
#define OPC_STORE	0x23
#define OPC_SYSTEM	0x73

/* Compressed register fields name x8..x15. */
#define CREG(insn, lo)	((((insn) >> (lo)) & 7) + 8)

static int decode_compressed(u16 insn, struct rvh_mmio_insn *mi)
{
	unsigned int quadrant = insn & 3, funct3 = insn >> 13;

	mi->len = 2;
	mi->sign = false;
	if (quadrant == 0) {
		switch (funct3) {
		case 2:		/* c.lw */
		case 3:		/* c.ld */
			mi->store = false;
			mi->reg = CREG(insn, 2);
			break;
		case 6:		/* c.sw */
		case 7:		/* c.sd */
			mi->store = true;
			mi->reg = CREG(insn, 2);
			break;
		default:	/* c.fld, c.fsd, reserved */
			return -EINVAL;
		}
	} else if (quadrant == 2) {
		switch (funct3) {
		case 2:		/* c.lwsp */
		case 3:		/* c.ldsp */
			mi->store = false;
			mi->reg = (insn >> 7) & 31;
			if (!mi->reg)
				return -EINVAL;
			break;
		case 6:		/* c.swsp */
		case 7:		/* c.sdsp */
			mi->store = true;
			mi->reg = (insn >> 2) & 31;
			break;
		default:
			return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
	mi->width = (funct3 & 1) ? 8 : 4;
	mi->sign = !mi->store && mi->width == 4;	/* c.lw sign-extends */
	return 0;
}

/**
 * axvcpu_riscv_decode_mmio() - decode an integer load or store
 * @insn: the instruction; a 16-bit one in the low half.
 * @mi: out: what it does.
 *
 * Return: 0, or -EINVAL for anything but an RV64I/RVC integer load or
 * store (floating-point, atomics and others are not emulated).
 */
int axvcpu_riscv_decode_mmio(u32 insn, struct rvh_mmio_insn *mi)
{
	unsigned int funct3 = (insn >> 12) & 7;

	if ((insn & 3) != 3)
		return decode_compressed(insn, mi);

	mi->len = 4;
	switch (insn & 0x7f) {
	case OPC_LOAD:
		if (funct3 == 7)
			return -EINVAL;
		mi->store = false;
		mi->reg = (insn >> 7) & 31;
		mi->width = 1U << (funct3 & 3);
		mi->sign = !(funct3 & 4) && mi->width < 8;
		return 0;
	case OPC_STORE:
		if (funct3 > 3)
			return -EINVAL;
		mi->store = true;
		mi->reg = (insn >> 20) & 31;
		mi->width = 1U << funct3;
		mi->sign = false;
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_riscv_decode_mmio);

/**
 * axvcpu_riscv_decode_csr() - decode a Zicsr instruction
 * @insn: the instruction.
 * @ci: out: its fields.
 *
 * Return: 0, or -EINVAL if @insn is not csrrw/csrrs/csrrc or an I form.
 */
int axvcpu_riscv_decode_csr(u32 insn, struct rvh_csr_insn *ci)
{
	unsigned int funct3 = (insn >> 12) & 7;

	if ((insn & 0x7f) != OPC_SYSTEM || !(funct3 & 3))
		return -EINVAL;
	ci->csr = insn >> 20;
	ci->rd = (insn >> 7) & 31;
	ci->rs1 = (insn >> 15) & 31;
	ci->op = funct3 & 3;
	ci->imm = funct3 & 4;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_riscv_decode_csr);
