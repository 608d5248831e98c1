// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"
#include "core/bdf.h"
#include "core/ctx.h"

#include <stdarg.h>
#include <string.h>

static void verror(const char *fmt, va_list ap)
{
	fputs("optivfio: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int ov_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return OV_EXIT_FAILURE;
}

int ov_cli_error_ctx(struct ov_cli *cli, const char *what)
{
	const char *msg = ov_ctx_error(cli->ctx);

	if (!*msg)
		msg = "unknown error";
	if (what)
		return ov_cli_error("%s: %s", what, msg);
	return ov_cli_error("%s", msg);
}

int ov_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'optivfio %s--help' for more information.\n",
		cmd ? cmd : "");
	return OV_EXIT_USAGE;
}

void ov_cli_hint(struct ov_cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbosity < 0)
		return;
	fputs("  hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool ov_cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int ov_cli_parse_bdf(const char *cmd, const char *option, const char *arg, struct ov_bdf *ret)
{
	if (ov_bdf_parse(arg, ret))
		return 0;
	return ov_cli_usage_error(cmd, "%s %s: not a PCI address (like 0000:01:00.0)",
				  option, arg);
}
