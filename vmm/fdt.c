// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's device tree, written with libfdt's sequential-write API:
 * the machine as Linux's riscv port expects it, modelled on QEMU's virt
 * (harts with their interrupt controllers, RAM, a PLIC and an ns16550a).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <libfdt.h>

#include "axvm.h"

/* Phandles, fixed in advance since nodes are written in one pass. */
#define PH_CPU(n)	(1 + 2 * (n))
#define PH_INTC(n)	(2 + 2 * (n))
#define PH_PLIC(ncpus)	(1 + 2 * (ncpus))

/* Single-letter extensions in the ISA string's canonical order. */
static const char isa_order[] = "imafdqlcbkjtpvh";

/* A sticky error: after the first failure every call is a no-op. */
struct dt {
	void *fdt;
	int err;
};

static void begin(struct dt *d, const char *name)
{
	if (!d->err)
		d->err = fdt_begin_node(d->fdt, name);
}

static void end(struct dt *d)
{
	if (!d->err)
		d->err = fdt_end_node(d->fdt);
}

static void prop(struct dt *d, const char *name, const void *val, int len)
{
	if (!d->err)
		d->err = fdt_property(d->fdt, name, val, len);
}

static void prop_u32(struct dt *d, const char *name, u32 val)
{
	if (!d->err)
		d->err = fdt_property_u32(d->fdt, name, val);
}

static void prop_u64(struct dt *d, const char *name, u64 val)
{
	if (!d->err)
		d->err = fdt_property_u64(d->fdt, name, val);
}

static void prop_str(struct dt *d, const char *name, const char *val)
{
	if (!d->err)
		d->err = fdt_property_string(d->fdt, name, val);
}

/* <addr size> with two cells each. */
static void prop_reg(struct dt *d, u64 addr, u64 size)
{
	fdt32_t reg[4] = {
		cpu_to_fdt32(addr >> 32), cpu_to_fdt32(addr),
		cpu_to_fdt32(size >> 32), cpu_to_fdt32(size),
	};

	prop(d, "reg", reg, sizeof(reg));
}

static bool has(u64 isa, char c)
{
	return isa & (1ULL << (c - 'a'));
}

void dt_isa_string(u64 isa, char *buf, size_t size)
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
	prop(d, "riscv,isa-extensions", list, n);
}

static void cpus(struct dt *d, const struct dt_config *c)
{
	char name[32], isa[64];
	unsigned int i;

	dt_isa_string(c->isa, isa, sizeof(isa));
	begin(d, "cpus");
	prop_u32(d, "#address-cells", 1);
	prop_u32(d, "#size-cells", 0);
	prop_u32(d, "timebase-frequency", c->timebase);
	for (i = 0; i < c->ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		begin(d, name);
		prop_str(d, "device_type", "cpu");
		prop_u32(d, "reg", i);
		prop_str(d, "status", "okay");
		prop_str(d, "compatible", "riscv");
		prop_str(d, "riscv,isa", isa);
		prop_str(d, "riscv,isa-base", "rv64i");
		prop_isa_extensions(d, c->isa);
		prop_str(d, "mmu-type", "riscv,sv39");
		prop_u32(d, "phandle", PH_CPU(i));
		begin(d, "interrupt-controller");
		prop_str(d, "compatible", "riscv,cpu-intc");
		prop_u32(d, "#address-cells", 0);
		prop_u32(d, "#interrupt-cells", 1);
		prop(d, "interrupt-controller", NULL, 0);
		prop_u32(d, "phandle", PH_INTC(i));
		end(d);
		end(d);
	}
	begin(d, "cpu-map");
	begin(d, "cluster0");
	for (i = 0; i < c->ncpus; i++) {
		snprintf(name, sizeof(name), "core%u", i);
		begin(d, name);
		prop_u32(d, "cpu", PH_CPU(i));
		end(d);
	}
	end(d);
	end(d);
	end(d);
}

static void soc(struct dt *d, const struct dt_config *c)
{
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	fdt32_t ext[2 * AXVM_MAX_CPUS];
	unsigned int i;

	begin(d, "soc");
	prop_u32(d, "#address-cells", 2);
	prop_u32(d, "#size-cells", 2);
	prop_str(d, "compatible", "simple-bus");
	prop(d, "ranges", NULL, 0);

	begin(d, "plic@c000000");
	prop(d, "compatible", plic_compat, sizeof(plic_compat));
	prop_reg(d, PLIC_BASE, PLIC_SIZE);
	prop_u32(d, "#interrupt-cells", 1);
	prop_u32(d, "#address-cells", 0);
	prop(d, "interrupt-controller", NULL, 0);
	prop_u32(d, "riscv,ndev", PLIC_NDEV);
	/* Context n is hart n's supervisor mode. */
	for (i = 0; i < c->ncpus; i++) {
		ext[2 * i] = cpu_to_fdt32(PH_INTC(i));
		ext[2 * i + 1] = cpu_to_fdt32(IRQ_S_EXT);
	}
	prop(d, "interrupts-extended", ext, c->ncpus * 2 * sizeof(ext[0]));
	prop_u32(d, "phandle", PH_PLIC(c->ncpus));
	end(d);

	begin(d, "serial@10000000");
	prop_str(d, "compatible", "ns16550a");
	prop_reg(d, UART_BASE, UART_SIZE);
	prop_u32(d, "clock-frequency", UART_CLOCK);
	prop_u32(d, "interrupts", UART_IRQ);
	prop_u32(d, "interrupt-parent", PH_PLIC(c->ncpus));
	end(d);

	end(d);
}

int dt_build(void *buf, size_t size, const struct dt_config *c)
{
	static const char compat[] = "axvm,riscv-virt\0riscv-virtio";
	struct dt d = { .fdt = buf };
	u8 seed[32];
	char name[32];

	d.err = fdt_create(buf, size);
	if (!d.err)
		d.err = fdt_finish_reservemap(buf);
	begin(&d, "");
	prop_u32(&d, "#address-cells", 2);
	prop_u32(&d, "#size-cells", 2);
	prop(&d, "compatible", compat, sizeof(compat));
	prop_str(&d, "model", "axvm riscv64");

	begin(&d, "chosen");
	prop_str(&d, "bootargs", c->cmdline);
	prop_str(&d, "stdout-path", "/soc/serial@10000000");
	if (c->initrd_end > c->initrd_start) {
		prop_u64(&d, "linux,initrd-start", c->initrd_start);
		prop_u64(&d, "linux,initrd-end", c->initrd_end);
	}
	/* Entropy for the guest's early boot, as QEMU gives it. */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		prop(&d, "rng-seed", seed, sizeof(seed));
	end(&d);

	begin(&d, "aliases");
	prop_str(&d, "serial0", "/soc/serial@10000000");
	end(&d);

	snprintf(name, sizeof(name), "memory@%llx", RAM_BASE);
	begin(&d, name);
	prop_str(&d, "device_type", "memory");
	prop_reg(&d, RAM_BASE, c->mem_size);
	end(&d);

	cpus(&d, c);
	soc(&d, c);
	end(&d);
	if (!d.err)
		d.err = fdt_finish(buf);
	if (d.err) {
		axvm_err("building the device tree: %s", fdt_strerror(d.err));
		return -1;
	}
	return 0;
}

size_t dt_size(const void *buf)
{
	return fdt_totalsize(buf);
}
