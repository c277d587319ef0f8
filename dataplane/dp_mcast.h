/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_DP_MCAST_H
#define HUB_DP_MCAST_H

#include "dataplane/dp_local.h"

/*
 * Send m (data at an inner IPv4 multicast packet) to every UP multicast peer of tunnel:
 * each copy is a fresh header mbuf with the peer's outer header, chained to a clone of m
 * (an indirect mbuf: the payload is shared by reference count, never copied). Consumes m.
 */
void dp_mcast_replicate(struct dp_worker *w, struct dp_local *l, struct rte_mbuf *m,
			unsigned int tunnel);

#endif
