// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's F/D and vector registers, switched lazily. A run enters the
 * guest with sstatus.FS and sstatus.VS off, so its first FP or vector
 * instruction traps to HS-mode as illegal (never delegated); if the
 * guest has that unit on in its own sstatus, the trap saves the host's
 * registers, loads the guest's and retries the instruction, now with the
 * unit dirty. They stay loaded until the vCPU is unbound (end of RUN,
 * preemption), which swaps them back. A RUN whose guest touches neither
 * unit costs nothing; one that does costs one trap per unit. KVM switches
 * eagerly at vcpu_load/put instead (kvm_riscv_vcpu_guest_fp_*, _vector_*).
 *
 * The host's registers are saved raw, whatever task state they hold (the
 * VMM's own values, or another task's vector state the kernel restores
 * only on the way back to user mode), and restored before Linux can look
 * at them: the preempt notifier unbinds before __switch_to saves a task's
 * state. While the guest's vector state is loaded the thread must not use
 * kernel-mode vector (kernel_vector_begin(), e.g. a large usercopy): the
 * RUN loop makes no such call between binding and unbinding.
 */
#include <linux/preempt.h>
#include <linux/slab.h>
#include <asm/csr.h>
#include <asm/vector.h>

#include "rvh.h"

bool axvcpu_riscv_has_fp;
bool axvcpu_riscv_has_v;

#ifdef CONFIG_RISCV_ISA_V
static void v_swap(struct __riscv_v_ext_state *save,
		   struct __riscv_v_ext_state *load)
{
	__riscv_v_vstate_save(save, save->datap);
	__riscv_v_vstate_restore(load, load->datap);
}
#else
static void v_swap(struct __riscv_v_ext_state *save,
		   struct __riscv_v_ext_state *load)
{
}
#endif

/**
 * axvcpu_riscv_fp_create() - allocate the vector save areas of a vCPU
 * @rv: the new vCPU.
 *
 * Return: 0 or -ENOMEM.
 */
int axvcpu_riscv_fp_create(struct rvh_vcpu *rv)
{
	if (!axvcpu_riscv_has_v)
		return 0;
	rv->guest_v.datap = kzalloc(riscv_v_vsize, GFP_KERNEL_ACCOUNT);
	rv->host_v.datap = kzalloc(riscv_v_vsize, GFP_KERNEL_ACCOUNT);
	if (!rv->guest_v.datap || !rv->host_v.datap) {
		axvcpu_riscv_fp_destroy(rv);
		return -ENOMEM;
	}
	return 0;
}

/**
 * axvcpu_riscv_fp_destroy() - free what axvcpu_riscv_fp_create() allocated
 * @rv: the vCPU.
 */
void axvcpu_riscv_fp_destroy(struct rvh_vcpu *rv)
{
	kfree(rv->guest_v.datap);
	kfree(rv->host_v.datap);
	rv->guest_v.datap = NULL;
	rv->host_v.datap = NULL;
}

/**
 * axvcpu_riscv_fp_trap() - load the guest's FP or vector registers on a trap
 * @rv: the vCPU, bound, after an illegal-instruction exit.
 *
 * Return: true if registers were loaded and the instruction is to be
 * retried; false if the trap is the guest's own (the units it has on are
 * loaded already, or it has them off, or this host has none).
 */
bool axvcpu_riscv_fp_trap(struct rvh_vcpu *rv)
{
	unsigned long vsstatus = csr_read(CSR_VSSTATUS);
	bool fp = axvcpu_riscv_has_fp && !rv->fp_loaded &&
		  (vsstatus & SR_FS) != SR_FS_OFF;
	bool v = axvcpu_riscv_has_v && !rv->v_loaded &&
		 (vsstatus & SR_VS) != SR_VS_OFF;

	if (!fp && !v)
		return false;
	/* Not preempted halfway: the notifier must see one state or the other. */
	preempt_disable();
	if (fp) {
		__axvcpu_riscv_fp_save(&rv->host_fp);
		__axvcpu_riscv_fp_restore(&rv->guest_fp);
		rv->fp_loaded = true;
	}
	if (v) {
		v_swap(&rv->host_v, &rv->guest_v);
		rv->v_loaded = true;
	}
	preempt_enable();
	return true;
}

/**
 * axvcpu_riscv_fp_put() - give the host its FP and vector registers back
 * @rv: the vCPU, being unbound (preemption disabled).
 */
void axvcpu_riscv_fp_put(struct rvh_vcpu *rv)
{
	if (rv->fp_loaded) {
		__axvcpu_riscv_fp_save(&rv->guest_fp);
		__axvcpu_riscv_fp_restore(&rv->host_fp);
		rv->fp_loaded = false;
	}
	if (rv->v_loaded) {
		v_swap(&rv->guest_v, &rv->host_v);
		rv->v_loaded = false;
	}
}
