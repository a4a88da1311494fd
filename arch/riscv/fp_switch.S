/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Save and restore the F/D registers for the lazy guest FP switch (fp.c).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/csr.h>

	.text

/*
 * void __axvcpu_riscv_fp_save(struct rvh_fp *fp)
 * void __axvcpu_riscv_fp_restore(const struct rvh_fp *fp)
 *
 * Contract: HS-mode, preemption disabled, a0 = fp (f0..f31 at 8 * n,
 * fcsr at 256). sstatus.FS is turned on around the accesses and put back
 * as it was; t0..t2 are clobbered, nothing else.
 */
.macro fp_all op
	\op	f0, 0(a0)
	\op	f1, 8(a0)
	\op	f2, 16(a0)
	\op	f3, 24(a0)
	\op	f4, 32(a0)
	\op	f5, 40(a0)
	\op	f6, 48(a0)
	\op	f7, 56(a0)
	\op	f8, 64(a0)
	\op	f9, 72(a0)
	\op	f10, 80(a0)
	\op	f11, 88(a0)
	\op	f12, 96(a0)
	\op	f13, 104(a0)
	\op	f14, 112(a0)
	\op	f15, 120(a0)
	\op	f16, 128(a0)
	\op	f17, 136(a0)
	\op	f18, 144(a0)
	\op	f19, 152(a0)
	\op	f20, 160(a0)
	\op	f21, 168(a0)
	\op	f22, 176(a0)
	\op	f23, 184(a0)
	\op	f24, 192(a0)
	\op	f25, 200(a0)
	\op	f26, 208(a0)
	\op	f27, 216(a0)
	\op	f28, 224(a0)
	\op	f29, 232(a0)
	\op	f30, 240(a0)
	\op	f31, 248(a0)
.endm

SYM_FUNC_START(__axvcpu_riscv_fp_save)
	li	t1, SR_FS
	csrrs	t0, CSR_SSTATUS, t1
	frcsr	t2
	fp_all	fsd
	REG_S	t2, 256(a0)
	csrw	CSR_SSTATUS, t0
	ret
SYM_FUNC_END(__axvcpu_riscv_fp_save)

SYM_FUNC_START(__axvcpu_riscv_fp_restore)
	li	t1, SR_FS
	csrrs	t0, CSR_SSTATUS, t1
	REG_L	t2, 256(a0)
	fp_all	fld
	fscsr	t2
	csrw	CSR_SSTATUS, t0
	ret
SYM_FUNC_END(__axvcpu_riscv_fp_restore)
