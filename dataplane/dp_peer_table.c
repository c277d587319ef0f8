/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Applying control's updates to this worker's peer replica. The worker is the only
 * thread that reads or writes its replica's hashes, so they need no lock-free flags.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "dataplane/dp_peer_table.h"

/* Upsert (addr, port) -> slot. The index has at least twice as many cells as there are
 * slots and holds one key per UP slot, so an empty cell is always found. */
static void nbma_index_add(struct dp_peer_table *t, uint32_t addr, uint16_t port, uint32_t slot)
{
	uint32_t i = dp_peer_nbma_home(t, addr, port);

	for (;;) {
		struct dp_nbma_ent *e = &t->by_nbma[i];

		if (e->used == 0 || (e->addr == addr && e->port == port)) {
			*e = (struct dp_nbma_ent){.addr = addr, .port = port, .used = 1,
						  .slot = (int32_t)slot};
			return;
		}
		i = (i + 1) & t->nbma_mask;
	}
}

/* Empty cell i and close the gap (backward-shift deletion, Knuth 6.4 algorithm R): every
 * later cell of the cluster whose home is not cyclically in (i, j] moves back into it, so
 * lookups never need tombstones. */
static void nbma_cell_clear(struct dp_peer_table *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t k;

		j = (j + 1) & t->nbma_mask;
		if (t->by_nbma[j].used == 0)
			break;
		k = dp_peer_nbma_home(t, t->by_nbma[j].addr, t->by_nbma[j].port);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->by_nbma[i] = t->by_nbma[j];
		i = j;
	}
	t->by_nbma[i] = (struct dp_nbma_ent){0};
}

static void nbma_index_del(struct dp_peer_table *t, uint32_t slot)
{
	const struct dp_peer_desc *d = &t->peers[slot].d;
	const struct dp_nbma_ent *e =
		dp_peer_nbma_find(t, dp_peer_nbma_home(t, d->nbma_addr, d->nat_port),
				  d->nbma_addr, d->nat_port);

	/* Only remove the key if it still points here: another peer may claim the same
	 * outer address later (a re-registration from a new slot). */
	if (e != NULL && (uint32_t)e->slot == slot)
		nbma_cell_clear(t, (uint32_t)(e - t->by_nbma));
}

static void tunnel_index_del(struct dp_peer_table *t, uint32_t slot)
{
	uint32_t addr = t->peers[slot].d.tunnel_addr;
	void *data;

	if (rte_hash_lookup_data(t->by_tunnel, &addr, &data) >= 0 && (uintptr_t)data == slot)
		rte_hash_del_key(t->by_tunnel, &addr);
}

static void mcast_del(struct dp_peer_table *t, uint32_t slot)
{
	uint32_t pos = t->mcast_pos[slot], last;

	if (pos == 0)
		return;
	last = t->mcast_slots[--t->n_mcast];
	t->mcast_slots[pos - 1] = last;
	t->mcast_pos[last] = pos;
	t->mcast_pos[slot] = 0;
}

static void mcast_add(struct dp_peer_table *t, uint32_t slot)
{
	if (t->mcast_pos[slot] != 0)
		return;
	t->mcast_slots[t->n_mcast++] = slot;
	t->mcast_pos[slot] = t->n_mcast;
}

static void slot_clear(struct dp_peer_table *t, uint32_t slot)
{
	struct dp_peer *p = &t->peers[slot];

	mcast_del(t, slot);
	if (p->d.state == DP_PEER_UP)
		nbma_index_del(t, slot);
	if (p->d.state != DP_PEER_FREE)
		tunnel_index_del(t, slot);
	memset(p, 0, sizeof(*p));
}

/* Forget every entry. Only live slots are cleared (found through the tunnel index), so
 * the cost follows the number of peers, not the table's size. */
static void flush(struct dp_peer_table *t)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	while (rte_hash_iterate(t->by_tunnel, &key, &data, &it) >= 0)
		if ((uintptr_t)data < t->max) {
			if (t->peers[(uintptr_t)data].d.state == DP_PEER_UP)
				nbma_index_del(t, (uint32_t)(uintptr_t)data);
			memset(&t->peers[(uintptr_t)data], 0, sizeof(t->peers[0]));
		}
	while (t->n_mcast > 0)
		t->mcast_pos[t->mcast_slots[--t->n_mcast]] = 0;
	rte_hash_reset(t->by_tunnel);
	memset(t->lan_nh, 0, sizeof(t->lan_nh));
}

static int peer_set(struct dp_peer_table *t, uint32_t slot, const struct dp_peer_desc *d)
{
	struct dp_peer *p = &t->peers[slot];
	bool same_peer = p->d.state != DP_PEER_FREE && p->d.tunnel_addr == d->tunnel_addr;

	if (d->state != DP_PEER_INCOMPLETE && d->state != DP_PEER_UP)
		return -EINVAL;
	if (!same_peer) {
		slot_clear(t, slot);
	} else if (p->d.state == DP_PEER_UP) {
		nbma_index_del(t, slot);
	}
	p->d = *d;
	if (rte_hash_add_key_data(t->by_tunnel, &d->tunnel_addr, (void *)(uintptr_t)slot) < 0)
		return -ENOSPC;
	if (d->state == DP_PEER_UP && (d->flags & DP_PEER_F_MULTICAST))
		mcast_add(t, slot);
	else
		mcast_del(t, slot);
	if (d->state == DP_PEER_UP)
		nbma_index_add(t, d->nbma_addr, d->nat_port, slot);
	/* From now on this worker forwards to the peer. Updates run at control's pace, so a
	 * TSC read each costs the packet path nothing. */
	p->set_tsc = rte_rdtsc();
	return 0;
}

int dp_peer_apply(struct dp_peer_table *t, const struct dp_msg *msg)
{
	int rc = 0;

	switch (msg->type) {
	case DP_MSG_PEER_SET:
		rc = msg->slot < t->max ? peer_set(t, msg->slot, &msg->u.peer) : -EINVAL;
		break;
	case DP_MSG_PEER_DEL:
		if (msg->slot < t->max)
			slot_clear(t, msg->slot);
		else
			rc = -EINVAL;
		break;
	case DP_MSG_FLUSH:
		flush(t);
		break;
	case DP_MSG_LAN_NH_SET:
		if (msg->slot < DP_LAN_NH_MAX) {
			struct dp_lan_nh *nh = &t->lan_nh[msg->slot];

			nh->port_id = msg->u.lan_nh.port_id;
			memcpy(nh->dst.addr_bytes, msg->u.lan_nh.dst_mac, RTE_ETHER_ADDR_LEN);
			nh->valid = msg->u.lan_nh.valid;
		} else {
			rc = -EINVAL;
		}
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc < 0)
		t->bad_msgs++;
	t->applied++;
	t->applied_gen = msg->gen;
	return rc;
}

unsigned int dp_peer_apply_ring(struct dp_peer_table *t, struct rte_ring *ring, unsigned int max)
{
	struct dp_msg msgs[16];
	unsigned int done = 0, n, i;

	while (done < max) {
		n = rte_ring_sc_dequeue_burst_elem(ring, msgs, sizeof(msgs[0]),
						   RTE_MIN(RTE_DIM(msgs), max - done), NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			dp_peer_apply(t, &msgs[i]);
		done += n;
	}
	return done;
}
