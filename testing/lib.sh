# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the axvcpu test harness (sourced, not run).

AXV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AXV_CACHE=${AXV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/axvcpu}
AXV_TARBALL=${AXV_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
AXV_JOBS=${AXV_JOBS:-$(nproc)}
mkdir -p "$AXV_CACHE"

axv_t0=${axv_t0:-$(date +%s)}
log() { printf '[%5ds] %s\n' $(($(date +%s) - axv_t0)) "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Per-arch facts: kernel ARCH, cross prefix, image, console, QEMU command
# (empty: Bochs, see axv_bochs), kernel arguments for KVM in the test and
# the benchmark boots, and the kernel variant tests run on.
axv_arch_vars() {
	case $1 in
	riscv64)
		KARCH=riscv; CROSS=riscv64-linux-gnu-; KIMAGE=arch/riscv/boot/Image
		CONSOLE=ttyS0
		QEMU=(qemu-system-riscv64 -M virt -cpu rv64,h=true,v=true -bios default
		      -nic none)
		# KVM enables virtualization only while a VM exists
		# (Documentation/design.rst, "Coexistence with KVM").
		KVM_ARGS=kvm.enable_virt_at_load=0
		KVM_BENCH_ARGS=$KVM_ARGS
		KVARIANT=debug
		;;
	arm64)
		KARCH=arm64; CROSS=aarch64-linux-gnu-; KIMAGE=arch/arm64/boot/Image
		CONSOLE=ttyAMA0
		QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max
		      -nic none)
		# KVM off for the tests; for the benchmark KVM stays initialised
		# and axvcpu shares the guest vtimer interrupt with it.
		KVM_ARGS=kvm-arm.mode=none
		KVM_BENCH_ARGS=axvcpu.kvm_coexist=1
		KVARIANT=debug
		;;
	x86_64)
		# Bochs: QEMU TCG has SVM, not VMX. Native compiler.
		KARCH=x86_64; CROSS=; KIMAGE=arch/x86/boot/bzImage
		CONSOLE=ttyS0,115200
		QEMU=()
		KVM_ARGS=kvm.enable_virt_at_load=0
		KVM_BENCH_ARGS=$KVM_ARGS
		# Bochs runs the debug kernel (KASAN, kmemleak, lockdep) far too
		# slowly: tests run on the release kernel (WARN/BUG/Oops still fail).
		KVARIANT=release
		;;
	*) die "unknown arch '$1' (supported: riscv64, arm64, x86_64)" ;;
	esac
}

# Debian's linux-source-6.12, extracted once at a fixed path inside the
# cache (kernel build dirs and the UML tree refer to it by absolute path).
axv_ksrc() {
	[ -r "$AXV_TARBALL" ] || die "$AXV_TARBALL missing: apt-get install linux-source-6.12"
	local key dir
	key=$(stat -c '%s-%Y' "$AXV_TARBALL")
	dir=$AXV_CACHE/linux-src-$key
	if [ ! -e "$dir/.complete" ]; then
		log "extracting $AXV_TARBALL"
		rm -rf "$dir"; mkdir -p "$dir"
		tar -xJf "$AXV_TARBALL" -C "$dir" --strip-components=1
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# The test initramfs's common part in ROOT: the directories, /init and the
# kselftests (built by the 6.12 source KSRC's lib.mk in ROOT.selftests,
# then installed in ROOT/selftests: the programs, config and settings).
# CROSS as set.
# usage: axv_userspace ROOT KSRC
axv_userspace() {
	mkdir -p "$1"/{modules,selftests,bin,dev,proc,sys,tmp}
	"${CROSS}gcc" -static -O2 -Wall -o "$1/init" "$AXV_TOP/testing/init.c"
	make -s -C "$AXV_TOP/selftests" KSRC="$2" CROSS_COMPILE=$CROSS \
		OUTPUT="$1.selftests" INSTALL_PATH="$1/selftests" install
}

# usage: axv_cpio ROOT CPIO
axv_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$2"
}

# Debian's stock x86_64 kernel, the one linux-headers-amd64 stands for:
# sets STOCK_VER (e.g. 6.1.0-56-amd64), STOCK_PKGVER (6.1.192-2) and
# STOCK_HDR (its headers).
axv_stock_vars() {
	STOCK_VER=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		sed -nE 's/^linux-headers-([^ ,]+).*/\1/p')
	[ -n "$STOCK_VER" ] || die "linux-headers-amd64 is not installed"
	STOCK_PKGVER=$(dpkg-query -W -f='${Version}' "linux-headers-$STOCK_VER")
	STOCK_HDR=/usr/src/linux-headers-$STOCK_VER
}

# A Debian package's .deb into DIR (apt-get download, no install).
# usage: axv_deb_download DIR PKG=VERSION
axv_deb_download() {
	log "downloading $2"
	# As the caller, not apt's _apt user, who cannot write there.
	local dl=(apt-get download -q -o APT::Sandbox::User="$(id -un)")
	if ! (cd "$1" && "${dl[@]}" "$2") >&2; then
		local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -q >&2
		(cd "$1" && "${dl[@]}" "$2") >&2 || die "cannot download $2"
	fi
}

# Its linux-image package (apt-get download, no install), cached: prints
# a directory holding vmlinuz and the modules the tests load from it.
axv_stock_image() {
	local dir=$AXV_CACHE/stock-$STOCK_VER-$STOCK_PKGVER pkg=linux-image-$STOCK_VER
	if [ ! -e "$dir/.complete" ]; then
		rm -rf "$dir"; mkdir -p "$dir/deb"
		axv_deb_download "$dir/deb" "$pkg=$STOCK_PKGVER"
		dpkg-deb -x "$dir"/deb/*.deb "$dir/x"
		local k=$dir/x/lib/modules/$STOCK_VER/kernel
		cp "$dir/x/boot/vmlinuz-$STOCK_VER" "$dir/vmlinuz"
		cp "$k/virt/lib/irqbypass.ko" "$k/arch/x86/kvm/kvm.ko" \
			"$k/arch/x86/kvm/kvm-intel.ko" "$dir/"
		rm -rf "$dir/deb" "$dir/x"
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# udevadm, which is also systemd-udevd (called by that name), from
# Debian's udev package (apt-get download, no install: this machine keeps
# no udev of its own), cached: prints its path.
axv_udevadm() {
	local ver dir
	ver=$(apt-cache show --no-all-versions udev 2>/dev/null | sed -n 's/^Version: //p')
	[ -n "$ver" ] || die "apt knows no udev package"
	dir=$AXV_CACHE/udev-$ver
	if [ ! -e "$dir/.complete" ]; then
		rm -rf "$dir"; mkdir -p "$dir/deb"
		axv_deb_download "$dir/deb" "udev=$ver"
		dpkg-deb -x "$dir"/deb/*.deb "$dir/x"
		cp "$dir/x/bin/udevadm" "$dir/"
		rm -rf "$dir/deb" "$dir/x"
		touch "$dir/.complete"
	fi
	echo "$dir/udevadm"
}

# A dynamically linked program into ROOT at PATH, with the shared
# libraries ldd finds for it at the paths it finds them.
# usage: axv_copy_prog ROOT PROGRAM PATH
axv_copy_prog() {
	local lib
	install -D -m 0755 "$2" "$1$3"
	for lib in $(ldd "$2" | grep -oE '/[^ ]+'); do
		[ -e "$1$lib" ] || install -D -m 0755 "$lib" "$1$lib"
	done
}

# The ioctl storm (selftests/lib/storm.c) makes AXV_STORM_CALLS calls
# (default 100000; testing/test.sh --soak: a million), passed to the test
# machine's /init on the kernel command line. axv_storm_timeout T: the
# boot's timeout T, plus 20 minutes for each 100000 calls beyond the
# default (riscv64, the slowest machine, makes 100000 in about 8 minutes).
axv_storm_append() {
	[ -z "${AXV_STORM_CALLS:-}" ] || printf ' AXV_STORM_CALLS=%s' "$AXV_STORM_CALLS"
}
axv_storm_timeout() {
	local n=${AXV_STORM_CALLS:-100000}
	echo $(($1 + (n > 100000 ? (n - 100000) / 100000 * 1200 : 0)))
}

# Bochs for x86_64 (VMX with EPT, VPID, unrestricted guest; see
# Documentation/testing.rst, "Emulated machines"):
# it cannot load a bzImage, so boot an isolinux ISO of kernel, initrd and
# command line. Writes DIR/boot.iso and DIR/bochsrc; sets BOCHS, the
# command for testing/vm.py, and BOCHS_SERIAL, the file com1 writes.
# Bochs exits 1 after an ACPI power-off, and ignores SIGTERM.
# usage: axv_bochs DIR BZIMAGE INITRD CMDLINE
axv_bochs() {
	local d=$1 iso=$1/iso
	# It has no -no-reboot, but ends at a triple fault: reboot=t. The
	# console interleaves user and kernel output byte by byte: results go
	# through /dev/kmsg (init.c axout=kmsg). Its CPUID(0xD,1).EBX gives
	# the standard XSAVE size where the kernel expects the compacted one
	# (WARNING "XSAVE consistency problem"): no XSAVEC/XSAVES in the guest.
	# CPUID(0xD,0) lists PKRU but (0xD,9) gives it no size or offset: a
	# kernel with protection keys (Debian's) WARNs, so no PKU either.
	# With fast strings off, FSRM without ERMS makes Debian's 6.1 memmove
	# skip its length check (no FSRM). CPUID lists APERF/MPERF, whose
	# MSRs fault on every tick's read (bit 124, unnamed in 6.1).
	# Its TSC counts emulated ticks, ips per emulated second, but the
	# kernel takes 1.5 GHz from CPUID 0x15: tsc_early_khz makes kernel
	# time and Bochs time agree (else sleeps last 60 times longer). Bochs
	# runs ~40-55 M instructions/s. ips=25M suits the release kernel; the
	# debug kernel then spends most of its time in timer ticks (100k
	# instructions per 4 ms tick): run it with AXV_BOCHS_IPS=100000000.
	local ips=${AXV_BOCHS_IPS:-25000000}
	local cmdline="$4 reboot=t printk.devkmsg=on axout=kmsg clearcpuid=xsavec,xsaves,pku,fsrm,124"
	cmdline+=" tsc_early_khz=$((ips / 1000))"
	rm -rf "$iso"; mkdir -p "$iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		"$iso/isolinux/"
	cp "$2" "$iso/bzimage"; cp "$3" "$iso/initrd"
	printf 'DEFAULT l\nPROMPT 0\nTIMEOUT 0\nLABEL l\n KERNEL /bzimage\n INITRD /initrd\n APPEND %s\n' \
		"$cmdline" > "$iso/isolinux/isolinux.cfg"
	xorriso -as mkisofs -quiet -R -o "$d/boot.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		"$iso" 2> "$d/xorriso.log" || { cat "$d/xorriso.log" >&2; die "xorriso failed"; }
	rm -rf "$iso"
	BOCHS_SERIAL=$d/serial.log
	# Two processors as 1 package x 2 cores: with count=2 (2 packages) the
	# CPUID topology is inconsistent and the kernel WARNs (parse_legacy).
	# Little memory: kmemleak scans take long.
	cat > "$d/bochsrc" <<-EOF
	megs: ${AXV_BOCHS_MEGS:-256}
	cpu: model=corei7_icelake_u, count=1:2:1, ips=$ips, reset_on_triple_fault=0
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	pci: enabled=1, chipset=i440fx
	ata0-master: type=cdrom, path=$d/boot.iso, status=inserted
	boot: cdrom
	clock: sync=none, time0=local
	com1: enabled=1, mode=file, dev=$BOCHS_SERIAL
	display_library: term
	log: $d/bochs.log
	panic: action=fatal
	error: action=report
	EOF
	# Debian's bochs-bin has its debugger built in: "c" continues.
	echo c > "$d/bochs.rc"
	BOCHS=(bochs-bin -q -f "$d/bochsrc" -rc "$d/bochs.rc")
}
