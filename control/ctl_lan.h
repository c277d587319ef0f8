/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LAN next hops: a neighbour on a LAN port (a static route's gateway, or a host on a
 * connected LAN subnet once resolved) gets an index the workers keep with its MAC
 * (DP_MSG_LAN_NH_SET). Hosts on a connected subnet start as a glean route: the first
 * packets go through control, which resolves the host by ARP, sends them, and installs
 * a /32 route to the new index, after which the workers forward on their own.
 */
#ifndef HUB_CTL_LAN_H
#define HUB_CTL_LAN_H

#include <stdint.h>
#include <rte_mbuf.h>

#include "control/ctl.h"

struct ctl_lan_stats {
	uint64_t glean_rx;	/* packets control sent for an unresolved LAN host */
	uint64_t host_routes;	/* /32 routes installed for resolved hosts */
	uint64_t nh_full;	/* next hops refused: the table was full */
};

int ctl_lan_init(struct hub_ctl *ctl);
void ctl_lan_free(struct hub_ctl *ctl);
/* Index of the next hop ip on port_idx, created (and resolved) on first use; -errno. */
int ctl_lan_nh_ref(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip);
void ctl_lan_nh_unref(struct hub_ctl *ctl, uint32_t idx);
/* Punted packets: DP_PUNT_GLEAN (arg = DPDK port id) and DP_PUNT_LAN_NH (arg = index). */
void ctl_lan_glean_input(struct hub_ctl *ctl, struct rte_mbuf *m, uint32_t port_id);
void ctl_lan_nh_input(struct hub_ctl *ctl, struct rte_mbuf *m, uint32_t idx);
/* The message that tells a worker about next hop idx, for a resync; false if unused. */
bool ctl_lan_nh_msg(struct hub_ctl *ctl, uint32_t idx, struct dp_msg *m);
const struct ctl_lan_stats *ctl_lan_stats(const struct hub_ctl *ctl);

#endif
