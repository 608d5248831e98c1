/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the QEMU command and the Proxmox lines share. */
#pragma once

#include "vm/strv.h"

struct ov_vm_config;

/* -acpitable file=T per table, in order, and -fw_cfg name=N,file=F. */
void ovq_push_tables(struct ovs *s, const struct ov_vm_config *cfg);
