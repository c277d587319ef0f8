/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef HUB_DP_PEER_TABLE_H
#define HUB_DP_PEER_TABLE_H

#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "lib/dp_peer.h"
#include "lib/dp_shared.h"

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

/* Home cell of an outer-source key: CRC32 of the address seeded with the port, spread by a
 * multiplicative hash, top bits. */
static inline uint32_t dp_peer_nbma_home(const struct dp_peer_table *t, uint32_t addr,
					 uint16_t port)
{
	return (rte_hash_crc_4byte(addr, port) * 0x9e3779b1u) >> t->nbma_shift;
}

/* The index cell holding (addr, port), or NULL. */
static inline const struct dp_nbma_ent *dp_peer_nbma_find(const struct dp_peer_table *t,
							  uint32_t home, uint32_t addr,
							  uint16_t port)
{
	uint32_t i = home;

	for (;;) {
		const struct dp_nbma_ent *e = &t->by_nbma[i];

		if (e->used == 0)
			return NULL;
		if (e->addr == addr && e->port == port)
			return e;
		i = (i + 1) & t->nbma_mask;
	}
}

/* The slot of the UP peer sending from (addr, port), or -1. */
static inline int32_t dp_peer_by_nbma(const struct dp_peer_table *t, uint32_t addr, uint16_t port)
{
	const struct dp_nbma_ent *e =
		dp_peer_nbma_find(t, dp_peer_nbma_home(t, addr, port), addr, port);

	return e != NULL ? e->slot : -1;
}

/*
 * The slots of the UP peers sending from keys[0..n-1] (slots[i] = -1 when none): every
 * home cell is computed and prefetched first, then probed, so a burst's cache misses on a
 * large index overlap instead of coming one after the other. n <= DP_BURST.
 */
static inline void dp_peer_by_nbma_bulk(const struct dp_peer_table *t,
					const struct dp_peer_nbma_key *keys, unsigned int n,
					int32_t *slots)
{
	uint32_t home[DP_BURST];
	unsigned int i;

	for (i = 0; i < n; i++) {
		home[i] = dp_peer_nbma_home(t, keys[i].addr, keys[i].port);
		rte_prefetch0(&t->by_nbma[home[i]]);
	}
	for (i = 0; i < n; i++) {
		const struct dp_nbma_ent *e =
			dp_peer_nbma_find(t, home[i], keys[i].addr, keys[i].port);

		slots[i] = e != NULL ? e->slot : -1;
	}
}

#endif
