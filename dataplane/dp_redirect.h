/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker rate limiter for redirect triggers (NHRP Traffic Indications, DESIGN 1
 * Phase 3): about one trigger per (source peer slot, inner destination) per interval, so a
 * hairpinning flow costs control one event per second rather than one per packet.
 *
 * A direct-mapped cache: fixed memory, O(1), single-threaded (each worker owns one and
 * embeds it in its local state; no atomics). Two pairs that hash to the same entry evict
 * each other, which can only let extra triggers through (fail open, never silence a pair
 * for good); control dedups them anyway.
 */
#ifndef HUB_DP_REDIRECT_H
#define HUB_DP_REDIRECT_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#define DP_REDIRECT_BITS 12
#define DP_REDIRECT_ENTRIES (1u << DP_REDIRECT_BITS) /* 4096 */

struct dp_redirect_entry {
	uint32_t src_slot; /* peer slot the hairpinned packet came from */
	uint32_t dst;      /* inner destination, network order */
	uint64_t next_tsc; /* no trigger for this pair before this TSC; 0 = free */
};

struct dp_redirect_limiter {
	uint64_t interval_tsc; /* minimum TSC cycles between triggers for one pair */
	uint8_t pad[RTE_CACHE_LINE_SIZE - sizeof(uint64_t)];
	struct dp_redirect_entry e[DP_REDIRECT_ENTRIES];
} __rte_cache_aligned;

static_assert(sizeof(struct dp_redirect_entry) == 16, "four entries per cache line");
static_assert(sizeof(struct dp_redirect_limiter) ==
                  RTE_CACHE_LINE_SIZE + DP_REDIRECT_ENTRIES * sizeof(struct dp_redirect_entry),
              "64 KiB + one line per worker");

/* Empty the cache and set the interval (e.g. rte_get_tsc_hz() for one second). */
void dp_redirect_init(struct dp_redirect_limiter *l, uint64_t interval_tsc);

/* Returns true when a trigger should be sent now for (src_slot, dst_be) at now_tsc, and
 * records it; false when one was sent less than the interval ago. */
bool dp_redirect_allow(struct dp_redirect_limiter *l, uint32_t src_slot, uint32_t dst_be,
                       uint64_t now_tsc);

#endif
