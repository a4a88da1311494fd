/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte offsets into struct rvh_switch, shared by switch.S and C (where
 * static_assert()s check them against the structure).
 */
#ifndef _AXVCPU_RISCV_LAYOUT_H
#define _AXVCPU_RISCV_LAYOUT_H

#define RVH_GUEST_X(n)		((n) * 8)
#define RVH_GUEST_SEPC		256
#define RVH_GUEST_SSTATUS	264
#define RVH_GUEST_HSTATUS	272
#define RVH_HOST_X(n)		(280 + (n) * 8)
#define RVH_HOST_SSTATUS	536
#define RVH_HOST_HSTATUS	544
#define RVH_HOST_STVEC		552
#define RVH_HOST_SSCRATCH	560
#define RVH_TRAP_SCAUSE		568
#define RVH_TRAP_STVAL		576
#define RVH_TRAP_HTVAL		584
#define RVH_TRAP_HTINST		592
#define RVH_SWITCH_SIZE		600

#endif /* _AXVCPU_RISCV_LAYOUT_H */
