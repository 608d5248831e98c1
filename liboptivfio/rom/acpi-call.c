// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The /proc/acpi/call client: command formatting, the read protocol that
 * works with every acpi_call version, and the reply parser (facts §1.2-1.4;
 * reply text from acpi_call.c acpi_result_to_string()).
 */
#include "rom/acpi-call.h"
#include "core/ctx.h"
#include "core/hostfs.h"
#include "core/bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static bool only_space(const char *p)
{
	while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return *p == '\0';
}

/*
 * "{0xde, 0xad}" complete, "{0xde, 0xad," truncated (the module ran out
 * of its result buffer), "{}" empty. Bytes are "0x" + two hex digits (one
 * accepted), separated by ", ".
 */
static int parse_buffer(const char *p, uint8_t *bytes, size_t max,
			struct ov_acpi_reply *r)
{
	p++;	/* '{' */
	if (*p == '}')
		return only_space(p + 1) ? 0 : -EBADMSG;
	for (;;) {
		int hi, lo, v;

		if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
			return -EBADMSG;
		p += 2;
		hi = ov_hexdigit(*p);
		if (hi < 0)
			return -EBADMSG;
		lo = ov_hexdigit(p[1]);
		v = lo < 0 ? hi : hi << 4 | lo;
		p += lo < 0 ? 1 : 2;
		if (r->n_bytes == max)
			return -E2BIG;
		bytes[r->n_bytes++] = (uint8_t)v;
		if (*p == '}')
			return only_space(p + 1) ? 0 : -EBADMSG;
		if (*p != ',')
			return -EBADMSG;
		p++;
		if (only_space(p)) {
			r->truncated = true;
			return 0;
		}
		if (*p != ' ')
			return -EBADMSG;
		p++;
	}
}

static int parse_integer(const char *p, struct ov_acpi_reply *r)
{
	uint64_t v = 0;
	int digits = 0;

	for (p += 2; ov_hexdigit(*p) >= 0; p++) {
		if (++digits > 16)
			return -EBADMSG;
		v = v << 4 | (uint64_t)ov_hexdigit(*p);
	}
	if (!digits || !only_space(p))
		return -EBADMSG;
	r->integer = v;
	return 0;
}

static int parse_error(const char *p, struct ov_acpi_reply *r)
{
	size_t n = 0;

	while (*p == ' ')
		p++;
	while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_') {
		if (n + 1 >= sizeof(r->error))
			return -EBADMSG;
		r->error[n] = p[n];
		n++;
	}
	r->error[n] = '\0';
	return n && only_space(p + n) ? 0 : -EBADMSG;
}

int ov_acpi_reply_parse(const char *text, uint8_t *bytes, size_t max,
			struct ov_acpi_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	if (only_space(text))
		return -ENODATA;
	if (text[0] == '{') {
		reply->kind = OV_ACPI_REPLY_BUFFER;
		return parse_buffer(text, bytes, max, reply);
	}
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		reply->kind = OV_ACPI_REPLY_INTEGER;
		return parse_integer(text, reply);
	}
	if (strncmp(text, "Error:", 6) == 0) {
		reply->kind = OV_ACPI_REPLY_ERROR;
		return parse_error(text + 6, reply);
	}
	if (strncmp(text, "not called", 10) == 0 && only_space(text + 10)) {
		reply->kind = OV_ACPI_REPLY_NOT_CALLED;
		return 0;
	}
	reply->kind = text[0] == '"' ? OV_ACPI_REPLY_STRING : OV_ACPI_REPLY_OTHER;
	return 0;
}

bool ov_acpi_path_valid(const char *path)
{
	size_t seg = 0;

	if (path[0] != '\\' || path[1] == '\0')
		return false;
	for (const char *p = path + 1; *p; p++) {
		if (*p == '.') {
			if (seg == 0)
				return false;
			seg = 0;
			continue;
		}
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
		if (++seg > 4)
			return false;
	}
	return seg > 0 && strlen(path) < 256;
}

int ov_acpi_rom_command(char *buf, size_t size, const char *path, size_t off, size_t len)
{
	int n;

	if (!ov_acpi_path_valid(path))
		return -EINVAL;
	n = snprintf(buf, size, "%s._ROM 0x%zx 0x%zx", path, off, len);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

const char *ov_acpi_error_explain(const char *ae)
{
	if (strcmp(ae, "AE_NOT_FOUND") == 0)
		return "the firmware has no _ROM method for this device (its ROM is not "
		       "served through ACPI)";
	if (strcmp(ae, "AE_BAD_PARAMETER") == 0)
		return "acpi_call refused the path (not a full ACPI path)";
	if (strncmp(ae, "AE_AML_", 7) == 0)
		return "the firmware's _ROM method failed while running";
	return "ACPI error";
}

/* ---- the real transport ------------------------------------------------- */

static int open_call(struct ov_ctx *ctx, int flags, int *fd)
{
	char path[PATH_MAX];
	struct statfs sfs;
	int r;

	r = ov_host_path(ctx, path, sizeof(path), "/proc/acpi/call");
	if (r < 0)
		return r;
	*fd = open(path, flags | O_CLOEXEC);
	if (*fd < 0) {
		int err = errno;

		if (err == ENOENT)
			return ov_ctx_fail(ctx, err, "%s does not exist: the acpi_call module is "
					   "not loaded", path);
		return ov_ctx_fail(ctx, err, "%s: %s", path, strerror(err));
	}
	/*
	 * A --root tree (a snapshot, a test fixture) has a plain file here:
	 * it cannot run ACPI methods, and writing commands into it would
	 * change the tree.
	 */
	if (fstatfs(*fd, &sfs) == 0 && sfs.f_type != PROC_SUPER_MAGIC) {
		close(*fd);
		return ov_ctx_fail(ctx, ENOTSUP, "%s is not the acpi_call proc file (only a "
				   "running kernel can call ACPI methods)", path);
	}
	return 0;
}

int ov_acpi_call_check(struct ov_ctx *ctx)
{
	int fd, r;

	r = open_call(ctx, O_RDWR, &fd);
	if (r < 0)
		return r;
	close(fd);
	return 0;
}

/* Plain read(), not pread(): proc files need not support positioned reads. */
static ssize_t read_retry(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n;
}

/*
 * facts §1.4, the rule that works on all versions: drain (read to EOF) what
 * an earlier user left, write the whole command in one write(), read the
 * reply with one big read(), keep it up to its NUL, then read once more to
 * reach EOF (which clears the module's state for the next caller).
 */
static int proc_call(void *userdata, const char *cmd, char *reply, size_t size)
{
	struct ov_ctx *ctx = userdata;
	char *buf;
	size_t len = strlen(cmd);
	ssize_t n;
	int fd, r;

	if (size == 0 || len == 0 || len > 510)
		return ov_ctx_fail(ctx, EINVAL, "acpi_call: bad command length %zu", len);
	buf = malloc(OV_ACPI_REPLY_MAX);
	if (!buf)
		return ov_ctx_fail(ctx, ENOMEM, "acpi_call: out of memory");

	r = open_call(ctx, O_RDONLY, &fd);
	if (r < 0)
		goto out;
	for (int i = 0; i < 4 && read_retry(fd, buf, OV_ACPI_REPLY_MAX) > 0; i++)
		;
	close(fd);

	r = open_call(ctx, O_RDWR, &fd);
	if (r < 0)
		goto out;
	do {
		n = write(fd, cmd, len);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		r = ov_ctx_fail(ctx, n < 0 ? errno : EIO, "acpi_call: writing the command: %s",
				n < 0 ? strerror(errno) : "short write");
		close(fd);
		goto out;
	}
	n = read_retry(fd, buf, OV_ACPI_REPLY_MAX - 1);
	if (n < 0) {
		r = ov_ctx_fail(ctx, errno, "acpi_call: reading the reply: %s", strerror(errno));
		close(fd);
		goto out;
	}
	buf[n] = '\0';
	/*
	 * The reply ends at its NUL. Read once more to reach EOF, which makes
	 * the module forget the result.
	 */
	if (n > 0) {
		char tail[64];

		(void)read_retry(fd, tail, sizeof(tail));
	}
	close(fd);
	if (strlen(buf) >= size) {
		r = ov_ctx_fail(ctx, EMSGSIZE, "acpi_call: reply longer than %zu bytes", size);
		goto out;
	}
	memcpy(reply, buf, strlen(buf) + 1);
	r = 0;
out:
	free(buf);
	return r;
}

const struct ov_acpi_call_ops ov_acpi_call_proc_ops = {
	.call = proc_call,
};
