// SPDX-License-Identifier: GPL-2.0-or-later
#include "checklist.h"
#include "cli.h"
#include "json-out.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * On a terminal the lines fit 100 columns (fewer if the terminal is
 * narrower); into a pipe or file each check stays one line, for grep.
 */
static size_t line_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) != 1)
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 && ws.ws_col < 100)
		return ws.ws_col;
	return 100;
}

/*
 * Print @text from column @col on, wrapped at spaces to @width (0: not
 * wrapped), every further line indented to @indent. A word longer than a
 * line (a path) is printed whole.
 */
static void print_wrapped(FILE *f, const char *text, size_t width, size_t col, size_t indent)
{
	const char *p = text;
	bool first = true;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (!first && width && col + 1 + word > width) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, word, f);
		col += word;
		first = false;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* SGR colours (ECMA-48 §8.3.117): PASS green, WARN yellow, FAIL red. */
static const char *status_colour(enum ov_check_status st)
{
	switch (st) {
	case OV_CHECK_PASS:
		return "\033[32m";
	case OV_CHECK_WARN:
		return "\033[33m";
	case OV_CHECK_FAIL:
		return "\033[1;31m";
	}
	return "";
}

void ov_cli_write_checks(FILE *f, const struct ov_check *checks, size_t n, const char *ready,
			 bool colour, size_t width)
{
	size_t n_warn = 0, n_fail = 0;

	for (size_t i = 0; i < n; i++) {
		const char *name = ov_check_status_name(checks[i].status);
		int w;

		n_warn += checks[i].status == OV_CHECK_WARN;
		n_fail += checks[i].status == OV_CHECK_FAIL;
		if (colour)
			fprintf(f, "%s%s\033[0m", status_colour(checks[i].status), name);
		else
			fputs(name, f);
		w = fprintf(f, "  %-11s ", checks[i].id);
		print_wrapped(f, checks[i].reason, width, strlen(name) + (size_t)(w > 0 ? w : 0), 18);
		if (*checks[i].fix) {
			fputs("      fix: ", f);
			print_wrapped(f, checks[i].fix, width, 11, 11);
		}
	}
	if (n_fail)
		fprintf(f, "\nBlocked: %zu check%s FAILed; fix %s first.\n", n_fail,
			n_fail == 1 ? "" : "s", n_fail == 1 ? "it" : "them");
	else
		fprintf(f, "\n%s (%zu warning%s).\n", ready, n_warn, n_warn == 1 ? "" : "s");
}

int ov_cli_print_checks(struct ov_cli *cli, const char *gpu,
			const struct ov_check *checks, size_t n, const char *ready)
{
	size_t n_fail = 0;

	for (size_t i = 0; i < n; i++)
		n_fail += checks[i].status == OV_CHECK_FAIL;

	if (cli->json) {
		struct json_object *root = json_object_new_object();
		struct json_object *arr = json_object_new_array();

		json_add_string_or_null(root, "gpu", gpu);
		json_object_object_add(root, "blocked", json_object_new_boolean(n_fail > 0));
		for (size_t i = 0; i < n; i++) {
			struct json_object *ch = json_object_new_object();

			json_add_string(ch, "id", checks[i].id);
			json_add_string(ch, "status", ov_check_status_name(checks[i].status));
			json_add_string(ch, "reason", checks[i].reason);
			json_add_string_or_null(ch, "fix", checks[i].fix);
			json_object_array_add(arr, ch);
		}
		json_object_object_add(root, "checks", arr);
		json_print(root);
	} else {
		ov_cli_write_checks(stdout, checks, n, ready, ov_cli_colour(cli), line_width());
	}
	return n_fail ? OV_EXIT_BLOCKED : OV_EXIT_OK;
}
