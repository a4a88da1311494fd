/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 backend (EL2 with VHE): internal types. The pure-logic part
 * (stage-2 format, ESR decoding) builds on UML for KUnit.
 */
#ifndef _AXVCPU_ARM64_VHE_H
#define _AXVCPU_ARM64_VHE_H

#include <linux/bits.h>
#include <linux/types.h>

#include "axvcpu.h"
#include "layout.h"

/* ------------------------------------------- pure logic (KUnit on UML) */

/*
 * Stage-2 descriptors, 4 KiB granule (Arm ARM D8.3): a 40-bit IPA space
 * walked from level 1 with two concatenated level-1 tables.
 */
#define VHE_S2_VALID		BIT(0)
#define VHE_S2_TABLE		BIT(1)	/* table (levels 1, 2) or page (3) */
#define VHE_S2_MEMATTR_NORMAL	(0xfULL << 2)	/* Normal, inner/outer WB */
#define VHE_S2_S2AP_R		BIT(6)
#define VHE_S2_S2AP_W		BIT(7)
#define VHE_S2_SH_INNER		(3ULL << 8)
#define VHE_S2_AF		BIT(10)
#define VHE_S2_XN		BIT_ULL(54)
#define VHE_S2_ADDR_MASK	GENMASK_ULL(47, 12)
#define VHE_IPA_BITS		40

extern const struct axvcpu_s2_format axvcpu_arm64_s2_4k;

/* Exception classes of ESR_EL2 that the backend handles. */
#define VHE_EC_WFX		0x01
#define VHE_EC_HVC64		0x16
#define VHE_EC_SMC64		0x17
#define VHE_EC_SYS64		0x18
#define VHE_EC_IABT_LOW		0x20
#define VHE_EC_DABT_LOW		0x24

/**
 * struct vhe_dabt - a decoded data abort syndrome (ESR_EL2.ISS, EC 0x24)
 * @valid: ISV: the syndrome describes the access; otherwise it does not.
 * @write: WnR.
 * @width: access width in bytes (SAS).
 * @reg: the transfer register, x0..x30 (SRT; 31 is xzr).
 * @sign: SSE: the load sign-extends.
 * @reg64: SF: the register is 64 bits wide (else 32).
 * @s1ptw: the fault is on the guest's own stage-1 table walk.
 */
struct vhe_dabt {
	bool valid;
	bool write;
	unsigned int width;
	unsigned int reg;
	bool sign;
	bool reg64;
	bool s1ptw;
};

void axvcpu_arm64_decode_dabt(u64 esr, struct vhe_dabt *d);

/**
 * struct vhe_sysreg - a decoded trapped MSR/MRS (ESR_EL2.ISS, EC 0x18)
 * @addr: the register as the seed names it: the ISS with Rt and the
 *	direction bit cleared (Op0, Op2, Op1, CRn, CRm).
 * @reg: Rt.
 * @read: MRS (a read of the register).
 */
struct vhe_sysreg {
	u32 addr;
	unsigned int reg;
	bool read;
};

void axvcpu_arm64_decode_sysreg(u64 esr, struct vhe_sysreg *s);
u64 axvcpu_arm64_fault_ipa(u64 hpfar, u64 far);
u64 axvcpu_arm64_sgi1r_base(u64 sgi1r);
bool axvcpu_arm64_sgi1r_targets(u64 sgi1r, u64 mpidr);
bool axvcpu_arm64_id_reg(u32 addr, unsigned int *crm, unsigned int *op2);
bool axvcpu_arm64_id_known(unsigned int crm, unsigned int op2);
u64 axvcpu_arm64_id_sanitise(unsigned int crm, unsigned int op2, u64 val);

/* --------------------------------------------------------------- vCPU */

/*
 * GIC virtual CPU interface: the list registers used (of the up to 16
 * ICH_VTR_EL2 reports) and the INTIDs that can be injected (SGI, PPI, SPI).
 */
#define VHE_MAX_LRS		4
#define VHE_NR_INTIDS		1020
#define VHE_VTIMER_INTID	27	/* the EL1 virtual timer's PPI */
#define VHE_IRQ_PRIORITY	0xa0

/**
 * struct vhe_switch - what switch.S saves and loads (offsets in layout.h)
 * @x: guest x0..x30.
 * @sp_el0: guest SP_EL0.
 * @pc: guest pc (ELR_EL2).
 * @pstate: guest PSTATE (SPSR_EL2).
 * @host_x: host x18..x30.
 * @host_sp_el0: host SP_EL0 (current).
 * @host_vbar: host VBAR_EL2.
 * @host_daif: host DAIF.
 * @esr: ESR_EL2 of the last exit.
 * @far: FAR_EL2 of the last exit.
 * @hpfar: HPFAR_EL2 of the last exit.
 */
struct vhe_switch {
	u64 x[31];
	u64 sp_el0;
	u64 pc;
	u64 pstate;
	u64 host_x[13];
	u64 host_sp_el0;
	u64 host_vbar;
	u64 host_daif;
	u64 esr;
	u64 far;
	u64 hpfar;
};

/**
 * struct vhe_fpsimd - FP/SIMD registers (layout.h: VHE_FP_*)
 * @v: v0..v31.
 * @fpsr: FPSR.
 * @fpcr: FPCR.
 */
struct vhe_fpsimd {
	__uint128_t v[32];
	u64 fpsr;
	u64 fpcr;
};

/* Guest EL1/EL0 system registers kept in the CPU while the vCPU is bound. */
enum vhe_sysreg_idx {
	VHE_SCTLR, VHE_CPACR, VHE_TTBR0, VHE_TTBR1, VHE_TCR, VHE_ESR,
	VHE_AFSR0, VHE_AFSR1, VHE_FAR, VHE_MAIR, VHE_AMAIR, VHE_VBAR,
	VHE_CONTEXTIDR, VHE_CNTKCTL, VHE_ELR, VHE_SPSR, VHE_SP_EL1,
	VHE_TPIDR_EL1, VHE_PAR, VHE_CSSELR, VHE_TPIDR_EL0, VHE_TPIDRRO_EL0,
	VHE_CNTV_CVAL, VHE_CNTV_CTL, VHE_NR_SYSREGS
};

/**
 * struct vhe_vgic - the guest's GIC virtual CPU interface state
 * @lr: list registers, as last written or read back.
 * @vmcr: ICH_VMCR_EL2.
 * @ap0r: ICH_AP0R<n>_EL2.
 * @ap1r: ICH_AP1R<n>_EL2.
 * @pending: INTIDs injected and not yet in a list register (atomic bits).
 * @lines: level lines asserted (AXVCPU_VCPU_IRQ_LINE; atomic bits).
 * @level: INTIDs ever driven as a line: pending only while asserted.
 */
struct vhe_vgic {
	u64 lr[VHE_MAX_LRS];
	u64 vmcr;
	u64 ap0r[4];
	u64 ap1r[4];
	unsigned long pending[BITS_TO_LONGS(VHE_NR_INTIDS)];
	unsigned long lines[BITS_TO_LONGS(VHE_NR_INTIDS)];
	unsigned long level[BITS_TO_LONGS(VHE_NR_INTIDS)];
};

/**
 * struct vhe_vcpu - the arm64 part of a vCPU
 * @sw: the world-switch area; first, for the assembly.
 * @sys: guest system registers while unbound.
 * @host_tpidr: host TPIDR_EL0 and TPIDRRO_EL0 while bound.
 * @vgic: interrupt state.
 * @fp: guest FP/SIMD registers.
 * @host_fp: host FP/SIMD registers during an entry.
 * @fp_enabled: the guest used FP/SIMD: switch it on every entry.
 * @mpidr: MPIDR_EL1 the guest reads (VMPIDR_EL2).
 * @exit_code: VHE_EXIT_* of the last entry.
 * @powered_on: has run and not executed PSCI CPU_OFF (AFFINITY_INFO).
 */
struct vhe_vcpu {
	struct vhe_switch sw;
	u64 sys[VHE_NR_SYSREGS];
	u64 host_tpidr[2];
	struct vhe_vgic vgic;
	struct vhe_fpsimd fp;
	struct vhe_fpsimd host_fp;
	bool fp_enabled;
	u64 mpidr;
	unsigned int exit_code;
	bool powered_on;
};

static inline struct vhe_vcpu *to_vhe(struct axvcpu_vcpu *vcpu)
{
	return vcpu->arch;
}

/**
 * struct vhe_vm - the arm64 part of a VM
 * @vttbr: VTTBR_EL2 of its vCPUs: the stage-2 root and VMID 0, which every
 *	VM of axvcpu uses (arm64.rst, "VMIDs and TLBs").
 * @cntvoff: CNTVOFF_EL2 of its vCPUs: the host's count at VM creation.
 */
struct vhe_vm {
	u64 vttbr;
	u64 cntvoff;
};

/*
 * HCR_EL2 while the guest runs: stage 2 on; physical IRQ/FIQ/SError to
 * EL2 and the guest's ICC_* to the virtual interface; WFI, SMC, ACTLR_EL1,
 * IMPLEMENTATION DEFINED registers and LORegions trapped; barriers and
 * TLB/cache maintenance upgraded to inner shareable; the guest's stage-1
 * walks must not touch device memory; EL1 is AArch64; the ID registers
 * trapped (TID3), so that the guest reads only what is virtualised
 * (axvcpu_arm64_id_sanitise()); E2H stays set. With RAS, TERR too
 * (axvcpu_vhe_guest_hcr, main.c).
 * API/APK clear: pointer authentication traps (UNDEF in the guest), so the
 * host's keys never need switching.
 */
#define VHE_GUEST_HCR	(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | \
			 HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TSC | \
			 HCR_TIDCP | HCR_TACR | HCR_RW | HCR_TLOR | HCR_TID3 | \
			 HCR_E2H)

extern u64 axvcpu_vhe_host_vbar;
extern unsigned int axvcpu_vhe_nr_lrs;
extern unsigned int axvcpu_vhe_nr_aprs;
extern u64 axvcpu_vhe_vtcr;
extern u64 axvcpu_vhe_guest_hcr;
extern int axvcpu_vhe_vtimer_irq;
extern const struct axvcpu_arch_ops axvcpu_arm64_ops;

u64 __axvcpu_vhe_run(struct vhe_switch *sw);
void __axvcpu_vhe_fp_save(struct vhe_fpsimd *fp);
void __axvcpu_vhe_fp_load(const struct vhe_fpsimd *fp);
void axvcpu_vhe_bad_vector(u64 esr, u64 elr);

int axvcpu_arm64_vm_init(struct axvcpu_vm *vm);
void axvcpu_arm64_vm_flush_s2(struct axvcpu_vm *vm);
void axvcpu_arm64_flush_vmid_local(u64 vttbr);

int axvcpu_arm64_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run);
int axvcpu_arm64_hvc(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		     unsigned int imm);

void axvcpu_vgic_flush(struct vhe_vcpu *vv);
void axvcpu_vgic_sync(struct vhe_vcpu *vv);
void axvcpu_vgic_load(struct vhe_vcpu *vv);
void axvcpu_vgic_put(struct vhe_vcpu *vv);
bool axvcpu_vgic_irq_pending(struct vhe_vcpu *vv);
int axvcpu_vgic_line(struct vhe_vcpu *vv, u32 intid, bool level);
void axvcpu_vgic_send_sgi(struct axvcpu_vcpu *vcpu, u64 sgi1r);

#endif /* _AXVCPU_ARM64_VHE_H */
