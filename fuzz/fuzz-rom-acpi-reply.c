// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the acpi_call reply parser on arbitrary text. */
#include "rom/acpi-call.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bytes[64];
	struct ov_acpi_reply reply;
	char *text = malloc(size + 1);
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';	/* the module's reply is NUL-terminated */
	r = ov_acpi_reply_parse(text, bytes, sizeof(bytes), &reply);
	if (r == 0 && reply.kind == OV_ACPI_REPLY_BUFFER && reply.n_bytes > sizeof(bytes))
		abort();
	(void)ov_acpi_path_valid(text);
	free(text);
	return 0;
}
