// SPDX-License-Identifier: GPL-2.0
/*
 * What an arm64 guest's HVC #0 and SMC #0 reach: PSCI 1.1 (Arm DEN 0022)
 * for the PSCI function ids, with VERSION, FEATURES and AFFINITY_INFO
 * answered here and CPU_ON, CPU_OFF, SYSTEM_OFF and SYSTEM_RESET turned
 * into exits; SMCCC 1.1's Arm Architecture Calls (Arm DEN 0028) answered
 * here; every other call (another id, or a nonzero immediate) is a
 * Hypercall for the VMM: nr = x0, args = x1..x6, fid = the immediate.
 */
#include <linux/mutex.h>

#include "vhe.h"

/* Function ids and return codes are guest ABI: defined here. */
#define PSCI_VERSION		0x84000000
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON_32		0x84000003
#define PSCI_AFFINITY_INFO_32	0x84000004
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000A
#define PSCI_CPU_ON_64		0xC4000003
#define PSCI_AFFINITY_INFO_64	0xC4000004

#define PSCI_FN_MASK		0x1f	/* PSCI owns 0x00..0x1f of its range */

/* SMCCC's Arm Architecture Calls (Arm DEN 0028): fast, SMC32, owner 0. */
#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_ARCH_MASK		0xffff
#define SMCCC_VERSION_1_1	0x10001
#define PSCI_RANGE_32		0x84000000
#define PSCI_RANGE_64		0xC4000000

#define PSCI_VERSION_1_1	0x00010001
#define PSCI_RET_SUCCESS	0
#define PSCI_RET_NOT_SUPPORTED	(-1)
#define PSCI_RET_INVALID_PARAMS	(-2)
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1

static int psci_ret(struct vhe_vcpu *vv, s64 val)
{
	vv->sw.x[0] = val;
	return AXVCPU_EXIT_NOTHING;
}

static bool psci_implemented(u64 fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return true;
	default:
		return false;
	}
}

/*
 * A vCPU is ON once it has run, until it executes CPU_OFF. vCPUs are only
 * added, and freed with the VM: the walk needs no lock.
 */
static int affinity_info(struct axvcpu_vcpu *vcpu, u64 target, u64 level)
{
	int ret = PSCI_RET_INVALID_PARAMS;
	struct axvcpu_vcpu *v;
	unsigned long i;

	if (level)
		return psci_ret(to_vhe(vcpu), PSCI_RET_INVALID_PARAMS);
	xa_for_each(&vcpu->vm->vcpus, i, v) {
		if (!axvcpu_vcpu_is_set_up(v) || to_vhe(v)->mpidr != target)
			continue;
		ret = READ_ONCE(to_vhe(v)->powered_on) ? PSCI_AFF_ON :
							  PSCI_AFF_OFF;
		break;
	}
	return psci_ret(to_vhe(vcpu), ret);
}

static int psci_call(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run)
{
	struct vhe_vcpu *vv = to_vhe(vcpu);
	u64 *x = vv->sw.x;
	u64 fn = x[0];

	switch (fn) {
	case PSCI_VERSION:
		return psci_ret(vv, PSCI_VERSION_1_1);
	case PSCI_FEATURES:
		return psci_ret(vv, psci_implemented(x[1] & U32_MAX) ||
				(x[1] & U32_MAX) == SMCCC_VERSION ?
				PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED);
	case PSCI_AFFINITY_INFO_32:
		return affinity_info(vcpu, x[1] & U32_MAX, x[2] & U32_MAX);
	case PSCI_AFFINITY_INFO_64:
		return affinity_info(vcpu, x[1], x[2]);
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		run->cpu_up.target_cpu = x[1];
		run->cpu_up.entry_point = x[2];
		run->cpu_up.arg = x[3];
		if (fn == PSCI_CPU_ON_32) {
			run->cpu_up.target_cpu &= U32_MAX;
			run->cpu_up.entry_point &= U32_MAX;
			run->cpu_up.arg &= U32_MAX;
		}
		psci_ret(vv, PSCI_RET_SUCCESS);
		return AXVCPU_EXIT_CPU_UP;
	case PSCI_CPU_OFF:
		WRITE_ONCE(vv->powered_on, false);
		run->cpu_down_state = 0;
		psci_ret(vv, PSCI_RET_SUCCESS);
		return AXVCPU_EXIT_CPU_DOWN;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		run->system_down.type = fn == PSCI_SYSTEM_RESET;
		run->system_down.reason = 0;
		return AXVCPU_EXIT_SYSTEM_DOWN;
	default:
		return psci_ret(vv, PSCI_RET_NOT_SUPPORTED);
	}
}

/*
 * SMCCC 1.1's own calls: VERSION, and ARCH_FEATURES, which finds only
 * itself: no firmware workaround (ARCH_WORKAROUND_1/2/3), no SOC_ID; every
 * other Arm Architecture Call is NOT_SUPPORTED. KVM 6.12 answers the
 * workarounds from the host's mitigation state instead.
 */
static int smccc_arch_call(struct vhe_vcpu *vv)
{
	u64 *x = vv->sw.x;

	switch (x[0] & U32_MAX) {
	case SMCCC_VERSION:
		return psci_ret(vv, SMCCC_VERSION_1_1);
	case SMCCC_ARCH_FEATURES:
		return psci_ret(vv, (x[1] & U32_MAX) == SMCCC_ARCH_FEATURES ?
				PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED);
	default:
		return psci_ret(vv, PSCI_RET_NOT_SUPPORTED);
	}
}

static bool is_smccc_arch(u64 fn)
{
	return (fn & ~(u64)SMCCC_ARCH_MASK) == SMCCC_VERSION;
}

static bool is_psci(u64 fn)
{
	u64 base = fn & ~(u64)PSCI_FN_MASK;

	return base == PSCI_RANGE_32 || base == PSCI_RANGE_64;
}

/**
 * axvcpu_arm64_hvc() - handle an HVC or SMC from the guest
 * @vcpu: the vCPU, bound; its pc already past the instruction.
 * @run: the run page.
 * @imm: the instruction's 16-bit immediate.
 *
 * Return: an AXVCPU_EXIT_* reason.
 */
int axvcpu_arm64_hvc(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		     unsigned int imm)
{
	u64 *x = to_vhe(vcpu)->sw.x;
	unsigned int i;

	if (!imm && is_psci(x[0]))
		return psci_call(vcpu, run);
	if (!imm && is_smccc_arch(x[0]))
		return smccc_arch_call(to_vhe(vcpu));

	run->hypercall.nr = x[0];
	for (i = 0; i < 6; i++)
		run->hypercall.args[i] = x[1 + i];
	run->hypercall.fid = imm;
	return AXVCPU_EXIT_HYPERCALL;
}
