/* SPDX-License-Identifier: BSD-3-Clause */
/* Allocating a worker's SA replica (lib/esp_table.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "lib/esp_table.h"

struct dp_sa_table *esp_table_create(const char *name, uint32_t max, int socket)
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
	if (t->sa == NULL)
		goto nomem;
	/* Touch every page now, not in the worker's loop (rte_zmalloc may skip zeroing). */
	memset(t->sa, 0, sizeof(t->sa[0]) * RTE_MAX(max, 1u));
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
	esp_table_free(t);
	rte_errno = ENOMEM;
	return NULL;
}

void esp_table_free(struct dp_sa_table *t)
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

