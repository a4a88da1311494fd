/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h for the library's files, included before anything
 * else there.
 *
 * The library checks with the harness's own ASSERT_*(), EXPECT_*(),
 * TH_LOG() and SKIP() on the struct __test_metadata its callers pass, so
 * a failed check ends the running test exactly as in the test's body.
 * But the harness also defines its test runner in every file that
 * includes it, meant to be the test program alone: _fixture_global,
 * __active_test, __wait_for_test() and __run_test() with external
 * linkage, and the static test_harness_run() that only
 * TEST_HARNESS_MAIN calls. Here the former are weak, so that the test
 * program's own take their place at link time, and the latter may go
 * unused.
 */
#ifndef _AXVCPU_LIB_HARNESS_H
#define _AXVCPU_LIB_HARNESS_H

#pragma weak _fixture_global
#pragma weak __active_test
#pragma weak __wait_for_test
#pragma weak __run_test

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#endif /* _AXVCPU_LIB_HARNESS_H */
