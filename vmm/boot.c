// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a Linux Image and an initrd, and where they go in guest RAM
 * (Documentation/arch/riscv/boot-image-header.rst and
 * Documentation/arch/arm64/booting.rst in Linux; both ports share the
 * header's layout): the kernel at RAM base (2 MiB aligned) + text_offset
 * with image_size bytes reserved, the initrd page aligned after it, the
 * device tree on the next 2 MiB boundary after that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "axvm.h"

#define HDR_TEXT_OFFSET	0x08
#define HDR_IMAGE_SIZE	0x10
#define HDR_FLAGS	0x18
#define HDR_MAGIC	0x38	/* riscv64 "RSC\x05", arm64 "ARM\x64" */
#define HDR_SIZE	0x40
#define HDR_FLAG_BE	1	/* both: bit 0, a big-endian kernel */

static u64 get_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int load_file(const char *path, const char *what, u64 limit, struct image *img)
{
	char b1[SIZE_STR], b2[SIZE_STR];
	struct stat st;
	u64 done = 0;
	ssize_t r;
	int fd;

	memset(img, 0, sizeof(*img));
	img->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		axvm_err("%s %s: %s", what, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		axvm_err("%s %s: not a regular file", what, path);
		goto fail;
	}
	if ((u64)st.st_size > limit) {
		axvm_err("%s %s: %s, more than the guest's RAM (--mem %s)",
			 what, path, size_str(b1, st.st_size), size_str(b2, limit));
		goto fail;
	}
	img->size = st.st_size;
	img->data = malloc(img->size ? img->size : 1);
	if (!img->data) {
		axvm_err("%s %s: out of memory", what, path);
		goto fail;
	}
	while (done < img->size) {
		r = read(fd, img->data + done, img->size - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			axvm_err("%s %s: %s", what, path,
				 r ? strerror(errno) : "file shrank while reading");
			goto fail;
		}
		done += r;
	}
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(img->data);
	img->data = NULL;
	return -1;
}

int image_check(struct image *img)
{
	const u8 *h = img->data;

	if (img->size >= 4 && !memcmp(h, "\177ELF", 4)) {
		axvm_err("kernel %s: an ELF file (vmlinux?), not a %s Linux Image (%s)",
			 img->path, arch.name, arch.image);
		return -1;
	}
	if (img->size >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
		axvm_err("kernel %s: gzip-compressed; pass the uncompressed Image", img->path);
		return -1;
	}
	if (img->size < HDR_SIZE || memcmp(h + HDR_MAGIC, arch.magic, arch.magic_len)) {
		axvm_err("kernel %s: not a %s Linux Image (no %s magic in its header)",
			 img->path, arch.name, arch.magic_name);
		return -1;
	}
	if (get_le64(h + HDR_FLAGS) & HDR_FLAG_BE) {
		axvm_err("kernel %s: a big-endian kernel", img->path);
		return -1;
	}
	img->text_offset = get_le64(h + HDR_TEXT_OFFSET);
	img->image_size = get_le64(h + HDR_IMAGE_SIZE);
	if (img->text_offset % (4 * KIB) || img->text_offset >= 64 * GIB ||
	    img->image_size >= 64 * GIB) {
		axvm_err("kernel %s: implausible Image header (text_offset 0x%llx, image_size 0x%llx)",
			 img->path, (unsigned long long)img->text_offset,
			 (unsigned long long)img->image_size);
		return -1;
	}
	/* image_size is what the kernel uses, bss included; never less than the file. */
	if (img->image_size < img->size)
		img->image_size = img->size;
	return 0;
}

void layout_plan(const struct image *kernel, const struct image *initrd,
		 struct layout *l)
{
	l->kernel = RAM_BASE + kernel->text_offset;
	l->kernel_end = l->kernel + kernel->image_size;
	l->initrd = align_up(l->kernel_end, 4 * KIB);
	l->initrd_end = l->initrd + (initrd ? initrd->size : 0);
	/* Linux maps the device tree early by 2 MiB pages. */
	l->dtb = align_up(l->initrd_end, 2 * MIB);
	l->dtb_end = l->dtb;
}

int layout_fit(const struct layout *l, u64 mem_size)
{
	char b1[SIZE_STR], b2[SIZE_STR], b3[SIZE_STR], b4[SIZE_STR];
	bool initrd = l->initrd_end > l->initrd;
	u64 need = l->dtb_end - RAM_BASE;

	if (need <= mem_size)
		return 0;
	axvm_err("the kernel (%s at 0x%llx)%s%s%s and the device tree need %s of RAM; --mem is %s",
		 size_str(b1, l->kernel_end - l->kernel),
		 (unsigned long long)l->kernel,
		 initrd ? ", the initrd (" : "",
		 initrd ? size_str(b2, l->initrd_end - l->initrd) : "",
		 initrd ? ")" : "",
		 size_str(b3, align_up(need, MIB)), size_str(b4, mem_size));
	return -1;
}
