// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_vcpu: the generic vCPU state machine against the
 * mock backend: every legal and illegal transition, sticky Invalid, the
 * per-CPU current vCPU and its nesting check, and the run-loop counters.
 */
#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mock.h"

struct vcpu_ctx {
	struct axvcpu_vcpu vcpu;
	struct axvcpu_run *run;
};

static struct axvcpu_vcpu *new_vcpu(struct kunit *test)
{
	struct vcpu_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->run = kunit_kzalloc(test, sizeof(*c->run), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->run);
	c->vcpu.run = c->run;
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_init(&c->vcpu, &axvcpu_mock_backend,
					       NULL, 0), 0);
	return &c->vcpu;
}

static struct axvcpu_mock *mock(struct axvcpu_vcpu *vcpu)
{
	return vcpu->arch;
}

static void free_vcpu(struct axvcpu_vcpu *vcpu)
{
	axvcpu_vcpu_destroy(vcpu);
}

static const struct axvcpu_setup no_cfg;

/* A vCPU set up and Free. */
static struct axvcpu_vcpu *free_vcpu_ready(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = new_vcpu(test);

	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_set_entry(vcpu, 0x1000), 0);
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_setup(vcpu, &no_cfg), 0);
	return vcpu;
}

/*
 * axvcpu_vcpu_run() for the tests of the entry itself. These hold
 * preemption off around it (to stay bound), so a reschedule the tick
 * raises meanwhile would keep it from entering (see
 * run_defers_to_pending_work): drop one that is pending, with interrupts
 * off so that no tick raises it again before the final check; the
 * scheduler raises it anew at its next tick.
 */
static int run_now(struct axvcpu_vcpu *vcpu)
{
	local_irq_disable();
	clear_tsk_need_resched(current);
	clear_preempt_need_resched();
	return axvcpu_vcpu_run(vcpu);	/* enables interrupts */
}

static void vcpu_init_starts_created(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = new_vcpu(test);

	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_CREATED);
	KUNIT_EXPECT_EQ(test, vcpu->cpu, -1);
	KUNIT_EXPECT_FALSE(test, vcpu->entry_set);
	free_vcpu(vcpu);
}

static void set_entry_only_once(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = new_vcpu(test);

	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_set_entry(vcpu, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_set_entry(vcpu, 0x2000), -EEXIST);
	KUNIT_EXPECT_EQ(test, mock(vcpu)->calls[MOCK_SET_ENTRY], 1);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_CREATED);
	free_vcpu(vcpu);
}

static void setup_without_entry_rejected(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = new_vcpu(test);

	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_setup(vcpu, &no_cfg), -ENOEXEC);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_CREATED);
	KUNIT_EXPECT_EQ(test, mock(vcpu)->calls[MOCK_SETUP], 0);
	free_vcpu(vcpu);
}

/*
 * The seed's order: set_entry, then setup (the stage-2 root is the VM's,
 * set up by the backend's vm_init).
 */
static void setup_calls_in_seed_order(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);
	struct axvcpu_mock *m = mock(vcpu);

	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_FREE);
	KUNIT_ASSERT_EQ(test, m->norder, 2);
	KUNIT_EXPECT_EQ(test, m->order[0], MOCK_SET_ENTRY);
	KUNIT_EXPECT_EQ(test, m->order[1], MOCK_SETUP);
	free_vcpu(vcpu);
}

static void setup_twice_rejected(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);

	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_setup(vcpu, &no_cfg), -EEXIST);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_set_entry(vcpu, 0x1000), -EEXIST);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_FREE);
	KUNIT_EXPECT_EQ(test, mock(vcpu)->calls[MOCK_SETUP], 1);
	free_vcpu(vcpu);
}

static void bind_before_setup_rejected(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = new_vcpu(test);
	int r;

	preempt_disable();
	r = axvcpu_vcpu_bind(vcpu);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, r, -ENOEXEC);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_CREATED);
	KUNIT_EXPECT_EQ(test, mock(vcpu)->calls[MOCK_BIND], 0);
	free_vcpu(vcpu);
}

static void run_requires_bind(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);

	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_run(vcpu), -EBUSY);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_FREE);
	KUNIT_EXPECT_EQ(test, mock(vcpu)->calls[MOCK_RUN], 0);
	free_vcpu(vcpu);
}

/* Free -> Ready -> Running -> Ready -> Free, current set while bound. */
static void lifecycle_bind_run_unbind(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);
	struct axvcpu_mock *m = mock(vcpu);
	int r;

	preempt_disable();
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_bind(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_READY);
	KUNIT_EXPECT_PTR_EQ(test, axvcpu_current(), vcpu);
	KUNIT_EXPECT_EQ(test, vcpu->cpu, smp_processor_id());
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_bind(vcpu), -EBUSY);

	r = run_now(vcpu);
	KUNIT_EXPECT_EQ(test, r, AXVCPU_EXIT_HALT);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_READY);
	KUNIT_EXPECT_TRUE(test, m->irqs_off_in_run);
	KUNIT_EXPECT_TRUE(test, m->in_guest_in_run);
	KUNIT_EXPECT_FALSE(test, vcpu->in_guest);
	KUNIT_EXPECT_FALSE(test, irqs_disabled());
	KUNIT_EXPECT_EQ(test, vcpu->run->exits, 1);

	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_FREE);
	KUNIT_EXPECT_NULL(test, axvcpu_current());
	KUNIT_EXPECT_EQ(test, vcpu->cpu, -1);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), -EBUSY);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, m->calls[MOCK_BIND], 1);
	KUNIT_EXPECT_EQ(test, m->calls[MOCK_UNBIND], 1);
	free_vcpu(vcpu);
}

static void run_counts_kernel_and_irq_exits(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);
	struct axvcpu_mock *m = mock(vcpu);

	preempt_disable();
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_bind(vcpu), 0);
	m->exit = AXVCPU_EXIT_NOTHING;
	KUNIT_EXPECT_EQ(test, run_now(vcpu), AXVCPU_EXIT_NOTHING);
	m->exit = AXVCPU_EXIT_EXTERNAL_INTERRUPT;
	KUNIT_EXPECT_EQ(test, run_now(vcpu), AXVCPU_EXIT_EXTERNAL_INTERRUPT);
	KUNIT_EXPECT_EQ(test, run_now(vcpu), AXVCPU_EXIT_EXTERNAL_INTERRUPT);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), 0);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, vcpu->run->exits, 3);
	KUNIT_EXPECT_EQ(test, vcpu->run->kernel_exits, 1);
	KUNIT_EXPECT_EQ(test, vcpu->run->host_irq_exits, 2);
	free_vcpu(vcpu);
}

/*
 * Work the thread must do first (here a reschedule, raised with preemption
 * off) stops the entry at the last, interrupts-off look: no guest entry,
 * no exit counted, the vCPU still Ready and not in guest mode.
 */
static void run_defers_to_pending_work(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);
	struct axvcpu_mock *m = mock(vcpu);

	preempt_disable();
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_bind(vcpu), 0);
	set_tsk_need_resched(current);
	KUNIT_EXPECT_TRUE(test, axvcpu_entry_work_pending());
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_run(vcpu), AXVCPU_EXIT_NOTHING);
	KUNIT_EXPECT_EQ(test, m->calls[MOCK_RUN], 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_READY);
	KUNIT_EXPECT_FALSE(test, vcpu->in_guest);
	KUNIT_EXPECT_FALSE(test, irqs_disabled());
	KUNIT_EXPECT_EQ(test, vcpu->run->exits, 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->kernel_exits, 0);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), 0);
	preempt_enable();
	cond_resched();
	free_vcpu(vcpu);
}

/* Bind @vcpu on this CPU and unbind it; what the backend was told. */
static bool bound_clean(struct kunit *test, struct axvcpu_vcpu *vcpu)
{
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_bind(vcpu), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), 0);
	return mock(vcpu)->tlb_clean_at_bind;
}

/*
 * The backend may keep its TLB entries at a bind only if the same vCPU
 * was the last one bound to this CPU (KVM's last_vcpu_ran) and the CPU
 * was not brought online since; the first bind anywhere is not clean.
 */
static void bind_tells_tlb_clean(struct kunit *test)
{
	struct axvcpu_vcpu *a = free_vcpu_ready(test);
	struct axvcpu_vcpu *b = free_vcpu_ready(test);

	KUNIT_EXPECT_NE(test, a->seq, b->seq);
	preempt_disable();
	KUNIT_EXPECT_FALSE(test, bound_clean(test, a));	/* first bind */
	KUNIT_EXPECT_TRUE(test, bound_clean(test, a));	/* same, again */
	KUNIT_EXPECT_FALSE(test, bound_clean(test, b));	/* another vCPU */
	KUNIT_EXPECT_FALSE(test, bound_clean(test, a));	/* b ran here */
	KUNIT_EXPECT_TRUE(test, bound_clean(test, a));
	a->last_cpu = -1;				/* as if it ran elsewhere */
	KUNIT_EXPECT_FALSE(test, bound_clean(test, a));
	KUNIT_EXPECT_TRUE(test, bound_clean(test, a));
	axvcpu_cpu_forget_vcpus();			/* CPU online again */
	KUNIT_EXPECT_FALSE(test, bound_clean(test, a));
	preempt_enable();
	free_vcpu(a);
	free_vcpu(b);
}

/* An arch failure makes the vCPU Invalid for good. */
static void setup_failure_is_sticky_invalid(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = new_vcpu(test);
	int r;

	mock(vcpu)->fail = MOCK_SETUP;
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_set_entry(vcpu, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_setup(vcpu, &no_cfg), -EIO);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_INVALID);

	mock(vcpu)->fail = -1;
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_setup(vcpu, &no_cfg), -EIO);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_set_entry(vcpu, 0x1000), -EIO);
	preempt_disable();
	r = axvcpu_vcpu_bind(vcpu);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, r, -EIO);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_run(vcpu), -EIO);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_INVALID);
	KUNIT_EXPECT_EQ(test, mock(vcpu)->calls[MOCK_BIND], 0);
	free_vcpu(vcpu);
}

static void bind_failure_is_invalid_and_not_current(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);
	int r;

	mock(vcpu)->fail = MOCK_BIND;
	preempt_disable();
	r = axvcpu_vcpu_bind(vcpu);
	KUNIT_EXPECT_NULL(test, axvcpu_current());
	preempt_enable();
	KUNIT_EXPECT_EQ(test, r, -EIO);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_INVALID);
	free_vcpu(vcpu);
}

/* A failed entry leaves it Invalid, but unbind still releases the CPU. */
static void run_failure_still_unbinds(struct kunit *test)
{
	struct axvcpu_vcpu *vcpu = free_vcpu_ready(test);
	struct axvcpu_mock *m = mock(vcpu);

	preempt_disable();
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_bind(vcpu), 0);
	m->fail = MOCK_RUN;
	KUNIT_EXPECT_EQ(test, run_now(vcpu), -EIO);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXVCPU_STATE_INVALID);
	KUNIT_EXPECT_FALSE(test, irqs_disabled());
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), -EIO);
	KUNIT_EXPECT_NULL(test, axvcpu_current());
	KUNIT_EXPECT_EQ(test, m->calls[MOCK_UNBIND], 1);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(vcpu), -EIO);
	KUNIT_EXPECT_EQ(test, m->calls[MOCK_UNBIND], 1);
	preempt_enable();
	free_vcpu(vcpu);
}

static int count_call(struct axvcpu_vcpu *vcpu, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* The seed panics on nesting; here it is an error that changes nothing. */
static void nested_current_vcpu_rejected(struct kunit *test)
{
	struct axvcpu_vcpu *a = free_vcpu_ready(test);
	struct axvcpu_vcpu *b = free_vcpu_ready(test);
	int calls = 0, r;

	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_call(b, count_call, &calls), 0);
	KUNIT_EXPECT_EQ(test, calls, 1);
	KUNIT_EXPECT_NULL(test, axvcpu_current());

	preempt_disable();
	KUNIT_ASSERT_EQ(test, axvcpu_vcpu_bind(a), 0);
	r = axvcpu_vcpu_bind(b);
	KUNIT_EXPECT_EQ(test, r, -EDEADLK);
	KUNIT_EXPECT_EQ(test, b->state, AXVCPU_STATE_FREE);
	KUNIT_EXPECT_EQ(test, mock(b)->calls[MOCK_BIND], 0);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_call(b, count_call, &calls), -EDEADLK);
	KUNIT_EXPECT_EQ(test, calls, 1);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(b), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, axvcpu_current(), a);
	KUNIT_EXPECT_EQ(test, axvcpu_vcpu_unbind(a), 0);
	preempt_enable();
	free_vcpu(a);
	free_vcpu(b);
}

static void mmio_read_value_extends(struct kunit *test)
{
	struct axvcpu_exit_mmio m = { .width = 1, .reg_width = 8, .signed_ext = 1 };

	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0x1234ff),
			0xffffffffffffffffULL);
	m.signed_ext = 0;
	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0x1234ff), 0xffULL);
	m.width = 2;
	m.signed_ext = 1;
	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0x8001),
			0xffffffffffff8001ULL);
	m.width = 4;
	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0x7fffffff),
			0x7fffffffULL);
	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0xdeadbeef80000000ULL),
			0xffffffff80000000ULL);
	m.reg_width = 4;
	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0xdeadbeef80000000ULL),
			0x80000000ULL);
	m.width = 8;
	m.reg_width = 8;
	KUNIT_EXPECT_EQ(test, axvcpu_mmio_read_value(&m, 0x8000000000000001ULL),
			0x8000000000000001ULL);
}

/* The discriminants are the seed's VCpuState values and the UAPI's. */
static void state_values_match_seed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, AXVCPU_STATE_INVALID, 0);
	KUNIT_EXPECT_EQ(test, AXVCPU_STATE_CREATED, 1);
	KUNIT_EXPECT_EQ(test, AXVCPU_STATE_FREE, 2);
	KUNIT_EXPECT_EQ(test, AXVCPU_STATE_READY, 3);
	KUNIT_EXPECT_EQ(test, AXVCPU_STATE_RUNNING, 4);
}

static struct kunit_case vcpu_cases[] = {
	KUNIT_CASE(vcpu_init_starts_created),
	KUNIT_CASE(set_entry_only_once),
	KUNIT_CASE(setup_without_entry_rejected),
	KUNIT_CASE(setup_calls_in_seed_order),
	KUNIT_CASE(setup_twice_rejected),
	KUNIT_CASE(bind_before_setup_rejected),
	KUNIT_CASE(run_requires_bind),
	KUNIT_CASE(lifecycle_bind_run_unbind),
	KUNIT_CASE(run_counts_kernel_and_irq_exits),
	KUNIT_CASE(run_defers_to_pending_work),
	KUNIT_CASE(bind_tells_tlb_clean),
	KUNIT_CASE(setup_failure_is_sticky_invalid),
	KUNIT_CASE(bind_failure_is_invalid_and_not_current),
	KUNIT_CASE(run_failure_still_unbinds),
	KUNIT_CASE(nested_current_vcpu_rejected),
	KUNIT_CASE(mmio_read_value_extends),
	KUNIT_CASE(state_values_match_seed),
	{}
};

static struct kunit_suite vcpu_suite = {
	.name = "axvcpu_vcpu",
	.test_cases = vcpu_cases,
};

kunit_test_suite(vcpu_suite);
