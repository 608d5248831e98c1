// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VM configuration as plain QEMU arguments and as Proxmox VE lines:
 * the same topology as the libvirt patch (facts-qemu-libvirt §4.2 shows the
 * arguments libvirt itself generates for it), with each value escaped for
 * QEMU's option parser.
 */
#include "vm/vm.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROOT_PORT_ID "optivfio-rp"
#define GPU_ID "optivfio-gpu"

struct strv {
	char **v;
	size_t n;
	bool failed;
};

static void push(struct strv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void push(struct strv *s, const char *fmt, ...)
{
	char *str, **grown;
	va_list ap;

	if (s->failed)
		return;
	va_start(ap, fmt);
	if (vasprintf(&str, fmt, ap) < 0)
		str = NULL;
	va_end(ap);
	grown = str ? realloc(s->v, (s->n + 2) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(str);
		s->failed = true;
		return;
	}
	s->v = grown;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

static int finish(struct ov_ctx *ctx, struct strv *s, char ***ret, size_t *n)
{
	if (s->failed || !s->v) {
		ov_vm_strv_free(s->v);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	*ret = s->v;
	*n = s->n;
	return 0;
}

/* -acpitable and -fw_cfg: the same in both outputs. */
static void push_tables_and_fwcfg(struct strv *s, const struct ov_vm_config *cfg)
{
	for (size_t i = 0; i < cfg->n_tables; i++) {
		char *f = ov_vm_qemu_escape(cfg->acpi_tables[i]);

		push(s, "-acpitable");
		push(s, "file=%s", f ? f : "");
		s->failed |= !f;
		free(f);
	}
	if (cfg->fwcfg_name && cfg->fwcfg_file) {
		char *n = ov_vm_qemu_escape(cfg->fwcfg_name);
		char *f = ov_vm_qemu_escape(cfg->fwcfg_file);

		push(s, "-fw_cfg");
		push(s, "name=%s,file=%s", n ? n : "", f ? f : "");
		s->failed |= !n || !f;
		free(n);
		free(f);
	}
}

int ov_vm_qemu_args(struct ov_ctx *ctx, const struct ov_vm_config *cfg,
		    char ***argv, size_t *argc)
{
	struct strv s = { NULL, 0, false };
	char bdf[OV_BDF_STRLEN], sub[96] = "", rom[8192] = "";

	ov_bdf_format(&cfg->host_gpu, bdf);
	/* facts §4.2/§4.4: chassis = index 1, port = slot<<3|fn = 8, no hotplug. */
	push(&s, "-device");
	push(&s,
	     "pcie-root-port,id=" ROOT_PORT_ID ",bus=pcie.0,addr=0x1,chassis=1,port=8,"
	     "hotplug=off");
	/* facts §5: the x-pci-sub-* properties are parsed with base 0. */
	if (cfg->have_sub_ids)
		snprintf(sub, sizeof(sub),
			 ",x-pci-sub-vendor-id=0x%04x,x-pci-sub-device-id=0x%04x",
			 cfg->sub_vendor, cfg->sub_device);
	if (cfg->rom_bar_file) {
		char *f = ov_vm_qemu_escape(cfg->rom_bar_file);

		if (!f || strlen(f) > sizeof(rom) - 32) {
			free(f);
			ov_vm_strv_free(s.v);
			return ov_ctx_fail(ctx, ENAMETOOLONG, "ROM path too long");
		}
		snprintf(rom, sizeof(rom), ",rombar=1,romfile=%s", f);
		free(f);
	}
	push(&s, "-device");
	push(&s, "vfio-pci,host=%s,id=" GPU_ID ",bus=" ROOT_PORT_ID ",addr=0x0%s%s", bdf,
	     sub, rom);
	push_tables_and_fwcfg(&s, cfg);
	return finish(ctx, &s, argv, argc);
}

/*
 * Proxmox splits "args:" like a shell (PVE::Tools::split_args), so each
 * argument is shell-quoted. Its hostpci device gets the id "hostpci0",
 * which -set can address.
 */
int ov_vm_proxmox_lines(struct ov_ctx *ctx, const struct ov_vm_config *cfg,
			char ***lines, size_t *n)
{
	struct strv s = { NULL, 0, false }, a = { NULL, 0, false };
	char bdf[OV_BDF_STRLEN], *args = NULL;
	size_t len = 0;
	FILE *f;

	ov_bdf_format(&cfg->host_gpu, bdf);
	push(&s, "machine: q35");
	if (cfg->rom_bar_file) {
		/* Proxmox looks romfile up under /usr/share/kvm/. */
		const char *base = strrchr(cfg->rom_bar_file, '/');

		push(&s, "hostpci0: %s,pcie=1,rombar=1,romfile=%s", bdf,
		     base ? base + 1 : cfg->rom_bar_file);
	} else {
		push(&s, "hostpci0: %s,pcie=1", bdf);
	}
	/* Seed "Fake battery": a USB tablet, not PS/2 or virtio (Proxmox's own
	 * tablet option, on by default, is a USB tablet). */
	if (cfg->battery)
		push(&s, "tablet: 1");
	if (cfg->have_sub_ids) {
		push(&a, "-set");
		push(&a, "device.hostpci0.x-pci-sub-vendor-id=0x%04x", cfg->sub_vendor);
		push(&a, "-set");
		push(&a, "device.hostpci0.x-pci-sub-device-id=0x%04x", cfg->sub_device);
	}
	push_tables_and_fwcfg(&a, cfg);
	if (a.failed) {
		ov_vm_strv_free(a.v);
		ov_vm_strv_free(s.v);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	if (a.n) {
		f = open_memstream(&args, &len);
		if (!f) {
			s.failed = true;
		} else {
			fputs("args:", f);
			for (size_t i = 0; i < a.n; i++) {
				char *q = ov_vm_shell_quote(a.v[i]);

				fprintf(f, " %s", q ? q : "''");
				s.failed |= !q;
				free(q);
			}
			fclose(f);
			push(&s, "%s", args);
			free(args);
		}
	}
	ov_vm_strv_free(a.v);
	return finish(ctx, &s, lines, n);
}
