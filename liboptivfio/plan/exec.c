// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor: precondition, action, verification and journal for every
 * step; rollback in reverse when a step fails.
 */
#include "plan/exec.h"
#include "plan/ops.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JOURNAL_VERSION 1

/* What a run remembers across steps (and hands to its rollback). */
struct run_state {
	struct ov_bdf removed[16];
	size_t n_removed;
};

static void bdf_str(const struct ov_step *s, char b[OV_BDF_STRLEN])
{
	if (s->has_bdf)
		ov_bdf_format(&s->bdf, b);
	else
		b[0] = '\0';
}

static bool dev_exists(struct ov_ctx *ctx, const char *bdf)
{
	char path[PATH_MAX];

	return ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s", bdf) == 0 &&
	       ov_path_exists(path);
}

static int dev_attr(struct ov_ctx *ctx, const char *bdf, const char *attr, char *buf,
		    size_t size)
{
	char path[PATH_MAX];
	int r;

	buf[0] = '\0';
	r = ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	return r < 0 ? r : ov_read_attr(ctx, path, buf, size);
}

/* The bound driver, "" when none. */
static int dev_driver(struct ov_ctx *ctx, const char *bdf, char *buf, size_t size)
{
	char path[PATH_MAX];
	int r;

	buf[0] = '\0';
	r = ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	if (r < 0 || !ov_path_exists(path))
		return r;
	return ov_read_link_name(ctx, path, buf, size);
}

static int dev_override(struct ov_ctx *ctx, const char *bdf, char *buf, size_t size)
{
	int r = dev_attr(ctx, bdf, "driver_override", buf, size);

	if (r == 0 && strcmp(buf, "(null)") == 0)
		buf[0] = '\0';
	return r;
}

/*
 * The seed's check after a power or bus change: config space readable and
 * not all ones (an all-ones read is a device that is gone or in D3cold,
 * "Unknown header type 7f").
 */
static int check_config(struct ov_ctx *ctx, const char *bdf)
{
	char path[PATH_MAX];
	unsigned char id[4];
	ssize_t n;
	int fd;

	if (ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf) < 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: not back (%s)", bdf, strerror(errno));
	n = read(fd, id, sizeof(id));
	close(fd);
	if (n != (ssize_t)sizeof(id))
		return ov_ctx_fail(ctx, EIO, "%s: config space unreadable", bdf);
	if (id[0] == 0xff && id[1] == 0xff && id[2] == 0xff && id[3] == 0xff)
		return ov_ctx_fail(ctx, EIO, "%s: config space reads all ones (device off or "
				   "gone)", bdf);
	return 0;
}

static bool is_power_on(const struct ov_step *s)
{
	size_t n = strlen(s->arg);

	return (s->kind == OV_STEP_SET_POWER_CONTROL && strcmp(s->arg, "on") == 0) ||
	       (s->kind == OV_STEP_BBSWITCH && strcmp(s->arg, "ON") == 0) ||
	       (s->kind == OV_STEP_ACPI_CALL && n > 4 && strcmp(s->arg + n - 4, "._ON") == 0);
}

/*
 * Precondition: may the step run, and does its target hold already? Also
 * records the value the step replaces (the journal's "before").
 */
static int precheck(struct ov_ctx *ctx, struct ov_step *s, bool *already)
{
	char b[OV_BDF_STRLEN], cur[OV_STEP_ARG_MAX], path[PATH_MAX];
	int r = 0;

	*already = false;
	s->before[0] = '\0';
	bdf_str(s, b);
	if (s->has_bdf && !dev_exists(ctx, b)) {
		if (s->kind == OV_STEP_REMOVE_DEVICE) {
			*already = true;
			return 0;
		}
		return ov_ctx_fail(ctx, ENODEV, "%s: no such device", b);
	}

	switch (s->kind) {
	case OV_STEP_SET_DRIVER_OVERRIDE:
		r = dev_override(ctx, b, cur, sizeof(cur));
		if (r < 0)
			return ov_ctx_fail(ctx, -r, "%s: driver_override unreadable "
					   "(kernel too old?)", b);
		snprintf(s->before, sizeof(s->before), "%s", cur);
		*already = strcmp(cur, s->arg) == 0;
		break;
	case OV_STEP_UNBIND:
		r = dev_driver(ctx, b, cur, sizeof(cur));
		if (r < 0)
			return r;
		snprintf(s->before, sizeof(s->before), "%s", cur);
		*already = !*cur;
		if (*cur && strcmp(cur, s->arg) != 0)
			return ov_ctx_fail(ctx, EBUSY, "%s is bound to %s, not %s", b, cur,
					   s->arg);
		break;
	case OV_STEP_BIND:
	case OV_STEP_BIND_VIA_DRIVERS_PROBE:
		r = dev_driver(ctx, b, cur, sizeof(cur));
		if (r < 0)
			return r;
		snprintf(s->before, sizeof(s->before), "%s", cur);
		*already = strcmp(cur, s->arg) == 0;
		if (*cur && !*already)
			return ov_ctx_fail(ctx, EBUSY, "%s is still bound to %s", b, cur);
		break;
	case OV_STEP_SET_POWER_CONTROL:
		r = dev_attr(ctx, b, "power/control", cur, sizeof(cur));
		if (r < 0)
			return r;
		snprintf(s->before, sizeof(s->before), "%s", cur);
		break;
	case OV_STEP_LOAD_MODULE:
		*already = ov_module_loaded(ctx, s->arg);
		break;
	case OV_STEP_UNLOAD_MODULE:
		*already = !ov_module_loaded(ctx, s->arg);
		break;
	case OV_STEP_ACPI_CALL:
	case OV_STEP_BBSWITCH:
		r = ov_host_path(ctx, path, sizeof(path), s->kind == OV_STEP_ACPI_CALL ?
				 "/proc/acpi/call" : "/proc/acpi/bbswitch");
		if (r == 0 && !ov_path_exists(path))
			r = ov_ctx_fail(ctx, ENOENT, "%s: missing (module not loaded?)", path);
		break;
	case OV_STEP_REMOVE_DEVICE:
	case OV_STEP_RESCAN_BUS:
	case OV_STEP_RUN_PROGRAM:
	case OV_STEP_KIND_MAX:
		break;
	}
	return r;
}

static int act(struct ov_ctx *ctx, const struct ov_exec_ops *ops, const struct ov_step *s)
{
	char b[OV_BDF_STRLEN];

	bdf_str(s, b);
	switch (s->kind) {
	case OV_STEP_SET_DRIVER_OVERRIDE:
		return ops->set_driver_override(ctx, b, s->arg);
	case OV_STEP_UNBIND:
		return ops->unbind(ctx, b);
	case OV_STEP_BIND:
		return ops->bind(ctx, b, s->arg);
	case OV_STEP_BIND_VIA_DRIVERS_PROBE:
		return ops->drivers_probe(ctx, b);
	case OV_STEP_REMOVE_DEVICE:
		return ops->remove(ctx, b);
	case OV_STEP_RESCAN_BUS:
		return ops->rescan(ctx);
	case OV_STEP_SET_POWER_CONTROL:
		return ops->set_power_control(ctx, b, s->arg);
	case OV_STEP_LOAD_MODULE:
		return ops->load_module(ctx, s->arg);
	case OV_STEP_UNLOAD_MODULE:
		return ops->unload_module(ctx, s->arg);
	case OV_STEP_RUN_PROGRAM:
		return ops->run_program(ctx, s->arg);
	case OV_STEP_ACPI_CALL:
		return ops->acpi_call(ctx, s->arg);
	case OV_STEP_BBSWITCH:
		return ops->bbswitch(ctx, s->arg);
	case OV_STEP_KIND_MAX:
		break;
	}
	return ov_ctx_fail(ctx, EINVAL, "unknown step");
}

/*
 * Reset's runtime-PM power-off: "auto" only allows the device to suspend;
 * the power cycle happened once the PCI core put it in D3cold (power_state,
 * PCI PM 1.2 §5; on kernels without that attribute runtime_status reads
 * "suspended"). Removing it before then would cut it short. The wait is
 * bounded (OPTIVFIO_POWER_WAIT milliseconds, default 10 s); a machine that
 * cannot get there (no _PR3 power resources: D3hot at most, as QEMU's
 * devices) goes on with the remove and rescan, which is most of the reset,
 * and the step's note says the power was not cut.
 */
static int wait_powered_off(struct ov_ctx *ctx, struct ov_step *s, const char *bdf)
{
	const char *env = getenv("OPTIVFIO_POWER_WAIT");
	long wait_ms = env && *env ? strtol(env, NULL, 10) : 10000;
	char cur[OV_STEP_ARG_MAX];
	const char *attr = "power_state", *want = "D3cold";
	int r;

	r = dev_attr(ctx, bdf, attr, cur, sizeof(cur));
	if (r == -ENOENT) {
		attr = "power/runtime_status";
		want = "suspended";
		r = dev_attr(ctx, bdf, attr, cur, sizeof(cur));
	}
	for (long waited = 0; r == 0 && strcmp(cur, want) != 0 && waited < wait_ms; waited += 50) {
		usleep(50 * 1000);
		r = dev_attr(ctx, bdf, attr, cur, sizeof(cur));
	}
	if (r < 0)
		return r;
	if (strcmp(cur, want) != 0)
		snprintf(s->note, sizeof(s->note), "not powered off: %s reads \"%s\" after %ld ms, "
			 "not \"%s\"", attr, cur, wait_ms, want);
	return 0;
}

/* After the action: is the host now what the step promised? */
static int verify(struct ov_ctx *ctx, const struct ov_plan *plan, struct ov_step *s,
		  struct run_state *st)
{
	char b[OV_BDF_STRLEN], cur[OV_STEP_ARG_MAX];
	int r = 0;

	bdf_str(s, b);
	switch (s->kind) {
	case OV_STEP_SET_DRIVER_OVERRIDE:
		r = dev_override(ctx, b, cur, sizeof(cur));
		if (r == 0 && strcmp(cur, s->arg) != 0)
			r = ov_ctx_fail(ctx, EIO, "%s: driver_override reads \"%s\", not \"%s\"",
					b, cur, s->arg);
		break;
	case OV_STEP_UNBIND:
		r = dev_driver(ctx, b, cur, sizeof(cur));
		if (r == 0 && *cur)
			r = ov_ctx_fail(ctx, EIO, "%s: still bound to %s", b, cur);
		break;
	case OV_STEP_BIND:
	case OV_STEP_BIND_VIA_DRIVERS_PROBE:
		r = dev_driver(ctx, b, cur, sizeof(cur));
		if (r == 0 && strcmp(cur, s->arg) != 0)
			r = ov_ctx_fail(ctx, EIO, "%s: %s did not take it (driver: %s)", b, s->arg,
					*cur ? cur : "none");
		if (r == 0)
			r = check_config(ctx, b);
		break;
	case OV_STEP_REMOVE_DEVICE:
		if (dev_exists(ctx, b))
			return ov_ctx_fail(ctx, EIO, "%s: still on the bus", b);
		if (st->n_removed < sizeof(st->removed) / sizeof(st->removed[0]))
			st->removed[st->n_removed++] = s->bdf;
		break;
	case OV_STEP_RESCAN_BUS:
		for (size_t i = 0; r == 0 && i < st->n_removed; i++)
			r = check_config(ctx, ov_bdf_format(&st->removed[i], b));
		if (r == 0)
			st->n_removed = 0;
		break;
	case OV_STEP_SET_POWER_CONTROL:
		r = dev_attr(ctx, b, "power/control", cur, sizeof(cur));
		if (r == 0 && strcmp(cur, s->arg) != 0)
			r = ov_ctx_fail(ctx, EIO, "%s: power/control reads \"%s\"", b, cur);
		if (r == 0 && plan->kind == OV_PLAN_RESET && strcmp(s->arg, "auto") == 0)
			r = wait_powered_off(ctx, s, b);
		break;
	case OV_STEP_LOAD_MODULE:
		if (!ov_module_loaded(ctx, s->arg))
			r = ov_ctx_fail(ctx, EIO, "module %s: not loaded after loading it",
					s->arg);
		break;
	case OV_STEP_UNLOAD_MODULE:
		if (ov_module_loaded(ctx, s->arg))
			r = ov_ctx_fail(ctx, EIO, "module %s: still loaded", s->arg);
		break;
	case OV_STEP_BBSWITCH: {
		char path[PATH_MAX];
		const char *state;

		/* Reads back "<bdf> ON|OFF"; bbswitch refuses OFF while a driver is bound. */
		r = ov_host_path(ctx, path, sizeof(path), "/proc/acpi/bbswitch");
		if (r == 0)
			r = ov_read_attr(ctx, path, cur, sizeof(cur));
		state = strrchr(cur, ' ');
		state = state ? state + 1 : cur;
		if (r == 0 && strcmp(state, s->arg) != 0)
			r = ov_ctx_fail(ctx, EIO, "bbswitch reads \"%s\", not %s", cur, s->arg);
		break;
	}
	case OV_STEP_RUN_PROGRAM:
	case OV_STEP_ACPI_CALL:
	case OV_STEP_KIND_MAX:
		break;
	}
	if (r == 0 && is_power_on(s))
		r = check_config(ctx, ov_bdf_format(&plan->gpu, b));
	return r;
}

/* --- the journal --- */

static struct json_object *step_json(const struct ov_step *s, const char *status)
{
	struct json_object *o = json_object_new_object();
	char b[OV_BDF_STRLEN];

	bdf_str(s, b);
	json_object_object_add(o, "kind", json_object_new_string(ov_step_kind_name(s->kind)));
	json_object_object_add(o, "bdf", s->has_bdf ? json_object_new_string(b) : NULL);
	json_object_object_add(o, "arg", json_object_new_string(s->arg));
	json_object_object_add(o, "before", json_object_new_string(s->before));
	json_object_object_add(o, "status", json_object_new_string(status));
	return o;
}

static int journal_save(struct ov_ctx *ctx, const char *path, struct json_object *j,
			const char *state)
{
	const char *text;

	json_object_object_add(j, "state", json_object_new_string(state));
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	return ov_write_file_atomic(ctx, path, text, strlen(text), 0600);
}

static struct json_object *journal_new(const struct ov_plan *plan)
{
	struct json_object *j = json_object_new_object();
	char b[OV_BDF_STRLEN];

	json_object_object_add(j, "version", json_object_new_int(JOURNAL_VERSION));
	json_object_object_add(j, "plan",
			       json_object_new_string(ov_plan_kind_name(plan->kind)));
	json_object_object_add(j, "gpu", json_object_new_string(ov_bdf_format(&plan->gpu, b)));
	json_object_object_add(j, "steps", json_object_new_array());
	return j;
}

/* The journal's JSON (the caller puts it), or NULL with the reason set. */
static struct json_object *journal_read(struct ov_ctx *ctx, const char *path)
{
	struct json_object *j;
	uint8_t *data;
	size_t len;

	if (ov_read_file(ctx, path, &data, &len) < 0)
		return NULL;
	j = json_tokener_parse((const char *)data);
	free(data);
	if (!j)
		ov_ctx_fail(ctx, EINVAL, "%s: not an optivfio journal", path);
	return j;
}

int ov_journal_state(struct ov_ctx *ctx, const char *path, char *buf, size_t size)
{
	struct json_object *j = journal_read(ctx, path), *v;
	int r = 0;

	if (!j)
		return -EINVAL;
	if (!json_object_object_get_ex(j, "state", &v) || !json_object_is_type(v, json_type_string))
		r = ov_ctx_fail(ctx, EINVAL, "%s: not an optivfio journal", path);
	else
		snprintf(buf, size, "%s", json_object_get_string(v));
	json_object_put(j);
	return r;
}

int ov_journal_load(struct ov_ctx *ctx, const char *path, struct ov_plan *done)
{
	struct json_object *j, *steps, *v;
	int r = 0;

	memset(done, 0, sizeof(*done));
	j = journal_read(ctx, path);
	if (!j)
		return -EINVAL;
	if (!json_object_object_get_ex(j, "steps", &steps) ||
	    !json_object_is_type(steps, json_type_array) ||
	    !json_object_object_get_ex(j, "gpu", &v) ||
	    !ov_bdf_parse(json_object_get_string(v), &done->gpu)) {
		json_object_put(j);
		return ov_ctx_fail(ctx, EINVAL, "%s: not an optivfio journal", path);
	}
	done->kind = OV_PLAN_PREPARE;
	for (size_t i = 0; r == 0 && i < json_object_array_length(steps); i++) {
		struct json_object *s = json_object_array_get_idx(steps, i), *f;
		const char *kind = "", *bdf = NULL, *arg = "", *before = "", *status = "";
		struct ov_bdf bb;
		int k;

		if (json_object_object_get_ex(s, "kind", &f))
			kind = json_object_get_string(f);
		if (json_object_object_get_ex(s, "bdf", &f) && f)
			bdf = json_object_get_string(f);
		if (json_object_object_get_ex(s, "arg", &f))
			arg = json_object_get_string(f);
		if (json_object_object_get_ex(s, "before", &f))
			before = json_object_get_string(f);
		if (json_object_object_get_ex(s, "status", &f))
			status = json_object_get_string(f);
		k = ov_step_kind_from_name(kind ? kind : "");
		if (k < 0 || (bdf && !ov_bdf_parse(bdf, &bb)) || !arg || !before || !status) {
			r = ov_ctx_fail(ctx, EINVAL, "%s: step %zu is damaged", path, i + 1);
			break;
		}
		/* "already" steps changed nothing: nothing to undo. */
		if (strcmp(status, "already") == 0)
			continue;
		r = ov_plan_add(ctx, done, (enum ov_step_kind)k, bdf ? &bb : NULL, arg,
				"journal");
		if (r == 0)
			snprintf(done->steps[done->n_steps - 1].before, OV_STEP_ARG_MAX, "%s",
				 before);
	}
	json_object_put(j);
	if (r < 0)
		ov_plan_clear(done);
	return r;
}

int ov_plan_release(struct ov_ctx *ctx, const char *journal, struct ov_plan *plan)
{
	struct ov_plan done;
	int r;

	r = ov_journal_load(ctx, journal, &done);
	if (r < 0)
		return r;
	r = ov_plan_inverse(ctx, &done, OV_PLAN_RELEASE, plan);
	ov_plan_clear(&done);
	return r;
}

/* --- running --- */

static int run_steps(struct ov_ctx *ctx, struct ov_plan *plan, const struct ov_exec_opts *o,
		     bool rollback, struct run_state *st, struct json_object *j,
		     size_t *failed_at, bool *acted);

static int rollback(struct ov_ctx *ctx, const struct ov_plan *plan, size_t upto, bool acted,
		    const struct ov_exec_opts *o, struct run_state *st, size_t *n_undone)
{
	struct ov_plan done = { .kind = plan->kind, .gpu = plan->gpu };
	struct ov_plan undo;
	size_t failed;
	bool a;
	int r;

	/* The failed step too when it acted: its effect may be half there. */
	for (size_t i = 0; i < upto + (acted ? 1 : 0); i++) {
		const struct ov_step *s = &plan->steps[i];

		if (s->skipped)
			continue;
		r = ov_plan_add(ctx, &done, s->kind, s->has_bdf ? &s->bdf : NULL, s->arg,
				s->why);
		if (r < 0)
			goto out;
		snprintf(done.steps[done.n_steps - 1].before, OV_STEP_ARG_MAX, "%s", s->before);
	}
	r = ov_plan_inverse(ctx, &done, OV_PLAN_ROLLBACK, &undo);
	if (r < 0)
		goto out;
	*n_undone = undo.n_steps;
	r = run_steps(ctx, &undo, o, true, st, NULL, &failed, &a);
	ov_plan_clear(&undo);
out:
	ov_plan_clear(&done);
	return r;
}

static int run_steps(struct ov_ctx *ctx, struct ov_plan *plan, const struct ov_exec_opts *o,
		     bool is_rollback, struct run_state *st, struct json_object *j,
		     size_t *failed_at, bool *acted)
{
	struct json_object *arr = NULL;
	int first_err = 0;

	if (j)
		json_object_object_get_ex(j, "steps", &arr);
	for (size_t i = 0; i < plan->n_steps; i++) {
		struct ov_step *s = &plan->steps[i];
		struct json_object *js = NULL;
		bool already;
		int r;

		*failed_at = i;
		*acted = false;
		r = precheck(ctx, s, &already);
		s->skipped = r == 0 && already;
		if (r == 0 && already) {
			if (arr)
				json_object_array_add(arr, step_json(s, "already"));
			if (j)
				r = journal_save(ctx, o->journal, j, "running");
			if (o->progress)
				o->progress(o->userdata, is_rollback, i, s, OV_STEP_ALREADY);
			if (r == 0)
				continue;
		}
		if (r == 0 && arr) {
			js = step_json(s, "started");
			json_object_array_add(arr, js);
			r = journal_save(ctx, o->journal, j, "running");
		}
		if (r == 0) {
			*acted = true;
			r = act(ctx, o->ops, s);
			/*
			 * ACPICA found no such method (the ops' contract, exec.h):
			 * nothing ran, so nothing is half done and the rollback must
			 * not call the opposite method (it is missing just as well).
			 */
			if (r == -ENOENT && s->kind == OV_STEP_ACPI_CALL)
				*acted = false;
		}
		if (r == 0)
			r = verify(ctx, plan, s, st);
		if (r == 0 && js) {
			json_object_object_add(js, "status", json_object_new_string("done"));
			r = journal_save(ctx, o->journal, j, "running");
		}
		if (o->progress)
			o->progress(o->userdata, is_rollback, i, s,
				    r ? OV_STEP_FAILED : OV_STEP_DONE);
		if (r == 0)
			continue;
		if (!is_rollback)
			return r;
		/* A rollback goes on: undo as much as it can, report the first failure. */
		if (!first_err)
			first_err = r;
	}
	return first_err;
}

int ov_plan_run(struct ov_ctx *ctx, struct ov_plan *plan, const struct ov_exec_opts *opts)
{
	struct run_state st = { .n_removed = 0 };
	struct json_object *j = NULL;
	char msg[1024], line[320];
	size_t failed_at = 0, n_undone = 0;
	bool acted = false;
	int r, rr;

	r = ov_plan_validate(ctx, plan);
	if (r < 0)
		return r;
	if (opts->journal) {
		j = journal_new(plan);
		r = journal_save(ctx, opts->journal, j, "running");
		if (r < 0) {
			json_object_put(j);
			return r;
		}
	}
	r = run_steps(ctx, plan, opts, false, &st, j, &failed_at, &acted);
	if (r == 0) {
		if (opts->journal && opts->keep_journal)
			r = journal_save(ctx, opts->journal, j, "complete");
		else if (opts->journal)
			unlink(opts->journal);
		json_object_put(j);
		return r;
	}

	snprintf(msg, sizeof(msg), "%s", ov_ctx_error(ctx));
	ov_step_format(&plan->steps[failed_at], line, sizeof(line));
	rr = rollback(ctx, plan, failed_at, acted, opts, &st, &n_undone);
	if (rr == 0) {
		if (opts->journal)
			unlink(opts->journal);
		json_object_put(j);
		return ov_ctx_fail(ctx, -r, "step %zu (%s) failed: %s; rolled back %zu step%s, "
				   "the host is as it was", failed_at + 1, line, msg, n_undone,
				   n_undone == 1 ? "" : "s");
	}
	{
		char rmsg[1024];

		snprintf(rmsg, sizeof(rmsg), "%s", ov_ctx_error(ctx));
		if (opts->journal)
			journal_save(ctx, opts->journal, j, "rollback-failed");
		json_object_put(j);
		return ov_ctx_fail(ctx, -r, "step %zu (%s) failed: %s; the rollback failed too: "
				   "%s%s%s", failed_at + 1, line, msg, rmsg,
				   opts->journal ? "; journal kept in " : "",
				   opts->journal ? opts->journal : "");
	}
}
