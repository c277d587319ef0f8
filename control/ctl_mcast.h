/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_CTL_MCAST_H
#define HUB_CTL_MCAST_H

#include <rte_mbuf.h>
#include "control/ctl.h"

/*
 * Send m (data at an inner IPv4 packet to 224.0.0.0/4) to every multicast peer of tunnel
 * ("ip nhrp map multicast" / "map multicast dynamic"): a worker replicates it with the
 * peers' ready outer headers. Consumed. Returns 0, or -errno (counted) when the worker's
 * inject ring is full or m is not IPv4 multicast.
 */
int ctl_mcast_send(struct hub_ctl *ctl, unsigned int tunnel, struct rte_mbuf *m);

#endif
