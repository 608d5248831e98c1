// SPDX-License-Identifier: GPL-2.0-or-later
/* host prepare|release|reset: print or run a plan (liboptivfio/plan). */
#include "cli.h"
#include "commands.h"
#include "json-out.h"
#include "plan-text.h"
#include "core/ctx.h"
#include "core/hostfs.h"
#include "host/host.h"
#include "plan/exec.h"
#include "plan/plan.h"
#include "plan/recover.h"
#include "plan/state.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char host_help[] =
	"Usage: optivfio [--root DIR] [--json] host prepare|release|reset [OPTIONS]\n"
	"\n"
	"  prepare   hand the GPU to vfio-pci for a VM, journaled\n"
	"  release   undo prepare exactly, from its journal\n"
	"  reset     the laptop GPU reset; shown only, unless --yes\n"
	"\n"
	"Every step is checked before and verified after; a failing step rolls back\n"
	"the steps before it. 'optivfio host ACTION --help' for each action.\n";

/* What every action says about refusals and --root. */
#define HOST_COMMON_OPTIONS \
	"  --gpu BDF          the GPU (default: the discrete GPU found)\n" \
	"  -n, --dry-run      print the plan, change nothing\n" \
	"  --state-dir DIR    where journals live (default /run/optivfio under the root:\n" \
	"                     a reboot forgets them, as it gives the GPU back)\n"
#define HOST_FOOTER \
	"\n" \
	"Under --root the kernel's effects are emulated on the tree (tests, snapshots).\n"

static const char host_prepare_help[] =
	"Usage: optivfio [--root DIR] [--json] host prepare [--gpu BDF] [--dry-run]\n"
	"                [--state-dir DIR]\n"
	"\n"
	"Bind the GPU to vfio-pci; set its HDMI audio function's driver_override to\n"
	"none and unbind it; load vfio_pci. Every step goes into a journal, so\n"
	"'optivfio host release' can undo exactly what was done. Refused (nothing\n"
	"changed) when the GPU is the boot VGA, drives a display, is held open\n"
	"(/dev/nvidia*), has no IOMMU group, or shares its group with a device that\n"
	"is not part of it.\n"
	"\n"
	HOST_COMMON_OPTIONS
	HOST_FOOTER;

static const char host_release_help[] =
	"Usage: optivfio [--root DIR] [--json] host release [--gpu BDF] [--dry-run]\n"
	"                [--state-dir DIR]\n"
	"\n"
	"Undo 'optivfio host prepare' from its journal: the GPU and its audio\n"
	"function get back the drivers and driver_override they had. A prepare that\n"
	"was interrupted (crash, power loss) is undone the same way.\n"
	"\n"
	HOST_COMMON_OPTIONS
	HOST_FOOTER;

static const char host_reset_help[] =
	"Usage: optivfio [--root DIR] [--json] host reset [--gpu BDF] [--dry-run] [--yes]\n"
	"                [--state-dir DIR]\n"
	"\n"
	"The laptop GPU reset, for a GPU left unusable by a VM: power it off and on,\n"
	"unload the modules that hold it, remove it and its port from the bus,\n"
	"rescan, load the modules again and ask nvidia-smi to reset it. Without\n"
	"--yes the plan is shown and nothing runs. Refused while the GPU is prepared.\n"
	"\n"
	HOST_COMMON_OPTIONS
	"  -y, --yes          really run it\n"
	HOST_FOOTER;

static const char *host_action_help(const char *action)
{
	if (strcmp(action, "prepare") == 0)
		return host_prepare_help;
	if (strcmp(action, "release") == 0)
		return host_release_help;
	if (strcmp(action, "reset") == 0)
		return host_reset_help;
	return host_help;
}

struct host_opts {
	const char *action;
	struct ov_bdf want;
	bool has_gpu, dry_run, yes;
	const char *state_dir;
};

static int parse_host(int argc, char **argv, struct host_opts *o)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	static const char *const actions[] = { "prepare", "release", "reset" };
	char cmd[32];

	memset(o, 0, sizeof(*o));
	if (argc < 2 || argv[1][0] == '-') {
		if (ov_cli_wants_help(argc, argv)) {
			fputs(host_help, stdout);
			return -1;
		}
		return ov_cli_usage_error("host ", "host: say prepare, release or reset");
	}
	o->action = argv[1];
	if (strcmp(o->action, "prepare") && strcmp(o->action, "release") &&
	    strcmp(o->action, "reset")) {
		const char *best = ov_cli_suggest(o->action, actions, 3);

		if (best)
			return ov_cli_usage_error("host ", "host %s: unknown action; did you mean "
						  "'%s'?", o->action, best);
		return ov_cli_usage_error("host ", "host %s: unknown action (prepare, release, "
					  "reset)", o->action);
	}
	if (ov_cli_wants_help(argc, argv)) {
		fputs(host_action_help(o->action), stdout);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "host %s ", o->action);
	optind = 0;
	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc - 1, argv + 1, ":nyh", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ov_cli_parse_bdf(cmd, "--gpu", optarg, &o->want))
				return OV_EXIT_USAGE;
			o->has_gpu = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'y':
			o->yes = true;
			break;
		case 's':
			o->state_dir = optarg;
			break;
		default:
			return ov_cli_option_error(cmd, c, argv + 1, options);
		}
	}
	if (optind < argc - 1)
		return ov_cli_usage_error(cmd, "unexpected argument '%s'",
					  argv[optind + 1]);
	if (o->yes && strcmp(o->action, "reset") != 0)
		return ov_cli_usage_error(cmd, "--yes is for host reset only: %s runs without "
					  "asking", o->action);
	return 0;
}

/* Progress of a real run: one line per step, undo lines marked. */
struct progress {
	struct ov_cli *cli;
	struct json_object *steps;	/* --json: statuses collected here */
	struct json_object *undo;
};

static const char *status_name(enum ov_step_status s)
{
	switch (s) {
	case OV_STEP_DONE:
		return "done";
	case OV_STEP_ALREADY:
		return "already";
	case OV_STEP_FAILED:
		return "FAILED";
	}
	return "?";
}

static struct json_object *step_json(const struct ov_step *s)
{
	struct json_object *o = json_object_new_object();
	char b[OV_BDF_STRLEN];

	json_add_string(o, "kind", ov_step_kind_name(s->kind));
	json_object_object_add(o, "bdf", s->has_bdf ?
			       json_object_new_string(ov_bdf_format(&s->bdf, b)) : NULL);
	json_add_string_or_null(o, "arg", s->arg);
	json_add_string_or_null(o, "why", s->why);
	return o;
}

static void on_step(void *userdata, bool rollback, size_t index, const struct ov_step *s,
		    enum ov_step_status st)
{
	struct progress *p = userdata;
	char line[400];

	if (p->cli->json) {
		struct json_object *o = step_json(s);

		json_add_string(o, "status", status_name(st));
		if (*s->note)
			json_add_string(o, "note", s->note);
		json_object_array_add(rollback ? p->undo : p->steps, o);
		return;
	}
	ov_step_format(s, line, sizeof(line));
	printf("  %s%zu. %s: %s%s%s\n", rollback ? "undo " : "", index + 1, line, status_name(st),
	       *s->note ? " - " : "", s->note);
	fflush(stdout);
}

static void print_plan(struct ov_cli *cli, const struct ov_plan *plan, bool dry_run)
{
	ov_cli_plan_text(stdout, plan, dry_run, cli->verbosity > 0);
}

static struct json_object *plan_json(const struct ov_plan *plan, bool dry_run)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char b[OV_BDF_STRLEN];

	json_add_string(o, "plan", ov_plan_kind_name(plan->kind));
	json_add_string(o, "gpu", ov_bdf_format(&plan->gpu, b));
	json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(o, "power_method",
			       plan->kind == OV_PLAN_RESET ?
			       json_object_new_string(ov_power_method_name(plan->power)) :
			       NULL);
	for (size_t i = 0; dry_run && i < plan->n_steps; i++)
		json_object_array_add(arr, step_json(&plan->steps[i]));
	json_object_object_add(o, "steps", arr);
	return o;
}

/* The ops that change this host: the kernel's, or their emulation on a --root tree. */
static const struct ov_exec_ops *host_ops(struct ov_cli *cli)
{
	return *ov_ctx_root(cli->ctx) ? &ov_exec_ops_fixture : &ov_exec_ops_sysfs;
}

static int run_plan(struct ov_cli *cli, struct ov_plan *plan, const char *journal,
		    bool keep_journal)
{
	struct progress p = { .cli = cli };
	struct ov_exec_opts eo = {
		.ops = host_ops(cli),
		.journal = journal,
		.keep_journal = keep_journal,
		.progress = on_step,
		.userdata = &p,
	};
	struct json_object *root = NULL;
	int r;

	if (cli->json) {
		root = plan_json(plan, false);
		p.steps = json_object_new_array();
		p.undo = json_object_new_array();
	} else {
		print_plan(cli, plan, false);
	}
	r = ov_plan_run(cli->ctx, plan, &eo);
	if (root) {
		json_object_object_add(root, "steps", p.steps);
		json_object_object_add(root, "rollback", p.undo);
		json_object_object_add(root, "ok", json_object_new_boolean(r == 0));
		json_add_string_or_null(root, "error", r ? ov_ctx_error(cli->ctx) : "");
		json_add_string_or_null(root, "journal", r == 0 && keep_journal ? journal : "");
		json_print(root);
	}
	if (r < 0) {
		ov_cli_error_ctx(cli, "host");
		/* Kept when the rollback failed, or the last save did: the next run undoes it. */
		if (journal && access(journal, F_OK) == 0)
			ov_cli_hint(cli, "the journal %s is kept: the next 'optivfio host prepare', "
				    "'release' or 'reset --yes' undoes what this run did", journal);
		return OV_EXIT_FAILURE;
	}
	return OV_EXIT_OK;
}

static int show_plan(struct ov_cli *cli, const struct ov_plan *plan)
{
	if (cli->json)
		return json_print(plan_json(plan, true)) ? OV_EXIT_FAILURE : OV_EXIT_OK;
	print_plan(cli, plan, true);
	return OV_EXIT_OK;
}

/*
 * A journal that does not parse says nothing about what to undo; kept in
 * place it would block every prepare. It is renamed FILE.damaged (for the
 * user to read) and the error says how to go on.
 */
static int set_aside_damaged(struct ov_cli *cli, const char *journal)
{
	char msg[512], aside[PATH_MAX + 16];

	snprintf(msg, sizeof(msg), "%s", ov_ctx_error(cli->ctx));
	snprintf(aside, sizeof(aside), "%s.damaged", journal);
	if (rename(journal, aside) < 0)
		return ov_cli_error("host release: %s; and it cannot be set aside: %s", msg,
				    strerror(errno));
	ov_cli_error("host release: %s: nothing undone; the journal is kept as %s", msg, aside);
	ov_cli_hint(cli, "'optivfio list' shows the drivers now: put back by hand what prepare "
		    "changed (or reboot); 'optivfio host prepare' works again");
	return OV_EXIT_FAILURE;
}

static int do_release(struct ov_cli *cli, const struct host_opts *o,
		      const struct ov_state *st, const struct ov_bdf *gpu)
{
	struct ov_plan plan;
	char journal[PATH_MAX];
	int r;

	if (ov_state_file(cli->ctx, st, "journal", gpu, journal, sizeof(journal)) < 0)
		return ov_cli_error_ctx(cli, "host release");
	if (!ov_state_current(st, journal)) {
		char b[OV_BDF_STRLEN];

		ov_cli_error("host release: nothing to undo for %s: no journal %s",
			     ov_bdf_format(gpu, b), journal);
		ov_cli_hint(cli, "'host prepare' was not run in this boot (or was released "
			    "already); 'optivfio list' shows the drivers now");
		return OV_EXIT_FAILURE;
	}
	r = ov_plan_release(cli->ctx, journal, &plan);
	if (r == -EINVAL && !o->dry_run)
		return set_aside_damaged(cli, journal);
	if (r < 0)
		return ov_cli_error_ctx(cli, "host release");
	if (o->dry_run) {
		r = show_plan(cli, &plan);
	} else {
		/* The release itself is not journaled: on failure it rolls back to prepared. */
		r = run_plan(cli, &plan, NULL, false);
		if (r == OV_EXIT_OK && remove(journal) < 0)
			r = ov_cli_error("host release: %s: %s", journal, strerror(errno));
	}
	ov_plan_clear(&plan);
	return r;
}

/* A second host run waits this long for the first (OPTIVFIO_LOCK_WAIT seconds). */
static unsigned lock_wait_ms(void)
{
	const char *s = getenv("OPTIVFIO_LOCK_WAIT");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return 15000;
	v = strtoul(s, &end, 10);
	return *end || v > 3600 ? 15000 : (unsigned)v * 1000;
}

/*
 * Lock (when anything may change), then state, then the host: the scan,
 * the plan, the run and the journal all see the same host.
 */
static int open_host(struct ov_cli *cli, const struct host_opts *o, const char *what,
		     bool writable, struct ov_state *st)
{
	if (writable && ov_host_lock(cli->ctx, lock_wait_ms()) < 0)
		return ov_cli_error_ctx(cli, what);
	if (ov_state_open(cli->ctx, o->state_dir, writable, st) < 0)
		return ov_cli_error_ctx(cli, what);
	if (*st->set_aside && writable && cli->verbosity >= 0)
		fprintf(stderr, "optivfio: note: set aside %s: the host has rebooted since\n",
			st->set_aside);
	return 0;
}

/*
 * A run that was interrupted (crash, power loss, a failed rollback) is
 * undone first, before the host is read: a reset may have left the GPU
 * removed, where no scan finds it.
 */
static int recover(struct ov_cli *cli, const struct ov_state *st, const char *what,
		   char *done, size_t size)
{
	if (ov_plan_recover(cli->ctx, st->dir, host_ops(cli), done, size) < 0) {
		ov_cli_error_ctx(cli, what);
		ov_cli_hint(cli, "the journal is kept; 'optivfio host %s' tries again", what + 5);
		return OV_EXIT_FAILURE;
	}
	if (*done && cli->verbosity >= 0)
		fprintf(stderr, "optivfio: note: undid an interrupted run (%s): the host is as "
			"it was before it\n", done);
	return 0;
}

int cmd_host(struct ov_cli *cli, int argc, char **argv)
{
	const struct ov_pci_dev *gpu;
	struct ov_plan_env env;
	struct ov_host *host;
	struct host_opts o;
	struct ov_state st;
	struct ov_plan plan;
	char journal[PATH_MAX], what[32], undone[256] = "";
	bool writable;
	int r;

	r = parse_host(argc, argv, &o);
	if (r)
		return r < 0 ? OV_EXIT_OK : r;
	snprintf(what, sizeof(what), "host %s", o.action);
	/* A reset without --yes only shows its plan. */
	writable = !o.dry_run && (strcmp(o.action, "reset") != 0 || o.yes);
	r = open_host(cli, &o, what, writable, &st);
	if (r == 0 && writable)
		r = recover(cli, &st, what, undone, sizeof(undone));
	if (r)
		return r;

	if (ov_host_scan(cli->ctx, &host) < 0)
		return ov_cli_error_ctx(cli, "cannot read the PCI devices");
	if (ov_host_pick_dgpu(cli->ctx, host, o.has_gpu ? &o.want : NULL, &gpu) < 0) {
		r = ov_cli_error_ctx(cli, what);
		goto out_host;
	}
	if (strcmp(o.action, "release") == 0) {
		/* The interrupted prepare of this GPU is undone: what release is for. */
		if (*undone && ov_state_file(cli->ctx, &st, "journal", &gpu->bdf, journal,
					     sizeof(journal)) == 0 &&
		    strcmp(strrchr(journal, '/') + 1, undone) == 0) {
			char b[OV_BDF_STRLEN];

			if (!cli->json)
				printf("Released: %s is as it was before the interrupted "
				       "prepare\n", ov_bdf_format(&gpu->bdf, b));
			r = OV_EXIT_OK;
		} else {
			r = do_release(cli, &o, &st, &gpu->bdf);
		}
		goto out_host;
	}
	if (ov_plan_env_read(cli->ctx, &env) < 0) {
		r = ov_cli_error_ctx(cli, what);
		goto out_host;
	}
	if (ov_state_file(cli->ctx, &st, "journal", &gpu->bdf, journal, sizeof(journal)) < 0) {
		r = ov_cli_error_ctx(cli, what);
		goto out_env;
	}
	if (ov_state_current(&st, journal)) {
		/* A rescan (reset) gives the functions fresh state: the journal would lie. */
		r = strcmp(o.action, "prepare") == 0 ?
		    ov_cli_error("host prepare: already prepared: journal %s exists", journal) :
		    ov_cli_error("host reset: refused, nothing changed: the GPU is "
				 "prepared (journal %s)", journal);
		ov_cli_hint(cli, "run 'optivfio host release' first");
		goto out_env;
	}
	if (strcmp(o.action, "prepare") == 0)
		r = ov_plan_prepare(cli->ctx, host, gpu, &env, &plan);
	else
		r = ov_plan_reset(cli->ctx, host, gpu, &env, &plan);
	if (r < 0) {
		r = ov_cli_error("%s: refused, nothing changed: %s", what,
				 ov_ctx_error(cli->ctx));
		goto out_env;
	}

	if (!writable) {
		r = show_plan(cli, &plan);
		if (!o.dry_run && r == OV_EXIT_OK) {
			r = ov_cli_error("host reset: not run: it needs --yes");
			ov_cli_hint(cli, "read the plan above, then 'optivfio host reset --yes'");
		}
	} else if (plan.kind == OV_PLAN_RESET &&
		   ov_state_file(cli->ctx, &st, "reset", &gpu->bdf, journal, sizeof(journal)) < 0) {
		r = ov_cli_error_ctx(cli, what);
	} else {
		r = run_plan(cli, &plan, journal, plan.kind == OV_PLAN_PREPARE);
		if (r == OV_EXIT_OK && !cli->json && plan.kind == OV_PLAN_PREPARE)
			printf("Prepared; 'optivfio host release' undoes it (journal: %s)\n",
			       journal);
	}
	ov_plan_clear(&plan);
out_env:
	ov_plan_env_clear(&env);
out_host:
	ov_host_free(host);
	return r;
}
