// SPDX-License-Identifier: GPL-2.0
/*
 * A SiFive PLIC (riscv,plic0): level-triggered sources 1..PLIC_NDEV and
 * one context per hart. A context's output is up while a pending source
 * it enables has a priority above its threshold; a claimed source is not
 * pending until completed, and one whose line is still up is pending
 * again at completion.
 */
#include <string.h>

#include "axvm.h"

#define PLIC_PENDING		0x1000
#define PLIC_ENABLE		0x2000
#define PLIC_ENABLE_STRIDE	0x80
#define PLIC_CONTEXT		0x200000
#define PLIC_CONTEXT_STRIDE	0x1000
#define PLIC_PRIO_MASK		7	/* priorities 1..7, 0 is never */
#define PLIC_SRC_MASK		(((1ULL << (PLIC_NDEV + 1)) - 1) & ~1ULL)

/* The source @ctx would claim, above @threshold; 0 if none. */
static unsigned int best(const struct plic *p, unsigned int ctx, u32 threshold)
{
	u32 ready = p->pending & ~p->claimed & p->enable[ctx];
	unsigned int src, found = 0;
	u32 prio = threshold;

	for (src = 1; src <= PLIC_NDEV; src++) {
		if ((ready & (1U << src)) && p->priority[src] > prio) {
			prio = p->priority[src];
			found = src;
		}
	}
	return found;
}

static void update(struct plic *p)
{
	unsigned int ctx;
	bool level;

	for (ctx = 0; ctx < p->nctx; ctx++) {
		level = best(p, ctx, p->threshold[ctx]) != 0;
		if (level != p->out[ctx]) {
			p->out[ctx] = level;
			p->set_irq(p->opaque, ctx, level);
		}
	}
}

void plic_init(struct plic *p, unsigned int nctx,
	       void (*set_irq)(void *, unsigned int, bool), void *opaque)
{
	memset(p, 0, sizeof(*p));
	p->nctx = nctx;
	p->set_irq = set_irq;
	p->opaque = opaque;
}

void plic_set_level(struct plic *p, unsigned int src, bool level)
{
	u32 bit = 1U << src;

	if (!src || src > PLIC_NDEV)
		return;
	if (level) {
		p->level |= bit;
		if (!(p->claimed & bit))
			p->pending |= bit;
	} else {
		p->level &= ~bit;
		p->pending &= ~bit;
	}
	update(p);
}

static u32 claim(struct plic *p, unsigned int ctx)
{
	unsigned int src = best(p, ctx, 0);

	if (src) {
		p->pending &= ~(1U << src);
		p->claimed |= 1U << src;
		update(p);
	}
	return src;
}

static void complete(struct plic *p, unsigned int ctx, u32 src)
{
	u32 bit = 1U << src;

	/* As in hardware, completing a source the context does not enable does nothing. */
	if (!src || src > PLIC_NDEV || !(p->enable[ctx] & bit))
		return;
	p->claimed &= ~bit;
	if (p->level & bit)
		p->pending |= bit;
	update(p);
}

u32 plic_read(struct plic *p, u64 off)
{
	unsigned int ctx;

	if (off < PLIC_PENDING)
		return off / 4 <= PLIC_NDEV ? p->priority[off / 4] : 0;
	if (off < PLIC_ENABLE)
		return off == PLIC_PENDING ? p->pending : 0;
	if (off < PLIC_CONTEXT) {
		ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
		if (ctx >= p->nctx || (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE)
			return 0;
		return p->enable[ctx];
	}
	ctx = (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
	if (ctx >= p->nctx)
		return 0;
	switch ((off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE) {
	case 0:
		return p->threshold[ctx];
	case 4:
		return claim(p, ctx);
	}
	return 0;
}

void plic_write(struct plic *p, u64 off, u32 val)
{
	unsigned int ctx;

	if (off < PLIC_PENDING) {
		if (off / 4 && off / 4 <= PLIC_NDEV)
			p->priority[off / 4] = val & PLIC_PRIO_MASK;
	} else if (off < PLIC_ENABLE) {
		return;		/* pending bits are read-only */
	} else if (off < PLIC_CONTEXT) {
		ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
		if (ctx >= p->nctx || (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE)
			return;
		p->enable[ctx] = val & PLIC_SRC_MASK;
	} else {
		ctx = (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
		if (ctx >= p->nctx)
			return;
		switch ((off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE) {
		case 0:
			p->threshold[ctx] = val & PLIC_PRIO_MASK;
			break;
		case 4:
			complete(p, ctx, val);
			return;
		default:
			return;
		}
	}
	update(p);
}
