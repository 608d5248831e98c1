// SPDX-License-Identifier: GPL-2.0-or-later
#include "checklist.h"
#include "cli.h"
#include "json-out.h"

int ov_cli_print_checks(struct ov_cli *cli, const char *gpu,
			const struct ov_check *checks, size_t n, const char *ready)
{
	size_t n_warn = 0, n_fail = 0;

	for (size_t i = 0; i < n; i++) {
		n_warn += checks[i].status == OV_CHECK_WARN;
		n_fail += checks[i].status == OV_CHECK_FAIL;
	}

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
		for (size_t i = 0; i < n; i++) {
			printf("%s  %-11s %s\n", ov_check_status_name(checks[i].status),
			       checks[i].id, checks[i].reason);
			if (*checks[i].fix)
				printf("      fix: %s\n", checks[i].fix);
		}
		if (n_fail)
			printf("\nBlocked: %zu check%s FAILed; fix %s first.\n", n_fail,
			       n_fail == 1 ? "" : "s", n_fail == 1 ? "it" : "them");
		else
			printf("\n%s (%zu warning%s).\n", ready, n_warn, n_warn == 1 ? "" : "s");
	}
	return n_fail ? OV_EXIT_BLOCKED : OV_EXIT_OK;
}
