/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offsets shared with vmenter.S; vcpu.c checks them against offsetof() at
 * build time. Guest registers are in the UAPI order (struct axvcpu_regs):
 * rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15; rsp lives in the VMCS.
 */
#ifndef _AXVCPU_X86_LAYOUT_H
#define _AXVCPU_X86_LAYOUT_H

#define VMX_GPR(n)		((n) * 8)
#define VMX_RAX			VMX_GPR(0)
#define VMX_RCX			VMX_GPR(1)
#define VMX_RDX			VMX_GPR(2)
#define VMX_RBX			VMX_GPR(3)
#define VMX_RBP			VMX_GPR(5)
#define VMX_RSI			VMX_GPR(6)
#define VMX_RDI			VMX_GPR(7)
#define VMX_R8			VMX_GPR(8)

/* VMCS field encoding of HOST_RSP (Intel SDM vol. 3, appendix B.4.4). */
#define VMX_FIELD_HOST_RSP	0x00006c14

#endif /* _AXVCPU_X86_LAYOUT_H */
