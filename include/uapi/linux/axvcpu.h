/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * axvcpu: virtual CPUs for userspace VMMs through /dev/axvcpu.
 *
 * Copyright (C) 2026 The axvcpu authors
 */
#ifndef _UAPI_LINUX_AXVCPU_H
#define _UAPI_LINUX_AXVCPU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: General ioctl format
 *
 * Three kinds of file descriptor, as with KVM: the system fd from opening
 * ``/dev/axvcpu``, a VM fd from %AXVCPU_CREATE_VM and a vCPU fd from
 * %AXVCPU_VM_CREATE_VCPU. Each object lives as long as any fd refers to it;
 * a vCPU keeps its VM alive. Closing the last fd of a VM frees everything
 * it held, in whatever order and from whichever thread the fds are closed.
 *
 * Every structure has only __u32 and __u64 fields and no implicit padding;
 * pointers are passed as __u64. Reserved and pad fields must be zero, or the
 * ioctl fails with -EINVAL. An unknown ioctl fails with -ENOTTY; features
 * are discovered with %AXVCPU_CHECK_CAP, never with a version number.
 *
 * Errors common to all ioctls: -EFAULT for an unreadable or unwritable
 * argument, -EINVAL for a malformed argument (bad flags, nonzero reserved
 * fields, values out of range), -ENOTTY for an ioctl the fd does not know.
 * A failed ioctl changes nothing.
 */

#define AXVCPU_IOCTL_MAGIC 0xB9

/* Backends reported by AXVCPU_CAP_BACKEND. */
#define AXVCPU_BACKEND_X86_VMX		1
#define AXVCPU_BACKEND_ARM64_VHE	2
#define AXVCPU_BACKEND_RISCV_H		3

/* Capabilities for AXVCPU_CHECK_CAP. */
#define AXVCPU_CAP_BACKEND		1  /* an AXVCPU_BACKEND_* value */
#define AXVCPU_CAP_MAX_VCPUS		2  /* vCPU ids are 0 .. value - 1 */
#define AXVCPU_CAP_MAX_MEM_REGIONS	3  /* slots are 0 .. value - 1 */
#define AXVCPU_CAP_GUEST_PT_LEVELS	4  /* stage-2 page-table levels */
#define AXVCPU_CAP_RUN_PAGE_SIZE	5  /* bytes to mmap on a vCPU fd */
#define AXVCPU_CAP_MAX_GUEST_PHYS_BITS	6  /* guest-physical address bits */
#define AXVCPU_CAP_MAX_REGION_SIZE	7  /* bytes in one memory region */
#define AXVCPU_CAP_SETUP_FLAGS		8  /* AXVCPU_SETUP_* flags supported */
#define AXVCPU_CAP_IRQ_LINE		9  /* 1: AXVCPU_VCPU_IRQ_LINE works */
#define AXVCPU_CAP_ONE_REG		10 /* 1: AXVCPU_VCPU_GET/SET_ONE_REG */
#define AXVCPU_CAP_RISCV_ISA		11 /* riscv64: AXVCPU_RISCV_ISA_* bits */
#define AXVCPU_CAP_STATS_FD		12 /* 1: AXVCPU_*_GET_STATS_FD work */

/*
 * Bits of %AXVCPU_CAP_RISCV_ISA: what a riscv64 guest can use, for the
 * VMM's device tree. Bit n for n < 26 is the single-letter extension
 * 'a' + n, as in misa (i, m, a, f, d, c, v as the host has them; never
 * h); %AXVCPU_RISCV_ISA_SSTC: the guest has stimecmp (Sstc).
 */
#define AXVCPU_RISCV_ISA_SSTC		(1ULL << 32)

/**
 * struct axvcpu_cap - argument of %AXVCPU_CHECK_CAP
 * @cap: in: one of the AXVCPU_CAP_* values.
 * @pad: must be zero.
 * @value: out: the capability's value.
 *
 * An unknown @cap fails with -EINVAL, which is how a VMM learns that the
 * module predates a capability.
 */
struct axvcpu_cap {
	__u32 cap;
	__u32 pad;
	__u64 value;
};

/* Flags for struct axvcpu_memory_region. */
#define AXVCPU_MEM_READONLY	(1U << 0)
#define AXVCPU_MEM_PINNED	(1U << 1)

/**
 * struct axvcpu_memory_region - argument of %AXVCPU_VM_SET_MEMORY_REGION
 * @slot: region slot, 0 .. %AXVCPU_CAP_MAX_MEM_REGIONS - 1.
 * @flags: %AXVCPU_MEM_READONLY makes guest writes exit with
 *	%AXVCPU_EXIT_NESTED_PAGE_FAULT. %AXVCPU_MEM_PINNED pins the backing
 *	pages and maps them all at once (see @userspace_addr).
 * @guest_phys_addr: guest-physical base, page aligned.
 * @size: bytes, a multiple of the page size; 0 deletes the slot.
 * @userspace_addr: page-aligned address of the backing memory in the
 *	process that created the VM: ordinary memory (anonymous, shared
 *	memory, hugetlbfs or file pages). The guest sees that memory as the
 *	process does, as KVM's guests do: a page is mapped for the guest at
 *	its first access, 2 MiB at once where the process maps a transparent
 *	or hugetlb huge page there, and unmapped again when the process's
 *	mapping changes (munmap, mremap, MADV_DONTNEED, a new mmap over it,
 *	swap-out, migration, copy-on-write), so the guest's next access sees
 *	the page the process sees then. With %AXVCPU_MEM_PINNED the pages
 *	present at the call are pinned until the region is deleted or
 *	replaced, or the VM is freed, and the guest keeps them whatever the
 *	process does to its mapping.
 *
 * Setting a slot that is in use replaces it; the new range may overlap only
 * the slot it replaces. Errors: -EINVAL (alignment, flags, slot out of
 * range, base + size overflows or exceeds the guest-physical address bits,
 * size over %AXVCPU_CAP_MAX_REGION_SIZE), -EEXIST (overlaps another slot),
 * -ENOENT (deleting an empty slot), -EFAULT or -ENOMEM (pinned: the backing
 * memory cannot be pinned). A guest access whose backing page cannot be
 * brought in exits with %AXVCPU_EXIT_MEMORY_FAULT.
 */
struct axvcpu_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 size;
	__u64 userspace_addr;
};

/*
 * vCPU states, as returned by AXVCPU_VCPU_GET_STATE (the seed's VCpuState
 * values). 5, the seed's Blocked, is not used: no path enters it.
 */
#define AXVCPU_STATE_INVALID	0
#define AXVCPU_STATE_CREATED	1
#define AXVCPU_STATE_FREE	2
#define AXVCPU_STATE_READY	3
#define AXVCPU_STATE_RUNNING	4

/**
 * struct axvcpu_vcpu_state - argument of %AXVCPU_VCPU_GET_STATE
 * @state: out: one of the AXVCPU_STATE_* values.
 * @pad: out: zero.
 */
struct axvcpu_vcpu_state {
	__u32 state;
	__u32 pad;
};

/**
 * struct axvcpu_regs - argument of %AXVCPU_VCPU_GET_REGS and _SET_REGS
 * @gprs: general-purpose registers. riscv64: x0..x31 (x0 reads as zero and
 *	writes to it are ignored); arm64: x0..x30, then sp in gprs[31];
 *	x86_64: rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15 in
 *	gprs[0..15], the rest zero.
 * @pc: program counter (riscv sepc of the guest, arm64 pc, x86 rip).
 * @flags: riscv64: zero; arm64: pstate; x86_64: rflags.
 */
struct axvcpu_regs {
	__u64 gprs[32];
	__u64 pc;
	__u64 flags;
};

/**
 * struct axvcpu_setup_riscv - riscv64 part of struct axvcpu_setup
 * @hartid: the guest hart id: put in a0 and reported by SBI HSM.
 * @arg: put in a1 (the device-tree address for a Linux guest).
 */
struct axvcpu_setup_riscv {
	__u64 hartid;
	__u64 arg;
};

/**
 * struct axvcpu_setup_arm64 - arm64 part of struct axvcpu_setup
 * @mpidr: the MPIDR_EL1 affinity the guest reads (Aff3..Aff0), also the
 *	target PSCI CPU_ON names.
 * @x: x0..x3 at entry (x0: the device-tree address for a Linux guest).
 *
 * The vCPU starts at EL1h with the MMU off and DAIF masked.
 */
struct axvcpu_setup_arm64 {
	__u64 mpidr;
	__u64 x[4];
};

/* Start modes of struct axvcpu_setup_x86. */
#define AXVCPU_X86_MODE_REAL16	1  /* real mode, CS = entry >> 4, IP = entry & 0xf */
#define AXVCPU_X86_MODE_PROT32	2  /* 32-bit flat protected mode, paging off */
#define AXVCPU_X86_MODE_LONG64	3  /* 64-bit mode on the VMM's page tables */

/**
 * struct axvcpu_setup_x86 - x86_64 part of struct axvcpu_setup
 * @mode: an AXVCPU_X86_MODE_* value.
 * @apic_id: the x2APIC id of the vCPU (the INIT/SIPI target).
 * @cr3: %AXVCPU_X86_MODE_LONG64: guest-physical address of the 4-level
 *	page tables the VMM built in guest memory; zero otherwise.
 * @rsi: rsi at entry (the boot_params address for a Linux guest).
 */
struct axvcpu_setup_x86 {
	__u32 mode;
	__u32 apic_id;
	__u64 cr3;
	__u64 rsi;
};

/*
 * Flags of struct axvcpu_setup (the ones a backend supports are in
 * %AXVCPU_CAP_SETUP_FLAGS; any other fails SETUP with -EINVAL).
 *
 * %AXVCPU_SETUP_KERNEL_HALT: the guest's halt (WFI; riscv64 also SBI HSM
 * retentive suspend) blocks the vCPU's thread inside %AXVCPU_VCPU_RUN
 * until an interrupt is deliverable to the guest (an injection or an
 * interrupt line, the guest's own timer, an in-kernel IPI) or a signal is
 * pending (RUN then fails with -EINTR, the halt completed). Without it,
 * the halt is an %AXVCPU_EXIT_HALT for the VMM.
 *
 * %AXVCPU_SETUP_KERNEL_IPI: riscv64: SBI IPI and RFENCE calls of this vCPU
 * are carried out in the module on the VM's vCPUs (by hart id), with no
 * exit; without it, an IPI is an %AXVCPU_EXIT_SEND_IPI and RFENCE is not
 * offered to the guest. arm64: its writes of ICC_SGI1R_EL1 make the SGI
 * pending on the vCPUs they name (by MPIDR), with no exit; without it,
 * each is an %AXVCPU_EXIT_SEND_IPI.
 */
#define AXVCPU_SETUP_KERNEL_HALT	(1U << 0)
#define AXVCPU_SETUP_KERNEL_IPI		(1U << 1)

/* Values of struct axvcpu_setup.arch: the AXVCPU_BACKEND_* of the host. */

/**
 * struct axvcpu_setup - argument of %AXVCPU_VCPU_SETUP
 * @arch: the AXVCPU_BACKEND_* value of this host's backend; any other
 *	value fails with -EINVAL, so a VMM cannot pass another arch's config.
 * @flags: AXVCPU_SETUP_* flags, among those %AXVCPU_CAP_SETUP_FLAGS lists.
 * @riscv: the riscv64 boot configuration.
 * @arm64: the arm64 boot configuration.
 * @x86: the x86_64 boot configuration.
 * @reserved: must be zero beyond the arch's part.
 *
 * Setup is the last step before a vCPU can run (Created -> Free): the
 * entry point must have been set with %AXVCPU_VCPU_SET_ENTRY, and the vCPU
 * is bound to its VM's stage-2 tables.
 */
struct axvcpu_setup {
	__u32 arch;
	__u32 flags;
	union {
		struct axvcpu_setup_riscv riscv;
		struct axvcpu_setup_arm64 arm64;
		struct axvcpu_setup_x86 x86;
		__u64 reserved[16];
	};
};

/**
 * struct axvcpu_interrupt - argument of %AXVCPU_VCPU_INJECT_INTERRUPT
 * @vector: riscv64: the guest's interrupt cause (1 supervisor software,
 *	5 supervisor timer, 9 supervisor external); arm64: the INTID;
 *	x86_64: the vector (32..255).
 * @flags: must be zero.
 */
struct axvcpu_interrupt {
	__u32 vector;
	__u32 flags;
};

/**
 * struct axvcpu_irq_line - argument of %AXVCPU_VCPU_IRQ_LINE
 * @vector: riscv64: 9, the supervisor external interrupt; arm64: a PPI or
 *	SPI INTID (16 .. 1019), not the virtual timer's (27).
 * @level: 1 asserts the line, 0 deasserts it.
 *
 * A level-triggered interrupt line into the vCPU, for a VMM's interrupt
 * controller model (a PLIC context's output, an SPI a GIC distributor
 * routes to the vCPU): the interrupt stays pending
 * for the guest while the line is asserted, however often the guest takes
 * it, and no longer once it is deasserted. It works from any thread, also
 * while the vCPU runs, and wakes a vCPU halted in the kernel. Independent
 * of %AXVCPU_VCPU_INJECT_INTERRUPT's edge-like injection of the same
 * cause.
 */
struct axvcpu_irq_line {
	__u32 vector;
	__u32 level;
};

/*
 * Register ids of %AXVCPU_VCPU_GET_ONE_REG and _SET_ONE_REG: the arch in
 * bits 63..56, a class in bits 23..16, an index in bits 15..0.
 *
 * riscv64: GPR(n) x0..x31 (x0 reads zero, writes are ignored); PC, the
 * guest's pc; CSR(n) the guest's supervisor CSR n as the guest sees it:
 * sstatus 0x100, sie 0x104, stvec 0x105, sscratch 0x140, sepc 0x141,
 * scause 0x142, stval 0x143, sip 0x144 (read-only: what is pending for
 * the guest), satp 0x180, stimecmp 0x14d (Sstc); MODE, the privilege the
 * guest runs at (1 supervisor, 0 user; read-only); FPR(n) f0..f31 and
 * FCSR (32), the guest's floating-point registers (64 bits each).
 */
#define AXVCPU_REG_ARCH_RISCV64		(3ULL << 56)
#define AXVCPU_REG_RISCV_GPR(n)		(AXVCPU_REG_ARCH_RISCV64 | (1ULL << 16) | (n))
#define AXVCPU_REG_RISCV_PC		(AXVCPU_REG_ARCH_RISCV64 | (1ULL << 16) | 32)
#define AXVCPU_REG_RISCV_CSR(n)		(AXVCPU_REG_ARCH_RISCV64 | (2ULL << 16) | (n))
#define AXVCPU_REG_RISCV_MODE		(AXVCPU_REG_ARCH_RISCV64 | (3ULL << 16))
#define AXVCPU_REG_RISCV_FPR(n)		(AXVCPU_REG_ARCH_RISCV64 | (4ULL << 16) | (n))
#define AXVCPU_REG_RISCV_FCSR		AXVCPU_REG_RISCV_FPR(32)

/**
 * struct axvcpu_one_reg - argument of %AXVCPU_VCPU_GET_ONE_REG and _SET_ONE_REG
 * @id: an AXVCPU_REG_* id of the host's arch.
 * @value: GET: out, the register's value; SET: in, the value to write.
 *
 * One register of a vCPU that is not running, as with KVM's ONE_REG,
 * for a VMM that needs more than struct axvcpu_regs (debugging a stuck
 * guest, resetting a CPU). An id the backend does not know fails with
 * -ENOENT, a write to a read-only register with -EPERM, a value the
 * register cannot hold with -EINVAL; a vCPU not yet set up (Created)
 * fails with -ENOEXEC.
 */
struct axvcpu_one_reg {
	__u64 id;
	__u64 value;
};

/* Exit reasons in struct axvcpu_run.exit_reason (the seed's AxVCpuExitReason). */
#define AXVCPU_EXIT_NOTHING		0
#define AXVCPU_EXIT_HYPERCALL		1
#define AXVCPU_EXIT_MMIO_READ		2
#define AXVCPU_EXIT_MMIO_WRITE		3
#define AXVCPU_EXIT_SYSREG_READ		4
#define AXVCPU_EXIT_SYSREG_WRITE	5
#define AXVCPU_EXIT_IO_READ		6
#define AXVCPU_EXIT_IO_WRITE		7
#define AXVCPU_EXIT_EXTERNAL_INTERRUPT	8
#define AXVCPU_EXIT_NESTED_PAGE_FAULT	9
#define AXVCPU_EXIT_HALT		10
#define AXVCPU_EXIT_CPU_UP		11
#define AXVCPU_EXIT_CPU_DOWN		12
#define AXVCPU_EXIT_SYSTEM_DOWN		13
#define AXVCPU_EXIT_FAIL_ENTRY		14
#define AXVCPU_EXIT_SEND_IPI		15
#define AXVCPU_EXIT_INTERNAL_ERROR	16
#define AXVCPU_EXIT_MEMORY_FAULT	17

/* Access flags of struct axvcpu_exit_npf and axvcpu_exit_memory_fault. */
#define AXVCPU_ACCESS_READ	(1U << 0)
#define AXVCPU_ACCESS_WRITE	(1U << 1)
#define AXVCPU_ACCESS_EXEC	(1U << 2)

/*
 * Suberrors of AXVCPU_EXIT_INTERNAL_ERROR. x86: UNKNOWN_EXIT has the VMX
 * exit reason in data[0] and its qualification in data[1]; MMIO_DECODE has
 * the instruction's first 8 bytes in data[0].
 */
#define AXVCPU_INTERNAL_UNKNOWN_EXIT	1 /* data[0]: arch exit code (arm64: ESR_EL2) */
#define AXVCPU_INTERNAL_MMIO_DECODE	2 /* data[0]: insn (arm64: ESR_EL2), data[1]: gpa */
#define AXVCPU_INTERNAL_INSN_FETCH	3 /* data[0]: guest pc */

/**
 * struct axvcpu_exit_hypercall - payload of %AXVCPU_EXIT_HYPERCALL
 * @nr: hypercall number. riscv64: a7, the SBI extension id; arm64: x0,
 *	the SMCCC function id; x86_64 (VMCALL): rax.
 * @args: arguments. riscv64: a0..a5; arm64: x1..x6; x86_64: rbx, rcx,
 *	rdx, rsi, rdi, r8.
 * @fid: riscv64: a6, the SBI function id; arm64: the HVC or SMC
 *	immediate; x86_64: zero.
 *
 * The guest's pc is past the calling instruction and its registers are
 * untouched. The result goes back with %AXVCPU_VCPU_SET_RETURN_VALUE,
 * which sets riscv64 a0, arm64 x0, x86_64 rax.
 */
struct axvcpu_exit_hypercall {
	__u64 nr;
	__u64 args[6];
	__u64 fid;
};

/**
 * struct axvcpu_exit_mmio - payload of %AXVCPU_EXIT_MMIO_READ and _WRITE
 * @addr: guest-physical address of the access.
 * @data: write: the value stored, zero-extended to 64 bits. Read: the VMM
 *	stores the value here before the next %AXVCPU_VCPU_RUN, which writes
 *	it to register @reg, truncated to @width bytes and then sign- or
 *	zero-extended to @reg_width bytes.
 * @width: access width in bytes: 1, 2, 4 or 8.
 * @reg: read: the destination general-purpose register (index as in
 *	struct axvcpu_regs; x86_64: ah..bh are 0..3 with @reg_width 1).
 * @reg_width: read: width of the destination register in bytes.
 * @signed_ext: read: 1 if the loaded value is sign-extended.
 *
 * On every arch the guest's pc is already past the load or store at the
 * exit; for a read, the destination register keeps its old value until
 * the next %AXVCPU_VCPU_RUN writes it.
 */
struct axvcpu_exit_mmio {
	__u64 addr;
	__u64 data;
	__u32 width;
	__u32 reg;
	__u32 reg_width;
	__u32 signed_ext;
};

/**
 * struct axvcpu_exit_sysreg - payload of %AXVCPU_EXIT_SYSREG_READ and _WRITE
 * @addr: the register: riscv64 CSR number; arm64 ESR ISS encoding; x86 MSR.
 * @value: write: the value written. Read: the VMM stores the value here
 *	before the next %AXVCPU_VCPU_RUN, which puts it in register @reg.
 * @reg: read: destination general-purpose register (x86_64: 0, the value
 *	goes to edx:eax).
 * @pad: zero.
 */
struct axvcpu_exit_sysreg {
	__u64 addr;
	__u64 value;
	__u32 reg;
	__u32 pad;
};

/**
 * struct axvcpu_exit_io - payload of %AXVCPU_EXIT_IO_READ and _WRITE (x86)
 * @port: I/O port.
 * @width: 1, 2 or 4 bytes.
 * @data: write: the value written. Read: the VMM stores the value here
 *	before the next %AXVCPU_VCPU_RUN (into AL, AX or EAX).
 */
struct axvcpu_exit_io {
	__u32 port;
	__u32 width;
	__u64 data;
};

/**
 * struct axvcpu_exit_npf - payload of %AXVCPU_EXIT_NESTED_PAGE_FAULT
 * @addr: guest-physical address of the access.
 * @access: AXVCPU_ACCESS_* flags of the access that faulted.
 * @pad: zero.
 *
 * A store to a read-only region (WRITE), a fetch outside every region
 * (EXEC), or an access of the guest's own page-table walk outside every
 * region (READ, or WRITE for an accessed/dirty update; @addr the
 * page-table entry's address), never an MMIO exit. The faulting
 * instruction has not executed; running again retries it.
 */
struct axvcpu_exit_npf {
	__u64 addr;
	__u32 access;
	__u32 pad;
};

/**
 * struct axvcpu_exit_cpu_up - payload of %AXVCPU_EXIT_CPU_UP
 * @target_cpu: riscv64: hart id; arm64: MPIDR affinity; x86: APIC id.
 * @entry_point: guest-physical entry point of the new CPU (x86: the
 *	STARTUP vector << 12).
 * @arg: riscv64: opaque (a1 of the new hart); arm64: context id (x0);
 *	x86: zero.
 *
 * The VMM starts the vCPU (set entry, setup, run). The caller's SBI or
 * PSCI status is success unless the VMM overrides it with
 * %AXVCPU_VCPU_SET_RETURN_VALUE. An x86 STARTUP IPI (an ICR write) has
 * no status: there that ioctl would only overwrite the caller's rax.
 */
struct axvcpu_exit_cpu_up {
	__u64 target_cpu;
	__u64 entry_point;
	__u64 arg;
};

/**
 * struct axvcpu_exit_system_down - payload of %AXVCPU_EXIT_SYSTEM_DOWN
 * @type: riscv64: SBI SRST reset type (0 shutdown, 1 cold reboot, 2 warm
 *	reboot), or 0 for the legacy shutdown call; arm64: 0 for PSCI
 *	SYSTEM_OFF, 1 for SYSTEM_RESET; x86: 1 (a reset) for a triple fault.
 * @reason: riscv64: SBI SRST reset reason; arm64 and x86: zero.
 */
struct axvcpu_exit_system_down {
	__u64 type;
	__u64 reason;
};

/**
 * struct axvcpu_exit_ipi - payload of %AXVCPU_EXIT_SEND_IPI
 * @target_cpu: riscv64: hart_mask_base; arm64: the MPIDR affinity of
 *	the first CPU of ICC_SGI1R_EL1's target list (Aff3.Aff2.Aff1 and
 *	16 * RS as Aff0); x86: the x2APIC ICR's destination APIC id.
 * @target_cpu_aux: riscv64: hart_mask (bit n is hart @target_cpu + n);
 *	arm64: the TargetList (bit n is Aff0 @target_cpu + n); x86: zero.
 * @send_to_all: 1 if every hart is targeted (riscv64: base is -1); arm64:
 *	IRM, every CPU but the sender; x86: the "all including self" and
 *	"all excluding self" shorthands.
 * @send_to_self: 1 if the sender is among the targets.
 * @vector: the interrupt to raise (riscv64: 1, supervisor software;
 *	arm64: the SGI INTID; x86: the ICR's vector).
 *
 * The riscv64 caller's SBI status is success unless the VMM overrides it
 * with %AXVCPU_VCPU_SET_RETURN_VALUE; the arm64 and x86 register writes
 * return no status.
 */
struct axvcpu_exit_ipi {
	__u64 target_cpu;
	__u64 target_cpu_aux;
	__u32 send_to_all;
	__u32 send_to_self;
	__u64 vector;
};

/**
 * struct axvcpu_exit_internal - payload of %AXVCPU_EXIT_INTERNAL_ERROR
 * @suberror: one of the AXVCPU_INTERNAL_* values.
 * @pad: zero.
 * @data: suberror-specific data.
 *
 * The module could not handle an exit and will not guess: the guest
 * instruction has not executed. Running again retries it.
 */
struct axvcpu_exit_internal {
	__u32 suberror;
	__u32 pad;
	__u64 data[4];
};

/**
 * struct axvcpu_exit_memory_fault - payload of %AXVCPU_EXIT_MEMORY_FAULT
 * @addr: guest-physical address of the access.
 * @access: AXVCPU_ACCESS_* flags of the access.
 * @error: positive errno: EFAULT (the process no longer maps ordinary
 *	memory with the needed access at the region's address: unmapped,
 *	PROT_NONE, a device mapping, past the end of a file), EHWPOISON (the
 *	page has a memory error), ENOMEM (out of memory).
 *
 * The access is inside a region, but the module could not bring in the
 * page behind it (KVM 6.12 fails KVM_RUN with EFAULT and fills its
 * memory_fault exit in that case). The instruction has not executed;
 * running again retries it, so a VMM may repair its mapping and run on.
 */
struct axvcpu_exit_memory_fault {
	__u64 addr;
	__u32 access;
	__s32 error;
};

/**
 * struct axvcpu_run - the run page, mmap()ed from a vCPU fd at offset 0
 * @exit_reason: out: AXVCPU_EXIT_* reason of the last %AXVCPU_VCPU_RUN.
 * @immediate_exit: in: if nonzero, %AXVCPU_VCPU_RUN completes a pending
 *	read exit and returns -EINTR without entering the guest.
 * @exits: out: all exits taken by this vCPU.
 * @kernel_exits: out: exits handled inside the module (reason Nothing).
 * @host_irq_exits: out: exits caused by host interrupts (x86: and host
 *	NMIs), which Linux handled (reason ExternalInterrupt, never
 *	returned).
 * @halts: out: halts the module waited out in the kernel
 *	(%AXVCPU_SETUP_KERNEL_HALT; counted in @kernel_exits too).
 *	These four are copies of the vCPU's own counters (its stats fd),
 *	rewritten at each count whatever the VMM wrote into them.
 * @reserved: zero.
 * @hypercall: payload of %AXVCPU_EXIT_HYPERCALL.
 * @mmio: payload of %AXVCPU_EXIT_MMIO_READ and %AXVCPU_EXIT_MMIO_WRITE.
 * @sysreg: payload of %AXVCPU_EXIT_SYSREG_READ and %AXVCPU_EXIT_SYSREG_WRITE.
 * @io: payload of %AXVCPU_EXIT_IO_READ and %AXVCPU_EXIT_IO_WRITE.
 * @npf: payload of %AXVCPU_EXIT_NESTED_PAGE_FAULT.
 * @cpu_up: payload of %AXVCPU_EXIT_CPU_UP.
 * @cpu_down_state: payload of %AXVCPU_EXIT_CPU_DOWN (reserved, zero).
 * @system_down: payload of %AXVCPU_EXIT_SYSTEM_DOWN.
 * @fail_entry_reason: payload of %AXVCPU_EXIT_FAIL_ENTRY: the hardware
 *	entry failure reason.
 * @ipi: payload of %AXVCPU_EXIT_SEND_IPI.
 * @internal: payload of %AXVCPU_EXIT_INTERNAL_ERROR.
 * @memory_fault: payload of %AXVCPU_EXIT_MEMORY_FAULT.
 * @padding: sizes the union.
 */
struct axvcpu_run {
	__u32 exit_reason;
	__u32 immediate_exit;
	__u64 exits;
	__u64 kernel_exits;
	__u64 host_irq_exits;
	__u64 halts;
	__u64 reserved[3];
	union {
		struct axvcpu_exit_hypercall hypercall;
		struct axvcpu_exit_mmio mmio;
		struct axvcpu_exit_sysreg sysreg;
		struct axvcpu_exit_io io;
		struct axvcpu_exit_npf npf;
		struct axvcpu_exit_cpu_up cpu_up;
		__u64 cpu_down_state;
		struct axvcpu_exit_system_down system_down;
		__u64 fail_entry_reason;
		struct axvcpu_exit_ipi ipi;
		struct axvcpu_exit_internal internal;
		struct axvcpu_exit_memory_fault memory_fault;
		__u64 padding[32];
	};
};

/**
 * DOC: Binary statistics
 *
 * %AXVCPU_VM_GET_STATS_FD on a VM fd and %AXVCPU_VCPU_GET_STATS_FD on a
 * vCPU fd return a new read-only fd (O_RDONLY | O_CLOEXEC) whose contents
 * are the object's counters in the layout of KVM's binary statistics
 * (KVM_GET_STATS_FD in Linux's Documentation/virt/kvm/api.rst): the
 * structures below are KVM's struct kvm_stats_header and struct
 * kvm_stats_desc field for field, and the flag values are KVM_STATS_*'s,
 * so a reader written for KVM's format reads these unchanged. At offset
 * 0, a struct axvcpu_stats_header; at @id_offset, an id string of
 * @name_size bytes ("axvcpu-<pid>" for a VM, "axvcpu-<pid>/vcpu-<id>"
 * for a vCPU, <pid> the process that created the VM); at @desc_offset,
 * @num_desc descriptors, each a struct axvcpu_stats_desc followed by its
 * name in @name_size bytes; at @data_offset, the values, each @size
 * __u64s at @data_offset + its @offset. Everything but the data is fixed
 * for the fd's lifetime: read it once, then pread() the data as often as
 * wanted (the fd has no seek; read() also works from the file position).
 * The counters are those the module keeps anyway, read without the
 * vCPU's mutex: reading never stalls a running vCPU, and values of one
 * read may be from slightly different moments. Each names in
 * Documentation/api.rst, "Statistics"; new counters may be added, so a
 * reader looks them up by name.
 */
#define AXVCPU_STATS_NAME_SIZE		48

#define AXVCPU_STATS_TYPE_SHIFT		0
#define AXVCPU_STATS_TYPE_MASK		(0xF << AXVCPU_STATS_TYPE_SHIFT)
#define AXVCPU_STATS_TYPE_CUMULATIVE	(0x0 << AXVCPU_STATS_TYPE_SHIFT)
#define AXVCPU_STATS_TYPE_INSTANT	(0x1 << AXVCPU_STATS_TYPE_SHIFT)
#define AXVCPU_STATS_TYPE_PEAK		(0x2 << AXVCPU_STATS_TYPE_SHIFT)

#define AXVCPU_STATS_UNIT_SHIFT		4
#define AXVCPU_STATS_UNIT_MASK		(0xF << AXVCPU_STATS_UNIT_SHIFT)
#define AXVCPU_STATS_UNIT_NONE		(0x0 << AXVCPU_STATS_UNIT_SHIFT)
#define AXVCPU_STATS_UNIT_BYTES		(0x1 << AXVCPU_STATS_UNIT_SHIFT)
#define AXVCPU_STATS_UNIT_SECONDS	(0x2 << AXVCPU_STATS_UNIT_SHIFT)
#define AXVCPU_STATS_UNIT_CYCLES	(0x3 << AXVCPU_STATS_UNIT_SHIFT)
#define AXVCPU_STATS_UNIT_BOOLEAN	(0x4 << AXVCPU_STATS_UNIT_SHIFT)

#define AXVCPU_STATS_BASE_SHIFT		8
#define AXVCPU_STATS_BASE_MASK		(0xF << AXVCPU_STATS_BASE_SHIFT)
#define AXVCPU_STATS_BASE_POW10		(0x0 << AXVCPU_STATS_BASE_SHIFT)
#define AXVCPU_STATS_BASE_POW2		(0x1 << AXVCPU_STATS_BASE_SHIFT)

/**
 * struct axvcpu_stats_header - at offset 0 of a stats fd
 * @flags: zero.
 * @name_size: bytes of the id string and of each descriptor's name
 *	(%AXVCPU_STATS_NAME_SIZE), NUL-padded.
 * @num_desc: number of descriptors.
 * @id_offset: offset of the id string.
 * @desc_offset: offset of the first descriptor.
 * @data_offset: offset of the values.
 */
struct axvcpu_stats_header {
	__u32 flags;
	__u32 name_size;
	__u32 num_desc;
	__u32 id_offset;
	__u32 desc_offset;
	__u32 data_offset;
};

/**
 * struct axvcpu_stats_desc - one counter of a stats fd
 * @flags: AXVCPU_STATS_TYPE_*, AXVCPU_STATS_UNIT_* and
 *	AXVCPU_STATS_BASE_* values.
 * @exponent: the value times base^@exponent is in the unit (nanoseconds:
 *	%AXVCPU_STATS_UNIT_SECONDS, base 10, exponent -9).
 * @size: number of __u64 values (1 for every counter today).
 * @offset: offset of the values from @data_offset.
 * @bucket_size: zero (no histograms).
 * @name: the counter's name, @name_size bytes (follows the structure).
 */
struct axvcpu_stats_desc {
	__u32 flags;
	__s16 exponent;
	__u16 size;
	__u32 offset;
	__u32 bucket_size;
	char name[];
};

/* System fd (/dev/axvcpu). */
#define AXVCPU_CHECK_CAP	_IOWR(AXVCPU_IOCTL_MAGIC, 0x00, struct axvcpu_cap)
#define AXVCPU_CREATE_VM	_IO(AXVCPU_IOCTL_MAGIC, 0x01)

/* VM fd. */
#define AXVCPU_VM_SET_MEMORY_REGION \
	_IOW(AXVCPU_IOCTL_MAGIC, 0x10, struct axvcpu_memory_region)
#define AXVCPU_VM_CREATE_VCPU	_IO(AXVCPU_IOCTL_MAGIC, 0x11)
#define AXVCPU_VM_GET_STATS_FD	_IO(AXVCPU_IOCTL_MAGIC, 0x12)

/* vCPU fd. */
#define AXVCPU_VCPU_SET_ENTRY	_IOW(AXVCPU_IOCTL_MAGIC, 0x20, __u64)
#define AXVCPU_VCPU_SETUP	_IOW(AXVCPU_IOCTL_MAGIC, 0x21, struct axvcpu_setup)
#define AXVCPU_VCPU_GET_REGS	_IOR(AXVCPU_IOCTL_MAGIC, 0x22, struct axvcpu_regs)
#define AXVCPU_VCPU_SET_REGS	_IOW(AXVCPU_IOCTL_MAGIC, 0x23, struct axvcpu_regs)
#define AXVCPU_VCPU_INJECT_INTERRUPT \
	_IOW(AXVCPU_IOCTL_MAGIC, 0x24, struct axvcpu_interrupt)
/* The guest call's result: riscv64 a0, arm64 x0, x86_64 rax. */
#define AXVCPU_VCPU_SET_RETURN_VALUE _IOW(AXVCPU_IOCTL_MAGIC, 0x25, __u64)
#define AXVCPU_VCPU_GET_STATE	_IOR(AXVCPU_IOCTL_MAGIC, 0x26, struct axvcpu_vcpu_state)
#define AXVCPU_VCPU_RUN		_IO(AXVCPU_IOCTL_MAGIC, 0x27)
#define AXVCPU_VCPU_IRQ_LINE	_IOW(AXVCPU_IOCTL_MAGIC, 0x28, struct axvcpu_irq_line)
#define AXVCPU_VCPU_GET_ONE_REG	_IOWR(AXVCPU_IOCTL_MAGIC, 0x29, struct axvcpu_one_reg)
#define AXVCPU_VCPU_SET_ONE_REG	_IOW(AXVCPU_IOCTL_MAGIC, 0x2a, struct axvcpu_one_reg)
#define AXVCPU_VCPU_GET_STATS_FD _IO(AXVCPU_IOCTL_MAGIC, 0x2b)

#endif /* _UAPI_LINUX_AXVCPU_H */
