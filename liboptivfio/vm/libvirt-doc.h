/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the libvirt patcher and remover share: parsing and writing the
 * domain document, PCI <address> elements, and the record of our changes.
 *
 * The record (in <metadata>, libvirt keeps foreign-namespace metadata
 * verbatim) lists every change so it can be undone exactly:
 *   <optivfio:vm xmlns:optivfio="urn:optivfio:libvirt:1" version="1">
 *     <optivfio:added element="controller" alias="ua-optivfio-rp"/>  device we added
 *     <optivfio:modified ...><video>ORIGINAL</video></optivfio:modified>
 *         device we changed in place; found again by the key attributes
 *         (alias, or controller type+index, or its PCI address now)
 *     <optivfio:removed id="1"><hostdev>ORIGINAL</hostdev></optivfio:removed>
 *         device we took out; a comment <!--optivfio:removed:1--> holds its place
 *     <optivfio:arg value="-acpitable"/>  qemu:arg we appended (in order)
 *     <optivfio:override alias="ua-optivfio-gpu"/>   our <qemu:device>
 *     <optivfio:fwcfg-entry name="opt/..."/>          our <sysinfo type='fwcfg'> entry
 *     <optivfio:acpi-table file="/abs"/>              our <os><acpi><table type='raw'>
 *     <optivfio:created element="features/acpi"/>     element created, removed when empty
 *     <optivfio:feature element="kvm/hidden"/>        <features><kvm><hidden> we added
 *     <optivfio:declared-qemu-ns/>
 *   </optivfio:vm>
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

struct ov_ctx;

#define OV_QEMU_XMLNS "http://libvirt.org/schemas/domain/qemu/1.0"
#define OV_REMOVED_MARK "optivfio:removed:"

/* Parse a domain document; refuses non-domains with a one-line message. */
int ovl_parse(struct ov_ctx *ctx, const char *xml, size_t len, xmlDocPtr *ret);
/* Serialize like the input was written (quotes, declaration). */
int ovl_write(struct ov_ctx *ctx, xmlDocPtr doc, const char *xml_in, size_t len_in,
	      char **out, size_t *len_out);

/* /domain/metadata/optivfio:vm, or NULL. */
xmlNodePtr ovl_record(xmlDocPtr doc);
/* Undo everything the record lists and drop it; 0 when there was none. */
int ovl_restore(struct ov_ctx *ctx, xmlDocPtr doc, bool *was_patched);

/* A guest PCI address (<address type='pci' .../>). */
struct ovl_pci_addr {
	unsigned domain, bus, slot, function;
};
/* The <address type='pci'> child of @dev; false when it has none. */
bool ovl_pci_addr_get(xmlNodePtr dev, struct ovl_pci_addr *ret, xmlNodePtr *addr_node);
/* Parse the attributes of an <address> element (hostdev <source> too). */
bool ovl_pci_addr_parse(xmlNodePtr addr, struct ovl_pci_addr *ret);
void ovl_pci_addr_set(xmlNodePtr addr, const struct ovl_pci_addr *a);
/* The device child of <devices> whose PCI address is @a. */
xmlNodePtr ovl_find_by_addr(xmlNodePtr devices, const char *element,
			    const struct ovl_pci_addr *a);
/* The device child of <devices> with <alias name='@alias'/>. */
xmlNodePtr ovl_find_by_alias(xmlNodePtr devices, const char *alias);
/* <controller type='@type' index='@index'>. */
xmlNodePtr ovl_find_controller(xmlNodePtr devices, const char *type, unsigned index);
bool ovl_uint_attr(xmlNodePtr node, const char *attr, unsigned *ret);
