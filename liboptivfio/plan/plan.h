/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host changes as plans: an ordered list of typed steps (design.md §1,
 * peers.md §4.6). Building a plan is pure: it reads the host model and a
 * few facts gathered beforehand (loaded modules, who holds /dev/nvidia*,
 * which power switches exist) and decides. Running a plan (exec.h) checks
 * each step's precondition, acts, verifies, and journals what it did so a
 * failure rolls back exactly and `host release` undoes `host prepare`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/bdf.h"
#include "host/host.h"

struct ov_ctx;

enum ov_step_kind {
	OV_STEP_SET_DRIVER_OVERRIDE,	/* arg: driver name, "" clears */
	OV_STEP_UNBIND,			/* arg: the driver it is bound to */
	OV_STEP_BIND,			/* arg: driver; explicit drivers/<arg>/bind */
	OV_STEP_BIND_VIA_DRIVERS_PROBE,	/* arg: the driver expected to take it */
	OV_STEP_REMOVE_DEVICE,
	OV_STEP_RESCAN_BUS,
	OV_STEP_SET_POWER_CONTROL,	/* arg: "auto" | "on" */
	OV_STEP_LOAD_MODULE,		/* arg: module name */
	OV_STEP_UNLOAD_MODULE,
	OV_STEP_RUN_PROGRAM,		/* arg: command line, words split on spaces */
	OV_STEP_ACPI_CALL,		/* arg: ACPI method path (\_SB_...._OFF) */
	OV_STEP_BBSWITCH,		/* arg: "OFF" | "ON" */
	OV_STEP_KIND_MAX,
};

#define OV_STEP_ARG_MAX 256

struct ov_step {
	enum ov_step_kind kind;
	bool has_bdf;
	struct ov_bdf bdf;
	char arg[OV_STEP_ARG_MAX];
	const char *why;		/* static text: the seed step this encodes */
	/* Filled when the step runs; the journal keeps it for the undo. */
	char before[OV_STEP_ARG_MAX];
	bool skipped;			/* its target held already: nothing done */
	char note[160];			/* what the user should know of how it went, or "" */
};

enum ov_plan_kind { OV_PLAN_PREPARE, OV_PLAN_RELEASE, OV_PLAN_RESET, OV_PLAN_ROLLBACK };

enum ov_power_method {
	OV_POWER_RUNTIME_PM,	/* power/control auto (suspend) then on */
	OV_POWER_BBSWITCH,	/* /proc/acpi/bbswitch OFF/ON, when the module is loaded */
	OV_POWER_ACPI_CALL,	/* <gpu ACPI path>._OFF/_ON through /proc/acpi/call */
};

struct ov_plan {
	enum ov_plan_kind kind;
	struct ov_bdf gpu;
	enum ov_power_method power;	/* reset only */
	struct ov_step *steps;
	size_t n_steps, cap;
};

/* What a plan needs besides the PCI model; read once by ov_plan_env_read(). */
struct ov_holder {
	int pid;
	char comm[32];
	char file[64];		/* /dev/nvidia0 ... */
};

struct ov_plan_env {
	char **modules;			/* loaded, from /proc/modules */
	size_t n_modules;
	struct ov_holder *holders;	/* processes holding /dev/nvidia* */
	size_t n_holders;
	struct ov_bdf *displays;	/* devices with a connected DRM connector */
	size_t n_displays;
	/*
	 * What could not be read, "" when everything could: the checks that
	 * need it then refuse (a GPU in use must not pass as unused because
	 * /proc or /sys/class/drm was unreadable).
	 */
	char holders_unknown[160];
	char displays_unknown[160];
	bool has_bbswitch;		/* /proc/acpi/bbswitch */
	bool has_acpi_call;		/* /proc/acpi/call */
	bool has_nvidia_smi;		/* /usr/bin/nvidia-smi */
};

int ov_plan_env_read(struct ov_ctx *ctx, struct ov_plan_env *env);
void ov_plan_env_clear(struct ov_plan_env *env);
bool ov_plan_env_has_module(const struct ov_plan_env *env, const char *name);

/*
 * Why the GPU must not be handed over (prepare) or reset: the boot VGA, a
 * connected display, a process holding /dev/nvidia*, no IOMMU group, or a
 * foreign endpoint in its group. 0 when safe; else -EBUSY/-EPERM with the
 * explanation in the context. @for_reset skips the IOMMU checks.
 */
int ov_plan_check_safe(struct ov_ctx *ctx, const struct ov_host *host,
		       const struct ov_pci_dev *gpu, const struct ov_plan_env *env,
		       bool for_reset);

/*
 * host prepare: the GPU to vfio-pci, its other functions (HDMI audio) to
 * driver_override=none and unbound, vfio_pci loaded. Refuses unsafe states.
 */
int ov_plan_prepare(struct ov_ctx *ctx, const struct ov_host *host,
		    const struct ov_pci_dev *gpu, const struct ov_plan_env *env,
		    struct ov_plan *plan);

/* host reset: the seed's seven-step procedure (seed-notes "Reset GPU from host"). */
int ov_plan_reset(struct ov_ctx *ctx, const struct ov_host *host,
		  const struct ov_pci_dev *gpu, const struct ov_plan_env *env,
		  struct ov_plan *plan);

/*
 * The undo of @done (steps already applied, with their "before" values):
 * each step's inverse, in reverse order.
 */
int ov_plan_inverse(struct ov_ctx *ctx, const struct ov_plan *done, enum ov_plan_kind kind,
		    struct ov_plan *ret);

int ov_plan_add(struct ov_ctx *ctx, struct ov_plan *plan, enum ov_step_kind kind,
		const struct ov_bdf *bdf, const char *arg, const char *why);
void ov_plan_clear(struct ov_plan *plan);

const char *ov_step_kind_name(enum ov_step_kind kind);
int ov_step_kind_from_name(const char *name);	/* -EINVAL when unknown */
const char *ov_plan_kind_name(enum ov_plan_kind kind);
const char *ov_power_method_text(enum ov_power_method m);
const char *ov_power_method_name(enum ov_power_method m);

/* "unbind 0000:01:00.1 snd_hda_intel": one line, no newline. */
void ov_step_format(const struct ov_step *step, char *buf, size_t size);

/*
 * Ordering rules every plan must keep (checked by the tests and before a
 * run): a bound device is unbound before its driver_override changes (so
 * the undo can bind it back), vfio_pci is loaded before anything is bound
 * to vfio-pci, a removed device comes back only through a later rescan.
 * 0 or -EINVAL naming the offending step.
 */
int ov_plan_validate(struct ov_ctx *ctx, const struct ov_plan *plan);
