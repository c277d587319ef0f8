/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_timer.h>

#include "control/cli_server.h"
#include "control/ctl_loop.h"
#include "control/ctl_exc.h"
#include "control/fpm_server.h"
#include "control/ctl_sa.h"
#include "control/ctl_lan.h"
#include "control/ctl_local.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "control/nhrp_server.h"
#include "lib/hub_log.h"

#define TICK_MS 100	   /* neighbour probes and ageing */
#define IDLE_SPINS 256	   /* empty iterations before control starts napping */
#define CTL_NAP_SLACK_NS 1000 /* timer slack while napping (prctl PR_SET_TIMERSLACK) */
#define CTL_BACKOFF_MS 10	   /* idle this long: each nap twice the last ... */
#define CTL_NAP_MAX_US 500	   /* ... up to this (or control.idle_sleep_us if longer) */

static unsigned int event_drain(struct hub_ctl *ctl)
{
	struct dp_event ev[16];
	unsigned int w, i, n, total = 0;

	for (w = 0; w < ctl->n_workers; w++) {
		n = rte_ring_sc_dequeue_burst_elem(ctl->workers[w]->event_ring, ev, sizeof(ev[0]),
						   RTE_DIM(ev), NULL);
		for (i = 0; i < n; i++)
			if (ev[i].type == DP_EVENT_REDIRECT) {
				ctl->redirect_rx++;
				nhrp_redirect_event(ctl, &ev[i]);
			} else if (ev[i].type == DP_EVENT_NATT_MAP) {
				ctl_sa_natt_learn(ctl, ev[i].src_slot, ev[i].dst_addr,
						  (uint16_t)ev[i].dst_slot);
			}
		total += n;
	}
	return total;
}

/*
 * Each worker's punt ring first; its low-priority ring (NHRP from unknown outer sources:
 * new registrations, or a flood of spoofed ones) only when the first was found empty,
 * one burst at a time: known spokes' refreshes are served first whatever arrives.
 */
static unsigned int punt_drain(struct hub_ctl *ctl)
{
	void *objs[DP_PUNT_BURST];
	unsigned int w, i, n, total = 0;

	for (w = 0; w < ctl->n_workers; w++) {
		n = rte_ring_sc_dequeue_burst(ctl->workers[w]->punt_ring, objs, DP_PUNT_BURST, NULL);
		if (n == 0)
			n = rte_ring_sc_dequeue_burst(ctl->workers[w]->punt_low_ring, objs,
						      DP_PUNT_BURST, NULL);
		total += n;
		/* One TSC read per burst: the dequeue stamp of the registration latency split
		 * (rx at the worker -> dequeued here -> pushed -> applied, /dmvpn/latency). */
		if (n > 0)
			ctl->punt_deq_tsc = rte_rdtsc();
		/* The worker's events were queued before these punts: a NAT-T mapping learned
		 * from a registration binds the SAs before the registration is answered. */
		if (n > 0)
			total += event_drain(ctl);
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = objs[i];
			const struct dp_punt_meta *meta =
				dp_punt_meta(m, ctl->shared->punt_meta_offset);
			int port_idx = m->port < DP_MAX_PORTS ? ctl->port_by_id[m->port] : -1;

			switch (meta->type) {
			case DP_PUNT_ARP:
				if (port_idx < 0) {
					ctl->drops[HUB_DROP_CONTROL]++;
					rte_pktmbuf_free(m);
					break;
				}
				ctl_neigh_input(ctl, (unsigned int)port_idx, m, meta->l3_off);
				break;
			case DP_PUNT_NHRP:
				nhrp_input(ctl, m, meta);
				break;
			case DP_PUNT_LOCAL:
				ctl_local_input(ctl, m, meta->src_slot);
				break;
			case DP_PUNT_GLEAN:
				ctl_lan_glean_input(ctl, m, meta->dst_slot);
				break;
			case DP_PUNT_LAN_NH:
				ctl_lan_nh_input(ctl, m, meta->dst_slot);
				break;
			case DP_PUNT_NEIGH:
				ctl_peer_send(ctl, meta->dst_slot, m, RTE_ETHER_TYPE_IPV4);
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

unsigned int ctl_loop_once(struct hub_ctl *ctl)
{
	uint64_t now = rte_rdtsc();
	unsigned int work = punt_drain(ctl) + event_drain(ctl) + ctl_peer_poll(ctl) +
			    ctl_sa_poll(ctl);

	work += cli_server_poll(ctl);
	work += fpm_server_poll(ctl) + ctl_exc_poll(ctl);
	rte_timer_manage();
	if (now >= ctl->next_tick) {
		ctl_neigh_tick(ctl, now);
		ctl->next_tick = now + rte_get_tsc_hz() * TICK_MS / 1000;
	}
	return work;
}

/*
 * Idle control naps control.idle_sleep_us; once it has found nothing to do for
 * CTL_BACKOFF_MS, each nap is twice the last, up to CTL_NAP_MAX_US, until work comes.
 * An idle hub then wakes about 2 000 times a second instead of up to 20 000 (CPU that the
 * lab's spokes share with it), while a hub with traffic
 * keeps the short nap: the first packet after a long quiet spell waits at most
 * CTL_NAP_MAX_US, and a worker would have to punt more than ring_size packets in that
 * time (8 M/s with the default 4096) to overflow its ring.
 */
static uint32_t nap_next(uint32_t nap_us, uint32_t base_us, uint64_t idle_since, uint64_t now)
{
	uint32_t cap = base_us > CTL_NAP_MAX_US ? base_us : CTL_NAP_MAX_US;

	if (now - idle_since < rte_get_tsc_hz() / 1000 * CTL_BACKOFF_MS)
		return base_us;
	return nap_us >= cap / 2 ? cap : nap_us * 2;
}

int ctl_loop_run(struct hub_ctl *ctl, volatile sig_atomic_t *quit)
{
	uint32_t base_us = ctl->cfg->control_idle_sleep_us, nap_us = base_us;
	uint64_t idle_since = 0;
	unsigned int idle = 0;

	/* A SCHED_OTHER thread's sleeps end up to its timer slack (50 us by default) late;
	 * SCHED_FIFO ones are exact. Make the configured nap what it says, either way. */
	if (base_us > 0 && prctl(PR_SET_TIMERSLACK, CTL_NAP_SLACK_NS, 0, 0, 0) != 0)
		HUB_LOG(WARNING, main, "control: timer slack not set (%s): naps may run long",
			strerror(errno));
	if (base_us > 0)
		HUB_LOG(INFO, main, "control: naps %u us when idle (control.idle_sleep_us), "
			"up to %u us after %u ms without work", base_us,
			base_us > CTL_NAP_MAX_US ? base_us : CTL_NAP_MAX_US, CTL_BACKOFF_MS);
	else
		HUB_LOG(INFO, main, "control: polls without sleeping (control.idle_sleep_us = 0)");
	while (!*quit) {
		if (ctl_loop_once(ctl) > 0) {
			idle = 0;
		} else if (++idle > IDLE_SPINS) {
			if (base_us > 0) {
				uint64_t now = rte_get_tsc_cycles();
				struct timespec nap;

				if (idle == IDLE_SPINS + 1)
					idle_since = now;
				nap_us = nap_next(nap_us, base_us, idle_since, now);
				nap.tv_sec = nap_us / 1000000;
				nap.tv_nsec = (long)(nap_us % 1000000) * 1000;
				nanosleep(&nap, NULL);
			} else {
				sched_yield(); /* SCHED_FIFO peers on this core (a generator) run */
			}
			if (idle == UINT_MAX)
				idle = IDLE_SPINS + 2; /* a wrap must not restart the back-off */
		}
	}
	return 0;
}
