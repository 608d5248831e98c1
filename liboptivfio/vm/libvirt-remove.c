// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Undo our patch from the record it left in <metadata> (libvirt-doc.h),
 * and nothing else: devices we added are found by their user alias, devices
 * we changed are swapped back for the saved originals, removed ones go back
 * where their placeholder comment is.
 */
#include "vm/vm.h"
#include "vm/libvirt-doc.h"
#include "vm/xmledit.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_ours(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, OV_VM_XMLNS) == 0 &&
	       (!name || xmlStrcmp(n->name, BAD_CAST name) == 0);
}

static bool is_qemu(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, OV_QEMU_XMLNS) == 0 &&
	       xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static xmlNodePtr qemu_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (is_qemu(c, name))
			return c;
	return NULL;
}

xmlNodePtr ovl_record(xmlDocPtr doc)
{
	xmlNodePtr md = ovx_child(xmlDocGetRootElement(doc), "metadata");

	for (xmlNodePtr c = md ? md->children : NULL; c; c = c->next)
		if (is_ours(c, "vm"))
			return c;
	return NULL;
}

static char *attr(xmlNodePtr n, const char *name)
{
	return (char *)xmlGetNoNsProp(n, BAD_CAST name);
}

static xmlNodePtr first_element(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* The device a <optivfio:modified> entry describes, as it is now. */
static xmlNodePtr find_modified(xmlNodePtr devices, xmlNodePtr entry)
{
	char *element = attr(entry, "element"), *alias = attr(entry, "alias");
	char *ctype = attr(entry, "controller-type");
	xmlNodePtr found = NULL;
	unsigned index;
	struct ovl_pci_addr a;

	if (alias)
		found = ovl_find_by_alias(devices, alias);
	else if (ctype && ovl_uint_attr(entry, "index", &index))
		found = ovl_find_controller(devices, ctype, index);
	else if (element && ovl_pci_addr_parse(entry, &a))
		found = ovl_find_by_addr(devices, element, &a);
	xmlFree(element);
	xmlFree(alias);
	xmlFree(ctype);
	return found;
}

static xmlNodePtr find_placeholder(xmlNodePtr devices, const char *id)
{
	char want[64];

	snprintf(want, sizeof(want), OV_REMOVED_MARK "%s", id);
	for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next)
		if (c->type == XML_COMMENT_NODE &&
		    strcmp((const char *)c->content, want) == 0)
			return c;
	return NULL;
}

/* Take out the run of <qemu:arg> values we appended (in order). */
static void remove_args(xmlNodePtr cmdline, xmlNodePtr rec)
{
	size_t n = 0, i;
	xmlNodePtr e, start, c;

	for (e = rec->children; e; e = e->next)
		if (is_ours(e, "arg"))
			n++;
	if (!cmdline || !n)
		return;
	for (start = cmdline->children; start; start = start->next) {
		if (!is_qemu(start, "arg"))
			continue;
		/* Does the run of args from here match the recorded values? */
		c = start;
		i = 0;
		for (e = rec->children; e; e = e->next) {
			if (!is_ours(e, "arg"))
				continue;
			while (c && c->type != XML_ELEMENT_NODE)
				c = c->next;
			char *want = attr(e, "value");
			bool same = c && is_qemu(c, "arg") && want &&
				    ovx_attr_is(c, "value", want);

			xmlFree(want);
			if (!same)
				break;
			c = c->next;
			i++;
		}
		if (i == n)
			break;
	}
	for (i = 0; start && i < n; i++) {
		xmlNodePtr next = start->next;

		while (next && next->type != XML_ELEMENT_NODE)
			next = next->next;
		ovx_remove(start);
		start = next;
	}
}

static xmlNodePtr find_created(xmlNodePtr root, xmlNsPtr qns, const char *path)
{
	xmlNodePtr n;

	if (strncmp(path, "features/", 9) == 0)
		return ovx_child(ovx_child(root, "features"), path + 9);
	if (strcmp(path, "os/acpi") == 0)
		return ovx_child(ovx_child(root, "os"), "acpi");
	if (strcmp(path, "sysinfo-fwcfg") == 0) {
		for (n = ovx_child(root, "sysinfo"); n; n = ovx_next(n, "sysinfo"))
			if (ovx_attr_is(n, "type", "fwcfg"))
				return n;
		return NULL;
	}
	if (strncmp(path, "qemu:", 5) == 0)
		return qemu_child(root, path + 5);
	return ovx_child(root, path);
}

static bool has_element_children(xmlNodePtr n)
{
	return first_element(n) != NULL;
}

static bool uses_ns(xmlNodePtr n, xmlNsPtr ns)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns == ns)
			return true;
		for (xmlAttrPtr a = c->properties; a; a = a->next)
			if (a->ns == ns)
				return true;
		if (uses_ns(c->children, ns))
			return true;
	}
	return false;
}

static void undo_entry(xmlNodePtr root, xmlNodePtr devices, xmlNodePtr e)
{
	xmlNsPtr qns = xmlSearchNsByHref(root->doc, root, BAD_CAST OV_QEMU_XMLNS);
	char *v;

	if (is_ours(e, "added")) {
		xmlNodePtr d;

		v = attr(e, "alias");
		d = v ? ovl_find_by_alias(devices, v) : NULL;
		if (d)
			ovx_remove(d);
		xmlFree(v);
	} else if (is_ours(e, "override")) {
		xmlNodePtr ov = qemu_child(root, "override");

		v = attr(e, "alias");
		for (xmlNodePtr d = ov ? ov->children : NULL; d && v; d = d->next) {
			if (is_qemu(d, "device") && ovx_attr_is(d, "alias", v)) {
				ovx_remove(d);
				break;
			}
		}
		xmlFree(v);
	} else if (is_ours(e, "fwcfg-entry")) {
		xmlNodePtr si = find_created(root, qns, "sysinfo-fwcfg");

		v = attr(e, "name");
		for (xmlNodePtr d = ovx_child(si, "entry"); d && v;
		     d = ovx_next(d, "entry")) {
			if (ovx_attr_is(d, "name", v)) {
				ovx_remove(d);
				break;
			}
		}
		xmlFree(v);
	} else if (is_ours(e, "feature")) {
		/* "kvm/hidden": <features><kvm><hidden/> */
		char *slash;

		v = attr(e, "element");
		slash = v ? strchr(v, '/') : NULL;
		if (slash) {
			xmlNodePtr par;

			*slash = 0;
			par = ovx_child(ovx_child(root, "features"), v);
			if (ovx_child(par, slash + 1))
				ovx_remove(ovx_child(par, slash + 1));
		}
		xmlFree(v);
	} else if (is_ours(e, "acpi-table")) {
		xmlNodePtr acpi = find_created(root, qns, "os/acpi");

		v = attr(e, "file");
		for (xmlNodePtr d = ovx_child(acpi, "table"); d && v;
		     d = ovx_next(d, "table")) {
			xmlChar *t = xmlNodeGetContent(d);
			bool same = t && strcmp((const char *)t, v) == 0 &&
				    ovx_attr_is(d, "type", "raw");

			xmlFree(t);
			if (same) {
				ovx_remove(d);
				break;
			}
		}
		xmlFree(v);
	}
}

int ovl_restore(struct ov_ctx *ctx, xmlDocPtr doc, bool *was_patched)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), rec = ovl_record(doc), e, devices;
	char *created[16], *empty[16];
	size_t n_created = 0, n_empty = 0;
	bool declared_ns = false;
	xmlNsPtr qns;

	*was_patched = rec != NULL;
	if (!rec)
		return 0;
	devices = ovx_child(root, "devices");

	/* Put changed and removed devices back first, newest change first. */
	for (e = rec->last; e; e = e->prev) {
		xmlNodePtr orig;

		if (is_ours(e, "modified") && (orig = first_element(e))) {
			xmlNodePtr now = find_modified(devices, e);

			if (!now)
				return ov_ctx_fail(
					ctx, ENOENT,
					"cannot find the <%s> optivfio "
					"changed: was the domain edited since?",
					(const char *)orig->name);
			xmlNodePtr copy = ovx_clone(orig, now->parent);

			if (!copy)
				return ov_ctx_fail(ctx, ENOMEM, "out of memory");
			ovx_replace(now, copy);
		} else if (is_ours(e, "removed") && (orig = first_element(e))) {
			char *id = attr(e, "id");
			xmlNodePtr mark = find_placeholder(devices, id ? id : "");
			xmlNodePtr copy = devices ? ovx_clone(orig, devices) : NULL;

			xmlFree(id);
			if (!copy)
				continue;
			if (mark)
				ovx_replace(mark, copy);
			else	/* libvirt dropped the comment */
				ovx_append(devices, copy);
		}
	}
	for (e = rec->last; e; e = e->prev)
		undo_entry(root, devices, e);
	qns = xmlSearchNsByHref(doc, root, BAD_CAST OV_QEMU_XMLNS);
	remove_args(qemu_child(root, "commandline"), rec);

	for (e = rec->children; e; e = e->next) {
		if (is_ours(e, "created") &&
		    n_created < sizeof(created) / sizeof(*created))
			created[n_created++] = attr(e, "element");
		if (is_ours(e, "was-empty") && n_empty < sizeof(empty) / sizeof(*empty))
			empty[n_empty++] = attr(e, "element");
		if (is_ours(e, "declared-qemu-ns"))
			declared_ns = true;
	}
	ovx_remove(rec);
	/* Containers we created go when they are empty again, innermost first. */
	while (n_created--) {
		char *path = created[n_created];
		xmlNodePtr n = path ? find_created(root, qns, path) : NULL;

		if (n && !has_element_children(n))
			ovx_remove(n);
		xmlFree(path);
	}
	while (n_empty--) {
		char *path = empty[n_empty];
		xmlNodePtr n = path ? find_created(root, qns, path) : NULL;

		if (n)
			ovx_make_empty(n);
		xmlFree(path);
	}
	ovx_normalize(root);
	if (declared_ns && qns && !uses_ns(root, qns)) {
		/* The declaration we put on <domain>: unlink it from nsDef. */
		for (xmlNsPtr *p = &root->nsDef; *p; p = &(*p)->next) {
			if (*p == qns) {
				*p = qns->next;
				qns->next = NULL;
				xmlFreeNs(qns);
				break;
			}
		}
	}
	return 0;
}

int ov_vm_libvirt_remove(struct ov_ctx *ctx, const char *xml_in, size_t len,
			 char **xml_out, size_t *len_out, bool *was_patched)
{
	xmlDocPtr doc;
	bool patched;
	int r;

	r = ovl_parse(ctx, xml_in, len, &doc);
	if (r < 0)
		return r;
	r = ovl_restore(ctx, doc, &patched);
	if (r == 0)
		r = ovl_write(ctx, doc, xml_in, len, xml_out, len_out);
	if (was_patched)
		*was_patched = patched;
	xmlFreeDoc(doc);
	return r;
}
