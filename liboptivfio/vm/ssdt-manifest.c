// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read optivfio-ssdt.json, the manifest `optivfio ssdt -o DIR` writes:
 * {"mode":"fwcfg"|"embed","gpu_path":"\\_SB...","scope":"scope"|"device",
 *  "fw_cfg_name":"opt/..."|null,"rom":"/abs"|null,"tables":["x.aml",...],
 *  "battery":"none"|"absent"|"present"}
 * Table names are relative to DIR and listed in QEMU order.
 */
#include "vm/vm.h"
#include "core/ctx.h"
#include "core/fileio.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

void ov_vm_ssdt_manifest_free(struct ov_vm_ssdt_manifest *m)
{
	free(m->gpu_path);
	free(m->fw_cfg_name);
	free(m->rom);
	for (size_t i = 0; i < m->n_tables; i++)
		free(m->tables[i]);
	free(m->tables);
	memset(m, 0, sizeof(*m));
}

/* A string member, or NULL when absent or JSON null; -1 for another type. */
static int get_string(json_object *o, const char *key, const char **ret)
{
	json_object *v;

	*ret = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*ret = json_object_get_string(v);
	return 0;
}

static int load(struct ov_ctx *ctx, const char *absdir, json_object *o,
		struct ov_vm_ssdt_manifest *m)
{
	const char *mode, *s, *battery;
	json_object *tables;

	if (!json_object_is_type(o, json_type_object))
		return ov_ctx_fail(ctx, EINVAL, "not a JSON object");
	if (get_string(o, "mode", &mode) < 0 || !mode ||
	    (strcmp(mode, "fwcfg") && strcmp(mode, "embed")))
		return ov_ctx_fail(ctx, EINVAL,
				   "\"mode\" must be \"fwcfg\" or \"embed\"");
	m->fwcfg_mode = strcmp(mode, "fwcfg") == 0;
	if (get_string(o, "gpu_path", &s) < 0)
		return ov_ctx_fail(ctx, EINVAL, "\"gpu_path\" is not a string");
	m->gpu_path = s ? strdup(s) : NULL;
	if (m->fwcfg_mode) {
		if (get_string(o, "fw_cfg_name", &s) < 0 || !s || strncmp(s, "opt/", 4) ||
		    strlen(s) > 55)
			/* facts §2.5: user names start with opt/, at most 55 bytes. */
			return ov_ctx_fail(ctx, EINVAL,
					   "fwcfg mode needs \"fw_cfg_name\" "
					   "\"opt/...\" (at most 55 bytes)");
		m->fw_cfg_name = strdup(s);
		if (get_string(o, "rom", &s) < 0 || !s || s[0] != '/')
			return ov_ctx_fail(ctx, EINVAL, "fwcfg mode needs \"rom\" as an "
					   "absolute path");
		if (access(s, R_OK) < 0)
			return ov_ctx_fail(ctx, errno, "ROM %s: %s", s, strerror(errno));
		m->rom = strdup(s);
	}
	if (get_string(o, "battery", &battery) < 0)
		return ov_ctx_fail(ctx, EINVAL, "\"battery\" is not a string");
	if (!battery || strcmp(battery, "none") == 0)
		m->battery = OV_VM_BATTERY_NONE;
	else if (strcmp(battery, "absent") == 0)
		m->battery = OV_VM_BATTERY_ABSENT;
	else if (strcmp(battery, "present") == 0)
		m->battery = OV_VM_BATTERY_PRESENT;
	else
		return ov_ctx_fail(ctx, EINVAL, "unknown \"battery\": %s", battery);
	if (!json_object_object_get_ex(o, "tables", &tables) ||
	    !json_object_is_type(tables, json_type_array))
		return ov_ctx_fail(ctx, EINVAL, "\"tables\" must be an array");
	size_t n = json_object_array_length(tables);

	m->tables = calloc(n + 1, sizeof(*m->tables));
	if (!m->tables)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *t = json_object_array_get_idx(tables, i);
		const char *name = json_object_get_string(t);
		char path[PATH_MAX];

		/* Names inside DIR only: no directories, no "..". */
		if (!json_object_is_type(t, json_type_string) || !*name ||
		    strchr(name, '/') || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0)
			return ov_ctx_fail(ctx, EINVAL,
					   "table %zu: not a file name in the "
					   "directory",
					   i);
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", absdir, name) >=
		    sizeof(path))
			return ov_ctx_fail(ctx, ENAMETOOLONG, "table %s: path too long",
					   name);
		if (access(path, R_OK) < 0)
			return ov_ctx_fail(ctx, errno, "table %s: %s", path,
					   strerror(errno));
		m->tables[m->n_tables] = strdup(path);
		if (!m->tables[m->n_tables++])
			return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	if (!m->gpu_path || (m->fwcfg_mode && (!m->fw_cfg_name || !m->rom)))
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	return 0;
}

int ov_vm_ssdt_manifest_load(struct ov_ctx *ctx, const char *dir,
			     struct ov_vm_ssdt_manifest *ret)
{
	char absdir[PATH_MAX], path[PATH_MAX + 32];
	struct ov_vm_ssdt_manifest m = { 0 };
	json_tokener *tok;
	json_object *o;
	uint8_t *data;
	size_t len;
	int r;

	/* The XML must name the tables by absolute path (QEMU runs elsewhere). */
	if (!realpath(dir, absdir))
		return ov_ctx_fail(ctx, errno, "%s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/" OV_VM_SSDT_MANIFEST, absdir);
	r = ov_read_file(ctx, path, &data, &len);
	if (r < 0)
		return r;
	tok = json_tokener_new();
	o = tok ? json_tokener_parse_ex(tok, (const char *)data, (int)len) : NULL;
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		r = ov_ctx_fail(ctx, EINVAL, "%s: not valid JSON", path);
	} else {
		r = load(ctx, absdir, o, &m);
		if (r < 0)
			ov_ctx_prefix(ctx, "%s", path);
	}
	json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	free(data);
	if (r < 0) {
		ov_vm_ssdt_manifest_free(&m);
		return r;
	}
	*ret = m;
	return 0;
}
