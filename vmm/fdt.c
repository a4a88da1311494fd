// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's device tree, written with libfdt's sequential-write API:
 * the nodes every machine has (chosen, aliases, memory) here, the CPUs,
 * the interrupt controller, the timer and the UART in the arch's file.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <libfdt.h>

#include "axvm.h"

void dt_begin(struct dt *d, const char *name)
{
	if (!d->err)
		d->err = fdt_begin_node(d->fdt, name);
}

void dt_end(struct dt *d)
{
	if (!d->err)
		d->err = fdt_end_node(d->fdt);
}

void dt_prop(struct dt *d, const char *name, const void *val, int len)
{
	if (!d->err)
		d->err = fdt_property(d->fdt, name, val, len);
}

void dt_prop_u32(struct dt *d, const char *name, u32 val)
{
	if (!d->err)
		d->err = fdt_property_u32(d->fdt, name, val);
}

void dt_prop_u64(struct dt *d, const char *name, u64 val)
{
	if (!d->err)
		d->err = fdt_property_u64(d->fdt, name, val);
}

void dt_prop_str(struct dt *d, const char *name, const char *val)
{
	if (!d->err)
		d->err = fdt_property_string(d->fdt, name, val);
}

/* @n cells, each converted to big-endian. */
void dt_prop_cells(struct dt *d, const char *name, const u32 *cells,
		   unsigned int n)
{
	fdt32_t v[32];
	unsigned int i;

	if (n > ARRAY_SIZE(v)) {
		d->err = d->err ?: -FDT_ERR_NOSPACE;
		return;
	}
	for (i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(cells[i]);
	dt_prop(d, name, v, n * sizeof(v[0]));
}

/* <addr size> with two cells each. */
void dt_prop_reg(struct dt *d, u64 addr, u64 size)
{
	const u32 reg[4] = { addr >> 32, addr, size >> 32, size };

	dt_prop_cells(d, "reg", reg, 4);
}

int dt_build(void *buf, size_t size, const struct dt_config *c)
{
	struct dt d = { .fdt = buf };
	u8 seed[32];
	char name[32];

	d.err = fdt_create(buf, size);
	if (!d.err)
		d.err = fdt_finish_reservemap(buf);
	dt_begin(&d, "");
	dt_prop_u32(&d, "#address-cells", 2);
	dt_prop_u32(&d, "#size-cells", 2);
	dt_prop(&d, "compatible", arch.compatible, arch.compatible_len);
	snprintf(name, sizeof(name), "axvm %s", arch.name);
	dt_prop_str(&d, "model", name);
	if (arch.interrupt_parent)
		dt_prop_u32(&d, "interrupt-parent", arch.interrupt_parent);

	dt_begin(&d, "chosen");
	dt_prop_str(&d, "bootargs", c->cmdline);
	dt_prop_str(&d, "stdout-path", arch.uart_path);
	if (c->initrd_end > c->initrd_start) {
		dt_prop_u64(&d, "linux,initrd-start", c->initrd_start);
		dt_prop_u64(&d, "linux,initrd-end", c->initrd_end);
	}
	/* Entropy for the guest's early boot, as QEMU gives it. */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		dt_prop(&d, "rng-seed", seed, sizeof(seed));
	dt_end(&d);

	dt_begin(&d, "aliases");
	dt_prop_str(&d, "serial0", arch.uart_path);
	dt_end(&d);

	snprintf(name, sizeof(name), "memory@%llx", RAM_BASE);
	dt_begin(&d, name);
	dt_prop_str(&d, "device_type", "memory");
	dt_prop_reg(&d, RAM_BASE, c->mem_size);
	dt_end(&d);

	arch_dt_nodes(&d, c);
	dt_end(&d);
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
