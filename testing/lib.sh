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

# Per-arch facts: kernel ARCH, cross prefix, image, console, QEMU command,
# kernel arguments for KVM in the test and the benchmark boots.
axv_arch_vars() {
	case $1 in
	riscv64)
		KARCH=riscv; CROSS=riscv64-linux-gnu-; KIMAGE=arch/riscv/boot/Image
		CONSOLE=ttyS0
		QEMU=(qemu-system-riscv64 -M virt -cpu rv64,h=true -bios default)
		# KVM enables virtualization only while a VM exists (INFRA.md).
		KVM_ARGS=kvm.enable_virt_at_load=0
		KVM_BENCH_ARGS=$KVM_ARGS
		;;
	arm64)
		KARCH=arm64; CROSS=aarch64-linux-gnu-; KIMAGE=arch/arm64/boot/Image
		CONSOLE=ttyAMA0
		QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max)
		# KVM off for the tests; for the benchmark KVM stays initialised
		# and axvcpu shares the guest vtimer interrupt with it.
		KVM_ARGS=kvm-arm.mode=none
		KVM_BENCH_ARGS=axvcpu.kvm_coexist=1
		;;
	*) die "unknown arch '$1' (supported: riscv64, arm64)" ;;
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
