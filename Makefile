# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper around kbuild (all build logic is in Kbuild).
#   make [KDIR=...] [ARCH=... CROSS_COMPILE=...]   build axvcpu.ko
#   make check                                       checkpatch, W=1, sparse
#   make test / make demo / make bench               the emulated-machine runs

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(PWD) $@

.PHONY: all modules clean
