// SPDX-License-Identifier: GPL-2.0
/*
 * An ns16550a UART: registers by offset, a 16-byte receive FIFO, and an
 * interrupt output. Transmission is instant: THR is always empty again by
 * the time the guest looks, which is what Linux's 8250 driver expects of
 * an emulated port. Interrupt behaviour follows QEMU's serial model.
 */
#include <string.h>

#include "axvm.h"

#define REG_RBR_THR	0
#define REG_IER		1
#define REG_IIR_FCR	2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define REG_MSR		6
#define REG_SCR		7

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* THR empty */
#define IER_RLSI	0x04	/* receiver line status */
#define IER_MSI		0x08	/* modem status */

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO	0xc0	/* FIFOs enabled */

#define FCR_FE		0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80
#define MSR_DELTA	0x0f

static unsigned int rx_capacity(const struct ns16550 *u)
{
	return (u->fcr & FCR_FE) ? NS16550_FIFO : 1;
}

/* The pending interrupt of highest priority, as IIR's id bits. */
static u8 iir_id(const struct ns16550 *u)
{
	if ((u->ier & IER_RDI) && u->rx_count)
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTA))
		return IIR_MSI;
	return IIR_NO_INT;
}

static void update_irq(struct ns16550 *u)
{
	bool level = iir_id(u) != IIR_NO_INT;

	if (level != u->irq) {
		u->irq = level;
		u->set_irq(u->opaque, level);
	}
}

/* The modem status lines: the MCR outputs looped back, or a cable that is always ready. */
static void update_msr(struct ns16550 *u)
{
	u8 st = MSR_DCD | MSR_DSR | MSR_CTS, chg, delta = 0;

	if (u->mcr & MCR_LOOP) {
		st = 0;
		if (u->mcr & MCR_DTR)
			st |= MSR_DSR;
		if (u->mcr & MCR_RTS)
			st |= MSR_CTS;
		if (u->mcr & MCR_OUT1)
			st |= MSR_RI;
		if (u->mcr & MCR_OUT2)
			st |= MSR_DCD;
	}
	chg = st ^ (u->msr & ~MSR_DELTA);
	if (chg & MSR_CTS)
		delta |= MSR_DCTS;
	if (chg & MSR_DSR)
		delta |= MSR_DDSR;
	if ((chg & MSR_RI) && !(st & MSR_RI))
		delta |= MSR_TERI;
	if (chg & MSR_DCD)
		delta |= MSR_DDCD;
	u->msr = st | (u->msr & MSR_DELTA) | delta;
}

void ns16550_init(struct ns16550 *u, void (*tx)(void *, u8),
		  void (*set_irq)(void *, bool), void *opaque)
{
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->set_irq = set_irq;
	u->opaque = opaque;
	u->thr_ipending = true;
	update_msr(u);
	u->msr &= ~MSR_DELTA;
}

/*
 * Room in the receive FIFO for input. None while the guest has receive
 * interrupts off, so that input waits upstream rather than be lost to the
 * FIFO resets of a driver that is still probing.
 */
unsigned int ns16550_rx_room(const struct ns16550 *u)
{
	if (!(u->ier & IER_RDI) || (u->mcr & MCR_LOOP))
		return 0;
	return rx_capacity(u) - u->rx_count;
}

static void rx_push(struct ns16550 *u, u8 c)
{
	if (u->rx_count >= rx_capacity(u))
		return;		/* overrun: the byte is lost */
	u->rx[(u->rx_head + u->rx_count) % NS16550_FIFO] = c;
	u->rx_count++;
}

void ns16550_rx_push(struct ns16550 *u, u8 c)
{
	rx_push(u, c);
	update_irq(u);
}

static void rx_clear(struct ns16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

u8 ns16550_read(struct ns16550 *u, unsigned int off)
{
	u8 v = 0, id;

	switch (off) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % NS16550_FIFO;
			u->rx_count--;
			update_irq(u);
		}
		return v;
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		id = iir_id(u);
		/* Reading IIR acknowledges a THR empty interrupt. */
		if (id == IIR_THRI) {
			u->thr_ipending = false;
			update_irq(u);
		}
		return id | ((u->fcr & FCR_FE) ? IIR_FIFO : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case REG_MSR:
		v = u->msr;
		u->msr &= ~MSR_DELTA;
		update_irq(u);
		return v;
	case REG_SCR:
		return u->scr;
	}
	return 0;
}

void ns16550_write(struct ns16550 *u, unsigned int off, u8 val)
{
	u8 changed;

	switch (off) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = val;
			return;
		}
		if (u->mcr & MCR_LOOP)
			rx_push(u, val);
		else
			u->tx(u->opaque, val);
		/* Sent at once: THR is empty again. */
		u->thr_ipending = true;
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			return;
		}
		changed = (u->ier ^ val) & 0x0f;
		u->ier = val & 0x0f;
		/*
		 * Enabling the THR empty interrupt raises it while THR is empty,
		 * also after an IIR read acknowledged it: Linux's THRE test at
		 * port startup toggles IER and expects exactly that.
		 */
		if (changed & IER_THRI)
			u->thr_ipending = u->ier & IER_THRI;
		break;
	case REG_IIR_FCR:
		if (((val ^ u->fcr) & FCR_FE) || (val & FCR_CLEAR_RX))
			rx_clear(u);
		u->fcr = val & 0xc9;	/* FE, DMA mode, trigger level */
		break;
	case REG_LCR:
		u->lcr = val;
		return;
	case REG_MCR:
		u->mcr = val & 0x1f;
		update_msr(u);
		break;
	case REG_SCR:
		u->scr = val;
		return;
	default:	/* LSR and MSR are read-only */
		return;
	}
	update_irq(u);
}
