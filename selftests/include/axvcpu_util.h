/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the axvcpu selftests. EXPECT_ERRNO() and ASSERT_ERRNO()
 * need kselftest_harness.h to be included first.
 */
#ifndef _AXVCPU_UTIL_H
#define _AXVCPU_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/axvcpu.h>

#define AXVCPU_DEV	"/dev/axvcpu"

/* ioctl() with any integer or pointer @arg: its result, or -errno. */
#define axvcpu_ioctl(fd, req, arg) \
	__axvcpu_ioctl((fd), (req), (unsigned long)(arg))

static inline long __axvcpu_ioctl(int fd, unsigned long req, unsigned long arg)
{
	int ret = ioctl(fd, req, arg);

	return ret < 0 ? -errno : ret;
}

/*
 * Expect @expr (a result or -errno, as from axvcpu_ioctl()) to be -@err;
 * like EXPECT_EQ(), a TH_LOG() may follow.
 */
#define EXPECT_ERRNO(expr, err) \
	__EXPECT(-(long)(err), "-" #err, (long)(expr), #expr, ==, 0)

/* As EXPECT_ERRNO(), but end the test on mismatch. */
#define ASSERT_ERRNO(expr, err) \
	__EXPECT(-(long)(err), "-" #err, (long)(expr), #expr, ==, 1)

/* Open /dev/axvcpu: the system fd, or -1 with errno set (tests SKIP on ENOENT). */
static inline int axvcpu_open(void)
{
	return open(AXVCPU_DEV, O_RDWR | O_CLOEXEC);
}

/* Read capability @cap into *@value: 0 or -errno. */
static inline long axvcpu_check_cap(int sys_fd, __u32 cap, __u64 *value)
{
	struct axvcpu_cap c = { .cap = cap };
	long ret = axvcpu_ioctl(sys_fd, AXVCPU_CHECK_CAP, &c);

	if (!ret)
		*value = c.value;
	return ret;
}

/* Create a VM: its fd, or -errno. */
static inline int axvcpu_create_vm(int sys_fd)
{
	return (int)axvcpu_ioctl(sys_fd, AXVCPU_CREATE_VM, 0);
}

/* Create vCPU @id of a VM: its fd, or -errno. */
static inline int axvcpu_create_vcpu(int vm_fd, unsigned long id)
{
	return (int)axvcpu_ioctl(vm_fd, AXVCPU_VM_CREATE_VCPU, id);
}

/* Map the run page of a vCPU: its address, or NULL with errno set. */
static inline struct axvcpu_run *axvcpu_map_run(int vcpu_fd)
{
	void *p = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED,
		       vcpu_fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Page-aligned zeroed anonymous memory of @size bytes, or NULL. */
static inline void *axvcpu_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Set (@size 0: delete) memory slot @slot of a VM: 0 or -errno. */
static inline long axvcpu_set_region(int vm_fd, __u32 slot, __u32 flags,
				     __u64 gpa, __u64 size, void *uaddr)
{
	struct axvcpu_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (unsigned long)uaddr,
	};

	return axvcpu_ioctl(vm_fd, AXVCPU_VM_SET_MEMORY_REGION, &r);
}

/* Allocate @size bytes and make them slot @slot at @gpa: the memory, or NULL. */
static inline void *axvcpu_add_region(int vm_fd, __u32 slot, __u32 flags,
				      __u64 gpa, size_t size)
{
	void *mem = axvcpu_alloc(size);
	long ret;

	if (!mem)
		return NULL;
	ret = axvcpu_set_region(vm_fd, slot, flags, gpa, size, mem);
	if (ret) {
		munmap(mem, size);
		errno = -ret;
		return NULL;
	}
	return mem;
}

/* State of a vCPU (AXVCPU_STATE_*), or -errno. */
static inline long axvcpu_get_state(int vcpu_fd)
{
	struct axvcpu_vcpu_state s;
	long ret = axvcpu_ioctl(vcpu_fd, AXVCPU_VCPU_GET_STATE, &s);

	return ret ? ret : (long)s.state;
}

#endif /* _AXVCPU_UTIL_H */
