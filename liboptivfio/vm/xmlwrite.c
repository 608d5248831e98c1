// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A small serializer for the libvirt domain documents we edit, so output
 * keeps the input's attribute quotes (see ovx_serialize in xmledit.h).
 * Escaping follows XML 1.0 §2.4 (character data) and §3.3.3 (attribute
 * value normalization: literal tabs/newlines in attributes would become
 * spaces on re-parsing, so they are written as character references).
 */
#include "vm/xmledit.h"

#include <libxml/xmlsave.h>
#include <stdlib.h>
#include <string.h>

static void put(xmlBufferPtr b, const char *s)
{
	xmlBufferCat(b, BAD_CAST s);
}

static void put_escaped(xmlBufferPtr b, const xmlChar *s, char quote)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': put(b, "&amp;"); break;
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '\r': put(b, "&#13;"); break;
		case '\n': put(b, quote ? "&#10;" : "\n"); break;
		case '\t': put(b, quote ? "&#9;" : "\t"); break;
		case '"': put(b, quote == '"' ? "&quot;" : "\""); break;
		case '\'': put(b, quote == '\'' ? "&apos;" : "'"); break;
		default: xmlBufferAdd(b, s, 1);
		}
	}
}

static void put_qname(xmlBufferPtr b, xmlNsPtr ns, const xmlChar *name)
{
	if (ns && ns->prefix) {
		put(b, (const char *)ns->prefix);
		put(b, ":");
	}
	put(b, (const char *)name);
}

static void put_attr(xmlBufferPtr b, char quote, const char *name, const xmlChar *value)
{
	char q[2] = { quote, 0 };

	put(b, " ");
	put(b, name);
	put(b, "=");
	put(b, q);
	put_escaped(b, value, quote);
	put(b, q);
}

static void write_node(xmlBufferPtr b, xmlNodePtr n, const struct ovx_style *st,
		       char quote);

static void put_ns_defs(xmlBufferPtr b, xmlNodePtr n, char quote)
{
	for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
		char name[128];

		snprintf(name, sizeof(name), "xmlns%s%s", ns->prefix ? ":" : "",
			 ns->prefix ? (const char *)ns->prefix : "");
		put_attr(b, quote, name, ns->href);
	}
}

static void write_element(xmlBufferPtr b, xmlNodePtr n, const struct ovx_style *st,
			  char quote)
{
	/* libxml2 keeps namespace declarations apart from attributes; put
	 * them where the input had them on the root, first elsewhere. */
	bool ns_last =
		st->root_ns_last && n->parent && n->parent->type == XML_DOCUMENT_NODE;
	char inner = quote;

	if (xmlStrcmp(n->name, BAD_CAST "metadata") == 0 && !n->ns && n->parent &&
	    n->parent->parent && n->parent->parent->type == XML_DOCUMENT_NODE)
		inner = st->metadata_quote;
	put(b, "<");
	put_qname(b, n->ns, n->name);
	if (!ns_last)
		put_ns_defs(b, n, quote);
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		xmlBufferPtr qn = xmlBufferCreate();

		put_qname(qn, a->ns, a->name);
		put_attr(b, quote, (const char *)xmlBufferContent(qn), v);
		xmlBufferFree(qn);
		xmlFree(v);
	}
	if (ns_last)
		put_ns_defs(b, n, quote);
	if (!n->children) {
		put(b, "/>");
		return;
	}
	put(b, ">");
	for (xmlNodePtr c = n->children; c; c = c->next)
		write_node(b, c, st, inner);
	put(b, "</");
	put_qname(b, n->ns, n->name);
	put(b, ">");
}

static void write_node(xmlBufferPtr b, xmlNodePtr n, const struct ovx_style *st,
		       char quote)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		write_element(b, n, st, quote);
		break;
	case XML_TEXT_NODE:
		put_escaped(b, n->content, 0);
		break;
	case XML_CDATA_SECTION_NODE:
		put(b, "<![CDATA[");
		put(b, (const char *)n->content);
		put(b, "]]>");
		break;
	case XML_COMMENT_NODE:
		put(b, "<!--");
		put(b, (const char *)n->content);
		put(b, "-->");
		break;
	case XML_PI_NODE:
		put(b, "<?");
		put(b, (const char *)n->name);
		if (n->content && *n->content) {
			put(b, " ");
			put(b, (const char *)n->content);
		}
		put(b, "?>");
		break;
	case XML_ENTITY_REF_NODE:
		put(b, "&");
		put(b, (const char *)n->name);
		put(b, ";");
		break;
	default:
		/* A DTD or anything rarer: libxml2 knows how to write those. */
		xmlNodeDump(b, n->doc, n, 0, 0);
		break;
	}
}

char *ovx_serialize(xmlDocPtr doc, const struct ovx_style *st, size_t *len)
{
	xmlBufferPtr b = xmlBufferCreate();
	char *out;

	if (!b)
		return NULL;
	if (st->declaration) {
		put(b, "<?xml version=\"");
		put(b, doc->version ? (const char *)doc->version : "1.0");
		put(b, doc->encoding ? "\" encoding=\"UTF-8\"?>\n" : "\"?>\n");
	}
	for (xmlNodePtr c = doc->children; c; c = c->next) {
		write_node(b, c, st, st->quote);
		if (c->next || st->final_newline)
			put(b, "\n");
	}
	*len = (size_t)xmlBufferLength(b);
	out = malloc(*len + 1);
	if (out) {
		memcpy(out, xmlBufferContent(b), *len);
		out[*len] = 0;
	}
	xmlBufferFree(b);
	return out;
}

char ovx_detect_quote(const char *xml, size_t len)
{
	bool in_tag = false;

	for (size_t i = 0; i < len; i++) {
		char c = xml[i];

		if (c == '<')
			in_tag = i + 1 < len && xml[i + 1] != '?' && xml[i + 1] != '!';
		else if (c == '>')
			in_tag = false;
		else if (in_tag && c == '=' && i + 1 < len &&
			 (xml[i + 1] == '\'' || xml[i + 1] == '"'))
			return xml[i + 1];
	}
	return '"';
}
