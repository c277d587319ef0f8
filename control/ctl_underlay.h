/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Underlay (NBMA) routing: which port and next hop reach an outer destination. Built from
 * the ports' connected prefixes, their gateways and the configured underlay routes;
 * longest prefix wins. The table is small (a hub has a handful of underlay routes), so a
 * sorted array is enough and keeps it obvious.
 */
#ifndef HUB_CTL_UNDERLAY_H
#define HUB_CTL_UNDERLAY_H

#include <stdint.h>
#include "control/ctl.h"

struct underlay_nh {
	unsigned int port_idx;
	uint32_t nexthop; /* the address to ARP for: a gateway, or the destination itself */
};

int ctl_underlay_init(struct hub_ctl *ctl);
void ctl_underlay_free(struct hub_ctl *ctl);
/* 0 and *nh filled, or -ENETUNREACH. dst in network order. */
int ctl_underlay_lookup(const struct hub_ctl *ctl, uint32_t dst, struct underlay_nh *nh);

#endif
