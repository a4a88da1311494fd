// SPDX-License-Identifier: GPL-2.0
/*
 * Stats fds: a VM's or a vCPU's counters in the layout of KVM's binary
 * statistics (include/uapi/linux/axvcpu.h, "Binary statistics"). The
 * header, id and descriptors are built once when the fd is made; each
 * read fills in the values from the counters, without the vCPU's mutex.
 * The fd holds a reference on the VM, which keeps its vCPUs too.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "axvcpu.h"

#define CUMULATIVE	(AXVCPU_STATS_TYPE_CUMULATIVE | AXVCPU_STATS_UNIT_NONE)
#define INSTANT		(AXVCPU_STATS_TYPE_INSTANT | AXVCPU_STATS_UNIT_NONE)
#define NS		(AXVCPU_STATS_TYPE_CUMULATIVE | AXVCPU_STATS_UNIT_SECONDS)

/* How a value is read: a u64 of its writer's thread, an atomic, computed. */
enum stat_kind { STAT_U64, STAT_ATOMIC, STAT_FN };

struct stat_def {
	const char *name;
	u32 flags;
	s16 exponent;
	enum stat_kind kind;
	size_t offset;			/* in the stats struct */
	u64 (*fn)(void *obj);		/* STAT_FN, on the VM or vCPU */
};

#define U64(n, field)		{ n, CUMULATIVE, 0, STAT_U64, \
				  offsetof(struct axvcpu_vcpu_stats, field) }
#define U64_NS(n, field)	{ n, NS, -9, STAT_U64, \
				  offsetof(struct axvcpu_vcpu_stats, field) }
#define VCPU_ATOMIC(n, field)	{ n, CUMULATIVE, 0, STAT_ATOMIC, \
				  offsetof(struct axvcpu_vcpu_stats, field) }
#define USER_EXIT(r, name)	U64("exits_" name, user_exits[AXVCPU_EXIT_##r])

static const struct stat_def vcpu_stats[] = {
	U64("exits", exits),
	U64("kernel_exits", kernel_exits),
	U64("host_irq_exits", host_irq_exits),
	USER_EXIT(NOTHING, "nothing"),
	USER_EXIT(HYPERCALL, "hypercall"),
	USER_EXIT(MMIO_READ, "mmio_read"),
	USER_EXIT(MMIO_WRITE, "mmio_write"),
	USER_EXIT(SYSREG_READ, "sysreg_read"),
	USER_EXIT(SYSREG_WRITE, "sysreg_write"),
	USER_EXIT(IO_READ, "io_read"),
	USER_EXIT(IO_WRITE, "io_write"),
	USER_EXIT(EXTERNAL_INTERRUPT, "external_interrupt"),
	USER_EXIT(NESTED_PAGE_FAULT, "nested_page_fault"),
	USER_EXIT(HALT, "halt"),
	USER_EXIT(CPU_UP, "cpu_up"),
	USER_EXIT(CPU_DOWN, "cpu_down"),
	USER_EXIT(SYSTEM_DOWN, "system_down"),
	USER_EXIT(FAIL_ENTRY, "fail_entry"),
	USER_EXIT(SEND_IPI, "send_ipi"),
	USER_EXIT(INTERNAL_ERROR, "internal_error"),
	USER_EXIT(MEMORY_FAULT, "memory_fault"),
	U64("halt_exits", halt_exits),
	U64("halt_wakeup", halt_wakeup),
	U64_NS("halt_wait_ns", halt_wait_ns),
	U64("signal_exits", signal_exits),
	U64_NS("guest_time_ns", guest_time_ns),
	U64("s2_faults", s2_faults),
	VCPU_ATOMIC("irq_injections", irq_injections),
	VCPU_ATOMIC("irq_line_changes", irq_line_changes),
	VCPU_ATOMIC("kicks", kicks),
};

/* Entries of @xa; its own RCU walk, without the VM's lock. */
static u64 xa_entries(struct xarray *xa)
{
	unsigned long i;
	void *entry;
	u64 n = 0;

	xa_for_each(xa, i, entry)
		n++;
	return n;
}

static u64 vm_nr_vcpus(void *obj)
{
	return xa_entries(&((struct axvcpu_vm *)obj)->vcpus);
}

static u64 vm_nr_regions(void *obj)
{
	return xa_entries(&((struct axvcpu_vm *)obj)->slots);
}

static u64 vm_s2_tables(void *obj)
{
	struct axvcpu_vm *vm = obj;

	/* Changed under the VM's mmu_lock; a racy read is a snapshot. */
	return data_race(vm->s2.tables);
}

static const struct stat_def vm_stats[] = {
	{ "vcpus", INSTANT, 0, STAT_FN, 0, vm_nr_vcpus },
	{ "memory_regions", INSTANT, 0, STAT_FN, 0, vm_nr_regions },
	{ "s2_table_pages", INSTANT, 0, STAT_FN, 0, vm_s2_tables },
	{ "s2_flushes", CUMULATIVE, 0, STAT_ATOMIC,
	  offsetof(struct axvcpu_vm_stats, s2_flushes) },
	{ "regions_set", CUMULATIVE, 0, STAT_ATOMIC,
	  offsetof(struct axvcpu_vm_stats, regions_set) },
};

/* stats_read() fills the values of either kind on the stack. */
static_assert(ARRAY_SIZE(vm_stats) <= ARRAY_SIZE(vcpu_stats));

/**
 * struct stats_file - one stats fd
 * @vm: the VM, referenced.
 * @obj: the VM or the vCPU, for STAT_FN.
 * @stats: its stats struct.
 * @defs: its counters.
 * @n: how many.
 * @size: bytes of the whole file.
 * @data_offset: where the values start; @image holds everything before.
 * @image: header, id and descriptors.
 */
struct stats_file {
	struct axvcpu_vm *vm;
	void *obj;
	void *stats;
	const struct stat_def *defs;
	unsigned int n;
	size_t size;
	size_t data_offset;
	u8 image[];
};

#define DESC_SIZE	(sizeof(struct axvcpu_stats_desc) + AXVCPU_STATS_NAME_SIZE)

static u64 stat_value(const struct stats_file *sf, const struct stat_def *d)
{
	void *p = sf->stats + d->offset;

	switch (d->kind) {
	case STAT_U64:
		return READ_ONCE(*(u64 *)p);
	case STAT_ATOMIC:
		return atomic64_read(p);
	default:
		return d->fn(sf->obj);
	}
}

static ssize_t stats_read(struct file *file, char __user *buf, size_t len,
			  loff_t *ppos)
{
	const struct stats_file *sf = file->private_data;
	u64 data[ARRAY_SIZE(vcpu_stats)];
	loff_t pos = *ppos;
	size_t done = 0, n;
	unsigned int i;

	if (pos < 0)
		return -EINVAL;
	if (pos >= sf->size || !len)
		return 0;
	len = min_t(size_t, len, sf->size - pos);
	if (pos < sf->data_offset) {
		n = min_t(size_t, len, sf->data_offset - pos);
		if (copy_to_user(buf, sf->image + pos, n))
			return -EFAULT;
		done = n;
		pos += n;
	}
	if (done < len) {
		for (i = 0; i < sf->n; i++)
			data[i] = stat_value(sf, &sf->defs[i]);
		n = len - done;
		if (copy_to_user(buf + done,
				 (u8 *)data + (pos - sf->data_offset), n))
			return -EFAULT;
		done += n;
	}
	*ppos += done;
	return done;
}

static int stats_release(struct inode *inode, struct file *file)
{
	struct stats_file *sf = file->private_data;

	axvcpu_vm_put(sf->vm);
	kfree(sf);
	return 0;
}

static const struct file_operations stats_fops = {
	.owner		= THIS_MODULE,
	.read		= stats_read,
	.release	= stats_release,
	.llseek		= noop_llseek,
};

static int stats_fd(struct axvcpu_vm *vm, void *obj, void *stats,
		    const struct stat_def *defs, unsigned int n, const char *id)
{
	struct axvcpu_stats_header *h;
	struct stats_file *sf;
	struct file *file;
	size_t desc_offset = sizeof(*h) + AXVCPU_STATS_NAME_SIZE;
	size_t data_offset = desc_offset + n * DESC_SIZE;
	unsigned int i;
	int fd;

	sf = kzalloc(struct_size(sf, image, data_offset), GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	sf->vm = vm;
	sf->obj = obj;
	sf->stats = stats;
	sf->defs = defs;
	sf->n = n;
	sf->data_offset = data_offset;
	sf->size = data_offset + n * sizeof(u64);
	h = (struct axvcpu_stats_header *)sf->image;
	h->name_size = AXVCPU_STATS_NAME_SIZE;
	h->num_desc = n;
	h->id_offset = sizeof(*h);
	h->desc_offset = desc_offset;
	h->data_offset = data_offset;
	strscpy(sf->image + h->id_offset, id, AXVCPU_STATS_NAME_SIZE);
	for (i = 0; i < n; i++) {
		struct axvcpu_stats_desc *d;

		d = (void *)(sf->image + desc_offset + i * DESC_SIZE);
		d->flags = defs[i].flags;
		d->exponent = defs[i].exponent;
		d->size = 1;
		d->offset = i * sizeof(u64);
		strscpy(d->name, defs[i].name, AXVCPU_STATS_NAME_SIZE);
	}

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err;
	file = anon_inode_getfile("axvcpu-stats", &stats_fops, sf, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err;
	}
	/* Read with pread(), as KVM's stats fds are. */
	file->f_mode |= FMODE_PREAD;
	kref_get(&vm->ref);
	fd_install(fd, file);
	return fd;
err:
	kfree(sf);
	return fd;
}

/**
 * axvcpu_vm_stats_fd() - a new stats fd of @vm (%AXVCPU_VM_GET_STATS_FD)
 * @vm: the VM.
 *
 * Return: the fd, or a negative errno.
 */
int axvcpu_vm_stats_fd(struct axvcpu_vm *vm)
{
	char id[AXVCPU_STATS_NAME_SIZE];

	snprintf(id, sizeof(id), "axvcpu-%d", vm->pid);
	return stats_fd(vm, vm, &vm->stats, vm_stats, ARRAY_SIZE(vm_stats), id);
}

/**
 * axvcpu_vcpu_stats_fd() - a new stats fd of @vcpu (%AXVCPU_VCPU_GET_STATS_FD)
 * @vcpu: the vCPU.
 *
 * Return: the fd, or a negative errno.
 */
int axvcpu_vcpu_stats_fd(struct axvcpu_vcpu *vcpu)
{
	char id[AXVCPU_STATS_NAME_SIZE];

	snprintf(id, sizeof(id), "axvcpu-%d/vcpu-%u", vcpu->vm->pid, vcpu->id);
	return stats_fd(vcpu->vm, vcpu, &vcpu->stats, vcpu_stats,
			ARRAY_SIZE(vcpu_stats), id);
}
