/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axvm: a VMM that boots Linux on /dev/axvcpu (riscv64 and arm64).
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
#define BIT(n)		(1U << (n))
#define BIT_ULL(n)	(1ULL << (n))
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

/*
 * The machine, modelled on QEMU's virt for each arch: RAM, an ns16550a
 * UART and the interrupt controller (a PLIC on riscv64, a GICv3 on arm64).
 */
#if defined(__riscv)
#define RAM_BASE	0x80000000ULL
#define UART_BASE	0x10000000ULL
#define PLIC_BASE	0x0c000000ULL
#define PLIC_SIZE	0x600000ULL
#define UART_IRQ	10		/* PLIC source */
#define PLIC_NDEV	31
#define IRQ_S_EXT	9		/* supervisor external interrupt */
#elif defined(__aarch64__)
#define RAM_BASE	0x40000000ULL
#define UART_BASE	0x09000000ULL
#define GICD_BASE	0x08000000ULL
#define GICD_SIZE	0x10000ULL
#define GICR_BASE	0x080a0000ULL
#define GICR_STRIDE	0x20000ULL	/* RD_base and SGI_base frames */
#define UART_SPI	1		/* INTID 33 */
#else
#error "axvm runs riscv64 and arm64 guests"
#endif
#define UART_SIZE	0x100ULL
#define UART_CLOCK	3686400

/* The most vCPUs axvm models, whatever the module allows. */
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
int check_cap(u32 cap, const char *name, u64 *val);
#define CAP(c, val)	check_cap(c, #c, val)

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

#if defined(__riscv)
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
#endif

#if defined(__aarch64__)
/*
 * GICv3 distributor and redistributors (gicv3.c), without LPIs or
 * security states: GIC_NR_SPIS SPIs, level-triggered, each driven into
 * the vCPU its GICD_IROUTER names through @set_line; SGIs and PPIs are
 * the module's (delivered in the kernel), their registers kept for the
 * guest to read back. Not locked, as the UART.
 */
#define GIC_NR_SPIS	32

struct gicv3_cpu {
	u32 waker, igroupr0, ienable0, icfgr1, igrpmodr0;
	u8 ipriority[32];
};

struct gicv3 {
	unsigned int ncpus;
	u32 ctlr;
	u32 igroupr, ienable, igrpmodr, level;
	u32 icfgr[GIC_NR_SPIS / 16];
	u8 ipriority[GIC_NR_SPIS];
	u64 irouter[GIC_NR_SPIS];
	int out[GIC_NR_SPIS];		/* the vCPU a line is driven to, or -1 */
	struct gicv3_cpu cpu[AXVM_MAX_CPUS];
	void (*set_line)(void *opaque, unsigned int cpu, u32 intid, bool level);
	void *opaque;
};

void gicv3_init(struct gicv3 *g, unsigned int ncpus,
		void (*set_line)(void *, unsigned int, u32, bool), void *opaque);
void gicv3_set_spi(struct gicv3 *g, unsigned int spi, bool level);
u64 gicv3_dist_read(struct gicv3 *g, u64 off, unsigned int width);
void gicv3_dist_write(struct gicv3 *g, u64 off, unsigned int width, u64 val);
u64 gicv3_redist_read(struct gicv3 *g, u64 off, unsigned int width);
void gicv3_redist_write(struct gicv3 *g, u64 off, unsigned int width, u64 val);
#endif

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

/* The device tree (fdt.c, and the arch's nodes in arch-<arch>.c). */
struct dt_config {
	unsigned int ncpus;
	u64 isa;		/* riscv64: AXVCPU_CAP_RISCV_ISA */
	u32 timebase;		/* riscv64: the host's timebase-frequency */
	u64 mem_size;
	u64 initrd_start, initrd_end;
	const char *cmdline;
};

/* A sticky error: after the first failure every call is a no-op. */
struct dt {
	void *fdt;
	int err;
};

int dt_build(void *buf, size_t size, const struct dt_config *c);
size_t dt_size(const void *buf);
void dt_begin(struct dt *d, const char *name);
void dt_end(struct dt *d);
void dt_prop(struct dt *d, const char *name, const void *val, int len);
void dt_prop_u32(struct dt *d, const char *name, u32 val);
void dt_prop_u64(struct dt *d, const char *name, u64 val);
void dt_prop_str(struct dt *d, const char *name, const char *val);
void dt_prop_reg(struct dt *d, u64 addr, u64 size);
void dt_prop_cells(struct dt *d, const char *name, const u32 *cells,
		   unsigned int n);

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
	VCPU_STOPPED,	/* after SBI HSM hart_stop or PSCI CPU_OFF, until CPU_UP */
};

struct exit_counts {
	u64 mmio, console, hypercall, cpu_up, cpu_down, halt, ipi;
	u64 sysreg, other;
};

struct vcpu {
	unsigned int id;	/* vCPU id; the hart id, or the MPIDR */
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
	bool stats;
	unsigned int ncpus;
	u64 mem_size;

	/* The module. */
	int sys_fd, vm_fd;
	u64 run_page_size;
	struct dt_config dt;		/* what the device tree describes */
	u32 setup_flags;
	u8 *ram;
	struct vcpu vcpus[AXVM_MAX_CPUS];

	pthread_mutex_t cpu_lock;	/* vCPU states */
	pthread_mutex_t dev_lock;	/* devices and the console */
	struct ns16550 uart;
#if defined(__riscv)
	struct plic plic;
#else
	struct gicv3 gic;
#endif

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
void vcpu_fail(struct vcpu *v, const char *what);
void vcpu_set_ret(struct vcpu *v, s64 val);
bool warn_once(u64 key);
u8 *guest_ptr(u64 gpa, u64 len);

/* Keys of warn_once(): an MMIO page address, or one of these. */
#define WARN_IRQ_LINE	0x1000000000000000ULL	/* | vCPU id */
#define WARN_INJECT	0x2000000000000000ULL	/* | vCPU id */
#define WARN_SYSREG	0x3000000000000000ULL	/* | register */

/*
 * What differs by architecture: arch-riscv64.c or arch-arm64.c, the one
 * the Makefile builds. @name and the rest describe the guest; the
 * functions are called from the shared files.
 */
struct cpu_status {
	s64 ok, invalid, failed, already_on;	/* CPU_UP results for the guest */
};

struct arch_desc {
	const char *name;		/* "riscv64" */
	u64 backend;			/* AXVCPU_BACKEND_* */
	const char *image;		/* the kernel build's Image path */
	const char *magic;		/* at offset 0x38 of the Image header */
	unsigned int magic_len;
	const char *magic_name;		/* for messages */
	const char *default_cmdline;
	const char *machine;		/* --help: the machine's devices */
	const char *uart_path;		/* the UART's device tree node */
	const char *compatible;		/* the root node's stringlist */
	unsigned int compatible_len;
	u32 interrupt_parent;		/* the root node's phandle, or 0 */
	struct cpu_status cpu_up;
	bool one_reg;			/* needs AXVCPU_VCPU_GET/SET_ONE_REG */
};

extern const struct arch_desc arch;

int arch_open(void);
void arch_dt_nodes(struct dt *d, const struct dt_config *c);
void arch_devices_init(void);
void arch_uart_irq(bool level);
bool arch_mmio(u64 addr, unsigned int width, bool write, u64 *val);
int arch_vcpu_setup(struct vcpu *v, u64 arg);
int arch_vcpu_restart(struct vcpu *v, u64 entry, u64 arg);
int arch_cpu_index(u64 target_cpu);
void arch_hypercall(struct vcpu *v);
void arch_describe_regs(struct vcpu *v, char *buf, size_t size);

#endif
