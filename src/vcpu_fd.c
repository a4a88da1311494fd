// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd: ioctls, the mmap()ed run page and the RUN loop.
 *
 * RUN binds the vCPU to the current CPU, loops over the exits the module
 * handles itself and unbinds, so the vCPU is Free between RUNs. While it
 * runs, a preempt notifier unbinds it when its thread is scheduled out and
 * binds it again wherever the thread resumes, as KVM's vcpu_load/put do.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "axvcpu.h"
#include "axvcpu_trace.h"

/* ------------------------------------------------------ preempt notifier */

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct axvcpu_vcpu *vcpu = container_of(pn, struct axvcpu_vcpu, pn);

	/*
	 * A CPU going offline whose virtualization is off already
	 * (axvcpu_hw_enabled_here()): the scheduler pushes user tasks off
	 * a CPU from the moment it is no longer active, before that, so
	 * this is not expected; should it happen, the thread stays unbound
	 * (sched_out has nothing to undo) and binds where it is moved.
	 */
	if (!axvcpu_hw_enabled_here())
		return;
	if (axvcpu_vcpu_load(vcpu))
		WRITE_ONCE(vcpu->state, AXVCPU_STATE_INVALID);
}

static void vcpu_sched_out(struct preempt_notifier *pn,
			   struct task_struct *next)
{
	struct axvcpu_vcpu *vcpu = container_of(pn, struct axvcpu_vcpu, pn);

	if (vcpu->cpu < 0)
		return;
	if (axvcpu_vcpu_put(vcpu))
		WRITE_ONCE(vcpu->state, AXVCPU_STATE_INVALID);
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in	= vcpu_sched_in,
	.sched_out	= vcpu_sched_out,
};

/* ----------------------------------------------------------------- RUN */

static bool is_read_exit(int reason)
{
	return reason == AXVCPU_EXIT_MMIO_READ ||
	       reason == AXVCPU_EXIT_SYSREG_READ ||
	       reason == AXVCPU_EXIT_IO_READ;
}

/* The value the VMM left for the read exit @reason. */
static u64 read_exit_value(const struct axvcpu_run *run, u32 reason)
{
	switch (reason) {
	case AXVCPU_EXIT_MMIO_READ:
		return READ_ONCE(run->mmio.data);
	case AXVCPU_EXIT_SYSREG_READ:
		return READ_ONCE(run->sysreg.value);
	default:
		return READ_ONCE(run->io.data);
	}
}

static int do_complete_read(struct axvcpu_vcpu *vcpu, void *arg)
{
	if (trace_axvcpu_complete_read_enabled())
		trace_axvcpu_complete_read(vcpu, vcpu->pending_read,
					   read_exit_value(vcpu->run,
							   vcpu->pending_read));
	return vcpu->be->ops->vcpu_complete_read(vcpu, vcpu->pending_read,
						 vcpu->run);
}

/* RUN returns exit @reason to the VMM. */
static void user_exit(struct axvcpu_vcpu *vcpu, int reason)
{
	vcpu->run->exit_reason = reason;
	axvcpu_stat_inc(&vcpu->stats.user_exits[reason]);
	if (is_read_exit(reason))
		vcpu->pending_read = reason;
}

static int vcpu_run(struct axvcpu_vcpu *vcpu)
{
	const struct axvcpu_arch_ops *ops = vcpu->be->ops;
	struct axvcpu_run *run = vcpu->run;
	bool begun = false;
	int r, ur;

	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state == AXVCPU_STATE_CREATED)
		return -ENOEXEC;

	/*
	 * Complete a read exit with the value the VMM left in the run page;
	 * a completion that causes an exit of its own returns it at once.
	 */
	if (vcpu->pending_read) {
		r = axvcpu_vcpu_call(vcpu, do_complete_read, NULL);
		if (r < 0)
			return r;
		vcpu->pending_read = 0;
		if (r) {
			axvcpu_count(&vcpu->stats.exits, &run->exits);
			user_exit(vcpu, r);
			return 0;
		}
	}
	if (READ_ONCE(run->immediate_exit)) {
		axvcpu_stat_inc(&vcpu->stats.signal_exits);
		return -EINTR;
	}

	preempt_disable();
	r = axvcpu_vcpu_bind(vcpu);
	if (!r)
		preempt_notifier_register(&vcpu->pn);
	preempt_enable();
	if (r)
		return r;
	r = ops->vcpu_run_begin ? ops->vcpu_run_begin(vcpu) : 0;
	begun = !r;

	while (begun) {
		/*
		 * The thread's work, before every entry; axvcpu_vcpu_run()
		 * looks again with interrupts off and enters nothing if more
		 * came.
		 */
		r = axvcpu_entry_work();
		if (r)
			break;
		r = axvcpu_vcpu_run(vcpu);
		if (r < 0)
			break;
		if (r == AXVCPU_EXIT_NOTHING || r == AXVCPU_EXIT_EXTERNAL_INTERRUPT)
			continue;
		if (r == AXVCPU_EXIT_HALT && (vcpu->flags & AXVCPU_SETUP_KERNEL_HALT)) {
			axvcpu_count(&vcpu->stats.kernel_exits, &run->kernel_exits);
			r = axvcpu_vcpu_halt(vcpu);
			if (r)
				break;
			continue;
		}
		user_exit(vcpu, r);
		r = 0;
		break;
	}
	if (r == -EINTR)
		axvcpu_stat_inc(&vcpu->stats.signal_exits);
	if (begun && ops->vcpu_run_end)
		ops->vcpu_run_end(vcpu);

	preempt_disable();
	preempt_notifier_unregister(&vcpu->pn);
	ur = axvcpu_vcpu_unbind(vcpu);
	preempt_enable();
	return r ?: ur;
}

/* -------------------------------------------------------------- ioctls */

static int do_get_regs(struct axvcpu_vcpu *vcpu, void *regs)
{
	vcpu->be->ops->vcpu_get_regs(vcpu, regs);
	return 0;
}

static int do_set_regs(struct axvcpu_vcpu *vcpu, void *regs)
{
	return vcpu->be->ops->vcpu_set_regs(vcpu, regs);
}

static int do_set_return_value(struct axvcpu_vcpu *vcpu, void *val)
{
	vcpu->be->ops->vcpu_set_return_value(vcpu, *(u64 *)val);
	return 0;
}

static int vcpu_setup(struct axvcpu_vcpu *vcpu, void __user *argp)
{
	const struct axvcpu_backend *be = vcpu->be;
	struct axvcpu_setup cfg;
	unsigned int i;

	int r;

	if (copy_from_user(&cfg, argp, sizeof(cfg)))
		return -EFAULT;
	if (cfg.arch != be->id || (cfg.flags & ~be->setup_flags))
		return -EINVAL;
	for (i = be->setup_size / sizeof(u64); i < ARRAY_SIZE(cfg.reserved); i++)
		if (cfg.reserved[i])
			return -EINVAL;
	r = axvcpu_vcpu_setup(vcpu, &cfg);
	if (!r)
		vcpu->flags = cfg.flags;
	return r;
}

static int do_get_one_reg(struct axvcpu_vcpu *vcpu, void *reg)
{
	struct axvcpu_one_reg *o = reg;

	return vcpu->be->ops->vcpu_get_one_reg(vcpu, o->id, &o->value);
}

static int do_set_one_reg(struct axvcpu_vcpu *vcpu, void *reg)
{
	struct axvcpu_one_reg *o = reg;

	return vcpu->be->ops->vcpu_set_one_reg(vcpu, o->id, o->value);
}

static int vcpu_one_reg(struct axvcpu_vcpu *vcpu, unsigned int cmd,
			void __user *argp)
{
	const struct axvcpu_arch_ops *ops = vcpu->be->ops;
	bool get = cmd == AXVCPU_VCPU_GET_ONE_REG;
	struct axvcpu_one_reg o;
	int r;

	if (copy_from_user(&o, argp, sizeof(o)))
		return -EFAULT;
	if (vcpu->state == AXVCPU_STATE_CREATED)
		return -ENOEXEC;
	if (get ? !ops->vcpu_get_one_reg : !ops->vcpu_set_one_reg)
		return -ENOENT;
	r = axvcpu_vcpu_call(vcpu, get ? do_get_one_reg : do_set_one_reg, &o);
	if (!r && get && copy_to_user(argp, &o, sizeof(o)))
		return -EFAULT;
	return r;
}

static long vcpu_ioctl_locked(struct axvcpu_vcpu *vcpu, unsigned int cmd,
			      void __user *argp)
{
	struct axvcpu_regs regs;
	u64 val;
	int r;

	if (vcpu->state == AXVCPU_STATE_INVALID)
		return -EIO;

	switch (cmd) {
	case AXVCPU_VCPU_SET_ENTRY:
		if (copy_from_user(&val, argp, sizeof(val)))
			return -EFAULT;
		return axvcpu_vcpu_set_entry(vcpu, val);
	case AXVCPU_VCPU_SETUP:
		return vcpu_setup(vcpu, argp);
	case AXVCPU_VCPU_GET_REGS:
		memset(&regs, 0, sizeof(regs));
		r = axvcpu_vcpu_call(vcpu, do_get_regs, &regs);
		if (!r && copy_to_user(argp, &regs, sizeof(regs)))
			return -EFAULT;
		return r;
	case AXVCPU_VCPU_SET_REGS:
		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		return axvcpu_vcpu_call(vcpu, do_set_regs, &regs);
	case AXVCPU_VCPU_SET_RETURN_VALUE:
		if (copy_from_user(&val, argp, sizeof(val)))
			return -EFAULT;
		if (vcpu->state == AXVCPU_STATE_CREATED)
			return -ENOEXEC;
		return axvcpu_vcpu_call(vcpu, do_set_return_value, &val);
	case AXVCPU_VCPU_RUN:
		return vcpu_run(vcpu);
	case AXVCPU_VCPU_GET_ONE_REG:
	case AXVCPU_VCPU_SET_ONE_REG:
		return vcpu_one_reg(vcpu, cmd, argp);
	default:
		return -ENOTTY;
	}
}

/* Like an injection: any thread, also while the vCPU runs. */
static long vcpu_irq_line(struct axvcpu_vcpu *vcpu, void __user *argp)
{
	const struct axvcpu_arch_ops *ops = vcpu->be->ops;
	struct axvcpu_irq_line line;
	int r;

	if (copy_from_user(&line, argp, sizeof(line)))
		return -EFAULT;
	if (line.level > 1 || !ops->vcpu_irq_line)
		return -EINVAL;
	if (READ_ONCE(vcpu->state) == AXVCPU_STATE_INVALID)
		return -EIO;
	r = ops->vcpu_irq_line(vcpu, line.vector, line.level);
	if (!r) {
		atomic64_inc(&vcpu->stats.irq_line_changes);
		trace_axvcpu_irq_line(vcpu, line.vector, line.level);
		axvcpu_vcpu_kick(vcpu);
	}
	return r;
}

static long vcpu_inject(struct axvcpu_vcpu *vcpu, void __user *argp)
{
	struct axvcpu_interrupt irq;
	int r;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.flags)
		return -EINVAL;
	if (READ_ONCE(vcpu->state) == AXVCPU_STATE_INVALID)
		return -EIO;
	r = vcpu->be->ops->vcpu_inject_interrupt(vcpu, irq.vector);
	if (!r) {
		atomic64_inc(&vcpu->stats.irq_injections);
		trace_axvcpu_inject(vcpu, irq.vector);
		axvcpu_vcpu_kick(vcpu);
	}
	return r;
}

static long vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct axvcpu_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	struct axvcpu_vcpu_state st = {};
	long r;

	/* Guest memory is in the VM's process: as KVM 6.12, EIO elsewhere. */
	if (vcpu->vm->mm != current->mm)
		return -EIO;
	/* These work from any thread, also while the vCPU runs. */
	switch (cmd) {
	case AXVCPU_VCPU_GET_STATE:
		st.state = READ_ONCE(vcpu->state);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	case AXVCPU_VCPU_INJECT_INTERRUPT:
		return vcpu_inject(vcpu, argp);
	case AXVCPU_VCPU_IRQ_LINE:
		return vcpu_irq_line(vcpu, argp);
	case AXVCPU_VCPU_GET_STATS_FD:
		return axvcpu_vcpu_stats_fd(vcpu);
	case AXVCPU_VCPU_SET_ENTRY:
	case AXVCPU_VCPU_SETUP:
	case AXVCPU_VCPU_GET_REGS:
	case AXVCPU_VCPU_SET_REGS:
	case AXVCPU_VCPU_SET_RETURN_VALUE:
	case AXVCPU_VCPU_RUN:
	case AXVCPU_VCPU_GET_ONE_REG:
	case AXVCPU_VCPU_SET_ONE_REG:
		break;
	default:
		return -ENOTTY;
	}

	/* Never wait for a running vCPU: its RUN may last forever. */
	if (!mutex_trylock(&vcpu->mutex))
		return -EBUSY;
	r = vcpu_ioctl_locked(vcpu, cmd, argp);
	mutex_unlock(&vcpu->mutex);
	return r;
}

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct axvcpu_vcpu *vcpu = file->private_data;

	if (vma->vm_pgoff || vma_pages(vma) != 1 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/*
	 * The VMM's alone: not inherited by a fork()ed child, which could
	 * otherwise write the fields a RUN of the parent reads, and never
	 * grown by mremap() past the one page.
	 */
#ifdef AXVCPU_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND);
#else
	vma->vm_flags |= VM_DONTCOPY | VM_DONTEXPAND;	/* before 6.3 */
#endif
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vcpu->run));
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct axvcpu_vcpu *vcpu = file->private_data;

	axvcpu_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vcpu_release,
	.unlocked_ioctl	= vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vcpu_mmap,
	.llseek		= noop_llseek,
};

/**
 * axvcpu_vcpu_create_fd() - create vCPU @id of @vm and return an fd for it
 * @vm: the VM; the new fd holds a reference on it.
 * @id: vCPU id, below %AXVCPU_MAX_VCPUS.
 *
 * The vCPU belongs to the VM and is freed with it.
 *
 * Return: the fd, -EEXIST if @id exists, or another negative errno.
 */
int axvcpu_vcpu_create_fd(struct axvcpu_vm *vm, u32 id)
{
	struct axvcpu_vcpu *vcpu;
	int fd, err;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}
	preempt_notifier_init(&vcpu->pn, &vcpu_preempt_ops);
	err = axvcpu_vcpu_init(vcpu, vm->be, vm, id);
	if (err)
		goto err_free;

	mutex_lock(&vm->lock);
	if (xa_load(&vm->vcpus, id)) {
		err = -EEXIST;
		goto err_unlock;
	}
	/*
	 * As KVM 6.12 does: reserve the slot, make the fd, then publish the
	 * vCPU, which lock-free walks of @vm->vcpus see only from then on.
	 */
	err = xa_reserve(&vm->vcpus, id, GFP_KERNEL_ACCOUNT);
	if (err)
		goto err_unlock;
	kref_get(&vm->ref);
	fd = anon_inode_getfd("axvcpu-vcpu", &vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		xa_release(&vm->vcpus, id);
		/* Not the last reference: the caller's VM fd holds one. */
		axvcpu_vm_put(vm);
		err = fd;
		goto err_unlock;
	}
	/* A reserved entry: storing allocates nothing and cannot fail. */
	xa_store(&vm->vcpus, id, vcpu, 0);
	mutex_unlock(&vm->lock);
	return fd;

err_unlock:
	mutex_unlock(&vm->lock);
	axvcpu_vcpu_destroy(vcpu);
err_free:
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	return err;
}

/* Armed once for the module's lifetime: the notifiers cost nothing unused. */
void axvcpu_vcpu_fd_init(void)
{
	preempt_notifier_inc();
}

void axvcpu_vcpu_fd_exit(void)
{
	preempt_notifier_dec();
}
