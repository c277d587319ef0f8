/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Holdtime expiry: one rte_timer per dynamic binding, restarted by every registration
 * that refreshes it; when it fires the binding leaves control and every worker
 * (ctl_peer_del). Static maps have no timer. Control calls rte_timer_manage() every loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_timer.h>

#include "control/ctl_peer.h"
#include "control/nhrp_priv.h"
#include "lib/hub_log.h"

int nhrp_expiry_init(struct hub_ctl *ctl)
{
	struct nhrp_server *s = ctl->nhrp;

	s->n_slots = ctl_peer_slots(ctl);
	s->by_slot = calloc(s->n_slots ? s->n_slots : 1, sizeof(*s->by_slot));
	return s->by_slot != NULL ? 0 : -ENOMEM;
}

void nhrp_expiry_free(struct hub_ctl *ctl)
{
	struct nhrp_server *s = ctl->nhrp;
	uint32_t i;

	if (s->by_slot == NULL)
		return;
	for (i = 0; i < s->n_slots; i++) {
		if (s->by_slot[i] == NULL)
			continue;
		rte_timer_stop_sync(&s->by_slot[i]->timer);
		free(s->by_slot[i]);
	}
	free(s->by_slot);
	s->by_slot = NULL;
}

static void expire(struct rte_timer *tim, void *arg)
{
	struct nhrp_binding *b = arg;
	struct hub_ctl *ctl = b->ctl;
	struct ctl_peer *p = ctl_peer_at(ctl, b->slot);
	uint64_t now = rte_rdtsc();
	char addr[INET_ADDRSTRLEN];

	(void)tim;
	b->armed = false;
	/* The slot may have been cleared, reused or made static since the timer started. */
	if (p == NULL || !p->in_use || p->type != CTL_PEER_DYNAMIC ||
	    p->tunnel_addr != b->tunnel_addr)
		return;
	if (b->deadline > now) {
		/* Refreshed without a timer restart cannot happen; be exact anyway. */
		rte_timer_reset(&b->timer, b->deadline - now, SINGLE, rte_lcore_id(), expire, b);
		b->armed = true;
		return;
	}
	inet_ntop(AF_INET, &b->tunnel_addr, addr, sizeof(addr));
	HUB_LOG(INFO, nhrp, "binding %s expired (holdtime %u s)", addr, p->holdtime);
	nhrp_binding_forget(ctl, b->slot);
	ctl_peer_del(ctl, b->tunnel_addr);
	ctl->nhrp->stats.expired++;
}

int nhrp_expiry_arm(struct hub_ctl *ctl, uint32_t slot, uint32_t tunnel_addr,
		    uint32_t holdtime, uint32_t request_id)
{
	struct nhrp_server *s = ctl->nhrp;
	struct nhrp_binding *b;
	uint64_t ticks = rte_get_tsc_hz() * (uint64_t)holdtime;

	if (slot >= s->n_slots)
		return -EINVAL;
	b = s->by_slot[slot];
	if (b == NULL) {
		b = calloc(1, sizeof(*b));
		if (b == NULL)
			return -ENOMEM;
		rte_timer_init(&b->timer);
		b->ctl = ctl;
		b->slot = slot;
		s->by_slot[slot] = b;
	}
	b->tunnel_addr = tunnel_addr;
	b->request_id = request_id;
	b->deadline = rte_rdtsc() + ticks;
	/* rte_timer_reset() stops a pending timer first; on our own lcore it cannot fail
	 * unless the timer is running its callback, which is never the case here. */
	if (rte_timer_reset(&b->timer, ticks, SINGLE, rte_lcore_id(), expire, b) != 0)
		return -EBUSY;
	b->armed = true;
	return 0;
}

void nhrp_expiry_cancel(struct hub_ctl *ctl, uint32_t slot)
{
	struct nhrp_server *s = ctl->nhrp;

	if (s == NULL || slot >= s->n_slots || s->by_slot[slot] == NULL)
		return;
	rte_timer_stop(&s->by_slot[slot]->timer);
	s->by_slot[slot]->armed = false;
	s->by_slot[slot]->request_id = 0;
}
