// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input and fd lifetime tests of the /dev/axvcpu system, VM and
 * vCPU file descriptors. Every rejected call is checked for its exact errno
 * and for having changed nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "axvcpu_util.h"
#include "axvcpu_stats.h"

#define ENTRY_GPA	0x80000000ULL
#define A_GPA		0x100000ULL
#define B_GPA		0x200000ULL
#define MEM_PAGES	32
#define PROBE_SLOT	3
#define PROBE_PAGE	(MEM_PAGES - 1)
#define LOOPS		200
#define MANY_VMS	16

/*
 * What the tests know of each backend's guest ABI (Documentation/api.rst
 * and the backend pages). A backend without a profile gets the
 * arch-neutral checks only, and the tests that need one skip.
 */
struct arch_profile {
	__u64 backend;
	__u64 phys_bits;		/* AXVCPU_CAP_MAX_GUEST_PHYS_BITS */
	__u64 pt_levels;		/* AXVCPU_CAP_GUEST_PT_LEVELS */
	size_t setup_size;		/* its part of struct axvcpu_setup */
	__u64 entry_align;		/* SET_ENTRY alignment */
	int id_reg;			/* register SETUP puts the CPU id in, or -1 */
	int arg_reg;			/* register SETUP puts the argument in */
	int ret_reg;			/* SET_RETURN_VALUE's register */
	unsigned int nr_gprs;		/* gprs[] in use; SET_REGS wants the rest 0 */
	bool zero_reg0;			/* gprs[0] is hardwired to zero */
	__u64 pstate;			/* flags a fresh vCPU reports */
	__u64 bad_flags[4];		/* SET_REGS flags rejected */
	__u32 good_vectors[4];		/* INJECT_INTERRUPT accepts */
	__u32 bad_vectors[16];		/* and rejects (0-terminated after [0]) */
	__u64 setup_flags;		/* AXVCPU_CAP_SETUP_FLAGS */
	bool irq_line;			/* AXVCPU_CAP_IRQ_LINE */
	__u32 line_min, line_max;	/* the lines: these vectors, */
	__u32 line_not;			/* but this one (0: none) */
	bool one_reg;			/* AXVCPU_CAP_ONE_REG */
};

static const struct arch_profile profiles[] = {
	{
		.backend = AXVCPU_BACKEND_RISCV_H, .phys_bits = 41, .pt_levels = 3,
		.setup_size = sizeof(struct axvcpu_setup_riscv),
		.entry_align = 2, .id_reg = 10, .arg_reg = 11, .ret_reg = 10,
		.nr_gprs = 32, .zero_reg0 = true, .pstate = 0,
		.bad_flags = { 1, 1ULL << 63, ~0ULL, 2 },
		.good_vectors = { 1, 5, 9, 1 },
		.bad_vectors = { 0, 2, 3, 4, 6, 7, 8, 10, 11, 13, 16, 32, 255,
				 0x80000001, ~0U },
		.setup_flags = AXVCPU_SETUP_KERNEL_HALT | AXVCPU_SETUP_KERNEL_IPI,
		.irq_line = true, .line_min = 9, .line_max = 9,
		.one_reg = true,
	},
	{
		.backend = AXVCPU_BACKEND_ARM64_VHE, .phys_bits = 40, .pt_levels = 3,
		.setup_size = sizeof(struct axvcpu_setup_arm64),
		.entry_align = 4, .id_reg = -1, .arg_reg = 0, .ret_reg = 0,
		.nr_gprs = 32, .zero_reg0 = false,
		.pstate = 0x3c5,			/* EL1h, DAIF masked */
		/* EL2h, AArch32 EL0, a RES0 bit, EL3h */
		.bad_flags = { 0x3c9, 0x3d0, 1ULL << 63, 0x3cd },
		.good_vectors = { 0, 15, 27, 1019 },
		.bad_vectors = { 1020, 1023, 4096, 0x80000001, ~0U },
		.setup_flags = AXVCPU_SETUP_KERNEL_HALT | AXVCPU_SETUP_KERNEL_IPI,
		/* PPIs and SPIs but the virtual timer's, the module's own. */
		.irq_line = true, .line_min = 16, .line_max = 1019, .line_not = 27,
	},
	{
		/* SETUP as PROT32 (vcpu_setup()): the entry is the pc. */
		.backend = AXVCPU_BACKEND_X86_VMX, .phys_bits = 48, .pt_levels = 4,
		.setup_size = sizeof(struct axvcpu_setup_x86),
		.entry_align = 1, .id_reg = -1, .arg_reg = 6, .ret_reg = 0,
		.nr_gprs = 16, .zero_reg0 = false,
		.pstate = 0x2,				/* rflags: bit 1 only */
		/* a reserved bit, VM, bit 1 clear, a reserved bit */
		.bad_flags = { 1ULL << 63, 0x20002, 0, 1ULL << 22 | 2 },
		.good_vectors = { 32, 64, 128, 255 },
		.bad_vectors = { 0, 1, 14, 31, 256, 0x80000001, ~0U },
	},
};

#define NO_PROFILE	"no guest ABI profile for this backend"

static const struct arch_profile *profile_of(__u64 backend)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(profiles); i++)
		if (profiles[i].backend == backend)
			return &profiles[i];
	return NULL;
}

FIXTURE(axvcpu) {
	int fd;
	int vm;
	int vcpu;
	size_t page;
	char *mem;
	__u64 backend;
	__u64 max_vcpus;
	__u64 max_regions;
	__u64 pt_levels;
	__u64 run_page_size;
	__u64 phys_bits;
	__u64 max_region_size;
	const struct arch_profile *arch;
};

FIXTURE_SETUP(axvcpu)
{
	int err;

	self->vm = -1;
	self->vcpu = -1;
	self->page = getpagesize();
	self->fd = axvcpu_open();
	if (self->fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENXIO || err == ENODEV || err == EACCES ||
		    err == EPERM)
			SKIP(return, "cannot open " AXVCPU_DEV ": %s", strerror(err));
		ASSERT_LE(0, self->fd) TH_LOG("open " AXVCPU_DEV ": %s", strerror(err));
	}
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_BACKEND, &self->backend));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_MAX_VCPUS, &self->max_vcpus));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_MAX_MEM_REGIONS,
				      &self->max_regions));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_GUEST_PT_LEVELS,
				      &self->pt_levels));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_RUN_PAGE_SIZE,
				      &self->run_page_size));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_MAX_GUEST_PHYS_BITS,
				      &self->phys_bits));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_MAX_REGION_SIZE,
				      &self->max_region_size));
	ASSERT_LE(2ULL, self->max_vcpus);
	ASSERT_LE(PROBE_SLOT + 1ULL, self->max_regions);
	ASSERT_LT(32ULL, self->phys_bits);
	self->arch = profile_of(self->backend);

	self->mem = axvcpu_alloc(MEM_PAGES * self->page);
	ASSERT_NE(NULL, self->mem);
	self->vm = axvcpu_create_vm(self->fd);
	ASSERT_LE(0, self->vm);
	self->vcpu = axvcpu_create_vcpu(self->vm, 0);
	ASSERT_LE(0, self->vcpu);
}

FIXTURE_TEARDOWN(axvcpu)
{
	if (self->vcpu >= 0)
		close(self->vcpu);
	if (self->vm >= 0)
		close(self->vm);
	if (self->fd >= 0)
		close(self->fd);
	if (self->mem)
		munmap(self->mem, MEM_PAGES * self->page);
}

/* CLOCK_MONOTONIC in ms, for the figures the scale tests log. */
static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Page @i of the fixture's memory. */
static void *mem_at(FIXTURE_DATA(axvcpu) * self, unsigned int i)
{
	return self->mem + i * self->page;
}

static long set_entry(int vcpu, __u64 gpa)
{
	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_SET_ENTRY, &gpa);
}

/*
 * SETUP as CPU @id (riscv hart id, arm64 MPIDR, x86 APIC id) with the boot
 * argument @arg and AXVCPU_SETUP_* @flags; x86 in 32-bit protected mode,
 * where the pc is the entry.
 */
static long vcpu_setup_flags(FIXTURE_DATA(axvcpu) * self, int vcpu, __u64 id,
			     __u64 arg, __u32 flags)
{
	struct axvcpu_setup s = { .arch = self->backend, .flags = flags };

	if (self->backend == AXVCPU_BACKEND_ARM64_VHE) {
		s.arm64.mpidr = id;
		s.arm64.x[0] = arg;
	} else if (self->backend == AXVCPU_BACKEND_X86_VMX) {
		s.x86.mode = AXVCPU_X86_MODE_PROT32;
		s.x86.apic_id = id;
		s.x86.rsi = arg;
	} else {
		s.riscv.hartid = id;
		s.riscv.arg = arg;
	}

	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_SETUP, &s);
}

static long vcpu_setup(FIXTURE_DATA(axvcpu) * self, int vcpu, __u64 id, __u64 arg)
{
	return vcpu_setup_flags(self, vcpu, id, arg, 0);
}

/* SET_ENTRY at ENTRY_GPA then SETUP as hart @hartid: 0 or -errno. */
static long vcpu_start(FIXTURE_DATA(axvcpu) * self, int vcpu, __u64 hartid)
{
	long ret = set_entry(vcpu, ENTRY_GPA);

	return ret ? ret : vcpu_setup(self, vcpu, hartid, 0);
}

static long get_regs(int vcpu, struct axvcpu_regs *r)
{
	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_GET_REGS, r);
}

static long set_regs(int vcpu, struct axvcpu_regs *r)
{
	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_SET_REGS, r);
}

static long set_return_value(int vcpu, __u64 val)
{
	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_SET_RETURN_VALUE, &val);
}

static long inject(int vcpu, __u32 vector, __u32 flags)
{
	struct axvcpu_interrupt irq = { .vector = vector, .flags = flags };

	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_INJECT_INTERRUPT, &irq);
}

static long delete_region(int vm, __u32 slot)
{
	return axvcpu_set_region(vm, slot, 0, 0, 0, NULL);
}

/* mmap() @fd and unmap again: 0 if the mapping worked, else -errno. */
static long mmap_err(int fd, size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

/* Map one page at @gpa in PROBE_SLOT and delete it: 0 if the range was free. */
static long probe(FIXTURE_DATA(axvcpu) * self, __u64 gpa)
{
	long ret = axvcpu_set_region(self->vm, PROBE_SLOT, 0, gpa, self->page,
				     mem_at(self, PROBE_PAGE));

	return ret ? ret : delete_region(self->vm, PROBE_SLOT);
}

/* Slot 0 = [A_GPA, A_GPA + 2 pages), backed by pages 0 and 1. */
static void install_a(struct __test_metadata *_metadata, FIXTURE_DATA(axvcpu) * self)
{
	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, 0, A_GPA, 2 * self->page,
				       mem_at(self, 0)));
}

/*
 * With install_a() done: the region must fail with @err both as a
 * replacement of slot 0 and in the empty slot 1, and leave both as they were.
 */
static void reject_region(struct __test_metadata *_metadata, FIXTURE_DATA(axvcpu) * self,
			  __u32 flags, __u64 gpa, __u64 size, __u64 uaddr, int err,
			  const char *what)
{
	struct axvcpu_memory_region r = {
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = uaddr,
	};

	r.slot = 0;
	EXPECT_EQ(-err, axvcpu_ioctl(self->vm, AXVCPU_VM_SET_MEMORY_REGION, &r))
		TH_LOG("%s: replacing slot 0 should fail with %s", what, strerror(err));
	r.slot = 1;
	EXPECT_EQ(-err, axvcpu_ioctl(self->vm, AXVCPU_VM_SET_MEMORY_REGION, &r))
		TH_LOG("%s: empty slot 1 should fail with %s", what, strerror(err));
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_ERRNO(probe(self, A_GPA + self->page), EEXIST);
	EXPECT_EQ(0, probe(self, A_GPA + 2 * self->page));
	EXPECT_ERRNO(delete_region(self->vm, 1), ENOENT);
}

struct ioctl_desc {
	unsigned long cmd;
	const char *name;
};

#define IOCTL_DESC(cmd) { cmd, #cmd }

static const struct ioctl_desc sys_ioctls[] = {
	IOCTL_DESC(AXVCPU_CHECK_CAP),
	IOCTL_DESC(AXVCPU_CREATE_VM),
};

static const struct ioctl_desc vm_ioctls[] = {
	IOCTL_DESC(AXVCPU_VM_SET_MEMORY_REGION),
	IOCTL_DESC(AXVCPU_VM_CREATE_VCPU),
	IOCTL_DESC(AXVCPU_VM_GET_STATS_FD),
};

static const struct ioctl_desc vcpu_ioctls[] = {
	IOCTL_DESC(AXVCPU_VCPU_SET_ENTRY),
	IOCTL_DESC(AXVCPU_VCPU_SETUP),
	IOCTL_DESC(AXVCPU_VCPU_GET_REGS),
	IOCTL_DESC(AXVCPU_VCPU_SET_REGS),
	IOCTL_DESC(AXVCPU_VCPU_INJECT_INTERRUPT),
	IOCTL_DESC(AXVCPU_VCPU_SET_RETURN_VALUE),
	IOCTL_DESC(AXVCPU_VCPU_GET_STATE),
	IOCTL_DESC(AXVCPU_VCPU_RUN),
	IOCTL_DESC(AXVCPU_VCPU_IRQ_LINE),
	IOCTL_DESC(AXVCPU_VCPU_GET_ONE_REG),
	IOCTL_DESC(AXVCPU_VCPU_SET_ONE_REG),
	IOCTL_DESC(AXVCPU_VCPU_GET_STATS_FD),
};

static const unsigned long foreign_ioctls[] = {
	0,
	TCGETS,
	_IO(0xAE, 0x01),
	_IO(AXVCPU_IOCTL_MAGIC, 0x02),
	_IO(AXVCPU_IOCTL_MAGIC, 0x13),
	_IO(AXVCPU_IOCTL_MAGIC, 0x28),
	_IO(AXVCPU_IOCTL_MAGIC, 0x2c),
	_IO(AXVCPU_IOCTL_MAGIC, 0xff),
	_IOWR(AXVCPU_IOCTL_MAGIC, 0x80, struct axvcpu_regs),
};

/* Zeroed, big enough for any argument; never written by a rejected ioctl. */
static __u64 scratch[512];

static unsigned long ioctl_arg(unsigned long cmd)
{
	return _IOC_DIR(cmd) == _IOC_NONE ? 0 : (unsigned long)scratch;
}

static void expect_enotty(struct __test_metadata *_metadata, int fd,
			  const struct ioctl_desc *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		EXPECT_EQ(-ENOTTY, axvcpu_ioctl(fd, d[i].cmd, ioctl_arg(d[i].cmd)))
			TH_LOG("%s", d[i].name);
	}
}

/* Unknown ioctls: foreign ones and every known one with another size or direction. */
static void expect_unknown_enotty(struct __test_metadata *_metadata, int fd)
{
	const struct ioctl_desc *sets[] = { sys_ioctls, vm_ioctls, vcpu_ioctls };
	const size_t lens[] = {
		ARRAY_SIZE(sys_ioctls), ARRAY_SIZE(vm_ioctls), ARRAY_SIZE(vcpu_ioctls),
	};
	unsigned long c, v[3];
	size_t s, i, j;

	for (i = 0; i < ARRAY_SIZE(foreign_ioctls); i++) {
		EXPECT_EQ(-ENOTTY, axvcpu_ioctl(fd, foreign_ioctls[i], scratch))
			TH_LOG("cmd %#lx", foreign_ioctls[i]);
	}
	for (s = 0; s < ARRAY_SIZE(sets); s++) {
		for (i = 0; i < lens[s]; i++) {
			c = sets[s][i].cmd;
			v[0] = _IOC(_IOC_DIR(c), _IOC_TYPE(c), _IOC_NR(c), _IOC_SIZE(c) + 8);
			v[1] = _IOC(_IOC_DIR(c) ^ _IOC_WRITE, _IOC_TYPE(c), _IOC_NR(c),
				    _IOC_SIZE(c));
			v[2] = _IOC(_IOC_DIR(c) ^ _IOC_READ, _IOC_TYPE(c), _IOC_NR(c),
				    _IOC_SIZE(c));
			for (j = 0; j < ARRAY_SIZE(v); j++) {
				EXPECT_EQ(-ENOTTY, axvcpu_ioctl(fd, v[j], scratch))
					TH_LOG("%s variant %#lx", sets[s][i].name, v[j]);
			}
		}
	}
}

/* Page that faults on write: the mapping, or NULL. */
static void *readonly_page(FIXTURE_DATA(axvcpu) * self, const void *data, size_t len)
{
	char *p = axvcpu_alloc(self->page);

	if (!p)
		return NULL;
	memcpy(p, data, len);
	if (mprotect(p, self->page, PROT_READ)) {
		munmap(p, self->page);
		return NULL;
	}
	return p;
}

/* ------------------------------------------------------------ system fd */

TEST_F(axvcpu, check_cap_values)
{
	static const __u32 caps[] = {
		AXVCPU_CAP_BACKEND, AXVCPU_CAP_MAX_VCPUS, AXVCPU_CAP_MAX_MEM_REGIONS,
		AXVCPU_CAP_GUEST_PT_LEVELS, AXVCPU_CAP_RUN_PAGE_SIZE,
		AXVCPU_CAP_MAX_GUEST_PHYS_BITS, AXVCPU_CAP_MAX_REGION_SIZE,
		AXVCPU_CAP_SETUP_FLAGS, AXVCPU_CAP_IRQ_LINE, AXVCPU_CAP_ONE_REG,
		AXVCPU_CAP_STATS_FD,
	};
	struct axvcpu_cap c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		c = (struct axvcpu_cap){ .cap = caps[i], .value = ~0ULL };
		EXPECT_EQ(0, axvcpu_ioctl(self->fd, AXVCPU_CHECK_CAP, &c))
			TH_LOG("cap %u", caps[i]);
		EXPECT_EQ(caps[i], c.cap);
		EXPECT_EQ(0U, c.pad);
		EXPECT_NE(~0ULL, c.value) TH_LOG("cap %u", caps[i]);
	}

	if (self->arch) {
		EXPECT_EQ(1024ULL, self->max_vcpus);
		EXPECT_EQ(32764ULL, self->max_regions);
		EXPECT_EQ(self->arch->pt_levels, self->pt_levels);
		EXPECT_EQ(4096ULL, self->run_page_size);
		EXPECT_EQ((__u64)self->page, self->run_page_size);
		EXPECT_EQ(self->arch->phys_bits, self->phys_bits);
		EXPECT_EQ(1ULL << 32, self->max_region_size);
		return;
	}
	EXPECT_TRUE(self->backend == AXVCPU_BACKEND_X86_VMX ||
		    self->backend == AXVCPU_BACKEND_ARM64_VHE)
		TH_LOG("backend %llu", (unsigned long long)self->backend);
	EXPECT_LE(1ULL, self->max_vcpus);
	EXPECT_LE(1ULL, self->max_regions);
	EXPECT_LE(2ULL, self->pt_levels);
	EXPECT_GE(5ULL, self->pt_levels);
	EXPECT_LE((__u64)sizeof(struct axvcpu_run), self->run_page_size);
	EXPECT_EQ((__u64)self->page, self->run_page_size);
	EXPECT_GE(64ULL, self->phys_bits);
	EXPECT_LE((__u64)self->page, self->max_region_size);
	EXPECT_EQ(0ULL, self->max_region_size % self->page);
}

TEST_F(axvcpu, check_cap_unknown)
{
	static const __u32 bad[] = { 0, AXVCPU_CAP_STATS_FD + 1, 0x100, 0x80000000,
				     0xffffffff };
	struct axvcpu_cap c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c = (struct axvcpu_cap){ .cap = bad[i] };
		EXPECT_ERRNO(axvcpu_ioctl(self->fd, AXVCPU_CHECK_CAP, &c), EINVAL)
			TH_LOG("cap %#x", bad[i]);
	}
}

TEST_F(axvcpu, check_cap_nonzero_pad)
{
	static const __u32 pads[] = { 1, 0x80000000, 0xffffffff };
	struct axvcpu_cap c;
	__u64 v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pads); i++) {
		c = (struct axvcpu_cap){ .cap = AXVCPU_CAP_BACKEND, .pad = pads[i] };
		EXPECT_ERRNO(axvcpu_ioctl(self->fd, AXVCPU_CHECK_CAP, &c), EINVAL);
	}
	EXPECT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_BACKEND, &v));
	EXPECT_EQ(self->backend, v);
}

TEST_F(axvcpu, check_cap_efault)
{
	struct axvcpu_cap c = { .cap = AXVCPU_CAP_BACKEND };
	void *ro = readonly_page(self, &c, sizeof(c));

	EXPECT_ERRNO(axvcpu_ioctl(self->fd, AXVCPU_CHECK_CAP, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->fd, AXVCPU_CHECK_CAP, 1), EFAULT);
	ASSERT_NE(NULL, ro);
	EXPECT_ERRNO(axvcpu_ioctl(self->fd, AXVCPU_CHECK_CAP, ro), EFAULT);
	munmap(ro, self->page);
}

TEST_F(axvcpu, create_vm_nonzero_arg)
{
	static const unsigned long args[] = { 1, 0x100, 1UL << 31, ~0UL,
					      (unsigned long)(1ULL << 32) };
	size_t i;
	int vm;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		EXPECT_ERRNO(axvcpu_ioctl(self->fd, AXVCPU_CREATE_VM, args[i]), EINVAL)
			TH_LOG("arg %#lx", args[i]);
	}
	vm = axvcpu_create_vm(self->fd);
	EXPECT_LE(0, vm);
	close(vm);
}

TEST_F(axvcpu, system_unknown_ioctl)
{
	expect_unknown_enotty(_metadata, self->fd);
}

TEST_F(axvcpu, system_wrong_fd_ioctls)
{
	expect_enotty(_metadata, self->fd, vm_ioctls, ARRAY_SIZE(vm_ioctls));
	expect_enotty(_metadata, self->fd, vcpu_ioctls, ARRAY_SIZE(vcpu_ioctls));
}

TEST_F(axvcpu, system_mmap_rejected)
{
	EXPECT_ERRNO(mmap_err(self->fd, self->page, PROT_READ, MAP_SHARED, 0), ENODEV);
	EXPECT_ERRNO(mmap_err(self->fd, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
		     ENODEV);
	EXPECT_ERRNO(mmap_err(self->fd, self->page, PROT_READ, MAP_PRIVATE, 0), ENODEV);
}

TEST_F(axvcpu, vm_mmap_rejected)
{
	EXPECT_ERRNO(mmap_err(self->vm, self->page, PROT_READ, MAP_SHARED, 0), ENODEV);
	EXPECT_ERRNO(mmap_err(self->vm, self->page, PROT_READ, MAP_PRIVATE, 0), ENODEV);
}

TEST_F(axvcpu, fds_cloexec)
{
	int flags;

	flags = fcntl(self->vm, F_GETFD);
	ASSERT_LE(0, flags);
	EXPECT_TRUE(flags & FD_CLOEXEC);
	flags = fcntl(self->vcpu, F_GETFD);
	ASSERT_LE(0, flags);
	EXPECT_TRUE(flags & FD_CLOEXEC);
}

/* ------------------------------------------------------------ VM fd */

TEST_F(axvcpu, vm_unknown_ioctl)
{
	expect_unknown_enotty(_metadata, self->vm);
}

TEST_F(axvcpu, vm_wrong_fd_ioctls)
{
	expect_enotty(_metadata, self->vm, sys_ioctls, ARRAY_SIZE(sys_ioctls));
	expect_enotty(_metadata, self->vm, vcpu_ioctls, ARRAY_SIZE(vcpu_ioctls));
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, region_delete_empty)
{
	EXPECT_ERRNO(delete_region(self->vm, 0), ENOENT);
	EXPECT_ERRNO(delete_region(self->vm, 1), ENOENT);
	EXPECT_ERRNO(delete_region(self->vm, self->max_regions - 1), ENOENT);
}

TEST_F(axvcpu, region_delete_readd)
{
	size_t p = self->page;

	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, 0, A_GPA, 2 * p, mem_at(self, 0)));
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_EQ(0, delete_region(self->vm, 0));
	EXPECT_ERRNO(delete_region(self->vm, 0), ENOENT);
	EXPECT_EQ(0, probe(self, A_GPA));
	EXPECT_EQ(0, probe(self, A_GPA + p));

	EXPECT_EQ(0, axvcpu_set_region(self->vm, 1, 0, A_GPA, 2 * p, mem_at(self, 2)));
	EXPECT_ERRNO(axvcpu_set_region(self->vm, 0, 0, A_GPA, 2 * p, mem_at(self, 0)), EEXIST);
	EXPECT_EQ(0, delete_region(self->vm, 1));
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, A_GPA, 2 * p, mem_at(self, 0)));
	EXPECT_ERRNO(probe(self, A_GPA + p), EEXIST);
	EXPECT_EQ(0, delete_region(self->vm, 0));
}

TEST_F(axvcpu, region_unaligned_rejected)
{
	size_t p = self->page;
	__u64 m = (unsigned long)mem_at(self, 4);

	install_a(_metadata, self);
	reject_region(_metadata, self, 0, B_GPA + p / 2, p, m, EINVAL, "gpa + page/2");
	reject_region(_metadata, self, 0, B_GPA + 1, p, m, EINVAL, "gpa + 1");
	reject_region(_metadata, self, 0, B_GPA, p + p / 2, m, EINVAL, "size 1.5 pages");
	reject_region(_metadata, self, 0, B_GPA, p / 2, m, EINVAL, "size page/2");
	reject_region(_metadata, self, 0, B_GPA, 1, m, EINVAL, "size 1");
	reject_region(_metadata, self, 0, B_GPA, p, m + p / 2, EINVAL, "uaddr + page/2");
	reject_region(_metadata, self, 0, B_GPA, p, m + 1, EINVAL, "uaddr + 1");
	EXPECT_EQ(0, probe(self, B_GPA));
}

TEST_F(axvcpu, region_bad_flags_rejected)
{
	static const __u32 flags[] = {
		1U << 2, 1U << 31, AXVCPU_MEM_READONLY | (1U << 2),
		~(AXVCPU_MEM_READONLY | AXVCPU_MEM_PINNED), ~0U,
	};
	__u64 m = (unsigned long)mem_at(self, 4);
	size_t i;

	install_a(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		reject_region(_metadata, self, flags[i], B_GPA, self->page, m, EINVAL,
			      "bad flags");
	EXPECT_EQ(0, probe(self, B_GPA));
}

TEST_F(axvcpu, region_readonly_accepted)
{
	size_t p = self->page;

	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, AXVCPU_MEM_READONLY, A_GPA, 2 * p,
				       mem_at(self, 0)));
	EXPECT_ERRNO(probe(self, A_GPA + p), EEXIST);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, A_GPA, 2 * p, mem_at(self, 2)));
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, AXVCPU_MEM_READONLY, A_GPA, 2 * p,
				       mem_at(self, 4)));
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_EQ(0, delete_region(self->vm, 0));
	EXPECT_EQ(0, probe(self, A_GPA));
}

TEST_F(axvcpu, region_slot_out_of_range)
{
	const __u32 slots[] = { self->max_regions, self->max_regions + 1, 1U << 31, ~0U };
	size_t i;

	install_a(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		EXPECT_ERRNO(axvcpu_set_region(self->vm, slots[i], 0, B_GPA, self->page,
					       mem_at(self, 4)), EINVAL)
			TH_LOG("slot %u", slots[i]);
		EXPECT_ERRNO(delete_region(self->vm, slots[i]), EINVAL)
			TH_LOG("delete slot %u", slots[i]);
	}
	EXPECT_EQ(0, probe(self, B_GPA));
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
}

#define SPREAD_REGIONS	1000U

/*
 * A thousand regions in slots spread over the whole range, the last slot
 * among them (slots are sparse in the module: the cost of one does not
 * depend on its number); one slot more is EINVAL. Some are deleted one by
 * one, the rest go with the VM.
 */
TEST_F(axvcpu, region_slots_spread)
{
	size_t p = self->page;
	__u32 n = self->max_regions, stride = n / SPREAD_REGIONS, s;
	char *mem = axvcpu_alloc(SPREAD_REGIONS * p);
	__u64 t0 = now_ms();
	unsigned int i;

	ASSERT_NE(NULL, mem);
	ASSERT_LE(1U, stride);
	for (i = 0; i < SPREAD_REGIONS; i++) {
		s = i == SPREAD_REGIONS - 1 ? n - 1 : i * stride;
		ASSERT_EQ(0, axvcpu_set_region(self->vm, s, 0, A_GPA + i * p, p, mem + i * p))
			TH_LOG("slot %u", s);
	}
	TH_LOG("%u regions set in %llu ms", SPREAD_REGIONS,
	       (unsigned long long)(now_ms() - t0));
	EXPECT_ERRNO(axvcpu_set_region(self->vm, n, 0, B_GPA + n * p, p, mem_at(self, 0)),
		     EINVAL);
	/* A range another slot has: EEXIST, whatever the slot numbers. */
	EXPECT_ERRNO(axvcpu_set_region(self->vm, 1, 0, A_GPA + 500 * p, p, mem),
		     EEXIST);
	for (i = 0; i < SPREAD_REGIONS; i += 99) {
		s = i * stride;
		EXPECT_EQ(0, delete_region(self->vm, s)) TH_LOG("slot %u", s);
		EXPECT_ERRNO(delete_region(self->vm, s), ENOENT) TH_LOG("slot %u", s);
	}
	EXPECT_EQ(0, delete_region(self->vm, n - 1));
	EXPECT_ERRNO(delete_region(self->vm, n - 1), ENOENT);
	munmap(mem, SPREAD_REGIONS * p);
}

TEST_F(axvcpu, region_overflow_rejected)
{
	size_t p = self->page;
	__u64 top = ~0ULL & ~(__u64)(p - 1);
	__u64 m = (unsigned long)mem_at(self, 4);

	install_a(_metadata, self);
	reject_region(_metadata, self, 0, top, 2 * p, m, EINVAL, "top + 2 pages");
	reject_region(_metadata, self, 0, top, p, m, EINVAL, "top + 1 page");
	reject_region(_metadata, self, 0, top - p, 2 * p, m, EINVAL, "ends at 2^64");
	reject_region(_metadata, self, 0, B_GPA, top, m, EINVAL, "size ~0");
}

TEST_F(axvcpu, region_beyond_phys_bits)
{
	size_t p = self->page;
	__u64 m = (unsigned long)mem_at(self, 4);
	__u64 lim;

	if (self->phys_bits >= 64)
		SKIP(return, "guest-physical space is 64 bits");
	lim = 1ULL << self->phys_bits;
	install_a(_metadata, self);
	reject_region(_metadata, self, 0, lim, p, m, EINVAL, "at the limit");
	reject_region(_metadata, self, 0, lim - p, 2 * p, m, EINVAL, "across the limit");
	reject_region(_metadata, self, 0, lim + p, p, m, EINVAL, "beyond the limit");
	reject_region(_metadata, self, 0, 1ULL << 63, p, m, EINVAL, "bit 63");

	EXPECT_EQ(0, axvcpu_set_region(self->vm, 1, 0, lim - p, p, mem_at(self, 4)));
	EXPECT_EQ(0, delete_region(self->vm, 1));
}

TEST_F(axvcpu, region_too_large)
{
	size_t p = self->page;
	__u64 size = self->max_region_size + p;
	__u64 gpa = self->max_region_size;
	void *big = MAP_FAILED;

	if (self->phys_bits < 64 && gpa + size > (1ULL << self->phys_bits))
		SKIP(return, "guest-physical space too small");
	if (size == (size_t)size)
		big = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	install_a(_metadata, self);
	reject_region(_metadata, self, 0, gpa, size,
		      (unsigned long)(big == MAP_FAILED ? mem_at(self, 4) : big), EINVAL,
		      "size max + page");
	if (big != MAP_FAILED)
		munmap(big, size);
}

TEST_F(axvcpu, region_overlap_rejected)
{
	size_t p = self->page;
	const struct {
		__u64 gpa, pages;
		const char *what;
	} cases[] = {
		{ B_GPA - p, 2, "partial, below" },
		{ B_GPA + 3 * p, 2, "partial, above" },
		{ B_GPA - p, 6, "containing" },
		{ B_GPA + p, 1, "contained" },
		{ B_GPA + 3 * p, 1, "last page" },
		{ B_GPA, 4, "identical" },
	};
	size_t i;

	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, 0, B_GPA, 4 * p, mem_at(self, 0)));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_ERRNO(axvcpu_set_region(self->vm, 1, 0, cases[i].gpa, cases[i].pages * p,
					       mem_at(self, 8)), EEXIST)
			TH_LOG("%s", cases[i].what);
	}
	EXPECT_ERRNO(delete_region(self->vm, 1), ENOENT);

	EXPECT_EQ(0, axvcpu_set_region(self->vm, 1, 0, B_GPA - p, p, mem_at(self, 8)));
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 2, 0, B_GPA + 4 * p, p, mem_at(self, 9)));
	EXPECT_ERRNO(axvcpu_set_region(self->vm, 1, 0, B_GPA - p, 2 * p, mem_at(self, 10)),
		     EEXIST);
	EXPECT_ERRNO(axvcpu_set_region(self->vm, 0, 0, B_GPA, 5 * p, mem_at(self, 12)),
		     EEXIST);
	EXPECT_ERRNO(probe(self, B_GPA - p), EEXIST);
	EXPECT_EQ(0, probe(self, B_GPA - 2 * p));
	EXPECT_ERRNO(probe(self, B_GPA + 3 * p), EEXIST);
	EXPECT_ERRNO(probe(self, B_GPA + 4 * p), EEXIST);
	EXPECT_EQ(0, probe(self, B_GPA + 5 * p));
	EXPECT_EQ(0, delete_region(self->vm, 0));
	EXPECT_EQ(0, delete_region(self->vm, 1));
	EXPECT_EQ(0, delete_region(self->vm, 2));
}

TEST_F(axvcpu, region_replace)
{
	size_t p = self->page;

	install_a(_metadata, self);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, B_GPA, p, mem_at(self, 4)));
	EXPECT_EQ(0, probe(self, A_GPA));
	EXPECT_ERRNO(probe(self, B_GPA), EEXIST);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 1, 0, A_GPA, 2 * p, mem_at(self, 8)));

	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, B_GPA, 2 * p, mem_at(self, 12)));
	EXPECT_ERRNO(probe(self, B_GPA + p), EEXIST);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, B_GPA + p, 2 * p, mem_at(self, 16)));
	EXPECT_EQ(0, probe(self, B_GPA));
	EXPECT_ERRNO(probe(self, B_GPA + 2 * p), EEXIST);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, AXVCPU_MEM_READONLY, B_GPA + p, 2 * p,
				       mem_at(self, 20)));
	EXPECT_ERRNO(axvcpu_set_region(self->vm, 0, 0, A_GPA, p, mem_at(self, 24)), EEXIST);
	EXPECT_ERRNO(probe(self, B_GPA + p), EEXIST);

	EXPECT_EQ(0, delete_region(self->vm, 0));
	EXPECT_ERRNO(delete_region(self->vm, 0), ENOENT);
	EXPECT_EQ(0, probe(self, B_GPA + p));
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_EQ(0, delete_region(self->vm, 1));
}

/*
 * A region's backing is looked up at the guest's first access, as KVM
 * does: a range the VMM does not map is accepted (the guest's access then
 * exits with MEMORY_FAULT, common memory_follows_vmm), one outside user
 * space is not. A pinned region's pages must all be there at the call.
 */
TEST_F(axvcpu, region_unmapped_efault)
{
	size_t p = self->page;
	char *hole, *part;
	long ret;

	install_a(_metadata, self);

	hole = axvcpu_alloc(2 * p);
	ASSERT_NE(NULL, hole);
	ASSERT_EQ(0, munmap(hole, 2 * p));
	reject_region(_metadata, self, AXVCPU_MEM_PINNED, B_GPA, 2 * p,
		      (unsigned long)hole, EFAULT, "pinned hole");
	reject_region(_metadata, self, AXVCPU_MEM_PINNED, B_GPA, p, 0, EFAULT,
		      "pinned uaddr 0");
	if (sizeof(long) == 8) {
		reject_region(_metadata, self, 0, B_GPA, p, 1ULL << 63, EINVAL,
			      "kernel address");
		reject_region(_metadata, self, AXVCPU_MEM_PINNED, B_GPA, p, 1ULL << 63,
			      EINVAL, "pinned kernel address");
	}
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 1, 0, B_GPA, 2 * p, hole));
	EXPECT_EQ(0, delete_region(self->vm, 1));

	part = axvcpu_alloc(2 * p);
	ASSERT_NE(NULL, part);
	part[0] = 1;
	ASSERT_EQ(0, munmap(part + p, p));
	ret = axvcpu_set_region(self->vm, 0, AXVCPU_MEM_PINNED, B_GPA, 2 * p, part);
	EXPECT_TRUE(ret == -EFAULT || ret == -ENOMEM) TH_LOG("slot 0: %ld", ret);
	ret = axvcpu_set_region(self->vm, 1, AXVCPU_MEM_PINNED, B_GPA, 2 * p, part);
	EXPECT_TRUE(ret == -EFAULT || ret == -ENOMEM) TH_LOG("slot 1: %ld", ret);
	munmap(part, p);
	EXPECT_ERRNO(delete_region(self->vm, 1), ENOENT);
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_EQ(0, probe(self, B_GPA));
	EXPECT_EQ(0, probe(self, B_GPA + p));
	EXPECT_EQ(0, delete_region(self->vm, 0));
}

/* Resident pages of this process, in bytes (/proc/self/statm). */
static long rss_bytes(void)
{
	long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * getpagesize();
}

/* VmLck of this process, in bytes (/proc/self/status), or -1. */
static long locked_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* Drop CAP_IPC_LOCK from this process: RLIMIT_MEMLOCK then applies. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].effective &= ~(1U << CAP_IPC_LOCK);
	d[0].permitted &= ~(1U << CAP_IPC_LOCK);
	d[0].inheritable &= ~(1U << CAP_IPC_LOCK);
	return syscall(SYS_capset, &h, d);
}

#define PIN_PAGES	16

/*
 * Pinned guest memory is the VMM's locked memory, as VFIO's pins are: a
 * pinned region adds its size to VmLck and deleting it takes it off
 * again, and without CAP_IPC_LOCK a region beyond RLIMIT_MEMLOCK fails
 * with ENOMEM (changing nothing) while one within it works.
 */
TEST_F(axvcpu, region_pinned_counts_as_locked)
{
	size_t p = self->page;
	long before = locked_bytes();
	int status;
	pid_t pid;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, AXVCPU_MEM_PINNED, A_GPA,
				       PIN_PAGES * p, mem_at(self, 0)));
	EXPECT_EQ(before + (long)(PIN_PAGES * p), locked_bytes());
	ASSERT_EQ(0, delete_region(self->vm, 0));
	EXPECT_EQ(before, locked_bytes());

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rlimit lim = { PIN_PAGES / 2 * p, PIN_PAGES / 2 * p };
		int vm, sys = axvcpu_open();

		/* A VM of this process: the fixture's belongs to the parent. */
		vm = sys < 0 ? -1 : axvcpu_create_vm(sys);
		if (vm < 0 || drop_ipc_lock() || setrlimit(RLIMIT_MEMLOCK, &lim))
			_exit(10);
		if (axvcpu_set_region(vm, 0, AXVCPU_MEM_PINNED, A_GPA,
				      PIN_PAGES * p, mem_at(self, 0)) != -ENOMEM)
			_exit(11);
		if (locked_bytes() != 0)
			_exit(12);
		if (axvcpu_set_region(vm, 0, AXVCPU_MEM_PINNED, A_GPA,
				      PIN_PAGES / 4 * p, mem_at(self, 0)))
			_exit(13);
		_exit(locked_bytes() == (long)(PIN_PAGES / 4 * p) ? 0 : 14);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child status %#x (10: setup, 11: over the limit not ENOMEM, "
		       "12: charged anyway, 13: within it failed, 14: not charged)",
		       status);
}

/* The VM's s2_table_pages (its stats fd), or 0 on error. */
static __u64 table_pages(int vm)
{
	struct axvcpu_stats s;
	__u64 n;

	if (axvcpu_stats_open(&s, vm, AXVCPU_VM_GET_STATS_FD))
		return 0;
	n = axvcpu_stats_get(&s, "s2_table_pages");
	axvcpu_stats_close(&s);
	return n;
}

/*
 * A VM's stage-2 tables follow its regions: a pinned region (mapped at
 * once) adds tables, and deleting it frees those it alone used, here
 * all of them (the VM has no other region).
 */
TEST_F(axvcpu, region_delete_frees_tables)
{
	size_t p = self->page;
	__u64 base = table_pages(self->vm);

	ASSERT_LT(0ULL, base);
	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, AXVCPU_MEM_PINNED, B_GPA,
				       4 * p, mem_at(self, 0)));
	EXPECT_LT(base, table_pages(self->vm));
	ASSERT_EQ(0, delete_region(self->vm, 0));
	EXPECT_EQ(base, table_pages(self->vm));
}

#define LAZY_BYTES	(16UL << 20)

/*
 * Guest memory is not pinned: a 16 MiB region of untouched memory costs
 * the VMM no resident page at SET_MEMORY_REGION (its pages come at the
 * guest's first access). With AXVCPU_MEM_PINNED all 16 MiB are brought in
 * at once, and stay.
 */
TEST_F(axvcpu, region_not_pinned_unless_asked)
{
	char *mem = mmap(NULL, LAZY_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before;

	ASSERT_NE(MAP_FAILED, mem);
	before = rss_bytes();
	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, 0, B_GPA, LAZY_BYTES, mem));
	EXPECT_GT(1L << 20, rss_bytes() - before)
		TH_LOG("RSS grew by %ld bytes", rss_bytes() - before);
	EXPECT_EQ(0, delete_region(self->vm, 0));

	before = rss_bytes();
	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, AXVCPU_MEM_PINNED, B_GPA,
				       LAZY_BYTES, mem));
	EXPECT_LE((long)LAZY_BYTES, rss_bytes() - before)
		TH_LOG("RSS grew by %ld bytes", rss_bytes() - before);
	EXPECT_EQ(0, delete_region(self->vm, 0));
	munmap(mem, LAZY_BYTES);
}

/*
 * A VM belongs to the process that created it (its regions' addresses
 * are in that process): another process that gets its fds, by fork() here,
 * gets EIO from every VM and vCPU ioctl, as KVM 6.12 gives.
 */
TEST_F(axvcpu, other_process_gets_eio)
{
	int vcpu = self->vcpu, status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct axvcpu_vcpu_state st;
		int bad = 0;

		bad |= axvcpu_set_region(self->vm, 0, 0, B_GPA, self->page,
					 mem_at(self, 0)) != -EIO;
		bad |= (axvcpu_create_vcpu(self->vm, 1) != -EIO) << 1;
		bad |= (axvcpu_ioctl(vcpu, AXVCPU_VCPU_RUN, 0) != -EIO) << 2;
		bad |= (axvcpu_ioctl(vcpu, AXVCPU_VCPU_GET_STATE, &st) != -EIO) << 3;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The creator still can. */
	EXPECT_EQ(0, probe(self, B_GPA));
	fd = axvcpu_create_vcpu(self->vm, 1);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(axvcpu, region_arg_efault)
{
	size_t p = self->page;
	struct axvcpu_memory_region *r;
	char *buf;

	EXPECT_ERRNO(axvcpu_ioctl(self->vm, AXVCPU_VM_SET_MEMORY_REGION, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vm, AXVCPU_VM_SET_MEMORY_REGION, 1), EFAULT);

	buf = axvcpu_alloc(2 * p);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, munmap(buf + p, p));
	r = (void *)(buf + p - offsetof(struct axvcpu_memory_region, size));
	r->slot = 1;
	r->flags = 0;
	r->guest_phys_addr = B_GPA;
	EXPECT_ERRNO(axvcpu_ioctl(self->vm, AXVCPU_VM_SET_MEMORY_REGION, r), EFAULT);
	munmap(buf, p);
	EXPECT_ERRNO(delete_region(self->vm, 1), ENOENT);
}

TEST_F(axvcpu, vms_independent)
{
	size_t p = self->page;
	int vm2, vcpu2;

	vm2 = axvcpu_create_vm(self->fd);
	ASSERT_LE(0, vm2);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, A_GPA, 2 * p, mem_at(self, 0)));
	EXPECT_EQ(0, axvcpu_set_region(vm2, 0, 0, A_GPA, 2 * p, mem_at(self, 2)));
	EXPECT_EQ(0, axvcpu_set_region(vm2, 1, 0, B_GPA, p, mem_at(self, 4)));
	EXPECT_EQ(0, probe(self, B_GPA));
	vcpu2 = axvcpu_create_vcpu(vm2, 0);
	EXPECT_LE(0, vcpu2);
	EXPECT_ERRNO(axvcpu_create_vcpu(vm2, 0), EEXIST);
	EXPECT_EQ(0, set_entry(vcpu2, ENTRY_GPA));
	EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	close(vcpu2);
	close(vm2);
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, create_vcpu_bad_id)
{
	unsigned long ids[] = {
		self->max_vcpus, self->max_vcpus + 1, 0xffffffffUL, ~0UL,
		(unsigned long)(1ULL << 32), (unsigned long)(1ULL << 32) + 1,
	};
	size_t n = sizeof(long) == 8 ? ARRAY_SIZE(ids) : ARRAY_SIZE(ids) - 2;
	size_t i;
	int fd;

	for (i = 0; i < n; i++) {
		EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, ids[i]), EINVAL)
			TH_LOG("id %#lx", ids[i]);
	}
	fd = axvcpu_create_vcpu(self->vm, self->max_vcpus - 1);
	EXPECT_LE(0, fd);
	close(fd);
	fd = axvcpu_create_vcpu(self->vm, 1);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(axvcpu, create_vcpu_twice)
{
	int fd;

	EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, 0), EEXIST);
	fd = axvcpu_create_vcpu(self->vm, 1);
	ASSERT_LE(0, fd);
	EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, 1), EEXIST);
	EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, 0), EEXIST);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(fd));
	close(fd);
}

TEST_F_TIMEOUT(axvcpu, create_vcpu_all, 120)
{
	unsigned long id, n = self->max_vcpus;
	__u64 t0 = now_ms();
	struct rlimit nofile;
	int *fds;

	/* One fd per vCPU, as a VMM holds them: raise the soft limit. */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &nofile));
	if (nofile.rlim_cur < n + 64) {
		nofile.rlim_cur = n + 64;
		if (nofile.rlim_max < nofile.rlim_cur)
			nofile.rlim_max = nofile.rlim_cur;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &nofile));
	}
	fds = calloc(n, sizeof(*fds));
	ASSERT_NE(NULL, fds);
	fds[0] = self->vcpu;
	for (id = 1; id < n; id++) {
		fds[id] = axvcpu_create_vcpu(self->vm, id);
		ASSERT_LE(0, fds[id]) TH_LOG("id %lu", id);
	}
	TH_LOG("%lu vCPUs created in %llu ms", n,
	       (unsigned long long)(now_ms() - t0));
	for (id = 0; id < n; id++) {
		EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, id), EEXIST)
			TH_LOG("id %lu", id);
	}
	EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, n), EINVAL);
	for (id = 0; id < n; id++) {
		EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(fds[id]))
			TH_LOG("id %lu", id);
	}
	for (id = 1; id < n; id++)
		close(fds[id]);
	free(fds);
}

/* ------------------------------------------------------------ vCPU fd */

TEST_F(axvcpu, vcpu_unknown_ioctl)
{
	expect_unknown_enotty(_metadata, self->vcpu);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, vcpu_wrong_fd_ioctls)
{
	expect_enotty(_metadata, self->vcpu, sys_ioctls, ARRAY_SIZE(sys_ioctls));
	expect_enotty(_metadata, self->vcpu, vm_ioctls, ARRAY_SIZE(vm_ioctls));
	EXPECT_ERRNO(axvcpu_create_vcpu(self->vm, 0), EEXIST);
}

TEST_F(axvcpu, get_state_created)
{
	struct axvcpu_vcpu_state s = { .state = ~0U, .pad = ~0U };

	EXPECT_EQ(0, axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_STATE, &s));
	EXPECT_EQ((__u32)AXVCPU_STATE_CREATED, s.state);
	EXPECT_EQ(0U, s.pad);
}

TEST_F(axvcpu, get_state_efault)
{
	struct axvcpu_vcpu_state s = {};
	void *ro = readonly_page(self, &s, sizeof(s));

	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_STATE, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_STATE, 1), EFAULT);
	ASSERT_NE(NULL, ro);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_STATE, ro), EFAULT);
	munmap(ro, self->page);
}

TEST_F(axvcpu, set_entry_twice)
{
	struct axvcpu_regs r;

	EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	EXPECT_ERRNO(set_entry(self->vcpu, ENTRY_GPA + 0x1000), EEXIST);
	EXPECT_ERRNO(set_entry(self->vcpu, ENTRY_GPA), EEXIST);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	if (!self->arch)
		return;
	ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
	EXPECT_ERRNO(set_entry(self->vcpu, ENTRY_GPA + 0x2000), EEXIST);
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(ENTRY_GPA, r.pc);
}

TEST_F(axvcpu, set_entry_misaligned)
{
	struct axvcpu_regs r;
	__u64 bad[4], align;
	size_t i;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	align = self->arch->entry_align;
	if (align == 1) {
		/* Every entry is aligned: an odd one is taken as it is. */
		EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA + 1));
		ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
		ASSERT_EQ(0, get_regs(self->vcpu, &r));
		EXPECT_EQ(ENTRY_GPA + 1, r.pc);
		return;
	}
	bad[0] = ENTRY_GPA + 1;
	bad[1] = 1;
	bad[2] = ENTRY_GPA + align - 1;
	bad[3] = ~0ULL;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_ERRNO(set_entry(self->vcpu, bad[i]), EINVAL)
			TH_LOG("entry %#llx", (unsigned long long)bad[i]);
	}
	EXPECT_ERRNO(vcpu_setup(self, self->vcpu, 0, 0), ENOEXEC);
	EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA + align));
	ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(ENTRY_GPA + align, r.pc);
}

TEST_F(axvcpu, set_entry_efault)
{
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_ENTRY, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_ENTRY, 1), EFAULT);
	EXPECT_ERRNO(vcpu_setup(self, self->vcpu, 0, 0), ENOEXEC);
	EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
}

TEST_F(axvcpu, setup_before_entry)
{
	EXPECT_ERRNO(vcpu_setup(self, self->vcpu, 0, 0), ENOEXEC);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	if (!self->arch)
		return;
	EXPECT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, setup_twice_rejected)
{
	struct axvcpu_regs r;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0x1000));
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
	EXPECT_ERRNO(vcpu_setup(self, self->vcpu, 0, 0x2000), EEXIST);
	EXPECT_ERRNO(set_entry(self->vcpu, ENTRY_GPA), EEXIST);
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(ENTRY_GPA, r.pc);
	EXPECT_EQ(0x1000ULL, r.gprs[self->arch->arg_reg]);
}

TEST_F(axvcpu, setup_bad_arch)
{
	const __u32 archs[] = { 0, AXVCPU_BACKEND_X86_VMX, AXVCPU_BACKEND_ARM64_VHE,
				AXVCPU_BACKEND_RISCV_H, 4, 0x80000000, ~0U };
	struct axvcpu_setup s = {};
	size_t i;

	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	for (i = 0; i < ARRAY_SIZE(archs); i++) {
		if (archs[i] == self->backend)
			continue;
		s.arch = archs[i];
		EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SETUP, &s), EINVAL)
			TH_LOG("arch %u", archs[i]);
		EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	}
	if (!self->arch)
		return;
	EXPECT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

/*
 * Setup flags outside AXVCPU_CAP_SETUP_FLAGS (each other bit alone, all of
 * them, a supported one with an unsupported one) fail with EINVAL and leave
 * the vCPU Created, to be set up afterwards.
 */
TEST_F(axvcpu, setup_bad_flags)
{
	struct axvcpu_setup s = { .arch = self->backend };
	__u64 supported = ~0ULL;
	unsigned int bit;

	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_SETUP_FLAGS, &supported));
	ASSERT_EQ(0ULL, supported >> 32);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	for (bit = 0; bit < 34; bit++) {
		s.flags = bit < 32 ? 1U << bit : bit == 32 ? ~0U : supported | 1U << 31;
		if (bit < 32 && (supported & s.flags))
			continue;
		EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SETUP, &s), EINVAL)
			TH_LOG("flags %#x", s.flags);
		EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	}
	if (!self->arch)
		return;
	EXPECT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

/* Every flag AXVCPU_CAP_SETUP_FLAGS lists is accepted, alone and together. */
TEST_F(axvcpu, setup_supported_flags)
{
	__u64 supported = 0;
	unsigned int bit, id = 1;
	__u32 flags;
	int vcpu;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_SETUP_FLAGS, &supported));
	for (bit = 0; bit <= 32; bit++) {
		flags = bit < 32 ? 1U << bit : supported;
		if (bit < 32 && !(supported & flags))
			continue;
		ASSERT_GT(self->max_vcpus, id);
		vcpu = axvcpu_create_vcpu(self->vm, id);
		ASSERT_LE(0, vcpu);
		ASSERT_EQ(0, set_entry(vcpu, ENTRY_GPA));
		EXPECT_EQ(0, vcpu_setup_flags(self, vcpu, id, 0, flags))
			TH_LOG("flags %#x", flags);
		EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(vcpu));
		close(vcpu);
		id++;
	}
}

TEST_F(axvcpu, setup_reserved_nonzero)
{
	struct axvcpu_setup s;
	size_t i, first;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	first = self->arch->setup_size / sizeof(__u64);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	for (i = first; i < ARRAY_SIZE(s.reserved); i++) {
		s = (struct axvcpu_setup){ .arch = self->backend };
		s.reserved[i] = i == ARRAY_SIZE(s.reserved) - 1 ? 1ULL << 63 : 1;
		EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SETUP, &s), EINVAL)
			TH_LOG("reserved[%zu]", i);
		EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	}
	EXPECT_EQ(0, vcpu_setup(self, self->vcpu, 0, ~0ULL));
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, setup_efault)
{
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SETUP, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SETUP, 1), EFAULT);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	if (!self->arch)
		return;
	EXPECT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
}

TEST_F(axvcpu, setup_sets_regs)
{
	struct axvcpu_regs r;
	int fd;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA + 0x40));
	ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0x82200000));
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(ENTRY_GPA + 0x40, r.pc);
	if (self->arch->id_reg >= 0)
		EXPECT_EQ(0ULL, r.gprs[self->arch->id_reg]);
	EXPECT_EQ(0x82200000ULL, r.gprs[self->arch->arg_reg]);
	EXPECT_EQ(self->arch->pstate, r.flags);

	fd = axvcpu_create_vcpu(self->vm, 3);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_entry(fd, ENTRY_GPA + 0x80));
	ASSERT_EQ(0, vcpu_setup(self, fd, 3, 0x1234));
	ASSERT_EQ(0, get_regs(fd, &r));
	EXPECT_EQ(ENTRY_GPA + 0x80, r.pc);
	if (self->arch->id_reg >= 0)
		EXPECT_EQ(3ULL, r.gprs[self->arch->id_reg]);
	EXPECT_EQ(0x1234ULL, r.gprs[self->arch->arg_reg]);
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(fd));
	close(fd);
}

TEST_F(axvcpu, run_before_setup)
{
	struct axvcpu_run *run;

	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, 0), ENOEXEC);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, ~0UL), ENOEXEC);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, 0), ENOEXEC);
	run = axvcpu_map_run(self->vcpu);
	ASSERT_NE(NULL, run);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, 0), ENOEXEC);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	munmap(run, self->page);
}

TEST_F(axvcpu, run_immediate_exit)
{
	struct axvcpu_run *run;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	run = axvcpu_map_run(self->vcpu);
	ASSERT_NE(NULL, run);
	ASSERT_EQ(0, vcpu_start(self, self->vcpu, 0));
	run->immediate_exit = 1;
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, 0), EINTR);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, 0), EINTR);
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
	run->immediate_exit = 0;
	munmap(run, self->page);
}

TEST_F(axvcpu, set_return_value_before_setup)
{
	struct axvcpu_regs r;

	EXPECT_ERRNO(set_return_value(self->vcpu, 5), ENOEXEC);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	EXPECT_ERRNO(set_return_value(self->vcpu, 5), ENOEXEC);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	if (!self->arch)
		return;
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	r.gprs[self->arch->ret_reg] = 0x77;
	ASSERT_EQ(0, set_regs(self->vcpu, &r));
	EXPECT_ERRNO(set_return_value(self->vcpu, 5), ENOEXEC);
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(0x77ULL, r.gprs[self->arch->ret_reg]);
}

TEST_F(axvcpu, set_return_value)
{
	struct axvcpu_regs r;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0x55));
	EXPECT_EQ(0, set_return_value(self->vcpu, 0x4242));
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(0x4242ULL, r.gprs[self->arch->ret_reg]);
	if (self->arch->arg_reg != self->arch->ret_reg)
		EXPECT_EQ(0x55ULL, r.gprs[self->arch->arg_reg]);
	EXPECT_EQ(ENTRY_GPA, r.pc);
	EXPECT_EQ(0, set_return_value(self->vcpu, -1ULL));
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(~0ULL, r.gprs[self->arch->ret_reg]);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_RETURN_VALUE, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_RETURN_VALUE, 1), EFAULT);
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(~0ULL, r.gprs[self->arch->ret_reg]);
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, inject_interrupt_bad)
{
	static const __u32 flags[] = { 1U << 2, 0x80000000, ~0U };
	const __u32 *bad;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		EXPECT_ERRNO(inject(self->vcpu, 1, flags[i]), EINVAL)
			TH_LOG("flags %#x", flags[i]);
	}
	if (!self->arch)
		return;
	bad = self->arch->bad_vectors;
	for (i = 0; i < ARRAY_SIZE(self->arch->bad_vectors) && (!i || bad[i]); i++) {
		EXPECT_ERRNO(inject(self->vcpu, bad[i], 0), EINVAL)
			TH_LOG("vector %#x", bad[i]);
	}
	ASSERT_EQ(0, vcpu_start(self, self->vcpu, 0));
	EXPECT_ERRNO(inject(self->vcpu, self->arch->good_vectors[0], 1), EINVAL);
	EXPECT_ERRNO(inject(self->vcpu, bad[0], 0), EINVAL);
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, inject_interrupt_valid)
{
	const __u32 *good;
	size_t i;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	good = self->arch->good_vectors;
	for (i = 0; i < ARRAY_SIZE(self->arch->good_vectors); i++) {
		EXPECT_EQ(0, inject(self->vcpu, good[i], 0))
			TH_LOG("vector %u", good[i]);
	}
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	ASSERT_EQ(0, vcpu_start(self, self->vcpu, 0));
	for (i = 0; i < ARRAY_SIZE(self->arch->good_vectors); i++) {
		EXPECT_EQ(0, inject(self->vcpu, good[i], 0))
			TH_LOG("vector %u", good[i]);
	}
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, inject_interrupt_efault)
{
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_INJECT_INTERRUPT, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_INJECT_INTERRUPT, 1), EFAULT);
}

/* ------------------------------------------------- lines and ONE_REG */

/*
 * AXVCPU_CAP_SETUP_FLAGS, _IRQ_LINE and _ONE_REG as the backend's guest
 * ABI has them: riscv64 both setup flags, the line and ONE_REG; arm64 and
 * x86_64 none of them.
 */
TEST_F(axvcpu, check_cap_features)
{
	__u64 flags = ~0ULL, line = ~0ULL, one = ~0ULL;

	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_SETUP_FLAGS, &flags));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_IRQ_LINE, &line));
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_ONE_REG, &one));
	if (!self->arch) {
		EXPECT_GE(1ULL, line);
		EXPECT_GE(1ULL, one);
		EXPECT_EQ(0ULL, flags >> 32);
		return;
	}
	EXPECT_EQ(self->arch->setup_flags, flags);
	EXPECT_EQ((__u64)self->arch->irq_line, line);
	EXPECT_EQ((__u64)self->arch->one_reg, one);
}

/* The single-letter extensions and "_sstc" of the first "isa" line in /proc/cpuinfo. */
static bool host_isa(__u64 *isa)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[1024], *p;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		p = strstr(line, ": rv64");
		if (strncmp(line, "isa", 3) || !p)
			continue;
		found = true;
		*isa = strstr(p, "_sstc") ? AXVCPU_RISCV_ISA_SSTC : 0;
		for (p += 6; *p >= 'a' && *p <= 'z'; p++)
			*isa |= 1ULL << (*p - 'a');
	}
	fclose(f);
	return found;
}

#define ISA_BIT(c)	(1ULL << ((c) - 'a'))

/*
 * AXVCPU_CAP_RISCV_ISA: riscv64 only (EINVAL elsewhere). i, m, a and c;
 * f and d if the host has both, v and Sstc if the host has them (as its
 * /proc/cpuinfo says); never h, nothing else.
 */
TEST_F(axvcpu, check_cap_riscv_isa)
{
	const __u64 base = ISA_BIT('i') | ISA_BIT('m') | ISA_BIT('a') | ISA_BIT('c');
	const __u64 fd = ISA_BIT('f') | ISA_BIT('d');
	__u64 isa = 0, host = 0, want;

	if (self->backend != AXVCPU_BACKEND_RISCV_H) {
		EXPECT_ERRNO(axvcpu_check_cap(self->fd, AXVCPU_CAP_RISCV_ISA, &isa),
			     EINVAL);
		return;
	}
	ASSERT_EQ(0, axvcpu_check_cap(self->fd, AXVCPU_CAP_RISCV_ISA, &isa));
	ASSERT_EQ(base, isa & base) TH_LOG("isa %#llx", (unsigned long long)isa);
	EXPECT_EQ(0ULL, isa & ISA_BIT('h'));
	if (!host_isa(&host))
		SKIP(return, "no isa line in /proc/cpuinfo");
	want = base | ((host & fd) == fd ? fd : 0) |
	       (host & (ISA_BIT('v') | AXVCPU_RISCV_ISA_SSTC));
	EXPECT_EQ(want, isa)
		TH_LOG("host isa %#llx: want %#llx, got %#llx", (unsigned long long)host,
		       (unsigned long long)want, (unsigned long long)isa);
}

static long irq_line(int vcpu, __u32 vector, __u32 level)
{
	struct axvcpu_irq_line l = { .vector = vector, .level = level };

	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_IRQ_LINE, &l);
}

/*
 * IRQ_LINE: where the backend has lines (riscv64: vector 9; arm64: INTIDs
 * 16 .. 1019 but 27), those take levels 0 and 1, on a Created or a set-up
 * vCPU; any other vector or level fails with EINVAL. Without lines every
 * call fails with EINVAL.
 */
TEST_F(axvcpu, irq_line_vectors_and_levels)
{
	static const __u32 vectors[] = { 0, 1, 5, 9, 10, 15, 16, 27, 32, 1019,
					 1020, 0x80000009, ~0U };
	static const __u32 levels[] = { 0, 1, 2, 0x80000001, ~0U };
	size_t i, j, pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ARRAY_SIZE(vectors); i++) {
			for (j = 0; j < ARRAY_SIZE(levels); j++) {
				const struct arch_profile *a = self->arch;
				bool ok = a && a->irq_line && levels[j] <= 1 &&
					  vectors[i] >= a->line_min &&
					  vectors[i] <= a->line_max &&
					  vectors[i] != a->line_not;

				EXPECT_EQ(ok ? 0 : -EINVAL,
					  irq_line(self->vcpu, vectors[i], levels[j]))
					TH_LOG("vector %#x level %#x", vectors[i], levels[j]);
			}
		}
		if (!self->arch)
			return;
		if (!pass)
			ASSERT_EQ(0, vcpu_start(self, self->vcpu, 0));
	}
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, irq_line_efault)
{
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_IRQ_LINE, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_IRQ_LINE, 1), EFAULT);
}

static long get_one_reg(int vcpu, __u64 id, __u64 *val)
{
	struct axvcpu_one_reg r = { .id = id, .value = 0x5a5a5a5a5a5a5a5aULL };
	long ret = axvcpu_ioctl(vcpu, AXVCPU_VCPU_GET_ONE_REG, &r);

	*val = r.value;
	return ret;
}

static long set_one_reg(int vcpu, __u64 id, __u64 val)
{
	struct axvcpu_one_reg r = { .id = id, .value = val };

	return axvcpu_ioctl(vcpu, AXVCPU_VCPU_SET_ONE_REG, &r);
}

/* ONE_REG on a vCPU not set up yet fails with ENOEXEC, on every backend. */
TEST_F(axvcpu, one_reg_created)
{
	static const __u64 ids[] = { 0, AXVCPU_REG_RISCV_PC, AXVCPU_REG_RISCV_GPR(1), ~0ULL };
	__u64 val;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		EXPECT_ERRNO(get_one_reg(self->vcpu, ids[i], &val), ENOEXEC);
		EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, val);
		EXPECT_ERRNO(set_one_reg(self->vcpu, ids[i], 0), ENOEXEC);
	}
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
}

/*
 * ONE_REG on a set-up vCPU: an id of no arch, or of another arch, fails
 * with ENOENT; a backend without ONE_REG fails every id so. With it, the
 * pc reads the entry point and the argument register reads the argument.
 */
TEST_F(axvcpu, one_reg_ids)
{
	static const __u64 ids[] = {
		0, 1ULL << 16, (0xffULL << 56) | (1ULL << 16) | 1, ~0ULL,
		(1ULL << 56) | (1ULL << 16) | 1, (2ULL << 56) | (1ULL << 16) | 1,
		AXVCPU_REG_RISCV_PC, AXVCPU_REG_RISCV_GPR(11),
	};
	bool riscv = self->backend == AXVCPU_BACKEND_RISCV_H;
	__u64 val;
	size_t i;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	ASSERT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	ASSERT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0x4242));
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		if (riscv && self->arch->one_reg && (ids[i] >> 56) == 3)
			continue;
		EXPECT_ERRNO(get_one_reg(self->vcpu, ids[i], &val), ENOENT)
			TH_LOG("GET %#llx", (unsigned long long)ids[i]);
		EXPECT_ERRNO(set_one_reg(self->vcpu, ids[i], 0), ENOENT)
			TH_LOG("SET %#llx", (unsigned long long)ids[i]);
	}
	if (!riscv || !self->arch->one_reg)
		return;
	EXPECT_EQ(0, get_one_reg(self->vcpu, AXVCPU_REG_RISCV_PC, &val));
	EXPECT_EQ(ENTRY_GPA, val);
	EXPECT_EQ(0, get_one_reg(self->vcpu, AXVCPU_REG_RISCV_GPR(11), &val));
	EXPECT_EQ(0x4242ULL, val);
}

TEST_F(axvcpu, one_reg_efault)
{
	if (!self->arch)
		SKIP(return, NO_PROFILE);
	ASSERT_EQ(0, vcpu_start(self, self->vcpu, 0));
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_ONE_REG, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_ONE_REG, 1), EFAULT);
}

TEST_F(axvcpu, regs_roundtrip)
{
	struct axvcpu_regs r, g;
	size_t i;

	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	r.gprs[5] = 0x1234;
	r.pc = ENTRY_GPA + 0x100;
	if (self->arch && self->arch->zero_reg0)
		r.gprs[0] = 0xdead;
	ASSERT_EQ(0, set_regs(self->vcpu, &r));
	memset(&g, 0xa5, sizeof(g));
	ASSERT_EQ(0, get_regs(self->vcpu, &g));
	EXPECT_EQ(0x1234ULL, g.gprs[5]);
	EXPECT_EQ(ENTRY_GPA + 0x100, g.pc);
	EXPECT_EQ(r.flags, g.flags);
	for (i = 1; i < ARRAY_SIZE(r.gprs); i++) {
		EXPECT_EQ(r.gprs[i], g.gprs[i])
			TH_LOG("gprs[%zu]", i);
	}
	if (self->arch && self->arch->zero_reg0)
		EXPECT_EQ(0ULL, g.gprs[0]);
	if (self->arch)
		EXPECT_EQ(self->arch->pstate, g.flags);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	if (!self->arch)
		return;

	ASSERT_EQ(0, vcpu_start(self, self->vcpu, 0));
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	r.gprs[5] = 0x5678;
	r.gprs[self->arch->nr_gprs - 1] = 0xfeed;
	ASSERT_EQ(0, set_regs(self->vcpu, &r));
	ASSERT_EQ(0, get_regs(self->vcpu, &g));
	EXPECT_EQ(0x5678ULL, g.gprs[5]);
	EXPECT_EQ(0xfeedULL, g.gprs[self->arch->nr_gprs - 1]);
	EXPECT_EQ(ENTRY_GPA, g.pc);
	EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));

	/* Registers the arch does not have must be zero, or nothing changes. */
	for (i = self->arch->nr_gprs; i < ARRAY_SIZE(r.gprs); i++) {
		r = g;
		r.gprs[5] = 0x9abc;
		r.gprs[i] = 1;
		EXPECT_ERRNO(set_regs(self->vcpu, &r), EINVAL)
			TH_LOG("gprs[%zu]", i);
		ASSERT_EQ(0, get_regs(self->vcpu, &r));
		EXPECT_EQ(0x5678ULL, r.gprs[5]);
	}
}

TEST_F(axvcpu, regs_set_flags_rejected)
{
	struct axvcpu_regs r, g;
	const __u64 *flags;
	size_t i;

	if (!self->arch)
		SKIP(return, NO_PROFILE);
	flags = self->arch->bad_flags;
	ASSERT_EQ(0, get_regs(self->vcpu, &r));
	r.gprs[5] = 0x1234;
	ASSERT_EQ(0, set_regs(self->vcpu, &r));
	for (i = 0; i < ARRAY_SIZE(self->arch->bad_flags); i++) {
		r.gprs[5] = 0x5678;
		r.pc = ENTRY_GPA + 0x200;
		r.flags = flags[i];
		EXPECT_ERRNO(set_regs(self->vcpu, &r), EINVAL)
			TH_LOG("flags %#llx", (unsigned long long)flags[i]);
		ASSERT_EQ(0, get_regs(self->vcpu, &g));
		EXPECT_EQ(0x1234ULL, g.gprs[5]);
		EXPECT_NE(ENTRY_GPA + 0x200, g.pc);
	}
}

TEST_F(axvcpu, regs_efault)
{
	struct axvcpu_regs r = {};
	void *ro = readonly_page(self, &r, sizeof(r));

	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_REGS, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_REGS, 1), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_REGS, NULL), EFAULT);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_SET_REGS, 1), EFAULT);
	ASSERT_NE(NULL, ro);
	EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_GET_REGS, ro), EFAULT);
	munmap(ro, self->page);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
}

TEST_F(axvcpu, mmap_run_page)
{
	const size_t lens[] = { 1, sizeof(struct axvcpu_run), self->page,
				self->run_page_size };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		EXPECT_EQ(0, mmap_err(self->vcpu, lens[i], PROT_READ | PROT_WRITE,
				      MAP_SHARED, 0))
			TH_LOG("length %zu", lens[i]);
	}
}

/*
 * The run page is the VMM's, not its children's, and does not grow
 * (VM_DONTCOPY, VM_DONTEXPAND): a fork()ed child has nothing mapped
 * there, and mremap() cannot expand the mapping.
 */
TEST_F(axvcpu, mmap_run_page_not_inherited)
{
	struct axvcpu_run *run;
	int status;
	pid_t pid;

	run = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->vcpu, 0);
	ASSERT_NE(MAP_FAILED, run);
	run->immediate_exit = 1;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* madvise() of an unmapped range fails with ENOMEM. */
		_exit(madvise(run, self->page, MADV_NORMAL) == -1 &&
		      errno == ENOMEM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child has the run page mapped (status %#x)", status);
	EXPECT_EQ(MAP_FAILED, mremap(run, self->page, 2 * self->page, 0));
	EXPECT_EQ(MAP_FAILED, mremap(run, self->page, 2 * self->page,
				     MREMAP_MAYMOVE));
	EXPECT_EQ(1U, run->immediate_exit);
	munmap(run, self->page);
}

TEST_F(axvcpu, mmap_bad_offset)
{
	size_t p = self->page;

	EXPECT_ERRNO(mmap_err(self->vcpu, p, PROT_READ | PROT_WRITE, MAP_SHARED, p), EINVAL);
	EXPECT_ERRNO(mmap_err(self->vcpu, p, PROT_READ | PROT_WRITE, MAP_SHARED, 2 * p),
		     EINVAL);
	EXPECT_ERRNO(mmap_err(self->vcpu, p, PROT_READ | PROT_WRITE, MAP_SHARED, 64 * p),
		     EINVAL);
}

TEST_F(axvcpu, mmap_too_long)
{
	size_t p = self->page;

	EXPECT_ERRNO(mmap_err(self->vcpu, 2 * p, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
		     EINVAL);
	EXPECT_ERRNO(mmap_err(self->vcpu, p + 1, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
		     EINVAL);
	EXPECT_ERRNO(mmap_err(self->vcpu, 16 * p, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
		     EINVAL);
}

TEST_F(axvcpu, run_page_shared)
{
	struct axvcpu_run *a = axvcpu_map_run(self->vcpu);
	struct axvcpu_run *b = axvcpu_map_run(self->vcpu);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	a->immediate_exit = 0x5a5a;
	EXPECT_EQ(0x5a5aU, b->immediate_exit);
	b->immediate_exit = 0;
	EXPECT_EQ(0U, a->immediate_exit);
	munmap(a, self->page);
	munmap(b, self->page);
}

/* ------------------------------------------------------------ lifetime */

TEST_F(axvcpu, close_vm_first)
{
	struct axvcpu_run *run = axvcpu_map_run(self->vcpu);
	struct axvcpu_regs r;

	ASSERT_NE(NULL, run);
	ASSERT_EQ(0, axvcpu_set_region(self->vm, 0, 0, ENTRY_GPA, 2 * self->page,
				       mem_at(self, 0)));
	ASSERT_EQ(0, close(self->vm));
	self->vm = -1;
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(self->vcpu));
	EXPECT_EQ(0, get_regs(self->vcpu, &r));
	EXPECT_EQ(0, set_entry(self->vcpu, ENTRY_GPA));
	if (self->arch) {
		EXPECT_EQ(0, vcpu_setup(self, self->vcpu, 0, 0));
		EXPECT_EQ(AXVCPU_STATE_FREE, axvcpu_get_state(self->vcpu));
		EXPECT_EQ(0, inject(self->vcpu, self->arch->good_vectors[0], 0));
		EXPECT_EQ(0, set_return_value(self->vcpu, 1));
		run->immediate_exit = 1;
		EXPECT_ERRNO(axvcpu_ioctl(self->vcpu, AXVCPU_VCPU_RUN, 0), EINTR);
	}
	munmap(run, self->page);
}

TEST_F(axvcpu, close_system_fd_first)
{
	int vcpu;

	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	vcpu = axvcpu_create_vcpu(self->vm, 1);
	EXPECT_LE(0, vcpu);
	EXPECT_EQ(0, axvcpu_set_region(self->vm, 0, 0, A_GPA, self->page, mem_at(self, 0)));
	EXPECT_ERRNO(probe(self, A_GPA), EEXIST);
	EXPECT_EQ(AXVCPU_STATE_CREATED, axvcpu_get_state(vcpu));
	if (!self->arch) {
		close(vcpu);
		return;
	}
	EXPECT_EQ(0, vcpu_start(self, vcpu, 1));
	close(vcpu);
}

TEST_F(axvcpu, mapping_outlives_fds)
{
	struct axvcpu_run *run = axvcpu_map_run(self->vcpu);

	ASSERT_NE(NULL, run);
	run->immediate_exit = 7;
	close(self->vcpu);
	close(self->vm);
	close(self->fd);
	self->vcpu = -1;
	self->vm = -1;
	self->fd = -1;
	EXPECT_EQ(7U, run->immediate_exit);
	run->immediate_exit = 0;
	EXPECT_EQ(0, munmap(run, self->page));
}

TEST_F_TIMEOUT(axvcpu, many_vms_open, 120)
{
	unsigned int nv = self->max_vcpus < 16 ? self->max_vcpus : 16;
	int vms[MANY_VMS], vcpus[MANY_VMS][16];
	size_t p = self->page;
	unsigned int i, j;
	char *mem;

	mem = axvcpu_alloc(MANY_VMS * p);
	ASSERT_NE(NULL, mem);
	for (i = 0; i < MANY_VMS; i++) {
		vms[i] = axvcpu_create_vm(self->fd);
		ASSERT_LE(0, vms[i]) TH_LOG("VM %u", i);
		ASSERT_EQ(0, axvcpu_set_region(vms[i], i % self->max_regions, 0, A_GPA, p,
					       mem + i * p));
		for (j = 0; j < nv; j++) {
			vcpus[i][j] = axvcpu_create_vcpu(vms[i], j);
			ASSERT_LE(0, vcpus[i][j]) TH_LOG("VM %u vCPU %u", i, j);
		}
	}
	for (i = 0; i < MANY_VMS; i++) {
		if (i % 2)
			close(vms[i]);
		for (j = 0; j < nv; j++)
			close(vcpus[i][(i % 3) ? j : nv - 1 - j]);
		if (!(i % 2))
			close(vms[i]);
	}
	munmap(mem, MANY_VMS * p);
}

TEST_F_TIMEOUT(axvcpu, create_close_loop, 300)
{
	unsigned int nv = self->max_vcpus < 4 ? self->max_vcpus : 4;
	bool startable = self->arch;
	struct axvcpu_run *run[4];
	size_t p = self->page;
	int sys, vm, vcpu[4];
	unsigned int i, j;
	char *part;

	for (i = 0; i < LOOPS; i++) {
		sys = axvcpu_open();
		ASSERT_LE(0, sys);
		vm = axvcpu_create_vm(sys);
		ASSERT_LE(0, vm);
		close(axvcpu_create_vm(sys));
		if (i % 2) {
			close(sys);
			sys = -1;
		}
		ASSERT_EQ(0, axvcpu_set_region(vm, 0, 0, A_GPA, 2 * p, mem_at(self, 0)));
		ASSERT_EQ(0, axvcpu_set_region(vm, 1, AXVCPU_MEM_READONLY, B_GPA, p,
					       mem_at(self, 4)));
		EXPECT_ERRNO(axvcpu_set_region(vm, 2, 0, A_GPA, p, mem_at(self, 8)), EEXIST);
		EXPECT_ERRNO(axvcpu_set_region(vm, 2, AXVCPU_MEM_PINNED, B_GPA + p, p, NULL),
			     EFAULT);

		part = axvcpu_alloc(2 * p);
		ASSERT_NE(NULL, part);
		part[0] = 1;
		ASSERT_EQ(0, munmap(part + p, p));
		EXPECT_NE(0, axvcpu_set_region(vm, 2, AXVCPU_MEM_PINNED, B_GPA + p, 2 * p,
					       part));
		munmap(part, p);

		for (j = 0; j < nv; j++) {
			vcpu[j] = axvcpu_create_vcpu(vm, j);
			ASSERT_LE(0, vcpu[j]);
			run[j] = axvcpu_map_run(vcpu[j]);
			ASSERT_NE(NULL, run[j]);
			if (!startable || (i + j) % 2 != 0)
				continue;
			ASSERT_EQ(0, vcpu_start(self, vcpu[j], j));
		}
		EXPECT_ERRNO(axvcpu_create_vcpu(vm, 0), EEXIST);

		switch (i % 3) {
		case 0:
			EXPECT_EQ(0, axvcpu_set_region(vm, 0, 0, A_GPA, 2 * p, mem_at(self, 12)));
			break;
		case 1:
			EXPECT_EQ(0, delete_region(vm, 1));
			break;
		default:
			break;
		}

		if (i % 4 == 0)
			for (j = 0; j < nv; j++)
				munmap(run[j], p);
		switch (i % 3) {
		case 0:
			for (j = 0; j < nv; j++)
				close(vcpu[j]);
			close(vm);
			break;
		case 1:
			close(vm);
			for (j = 0; j < nv; j++)
				close(vcpu[nv - 1 - j]);
			break;
		default:
			for (j = 0; j < nv; j++) {
				if (j == nv / 2)
					close(vm);
				close(vcpu[j]);
			}
			break;
		}
		if (i % 4 != 0)
			for (j = 0; j < nv; j++)
				munmap(run[j], p);
		if (sys >= 0)
			close(sys);
	}
}

TEST_HARNESS_MAIN
