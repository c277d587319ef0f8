/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path: one net_tap kernel interface per tunnel that names one
 * (`exception_interface`), in the hub's network namespace, carrying the hub's tunnel
 * address, so that FRR (BGP, OSPF, ...) and any other local software talk to the spokes.
 *
 *   spoke -> hub tunnel address, not served natively (ctl_local.c) -> ctl_exc_to_kernel
 *   kernel -> interface: ARP answered here; IPv4 unicast forwarded by the FIB and the peer
 *   table from the control lcore's tx queue; multicast replicated by the workers to every
 *   multicast peer (ctl_mcast_send).
 *
 * The control lcore polls the tap itself: routing-protocol traffic is small, and net_tap
 * moves ~0.27 Mpps here (DESIGN.md §4), far more than it needs.
 */
#ifndef HUB_CTL_EXC_H
#define HUB_CTL_EXC_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "control/ctl.h"

struct ctl_exc_stats {
	uint64_t to_kernel;	  /* packets from spokes handed to the kernel */
	uint64_t from_kernel;	  /* frames the kernel sent out of the interface */
	uint64_t unicast;	  /* forwarded to a spoke or LAN */
	uint64_t multicast;	  /* handed to a worker for replication */
	uint64_t arp_replied;	  /* kernel ARP requests answered */
	uint64_t dropped;	  /* by the named reasons exception-* */
};

int ctl_exc_init(struct hub_ctl *ctl);
void ctl_exc_free(struct hub_ctl *ctl);
/* Read what the kernel sent; returns packets handled. */
unsigned int ctl_exc_poll(struct hub_ctl *ctl);
/* Hand m (data at the inner IPv4 header, addressed to a tunnel address of the hub) to
 * that tunnel's kernel interface. 0, or -ENOENT when the tunnel has none (m not consumed),
 * or another -errno (consumed, counted). */
int ctl_exc_to_kernel(struct hub_ctl *ctl, struct rte_mbuf *m);
const struct ctl_exc_stats *ctl_exc_stats(void);
/* The DPDK port of tunnel t's interface, or -1. */
int ctl_exc_port(unsigned int tunnel);

#endif
