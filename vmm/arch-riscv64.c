// SPDX-License-Identifier: GPL-2.0
/*
 * axvm's riscv64 machine, modelled on QEMU's riscv virt: harts with their
 * interrupt controllers, RAM at 0x80000000, a PLIC at 0xc000000 and the
 * ns16550a at 0x10000000 (PLIC source 10); SBI console calls the module
 * forwards, HSM hart start and stop, poweroff through SBI SRST.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libfdt.h>

#include "axvm.h"

#define TIMEBASE_PATH	"/proc/device-tree/cpus/timebase-frequency"

#define EID_LEGACY_PUTCHAR	0x01
#define EID_LEGACY_GETCHAR	0x02
#define EID_DBCN		0x4442434E
#define DBCN_WRITE		0
#define DBCN_READ		1
#define DBCN_WRITE_BYTE		2

#define CSR_SSTATUS	0x100
#define CSR_SEPC	0x141
#define CSR_SCAUSE	0x142
#define CSR_STVAL	0x143
#define CSR_SATP	0x180

static const char compatible[] = "axvm,riscv-virt\0riscv-virtio";

const struct arch_desc arch = {
	.name		= "riscv64",
	.backend	= AXVCPU_BACKEND_RISCV_H,
	.image		= "arch/riscv/boot/Image",
	.magic		= "RSC\x05",
	.magic_len	= 4,
	.magic_name	= "RSC\\x05",
	.default_cmdline = "console=ttyS0 earlycon=sbi",
	.machine	= "RAM at 0x80000000, a PLIC at 0xc000000, the ns16550a at\n"
			  "0x10000000 (PLIC source 10), poweroff through SBI SRST",
	.uart_path	= "/soc/serial@10000000",
	.compatible	= compatible,
	.compatible_len	= sizeof(compatible),
	.cpu_up		= {
		.ok = SBI_SUCCESS, .invalid = SBI_ERR_INVALID_PARAM,
		.failed = SBI_ERR_FAILED, .already_on = SBI_ERR_ALREADY_AVAILABLE,
	},
	.one_reg	= true,	/* the SBI debug console's second result */
};

static const struct {
	const char *name;
	u64 id;
} fault_regs[] = {
	{ "pc", AXVCPU_REG_RISCV_PC },
	{ "sstatus", AXVCPU_REG_RISCV_CSR(CSR_SSTATUS) },
	{ "sepc", AXVCPU_REG_RISCV_CSR(CSR_SEPC) },
	{ "scause", AXVCPU_REG_RISCV_CSR(CSR_SCAUSE) },
	{ "stval", AXVCPU_REG_RISCV_CSR(CSR_STVAL) },
	{ "satp", AXVCPU_REG_RISCV_CSR(CSR_SATP) },
};

/* Where a guest stopped: " pc 0x... sstatus 0x... ...". */
void arch_describe_regs(struct vcpu *v, char *buf, size_t size)
{
	struct axvcpu_one_reg r;
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(fault_regs) && n < size; i++) {
		r.id = fault_regs[i].id;
		r.value = 0;
		if (ioctl(v->fd, AXVCPU_VCPU_GET_ONE_REG, &r))
			n += snprintf(buf + n, size - n, " %s ?", fault_regs[i].name);
		else
			n += snprintf(buf + n, size - n, " %s 0x%llx",
				      fault_regs[i].name, (unsigned long long)r.value);
	}
}

/* The guest gets the host's timebase: it reads the host's time CSR. */
static int read_timebase(u32 *tb)
{
	u8 b[8];
	ssize_t n = -1;
	u64 v = 0;
	int fd, i;

	fd = open(TIMEBASE_PATH, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, b, sizeof(b));
		close(fd);
	}
	if (n < 0) {
		axvm_err("%s: %s (axvm gives the guest the host's timebase frequency)",
			 TIMEBASE_PATH, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	if ((n != 4 && n != 8) || !v || v > UINT32_MAX) {
		axvm_err("%s: not a 32-bit frequency (%zd bytes)", TIMEBASE_PATH, n);
		return -1;
	}
	*tb = v;
	return 0;
}

/* The ISA the module gives guests, and the host's timebase. */
int arch_open(void)
{
	if (CAP(AXVCPU_CAP_RISCV_ISA, &vm.dt.isa))
		return -1;
	return read_timebase(&vm.dt.timebase);
}

/* Phandles, fixed in advance since nodes are written in one pass. */
#define PH_CPU(n)	(1 + 2 * (n))
#define PH_INTC(n)	(2 + 2 * (n))
#define PH_PLIC(ncpus)	(1 + 2 * (ncpus))

/* Single-letter extensions in the ISA string's canonical order. */
static const char isa_order[] = "imafdqlcbkjtpvh";

static bool has(u64 isa, char c)
{
	return isa & (1ULL << (c - 'a'));
}

static void dt_isa_string(u64 isa, char *buf, size_t size)
{
	const char *c;
	size_t n;

	isa |= 1ULL << ('i' - 'a');
	n = snprintf(buf, size, "rv64");
	for (c = isa_order; *c && n + 1 < size; c++)
		if (has(isa, *c))
			buf[n++] = *c;
	buf[n] = 0;
	snprintf(buf + n, size - n, "_zicsr_zifencei%s",
		 (isa & AXVCPU_RISCV_ISA_SSTC) ? "_sstc" : "");
}

/* riscv,isa-extensions: a stringlist of the same extensions. */
static void prop_isa_extensions(struct dt *d, u64 isa)
{
	char list[64];
	const char *c;
	size_t n = 0;

	isa |= 1ULL << ('i' - 'a');
	for (c = isa_order; *c; c++) {
		if (has(isa, *c)) {
			list[n++] = *c;
			list[n++] = 0;
		}
	}
	memcpy(list + n, "zicsr\0zifencei", sizeof("zicsr\0zifencei"));
	n += sizeof("zicsr\0zifencei");
	if (isa & AXVCPU_RISCV_ISA_SSTC) {
		memcpy(list + n, "sstc", sizeof("sstc"));
		n += sizeof("sstc");
	}
	dt_prop(d, "riscv,isa-extensions", list, n);
}

static void cpus(struct dt *d, const struct dt_config *c)
{
	char name[32], isa[64];
	unsigned int i;

	dt_isa_string(c->isa, isa, sizeof(isa));
	dt_begin(d, "cpus");
	dt_prop_u32(d, "#address-cells", 1);
	dt_prop_u32(d, "#size-cells", 0);
	dt_prop_u32(d, "timebase-frequency", c->timebase);
	for (i = 0; i < c->ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		dt_begin(d, name);
		dt_prop_str(d, "device_type", "cpu");
		dt_prop_u32(d, "reg", i);
		dt_prop_str(d, "status", "okay");
		dt_prop_str(d, "compatible", "riscv");
		dt_prop_str(d, "riscv,isa", isa);
		dt_prop_str(d, "riscv,isa-base", "rv64i");
		prop_isa_extensions(d, c->isa);
		dt_prop_str(d, "mmu-type", "riscv,sv39");
		dt_prop_u32(d, "phandle", PH_CPU(i));
		dt_begin(d, "interrupt-controller");
		dt_prop_str(d, "compatible", "riscv,cpu-intc");
		dt_prop_u32(d, "#address-cells", 0);
		dt_prop_u32(d, "#interrupt-cells", 1);
		dt_prop(d, "interrupt-controller", NULL, 0);
		dt_prop_u32(d, "phandle", PH_INTC(i));
		dt_end(d);
		dt_end(d);
	}
	dt_begin(d, "cpu-map");
	dt_begin(d, "cluster0");
	for (i = 0; i < c->ncpus; i++) {
		snprintf(name, sizeof(name), "core%u", i);
		dt_begin(d, name);
		dt_prop_u32(d, "cpu", PH_CPU(i));
		dt_end(d);
	}
	dt_end(d);
	dt_end(d);
	dt_end(d);
}

static void soc(struct dt *d, const struct dt_config *c)
{
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t ext[2 * AXVM_MAX_CPUS];
	unsigned int i;

	dt_begin(d, "soc");
	dt_prop_u32(d, "#address-cells", 2);
	dt_prop_u32(d, "#size-cells", 2);
	dt_prop_str(d, "compatible", "simple-bus");
	dt_prop(d, "ranges", NULL, 0);

	dt_begin(d, "plic@c000000");
	dt_prop(d, "compatible", plic_compat, sizeof(plic_compat));
	dt_prop_reg(d, PLIC_BASE, PLIC_SIZE);
	dt_prop_u32(d, "#interrupt-cells", 1);
	dt_prop_u32(d, "#address-cells", 0);
	dt_prop(d, "interrupt-controller", NULL, 0);
	dt_prop_u32(d, "riscv,ndev", PLIC_NDEV);
	/* Context n is hart n's supervisor mode. */
	for (i = 0; i < c->ncpus; i++) {
		ext[2 * i] = cpu_to_fdt32(PH_INTC(i));
		ext[2 * i + 1] = cpu_to_fdt32(IRQ_S_EXT);
	}
	dt_prop(d, "interrupts-extended", ext, c->ncpus * 2 * sizeof(ext[0]));
	dt_prop_u32(d, "phandle", PH_PLIC(c->ncpus));
	dt_end(d);

	dt_begin(d, "serial@10000000");
	dt_prop_str(d, "compatible", "ns16550a");
	dt_prop_reg(d, UART_BASE, UART_SIZE);
	dt_prop_u32(d, "clock-frequency", UART_CLOCK);
	dt_prop_u32(d, "interrupts", UART_IRQ);
	dt_prop_u32(d, "interrupt-parent", PH_PLIC(c->ncpus));
	dt_end(d);

	dt_end(d);
}

void arch_dt_nodes(struct dt *d, const struct dt_config *c)
{
	cpus(d, c);
	soc(d, c);
}

/* The PLIC's output for context @ctx: hart @ctx's external interrupt line. */
static void plic_irq_out(void *opaque, unsigned int ctx, bool level)
{
	struct axvcpu_irq_line line = { .vector = IRQ_S_EXT, .level = level };

	(void)opaque;
	if (ioctl(vm.vcpus[ctx].fd, AXVCPU_VCPU_IRQ_LINE, &line) &&
	    warn_once(WARN_IRQ_LINE | ctx))
		axvm_err("vCPU %u: AXVCPU_VCPU_IRQ_LINE %d: %s", ctx, level,
			 strerror(errno));
}

void arch_devices_init(void)
{
	plic_init(&vm.plic, vm.ncpus, plic_irq_out, NULL);
}

void arch_uart_irq(bool level)
{
	plic_set_level(&vm.plic, UART_IRQ, level);
}

/* The PLIC's 32-bit registers; under vm.dev_lock. */
bool arch_mmio(u64 addr, unsigned int width, bool write, u64 *val)
{
	if (addr < PLIC_BASE || addr >= PLIC_BASE + PLIC_SIZE || width != 4 ||
	    (addr & 3))
		return false;
	if (write)
		plic_write(&vm.plic, addr - PLIC_BASE, *val);
	else
		*val = plic_read(&vm.plic, addr - PLIC_BASE);
	return true;
}

/* Hart @v->id, a1 = @arg (the module sets a0 to the hart id). */
int arch_vcpu_setup(struct vcpu *v, u64 arg)
{
	struct axvcpu_setup s;

	memset(&s, 0, sizeof(s));
	s.arch = AXVCPU_BACKEND_RISCV_H;
	s.flags = vm.setup_flags;
	s.riscv.hartid = v->id;
	s.riscv.arg = arg;
	if (ioctl(v->fd, AXVCPU_VCPU_SETUP, &s)) {
		axvm_err("vCPU %u: AXVCPU_VCPU_SETUP: %s", v->id, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A hart that stopped itself (HSM hart_stop): the module reset it then,
 * and its hart_start took the start address and opaque value already.
 */
int arch_vcpu_restart(struct vcpu *v, u64 entry, u64 arg)
{
	(void)v;
	(void)entry;
	(void)arg;
	return 0;
}

/* Hart ids are the vCPU ids. */
int arch_cpu_index(u64 target_cpu)
{
	return target_cpu < vm.ncpus ? (int)target_cpu : -1;
}

static void set_reg(struct vcpu *v, u64 id, u64 val)
{
	struct axvcpu_one_reg r = { .id = id, .value = val };

	if (ioctl(v->fd, AXVCPU_VCPU_SET_ONE_REG, &r))
		vcpu_fail(v, "AXVCPU_VCPU_SET_ONE_REG");
}

/* DBCN console_write_byte and the legacy console_putchar. */
static void put_byte(struct vcpu *v, u8 c)
{
	v->n.console++;
	pthread_mutex_lock(&vm.dev_lock);
	console_out(&c, 1);
	pthread_mutex_unlock(&vm.dev_lock);
	vcpu_set_ret(v, SBI_SUCCESS);
}

/* SBI debug console: bytes in guest memory, base_hi must be 0 on rv64. */
static void sbi_dbcn(struct vcpu *v, const struct axvcpu_exit_hypercall *h)
{
	u8 *p;
	u64 n;

	switch (h->fid) {
	case DBCN_WRITE:
	case DBCN_READ:
		v->n.console++;
		p = h->args[2] ? NULL : guest_ptr(h->args[1], h->args[0]);
		if (!p) {
			vcpu_set_ret(v, SBI_ERR_INVALID_PARAM);
			return;
		}
		pthread_mutex_lock(&vm.dev_lock);
		if (h->fid == DBCN_WRITE) {
			console_out(p, h->args[0]);
			n = h->args[0];
		} else {
			n = console_read(p, h->args[0]);
		}
		pthread_mutex_unlock(&vm.dev_lock);
		vcpu_set_ret(v, SBI_SUCCESS);
		set_reg(v, AXVCPU_REG_RISCV_GPR(11), n);
		return;
	case DBCN_WRITE_BYTE:
		put_byte(v, h->args[0]);
		return;
	}
	v->n.hypercall++;
	vcpu_set_ret(v, SBI_ERR_NOT_SUPPORTED);
}

void arch_hypercall(struct vcpu *v)
{
	const struct axvcpu_exit_hypercall *h = &v->run->hypercall;
	int in;

	switch (h->nr) {
	case EID_DBCN:
		sbi_dbcn(v, h);
		return;
	case EID_LEGACY_PUTCHAR:
		put_byte(v, h->args[0]);
		return;
	case EID_LEGACY_GETCHAR:
		v->n.console++;
		pthread_mutex_lock(&vm.dev_lock);
		in = console_getc();
		pthread_mutex_unlock(&vm.dev_lock);
		vcpu_set_ret(v, in);
		return;
	}
	v->n.hypercall++;
	vcpu_set_ret(v, SBI_ERR_NOT_SUPPORTED);
}

