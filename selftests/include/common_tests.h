/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests every arch shares, in lib/common_tests.c: each runs shared
 * guest programs (see run_util.h for their contract and the arch hooks)
 * in VMs of the system fd *@sys_fd, and each arch's run_<arch>.c
 * registers it under the same name with a TEST_F() wrapper of its own
 * fixture. What each checks is described at its definition.
 */
#ifndef _AXVCPU_COMMON_TESTS_H
#define _AXVCPU_COMMON_TESTS_H

#include "run_util.h"

/* mmio_read; @acc are the first two reads of the arch's program. */
void common_mmio_read_pc_past_load(struct __test_metadata *_metadata,
				   int *sys_fd, const struct mmio_access *acc,
				   const __u64 *rt_before);
void common_mmio_read_run_page_tampered(struct __test_metadata *_metadata,
					int *sys_fd,
					const struct mmio_access *acc,
					unsigned int n);
void common_immediate_exit_returns_eintr(struct __test_metadata *_metadata,
					 int *sys_fd,
					 const struct mmio_access *acc);

/* Nested page faults: npf_ro, spin, npf_jump. */
void common_npf_readonly_store(struct __test_metadata *_metadata,
			       int *sys_fd);
void common_npf_fetch_outside(struct __test_metadata *_metadata,
			      int *sys_fd);
void common_npf_jump_to_unmapped(struct __test_metadata *_metadata,
				 int *sys_fd);

/* The arch's halt program, from @begin to @end, halting before @ret. */
void common_halt(struct __test_metadata *_metadata, int *sys_fd,
		 const char *begin, const char *end, const char *ret);

/* The halt program as for common_halt(), halting in the kernel. */
void common_kernel_halt_interrupted_by_signal(struct __test_metadata *_metadata,
					      int *sys_fd, const char *begin,
					      const char *end, const char *ret);

/* A level line into the irq_level program, from @begin to @end. */
void common_irq_line_level_triggered(struct __test_metadata *_metadata,
				     int *sys_fd, const char *begin,
				     const char *end, __u32 line, __u64 taken);

/* Interrupt injection into the irq program. */
void common_inject_queued_before_run(struct __test_metadata *_metadata,
				     int *sys_fd, __u32 vector);
void common_inject_between_runs(struct __test_metadata *_metadata,
				int *sys_fd, const __u32 *vectors,
				unsigned int n);
void common_inject_invalid_vector(struct __test_metadata *_metadata,
				  int *sys_fd, const __u32 *bad,
				  unsigned int n, __u32 good);

/* Signals and fds while the spin program runs; the run page counters. */
void common_spin_interrupted_by_signal(struct __test_metadata *_metadata,
				       int *sys_fd);
void common_close_fds_while_running(struct __test_metadata *_metadata,
				    int *sys_fd);
void common_signal_ends_run_within_one_exit(struct __test_metadata *_metadata,
					    int *sys_fd);
void common_guest_time_accounted(struct __test_metadata *_metadata,
				 int *sys_fd);
void common_run_page_stats(struct __test_metadata *_metadata, int *sys_fd);

/* Host CPUs and threads: count_mmio, count_regs, read_data. */
void common_vcpu_migrates_between_cpus(struct __test_metadata *_metadata,
				       int *sys_fd);
void common_vms_in_turns_read_own_memory(struct __test_metadata *_metadata,
					 int *sys_fd);
void common_max_vcpus_each_run(struct __test_metadata *_metadata, int *sys_fd);
void common_two_vcpus_run_concurrently(struct __test_metadata *_metadata,
				       int *sys_fd);
void common_preempted_while_running(struct __test_metadata *_metadata,
				    int *sys_fd);

/* Guest memory is the VMM's: read_data, count_mmio, touch. */
void common_memory_follows_vmm(struct __test_metadata *_metadata, int *sys_fd);
void common_guest_writes_survive_swap(struct __test_metadata *_metadata,
				      int *sys_fd);
void common_memory_mapped_on_demand(struct __test_metadata *_metadata,
				    int *sys_fd);

/*
 * The ioctl storm (lib/storm.c): count_mmio. Its own timeout is 4 hours,
 * for a soak of a million calls under Bochs: the boot's timeout, scaled
 * by testing/lib.sh with the number of calls, is what ends a hung storm.
 */
#define STORM_TIMEOUT	14400
void common_ioctl_storm(struct __test_metadata *_metadata, int *sys_fd);

/* CPU 1 offline and online again under a spinning vCPU. */
void common_cpu_hotplug_while_running(struct __test_metadata *_metadata,
				      int *sys_fd);

/* A pm_test "core" suspend (or hibernation) while a VM exists: count_mmio. */
void common_suspend_while_vm_exists(struct __test_metadata *_metadata,
				    int *sys_fd);

/* Stats fds and trace events: count_mmio, spin. */
void common_stats_fd(struct __test_metadata *_metadata, int *sys_fd);
void common_stats_read_while_running(struct __test_metadata *_metadata,
				     int *sys_fd);
void common_trace_events(struct __test_metadata *_metadata, int *sys_fd);

#endif /* _AXVCPU_COMMON_TESTS_H */
