/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs of the demo and the benchmark, for arm64 EL1 with the
 * MMU off. Each is position independent and copied to GUEST_BASE.
 * The "UART" is a store to 0x10000000, outside guest RAM: an MMIO exit.
 */
	.section .rodata
	.balign	4

/*
 * Vectors at the program's start (VBAR_EL1, 2 KiB aligned): a branch to
 * label 2 (the program proper), the vectors before 0x280 looping; the IRQ
 * (EL1h) handler at 0x280 follows the macro.
 */
.macro VECTORS_TO_IRQ
	b	2f
	.balign	0x80
	.rept	3
	b	.
	.balign	0x80
	.endr
	b	.				/* 0x200: sync, EL1h */
	.balign	0x80
.endm

/* The GIC CPU interface on: every priority, group 1 enabled. */
.macro GIC_CPU_IF_ON
	mov	x0, #0xff
	msr	s3_0_c4_c6_0, x0		/* ICC_PMR_EL1 */
	mov	x0, #1
	msr	s3_0_c12_c12_7, x0		/* ICC_IGRPEN1_EL1 */
.endm

/* demo: print the string that follows through the UART, then SYSTEM_OFF. */
	.globl	guest_demo_begin, guest_demo_end
guest_demo_begin:
	movz	x0, #0x1000, lsl #16		/* the UART */
	adr	x1, 2f
1:	ldrb	w2, [x1], #1
	cbz	w2, 3f
	strb	w2, [x0]
	b	1b
3:	movz	x0, #0x8400, lsl #16
	movk	x0, #0x0008			/* PSCI SYSTEM_OFF */
	hvc	#0
	b	.
2:	.asciz	"Hello from an arm64 guest running through /dev/axvcpu!\n"
	.balign	4
guest_demo_end:

/* bench A: a store to the UART per iteration: an exit to userspace each. */
	.globl	guest_mmio_begin, guest_mmio_end
guest_mmio_begin:
	movz	x0, #0x1000, lsl #16
1:	str	w1, [x0]
	add	w1, w1, #1
	b	1b
guest_mmio_end:

/*
 * bench B: PSCI_VERSION through hvc #0, handled in the kernel, in batches
 * of 1000 with one store to the UART after each batch. x19 and x20 are
 * preserved by the call.
 */
	.globl	guest_kernel_begin, guest_kernel_end
guest_kernel_begin:
	movz	x20, #0x1000, lsl #16
2:	mov	x19, #1000
3:	movz	x0, #0x8400, lsl #16		/* PSCI_VERSION */
	hvc	#0
	subs	x19, x19, #1
	b.ne	3b
	str	w19, [x20]
	b	2b
guest_kernel_end:

/*
 * bench C: a store to each of TOUCH_PAGES fresh pages after the program's
 * 64 KiB (each a first-touch stage-2 fault), then one store to the UART.
 */
	.globl	guest_touch_begin, guest_touch_end
guest_touch_begin:
	movz	x0, #0x4001, lsl #16
	mov	x1, #128
1:	str	x1, [x0]
	add	x0, x0, #4096
	subs	x1, x1, #1
	b.ne	1b
	movz	x2, #0x1000, lsl #16
	str	w1, [x2]
2:	b	2b
guest_touch_end:

/*
 * bench J: the guest's virtual timer, armed to fire at once again in its
 * own interrupt handler: one tick after another, a store to the UART
 * every 1000. Vectors at VBAR_EL1 = the program's start (2 KiB aligned);
 * the IRQ handler at 0x280 acknowledges (ICC_IAR1_EL1), re-arms
 * CNTV_CVAL_EL0 to now and EOIs (ICC_EOIR1_EL1).
 */
	.balign	2048
	.globl	guest_tick_begin, guest_tick_end
guest_tick_begin:
	VECTORS_TO_IRQ
	mrs	x2, s3_0_c12_c12_0		/* 0x280: IRQ, EL1h */
	mrs	x3, cntvct_el0
	msr	cntv_cval_el0, x3
	isb
	msr	s3_0_c12_c12_1, x2
	subs	x20, x20, #1
	b.ne	1f
	mov	x20, #1000
	str	w20, [x21]
1:	eret
	.balign	0x80
2:	adr	x0, guest_tick_begin
	msr	vbar_el1, x0
	GIC_CPU_IF_ON
	movz	x21, #0x1000, lsl #16
	mov	x20, #1000
	mrs	x0, cntvct_el0
	msr	cntv_cval_el0, x0
	mov	x0, #1
	msr	cntv_ctl_el0, x0		/* enabled, unmasked */
	isb
	msr	daifclr, #2
3:	b	3b
guest_tick_end:

/*
 * bench K: an SPI per iteration. Its IRQ handler (vectors as in J)
 * acknowledges (ICC_IAR1_EL1), stores the INTID to the UART (the device's
 * acknowledgement: an exit, after which the VMM deasserts the line), EOIs
 * and returns to a WFI loop.
 */
	.balign	2048
	.globl	guest_spi_begin, guest_spi_end
guest_spi_begin:
	VECTORS_TO_IRQ
	mrs	x2, s3_0_c12_c12_0		/* 0x280: IRQ, EL1h */
	str	w2, [x21]
	msr	s3_0_c12_c12_1, x2
	eret
	.balign	0x80
2:	adr	x0, guest_spi_begin
	msr	vbar_el1, x0
	GIC_CPU_IF_ON
	movz	x21, #0x1000, lsl #16
	isb
	msr	daifclr, #2
3:	wfi
	b	3b
guest_spi_end:
