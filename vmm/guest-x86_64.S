/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs of the demo and the benchmark, for x86 real mode. Each is
 * copied to GUEST_BASE (0x10000) and started there with CS = 0x1000 and
 * ip 0 (AXVCPU_X86_MODE_REAL16, or the same CS:IP under KVM), so offsets
 * from a program's start are its CS-relative addresses. The "UART" is
 * COM1's data port 0x3f8: an OUT to it is an I/O exit.
 */
	.section .rodata
	.code16

/*
 * demo: print the string that follows through the UART, a byte per OUT,
 * then halt with interrupts disabled: the demo's power-off.
 */
	.globl	guest_demo_begin, guest_demo_end
guest_demo_begin:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$(2f - guest_demo_begin), %si
	mov	$0x3f8, %dx
1:	lodsb
	test	%al, %al
	jz	3f
	out	%al, %dx
	jmp	1b
3:	hlt
	jmp	3b
2:	.asciz	"Hello from an x86_64 guest running through /dev/axvcpu!\n"
guest_demo_end:

/* bench A: an OUT to the UART per iteration: an exit to userspace each. */
	.globl	guest_mmio_begin, guest_mmio_end
guest_mmio_begin:
	mov	$0x3f8, %dx
1:	out	%al, %dx
	inc	%ax
	jmp	1b
guest_mmio_end:

/*
 * bench B: CPUID leaf 0, handled in the kernel, in batches of 1000 with
 * one OUT to the UART after each batch. CPUID writes eax..edx only.
 */
	.globl	guest_kernel_begin, guest_kernel_end
guest_kernel_begin:
2:	mov	$1000, %si
3:	xor	%eax, %eax
	cpuid
	dec	%si
	jnz	3b
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	2b
guest_kernel_end:

/*
 * bench C: a store to each of TOUCH_PAGES fresh pages after the program's
 * 64 KiB, 0x20000..0x9ffff (each a first-touch stage-2 fault), then one
 * OUT to the UART.
 */
	.globl	guest_touch_begin, guest_touch_end
guest_touch_begin:
	mov	$0x2000, %ax
	mov	$128, %cx
1:	mov	%ax, %es
	movw	%cx, %es:0
	add	$0x100, %ax
	loop	1b
	mov	$0x3f8, %dx
	out	%al, %dx
2:	jmp	2b
guest_touch_end:

	.code64
	.section .note.GNU-stack, "", @progbits
