// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite axvcpu_x86_vmcs: the VMCS controls a vCPU gets, from the
 * capabilities axvcpu.ko read at load. In the module build only (it needs
 * a VMX host), not in the UML kernel.
 */
#include <kunit/test.h>
#include <asm/vmx.h>

#include "../vmx.h"

/*
 * Out of VPIDs, a vCPU gets VPID 0: it must not keep "enable VPID", or
 * every VM entry fails on an invalid control field. The other controls
 * are the same with or without a VPID.
 */
static void vpid0_runs_without_vpid(struct kunit *test)
{
	u32 with = axvcpu_vmx_proc2(1), without = axvcpu_vmx_proc2(0);

	KUNIT_EXPECT_FALSE(test, without & SECONDARY_EXEC_ENABLE_VPID);
	KUNIT_EXPECT_EQ(test, with & ~SECONDARY_EXEC_ENABLE_VPID, without);
	KUNIT_EXPECT_TRUE(test, without & SECONDARY_EXEC_ENABLE_EPT);
}

static struct kunit_case vmcs_cases[] = {
	KUNIT_CASE(vpid0_runs_without_vpid),
	{}
};

static struct kunit_suite vmcs_suite = {
	.name = "axvcpu_x86_vmcs",
	.test_cases = vmcs_cases,
};

kunit_test_suite(vmcs_suite);
