/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 guest programs for run_test (run_x86_64.c).
 *
 * Each program lies between <name>_begin and <name>_end. The VMM copies a
 * program to GUEST_LOAD_OFF (0x8000) and starts it in the mode its BEGIN
 * names: 64 (AXVCPU_X86_MODE_LONG64 on the page tables at GUEST_PML4, the
 * default), 32 (AXVCPU_X86_MODE_PROT32) or 16 (AXVCPU_X86_MODE_REAL16,
 * CS = 0 and IP = the load address). Unless a program says otherwise rsi
 * is its argument (setup.rsi) and its cpu id is its APIC id, which it
 * reads with CPUID. Programs are position independent: 64-bit code
 * addresses itself rip-relative, 16- and 32-bit code uses relative jumps
 * and absolute addresses outside the program only. They talk to the VMM
 * through the test hypercall (TEST_EID): REPORT hands a value to the VMM,
 * DONE ends the program.
 *
 * REPORT, DONE and FAIL clobber rax and rbx (FAIL also takes details in
 * rcx, rdx and rsi); the module changes no register on a vmcall.
 *
 * Every VM also holds "rt", the runtime (GUEST_RAM_INIT copies it to
 * RT_GPA and builds the tables around it, see guest/x86_64.h): a 64-bit
 * program that calls RT_INIT takes its exceptions and interrupts there,
 * and so does real-mode code through the IVT at 0.
 */
#include "x86_64.h"

	.section .text.axvcpu_guest, "ax", @progbits

/* The test hypercall, from any mode: eax = TEST_EID | \fid. */
.macro TEST_CALL fid
	mov	$(TEST_EID | \fid), %eax
	vmcall
.endm

/* 64-bit code: hand \reg (a 64-bit register) to the VMM. */
.macro REPORT reg
	mov	\reg, %rbx
	TEST_CALL TEST_FID_REPORT
.endm

/* 16- and 32-bit code: hand \reg (a 32-bit register) to the VMM. */
.macro REPORT32 reg
	mov	\reg, %ebx
	TEST_CALL TEST_FID_REPORT
.endm

.macro DONE
	TEST_CALL TEST_FID_DONE
.endm

.macro FAIL code
	mov	$\code, %ebx
	TEST_CALL TEST_FID_FAIL
.endm

/* rax = edx:eax, after a rdmsr or an xgetbv. */
.macro EDX_EAX
	shl	$32, %rdx
	or	%rdx, %rax
.endm

/* A program in \bits-bit code (16, 32 or 64). */
.macro BEGIN name, bits=64
	.balign 64
	.code\bits
	.globl \name\()_begin
	.type \name\()_begin, @function
\name\()_begin:
.endm

/* A VMM that runs a program past its end sees FAIL 0xe0d, not the next one. */
.macro END name
.Lend\@:
	FAIL	0xe0d
	jmp	.Lend\@
	.globl \name\()_end
\name\()_end:
	.size \name\()_begin, . - \name\()_begin
	.code64
.endm

/* rsp = STACK_TOP - (APIC id & 7) * STACK_SIZE; clobbers rax..rdx. */
.macro SET_STACK
	mov	$0xb, %eax
	xor	%ecx, %ecx
	cpuid
	and	$7, %edx
	imul	$STACK_SIZE, %edx, %edx
	mov	$STACK_TOP, %eax
	sub	%rdx, %rax
	mov	%rax, %rsp
.endm

/*
 * Take exceptions and interrupts through the runtime: a stack, and the
 * VMM's GDT and IDT (the setup's GDTR and IDTR point at no table).
 * Clobbers rax..rdx.
 */
.macro RT_INIT
	SET_STACK
	lgdt	GDTR_GPA
	lidt	IDTR_GPA
.endm

/*
 * Execute \insn with the runtime armed to resume right after it if it
 * raises an exception, then report the vector (-1 if none). \insn sees
 * the registers as set before (the macro clobbers r11 first).
 */
.macro CATCH insn:vararg
	lea	.Lcaught\@(%rip), %r11
	mov	%r11, RT_RESUME
	movq	$-1, RT_EXC_VECTOR
	\insn
.Lcaught\@:
	movq	$0, RT_RESUME
	mov	RT_EXC_VECTOR, %rax
	REPORT	%rax
.endm

/*
 * As CATCH, with \insn at the global label \name (and \name\()_next after
 * it); also reports the rip the exception pushed (0 if none).
 */
.macro CATCH_AT name, insn:vararg
	lea	.Lcaught\@(%rip), %r11
	mov	%r11, RT_RESUME
	movq	$-1, RT_EXC_VECTOR
	movq	$0, RT_EXC_RIP
	.globl	\name
\name:
	\insn
	.globl	\name\()_next
\name\()_next:
.Lcaught\@:
	movq	$0, RT_RESUME
	mov	RT_EXC_VECTOR, %rax
	REPORT	%rax
	mov	RT_EXC_RIP, %rax
	REPORT	%rax
.endm

/*
 * rt: the runtime. rt_stubs64 holds the 256 gates' targets, 16 bytes
 * apart: each pushes a zero error code if the CPU pushes none, then its
 * vector. rt_stubs16 holds the IVT's 256 targets, 8 bytes apart, with the
 * segment RT_GPA >> 4. The handlers keep every register.
 */
BEGIN rt
	.balign	16
	.globl	rt_stubs64
rt_stubs64:
	.set	vec, 0
	.rept	256
	.balign	16
	.if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	rt_common64
	.set	vec, vec + 1
	.endr

/* The stack: vector, error code, then the CPU's rip, cs, rflags, rsp, ss. */
rt_common64:
	push	%rax
	push	%rbx
	mov	16(%rsp), %rax			/* the vector */
	cmp	$32, %rax
	jb	2f
	mov	RT_IRQ_COUNT, %rbx		/* an interrupt: log it */
	cmp	$RT_IRQ_LOG_LEN, %rbx
	jae	1f
	mov	%rax, RT_IRQ_LOG(, %rbx, 8)
1:	incq	RT_IRQ_COUNT
3:	pop	%rbx
	pop	%rax
	add	$16, %rsp
	iretq
2:	mov	%rax, RT_EXC_VECTOR		/* an exception */
	mov	24(%rsp), %rbx
	mov	%rbx, RT_EXC_ERROR
	mov	32(%rsp), %rbx
	mov	%rbx, RT_EXC_RIP
	incq	RT_EXC_COUNT
	cmp	$1, %rax
	jne	4f
	mov	%dr6, %rbx			/* #DB: what DR6 says, then reset */
	mov	%rbx, RT_EXC_DR6
	mov	$0xffff0ff0, %ebx
	mov	%rbx, %dr6
4:	andq	$~0x100, 48(%rsp)		/* no TF in the rflags resumed */
	mov	RT_RESUME, %rbx
	test	%rbx, %rbx
	jz	5f
	mov	%rbx, 32(%rsp)
	movq	$0, RT_RESUME
	jmp	3b
5:	mov	RT_EXC_RIP, %rcx
	mov	RT_EXC_ERROR, %rdx
	lea	FAIL_VECTOR(%rax), %rbx
	TEST_CALL TEST_FID_FAIL
6:	hlt
	jmp	6b

	.code16
	.balign	8
	.globl	rt_stubs16
rt_stubs16:
	.set	vec, 0
	.rept	256
	.balign	8
	pushw	$vec
	jmp	rt_common16
	.set	vec, vec + 1
	.endr

/* Real mode: the stack holds the vector, then ip, cs, flags. */
rt_common16:
	push	%bp
	mov	%sp, %bp
	push	%ax
	push	%bx
	push	%ds
	xor	%ax, %ax
	mov	%ax, %ds
	mov	2(%bp), %ax			/* the vector */
	cmp	$32, %ax
	jb	2f
	mov	RT_IRQ_COUNT, %bx
	cmp	$RT_IRQ_LOG_LEN, %bx
	jae	1f
	shl	$3, %bx
	mov	%ax, RT_IRQ_LOG(%bx)
1:	incw	RT_IRQ_COUNT
	pop	%ds
	pop	%bx
	pop	%ax
	pop	%bp
	add	$2, %sp
	iret
2:	movzwl	4(%bp), %ecx			/* an exception: FAIL */
	movzwl	%ax, %ebx
	add	$FAIL_VECTOR, %ebx
	TEST_CALL TEST_FID_FAIL
3:	hlt
	jmp	3b
END rt

/*
 * hypercall: vmcall with rax = HC_NR, rbx, rcx, rdx, rsi, rdi, r8 = 1..6
 * and r9 = 7. Then reports rax (the VMM's return value), rbx, r8 and r9
 * (untouched).
 */
BEGIN hypercall
	movabs	$HC_NR, %rax
	mov	$1, %ebx
	mov	$2, %ecx
	mov	$3, %edx
	mov	$4, %esi
	mov	$5, %edi
	mov	$6, %r8d
	mov	$7, %r9d
	vmcall
	.globl	hypercall_ret
hypercall_ret:
	mov	%rax, %r12
	mov	%rbx, %r13
	mov	%r8, %r14
	mov	%r9, %r15
	REPORT	%r12
	REPORT	%r13
	REPORT	%r14
	REPORT	%r15
	DONE
END hypercall

/* read_data: report the first data word, again at every RUN, forever. */
BEGIN read_data
1:	mov	GUEST_DATA, %rcx
	REPORT	%rcx
	jmp	1b
END read_data

/* touch: store n + 1 to the first word of page n at GUEST_BIG_BASE, n < arg. */
BEGIN touch
	mov	$GUEST_BIG_BASE, %rcx
	xor	%edx, %edx
1:	cmp	%rsi, %rdx
	jae	2f
	inc	%rdx
	mov	%rdx, (%rcx)
	add	$4096, %rcx
	jmp	1b
2:	DONE
END touch

/*
 * hypercall16, in real mode: vmcall with eax = HC_NR16 and ebx, ecx, edx,
 * esi, edi = 1..5; then reports eax, ebx and edi.
 */
BEGIN hypercall16, 16
	mov	$HC_NR16, %eax
	mov	$1, %ebx
	mov	$2, %ecx
	mov	$3, %edx
	mov	$4, %esi
	mov	$5, %edi
	vmcall
	.globl	hypercall16_ret
hypercall16_ret:
	mov	%eax, %ebp
	mov	%ebx, %ecx
	REPORT32 %ebp
	REPORT32 %ecx
	REPORT32 %edi
	DONE
END hypercall16

/*
 * io: OUT of al, ax and eax to IO_PORT8 (an immediate) and IO_PORT16
 * (through dx), then IN of each width from each, into an rax of all ones,
 * which is reported after each.
 */
BEGIN io
	movabs	$0x8899aabbccddeeff, %rax
	out	%al, $IO_PORT8
	out	%ax, $IO_PORT8
	out	%eax, $IO_PORT8
	mov	$IO_PORT16, %edx
	out	%al, %dx
	out	%ax, %dx
	out	%eax, %dx
	mov	$-1, %rax
	in	$IO_PORT8, %al
	REPORT	%rax
	mov	$-1, %rax
	in	$IO_PORT8, %ax
	REPORT	%rax
	mov	$-1, %rax
	in	$IO_PORT8, %eax
	REPORT	%rax
	mov	$-1, %rax
	in	%dx, %al
	REPORT	%rax
	mov	$-1, %rax
	in	%dx, %ax
	REPORT	%rax
	mov	$-1, %rax
	in	%dx, %eax
	REPORT	%rax
	DONE
END io

/* io16: the same in real mode, with eax; the reports are 32-bit. */
BEGIN io16, 16
	mov	$0xccddeeff, %eax
	out	%al, $IO_PORT8
	out	%ax, $IO_PORT8
	out	%eax, $IO_PORT8
	mov	$IO_PORT16, %dx
	out	%al, %dx
	out	%ax, %dx
	out	%eax, %dx
	mov	$-1, %eax
	in	$IO_PORT8, %al
	REPORT32 %eax
	mov	$-1, %eax
	in	$IO_PORT8, %ax
	REPORT32 %eax
	mov	$-1, %eax
	in	$IO_PORT8, %eax
	REPORT32 %eax
	mov	$-1, %eax
	in	%dx, %al
	REPORT32 %eax
	mov	$-1, %eax
	in	%dx, %ax
	REPORT32 %eax
	mov	$-1, %eax
	in	%dx, %eax
	REPORT32 %eax
	DONE
END io16

/*
 * io_string: OUTSB, REP OUTSW, INSB and REP INSL on IO_PORT16, which the
 * module does not emulate: each is an internal error the VMM steps over.
 */
BEGIN io_string
	mov	$IO_PORT16, %edx
	mov	$GUEST_DATA, %esi
	mov	$GUEST_DATA, %edi
	mov	$2, %ecx
	.globl	io_string_outsb
io_string_outsb:
	outsb
	.globl	io_string_rep_outsw
io_string_rep_outsw:
	rep outsw
	.globl	io_string_insb
io_string_insb:
	insb
	.globl	io_string_rep_insl
io_string_rep_insl:
	rep insl
	.globl	io_string_done
io_string_done:
	DONE
END io_string

/*
 * mmio_read: loads of every width and form the module decodes, from arg
 * (an address no region covers), each into a register preset to a known
 * value, which is reported after the load.
 */
BEGIN mmio_read
	mov	%rsi, %rbp
	mov	$-1, %rax
	mov	(%rbp), %al			/* 0x00 */
	.globl	mmio_read_next
mmio_read_next:
	REPORT	%rax
	mov	$-1, %rcx
	mov	0x02(%rbp), %cx			/* 0x02 */
	REPORT	%rcx
	mov	$-1, %rdx
	mov	0x04(%rbp), %edx		/* 0x04 */
	REPORT	%rdx
	mov	0x08(%rbp), %r9			/* 0x08 */
	REPORT	%r9
	mov	$-1, %rsi
	movzbl	0x10(%rbp), %esi		/* 0x10 */
	REPORT	%rsi
	movzwq	0x12(%rbp), %r10		/* 0x12 */
	REPORT	%r10
	movsbq	0x14(%rbp), %r11		/* 0x14 */
	REPORT	%r11
	mov	$-1, %rdi
	movswl	0x16(%rbp), %edi		/* 0x16 */
	REPORT	%rdi
	movabs	$0x1111111111111111, %r12
	movsbw	0x18(%rbp), %r12w		/* 0x18 */
	REPORT	%r12
	movabs	$0x1122334455667788, %rax
	mov	0x20(%rbp), %ah			/* 0x20, bits 15:8 of rax */
	REPORT	%rax
	movabs	$0x1122334455667788, %rdx
	mov	0x21(%rbp), %dh			/* 0x21 */
	REPORT	%rdx
	mov	$-1, %rsi
	mov	0x22(%rbp), %sil		/* 0x22, REX: not dh */
	REPORT	%rsi
	mov	$-1, %r15
	mov	0x24(%rbp), %r15w		/* 0x24 */
	REPORT	%r15
	mov	$4, %ecx
	mov	$-1, %r13
	mov	0x20(%rbp, %rcx, 4), %r13d	/* 0x30, SIB */
	REPORT	%r13
	mov	%gs:0x38(%rbp), %r14		/* 0x38, segment override */
	REPORT	%r14
	mov	$-1, %rax
	movabs	(GUEST_MMIO_BASE + 0x40), %eax	/* 0x40, moffs */
	REPORT	%rax
	movabs	(GUEST_MMIO_BASE + 0x48), %rax	/* 0x48 */
	REPORT	%rax
	mov	$-1, %rax
	movabs	(GUEST_MMIO_BASE + 0x50), %al	/* 0x50 */
	REPORT	%rax
	/*
	 * 0x58, rip-relative: mov disp32(%rip), %r8, spelled out, since the
	 * assembler would relocate a disp32 to a fixed address.
	 */
	.byte	0x4c, 0x8b, 0x05
	.long	GUEST_MMIO_BASE + 0x58 - GUEST_LOAD_OFF - (1f - mmio_read_begin)
1:	REPORT	%r8
	mov	$-1, %rcx
	mov	0x60(%ebp), %ecx		/* 0x60, 32-bit address */
	REPORT	%rcx
	mov	$-1, %rbx
	movzbw	0x68(%rbp), %bx			/* 0x68 */
	REPORT	%rbx
	DONE
END mmio_read

/* mmio_write: stores of every width and form to arg; data checked by the VMM. */
BEGIN mmio_write
	mov	%rsi, %rbp
	movabs	$0x8899aabbccddeeff, %rax
	mov	%rax, %rcx
	mov	%rax, %rdx
	mov	%rax, %rsi
	mov	%rax, %r9
	mov	%rax, %r15
	mov	%al, (%rbp)			/* 0x00 */
	mov	%cx, 0x02(%rbp)			/* 0x02 */
	mov	%edx, 0x04(%rbp)		/* 0x04 */
	mov	%r9, 0x08(%rbp)			/* 0x08 */
	mov	%ah, 0x10(%rbp)			/* 0x10 */
	mov	%dh, 0x11(%rbp)			/* 0x11 */
	mov	%sil, 0x12(%rbp)		/* 0x12 */
	mov	%r15w, 0x14(%rbp)		/* 0x14 */
	movb	$0x5a, 0x18(%rbp)		/* 0x18, immediates */
	movw	$0x1234, 0x1a(%rbp)		/* 0x1a */
	movl	$0x89abcdef, 0x1c(%rbp)		/* 0x1c */
	movq	$-2, 0x20(%rbp)			/* 0x20 */
	movq	$0x7fffffff, 0x28(%rbp)		/* 0x28 */
	movabs	$0x0123456789abcde8, %rsp
	mov	%rsp, 0x30(%rbp)		/* 0x30, rsp is in the VMCS */
	mov	%esp, 0x38(%rbp)		/* 0x38 */
	movabs	%eax, (GUEST_MMIO_BASE + 0x40)	/* 0x40, moffs */
	movabs	%al, (GUEST_MMIO_BASE + 0x44)	/* 0x44 */
	movabs	%rax, (GUEST_MMIO_BASE + 0x48)	/* 0x48 */
	mov	%eax, 0x50(%ebp)		/* 0x50, 32-bit address */
	mov	%eax, %fs:0x58(%rbp)		/* 0x58, segment override */
	mov	$0x10, %ecx
	mov	%rax, 0x40(%rbp, %rcx, 2)	/* 0x60, SIB */
	DONE
END mmio_write

/*
 * mmio16, in real mode with DS = ES = GUEST_MMIO_BASE >> 4: loads
 * (reported as 32-bit values) and stores of every width and form.
 */
BEGIN mmio16, 16
	mov	$(GUEST_MMIO_BASE >> 4), %ax
	mov	%ax, %ds
	mov	%ax, %es
	xor	%edi, %edi
	mov	$-1, %eax
	mov	(%di), %al			/* 0x00 */
	REPORT32 %eax
	mov	$-1, %ecx
	mov	0x02(%di), %cx			/* 0x02 */
	REPORT32 %ecx
	mov	$-1, %edx
	mov	0x04(%di), %edx			/* 0x04 */
	REPORT32 %edx
	mov	$0x11223344, %eax
	mov	0x08(%di), %ah			/* 0x08 */
	REPORT32 %eax
	mov	$-1, %esi
	movzbw	0x0a(%di), %si			/* 0x0a */
	REPORT32 %esi
	mov	$-1, %ecx
	movswl	0x0c(%di), %ecx			/* 0x0c */
	REPORT32 %ecx
	mov	$-1, %eax
	mov	0x10, %al			/* 0x10, moffs */
	REPORT32 %eax
	xor	%bx, %bx
	mov	$2, %si
	mov	$-1, %ecx
	mov	%es:0x12(%bx, %si), %cx		/* 0x14 */
	REPORT32 %ecx
	mov	$-1, %edx
	mov	0x18(%edi), %edx		/* 0x18, 32-bit address */
	REPORT32 %edx
	mov	$0xccddeeff, %eax
	mov	%al, 0x20(%di)			/* 0x20 */
	mov	%ax, 0x22(%di)			/* 0x22 */
	mov	%eax, 0x24(%di)			/* 0x24 */
	mov	%ah, 0x28(%di)			/* 0x28 */
	movb	$0x5a, 0x29(%di)		/* 0x29 */
	movw	$0x1234, 0x2a(%di)		/* 0x2a */
	movl	$0x89abcdef, 0x2c(%di)		/* 0x2c */
	mov	%al, 0x30			/* 0x30, moffs */
	xor	%bx, %bx
	mov	$2, %si
	mov	%ax, %es:0x32(%bx, %si)		/* 0x34 */
	DONE
END mmio16

/* mmio32, in 32-bit protected mode: loads and stores to arg. */
BEGIN mmio32, 32
	mov	%esi, %ebp
	mov	$-1, %eax
	mov	(%ebp), %al			/* 0x00 */
	REPORT32 %eax
	mov	$-1, %ecx
	mov	0x02(%ebp), %cx			/* 0x02 */
	REPORT32 %ecx
	mov	$-1, %edx
	mov	0x04(%ebp), %edx		/* 0x04 */
	REPORT32 %edx
	movsbl	0x08(%ebp), %esi		/* 0x08 */
	REPORT32 %esi
	mov	$0x11223344, %eax
	mov	0x09(%ebp), %ah			/* 0x09 */
	REPORT32 %eax
	mov	$-1, %edi
	movzwl	0x0a(%ebp), %edi		/* 0x0a */
	REPORT32 %edi
	mov	$-1, %eax
	mov	(GUEST_MMIO_BASE + 0x10), %eax	/* 0x10, moffs */
	REPORT32 %eax
	mov	$0xccddeeff, %eax
	mov	%eax, 0x20(%ebp)		/* 0x20 */
	mov	%ax, 0x24(%ebp)			/* 0x24 */
	mov	%ah, 0x26(%ebp)			/* 0x26 */
	movb	$0x5a, 0x27(%ebp)		/* 0x27 */
	movl	$0x89abcdef, 0x28(%ebp)		/* 0x28 */
	movw	$0x1234, 0x2c(%ebp)		/* 0x2c */
	mov	%eax, (GUEST_MMIO_BASE + 0x30)	/* 0x30, moffs */
	DONE
END mmio32

/* mmio_rsp: loads from arg into rsp, esp and sp, each reported. */
BEGIN mmio_rsp
	mov	%rsi, %rbp
	mov	$0x1000, %esp
	mov	(%rbp), %rsp			/* 0x00 */
	mov	%rsp, %rax
	REPORT	%rax
	mov	$-1, %rsp
	mov	0x08(%rbp), %esp		/* 0x08 */
	mov	%rsp, %rax
	REPORT	%rax
	mov	$-1, %rsp
	mov	0x0c(%rbp), %sp			/* 0x0c */
	mov	%rsp, %rax
	REPORT	%rax
	DONE
END mmio_rsp

/*
 * mmio_bad: accesses to arg that the module does not decode (ADD to
 * memory, MOVSXD, MOVSB, XCHG): each an internal error the VMM steps over.
 */
BEGIN mmio_bad
	mov	%rsi, %rbp
	lea	0x10(%rbp), %rdi
	mov	$GUEST_DATA, %esi
	.globl	mmio_bad_add
mmio_bad_add:
	add	%eax, (%rbp)			/* 0x00 */
	.globl	mmio_bad_movsxd
mmio_bad_movsxd:
	movslq	0x08(%rbp), %rax		/* 0x08 */
	.globl	mmio_bad_movs
mmio_bad_movs:
	movsb					/* to 0x10 */
	.globl	mmio_bad_xchg
mmio_bad_xchg:
	xchg	%eax, 0x18(%rbp)		/* 0x18 */
	.globl	mmio_bad_done
mmio_bad_done:
	DONE
END mmio_bad

/*
 * mmio_alias: jump to this program's alias at ALIAS_BASE (4 KiB pages),
 * load from and store to arg through the alias, then report the alias
 * address of a label: the module must walk the guest's page tables to
 * fetch the instructions.
 */
BEGIN mmio_alias
	movabs	$ALIAS_BASE, %rcx
	lea	1f(%rip), %rax
	add	%rcx, %rax
	jmp	*%rax
1:	lea	(%rsi, %rcx), %rbp
	mov	$-1, %rdx
	.globl	mmio_alias_load
mmio_alias_load:
	mov	0x08(%rbp), %edx		/* 0x08 */
	REPORT	%rdx
	movl	$0x600dcafe, 0x10(%rbp)		/* 0x10 */
	lea	mmio_alias_load(%rip), %rax
	REPORT	%rax
	DONE
END mmio_alias

/*
 * npf_ro: arg is a read-only region. Reads work; the store faults until
 * the VMM makes the region writable, then the stored value is read back.
 */
/*
 * sti_shadow: a store to the read-only region at arg right after STI, so
 * the exit happens with blocking by STI in the guest's interruptibility
 * state; then DONE.
 */
BEGIN sti_shadow
	mov	%rsi, %rbp
	sti
	movb	%al, (%rbp)
	cli
	DONE
END sti_shadow

BEGIN npf_ro
	mov	%rsi, %rbp
	mov	(%rbp), %rax
	REPORT	%rax
	movabs	$0x5a5a5a5aa5a5a5a5, %rcx
	mov	%rcx, 0x08(%rbp)
	mov	0x08(%rbp), %rax
	REPORT	%rax
	DONE
END npf_ro

/* npf_jump: jump to arg, which no region covers. */
BEGIN npf_jump
	jmp	*%rsi
END npf_jump

/* npf_walk: a load from WALK_VA, whose page directory is outside RAM. */
BEGIN npf_walk
	movabs	$WALK_VA, %rcx
	.globl	npf_walk_load
npf_walk_load:
	mov	(%rcx), %rax
	DONE
END npf_walk

/* hlt: one HALT exit (interrupts are off), then the program goes on. */
BEGIN hlt
	mov	$0x77, %r12d
	hlt
	.globl	hlt_ret
hlt_ret:
	REPORT	%r12
	DONE
END hlt

/*
 * msr: RDMSR and WRMSR of MSRs the module hands to the VMM; each value
 * read is reported, as eax and edx.
 */
BEGIN msr
	mov	$MSR_APIC_BASE, %ecx
	mov	$-1, %rax
	mov	$-1, %rdx
	rdmsr
	mov	%rax, %r12
	mov	%rdx, %r13
	REPORT	%r12
	REPORT	%r13
	mov	$MSR_MTRR_DEF_TYPE, %ecx
	mov	$0x11223344, %eax
	mov	$0x55667788, %edx
	wrmsr
	mov	$MSR_MISC_ENABLE, %ecx
	movabs	$0xffffffff00000001, %rax	/* only eax and edx count */
	movabs	$0xffffffff00000002, %rdx
	wrmsr
	mov	$MSR_X2APIC_ICR, %ecx
	mov	$0x400, %eax			/* NMI: not the module's */
	mov	$1, %edx
	wrmsr
	rdmsr
	mov	%rax, %r12
	mov	%rdx, %r13
	REPORT	%r12
	REPORT	%r13
	mov	$MSR_BIOS_SIGN, %ecx
	mov	$-1, %rax
	mov	$-1, %rdx
	rdmsr
	mov	%rax, %r12
	mov	%rdx, %r13
	REPORT	%r12
	REPORT	%r13
	DONE
END msr

/*
 * msr_kernel: the MSRs the module handles itself, without an exit to the
 * VMM: values written and read back, and invalid writes, which raise #GP
 * (each CATCH reports the vector).
 */
BEGIN msr_kernel
	RT_INIT
	mov	$MSR_EFER, %ecx
	rdmsr
	EDX_EAX
	REPORT	%rax				/* LME | LMA */
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$1, %eax			/* SCE */
	wrmsr
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$2, %eax			/* reserved */
	CATCH	wrmsr
	mov	$MSR_EFER, %ecx
	rdmsr
	and	$~0x100, %eax			/* LME off with paging on */
	CATCH	wrmsr
	mov	$MSR_EFER, %ecx
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_FS_BASE, %ecx
	mov	$0x56789000, %eax
	mov	$0x1234, %edx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_FS_BASE, %ecx
	xor	%eax, %eax
	mov	$0x8000, %edx			/* not canonical */
	CATCH	wrmsr
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	$0x9abc0000, %eax
	mov	$0x5678, %edx
	wrmsr
	swapgs
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	swapgs
	EDX_EAX
	REPORT	%rax
	mov	$MSR_KERNEL_GS_BASE, %ecx
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_PAT, %ecx
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_PAT, %ecx
	mov	$0x00070406, %eax
	mov	$0x6, %edx
	wrmsr
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_PAT, %ecx
	mov	$0x00070402, %eax		/* type 2 is reserved */
	xor	%edx, %edx
	CATCH	wrmsr
	mov	$MSR_PAT, %ecx
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_SYSENTER_CS, %ecx
	mov	$0x10, %eax
	xor	%edx, %edx
	wrmsr
	xor	%eax, %eax
	rdmsr
	EDX_EAX
	REPORT	%rax
	mov	$MSR_SYSENTER_EIP, %ecx
	mov	$0x1000, %eax
	mov	$0xffff8000, %edx
	wrmsr
	xor	%eax, %eax
	xor	%edx, %edx
	rdmsr
	EDX_EAX
	REPORT	%rax
	DONE
END msr_kernel

/*
 * cpuid: leaf 0x40000000 (eax, ebx, ecx, edx), leaf 1 (ebx[31:24] and
 * ecx & (hypervisor | VMX)), leaf 0xb (edx), and the OR of leaf
 * 0x40000001's registers.
 */
BEGIN cpuid
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rax, %r12
	mov	%rbx, %r13
	mov	%rcx, %r14
	mov	%rdx, %r15
	REPORT	%r12
	REPORT	%r13
	REPORT	%r14
	REPORT	%r15
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rbx, %r12
	shr	$24, %r12
	mov	%rcx, %r13
	and	$0x80000020, %r13d
	REPORT	%r12
	REPORT	%r13
	mov	$0xb, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rdx, %r12
	REPORT	%r12
	mov	$0x40000001, %eax
	xor	%ecx, %ecx
	cpuid
	or	%rbx, %rax
	or	%rcx, %rax
	or	%rdx, %rax
	REPORT	%rax
	DONE
END cpuid

/*
 * kernel_insns: what the module handles in the kernel: CR8, CR4, CR3 and
 * CR0 writes (read back), XSETBV (XCR0 read back with XGETBV), INVD and
 * WBINVD; invalid writes raise #GP, XSETBV without CR4.OSXSAVE #UD.
 */
BEGIN kernel_insns
	RT_INIT
	mov	$5, %eax
	mov	%rax, %cr8
	mov	%cr8, %rcx
	REPORT	%rcx
	mov	$16, %eax
	CATCH	mov %rax, %cr8
	mov	%cr8, %rcx
	REPORT	%rcx
	mov	%cr4, %rax
	or	$0x600, %eax			/* OSFXSR, OSXMMEXCPT */
	mov	%rax, %cr4
	mov	%cr4, %rcx
	REPORT	%rcx
	mov	%cr4, %rax
	bts	$13, %rax			/* VMXE */
	CATCH	mov %rax, %cr4
	mov	%cr4, %rax
	btr	$5, %rax			/* PAE, in long mode */
	CATCH	mov %rax, %cr4
	mov	%cr4, %rcx
	REPORT	%rcx
	mov	%cr3, %rax
	mov	%rax, %cr3
	mov	%cr3, %rcx
	REPORT	%rcx
	mov	%cr0, %rax
	bts	$16, %rax			/* WP */
	mov	%rax, %cr0
	mov	%cr0, %rcx
	REPORT	%rcx
	mov	%cr0, %rax
	bts	$32, %rax			/* reserved */
	CATCH	mov %rax, %cr0
	xor	%ecx, %ecx
	mov	$3, %eax
	xor	%edx, %edx
	CATCH	xsetbv				/* no OSXSAVE yet */
	mov	%cr4, %rax
	bts	$18, %rax			/* OSXSAVE */
	mov	%rax, %cr4
	xor	%ecx, %ecx
	xgetbv
	REPORT	%rax
	xor	%ecx, %ecx
	mov	$3, %eax			/* x87 and SSE */
	xor	%edx, %edx
	xsetbv
	xor	%ecx, %ecx
	xgetbv
	REPORT	%rax
	xor	%ecx, %ecx
	mov	$2, %eax			/* no x87 */
	xor	%edx, %edx
	CATCH	xsetbv
	mov	$1, %ecx			/* no XCR1 */
	mov	$3, %eax
	xor	%edx, %edx
	CATCH	xsetbv
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	shr	$27, %ecx
	and	$1, %ecx			/* OSXSAVE */
	REPORT	%rcx
	invd
	wbinvd
	DONE
END kernel_insns

/*
 * wbinvd: arg WBINVDs, each of which must exit to the module (WBINVD
 * exiting), never flush the host's caches from the guest.
 */
BEGIN wbinvd
	mov	%rsi, %r9
1:	test	%r9, %r9
	jz	2f
	wbinvd
	dec	%r9
	jmp	1b
2:	DONE
END wbinvd

/*
 * pkru: set CR4.PKE and report the vector (-1 if the write worked, 13 if
 * refused). With PKE set, report PKRU as found, write arg to it and
 * report it read back.
 */
BEGIN pkru
	mov	%rsi, %r9
	RT_INIT
	mov	%cr4, %rax
	bts	$22, %rax			/* PKE */
	CATCH	mov %rax, %cr4
	mov	%cr4, %rax
	bt	$22, %rax
	jnc	1f
	xor	%ecx, %ecx
	rdpkru
	REPORT	%rax
	mov	%r9, %rax
	xor	%ecx, %ecx
	xor	%edx, %edx
	wrpkru
	xor	%ecx, %ecx
	rdpkru
	REPORT	%rax
1:	DONE
END pkru

/*
 * ud: MONITOR, MWAIT, RDPMC and VMX instructions must raise #UD in the
 * guest: for each the program reports the vector and the rip its handler
 * saw.
 */
BEGIN ud
	RT_INIT
	mov	$GUEST_DATA, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	CATCH_AT ud_monitor, monitor
	xor	%eax, %eax
	xor	%ecx, %ecx
	CATCH_AT ud_mwait, mwait
	xor	%ecx, %ecx
	CATCH_AT ud_rdpmc, rdpmc
	CATCH_AT ud_vmxon, vmxon GUEST_DATA
	xor	%eax, %eax
	CATCH_AT ud_vmread, vmread %rax, %rcx
	mov	$1, %eax
	CATCH_AT ud_invept, invept GUEST_DATA, %rax
	DONE
END ud

/* int1: INT1 (ICEBP) raises #DB, a trap: rip after the instruction. */
BEGIN int1
	RT_INIT
	CATCH_AT int1_insn, .byte 0xf1
	DONE
END int1

/*
 * single_step: set TF: the instruction after POPF runs, then #DB (a trap)
 * with DR6.BS. Reports the vector, the rip after the stepped instruction,
 * DR6 as the handler read it, and TF after the handler (0).
 */
BEGIN single_step
	RT_INIT
	mov	$0xffff0ff0, %eax
	mov	%rax, %dr6
	lea	1f(%rip), %r11
	mov	%r11, RT_RESUME
	movq	$-1, RT_EXC_VECTOR
	pushf
	orq	$0x100, (%rsp)
	popf
	nop					/* stepped */
	.globl	single_step_next
single_step_next:
	nop
	nop
1:	movq	$0, RT_RESUME
	mov	RT_EXC_VECTOR, %rax
	REPORT	%rax
	mov	RT_EXC_RIP, %rax
	REPORT	%rax
	mov	RT_EXC_DR6, %rax
	REPORT	%rax
	pushf
	pop	%rax
	and	$0x100, %eax
	REPORT	%rax
	DONE
END single_step

/*
 * icr: write the x2APIC ICR (WRMSR 0x830, edx:eax) with each value of the
 * table at arg: a u64 count, then the values.
 */
BEGIN icr
	mov	%rsi, %rbp
	mov	(%rbp), %r12
	add	$8, %rbp
1:	test	%r12, %r12
	jz	2f
	mov	(%rbp), %rax
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_X2APIC_ICR, %ecx
	wrmsr
	add	$8, %rbp
	dec	%r12
	jmp	1b
2:	DONE
END icr

/*
 * sipi: INIT, then SIPI with vector SIPI_VECTOR, to APIC id arg through
 * the x2APIC ICR; then wait for the started vCPU's flag in GUEST_DATA and
 * report it.
 */
BEGIN sipi
	mov	$MSR_X2APIC_ICR, %ecx
	mov	$0x4500, %eax			/* INIT, assert */
	mov	%rsi, %rdx
	wrmsr
	mov	$(0x4600 | SIPI_VECTOR), %eax	/* STARTUP */
	mov	%rsi, %rdx
	wrmsr
1:	cmpl	$SIPI_FLAG, GUEST_DATA
	jne	1b
	mov	GUEST_DATA, %eax
	REPORT	%rax
	DONE
END sipi

/*
 * sipi_ap: the started vCPU, in real mode at SIPI_VECTOR << 12: reports
 * its APIC id from CPUID leaves 1 and 0xb and its CS, then sets the flag.
 */
BEGIN sipi_ap, 16
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	shr	$24, %ebx
	mov	%ebx, %ebp
	REPORT32 %ebp
	mov	$0xb, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%edx, %ebp
	REPORT32 %ebp
	xor	%ebp, %ebp
	mov	%cs, %bp
	REPORT32 %ebp
	mov	$(GUEST_DATA >> 4), %ax
	mov	%ax, %ds
	movl	$SIPI_FLAG, 0
	DONE
END sipi_ap

/*
 * irq: take interrupts through the runtime, with interrupts enabled, and
 * wait for one: in HLT if arg == 0, spinning otherwise. After the first,
 * spin WAIT_ITERS more with interrupts enabled, so that one delivered
 * twice is counted twice; report the count and the first vector.
 */
BEGIN irq
	RT_INIT
	sti
	test	%rsi, %rsi
	jnz	3f
1:	cmpq	$0, RT_IRQ_COUNT
	jne	2f
	hlt
	jmp	1b
3:	cmpq	$0, RT_IRQ_COUNT
	je	3b
2:	mov	$WAIT_ITERS, %ecx
4:	dec	%ecx
	jnz	4b
	cli
	mov	RT_IRQ_COUNT, %rax
	REPORT	%rax
	mov	RT_IRQ_LOG, %rax
	REPORT	%rax
	DONE
END irq

/* irq16: the same in real mode, through the IVT, waiting in HLT. */
BEGIN irq16, 16
	mov	$STACK16_TOP, %sp
	sti
1:	cmpw	$0, RT_IRQ_COUNT
	jne	2f
	hlt
	jmp	1b
2:	mov	$WAIT_ITERS, %ecx
3:	dec	%ecx
	jnz	3b
	cli
	mov	RT_IRQ_COUNT, %eax
	REPORT32 %eax
	mov	RT_IRQ_LOG, %eax
	REPORT32 %eax
	DONE
END irq16

/*
 * irq_order: wait in HLT, interrupts enabled, for three interrupts; report
 * the count and the three vectors in the order they came.
 */
BEGIN irq_order
	RT_INIT
	sti
1:	cmpq	$3, RT_IRQ_COUNT
	jae	2f
	hlt
	jmp	1b
2:	mov	$WAIT_ITERS, %ecx
3:	dec	%ecx
	jnz	3b
	cli
	mov	RT_IRQ_COUNT, %rax
	REPORT	%rax
	mov	RT_IRQ_LOG, %rax
	REPORT	%rax
	mov	RT_IRQ_LOG + 8, %rax
	REPORT	%rax
	mov	RT_IRQ_LOG + 16, %rax
	REPORT	%rax
	DONE
END irq_order

/* triple: INT3 through a zero-limit IDT: #GP, #DF, triple fault. */
BEGIN triple
	lidt	IDTR0_GPA
	int3
	FAIL	1
END triple

/* triple16: the same in real mode. */
BEGIN triple16, 16
	lidt	IDTR0_GPA
	int3
	FAIL	1
END triple16

/*
 * init16, in real mode, entered at init16_entry: reports the argument,
 * CR0, CR4, EFER, CS, DS, SS, FLAGS, the IDTR limit and base, the GDTR
 * limit and the ip of init16_ip.
 */
BEGIN init16, 16
	FAIL	0xbad				/* not the entry point */
	.globl	init16_entry
init16_entry:
	mov	%esi, %ebp
	REPORT32 %ebp
	mov	%cr0, %ebp
	REPORT32 %ebp
	mov	%cr4, %ebp
	REPORT32 %ebp
	mov	$MSR_EFER, %ecx
	rdmsr
	mov	%eax, %ebp
	REPORT32 %ebp
	xor	%ebp, %ebp
	mov	%cs, %bp
	REPORT32 %ebp
	mov	%ds, %bp
	REPORT32 %ebp
	mov	%ss, %bp
	REPORT32 %ebp
	mov	$STACK16_TOP, %sp
	pushfl
	popl	%ebp
	REPORT32 %ebp
	sidt	GUEST_SCRATCH16
	movzwl	GUEST_SCRATCH16, %ebp
	REPORT32 %ebp
	mov	GUEST_SCRATCH16 + 2, %ebp
	REPORT32 %ebp
	sgdt	GUEST_SCRATCH16
	movzwl	GUEST_SCRATCH16, %ebp
	REPORT32 %ebp
	call	1f
	.globl	init16_ip
init16_ip:
1:	pop	%bp
	movzwl	%bp, %ebp
	REPORT32 %ebp
	DONE
END init16

/* init32, in 32-bit protected mode: the same as init16. */
BEGIN init32, 32
	FAIL	0xbad
	.globl	init32_entry
init32_entry:
	mov	%esi, %ebp
	REPORT32 %ebp
	mov	%cr0, %ebp
	REPORT32 %ebp
	mov	%cr4, %ebp
	REPORT32 %ebp
	mov	$MSR_EFER, %ecx
	rdmsr
	mov	%eax, %ebp
	REPORT32 %ebp
	xor	%ebp, %ebp
	mov	%cs, %bp
	REPORT32 %ebp
	mov	%ds, %bp
	REPORT32 %ebp
	mov	%ss, %bp
	REPORT32 %ebp
	mov	$STACK_TOP, %esp
	pushfl
	popl	%ebp
	REPORT32 %ebp
	sidt	GUEST_DATA
	movzwl	GUEST_DATA, %ebp
	REPORT32 %ebp
	mov	GUEST_DATA + 2, %ebp
	REPORT32 %ebp
	sgdt	GUEST_DATA
	movzwl	GUEST_DATA, %ebp
	REPORT32 %ebp
	call	1f
	.globl	init32_ip
init32_ip:
1:	pop	%ebp
	REPORT32 %ebp
	DONE
END init32

/*
 * init64, in 64-bit mode: reports the argument, CR0, CR3, CR4, EFER, CS,
 * DS, SS, RFLAGS, the IDTR limit and base, the GDTR limit and the rip of
 * init64_entry.
 */
BEGIN init64
	FAIL	0xbad
	.globl	init64_entry
init64_entry:
	mov	%rsi, %rbp
	REPORT	%rbp
	mov	%cr0, %rbp
	REPORT	%rbp
	mov	%cr3, %rbp
	REPORT	%rbp
	mov	%cr4, %rbp
	REPORT	%rbp
	mov	$MSR_EFER, %ecx
	rdmsr
	EDX_EAX
	REPORT	%rax
	xor	%ebp, %ebp
	mov	%cs, %bp
	REPORT	%rbp
	mov	%ds, %bp
	REPORT	%rbp
	mov	%ss, %bp
	REPORT	%rbp
	mov	$STACK_TOP, %esp
	pushfq
	pop	%rbp
	REPORT	%rbp
	sidt	GUEST_DATA
	movzwl	GUEST_DATA, %ebp
	REPORT	%rbp
	mov	GUEST_DATA + 2, %rbp
	REPORT	%rbp
	sgdt	GUEST_DATA
	movzwl	GUEST_DATA, %ebp
	REPORT	%rbp
	lea	init64_entry(%rip), %rbp
	REPORT	%rbp
	DONE
END init64

/*
 * regs: vmcall with the registers the VMM set; then add 1 to each of the
 * 16 registers but rsp, 16 to rsp, compare equal values (ZF, PF) and
 * vmcall again.
 */
BEGIN regs
	vmcall
	.globl	regs_exit1
regs_exit1:
	.irp	r, rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
	add	$1, %\r
	.endr
	lea	16(%rsp), %rsp
	cmp	%rax, %rax
	vmcall
	.globl	regs_exit2
regs_exit2:
	DONE
END regs

/*
 * fpu: enable SSE (and, if rdi != 0, CR4.OSXSAVE with XCR0 = x87 | SSE),
 * put a distinct pattern in each of xmm0..xmm15 and FPU_MXCSR in MXCSR,
 * then make arg OUTs of the remaining count to IO_PORT8, each an exit to
 * the VMM. Reports how many of the 32 register halves changed meanwhile
 * (0) and MXCSR.
 */
#define FPU_REGS 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
BEGIN fpu
	mov	%rsi, %r12
	mov	%cr4, %rax
	or	$0x600, %eax			/* OSFXSR, OSXMMEXCPT */
	test	%rdi, %rdi
	jz	1f
	bts	$18, %rax			/* OSXSAVE */
1:	mov	%rax, %cr4
	test	%rdi, %rdi
	jz	2f
	xor	%ecx, %ecx
	mov	$3, %eax
	xor	%edx, %edx
	xsetbv
2:	mov	$GUEST_DATA, %ebp
	movabs	$0x0101010101010101, %rcx
	xor	%eax, %eax
	.irp	i, FPU_REGS
	add	%rcx, %rax
	mov	%rax, 16 * \i(%rbp)
	mov	%rax, %rdx
	not	%rdx
	mov	%rdx, 16 * \i + 8(%rbp)
	movdqu	16 * \i(%rbp), %xmm\i
	.endr
	movl	$FPU_MXCSR, 0x300(%rbp)
	ldmxcsr	0x300(%rbp)
	test	%r12, %r12
	jz	4f
3:	mov	%r12d, %eax
	out	%al, $IO_PORT8
	dec	%r12
	jnz	3b
4:	.irp	i, FPU_REGS
	movdqu	%xmm\i, 0x100 + 16 * \i(%rbp)
	.endr
	xor	%r13d, %r13d			/* halves changed */
	xor	%edx, %edx
5:	mov	(%rbp, %rdx, 8), %rax
	cmp	0x100(%rbp, %rdx, 8), %rax
	je	6f
	inc	%r13
6:	inc	%edx
	cmp	$32, %edx
	jne	5b
	stmxcsr	0x300(%rbp)
	mov	0x300(%rbp), %r14d
	REPORT	%r13
	REPORT	%r14
	DONE
END fpu

/* spin: loop until the VMM sets rsi (arg is 0), then DONE. */
BEGIN spin
	sti		/* see SPIN_STI in x86_64.h */
1:	test	%rsi, %rsi
	jz	1b
	DONE
END spin

/* spin_cli: spin with IF clear, executing CLI on every iteration. */
BEGIN spin_cli
1:	cli
	test	%rsi, %rsi
	jz	1b
	DONE
END spin_cli

/* spin_if_clear: spin with IF clear as SETUP leaves it, never writing IF. */
BEGIN spin_if_clear
1:	test	%rsi, %rsi
	jz	1b
	DONE
END spin_if_clear

/*
 * noncanon: take exceptions through the runtime, then HLT with IF clear
 * (a HALT exit, where the VMM makes rip non-canonical); at noncanon_resume
 * DONE.
 */
BEGIN noncanon
	RT_INIT
	hlt
	.globl	noncanon_resume
noncanon_resume:
	DONE
END noncanon

/*
 * count_mmio: arg iterations of: increment a register counter (r10) and a
 * RAM counter (at GUEST_DATA + 64 * cpu id, zeroed first), put
 * cpu id << 40 | count in IA32_KERNEL_GS_BASE, and store the count to
 * GUEST_MMIO_BASE + 8 * cpu id, which exits to the VMM. After the exit
 * SWAPGS must bring the value back as the GS base (else FAIL 1, rcx =
 * seen, rdx = wanted) and the RAM counter must hold the count (else FAIL
 * 2, rcx = the RAM counter, rdx = the count). Reports the register
 * counter and the RAM counter.
 */
BEGIN count_mmio
	mov	%rsi, %r9
	mov	$0xb, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%edx, %r8d			/* cpu id */
	xor	%r10d, %r10d
	mov	%r8, %r11
	shl	$6, %r11
	add	$GUEST_DATA, %r11		/* this vCPU's RAM counter */
	movq	$0, (%r11)
	lea	GUEST_MMIO_BASE(, %r8, 8), %r12	/* this vCPU's MMIO address */
	mov	%r8, %r13
	shl	$40, %r13			/* the tag */
	test	%r9, %r9
	jz	2f
1:	inc	%r10
	incq	(%r11)
	mov	%r13, %r14
	or	%r10, %r14
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	%r14, %rax
	mov	%r14, %rdx
	shr	$32, %rdx
	wrmsr
	mov	%r10, (%r12)			/* MMIO_WRITE exit */
	swapgs
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	swapgs
	EDX_EAX
	cmp	%r14, %rax
	jne	3f
	cmp	%r10, (%r11)
	jne	4f
	cmp	%r9, %r10
	jne	1b
	jmp	2f
3:	mov	%rax, %rcx
	mov	%r14, %rdx
	FAIL	1
	jmp	3b
4:	mov	(%r11), %rcx
	mov	%r10, %rdx
	FAIL	2
	jmp	4b
2:	REPORT	%r10
	mov	(%r11), %rax
	REPORT	%rax
	DONE
END count_mmio

/*
 * count_regs: a pure register loop of arg iterations with no exits of its
 * own: r10 counts, r11 sums the counts. IA32_KERNEL_GS_BASE holds
 * cpu id << 40 | arg throughout (read back through SWAPGS at the end).
 * Reports r10, r11 and cpu id << 48 | arg.
 */
BEGIN count_regs
	sti		/* see SPIN_STI in x86_64.h */
	mov	$0xb, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%edx, %r8d
	shl	$40, %r8
	or	%rsi, %r8
	mov	$MSR_KERNEL_GS_BASE, %ecx
	mov	%r8, %rax
	mov	%r8, %rdx
	shr	$32, %rdx
	wrmsr
	mov	%rsi, %r9
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	test	%r9, %r9
	jz	2f
1:	inc	%r10
	add	%r10, %r11
	cmp	%r9, %r10
	jne	1b
2:	swapgs
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	swapgs
	EDX_EAX
	mov	%rax, %r12
	shr	$40, %r12
	shl	$48, %r12
	mov	$0xffffffffff, %rcx
	and	%rcx, %rax
	or	%rax, %r12
	REPORT	%r10
	REPORT	%r11
	REPORT	%r12
	DONE
END count_regs

	.section .note.GNU-stack, "", @progbits
