// SPDX-License-Identifier: GPL-2.0
/*
 * The console: guest output to stdout, stdin to the guest, the host
 * terminal in raw mode while the guest runs, and the guest's console
 * lines matched against the --boot-marker and --measure strings.
 *
 * Input goes into a queue that the UART's receive FIFO (and the SBI
 * console reads) drain; the input thread stops reading stdin while the
 * queue is full. Everything but the terminal state is under vm.dev_lock.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "axvm.h"

#define INPUT_QUEUE	4096
#define LINE_LEN	4096	/* longer lines are matched on their start */
#define CTRL_A		0x01	/* escape: Ctrl-A x stops axvm */

static struct {
	bool tty;
	bool raw;
	struct termios saved;

	u8 in[INPUT_QUEUE];
	unsigned int in_head, in_count;
	pthread_cond_t in_room;
	pthread_t input;
	bool input_started;
	bool escape;

	bool track;
	char line[LINE_LEN];
	size_t line_len;
	struct marker mark[MARK_NR];
} con = {
	.in_room = PTHREAD_COND_INITIALIZER,
};

void console_restore(void)
{
	if (con.raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &con.saved);
		con.raw = false;
	}
}

/* A crash must not leave the terminal raw; tcsetattr() is async-signal-safe. */
static void on_crash(int sig)
{
	if (con.raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &con.saved);
	raise(sig);
}

int console_init(const char *boot_marker, const char *begin, const char *end)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa = { .sa_handler = on_crash, .sa_flags = SA_RESETHAND };
	struct termios raw;
	unsigned int i;

	con.mark[MARK_BOOT].str = boot_marker;
	con.mark[MARK_BEGIN].str = begin;
	con.mark[MARK_END].str = end;
	con.track = boot_marker || begin;

	con.tty = isatty(STDIN_FILENO);
	if (!con.tty)
		return 0;
	if (tcgetattr(STDIN_FILENO, &con.saved)) {
		axvm_err("stdin: tcgetattr: %s", strerror(errno));
		return -1;
	}
	raw = con.saved;
	cfmakeraw(&raw);
	/* Keep output processing: a guest's bare \n still starts a new line. */
	raw.c_oflag |= OPOST | ONLCR;
	atexit(console_restore);
	for (i = 0; i < ARRAY_SIZE(crash); i++)
		sigaction(crash[i], &sa, NULL);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
		axvm_err("stdin: tcsetattr: %s", strerror(errno));
		return -1;
	}
	con.raw = true;
	return 0;
}

static void line_done(void)
{
	struct marker *m;
	int i;

	con.line[con.line_len] = 0;
	con.line_len = 0;
	for (i = 0; i < MARK_NR; i++) {
		m = &con.mark[i];
		if (!m->str || m->seen)
			continue;
		if (i == MARK_END && !con.mark[MARK_BEGIN].seen)
			continue;
		if (strstr(con.line, m->str)) {
			m->seen = true;
			m->wall = now();
			m->cpu = cpu_time();
			m->guest = guest_time();
			vm_counters(&m->exits, &m->halts);
		}
	}
}

static void track(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			line_done();
		else if (p[i] && p[i] != '\r' && con.line_len < LINE_LEN - 1)
			con.line[con.line_len++] = p[i];
	}
}

/* Guest output, written at once. Called with vm.dev_lock held. */
void console_out(const void *buf, size_t n)
{
	struct pollfd pfd = { .fd = STDOUT_FILENO, .events = POLLOUT };
	const u8 *p = buf;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = write(STDOUT_FILENO, p + done, n - done);
		if (r > 0)
			done += r;
		else if (r == 0 || stopping() || (errno != EAGAIN && errno != EINTR))
			break;	/* stdout is gone, or stuck while axvm stops */
		else if (errno == EAGAIN)
			poll(&pfd, 1, 100);	/* stdout was left non-blocking */
	}
	if (con.track)
		track(p, n);
}

static int in_pop(void)
{
	int c;

	if (!con.in_count)
		return -1;
	c = con.in[con.in_head];
	con.in_head = (con.in_head + 1) % INPUT_QUEUE;
	con.in_count--;
	pthread_cond_signal(&con.in_room);
	return c;
}

static void in_push(u8 c)
{
	if (con.in_count < INPUT_QUEUE)
		con.in[(con.in_head + con.in_count++) % INPUT_QUEUE] = c;
}

/* Move queued input into the UART as far as it takes it. vm.dev_lock held. */
void console_pump(void)
{
	while (con.in_count && ns16550_rx_room(&vm.uart))
		ns16550_rx_push(&vm.uart, in_pop());
}

/* One input byte or -1, for SBI getchar. vm.dev_lock held. */
int console_getc(void)
{
	return in_pop();
}

/* Up to @n input bytes, for SBI DBCN console_read. vm.dev_lock held. */
size_t console_read(u8 *buf, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n && (c = in_pop()) >= 0; i++)
		buf[i] = c;
	return i;
}

/* A byte typed on the terminal: Ctrl-A x stops, Ctrl-A Ctrl-A sends Ctrl-A. */
static void input_byte(u8 c)
{
	if (con.escape) {
		con.escape = false;
		if (c == 'x' || c == 'X') {
			vm_stop(130, "stopped by Ctrl-A x");
			return;
		}
		if (c != CTRL_A)
			in_push(CTRL_A);
	} else if (c == CTRL_A && con.tty) {
		con.escape = true;
		return;
	}
	in_push(c);
}

static void *input_thread(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = vm.stop_fd, .events = POLLIN },
	};
	u8 buf[256];
	size_t room;
	ssize_t r, i;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&vm.dev_lock);
		/* Room for an escape sequence's two bytes, too. */
		while (con.in_count > INPUT_QUEUE - 2 && !stopping())
			pthread_cond_wait(&con.in_room, &vm.dev_lock);
		room = INPUT_QUEUE - con.in_count - 1;
		pthread_mutex_unlock(&vm.dev_lock);
		if (stopping())
			break;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents || (pfd[0].revents & POLLNVAL))
			break;
		if (!pfd[0].revents)
			continue;
		r = read(STDIN_FILENO, buf, room < sizeof(buf) ? room : sizeof(buf));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;		/* end of input: the guest just gets no more */
		pthread_mutex_lock(&vm.dev_lock);
		for (i = 0; i < r; i++)
			input_byte(buf[i]);
		console_pump();
		pthread_mutex_unlock(&vm.dev_lock);
	}
	return NULL;
}

int console_start_input(void)
{
	int r = pthread_create(&con.input, NULL, input_thread, NULL);

	if (r) {
		axvm_err("creating the input thread: %s", strerror(r));
		return -1;
	}
	con.input_started = true;
	return 0;
}

void console_stop_input(void)
{
	if (!con.input_started)
		return;
	pthread_mutex_lock(&vm.dev_lock);
	pthread_cond_broadcast(&con.in_room);
	pthread_mutex_unlock(&vm.dev_lock);
	pthread_join(con.input, NULL);
	con.input_started = false;
}

const struct marker *console_marker(int i)
{
	return &con.mark[i];
}
