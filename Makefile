# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper around kbuild (all build logic is in Kbuild).
#   make [KDIR=...] [ARCH=... CROSS_COMPILE=...]   build axvcpu.ko
#   make check        checkpatch --strict, kernel-doc, W=1, sparse
#   make test         the whole test suite (testing/test.sh)
#   make demo         boot the emulated riscv64 machine and run the demo
#   make bench        the exit-loop benchmark, axvcpu and KVM side by side

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(PWD) $@

check:
	testing/check.sh

test:
	testing/test.sh

demo bench:
	testing/run.sh $@

.PHONY: all modules clean check test demo bench
