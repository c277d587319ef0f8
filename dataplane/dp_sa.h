/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Applying control's SA messages to a worker's replica (lib/esp_table.h: why a replica),
 * and the replica's lookups. The worker is the only reader and writer of its replica.
 */
#ifndef HUB_DP_SA_H
#define HUB_DP_SA_H

#include <stdint.h>

#include <rte_hash.h>
#include <rte_ring.h>

#include "lib/esp_table.h"

#define DP_SA_APPLY_MAX 64 /* SA messages applied per loop iteration (each expands keys) */

/* Apply one message; 0 or -EINVAL (counted in bad_msgs). */
int dp_sa_apply(struct dp_sa_table *t, const struct esp_sa_msg *msg);
/* Drain at most max messages from ring; returns how many were applied. */
unsigned int dp_sa_apply_ring(struct dp_sa_table *t, struct rte_ring *ring, unsigned int max);

static inline int32_t dp_sa_by_spi(const struct dp_sa_table *t, uint32_t spi)
{
	void *data;

	if (rte_hash_lookup_data(t->by_spi, &spi, &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

static inline int32_t dp_sa_out_by_peer(const struct dp_sa_table *t, uint32_t addr,
					uint16_t port)
{
	struct dp_sa_peer_key k = {.addr = addr, .port = port};
	void *data;

	if (rte_hash_lookup_data(t->out_by_peer, &k, &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

#endif
