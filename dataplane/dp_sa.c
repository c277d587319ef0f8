/* SPDX-License-Identifier: BSD-3-Clause */
/* Applying control's SA messages to a worker's replica (dataplane/dp_sa.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "dataplane/dp_esp.h"
#include "dataplane/dp_sa.h"

/* An outbound NAT-T SA whose peer port is not known yet has no place in the outbound
 * index: its key would be (address, 0), which means plain ESP to that address, and two
 * spokes behind one NAT would share it. */
static inline bool out_indexed(const struct dp_sa *s)
{
	return !s->natt || s->nat_port != 0;
}

/* The outbound index and its key count (the worker skips the lookup while it is 0):
 * every change goes through these two. */
static void out_index_del(struct dp_sa_table *t, const struct dp_sa_peer_key *k, uint32_t idx)
{
	void *data;

	dp_esp_cache_invalidate(t);
	if (rte_hash_lookup_data(t->out_by_peer, k, &data) >= 0 && (uintptr_t)data == idx &&
	    rte_hash_del_key(t->out_by_peer, k) >= 0)
		t->n_out_keys--;
}

/* An upsert: a new outbound SA for a peer takes over from the old one at once (make
 * before break); the old one's DEL then leaves the index alone. */
static int out_index_add(struct dp_sa_table *t, const struct dp_sa_peer_key *k, uint32_t idx)
{
	int fresh = rte_hash_lookup(t->out_by_peer, k) < 0;

	dp_esp_cache_invalidate(t);

	if (rte_hash_add_key_data(t->out_by_peer, k, (void *)(uintptr_t)idx) < 0)
		return -ENOSPC;
	if (fresh)
		t->n_out_keys++;
	return 0;
}

/* Remove slot idx from the indexes, only where they still point at it. */
static void sa_unindex(struct dp_sa_table *t, uint32_t idx)
{
	struct dp_sa *s = &t->sa[idx];
	void *data;

	if (s->dir == ESP_DIR_IN) {
		dp_esp_cache_invalidate(t);
		if (rte_hash_lookup_data(t->by_spi, &s->spi, &data) >= 0 &&
		    (uintptr_t)data == idx)
			rte_hash_del_key(t->by_spi, &s->spi);
	} else if (s->dir == ESP_DIR_OUT && out_indexed(s)) {
		struct dp_sa_peer_key k = {.addr = s->peer_addr, .port = s->nat_port};

		out_index_del(t, &k, idx);
	}
	s->dir = 0;
}

static int sa_set(struct dp_sa_table *t, uint32_t idx, const struct esp_sa_params *p)
{
	struct dp_sa *s = &t->sa[idx];
	int rc;

	if (s->dir != 0)
		sa_unindex(t, idx);
	memset(&s->c, 0, sizeof(s->c));
	rc = esp_keys_expand(t->mgr, &s->keys, p);
	if (rc < 0)
		return rc;
	esp_replay_init(&s->replay, p->replay_window);
	s->spi = p->spi;
	s->peer_addr = p->peer_addr;
	s->nat_port = p->nat_port;
	s->esn = (p->flags & ESP_SA_F_ESN) != 0;
	s->natt = (p->flags & ESP_SA_F_NATT) != 0;
	s->seq_base = p->seq_base;
	if (p->dir == ESP_DIR_IN) {
		dp_esp_cache_invalidate(t);
		rc = rte_hash_add_key_data(t->by_spi, &s->spi, (void *)(uintptr_t)idx);
	} else if (!out_indexed(s)) {
		rc = 0; /* indexed once control tells the learned port (ESP_SA_MSG_NATT) */
	} else {
		struct dp_sa_peer_key k = {.addr = p->peer_addr, .port = p->nat_port};

		rc = out_index_add(t, &k, idx);
	}
	if (rc < 0)
		return -ENOSPC;
	s->dir = p->dir;
	return 0;
}

/* The peer port of a NAT-T SA, learned by control (docs/esp.md): the outbound index moves
 * to the new key; window, counters and keys stay as they are. */
static int sa_natt(struct dp_sa_table *t, uint32_t idx, uint16_t port)
{
	struct dp_sa *s = &t->sa[idx];

	if (s->dir == 0 || !s->natt || port == 0)
		return -EINVAL;
	if (s->dir == ESP_DIR_OUT) {
		struct dp_sa_peer_key k = {.addr = s->peer_addr, .port = s->nat_port};

		if (out_indexed(s))
			out_index_del(t, &k, idx);
		k.port = port;
		if (out_index_add(t, &k, idx) < 0)
			return -ENOSPC;
	}
	s->nat_port = port;
	return 0;
}

int dp_sa_apply(struct dp_sa_table *t, const struct esp_sa_msg *msg)
{
	int rc = -EINVAL;

	if (msg->idx < t->max) {
		switch (msg->type) {
		case ESP_SA_MSG_SET:
			rc = sa_set(t, msg->idx, &msg->p);
			break;
		case ESP_SA_MSG_NATT:
			rc = sa_natt(t, msg->idx, msg->p.nat_port);
			break;
		case ESP_SA_MSG_DEL:
			if (t->sa[msg->idx].dir != 0)
				sa_unindex(t, msg->idx);
			rc = 0;
			break;
		default:
			break;
		}
	}
	if (rc < 0)
		t->bad_msgs++;
	t->applied++;
	return rc;
}

unsigned int dp_sa_apply_ring(struct dp_sa_table *t, struct rte_ring *ring, unsigned int max)
{
	struct esp_sa_msg msgs[8];
	unsigned int done = 0, n, i;

	while (done < max) {
		n = rte_ring_sc_dequeue_burst_elem(ring, msgs, sizeof(msgs[0]),
						   RTE_MIN(RTE_DIM(msgs), max - done), NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			dp_sa_apply(t, &msgs[i]);
		done += n;
	}
	return done;
}
