/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tree edits that keep a hand- or libvirt-formatted document looking as it
 * did: new elements get the indentation of their siblings, removed ones take
 * exactly the whitespace that was inserted with them, so inserting and
 * removing again gives back the same tree (text nodes included).
 *
 * The whitespace convention: an element we add is always preceded by its
 * own whitespace text node; removing it removes that node too.
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

/* First element child called @name (no namespace), or NULL. */
xmlNodePtr ovx_child(xmlNodePtr parent, const char *name);
/* Next element sibling after @from called @name (NULL: any element). */
xmlNodePtr ovx_next(xmlNodePtr from, const char *name);
/* Element children called @name, in order: for (c = ovx_child(..); c; c = ovx_next(c, ..)) */
bool ovx_is(xmlNodePtr node, const char *name);
/* Attribute value compare, false when missing. */
bool ovx_attr_is(xmlNodePtr node, const char *attr, const char *value);

/* Insert @node after / before the element @ref, as a sibling with its indentation. */
void ovx_insert_after(xmlNodePtr ref, xmlNodePtr node);
void ovx_insert_before(xmlNodePtr ref, xmlNodePtr node);
/* Append as the last element child of @parent. */
void ovx_append(xmlNodePtr parent, xmlNodePtr node);
/* A new element @name (in @ns, may be NULL) appended to @parent. */
xmlNodePtr ovx_add(xmlNodePtr parent, xmlNsPtr ns, const char *name);
/*
 * A deep copy of @node for use under @parent: prefixes resolve to what is
 * declared there (xmlDocCopyNode would declare them again on the copy).
 */
xmlNodePtr ovx_clone(xmlNodePtr node, xmlNodePtr parent);
/* Replace @old by @node in place (whitespace around stays); frees @old. */
void ovx_replace(xmlNodePtr old, xmlNodePtr node);
/* Unlink and free @node with the whitespace text node in front of it. */
void ovx_remove(xmlNodePtr node);
/*
 * Merge adjacent text nodes (DOM normalize()): after removals the tree then
 * looks exactly like the parse of its serialization, so what we insert next
 * does not depend on whether the document was written out in between.
 */
void ovx_normalize(xmlNodePtr node);
/* No children at all (<p/>), and: drop blank text so that it is so again. */
bool ovx_is_empty(xmlNodePtr node);
void ovx_make_empty(xmlNodePtr node);

/*
 * Write the document without reformatting it: libxml2's own serializer
 * always uses double quotes, this one uses the quote character the input
 * used (libvirt writes single quotes), so an edit shows as an edit in a
 * diff, not as a rewrite of every line. Returns a malloc'd string.
 */
struct ovx_style {
	char quote;		/* attribute quotes */
	char metadata_quote; /* inside <metadata> (libvirt dumps it with libxml2: ") */
	bool root_ns_last; /* <domain type='kvm' xmlns:qemu=...>, as libvirt writes it */
	bool declaration;	/* <?xml ...?> first */
	bool final_newline;	/* a newline after the last top-level node */
};
char *ovx_serialize(xmlDocPtr doc, const struct ovx_style *style, size_t *len);
/* The quote character of the first attribute in @xml ('"' when none). */
char ovx_detect_quote(const char *xml, size_t len);
