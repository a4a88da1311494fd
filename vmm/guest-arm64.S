/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs of the demo and the benchmark, for arm64 EL1 with the
 * MMU off. Each is position independent and copied to GUEST_BASE.
 * The "UART" is a store to 0x10000000, outside guest RAM: an MMIO exit.
 */
	.section .rodata
	.balign	4

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
