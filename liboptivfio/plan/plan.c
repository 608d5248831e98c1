// SPDX-License-Identifier: GPL-2.0-or-later
/* Plan storage, step names, formatting, inverses and ordering rules. */
#include "plan/plan.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[OV_STEP_KIND_MAX] = {
	[OV_STEP_SET_DRIVER_OVERRIDE] = "set-driver-override",
	[OV_STEP_UNBIND] = "unbind",
	[OV_STEP_BIND] = "bind",
	[OV_STEP_BIND_VIA_DRIVERS_PROBE] = "drivers-probe",
	[OV_STEP_REMOVE_DEVICE] = "remove",
	[OV_STEP_RESCAN_BUS] = "rescan",
	[OV_STEP_SET_POWER_CONTROL] = "set-power-control",
	[OV_STEP_LOAD_MODULE] = "load-module",
	[OV_STEP_UNLOAD_MODULE] = "unload-module",
	[OV_STEP_RUN_PROGRAM] = "run-program",
	[OV_STEP_ACPI_CALL] = "acpi-call",
	[OV_STEP_BBSWITCH] = "bbswitch",
};

const char *ov_step_kind_name(enum ov_step_kind kind)
{
	return (unsigned)kind < OV_STEP_KIND_MAX ? kind_names[kind] : "?";
}

int ov_step_kind_from_name(const char *name)
{
	for (int i = 0; i < OV_STEP_KIND_MAX; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -EINVAL;
}

const char *ov_plan_kind_name(enum ov_plan_kind kind)
{
	switch (kind) {
	case OV_PLAN_PREPARE:
		return "prepare";
	case OV_PLAN_RELEASE:
		return "release";
	case OV_PLAN_RESET:
		return "reset";
	case OV_PLAN_ROLLBACK:
		return "rollback";
	}
	return "?";
}

const char *ov_power_method_name(enum ov_power_method m)
{
	switch (m) {
	case OV_POWER_RUNTIME_PM:
		return "runtime-pm";
	case OV_POWER_BBSWITCH:
		return "bbswitch";
	case OV_POWER_ACPI_CALL:
		return "acpi-call";
	}
	return "?";
}

const char *ov_power_method_text(enum ov_power_method m)
{
	switch (m) {
	case OV_POWER_RUNTIME_PM:
		return "runtime PM (power/control)";
	case OV_POWER_BBSWITCH:
		return "bbswitch (/proc/acpi/bbswitch)";
	case OV_POWER_ACPI_CALL:
		return "ACPI _OFF/_ON through acpi_call (/proc/acpi/call)";
	}
	return "?";
}

int ov_plan_add(struct ov_ctx *ctx, struct ov_plan *plan, enum ov_step_kind kind,
		const struct ov_bdf *bdf, const char *arg, const char *why)
{
	struct ov_step *s;

	if (plan->n_steps == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 16;
		struct ov_step *n = realloc(plan->steps, cap * sizeof(*n));

		if (!n)
			return ov_ctx_fail(ctx, ENOMEM, "out of memory");
		plan->steps = n;
		plan->cap = cap;
	}
	s = &plan->steps[plan->n_steps];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	if (bdf) {
		s->has_bdf = true;
		s->bdf = *bdf;
	}
	if (arg && snprintf(s->arg, sizeof(s->arg), "%s", arg) >= (int)sizeof(s->arg))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: argument too long",
				   kind_names[kind]);
	s->why = why;
	plan->n_steps++;
	return 0;
}

void ov_plan_clear(struct ov_plan *plan)
{
	free(plan->steps);
	plan->steps = NULL;
	plan->n_steps = plan->cap = 0;
}

void ov_step_format(const struct ov_step *step, char *buf, size_t size)
{
	char b[OV_BDF_STRLEN];
	const char *arg = step->arg;
	int n;

	if (step->kind == OV_STEP_SET_DRIVER_OVERRIDE && !*arg)
		arg = "(clear)";
	n = snprintf(buf, size, "%s", ov_step_kind_name(step->kind));
	if (n < 0 || (size_t)n >= size)
		return;
	if (step->has_bdf)
		n += snprintf(buf + n, size - (size_t)n, " %s", ov_bdf_format(&step->bdf, b));
	if ((size_t)n < size && *arg)
		snprintf(buf + n, size - (size_t)n, " %s", arg);
}

/* The step that undoes @s, given what was there before it ran. */
static int inverse_of(struct ov_ctx *ctx, struct ov_plan *out, const struct ov_step *s)
{
	const struct ov_bdf *bdf = s->has_bdf ? &s->bdf : NULL;
	const char *why = "undo";

	switch (s->kind) {
	case OV_STEP_SET_DRIVER_OVERRIDE:
		return ov_plan_add(ctx, out, s->kind, bdf, s->before, why);
	case OV_STEP_UNBIND:
		return ov_plan_add(ctx, out, OV_STEP_BIND, bdf, s->arg, why);
	case OV_STEP_BIND:
	case OV_STEP_BIND_VIA_DRIVERS_PROBE:
		return ov_plan_add(ctx, out, OV_STEP_UNBIND, bdf, s->arg, why);
	case OV_STEP_REMOVE_DEVICE:
		return ov_plan_add(ctx, out, OV_STEP_RESCAN_BUS, NULL, NULL, why);
	case OV_STEP_SET_POWER_CONTROL:
		return *s->before ? ov_plan_add(ctx, out, s->kind, bdf, s->before, why) : 0;
	case OV_STEP_LOAD_MODULE:
		return ov_plan_add(ctx, out, OV_STEP_UNLOAD_MODULE, NULL, s->arg, why);
	case OV_STEP_UNLOAD_MODULE:
		return ov_plan_add(ctx, out, OV_STEP_LOAD_MODULE, NULL, s->arg, why);
	case OV_STEP_BBSWITCH:
		/* A GPU switched off must not stay off behind the user's back. */
		return strcmp(s->arg, "OFF") == 0 ?
		       ov_plan_add(ctx, out, s->kind, NULL, "ON", why) : 0;
	case OV_STEP_ACPI_CALL: {
		size_t len = strlen(s->arg);
		char on[OV_STEP_ARG_MAX];

		if (len < 5 || strcmp(s->arg + len - 5, "._OFF") != 0)
			return 0;
		snprintf(on, sizeof(on), "%.*s._ON", (int)(len - 5), s->arg);
		return ov_plan_add(ctx, out, s->kind, NULL, on, why);
	}
	case OV_STEP_RESCAN_BUS:
	case OV_STEP_RUN_PROGRAM:
	case OV_STEP_KIND_MAX:
		return 0;	/* nothing to undo */
	}
	return 0;
}

int ov_plan_inverse(struct ov_ctx *ctx, const struct ov_plan *done, enum ov_plan_kind kind,
		    struct ov_plan *ret)
{
	struct ov_plan out = { .kind = kind, .gpu = done->gpu, .power = done->power };
	int r;

	for (size_t i = done->n_steps; i-- > 0;) {
		/* Several removes are undone by one rescan. */
		if (done->steps[i].kind == OV_STEP_REMOVE_DEVICE && out.n_steps &&
		    out.steps[out.n_steps - 1].kind == OV_STEP_RESCAN_BUS)
			continue;
		r = inverse_of(ctx, &out, &done->steps[i]);
		if (r < 0) {
			ov_plan_clear(&out);
			return r;
		}
	}
	*ret = out;
	return 0;
}

static bool same_dev(const struct ov_step *a, const struct ov_step *b)
{
	return a->has_bdf && b->has_bdf && ov_bdf_compare(&a->bdf, &b->bdf) == 0;
}

static int bad_order(struct ov_ctx *ctx, const struct ov_plan *plan, size_t i, const char *why)
{
	char line[320];

	ov_step_format(&plan->steps[i], line, sizeof(line));
	return ov_ctx_fail(ctx, EINVAL, "plan step %zu (%s): %s", i + 1, line, why);
}

int ov_plan_validate(struct ov_ctx *ctx, const struct ov_plan *plan)
{
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct ov_step *s = &plan->steps[i];

		if (s->kind >= OV_STEP_KIND_MAX)
			return bad_order(ctx, plan, i, "unknown step");
		switch (s->kind) {
		case OV_STEP_SET_DRIVER_OVERRIDE:
			/* A later unbind of the same device means it was still bound. */
			for (size_t k = i + 1; k < plan->n_steps; k++)
				if (plan->steps[k].kind == OV_STEP_UNBIND &&
				    same_dev(&plan->steps[k], s))
					return bad_order(ctx, plan, i,
						"driver_override changed while the device is bound "
						"(unbind first, so the undo can bind it back)");
			break;
		case OV_STEP_BIND_VIA_DRIVERS_PROBE:
		case OV_STEP_BIND:
			if (strcmp(s->arg, "vfio-pci") != 0)
				break;
			for (size_t k = i + 1; k < plan->n_steps; k++)
				if (plan->steps[k].kind == OV_STEP_LOAD_MODULE &&
				    strcmp(plan->steps[k].arg, "vfio_pci") == 0)
					return bad_order(ctx, plan, i,
						"binds vfio-pci before vfio_pci is loaded");
			break;
		case OV_STEP_REMOVE_DEVICE: {
			bool rescanned = false;

			for (size_t k = i + 1; k < plan->n_steps; k++) {
				if (plan->steps[k].kind == OV_STEP_RESCAN_BUS) {
					rescanned = true;
					break;
				}
				if (same_dev(&plan->steps[k], s))
					return bad_order(ctx, plan, k,
						"uses a device removed earlier, before a rescan");
			}
			if (!rescanned)
				return bad_order(ctx, plan, i, "removed device never comes back "
						 "(no rescan after it)");
			break;
		}
		default:
			break;
		}
	}
	return 0;
}
