/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs of the demo and the benchmark, for riscv64 VS-mode with
 * the MMU off. Each is position independent and copied to GUEST_BASE.
 * The "UART" is a store to 0x10000000, outside guest RAM: an MMIO exit.
 */
	.option	push
	.option	norvc
	.section .rodata
	.balign	4

/* demo: print the string that follows through the UART, then SBI SRST. */
	.globl	guest_demo_begin, guest_demo_end
guest_demo_begin:
	lui	a0, 0x10000
	lla	a1, 2f
1:	lbu	a2, 0(a1)
	beqz	a2, 3f
	sb	a2, 0(a0)
	addi	a1, a1, 1
	j	1b
3:	li	a7, 0x53525354		/* SRST */
	li	a6, 0			/* system_reset */
	li	a0, 0			/* shutdown */
	li	a1, 0			/* no reason */
	ecall
	j	.
2:	.asciz	"Hello from a riscv64 guest running through /dev/axvcpu!\n"
	.balign	4
guest_demo_end:

/* bench A: a store to the UART per iteration: an exit to userspace each. */
	.globl	guest_mmio_begin, guest_mmio_end
guest_mmio_begin:
	lui	a0, 0x10000
1:	sw	a1, 0(a0)
	addi	a1, a1, 1
	j	1b
guest_mmio_end:

/*
 * bench B: SBI BASE get_spec_version, handled in the kernel, in batches of
 * 1000 with one store to the UART after each batch.
 */
	.globl	guest_kernel_begin, guest_kernel_end
guest_kernel_begin:
	lui	a2, 0x10000
2:	li	s1, 1000
3:	li	a7, 0x10
	li	a6, 0
	ecall
	addi	s1, s1, -1
	bnez	s1, 3b
	sw	s1, 0(a2)
	j	2b
guest_kernel_end:

/*
 * bench C: a store to each of TOUCH_PAGES fresh pages after the program's
 * 64 KiB (each a first-touch stage-2 fault), then one store to the UART.
 */
	.globl	guest_touch_begin, guest_touch_end
guest_touch_begin:
	li	a0, 0x80010000
	li	a1, 128
	li	t1, 4096
1:	sd	a1, 0(a0)
	add	a0, a0, t1
	addi	a1, a1, -1
	bnez	a1, 1b
	lui	a2, 0x10000
	sw	a1, 0(a2)
2:	j	2b
guest_touch_end:
	.option	pop
