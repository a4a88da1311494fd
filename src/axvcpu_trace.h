/* SPDX-License-Identifier: GPL-2.0 */
/*
 * axvcpu's trace events (tracefs events/axvcpu/, `trace-cmd record -e
 * axvcpu`, `perf record -e 'axvcpu:*'`): guest entry and exit, read
 * completion, interrupt injection, lines and kicks, halt and wake-up.
 * Documentation/api.rst, "Tracepoints", lists their fields.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM axvcpu

#if !defined(_AXVCPU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _AXVCPU_TRACE_H

#include <linux/tracepoint.h>

#include "axvcpu.h"

#define EXIT_SYMBOL(r, name)	{ AXVCPU_EXIT_##r, name }
/* The names of the stats fd's exits_<reason> counters (stats.c). */
#define show_exit_reason(r)						\
	__print_symbolic(r,						\
			 EXIT_SYMBOL(NOTHING, "nothing"),		\
			 EXIT_SYMBOL(HYPERCALL, "hypercall"),		\
			 EXIT_SYMBOL(MMIO_READ, "mmio_read"),		\
			 EXIT_SYMBOL(MMIO_WRITE, "mmio_write"),		\
			 EXIT_SYMBOL(SYSREG_READ, "sysreg_read"),	\
			 EXIT_SYMBOL(SYSREG_WRITE, "sysreg_write"),	\
			 EXIT_SYMBOL(IO_READ, "io_read"),		\
			 EXIT_SYMBOL(IO_WRITE, "io_write"),		\
			 EXIT_SYMBOL(EXTERNAL_INTERRUPT, "external_interrupt"),	\
			 EXIT_SYMBOL(NESTED_PAGE_FAULT, "nested_page_fault"),	\
			 EXIT_SYMBOL(HALT, "halt"),			\
			 EXIT_SYMBOL(CPU_UP, "cpu_up"),			\
			 EXIT_SYMBOL(CPU_DOWN, "cpu_down"),		\
			 EXIT_SYMBOL(SYSTEM_DOWN, "system_down"),	\
			 EXIT_SYMBOL(FAIL_ENTRY, "fail_entry"),		\
			 EXIT_SYMBOL(SEND_IPI, "send_ipi"),		\
			 EXIT_SYMBOL(INTERNAL_ERROR, "internal_error"),	\
			 EXIT_SYMBOL(MEMORY_FAULT, "memory_fault"))

DECLARE_EVENT_CLASS(axvcpu_vcpu_class,
		    TP_PROTO(struct axvcpu_vcpu *vcpu),
		    TP_ARGS(vcpu),
		    TP_STRUCT__entry(__field(u32, vm)
				     __field(u32, vcpu)),
		    TP_fast_assign(__entry->vm = vcpu->vm->id;
				   __entry->vcpu = vcpu->id;),
		    TP_printk("vm %u vcpu %u", __entry->vm, __entry->vcpu)
);

/* The vCPU is about to enter the guest (interrupts disabled). */
DEFINE_EVENT(axvcpu_vcpu_class, axvcpu_entry,
	     TP_PROTO(struct axvcpu_vcpu *vcpu),
	     TP_ARGS(vcpu)
);

/* A halt the module waits out in the kernel begins. */
DEFINE_EVENT(axvcpu_vcpu_class, axvcpu_halt,
	     TP_PROTO(struct axvcpu_vcpu *vcpu),
	     TP_ARGS(vcpu)
);

/*
 * Every exit, once handled: @reason is what the module made of it
 * (nothing and external_interrupt resume the guest), @code, @info and @pc
 * what the hardware reported (the backend's @vcpu_exit_info).
 */
TRACE_EVENT(axvcpu_exit,
	    TP_PROTO(struct axvcpu_vcpu *vcpu, int reason, u64 code, u64 info,
		     u64 pc),
	    TP_ARGS(vcpu, reason, code, info, pc),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(int, reason)
			     __field(u64, code)
			     __field(u64, info)
			     __field(u64, pc)),
	    TP_fast_assign(__entry->vm = vcpu->vm->id;
			   __entry->vcpu = vcpu->id;
			   __entry->reason = reason;
			   __entry->code = code;
			   __entry->info = info;
			   __entry->pc = pc;),
	    TP_printk("vm %u vcpu %u reason %s code %#llx info %#llx pc %#llx",
		      __entry->vm, __entry->vcpu,
		      show_exit_reason(__entry->reason), __entry->code,
		      __entry->info, __entry->pc)
);

/* RUN completes the read exit @reason with @value from the VMM. */
TRACE_EVENT(axvcpu_complete_read,
	    TP_PROTO(struct axvcpu_vcpu *vcpu, int reason, u64 value),
	    TP_ARGS(vcpu, reason, value),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(int, reason)
			     __field(u64, value)),
	    TP_fast_assign(__entry->vm = vcpu->vm->id;
			   __entry->vcpu = vcpu->id;
			   __entry->reason = reason;
			   __entry->value = value;),
	    TP_printk("vm %u vcpu %u reason %s value %#llx", __entry->vm,
		      __entry->vcpu, show_exit_reason(__entry->reason),
		      __entry->value)
);

/* %AXVCPU_VCPU_INJECT_INTERRUPT queued @vector. */
TRACE_EVENT(axvcpu_inject,
	    TP_PROTO(struct axvcpu_vcpu *vcpu, u32 vector),
	    TP_ARGS(vcpu, vector),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(u32, vector)),
	    TP_fast_assign(__entry->vm = vcpu->vm->id;
			   __entry->vcpu = vcpu->id;
			   __entry->vector = vector;),
	    TP_printk("vm %u vcpu %u vector %u", __entry->vm, __entry->vcpu,
		      __entry->vector)
);

/* %AXVCPU_VCPU_IRQ_LINE set line @vector to @level. */
TRACE_EVENT(axvcpu_irq_line,
	    TP_PROTO(struct axvcpu_vcpu *vcpu, u32 vector, u32 level),
	    TP_ARGS(vcpu, vector, level),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(u32, vector)
			     __field(u32, level)),
	    TP_fast_assign(__entry->vm = vcpu->vm->id;
			   __entry->vcpu = vcpu->id;
			   __entry->vector = vector;
			   __entry->level = level;),
	    TP_printk("vm %u vcpu %u line %u level %u", __entry->vm,
		      __entry->vcpu, __entry->vector, __entry->level)
);

/* An IPI to CPU @cpu makes the vCPU leave guest mode. */
TRACE_EVENT(axvcpu_kick,
	    TP_PROTO(struct axvcpu_vcpu *vcpu, int cpu),
	    TP_ARGS(vcpu, cpu),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(int, cpu)),
	    TP_fast_assign(__entry->vm = vcpu->vm->id;
			   __entry->vcpu = vcpu->id;
			   __entry->cpu = cpu;),
	    TP_printk("vm %u vcpu %u cpu %d", __entry->vm, __entry->vcpu,
		      __entry->cpu)
);

/*
 * The halt ended after @ns: the guest can go on (@signal 0) or a signal
 * ends RUN (@signal 1); @wakeups is how often the thread woke meanwhile.
 */
TRACE_EVENT(axvcpu_wake,
	    TP_PROTO(struct axvcpu_vcpu *vcpu, u64 ns, u32 wakeups, bool signal),
	    TP_ARGS(vcpu, ns, wakeups, signal),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u32, vcpu)
			     __field(u64, ns)
			     __field(u32, wakeups)
			     __field(bool, signal)),
	    TP_fast_assign(__entry->vm = vcpu->vm->id;
			   __entry->vcpu = vcpu->id;
			   __entry->ns = ns;
			   __entry->wakeups = wakeups;
			   __entry->signal = signal;),
	    TP_printk("vm %u vcpu %u after %llu ns, %u wake-ups, signal %d",
		      __entry->vm, __entry->vcpu, __entry->ns,
		      __entry->wakeups, __entry->signal)
);

#endif /* _AXVCPU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE axvcpu_trace
#include <trace/define_trace.h>
