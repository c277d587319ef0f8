/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dataplane/dp_redirect.h"

/* Fibonacci hashing of the 64-bit pair: the top bits of the product mix every input bit,
 * so consecutive slots and addresses spread over the whole table. */
static inline uint32_t redirect_hash(uint32_t src_slot, uint32_t dst)
{
	const uint64_t key = ((uint64_t)src_slot << 32) | dst;

	return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - DP_REDIRECT_BITS));
}

void dp_redirect_init(struct dp_redirect_limiter *l, uint64_t interval_tsc)
{
	memset(l, 0, sizeof(*l));
	l->interval_tsc = interval_tsc;
}

bool dp_redirect_allow(struct dp_redirect_limiter *l, uint32_t src_slot, uint32_t dst_be,
                       uint64_t now_tsc)
{
	struct dp_redirect_entry *e = &l->e[redirect_hash(src_slot, dst_be)];

	/* A free entry has next_tsc 0, so it never suppresses, whatever its key. */
	if (e->src_slot == src_slot && e->dst == dst_be && now_tsc < e->next_tsc)
		return false;
	e->src_slot = src_slot;
	e->dst = dst_be;
	e->next_tsc = now_tsc + l->interval_tsc;
	if (e->next_tsc < now_tsc) /* saturate rather than wrap */
		e->next_tsc = UINT64_MAX;
	return true;
}
