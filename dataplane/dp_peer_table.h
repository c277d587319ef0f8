/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_DP_PEER_TABLE_H
#define HUB_DP_PEER_TABLE_H

#include <rte_ring.h>

#include "lib/dp_peer.h"

/* Apply one update message to the replica. Returns 0, or -EINVAL for a refused message. */
int dp_peer_apply(struct dp_peer_table *t, const struct dp_msg *msg);

/* Drain at most max messages from ring into t; returns how many were applied. */
unsigned int dp_peer_apply_ring(struct dp_peer_table *t, struct rte_ring *ring, unsigned int max);

/* The slot of the peer owning tunnel address addr (network order), or -1. */
static inline int32_t dp_peer_by_tunnel(const struct dp_peer_table *t, uint32_t addr)
{
	void *data;

	if (rte_hash_lookup_data(t->by_tunnel, &addr, &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

/* The slot of the UP peer sending from (addr, port), or -1. */
static inline int32_t dp_peer_by_nbma(const struct dp_peer_table *t, uint32_t addr, uint16_t port)
{
	struct dp_peer_nbma_key k = {.addr = addr, .port = port};
	void *data;

	if (rte_hash_lookup_data(t->by_nbma, &k, &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

#endif
