// SPDX-License-Identifier: GPL-2.0-or-later
#include "vm/libvirt-doc.h"
#include "vm/xmledit.h"
#include "core/ctx.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

/*
 * The library never prints (design.md §7), but libxml2 reports some errors
 * (input encoding conversion, I/O) straight to its global handlers, not
 * to the parser context: silence those while we call it.
 */
struct quiet {
	xmlGenericErrorFunc generic;
	void *generic_ctx;
	xmlStructuredErrorFunc structured;
	void *structured_ctx;
};

static void silent(void *ctx, const char *msg, ...)
{
}

static void silent_structured(void *ctx, xmlErrorPtr error)
{
}

static void quiet_on(struct quiet *q)
{
	q->generic = xmlGenericError;
	q->generic_ctx = xmlGenericErrorContext;
	q->structured = xmlStructuredError;
	q->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, silent);
	xmlSetStructuredErrorFunc(NULL, silent_structured);
}

static void quiet_off(const struct quiet *q)
{
	xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
	xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
}

static int parse(struct ov_ctx *ctx, const char *xml, size_t len, xmlDocPtr *ret);

int ovl_parse(struct ov_ctx *ctx, const char *xml, size_t len, xmlDocPtr *ret)
{
	struct quiet q;
	int r;

	quiet_on(&q);
	r = parse(ctx, xml, len, ret);
	quiet_off(&q);
	return r;
}

static int parse(struct ov_ctx *ctx, const char *xml, size_t len, xmlDocPtr *ret)
{
	xmlParserCtxtPtr pc;
	xmlDocPtr doc;
	xmlNodePtr root;

	if (len > INT_MAX)
		return ov_ctx_fail(ctx, EFBIG, "domain XML too large");
	pc = xmlNewParserCtxt();
	if (!pc)
		return ov_ctx_fail(ctx, ENOMEM, "domain XML: out of memory");
	/* No network, no entity expansion, no DTD loading: just the tree. */
	doc = xmlCtxtReadMemory(pc, xml, (int)len, "domain.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING);
	/* An undeclared prefix (qemu:arg without xmlns:qemu) is only a warning
	 * to libxml2, but libvirt would not see those elements: refuse. */
	if (doc && !pc->nsWellFormed) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(pc);
		char msg[160] = "unknown error";

		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\n")] = 0;
		}
		int line = e ? e->line : 0;

		xmlFreeParserCtxt(pc);
		return ov_ctx_fail(ctx, EINVAL, "not well-formed XML (line %d): %s", line,
				   msg);
	}
	xmlFreeParserCtxt(pc);
	root = xmlDocGetRootElement(doc);
	if (!ovx_is(root, "domain")) {
		int r = ov_ctx_fail(ctx, EINVAL,
				    "not a libvirt domain: the root element is <%s>, "
				    "not <domain>",
				    root ? (const char *)root->name : "");

		xmlFreeDoc(doc);
		return r;
	}
	*ret = doc;
	return 0;
}

/* Where @needle first occurs in the @len bytes at @hay, or NULL. */
static const char *find(const char *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle));
}

/* How the input was written, so the output differs only where we edited. */
static void detect_style(const char *xml, size_t len, struct ovx_style *st)
{
	const char *root = find(xml, len, "<domain"), *md = find(xml, len, "<metadata");
	const char *end;

	st->declaration = find(xml, len > 8 ? 8 : len, "<?xml") != NULL;
	st->quote = ovx_detect_quote(xml, len);
	st->final_newline = len > 0 && xml[len - 1] == '\n';
	st->metadata_quote = md ? ovx_detect_quote(md, len - (size_t)(md - xml)) : '"';
	/* On <domain ...>: namespace declarations after the attributes unless
	 * the input put one first (libvirt writes them last). */
	st->root_ns_last = true;
	if (root && (end = memchr(root, '>', len - (size_t)(root - xml)))) {
		const char *x = find(root, (size_t)(end - root), "xmlns");
		const char *eq = memchr(root, '=', (size_t)(end - root));

		st->root_ns_last = !x || (eq && eq < x);
	}
}

int ovl_write(struct ov_ctx *ctx, xmlDocPtr doc, const char *xml_in, size_t len_in,
	      char **out, size_t *len_out)
{
	struct ovx_style st;

	struct quiet q;

	detect_style(xml_in, len_in, &st);
	quiet_on(&q);
	*out = ovx_serialize(doc, &st, len_out);
	quiet_off(&q);
	if (!*out)
		return ov_ctx_fail(ctx, ENOMEM, "domain XML: out of memory");
	return 0;
}

bool ovl_uint_attr(xmlNodePtr node, const char *attr, unsigned *ret)
{
	xmlChar *v = xmlGetNoNsProp(node, BAD_CAST attr);
	unsigned long n;
	char *end;
	bool ok;

	if (!v)
		return false;
	/* libvirt reads these with base 0 ("0x01", "1"); no sign, no octal surprises. */
	errno = 0;
	n = strtoul((const char *)v, &end, 0);
	ok = *v && *v != '-' && *v != '+' && !*end && !errno && n <= UINT_MAX;
	xmlFree(v);
	if (ok)
		*ret = (unsigned)n;
	return ok;
}

bool ovl_pci_addr_parse(xmlNodePtr addr, struct ovl_pci_addr *ret)
{
	struct ovl_pci_addr a = { 0, 0, 0, 0 };

	/* domain and function default to 0, bus and slot are required. */
	if (xmlHasProp(addr, BAD_CAST "domain") &&
	    !ovl_uint_attr(addr, "domain", &a.domain))
		return false;
	if (!ovl_uint_attr(addr, "bus", &a.bus) || !ovl_uint_attr(addr, "slot", &a.slot))
		return false;
	if (xmlHasProp(addr, BAD_CAST "function") &&
	    !ovl_uint_attr(addr, "function", &a.function))
		return false;
	/* PCI Local Bus 3.0: 256 buses, 32 devices, 8 functions; 16-bit segment. */
	if (a.domain > 0xffff || a.bus > 0xff || a.slot > 0x1f || a.function > 7)
		return false;
	*ret = a;
	return true;
}

bool ovl_pci_addr_get(xmlNodePtr dev, struct ovl_pci_addr *ret, xmlNodePtr *addr_node)
{
	for (xmlNodePtr c = ovx_child(dev, "address"); c; c = ovx_next(c, "address")) {
		if (!ovx_attr_is(c, "type", "pci"))
			continue;
		if (addr_node)
			*addr_node = c;
		return ovl_pci_addr_parse(c, ret);
	}
	return false;
}

void ovl_pci_addr_set(xmlNodePtr addr, const struct ovl_pci_addr *a)
{
	char buf[16];

	/* The form libvirt writes itself. */
	snprintf(buf, sizeof(buf), "0x%04x", a->domain & 0xffff);
	xmlSetProp(addr, BAD_CAST "domain", BAD_CAST buf);
	snprintf(buf, sizeof(buf), "0x%02x", a->bus & 0xff);
	xmlSetProp(addr, BAD_CAST "bus", BAD_CAST buf);
	snprintf(buf, sizeof(buf), "0x%02x", a->slot & 0x1f);
	xmlSetProp(addr, BAD_CAST "slot", BAD_CAST buf);
	snprintf(buf, sizeof(buf), "0x%x", a->function & 7);
	xmlSetProp(addr, BAD_CAST "function", BAD_CAST buf);
}

static bool same_addr(const struct ovl_pci_addr *a, const struct ovl_pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot &&
	       a->function == b->function;
}

xmlNodePtr ovl_find_by_addr(xmlNodePtr devices, const char *element,
			    const struct ovl_pci_addr *a)
{
	for (xmlNodePtr d = ovx_child(devices, element); d; d = ovx_next(d, element)) {
		struct ovl_pci_addr got;

		if (ovl_pci_addr_get(d, &got, NULL) && same_addr(&got, a))
			return d;
	}
	return NULL;
}

xmlNodePtr ovl_find_by_alias(xmlNodePtr devices, const char *alias)
{
	for (xmlNodePtr d = devices ? devices->children : NULL; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE)
			continue;
		xmlNodePtr al = ovx_child(d, "alias");

		if (al && ovx_attr_is(al, "name", alias))
			return d;
	}
	return NULL;
}

xmlNodePtr ovl_find_controller(xmlNodePtr devices, const char *type, unsigned index)
{
	for (xmlNodePtr c = ovx_child(devices, "controller"); c;
	     c = ovx_next(c, "controller")) {
		unsigned i;

		if (ovx_attr_is(c, "type", type) && ovl_uint_attr(c, "index", &i) &&
		    i == index)
			return c;
	}
	return NULL;
}
