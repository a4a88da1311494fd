// SPDX-License-Identifier: GPL-2.0
/*
 * The backend of this module load, and per-CPU virtualization (the seed's
 * AxArchPerCpu): enabled on every online CPU, from CPU hotplug callbacks,
 * only while at least one VM exists, as KVM does with
 * kvm.enable_virt_at_load=0, so that the two can take turns in one boot.
 */
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>

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
	if (!--hw_users)
		cpuhp_remove_state(hp_state);
	mutex_unlock(&hw_lock);
}
