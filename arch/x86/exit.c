// SPDX-License-Identifier: GPL-2.0
/*
 * x86 exit handling: one switch on the basic exit reason (Intel SDM vol.
 * 3, appendix C). Runs with interrupts and preemption enabled; the
 * preempt notifier keeps the VMCS current on whatever CPU this thread
 * runs, so it is read and written directly.
 *
 * In the kernel: CPUID, CR0/CR3/CR4/CR8 writes, XSETBV, the MSRs the
 * VMCS switches (EFER, FS/GS/KERNEL_GS base, SYSENTER, PAT), INIT, and
 * anything a guest must not do to the host (VMX instructions, INVD,
 * MONITOR/MWAIT, RDPMC: an exception for the guest). Everything else
 * becomes an exit for the VMM.
 */
#include <linux/mutex.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/fpu/types.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "vmcs.h"
#include "pgtable.h"
#include "vmx.h"

/* Access-rights bits of CS (SDM 25.4.1). */
#define VMX_AR_L	BIT(13)
#define VMX_AR_DB	BIT(14)

/* The x2APIC interrupt command register (Intel SDM vol. 3, 11.12.9). */
#define X2APIC_ICR	0x830
#define VMX_EXIT_GETSEC	11	/* not named by 6.1's asm/vmx.h */
#define ICR_INIT	5
#define ICR_STARTUP	6

/* Hypervisor CPUID leaves: 0x40000000 names the hypervisor. */
#define CPUID_HV_BASE	0x40000000
#define CPUID_HV_SIG	"AxVCpuAxVCpu"
/* CPUID(7, 0).ECX: protection keys, and enabled by the OS (CR4.PKE). */
#define CPUID_7_ECX_PKU		BIT(3)
#define CPUID_7_ECX_OSPKE	BIT(4)

/* The instruction of @len bytes completed here instead of in the guest. */
static void skip_len(unsigned int len)
{
	vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + len);
	/* No STI/MOV SS shadow past it; a single step traps after it. */
	vmcs_clear_bits(GUEST_INTERRUPTIBILITY_INFO,
			GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	if (vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_TF)
		vmcs_set_bits(GUEST_PENDING_DBG_EXCEPTIONS, DR_STEP);
}

static void skip_insn(void)
{
	skip_len(vmcs_read(VM_EXIT_INSTRUCTION_LEN));
}

static u64 get_gpr(struct vmx_vcpu *vx, unsigned int reg)
{
	return reg == VMX_REG_RSP ? vmcs_read(GUEST_RSP) : vx->gpr[reg];
}

static void set_gpr(struct vmx_vcpu *vx, unsigned int reg, u64 val)
{
	if (reg == VMX_REG_RSP)
		vmcs_write(GUEST_RSP, val);
	else
		vx->gpr[reg] = val;
}

/* Make the guest take exception @vector on the instruction that exited. */
static int inject_exception(struct vmx_vcpu *vx, unsigned int vector,
			    bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* Real mode pushes no error code (SDM 27.2.1.3). */
	if (has_error && (vx->cr0 & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
	return AXVCPU_EXIT_NOTHING;
}

static int inject_gp(struct vmx_vcpu *vx)
{
	return inject_exception(vx, X86_TRAP_GP, true, 0);
}

static int inject_ud(struct vmx_vcpu *vx)
{
	return inject_exception(vx, X86_TRAP_UD, false, 0);
}

static bool is_long_mode(struct vmx_vcpu *vx)
{
	return vx->efer & EFER_LMA;
}

/* ------------------------------------------------- control registers */

static void update_ia32e(struct vmx_vcpu *vx)
{
	vmcs_write(GUEST_IA32_EFER, vx->efer);
	if (is_long_mode(vx))
		vmcs_set_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
	else
		vmcs_clear_bits(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE);
}

/* PAE paging outside long mode takes its PDPTEs from the VMCS with EPT. */
static void load_pdptrs(struct axvcpu_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u64 pdpte[4] = {};
	unsigned int i;

	if (!(vx->cr0 & X86_CR0_PG) || !(vx->cr4 & X86_CR4_PAE) ||
	    is_long_mode(vx))
		return;
	axvcpu_vm_read_guest(vcpu->vm, vmcs_read(GUEST_CR3) & 0xffffffe0,
			     pdpte, sizeof(pdpte));
	for (i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

/**
 * axvcpu_vmx_set_cr0() - a guest write to CR0
 * @vx: the vCPU, bound.
 * @val: the value.
 *
 * Return: 0, or -EINVAL if the write raises #GP (SDM vol. 3, 2.5 and
 * 10.8.5 for entering and leaving IA-32e mode).
 */
int axvcpu_vmx_set_cr0(struct vmx_vcpu *vx, u64 val)
{
	const struct vmx_caps *c = &axvcpu_vmx_caps;

	if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return -EINVAL;
	if ((val & X86_CR0_PG) && !(vx->cr0 & X86_CR0_PG) &&
	    (vx->efer & EFER_LME)) {
		if (!(vx->cr4 & X86_CR4_PAE))
			return -EINVAL;
		vx->efer |= EFER_LMA;
	} else if (!(val & X86_CR0_PG) && is_long_mode(vx)) {
		vx->efer &= ~EFER_LMA;
	}
	vx->cr0 = val;
	vmcs_write(CR0_READ_SHADOW, val);
	/* Caching stays on underneath: EPT leaves force write-back anyway. */
	vmcs_write(GUEST_CR0, ((val & ~(X86_CR0_CD | X86_CR0_NW)) |
			       c->cr0_fixed0) & c->cr0_fixed1);
	update_ia32e(vx);
	return 0;
}

/**
 * axvcpu_vmx_set_cr4() - a guest write to CR4
 * @vx: the vCPU, bound.
 * @val: the value.
 *
 * Return: 0, or -EINVAL if the write raises #GP: a bit the CPU does not
 * allow in VMX operation, PKE where the host has no protection keys
 * (read_caps()), VMXE (no nested VMX), or PAE cleared in long mode.
 */
int axvcpu_vmx_set_cr4(struct vmx_vcpu *vx, u64 val)
{
	const struct vmx_caps *c = &axvcpu_vmx_caps;

	if ((val & ~c->cr4_fixed1) || (val & X86_CR4_VMXE) ||
	    (is_long_mode(vx) && !(val & X86_CR4_PAE)))
		return -EINVAL;
	vx->cr4 = val;
	vmcs_write(CR4_READ_SHADOW, val);
	vmcs_write(GUEST_CR4, (val | c->cr4_fixed0) & c->cr4_fixed1);
	return 0;
}

static int cr_access(struct axvcpu_vcpu *vcpu, struct vmx_vcpu *vx)
{
	u64 q = vx->exit_qual, val;
	unsigned int cr = q & 15, reg = (q >> 8) & 15;
	int r = 0;

	switch ((q >> 4) & 3) {
	case 0:		/* MOV to CR */
		val = get_gpr(vx, reg);
		if (cr == 0)
			r = axvcpu_vmx_set_cr0(vx, val);
		else if (cr == 4)
			r = axvcpu_vmx_set_cr4(vx, val);
		else if (cr == 3)	/* bit 63: PCID no-flush, not kept */
			vmcs_write(GUEST_CR3, val & ~BIT_ULL(63));
		else if (cr == 8 && !(val >> 4))
			vx->cr8 = val;
		else
			r = -EINVAL;
		break;
	case 1:		/* MOV from CR (CR3 and CR8 only exit) */
		set_gpr(vx, reg, cr == 3 ? vmcs_read(GUEST_CR3) : vx->cr8);
		break;
	case 2:		/* CLTS */
		r = axvcpu_vmx_set_cr0(vx, vx->cr0 & ~X86_CR0_TS);
		break;
	default:	/* LMSW: sets PE, MP, EM, TS; never clears PE */
		val = (q >> 16) & 0xf;
		r = axvcpu_vmx_set_cr0(vx, (vx->cr0 & ~0xeULL) | val |
				       (vx->cr0 & X86_CR0_PE));
		break;
	}
	if (r)
		return inject_gp(vx);
	load_pdptrs(vcpu, vx);
	/* Paging may have changed: this VPID's translations are stale. */
	axvcpu_vmx_invvpid(vx->vpid);
	skip_insn();
	return AXVCPU_EXIT_NOTHING;
}

/*
 * MOV to or from DR0..DR7 (exit qualification: SDM table 28-4). The debug
 * registers are emulated, never loaded: DR0..DR3 and DR6 are the host's
 * hardware, and GUEST_DR7 stays at its reset value, so guest hardware
 * breakpoints do not fire (documented).
 */
static int dr_access(struct vmx_vcpu *vx)
{
	u64 q = vx->exit_qual;
	unsigned int dr = q & 7, reg = (q >> 8) & 15;
	u64 val;

	if (dr == 4 || dr == 5) {
		if (vx->cr4 & X86_CR4_DE)
			return inject_ud(vx);
		dr += 2;
	}
	if (q & BIT(4)) {		/* MOV from DR */
		set_gpr(vx, reg, vx->dr[dr]);
	} else {
		val = get_gpr(vx, reg);
		if (dr >= 6 && (val >> 32))
			return inject_gp(vx);
		if (dr == 6)
			val |= VMX_DR6_RESET;
		else if (dr == 7)
			val = (val & ~0xd800ULL) | VMX_DR7_RESET;
		vx->dr[dr] = val;
	}
	skip_insn();
	return AXVCPU_EXIT_NOTHING;
}

/* --------------------------------------------------- CPUID and XSETBV */

static int cpuid_exit(struct vmx_vcpu *vx)
{
	u32 leaf = vx->gpr[VMX_REG_RAX], sub = vx->gpr[VMX_REG_RCX];
	u32 a, b, c, d;

	if (leaf >= CPUID_HV_BASE && leaf < CPUID_HV_BASE + 0x100) {
		a = 0;
		b = 0;
		c = 0;
		d = 0;
		if (leaf == CPUID_HV_BASE) {
			a = CPUID_HV_BASE;
			memcpy(&b, CPUID_HV_SIG, 4);
			memcpy(&c, CPUID_HV_SIG + 4, 4);
			memcpy(&d, CPUID_HV_SIG + 8, 4);
		}
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
	}
	switch (leaf) {
	case 1:
		/* No VMX, SMX or MONITOR; a hypervisor; our APIC id. */
		c &= ~(BIT(5) | BIT(6) | BIT(3) | BIT(27));
		c |= BIT(31);
		if (vx->cr4 & X86_CR4_OSXSAVE)
			c |= BIT(27);
		b = (b & 0x00ffffff) | (vx->apic_id << 24);
		break;
	case 7:
		/* PKU only as CR4 allows it; OSPKE is the guest's CR4.PKE. */
		if (sub)
			break;
		c &= ~(CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE);
		if (axvcpu_vmx_caps.pku)
			c |= CPUID_7_ECX_PKU;
		if (vx->cr4 & X86_CR4_PKE)
			c |= CPUID_7_ECX_OSPKE;
		break;
	case 0xb:
	case 0x1f:
		d = vx->apic_id;
		break;
	default:
		break;
	}
	vx->gpr[VMX_REG_RAX] = a;
	vx->gpr[VMX_REG_RBX] = b;
	vx->gpr[VMX_REG_RCX] = c;
	vx->gpr[VMX_REG_RDX] = d;
	skip_insn();
	return AXVCPU_EXIT_NOTHING;
}

/* XSETBV (SDM vol. 1, 13.3): only a valid subset of the host's XCR0. */
static int xsetbv_exit(struct vmx_vcpu *vx)
{
	u64 val = (u32)vx->gpr[VMX_REG_RAX] | (vx->gpr[VMX_REG_RDX] << 32);
	u64 avx512 = XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 |
		     XFEATURE_MASK_Hi16_ZMM;

	if (!(vx->cr4 & X86_CR4_OSXSAVE))
		return inject_ud(vx);
	if ((u32)vx->gpr[VMX_REG_RCX] || !(val & XFEATURE_MASK_FP) ||
	    (val & ~axvcpu_vmx_caps.guest_xcr0) ||
	    ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE)) ||
	    ((val & avx512) && (val & avx512) != avx512) ||
	    ((val & avx512) && !(val & XFEATURE_MASK_YMM)))
		return inject_gp(vx);
	vx->xcr0 = val;
	skip_insn();
	return AXVCPU_EXIT_NOTHING;
}

/* ------------------------------------------------------------ MSRs */

static bool valid_pat(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (8 * i);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/*
 * x2APIC ICR writes: INIT is implied by the SIPI that follows it. Returns
 * an exit reason, 0 if handled here, or -ENOENT for the VMM.
 */
static int icr_write(struct vmx_vcpu *vx, struct axvcpu_run *run, u64 icr)
{
	unsigned int mode = (icr >> 8) & 7, shorthand = (icr >> 18) & 3;
	u32 dest = icr >> 32;

	switch (mode) {
	case ICR_INIT:
		return 0;
	case ICR_STARTUP:
		memset(&run->cpu_up, 0, sizeof(run->cpu_up));
		run->cpu_up.target_cpu = shorthand ? ~0ULL : dest;
		run->cpu_up.entry_point = (icr & 0xff) << 12;
		return AXVCPU_EXIT_CPU_UP;
	case 0:		/* fixed */
		memset(&run->ipi, 0, sizeof(run->ipi));
		run->ipi.target_cpu = dest;
		run->ipi.send_to_all = shorthand >= 2;
		run->ipi.send_to_self = shorthand == 1 || shorthand == 2 ||
					(!shorthand && dest == vx->apic_id);
		run->ipi.vector = icr & 0xff;
		return AXVCPU_EXIT_SEND_IPI;
	default:
		return -ENOENT;
	}
}

/* The MSRs the VMCS holds for the guest; -ENOENT for all others. */
static int msr_read(struct vmx_vcpu *vx, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_EFER:
		*val = vx->efer;
		return 0;
	case MSR_FS_BASE:
		*val = vmcs_read(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*val = vmcs_read(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*val = vmcs_read(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*val = vmcs_read(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*val = vmcs_read(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_CR_PAT:
		*val = vmcs_read(GUEST_IA32_PAT);
		return 0;
	case MSR_STAR:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSCALL_MASK:
	case MSR_TSC_AUX:
	case MSR_KERNEL_GS_BASE:
		rdmsrl(msr, *val);	/* the guest's, loaded while bound */
		return 0;
	default:
		return -ENOENT;
	}
}

static int msr_write(struct vmx_vcpu *vx, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_EFER:
		if (val & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX) ||
		    (((val ^ vx->efer) & EFER_LME) && (vx->cr0 & X86_CR0_PG)))
			return -EINVAL;
		vx->efer = (val & ~EFER_LMA) | (vx->efer & EFER_LMA);
		update_ia32e(vx);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!__is_canonical_address(val, 48))
			return -EINVAL;
		if (msr == MSR_FS_BASE)
			vmcs_write(GUEST_FS_BASE, val);
		else if (msr == MSR_GS_BASE)
			vmcs_write(GUEST_GS_BASE, val);
		else if (msr == MSR_IA32_SYSENTER_ESP)
			vmcs_write(GUEST_SYSENTER_ESP, val);
		else
			vmcs_write(GUEST_SYSENTER_EIP, val);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, (u32)val);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!valid_pat(val))
			return -EINVAL;
		vmcs_write(GUEST_IA32_PAT, val);
		return 0;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!__is_canonical_address(val, 48))
			return -EINVAL;
		wrmsrl(msr, val);	/* the guest's, loaded while bound */
		return 0;
	case MSR_STAR:
	case MSR_SYSCALL_MASK:
	case MSR_TSC_AUX:
		if (msr != MSR_STAR && (val >> 32))
			return -EINVAL;
		wrmsrl(msr, val);
		return 0;
	default:
		return -ENOENT;
	}
}

static int msr_exit(struct vmx_vcpu *vx, struct axvcpu_run *run, bool write)
{
	u32 msr = vx->gpr[VMX_REG_RCX];
	u64 val = (u32)vx->gpr[VMX_REG_RAX] | (vx->gpr[VMX_REG_RDX] << 32);
	int r;

	if (write) {
		r = msr == X2APIC_ICR ? icr_write(vx, run, val) :
					msr_write(vx, msr, val);
		if (r > 0) {
			skip_insn();
			return r;
		}
	} else {
		r = msr_read(vx, msr, &val);
		if (!r) {
			vx->gpr[VMX_REG_RAX] = (u32)val;
			vx->gpr[VMX_REG_RDX] = val >> 32;
		}
	}
	if (r == -EINVAL)
		return inject_gp(vx);
	if (!r) {
		skip_insn();
		return AXVCPU_EXIT_NOTHING;
	}

	memset(&run->sysreg, 0, sizeof(run->sysreg));
	run->sysreg.addr = msr;
	skip_insn();
	if (write) {
		run->sysreg.value = val;
		return AXVCPU_EXIT_SYSREG_WRITE;
	}
	run->sysreg.reg = VMX_REG_RAX;	/* EDX:EAX */
	return AXVCPU_EXIT_SYSREG_READ;
}

/* ------------------------------------------------------------- I/O */

static int io_exit(struct vmx_vcpu *vx, struct axvcpu_run *run)
{
	u64 q = vx->exit_qual;
	unsigned int width = (q & 7) + 1;

	/* String and REP forms are not emulated: the VMM is told. */
	if (q & (BIT(4) | BIT(5)))
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_UNKNOWN_EXIT,
				      EXIT_REASON_IO_INSTRUCTION, q);
	memset(&run->io, 0, sizeof(run->io));
	run->io.port = q >> 16;
	run->io.width = width;
	skip_insn();
	if (q & BIT(3)) {
		vx->io_width = width;
		return AXVCPU_EXIT_IO_READ;
	}
	run->io.data = vx->gpr[VMX_REG_RAX] & GENMASK_ULL(width * 8 - 1, 0);
	return AXVCPU_EXIT_IO_WRITE;
}

/* ------------------------------------------------------ EPT violations */

static int read_guest(void *vm, u64 gpa, void *buf, unsigned int len)
{
	return axvcpu_vm_read_guest(vm, gpa, buf, len);
}

/* The guest's paging state, from the VMCS and the vCPU. */
static void guest_paging(struct vmx_vcpu *vx, struct x86_paging *p)
{
	unsigned int i;

	p->lma = is_long_mode(vx);
	p->cr3 = vmcs_read(GUEST_CR3);
	if (!(vx->cr0 & X86_CR0_PG)) {
		p->mode = X86_PAGING_NONE;
	} else if (p->lma) {
		p->mode = X86_PAGING_4LEVEL;
	} else if (vx->cr4 & X86_CR4_PAE) {
		p->mode = X86_PAGING_PAE;
		for (i = 0; i < 4; i++)
			p->pdpte[i] = vmcs_read(GUEST_PDPTR0 + 2 * i);
	} else {
		p->mode = X86_PAGING_32;
	}
}

static int fetch_insn(struct axvcpu_vcpu *vcpu, struct vmx_vcpu *vx, u8 *buf,
		      unsigned int *len)
{
	u64 rip = vmcs_read(GUEST_RIP), gva, gpa;
	unsigned int got = 0, n;
	struct x86_paging p;

	guest_paging(vx, &p);
	gva = vmcs_read(GUEST_CS_BASE) + rip;
	if (!is_long_mode(vx))
		gva = (u32)gva;
	while (got < 15) {
		n = min_t(unsigned int, 15 - got, PAGE_SIZE - ((gva + got) & ~PAGE_MASK));
		if (axvcpu_x86_gva_to_gpa(&p, gva + got, read_guest, vcpu->vm,
					  &gpa) ||
		    axvcpu_vm_read_guest(vcpu->vm, gpa, buf + got, n))
			break;
		got += n;
	}
	*len = got;
	return got ? 0 : -EFAULT;
}

static unsigned int cpu_mode(struct vmx_vcpu *vx)
{
	u32 ar = vmcs_read(GUEST_CS_AR_BYTES);

	if (is_long_mode(vx) && (ar & VMX_AR_L))
		return 64;
	return (vx->cr0 & X86_CR0_PE) && (ar & VMX_AR_DB) ? 32 : 16;
}

static int mmio_exit(struct axvcpu_vcpu *vcpu, struct vmx_vcpu *vx,
		     struct axvcpu_run *run, u64 gpa, bool write)
{
	struct vmx_mmio_insn *mi = &vx->mmio;
	unsigned int len;
	u8 insn[15] = {};
	u64 val;

	if (fetch_insn(vcpu, vx, insn, &len))
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_INSN_FETCH,
				      vmcs_read(GUEST_RIP), gpa);
	if (axvcpu_x86_decode_mmio(insn, len, cpu_mode(vx), mi) ||
	    mi->store != write) {
		memcpy(&val, insn, sizeof(val));	/* its first 8 bytes */
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_MMIO_DECODE, val, gpa);
	}

	skip_len(mi->len);
	if (!write)
		return axvcpu_exit_mmio_read(vcpu, gpa, mi->width, mi->reg,
					     mi->reg_width, mi->sign);
	if (mi->imm_valid)
		val = mi->imm;
	else if (mi->high8)
		val = vx->gpr[mi->reg] >> 8;
	else
		val = get_gpr(vx, mi->reg);
	return axvcpu_exit_mmio_write(run, gpa, mi->width, val);
}

static int ept_violation(struct axvcpu_vcpu *vcpu, struct vmx_vcpu *vx,
			 struct axvcpu_run *run)
{
	u64 q = vx->exit_qual, gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	u32 access = (q & BIT(1)) ? AXVCPU_ACCESS_WRITE : (q & BIT(2)) ?
		     AXVCPU_ACCESS_EXEC : AXVCPU_ACCESS_READ;
	int r;

	/* The guest's own page walk: linear address valid, not its data. */
	r = axvcpu_gpa_fault(vcpu, run, gpa, access,
			     (q & BIT(7)) && !(q & BIT(8)));
	if (r != AXVCPU_GPA_MMIO)
		return r;
	return mmio_exit(vcpu, vx, run, gpa, access == AXVCPU_ACCESS_WRITE);
}

/* ------------------------------------------------------------ dispatch */

static int exception_exit(struct vmx_vcpu *vx)
{
	u32 info = vmcs_read(VM_EXIT_INTR_INFO);

	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	/* The host's NMI, handed to its handler: counted as a host interrupt. */
	if (type == INTR_TYPE_NMI_INTR)
		return AXVCPU_EXIT_EXTERNAL_INTERRUPT;
	/* A machine check: the host's, handled at the exit (vcpu.c). */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_MC)
		return AXVCPU_EXIT_NOTHING;
	/*
	 * #DB and #AC: intercepted only so they cannot loop; reflect them.
	 * An intercepted #DB did not update DR6: the qualification has its
	 * B0..B3, BD and BS bits. INT1 (a privileged software exception)
	 * resumes after the instruction, so its length goes along.
	 */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_DB)
		vx->dr[6] = VMX_DR6_RESET | (vx->exit_qual & 0x600f);
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(VM_EXIT_INTR_ERROR_CODE));
	if (type != INTR_TYPE_HARD_EXCEPTION)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN,
			   vmcs_read(VM_EXIT_INSTRUCTION_LEN));
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
	return AXVCPU_EXIT_NOTHING;
}

static int hlt_exit(struct vmx_vcpu *vx)
{
	skip_insn();
	if (axvcpu_vmx_irq_pending(vx) &&
	    (vmcs_read(GUEST_RFLAGS) & X86_EFLAGS_IF))
		return AXVCPU_EXIT_NOTHING;
	return AXVCPU_EXIT_HALT;
}

static int vmcall_exit(struct vmx_vcpu *vx, struct axvcpu_run *run)
{
	static const u8 args[6] = { VMX_REG_RBX, VMX_REG_RCX, VMX_REG_RDX,
				    VMX_REG_RSI, VMX_REG_RDI, 8 };
	unsigned int i;

	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->hypercall.nr = vx->gpr[VMX_REG_RAX];
	for (i = 0; i < ARRAY_SIZE(args); i++)
		run->hypercall.args[i] = vx->gpr[args[i]];
	skip_insn();
	return AXVCPU_EXIT_HYPERCALL;
}

/**
 * axvcpu_x86_handle_exit() - handle the VM exit that ended the entry
 * @vcpu: the vCPU, bound.
 * @run: the run page.
 *
 * Return: an AXVCPU_EXIT_* reason with its payload in @run.
 */
int axvcpu_x86_handle_exit(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct vmx_vcpu *vx = to_vmx(vcpu);
	u32 reason = vx->exit_reason;

	if (reason == VMX_EXIT_VMFAIL) {
		run->fail_entry_reason = BIT_ULL(31) | vx->entry_error;
		return AXVCPU_EXIT_FAIL_ENTRY;
	}
	/* The host's, handled at the exit (vcpu.c): enter again, as KVM. */
	if ((u16)reason == EXIT_REASON_MCE_DURING_VMENTRY)
		return AXVCPU_EXIT_NOTHING;
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		run->fail_entry_reason = (u16)reason;
		return AXVCPU_EXIT_FAIL_ENTRY;
	}

	switch ((u16)reason) {
	case EXIT_REASON_EXCEPTION_NMI:
		return exception_exit(vx);
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		return AXVCPU_EXIT_EXTERNAL_INTERRUPT;
	case EXIT_REASON_TRIPLE_FAULT:
		memset(&run->system_down, 0, sizeof(run->system_down));
		run->system_down.type = 1;	/* a reset */
		return AXVCPU_EXIT_SYSTEM_DOWN;
	case EXIT_REASON_PREEMPTION_TIMER:
		return AXVCPU_EXIT_NOTHING;	/* Linux takes its interrupts now */
	case EXIT_REASON_INTERRUPT_WINDOW:
		vmcs_clear_bits(CPU_BASED_VM_EXEC_CONTROL,
				CPU_BASED_INTR_WINDOW_EXITING);
		return AXVCPU_EXIT_NOTHING;
	case EXIT_REASON_CPUID:
		return cpuid_exit(vx);
	case EXIT_REASON_HLT:
		return hlt_exit(vx);
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
		skip_insn();
		return AXVCPU_EXIT_NOTHING;
	case EXIT_REASON_VMCALL:
		return vmcall_exit(vx, run);
	case EXIT_REASON_CR_ACCESS:
		return cr_access(vcpu, vx);
	case EXIT_REASON_DR_ACCESS:
		return dr_access(vx);
	case EXIT_REASON_IO_INSTRUCTION:
		return io_exit(vx, run);
	case EXIT_REASON_MSR_READ:
		return msr_exit(vx, run, false);
	case EXIT_REASON_MSR_WRITE:
		return msr_exit(vx, run, true);
	case EXIT_REASON_EPT_VIOLATION:
		return ept_violation(vcpu, vx, run);
	case EXIT_REASON_XSETBV:
		return xsetbv_exit(vx);
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
	case EXIT_REASON_RDPMC:
	case VMX_EXIT_GETSEC:
		return inject_ud(vx);
	default:
		return axvcpu_exit_internal_error(run, AXVCPU_INTERNAL_UNKNOWN_EXIT, reason,
				      vx->exit_qual);
	}
}
