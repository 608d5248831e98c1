/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `ssdt` prints about the tables it wrote, for setup's log too. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct ov_ssdt_set;
struct ov_ssdt_manifest;

/* The node, the files written to @dir and how QEMU and libvirt take them. */
void ov_cli_ssdt_summary(FILE *f, const char *dir, const struct ov_ssdt_set *set,
			 const struct ov_ssdt_manifest *m, bool dsl_wanted, bool dsl_made);
