/* SPDX-License-Identifier: BSD-3-Clause */
#include <time.h>

#include <rte_cycles.h>
#include <rte_ring.h>
#include <rte_timer.h>

#include "control/ctl_loop.h"
#include "control/ctl_neigh.h"
#include "lib/hub_log.h"

#define TICK_MS 100	   /* neighbour probes and ageing */
#define IDLE_SPINS 256	   /* empty iterations before control starts napping */
#define IDLE_NAP_NS 50000  /* a nap short enough for NHRP latency, long enough to yield */

static unsigned int punt_drain(struct hub_ctl *ctl)
{
	void *objs[DP_PUNT_BURST];
	unsigned int w, i, n, total = 0;

	for (w = 0; w < ctl->n_workers; w++) {
		n = rte_ring_sc_dequeue_burst(ctl->workers[w]->punt_ring, objs, DP_PUNT_BURST, NULL);
		total += n;
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = objs[i];
			const struct dp_punt_meta *meta =
				dp_punt_meta(m, ctl->shared->punt_meta_offset);
			int port_idx = m->port < DP_MAX_PORTS ? ctl->port_by_id[m->port] : -1;

			if (port_idx < 0) {
				ctl->drops[HUB_DROP_CONTROL]++;
				rte_pktmbuf_free(m);
				continue;
			}
			switch (meta->type) {
			case DP_PUNT_ARP:
				ctl_neigh_input(ctl, (unsigned int)port_idx, m, meta->l3_off);
				break;
			default:
				ctl->drops[HUB_DROP_CONTROL]++;
				rte_pktmbuf_free(m);
				break;
			}
		}
	}
	return total;
}

int ctl_loop_run(struct hub_ctl *ctl, volatile sig_atomic_t *quit)
{
	const uint64_t tick = rte_get_tsc_hz() * TICK_MS / 1000;
	uint64_t next_tick = rte_rdtsc();
	unsigned int idle = 0;

	while (!*quit) {
		uint64_t now = rte_rdtsc();
		unsigned int work = punt_drain(ctl);

		rte_timer_manage();
		if (now >= next_tick) {
			ctl_neigh_tick(ctl, now);
			next_tick = now + tick;
		}
		if (work > 0) {
			idle = 0;
		} else if (++idle > IDLE_SPINS) {
			struct timespec ts = {0, IDLE_NAP_NS};

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}
