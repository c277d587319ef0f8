/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's replica of the SA table (ESP, RFC 4303): the types both planes use.
 *
 * Like the peer table (lib/dp_peer.h), every worker has its own copy, fed by control with
 * fixed-size struct esp_sa_msg on an SP/SC ring of its own; the worker is the only writer of
 * its replica (dataplane/dp_sa.c applies the messages), control only reads the counters.
 * Why a replica and not one RCU-protected table: the mutable per-SA state a receiver keeps
 * (the anti-replay window, the counters) then has exactly one writer and needs no atomics,
 * and each worker expands the keys into its own memory (no key schedule cache line is
 * shared between cores). The cost is memory: sizeof(struct dp_sa) per SA per worker
 * (docs/esp.md).
 *
 * The one thing workers share is the outbound sequence counter (struct esp_seq in
 * dp_shared.esp_seq), which must be one per SA whichever worker sends: see docs/esp.md.
 */
#ifndef HUB_ESP_TABLE_H
#define HUB_ESP_TABLE_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_hash.h>

#include "lib/esp_crypto.h"
#include "lib/esp_replay.h"
#include "lib/esp_sa.h"

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
	uint16_t nat_port;	    /* network order: the peer's UDP port with NAT-T, 0 = none or
				     * (natt) not learned yet */
	uint8_t dir;		    /* enum esp_dir, 0 = slot free */
	uint8_t esn;
	uint8_t natt;		    /* UDP-encapsulated (RFC 3948) */
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
	uint32_t n_out_keys;		/* entries in out_by_peer: 0 = nothing to encrypt */
	IMB_MGR *mgr;			/* this worker's IPsec-MB manager */
	void *scratch;			/* struct dp_esp_scratch (dataplane/dp_esp.c) */
	uint64_t applied;		/* messages applied */
	uint64_t bad_msgs;		/* messages refused (bad type, index or parameters) */
};

/* Create a replica for max SAs on socket (control, before launch; name must be unique);
 * NULL with rte_errno on failure. The worker adds its scratch space when it starts. */
struct dp_sa_table *esp_table_create(const char *name, uint32_t max, int socket);
void esp_table_free(struct dp_sa_table *t);

#endif
