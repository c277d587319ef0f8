/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's replica of the SA table (ESP, RFC 4303).
 *
 * Like the peer table (lib/dp_peer.h), every worker has its own copy, fed by control with
 * fixed-size struct esp_sa_msg on an SP/SC ring of its own; the worker is the only reader
 * and writer of its replica. Why a replica and not one RCU-protected table: the mutable
 * per-SA state a receiver keeps (the anti-replay window, the counters) then has exactly one
 * writer with no atomics, and each worker expands the keys into its own memory (no key
 * schedule cache line is shared between cores). Its cost is memory: sizeof(struct dp_sa)
 * per SA per worker (see docs/esp.md).
 *
 * The one thing workers share is the outbound sequence counter (dp_shared.esp_seq), which
 * must be one per SA whichever worker sends: see docs/esp.md.
 */
#ifndef HUB_DP_SA_H
#define HUB_DP_SA_H

#include <stdint.h>

#include <rte_hash.h>
#include <rte_ring.h>

#include "lib/esp_crypto.h"
#include "lib/esp_replay.h"
#include "lib/esp_sa.h"

#define DP_SA_APPLY_MAX 64 /* SA messages applied per loop iteration (each expands keys) */

/* Per-SA counters one worker keeps (control sums them over workers). */
struct dp_sa_counters {
	uint64_t pkts;	      /* packets decrypted (in) or encrypted (out) */
	uint64_t bytes;	      /* ESP payload bytes */
	uint64_t replay;      /* in: replayed or too old (RFC 4303 3.4.3) */
	uint64_t integrity;   /* in: ICV mismatch (RFC 4303 3.4.4) */
	uint64_t padding;     /* in: bad pad length, pad bytes or next header */
	uint64_t truncated;   /* in: shorter than the SA's header + trailer + ICV */
	uint64_t other;	      /* peer mismatch, crypto errors, sequence overflow, mbufs */
};

struct dp_sa {
	struct esp_keys keys;	    /* this worker's expansion of the SA's keys */
	struct esp_replay replay;   /* inbound window (only this worker writes it) */
	uint32_t spi;		    /* host order */
	uint32_t peer_addr;	    /* network order */
	uint16_t nat_port;	    /* network order */
	uint8_t dir;		    /* enum esp_dir, 0 = slot free */
	uint8_t esn;
	uint64_t seq_base;	    /* outbound: wire seq = shared counter - seq_base */
	struct dp_sa_counters c;
} __rte_cache_aligned;

/* Key of the outbound index: the peer as the tunnel addresses it. */
struct dp_sa_peer_key {
	uint32_t addr;	/* network order */
	uint16_t port;	/* network order, 0 without NAT-T */
	uint16_t pad;
};

struct dp_sa_table {
	uint32_t max;
	struct dp_sa *sa;		/* [max], by SA index */
	struct rte_hash *by_spi;	/* inbound SPI (host order) -> index */
	struct rte_hash *out_by_peer;	/* struct dp_sa_peer_key -> outbound index */
	IMB_MGR *mgr;			/* this worker's IPsec-MB manager */
	void *scratch;			/* struct dp_esp_scratch (dataplane/dp_esp.c) */
	uint64_t applied;		/* messages applied */
	uint64_t bad_msgs;		/* messages refused (bad type, index or parameters) */
};

/* Create a replica for max SAs on socket (called by control before launch, with
 * unique name); NULL with rte_errno on failure. */
struct dp_sa_table *dp_sa_table_create(const char *name, uint32_t max, int socket);
void dp_sa_table_free(struct dp_sa_table *t);

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
