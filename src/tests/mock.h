/* SPDX-License-Identifier: GPL-2.0 */
/* A mock backend and a fake HAL for the core's KUnit suites. */
#ifndef _AXVCPU_MOCK_H
#define _AXVCPU_MOCK_H

#include "axvcpu.h"

/* Ops the mock can be told to fail. */
enum mock_op {
	MOCK_SET_ENTRY,
	MOCK_SETUP,
	MOCK_BIND,
	MOCK_UNBIND,
	MOCK_RUN,
	MOCK_NR_OPS,
};

/**
 * struct axvcpu_mock - what the mock backend saw and will do
 * @calls: number of calls of each op.
 * @order: the ops in call order (first 16).
 * @norder: entries in @order.
 * @fail: the op that fails with -EIO, or -1.
 * @exit: the exit reason handle_exit returns.
 * @irqs_off_in_run: whether run was entered with interrupts disabled.
 * @in_guest_in_run: whether in_guest was set when run was entered.
 * @tlb_clean_at_bind: the core's tlb_clean at the last bind.
 */
struct axvcpu_mock {
	int calls[MOCK_NR_OPS];
	int order[16];
	int norder;
	int fail;
	int exit;
	bool irqs_off_in_run;
	bool in_guest_in_run;
	bool tlb_clean_at_bind;
};

extern const struct axvcpu_backend axvcpu_mock_backend;

/* Counting wrapper around the Linux HAL: frames outstanding. */
extern const struct axvcpu_hal axvcpu_fake_hal;
extern atomic_t axvcpu_fake_hal_frames;

#endif /* _AXVCPU_MOCK_H */
