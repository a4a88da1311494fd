// SPDX-License-Identifier: GPL-2.0
/*
 * ONE_REG access to a riscv64 vCPU that is set up and not running, so
 * unbound: its VS CSRs are in struct rvh_vs_csrs, its FP registers in
 * guest_fp (fp.c puts them back at unbind). Ids are in the UAPI header.
 */
#include <asm/csr.h>

#include "rvh.h"

#define REG_INDEX(id)	((id) & 0xffffULL)

/* sie and sip: the guest's S bits are the VS bits of hie/hvip shifted. */
static unsigned long guest_sip(struct rvh_vcpu *rv)
{
	unsigned long ip = axvcpu_riscv_pending(rv, rv->csr.vstimecmp);

	return (ip & RVH_HIDELEG) >> VSIP_TO_HVIP_SHIFT;
}

static unsigned long *csr_slot(struct rvh_vcpu *rv, unsigned int csr)
{
	struct rvh_vs_csrs *c = &rv->csr;

	switch (csr) {
	case CSR_SSTATUS:
		return &c->vsstatus;
	case CSR_STVEC:
		return &c->vstvec;
	case CSR_SSCRATCH:
		return &c->vsscratch;
	case CSR_SEPC:
		return &c->vsepc;
	case CSR_SCAUSE:
		return &c->vscause;
	case CSR_STVAL:
		return &c->vstval;
	case CSR_SATP:
		return &c->vsatp;
	case CSR_STIMECMP:
		return axvcpu_riscv_has_sstc ? &c->vstimecmp : NULL;
	default:
		return NULL;
	}
}

/**
 * axvcpu_riscv_get_one_reg() - read one register (AXVCPU_VCPU_GET_ONE_REG)
 * @vcpu: the vCPU, set up, not running.
 * @id: an AXVCPU_REG_RISCV_* id.
 * @val: out: its value.
 *
 * Return: 0 or -ENOENT.
 */
int axvcpu_riscv_get_one_reg(struct axvcpu_vcpu *vcpu, u64 id, u64 *val)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	unsigned int n = REG_INDEX(id);
	unsigned long *slot;

	if (id == AXVCPU_REG_RISCV_PC) {
		*val = rv->sw.guest.sepc;
	} else if (id == AXVCPU_REG_RISCV_MODE) {
		*val = !!(rv->sw.guest.sstatus & SR_SPP);
	} else if (id == AXVCPU_REG_RISCV_GPR(n) && n < 32) {
		*val = n ? rv->sw.guest.x[n] : 0;
	} else if (id == AXVCPU_REG_RISCV_CSR(n)) {
		if (n == CSR_SIE) {
			*val = rv->hie_vs >> VSIP_TO_HVIP_SHIFT;
		} else if (n == CSR_SIP) {
			*val = guest_sip(rv);
		} else {
			slot = csr_slot(rv, n);
			if (!slot)
				return -ENOENT;
			*val = *slot;
		}
	} else if (id == AXVCPU_REG_RISCV_FPR(n) && n <= 32 &&
		   axvcpu_riscv_has_fp) {
		*val = n < 32 ? rv->guest_fp.f[n] : rv->guest_fp.fcsr;
	} else {
		return -ENOENT;
	}
	return 0;
}

/**
 * axvcpu_riscv_set_one_reg() - write one register (AXVCPU_VCPU_SET_ONE_REG)
 * @vcpu: the vCPU, set up, not running.
 * @id: an AXVCPU_REG_RISCV_* id.
 * @val: the value. WARL CSRs take what the hardware keeps at the next
 *	entry, as a guest write would.
 *
 * Return: 0; -ENOENT; -EPERM for sip and MODE; -EINVAL for an odd pc,
 * sie bits other than SSIE, STIE, SEIE, or an fcsr above its 8 bits.
 */
int axvcpu_riscv_set_one_reg(struct axvcpu_vcpu *vcpu, u64 id, u64 val)
{
	struct rvh_vcpu *rv = to_rvh(vcpu);
	unsigned int n = REG_INDEX(id);
	unsigned long *slot;

	if (id == AXVCPU_REG_RISCV_PC) {
		if (val & 1)
			return -EINVAL;
		rv->sw.guest.sepc = val;
	} else if (id == AXVCPU_REG_RISCV_MODE) {
		return -EPERM;
	} else if (id == AXVCPU_REG_RISCV_GPR(n) && n < 32) {
		if (n)
			rv->sw.guest.x[n] = val;
	} else if (id == AXVCPU_REG_RISCV_CSR(n)) {
		if (n == CSR_SIP)
			return -EPERM;
		if (n == CSR_SIE) {
			if (val & ~(RVH_HIDELEG >> VSIP_TO_HVIP_SHIFT))
				return -EINVAL;
			rv->hie_vs = val << VSIP_TO_HVIP_SHIFT;
			return 0;
		}
		slot = csr_slot(rv, n);
		if (!slot)
			return -ENOENT;
		*slot = val;
	} else if (id == AXVCPU_REG_RISCV_FPR(n) && n <= 32 &&
		   axvcpu_riscv_has_fp) {
		if (n == 32 && val > 0xff)
			return -EINVAL;
		if (n < 32)
			rv->guest_fp.f[n] = val;
		else
			rv->guest_fp.fcsr = val;
	} else {
		return -ENOENT;
	}
	return 0;
}
