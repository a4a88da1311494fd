// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of the installed module in testing/stock.sh's boot, as TAP: that
 * modprobe loaded axvcpu.ko from where DKMS installed it, and that udev
 * applied udev/60-axvcpu.rules to /dev/axvcpu (group kvm, mode 0660).
 * Run by the test init with the other programs of /selftests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

static int n, failed;

static void result(int ok, const char *what)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++n, what);
	failed |= !ok;
}

/* The first line of @path, without its newline; 0 if it has none. */
static int first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok = f && fgets(buf, len, f);

	if (f)
		fclose(f);
	buf[ok ? strcspn(buf, "\n") : 0] = 0;
	return ok && *buf;
}

/* Whether a line of @path starts with @prefix. */
static int has_line(const char *path, const char *prefix)
{
	FILE *f = fopen(path, "r");
	char buf[512];
	int found = 0;

	while (f && !found && fgets(buf, sizeof(buf), f))
		found = !strncmp(buf, prefix, strlen(prefix));
	if (f)
		fclose(f);
	return found;
}

/* The gid of @group in /etc/group, -1 if it is not there. */
static long group_id(const char *group)
{
	FILE *f = fopen("/etc/group", "r");
	char buf[256];
	long gid = -1;

	while (f && gid < 0 && fgets(buf, sizeof(buf), f)) {
		char *name = strtok(buf, ":"), *id;

		strtok(NULL, ":");
		id = strtok(NULL, ":");
		if (name && id && !strcmp(name, group))
			gid = atol(id);
	}
	if (f)
		fclose(f);
	return gid;
}

int main(void)
{
	char path[256], version[64];
	struct utsname u;
	struct stat st;
	long kvm = group_id("kvm");
	int dev;

	printf("TAP version 13\n1..5\n");
	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	result(has_line(path, "updates/dkms/axvcpu.ko:"),
	       "depmod indexed axvcpu.ko in updates/dkms, where DKMS put it");
	result(has_line("/proc/modules", "axvcpu "), "axvcpu is loaded (modprobe)");
	result(first_line("/sys/module/axvcpu/version", version, sizeof(version)),
	       "the loaded module has a version (MODULE_VERSION)");
	if (*version)
		printf("# axvcpu version %s\n", version);

	dev = !stat("/dev/axvcpu", &st) && S_ISCHR(st.st_mode);
	if (dev)
		printf("# /dev/axvcpu: uid %u gid %u mode %04o; kvm is gid %ld\n",
		       st.st_uid, st.st_gid, st.st_mode & 07777, kvm);
	result(dev && kvm >= 0 && st.st_uid == 0 && st.st_gid == kvm,
	       "udev gave /dev/axvcpu owner root, group kvm");
	result(dev && (st.st_mode & 07777) == 0660, "udev gave /dev/axvcpu mode 0660");
	return failed;
}
