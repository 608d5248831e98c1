// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The _ROM dump loop (facts §1.5 pitfalls, §2.4 firmware behaviours, §7).
 *
 * - acpi_call shows at most BUFFER_SIZE/6 buffer bytes per reply (42 in
 *   every release); a trailing comma says more existed. The first call asks
 *   for a whole 4 KiB page, so a module with a bigger buffer shows how much
 *   it can, and the loop uses that from then on.
 * - No request crosses a 4 KiB boundary (ACPI §B.3.3 caps _ROM at 4 KiB and
 *   Insyde/AMI firmware serves from 32 KiB windows, zero past them).
 * - Replies longer than asked (HP: always 4 KiB) are cut to the request;
 *   shorter ones count for what they hold; an empty one aborts.
 * - The size comes from the image chain (NPDE-aware) as it is read, never
 *   from reply lengths: reading stops at the end of the last image.
 */
#include "rom/dump.h"
#include "rom/rom.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define PAGE		4096u
#define FIRST_CHUNK	42u	/* floor(256 / 6): facts §1.1 */

struct dumper {
	struct ov_ctx *ctx;
	const struct ov_acpi_call_ops *ops;
	void *userdata;
	const char *path;
	uint8_t *buf;
	size_t have, cap;
	size_t chunk;
	bool probed;
	char *reply;
	uint8_t *bytes;
	struct ov_acpi_dump_stats *stats;
};

static int grow(struct dumper *d, size_t want)
{
	uint8_t *nbuf;
	size_t cap = d->cap ? d->cap : 65536;

	if (want <= d->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	nbuf = realloc(d->buf, cap);
	if (!nbuf)
		return ov_ctx_fail(d->ctx, ENOMEM, "out of memory");
	d->buf = nbuf;
	d->cap = cap;
	return 0;
}

static const char *kind_name(enum ov_acpi_reply_kind kind)
{
	switch (kind) {
	case OV_ACPI_REPLY_INTEGER:
		return "an integer";
	case OV_ACPI_REPLY_STRING:
		return "a string";
	default:
		return "something else";
	}
}

/* One _ROM call for [d->have, d->have + len): appends what it got. */
static int call_once(struct dumper *d, size_t len)
{
	struct ov_acpi_reply rep;
	char cmd[320];
	size_t take;
	int r;

	r = grow(d, d->have + len);
	if (r < 0)
		return r;
	r = ov_acpi_rom_command(cmd, sizeof(cmd), d->path, d->have, len);
	if (r < 0)
		return ov_ctx_fail(d->ctx, -r, "%s: not a usable ACPI path", d->path);
	r = d->ops->call(d->userdata, cmd, d->reply, OV_ACPI_REPLY_MAX);
	if (r < 0)
		return r;
	d->stats->calls++;

	r = ov_acpi_reply_parse(d->reply, d->bytes, OV_ACPI_REPLY_MAX, &rep);
	if (r == 0 && rep.kind == OV_ACPI_REPLY_ERROR)
		return ov_ctx_fail(d->ctx, EIO, "%s._ROM at 0x%zx: Error: %s: %s", d->path,
				   d->have, rep.error, ov_acpi_error_explain(rep.error));
	if (r == 0 && rep.kind == OV_ACPI_REPLY_NOT_CALLED)
		return ov_ctx_fail(d->ctx, EIO, "acpi_call did not run '%s' (it replied "
				   "\"not called\")", cmd);
	if (r == -ENODATA)
		return ov_ctx_fail(d->ctx, EIO, "acpi_call gave an empty reply to '%s'", cmd);
	if (r < 0)
		return ov_ctx_fail(d->ctx, EBADMSG, "unexpected reply from acpi_call to '%s': "
				   "\"%.40s\"", cmd, d->reply);
	if (rep.kind != OV_ACPI_REPLY_BUFFER)
		return ov_ctx_fail(d->ctx, EBADMSG, "%s._ROM returned %s, not a buffer",
				   d->path, kind_name(rep.kind));
	if (rep.n_bytes == 0)
		return ov_ctx_fail(d->ctx, EIO, "%s._ROM returned no data at 0x%zx (the "
				   "firmware's ROM ends there)", d->path, d->have);

	/*
	 * A cut-off reply shows exactly as many bytes as the module can; a
	 * complete one at least as many as it holds.
	 */
	if (rep.truncated)
		d->chunk = rep.n_bytes;
	else if (rep.n_bytes >= len && len > d->chunk)
		d->chunk = len;
	take = rep.n_bytes < len ? rep.n_bytes : len;
	memcpy(d->buf + d->have, d->bytes, take);
	d->have += take;
	return 0;
}

/* Read up to @want (exclusive), staying inside 4 KiB pages. */
static int read_to(struct dumper *d, size_t want, const struct ov_rom_progress *progress,
		   size_t total)
{
	int r;

	while (d->have < want) {
		size_t page_left = PAGE - d->have % PAGE;
		size_t len = d->chunk;

		if (len > want - d->have)
			len = want - d->have;
		/*
		 * The first call asks for the whole first page: how much of it
		 * the module shows is its per-call limit.
		 */
		if (!d->probed)
			len = page_left;
		d->probed = true;
		if (len > page_left)
			len = page_left;
		r = call_once(d, len);
		if (r < 0)
			return r;
		if (progress && progress->fn)
			progress->fn(progress->userdata, d->have, total);
	}
	return 0;
}

static int explain_bad_rom(struct dumper *d, const struct ov_rom_info *info)
{
	size_t at = info->problem_offset;
	bool zeros = at + 1 < d->have && d->buf[at] == 0 && d->buf[at + 1] == 0;

	if (info->problem == OV_ROM_BAD_SIGNATURE && info->problem_offset == 0)
		return ov_ctx_fail(d->ctx, EBADMSG, "%s._ROM data is not a PCI ROM (starts %02x "
				   "%02x, expected 55 AA)%s", d->path, d->buf[0], d->buf[1],
				   zeros ? ": the firmware returned zeros" : "");
	return ov_ctx_fail(d->ctx, EBADMSG, "%s._ROM data is not a valid ROM: %s%s", d->path,
			   info->problem_msg,
			   zeros ? " (the firmware pads with zeros past the ROM it holds: its "
				   "ROM is shorter than the image chain says)" : "");
}

int ov_rom_dump_acpi(struct ov_ctx *ctx, const struct ov_acpi_call_ops *ops,
		     void *userdata, const char *acpi_path, const struct ov_rom_progress *progress,
		     uint8_t **data, size_t *len, struct ov_acpi_dump_stats *stats)
{
	struct ov_acpi_dump_stats scratch = { 0 };
	struct dumper d = {
		.ctx = ctx, .ops = ops, .userdata = userdata, .path = acpi_path,
		.chunk = FIRST_CHUNK, .stats = stats ? stats : &scratch,
	};
	struct ov_rom_info *info = malloc(sizeof(*info));
	size_t want = OV_ROM_UNIT, total = 0;
	int r;

	memset(d.stats, 0, sizeof(*d.stats));
	d.reply = malloc(OV_ACPI_REPLY_MAX);
	d.bytes = malloc(OV_ACPI_REPLY_MAX);
	if (!info || !d.reply || !d.bytes) {
		r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	if (!ov_acpi_path_valid(acpi_path)) {
		r = ov_ctx_fail(ctx, EINVAL, "\"%s\" is not a full ACPI path", acpi_path);
		goto out;
	}

	for (;;) {
		r = read_to(&d, want, progress, total);
		if (r < 0)
			goto out;
		r = ov_rom_parse(d.buf, d.have, OV_ROM_AT_START, info);
		if (r == 0)
			break;
		if (info->problem != OV_ROM_TRUNCATED) {
			r = explain_bad_rom(&d, info);
			goto out;
		}
		/*
		 * More of the chain is needed. An image is at least 512 bytes,
		 * so reading to the end of the next one's first 512 never passes
		 * the end of a valid chain.
		 */
		want = info->need;
		if (want < info->problem_offset + OV_ROM_UNIT)
			want = info->problem_offset + OV_ROM_UNIT;
		/* Reading the last image: now the size is known. */
		if (info->n_images && info->images[info->n_images - 1].last)
			total = info->need;
		if (want > OV_ROM_DUMP_MAX) {
			r = ov_ctx_fail(ctx, EFBIG, "%s._ROM: the image chain claims more than "
					"%u MiB: not a real ROM", acpi_path, OV_ROM_DUMP_MAX >> 20);
			goto out;
		}
		if (want <= d.have) {
			/* Cannot happen: truncation means more is needed. Never spin. */
			r = ov_ctx_fail(ctx, EPROTO, "%s._ROM: no progress at 0x%zx", acpi_path,
					d.have);
			goto out;
		}
	}
	if (d.have > info->chain_end)
		d.have = info->chain_end;
	if (progress && progress->fn)
		progress->fn(progress->userdata, d.have, d.have);
	d.stats->chunk = d.chunk;
	*data = d.buf;
	*len = d.have;
	d.buf = NULL;
	r = 0;
out:
	free(d.buf);
	free(d.reply);
	free(d.bytes);
	free(info);
	return r;
}

int ov_rom_acpi_path(struct ov_ctx *ctx, const char *bdf, char *buf, size_t size)
{
	char path[PATH_MAX];
	int r;

	r = ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/firmware_node/path",
			 bdf);
	if (r < 0)
		return r;
	if (!ov_path_exists(path))
		return ov_ctx_fail(ctx, ENOENT, "%s has no ACPI companion (no firmware_node/path): "
				   "the firmware has no _ROM for it", bdf);
	r = ov_read_attr(ctx, path, buf, size);
	if (r < 0)
		return r;
	if (!ov_acpi_path_valid(buf))
		return ov_ctx_fail(ctx, EINVAL, "%s: \"%s\" is not a full ACPI path", path, buf);
	return 0;
}
