// SPDX-License-Identifier: GPL-2.0
/*
 * axvm's arm64 machine, modelled on QEMU's virt: RAM at 0x40000000, a
 * GICv3 (distributor at 0x8000000, redistributors from 0x80a0000), the
 * ns16550a at 0x9000000 on SPI 1 (INTID 33), the architected timer, PSCI
 * through HVC (the module answers VERSION, FEATURES and AFFINITY_INFO,
 * axvm starts and stops CPUs), poweroff through PSCI SYSTEM_OFF.
 *
 * The interrupt controller: the module delivers SGIs (ICC_SGI1R_EL1, with
 * AXVCPU_SETUP_KERNEL_IPI) and the virtual timer's PPI itself; axvm's
 * GICv3 model (gicv3.c) routes the UART's level SPI to a vCPU's
 * AXVCPU_VCPU_IRQ_LINE.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "axvm.h"

/* Phandles. */
#define PH_GIC		1

/* PSCI return codes (Arm DEN 0022). */
#define PSCI_SUCCESS		0
#define PSCI_INVALID_PARAMETERS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_INTERNAL_FAILURE	(-6)
#define SMCCC_NOT_SUPPORTED	(-1)

/* Interrupt specifiers of the GICv3 binding: type, number, flags. */
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_TYPE_LEVEL_HIGH	4

/* PSTATE at a CPU's entry: EL1h, DAIF masked (booting.rst). */
#define PSTATE_EL1H_DAIF	0x3c5

static const char compatible[] = "axvm,arm64-virt\0linux,dummy-virt";

const struct arch_desc arch = {
	.name		= "arm64",
	.backend	= AXVCPU_BACKEND_ARM64_VHE,
	.image		= "arch/arm64/boot/Image",
	.magic		= "ARM\x64",
	.magic_len	= 4,
	.magic_name	= "ARM\\x64",
	.default_cmdline = "console=ttyS0 earlycon",
	.machine	= "RAM at 0x40000000, a GICv3 at 0x8000000 (redistributors\n"
			  "from 0x80a0000), the ns16550a at 0x9000000 (SPI 1), PSCI\n"
			  "through HVC, poweroff through PSCI SYSTEM_OFF",
	.uart_path	= "/serial@9000000",
	.compatible	= compatible,
	.compatible_len	= sizeof(compatible),
	.interrupt_parent = PH_GIC,
	.cpu_up		= {
		.ok = PSCI_SUCCESS, .invalid = PSCI_INVALID_PARAMETERS,
		.failed = PSCI_INTERNAL_FAILURE, .already_on = PSCI_ALREADY_ON,
	},
};

int arch_open(void)
{
	return 0;
}

static void cpus(struct dt *d, const struct dt_config *c)
{
	char name[32];
	unsigned int i;

	dt_begin(d, "cpus");
	dt_prop_u32(d, "#address-cells", 1);
	dt_prop_u32(d, "#size-cells", 0);
	for (i = 0; i < c->ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		dt_begin(d, name);
		dt_prop_str(d, "device_type", "cpu");
		dt_prop_str(d, "compatible", "arm,armv8");
		dt_prop_u32(d, "reg", i);	/* the MPIDR, arch_vcpu_setup() */
		dt_prop_str(d, "enable-method", "psci");
		dt_end(d);
	}
	dt_end(d);
}

/* PSCI 1.1 through HVC, the function ids of the module (arm64.rst). */
static void dt_psci(struct dt *d)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

	dt_begin(d, "psci");
	dt_prop(d, "compatible", compat, sizeof(compat));
	dt_prop_str(d, "method", "hvc");
	dt_prop_u32(d, "cpu_off", 0x84000002);
	dt_prop_u32(d, "cpu_on", 0xc4000003);
	dt_end(d);
}

static void gic(struct dt *d, const struct dt_config *c)
{
	const u32 reg[8] = {
		GICD_BASE >> 32, (u32)GICD_BASE, 0, GICD_SIZE,
		GICR_BASE >> 32, (u32)GICR_BASE, 0, c->ncpus * GICR_STRIDE,
	};
	char name[32];

	snprintf(name, sizeof(name), "intc@%llx", GICD_BASE);
	dt_begin(d, name);
	dt_prop_str(d, "compatible", "arm,gic-v3");
	dt_prop_u32(d, "#interrupt-cells", 3);
	dt_prop(d, "interrupt-controller", NULL, 0);
	dt_prop_u32(d, "#address-cells", 2);
	dt_prop_u32(d, "#size-cells", 2);
	dt_prop_cells(d, "reg", reg, ARRAY_SIZE(reg));
	dt_prop_u32(d, "#redistributor-regions", 1);
	dt_prop_u32(d, "phandle", PH_GIC);
	dt_end(d);
}

/* The EL1 timers' PPIs: secure and non-secure physical, virtual, hyp. */
static void timer(struct dt *d)
{
	const u32 irqs[12] = {
		GIC_PPI, 13, IRQ_TYPE_LEVEL_HIGH, GIC_PPI, 14, IRQ_TYPE_LEVEL_HIGH,
		GIC_PPI, 11, IRQ_TYPE_LEVEL_HIGH, GIC_PPI, 10, IRQ_TYPE_LEVEL_HIGH,
	};

	dt_begin(d, "timer");
	dt_prop_str(d, "compatible", "arm,armv8-timer");
	dt_prop_cells(d, "interrupts", irqs, ARRAY_SIZE(irqs));
	dt_prop(d, "always-on", NULL, 0);
	dt_end(d);
}

static void uart(struct dt *d)
{
	const u32 irq[3] = { GIC_SPI, UART_SPI, IRQ_TYPE_LEVEL_HIGH };
	char name[32];

	snprintf(name, sizeof(name), "serial@%llx", UART_BASE);
	dt_begin(d, name);
	dt_prop_str(d, "compatible", "ns16550a");
	dt_prop_reg(d, UART_BASE, UART_SIZE);
	dt_prop_u32(d, "clock-frequency", UART_CLOCK);
	dt_prop_cells(d, "interrupts", irq, ARRAY_SIZE(irq));
	dt_end(d);
}

void arch_dt_nodes(struct dt *d, const struct dt_config *c)
{
	cpus(d, c);
	dt_psci(d);
	gic(d, c);
	timer(d);
	uart(d);
}

/* The GIC model's output: SPI @intid's line into vCPU @cpu. */
static void gic_line(void *opaque, unsigned int cpu, u32 intid, bool level)
{
	struct axvcpu_irq_line line = { .vector = intid, .level = level };

	(void)opaque;
	if (ioctl(vm.vcpus[cpu].fd, AXVCPU_VCPU_IRQ_LINE, &line) &&
	    warn_once(WARN_IRQ_LINE | cpu))
		axvm_err("vCPU %u: AXVCPU_VCPU_IRQ_LINE %u %d: %s", cpu, intid,
			 level, strerror(errno));
}

void arch_devices_init(void)
{
	gicv3_init(&vm.gic, vm.ncpus, gic_line, NULL);
}

void arch_uart_irq(bool level)
{
	gicv3_set_spi(&vm.gic, UART_SPI, level);
}

/* The distributor and the redistributors; under vm.dev_lock. */
bool arch_mmio(u64 addr, unsigned int width, bool write, u64 *val)
{
	u64 gicr_end = GICR_BASE + vm.ncpus * GICR_STRIDE;

	if (addr >= GICD_BASE && addr < GICD_BASE + GICD_SIZE) {
		if (write)
			gicv3_dist_write(&vm.gic, addr - GICD_BASE, width, *val);
		else
			*val = gicv3_dist_read(&vm.gic, addr - GICD_BASE, width);
		return true;
	}
	if (addr >= GICR_BASE && addr < gicr_end) {
		if (write)
			gicv3_redist_write(&vm.gic, addr - GICR_BASE, width, *val);
		else
			*val = gicv3_redist_read(&vm.gic, addr - GICR_BASE, width);
		return true;
	}
	return false;
}

/*
 * vCPU @v->id with MPIDR @v->id (Aff0: fewer than 256 vCPUs), x0 = @arg
 * (the boot CPU's device tree; a secondary's PSCI context id), x1..x3 = 0
 * (booting.rst).
 */
int arch_vcpu_setup(struct vcpu *v, u64 arg)
{
	struct axvcpu_setup s;

	memset(&s, 0, sizeof(s));
	s.arch = AXVCPU_BACKEND_ARM64_VHE;
	s.flags = vm.setup_flags;
	s.arm64.mpidr = v->id;
	s.arm64.x[0] = arg;
	if (ioctl(v->fd, AXVCPU_VCPU_SETUP, &s)) {
		axvm_err("vCPU %u: AXVCPU_VCPU_SETUP: %s", v->id, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A CPU that called CPU_OFF and is turned on again: it starts at @entry
 * with x0 = @arg and the reset PSTATE, its other registers as they were
 * (PSCI leaves them UNKNOWN).
 */
int arch_vcpu_restart(struct vcpu *v, u64 entry, u64 arg)
{
	struct axvcpu_regs r;

	if (ioctl(v->fd, AXVCPU_VCPU_GET_REGS, &r))
		goto fail;
	r.pc = entry;
	r.flags = PSTATE_EL1H_DAIF;
	r.gprs[0] = arg;
	r.gprs[1] = 0;
	r.gprs[2] = 0;
	r.gprs[3] = 0;
	if (!ioctl(v->fd, AXVCPU_VCPU_SET_REGS, &r))
		return 0;
fail:
	axvm_err("vCPU %u: restarting it at 0x%llx: %s", v->id,
		 (unsigned long long)entry, strerror(errno));
	return -1;
}

/* CPU_ON names an MPIDR; axvm's vCPU n has MPIDR n. */
int arch_cpu_index(u64 target_cpu)
{
	return target_cpu < vm.ncpus ? (int)target_cpu : -1;
}

/* No hypercalls besides PSCI, which the module answers: SMCCC's -1. */
void arch_hypercall(struct vcpu *v)
{
	v->n.hypercall++;
	vcpu_set_ret(v, SMCCC_NOT_SUPPORTED);
}

/* Where a guest stopped: " pc 0x... pstate 0x... sp 0x...". */
void arch_describe_regs(struct vcpu *v, char *buf, size_t size)
{
	struct axvcpu_regs r;

	if (ioctl(v->fd, AXVCPU_VCPU_GET_REGS, &r)) {
		snprintf(buf, size, " registers: %s", strerror(errno));
		return;
	}
	snprintf(buf, size, " pc 0x%llx pstate 0x%llx sp 0x%llx lr 0x%llx",
		 (unsigned long long)r.pc, (unsigned long long)r.flags,
		 (unsigned long long)r.gprs[31], (unsigned long long)r.gprs[30]);
}
