// SPDX-License-Identifier: GPL-2.0
/*
 * The demo VMM: runs a guest that prints a line through a "UART" and
 * powers itself off (riscv64: an MMIO store, then SBI SRST; arm64: an
 * MMIO store, then PSCI SYSTEM_OFF; x86_64: an OUT to COM1's data port,
 * then HLT with interrupts disabled).
 */
#include "vmm.h"

/* The UART byte of the last exit, or -1 if it was no UART write. */
static int uart_byte(const struct axvcpu_run *run)
{
#if defined(__x86_64__)
	if (run->io.port != UART_PORT || run->io.width != 1)
		return -1;
	return run->io.data & 0xff;
#else
	if (run->mmio.addr != UART_ADDR)
		return -1;
	return run->mmio.data & 0xff;
#endif
}

int main(void)
{
	struct vmm v;
	char line[256];
	size_t n = 0;
	int c;

	vmm_create(&v, guest_demo_begin, guest_demo_end - guest_demo_begin);
	for (;;) {
		if (ioctl(v.vcpu, AXVCPU_VCPU_RUN, 0))
			die("AXVCPU_VCPU_RUN");
		if (v.run->exit_reason == POWEROFF_EXIT) {
			printf("demo: guest powered off after %llu exits",
			       (unsigned long long)v.run->exits);
			printf(" (%llu handled in the kernel)\n",
			       (unsigned long long)v.run->kernel_exits);
			vmm_destroy(&v);
			return 0;
		}
		if (v.run->exit_reason != UART_EXIT)
			goto bad;
		c = uart_byte(v.run);
		if (c < 0 || n == sizeof(line) - 1)
			goto bad;
		line[n++] = c;
		if (c == '\n') {
			line[n] = 0;
			printf("guest: %s", line);
			n = 0;
		}
	}
bad:
	fprintf(stderr, "demo: unexpected exit %u\n", v.run->exit_reason);
	return 1;
}
