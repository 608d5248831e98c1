/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every command handler gets, and the few helpers they share for
 * errors and argument parsing. The CLI parses arguments, calls the library
 * and prints; it holds no logic of its own (design.md §1).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ov_ctx;

/* Exit codes (design.md §2). */
enum {
	OV_EXIT_OK = 0,
	OV_EXIT_FAILURE = 1,
	OV_EXIT_USAGE = 2,
	OV_EXIT_BLOCKED = 3,
};

struct ov_cli {
	struct ov_ctx *ctx;
	bool json;
	int verbosity;		/* -1 quiet, 0 normal, 1+ verbose */
	const char *root;	/* --root as given, NULL for the real host */
};

struct ov_command {
	const char *name;
	const char *args;	/* one-line synopsis after the name */
	const char *summary;
	int (*run)(struct ov_cli *cli, int argc, char **argv);
};

/* "optivfio: <message>" on stderr; returns OV_EXIT_FAILURE. */
int ov_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "optivfio: <what>: <context message>"; what may be NULL. */
int ov_cli_error_ctx(struct ov_cli *cli, const char *what);
/* Usage error: message plus "Try 'optivfio CMD --help'"; returns OV_EXIT_USAGE. */
int ov_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A hint line after an error ("  hint: ..."), only when not quiet. */
void ov_cli_hint(struct ov_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct ov_bdf;

/*
 * Parse the BDF given to @option of @cmd ("groups "): 0, or the usage
 * error printed and OV_EXIT_USAGE returned.
 */
int ov_cli_parse_bdf(const char *cmd, const char *option, const char *arg, struct ov_bdf *ret);

/*
 * Colour in the text output: only when stdout is a terminal, NO_COLOR is
 * unset or empty (no-color.org), TERM is not "dumb" and --json is not given.
 */
bool ov_cli_colour(const struct ov_cli *cli);

/* True when argv has -h or --help before any "--". */
bool ov_cli_wants_help(int argc, char **argv);

struct option;

/*
 * The closest of @names to @word, at most 2 edits away (an insertion,
 * deletion, substitution or swap of neighbours each count one), or NULL.
 */
const char *ov_cli_suggest(const char *word, const char *const *names, size_t n);

/*
 * "unknown option '--jsn'; did you mean '--json'?" as a usage error of @cmd.
 * Suggestions come from @options (a getopt table, may be NULL) and the
 * global options. Returns OV_EXIT_USAGE.
 */
int ov_cli_unknown_option(const char *cmd, const char *arg, const struct option *options);

/*
 * The usage error for what getopt_long() returned as @c ('?' or ':', with
 * an optstring starting with ':' and opterr = 0) at argv[optind - 1].
 */
int ov_cli_option_error(const char *cmd, int c, char **argv, const struct option *options);
