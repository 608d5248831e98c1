// SPDX-License-Identifier: GPL-2.0-or-later
#include "vm/xmledit.h"

#include <string.h>

bool ovx_is(xmlNodePtr node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && !node->ns &&
	       xmlStrcmp(node->name, BAD_CAST name) == 0;
}

bool ovx_attr_is(xmlNodePtr node, const char *attr, const char *value)
{
	xmlChar *v = xmlGetNoNsProp(node, BAD_CAST attr);
	bool same = v && strcmp((const char *)v, value) == 0;

	xmlFree(v);
	return same;
}

xmlNodePtr ovx_next(xmlNodePtr from, const char *name)
{
	for (xmlNodePtr c = from ? from->next : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!name || ovx_is(c, name))
			return c;
	}
	return NULL;
}

xmlNodePtr ovx_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (ovx_is(c, name))
			return c;
	return NULL;
}

static bool is_blank_text(xmlNodePtr n)
{
	return n && n->type == XML_TEXT_NODE && xmlIsBlankNode(n);
}

/* The indentation of @node: what follows the last newline in front of it. */
static const char *indent_of(xmlNodePtr node, bool *pretty)
{
	xmlNodePtr t = node->prev;
	const char *s, *nl;

	*pretty = false;
	if (!is_blank_text(t))
		return "";
	s = (const char *)t->content;
	nl = strrchr(s, '\n');
	if (!nl)
		return "";
	*pretty = true;
	return nl + 1;
}

static xmlNodePtr ws_node(xmlDocPtr doc, const char *indent, const char *extra)
{
	size_t a = strlen(indent), b = strlen(extra);
	char buf[256];

	if (a + b + 2 > sizeof(buf))
		a = b = 0;
	buf[0] = '\n';
	memcpy(buf + 1, indent, a);
	memcpy(buf + 1 + a, extra, b);
	buf[1 + a + b] = 0;
	return xmlNewDocText(doc, BAD_CAST buf);
}

void ovx_insert_after(xmlNodePtr ref, xmlNodePtr node)
{
	bool pretty;
	const char *indent = indent_of(ref, &pretty);

	/* Element first, then its whitespace in front: libxml2 merges a
	 * text node added next to another text node. */
	xmlAddNextSibling(ref, node);
	if (pretty)
		xmlAddPrevSibling(node, ws_node(ref->doc, indent, ""));
}

void ovx_insert_before(xmlNodePtr ref, xmlNodePtr node)
{
	xmlNodePtr prev = ref->prev;

	/* ...{ws}<ref>  →  ...{ws}<node>{copy of ws}<ref>: removing <node>
	 * with the whitespace in front of it leaves the copy, equal to ws. */
	xmlAddPrevSibling(ref, node);
	if (is_blank_text(prev))
		xmlAddNextSibling(node, xmlNewDocText(ref->doc, prev->content));
}

/*
 * Whether the document is indented at all (the root's first element child
 * starts a line), and the indentation of one level (that child's).
 */
static bool doc_is_pretty(xmlDocPtr doc, const char **unit)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), first = NULL;
	bool pretty = false;

	*unit = "  ";
	if (root)
		for (first = root->children; first; first = first->next)
			if (first->type == XML_ELEMENT_NODE)
				break;
	if (!first)
		return true;
	const char *u = indent_of(first, &pretty);
	if (pretty && *u)
		*unit = u;
	return pretty;
}

void ovx_append(xmlNodePtr parent, xmlNodePtr node)
{
	xmlNodePtr last = NULL, c;
	const char *indent, *unit;
	bool pretty;

	for (c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			last = c;
	if (last) {
		ovx_insert_after(last, node);
		return;
	}
	/*
	 * No element children, but text or comments: <p>{ws}<node>{what was
	 * there}</p>, so removing <node> with its whitespace leaves what was
	 * there (and the whitespace is never merged into a neighbouring text
	 * node). Empty: <p>{ws}<node>{ws}</p>, and the caller restores the
	 * emptiness (ovx_make_empty) if it needs to.
	 */
	c = parent->children;
	if (c) {
		xmlAddPrevSibling(c, node);
		if (doc_is_pretty(parent->doc, &unit)) {
			indent = indent_of(parent, &pretty);
			xmlAddPrevSibling(node, ws_node(parent->doc, indent, unit));
		}
		return;
	}
	xmlAddChild(parent, node);
	if (!doc_is_pretty(parent->doc, &unit))
		return;
	indent = indent_of(parent, &pretty);
	xmlAddPrevSibling(node, ws_node(parent->doc, indent, unit));
	xmlAddNextSibling(node, ws_node(parent->doc, indent, ""));
}

xmlNodePtr ovx_add(xmlNodePtr parent, xmlNsPtr ns, const char *name)
{
	xmlNodePtr n = xmlNewDocNode(parent->doc, ns, BAD_CAST name, NULL);

	ovx_append(parent, n);
	return n;
}

void ovx_replace(xmlNodePtr old, xmlNodePtr node)
{
	xmlReplaceNode(old, node);
	xmlFreeNode(old);
}

void ovx_remove(xmlNodePtr node)
{
	xmlNodePtr prev = node->prev;

	if (is_blank_text(prev)) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(node);
	xmlFreeNode(node);
}

bool ovx_is_empty(xmlNodePtr node)
{
	return node && !node->children;
}

void ovx_make_empty(xmlNodePtr node)
{
	xmlNodePtr c, next;

	for (c = node->children; c; c = c->next)
		if (!is_blank_text(c))
			return;
	for (c = node->children; c; c = next) {
		next = c->next;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
}

void ovx_normalize(xmlNodePtr node)
{
	xmlNodePtr c = node->children, next;

	while (c) {
		next = c->next;
		if (c->type == XML_TEXT_NODE && next && next->type == XML_TEXT_NODE) {
			xmlNodeAddContent(c, next->content);
			xmlUnlinkNode(next);
			xmlFreeNode(next);
			continue;	/* c may absorb the next one too */
		}
		if (c->type == XML_ELEMENT_NODE)
			ovx_normalize(c);
		c = next;
	}
}

xmlNodePtr ovx_clone(xmlNodePtr node, xmlNodePtr parent)
{
	xmlNodePtr copy = NULL;

	/* Namespaces resolve against @parent's ancestors: no new xmlns="...". */
	if (xmlDOMWrapCloneNode(NULL, node->doc, node, &copy, parent->doc, parent, 1, 0) < 0)
		return NULL;
	return copy;
}
