// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-executing tests of axvcpu on the arm64 EL2/VHE backend.
 *
 * Each test builds a VM whose RAM holds a program from guest/arm64.S,
 * runs it at EL1 and checks every exit the program provokes against the
 * arm64 guest semantics of the spec: exit payloads field by field, read
 * exits completed through the run page, and the values the guest REPORTs
 * back with the test hypercall (see guest/arm64.h). The harness and the
 * arch-neutral tests are in lib/ (include/run_util.h,
 * include/common_tests.h).
 */
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/if_alg.h>

#include "run_util.h"
#include "common_tests.h"

/* The sysreg exit's addr: the MSR/MRS ISS without Rt and the direction. */
#define SYSREG(op0, op1, crn, crm, op2) \
	((__u64)(op0) << 20 | (__u64)(op2) << 17 | (__u64)(op1) << 14 | \
	 (__u64)(crn) << 10 | (__u64)(crm) << 1)

#define SYSREG_ACTLR_EL1	SYSREG(3, 0, 1, 0, 1)
#define SYSREG_PMCR_EL0		SYSREG(3, 3, 9, 12, 0)
#define SYSREG_MDSCR_EL1	SYSREG(2, 0, 0, 2, 2)
#define SYSREG_OSLAR_EL1	SYSREG(2, 0, 1, 0, 4)
#define SYSREG_CNTP_CTL_EL0	SYSREG(3, 3, 14, 2, 1)
#define SYSREG_CNTP_CVAL_EL0	SYSREG(3, 3, 14, 2, 2)

/* PSTATE bits a test compares: NZCV, DAIF and the mode. */
#define PSTATE_CHECKED		(0xfULL << PSTATE_NZCV_SHIFT | PSTATE_DAIF | 0x1f)
#define PSTATE_RESET		(PSTATE_DAIF | PSTATE_MODE_EL1H)

/* Where the VMM puts a program's data: tables, and the second program. */
#define GUEST_DATA		(GUEST_RAM_BASE + GUEST_DATA_OFF)
#define SECOND_PROGRAM_OFF	0x4000

/*
 * SET_ENTRY @entry, then SETUP with MPIDR @mpidr, x0..x3 = @x and the
 * AXVCPU_SETUP_* @flags.
 */
static void vcpu_setup_arm64(struct __test_metadata *_metadata,
			     struct vcpu *v, __u64 entry, __u64 mpidr,
			     const __u64 *x, __u32 flags)
{
	struct axvcpu_setup setup;
	unsigned int i;

	/* An initializer need not zero the union's bytes past .arm64. */
	memset(&setup, 0, sizeof(setup));
	setup.arch = AXVCPU_BACKEND_ARM64_VHE;
	setup.flags = flags;
	setup.arm64.mpidr = mpidr;
	for (i = 0; i < 4; i++)
		setup.arm64.x[i] = x[i];
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_ENTRY, &entry));
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SETUP, &setup));
}

/* The cpu id is the MPIDR affinity and x0; the argument goes in x1. */
void vcpu_setup_flags(struct __test_metadata *_metadata, struct vcpu *v,
		      __u64 entry, __u64 cpu, __u64 arg, __u32 flags)
{
	const __u64 x[4] = { cpu, arg, 0, 0 };

	vcpu_setup_arm64(_metadata, v, entry, cpu, x, flags);
}

/* vCPU @id entering @entry with MPIDR @mpidr and x0..x3 = @x. */
static struct vcpu *vcpu_add_arm64(struct __test_metadata *_metadata,
				   struct vm *vm, unsigned int id,
				   __u64 entry, __u64 mpidr, const __u64 *x)
{
	struct vcpu *v = vcpu_create(_metadata, vm, id);

	vcpu_setup_arm64(_metadata, v, entry, mpidr, x, 0);
	return v;
}

/*
 * Copy a second program into @vm's RAM, at SECOND_PROGRAM_OFF (below the
 * data): its guest-physical address.
 */
static __u64 vm_load_second(struct __test_metadata *_metadata, struct vm *vm,
			    const char *first_begin, const char *first_end,
			    const char *begin, const char *end)
{
	size_t first = first_end - first_begin, len = end - begin;

	ASSERT_GE((size_t)SECOND_PROGRAM_OFF, first);
	ASSERT_GE((size_t)(GUEST_DATA_OFF - SECOND_PROGRAM_OFF), len);
	memcpy((char *)vm->ram + SECOND_PROGRAM_OFF, begin, len);
	return GUEST_RAM_BASE + SECOND_PROGRAM_OFF;
}

/* irq REPORTs 1, then the INTID. */
void expect_irq_taken(struct __test_metadata *_metadata, struct vcpu *v,
		      __u32 intid)
{
	EXPECT_REPORTS(v, 1, intid);
}

FIXTURE(arm64) {
	int sys_fd;
};

FIXTURE_SETUP(arm64)
{
	open_backend(_metadata, &self->sys_fd, AXVCPU_BACKEND_ARM64_VHE,
		     "arm64 VHE");
}

FIXTURE_TEARDOWN(arm64)
{
	if (self->sys_fd >= 0)
		close(self->sys_fd);
}

/*
 * An hvc or smc that is no PSCI call (x0 is not a PSCI function id) is a
 * HYPERCALL exit: nr = x0, args = x1..x6, fid = the instruction's
 * immediate. Its pc is past the instruction and the registers are
 * untouched; SET_RETURN_VALUE lands in x0 only.
 */
static void run_hypercall(struct __test_metadata *_metadata, int sys_fd,
			  bool smc)
{
	const __u64 ret = 0xdeadbeefcafef00dULL;
	const char *entry = smc ? hypercall_smc : hypercall_begin;
	const char *next = smc ? hypercall_smc_ret : hypercall_hvc_ret;
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, sys_fd, &vm, hypercall_begin, hypercall_end);
	v = vcpu_add(_metadata, &vm, 0, guest_addr(hypercall_begin, entry),
		     0, 0);

	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, false);
	ASSERT_EQ_X(HC_NR, v->run->hypercall.nr);
	for (i = 0; i < 6; i++)
		ASSERT_EQ_X(i + 1, v->run->hypercall.args[i]);
	ASSERT_EQ_X(smc ? HC_FID_SMC : HC_FID_HVC, v->run->hypercall.fid);

	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(guest_addr(hypercall_begin, next), regs.pc);
	ASSERT_EQ_X(HC_NR, regs.gprs[0]);
	for (i = 1; i <= 7; i++)
		ASSERT_EQ_X(i, regs.gprs[i]);

	set_return_value(_metadata, v, ret);
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, ret, 1, 6, 7);
	vm_destroy(&vm);
}

TEST_F(arm64, hypercall_exit_and_return)
{
	run_hypercall(_metadata, self->sys_fd, false);
}

/* smc is handled exactly like hvc: fid = its immediate, pc past it. */
TEST_F(arm64, smc_hypercall_exit_and_return)
{
	run_hypercall(_metadata, self->sys_fd, true);
}

#define PSCI_SELF	0x0203ULL	/* vCPU 0: Aff1 2, Aff0 3 */
#define PSCI_OTHER	0x0100000001ULL	/* vCPU 1: Aff3 1, Aff0 1 */

/* PSCI calls the module answers itself; vCPU 1 is set up, never run. */
static const struct psci_case {
	const char *what;
	__u64 fn, x1, x2;
	__s64 ret;
} psci_cases[] = {
	{ "VERSION", PSCI_FN_VERSION, 0, 0, PSCI_VERSION_1_1 },
	{ "FEATURES(VERSION)", PSCI_FN_FEATURES, PSCI_FN_VERSION, 0, 0 },
	{ "FEATURES(FEATURES)", PSCI_FN_FEATURES, PSCI_FN_FEATURES, 0, 0 },
	{ "FEATURES(CPU_OFF)", PSCI_FN_FEATURES, PSCI_FN_CPU_OFF, 0, 0 },
	{ "FEATURES(CPU_ON)", PSCI_FN_FEATURES, PSCI_FN_CPU_ON, 0, 0 },
	{ "FEATURES(CPU_ON64)", PSCI_FN_FEATURES, PSCI_FN64_CPU_ON, 0, 0 },
	{ "FEATURES(AFFINITY_INFO)", PSCI_FN_FEATURES, PSCI_FN_AFFINITY_INFO,
	  0, 0 },
	{ "FEATURES(AFFINITY_INFO64)", PSCI_FN_FEATURES,
	  PSCI_FN64_AFFINITY_INFO, 0, 0 },
	{ "FEATURES(SYSTEM_OFF)", PSCI_FN_FEATURES, PSCI_FN_SYSTEM_OFF, 0, 0 },
	{ "FEATURES(SYSTEM_RESET)", PSCI_FN_FEATURES, PSCI_FN_SYSTEM_RESET,
	  0, 0 },
	{ "FEATURES(CPU_SUSPEND)", PSCI_FN_FEATURES, PSCI_FN_CPU_SUSPEND, 0,
	  PSCI_ERR_NOT_SUPPORTED },
	{ "FEATURES(CPU_SUSPEND64)", PSCI_FN_FEATURES, PSCI_FN64_CPU_SUSPEND,
	  0, PSCI_ERR_NOT_SUPPORTED },
	{ "FEATURES(MIGRATE_INFO_TYPE)", PSCI_FN_FEATURES,
	  PSCI_FN_MIGRATE_INFO_TYPE, 0, PSCI_ERR_NOT_SUPPORTED },
	{ "FEATURES(SYSTEM_RESET2_64)", PSCI_FN_FEATURES,
	  PSCI_FN64_SYSTEM_RESET2, 0, PSCI_ERR_NOT_SUPPORTED },
	{ "FEATURES(no PSCI function)", PSCI_FN_FEATURES, TEST_EID, 0,
	  PSCI_ERR_NOT_SUPPORTED },
	{ "AFFINITY_INFO(self)", PSCI_FN_AFFINITY_INFO, PSCI_SELF, 0,
	  PSCI_AFFINITY_ON },
	{ "AFFINITY_INFO64(self)", PSCI_FN64_AFFINITY_INFO, PSCI_SELF, 0,
	  PSCI_AFFINITY_ON },
	{ "AFFINITY_INFO64(vCPU 1, never run)", PSCI_FN64_AFFINITY_INFO,
	  PSCI_OTHER, 0, PSCI_AFFINITY_OFF },
	{ "AFFINITY_INFO64(self, level 1)", PSCI_FN64_AFFINITY_INFO, PSCI_SELF,
	  1, PSCI_ERR_INVALID_PARAMS },
	{ "AFFINITY_INFO64(no such MPIDR)", PSCI_FN64_AFFINITY_INFO, 0x0204,
	  0, PSCI_ERR_INVALID_PARAMS },
	/* vCPU 2 is created, not set up: it has no MPIDR yet, not 0. */
	{ "AFFINITY_INFO64(MPIDR 0, no vCPU set up with it)",
	  PSCI_FN64_AFFINITY_INFO, 0, 0, PSCI_ERR_INVALID_PARAMS },
	{ "CPU_SUSPEND", PSCI_FN_CPU_SUSPEND, 0, 0, PSCI_ERR_NOT_SUPPORTED },
	{ "CPU_SUSPEND64", PSCI_FN64_CPU_SUSPEND, 0, 0,
	  PSCI_ERR_NOT_SUPPORTED },
	{ "MIGRATE_INFO_TYPE", PSCI_FN_MIGRATE_INFO_TYPE, 0, 0,
	  PSCI_ERR_NOT_SUPPORTED },
	{ "SYSTEM_RESET2_64", PSCI_FN64_SYSTEM_RESET2, 0, 0,
	  PSCI_ERR_NOT_SUPPORTED },
	{ "0x8400001F", PSCI_FN_LAST32, 0, 0, PSCI_ERR_NOT_SUPPORTED },
	{ "FEATURES(SMCCC_VERSION)", PSCI_FN_FEATURES, 0x80000000, 0, 0 },
	{ "SMCCC_VERSION", 0x80000000, 0, 0, 0x10001 },
	{ "SMCCC_ARCH_FEATURES(ARCH_FEATURES)", 0x80000001, 0x80000001, 0, 0 },
	{ "SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_1)", 0x80000001, 0x80008000, 0,
	  PSCI_ERR_NOT_SUPPORTED },
	{ "SMCCC_ARCH_WORKAROUND_1", 0x80008000, 0, 0, PSCI_ERR_NOT_SUPPORTED },
	{ "0xC400001F", PSCI_FN64_LAST, 0, 0, PSCI_ERR_NOT_SUPPORTED },
};

/*
 * VERSION, FEATURES, AFFINITY_INFO and the unsupported PSCI functions are
 * handled in the kernel, through hvc #0 or smc #0: the whole table is one
 * RUN that ends in DONE.
 */
static void run_psci_table(struct __test_metadata *_metadata, int sys_fd,
			   bool smc)
{
	const unsigned int n = ARRAY_SIZE(psci_cases);
	const __u64 other_x[4] = { 0 };
	__u64 x[4] = { 0, GUEST_DATA, smc, 0 };
	__u64 *table;
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, sys_fd, &vm, psci_table_begin, psci_table_end);
	table = vm_data(&vm);
	for (i = 0; i < n; i++) {
		table[4 * i] = psci_cases[i].fn;
		table[4 * i + 1] = psci_cases[i].x1;
		table[4 * i + 2] = psci_cases[i].x2;
		table[4 * i + 3] = 0xa5a5a5a5a5a5a5a5ULL;
	}
	table[4 * n] = 0;
	v = vcpu_add_arm64(_metadata, &vm, 0, GUEST_RAM_BASE, PSCI_SELF, x);
	vcpu_add_arm64(_metadata, &vm, 1, GUEST_RAM_BASE, PSCI_OTHER, other_x);
	vcpu_create(_metadata, &vm, 2);

	expect_done(_metadata, v, false);
	ASSERT_EQ(0U, v->nr_reports);
	ASSERT_EQ(1U, v->nr_runs);
	ASSERT_LE(n, v->run->kernel_exits);
	ASSERT_LT(v->run->kernel_exits, v->run->exits);

	for (i = 0; i < n; i++) {
		ASSERT_EQ((__u64)psci_cases[i].ret, table[4 * i + 3])
			TH_LOG("%s: want %lld, got %#llx", psci_cases[i].what,
			       (long long)psci_cases[i].ret,
			       ULL(table[4 * i + 3]));
	}
	vm_destroy(&vm);
}

TEST_F(arm64, psci_in_kernel)
{
	run_psci_table(_metadata, self->sys_fd, false);
}

TEST_F(arm64, psci_in_kernel_smc)
{
	run_psci_table(_metadata, self->sys_fd, true);
}

#define CPU_ON_TARGET	0x0102ULL	/* MPIDR of the vCPU CPU_ON starts */

static void expect_cpu_on(struct __test_metadata *_metadata, struct vcpu *v)
{
	expect_exit(_metadata, v, AXVCPU_EXIT_CPU_UP, false);
	ASSERT_EQ_X(CPU_ON_TARGET, v->run->cpu_up.target_cpu);
	ASSERT_EQ_X(guest_addr(psci_cpu_on_begin, psci_cpu_on_secondary),
		    v->run->cpu_up.entry_point);
	ASSERT_EQ_X(CPU_ON_CONTEXT, v->run->cpu_up.arg);
}

/*
 * CPU_ON exits CPU_UP {target MPIDR, entry point, context id} with the
 * caller's x0 preset to SUCCESS; the VMM starts vCPU 1 from the payload
 * (entry, MPIDR = target, x0 = context id) and runs it. A second CPU_ON
 * gets the status the VMM sets, and AFFINITY_INFO then sees vCPU 1 ON.
 */
TEST_F(arm64, psci_cpu_on_two_vcpus)
{
	struct vcpu *v0, *v1;
	struct vm vm;
	__u64 x[4] = { 0 };

	vm_create(_metadata, self->sys_fd, &vm, psci_cpu_on_begin,
		  psci_cpu_on_end);
	v0 = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, CPU_ON_TARGET);

	expect_cpu_on(_metadata, v0);
	x[0] = v0->run->cpu_up.arg;
	v1 = vcpu_add_arm64(_metadata, &vm, 1, v0->run->cpu_up.entry_point,
			    v0->run->cpu_up.target_cpu, x);
	expect_done(_metadata, v1, false);
	EXPECT_REPORTS(v1, CPU_ON_TARGET, CPU_ON_CONTEXT);

	expect_cpu_on(_metadata, v0);
	set_return_value(_metadata, v0, (__u64)PSCI_ERR_ALREADY_ON);
	expect_done(_metadata, v0, false);
	EXPECT_REPORTS(v0, PSCI_SUCCESS, (__u64)PSCI_ERR_ALREADY_ON,
		       PSCI_AFFINITY_ON);
	vm_destroy(&vm);
}

/*
 * AFFINITY_INFO sees a vCPU that has run ON, and OFF once it called
 * CPU_OFF, which exits CPU_DOWN with a zero payload.
 */
TEST_F(arm64, psci_cpu_off_affinity)
{
	const __u64 x1[4] = { 1, 0, 0, 0 };
	struct vcpu *v0, *v1;
	struct vm vm;
	char buf[256];

	vm_create(_metadata, self->sys_fd, &vm, psci_cpu_off_begin,
		  psci_cpu_off_end);
	v0 = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 1);
	v1 = vcpu_add_arm64(_metadata, &vm, 1,
			    guest_addr(psci_cpu_off_begin,
				       psci_cpu_off_secondary), 1, x1);

	expect_exit(_metadata, v1, AXVCPU_EXIT_HALT, false);
	expect_exit(_metadata, v0, AXVCPU_EXIT_HYPERCALL, false);
	ASSERT_TRUE(is_test_call(v0->run, TEST_FID_SYNC))
		TH_LOG("want SYNC, got %s",
		       describe_exit(v0->run, buf, sizeof(buf)));
	expect_exit(_metadata, v1, AXVCPU_EXIT_CPU_DOWN, false);
	ASSERT_EQ_X(0, v1->run->cpu_down_state);
	expect_done(_metadata, v0, false);
	EXPECT_REPORTS(v0, PSCI_AFFINITY_ON, PSCI_AFFINITY_OFF);
	vm_destroy(&vm);
}

/* A psci_call vCPU making call @fn through hvc or smc. */
static struct vcpu *psci_call_vcpu(struct __test_metadata *_metadata,
				   int sys_fd, struct vm *vm, __u64 fn,
				   bool smc)
{
	const __u64 x[4] = { fn, 0, 0, 0 };
	__u64 entry = smc ? guest_addr(psci_call_begin, psci_call_smc) :
			    GUEST_RAM_BASE;

	vm_create(_metadata, sys_fd, vm, psci_call_begin, psci_call_end);
	return vcpu_add_arm64(_metadata, vm, 0, entry, 0, x);
}

/* CPU_OFF, through hvc or smc, exits CPU_DOWN with a zero payload. */
TEST_F(arm64, psci_cpu_off_exit)
{
	unsigned int smc;

	for (smc = 0; smc < 2; smc++) {
		struct vcpu *v;
		struct vm vm;

		v = psci_call_vcpu(_metadata, self->sys_fd, &vm,
				   PSCI_FN_CPU_OFF, smc);
		expect_exit(_metadata, v, AXVCPU_EXIT_CPU_DOWN, false);
		ASSERT_EQ_X(0, v->run->cpu_down_state);
		vm_destroy(&vm);
	}
}

/*
 * SYSTEM_OFF exits SYSTEM_DOWN {0, 0} and SYSTEM_RESET SYSTEM_DOWN
 * {1, 0}, through hvc and through smc.
 */
TEST_F(arm64, psci_system_off_reset)
{
	static const struct {
		__u64 fn, type;
	} calls[] = {
		{ PSCI_FN_SYSTEM_OFF, 0 },
		{ PSCI_FN_SYSTEM_RESET, 1 },
	};
	unsigned int i, smc;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		for (smc = 0; smc < 2; smc++) {
			struct vcpu *v;
			struct vm vm;

			v = psci_call_vcpu(_metadata, self->sys_fd, &vm,
					   calls[i].fn, smc);
			expect_exit(_metadata, v, AXVCPU_EXIT_SYSTEM_DOWN,
				    false);
			ASSERT_EQ_X(calls[i].type, v->run->system_down.type);
			ASSERT_EQ_X(0, v->run->system_down.reason);
			vm_destroy(&vm);
		}
	}
}

/*
 * The loads of mmio_read: reg is Rt, reg_width 8 for X and 4 for W
 * registers, signed_ext for LDRSB/LDRSH/LDRSW. The value a W load puts
 * in its X register has the upper half clear.
 */
static const struct mmio_access mmio_read_acc[] = {
	MMIO_RW(0x00, 1, 5, 4, 0, 0x1234567890abcd80ULL, 0x80),
	MMIO_RW(0x01, 1, 6, 8, 1, 0x11223344556677f0ULL,
		0xfffffffffffffff0ULL),
	MMIO_RW(0x02, 1, 7, 4, 1, 0x80, 0xffffff80),
	MMIO_RW(0x04, 2, 8, 4, 0, 0xbbbbbbbbbbbbfffeULL, 0xfffe),
	MMIO_RW(0x06, 2, 9, 8, 1, 0xaaaaaaaaaaaa8001ULL,
		0xffffffffffff8001ULL),
	MMIO_RW(0x08, 2, 10, 4, 1, 0x8001, 0xffff8001),
	MMIO_RW(0x0c, 4, 11, 4, 0, 0xcccccccc87654321ULL, 0x87654321),
	MMIO_RW(0x10, 4, 12, 8, 1, 0xdddddddd87654321ULL,
		0xffffffff87654321ULL),
	MMIO_RW(0x18, 8, 13, 8, 0, 0xfedcba9876543210ULL,
		0xfedcba9876543210ULL),
	MMIO_RW(0x20, 8, 0, 8, 0, 0x0123456789abcdefULL,
		0x0123456789abcdefULL),
	MMIO_RW(0x28, 2, 30, 4, 0, 0xeeeeeeeeeeee1234ULL, 0x1234),
	MMIO_RW(0x48, 8, 14, 8, 0, 0x1111111111111111ULL,
		0x1111111111111111ULL),
	MMIO_RW(0x58, 8, 15, 8, 0, 0x2222222222222222ULL,
		0x2222222222222222ULL),
	MMIO_RW(0x64, 4, 17, 8, 1, 0xffffffff7fffffffULL, 0x7fffffff),
	MMIO_RW(0x7ff8, 8, 16, 8, 0, 0x3333333333333333ULL,
		0x3333333333333333ULL),
	/* xzr: discarded; the guest then reports sp, which is unchanged. */
	MMIO_RW(0x68, 8, 31, 8, 0, 0x4444444444444444ULL,
		GUEST_RAM_BASE + GUEST_RAM_SIZE),
};

/* Every load width and form; the value lands in Rt as the load says. */
TEST_F(arm64, mmio_read_widths)
{
	run_mmio(_metadata, self->sys_fd, mmio_read_begin, mmio_read_end,
		 mmio_read_acc, ARRAY_SIZE(mmio_read_acc));
}

/*
 * At an MMIO_READ exit, before the VMM completes it, GET_REGS already
 * reads the pc of the instruction after the load, and Rt as it was; the
 * next RUN writes Rt and goes on from that pc.
 */
TEST_F(arm64, mmio_read_pc_past_load)
{
	static const __u64 x5 = ~0ULL;	/* mov x5, #-1 */

	common_mmio_read_pc_past_load(_metadata, &self->sys_fd, mmio_read_acc,
				      &x5);
}

/* Every store width and form; data is Rt truncated to the width. */
TEST_F(arm64, mmio_write_widths)
{
	static const struct mmio_access acc[] = {
		MMIO_W(0x40, 1, 0xff),
		MMIO_W(0x42, 2, 0xeeff),
		MMIO_W(0x44, 4, 0xccddeeff),
		MMIO_W(0x48, 8, 0x8899aabbccddeeffULL),
		MMIO_W(0x50, 8, 0),			/* xzr */
		MMIO_W(0x58, 1, 0),			/* wzr */
		MMIO_W(0x60, 4, 0xccddeeff),
		MMIO_W(0x68, 8, 0x8899aabbccddeeffULL),
		MMIO_W(0x1ffe, 2, 0xcdef),
		MMIO_W(0x78, 4, 1),
	};

	run_mmio(_metadata, self->sys_fd, mmio_write_begin, mmio_write_end,
		 acc, ARRAY_SIZE(acc));
}

/*
 * Expect the internal error of an MMIO access without syndrome at
 * @label: ESR_EL2 (a data abort from EL1 with ISV clear, WnR = @write)
 * and the IPA @ipa (a pair may fault on its second half, @ipa + 8); the
 * pc is not advanced, so RUN retries it. @pair: accept either half.
 */
static void expect_no_syndrome(struct __test_metadata *_metadata,
			       struct vcpu *v, const char *label, __u64 ipa,
			       bool write, bool pair)
{
	struct axvcpu_regs regs;
	__u64 esr, addr;

	expect_exit(_metadata, v, AXVCPU_EXIT_INTERNAL_ERROR, false);
	ASSERT_EQ((__u32)AXVCPU_INTERNAL_MMIO_DECODE, v->run->internal.suberror);
	esr = v->run->internal.data[0];
	addr = v->run->internal.data[1];
	ASSERT_EQ_X(ESR_EC_DABT_LOW, esr >> ESR_EC_SHIFT);
	ASSERT_EQ_X(0, esr & ESR_ISV);
	ASSERT_EQ_X(write ? ESR_WNR : 0, esr & ESR_WNR);
	if (!pair || addr != ipa + 8)
		ASSERT_EQ_X(ipa, addr);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(guest_addr(mmio_nosyn_begin, label), regs.pc);
}

/* Step over the instruction at the pc, as a VMM emulating it would. */
static void skip_insn(struct __test_metadata *_metadata, struct vcpu *v)
{
	struct axvcpu_regs regs;

	get_regs(_metadata, v, &regs);
	regs.pc += 4;
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs));
}

/*
 * Load and store pairs and post-indexed loads to MMIO come without an
 * instruction syndrome: INTERNAL_ERROR MMIO_DECODE {ESR_EL2, IPA}, the
 * instruction not executed and retried by the next RUN.
 */
TEST_F(arm64, mmio_no_syndrome_internal_error)
{
	const __u64 ipa = GUEST_MMIO_BASE + 0x100;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, mmio_nosyn_begin,
		  mmio_nosyn_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, GUEST_MMIO_BASE);

	expect_no_syndrome(_metadata, v, mmio_nosyn_ldp, ipa, false, true);
	expect_no_syndrome(_metadata, v, mmio_nosyn_ldp, ipa, false, true);
	skip_insn(_metadata, v);
	expect_no_syndrome(_metadata, v, mmio_nosyn_post, ipa, false, false);
	skip_insn(_metadata, v);
	expect_no_syndrome(_metadata, v, mmio_nosyn_stp, ipa + 16, true,
			   true);
	skip_insn(_metadata, v);
	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

/* immediate_exit, on the first two loads of mmio_read. */
TEST_F(arm64, mmio_read_run_page_tampered)
{
	common_mmio_read_run_page_tampered(_metadata, &self->sys_fd,
					   mmio_read_acc,
					   ARRAY_SIZE(mmio_read_acc));
}

TEST_F(arm64, immediate_exit_returns_eintr)
{
	common_immediate_exit_returns_eintr(_metadata, &self->sys_fd,
					    mmio_read_acc);
}

TEST_F(arm64, npf_readonly_store)
{
	common_npf_readonly_store(_metadata, &self->sys_fd);
}

TEST_F(arm64, npf_fetch_outside)
{
	common_npf_fetch_outside(_metadata, &self->sys_fd);
}

/* A branch to an address outside every region: an exec fault there. */
TEST_F(arm64, npf_branch_to_unmapped)
{
	common_npf_jump_to_unmapped(_metadata, &self->sys_fd);
}

/*
 * The recovery from a nested page fault that the VMM resolves by moving
 * the guest elsewhere: after a br to an address no region covers,
 * GET_REGS reads PSTATE as the fault left it, with the branch's BTYPE on
 * a CPU with BTI (0x7c5 under QEMU), and SET_REGS takes those registers
 * back with only the pc changed; the guest goes on at the new pc.
 */
TEST_F(arm64, npf_branch_resume_elsewhere)
{
	struct axvcpu_regs regs, back;
	struct vcpu *v;
	struct vm vm;
	long ret;

	vm_create(_metadata, self->sys_fd, &vm, npf_resume_begin,
		  npf_resume_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, GUEST_UNMAPPED);

	expect_exit(_metadata, v, AXVCPU_EXIT_NESTED_PAGE_FAULT, false);
	ASSERT_EQ_X(GUEST_UNMAPPED, v->run->npf.addr);
	ASSERT_EQ(AXVCPU_ACCESS_EXEC, v->run->npf.access);
	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(GUEST_UNMAPPED, regs.pc);
	ASSERT_EQ_X(PSTATE_RESET, regs.flags & ~(__u64)PSTATE_BTYPE);
	TH_LOG("PSTATE at the fault: %#llx", ULL(regs.flags));

	regs.pc = guest_addr(npf_resume_begin, npf_resume_cont);
	ret = axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs);
	ASSERT_EQ(0, ret)
		TH_LOG("SET_REGS with flags %#llx: %s", ULL(regs.flags),
		       strerror(-ret));
	get_regs(_metadata, v, &back);
	ASSERT_EQ(0, memcmp(&regs, &back, sizeof(regs)));

	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, NPF_RESUME_MARK);
	vm_destroy(&vm);
}

/* WFI with nothing pending exits HALT past the wfi; the guest goes on. */
TEST_F(arm64, wfi_halt)
{
	common_halt(_metadata, &self->sys_fd, wfi_begin, wfi_end, wfi_ret);
}

/*
 * Trapped system registers go to the VMM: MRS is a read with reg = Rt,
 * completed through run->sysreg.value; MSR is a write of Rt (xzr: 0).
 * addr is Op0 << 20 | Op2 << 17 | Op1 << 14 | CRn << 10 | CRm << 1.
 */
TEST_F(arm64, sysreg_read_write)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, sysreg_begin, sysreg_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);

	expect_sysreg_read(_metadata, v, SYSREG_ACTLR_EL1, 5,
			   0xa5a5000000000001ULL);
	expect_sysreg_write(_metadata, v, SYSREG_ACTLR_EL1,
			    0x1122334455667788ULL);
	expect_sysreg_write(_metadata, v, SYSREG_ACTLR_EL1, 0);
	expect_sysreg_read(_metadata, v, SYSREG_PMCR_EL0, 30, 0x41013000);
	expect_sysreg_write(_metadata, v, SYSREG_PMCR_EL0, 0x41);
	expect_sysreg_read(_metadata, v, SYSREG_MDSCR_EL1, 0, 0x8000);
	expect_sysreg_write(_metadata, v, SYSREG_MDSCR_EL1, 0x8000);
	expect_sysreg_write(_metadata, v, SYSREG_OSLAR_EL1, 1);
	expect_sysreg_read(_metadata, v, SYSREG_CNTP_CTL_EL0, 10, 0x4);
	expect_sysreg_write(_metadata, v, SYSREG_CNTP_CTL_EL0, 3);
	expect_sysreg_write(_metadata, v, SYSREG_CNTP_CVAL_EL0,
			    0xfedcba9876543210ULL);
	expect_sysreg_read(_metadata, v, SYSREG_CNTP_CVAL_EL0, 13,
			   0x0123456789abcdefULL);
	/* Into xzr: discarded, sp stays. */
	expect_sysreg_read(_metadata, v, SYSREG_ACTLR_EL1, 31,
			   0x4444444444444444ULL);

	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0xa5a5000000000001ULL, 0x41013000, 0x8000, 0x4,
		       0x0123456789abcdefULL, GUEST_RAM_BASE + GUEST_RAM_SIZE);
	vm_destroy(&vm);
}

/* ICC_SGI1R_EL1 from its fields. */
#define SGI1R(aff3, aff2, aff1, rs, irm, intid, list) \
	((__u64)(aff3) << 48 | (__u64)(rs) << 44 | (__u64)(irm) << 40 | \
	 (__u64)(aff2) << 32 | (__u64)(intid) << 24 | (__u64)(aff1) << 16 | \
	 (list))

/* The MPIDR of target list bit 0 (SEND_IPI target_cpu). */
#define SGI_BASE(aff3, aff2, aff1, rs) \
	((__u64)(aff3) << 32 | (__u64)(aff2) << 16 | (__u64)(aff1) << 8 | \
	 (__u64)(rs) * 16)

/* Aff3 1, Aff2 2, Aff1 3, Aff0 0x12: range selector 1, list bit 2. */
#define SGI_SENDER	0x0100020312ULL

/*
 * ICC_SGI1R_EL1 writes exit SEND_IPI: target_cpu is the MPIDR of target
 * list bit 0, target_cpu_aux the target list, send_to_all IRM,
 * send_to_self whether the sender is in the list, vector the INTID.
 */
TEST_F(arm64, sgi_send_ipi_exit)
{
	static const struct {
		__u64 sgi1r, target, list;
		__u32 all, self;
		__u64 intid;
	} sgis[] = {
		{ SGI1R(1, 2, 3, 1, 0, 5, 0x4), SGI_BASE(1, 2, 3, 1), 0x4,
		  0, 1, 5 },
		{ SGI1R(1, 2, 3, 1, 0, 15, 0x8001), SGI_BASE(1, 2, 3, 1),
		  0x8001, 0, 0, 15 },
		{ SGI1R(0, 0, 0, 0, 0, 1, 0x5), SGI_BASE(0, 0, 0, 0), 0x5,
		  0, 0, 1 },
		{ SGI1R(1, 2, 0, 1, 0, 0, 0x4), SGI_BASE(1, 2, 0, 1), 0x4,
		  0, 0, 0 },
		{ SGI1R(1, 2, 3, 0, 0, 7, 0x4), SGI_BASE(1, 2, 3, 0), 0x4,
		  0, 0, 7 },
		{ SGI1R(1, 2, 3, 1, 0, 9, 0xffff), SGI_BASE(1, 2, 3, 1),
		  0xffff, 0, 1, 9 },
		{ SGI1R(0, 0, 0, 0, 1, 14, 0), SGI_BASE(0, 0, 0, 0), 0,
		  1, 0, 14 },
	};
	const unsigned int n = ARRAY_SIZE(sgis);
	__u64 x[4] = { 0, GUEST_DATA, n, 0 };
	struct vcpu *v;
	struct vm vm;
	char buf[256];
	unsigned int i;

	vm_create(_metadata, self->sys_fd, &vm, sgi_begin, sgi_end);
	for (i = 0; i < n; i++)
		vm_data(&vm)[i] = sgis[i].sgi1r;
	v = vcpu_add_arm64(_metadata, &vm, 0, GUEST_RAM_BASE, SGI_SENDER, x);

	for (i = 0; i < n; i++) {
		expect_exit(_metadata, v, AXVCPU_EXIT_SEND_IPI, false);
		ASSERT_TRUE(v->run->ipi.target_cpu == sgis[i].target &&
			    v->run->ipi.target_cpu_aux == sgis[i].list &&
			    v->run->ipi.send_to_all == sgis[i].all &&
			    v->run->ipi.send_to_self == sgis[i].self &&
			    v->run->ipi.vector == sgis[i].intid)
			TH_LOG("SGI1R %#llx: want %#llx aux %#llx all %u "
			       "self %u vector %llu; got %s",
			       ULL(sgis[i].sgi1r), ULL(sgis[i].target),
			       ULL(sgis[i].list), sgis[i].all, sgis[i].self,
			       ULL(sgis[i].intid),
			       describe_exit(v->run, buf, sizeof(buf)));
	}
	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

#define SGI_INTID	3

/*
 * An SGI from vCPU 0 to vCPU 1 (MPIDRs 0 and 1), which waits in WFI: the
 * VMM turns the SEND_IPI exit into an injection of its INTID into each
 * vCPU of the target list, and vCPU 1 takes it once.
 */
TEST_F(arm64, sgi_between_vcpus)
{
	__u64 x0[4] = { 0, GUEST_DATA, 1, 0 };
	__u64 x1[4] = { 1, 0, 0, 0 };
	struct vcpu *v0, *v1;
	unsigned int bit;
	__u64 entry1;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, sgi_begin, sgi_end);
	vm_data(&vm)[0] = SGI1R(0, 0, 0, 0, 0, SGI_INTID, 1U << 1);
	entry1 = vm_load_second(_metadata, &vm, sgi_begin, sgi_end,
				irq_begin, irq_end);
	v0 = vcpu_add_arm64(_metadata, &vm, 0, GUEST_RAM_BASE, 0, x0);
	v1 = vcpu_add_arm64(_metadata, &vm, 1, entry1, 1, x1);

	expect_exit(_metadata, v1, AXVCPU_EXIT_HALT, false);
	expect_exit(_metadata, v0, AXVCPU_EXIT_SEND_IPI, false);
	ASSERT_EQ_X(0, v0->run->ipi.target_cpu);
	ASSERT_EQ_X(1U << 1, v0->run->ipi.target_cpu_aux);
	ASSERT_EQ(0U, v0->run->ipi.send_to_all);
	ASSERT_EQ(0U, v0->run->ipi.send_to_self);
	ASSERT_EQ_X(SGI_INTID, v0->run->ipi.vector);
	for (bit = 0; bit < 16; bit++) {
		if (!(v0->run->ipi.target_cpu_aux & (1ULL << bit)))
			continue;
		/* vCPU n has MPIDR n here. */
		ASSERT_GT(ARRAY_SIZE(vm.vcpu), v0->run->ipi.target_cpu + bit);
		inject(_metadata, &vm.vcpu[v0->run->ipi.target_cpu + bit],
		       v0->run->ipi.vector);
	}
	expect_done(_metadata, v0, false);
	expect_done(_metadata, v1, true);
	EXPECT_REPORTS(v1, 1, SGI_INTID);
	vm_destroy(&vm);
}

/* An SPI injected from another thread wakes a WFI loop. */
TEST_F(arm64, inject_from_second_thread)
{
	struct vm vm;

	run_injected(_metadata, self->sys_fd, &vm, 42, false);
	vm_destroy(&vm);
}

/*
 * SGIs, PPIs and SPIs, each injected while the guest is halted in WFI,
 * between two RUNs: the next RUN delivers it, once, without another HALT.
 */
TEST_F(arm64, inject_between_runs)
{
	static const __u32 intids[] = { 0, 15, 16, 31, 32, 1019 };

	common_inject_between_runs(_metadata, &self->sys_fd, intids,
				   ARRAY_SIZE(intids));
}

/*
 * Injecting into a vCPU spinning inside RUN succeeds and kicks it: the
 * interrupt arrives without RUN returning in between (one RUN for each
 * of the two REPORTs, one for DONE).
 */
TEST_F(arm64, inject_kicks_spinning_guest)
{
	struct vcpu *v;
	struct vm vm;

	v = run_injected(_metadata, self->sys_fd, &vm, 42, true);
	ASSERT_EQ(3U, v->nr_runs);
	vm_destroy(&vm);
}

/*
 * An interrupt injected before the first RUN stays queued and is taken as
 * soon as the guest unmasks IRQs, so its WFI never halts.
 */
TEST_F(arm64, inject_queued_before_run)
{
	common_inject_queued_before_run(_metadata, &self->sys_fd, 42);
}

/*
 * INTIDs from 1020 up (special and LPI numbers) and nonzero flags fail
 * with EINVAL and queue nothing: the guest halts until a valid one comes.
 */
TEST_F(arm64, inject_invalid_vector)
{
	static const __u32 bad[] = { 1020, 1021, 1023, 1024, 8192,
				     0xffffffff };

	common_inject_invalid_vector(_metadata, &self->sys_fd, bad,
				     ARRAY_SIZE(bad), 1019);
}

/*
 * The guest arms its virtual timer 10 ms ahead and waits in WFI; the VMM
 * re-runs it on every HALT. The timer's PPI, INTID 27, arrives once, at
 * or after the deadline.
 */
TEST_F(arm64, vtimer_fires)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, vtimer_begin, vtimer_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 10);

	expect_done(_metadata, v, true);
	EXPECT_REPORTS(v, INTID_VTIMER, 1, 1);
	vm_destroy(&vm);
}

/*
 * The guest's ID registers show only what is virtualised (HCR_EL2.TID3):
 * AArch64 only at EL0 and EL1, no EL2 or EL3, no RAS, SVE, MTE, SME, PMU,
 * SPE or VHE, and the FP/SIMD the host has; an unallocated ID register
 * reads zero. Each is an exit handled in the kernel.
 */
TEST_F(arm64, id_registers_sanitised)
{
	__u64 pfr0, host_pfr0;
	struct vcpu *v;
	struct vm vm;

	asm volatile("mrs %0, id_aa64pfr0_el1" : "=r"(host_pfr0));
	vm_create(_metadata, self->sys_fd, &vm, id_regs_begin, id_regs_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	expect_done(_metadata, v, false);
	ASSERT_EQ(6U, v->nr_reports);
	pfr0 = v->reports[0];
	ASSERT_EQ_X(0x11, pfr0 & 0xffff);		/* EL0, EL1 AArch64; no EL2, EL3 */
	ASSERT_EQ_X(0, pfr0 & (0xfULL << 28 | 0xfULL << 32));	/* RAS, SVE */
	ASSERT_EQ_X(host_pfr0 & 0xff0000, pfr0 & 0xff0000);	/* FP, AdvSIMD */
	ASSERT_EQ_X(0, v->reports[1] & (0xfULL << 8 | 0xfULL << 24));	/* MTE, SME */
	ASSERT_EQ_X(0, v->reports[2] & (0xfULL << 8 | 0xfULL << 32));	/* PMU, SPE */
	ASSERT_EQ_X(0, v->reports[3] & 0xf00);		/* VH */
	ASSERT_EQ_X(0, v->reports[4]);			/* ID_AA64ZFR0 */
	ASSERT_EQ_X(0, v->reports[5]);			/* unallocated */
	ASSERT_LE(6ULL, v->run->kernel_exits);
	vm_destroy(&vm);
}

/*
 * The virtual counter is the VM's: a vCPU set up 100 ms after another
 * reads it 100 ms further on, not from zero (one CNTVOFF_EL2 per VM), so
 * the guest's CPUs agree on the time.
 */
TEST_F(arm64, counter_shared_by_vcpus)
{
	__u64 freq, c0, c1;
	struct vcpu *v;
	struct vm vm;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	vm_create(_metadata, self->sys_fd, &vm, counter_begin, counter_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	expect_done(_metadata, v, false);
	ASSERT_EQ(1U, v->nr_reports);
	c0 = v->reports[0];
	usleep(100000);
	v = vcpu_add(_metadata, &vm, 1, GUEST_RAM_BASE, 1, 0);
	expect_done(_metadata, v, false);
	ASSERT_EQ(1U, v->nr_reports);
	c1 = v->reports[0];
	ASSERT_LE(c0 + freq / 1000 * 90, c1)
		TH_LOG("vCPU 0 read %llu, vCPU 1 100 ms later %llu (%llu Hz)",
		       ULL(c0), ULL(c1), ULL(freq));
	vm_destroy(&vm);
}

/* ---------------------------------------- halts, lines and SGIs in the kernel */

#define LINE_INTID	33	/* an SPI */

/*
 * AXVCPU_SETUP_KERNEL_HALT: a WFI with nothing pending blocks inside RUN
 * until a second thread injects an SPI 100 ms later; the guest takes it.
 */
TEST_F(arm64, kernel_halt_woken_by_injection)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, irq_begin, irq_end);
	v = vcpu_add_flags(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0, KERNEL_HALT);
	ASSERT_LE(WAKE_DELAY_MS, run_woken(_metadata, v, 42, false));
	expect_irq_taken(_metadata, v, 42);
	ASSERT_EQ(3U, v->nr_runs);
	vm_destroy(&vm);
}

/*
 * AXVCPU_SETUP_KERNEL_HALT: the guest arms its virtual timer 50 ms ahead
 * and waits in WFI; RUN sleeps until the timer fires (an hrtimer at the
 * guest's deadline) and returns only at the guest's REPORTs of it.
 */
TEST_F(arm64, kernel_halt_woken_by_guest_timer)
{
	struct vcpu *v;
	struct vm vm;
	__u64 start, ms;

	vm_create(_metadata, self->sys_fd, &vm, vtimer_begin, vtimer_end);
	v = vcpu_add_flags(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 50, KERNEL_HALT);
	start = now_ms();
	expect_done(_metadata, v, false);
	ms = now_ms() - start;
	EXPECT_REPORTS(v, INTID_VTIMER, 1, 1);
	ASSERT_EQ(4U, v->nr_runs);
	ASSERT_LE(1ULL, v->run->halts);
	ASSERT_GT(20ULL, v->run->kernel_exits)
		TH_LOG("%llu kernel exits for %llu halts", ULL(v->run->kernel_exits),
		       ULL(v->run->halts));
	ASSERT_LE(45ULL, ms);
	vm_destroy(&vm);
}

/* A signal ends an in-kernel halt (common_tests.c). */
TEST_F(arm64, kernel_halt_interrupted_by_signal)
{
	common_kernel_halt_interrupted_by_signal(_metadata, &self->sys_fd, wfi_begin,
						 wfi_end, wfi_ret);
}

/*
 * IRQ_LINE is level-triggered (common_tests.c): while SPI 33's line is
 * asserted the guest takes it again after each EOI, its handler doing
 * nothing about the source.
 */
TEST_F(arm64, irq_line_level_triggered)
{
	common_irq_line_level_triggered(_metadata, &self->sys_fd, irq_level_begin,
					irq_level_end, LINE_INTID, LINE_INTID);
}

/*
 * A line asserted and deasserted between two RUNs, before the guest could
 * take it, is withdrawn: nothing is taken, where an injection would be.
 */
TEST_F(arm64, irq_line_withdrawn_before_taken)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, irq_level_begin, irq_level_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	ASSERT_EQ(0, irq_line(v, LINE_INTID, 1));
	ASSERT_EQ(0, irq_line(v, LINE_INTID, 0));
	expect_report(_metadata, v, 0);
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0);
	vm_destroy(&vm);
}

/* An asserted line wakes a vCPU halted in the kernel from another thread. */
TEST_F(arm64, irq_line_wakes_kernel_halt)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, irq_begin, irq_end);
	v = vcpu_add_flags(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0, KERNEL_HALT);
	run_woken(_metadata, v, LINE_INTID, true);
	ASSERT_EQ(0, irq_line(v, LINE_INTID, 0));
	/* Taken at least once: the line stays asserted while the guest waits. */
	ASSERT_EQ(2U, v->nr_reports);
	ASSERT_LE(1ULL, v->reports[0]);
	ASSERT_EQ(LINE_INTID, v->reports[1]);
	ASSERT_EQ(3U, v->nr_runs);
	vm_destroy(&vm);
}

/*
 * IRQ_LINE takes PPIs and SPIs other than the virtual timer's, levels 0
 * and 1: SGIs, INTID 27, 1020 and up, and other levels fail with EINVAL
 * and assert nothing (the guest halts); then SPI 33 is taken.
 */
TEST_F(arm64, irq_line_invalid)
{
	static const struct axvcpu_irq_line bad[] = {
		{ 0, 1 }, { 15, 1 }, { INTID_VTIMER, 1 }, { 1020, 1 },
		{ 1023, 1 }, { 8192, 1 }, { ~0U, 1 }, { LINE_INTID, 2 },
		{ LINE_INTID, ~0U }, { 1, 0 },
	};
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, self->sys_fd, &vm, irq_begin, irq_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_ERRNO(irq_line(v, bad[i].vector, bad[i].level), EINVAL)
			TH_LOG("vector %u level %#x", bad[i].vector,
			       bad[i].level);
	}
	expect_exit(_metadata, v, AXVCPU_EXIT_HALT, false);
	ASSERT_EQ(0, irq_line(v, LINE_INTID, 1));
	expect_done(_metadata, v, false);
	ASSERT_EQ(0, irq_line(v, LINE_INTID, 0));
	ASSERT_EQ(2U, v->nr_reports);
	ASSERT_LE(1ULL, v->reports[0]);
	ASSERT_EQ(LINE_INTID, v->reports[1]);
	vm_destroy(&vm);
}

/* A thread running one vCPU to its next non-REPORT exit. */
struct runner {
	struct vcpu *v;
	int result;
};

static void *runner_fn(void *arg)
{
	struct runner *r = arg;

	r->result = __run_next(r->v, false);
	return NULL;
}

/*
 * AXVCPU_SETUP_KERNEL_IPI: vCPU 0's ICC_SGI1R_EL1 writes are carried out
 * in the module, with no SEND_IPI exit: one to a target list that names
 * vCPU 1 (MPIDR 1) and an MPIDR no vCPU has, one with IRM (every vCPU but
 * the sender). vCPU 1, asleep in WFI on its own thread
 * (AXVCPU_SETUP_KERNEL_HALT), is woken and takes SGI 3 and SGI 4; the
 * sender takes none.
 */
TEST_F(arm64, kernel_sgi_wakes_halted_vcpu)
{
	__u64 x0[4] = { 0, GUEST_DATA, 2, 0 };
	__u64 x1[4] = { 1, 0, 0, 0 };
	struct runner r = { 0 };
	struct vcpu *v0, *v1;
	pthread_t thread;
	__u64 entry1;
	struct vm vm;
	char buf[256];

	vm_create(_metadata, self->sys_fd, &vm, sgi_begin, sgi_end);
	vm_data(&vm)[0] = SGI1R(0, 0, 0, 0, 0, SGI_INTID, 1U << 1 | 1U << 7);
	vm_data(&vm)[1] = SGI1R(0, 0, 0, 0, 1, SGI_INTID + 1, 0);
	entry1 = vm_load_second(_metadata, &vm, sgi_begin, sgi_end,
				irq_begin, irq_end);
	v0 = vcpu_create(_metadata, &vm, 0);
	vcpu_setup_arm64(_metadata, v0, GUEST_RAM_BASE, 0, x0,
			 KERNEL_IPI | KERNEL_HALT);
	v1 = vcpu_create(_metadata, &vm, 1);
	vcpu_setup_arm64(_metadata, v1, entry1, 1, x1,
			 KERNEL_IPI | KERNEL_HALT);
	r.v = v1;
	ASSERT_EQ(0, pthread_create(&thread, NULL, runner_fn, &r));
	/* Let vCPU 1 reach its WFI first (it need not for the result). */
	usleep(50000);
	expect_done(_metadata, v0, false);
	ASSERT_EQ(0U, v0->nr_reports);
	ASSERT_EQ(1U, v0->nr_runs);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_TRUE(r.result == AXVCPU_EXIT_HYPERCALL &&
		    is_test_call(v1->run, TEST_FID_DONE))
		TH_LOG("vCPU 1: want DONE, got %s",
		       describe_result(r.result, v1->run, buf, sizeof(buf)));
	/* Both SGIs, within the 10 ms the program waits after the first. */
	ASSERT_EQ(2U, v1->nr_reports);
	ASSERT_EQ(2ULL, v1->reports[0]);
	ASSERT_TRUE(v1->reports[1] == SGI_INTID || v1->reports[1] == SGI_INTID + 1)
		TH_LOG("last INTID %llu", ULL(v1->reports[1]));
	vm_destroy(&vm);
}

/*
 * UDF, and SVE, SME and PAuth instructions, enabled at EL1 but not by the
 * hypervisor, raise an undefined instruction exception in the guest (EC
 * 0), with ELR_EL1 at the instruction; so does a read of the RAS error
 * record registers (ERRIDR_EL1), which are the host's (HCR_EL2.TERR) and
 * which the guest's ID registers do not show.
 */
TEST_F(arm64, undef_injected)
{
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, undef_begin, undef_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);

	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v,
		       ESR_EC_UNKNOWN, guest_addr(undef_begin, undef_udf),
		       ESR_EC_UNKNOWN, guest_addr(undef_begin, undef_sve),
		       ESR_EC_UNKNOWN, guest_addr(undef_begin, undef_sme),
		       ESR_EC_UNKNOWN, guest_addr(undef_begin, undef_pauth),
		       ESR_EC_UNKNOWN, guest_addr(undef_begin, undef_erridr));
	vm_destroy(&vm);
}

/* ID register fields: whether the CPU has SVE, SME, address PAuth. */
#define ID_AA64PFR0_SVE		(0xfULL << 32)
#define ID_AA64PFR1_SME		(0xfULL << 24)
#define ID_AA64ISAR1_APA_API	0xff0ULL
#define ID_AA64ISAR2_APA3	0xf000ULL

/*
 * SVE, SME and PAuth left disabled by the guest at EL1 (as at reset) meet
 * the architecture's EL1 controls before the hypervisor's traps, without
 * an exit: pacia with its key disabled is a NOP and leaves x0 unchanged,
 * rdvl with CPACR_EL1.ZEN clear is the guest's SVE access trap (EC 0x19)
 * and rdsvl with CPACR_EL1.SMEN clear its SME access trap (EC 0x1d), both
 * at the instruction. xpaci is not trapped; pacga, which no key disables,
 * raises an undefined instruction exception (EC 0). A CPU without the
 * feature has the instruction undefined (EC 0). The guest reports its ID
 * registers first: whatever the CPU has, they show no SVE, SME or pointer
 * authentication (HCR_EL2.TID3, arm64.rst "ID registers").
 */
TEST_F(arm64, undef_disabled_at_el1)
{
	__u64 want[16], none = ~0ULL;
	bool sve, sme, pauth;
	unsigned int n = 0;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, undef_off_begin, undef_off_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);

	expect_done(_metadata, v, false);
	ASSERT_LE(4U, v->nr_reports);
	/*
	 * What the CPU has, from what the guest met: the ID registers no
	 * longer say, and userspace sees only what the host kernel supports.
	 * The rest of the table must then agree.
	 */
	ASSERT_LE(16U, v->nr_reports);
	pauth = v->reports[4] == none;
	sve = v->reports[12] == ESR_EC_SVE;
	sme = v->reports[14] == ESR_EC_SME;
	TH_LOG("CPU: SVE %d, SME %d, address PAuth %d", sve, sme, pauth);

	/* The guest's ID registers (TID3) say none of the three. */
	want[n++] = v->reports[0] & ~ID_AA64PFR0_SVE;
	want[n++] = v->reports[1] & ~ID_AA64PFR1_SME;
	want[n++] = v->reports[2] & ~ID_AA64ISAR1_APA_API;
	want[n++] = v->reports[3] & ~ID_AA64ISAR2_APA3;
	want[n++] = pauth ? none : ESR_EC_UNKNOWN;
	want[n++] = pauth ? none : guest_addr(undef_off_begin, undef_off_pacia);
	want[n++] = PAUTH_POINTER;
	want[n++] = pauth ? none : ESR_EC_UNKNOWN;
	want[n++] = pauth ? none : guest_addr(undef_off_begin, undef_off_xpaci);
	want[n++] = PAUTH_POINTER;
	want[n++] = ESR_EC_UNKNOWN;
	want[n++] = guest_addr(undef_off_begin, undef_off_pacga);
	want[n++] = sve ? ESR_EC_SVE : ESR_EC_UNKNOWN;
	want[n++] = guest_addr(undef_off_begin, undef_off_sve);
	want[n++] = sme ? ESR_EC_SME : ESR_EC_UNKNOWN;
	want[n++] = guest_addr(undef_off_begin, undef_off_sme);
	check_reports(_metadata, v, want, n);
	vm_destroy(&vm);
}

#define FPSIMD_EXITS	20U

/* The numbers of the FP/SIMD registers, for an .irp in asm. */
#define FP_REGS	"0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, " \
		"16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31"

/*
 * RUN with v0..v31 of this thread all set to @pattern, in one asm block
 * with the ioctl's svc so that the compiler cannot use them in between:
 * RUN's result, and in *@changed how many of the 64 register halves no
 * longer hold @pattern afterwards.
 */
static long run_checking_fpsimd(int fd, __u64 pattern, __u64 *changed)
{
	register long x0 asm("x0") = fd;
	register long x1 asm("x1") = AXVCPU_VCPU_RUN;
	register long x2 asm("x2") = 0;
	register long x8 asm("x8") = __NR_ioctl;
	__u64 n;

	asm volatile(".irp i, " FP_REGS "\n"
		     "dup	v\\i\\().2d, %[p]\n"
		     ".endr\n"
		     "svc	#0\n"
		     "mov	%[n], #0\n"
		     ".irp i, " FP_REGS "\n"
		     "mov	x9, v\\i\\().d[0]\n"
		     "cmp	x9, %[p]\n"
		     "cinc	%[n], %[n], ne\n"
		     "mov	x9, v\\i\\().d[1]\n"
		     "cmp	x9, %[p]\n"
		     "cinc	%[n], %[n], ne\n"
		     ".endr\n"
		     : "+r"(x0), [n] "=&r"(n)
		     : "r"(x1), "r"(x2), "r"(x8), [p] "r"(pattern)
		     : "x9", "cc", "memory",
		       "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
		       "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15",
		       "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23",
		       "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31");
	*changed = n;
	return x0;
}

/*
 * RUN @i of the fpsimd program, made with this thread's v0..v31 all
 * @pattern: they must survive it, and the guest must store its remaining
 * count, @total - @i.
 */
static void run_fpsimd_exit(struct __test_metadata *_metadata,
			    struct vcpu *v, unsigned int i, unsigned int total,
			    __u64 pattern)
{
	char buf[256];
	__u64 changed;
	long ret;

	ret = run_checking_fpsimd(v->fd, pattern, &changed);
	ASSERT_EQ(0, ret) TH_LOG("RUN %u: %s", i, strerror(-ret));
	ASSERT_EQ_X(0, changed);
	ASSERT_TRUE(v->run->exit_reason == AXVCPU_EXIT_MMIO_WRITE &&
		    v->run->mmio.addr == GUEST_MMIO_BASE &&
		    v->run->mmio.data == total - i)
		TH_LOG("RUN %u: want store of %u, got %s", i, total - i,
		       describe_exit(v->run, buf, sizeof(buf)));
}

/*
 * The FP/SIMD state of the guest (v0..v31, FPCR) survives 20 exits to a
 * VMM thread that fills its own v0..v31 with other values before every
 * RUN, and the thread's values survive each RUN.
 */
TEST_F(arm64, fpsimd_preserved_across_exits)
{
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, self->sys_fd, &vm, fpsimd_begin, fpsimd_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, FPSIMD_EXITS);

	for (i = 0; i < FPSIMD_EXITS; i++)
		run_fpsimd_exit(_metadata, v, i, FPSIMD_EXITS,
				0x5a5a5a5a00000000ULL | i);
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0, FPSIMD_FPCR);
	vm_destroy(&vm);
}

#define NEON_EXITS	100U
#define NEON_BUF	4096

/* An AF_ALG request socket for the kernel's NEON ChaCha20, or -errno. */
static int neon_chacha_open(void)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG,
		.salg_type = "skcipher",
		.salg_name = "chacha20-neon",	/* the driver, not "chacha20" */
	};
	static const __u8 key[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	int tfm, op;

	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		return -errno;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key))) {
		op = -errno;
		close(tfm);
		return op;
	}
	op = accept(tfm, NULL, 0);
	if (op < 0)
		op = -errno;
	close(tfm);
	return op;
}

/*
 * Encrypt NEON_BUF bytes of a fixed pattern into @out with a fixed IV: the
 * kernel runs the NEON code (kernel_neon_begin()) in this thread.
 */
static int neon_chacha(int op, __u8 *out)
{
	char cbuf[CMSG_SPACE(sizeof(__u32)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + 16)] = { 0 };
	static __u8 in[NEON_BUF];
	struct iovec iov = { .iov_base = in, .iov_len = NEON_BUF };
	struct msghdr msg = {
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct af_alg_iv *iv;
	struct cmsghdr *c;

	memset(in, 0xa5, sizeof(in));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(__u32));
	*(__u32 *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*iv) + 16);
	iv = (struct af_alg_iv *)CMSG_DATA(c);
	iv->ivlen = 16;
	memset(iv->iv, 0x3c, 16);
	if (sendmsg(op, &msg, 0) != NEON_BUF)
		return -errno;
	if (read(op, out, NEON_BUF) != NEON_BUF)
		return -errno;
	return 0;
}

struct neon_load {
	int op;
	const __u8 *want;
	bool stop;		/* read and written atomically */
	unsigned long rounds, wrong, errors;
};

/* Kernel-mode NEON on the vCPU's CPU, as long as the guest runs. */
static void *neon_load_fn(void *arg)
{
	struct neon_load *l = arg;
	static __u8 out[NEON_BUF];

	while (!__atomic_load_n(&l->stop, __ATOMIC_RELAXED)) {
		if (neon_chacha(l->op, out))
			l->errors++;
		else if (memcmp(out, l->want, NEON_BUF))
			l->wrong++;
		l->rounds++;
	}
	return NULL;
}

static void pin_to_cpu0(struct __test_metadata *_metadata)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
}

/*
 * The guest's FP/SIMD state survives kernel-mode NEON on the host, and the
 * host's NEON computations are not disturbed by the guest's state: the
 * vCPU thread runs the kernel's NEON ChaCha20 (AF_ALG) between every two
 * of 100 exits while a second thread on the same CPU runs it without a
 * pause, so the guest is also preempted mid-run by a kernel NEON user.
 * Every ciphertext must equal the one computed before the VM existed.
 */
TEST_F(arm64, fpsimd_preserved_across_kernel_neon)
{
	static __u8 want[NEON_BUF], out[NEON_BUF];
	struct neon_load load = { 0 };
	pthread_t thread;
	struct vcpu *v;
	struct vm vm;
	unsigned int i;
	int op;

	op = neon_chacha_open();
	if (op < 0)
		SKIP(return, "no kernel NEON to drive: AF_ALG chacha20-neon: %s",
		     strerror(-op));
	pin_to_cpu0(_metadata);
	ASSERT_EQ(0, neon_chacha(op, want));
	load.op = neon_chacha_open();
	ASSERT_LE(0, load.op);
	load.want = want;
	ASSERT_EQ(0, pthread_create(&thread, NULL, neon_load_fn, &load));

	vm_create(_metadata, self->sys_fd, &vm, fpsimd_begin, fpsimd_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, NEON_EXITS);
	for (i = 0; i < NEON_EXITS; i++) {
		run_fpsimd_exit(_metadata, v, i, NEON_EXITS,
				0x3c3c3c3c00000000ULL | i);
		ASSERT_EQ(0, neon_chacha(op, out));
		ASSERT_EQ(0, memcmp(out, want, NEON_BUF))
			TH_LOG("RUN %u: kernel NEON result changed", i);
	}
	expect_done(_metadata, v, false);
	EXPECT_REPORTS(v, 0, FPSIMD_FPCR);
	vm_destroy(&vm);

	__atomic_store_n(&load.stop, true, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%lu ChaCha20 rounds on the guest's CPU meanwhile", load.rounds);
	ASSERT_LT(0UL, load.rounds);
	ASSERT_EQ(0UL, load.errors);
	ASSERT_EQ(0UL, load.wrong);
	close(load.op);
	close(op);
}

/*
 * A vCPU starts at the entry point, at EL1h with DAIF masked and the MMU
 * off, with x0..x3 from the setup and MPIDR_EL1 affinity = its mpidr.
 */
TEST_F(arm64, initial_state)
{
	const __u64 x[4] = { 0x1111111111111111ULL, 0x2222222222222222ULL,
			     0x3333333333333333ULL, 0x4444444444444444ULL };
	const __u64 mpidr = 0x0100020304ULL;
	__u64 entry = guest_addr(init_state_begin, init_state_entry);
	struct axvcpu_regs regs;
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, self->sys_fd, &vm, init_state_begin,
		  init_state_end);
	v = vcpu_add_arm64(_metadata, &vm, 0, entry, mpidr, x);

	get_regs(_metadata, v, &regs);
	ASSERT_EQ_X(entry, regs.pc);
	ASSERT_EQ_X(PSTATE_RESET, regs.flags);
	for (i = 0; i < 4; i++)
		ASSERT_EQ_X(x[i], regs.gprs[i]);

	expect_done(_metadata, v, false);
	ASSERT_EQ(9U, v->nr_reports);
	for (i = 0; i < 4; i++)
		ASSERT_EQ_X(x[i], v->reports[i]);
	ASSERT_EQ_X(mpidr, v->reports[4] & MPIDR_AFF_MASK);
	ASSERT_EQ_X(1 << 2, v->reports[5]);		/* CurrentEL: EL1 */
	ASSERT_EQ_X(PSTATE_DAIF, v->reports[6]);
	ASSERT_EQ_X(1, v->reports[7]);			/* SPSel: SP_EL1 */
	ASSERT_EQ_X(0, v->reports[8]);			/* SCTLR_EL1.M */
	vm_destroy(&vm);
}

static __u64 regs_pattern(unsigned int i)
{
	return 0x0101010101010101ULL * (i + 1);
}

/*
 * GET/SET_REGS: gprs[0..30] are x0..x30, gprs[31] is SP_EL1, pc the pc
 * and flags PSTATE, both ways: what SET_REGS wrote is what the guest
 * runs with (its hvc reports x0..x6), and what the guest computed is
 * what GET_REGS reads.
 */
TEST_F(arm64, get_set_regs)
{
	const __u64 sp = GUEST_RAM_BASE + 0x9000;
	struct axvcpu_regs regs, back;
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, self->sys_fd, &vm, regs_begin, regs_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	get_regs(_metadata, v, &regs);
	for (i = 0; i < 31; i++)
		regs.gprs[i] = regs_pattern(i);
	regs.gprs[31] = sp;
	regs.pc = GUEST_RAM_BASE;
	regs.flags = 0x9ULL << PSTATE_NZCV_SHIFT | PSTATE_RESET;
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs));
	get_regs(_metadata, v, &back);
	ASSERT_EQ(0, memcmp(&regs, &back, sizeof(regs)));

	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, false);
	ASSERT_EQ_X(regs_pattern(0), v->run->hypercall.nr);
	for (i = 0; i < 6; i++)
		ASSERT_EQ_X(regs_pattern(i + 1), v->run->hypercall.args[i]);
	ASSERT_EQ_X(REGS_FID, v->run->hypercall.fid);
	get_regs(_metadata, v, &back);
	for (i = 0; i < 31; i++)
		ASSERT_EQ_X(regs_pattern(i), back.gprs[i]);
	ASSERT_EQ_X(sp, back.gprs[31]);
	ASSERT_EQ_X(guest_addr(regs_begin, regs_exit1), back.pc);
	ASSERT_EQ_X(regs.flags, back.flags & PSTATE_CHECKED);

	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, false);
	ASSERT_EQ_X(regs_pattern(0) + 1, v->run->hypercall.nr);
	ASSERT_EQ_X(REGS_FID, v->run->hypercall.fid);
	get_regs(_metadata, v, &back);
	for (i = 0; i < 31; i++)
		ASSERT_EQ_X(regs_pattern(i) + 1, back.gprs[i]);
	ASSERT_EQ_X(sp + 16, back.gprs[31]);
	ASSERT_EQ_X(guest_addr(regs_begin, regs_exit2), back.pc);
	/* cmp of equal values: Z and C. */
	ASSERT_EQ_X(0x6ULL << PSTATE_NZCV_SHIFT | PSTATE_RESET,
		    back.flags & PSTATE_CHECKED);

	expect_done(_metadata, v, false);
	vm_destroy(&vm);
}

/*
 * SET_REGS refuses a PSTATE at EL2 or in AArch32, and a pc that is not
 * 4-byte aligned, with EINVAL, and changes nothing.
 */
TEST_F(arm64, set_regs_rejects_bad_pstate)
{
	static const __u64 bad_flags[] = {
		PSTATE_DAIF | PSTATE_MODE_EL2H,
		PSTATE_MODE_EL2H,
		PSTATE_DAIF | PSTATE_MODE_EL2T,
		PSTATE_DAIF | PSTATE_AARCH32 | 0x3,	/* AArch32 SVC */
		PSTATE_AARCH32,				/* AArch32 User */
	};
	struct axvcpu_regs good, regs, now;
	struct vcpu *v;
	struct vm vm;
	unsigned int i;

	vm_create(_metadata, self->sys_fd, &vm, regs_begin, regs_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	get_regs(_metadata, v, &good);

	for (i = 0; i < ARRAY_SIZE(bad_flags) + 2; i++) {
		regs = good;
		regs.gprs[5] = 0x5555;
		if (i < ARRAY_SIZE(bad_flags))
			regs.flags = bad_flags[i];
		else
			regs.pc += i - ARRAY_SIZE(bad_flags) + 1;
		EXPECT_ERRNO(axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs),
			     EINVAL)
			TH_LOG("flags %#llx pc %#llx", ULL(regs.flags),
			       ULL(regs.pc));
		get_regs(_metadata, v, &now);
		ASSERT_EQ(0, memcmp(&good, &now, sizeof(good)));
	}

	/* The vCPU runs as set up: hvc with x0 = cpu id 0. */
	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, false);
	ASSERT_EQ_X(0, v->run->hypercall.nr);
	ASSERT_EQ_X(REGS_FID, v->run->hypercall.fid);
	vm_destroy(&vm);
}

/*
 * SET_REGS of @good with PSTATE @flags and x5 changed: succeeds if @ok,
 * and GET_REGS then reads what was set, after which @good is set again;
 * else fails with EINVAL and changes nothing.
 */
static void try_pstate(struct __test_metadata *_metadata, struct vcpu *v,
		       const struct axvcpu_regs *good, __u64 flags, bool ok)
{
	struct axvcpu_regs regs = *good, now;
	long ret;

	regs.gprs[5] = 0x5555;
	regs.flags = flags;
	ret = axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &regs);
	get_regs(_metadata, v, &now);
	if (!ok) {
		EXPECT_ERRNO(ret, EINVAL)
			TH_LOG("flags %#llx", ULL(flags));
		ASSERT_EQ(0, memcmp(good, &now, sizeof(now)));
		return;
	}
	ASSERT_EQ(0, ret)
		TH_LOG("flags %#llx: %s", ULL(flags), strerror(-ret));
	ASSERT_EQ(0, memcmp(&regs, &now, sizeof(now)));
	ASSERT_EQ(0, axvcpu_ioctl(v->fd, AXVCPU_VCPU_SET_REGS, good));
}

/*
 * SET_REGS takes exactly the modes EL0t, EL1t and EL1h of AArch64 and,
 * besides the mode, exactly the bits of PSTATE_SETTABLE (NZCV, TCO, DIT,
 * UAO, PAN, SS, IL, ALLINT, SSBS, BTYPE and DAIF), which GET_REGS reads
 * back; any other mode and any other of the 64 bits fails with EINVAL and
 * changes nothing. The vCPU then runs as set up.
 */
TEST_F(arm64, set_regs_pstate_bits)
{
	struct axvcpu_regs good;
	unsigned int i;
	struct vcpu *v;
	struct vm vm;

	vm_create(_metadata, self->sys_fd, &vm, regs_begin, regs_end);
	v = vcpu_add(_metadata, &vm, 0, GUEST_RAM_BASE, 0, 0);
	get_regs(_metadata, v, &good);

	/* Every value of M[4:0], with DAIF masked. */
	for (i = 0; i < 32; i++)
		try_pstate(_metadata, v, &good, PSTATE_DAIF | i,
			   i == PSTATE_MODE_EL0T || i == PSTATE_MODE_EL1T ||
			   i == PSTATE_MODE_EL1H);
	/* Each of bits 63:5 flipped in the reset PSTATE. */
	for (i = 5; i < 64; i++)
		try_pstate(_metadata, v, &good, PSTATE_RESET ^ 1ULL << i,
			   PSTATE_SETTABLE & 1ULL << i);
	/* All of them at once, BTYPE 0b11 included. */
	try_pstate(_metadata, v, &good, PSTATE_SETTABLE | PSTATE_MODE_EL1H,
		   true);

	expect_exit(_metadata, v, AXVCPU_EXIT_HYPERCALL, false);
	ASSERT_EQ_X(0, v->run->hypercall.nr);
	ASSERT_EQ_X(REGS_FID, v->run->hypercall.fid);
	vm_destroy(&vm);
}

TEST_F(arm64, spin_interrupted_by_signal)
{
	common_spin_interrupted_by_signal(_metadata, &self->sys_fd);
}

TEST_F(arm64, close_fds_while_running)
{
	common_close_fds_while_running(_metadata, &self->sys_fd);
}

TEST_F(arm64, run_page_stats)
{
	common_run_page_stats(_metadata, &self->sys_fd);
}

TEST_F(arm64, cpu_hotplug_while_running)
{
	common_cpu_hotplug_while_running(_metadata, &self->sys_fd);
}

TEST_F_TIMEOUT(arm64, suspend_while_vm_exists, 120)
{
	common_suspend_while_vm_exists(_metadata, &self->sys_fd);
}

TEST_F_TIMEOUT(arm64, ioctl_storm, STORM_TIMEOUT)
{
	common_ioctl_storm(_metadata, &self->sys_fd);
}

TEST_F(arm64, stats_fd)
{
	common_stats_fd(_metadata, &self->sys_fd);
}

TEST_F(arm64, stats_read_while_running)
{
	common_stats_read_while_running(_metadata, &self->sys_fd);
}

TEST_F(arm64, trace_events)
{
	common_trace_events(_metadata, &self->sys_fd);
}

TEST_F(arm64, signal_ends_run_within_one_exit)
{
	common_signal_ends_run_within_one_exit(_metadata, &self->sys_fd);
}

TEST_F(arm64, guest_time_accounted)
{
	common_guest_time_accounted(_metadata, &self->sys_fd);
}

TEST_F(arm64, vms_in_turns_read_own_memory)
{
	common_vms_in_turns_read_own_memory(_metadata, &self->sys_fd);
}

TEST_F(arm64, memory_follows_vmm)
{
	common_memory_follows_vmm(_metadata, &self->sys_fd);
}

TEST_F(arm64, guest_writes_survive_swap)
{
	common_guest_writes_survive_swap(_metadata, &self->sys_fd);
}

TEST_F(arm64, memory_mapped_on_demand)
{
	common_memory_mapped_on_demand(_metadata, &self->sys_fd);
}

TEST_F(arm64, vcpu_migrates_between_cpus)
{
	common_vcpu_migrates_between_cpus(_metadata, &self->sys_fd);
}

TEST_F(arm64, two_vcpus_run_concurrently)
{
	common_two_vcpus_run_concurrently(_metadata, &self->sys_fd);
}

TEST_F_TIMEOUT(arm64, max_vcpus_each_run, 300)
{
	common_max_vcpus_each_run(_metadata, &self->sys_fd);
}

TEST_F(arm64, preempted_while_running)
{
	common_preempted_while_running(_metadata, &self->sys_fd);
}

TEST_HARNESS_MAIN
