/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small json-c helpers for --json output (schemas: optivfio(1)). */
#pragma once

#include <json-c/json.h>
#include <stdio.h>

static inline void json_add_string(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

/* "" becomes null: the field is unknown or absent. */
static inline void json_add_string_or_null(struct json_object *o, const char *key,
					   const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

/* Ids as lower-case hex strings without 0x, as lspci -n prints them. */
static inline void json_add_hex(struct json_object *o, const char *key, unsigned v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	json_add_string(o, key, buf);
}

/* Print and release @root; non-zero if stdout failed. */
static inline int json_print(struct json_object *root)
{
	int r = puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;

	json_object_put(root);
	return r;
}
