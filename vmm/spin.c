// SPDX-License-Identifier: GPL-2.0
/*
 * spin: one VM with a vCPU per online CPU (at most MAX_SPIN), each run by
 * a thread pinned to its CPU through guest_mmio (an exit to the VMM per
 * iteration) until RUN fails. Once every vCPU has made SPIN_READY exits it
 * creates the file named by its argument, so that testing/init.c can power
 * the machine off while the vCPUs still run: the host's reboot path must
 * not oops under them (x86_64 leaves VMX operation on every CPU there).
 * A RUN that fails then (EIO: virtualization was turned off under the
 * vCPU) ends its thread quietly.
 */
#define _GNU_SOURCE
#include <pthread.h>

#include "vmm.h"

#define MAX_SPIN	8
#define SPIN_READY	1000

struct spinner {
	pthread_t thread;
	int fd, cpu;
	struct axvcpu_run *run;
	long n;			/* __atomic: exits so far */
};

static void *spin_fn(void *arg)
{
	struct spinner *s = arg;

	vmm_pin_to_cpu(s->cpu);
	while (!ioctl(s->fd, AXVCPU_VCPU_RUN, 0))
		__atomic_add_fetch(&s->n, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "spin: vCPU on CPU %d: RUN: %s after %ld exits\n",
		s->cpu, strerror(errno), s->n);
	return NULL;
}

int main(int argc, char **argv)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct spinner s[MAX_SPIN] = { 0 };
	unsigned int i, n;
	struct vmm v;
	int ready;

	if (argc != 2) {
		fprintf(stderr, "usage: %s READY-FILE\n", argv[0]);
		return 2;
	}
	n = ncpus < 1 ? 1 : ncpus > MAX_SPIN ? MAX_SPIN : ncpus;
	vmm_create(&v, guest_mmio_begin, guest_mmio_end - guest_mmio_begin);
	for (i = 0; i < n; i++) {
		s[i].cpu = i;
		s[i].fd = i ? vmm_vcpu_create(v.vm, i) : v.vcpu;
		s[i].run = i ? mmap(NULL, sizeof(*s[i].run),
				    PROT_READ | PROT_WRITE, MAP_SHARED,
				    s[i].fd, 0) : v.run;
		if (s[i].run == MAP_FAILED)
			die("mmap run page");
		if (pthread_create(&s[i].thread, NULL, spin_fn, &s[i]))
			die("pthread_create");
	}
	for (i = 0; i < n; i++)
		while (__atomic_load_n(&s[i].n, __ATOMIC_RELAXED) < SPIN_READY)
			usleep(10000);
	ready = open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (ready < 0)
		die(argv[1]);
	close(ready);
	printf("spin: %u vCPUs running, %d exits each at least\n", n,
	       SPIN_READY);
	fflush(stdout);
	for (i = 0; i < n; i++)
		pthread_join(s[i].thread, NULL);
	return 0;
}
