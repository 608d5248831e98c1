// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulator. Module side (acpi_call 1.2.x, facts §1.2-1.4): one trailing
 * newline stripped, the path ends at the first space, arguments separated by
 * single spaces, integers via simple_strtol (decimal or 0x), relative path ->
 * AE_BAD_PARAMETER, unknown path -> AE_NOT_FOUND, a Buffer printed as
 * "{0x.., ...}" with at most BUFFER_SIZE/6 bytes and a trailing comma when
 * cut. The reply is handed over with its NUL, and only if it fits.
 */
#include "acpi-call-sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t sim_format_buffer(const uint8_t *p, size_t len, size_t buffer_size, char *out)
{
	size_t shown = len < buffer_size / 6 ? len : buffer_size / 6, n = 0;

	out[n++] = '{';
	for (size_t i = 0; i < shown; i++)
		n += (size_t)sprintf(out + n, i ? ", 0x%02x" : "0x%02x", p[i]);
	out[n++] = shown < len ? ',' : '}';
	out[n] = '\0';
	return n;
}

/* simple_strtol() accepts what strtol base 0 does, and ignores junk after. */
static bool parse_int(const char *s, long *v)
{
	char *end;

	if (!*s)
		return false;
	*v = strtol(s, &end, 0);
	return end != s;
}

/* The firmware's _ROM(Arg0, Arg1): fills @out, returns the buffer length. */
static size_t run_rom(struct sim *s, size_t off, size_t len, uint8_t *out)
{
	size_t n;

	switch (s->fw) {
	case SIM_INSYDE: {
		/* facts §2.4: Name(VBUF, Arg1 bytes of zero), copy clamped. */
		size_t copy = len > 4096 ? 4096 : len, win_end;

		memset(out, 0, len);
		if (off > s->rvbs)
			return len;
		if (off + copy > s->rvbs)
			copy = s->rvbs - off;
		win_end = (off / 0x8000 + 1) * 0x8000;
		if (off + copy > win_end)
			copy = win_end - off;
		for (size_t i = 0; i < copy; i++)
			out[i] = off + i < s->rom_len ? s->rom[off + i] : 0;
		return len;
	}
	case SIM_HP:
		if (off >= s->rom_len) {
			out[0] = 0;
			return 1;
		}
		for (size_t i = 0; i < 4096; i++)
			out[i] = off + i < s->rom_len ? s->rom[off + i] : 0;
		return 4096;
	case SIM_SHORT:
		if (off >= s->rom_len)
			return 0;
		n = len > 4096 ? 4096 : len;
		if (n > s->rom_len - off)
			n = s->rom_len - off;
		memcpy(out, s->rom + off, n);
		return n;
	default:
		return 0;
	}
}

static int sim_call(void *userdata, const char *cmd, char *reply, size_t size)
{
	struct sim *s = userdata;
	char input[512], *args[17], *sp, method[320];
	static uint8_t result[1 << 16];
	char *text;
	size_t argc = 0, rlen;
	long off, len;
	int ret = 0;

	text = malloc(s->buffer_size + 16);
	if (!text)
		return -ENOMEM;
	s->calls++;
	snprintf(input, sizeof(input), "%s", cmd);
	if (*input && input[strlen(input) - 1] == '\n')
		input[strlen(input) - 1] = '\0';
	sp = strchr(input, ' ');
	if (sp) {
		*sp++ = '\0';
		/* Every space starts an argument, even an empty one. */
		args[argc++] = sp;
		for (char *p = sp; (p = strchr(p, ' ')) && argc < 16; ) {
			*p++ = '\0';
			args[argc++] = p;
		}
	}
	snprintf(method, sizeof(method), "%s._ROM", s->path);

	if (s->fw == SIM_NOT_CALLED) {
		snprintf(text, s->buffer_size, "not called");
	} else if (input[0] != '\\') {
		snprintf(text, s->buffer_size, "Error: AE_BAD_PARAMETER");
	} else if (strcmp(input, method) != 0) {
		snprintf(text, s->buffer_size, "Error: AE_NOT_FOUND");
	} else if (argc != 2 || !parse_int(args[0], &off) || !parse_int(args[1], &len) ||
		   off < 0 || len < 0 || len > 0x10000) {
		/* An empty argument is uninitialised: the AML faults on it. */
		snprintf(text, s->buffer_size, "Error: AE_AML_UNINITIALIZED_ARG");
	} else if (s->error_at_call > 0 && (long)s->calls == s->error_at_call) {
		snprintf(text, s->buffer_size, "Error: %s", s->error_name);
	} else {
		if ((size_t)len > s->max_len)
			s->max_len = (size_t)len;
		if (len && (size_t)off / 4096 != ((size_t)off + (size_t)len - 1) / 4096)
			s->crossed_4k++;
		if (s->calls > 1 && (size_t)(off + len) > s->max_end)
			s->max_end = (size_t)(off + len);
		rlen = s->fw == SIM_EMPTY ? 0 : run_rom(s, (size_t)off, (size_t)len, result);
		sim_format_buffer(result, rlen, s->buffer_size, text);
	}
	snprintf(s->last_reply, sizeof(s->last_reply), "%s", text);
	/* 1.2.x: a read() smaller than reply + NUL returns 0 bytes. */
	if (strlen(text) + 1 > size)
		reply[0] = '\0';
	else
		memcpy(reply, text, strlen(text) + 1);
	free(text);
	return ret;
}

const struct ov_acpi_call_ops sim_ops = {
	.call = sim_call,
};
