// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's F/D registers, switched lazily. A run enters the guest
 * with sstatus.FS off, so its first FP instruction traps to HS-mode as
 * illegal (never delegated); if the guest has FP on in its own sstatus,
 * that trap saves the host's registers, loads the guest's and retries
 * the instruction, now with FS dirty. They stay loaded until the vCPU is
 * unbound (end of RUN, preemption), which swaps them back. A RUN whose
 * guest never touches FP costs nothing; one that does costs one trap.
 * KVM switches eagerly at vcpu_load/put instead (kvm_riscv_vcpu_guest_fp_*).
 *
 * The host's registers are saved raw, whatever task state they hold
 * (the VMM's own FP values), and restored before Linux can look at them:
 * the preempt notifier unbinds before __switch_to saves a task's FP.
 */
#include <linux/preempt.h>
#include <asm/csr.h>

#include "rvh.h"

bool axvcpu_riscv_has_fp;

/**
 * axvcpu_riscv_fp_trap() - load the guest's FP registers on a trap
 * @rv: the vCPU, bound, after an illegal-instruction exit.
 *
 * Return: true if the registers were loaded and the instruction is to be
 * retried; false if the trap is the guest's own (FP off in its sstatus,
 * already loaded, or no FP on this host).
 */
bool axvcpu_riscv_fp_trap(struct rvh_vcpu *rv)
{
	if (!axvcpu_riscv_has_fp || rv->fp_loaded ||
	    (csr_read(CSR_VSSTATUS) & SR_FS) == SR_FS_OFF)
		return false;
	/* Not preempted halfway: the notifier must see one state or the other. */
	preempt_disable();
	__axvcpu_riscv_fp_save(&rv->host_fp);
	__axvcpu_riscv_fp_restore(&rv->guest_fp);
	rv->fp_loaded = true;
	preempt_enable();
	return true;
}

/**
 * axvcpu_riscv_fp_put() - give the host its FP registers back
 * @rv: the vCPU, being unbound (preemption disabled).
 */
void axvcpu_riscv_fp_put(struct rvh_vcpu *rv)
{
	if (!rv->fp_loaded)
		return;
	__axvcpu_riscv_fp_save(&rv->guest_fp);
	__axvcpu_riscv_fp_restore(&rv->host_fp);
	rv->fp_loaded = false;
}
