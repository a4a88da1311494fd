// SPDX-License-Identifier: GPL-2.0
/*
 * The demo VMM: runs a guest that prints a line through an MMIO "UART"
 * and powers itself off (riscv64: SBI SRST; arm64: PSCI SYSTEM_OFF).
 */
#include "vmm.h"

int main(void)
{
	struct vmm v;
	char line[256];
	size_t n = 0;

	vmm_create(&v, guest_demo_begin, guest_demo_end - guest_demo_begin);
	for (;;) {
		if (ioctl(v.vcpu, AXVCPU_VCPU_RUN, 0))
			die("AXVCPU_VCPU_RUN");
		switch (v.run->exit_reason) {
		case AXVCPU_EXIT_MMIO_WRITE:
			if (v.run->mmio.addr != UART_ADDR || n == sizeof(line) - 1)
				goto bad;
			line[n++] = v.run->mmio.data;
			if (line[n - 1] == '\n') {
				line[n] = 0;
				printf("guest: %s", line);
				n = 0;
			}
			break;
		case AXVCPU_EXIT_SYSTEM_DOWN:
			printf("demo: guest powered off after %llu exits",
			       (unsigned long long)v.run->exits);
			printf(" (%llu handled in the kernel)\n",
			       (unsigned long long)v.run->kernel_exits);
			vmm_destroy(&v);
			return 0;
		default:
			goto bad;
		}
	}
bad:
	fprintf(stderr, "demo: unexpected exit %u\n", v.run->exit_reason);
	return 1;
}
