// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing a table set into the user's directory: the .aml files, their .dsl
 * disassembly when asked (made by ACPICA's iasl -d), and the manifest
 * optivfio-ssdt.json that the VM configuration module reads.
 *
 * Everything is first written into a staging directory inside DIR; only
 * when all of it is there are the files renamed into place (manifest last).
 * A failure before that leaves DIR's files as they were.
 */
#include "aml/ssdt-output.h"
#include "core/ctx.h"
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static json_object *manifest_json(const struct ov_ssdt_set *set,
				  const struct ov_ssdt_manifest *m)
{
	json_object *o = json_object_new_object(), *tables = json_object_new_array();

	json_object_object_add(o, "mode", json_object_new_string(m->mode));
	json_object_object_add(o, "gpu_path", json_object_new_string(m->gpu->path));
	json_object_object_add(o, "scope",
			       json_object_new_string(m->gpu->create_device ? "device" : "scope"));
	json_object_object_add(o, "fw_cfg_name",
			       m->fw_cfg_name ? json_object_new_string(m->fw_cfg_name) : NULL);
	json_object_object_add(o, "rom", m->rom ? json_object_new_string(m->rom) : NULL);
	for (size_t i = 0; i < set->count; i++)
		json_object_array_add(tables, json_object_new_string(set->tables[i].file));
	json_object_object_add(o, "tables", tables);
	json_object_object_add(o, "battery", json_object_new_string(ov_battery_name(m->battery)));
	return o;
}

char *ov_ssdt_manifest_string(const struct ov_ssdt_set *set, const struct ov_ssdt_manifest *m)
{
	json_object *o = manifest_json(set, m);
	char *s = NULL;

	if (asprintf(&s, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		s = NULL;
	json_object_put(o);
	return s;
}

/* iasl -d FILE (writes FILE's .dsl next to it); 0, or -ENOENT without iasl. */
static int disassemble(const char *aml_path)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "iasl", "-d", (char *)aml_path, NULL };
	pid_t pid;
	int status, r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, "iasl", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EIO;
	return 0;
}

static void remove_stage(const char *stage, const struct ov_ssdt_set *set)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < set->count; i++) {
		snprintf(path, sizeof(path), "%s/%s", stage, set->tables[i].file);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%.*s.dsl", stage,
			 (int)(strlen(set->tables[i].file) - 4), set->tables[i].file);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/%s", stage, OV_SSDT_MANIFEST);
	unlink(path);
	rmdir(stage);
}

/* Names of what goes into DIR, in rename order (tables, their .dsl, manifest). */
static size_t output_names(const struct ov_ssdt_set *set, bool dsl, char names[][40])
{
	size_t n = 0;

	for (size_t i = 0; i < set->count; i++) {
		snprintf(names[n++], 40, "%s", set->tables[i].file);
		if (dsl)
			snprintf(names[n++], 40, "%.*s.dsl",
				 (int)(strlen(set->tables[i].file) - 4), set->tables[i].file);
	}
	snprintf(names[n++], 40, "%s", OV_SSDT_MANIFEST);
	return n;
}

static bool in_set(const struct ov_ssdt_set *set, const char *file)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->tables[i].file, file) == 0)
			return true;
	return false;
}

/*
 * Tables an earlier run listed in DIR's manifest that this run does not
 * write (e.g. ssdt-rom-5.aml after a smaller ROM): removed once the new
 * manifest is in place, so DIR holds one consistent set. Only names of
 * the form ssdt-*.aml, never a path.
 */
static void remove_stale_tables(struct ov_ctx *ctx, const char *dir,
				const struct ov_ssdt_set *set)
{
	char path[PATH_MAX];
	json_object *old, *tables;
	uint8_t *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, OV_SSDT_MANIFEST);
	if (access(path, F_OK) < 0 || ov_read_file(ctx, path, &data, &len) < 0) {
		ov_ctx_clear_error(ctx);
		return;
	}
	old = json_tokener_parse((const char *)data);
	free(data);
	if (!old)
		return;
	if (json_object_object_get_ex(old, "tables", &tables) &&
	    json_object_is_type(tables, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(tables); i++) {
			json_object *e = json_object_array_get_idx(tables, i);
			const char *f = json_object_get_string(e);
			size_t n = f ? strlen(f) : 0;

			if (n < 10 || n > 30 || strncmp(f, "ssdt-", 5) != 0 || strchr(f, '/') ||
			    strcmp(f + n - 4, ".aml") != 0 || in_set(set, f))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, f);
			unlink(path);
			snprintf(path, sizeof(path), "%s/%.*s.dsl", dir, (int)(n - 4), f);
			unlink(path);
		}
	}
	json_object_put(old);
}

int ov_ssdt_write_dir(struct ov_ctx *ctx, const char *dir, const struct ov_ssdt_set *set,
		      const struct ov_ssdt_manifest *m, bool want_dsl, bool *dsl_made)
{
	char stage[PATH_MAX], path[PATH_MAX], dest[PATH_MAX];
	char (*names)[40] = NULL;
	bool dsl = false;
	struct stat st;
	char *json;
	size_t n;
	int r;

	if (dsl_made)
		*dsl_made = false;
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT || mkdir(dir, 0755) < 0)
			return ov_ctx_fail(ctx, errno, "%s: %s", dir, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return ov_ctx_fail(ctx, ENOTDIR, "%s: %s", dir, strerror(ENOTDIR));
	}
	n = (size_t)snprintf(stage, sizeof(stage), "%s/.optivfio-ssdt-XXXXXX", dir);
	if (n >= sizeof(stage))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: %s", dir, strerror(ENAMETOOLONG));
	if (!mkdtemp(stage))
		return ov_ctx_fail(ctx, errno, "%s: %s", dir, strerror(errno));

	for (size_t i = 0; i < set->count; i++) {
		snprintf(path, sizeof(path), "%s/%s", stage, set->tables[i].file);
		r = ov_write_file_atomic(ctx, path, set->tables[i].data, set->tables[i].len, 0644);
		if (r < 0)
			goto fail;
	}
	if (want_dsl) {
		dsl = true;
		for (size_t i = 0; i < set->count && dsl; i++) {
			snprintf(path, sizeof(path), "%s/%s", stage, set->tables[i].file);
			r = disassemble(path);
			if (r == -ENOENT) {
				dsl = false;	/* no iasl: the caller says so */
			} else if (r < 0) {
				ov_ctx_fail(ctx, EIO, "iasl -d %s failed", set->tables[i].file);
				r = -EIO;
				goto fail;
			}
		}
	}
	json = ov_ssdt_manifest_string(set, m);
	if (!json) {
		r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", stage, OV_SSDT_MANIFEST);
	r = ov_write_file_atomic(ctx, path, json, strlen(json), 0644);
	free(json);
	if (r < 0)
		goto fail;

	names = calloc(2 * set->count + 1, sizeof(*names));
	if (!names) {
		r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
		goto fail;
	}
	n = output_names(set, dsl, names);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", stage, names[i]);
		snprintf(dest, sizeof(dest), "%s/%s", dir, names[i]);
		/* The manifest goes last; before it, drop what only the old one listed. */
		if (i == n - 1)
			remove_stale_tables(ctx, dir, set);
		if (rename(path, dest) < 0) {
			r = ov_ctx_fail(ctx, errno, "%s: %s", dest, strerror(errno));
			goto fail;
		}
	}
	free(names);
	remove_stage(stage, set);
	if (dsl_made)
		*dsl_made = dsl;
	return 0;
fail:
	free(names);
	remove_stage(stage, set);
	return r;
}
