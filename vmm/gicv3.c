// SPDX-License-Identifier: GPL-2.0
/*
 * A GICv3 distributor and redistributors (Arm IHI 0069, chapters 12.9
 * and 12.10) as Linux's irq-gic-v3 driver programs them: affinity routing
 * only, one security state (GICD_CTLR.DS), no LPIs, no extended ranges.
 *
 * The CPU interface is the hardware's (the module's list registers), so
 * what this model decides is only where an SPI goes: a level SPI that is
 * enabled, in group 1, with group 1 enabled in GICD_CTLR, drives the
 * AXVCPU_VCPU_IRQ_LINE of the vCPU its GICD_IROUTER names (the lowest
 * vCPU for the 1-of-N mode); the pending and active states live in that
 * vCPU's list registers, so GICD_ISPENDR reads an SPI's line and
 * GICD_ISACTIVER reads 0. SGIs and PPIs are delivered by the module
 * (ICC_SGI1R_EL1 in the kernel, the virtual timer's PPI as the hardware
 * one); their redistributor registers only read back what was written.
 */
#include <string.h>

#include "axvm.h"

/* Distributor registers (offsets in the GICD frame). */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICD_PIDR2		0xffe8

#define GICD_CTLR_RWP		BIT(31)
#define GICD_CTLR_DS		BIT(6)
#define GICD_CTLR_ARE		BIT(4)
#define GICD_CTLR_ENABLE_G1A	BIT(1)
#define GICD_CTLR_ENABLE_G0	BIT(0)
#define GICD_IROUTER_IRM	BIT_ULL(31)

/* Redistributor registers: the RD_base frame, then SGI_base at 64 KiB. */
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_PIDR2		0xffe8
#define GICR_SGI_BASE		0x10000
#define GICR_IGROUPR0		(GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI_BASE + 0x0180)
#define GICR_IPRIORITYR0	(GICR_SGI_BASE + 0x0400)
#define GICR_ICFGR0		(GICR_SGI_BASE + 0x0c00)
#define GICR_ICFGR1		(GICR_SGI_BASE + 0x0c04)
#define GICR_IGRPMODR0		(GICR_SGI_BASE + 0x0d00)

#define GICR_WAKER_PROCESSOR_SLEEP	BIT(1)
#define GICR_WAKER_CHILDREN_ASLEEP	BIT(2)
#define GICR_TYPER_LAST		BIT_ULL(4)

#define GIC_PIDR2_ARCH_GICV3	0x30	/* ArchRev 3 in bits 7:4 */
#define GIC_IIDR_AXVM		0x0000043b	/* implementer Arm, as QEMU's */
#define SPI_BASE		32

/*
 * The vCPU an SPI's GICD_IROUTER names, or -1 for none: axvm's vCPU n has
 * MPIDR n (Aff0, as n < AXVM_MAX_CPUS); the 1-of-N mode takes vCPU 0.
 */
static int route(const struct gicv3 *g, unsigned int spi)
{
	u64 r = g->irouter[spi];

	if (r & GICD_IROUTER_IRM)
		return 0;
	return r < g->ncpus ? (int)r : -1;
}

/* Drive the line of @spi to the vCPU it should reach now, if any. */
static void update(struct gicv3 *g, unsigned int spi)
{
	u32 bit = 1U << spi;
	int want = -1;

	if ((g->level & bit) && (g->ienable & bit) && (g->igroupr & bit) &&
	    (g->ctlr & GICD_CTLR_ENABLE_G1A))
		want = route(g, spi);
	if (want == g->out[spi])
		return;
	if (g->out[spi] >= 0)
		g->set_line(g->opaque, g->out[spi], SPI_BASE + spi, false);
	g->out[spi] = want;
	if (want >= 0)
		g->set_line(g->opaque, want, SPI_BASE + spi, true);
}

static void update_all(struct gicv3 *g)
{
	unsigned int i;

	for (i = 0; i < GIC_NR_SPIS; i++)
		update(g, i);
}

void gicv3_init(struct gicv3 *g, unsigned int ncpus,
		void (*set_line)(void *, unsigned int, u32, bool), void *opaque)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->ncpus = ncpus;
	g->set_line = set_line;
	g->opaque = opaque;
	g->ctlr = GICD_CTLR_DS | GICD_CTLR_ARE;
	for (i = 0; i < GIC_NR_SPIS; i++)
		g->out[i] = -1;
	for (i = 0; i < ncpus; i++)
		g->cpu[i].waker = GICR_WAKER_PROCESSOR_SLEEP |
				  GICR_WAKER_CHILDREN_ASLEEP;
}

void gicv3_set_spi(struct gicv3 *g, unsigned int spi, bool level)
{
	if (spi >= GIC_NR_SPIS)
		return;
	if (level)
		g->level |= 1U << spi;
	else
		g->level &= ~(1U << spi);
	update(g, spi);
}

/*
 * Whether @off is the word of a one-bit-per-INTID register at @base that
 * holds the SPIs (word 0 holds the SGIs and PPIs, the redistributors').
 */
static bool spi_bits(u64 off, u64 base)
{
	return off >= base + 4 && off < base + 4 + GIC_NR_SPIS / 8 && !(off & 3);
}

static u64 read_bytes(const u8 *regs, unsigned int n, unsigned int width)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < width && i < n; i++)
		v |= (u64)regs[i] << (8 * i);
	return v;
}

static void write_bytes(u8 *regs, unsigned int n, unsigned int width, u64 v)
{
	unsigned int i;

	for (i = 0; i < width && i < n; i++)
		regs[i] = v >> (8 * i);
}

u64 gicv3_dist_read(struct gicv3 *g, u64 off, unsigned int width)
{
	u64 spi_prio = GICD_IPRIORITYR + SPI_BASE;
	u64 router = GICD_IROUTER + 8 * SPI_BASE;

	if (off >= spi_prio && off < spi_prio + GIC_NR_SPIS)
		return read_bytes(g->ipriority + (off - spi_prio),
				  spi_prio + GIC_NR_SPIS - off, width);
	if (off >= router && off < router + 8 * GIC_NR_SPIS) {
		u64 r = g->irouter[(off - router) / 8];

		if (!(off & 7))
			return width == 8 ? r : (u32)r;
		return (off & 7) == 4 && width == 4 ? r >> 32 : 0;
	}
	if (width != 4)
		return 0;
	if (spi_bits(off, GICD_IGROUPR))
		return g->igroupr;
	if (spi_bits(off, GICD_ISENABLER) || spi_bits(off, GICD_ICENABLER))
		return g->ienable;
	if (spi_bits(off, GICD_ISPENDR) || spi_bits(off, GICD_ICPENDR))
		return g->level;
	if (spi_bits(off, GICD_IGRPMODR))
		return g->igrpmodr;
	if (off >= GICD_ICFGR + 8 && off < GICD_ICFGR + 8 + GIC_NR_SPIS / 4)
		return g->icfgr[(off - GICD_ICFGR - 8) / 4];
	switch (off) {
	case GICD_CTLR:
		return g->ctlr;
	case GICD_TYPER:
		/* ITLinesNumber: 32 * (N + 1) INTIDs; IDbits 10; no LPIs. */
		return ((SPI_BASE + GIC_NR_SPIS) / 32 - 1) | 9U << 19;
	case GICD_IIDR:
		return GIC_IIDR_AXVM;
	case GICD_PIDR2:
		return GIC_PIDR2_ARCH_GICV3;
	}
	return 0;
}

void gicv3_dist_write(struct gicv3 *g, u64 off, unsigned int width, u64 val)
{
	u64 spi_prio = GICD_IPRIORITYR + SPI_BASE;
	u64 router = GICD_IROUTER + 8 * SPI_BASE;
	u32 v = val;

	if (off >= spi_prio && off < spi_prio + GIC_NR_SPIS) {
		write_bytes(g->ipriority + (off - spi_prio),
			    spi_prio + GIC_NR_SPIS - off, width, val);
		return;
	}
	if (off >= router && off < router + 8 * GIC_NR_SPIS) {
		u64 *r = &g->irouter[(off - router) / 8];

		if (width == 8 && !(off & 7))
			*r = val;
		else if (width == 4 && !(off & 7))
			*r = (*r & ~0xffffffffULL) | v;
		else if (width == 4)
			*r = (*r & 0xffffffffULL) | (u64)v << 32;
		/* Aff3 and the IRM bit; the rest of the word is RES0. */
		*r &= 0xff00000000ULL | GICD_IROUTER_IRM | 0xffffff;
		update_all(g);
		return;
	}
	if (width != 4)
		return;
	if (spi_bits(off, GICD_IGROUPR))
		g->igroupr = v;
	else if (spi_bits(off, GICD_ISENABLER))
		g->ienable |= v;
	else if (spi_bits(off, GICD_ICENABLER))
		g->ienable &= ~v;
	else if (spi_bits(off, GICD_IGRPMODR))
		g->igrpmodr = v;
	else if (off >= GICD_ICFGR + 8 && off < GICD_ICFGR + 8 + GIC_NR_SPIS / 4)
		g->icfgr[(off - GICD_ICFGR - 8) / 4] = v & 0xaaaaaaaa;
	else if (off == GICD_CTLR)
		g->ctlr = GICD_CTLR_DS | GICD_CTLR_ARE |
			  (v & (GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G0));
	else
		return;	/* pending, active: the vCPUs' list registers */
	update_all(g);
}

/* The vCPU whose redistributor frames hold @off; @off becomes frame-relative. */
static struct gicv3_cpu *redist(struct gicv3 *g, u64 *off, unsigned int *cpu)
{
	*cpu = *off / GICR_STRIDE;
	*off %= GICR_STRIDE;
	return *cpu < g->ncpus ? &g->cpu[*cpu] : NULL;
}

u64 gicv3_redist_read(struct gicv3 *g, u64 off, unsigned int width)
{
	unsigned int cpu;
	struct gicv3_cpu *c = redist(g, &off, &cpu);
	u64 typer;

	if (!c)
		return 0;
	if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + 32)
		return read_bytes(c->ipriority + (off - GICR_IPRIORITYR0),
				  GICR_IPRIORITYR0 + 32 - off, width);
	/* Affinity (MPIDR = the vCPU id), processor number, the last one. */
	typer = (u64)cpu << 32 | (u64)cpu << 8 |
		(cpu == g->ncpus - 1 ? GICR_TYPER_LAST : 0);
	if (off == GICR_TYPER)
		return width == 8 ? typer : (u32)typer;
	if (off == GICR_TYPER + 4)
		return typer >> 32;
	if (width != 4)
		return 0;
	switch (off) {
	case GICR_CTLR:
		return 0;
	case GICR_IIDR:
		return GIC_IIDR_AXVM;
	case GICR_WAKER:
		return c->waker;
	case GICR_PIDR2:
		return GIC_PIDR2_ARCH_GICV3;
	case GICR_IGROUPR0:
		return c->igroupr0;
	case GICR_ISENABLER0:
	case GICR_ICENABLER0:
		return c->ienable0;
	case GICR_ICFGR0:
		return 0xaaaaaaaa;	/* SGIs: edge, read-only */
	case GICR_ICFGR1:
		return c->icfgr1;
	case GICR_IGRPMODR0:
		return c->igrpmodr0;
	}
	return 0;
}

void gicv3_redist_write(struct gicv3 *g, u64 off, unsigned int width, u64 val)
{
	unsigned int cpu;
	struct gicv3_cpu *c = redist(g, &off, &cpu);
	u32 v = val;

	if (!c)
		return;
	if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + 32) {
		write_bytes(c->ipriority + (off - GICR_IPRIORITYR0),
			    GICR_IPRIORITYR0 + 32 - off, width, val);
		return;
	}
	if (width != 4)
		return;
	switch (off) {
	case GICR_WAKER:
		/* Asleep at once, awake at once: ChildrenAsleep follows. */
		c->waker = v & GICR_WAKER_PROCESSOR_SLEEP ?
			   GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
		break;
	case GICR_IGROUPR0:
		c->igroupr0 = v;
		break;
	case GICR_ISENABLER0:
		c->ienable0 |= v;
		break;
	case GICR_ICENABLER0:
		c->ienable0 &= ~v;
		break;
	case GICR_ICFGR1:
		c->icfgr1 = v & 0xaaaaaaaa;
		break;
	case GICR_IGRPMODR0:
		c->igrpmodr0 = v;
		break;
	}
}
