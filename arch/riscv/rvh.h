/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The riscv64 H-extension backend: internal types.
 */
#ifndef _AXVCPU_RISCV_RVH_H
#define _AXVCPU_RISCV_RVH_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/ptrace.h>

#include "axvcpu.h"
#include "layout.h"

/* ------------------------------------------- pure logic (KUnit on UML) */

/* Sv39/Sv48/Sv57 and their G-stage x4 forms share these entry bits. */
#define RVH_PTE_V		BIT(0)
#define RVH_PTE_R		BIT(1)
#define RVH_PTE_W		BIT(2)
#define RVH_PTE_X		BIT(3)
#define RVH_PTE_U		BIT(4)
#define RVH_PTE_A		BIT(6)
#define RVH_PTE_D		BIT(7)
#define RVH_PTE_PPN_SHIFT	10
#define RVH_PTE_PPN_MASK	GENMASK_ULL(53, 10)

extern const struct axvcpu_s2_format axvcpu_riscv_sv39x4;

/**
 * struct rvh_mmio_insn - a decoded guest load or store
 * @len: instruction length in bytes (2 or 4).
 * @store: true for a store.
 * @width: access width in bytes.
 * @reg: destination (load) or source (store) register, x0..x31.
 * @sign: a load that sign-extends.
 */
struct rvh_mmio_insn {
	unsigned int len;
	bool store;
	unsigned int width;
	unsigned int reg;
	bool sign;
};

int axvcpu_riscv_decode_mmio(u32 insn, struct rvh_mmio_insn *mi);

/**
 * struct rvh_csr_insn - a decoded CSR instruction
 * @csr: CSR number.
 * @rd: destination register.
 * @rs1: source register, or the immediate for the I forms.
 * @op: 1 write (CSRRW), 2 set (CSRRS), 3 clear (CSRRC).
 * @imm: the I form (rs1 is zimm).
 */
struct rvh_csr_insn {
	unsigned int csr;
	unsigned int rd;
	unsigned int rs1;
	unsigned int op;
	bool imm;
};

#define RVH_INSN_WFI	0x10500073U

int axvcpu_riscv_decode_csr(u32 insn, struct rvh_csr_insn *ci);

/**
 * typedef rvh_read_fn - read a u64 from guest-physical memory
 * @ctx: caller's context.
 * @gpa: guest-physical address, 8-byte aligned.
 * @val: out: the value.
 *
 * Return: 0 or -EFAULT.
 */
typedef int (*rvh_read_fn)(void *ctx, u64 gpa, u64 *val);

int axvcpu_riscv_gva_to_gpa(u64 vsatp, u64 gva, rvh_read_fn read, void *ctx,
			    u64 *gpa);

/* -------------------------------------------------------------- vCPU */

/* The guest's register file as the world switch sees it (layout.h). */
struct rvh_context {
	unsigned long x[32];
	unsigned long sepc;
	unsigned long sstatus;
	unsigned long hstatus;
};

struct rvh_switch {
	struct rvh_context guest;
	unsigned long host_x[32];
	unsigned long host_sstatus;
	unsigned long host_hstatus;
	unsigned long host_stvec;
	unsigned long host_sscratch;
	unsigned long scause;
	unsigned long stval;
	unsigned long htval;
	unsigned long htinst;
};

/* VS-level CSRs: in hardware while the vCPU is bound, here otherwise. */
struct rvh_vs_csrs {
	unsigned long vsstatus;
	unsigned long vstvec;
	unsigned long vsscratch;
	unsigned long vsepc;
	unsigned long vscause;
	unsigned long vstval;
	unsigned long vsatp;
	unsigned long vstimecmp;
};

/* The F and D registers, as fp_switch.S saves them. */
struct rvh_fp {
	u64 f[32];
	u64 fcsr;
};

/* Requests to a vCPU, done before its next guest entry. */
#define RVH_REQ_FLUSH	0	/* fence.i and hfence.vvma (SBI RFENCE) */

/**
 * struct rvh_vcpu - the riscv arch vCPU
 * @sw: world-switch area (guest registers, host registers, trap).
 * @csr: VS CSRs while unbound.
 * @hie_vs: the guest's interrupt enables (vsie), as the VS bits of hie.
 * @hvip: injected interrupts currently asserted (hvip bits).
 * @pending: injected interrupts not yet asserted; set from any thread.
 * @saved_vscause: the guest's vscause while a sentinel probes delivery.
 * @guest_vstvec: the guest's vstvec while the delivery trap is armed.
 * @tvec_armed: the last entry ran with the delivery trap in vstvec.
 * @hartid: hart id from setup.
 * @csr_rmw: a read-modify-write CSR access waits for its write exit.
 * @csr_rmw_src: the rs1/zimm operand captured at the trap.
 * @csr_ci: the decoded CSR instruction of @csr_rmw.
 * @irq_lines: level interrupt lines asserted (hvip bits); any thread.
 * @requests: RVH_REQ_* bits; set from any thread, then a kick.
 * @guest_fp: the guest's FP registers while not loaded.
 * @host_fp: the host's FP registers while the guest's are loaded.
 * @fp_loaded: the guest's FP registers are in the hardware (fp.c).
 * @guest_v: the guest's vector registers and CSRs while not loaded; its
 *	datap holds riscv_v_vsize bytes (allocated only with vector).
 * @host_v: the host's, while the guest's are loaded.
 * @v_loaded: the guest's vector state is in the hardware (fp.c).
 * @hsm_stopped: SBI HSM: the hart stopped itself (HART_STOP) and has not
 *	run since.
 * @start_pending: SBI HSM: another hart started this one; its next entry
 *	resets it to @start_entry, @start_arg (written before, released).
 * @start_entry: the start address of that HART_START.
 * @start_arg: its opaque argument (a1).
 */
struct rvh_vcpu {
	struct rvh_switch sw;
	struct rvh_vs_csrs csr;
	unsigned long hie_vs;
	unsigned long hvip;
	unsigned long pending;
	unsigned long saved_vscause;
	unsigned long guest_vstvec;
	unsigned long hartid;
	bool tvec_armed;
	bool csr_rmw;
	unsigned long csr_rmw_src;
	struct rvh_csr_insn csr_ci;
	unsigned long irq_lines;
	unsigned long requests;
	struct rvh_fp guest_fp;
	struct rvh_fp host_fp;
	bool fp_loaded;
#ifdef CONFIG_RISCV	/* not in the KUnit build on UML */
	struct __riscv_v_ext_state guest_v;
	struct __riscv_v_ext_state host_v;
#endif
	bool v_loaded;
	bool hsm_stopped;
	bool start_pending;
	unsigned long start_entry;
	unsigned long start_arg;
};

/**
 * struct rvh_vm - the riscv VM
 * @hgatp: its G-stage root and mode, VMID 0, as every vCPU loads it.
 */
struct rvh_vm {
	unsigned long hgatp;
};

static inline struct rvh_vcpu *to_rvh(struct axvcpu_vcpu *vcpu)
{
	return vcpu->arch;
}

/* The VS-level interrupts, delegated to the guest while it runs. */
#define RVH_HIDELEG	(BIT(IRQ_VS_SOFT) | BIT(IRQ_VS_TIMER) | BIT(IRQ_VS_EXT))

extern bool axvcpu_riscv_has_sstc;
extern bool axvcpu_riscv_vmid0_shared;
extern bool axvcpu_riscv_has_fp;
extern bool axvcpu_riscv_has_v;
extern const struct axvcpu_arch_ops axvcpu_riscv_ops;

int axvcpu_riscv_vm_init(struct axvcpu_vm *vm);
void axvcpu_riscv_vm_flush_s2(struct axvcpu_vm *vm);

void __axvcpu_riscv_switch_to(struct rvh_switch *sw);
void axvcpu_riscv_unpriv_trap(void);
u32 __axvcpu_riscv_fetch_insn(unsigned long *scause, unsigned long pc);

/*
 * Injected timer and external interrupts are edge-like: asserted in hvip
 * until the guest takes one (vcpu.c, "delivery trap").
 */
#define RVH_EDGE_IRQS	(BIT(IRQ_VS_TIMER) | BIT(IRQ_VS_EXT))

/*
 * The delivery trap's vstvec: no guest can fetch there (not canonical in
 * Sv39/48/57, beyond every Sv*x4 guest-physical space), so a trap into
 * the guest lands in HS-mode, at this address plus 4 * cause for a
 * vectored interrupt.
 */
#define RVH_DELIVERY_TVEC	BIT(62)
#define RVH_DELIVERY_SPAN	(4 * BITS_PER_LONG)

int axvcpu_riscv_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run);
bool axvcpu_riscv_delivery_trap(struct rvh_vcpu *rv);
void axvcpu_riscv_ack_timer(struct axvcpu_vcpu *vcpu);
int axvcpu_riscv_sbi_ecall(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run);
unsigned long axvcpu_riscv_pending(struct rvh_vcpu *rv, unsigned long vstimecmp);
bool axvcpu_riscv_irq_pending(struct axvcpu_vcpu *vcpu);
int axvcpu_riscv_inject(struct axvcpu_vcpu *vcpu, u32 vector);
struct axvcpu_vcpu *axvcpu_riscv_find_hart(struct axvcpu_vm *vm,
					   unsigned long hartid);

/* Guest FP and vector registers, switched lazily (fp.c, fp_switch.S). */
void __axvcpu_riscv_fp_save(struct rvh_fp *fp);
void __axvcpu_riscv_fp_restore(const struct rvh_fp *fp);
bool axvcpu_riscv_fp_trap(struct rvh_vcpu *rv);
void axvcpu_riscv_fp_put(struct rvh_vcpu *rv);
int axvcpu_riscv_fp_create(struct rvh_vcpu *rv);
void axvcpu_riscv_fp_destroy(struct rvh_vcpu *rv);

/* ONE_REG (regs.c). */
int axvcpu_riscv_get_one_reg(struct axvcpu_vcpu *vcpu, u64 id, u64 *val);
int axvcpu_riscv_set_one_reg(struct axvcpu_vcpu *vcpu, u64 id, u64 val);

#endif /* _AXVCPU_RISCV_RVH_H */
