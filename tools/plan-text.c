// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan-text.h"
#include "core/bdf.h"
#include "plan/plan.h"

void ov_cli_plan_text(FILE *f, const struct ov_plan *plan, bool dry_run, bool why)
{
	char b[OV_BDF_STRLEN], line[400];

	ov_bdf_format(&plan->gpu, b);
	fprintf(f, "Plan: host %s %s%s\n", ov_plan_kind_name(plan->kind), b,
		dry_run ? " (dry run: nothing changed)" : "");
	if (plan->kind == OV_PLAN_RESET)
		fprintf(f, "Power method: %s\n", ov_power_method_text(plan->power));
	if (!dry_run)
		return;
	if (!plan->n_steps)
		fprintf(f, "  nothing to do\n");
	for (size_t i = 0; i < plan->n_steps; i++) {
		ov_step_format(&plan->steps[i], line, sizeof(line));
		fprintf(f, "  %zu. %s\n", i + 1, line);
		if (why && plan->steps[i].why)
			fprintf(f, "     (%s)\n", plan->steps[i].why);
	}
}
