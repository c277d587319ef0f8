/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "control/ctl_workers.h"
#include "dataplane/dp_worker.h"
#include "lib/hub_log.h"

int ctl_workers_select(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	unsigned int lcore, i, n = 0;

	if (cfg->n_workers > 0) {
		for (i = 0; i < cfg->n_workers; i++) {
			lcore = cfg->workers[i];
			if (lcore >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lcore) ||
			    lcore == rte_get_main_lcore()) {
				HUB_LOG(ERR, main,
					"%s: lcores.workers[%u]: lcore %u is not an EAL worker "
					"lcore (give EAL -l / --lcores with it; the main lcore %u "
					"is the control lcore)",
					cfg->source, i, lcore, rte_get_main_lcore());
				return -EINVAL;
			}
			ctl->worker_lcores[n++] = lcore;
		}
	} else {
		RTE_LCORE_FOREACH_WORKER(lcore) {
			if (n == CTL_MAX_WORKERS)
				break;
			ctl->worker_lcores[n++] = lcore;
		}
	}
	if (n == 0) {
		HUB_LOG(ERR, main, "no worker lcore: give EAL at least two lcores (e.g. -l 0-1)");
		return -EINVAL;
	}
	ctl->n_workers = n;
	return 0;
}

int ctl_workers_init(struct hub_ctl *ctl)
{
	unsigned int i;
	char name[RTE_RING_NAMESIZE];

	for (i = 0; i < ctl->n_workers; i++) {
		unsigned int lcore = ctl->worker_lcores[i];
		int socket = (int)rte_lcore_to_socket_id(lcore);
		struct dp_worker *w;

		w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
		if (w == NULL)
			return -ENOMEM;
		w->lcore_id = lcore;
		w->index = i;
		w->txq = (uint16_t)i;
		w->shared = ctl->shared;
		snprintf(name, sizeof(name), "punt_w%u", i);
		w->punt_ring = rte_ring_create(name, ctl->cfg->ring_size, socket,
					       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->punt_ring == NULL) {
			rte_free(w);
			return -rte_errno;
		}
		snprintf(name, sizeof(name), "puntlow_w%u", i);
		w->punt_low_ring = rte_ring_create(name, ctl->cfg->ring_size, socket,
						   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->punt_low_ring == NULL) {
			int rc = -rte_errno;

			rte_ring_free(w->punt_ring);
			rte_free(w);
			return rc;
		}
		ctl->workers[i] = w;
	}
	return 0;
}

int ctl_workers_launch(struct hub_ctl *ctl)
{
	unsigned int i;
	int rc;

	for (i = 0; i < ctl->n_workers; i++) {
		rc = rte_eal_remote_launch(dp_worker_main, ctl->workers[i], ctl->workers[i]->lcore_id);
		if (rc < 0) {
			HUB_LOG(ERR, main, "cannot launch worker on lcore %u: %s",
				ctl->workers[i]->lcore_id, rte_strerror(-rc));
			return rc;
		}
		HUB_LOG(INFO, main, "worker %u on lcore %u polls %u rx queues", i,
			ctl->workers[i]->lcore_id, ctl->workers[i]->n_rxq);
	}
	return 0;
}

void ctl_workers_stop(struct hub_ctl *ctl)
{
	unsigned int i;

	if (ctl->shared == NULL)
		return;
	ctl->shared->stop = true;
	for (i = 0; i < ctl->n_workers; i++)
		if (ctl->workers[i] != NULL)
			rte_eal_wait_lcore(ctl->workers[i]->lcore_id);
}

void ctl_workers_free(struct hub_ctl *ctl)
{
	unsigned int i;

	for (i = 0; i < ctl->n_workers; i++) {
		struct dp_worker *w = ctl->workers[i];
		void *m;

		if (w == NULL)
			continue;
		while (rte_ring_sc_dequeue(w->punt_ring, &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->punt_ring);
		while (w->punt_low_ring != NULL && rte_ring_sc_dequeue(w->punt_low_ring, &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->punt_low_ring);
		rte_free(w);
		ctl->workers[i] = NULL;
	}
}
