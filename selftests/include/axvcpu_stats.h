/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader of axvcpu's stats fds (the layout of KVM's binary statistics,
 * include/uapi/linux/axvcpu.h "Binary statistics"), header only: shared
 * by the selftests and vmm/axvm. It reads the header, the id and the
 * descriptors once and the values on every axvcpu_stats_read(), with
 * pread() as KVM's readers do.
 */
#ifndef _AXVCPU_STATS_H
#define _AXVCPU_STATS_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/axvcpu.h>

struct axvcpu_stats {
	int fd;
	struct axvcpu_stats_header h;
	char id[AXVCPU_STATS_NAME_SIZE];
	char *descs;		/* h.num_desc descriptors with their names */
	__u64 *data;		/* the values of the last axvcpu_stats_read() */
	unsigned int nr_data;	/* __u64s in data */
};

/* The size of one descriptor with its name. */
static inline size_t axvcpu_stats_desc_size(const struct axvcpu_stats *s)
{
	return sizeof(struct axvcpu_stats_desc) + s->h.name_size;
}

static inline const struct axvcpu_stats_desc *
axvcpu_stats_desc(const struct axvcpu_stats *s, unsigned int i)
{
	return (const void *)(s->descs + i * axvcpu_stats_desc_size(s));
}

static inline int axvcpu_stats_pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static inline void axvcpu_stats_close(struct axvcpu_stats *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->descs);
	free(s->data);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/*
 * Read the values into s->data: 0 or -errno.
 */
static inline int axvcpu_stats_read(struct axvcpu_stats *s)
{
	return axvcpu_stats_pread(s->fd, s->data, s->nr_data * sizeof(__u64),
				  s->h.data_offset);
}

/*
 * Get a stats fd from the VM or vCPU fd @obj_fd with @req
 * (AXVCPU_VM_GET_STATS_FD or AXVCPU_VCPU_GET_STATS_FD), read its header,
 * id and descriptors, then its values: 0 or -errno.
 */
static inline int axvcpu_stats_open(struct axvcpu_stats *s, int obj_fd,
				    unsigned long req)
{
	size_t dsize;
	unsigned int i;
	int r;

	memset(s, 0, sizeof(*s));
	s->fd = ioctl(obj_fd, req, 0);
	if (s->fd < 0)
		return -errno;
	r = axvcpu_stats_pread(s->fd, &s->h, sizeof(s->h), 0);
	if (r)
		goto fail;
	r = -EPROTO;
	if (s->h.name_size != AXVCPU_STATS_NAME_SIZE || !s->h.num_desc)
		goto fail;
	r = axvcpu_stats_pread(s->fd, s->id, sizeof(s->id), s->h.id_offset);
	if (r)
		goto fail;
	dsize = axvcpu_stats_desc_size(s);
	r = -ENOMEM;
	s->descs = calloc(s->h.num_desc, dsize);
	if (!s->descs)
		goto fail;
	r = axvcpu_stats_pread(s->fd, s->descs, s->h.num_desc * dsize,
			       s->h.desc_offset);
	if (r)
		goto fail;
	for (i = 0; i < s->h.num_desc; i++) {
		const struct axvcpu_stats_desc *d = axvcpu_stats_desc(s, i);
		unsigned int end = d->offset / sizeof(__u64) + d->size;

		if (end > s->nr_data)
			s->nr_data = end;
	}
	r = -ENOMEM;
	s->data = calloc(s->nr_data, sizeof(__u64));
	if (!s->data)
		goto fail;
	r = axvcpu_stats_read(s);
	if (r)
		goto fail;
	return 0;
fail:
	axvcpu_stats_close(s);
	return r;
}

/* The index of the counter named @name, or -1. */
static inline int axvcpu_stats_find(const struct axvcpu_stats *s,
				    const char *name)
{
	unsigned int i;

	for (i = 0; i < s->h.num_desc; i++)
		if (!strncmp(axvcpu_stats_desc(s, i)->name, name,
			     s->h.name_size))
			return i;
	return -1;
}

/* The value of counter @i as last read. */
static inline __u64 axvcpu_stats_value(const struct axvcpu_stats *s,
				       unsigned int i)
{
	return s->data[axvcpu_stats_desc(s, i)->offset / sizeof(__u64)];
}

/* The value of the counter named @name as last read; 0 if there is none. */
static inline __u64 axvcpu_stats_get(const struct axvcpu_stats *s,
				     const char *name)
{
	int i = axvcpu_stats_find(s, name);

	return i < 0 ? 0 : axvcpu_stats_value(s, i);
}

#endif /* _AXVCPU_STATS_H */
