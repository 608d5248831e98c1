// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which QEMU the tables are for: given, or asked from the installed
 * qemu-system-x86_64 ("QEMU emulator version 7.2.22 (Debian ...)").
 */
#include "aml/guest-path.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int parse_uint(const char **p, unsigned int *ret)
{
	unsigned long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 9999)
			return -EINVAL;
		s++;
	}
	*p = s;
	*ret = (unsigned int)v;
	return 0;
}

int ov_qemu_version_parse(const char *s, struct ov_qemu_version *ret)
{
	static const char prefix[] = "QEMU emulator version ";
	unsigned int major, minor, micro;
	const char *p = s;
	bool banner = false;

	if (strncmp(p, prefix, sizeof(prefix) - 1) == 0) {
		p += sizeof(prefix) - 1;
		banner = true;
	}
	if (parse_uint(&p, &major) < 0 || *p++ != '.' || parse_uint(&p, &minor) < 0)
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (parse_uint(&p, &micro) < 0)
			return -EINVAL;
	}
	/* A bare version ends here; the --version banner may go on. */
	if (*p && !(banner && (*p == ' ' || *p == '\n')))
		return -EINVAL;
	ret->major = major;
	ret->minor = minor;
	return 0;
}

int ov_qemu_version_probe(struct ov_ctx *ctx, const char *binary, struct ov_qemu_version *ret)
{
	char cmd[512], line[256] = "";
	FILE *f;
	int status;

	if (!binary)
		binary = "qemu-system-x86_64";
	if (strchr(binary, '\''))
		return ov_ctx_fail(ctx, EINVAL, "%s: unusable program name", binary);
	snprintf(cmd, sizeof(cmd), "'%s' --version 2>/dev/null", binary);
	f = popen(cmd, "r");
	if (!f)
		return ov_ctx_fail(ctx, errno, "running %s: %s", binary, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgetc(f) != EOF)
		;
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !line[0])
		return ov_ctx_fail(ctx, ENOENT, "%s --version: no answer (is QEMU installed?)",
				   binary);
	if (ov_qemu_version_parse(line, ret) < 0) {
		line[strcspn(line, "\n")] = '\0';
		return ov_ctx_fail(ctx, EINVAL, "%s --version: cannot read \"%s\"", binary, line);
	}
	return 0;
}
