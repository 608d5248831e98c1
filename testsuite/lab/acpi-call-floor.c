// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi-call-floor: the floor of any ACPI ROM dumper in the lab — raw
 * /proc/acpi/call round trips from C with nothing else around them.
 * Built with `gcc -static` so it runs in the busybox guest.
 *
 *   acpi-call-floor dump METHOD SIZE OUT   read SIZE bytes through
 *         METHOD(offset, length) in 42-byte calls that never cross a 4 KiB
 *         boundary (facts-rom-acpicall §1.1, §1.5) and write them to OUT
 *   acpi-call-floor calls METHOD N         N round trips of "METHOD 0 42"
 *
 * Prints one line "calls=N bytes=N seconds=S" on stdout.
 *
 * Protocol (facts-rom-acpicall §1.2-1.4): one write() per command, then a
 * read() with a buffer far larger than the 256-byte reply, then a second
 * read() that returns EOF and clears the result for the next command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALL_FILE "/proc/acpi/call"
#define BYTES_PER_CALL 42
#define WINDOW 4096

static int call_fd = -1;
static unsigned long calls;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One round trip; the reply text (NUL-terminated) lands in reply. */
static int acpi_call(const char *cmd, char *reply, size_t size)
{
	char drain[64];
	ssize_t n;

	calls++;
	if (write(call_fd, cmd, strlen(cmd)) < 0)
		return -errno;
	if (lseek(call_fd, 0, SEEK_SET) < 0)
		return -errno;
	n = read(call_fd, reply, size - 1);
	if (n < 0)
		return -errno;
	reply[n] = '\0';
	/* Reach EOF so the module resets its state (§1.4). */
	while (read(call_fd, drain, sizeof(drain)) > 0)
		;
	lseek(call_fd, 0, SEEK_SET);
	return 0;
}

/* Parse "{0x55, 0xaa, ...}" (maybe truncated: trailing ','); returns bytes. */
static long parse_buffer(const char *text, unsigned char *out, size_t max)
{
	const char *p = text;
	size_t n = 0;

	if (*p++ != '{')
		return -1;
	while (*p && *p != '}' && n < max) {
		char *end;
		unsigned long v;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p || *p == '}')
			break;
		v = strtoul(p, &end, 16);
		if (end == p || v > 0xff)
			return -1;
		out[n++] = (unsigned char)v;
		p = end;
	}
	return (long)n;
}

static int dump(const char *method, long size, const char *path)
{
	unsigned char *rom = calloc(1, size ? size : 1);
	char cmd[512], reply[8192];
	long off = 0;
	FILE *f;

	if (!rom)
		return 1;
	while (off < size) {
		long n = BYTES_PER_CALL, got;
		long window_end = (off / WINDOW + 1) * WINDOW;

		if (off + n > window_end)
			n = window_end - off;
		if (off + n > size)
			n = size - off;
		snprintf(cmd, sizeof(cmd), "%s %ld %ld", method, off, n);
		if (acpi_call(cmd, reply, sizeof(reply)) < 0) {
			perror(CALL_FILE);
			return 1;
		}
		got = parse_buffer(reply, rom + off, n);
		if (got <= 0) {
			fprintf(stderr, "acpi-call-floor: %s: no progress: %.80s\n", cmd, reply);
			return 1;
		}
		off += got;
	}
	f = fopen(path, "wb");
	if (!f || fwrite(rom, 1, size, f) != (size_t)size || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	free(rom);
	return 0;
}

static int round_trips(const char *method, long count)
{
	char cmd[512], reply[8192];

	snprintf(cmd, sizeof(cmd), "%s 0 %d", method, BYTES_PER_CALL);
	for (long i = 0; i < count; i++) {
		if (acpi_call(cmd, reply, sizeof(reply)) < 0 || reply[0] != '{') {
			fprintf(stderr, "acpi-call-floor: %s: %.80s\n", cmd, reply);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	double t0;
	long bytes = 0;
	int rc;

	if (argc < 4 || (strcmp(argv[1], "dump") && strcmp(argv[1], "calls")) ||
	    (!strcmp(argv[1], "dump") && argc != 5)) {
		fprintf(stderr, "usage: acpi-call-floor dump METHOD SIZE OUT\n"
				"       acpi-call-floor calls METHOD N\n");
		return 2;
	}
	call_fd = open(CALL_FILE, O_RDWR);
	if (call_fd < 0) {
		perror(CALL_FILE);
		return 1;
	}
	t0 = now();
	if (!strcmp(argv[1], "dump")) {
		bytes = atol(argv[3]);
		rc = dump(argv[2], bytes, argv[4]);
	} else {
		rc = round_trips(argv[2], atol(argv[3]));
	}
	if (rc == 0)
		printf("calls=%lu bytes=%ld seconds=%.3f\n", calls, bytes, now() - t0);
	return rc;
}
