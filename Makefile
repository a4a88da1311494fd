# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper around kbuild (all build logic is in Kbuild).
#   make [KDIR=...] [ARCH=... CROSS_COMPILE=...]   build axvcpu.ko
#   make install      modules_install, headers_install and udev_install:
#   make modules_install   axvcpu.ko (not the KUnit module) through kbuild
#                     into $(INSTALL_MOD_PATH)/lib/modules/<release>/
#                     $(INSTALL_MOD_DIR) (default updates), then depmod
#                     (-b $(INSTALL_MOD_PATH) when set)
#   make headers_install   the UAPI header as
#                     $(DESTDIR)$(PREFIX)/include/linux/axvcpu.h
#   make udev_install the udev rule into $(DESTDIR)$(UDEVDIR)/rules.d
#   make uninstall    undoes install (modules_uninstall, headers_uninstall,
#                     udev_uninstall), with the same variables
#   make version      print the module version (MODULE_VERSION)
#   make check        checkpatch --strict, kernel-doc, W=1, sparse
#   make test         the whole test suite (testing/test.sh)
#   make demo         boot the emulated riscv64 machine and run the demo
#   make bench        the exit-loop benchmark, axvcpu and KVM side by side

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

# Where make install puts things. Rules of Debian's packages live in
# udev's own directory (pkg-config udev: udevdir), where a file of the
# same name in /etc/udev/rules.d overrides them.
INSTALL_MOD_DIR ?= updates
PREFIX ?= /usr
UDEVDIR ?= /lib/udev
DEPMOD ?= $(firstword $(shell command -v depmod) /sbin/depmod)
# The release of the kernel in KDIR (uname -r when it runs, what kbuild
# installs under; Debian's include/config/kernel.release says 6.1.N), and
# where modules_install puts ours.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)
VERSION = $(shell sed -n 's/^MODULE_VERSION("\(.*\)");$$/\1/p' src/main.c)

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(PWD) $@

install: modules_install headers_install udev_install

uninstall: modules_uninstall headers_uninstall udev_uninstall

# The build again without the KUnit module: modules.order, which
# modules_install installs from, then lists axvcpu.ko alone.
modules_install: kver
	$(MAKE) -C $(KDIR) M=$(PWD) AXVCPU_KUNIT=n modules
	$(MAKE) -C $(KDIR) M=$(PWD) AXVCPU_KUNIT=n \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

modules_uninstall: kver
	rm -f $(MODDIR)/$(INSTALL_MOD_DIR)/axvcpu.ko $(MODDIR)/$(INSTALL_MOD_DIR)/axvcpu.ko.*
	if [ -d $(MODDIR) ]; then \
		$(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER); fi

kver:
	@test -n "$(KVER)" || { echo "no kernel release in $(KDIR)/include/generated/utsrelease.h" >&2; exit 1; }

headers_install:
	install -D -m 0644 include/uapi/linux/axvcpu.h \
		$(DESTDIR)$(PREFIX)/include/linux/axvcpu.h

headers_uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/linux/axvcpu.h

udev_install:
	install -D -m 0644 udev/60-axvcpu.rules \
		$(DESTDIR)$(UDEVDIR)/rules.d/60-axvcpu.rules

udev_uninstall:
	rm -f $(DESTDIR)$(UDEVDIR)/rules.d/60-axvcpu.rules

version:
	@echo $(VERSION)

check:
	testing/check.sh

test:
	testing/test.sh

demo bench:
	testing/run.sh $@

.PHONY: all modules clean install uninstall modules_install modules_uninstall \
	headers_install headers_uninstall udev_install udev_uninstall version kver \
	check test demo bench
