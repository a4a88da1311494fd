/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axvm: a VMM that boots Linux on /dev/axvcpu (riscv64 for now).
 * Declarations shared by its files.
 */
#ifndef AXVM_H
#define AXVM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/axvcpu.h>

typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;

#define KIB		1024ULL
#define MIB		(1024 * KIB)
#define GIB		(1024 * MIB)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/*
 * printf format checking, as the kernel's __printf(): the Makefile defines
 * it (checkpatch rejects a bare format attribute in the source).
 */
#ifndef __printf
#define __printf(...)
#endif

static inline u64 align_up(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1);
}

/* The machine, modelled on QEMU's riscv virt. */
#define RAM_BASE	0x80000000ULL
#define PLIC_BASE	0x0c000000ULL
#define PLIC_SIZE	0x600000ULL
#define UART_BASE	0x10000000ULL
#define UART_SIZE	0x100ULL
#define UART_IRQ	10
#define UART_CLOCK	3686400
#define PLIC_NDEV	31
#define IRQ_S_EXT	9	/* supervisor external interrupt */

/* The most harts axvm models (PLIC contexts), whatever the module allows. */
#define AXVM_MAX_CPUS	64

/* SBI error codes the VMM returns. */
#define SBI_SUCCESS			0
#define SBI_ERR_FAILED			-1
#define SBI_ERR_NOT_SUPPORTED		-2
#define SBI_ERR_INVALID_PARAM		-3
#define SBI_ERR_ALREADY_AVAILABLE	-6

__printf(1, 2) void axvm_err(const char *fmt, ...);
__printf(1, 2) void axvm_msg(const char *fmt, ...);
double now(void);
#define SIZE_STR	32
const char *size_str(char buf[SIZE_STR], u64 n);
double cpu_time(void);
double guest_time(void);
void vm_counters(u64 *exits, u64 *halts);

/*
 * ns16550a UART (uart.c). Registers by offset (0..7, register shift 0),
 * so the same model serves MMIO and port I/O; @tx takes each transmitted
 * byte, @set_irq follows the interrupt output. Not locked: the caller
 * serialises all calls.
 */
#define NS16550_FIFO	16

struct ns16550 {
	u8 ier, lcr, mcr, msr, scr, dll, dlm, fcr;
	bool thr_ipending;	/* THR empty interrupt, until IIR read or THR write */
	bool irq;
	u8 rx[NS16550_FIFO];
	unsigned int rx_head, rx_count;
	void (*tx)(void *opaque, u8 c);
	void (*set_irq)(void *opaque, bool level);
	void *opaque;
};

void ns16550_init(struct ns16550 *u, void (*tx)(void *, u8),
		  void (*set_irq)(void *, bool), void *opaque);
u8 ns16550_read(struct ns16550 *u, unsigned int off);
void ns16550_write(struct ns16550 *u, unsigned int off, u8 val);
unsigned int ns16550_rx_room(const struct ns16550 *u);
void ns16550_rx_push(struct ns16550 *u, u8 c);

/*
 * SiFive PLIC (plic.c): sources 1..PLIC_NDEV, level-triggered, one
 * context per hart (context n = hart n's S-mode). @set_irq is called
 * when a context's output changes. Not locked, as the UART.
 */
struct plic {
	unsigned int nctx;
	u32 priority[PLIC_NDEV + 1];
	u32 level, pending, claimed;
	u32 enable[AXVM_MAX_CPUS];
	u32 threshold[AXVM_MAX_CPUS];
	bool out[AXVM_MAX_CPUS];
	void (*set_irq)(void *opaque, unsigned int ctx, bool level);
	void *opaque;
};

void plic_init(struct plic *p, unsigned int nctx,
	       void (*set_irq)(void *, unsigned int, bool), void *opaque);
void plic_set_level(struct plic *p, unsigned int src, bool level);
u32 plic_read(struct plic *p, u64 off);
void plic_write(struct plic *p, u64 off, u32 val);

/* Linux Image loading and placement (boot.c). */
struct image {
	const char *path;
	u8 *data;
	u64 size;		/* file size */
	u64 text_offset;	/* Image header: load offset from RAM base */
	u64 image_size;		/* Image header: bytes the kernel occupies */
};

struct layout {
	u64 kernel, kernel_end;
	u64 initrd, initrd_end;	/* initrd == initrd_end: none */
	u64 dtb, dtb_end;
};

int load_file(const char *path, const char *what, u64 limit, struct image *img);
int image_check(struct image *img);
void layout_plan(const struct image *kernel, const struct image *initrd,
		 struct layout *l);
int layout_fit(const struct layout *l, u64 mem_size);

/* The device tree (fdt.c). */
struct dt_config {
	unsigned int ncpus;
	u64 isa;		/* AXVCPU_CAP_RISCV_ISA */
	u32 timebase;
	u64 mem_size;
	u64 initrd_start, initrd_end;
	const char *cmdline;
};

int dt_build(void *buf, size_t size, const struct dt_config *c);
void dt_isa_string(u64 isa, char *buf, size_t size);
size_t dt_size(const void *buf);

/* The console (console.c): the host terminal, guest output and input. */
struct marker {
	const char *str;
	bool seen;
	double wall, cpu, guest; /* when the line containing @str completed */
	u64 exits, halts;	/* the module's counters then, all vCPUs */
};

int console_init(const char *boot_marker, const char *begin, const char *end);
void console_restore(void);
void console_out(const void *buf, size_t n);
void console_pump(void);
int console_getc(void);
size_t console_read(u8 *buf, size_t n);
int console_start_input(void);
void console_stop_input(void);
const struct marker *console_marker(int i);

enum { MARK_BOOT, MARK_BEGIN, MARK_END, MARK_NR };

/* vCPUs (vcpu.c). */
enum vcpu_state {
	VCPU_CREATED,	/* not set up yet: waits for a CPU_UP naming it */
	VCPU_RUNNING,
	VCPU_STOPPED,	/* after SBI HSM hart_stop, until the next CPU_UP */
};

struct exit_counts {
	u64 mmio, sbi_console, sbi_other, cpu_up, cpu_down, halt, ipi;
	u64 sysreg, other;
};

struct vcpu {
	unsigned int id;	/* vCPU id and hart id */
	int fd;
	struct axvcpu_run *run;
	pthread_t thread;
	bool thread_started;
	enum vcpu_state state;	/* under vm.cpu_lock */
	pthread_cond_t wake;	/* state changed or stopping */
	struct exit_counts n;	/* only the vCPU's own thread writes */
};

struct axvm {
	/* Options. */
	const char *kernel_path, *initrd_path, *cmdline, *dump_dtb;
	const char *boot_marker, *measure_begin, *measure_end;
	unsigned int ncpus;
	u64 mem_size;

	/* The module. */
	int sys_fd, vm_fd;
	u64 isa, run_page_size;
	u32 setup_flags;
	u8 *ram;
	struct vcpu vcpus[AXVM_MAX_CPUS];

	pthread_mutex_t cpu_lock;	/* vCPU states */
	pthread_mutex_t dev_lock;	/* devices and the console */
	struct ns16550 uart;
	struct plic plic;

	/* Stopping: the first reason wins (vm_stop()). */
	int stop;			/* read and written atomically */
	int stop_fd;			/* a pipe, readable once stopping */
	int exit_code;
	const char *stop_why;
	bool powered_off;
	double t_start, cpu_start, guest_start;	/* at the first RUN */
	double t_stop;
};

extern struct axvm vm;

static inline bool stopping(void)
{
	return __atomic_load_n(&vm.stop, __ATOMIC_ACQUIRE);
}

void vm_stop(int code, const char *why);
int vcpu_setup(struct vcpu *v, u64 entry, u64 arg);
int vcpu_start_threads(void);
void vcpu_kick_all(void);
void vcpu_join_all(void);
void plic_irq_out(void *opaque, unsigned int ctx, bool level);

#endif
