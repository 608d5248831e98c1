// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the _ROM dump loop against an acpi_call that replies with
 * arbitrary text. Input: replies separated by newlines; when they run out,
 * every call gets "{}". The loop must end (progress or abort) and never
 * return more than the chain it parsed.
 */
#include "rom/dump.h"
#include "rom/rom.h"
#include "core/ctx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct script {
	const char *p, *end;
	size_t calls;
};

static int scripted_call(void *userdata, const char *cmd, char *reply, size_t size)
{
	struct script *s = userdata;
	const char *nl;
	size_t n;

	if (++s->calls > 100000)
		abort();	/* the loop must have given up long before */
	if (s->p >= s->end) {
		snprintf(reply, size, "{}");
		return 0;
	}
	nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
	n = (size_t)((nl ? nl : s->end) - s->p);
	if (n >= size)
		n = size - 1;
	memcpy(reply, s->p, n);
	reply[n] = '\0';
	s->p = nl ? nl + 1 : s->end;
	return 0;
}

static const struct ov_acpi_call_ops scripted_ops = { scripted_call };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ov_ctx *ctx;
	struct script s = { (const char *)data, (const char *)data + size, 0 };
	uint8_t *out = NULL;
	size_t len = 0;

	if (!ctx && ov_ctx_new(NULL, &ctx, NULL, 0) < 0)
		abort();
	if (ov_rom_dump_acpi(ctx, &scripted_ops, &s, "\\_SB_.PCI0.PEG0.PEGP", NULL,
			     &out, &len, NULL) == 0) {
		static struct ov_rom_info info;

		if (ov_rom_parse(out, len, OV_ROM_AT_START, &info) != 0 || info.chain_end != len)
			abort();
		free(out);
	}
	return 0;
}
