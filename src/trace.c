// SPDX-License-Identifier: GPL-2.0
/* The definitions of axvcpu's trace events (axvcpu_trace.h). */
#define CREATE_TRACE_POINTS
#include "axvcpu_trace.h"
