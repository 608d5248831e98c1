// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The GPU's guest ACPI node. QEMU names every described PCI function
 * Device(S%02X) of devfn = slot << 3 | fn, nested inside its bridge's node
 * under \_SB.PCI0 (facts-qemu-libvirt §1.1). Whether QEMU's DSDT declares
 * the GPU node itself depends on the version and knobs (§1.2):
 *   - QEMU >= 8.0: every present function behind a cold-plugged bridge;
 *   - QEMU 6.1-7.2: only with ACPI bridge hotplug on (the pc-q35 >= 6.1
 *     default), and never a non-bridge function != 0;
 *   - q35 before 6.1: no ACPI bridge hotplug, no nested nodes (UNVERIFIED).
 * The SSDT then either adds to the node (Scope) or creates it (Device with
 * _ADR) — never both: a second Device fails with AE_ALREADY_EXISTS (§1.4).
 */
#include "aml/guest-path.h"
#include "aml/aml.h"
#include "core/ctx.h"
#include "core/bytes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* §1.1: the q35 LPC bridge at 00:1f.0 is SF8 since QEMU 7.2; PIIX3 at 00:01.0 is S08. */
const char *ov_guest_lpc_path(enum ov_machine machine)
{
	return machine == OV_MACHINE_PC ? "\\_SB.PCI0.S08" : "\\_SB.PCI0.SF8";
}

int ov_machine_parse(const char *s, enum ov_machine *ret)
{
	if (strcmp(s, "q35") == 0)
		*ret = OV_MACHINE_Q35;
	else if (strcmp(s, "pc") == 0)
		*ret = OV_MACHINE_PC;
	else
		return -EINVAL;
	return 0;
}

int ov_slot_fn_parse(const char *s, uint8_t *slot, uint8_t *fn)
{
	int hi, lo;

	if (strlen(s) != 4 || s[2] != '.')
		return -EINVAL;
	hi = ov_hexdigit(s[0]);
	lo = ov_hexdigit(s[1]);
	if (hi < 0 || lo < 0 || s[3] < '0' || s[3] > '7')
		return -EINVAL;
	if (hi * 16 + lo > 0x1f)
		return -EINVAL;
	*slot = (uint8_t)(hi * 16 + lo);
	*fn = (uint8_t)(s[3] - '0');
	return 0;
}

static bool version_at_least(const struct ov_qemu_version *v, unsigned int major,
			     unsigned int minor)
{
	return v->major > major || (v->major == major && v->minor >= minor);
}

/* Does QEMU's own DSDT declare the GPU node? (facts §1.2 table and rules) */
static bool qemu_declares_gpu(const struct ov_guest_topology *t)
{
	if (version_at_least(&t->qemu, 8, 0))
		return true;
	/* Before 8.0 a non-bridge function != 0 gets no node (no AML builder). */
	if (t->gpu_fn != 0)
		return false;
	if (!t->has_root_port)
		return true;	/* a present device on the root bus is always described */
	if (t->machine == OV_MACHINE_Q35 && !version_at_least(&t->qemu, 6, 1))
		return false;
	return t->bridge_hotplug != OV_BRIDGE_HOTPLUG_OFF;
}

static int check_bus0_slot(struct ov_ctx *ctx, const struct ov_guest_topology *t,
			   uint8_t slot, const char *what)
{
	if (slot == 0)
		return ov_ctx_fail(ctx, EINVAL, "%s 00.x is the host bridge", what);
	if (t->machine == OV_MACHINE_Q35 && slot == 0x1f)
		return ov_ctx_fail(ctx, EINVAL, "%s 1f.x is the q35 LPC/SATA/SMBus slot", what);
	if (t->machine == OV_MACHINE_PC && slot == 0x01)
		return ov_ctx_fail(ctx, EINVAL, "%s 01.x is the PIIX slot on pc", what);
	return 0;
}

int ov_gpu_target_from_topology(struct ov_ctx *ctx, const struct ov_guest_topology *t,
				struct ov_gpu_target *ret)
{
	char path[OV_ACPI_PATH_MAX];
	int r;

	memset(ret, 0, sizeof(*ret));
	if (t->has_root_port) {
		r = check_bus0_slot(ctx, t, t->rp_slot, "root port");
		if (r < 0)
			return r;
		/* A PCIe root port has a single device number, 0, below it. */
		if (t->machine == OV_MACHINE_Q35 && t->gpu_slot != 0)
			return ov_ctx_fail(ctx, EINVAL,
					   "GPU slot %02x.%u: behind a PCIe root port only slot 00 exists",
					   t->gpu_slot, t->gpu_fn);
		snprintf(path, sizeof(path), "\\_SB.PCI0.S%02X.S%02X",
			 t->rp_slot << 3 | t->rp_fn, t->gpu_slot << 3 | t->gpu_fn);
	} else {
		r = check_bus0_slot(ctx, t, t->gpu_slot, "GPU slot");
		if (r < 0)
			return r;
		snprintf(path, sizeof(path), "\\_SB.PCI0.S%02X", t->gpu_slot << 3 | t->gpu_fn);
	}
	memcpy(ret->path, path, sizeof(path));
	ret->create_device = !qemu_declares_gpu(t);
	ret->adr = (uint32_t)t->gpu_slot << 16 | t->gpu_fn;
	return 0;
}

int ov_gpu_target_from_path(struct ov_ctx *ctx, const char *path, struct ov_gpu_target *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (path[0] != '\\' || !path[1] || !aml_name_valid(path))
		return ov_ctx_fail(ctx, EINVAL,
				   "GPU path \"%s\": not an absolute ACPI path like \\_SB.PCI0.S08.S00",
				   path);
	if (strlen(path) >= sizeof(ret->path))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "GPU path \"%s\": too long", path);
	strcpy(ret->path, path);
	return 0;
}

void ov_gpu_open(struct aml *a, const struct ov_gpu_target *gpu)
{
	char parent[OV_ACPI_PATH_MAX];
	const char *dot;

	if (!gpu->create_device) {
		aml_scope_open(a, gpu->path);
		return;
	}
	dot = strrchr(gpu->path, '.');
	if (!dot) {
		aml_namestring(a, "?");	/* records -EINVAL */
		return;
	}
	snprintf(parent, sizeof(parent), "%.*s", (int)(dot - gpu->path), gpu->path);
	aml_scope_open(a, parent);
	aml_device_open(a, dot + 1);
	aml_name_decl(a, "_ADR");
	aml_integer(a, gpu->adr);
}

void ov_gpu_close(struct aml *a, const struct ov_gpu_target *gpu)
{
	if (gpu->create_device)
		aml_close(a);
	aml_close(a);
}
