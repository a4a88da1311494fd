/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conventions shared by the x86_64 guest programs (guest/x86_64.S) and the
 * VMM side of run_test (run_x86_64.c and the library, lib/): the test
 * hypercall, the guest-physical layout, the runtime every VM holds (page
 * tables, descriptor tables, interrupt handlers) and the program symbols.
 */
#ifndef _AXVCPU_SELFTEST_GUEST_X86_64_H
#define _AXVCPU_SELFTEST_GUEST_X86_64_H

/* Constants usable from both C and the assembler. */
#ifdef __ASSEMBLER__
#define GUEST_UL(x)		x
#else
#define GUEST_UL(x)		x##UL
#endif

/*
 * Test hypercall: vmcall with eax = TEST_EID | function. An x86 hypercall
 * has no function field (fid is zero), so the function is the low byte of
 * nr; only the low 32 bits count, since real-mode code cannot set the
 * upper half of rax. rbx is the value (args[0]); a FAIL puts details in
 * rcx, rdx and rsi (args[1..3]).
 */
#define TEST_EID		0x41585400	/* "AXT" */
#define TEST_FID_DONE		0	/* program finished */
#define TEST_FID_REPORT		1	/* rbx = a value for the VMM to check */
#define TEST_FID_FAIL		2	/* rbx = failure code, rcx..rsi details */

#ifndef __ASSEMBLER__
#define TEST_CALL_NR(hc)	((__u32)(hc)->nr & ~0xffU)
#define TEST_CALL_FID(hc)	((__u32)(hc)->nr & 0xffU)
#endif

/*
 * Guest-physical layout. RAM starts at 0, so that the real-mode IVT is in
 * it; below the programs the VMM puts the runtime's tables (GUEST_RAM_INIT,
 * run_x86_64.c). Real-mode programs run in the first 64 KiB with CS = 0.
 */
#define GUEST_RAM_BASE		GUEST_UL(0)
#define GUEST_RAM_SIZE		GUEST_UL(0xa0000)	/* 640 KiB */
#define GUEST_LOAD_OFF		GUEST_UL(0x8000)	/* programs are copied here */
#define SECOND_PROGRAM_OFF	GUEST_UL(0x20000)	/* a second program */
#define RT_GPA			GUEST_UL(0x30000)	/* the runtime: rt_begin */
#define GUEST_DATA_OFF		GUEST_UL(0x40000)	/* scratch data in RAM */
#define GUEST_DATA		(GUEST_RAM_BASE + GUEST_DATA_OFF)
#define STACK_TOP		GUEST_UL(0x90000)	/* minus apic id * STACK_SIZE */
#define STACK_SIZE		GUEST_UL(0x4000)
#define STACK16_TOP		0x1000			/* real mode, SS = 0 */
#define GUEST_MMIO_BASE		GUEST_UL(0xa0000)	/* no region: MMIO exits */
#define GUEST_RO_BASE		GUEST_UL(0xc0000)	/* read-only region */
#define GUEST_UNMAPPED		GUEST_UL(0xe0000)	/* no region: fetch faults */
#define GUEST_BIG_BASE		GUEST_UL(0x400000)	/* touch: 2 MiB aligned */

/*
 * 4-level page tables for AXVCPU_X86_MODE_LONG64 (cr3 = GUEST_PML4): the
 * first GiB identity-mapped with 2 MiB pages; VA ALIAS_BASE + x mapped to
 * x for x < 2 MiB with 4 KiB pages; VA WALK_VA through a page directory at
 * WALK_PD, which no region covers.
 */
#define GUEST_PML4		GUEST_UL(0x1000)
#define GUEST_PDPT		GUEST_UL(0x2000)
#define GUEST_PD		GUEST_UL(0x3000)
#define GUEST_ALIAS_PD		GUEST_UL(0x4000)
#define GUEST_ALIAS_PT		GUEST_UL(0x5000)
#define ALIAS_BASE		GUEST_UL(0x40000000)
#define WALK_VA			GUEST_UL(0xc0000000)
#define WALK_PD			GUEST_UL(0xb0000)

/*
 * Descriptor tables: a GDT (selectors below), a 256-entry IDT whose gates
 * lead to the runtime's 64-bit stubs, and, at 0, an IVT whose entries lead
 * to its real-mode stubs. RT_INIT (guest/x86_64.S) loads GDTR and IDTR
 * from GDTR_GPA and IDTR_GPA; IDTR0_GPA is a zero-limit IDTR.
 */
#define GUEST_IDT		GUEST_UL(0x6000)
#define GDTR_GPA		0x7000
#define IDTR_GPA		0x7010
#define IDTR0_GPA		0x7020
#define GUEST_GDT		0x7040
#define SEL_CODE64		0x08
#define SEL_DATA		0x10
#define SEL_CODE32		0x18

/*
 * The runtime's data (u64s). An exception (vector < 32) records its
 * vector, error code, rip and DR6 (for #DB) and resumes at RT_RESUME if
 * that is nonzero (clearing it and TF), else FAILs with FAIL_VECTOR +
 * vector, rcx = rip, rdx = error code. An interrupt is appended to
 * RT_IRQ_LOG and counted in RT_IRQ_COUNT. One vCPU per VM may take them.
 */
#define RT_RESUME		0x7080
#define RT_EXC_VECTOR		0x7088
#define RT_EXC_ERROR		0x7090
#define RT_EXC_RIP		0x7098
#define RT_EXC_DR6		0x70a0
#define RT_EXC_COUNT		0x70a8
#define RT_IRQ_COUNT		0x70b0
#define RT_IRQ_LOG		0x7100
#define RT_IRQ_LOG_LEN		16
#define GUEST_SCRATCH16		0x7800	/* real-mode scratch (DS = 0) */

/* Programs start with rsi = arg (setup.rsi): gprs[6] is the argument. */
#define GUEST_ARG_REG		6

/* FAIL code of an unexpected exception: + the vector. */
#define FAIL_VECTOR		0xe000

/* The hypercall programs' numbers (64-bit and real mode). */
#define HC_NR			GUEST_UL(0x0123456789abcdef)
#define HC_NR16			0x12345678

/* I/O ports: one reached as an immediate, one through dx. */
#define IO_PORT8		0x80
#define IO_PORT16		0x1234

/* The x2APIC interrupt command register, and the SIPI test's vector. */
#define MSR_X2APIC_ICR		0x830
#define SIPI_VECTOR		0x20	/* starts at SECOND_PROGRAM_OFF */
#define SIPI_FLAG		0x600dcafe

/* MSRs the module handles, and some it hands to the VMM. */
#define MSR_EFER		0xc0000080
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_PAT			0x277
#define MSR_APIC_BASE		0x1b
#define MSR_BIOS_SIGN		0x8b
#define MSR_MTRR_DEF_TYPE	0x2ff		/* left to the VMM */
#define MSR_MISC_ENABLE		0x1a0		/* left to the VMM */

/* Busy-wait iterations after an interrupt, to catch a second delivery. */
#define WAIT_ITERS		200000

/* MXCSR of the fpu program: round toward zero, flush to zero. */
#define FPU_MXCSR		0xff80
#define FPU_EXITS		20

#ifndef __ASSEMBLER__
/*
 * What every VM's RAM holds besides its program, put there by the
 * library's vm_create(): the runtime, page tables, descriptor tables and
 * the real-mode IVT (guest_ram_init(), in run_x86_64.c).
 */
void guest_ram_init(void *ram);
#define GUEST_RAM_INIT(ram)	guest_ram_init(ram)

/* Each program runs from <name>_begin to <name>_end, entered at _begin. */
#define GUEST_PROGRAM(name) \
	extern const char name##_begin[], name##_end[]

GUEST_PROGRAM(rt);		/* the runtime, at RT_GPA in every VM */
GUEST_PROGRAM(hypercall);
GUEST_PROGRAM(read_data);
GUEST_PROGRAM(touch);
GUEST_PROGRAM(hypercall16);
GUEST_PROGRAM(io);
GUEST_PROGRAM(io16);
GUEST_PROGRAM(io_string);
GUEST_PROGRAM(mmio_read);
GUEST_PROGRAM(mmio_write);
GUEST_PROGRAM(mmio16);
GUEST_PROGRAM(mmio32);
GUEST_PROGRAM(mmio_rsp);
GUEST_PROGRAM(mmio_bad);
GUEST_PROGRAM(mmio_alias);
/*
 * SPIN_STI: the spinning programs (spin, count_regs) run with IF set.
 * Under Bochs 2.7 a host interrupt makes no external-interrupt VM exit
 * while the guest has IF clear, unless the guest wrote IF since the entry
 * (a CLI will do: spin_cli); the VMX-preemption timer still bounds each
 * entry (spin_if_clear). See Documentation/x86.rst, "Host interrupts".
 */
GUEST_PROGRAM(npf_ro);
GUEST_PROGRAM(sti_shadow);
GUEST_PROGRAM(npf_jump);
GUEST_PROGRAM(npf_walk);
GUEST_PROGRAM(hlt);
GUEST_PROGRAM(msr);
GUEST_PROGRAM(msr_kernel);
GUEST_PROGRAM(cpuid);
GUEST_PROGRAM(kernel_insns);
GUEST_PROGRAM(wbinvd);
GUEST_PROGRAM(pkru);
GUEST_PROGRAM(ud);
GUEST_PROGRAM(int1);
GUEST_PROGRAM(single_step);
GUEST_PROGRAM(icr);
GUEST_PROGRAM(sipi);
GUEST_PROGRAM(sipi_ap);
GUEST_PROGRAM(irq);
GUEST_PROGRAM(irq16);
GUEST_PROGRAM(irq_order);
GUEST_PROGRAM(triple);
GUEST_PROGRAM(triple16);
GUEST_PROGRAM(init16);
GUEST_PROGRAM(init32);
GUEST_PROGRAM(init64);
GUEST_PROGRAM(regs);
GUEST_PROGRAM(fpu);
GUEST_PROGRAM(spin);
GUEST_PROGRAM(spin_cli);
GUEST_PROGRAM(spin_if_clear);
GUEST_PROGRAM(noncanon);
GUEST_PROGRAM(count_mmio);
GUEST_PROGRAM(count_regs);

/* Labels inside programs, for checking pcs and entry points. */
extern const char rt_stubs64[];		/* 256 stubs of 16 bytes */
extern const char rt_stubs16[];		/* 256 stubs of 8 bytes */
extern const char hypercall_ret[];	/* right after the vmcall */
extern const char mmio_read_next[];	/* right after the first load */
extern const char hypercall16_ret[];
extern const char io_string_outsb[];	/* the four string I/O */
extern const char io_string_rep_outsw[];	/* instructions, and */
extern const char io_string_insb[];	/* the end of the last */
extern const char io_string_rep_insl[];
extern const char io_string_done[];
extern const char mmio_bad_add[];	/* the undecodable accesses, */
extern const char mmio_bad_movsxd[];	/* each followed by the next */
extern const char mmio_bad_movs[];
extern const char mmio_bad_xchg[];
extern const char mmio_bad_done[];
extern const char mmio_alias_load[];	/* its load, run at the alias */
extern const char npf_walk_load[];	/* the load through WALK_VA */
extern const char hlt_ret[];		/* right after the hlt */
extern const char ud_monitor[];		/* the instructions that */
extern const char ud_mwait[];		/* must raise #UD */
extern const char ud_rdpmc[];
extern const char ud_vmxon[];
extern const char ud_vmread[];
extern const char ud_invept[];
extern const char int1_insn[];		/* int1 (icebp) */
extern const char int1_insn_next[];	/* right after it */
extern const char single_step_next[];	/* after the stepped insn */
extern const char init16_entry[];	/* not at _begin */
extern const char init32_entry[];
extern const char init64_entry[];
extern const char init16_ip[];		/* the ip they report */
extern const char init32_ip[];
extern const char regs_exit1[];		/* right after the two vmcalls */
extern const char regs_exit2[];
extern const char noncanon_resume[];	/* right after its hlt */
#endif

#endif /* _AXVCPU_SELFTEST_GUEST_X86_64_H */
