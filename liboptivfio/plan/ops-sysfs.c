// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The real effects: the kernel's PCI sysfs interface
 * (Documentation/ABI/testing/sysfs-bus-pci), libkmod for modules,
 * acpi_call's /proc/acpi/call, bbswitch's /proc/acpi/bbswitch.
 */
#include "plan/exec.h"
#include "plan/ops.h"
#include "core/ctx.h"
#include "core/hostfs.h"
#include "rom/acpi-call.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *ov_module_driver_name(const char *module)
{
	static const struct { const char *module, *driver; } map[] = {
		{ "vfio_pci", "vfio-pci" },
		{ "pci_stub", "pci-stub" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].module, module) == 0)
			return map[i].driver;
	return module;
}

int ov_sysfs_write(struct ov_ctx *ctx, const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	do {
		n = write(fd, text, len);
	} while (n < 0 && errno == EINTR);
	err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) < 0 && !err)
		err = errno;
	if (err)
		return ov_ctx_fail(ctx, err, "%s: write \"%.*s\": %s", path,
				   (int)strcspn(text, "\n"), text, strerror(err));
	return 0;
}

bool ov_module_loaded(struct ov_ctx *ctx, const char *name)
{
	char path[PATH_MAX], line[512];
	bool found = false;
	FILE *f;

	if (ov_host_path(ctx, path, sizeof(path), "/sys/module/%s", name) == 0 &&
	    ov_path_exists(path))
		return true;
	if (ov_host_path(ctx, path, sizeof(path), "/proc/modules") < 0)
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = '\0';
		found = strcmp(line, name) == 0;
	}
	fclose(f);
	return found;
}

static int write_host(struct ov_ctx *ctx, const char *text, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write @text to the host file named by @fmt (through the root). */
static int write_host(struct ov_ctx *ctx, const char *text, const char *fmt, ...)
{
	char rel[PATH_MAX], path[PATH_MAX];
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "path too long");
	r = ov_host_path(ctx, path, sizeof(path), "%s", rel);
	return r < 0 ? r : ov_sysfs_write(ctx, path, text);
}

static int sysfs_set_driver_override(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	char text[128];

	/* An empty line clears the override (drivers/pci/pci-sysfs.c). */
	snprintf(text, sizeof(text), "%s\n", drv);
	return write_host(ctx, text, "/sys/bus/pci/devices/%s/driver_override", bdf);
}

static int sysfs_unbind(struct ov_ctx *ctx, const char *bdf)
{
	return write_host(ctx, bdf, "/sys/bus/pci/devices/%s/driver/unbind", bdf);
}

static int sysfs_bind(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	return write_host(ctx, bdf, "/sys/bus/pci/drivers/%s/bind", drv);
}

static int sysfs_drivers_probe(struct ov_ctx *ctx, const char *bdf)
{
	return write_host(ctx, bdf, "/sys/bus/pci/drivers_probe");
}

static int sysfs_remove(struct ov_ctx *ctx, const char *bdf)
{
	return write_host(ctx, "1", "/sys/bus/pci/devices/%s/remove", bdf);
}

static int sysfs_rescan(struct ov_ctx *ctx)
{
	return write_host(ctx, "1", "/sys/bus/pci/rescan");
}

static int sysfs_set_power_control(struct ov_ctx *ctx, const char *bdf, const char *value)
{
	return write_host(ctx, value, "/sys/bus/pci/devices/%s/power/control", bdf);
}

static int sysfs_run_program(struct ov_ctx *ctx, const char *cmdline)
{
	char copy[512], *argv[16], *save = NULL;
	size_t n = 0;
	pid_t pid;
	int status, r;

	if (snprintf(copy, sizeof(copy), "%s", cmdline) >= (int)sizeof(copy))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "command line too long");
	for (char *w = strtok_r(copy, " ", &save); w && n < 15; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (!n)
		return ov_ctx_fail(ctx, EINVAL, "empty command line");
	r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (r)
		return ov_ctx_fail(ctx, r, "%s: %s", argv[0], strerror(r));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ov_ctx_fail(ctx, errno, "%s: %s", argv[0], strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ov_ctx_fail(ctx, EIO, "%s failed (%s %d)", cmdline,
				   WIFEXITED(status) ? "exit status" : "signal",
				   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

/*
 * _OFF/_ON through acpi_call, with the rom module's transport (one
 * command, one reply; facts-rom-acpicall §1). An "Error: AE_..." reply is
 * a failure even though the write itself succeeded. AE_NOT_FOUND: ACPICA
 * found no such method and ran nothing; that is -ENOENT (exec.h), so the
 * executor does not undo a step that never happened (the lab's firmware
 * has no _OFF/_ON on the GPU's node: testsuite/plan/lab/).
 */
static int sysfs_acpi_call(struct ov_ctx *ctx, const char *method)
{
	struct ov_acpi_reply rep;
	char *reply;
	int r;

	if (!ov_acpi_path_valid(method))
		return ov_ctx_fail(ctx, EINVAL, "%s: not an ACPI path", method);
	reply = malloc(OV_ACPI_REPLY_MAX);
	if (!reply)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	r = ov_acpi_call_proc_ops.call(ctx, method, reply, OV_ACPI_REPLY_MAX);
	if (r == 0 && ov_acpi_reply_parse(reply, NULL, 0, &rep) == 0 &&
	    rep.kind == OV_ACPI_REPLY_ERROR) {
		/* Not ov_acpi_error_explain(): its words are about _ROM. */
		if (strcmp(rep.error, "AE_NOT_FOUND") == 0)
			r = ov_ctx_fail(ctx, ENOENT, "acpi_call %s: AE_NOT_FOUND (the firmware "
					"has no such method: nothing ran)", method);
		else
			r = ov_ctx_fail(ctx, EIO, "acpi_call %s: %s (%s)", method, rep.error,
					strncmp(rep.error, "AE_AML_", 7) == 0 ?
					"the method failed while running" : "ACPI error");
	}
	free(reply);
	return r;
}

static int sysfs_bbswitch(struct ov_ctx *ctx, const char *state)
{
	return write_host(ctx, state, "/proc/acpi/bbswitch");
}

const struct ov_exec_ops ov_exec_ops_sysfs = {
	.name = "sysfs",
	.set_driver_override = sysfs_set_driver_override,
	.unbind = sysfs_unbind,
	.bind = sysfs_bind,
	.drivers_probe = sysfs_drivers_probe,
	.remove = sysfs_remove,
	.rescan = sysfs_rescan,
	.set_power_control = sysfs_set_power_control,
	.load_module = ov_kmod_load,
	.unload_module = ov_kmod_unload,
	.run_program = sysfs_run_program,
	.acpi_call = sysfs_acpi_call,
	.bbswitch = sysfs_bbswitch,
};
