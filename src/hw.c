// SPDX-License-Identifier: GPL-2.0
/*
 * The backend of this module load, and per-CPU virtualization (the seed's
 * AxArchPerCpu): enabled on every online CPU, from CPU hotplug callbacks,
 * only while at least one VM exists, as KVM does with
 * kvm.enable_virt_at_load=0, so that the two can take turns in one boot;
 * and around a system suspend on the CPU that suspends it (syscore).
 */
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/syscore_ops.h>

#include "axvcpu.h"

const struct axvcpu_backend *axvcpu_backend;

static enum cpuhp_state hp_state;
static DEFINE_MUTEX(hw_lock);	/* hw_users, hp_state */
static unsigned int hw_users;
/* Whether hardware_enable succeeded on this CPU (hotplug callbacks only). */
static DEFINE_PER_CPU(bool, hw_enabled);

static int axvcpu_cpu_online(unsigned int cpu)
{
	int r = axvcpu_backend->percpu->hardware_enable();

	if (!r) {
		this_cpu_write(hw_enabled, true);
		axvcpu_cpu_forget_vcpus();
	}
	return r;
}

static int axvcpu_cpu_offline(unsigned int cpu)
{
	if (this_cpu_read(hw_enabled)) {
		axvcpu_backend->percpu->hardware_disable();
		this_cpu_write(hw_enabled, false);
	}
	return 0;
}

/*
 * System suspend: every other CPU went offline through the callbacks
 * above; the one left loses its virtualization state in the firmware
 * (x86: VMX operation). As KVM's kvm_suspend() and kvm_resume(): off
 * before, on again after, interrupts disabled, on that CPU alone. A
 * resume that cannot turn it on again leaves the CPU without it:
 * axvcpu_hw_enabled_here() is then false, vCPU threads do not bind there,
 * and the next entry of a vCPU bound there fails (x86: EIO).
 */
static int axvcpu_suspend(void)
{
	if (this_cpu_read(hw_enabled))
		axvcpu_backend->percpu->hardware_disable();
	return 0;
}

static void axvcpu_resume(void)
{
	if (this_cpu_read(hw_enabled) &&
	    axvcpu_backend->percpu->hardware_enable()) {
		this_cpu_write(hw_enabled, false);
		pr_warn("CPU%d: virtualization not enabled again after resume\n",
			smp_processor_id());
	}
}

#ifdef AXVCPU_HAVE_SYSCORE_DATA		/* struct syscore, in 6.12.y and later */
static int axvcpu_syscore_suspend(void *data)
{
	return axvcpu_suspend();
}

static void axvcpu_syscore_resume(void *data)
{
	axvcpu_resume();
}

static const struct syscore_ops axvcpu_syscore_ops = {
	.suspend	= axvcpu_syscore_suspend,
	.resume		= axvcpu_syscore_resume,
};

static struct syscore axvcpu_syscore = {
	.ops = &axvcpu_syscore_ops,
};

static void syscore_on(bool on)
{
	if (on)
		register_syscore(&axvcpu_syscore);
	else
		unregister_syscore(&axvcpu_syscore);
}
#else
static struct syscore_ops axvcpu_syscore_ops = {
	.suspend	= axvcpu_suspend,
	.resume		= axvcpu_resume,
};

static void syscore_on(bool on)
{
	if (on)
		register_syscore_ops(&axvcpu_syscore_ops);
	else
		unregister_syscore_ops(&axvcpu_syscore_ops);
}
#endif

/**
 * axvcpu_hw_enabled_here() - whether this CPU has virtualization on
 *
 * It is off on a CPU going offline from the moment its teardown callback
 * ran: CPUHP_AP_ONLINE_DYN, the state a module can have, is torn down
 * before CPUHP_AP_SCHED_WAIT_EMPTY, where the scheduler waits for the
 * CPU's last tasks to leave (KVM's own CPUHP_AP_KVM_ONLINE comes after
 * it), though after CPUHP_AP_ACTIVE, from which on the scheduler pushes
 * user tasks off the CPU (balance_push()). See vcpu_sched_in().
 *
 * Context: preemption disabled.
 * Return: true if hardware_enable succeeded here and was not undone.
 */
bool axvcpu_hw_enabled_here(void)
{
	return this_cpu_read(hw_enabled);
}

/**
 * axvcpu_hw_get() - have virtualization enabled on every CPU, for a VM
 *
 * The first user enables it on every online CPU (and on CPUs that come
 * online later); if one refuses, none stays enabled.
 *
 * Context: may sleep.
 * Return: 0, or the refusing CPU's errno (-EBUSY: another hypervisor).
 */
int axvcpu_hw_get(void)
{
	int r = 0;

	mutex_lock(&hw_lock);
	if (!hw_users) {
		r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "axvcpu:online",
				      axvcpu_cpu_online, axvcpu_cpu_offline);
		if (r >= 0) {
			hp_state = r;
			syscore_on(true);
			r = 0;
		}
	}
	if (!r)
		hw_users++;
	mutex_unlock(&hw_lock);
	return r;
}

/**
 * axvcpu_hw_put() - drop what axvcpu_hw_get() took
 *
 * The last user disables virtualization on every CPU.
 *
 * Context: may sleep.
 */
void axvcpu_hw_put(void)
{
	mutex_lock(&hw_lock);
	if (!--hw_users) {
		syscore_on(false);
		cpuhp_remove_state(hp_state);
	}
	mutex_unlock(&hw_lock);
}
