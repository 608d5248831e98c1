// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Patch a libvirt domain with the seed's workarounds (design.md §5,
 * facts-qemu-libvirt §4). Every change goes into the record described in
 * libvirt-doc.h, so libvirt-remove.c can undo it.
 */
#include "vm/vm.h"
#include "vm/libvirt-doc.h"
#include "vm/xmledit.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A device we change in place, and its state before we touched it. */
struct touched {
	xmlNodePtr node;
	xmlNodePtr original;
	bool by_alias;		/* found again by OV_VM_GPU_ALIAS */
};

struct patch {
	struct ov_ctx *ctx;
	const struct ov_vm_config *cfg;
	struct ov_vm_notes *notes;
	unsigned version;
	xmlDocPtr doc;
	xmlNodePtr root, devices, rec;
	xmlNsPtr ours, qns;
	struct touched touched[64];
	size_t n_touched;
	unsigned next_removed;
	char **args;		/* qemu:commandline values to append */
	size_t n_args;
};

static void note(struct ov_vm_notes *notes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct ov_vm_notes *notes, const char *fmt, ...)
{
	va_list ap;
	char *line, **grown;

	if (!notes)
		return;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	grown = realloc(notes->lines, (notes->n + 1) * sizeof(*grown));
	if (!grown) {
		free(line);
		return;
	}
	notes->lines = grown;
	notes->lines[notes->n++] = line;
}

void ov_vm_notes_clear(struct ov_vm_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++)
		free(notes->lines[i]);
	free(notes->lines);
	notes->lines = NULL;
	notes->n = 0;
}

/* <optivfio:NAME attr=value ...> appended to the record. */
static xmlNodePtr record(struct patch *p, const char *name)
{
	return ovx_add(p->rec, p->ours, name);
}

static void set(xmlNodePtr n, const char *attr, const char *value)
{
	xmlSetProp(n, BAD_CAST attr, BAD_CAST value);
}

static void setf(xmlNodePtr n, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void setf(xmlNodePtr n, const char *attr, const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	set(n, attr, buf);
}

static void record_added(struct patch *p, const char *element, const char *alias)
{
	xmlNodePtr e = record(p, "added");

	set(e, "element", element);
	set(e, "alias", alias);
}

static void record_created(struct patch *p, const char *path)
{
	set(record(p, "created"), "element", path);
}

/* An existing <p/> we are about to fill: remove makes it <p/> again. */
static void note_empty(struct patch *p, xmlNodePtr n, const char *path)
{
	if (ovx_is_empty(n))
		set(record(p, "was-empty"), "element", path);
}

/* Child @name of @parent, created (and recorded as ours) when missing. */
static xmlNodePtr ensure(struct patch *p, xmlNodePtr parent, const char *name,
			 const char *path)
{
	xmlNodePtr n = ovx_child(parent, name);

	if (n) {
		/* <acpi/> stays empty: nothing of ours goes into it. */
		if (strcmp(path, "features/acpi") != 0)
			note_empty(p, n, path);
		return n;
	}
	n = ovx_add(parent, NULL, name);
	record_created(p, path);
	return n;
}

static xmlNsPtr qemu_ns(struct patch *p)
{
	if (p->qns)
		return p->qns;
	p->qns = xmlSearchNsByHref(p->doc, p->root, BAD_CAST OV_QEMU_XMLNS);
	if (p->qns)
		return p->qns;
	p->qns = xmlNewNs(p->root, BAD_CAST OV_QEMU_XMLNS, BAD_CAST "qemu");
	if (p->qns)
		record(p, "declared-qemu-ns");
	return p->qns;
}

/* By URI: the prefix and the declaring element may differ. */
static bool in_qemu_ns(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       xmlStrcmp(n->ns->href, BAD_CAST OV_QEMU_XMLNS) == 0;
}

static int need_qemu_ns(struct patch *p, xmlNsPtr *ns)
{
	*ns = qemu_ns(p);
	if (*ns)
		return 0;
	return ov_ctx_fail(p->ctx, EINVAL, "the prefix 'qemu' is bound to another "
			   "namespace in this domain");
}

static xmlNodePtr qemu_child(struct patch *p, const char *name)
{
	xmlNsPtr ns = qemu_ns(p);
	char path[32];

	snprintf(path, sizeof(path), "qemu:%s", name);
	for (xmlNodePtr c = p->root->children; c; c = c->next) {
		if (in_qemu_ns(c) &&
		    xmlStrcmp(c->name, BAD_CAST name) == 0) {
			note_empty(p, c, path);
			return c;
		}
	}
	record_created(p, path);
	return ovx_add(p->root, ns, name);
}

/* Remember @dev's state before its first change. */
static struct touched *touch(struct patch *p, xmlNodePtr dev)
{
	for (size_t i = 0; i < p->n_touched; i++)
		if (p->touched[i].node == dev)
			return &p->touched[i];
	if (p->n_touched == sizeof(p->touched) / sizeof(*p->touched))
		return NULL;
	p->touched[p->n_touched] = (struct touched){ dev, ovx_clone(dev, p->rec), false };
	if (!p->touched[p->n_touched].original)
		return NULL;
	return &p->touched[p->n_touched++];
}

/* Take @dev out; a comment keeps its place for ov_vm_libvirt_remove(). */
static void remove_device(struct patch *p, xmlNodePtr dev)
{
	char mark[64];
	xmlNodePtr e = record(p, "removed");

	snprintf(mark, sizeof(mark), OV_REMOVED_MARK "%u", ++p->next_removed);
	setf(e, "id", "%u", p->next_removed);
	xmlReplaceNode(dev, xmlNewDocComment(p->doc, BAD_CAST mark));
	ovx_append(e, dev);
	/* Prefixes declared on <devices> are not in scope in the record. */
	xmlReconciliateNs(p->doc, dev);
}

static void add_arg(struct patch *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_arg(struct patch *p, const char *fmt, ...)
{
	char **grown, *s;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	grown = s ? realloc(p->args, (p->n_args + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(s);
		return;
	}
	p->args = grown;
	p->args[p->n_args++] = s;
}

/* facts-qemu-libvirt §7.1: only q35 has the PCIe root ports the GPU sits behind. */
static int check_machine(struct patch *p)
{
	xmlNodePtr type = ovx_child(ovx_child(p->root, "os"), "type");
	xmlChar *m = type ? xmlGetNoNsProp(type, BAD_CAST "machine") : NULL;
	int r = 0;

	if (!m)
		r = ov_ctx_fail(
			p->ctx, EINVAL,
			"the domain names no machine type, so libvirt "
			"uses i440fx ('pc'), which has no PCIe root port for the GPU: "
			"set <type machine='q35'>");
	else if (!strstr((const char *)m, "q35"))
		r = ov_ctx_fail(
			p->ctx, EINVAL,
			"machine type '%s' is not q35: the GPU needs a "
			"PCIe root port at 00:01.0, which only q35 has (i440fx 'pc' has "
			"plain PCI); use machine='q35'",
			(const char *)m);
	xmlFree(m);
	return r;
}

static bool same_slot_as_gpu(const struct ov_bdf *g, const struct ovl_pci_addr *a)
{
	return a->domain == g->domain && a->bus == g->bus && a->slot == g->dev;
}

/*
 * Hostdevs of the GPU's host slot: the first one of the GPU function is
 * returned (it becomes ours), the HDMI audio function and duplicates are
 * taken out (seed "Not passing through the HDMI Audio": Code 43).
 */
static xmlNodePtr claim_gpu_hostdevs(struct patch *p)
{
	const struct ov_bdf *g = &p->cfg->host_gpu;
	xmlNodePtr d, next, gpu = NULL;
	char bdf[OV_BDF_STRLEN];

	for (d = ovx_child(p->devices, "hostdev"); d; d = next) {
		struct ovl_pci_addr a;
		xmlNodePtr src = ovx_child(ovx_child(d, "source"), "address");

		next = ovx_next(d, "hostdev");
		if (!ovx_attr_is(d, "type", "pci") || !src ||
		    !ovl_pci_addr_parse(src, &a) || !same_slot_as_gpu(g, &a))
			continue;
		if (a.function == g->fn && !gpu) {
			gpu = d;
			continue;
		}
		ov_bdf_format(&(struct ov_bdf){ g->domain, g->bus, g->dev,
						(uint8_t)a.function },
			      bdf);
		if (a.function == g->fn)
			note(p->notes, "removed a second hostdev of %s", bdf);
		else
			note(p->notes,
			     "removed the hostdev of %s: the GPU's other functions "
			     "(HDMI audio) must not be passed (it can cause Code 43)",
			     bdf);
		remove_device(p, d);
	}
	return gpu;
}

/* Every device element of <devices> with a PCI address, for @fn. */
static void for_each_pci_device(struct patch *p,
				void (*fn)(struct patch *, xmlNodePtr, xmlNodePtr,
					   struct ovl_pci_addr *, void *),
				void *data)
{
	for (xmlNodePtr d = p->devices->children; d; d = d->next) {
		struct ovl_pci_addr a;
		xmlNodePtr an;

		if (d->type == XML_ELEMENT_NODE && ovl_pci_addr_get(d, &a, &an))
			fn(p, d, an, &a, data);
	}
}

static void follow_bus(struct patch *p, xmlNodePtr dev, xmlNodePtr an,
		       struct ovl_pci_addr *a, void *data)
{
	unsigned to = *(unsigned *)data;

	if (a->bus != 1 || !touch(p, dev))
		return;
	a->bus = to;
	ovl_pci_addr_set(an, a);
}

/*
 * Controller index 1 is the root port's (facts §4.4: bus='0x01' in an
 * address means "the controller with index 1"). Whatever has it moves to
 * the next free index, and every device on it follows.
 */
static int free_controller_index_1(struct patch *p)
{
	xmlNodePtr old = ovl_find_controller(p->devices, "pci", 1), c, target;
	unsigned max = 0, i, chassis;

	if (!old)
		return 0;
	for (c = ovx_child(p->devices, "controller"); c; c = ovx_next(c, "controller"))
		if (ovx_attr_is(c, "type", "pci") && ovl_uint_attr(c, "index", &i) &&
		    i > max)
			max = i;
	if (max >= 255)
		return ov_ctx_fail(p->ctx, ENOSPC, "no free PCI controller index");
	if (!touch(p, old))
		return ov_ctx_fail(p->ctx, E2BIG, "too many devices to move");
	max++;
	setf(old, "index", "%u", max);
	/* libvirt's default chassis is the index; two equal chassis collide. */
	target = ovx_child(old, "target");
	if (target && ovl_uint_attr(target, "chassis", &chassis) && chassis == 1)
		setf(target, "chassis", "%u", max);
	for_each_pci_device(p, follow_bus, &max);
	return 0;
}

static void mark_used(struct patch *p, xmlNodePtr dev, xmlNodePtr an,
		      struct ovl_pci_addr *a, void *data)
{
	bool *used = data;

	if (a->domain == 0 && a->bus == 0 && a->slot < 32)
		used[a->slot] = true;
}

static void move_slot_1(struct patch *p, xmlNodePtr dev, xmlNodePtr an,
			struct ovl_pci_addr *a, void *data)
{
	unsigned to = *(unsigned *)data;

	xmlNodePtr target = ovx_child(dev, "target");
	unsigned port;

	if (a->domain != 0 || a->bus != 0 || a->slot != 1 || !touch(p, dev))
		return;
	/* A root port's default port number is its devfn (facts §4.2): keep
	 * it unique when the port itself moves. */
	if (ovx_is(dev, "controller") && target && ovl_uint_attr(target, "port", &port) &&
	    port == (1u << 3 | a->function))
		setf(target, "port", "0x%x", to << 3 | a->function);
	a->slot = to;
	ovl_pci_addr_set(an, a);
}

/* Move whatever sits in 00:01 (libvirt puts the primary video there) to a free slot. */
static int free_slot_1(struct patch *p)
{
	bool used[32] = { false };
	unsigned to;

	for_each_pci_device(p, mark_used, used);
	if (!used[1])
		return 0;
	/* 00.0 is the host bridge, 1f the ICH9 LPC/SATA/SMBus on q35. */
	for (to = 2; to < 0x1f && used[to]; to++)
		;
	if (to == 0x1f)
		return ov_ctx_fail(p->ctx, ENOSPC,
				   "no free slot on PCI bus 0 to move the "
				   "device at 00:01.0 to");
	for_each_pci_device(p, move_slot_1, &to);
	note(p->notes,
	     "moved what was at guest 00:01.0 to 00:%02x.0 for the GPU's root port", to);
	return 0;
}

static xmlNodePtr add_with(xmlNodePtr parent, const char *name, const char *a1,
			   const char *v1)
{
	xmlNodePtr n = ovx_add(parent, NULL, name);

	if (a1)
		set(n, a1, v1);
	return n;
}

static void add_pci_address(xmlNodePtr parent, unsigned bus, unsigned slot)
{
	xmlNodePtr an = add_with(parent, "address", "type", "pci");

	ovl_pci_addr_set(an, &(struct ovl_pci_addr){ 0, bus, slot, 0 });
}

/* Insert @n after the last child called one of @after, else append. */
static void place(xmlNodePtr parent, xmlNodePtr n, const char *const *after)
{
	for (; *after; after++) {
		xmlNodePtr last = NULL;

		for (xmlNodePtr c = ovx_child(parent, *after); c; c = ovx_next(c, *after))
			last = c;
		if (last) {
			ovx_insert_after(last, n);
			return;
		}
	}
	ovx_append(parent, n);
}

/* facts §4.4 recipe: index 1 at 00:01.0, chassis 1, port 0x8, hotplug off (≥ 6.3.0). */
static void add_root_port(struct patch *p)
{
	xmlNodePtr c = xmlNewDocNode(p->doc, NULL, BAD_CAST "controller", NULL), t;
	xmlNodePtr root_bus = ovl_find_controller(p->devices, "pci", 0);

	set(c, "type", "pci");
	set(c, "index", "1");
	set(c, "model", "pcie-root-port");
	if (root_bus)
		ovx_insert_after(root_bus, c);
	else
		place(p->devices, c, (const char *const[]){ "controller", NULL });
	t = add_with(c, "target", "chassis", "1");
	set(t, "port", "0x8");
	set(t, "hotplug", "off");
	add_with(c, "alias", "name", OV_VM_ROOT_PORT_ALIAS);
	add_pci_address(c, 0, 1);
	record_added(p, "controller", OV_VM_ROOT_PORT_ALIAS);
}

/*
 * facts §4.5: VFIO hostdev, source = host BDF, guest 01:00.0. Not managed:
 * on these laptops the GPU shares its IOMMU group with its HDMI audio
 * function, which must be kept off every driver (driver_override none)
 * before QEMU can open the group, and libvirt's managed mode only rebinds
 * the one function it is given. optivfio's hook (host prepare/release)
 * hands the whole group over; managed='yes' would rebind behind it.
 */
static void add_gpu_hostdev(struct patch *p, xmlNodePtr existing)
{
	const struct ov_vm_config *cfg = p->cfg;
	xmlNodePtr h = xmlNewDocNode(p->doc, NULL, BAD_CAST "hostdev", NULL), src, a;

	set(h, "mode", "subsystem");
	set(h, "type", "pci");
	set(h, "managed", "no");
	if (existing) {
		/* Swapped in where the user's hostdev was; that one is kept. */
		struct touched *t = touch(p, existing);

		t->node = h;
		t->by_alias = true;
		xmlReplaceNode(existing, h);
		xmlFreeNode(existing);
	} else {
		place(p->devices, h, (const char *const[]){ "hostdev", "video", NULL });
		record_added(p, "hostdev", OV_VM_GPU_ALIAS);
	}
	add_with(h, "driver", "name", "vfio");
	src = add_with(h, "source", NULL, NULL);
	a = add_with(src, "address", NULL, NULL);
	setf(a, "domain", "0x%04x", cfg->host_gpu.domain);
	setf(a, "bus", "0x%02x", cfg->host_gpu.bus);
	setf(a, "slot", "0x%02x", cfg->host_gpu.dev);
	setf(a, "function", "0x%x", cfg->host_gpu.fn);
	add_with(h, "alias", "name", OV_VM_GPU_ALIAS);
	if (cfg->rom_bar_file) {
		/* The seed's MXM-ROM alternative: the ROM BAR shows this file. */
		xmlNodePtr rom = add_with(h, "rom", "bar", "on");

		set(rom, "file", cfg->rom_bar_file);
	}
	add_pci_address(h, 1, 0);
}

/* facts §4.3: <qemu:override> (≥ 8.2.0), values in decimal; else -set. */
static int add_sub_ids(struct patch *p)
{
	const struct ov_vm_config *cfg = p->cfg;
	xmlNodePtr ov, dev, fe, prop;
	xmlNsPtr ns;

	if (!cfg->have_sub_ids)
		return 0;
	if (p->version < OV_LIBVIRT_HAS_QEMU_OVERRIDE) {
		add_arg(p, "-set");
		add_arg(p, "device.%s.x-pci-sub-vendor-id=0x%04x", OV_VM_GPU_ALIAS,
			cfg->sub_vendor);
		add_arg(p, "-set");
		add_arg(p, "device.%s.x-pci-sub-device-id=0x%04x", OV_VM_GPU_ALIAS,
			cfg->sub_device);
		return 0;
	}
	if (need_qemu_ns(p, &ns) < 0)
		return -EINVAL;
	ov = qemu_child(p, "override");
	dev = ovx_add(ov, ns, "device");
	set(dev, "alias", OV_VM_GPU_ALIAS);
	fe = ovx_add(dev, ns, "frontend");
	prop = ovx_add(fe, ns, "property");
	set(prop, "name", "x-pci-sub-vendor-id");
	set(prop, "type", "unsigned");
	setf(prop, "value", "%u", cfg->sub_vendor);
	prop = ovx_add(fe, ns, "property");
	set(prop, "name", "x-pci-sub-device-id");
	set(prop, "type", "unsigned");
	setf(prop, "value", "%u", cfg->sub_device);
	set(record(p, "override"), "alias", OV_VM_GPU_ALIAS);
	return 0;
}

/* facts §4.2: <os><acpi><table type='raw'> (≥ 11.2.0), else -acpitable. */
static int add_tables(struct patch *p)
{
	const struct ov_vm_config *cfg = p->cfg;
	xmlNodePtr os, acpi;

	if (!cfg->n_tables)
		return 0;
	if (p->version < OV_LIBVIRT_HAS_RAW_ACPI_TABLE) {
		for (size_t i = 0; i < cfg->n_tables; i++) {
			char *v = ov_vm_qemu_escape(cfg->acpi_tables[i]);

			if (!v)
				return ov_ctx_fail(p->ctx, ENOMEM, "out of memory");
			add_arg(p, "-acpitable");
			add_arg(p, "file=%s", v);
			free(v);
		}
		return 0;
	}
	os = ensure(p, p->root, "os", "os");
	acpi = ensure(p, os, "acpi", "os/acpi");
	for (size_t i = 0; i < cfg->n_tables; i++) {
		xmlNodePtr t = ovx_add(acpi, NULL, "table");

		set(t, "type", "raw");
		xmlNodeAddContent(t, BAD_CAST cfg->acpi_tables[i]);
		set(record(p, "acpi-table"), "file", cfg->acpi_tables[i]);
	}
	return 0;
}

/* facts §4.2: <sysinfo type='fwcfg'> (≥ 6.5.0), else -fw_cfg. */
static int add_fwcfg(struct patch *p)
{
	const struct ov_vm_config *cfg = p->cfg;
	xmlNodePtr si = NULL, e;

	if (!cfg->fwcfg_name || !cfg->fwcfg_file)
		return 0;
	if (p->version < OV_LIBVIRT_HAS_FWCFG_SYSINFO) {
		char *n = ov_vm_qemu_escape(cfg->fwcfg_name),
		     *f = ov_vm_qemu_escape(cfg->fwcfg_file);

		if (n && f) {
			add_arg(p, "-fw_cfg");
			add_arg(p, "name=%s,file=%s", n, f);
		}
		free(n);
		free(f);
		return n && f ? 0 : ov_ctx_fail(p->ctx, ENOMEM, "out of memory");
	}
	for (e = ovx_child(p->root, "sysinfo"); e; e = ovx_next(e, "sysinfo"))
		if (ovx_attr_is(e, "type", "fwcfg"))
			si = e;
	for (e = ovx_child(si, "entry"); e; e = ovx_next(e, "entry"))
		if (ovx_attr_is(e, "name", cfg->fwcfg_name))
			return ov_ctx_fail(p->ctx, EEXIST,
					   "the domain already has a fw_cfg "
					   "entry '%s'",
					   cfg->fwcfg_name);
	if (!si) {
		xmlNodePtr os = ovx_child(p->root, "os");

		si = xmlNewDocNode(p->doc, NULL, BAD_CAST "sysinfo", NULL);
		set(si, "type", "fwcfg");
		/* libvirt writes <sysinfo> right before <os>. */
		if (os)
			ovx_insert_before(os, si);
		else
			ovx_append(p->root, si);
		record_created(p, "sysinfo-fwcfg");
	} else {
		note_empty(p, si, "sysinfo-fwcfg");
	}
	e = ovx_add(si, NULL, "entry");
	set(e, "name", cfg->fwcfg_name);
	set(e, "file", cfg->fwcfg_file);
	set(record(p, "fwcfg-entry"), "name", cfg->fwcfg_name);
	return 0;
}

static int add_commandline(struct patch *p)
{
	xmlNodePtr cl;
	xmlNsPtr ns;

	if (!p->n_args)
		return 0;
	if (need_qemu_ns(p, &ns) < 0)
		return -EINVAL;
	cl = qemu_child(p, "commandline");
	for (size_t i = 0; i < p->n_args; i++) {
		set(ovx_add(cl, ns, "arg"), "value", p->args[i]);
		set(record(p, "arg"), "value", p->args[i]);
	}
	return 0;
}

/*
 * Seed "Fake battery": with a battery, Windows treats PS/2 and virtio
 * pointers like a touchpad and drops left clicks while keys are held; a
 * USB tablet is not affected. (The PS/2 mouse of q35's i8042 is implicit
 * in libvirt and stays; the tablet takes the pointer.)
 */
static void use_usb_tablet(struct patch *p)
{
	xmlNodePtr in, next, tablet = NULL;

	for (in = ovx_child(p->devices, "input"); in; in = next) {
		next = ovx_next(in, "input");
		if (ovx_attr_is(in, "type", "tablet") && ovx_attr_is(in, "bus", "usb"))
			tablet = in;
		else if ((ovx_attr_is(in, "type", "mouse") ||
			  ovx_attr_is(in, "type", "tablet")) &&
			 ovx_attr_is(in, "bus", "virtio")) {
			note(p->notes,
			     "removed a virtio pointer device (loses left clicks next "
			     "to the fake battery)");
			remove_device(p, in);
		}
	}
	if (tablet)
		return;
	in = xmlNewDocNode(p->doc, NULL, BAD_CAST "input", NULL);
	set(in, "type", "tablet");
	set(in, "bus", "usb");
	place(p->devices, in, (const char *const[]){ "input", NULL });
	add_with(in, "alias", "name", OV_VM_TABLET_ALIAS);
	record_added(p, "input", OV_VM_TABLET_ALIAS);
}

/* <features><parent><child .../></parent>: added unless the domain has one. */
static xmlNodePtr add_feature(struct patch *p, xmlNodePtr features, const char *parent,
			      const char *child)
{
	char path[64], rec[64];
	xmlNodePtr par, n;

	snprintf(path, sizeof(path), "features/%s", parent);
	par = ensure(p, features, parent, path);
	if (ovx_child(par, child)) {
		note(p->notes, "the domain sets <%s><%s> itself: left as it is", parent, child);
		return NULL;
	}
	n = ovx_add(par, NULL, child);
	snprintf(rec, sizeof(rec), "%s/%s", parent, child);
	set(record(p, "feature"), "element", rec);
	return n;
}

/* The libosinfo id virt-manager records names a guest that is not Windows. */
static bool libosinfo_not_windows(struct patch *p)
{
	for (xmlNodePtr md = ovx_child(p->root, "metadata"); md; md = ovx_next(md, "metadata"))
		for (xmlNodePtr l = md->children; l; l = l->next)
			for (xmlNodePtr os = l->children; os; os = os->next) {
				xmlChar *id;
				bool other;

				if (os->type != XML_ELEMENT_NODE || !os->ns ||
				    xmlStrcmp(os->name, BAD_CAST "os") ||
				    !xmlStrstr(os->ns->href, BAD_CAST "libosinfo"))
					continue;
				id = xmlGetNoNsProp(os, BAD_CAST "id");
				other = id && !xmlStrstr(id, BAD_CAST "microsoft.com/win");
				xmlFree(id);
				return other;
			}
	return false;
}

/*
 * NVIDIA's Windows drivers before 465 stop with Code 43 when they see a
 * hypervisor: <kvm><hidden> is QEMU's kvm=off, and a Hyper-V vendor id of
 * our own replaces "Microsoft Hv". Seeded by the domain's UUID (else its
 * name), so re-patching gives the same id and two domains different ones.
 */
static void hide_hypervisor(struct patch *p, xmlNodePtr features)
{
	char vendor[OV_VM_HV_VENDOR_ID_LEN + 1];
	xmlNodePtr n, idn;
	xmlChar *seed;

	if (p->cfg->hide_hypervisor == OV_VM_HIDE_OFF ||
	    (p->cfg->hide_hypervisor == OV_VM_HIDE_AUTO && libosinfo_not_windows(p)))
		return;
	n = add_feature(p, features, "kvm", "hidden");
	if (n)
		set(n, "state", "on");
	n = add_feature(p, features, "hyperv", "vendor_id");
	if (!n)
		return;
	idn = ovx_child(p->root, "uuid");
	if (!idn)
		idn = ovx_child(p->root, "name");
	seed = idn ? xmlNodeGetContent(idn) : NULL;
	ov_vm_hv_vendor_id(seed ? (const char *)seed : "", vendor);
	xmlFree(seed);
	set(n, "state", "on");
	set(n, "value", vendor);
}

/* Write down how to find each changed device again, and what it was. */
static void record_touched(struct patch *p)
{
	for (size_t i = 0; i < p->n_touched; i++) {
		struct touched *t = &p->touched[i];
		xmlNodePtr e = record(p, "modified");
		struct ovl_pci_addr a;

		set(e, "element", (const char *)t->original->name);
		if (t->by_alias) {
			set(e, "alias", OV_VM_GPU_ALIAS);
		} else if (ovx_is(t->node, "controller") && ovx_attr_is(t->node, "type", "pci") &&
			   xmlHasProp(t->node, BAD_CAST "index")) {
			/* PCI controller indexes are unique (check_pci_unique). */
			xmlChar *index = xmlGetNoNsProp(t->node, BAD_CAST "index");

			set(e, "controller-type", "pci");
			set(e, "index", (const char *)index);
			xmlFree(index);
		} else if (ovl_pci_addr_get(t->node, &a, NULL)) {
			ovl_pci_addr_set(e, &a);
		}
		ovx_append(e, t->original);
		t->original = NULL;
	}
	p->n_touched = 0;
}

/* <metadata><optivfio:vm>, after the elements libvirt writes before it. */
static void start_record(struct patch *p)
{
	static const char *const before[] = { "description", "title", "genid", "uuid",
					      "name", NULL };
	xmlNodePtr md = ovx_child(p->root, "metadata");
	bool created = false, was_empty = ovx_is_empty(md);

	if (!md) {
		md = xmlNewDocNode(p->doc, NULL, BAD_CAST "metadata", NULL);
		place(p->root, md, before);
		created = true;
	}
	p->rec = xmlNewDocNode(p->doc, NULL, BAD_CAST "vm", NULL);
	ovx_append(md, p->rec);
	p->ours = xmlNewNs(p->rec, BAD_CAST OV_VM_XMLNS, BAD_CAST "optivfio");
	xmlSetNs(p->rec, p->ours);
	set(p->rec, "version", "1");
	if (created)
		record_created(p, "metadata");
	else if (was_empty)
		set(record(p, "was-empty"), "element", "metadata");
}

/*
 * What the domain already does by hand that would clash with our patch:
 * subsystem ids set on another alias (the seed's hostdev0 override) and
 * SSDTs passed with -acpitable (two _ROM tables for one device).
 */
static void note_clashes(struct patch *p)
{
	for (xmlNodePtr c = p->root->children; c; c = c->next) {
		if (!in_qemu_ns(c))
			continue;
		if (xmlStrcmp(c->name, BAD_CAST "override") == 0) {
			for (xmlNodePtr d = c->children; d; d = d->next) {
				xmlChar *alias;

				if (!in_qemu_ns(d))
					continue;
				alias = xmlGetNoNsProp(d, BAD_CAST "alias");
				note(p->notes,
				     "the domain already overrides properties of '%s' "
				     "(an earlier hand-made sub-id override?); optivfio sets them "
				     "on '%s': "
				     "remove the old one",
				     alias ? (const char *)alias : "", OV_VM_GPU_ALIAS);
				xmlFree(alias);
			}
		} else if (xmlStrcmp(c->name, BAD_CAST "commandline") == 0) {
			for (xmlNodePtr a = c->children; a; a = a->next) {
				if (!in_qemu_ns(a) ||
				    !ovx_attr_is(a, "value", "-acpitable"))
					continue;
				note(p->notes,
				     "the domain already passes ACPI tables with "
				     "-acpitable: make sure they do not define _ROM "
				     "again");
				break;
			}
		}
	}
}

static bool is_ours_name(const xmlChar *name)
{
	return name && strstr((const char *)name, "ua-optivfio-") != NULL;
}

/* A value we would add: one of our tables, our fw_cfg entry, our alias. */
static bool is_our_value(struct patch *p, const char *v)
{
	const struct ov_vm_config *cfg = p->cfg;
	bool ours = is_ours_name(BAD_CAST v);

	for (size_t i = 0; i < cfg->n_tables && !ours; i++) {
		char *e = ov_vm_qemu_escape(cfg->acpi_tables[i]);

		ours = strcmp(v, cfg->acpi_tables[i]) == 0 ||
		       (e && strncmp(v, "file=", 5) == 0 && strcmp(v + 5, e) == 0);
		free(e);
	}
	if (cfg->fwcfg_name && !ours) {
		char *e = ov_vm_qemu_escape(cfg->fwcfg_name);

		ours = e && strncmp(v, "name=", 5) == 0 &&
		       strncmp(v + 5, e, strlen(e)) == 0 && v[5 + strlen(e)] == ',';
		free(e);
	}
	return ours;
}

static int leftover(struct patch *p, xmlNodePtr n, const char *what)
{
	return ov_ctx_fail(p->ctx, EEXIST, "the domain already has optivfio's %s but no "
			   "optivfio record in <metadata>: remove it first", what);
}

/*
 * After the restore nothing of ours may be left: something we add that is
 * there without a record (an edited or hand-copied domain) would be doubled.
 */
static int check_no_leftovers(struct patch *p)
{
	xmlNodePtr devices = ovx_child(p->root, "devices");
	xmlNodePtr acpi = ovx_child(ovx_child(p->root, "os"), "acpi");
	char what[160];
	int r = 0;

	for (xmlNodePtr d = devices ? devices->children : NULL; d && !r; d = d->next) {
		xmlNodePtr alias =
			d->type == XML_ELEMENT_NODE ? ovx_child(d, "alias") : NULL;
		xmlChar *name = alias ? xmlGetNoNsProp(alias, BAD_CAST "name") : NULL;

		if (is_ours_name(name)) {
			snprintf(what, sizeof(what), "<%s> '%s'", (const char *)d->name,
				 (const char *)name);
			r = leftover(p, d, what);
		}
		xmlFree(name);
	}
	for (xmlNodePtr t = ovx_child(acpi, "table"); t && !r; t = ovx_next(t, "table")) {
		xmlChar *v = xmlNodeGetContent(t);

		if (v && is_our_value(p, (const char *)v))
			r = leftover(p, t, "ACPI table");
		xmlFree(v);
	}
	for (xmlNodePtr c = p->root->children; c && !r; c = c->next) {
		if (!in_qemu_ns(c))
			continue;
		for (xmlNodePtr a = c->children; a && !r; a = a->next) {
			xmlChar *v;

			if (!in_qemu_ns(a))
				continue;
			v = xmlGetNoNsProp(
				a, BAD_CAST(xmlStrcmp(a->name, BAD_CAST "arg") == 0
						    ? "value"
						    : "alias"));
			if (v && is_our_value(p, (const char *)v)) {
				snprintf(what, sizeof(what), "qemu:%s '%.100s'",
					 (const char *)a->name, (const char *)v);
				r = leftover(p, a, what);
			}
			xmlFree(v);
		}
	}
	return r;
}

/*
 * The patch finds moved devices again by their PCI address and controllers
 * by their index, so both must be unique — as libvirt requires anyway.
 */
static int check_pci_unique(struct patch *p)
{
	xmlNodePtr devices = ovx_child(p->root, "devices");

	for (xmlNodePtr d = devices ? devices->children : NULL; d; d = d->next) {
		struct ovl_pci_addr a, b;
		xmlNodePtr an;
		unsigned i, j;

		if (d->type != XML_ELEMENT_NODE)
			continue;
		if (ovx_is(d, "controller") && ovx_attr_is(d, "type", "pci") &&
		    xmlHasProp(d, BAD_CAST "index")) {
			if (!ovl_uint_attr(d, "index", &i))
				return ov_ctx_fail(p->ctx, EINVAL,
						   "a PCI controller with an "
						   "unreadable index");
			for (xmlNodePtr e = ovx_next(d, "controller"); e;
			     e = ovx_next(e, "controller"))
				if (ovx_attr_is(e, "type", "pci") &&
				    ovl_uint_attr(e, "index", &j) && i == j)
					return ov_ctx_fail(p->ctx, EINVAL,
							   "two PCI controllers "
							   "with index %u",
							   i);
		}
		an = NULL;
		if (!ovl_pci_addr_get(d, &a, &an)) {
			if (an)
				return ov_ctx_fail(p->ctx, EINVAL,
						   "<%s> has an unreadable PCI "
						   "address",
						   (const char *)d->name);
			continue;
		}
		for (xmlNodePtr e = ovx_next(d, NULL); e; e = ovx_next(e, NULL))
			if (ovl_pci_addr_get(e, &b, NULL) && a.domain == b.domain &&
			    a.bus == b.bus && a.slot == b.slot &&
			    a.function == b.function)
				return ov_ctx_fail(p->ctx, EINVAL,
						   "<%s> and <%s> at the same PCI "
						   "address %04x:%02x:%02x.%x",
						   (const char *)d->name,
						   (const char *)e->name, a.domain, a.bus,
						   a.slot, a.function);
	}
	return 0;
}

static int apply(struct patch *p)
{
	xmlNodePtr gpu, features;
	int r;

	if (p->version < OV_LIBVIRT_VERSION(6, 3, 0))
		return ov_ctx_fail(p->ctx, ENOTSUP, "libvirt %u.%u.%u is too old: "
				   "<target hotplug='off'/> needs 6.3.0",
				   p->version / 1000000, p->version / 1000 % 1000,
				   p->version % 1000);
	note_clashes(p);
	start_record(p);
	p->devices = ensure(p, p->root, "devices", "devices");
	gpu = claim_gpu_hostdevs(p);
	r = free_controller_index_1(p);
	if (r == 0)
		r = free_slot_1(p);
	if (r < 0)
		return r;
	if (gpu && !touch(p, gpu))
		return ov_ctx_fail(p->ctx, E2BIG, "too many devices to move");
	add_root_port(p);
	add_gpu_hostdev(p, gpu);
	if (p->cfg->battery)
		use_usb_tablet(p);
	/* facts §4.2: without <acpi/> libvirt passes acpi=off: no tables at all. */
	features = ensure(p, p->root, "features", "features");
	ensure(p, features, "acpi", "features/acpi");
	hide_hypervisor(p, features);
	r = add_sub_ids(p);
	if (r == 0)
		r = add_tables(p);
	if (r == 0)
		r = add_fwcfg(p);
	if (r == 0)
		r = add_commandline(p);
	record_touched(p);
	return r;
}

/*
 * Re-patching starts from the unpatched domain, so a run without tables
 * would silently drop the ones an earlier run added: refuse instead.
 */
static int check_keeps_tables(struct patch *p)
{
	xmlNodePtr rec = ovl_record(p->doc);

	if (!rec || p->cfg->n_tables)
		return 0;
	for (xmlNodePtr e = rec->children; e; e = e->next) {
		if (e->type != XML_ELEMENT_NODE || e->ns != rec->ns)
			continue;
		if (!xmlStrcmp(e->name, BAD_CAST "acpi-table") ||
		    (!xmlStrcmp(e->name, BAD_CAST "arg") && ovx_attr_is(e, "value", "-acpitable")))
			return ov_ctx_fail(p->ctx, EEXIST,
					   "the domain has optivfio's ACPI tables from an earlier "
					   "patch and none were given now: give --ssdt-dir DIR "
					   "again, or take the patch out with --remove first");
	}
	return 0;
}

int ov_vm_libvirt_patch(struct ov_ctx *ctx, const char *xml_in, size_t len,
			const struct ov_vm_config *cfg, struct ov_vm_notes *notes,
			char **xml_out, size_t *len_out)
{
	struct patch p = {
		.ctx = ctx, .cfg = cfg, .notes = notes,
		.version = cfg->libvirt_version ? cfg->libvirt_version
						: OV_LIBVIRT_VERSION_DEFAULT,
	};
	bool was_patched;
	int r;

	r = ovl_parse(ctx, xml_in, len, &p.doc);
	if (r < 0)
		return r;
	p.root = xmlDocGetRootElement(p.doc);
	r = check_keeps_tables(&p);
	/* Idempotence: start from the document as it was before our patch. */
	if (r == 0)
		r = ovl_restore(ctx, p.doc, &was_patched);
	if (r == 0)
		r = check_no_leftovers(&p);
	if (r == 0)
		r = check_machine(&p);
	if (r == 0)
		r = check_pci_unique(&p);
	if (r == 0)
		r = apply(&p);
	if (r == 0)
		r = ovl_write(ctx, p.doc, xml_in, len, xml_out, len_out);
	for (size_t i = 0; i < p.n_touched; i++)
		xmlFreeNode(p.touched[i].original);
	for (size_t i = 0; i < p.n_args; i++)
		free(p.args[i]);
	free(p.args);
	xmlFreeDoc(p.doc);
	return r;
}
