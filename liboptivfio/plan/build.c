// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Building the prepare and reset plans: pure functions of the host model
 * and the plan environment. Nothing here touches the host.
 */
#include "plan/plan.h"
#include "core/ctx.h"
#include "host/groups.h"
#include "rom/acpi-call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define VFIO_DRIVER "vfio-pci"
#define VFIO_MODULE "vfio_pci"

/* Modules that hold an NVIDIA GPU, dependents first (the unload order). */
static const char *const gpu_modules[] = {
	"nvidia_drm", "nvidia_modeset", "nvidia_uvm", "nvidia", "nouveau", "bbswitch",
};

int ov_plan_check_safe(struct ov_ctx *ctx, const struct ov_host *host,
		       const struct ov_pci_dev *gpu, const struct ov_plan_env *env,
		       bool for_reset)
{
	struct ov_gpu_group *g;
	char b[OV_BDF_STRLEN];
	int r;

	ov_bdf_format(&gpu->bdf, b);
	if (gpu->boot_vga == 1)
		return ov_ctx_fail(ctx, EBUSY, "%s is the boot VGA device: the firmware and "
				   "console use it, taking it away leaves the host blind", b);
	/* Fail closed: what cannot be read cannot be shown to be safe. */
	if (gpu->boot_vga == OV_BOOT_VGA_UNREADABLE)
		return ov_ctx_fail(ctx, EACCES, "cannot read whether %s is the boot VGA "
				   "device (its boot_vga): refusing", b);
	if (*env->displays_unknown)
		return ov_ctx_fail(ctx, EACCES, "cannot tell whether %s drives a display "
				   "(%s): refusing", b, env->displays_unknown);
	if (*env->holders_unknown)
		return ov_ctx_fail(ctx, EACCES, "cannot tell whether a process holds %s "
				   "(%s): refusing; run as root", b, env->holders_unknown);
	for (size_t i = 0; i < env->n_displays; i++)
		if (ov_bdf_compare(&env->displays[i], &gpu->bdf) == 0)
			return ov_ctx_fail(ctx, EBUSY, "%s drives a connected display "
					   "(/sys/class/drm): unplug it or move the session "
					   "to the other GPU first", b);
	if (env->n_holders) {
		const struct ov_holder *h = &env->holders[0];

		return ov_ctx_fail(ctx, EBUSY, "process %d (%s) holds %s%s: close it first "
				   "(see 'fuser -v /dev/nvidia*')", h->pid, h->comm, h->file,
				   env->n_holders > 1 ? " (and others)" : "");
	}
	if (for_reset)
		return 0;

	if (gpu->iommu_group < 0)
		return ov_ctx_fail(ctx, EPERM, "%s has no IOMMU group: the IOMMU is off "
				   "(add intel_iommu=on or amd_iommu=on to the kernel command "
				   "line and enable VT-d/AMD-Vi)", b);
	r = ov_host_gpu_group(ctx, host, gpu, &g);
	if (r < 0)
		return r;
	for (size_t i = 0; i < g->n_members; i++) {
		if (g->members[i].role != OV_ROLE_OTHER)
			continue;
		ov_bdf_format(&g->members[i].dev->bdf, b);
		r = ov_ctx_fail(ctx, EPERM, "IOMMU group %d also holds %s, which is not part "
				"of the GPU: it would have to go to the VM too", g->group, b);
		break;
	}
	ov_gpu_group_free(g);
	return r < 0 ? r : 0;
}

int ov_plan_prepare(struct ov_ctx *ctx, const struct ov_host *host,
		    const struct ov_pci_dev *gpu, const struct ov_plan_env *env,
		    struct ov_plan *plan)
{
	const struct ov_pci_dev *sib[8];
	size_t n_sib;
	int r;

	memset(plan, 0, sizeof(*plan));
	plan->kind = OV_PLAN_PREPARE;
	plan->gpu = gpu->bdf;
	r = ov_plan_check_safe(ctx, host, gpu, env, false);
	if (r < 0)
		return r;

	/*
	 * The other functions of the GPU (HDMI audio): no driver at all. The
	 * seed: passing the audio function can cause Code 43, and vfio-pci
	 * touches it just for being in the group; driver_override=none keeps
	 * every driver (vfio-pci included) off it.
	 */
	n_sib = ov_host_siblings(host, gpu, sib, 8);
	for (size_t i = 0; r == 0 && i < n_sib && i < 8; i++) {
		const struct ov_pci_dev *d = sib[i];

		if (*d->driver)
			r = ov_plan_add(ctx, plan, OV_STEP_UNBIND, &d->bdf, d->driver,
					"the GPU's HDMI audio must not be driven by the host");
		if (r == 0 && strcmp(d->driver_override, "none") != 0)
			r = ov_plan_add(ctx, plan, OV_STEP_SET_DRIVER_OVERRIDE, &d->bdf, "none",
					"keep every driver, vfio-pci too, off the audio function");
	}

	/*
	 * vfio-pci before the GPU leaves its driver: when vfio_pci cannot be
	 * loaded the GPU was never touched (and the audio steps roll back).
	 */
	if (r == 0 && !ov_plan_env_has_module(env, VFIO_MODULE))
		r = ov_plan_add(ctx, plan, OV_STEP_LOAD_MODULE, NULL, VFIO_MODULE,
				"vfio-pci must exist before the GPU is bound to it");

	/* The GPU itself: driverctl's sequence, unbind first (see plan.h). */
	if (r == 0 && strcmp(gpu->driver, VFIO_DRIVER) != 0) {
		if (*gpu->driver)
			r = ov_plan_add(ctx, plan, OV_STEP_UNBIND, &gpu->bdf, gpu->driver,
					"release the GPU from its host driver");
		if (r == 0 && strcmp(gpu->driver_override, VFIO_DRIVER) != 0)
			r = ov_plan_add(ctx, plan, OV_STEP_SET_DRIVER_OVERRIDE, &gpu->bdf,
					VFIO_DRIVER, "only vfio-pci may take the GPU");
		if (r == 0)
			r = ov_plan_add(ctx, plan, OV_STEP_BIND_VIA_DRIVERS_PROBE, &gpu->bdf,
					VFIO_DRIVER, "bind the GPU to vfio-pci");
	}
	if (r == 0)
		r = ov_plan_validate(ctx, plan);
	if (r < 0)
		ov_plan_clear(plan);
	return r;
}

static enum ov_power_method pick_power(const struct ov_pci_dev *gpu,
				       const struct ov_plan_env *env)
{
	if (env->has_bbswitch && ov_plan_env_has_module(env, "bbswitch"))
		return OV_POWER_BBSWITCH;
	if (env->has_acpi_call && ov_acpi_path_valid(gpu->acpi_path))
		return OV_POWER_ACPI_CALL;
	return OV_POWER_RUNTIME_PM;
}

static int add_power(struct ov_ctx *ctx, struct ov_plan *plan, const struct ov_pci_dev *gpu,
		     bool on)
{
	const char *why = on ? "reset step 2: power the GPU on"
			     : "reset step 1: power the GPU off";
	char method[OV_STEP_ARG_MAX];

	switch (plan->power) {
	case OV_POWER_BBSWITCH:
		return ov_plan_add(ctx, plan, OV_STEP_BBSWITCH, NULL, on ? "ON" : "OFF", why);
	case OV_POWER_ACPI_CALL:
		if (snprintf(method, sizeof(method), "%s.%s", gpu->acpi_path,
			     on ? "_ON" : "_OFF") >= (int)sizeof(method))
			return ov_ctx_fail(ctx, ENAMETOOLONG, "ACPI path too long");
		return ov_plan_add(ctx, plan, OV_STEP_ACPI_CALL, NULL, method, why);
	case OV_POWER_RUNTIME_PM:
		break;
	}
	return ov_plan_add(ctx, plan, OV_STEP_SET_POWER_CONTROL, &gpu->bdf,
			   on ? "on" : "auto", why);
}

int ov_plan_reset(struct ov_ctx *ctx, const struct ov_host *host,
		  const struct ov_pci_dev *gpu, const struct ov_plan_env *env,
		  struct ov_plan *plan)
{
	const char *unloaded[sizeof(gpu_modules) / sizeof(gpu_modules[0])];
	const struct ov_pci_dev *sib[8];
	size_t n_unloaded = 0, n_sib;
	bool nvidia_back = false;
	char cmd[OV_STEP_ARG_MAX], b[OV_BDF_STRLEN];
	int r;

	memset(plan, 0, sizeof(*plan));
	plan->kind = OV_PLAN_RESET;
	plan->gpu = gpu->bdf;
	r = ov_plan_check_safe(ctx, host, gpu, env, true);
	if (r < 0)
		return r;
	plan->power = pick_power(gpu, env);

	r = add_power(ctx, plan, gpu, false);
	if (r == 0)
		r = add_power(ctx, plan, gpu, true);

	for (size_t i = 0; r == 0 && i < sizeof(gpu_modules) / sizeof(gpu_modules[0]); i++) {
		if (!ov_plan_env_has_module(env, gpu_modules[i]))
			continue;
		r = ov_plan_add(ctx, plan, OV_STEP_UNLOAD_MODULE, NULL, gpu_modules[i],
				"reset step 3: unload modules that rely on the GPU");
		unloaded[n_unloaded++] = gpu_modules[i];
	}

	/* Functions first, then the port they hang from (seed step 4). */
	n_sib = ov_host_siblings(host, gpu, sib, 8);
	for (size_t i = n_sib < 8 ? n_sib : 8; r == 0 && i-- > 0;)
		r = ov_plan_add(ctx, plan, OV_STEP_REMOVE_DEVICE, &sib[i]->bdf, NULL,
				"reset step 4: remove the GPU's functions");
	if (r == 0)
		r = ov_plan_add(ctx, plan, OV_STEP_REMOVE_DEVICE, &gpu->bdf, NULL,
				"reset step 4: remove the GPU");
	if (r == 0 && gpu->has_parent)
		r = ov_plan_add(ctx, plan, OV_STEP_REMOVE_DEVICE, &gpu->parent, NULL,
				"reset step 4: remove the GPU's parent port");
	if (r == 0)
		r = ov_plan_add(ctx, plan, OV_STEP_RESCAN_BUS, NULL, NULL,
				"reset step 5: rescan the PCI bus");

	/* Seed step 6: put back what was loaded, in load order. */
	for (size_t i = n_unloaded; r == 0 && i-- > 0;) {
		r = ov_plan_add(ctx, plan, OV_STEP_LOAD_MODULE, NULL, unloaded[i],
				"reset step 6: load the driver again");
		if (strcmp(unloaded[i], "nvidia") == 0)
			nvidia_back = true;
	}
	if (r == 0 && nvidia_back && env->has_nvidia_smi) {
		snprintf(cmd, sizeof(cmd), "nvidia-smi --gpu-reset -i %s",
			 ov_bdf_format(&gpu->bdf, b));
		r = ov_plan_add(ctx, plan, OV_STEP_RUN_PROGRAM, NULL, cmd,
				"reset step 7: nvidia-smi --gpu-reset");
	}
	if (r == 0)
		r = ov_plan_validate(ctx, plan);
	if (r < 0)
		ov_plan_clear(plan);
	return r;
}
