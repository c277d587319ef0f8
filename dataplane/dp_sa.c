/* SPDX-License-Identifier: BSD-3-Clause */
/* Applying control's SA messages to a worker's replica (dataplane/dp_sa.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "dataplane/dp_esp.h"
#include "dataplane/dp_sa.h"

struct dp_sa_table *dp_sa_table_create(const char *name, uint32_t max, int socket)
{
	char hname[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = RTE_MAX(max, 8u),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};
	struct dp_sa_table *t;

	t = rte_zmalloc_socket("dp_sa_table", sizeof(*t), RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL)
		goto nomem;
	t->max = max;
	t->sa = rte_zmalloc_socket("dp_sa", sizeof(t->sa[0]) * RTE_MAX(max, 1u),
				   RTE_CACHE_LINE_SIZE, socket);
	t->scratch = rte_zmalloc_socket("dp_esp_scratch", dp_esp_scratch_size(),
					RTE_CACHE_LINE_SIZE, socket);
	if (t->sa == NULL || t->scratch == NULL)
		goto nomem;
	snprintf(hname, sizeof(hname), "%s_spi", name);
	hp.name = hname;
	hp.key_len = sizeof(uint32_t);
	t->by_spi = rte_hash_create(&hp);
	snprintf(hname, sizeof(hname), "%s_out", name);
	hp.key_len = sizeof(struct dp_sa_peer_key);
	t->out_by_peer = rte_hash_create(&hp);
	t->mgr = esp_mgr_create();
	if (t->by_spi == NULL || t->out_by_peer == NULL || t->mgr == NULL)
		goto nomem;
	return t;
nomem:
	dp_sa_table_free(t);
	rte_errno = ENOMEM;
	return NULL;
}

void dp_sa_table_free(struct dp_sa_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->by_spi);
	rte_hash_free(t->out_by_peer);
	esp_mgr_free(t->mgr);
	rte_free(t->scratch);
	rte_free(t->sa);
	rte_free(t);
}

/* Remove slot idx from the indexes, only where they still point at it. */
static void sa_unindex(struct dp_sa_table *t, uint32_t idx)
{
	struct dp_sa *s = &t->sa[idx];
	void *data;

	if (s->dir == ESP_DIR_IN) {
		if (rte_hash_lookup_data(t->by_spi, &s->spi, &data) >= 0 &&
		    (uintptr_t)data == idx)
			rte_hash_del_key(t->by_spi, &s->spi);
	} else if (s->dir == ESP_DIR_OUT) {
		struct dp_sa_peer_key k = {.addr = s->peer_addr, .port = s->nat_port};

		if (rte_hash_lookup_data(t->out_by_peer, &k, &data) >= 0 &&
		    (uintptr_t)data == idx)
			rte_hash_del_key(t->out_by_peer, &k);
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
	s->seq_base = p->seq_base;
	if (p->dir == ESP_DIR_IN) {
		rc = rte_hash_add_key_data(t->by_spi, &s->spi, (void *)(uintptr_t)idx);
	} else {
		struct dp_sa_peer_key k = {.addr = p->peer_addr, .port = p->nat_port};

		/* An upsert: a new outbound SA for a peer takes over from the old one at once
		 * (make before break); the old one's DEL then leaves the index alone. */
		rc = rte_hash_add_key_data(t->out_by_peer, &k, (void *)(uintptr_t)idx);
	}
	if (rc < 0)
		return -ENOSPC;
	s->dir = p->dir;
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
