// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"
#include "core/bdf.h"
#include "core/ctx.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * [[DOMAIN:]BUS:]SLOT.FUNC in hex with the leading zeros optional, as
 * lspci -s takes a full address: "1:0.0" is 0000:01:00.0. The bus is
 * needed: a slot alone names one device on every bus.
 */
static bool parse_short_bdf(const char *s, struct ov_bdf *ret)
{
	unsigned v[4];
	int n = 0, fields;
	char tail;

	fields = sscanf(s, "%x:%x:%x.%x%c", &v[0], &v[1], &v[2], &v[3], &tail);
	if (fields == 4 && strspn(s, "0123456789abcdefABCDEF:.") == strlen(s)) {
		n = 4;
	} else {
		v[0] = 0;
		fields = sscanf(s, "%x:%x.%x%c", &v[1], &v[2], &v[3], &tail);
		if (fields != 3 || strspn(s, "0123456789abcdefABCDEF:.") != strlen(s))
			return false;
		n = 3;
	}
	/* Fields stay within their width: 4 hex digits domain, 2 bus, 2 slot, 1 function. */
	if (n < 3 || v[0] > 0xffff || v[1] > 0xff || v[2] > 0x1f || v[3] > 7 ||
	    strchr(s, '.') != strrchr(s, '.') || s[strlen(s) - 1] == '.')
		return false;
	ret->domain = (uint16_t)v[0];
	ret->bus = (uint8_t)v[1];
	ret->dev = (uint8_t)v[2];
	ret->fn = (uint8_t)v[3];
	return true;
}

int ov_cli_parse_bdf(const char *cmd, const char *option, const char *arg, struct ov_bdf *ret)
{
	if (ov_bdf_parse(arg, ret) || parse_short_bdf(arg, ret))
		return 0;
	return ov_cli_usage_error(cmd, "%s %s: not a PCI address (like 0000:01:00.0 or 1:0.0)",
				  option, arg);
}

/* Optimal string alignment distance (Levenshtein plus neighbour swaps). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[3][64];	/* rows i-2, i-1, i: names are short */

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *cur = d[i % 3], *prev = d[(i - 1) % 3], *prev2 = d[(i + 1) % 3];

		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb];
}

const char *ov_cli_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(word, names[i]);

		if (dist < best_d) {
			best_d = dist;
			best = names[i];
		}
	}
	return best;
}

/* What optivfio.c takes from argv before any command sees it. */
static const char *const global_long[] = { "root", "json", "verbose", "quiet", "help" };

int ov_cli_unknown_option(const char *cmd, const char *arg, const struct option *options)
{
	const char *names[64], *best;
	size_t n = 0, len;
	char name[64];

	if (arg[0] == '-' && arg[1] != '-')
		return ov_cli_usage_error(cmd, "unknown option '%s'", arg);
	/* "--jsn=x": the name is what precedes '='. */
	len = strcspn(arg + 2, "=");
	snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
	for (size_t i = 0; i < sizeof(global_long) / sizeof(global_long[0]); i++)
		names[n++] = global_long[i];
	if (!cmd)
		names[n++] = "version";
	for (size_t i = 0; options && options[i].name && n < sizeof(names) / sizeof(names[0]);
	     i++)
		names[n++] = options[i].name;
	best = ov_cli_suggest(name, names, n);
	if (best)
		return ov_cli_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", arg,
					  best);
	return ov_cli_usage_error(cmd, "unknown option '%s'", arg);
}

int ov_cli_option_error(const char *cmd, int c, char **argv, const struct option *options)
{
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (arg[0] == '-' && arg[1] == '-')
			return ov_cli_usage_error(cmd, "option '%s' needs a value", arg);
		return ov_cli_usage_error(cmd, "option '-%c' needs a value", optopt);
	}
	if (optopt && !(arg[0] == '-' && arg[1] == '-')) {
		char opt[3] = { '-', (char)optopt, '\0' };

		return ov_cli_unknown_option(cmd, opt, options);
	}
	return ov_cli_unknown_option(cmd, arg, options);
}

bool ov_cli_colour(const struct ov_cli *cli)
{
	const char *no_colour = getenv("NO_COLOR"), *term = getenv("TERM");

	if (cli->json || (no_colour && *no_colour) || (term && strcmp(term, "dumb") == 0))
		return false;
	return isatty(STDOUT_FILENO) == 1;
}
