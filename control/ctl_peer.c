/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "control/ctl_lan.h"
#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "control/ctl_sa.h"
#include "control/ctl_underlay.h"
#include "lib/hub_log.h"
#include "lib/outer_hdr.h"

struct worker_sync {
	bool resync;	   /* the worker's replica must be rebuilt */
	bool flushed;	   /* the FLUSH of the current resync is enqueued */
	uint32_t cursor;   /* next slot the resync sends */
	uint32_t lan_cursor; /* then the next LAN next hop */
	uint64_t sent;	   /* messages enqueued to this worker, ever */
};

/* An update being timed: done when every worker's applied_gen reaches gen. */
struct fwd_probe {
	uint64_t gen;
	uint64_t push_tsc;
	uint64_t deq_tsc; /* control's dequeue of the request; 0 = unknown */
	uint32_t slot;
	uint32_t rx_tsc8;
};

/* Updates timed at once; more are counted as untimed (a registration storm still gets a
 * sample of 64k in flight, and the list costs 1.5 MiB). */
#define CTL_PEER_PROBES 65536

struct ctl_peer_table {
	uint32_t max;
	struct ctl_peer *peers;		/* [max], by slot */
	struct rte_hash *by_tunnel;	/* tunnel address -> slot */
	uint32_t *free_slots;		/* stack of free slots */
	uint32_t n_free;
	uint32_t n_bound;		/* static + dynamic */
	struct worker_sync sync[CTL_MAX_WORKERS];
	struct ctl_peer_stats stats;
	uint64_t push_tsc;		/* when push() last ran */
	struct fwd_probe *probes;	/* [CTL_PEER_PROBES], a FIFO in gen order */
	uint32_t probe_head, probe_tail; /* free-running; index & (CTL_PEER_PROBES - 1) */
};

static uint32_t table_size(const struct hub_cfg *cfg)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < cfg->n_tunnels; i++)
		n += cfg->tunnels[i].nhrp.max_peers;
	/* rte_hash wants a few buckets' worth even for a hub without tunnels. */
	if (n < 64)
		n = 64;
	return (uint32_t)RTE_MIN(n, (uint64_t)DP_NH_INDEX_MAX + 1);
}

static int replica_create(struct hub_ctl *ctl, struct dp_worker *w, uint32_t max)
{
	int socket = (int)rte_lcore_to_socket_id(w->lcore_id);
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {.entries = max, .hash_func = rte_jhash,
					 .socket_id = socket};
	struct dp_peer_table *t;

	struct rte_malloc_socket_stats before, after;
	bool measured = rte_malloc_get_socket_stats(socket, &before) == 0;

	t = rte_zmalloc_socket("dp_peers", sizeof(*t), RTE_CACHE_LINE_SIZE, socket);
	if (t == NULL)
		return -ENOMEM;
	w->peers = t;
	t->max = max;
	t->peers = rte_zmalloc_socket("dp_peer_array", sizeof(struct dp_peer) * max,
				      RTE_CACHE_LINE_SIZE, socket);
	snprintf(name, sizeof(name), "w%u_by_tunnel", w->index);
	hp.name = name;
	hp.key_len = sizeof(uint32_t);
	t->by_tunnel = rte_hash_create(&hp);
	/* The outer-source index: an array the worker probes itself (lib/dp_peer.h). */
	t->nbma_mask = dp_peer_nbma_cells(max) - 1;
	t->nbma_shift = 32 - (uint32_t)rte_log2_u32(t->nbma_mask + 1);
	t->by_nbma = rte_zmalloc_socket("dp_by_nbma", sizeof(struct dp_nbma_ent) *
					((size_t)t->nbma_mask + 1), RTE_CACHE_LINE_SIZE, socket);
	t->mcast_slots = rte_zmalloc_socket("dp_mcast", sizeof(uint32_t) * max, 0, socket);
	t->mcast_pos = rte_zmalloc_socket("dp_mcast_pos", sizeof(uint32_t) * max, 0, socket);
	if (t->peers == NULL || t->by_tunnel == NULL || t->by_nbma == NULL ||
	    t->mcast_slots == NULL || t->mcast_pos == NULL)
		return -ENOMEM;
	memset(t->mcast_pos, 0, sizeof(uint32_t) * max);
	/* Touch every page now: without hugepages the first write would otherwise fault in
	 * the worker's loop (rte_zmalloc may skip zeroing memory it knows is clean). */
	memset(t->peers, 0, sizeof(struct dp_peer) * max);
	memset(t->by_nbma, 0, sizeof(struct dp_nbma_ent) * ((size_t)t->nbma_mask + 1));
	/* What one replica of max slots costs: the first worker's is measured (every replica
	 * is the same), rings excluded (their size does not follow the peer count). */
	if (w->index == 0 && measured && rte_malloc_get_socket_stats(socket, &after) == 0) {
		ctl->peers->stats.replica_bytes = after.heap_allocsz_bytes - before.heap_allocsz_bytes;
		ctl->peers->stats.replica_slots = max;
	}

	snprintf(name, sizeof(name), "msg_w%u", w->index);
	w->msg_ring = rte_ring_create_elem(name, sizeof(struct dp_msg), ctl->cfg->ring_size, socket,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "inj_w%u", w->index);
	w->inject_ring = rte_ring_create(name, ctl->cfg->ring_size, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->inject_ring == NULL)
		return -rte_errno;
	snprintf(name, sizeof(name), "evt_w%u", w->index);
	w->event_ring = rte_ring_create_elem(name, sizeof(struct dp_event), ctl->cfg->ring_size,
					     socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->msg_ring == NULL || w->event_ring == NULL)
		return -rte_errno;
	return 0;
}

static void replica_free(struct dp_worker *w)
{
	if (w->peers != NULL) {
		rte_hash_free(w->peers->by_tunnel);
		rte_free(w->peers->by_nbma);
		rte_free(w->peers->mcast_slots);
		rte_free(w->peers->mcast_pos);
		rte_free(w->peers->peers);
		rte_free(w->peers);
		w->peers = NULL;
	}
	if (w->inject_ring != NULL) {
		void *m;

		while (rte_ring_sc_dequeue(w->inject_ring, &m) == 0)
			rte_pktmbuf_free(m);
	}
	rte_ring_free(w->inject_ring);
	rte_ring_free(w->msg_ring);
	rte_ring_free(w->event_ring);
	w->inject_ring = NULL;
	w->msg_ring = NULL;
	w->event_ring = NULL;
}

/* Build what workers need for slot from the master entry. */
static void desc_build(struct hub_ctl *ctl, uint32_t slot, struct dp_peer_desc *d)
{
	const struct ctl_peer *p = &ctl->peers->peers[slot];
	const struct cfg_tunnel *tc = &ctl->cfg->tunnels[p->tunnel_idx];
	uint32_t dst = p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
	struct rte_ether_addr mac;
	struct underlay_nh nh;

	memset(d, 0, sizeof(*d));
	d->tunnel_addr = p->tunnel_addr;
	d->tunnel_idx = p->tunnel_idx;
	d->flags = (p->flags & CTL_PEER_F_MULTICAST ? DP_PEER_F_MULTICAST : 0) |
		   (p->flags & CTL_PEER_F_NAT ? DP_PEER_F_NAT : 0) |
		   (p->type == CTL_PEER_STATIC ? DP_PEER_F_STATIC : 0);
	if (p->type == CTL_PEER_INCOMPLETE) {
		d->state = DP_PEER_INCOMPLETE;
		return;
	}
	d->state = DP_PEER_UP;
	d->nbma_addr = dst;
	d->nat_port = p->nat_port;
	if (ctl_underlay_lookup(ctl, dst, &nh) < 0)
		return; /* hdr_len 0: the worker counts these as no-neighbour */
	d->port_id = ctl->ports[nh.port_idx].port_id;
	if (nh.nexthop == dst)
		ctl_neigh_pin(ctl, nh.port_idx, dst); /* on-link spoke: keep its MAC fresh */
	if (ctl_neigh_lookup(ctl, nh.port_idx, nh.nexthop, &mac) < 0)
		return;
	d->hdr_len = (uint8_t)outer_hdr_build(d->hdr, sizeof(d->hdr), &mac,
					      &ctl->shared->ports[d->port_id].mac,
					      ctl->ports[nh.port_idx].cfg->address.addr, dst,
					      tc->has_key, tc->key);
}

static int msg_send(struct hub_ctl *ctl, unsigned int w, const struct dp_msg *m)
{
	if (rte_ring_sp_enqueue_elem(ctl->workers[w]->msg_ring, (void *)(uintptr_t)m,
				     sizeof(*m)) == 0) {
		ctl->peers->stats.msgs_sent++;
		ctl->peers->sync[w].sent++;
		return 0;
	}
	ctl->peers->stats.enqueue_failed++;
	return -ENOBUFS;
}

static void msg_for_slot(struct hub_ctl *ctl, uint32_t slot, struct dp_msg *m)
{
	const struct ctl_peer *p = &ctl->peers->peers[slot];

	memset(m, 0, sizeof(*m));
	m->slot = slot;
	m->gen = ctl->peers->stats.gen;
	if (p->in_use) {
		m->type = DP_MSG_PEER_SET;
		desc_build(ctl, slot, &m->u.peer);
	} else {
		m->type = DP_MSG_PEER_DEL;
	}
}

static void resync_start(struct ctl_peer_table *t, unsigned int w, uint32_t from)
{
	if (!t->sync[w].resync) {
		t->sync[w] = (struct worker_sync){.resync = true, .sent = t->sync[w].sent};
		t->stats.resyncs++;
		HUB_LOG(WARNING, peer, "worker %u: update ring full, resynchronising its table", w);
	} else if (from < t->sync[w].cursor && t->sync[w].flushed) {
		t->sync[w].cursor = from;
	}
}

void ctl_peer_broadcast(struct hub_ctl *ctl, const struct dp_msg *msg)
{
	struct ctl_peer_table *t = ctl->peers;
	struct dp_msg m = *msg;
	unsigned int w;

	m.gen = ++t->stats.gen;
	for (w = 0; w < ctl->n_workers; w++) {
		/* A resync in progress replays LAN next hops at its end. */
		if (t->sync[w].resync)
			continue;
		if (msg_send(ctl, w, &m) < 0)
			resync_start(t, w, 0);
	}
}

/* Tell every worker about slot's current state. */
static void push(struct hub_ctl *ctl, uint32_t slot)
{
	struct ctl_peer_table *t = ctl->peers;
	struct dp_msg m;
	unsigned int w;

	t->stats.gen++;
	t->push_tsc = rte_rdtsc();
	msg_for_slot(ctl, slot, &m);
	for (w = 0; w < ctl->n_workers; w++) {
		/* A resync in progress sends slots from its cursor on with their latest state;
		 * only slots it has passed need the update now. */
		if (t->sync[w].resync && (!t->sync[w].flushed || slot >= t->sync[w].cursor))
			continue;
		if (msg_send(ctl, w, &m) < 0)
			resync_start(t, w, slot);
	}
}

void ctl_peer_time_update(struct hub_ctl *ctl, uint32_t slot, uint32_t rx_tsc8,
			  uint64_t deq_tsc)
{
	struct ctl_peer_table *t = ctl->peers;
	struct fwd_probe *p;

	if (ctl->n_workers == 0)
		return; /* nothing forwards: nothing to time */
	if (t->probe_head - t->probe_tail >= CTL_PEER_PROBES || slot >= t->max) {
		t->stats.untimed++;
		return;
	}
	p = &t->probes[t->probe_head++ & (CTL_PEER_PROBES - 1)];
	*p = (struct fwd_probe){.gen = t->stats.gen, .push_tsc = t->push_tsc, .slot = slot,
				.rx_tsc8 = rx_tsc8, .deq_tsc = deq_tsc};
}

static uint64_t tsc_to_ns(uint64_t tsc)
{
	return (uint64_t)((double)tsc * 1e9 / (double)rte_get_tsc_hz());
}

/* Finish the timed updates every worker has applied: the time a worker started
 * forwarding to the peer is when it applied the slot's PEER_SET (dp_peer set_tsc), and
 * the peer is reachable through the hub once the last worker has. */
static unsigned int probes_poll(struct hub_ctl *ctl)
{
	struct ctl_peer_table *t = ctl->peers;
	unsigned int w, done = 0;

	while (t->probe_tail != t->probe_head) {
		const struct fwd_probe *p = &t->probes[t->probe_tail & (CTL_PEER_PROBES - 1)];
		uint64_t last = 0;
		bool lost = false;

		for (w = 0; w < ctl->n_workers; w++) {
			const struct dp_peer_table *r = ctl->workers[w]->peers;
			uint64_t set;

			if (t->sync[w].resync) {
				lost = true; /* replayed from a cursor: generations repeat */
				break;
			}
			if (__atomic_load_n(&r->applied_gen, __ATOMIC_ACQUIRE) < p->gen)
				return done;
			set = __atomic_load_n(&r->peers[p->slot].set_tsc, __ATOMIC_RELAXED);
			if (set < p->push_tsc) {
				lost = true; /* the slot was freed or flushed meanwhile */
				break;
			}
			last = RTE_MAX(last, set);
		}
		if (lost) {
			t->stats.untimed++;
		} else {
			/* rx_tsc8 holds TSC bits 8..39: the difference is exact modulo 2^40
			 * cycles (minutes). */
			uint32_t rx_ticks = (uint32_t)(last >> 8) - p->rx_tsc8;

			lat_hist_add(&t->stats.reg_fwd, tsc_to_ns((uint64_t)rx_ticks << 8));
			lat_hist_add(&t->stats.push_apply, tsc_to_ns(last - p->push_tsc));
			if (p->deq_tsc != 0 && p->deq_tsc <= p->push_tsc) {
				uint32_t deq_ticks = (uint32_t)(p->deq_tsc >> 8) - p->rx_tsc8;

				lat_hist_add(&t->stats.punt_deq,
					     tsc_to_ns((uint64_t)deq_ticks << 8));
				lat_hist_add(&t->stats.deq_push, tsc_to_ns(p->push_tsc - p->deq_tsc));
			}
		}
		t->probe_tail++;
		done++;
	}
	return done;
}

unsigned int ctl_peer_poll(struct hub_ctl *ctl)
{
	struct ctl_peer_table *t = ctl->peers;
	unsigned int w, work = 0;

	if (t->probe_tail != t->probe_head)
		work += probes_poll(ctl);

	for (w = 0; w < ctl->n_workers; w++) {
		struct worker_sync *s = &t->sync[w];

		if (!s->resync)
			continue;
		if (!s->flushed) {
			struct dp_msg m = {.type = DP_MSG_FLUSH, .gen = t->stats.gen};

			if (msg_send(ctl, w, &m) < 0)
				continue;
			s->flushed = true;
			s->cursor = 0;
			s->lan_cursor = 0;
		}
		while (s->cursor < t->max) {
			struct dp_msg m;

			if (!t->peers[s->cursor].in_use) {
				s->cursor++;
				continue;
			}
			msg_for_slot(ctl, s->cursor, &m);
			if (msg_send(ctl, w, &m) < 0)
				break;
			s->cursor++;
			work++;
		}
		if (s->cursor == t->max) {
			/* Then the LAN next hops the FLUSH cleared. */
			while (s->lan_cursor < DP_LAN_NH_MAX) {
				struct dp_msg m;

				if (ctl_lan_nh_msg(ctl, s->lan_cursor, &m)) {
					m.gen = t->stats.gen;
					if (msg_send(ctl, w, &m) < 0)
						break;
					work++;
				}
				s->lan_cursor++;
			}
			if (s->lan_cursor < DP_LAN_NH_MAX)
				continue;
			s->resync = false;
			t->stats.resyncs_done++;
			HUB_LOG(INFO, peer, "worker %u: table resynchronised", w);
		}
	}
	return work;
}

bool ctl_peer_synced(const struct hub_ctl *ctl)
{
	unsigned int w;

	for (w = 0; w < ctl->n_workers; w++)
		/* Generations repeat within a resync's replay: compare counts. */
		if (ctl->peers->sync[w].resync ||
		    ctl->workers[w]->peers->applied != ctl->peers->sync[w].sent)
			return false;
	return true;
}

/* A neighbour's MAC appeared, changed or went away: rebuild the headers that use it. */
static void on_neigh_change(void *arg, uint16_t port_idx, uint32_t ip,
			    const struct rte_ether_addr *mac)
{
	struct hub_ctl *ctl = arg;
	struct ctl_peer_table *t = ctl->peers;
	uint32_t slot;

	(void)mac;
	for (slot = 0; slot < t->max; slot++) {
		const struct ctl_peer *p = &t->peers[slot];
		uint32_t dst = p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
		struct underlay_nh nh;

		if (!p->in_use || p->type == CTL_PEER_INCOMPLETE)
			continue;
		if (ctl_underlay_lookup(ctl, dst, &nh) == 0 && nh.port_idx == port_idx &&
		    nh.nexthop == ip)
			push(ctl, slot);
	}
}

int ctl_peer_init(struct hub_ctl *ctl)
{
	struct rte_hash_parameters hp = {
		.name = "ctl_peers",
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};
	struct ctl_peer_table *t;
	unsigned int w;
	uint32_t i;
	int rc;

	t = rte_zmalloc("ctl_peer_table", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	ctl->peers = t;
	t->max = table_size(ctl->cfg);
	hp.entries = t->max;
	t->peers = rte_zmalloc("ctl_peers", sizeof(*t->peers) * t->max, 0);
	t->free_slots = rte_malloc("ctl_peer_free", sizeof(uint32_t) * t->max, 0);
	t->by_tunnel = rte_hash_create(&hp);
	t->probes = rte_malloc("ctl_peer_probes", sizeof(*t->probes) * CTL_PEER_PROBES, 0);
	if (t->peers == NULL || t->free_slots == NULL || t->by_tunnel == NULL || t->probes == NULL)
		return -ENOMEM;
	for (i = 0; i < t->max; i++)
		t->free_slots[i] = t->max - 1 - i; /* slot 0 is handed out first */
	t->n_free = t->max;

	for (w = 0; w < ctl->n_workers; w++) {
		rc = replica_create(ctl, ctl->workers[w], t->max);
		if (rc < 0)
			return rc;
	}
	rc = ctl_neigh_add_listener(ctl, on_neigh_change, ctl);
	if (rc < 0)
		return rc;
	HUB_LOG(INFO, peer, "peer table: %u slots, %zu bytes per slot per worker (entry + 2 index keys); "
		"a replica takes %" PRIu64 " bytes of rte_malloc (%.1f per slot)", t->max,
		sizeof(struct dp_peer), t->stats.replica_bytes,
		(double)t->stats.replica_bytes / t->max);
	return 0;
}

void ctl_peer_free(struct hub_ctl *ctl)
{
	struct ctl_peer_table *t = ctl->peers;
	unsigned int w;

	for (w = 0; w < ctl->n_workers; w++)
		if (ctl->workers[w] != NULL)
			replica_free(ctl->workers[w]);
	if (t == NULL)
		return;
	rte_hash_free(t->by_tunnel);
	rte_free(t->peers);
	rte_free(t->free_slots);
	rte_free(t->probes);
	rte_free(t);
	ctl->peers = NULL;
}

static int slot_find(struct ctl_peer_table *t, uint32_t tunnel_addr)
{
	void *data;

	if (rte_hash_lookup_data(t->by_tunnel, &tunnel_addr, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

static int slot_alloc(struct ctl_peer_table *t, unsigned int tunnel_idx, uint32_t tunnel_addr)
{
	uint32_t slot;
	struct ctl_peer *p;

	if (t->n_free == 0)
		return -ENOSPC;
	slot = t->free_slots[--t->n_free];
	if (rte_hash_add_key_data(t->by_tunnel, &tunnel_addr, (void *)(uintptr_t)slot) < 0) {
		t->n_free++;
		return -ENOSPC;
	}
	p = &t->peers[slot];
	memset(p, 0, sizeof(*p));
	p->in_use = true;
	p->type = CTL_PEER_INCOMPLETE;
	p->tunnel_idx = (uint8_t)tunnel_idx;
	p->tunnel_addr = tunnel_addr;
	p->created = rte_rdtsc();
	return (int)slot;
}

static void slot_release(struct hub_ctl *ctl, uint32_t slot)
{
	struct ctl_peer_table *t = ctl->peers;
	struct ctl_peer *p = &t->peers[slot];

	rte_hash_del_key(t->by_tunnel, &p->tunnel_addr);
	memset(p, 0, sizeof(*p));
	push(ctl, slot); /* PEER_DEL */
	t->free_slots[t->n_free++] = slot;
}

int ctl_peer_set(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t tunnel_addr,
		 uint32_t nbma_addr, uint32_t nbma_seen, uint16_t nat_port, uint8_t type,
		 uint16_t flags, uint32_t holdtime)
{
	struct ctl_peer_table *t = ctl->peers;
	int slot = slot_find(t, tunnel_addr);
	struct ctl_peer *p;
	uint64_t hz = rte_get_tsc_hz();

	if (type != CTL_PEER_STATIC && type != CTL_PEER_DYNAMIC)
		return -EINVAL;
	if (slot < 0) {
		slot = slot_alloc(t, tunnel_idx, tunnel_addr);
		if (slot < 0)
			return slot;
	}
	p = &t->peers[slot];
	if (p->type == CTL_PEER_INCOMPLETE)
		t->n_bound++;
	if (p->type != type || p->nbma_addr != nbma_addr)
		p->created = rte_rdtsc();
	p->type = type;
	p->tunnel_idx = (uint8_t)tunnel_idx;
	p->nbma_addr = nbma_addr;
	p->nbma_seen = nbma_seen != 0 && nbma_seen != nbma_addr ? nbma_seen : 0;
	p->nat_port = nat_port;
	p->flags = flags | (p->nbma_seen != 0 ? CTL_PEER_F_NAT : 0);
	p->holdtime = holdtime;
	p->expires = holdtime != 0 ? rte_rdtsc() + hz * holdtime : 0;
	push(ctl, (uint32_t)slot);
	return slot;
}

int ctl_peer_del(struct hub_ctl *ctl, uint32_t tunnel_addr)
{
	struct ctl_peer_table *t = ctl->peers;
	int slot = slot_find(t, tunnel_addr);
	struct ctl_peer *p;

	if (slot < 0)
		return -ENOENT;
	p = &t->peers[slot];
	if (p->type == CTL_PEER_INCOMPLETE)
		return -ENOENT;
	t->n_bound--;
	if (p->route_refs > 0) {
		uint32_t refs = p->route_refs;
		uint8_t tidx = p->tunnel_idx;

		memset(p, 0, sizeof(*p));
		p->in_use = true;
		p->type = CTL_PEER_INCOMPLETE;
		p->tunnel_idx = tidx;
		p->tunnel_addr = tunnel_addr;
		p->route_refs = refs;
		p->created = rte_rdtsc();
		push(ctl, (uint32_t)slot);
	} else {
		slot_release(ctl, (uint32_t)slot);
	}
	return 0;
}

int ctl_peer_route_ref(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t tunnel_addr)
{
	struct ctl_peer_table *t = ctl->peers;
	int slot = slot_find(t, tunnel_addr);

	if (slot < 0) {
		slot = slot_alloc(t, tunnel_idx, tunnel_addr);
		if (slot < 0)
			return slot;
		push(ctl, (uint32_t)slot);
	}
	t->peers[slot].route_refs++;
	return slot;
}

void ctl_peer_route_unref(struct hub_ctl *ctl, uint32_t slot)
{
	struct ctl_peer *p;

	if (slot >= ctl->peers->max)
		return;
	p = &ctl->peers->peers[slot];
	if (!p->in_use || p->route_refs == 0)
		return;
	if (--p->route_refs == 0 && p->type == CTL_PEER_INCOMPLETE)
		slot_release(ctl, slot);
}

struct ctl_peer *ctl_peer_find(struct hub_ctl *ctl, uint32_t tunnel_addr)
{
	int slot = slot_find(ctl->peers, tunnel_addr);

	return slot < 0 ? NULL : &ctl->peers->peers[slot];
}

int ctl_peer_slot(const struct hub_ctl *ctl, uint32_t tunnel_addr)
{
	return slot_find(ctl->peers, tunnel_addr);
}

struct ctl_peer *ctl_peer_at(struct hub_ctl *ctl, uint32_t slot)
{
	return slot < ctl->peers->max && ctl->peers->peers[slot].in_use ? &ctl->peers->peers[slot]
									 : NULL;
}

void ctl_peer_counters(const struct hub_ctl *ctl, uint32_t slot, struct ctl_peer_counters *c)
{
	unsigned int w;

	memset(c, 0, sizeof(*c));
	if (slot >= ctl->peers->max)
		return;
	/* Each worker is the only writer of its copy; 64-bit reads see a value that was true. */
	for (w = 0; w < ctl->n_workers; w++) {
		const struct dp_peer *p = &ctl->workers[w]->peers->peers[slot];

		c->pkts_in += p->pkts_in;
		c->bytes_in += p->bytes_in;
		c->pkts_out += p->pkts_out;
		c->bytes_out += p->bytes_out;
		c->drops += p->drops;
		c->hairpin += p->hairpin;
	}
}

uint32_t ctl_peer_slots(const struct hub_ctl *ctl)
{
	return ctl->peers->max;
}

uint32_t ctl_peer_count(const struct hub_ctl *ctl)
{
	return ctl->peers->n_bound;
}

const struct ctl_peer_stats *ctl_peer_stats(const struct hub_ctl *ctl)
{
	return &ctl->peers->stats;
}

int ctl_peer_load_config(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	unsigned int t, i;
	int rc;

	for (t = 0; t < cfg->n_tunnels; t++) {
		const struct cfg_nhrp *n = &cfg->tunnels[t].nhrp;

		for (i = 0; i < n->n_maps; i++) {
			const struct cfg_nhrp_map *m = &n->maps[i];

			rc = ctl_peer_set(ctl, t, m->tunnel_addr, m->nbma_addr, 0, 0, CTL_PEER_STATIC,
					  m->multicast ? CTL_PEER_F_MULTICAST : 0, 0);
			if (rc < 0) {
				HUB_LOG(ERR, peer, "%s:%d: static map: %s", cfg->source, m->line,
					rte_strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int ctl_gre_send(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t dst, struct rte_mbuf *m,
		 uint16_t proto)
{
	return ctl_gre_send_nat(ctl, tunnel_idx, dst, 0, m, proto);
}

int ctl_gre_send_nat(struct hub_ctl *ctl, unsigned int tunnel_idx, uint32_t dst,
		     uint16_t nat_port, struct rte_mbuf *m, uint16_t proto)
{
	const struct cfg_tunnel *tc = &ctl->cfg->tunnels[tunnel_idx];
	struct rte_ether_addr none = {0};
	struct rte_ipv4_hdr *ip;
	struct underlay_nh nh;
	rte_be16_t *gre;
	uint16_t len;
	uint8_t *hdr;

	if (ctl_underlay_lookup(ctl, dst, &nh) < 0) {
		ctl->drops[HUB_DROP_NO_ROUTE]++;
		rte_pktmbuf_free(m);
		return -ENETUNREACH;
	}
	len = OUTER_HDR_GRE_OFF + (tc->has_key ? 8 : 4);
	hdr = (uint8_t *)rte_pktmbuf_prepend(m, len);
	if (hdr == NULL) {
		ctl->drops[HUB_DROP_NO_HEADROOM]++;
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	/* MAC addresses are filled in by the neighbour layer (now, or once ARP resolves). */
	outer_hdr_build(hdr, len, &none, &none, ctl->ports[nh.port_idx].cfg->address.addr, dst,
			tc->has_key, tc->key);
	ip = (struct rte_ipv4_hdr *)(hdr + OUTER_HDR_IP_OFF);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	gre = (rte_be16_t *)(hdr + OUTER_HDR_GRE_OFF);
	gre[1] = rte_cpu_to_be_16(proto);
	if (ctl_sa_protect(ctl, tunnel_idx, dst, nat_port, m) < 0) /* ESP when dst has an SA */
		return -EPERM;
	return ctl_neigh_output(ctl, nh.port_idx, nh.nexthop, m);
}

int ctl_peer_send(struct hub_ctl *ctl, uint32_t slot, struct rte_mbuf *m, uint16_t proto)
{
	const struct ctl_peer *p = ctl_peer_at(ctl, slot);

	if (p == NULL || p->type == CTL_PEER_INCOMPLETE) {
		ctl->drops[HUB_DROP_PEER_INCOMPLETE]++;
		rte_pktmbuf_free(m);
		return -ENOENT;
	}
	return ctl_gre_send_nat(ctl, p->tunnel_idx,
				p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr, p->nat_port, m,
				proto);
}
