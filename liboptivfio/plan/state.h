/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where host plans keep their state, and the lock that makes one
 * host-changing run at a time.
 *
 * The journals live in /run/optivfio by default: /run is emptied at every
 * boot, and a reboot gives the GPU back to the host anyway, so a journal
 * must never outlive the boot it describes (it used to, in /var/lib, and
 * then blocked every prepare after a reboot). A state directory given by
 * hand may be persistent: it carries the boot id it was written in, and
 * journals of an earlier boot are set aside, not obeyed.
 *
 * The lock is an flock on the root's /sys/bus/pci directory: every host
 * has it, it is the same object whatever --state-dir says, and no lock file
 * is left in a tree. It is taken before the host is read and held until the
 * process exits, so scan, plan, run and journal see one host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/bdf.h"

struct ov_ctx;

#define OV_STATE_DIR_DEFAULT "/run/optivfio"

struct ov_state {
	char dir[4096];		/* the state directory, root prefix included */
	char set_aside[256];	/* "" or what was moved away from an earlier boot */
};

/*
 * Resolve @dir (NULL: OV_STATE_DIR_DEFAULT under the root). With @writable
 * the directory is made (0700) and journals of an earlier boot are renamed
 * to "<name>.boot-<id>", noted in st->set_aside; without it nothing is
 * written (dry runs) and such journals read as absent.
 */
int ov_state_open(struct ov_ctx *ctx, const char *dir, bool writable, struct ov_state *st);

/* "<dir>/<prefix>-<bdf>.json" ("journal", "reset"). */
int ov_state_file(struct ov_ctx *ctx, const struct ov_state *st, const char *prefix,
		  const struct ov_bdf *gpu, char *buf, size_t size);

/* Does a journal of this boot exist at @path? */
bool ov_state_current(const struct ov_state *st, const char *path);

/*
 * Take the host lock, waiting at most @timeout_ms for another run; -EBUSY
 * naming the holder's pid and command when it does not come free. The
 * descriptor stays open (and the lock held) until the process exits.
 */
int ov_host_lock(struct ov_ctx *ctx, unsigned timeout_ms);
