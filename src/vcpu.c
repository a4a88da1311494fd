// SPDX-License-Identifier: GPL-2.0
/*
 * The generic vCPU (the seed's AxVCpu): the state machine and the per-CPU
 * current vCPU. Every call into the backend's vCPU ops goes through here.
 *
 *   setup:  Created -> Free
 *   bind:   Free -> Ready
 *   run:    Ready -> Running -> Ready (at the exit)
 *   unbind: Ready -> Free
 *   an arch failure: any state -> Invalid (sticky)
 *
 * A call in the wrong state fails and changes nothing; an arch failure
 * leaves the vCPU Invalid, after which every call fails with -EIO.
 */
#include <linux/hrtimer.h>
#include <linux/irqflags.h>
#ifndef CONFIG_UML
#include <linux/kvm_host.h>
#endif
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/task_work.h>

#include "axvcpu.h"
#include "axvcpu_trace.h"

static DEFINE_PER_CPU(struct axvcpu_vcpu *, axvcpu_cur);
/* The @seq of the vCPU last bound to this CPU, 0 for none. */
static DEFINE_PER_CPU(u64, axvcpu_last_bound);
static atomic64_t axvcpu_seq;

/**
 * axvcpu_current() - the vCPU whose arch op runs on this CPU
 *
 * Context: preemption disabled, or inside a RUN of the vCPU (the preempt
 * notifier moves the current vCPU with the thread).
 * Return: the vCPU, or NULL.
 */
struct axvcpu_vcpu *axvcpu_current(void)
{
	return this_cpu_read(axvcpu_cur);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_current);

/**
 * axvcpu_set_current() - make @vcpu this CPU's current vCPU
 * @vcpu: the vCPU.
 *
 * Context: preemption disabled.
 * Return: 0, or -EDEADLK if another vCPU is current here (nesting is an
 * error, not a crash).
 */
int axvcpu_set_current(struct axvcpu_vcpu *vcpu)
{
	if (this_cpu_read(axvcpu_cur))
		return -EDEADLK;
	this_cpu_write(axvcpu_cur, vcpu);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_set_current);

/**
 * axvcpu_clear_current() - undo axvcpu_set_current()
 * @vcpu: the vCPU that is current.
 *
 * Context: preemption disabled.
 */
void axvcpu_clear_current(struct axvcpu_vcpu *vcpu)
{
	if (this_cpu_read(axvcpu_cur) == vcpu)
		this_cpu_write(axvcpu_cur, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_clear_current);

/**
 * axvcpu_vcpu_call() - run @fn with @vcpu current on this CPU
 * @vcpu: the vCPU.
 * @fn: the arch call; must not sleep.
 * @arg: passed to @fn.
 *
 * The seed's with_current_cpu_set().
 *
 * Return: what @fn returns, or -EDEADLK when nested.
 */
int axvcpu_vcpu_call(struct axvcpu_vcpu *vcpu,
		     int (*fn)(struct axvcpu_vcpu *vcpu, void *arg), void *arg)
{
	int r;

	preempt_disable();
	r = axvcpu_set_current(vcpu);
	if (!r) {
		r = fn(vcpu, arg);
		axvcpu_clear_current(vcpu);
	}
	preempt_enable();
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_call);

/* Errno for a call that needs state @want while the vCPU is in @state. */
static int state_errno(int state, int want)
{
	switch (state) {
	case AXVCPU_STATE_INVALID:
		return -EIO;
	case AXVCPU_STATE_CREATED:
		return want == AXVCPU_STATE_CREATED ? 0 : -ENOEXEC;
	case AXVCPU_STATE_RUNNING:
		return -EBUSY;
	default:
		return want == AXVCPU_STATE_CREATED ? -EEXIST : -EBUSY;
	}
}

/*
 * Move from @from to @to around @fn: the wrong state fails with nothing
 * changed; a failing @fn leaves the vCPU Invalid.
 */
static int transition(struct axvcpu_vcpu *vcpu, int from, int to,
		      int (*fn)(struct axvcpu_vcpu *vcpu, void *arg), void *arg)
{
	int r;

	if (vcpu->state != from)
		return state_errno(vcpu->state, from) ?: -EINVAL;
	r = fn ? fn(vcpu, arg) : 0;
	/* What @fn wrote first: axvcpu_vcpu_is_set_up() reads it without a lock. */
	smp_store_release(&vcpu->state, r ? AXVCPU_STATE_INVALID : to);
	return r;
}

static enum hrtimer_restart halt_timer_fn(struct hrtimer *t)
{
	struct axvcpu_vcpu *vcpu = container_of(t, struct axvcpu_vcpu, halt_timer);

	WRITE_ONCE(vcpu->wake, true);
	wake_up_interruptible(&vcpu->wq);
	return HRTIMER_NORESTART;
}

/**
 * axvcpu_vcpu_init() - create the arch vCPU (the seed's AxVCpu::new)
 * @vcpu: zeroed vCPU.
 * @be: backend.
 * @vm: owning VM.
 * @id: vCPU id.
 *
 * Allocates the backend's part (@be->vcpu_size bytes, zeroed) and lets
 * the backend's optional vcpu_create fill it.
 *
 * Return: 0 with @vcpu Created, -ENOMEM, or the backend's errno.
 */
int axvcpu_vcpu_init(struct axvcpu_vcpu *vcpu, const struct axvcpu_backend *be,
		     struct axvcpu_vm *vm, u32 id)
{
	int r;

	vcpu->arch = kzalloc(be->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu->arch)
		return -ENOMEM;
	vcpu->be = be;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	vcpu->last_cpu = -1;
	vcpu->seq = atomic64_inc_return(&axvcpu_seq);
	mutex_init(&vcpu->mutex);
	vcpu->state = AXVCPU_STATE_CREATED;
	init_waitqueue_head(&vcpu->wq);
	hrtimer_init(&vcpu->halt_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	vcpu->halt_timer.function = halt_timer_fn;
	r = be->ops->vcpu_create ? be->ops->vcpu_create(vcpu) : 0;
	if (r) {
		mutex_destroy(&vcpu->mutex);
		kfree(vcpu->arch);
		vcpu->arch = NULL;
	}
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_init);

/**
 * axvcpu_vcpu_is_set_up() - whether @v's setup (hart id, MPIDR) is valid
 * @v: a vCPU of the VM, from its @vcpus xarray.
 *
 * vCPUs are only added to a VM, and freed with it: walks of @vcpus need
 * no lock.
 *
 * Return: true if @v is set up and not Invalid; what its setup wrote may
 * then be read.
 */
bool axvcpu_vcpu_is_set_up(struct axvcpu_vcpu *v)
{
	/* Pairs with the release in transition(). */
	int state = smp_load_acquire(&v->state);

	return state != AXVCPU_STATE_CREATED && state != AXVCPU_STATE_INVALID;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_is_set_up);

/**
 * axvcpu_vcpu_destroy() - free the arch vCPU
 * @vcpu: a vCPU that is not bound.
 */
void axvcpu_vcpu_destroy(struct axvcpu_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->halt_timer);
	if (vcpu->s2_cache.n)
		axvcpu_s2_cache_free(&vcpu->vm->s2, &vcpu->s2_cache);
	if (vcpu->be->ops->vcpu_destroy)
		vcpu->be->ops->vcpu_destroy(vcpu);
	kfree(vcpu->arch);
	vcpu->arch = NULL;
	mutex_destroy(&vcpu->mutex);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_destroy);

static int do_set_entry(struct axvcpu_vcpu *vcpu, void *arg)
{
	return vcpu->be->ops->vcpu_set_entry(vcpu, *(u64 *)arg);
}

/**
 * axvcpu_vcpu_set_entry() - set the guest entry point, once, before setup
 * @vcpu: the vCPU, Created.
 * @entry: guest-physical entry point.
 *
 * Return: 0; -EEXIST if already set or set up; -EIO if Invalid; -EINVAL
 * (from the backend, nothing changed) for an unusable address.
 */
int axvcpu_vcpu_set_entry(struct axvcpu_vcpu *vcpu, u64 entry)
{
	int r;

	if (vcpu->state != AXVCPU_STATE_CREATED)
		return state_errno(vcpu->state, AXVCPU_STATE_CREATED);
	if (vcpu->entry_set)
		return -EEXIST;
	r = axvcpu_vcpu_call(vcpu, do_set_entry, &entry);
	if (!r)
		vcpu->entry_set = true;
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_set_entry);

static int do_setup(struct axvcpu_vcpu *vcpu, void *cfg)
{
	return vcpu->be->ops->vcpu_setup(vcpu, cfg);
}

static int setup_locked(struct axvcpu_vcpu *vcpu, void *cfg)
{
	return axvcpu_vcpu_call(vcpu, do_setup, cfg);
}

/**
 * axvcpu_vcpu_setup() - Created -> Free: the arch config
 * @vcpu: the vCPU.
 * @cfg: the setup config, already validated by the backend-independent
 *	ioctl code.
 *
 * Return: 0; -ENOEXEC if no entry was set; -EEXIST if already set up;
 * -EIO if Invalid; the errno of a config the backend's vcpu_check_setup
 * refuses, the vCPU still Created; a later backend failure leaves the
 * vCPU Invalid.
 */
int axvcpu_vcpu_setup(struct axvcpu_vcpu *vcpu, const struct axvcpu_setup *cfg)
{
	const struct axvcpu_arch_ops *ops = vcpu->be->ops;
	int r;

	if (vcpu->state == AXVCPU_STATE_CREATED && !vcpu->entry_set)
		return -ENOEXEC;
	/* A config the backend refuses changes nothing (the vCPU stays). */
	if (vcpu->state == AXVCPU_STATE_CREATED && ops->vcpu_check_setup) {
		r = ops->vcpu_check_setup(vcpu, cfg);
		if (r)
			return r;
	}
	return transition(vcpu, AXVCPU_STATE_CREATED, AXVCPU_STATE_FREE,
			  setup_locked, (void *)cfg);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_setup);

/**
 * axvcpu_vcpu_load() - make @vcpu current and let the backend bind it here
 * @vcpu: the vCPU.
 *
 * Tells the backend whether this CPU's TLB can hold only what @vcpu left
 * there (&struct axvcpu_vcpu.tlb_clean), as KVM's per-CPU last_vcpu_ran
 * and per-vCPU last CPU do, then records @vcpu as the last vCPU bound
 * here. No state check: for bind and the preempt notifier.
 *
 * Context: preemption disabled.
 * Return: 0, -EDEADLK (another vCPU current here), or the backend's errno.
 */
int axvcpu_vcpu_load(struct axvcpu_vcpu *vcpu)
{
	int cpu = smp_processor_id();
	int r = axvcpu_set_current(vcpu);

	if (r)
		return r;
	vcpu->tlb_clean = vcpu->last_cpu == cpu &&
			  this_cpu_read(axvcpu_last_bound) == vcpu->seq;
	r = vcpu->be->ops->vcpu_bind(vcpu);
	if (r) {
		axvcpu_clear_current(vcpu);
		return r;
	}
	this_cpu_write(axvcpu_last_bound, vcpu->seq);
	vcpu->last_cpu = cpu;
	WRITE_ONCE(vcpu->cpu, cpu);
	return 0;
}

/**
 * axvcpu_vcpu_put() - let the backend unbind @vcpu; it is no longer current
 * @vcpu: the vCPU, bound here.
 *
 * Context: preemption disabled.
 * Return: 0 or the backend's errno (unbound all the same).
 */
int axvcpu_vcpu_put(struct axvcpu_vcpu *vcpu)
{
	int r = vcpu->be->ops->vcpu_unbind(vcpu);

	axvcpu_clear_current(vcpu);
	WRITE_ONCE(vcpu->cpu, -1);
	return r;
}

/**
 * axvcpu_cpu_forget_vcpus() - this CPU's TLB has no known owner
 *
 * Called when the CPU's virtualization is enabled (again): the next vCPU
 * bound here is told its TLB is not clean.
 *
 * Context: preemption disabled (a CPU hotplug callback).
 */
void axvcpu_cpu_forget_vcpus(void)
{
	this_cpu_write(axvcpu_last_bound, 0);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_cpu_forget_vcpus);

static int do_bind(struct axvcpu_vcpu *vcpu, void *arg)
{
	return axvcpu_vcpu_load(vcpu);
}

/**
 * axvcpu_vcpu_bind() - Free -> Ready on this CPU; the vCPU becomes current
 * @vcpu: the vCPU.
 *
 * Context: preemption disabled; it stays current here until unbind (the
 * RUN ioctl's preempt notifier moves it if the thread migrates).
 * Return: 0; -EDEADLK if another vCPU is current here (nothing changes);
 * state errors as for setup; a backend failure leaves the vCPU Invalid.
 */
int axvcpu_vcpu_bind(struct axvcpu_vcpu *vcpu)
{
	if (vcpu->state == AXVCPU_STATE_FREE && axvcpu_current())
		return -EDEADLK;
	return transition(vcpu, AXVCPU_STATE_FREE, AXVCPU_STATE_READY,
			  do_bind, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_bind);

static int do_unbind(struct axvcpu_vcpu *vcpu, void *arg)
{
	return axvcpu_vcpu_put(vcpu);
}

/**
 * axvcpu_vcpu_unbind() - Ready -> Free
 * @vcpu: the vCPU, bound to this CPU.
 *
 * An Invalid vCPU that is still bound is unbound all the same.
 *
 * Context: preemption disabled.
 * Return: 0, a state errno, or the backend's errno (vCPU Invalid).
 */
int axvcpu_vcpu_unbind(struct axvcpu_vcpu *vcpu)
{
	if (vcpu->state == AXVCPU_STATE_INVALID) {
		if (vcpu->cpu >= 0)
			do_unbind(vcpu, NULL);
		return -EIO;
	}
	if (vcpu->state == AXVCPU_STATE_READY && axvcpu_current() != vcpu)
		return -EDEADLK;
	return transition(vcpu, AXVCPU_STATE_READY, AXVCPU_STATE_FREE,
			  do_unbind, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_unbind);

/**
 * axvcpu_entry_work_pending() - work the thread must do before guest entry
 *
 * What Linux does for a task on its way back to user mode and a vCPU
 * thread must not put off while it stays in RUN, KVM's
 * xfer_to_guest_mode_work_pending(): a signal (or TIF_NOTIFY_SIGNAL task
 * work), a reschedule, or queued task work (TIF_NOTIFY_RESUME). KVM runs
 * task work itself; task_work_run() is not exported to modules, so the
 * RUN loop leaves RUN with -EINTR for it and Linux runs it on the way out.
 * The rest of TIF_NOTIFY_RESUME (rseq, memcg and blkcg throttling) only
 * matters to user mode and waits for the return to it.
 *
 * Context: any; called with interrupts disabled for the final check.
 * Return: true if there is such work.
 */
bool axvcpu_entry_work_pending(void)
{
	return signal_pending(current) || need_resched() ||
	       task_work_pending(current);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_entry_work_pending);

/**
 * axvcpu_entry_work() - do the work axvcpu_entry_work_pending() looks for
 *
 * KVM's xfer_to_guest_mode_handle_work(), as far as a module can: a
 * signal or queued task work ends RUN (Linux runs the task work on the
 * way out); a reschedule is done here.
 *
 * Context: preemptible, the vCPU's preempt notifier armed.
 * Return: 0 when the guest may be entered, -EINTR to leave RUN.
 */
int axvcpu_entry_work(void)
{
	if (signal_pending(current) || task_work_pending(current))
		return -EINTR;
	if (need_resched())
		schedule();
	return 0;
}

/*
 * Guest mode for the rest of Linux, as KVM brackets it (the helpers of
 * <linux/kvm_host.h>, which any module may use): guest time accounting
 * (PF_VCPU: ticks taken in guest mode count as guest time, in /proc/stat
 * and the task's gtime) and an RCU quiescent state / context tracking's
 * guest state for nohz_full. UML, where the KUnit suites run, has neither.
 */
#ifdef CONFIG_UML
static inline void guest_timing_enter_irqoff(void) { }
static inline void guest_context_enter_irqoff(void) { }
static inline void guest_context_exit_irqoff(void) { }
static inline void guest_timing_exit_irqoff(void) { }
#endif

/**
 * axvcpu_vcpu_run() - Ready -> Running -> Ready: enter the guest once
 * @vcpu: the vCPU, bound and current on this CPU.
 *
 * With interrupts disabled, looks a last time for the thread's pending
 * work (axvcpu_entry_work_pending()): work raised after that look comes
 * with an IPI (signal_wake_up(), resched_curr(), axvcpu_vcpu_kick()) that
 * makes the guest exit at once, so none waits for the next host tick.
 * Then enters the guest as guest time and context, takes any host
 * interrupt that caused the exit (still as guest time, as KVM does: a
 * tick that came in guest mode is the guest's) and lets the backend
 * handle the exit.
 *
 * Context: preemption enabled (the vCPU's preempt notifier is armed) or
 * disabled; may sleep in the exit handler only in the former case.
 * Return: an AXVCPU_EXIT_* reason with its payload in the run page,
 * %AXVCPU_EXIT_NOTHING without entering the guest if the thread has work
 * to do first (the caller does it, see axvcpu_entry_work_pending()), or
 * a negative errno (state errors change nothing; backend failures leave
 * the vCPU Invalid).
 */
int axvcpu_vcpu_run(struct axvcpu_vcpu *vcpu)
{
	const struct axvcpu_arch_ops *ops = vcpu->be->ops;
	struct axvcpu_vcpu_stats *st = &vcpu->stats;
	u64 code = 0, info = 0, pc = 0, t0, t1;
	int r;

	if (vcpu->state != AXVCPU_STATE_READY)
		return state_errno(vcpu->state, AXVCPU_STATE_READY) ?: -EINVAL;
	if (axvcpu_current() != vcpu)
		return -EDEADLK;

	local_irq_disable();
	/* Pairs with the barrier in axvcpu_vcpu_kick(). */
	smp_store_mb(vcpu->in_guest, true);
	if (axvcpu_entry_work_pending()) {
		WRITE_ONCE(vcpu->in_guest, false);
		local_irq_enable();
		return AXVCPU_EXIT_NOTHING;
	}
	WRITE_ONCE(vcpu->state, AXVCPU_STATE_RUNNING);
	/* Tracing and clocks outside the guest context (RCU watching). */
	trace_axvcpu_entry(vcpu);
	t0 = local_clock();
	guest_timing_enter_irqoff();
	guest_context_enter_irqoff();
	r = ops->vcpu_run(vcpu);
	guest_context_exit_irqoff();
	t1 = local_clock();
	if (!r && ops->vcpu_exit_info && trace_axvcpu_exit_enabled())
		ops->vcpu_exit_info(vcpu, &code, &info, &pc);
	WRITE_ONCE(vcpu->in_guest, false);
	/*
	 * Let Linux take the host interrupt that may have caused the exit:
	 * its own irq path finds the source (the seed's irq_fetch and
	 * irq_handler are not needed).
	 */
	local_irq_enable();
	/* Also the instruction x86's STI shadow needs before the CLI. */
	if (!r) {
		axvcpu_count(&st->exits, &vcpu->run->exits);
		axvcpu_stat_add(&st->guest_time_ns, t1 - t0);
	}
	local_irq_disable();
	guest_timing_exit_irqoff();
	local_irq_enable();
	if (!r)
		r = ops->vcpu_handle_exit(vcpu, vcpu->run);

	if (r < 0) {
		WRITE_ONCE(vcpu->state, AXVCPU_STATE_INVALID);
		return r;
	}
	trace_axvcpu_exit(vcpu, r, code, info, pc);
	if (r == AXVCPU_EXIT_EXTERNAL_INTERRUPT)
		axvcpu_count(&st->host_irq_exits, &vcpu->run->host_irq_exits);
	else if (r == AXVCPU_EXIT_NOTHING)
		axvcpu_count(&st->kernel_exits, &vcpu->run->kernel_exits);
	WRITE_ONCE(vcpu->state, AXVCPU_STATE_READY);
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_run);

static void kick_ipi(void *unused)
{
}

static void kick(struct axvcpu_vcpu *vcpu, bool wait)
{
	int cpu;

	/*
	 * Order the caller's queueing store before the wake flag (pairs
	 * with the barrier in axvcpu_vcpu_halt(): a halt that misses the
	 * queued work sees the flag) and before the in_guest load (pairs
	 * with axvcpu_vcpu_run()).
	 */
	smp_mb();
	WRITE_ONCE(vcpu->wake, true);
	wake_up_interruptible(&vcpu->wq);
	if (!READ_ONCE(vcpu->in_guest))
		return;
	cpu = READ_ONCE(vcpu->cpu);
	if (cpu >= 0 && cpu != raw_smp_processor_id()) {
		atomic64_inc(&vcpu->stats.kicks);
		trace_axvcpu_kick(vcpu, cpu);
		smp_call_function_single(cpu, kick_ipi, NULL, wait);
	}
}

/**
 * axvcpu_vcpu_kick() - make a vCPU see work queued for it soon
 * @vcpu: the vCPU, after an interrupt or request was queued for it.
 *
 * The queueing store is ordered before the in_guest load here; the run
 * path sets in_guest before the backend samples the queue. Either the run
 * path sees the interrupt, or this sees in_guest and the IPI forces an exit
 * (an IPI arriving before guest entry stays pending and exits at once).
 * A vCPU halted in the kernel is woken.
 *
 * Context: process context, interrupts enabled.
 */
void axvcpu_vcpu_kick(struct axvcpu_vcpu *vcpu)
{
	kick(vcpu, false);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_kick);

/**
 * axvcpu_vcpu_kick_sync() - axvcpu_vcpu_kick(), and wait until a vCPU in
 *	guest mode has left it
 * @vcpu: the vCPU, after a request was queued for it that must be done
 *	before it runs guest code again (a remote TLB flush).
 *
 * When this returns, @vcpu is out of guest mode and will see the request
 * before it enters again, as KVM's requests with KVM_REQUEST_WAIT.
 *
 * Context: process context, interrupts enabled.
 */
void axvcpu_vcpu_kick_sync(struct axvcpu_vcpu *vcpu)
{
	kick(vcpu, true);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_kick_sync);

/**
 * axvcpu_halt_deadline() - when a guest timer @ticks ahead fires, host time
 * @ticks: counter ticks from now until the guest's deadline.
 * @hz: the counter's frequency.
 *
 * For a backend's @vcpu_halt_check.
 *
 * Return: ktime_get() plus @ticks in ns, KTIME_MAX if that overflows.
 */
ktime_t axvcpu_halt_deadline(u64 ticks, u64 hz)
{
	u64 ns = mul_u64_u64_div_u64(ticks, NSEC_PER_SEC, hz);
	ktime_t now = ktime_get();

	return ns >= KTIME_MAX - now ? KTIME_MAX : ktime_add_ns(now, ns);
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_halt_deadline);

/**
 * axvcpu_vcpu_halt() - wait out a guest halt in the kernel
 * @vcpu: the vCPU, bound and current, right after the backend returned
 *	%AXVCPU_EXIT_HALT (the halting instruction completed).
 *
 * Sleeps until an interrupt is deliverable to the guest (the backend's
 * vcpu_halt_check, re-asked after every wake: an injection or interrupt
 * line, an in-kernel IPI, the guest's timer through @vcpu->halt_timer) or
 * a signal is pending. The preempt notifier unbinds the vCPU while its
 * thread sleeps, as for any other preemption.
 *
 * Context: preemption enabled, the vCPU's mutex held.
 * Return: 0 when the guest can go on, -EINTR on a signal.
 */
int axvcpu_vcpu_halt(struct axvcpu_vcpu *vcpu)
{
	const struct axvcpu_arch_ops *ops = vcpu->be->ops;
	struct axvcpu_vcpu_stats *st = &vcpu->stats;
	u64 t0 = ktime_get_ns(), ns;
	unsigned int wakeups = 0;
	ktime_t timer;
	bool ready;
	int r = 0;

	axvcpu_count(&st->halt_exits, &vcpu->run->halts);
	trace_axvcpu_halt(vcpu);
	for (;;) {
		/*
		 * Clear the flag before looking at the backend's state: work
		 * queued after the look sets it again.
		 */
		WRITE_ONCE(vcpu->wake, false);
		smp_mb();	/* pairs with kick() */
		timer = KTIME_MAX;
		preempt_disable();
		ready = ops->vcpu_halt_check(vcpu, &timer);
		preempt_enable();
		if (ready)
			break;
		if (signal_pending(current)) {
			r = -EINTR;
			break;
		}
		if (timer != KTIME_MAX)
			hrtimer_start(&vcpu->halt_timer, timer, HRTIMER_MODE_ABS);
		wait_event_interruptible(vcpu->wq, READ_ONCE(vcpu->wake));
		hrtimer_cancel(&vcpu->halt_timer);
		wakeups++;
	}
	ns = ktime_get_ns() - t0;
	axvcpu_stat_add(&st->halt_wakeup, wakeups);
	axvcpu_stat_add(&st->halt_wait_ns, ns);
	trace_axvcpu_wake(vcpu, ns, wakeups, r);
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_vcpu_halt);

/**
 * axvcpu_mmio_read_value() - the register value an MMIO read completes with
 * @mmio: the access as the module decoded it (&struct axvcpu_vcpu.mmio_read:
 *	width and register width 1, 2, 4 or 8).
 * @data: the VMM's value, read once from the run page.
 *
 * Return: @data truncated to the access width, sign- or zero-extended, and
 * truncated to the register width.
 */
u64 axvcpu_mmio_read_value(const struct axvcpu_exit_mmio *mmio, u64 data)
{
	unsigned int bits = mmio->width * 8;
	u64 v = data;

	if (bits < 64) {
		v &= (1ULL << bits) - 1;
		if (mmio->signed_ext && (v & (1ULL << (bits - 1))))
			v |= ~0ULL << bits;
	}
	if (mmio->reg_width < 8)
		v &= (1ULL << (mmio->reg_width * 8)) - 1;
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(axvcpu_mmio_read_value);
