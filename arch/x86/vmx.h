/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 backend (VMX): internal types. The pure-logic part (decoding of
 * the instruction behind an MMIO exit) builds on UML for KUnit.
 */
#ifndef _AXVCPU_X86_VMX_H
#define _AXVCPU_X86_VMX_H

#include <linux/types.h>

#include "axvcpu.h"

/* ------------------------------------------- pure logic (KUnit on UML) */

/**
 * struct vmx_mmio_insn - a decoded guest MOV to or from memory
 * @len: instruction length in bytes, prefixes included (1..15).
 * @store: true for a store (register or immediate to memory).
 * @width: access width in bytes (1, 2, 4 or 8).
 * @reg: the register operand: source of a store, destination of a load;
 *	0..15 (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15). With @high8,
 *	0..3 name ah, ch, dh, bh. 0 for an immediate store.
 * @high8: @reg names bits 15:8 of rax, rcx, rdx or rbx (ah, ch, dh, bh:
 *	a byte operand 4..7 without a REX prefix).
 * @sign: a load that sign-extends the @width bytes to @reg_width (MOVSX);
 *	other loads zero-extend them (MOVZX) or have @width == @reg_width.
 * @zero_ext: writing the @reg_width bytes of the destination also clears
 *	bits 63:32 of the register (a 32-bit destination). Otherwise the
 *	bytes above @reg_width are preserved (8- and 16-bit destinations) or
 *	there are none (64-bit). Loads only.
 * @imm_valid: an immediate store (MOV r/m, imm): the value is @imm.
 * @imm: the immediate, already sign-extended to @width (imm32 with REX.W).
 * @reg_width: width of @reg in bytes: for a load the destination (which
 *	MOVZX and MOVSX make wider than @width), for a register store the
 *	source (== @width); 0 for an immediate store.
 */
struct vmx_mmio_insn {
	unsigned int len;
	bool store;
	unsigned int width;
	unsigned int reg;
	bool high8;
	bool sign;
	bool zero_ext;
	bool imm_valid;
	u64 imm;
	unsigned int reg_width;
};

int axvcpu_x86_decode_mmio(const u8 *insn, unsigned int avail,
			   unsigned int cpu_mode, struct vmx_mmio_insn *mi);

#endif /* _AXVCPU_X86_VMX_H */
