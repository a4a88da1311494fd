/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axvcpu internal types: the generic vCPU (the seed's AxVCpu), VMs and
 * their memory, and the contracts between the core and a backend: the arch
 * vCPU ops (AxArchVCpu), the per-CPU ops (AxArchPerCpu) and the HAL
 * (AxVCpuHal). See Documentation/design.rst.
 */
#ifndef _AXVCPU_H
#define _AXVCPU_H

#include <linux/bits.h>
#include <linux/hrtimer.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/maple_tree.h>
#include <linux/seqlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/axvcpu.h>

/*
 * The KUnit module reaches the core's internals through a symbol
 * namespace; kernels before 6.2 lack it (Kbuild tells).
 */
#ifdef AXVCPU_NO_KUNIT_VISIBILITY
#define EXPORT_SYMBOL_IF_KUNIT(symbol) EXPORT_SYMBOL_GPL(symbol)
#else
#include <kunit/visibility.h>
#endif

/* KVM's orders: riscv's KVM_MAX_VCPUS, x86's KVM_USER_MEM_SLOTS. */
#define AXVCPU_MAX_VCPUS	1024
#define AXVCPU_MAX_MEM_REGIONS	32764
#define AXVCPU_MAX_REGION_SIZE	BIT_ULL(32)

struct axvcpu_vcpu;
struct axvcpu_vm;

/* ------------------------------------------------------------------ HAL */

/**
 * struct axvcpu_hal - the frames of the stage-2 tables (the seed's AxVCpuHal)
 * @alloc_frames: allocate 2^@order zeroed, physically contiguous pages
 *	aligned to their size; returns the physical address or 0.
 * @dealloc_frames: free what @alloc_frames returned, with the same @order.
 * @phys_to_virt: kernel virtual address of a frame from @alloc_frames.
 * @virt_to_phys: inverse of @phys_to_virt.
 *
 * The one host service the core's stage-2 builder takes as a parameter,
 * so that KUnit can count and check every table page with a fake. The
 * Linux implementation is the page allocator. Everything else the seed's
 * HAL offers is Linux itself: the backends allocate their own structures
 * (VMCS, MSR bitmaps, per-CPU areas) from the kernel allocators, and a
 * host interrupt that ends a guest run is taken by Linux's own irq path
 * when the run loop enables interrupts (Documentation/design.rst).
 */
struct axvcpu_hal {
	phys_addr_t (*alloc_frames)(unsigned int order);
	void (*dealloc_frames)(phys_addr_t pa, unsigned int order);
	void *(*phys_to_virt)(phys_addr_t pa);
	phys_addr_t (*virt_to_phys)(void *va);
};

extern const struct axvcpu_hal axvcpu_linux_hal;

/* ------------------------------------------------------------ stage 2 */

/* Permissions of a stage-2 leaf. */
#define AXVCPU_S2_R	BIT(0)
#define AXVCPU_S2_W	BIT(1)
#define AXVCPU_S2_X	BIT(2)

/**
 * struct axvcpu_s2_format - one architecture's stage-2 page-table format
 * @name: printed at load, e.g. "Sv39x4".
 * @levels: number of table levels, root included.
 * @root_extra_bits: index bits the root has beyond 9 (riscv x4: 2); the
 *	root is then 2^@root_extra_bits pages.
 * @block_levels: 1 if 2 MiB blocks can be mapped at level 1, else 0.
 * @make_table: entry pointing at the next-level table at @pa.
 * @make_leaf: leaf entry mapping @pa with AXVCPU_S2_* @prot at @level:
 *	0 for a 4 KiB page, 1 for a 2 MiB block.
 * @is_leaf: whether the present entry @entry at @level >= 1 is a block.
 * @is_present: whether an entry is valid.
 * @entry_pa: physical address an entry points at.
 *
 * The guest-physical address space covers 12 + 9 * @levels +
 * @root_extra_bits bits.
 */
struct axvcpu_s2_format {
	const char *name;
	unsigned int levels;
	unsigned int root_extra_bits;
	unsigned int block_levels;
	u64 (*make_table)(phys_addr_t pa);
	u64 (*make_leaf)(phys_addr_t pa, unsigned int prot, unsigned int level);
	bool (*is_leaf)(u64 entry, unsigned int level);
	bool (*is_present)(u64 entry);
	phys_addr_t (*entry_pa)(u64 entry);
};

#define AXVCPU_S2_BLOCK_SIZE	BIT_ULL(21)
#define AXVCPU_S2_MAX_LEVELS	4

/**
 * struct axvcpu_stage2 - a VM's stage-2 tables
 * @fmt: the format.
 * @hal: where table pages come from.
 * @root: physical address of the root table.
 * @tables: table pages allocated, root included (for accounting).
 */
struct axvcpu_stage2 {
	const struct axvcpu_s2_format *fmt;
	const struct axvcpu_hal *hal;
	phys_addr_t root;
	unsigned long tables;
};

/**
 * struct axvcpu_s2_cache - table pages set aside for one mapping
 * @n: pages held.
 * @frames: their physical addresses.
 */
struct axvcpu_s2_cache {
	unsigned int n;
	phys_addr_t frames[AXVCPU_S2_MAX_LEVELS - 1];
};

unsigned int axvcpu_s2_phys_bits(const struct axvcpu_s2_format *fmt);
int axvcpu_s2_topup(struct axvcpu_stage2 *s2, struct axvcpu_s2_cache *c);
void axvcpu_s2_cache_free(struct axvcpu_stage2 *s2, struct axvcpu_s2_cache *c);
int axvcpu_s2_install(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t pa,
		      unsigned int prot, unsigned int level,
		      struct axvcpu_s2_cache *c);
bool axvcpu_s2_unmap_range(struct axvcpu_stage2 *s2, u64 gpa, u64 size);
phys_addr_t axvcpu_s2_prune_range(struct axvcpu_stage2 *s2, u64 gpa, u64 size);
void axvcpu_s2_free_pruned(struct axvcpu_stage2 *s2, phys_addr_t list);
int axvcpu_s2_init(struct axvcpu_stage2 *s2, const struct axvcpu_s2_format *fmt,
		   const struct axvcpu_hal *hal);
void axvcpu_s2_destroy(struct axvcpu_stage2 *s2);
int axvcpu_s2_map(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t pa,
		  unsigned int prot);
bool axvcpu_s2_unmap(struct axvcpu_stage2 *s2, u64 gpa);
bool axvcpu_s2_lookup(struct axvcpu_stage2 *s2, u64 gpa, u64 *entry);
bool axvcpu_s2_translate(struct axvcpu_stage2 *s2, u64 gpa, phys_addr_t *pa);

/* -------------------------------------------------------- memory regions */

/**
 * struct axvcpu_region - one guest memory region
 * @mn: the MMU notifier of [@uaddr, @uaddr + @size) in the VMM's address
 *	space, unless %AXVCPU_MEM_PINNED.
 * @vm: the VM.
 * @gpa: guest-physical base.
 * @size: bytes.
 * @uaddr: the VMM's address of the backing memory.
 * @flags: AXVCPU_MEM_* flags.
 * @retired: set under @vm->mmu_lock once the region left the VM: its
 *	notifier no longer touches the stage-2 (a region that replaced it
 *	may map the same addresses).
 * @npages: @size in pages.
 * @pages: the pinned pages (%AXVCPU_MEM_PINNED only).
 */
struct axvcpu_region {
	struct mmu_interval_notifier mn;
	struct axvcpu_vm *vm;
	u64 gpa;
	u64 size;
	u64 uaddr;
	u32 flags;
	bool retired;
	unsigned long npages;
	struct page **pages;
};

int axvcpu_region_check(const struct axvcpu_memory_region *mr,
			unsigned int phys_bits);
bool axvcpu_regions_conflict(struct maple_tree *mt, u64 gpa, u64 size,
			     const struct axvcpu_region *old);
int axvcpu_region_fault(struct axvcpu_vm *vm, struct axvcpu_region *r, u64 gpa,
			bool write, struct axvcpu_s2_cache *c);

/* ---------------------------------------------------------- statistics */

/* AXVCPU_EXIT_* reasons are 0 .. AXVCPU_NR_EXIT_REASONS - 1. */
#define AXVCPU_NR_EXIT_REASONS	(AXVCPU_EXIT_MEMORY_FAULT + 1)

/**
 * struct axvcpu_vcpu_stats - a vCPU's counters (its stats fd, stats.c)
 * @exits: every exit of the guest (as the run page's @exits).
 * @kernel_exits: exits handled in the module.
 * @host_irq_exits: exits for a host interrupt (or x86 NMI).
 * @user_exits: exits returned to the VMM, by AXVCPU_EXIT_* reason.
 * @halt_exits: halts waited out in the kernel (%AXVCPU_SETUP_KERNEL_HALT).
 * @halt_wakeup: wake-ups of the thread during those halts.
 * @halt_wait_ns: time spent in them.
 * @signal_exits: RUNs that ended with -EINTR.
 * @guest_time_ns: time in guest mode, entry to exit.
 * @s2_faults: stage-2 faults that mapped guest memory in the kernel.
 * @irq_injections: interrupts injected (%AXVCPU_VCPU_INJECT_INTERRUPT).
 * @irq_line_changes: %AXVCPU_VCPU_IRQ_LINE calls.
 * @kicks: IPIs sent to get the vCPU out of guest mode.
 *
 * The u64 counters are written only by the vCPU's thread, holding its
 * mutex, with WRITE_ONCE (axvcpu_stat_inc()); the atomics by any thread.
 * Readers take no lock (READ_ONCE, atomic64_read()).
 */
struct axvcpu_vcpu_stats {
	u64 exits;
	u64 kernel_exits;
	u64 host_irq_exits;
	u64 user_exits[AXVCPU_NR_EXIT_REASONS];
	u64 halt_exits;
	u64 halt_wakeup;
	u64 halt_wait_ns;
	u64 signal_exits;
	u64 guest_time_ns;
	u64 s2_faults;
	atomic64_t irq_injections;
	atomic64_t irq_line_changes;
	atomic64_t kicks;
};

/**
 * struct axvcpu_vm_stats - a VM's cumulative counters (its stats fd)
 * @s2_flushes: invalidations of the VM's stage-2 translations on every
 *	CPU (the backend's @vm_flush_s2).
 * @regions_set: successful %AXVCPU_VM_SET_MEMORY_REGION calls.
 *
 * Besides these, the stats fd shows instant values it reads from the VM
 * (vCPUs, regions, stage-2 table pages).
 */
struct axvcpu_vm_stats {
	atomic64_t s2_flushes;
	atomic64_t regions_set;
};

/* Add @n to a counter only the vCPU's thread writes. */
static inline void axvcpu_stat_add(u64 *stat, u64 n)
{
	WRITE_ONCE(*stat, *stat + n);
}

static inline void axvcpu_stat_inc(u64 *stat)
{
	axvcpu_stat_add(stat, 1);
}

/*
 * Count in @stat, one of the counters the run page shows too, and show
 * it there (@shown): the run page's copy is derived, whatever the VMM
 * wrote into it.
 */
static inline void axvcpu_count(u64 *stat, __u64 *shown)
{
	axvcpu_stat_inc(stat);
	WRITE_ONCE(*shown, *stat);
}

/* ----------------------------------------------------------------- VM */

/**
 * struct axvcpu_vm - a VM: memory regions, stage-2 tables and vCPUs
 * @ref: one reference per VM fd and per vCPU; the last put frees it all.
 * @id: VM id (for messages).
 * @be: the backend.
 * @mm: the address space of the process that created the VM (counted
 *	with mmgrab()): the regions' addresses are in it, and the VM's and
 *	vCPUs' ioctls fail with -EIO in any other (as KVM's do).
 * @lock: serialises region changes (@slots, @gpa_tree, @gpa_seq) and
 *	the insertion of @vcpus. Never held across guest entry nor on the
 *	fault path. Lock order: a vCPU's @mutex, then @lock, then the VMM's
 *	mmap_lock (faulting the VMM's pages in), then @mmu_lock.
 * @mmu_lock: serialises changes to @s2 (the fault path, region changes,
 *	the regions' MMU notifiers). Nothing allocates memory under it:
 *	reclaim may call a notifier of this VM (tables come from a struct
 *	axvcpu_s2_cache filled before). The backend's vm_flush_s2 runs under
 *	it.
 * @srcu: a region found by axvcpu_vm_find_region() stays allocated until
 *	the SRCU read section it was found in ends (a change waits for the
 *	readers before it unmaps and frees the old region, as KVM's memslot
 *	updates do).
 * @gpa_seq: odd while @gpa_tree changes, so that a lookup that misses
 *	meanwhile waits and looks again instead of calling an address MMIO
 *	that a region is moving to.
 * @slots: the regions by slot number (an xarray: slots are sparse).
 * @gpa_tree: the regions by guest-physical range (a maple tree: RCU-safe
 *	lookups in O(log n) of the regions, without @lock).
 * @s2: stage-2 tables built from the regions.
 * @vcpus: vCPUs by id (an xarray). A vCPU is only ever added, under
 *	@lock, and freed with the VM: xa_load() and xa_for_each() need no
 *	lock.
 * @pid: the creating process's pid (the stats fd's id).
 * @stats: counters of the VM's stats fd.
 * @arch: backend-private VM data.
 */
struct axvcpu_vm {
	struct kref ref;
	u32 id;
	const struct axvcpu_backend *be;
	struct mm_struct *mm;
	struct mutex lock;		/* regions, vcpus */
	struct mutex mmu_lock;		/* s2 */
	struct srcu_struct srcu;
	seqcount_t gpa_seq;
	struct xarray slots;
	struct maple_tree gpa_tree;
	struct axvcpu_stage2 s2;
	struct xarray vcpus;
	pid_t pid;
	struct axvcpu_vm_stats stats;
	void *arch;
};

int axvcpu_vm_read_guest(struct axvcpu_vm *vm, u64 gpa, void *buf, size_t len);
struct axvcpu_region *axvcpu_vm_find_region(struct axvcpu_vm *vm, u64 gpa);
struct axvcpu_vm *axvcpu_vm_create(const struct axvcpu_backend *be);
void axvcpu_vm_put(struct axvcpu_vm *vm);
int axvcpu_vm_set_region(struct axvcpu_vm *vm,
			 const struct axvcpu_memory_region *mr);
void axvcpu_vm_free_regions(struct axvcpu_vm *vm);

/* ---------------------------------------------------------- generic vCPU */

/**
 * struct axvcpu_vcpu - the generic vCPU (the seed's AxVCpu)
 * @vm: the VM; the vCPU holds a reference on it through its fd.
 * @id: vCPU id within the VM.
 * @be: the backend.
 * @state: AXVCPU_STATE_*; written with WRITE_ONCE under @mutex (or by
 *	the preempt notifier of the thread holding it), read with READ_ONCE
 *	without it by get-state and inject.
 * @mutex: serialises the vCPU ioctls; held across RUN, so every ioctl but
 *	inject and get-state fails with -EBUSY while the vCPU runs. Taken
 *	before the VM's lock (struct axvcpu_vm).
 * @entry_set: set_entry has been called.
 * @pending_read: exit reason whose result the next RUN completes, or 0.
 * @cpu: physical CPU the vCPU is bound to, or -1. Written with WRITE_ONCE
 *	by the vCPU's own thread (bind, unbind, the preempt notifier), read
 *	with READ_ONCE by any thread that kicks it.
 * @in_guest: the vCPU is between the last pending-work check and the
 *	exit; an interrupt injected then needs a kick. Written by the vCPU's
 *	thread in axvcpu_vcpu_run() (smp_store_mb, then WRITE_ONCE), read
 *	with READ_ONCE by axvcpu_vcpu_kick().
 * @seq: the vCPU's number among all vCPUs since the module loaded (from
 *	1, never reused), for the per-CPU record of the last vCPU there.
 * @last_cpu: the physical CPU the vCPU was last bound to, or -1.
 * @tlb_clean: set at each bind for the backend's @vcpu_bind: this CPU's
 *	TLB holds at most what this vCPU left there, because the vCPU was
 *	last bound here and no other vCPU was bound here since (nor was the
 *	CPU brought online since). Otherwise translations of the vCPU's VM
 *	that another vCPU, or this vCPU before it ran elsewhere, left here
 *	may be stale for it, and the backend flushes them.
 * @flags: AXVCPU_SETUP_* flags from setup.
 * @wake: something may have become deliverable since the vCPU last looked
 *	(set by axvcpu_vcpu_kick() and the halt timer, cleared by the halt).
 * @wq: where the vCPU's thread sleeps during an in-kernel halt.
 * @halt_timer: wakes the halted vCPU when the guest's timer fires.
 * @run: the run page shared with userspace.
 * @pn: preempt notifier moving the binding between CPUs during RUN.
 * @s2_cache: stage-2 table pages its faults set aside, kept across faults.
 * @mmio_read: the MMIO read of the pending read exit, as the backend
 *	decoded it (axvcpu_exit_mmio_read()); the completion uses this, not
 *	the run page's copy.
 * @stats: counters of the vCPU's stats fd.
 * @arch: backend-private vCPU data.
 */
struct axvcpu_vcpu {
	struct axvcpu_vm *vm;
	u32 id;
	const struct axvcpu_backend *be;
	int state;
	struct mutex mutex;		/* vCPU ioctls, held across RUN */
	bool entry_set;
	u32 pending_read;
	int cpu;
	u64 seq;
	int last_cpu;
	bool tlb_clean;
	bool in_guest;
	u32 flags;
	bool wake;
	wait_queue_head_t wq;
	struct hrtimer halt_timer;
	struct axvcpu_run *run;
	struct preempt_notifier pn;
	struct axvcpu_s2_cache s2_cache;
	struct axvcpu_exit_mmio mmio_read;
	struct axvcpu_vcpu_stats stats;
	void *arch;
};

/* ------------------------------------------------------------- backend */

/**
 * struct axvcpu_arch_ops - a backend's vCPU operations (the seed's AxArchVCpu)
 *
 * Unless noted, hooks are called with the vCPU's mutex held and with the
 * per-CPU current vCPU set to @vcpu (see axvcpu_current()), and return 0
 * or a negative errno.
 *
 * @vm_init: set up backend VM state in @vm->arch, which the core
 *	allocated zeroed (&struct axvcpu_backend.vm_size bytes) and frees: a
 *	VMID, and the register naming the VM's stage-2 root, which exists
 *	already (@vm->s2.root). May sleep; no mutex, no current.
 * @vm_destroy: undo @vm_init (optional). May sleep; no current.
 * @vm_flush_s2: stage-2 entries were removed: invalidate this VM's cached
 *	translations on every CPU. May sleep (IPIs); no current; called
 *	with the VM's lock held when a region changes, without it when the
 *	VM is freed.
 * @vcpu_create: optional: initialise @vcpu->arch, which the core
 *	allocated zeroed (&struct axvcpu_backend.vcpu_size bytes) and frees
 *	(the seed's new). May sleep; no mutex, no current.
 * @vcpu_destroy: optional: free what @vcpu_create allocated besides
 *	@vcpu->arch. May sleep; no mutex, no current.
 * @vcpu_set_entry: set the guest entry point; called once, before setup.
 * @vcpu_check_setup: optional: validate the arch part of the setup
 *	config before anything changes; an error fails SETUP with the vCPU
 *	still Created. No current.
 * @vcpu_setup: apply the arch part of the setup config (already checked).
 * @vcpu_bind: load the vCPU onto the current physical CPU. Preemption
 *	disabled. Flushes the TLB entries of the vCPU's VM on this CPU unless
 *	@vcpu->tlb_clean says they can only be its own, current ones.
 * @vcpu_unbind: save the vCPU's state off the current physical CPU.
 *	Preemption disabled.
 * @vcpu_run_begin: optional: once per RUN, bound, before the first entry,
 *	preemption enabled: take on state the thread keeps for the whole
 *	RUN rather than per entry or per bind (x86: the guest's FPU state
 *	becomes the thread's, as KVM's kvm_load_guest_fpu()). An error ends
 *	the RUN with it, the vCPU unbound.
 * @vcpu_run_end: optional: undo @vcpu_run_begin at the end of the RUN,
 *	still bound, preemption enabled.
 * @vcpu_run: enter the guest until it exits. Interrupts disabled, bound;
 *	pending injected interrupts must be evaluated here, after
 *	@vcpu->in_guest was set. Returns 0, or a negative errno if the entry
 *	itself failed.
 * @vcpu_handle_exit: handle the exit of the last @vcpu_run, with
 *	interrupts enabled and preemption enabled (the notifier keeps the
 *	vCPU bound). Returns an AXVCPU_EXIT_* reason, with its payload in
 *	@run; %AXVCPU_EXIT_NOTHING and %AXVCPU_EXIT_EXTERNAL_INTERRUPT
 *	resume the guest. A read exit records its destination in @run for
 *	@vcpu_complete_read. May sleep and take the VM's lock (through
 *	axvcpu_gpa_fault()).
 * @vcpu_complete_read: put the result of the read exit @reason, which the
 *	VMM stored in @run, into the guest. Called by the next RUN, which
 *	enters the guest next unless this returns an AXVCPU_EXIT_* reason
 *	(with its payload in @run): an exit the completion itself causes
 *	(riscv: the write half of a CSR read-modify-write), which that RUN
 *	returns without entering the guest.
 * @vcpu_get_regs: read the general-purpose registers and pc.
 * @vcpu_set_regs: write the general-purpose registers and pc.
 * @vcpu_inject_interrupt: queue @vector for the guest. Any context, no
 *	mutex, no current: it must only queue; the core kicks the vCPU.
 * @vcpu_set_return_value: value handed back to the guest's call.
 * @vcpu_halt_check: optional, needed for %AXVCPU_SETUP_KERNEL_HALT: the
 *	guest halted (%AXVCPU_EXIT_HALT); return true if an interrupt is
 *	deliverable to it now, else false with *@timer set to the host time
 *	(ktime_get()) its own timer fires at, or KTIME_MAX. Bound,
 *	preemption disabled.
 * @vcpu_irq_line: optional: drive the level-triggered line @vector
 *	(%AXVCPU_VCPU_IRQ_LINE). Any context, no mutex, no current, as
 *	@vcpu_inject_interrupt; the core kicks the vCPU.
 * @vcpu_get_one_reg: optional: read register @id (AXVCPU_REG_*) of a
 *	vCPU that is set up and not running; -ENOENT for an unknown @id.
 * @vcpu_set_one_reg: optional: write it; -ENOENT, -EPERM (read-only) or
 *	-EINVAL (a value the register cannot hold), nothing changed.
 * @vcpu_exit_info: optional: describe the exit of the last successful @vcpu_run for
 *	the exit tracepoint: the hardware's exit code in *@code and what
 *	qualifies it in *@info (riscv64: scause and stval; arm64: the
 *	VHE_EXIT_* exception kind and ESR_EL2; x86_64: VM_EXIT_REASON and
 *	EXIT_QUALIFICATION), the guest's pc in *@pc. Called right after
 *	@vcpu_run, interrupts still disabled, only while the tracepoint is
 *	enabled.
 */
struct axvcpu_arch_ops {
	int (*vm_init)(struct axvcpu_vm *vm);
	void (*vm_destroy)(struct axvcpu_vm *vm);
	void (*vm_flush_s2)(struct axvcpu_vm *vm);
	int (*vcpu_create)(struct axvcpu_vcpu *vcpu);
	void (*vcpu_destroy)(struct axvcpu_vcpu *vcpu);
	int (*vcpu_set_entry)(struct axvcpu_vcpu *vcpu, u64 entry);
	int (*vcpu_check_setup)(struct axvcpu_vcpu *vcpu,
				const struct axvcpu_setup *cfg);
	int (*vcpu_setup)(struct axvcpu_vcpu *vcpu,
			  const struct axvcpu_setup *cfg);
	int (*vcpu_bind)(struct axvcpu_vcpu *vcpu);
	int (*vcpu_unbind)(struct axvcpu_vcpu *vcpu);
	int (*vcpu_run_begin)(struct axvcpu_vcpu *vcpu);
	void (*vcpu_run_end)(struct axvcpu_vcpu *vcpu);
	int (*vcpu_run)(struct axvcpu_vcpu *vcpu);
	int (*vcpu_handle_exit)(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run);
	int (*vcpu_complete_read)(struct axvcpu_vcpu *vcpu, u32 reason,
				  struct axvcpu_run *run);
	void (*vcpu_get_regs)(struct axvcpu_vcpu *vcpu, struct axvcpu_regs *regs);
	int (*vcpu_set_regs)(struct axvcpu_vcpu *vcpu,
			     const struct axvcpu_regs *regs);
	int (*vcpu_inject_interrupt)(struct axvcpu_vcpu *vcpu, u32 vector);
	void (*vcpu_set_return_value)(struct axvcpu_vcpu *vcpu, u64 val);
	bool (*vcpu_halt_check)(struct axvcpu_vcpu *vcpu, ktime_t *timer);
	int (*vcpu_irq_line)(struct axvcpu_vcpu *vcpu, u32 vector, bool level);
	int (*vcpu_get_one_reg)(struct axvcpu_vcpu *vcpu, u64 id, u64 *val);
	int (*vcpu_set_one_reg)(struct axvcpu_vcpu *vcpu, u64 id, u64 val);
	void (*vcpu_exit_info)(struct axvcpu_vcpu *vcpu, u64 *code, u64 *info,
			       u64 *pc);
};

/**
 * struct axvcpu_percpu_ops - per-CPU hardware control (the seed's AxArchPerCpu)
 *
 * Called on the CPU concerned, from CPU hotplug callbacks, so that every
 * online CPU is enabled while at least one VM exists.
 *
 * @hardware_enable: take this CPU's virtualization hardware; -EBUSY with
 *	a one-line message if another hypervisor holds it.
 * @hardware_disable: give it back; called only on a CPU where
 *	@hardware_enable succeeded (the core keeps track).
 */
struct axvcpu_percpu_ops {
	int (*hardware_enable)(void);
	void (*hardware_disable)(void);
};

/**
 * struct axvcpu_backend - everything one architecture plugs in
 * @name: printed at load.
 * @id: AXVCPU_BACKEND_* value reported to userspace.
 * @probe: check the CPU once at load; -ENODEV with a logged reason if
 *	it lacks what the backend needs. May take host resources (irqs).
 * @remove: optional: release what @probe took, after every CPU was
 *	disabled. Called at unload, or when loading fails after @probe.
 * @ops: vCPU operations.
 * @percpu: per-CPU operations.
 * @s2_format: stage-2 page-table format, set by @probe.
 * @hal: host services.
 * @setup_size: bytes of struct axvcpu_setup's union the backend uses;
 *	the rest must be zero.
 * @vcpu_size: bytes of the backend's vCPU (@vcpu->arch), allocated
 *	zeroed and freed by the core.
 * @vm_size: bytes of the backend's VM (@vm->arch), likewise.
 * @setup_flags: the AXVCPU_SETUP_* flags the backend supports.
 * @check_cap: optional: the value of an arch-specific capability
 *	(AXVCPU_CAP_RISCV_ISA); -EINVAL for one the backend does not know.
 */
struct axvcpu_backend {
	const char *name;
	u32 id;
	int (*probe)(void);
	void (*remove)(void);
	const struct axvcpu_arch_ops *ops;
	const struct axvcpu_percpu_ops *percpu;
	const struct axvcpu_s2_format *s2_format;
	const struct axvcpu_hal *hal;
	size_t setup_size;
	size_t vcpu_size;
	size_t vm_size;
	u32 setup_flags;
	int (*check_cap)(u32 cap, u64 *value);
};

/* The backend's @vm_flush_s2, counted. */
static inline void axvcpu_vm_flush_s2(struct axvcpu_vm *vm)
{
	atomic64_inc(&vm->stats.s2_flushes);
	vm->be->ops->vm_flush_s2(vm);
}

extern const struct axvcpu_backend *axvcpu_backend;
extern const struct axvcpu_backend axvcpu_riscv_backend;
extern const struct axvcpu_backend axvcpu_arm64_backend;
extern const struct axvcpu_backend axvcpu_x86_backend;

/* Generic vCPU: the state machine of Documentation/design.rst. */
int axvcpu_vcpu_init(struct axvcpu_vcpu *vcpu, const struct axvcpu_backend *be,
		     struct axvcpu_vm *vm, u32 id);
void axvcpu_vcpu_destroy(struct axvcpu_vcpu *vcpu);
int axvcpu_vcpu_set_entry(struct axvcpu_vcpu *vcpu, u64 entry);
int axvcpu_vcpu_setup(struct axvcpu_vcpu *vcpu, const struct axvcpu_setup *cfg);
int axvcpu_vcpu_bind(struct axvcpu_vcpu *vcpu);
int axvcpu_vcpu_unbind(struct axvcpu_vcpu *vcpu);
bool axvcpu_entry_work_pending(void);
int axvcpu_entry_work(void);
int axvcpu_vcpu_run(struct axvcpu_vcpu *vcpu);
int axvcpu_vcpu_call(struct axvcpu_vcpu *vcpu,
		     int (*fn)(struct axvcpu_vcpu *vcpu, void *arg), void *arg);
bool axvcpu_vcpu_is_set_up(struct axvcpu_vcpu *v);
void axvcpu_vcpu_kick(struct axvcpu_vcpu *vcpu);
void axvcpu_vcpu_kick_sync(struct axvcpu_vcpu *vcpu);
int axvcpu_vcpu_halt(struct axvcpu_vcpu *vcpu);
ktime_t axvcpu_halt_deadline(u64 ticks, u64 hz);
struct axvcpu_vcpu *axvcpu_current(void);
int axvcpu_set_current(struct axvcpu_vcpu *vcpu);
int axvcpu_vcpu_load(struct axvcpu_vcpu *vcpu);
int axvcpu_vcpu_put(struct axvcpu_vcpu *vcpu);
void axvcpu_cpu_forget_vcpus(void);
void axvcpu_clear_current(struct axvcpu_vcpu *vcpu);
u64 axvcpu_mmio_read_value(const struct axvcpu_exit_mmio *mmio, u64 data);

/* Exit payloads and stage-2 fault classification (exit.c). */
int axvcpu_exit_internal_error(struct axvcpu_run *run, u32 suberror, u64 d0,
			       u64 d1);
int axvcpu_exit_npf(struct axvcpu_run *run, u64 gpa, u32 access);
int axvcpu_exit_mmio_read(struct axvcpu_vcpu *vcpu, u64 gpa, u32 width,
			  u32 reg, u32 reg_width, bool sign);
int axvcpu_exit_mmio_write(struct axvcpu_run *run, u64 gpa, u32 width,
			   u64 data);
/* axvcpu_gpa_fault(): an MMIO access, for the backend to decode. */
#define AXVCPU_GPA_MMIO		0x10000
int axvcpu_gpa_fault(struct axvcpu_vcpu *vcpu, struct axvcpu_run *run,
		     u64 gpa, u32 access, bool walk);
int axvcpu_tags_get(struct ida *ida, unsigned int max);
void axvcpu_tags_put(struct ida *ida, unsigned int tag);

/* Per-CPU virtualization, on while VMs exist. */
int axvcpu_hw_get(void);
bool axvcpu_hw_enabled_here(void);
void axvcpu_hw_put(void);

/* Files and devices. */
int axvcpu_vm_stats_fd(struct axvcpu_vm *vm);
int axvcpu_vcpu_stats_fd(struct axvcpu_vcpu *vcpu);
int axvcpu_vm_create_fd(const struct axvcpu_backend *be);
int axvcpu_vcpu_create_fd(struct axvcpu_vm *vm, u32 id);
void axvcpu_vcpu_fd_init(void);
void axvcpu_vcpu_fd_exit(void);
int axvcpu_dev_register(void);
void axvcpu_dev_unregister(void);

#endif /* _AXVCPU_H */
