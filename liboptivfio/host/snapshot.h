/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copy what optivfio reads from a host into a tree that --root replays:
 * the snapshot a user attaches to a bug report, and how fixtures are made.
 */
#pragma once

#include <stddef.h>

struct ov_ctx;

struct ov_snapshot_stats {
	size_t devices;		/* PCI functions copied */
	size_t files;		/* regular files written */
	size_t links;		/* symlinks written */
	size_t skipped;		/* files that could not be read and were left out */
};

/*
 * Snapshot the context's host (the real one, or another --root tree) into
 * @outdir, which must not exist. The tree is built next to it and renamed
 * into place at the end, so a failure leaves nothing behind.
 */
int ov_host_snapshot(struct ov_ctx *ctx, const char *outdir, struct ov_snapshot_stats *st);
