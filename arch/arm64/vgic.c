// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts for arm64 guests through the GICv3 virtual CPU interface
 * (GICv3 architecture spec, chapter 6 "Virtual interrupt handling").
 *
 * Injected INTIDs wait in a bitmap and go into free list registers on
 * entry, as group 1 edge interrupts at one priority; the guest acks and
 * EOIs them through ICC_IAR1_EL1/ICC_EOIR1_EL1 (ICV_* under HCR_EL2.IMO).
 * Level lines (AXVCPU_VCPU_IRQ_LINE) are sampled at every entry: the
 * pending state of a line's INTID is set while the line is asserted
 * (merged into an active list register, it is taken again after the EOI)
 * and withdrawn once it is not. The VMM changes a line only through the
 * ioctl, which kicks the vCPU, so the sample at the next entry sees every
 * change (KVM resamples at the EOI with a maintenance interrupt instead,
 * which is KVM's irq on the host).
 *
 * The guest's virtual timer is the exception: its PPI is level-triggered
 * and the hardware one. The host's vtimer interrupt is "forwarded" (only
 * priority-dropped by the host, so it stays active) and the guest gets a
 * hardware list register (HW = 1, pINTID = vINTID = 27): its EOI
 * deactivates the physical interrupt, which fires again only once the
 * guest's timer condition holds again. The same holds whether our handler
 * or KVM's (arch_timer.c, which ignores non-KVM vCPUs) owns that irq.
 *
 * List registers are the CPU's, shared with KVM: they are written on
 * every entry and zeroed on every exit, so KVM always finds them empty.
 */
#include <linux/bitmap.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <clocksource/arm_arch_timer.h>
#include <asm/sysreg.h>

#include "vhe.h"

#define LR_STATE(lr)	((lr) & ICH_LR_STATE)
#define LR_INTID(lr)	((u32)((lr) & ICH_LR_VIRTUAL_ID_MASK))

static u64 read_lr(unsigned int n)
{
	switch (n) {
	case 0:
		return read_sysreg_s(SYS_ICH_LR0_EL2);
	case 1:
		return read_sysreg_s(SYS_ICH_LR1_EL2);
	case 2:
		return read_sysreg_s(SYS_ICH_LR2_EL2);
	default:
		return read_sysreg_s(SYS_ICH_LR3_EL2);
	}
}

static void write_lr(unsigned int n, u64 v)
{
	switch (n) {
	case 0:
		write_sysreg_s(v, SYS_ICH_LR0_EL2);
		break;
	case 1:
		write_sysreg_s(v, SYS_ICH_LR1_EL2);
		break;
	case 2:
		write_sysreg_s(v, SYS_ICH_LR2_EL2);
		break;
	default:
		write_sysreg_s(v, SYS_ICH_LR3_EL2);
		break;
	}
}

static u64 read_apr(unsigned int group, unsigned int n)
{
	switch (group * 4 + n) {
	case 0:
		return read_sysreg_s(SYS_ICH_AP0R0_EL2);
	case 1:
		return read_sysreg_s(SYS_ICH_AP0R1_EL2);
	case 2:
		return read_sysreg_s(SYS_ICH_AP0R2_EL2);
	case 3:
		return read_sysreg_s(SYS_ICH_AP0R3_EL2);
	case 4:
		return read_sysreg_s(SYS_ICH_AP1R0_EL2);
	case 5:
		return read_sysreg_s(SYS_ICH_AP1R1_EL2);
	case 6:
		return read_sysreg_s(SYS_ICH_AP1R2_EL2);
	default:
		return read_sysreg_s(SYS_ICH_AP1R3_EL2);
	}
}

static void write_apr(unsigned int group, unsigned int n, u64 v)
{
	switch (group * 4 + n) {
	case 0:
		write_sysreg_s(v, SYS_ICH_AP0R0_EL2);
		break;
	case 1:
		write_sysreg_s(v, SYS_ICH_AP0R1_EL2);
		break;
	case 2:
		write_sysreg_s(v, SYS_ICH_AP0R2_EL2);
		break;
	case 3:
		write_sysreg_s(v, SYS_ICH_AP0R3_EL2);
		break;
	case 4:
		write_sysreg_s(v, SYS_ICH_AP1R0_EL2);
		break;
	case 5:
		write_sysreg_s(v, SYS_ICH_AP1R1_EL2);
		break;
	case 6:
		write_sysreg_s(v, SYS_ICH_AP1R2_EL2);
		break;
	default:
		write_sysreg_s(v, SYS_ICH_AP1R3_EL2);
		break;
	}
}

static u64 make_lr(u32 intid, bool hw)
{
	u64 lr = intid | ICH_LR_GROUP | ICH_LR_PENDING_BIT |
		 ((u64)VHE_IRQ_PRIORITY << ICH_LR_PRIORITY_SHIFT);

	if (hw)
		lr |= ICH_LR_HW | ((u64)intid << ICH_LR_PHYS_ID_SHIFT);
	return lr;
}

static int find_lr(const struct vhe_vgic *g, u32 intid)
{
	unsigned int i;

	for (i = 0; i < axvcpu_vhe_nr_lrs; i++)
		if (LR_STATE(g->lr[i]) && LR_INTID(g->lr[i]) == intid)
			return i;
	return -1;
}

static int free_lr(const struct vhe_vgic *g)
{
	unsigned int i;

	for (i = 0; i < axvcpu_vhe_nr_lrs; i++)
		if (!LR_STATE(g->lr[i]))
			return i;
	return -1;
}

/* The guest's EL1 virtual timer condition, from the bound CPU's registers. */
static bool vtimer_level(void)
{
	u64 ctl = read_sysreg_s(SYS_CNTV_CTL_EL02);

	return (ctl & (ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_STAT |
		       ARCH_TIMER_CTRL_IT_MASK)) ==
	       (ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_STAT);
}

/*
 * Place one injected INTID: merge it into a list register that already
 * holds it active (pending and active), else take a free one. Returns
 * false if it has to wait.
 */
static bool place(struct vhe_vgic *g, u32 intid)
{
	int n = find_lr(g, intid);

	if (n >= 0) {
		if (g->lr[n] & (ICH_LR_PENDING_BIT | ICH_LR_HW))
			return false;
		g->lr[n] |= ICH_LR_PENDING_BIT;
		return true;
	}
	n = free_lr(g);
	if (n < 0)
		return false;
	g->lr[n] = make_lr(intid, false);
	return true;
}

/**
 * axvcpu_vgic_flush() - load the list registers before an entry
 * @vv: the vCPU, bound; interrupts disabled.
 */
void axvcpu_vgic_flush(struct vhe_vcpu *vv)
{
	struct vhe_vgic *g = &vv->vgic;
	unsigned int i;
	u32 intid;

	if (vtimer_level() && find_lr(g, VHE_VTIMER_INTID) < 0) {
		int n = free_lr(g);

		if (n >= 0)
			g->lr[n] = make_lr(VHE_VTIMER_INTID, true);
	}
	for_each_set_bit(intid, g->pending, VHE_NR_INTIDS) {
		if (place(g, intid))
			clear_bit(intid, g->pending);
	}
	/* A line's pending state follows the line: withdrawn once it drops. */
	for (i = 0; i < axvcpu_vhe_nr_lrs; i++) {
		intid = LR_INTID(g->lr[i]);
		if (!LR_STATE(g->lr[i]) || !test_bit(intid, g->level) ||
		    test_bit(intid, g->lines))
			continue;
		g->lr[i] &= ~ICH_LR_PENDING_BIT;
		if (!LR_STATE(g->lr[i]))
			g->lr[i] = 0;
	}
	for_each_set_bit(intid, g->lines, VHE_NR_INTIDS)
		place(g, intid);
	for (i = 0; i < axvcpu_vhe_nr_lrs; i++)
		write_lr(i, g->lr[i]);
	write_sysreg_s(ICH_HCR_EN, SYS_ICH_HCR_EL2);
}

/**
 * axvcpu_vgic_sync() - read the list registers back after an exit
 * @vv: the vCPU, bound; interrupts disabled.
 *
 * Leaves the CPU's list registers zero and the virtual interface off.
 */
void axvcpu_vgic_sync(struct vhe_vcpu *vv)
{
	struct vhe_vgic *g = &vv->vgic;
	unsigned int i;

	for (i = 0; i < axvcpu_vhe_nr_lrs; i++) {
		g->lr[i] = read_lr(i);
		if (!LR_STATE(g->lr[i]))
			g->lr[i] = 0;
		write_lr(i, 0);
	}
	write_sysreg_s(0, SYS_ICH_HCR_EL2);
}

/**
 * axvcpu_vgic_load() - load the virtual interface's control state
 * @vv: the vCPU being bound; preemption disabled.
 */
void axvcpu_vgic_load(struct vhe_vcpu *vv)
{
	unsigned int i;

	write_sysreg_s(vv->vgic.vmcr, SYS_ICH_VMCR_EL2);
	for (i = 0; i < axvcpu_vhe_nr_aprs; i++) {
		write_apr(0, i, vv->vgic.ap0r[i]);
		write_apr(1, i, vv->vgic.ap1r[i]);
	}
}

/**
 * axvcpu_vgic_put() - save the virtual interface's control state
 * @vv: the vCPU being unbound; interrupts disabled.
 *
 * A hardware (timer) list register cannot follow the vCPU to another CPU:
 * one still pending is dropped (the timer, still expired, fires again
 * there), one the guest has acked becomes a software one it can EOI.
 */
void axvcpu_vgic_put(struct vhe_vcpu *vv)
{
	struct vhe_vgic *g = &vv->vgic;
	unsigned int i;

	g->vmcr = read_sysreg_s(SYS_ICH_VMCR_EL2);
	for (i = 0; i < axvcpu_vhe_nr_aprs; i++) {
		g->ap0r[i] = read_apr(0, i);
		g->ap1r[i] = read_apr(1, i);
		write_apr(0, i, 0);
		write_apr(1, i, 0);
	}
	for (i = 0; i < axvcpu_vhe_nr_lrs; i++) {
		if (!(g->lr[i] & ICH_LR_HW))
			continue;
		if (g->lr[i] & ICH_LR_ACTIVE_BIT)
			g->lr[i] &= ~(ICH_LR_HW | ICH_LR_PHYS_ID_MASK |
				      ICH_LR_PENDING_BIT);
		else
			g->lr[i] = 0;
	}
}

/**
 * axvcpu_vgic_irq_pending() - whether an interrupt waits for the guest
 * @vv: the vCPU, bound.
 *
 * Return: an injected INTID, an asserted line or the virtual timer is
 * pending (WFI wakes).
 */
bool axvcpu_vgic_irq_pending(struct vhe_vcpu *vv)
{
	unsigned int i;

	if (!bitmap_empty(vv->vgic.pending, VHE_NR_INTIDS) ||
	    !bitmap_empty(vv->vgic.lines, VHE_NR_INTIDS) || vtimer_level())
		return true;
	for (i = 0; i < axvcpu_vhe_nr_lrs; i++)
		if (vv->vgic.lr[i] & ICH_LR_PENDING_BIT)
			return true;
	return false;
}

/**
 * axvcpu_vgic_line() - drive a level-triggered interrupt line
 * @vv: the vCPU; any thread (the caller kicks it).
 * @intid: a PPI or SPI; not the virtual timer's, which the module drives.
 * @level: asserted or not.
 *
 * Return: 0, or -EINVAL for an SGI, the virtual timer or no INTID.
 */
int axvcpu_vgic_line(struct vhe_vcpu *vv, u32 intid, bool level)
{
	if (intid < 16 || intid == VHE_VTIMER_INTID || intid >= VHE_NR_INTIDS)
		return -EINVAL;
	set_bit(intid, vv->vgic.level);
	if (level)
		set_bit(intid, vv->vgic.lines);
	else
		clear_bit(intid, vv->vgic.lines);
	return 0;
}

/**
 * axvcpu_vgic_send_sgi() - carry out a guest's write of ICC_SGI1R_EL1
 * @vcpu: the sender (AXVCPU_SETUP_KERNEL_IPI).
 * @sgi1r: the value written (GICv3 spec 12.2.23): INTID, and the target
 *	list with its affinity, or IRM (every vCPU but the sender).
 *
 * Makes the SGI pending on each set-up vCPU of the VM it names and kicks
 * it, as KVM's vgic_v3_dispatch_sgi(); MPIDRs no vCPU has are ignored.
 * vCPUs are only added to a VM and freed with it: the walk needs no lock.
 */
void axvcpu_vgic_send_sgi(struct axvcpu_vcpu *vcpu, u64 sgi1r)
{
	u32 intid = (sgi1r >> 24) & 0xf;
	bool all = sgi1r & BIT_ULL(40);
	struct axvcpu_vcpu *t;
	unsigned long i;

	xa_for_each(&vcpu->vm->vcpus, i, t) {
		if (!axvcpu_vcpu_is_set_up(t) ||
		    (all ? t == vcpu :
		     !axvcpu_arm64_sgi1r_targets(sgi1r, to_vhe(t)->mpidr)))
			continue;
		set_bit(intid, to_vhe(t)->vgic.pending);
		if (t != vcpu)
			axvcpu_vcpu_kick(t);
	}
}
