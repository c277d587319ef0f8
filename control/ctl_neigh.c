/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "control/ctl_neigh.h"
#include "control/ctl_underlay.h"
#include "lib/hub_log.h"

#define NEIGH_PROBES 3
#define NEIGH_RETRANS_MS 1000	  /* between requests */
#define NEIGH_REACHABLE_S 30	  /* a confirmed MAC is trusted this long, then re-probed */
#define NEIGH_FAILED_RETRY_S 10	  /* pinned entries try again after failing */
#define NEIGH_GC_S 120		  /* unpinned failed or unused entries are removed */

struct neigh_key {
	uint32_t ip;
	uint16_t port_idx;
	uint16_t pad;
};

struct ctl_neigh_table {
	struct rte_hash *hash;
	struct neigh_entry *entries; /* indexed by the hash's key position */
	uint32_t max;
	uint64_t hz;
	neigh_change_fn on_change[NEIGH_LISTENERS_MAX];
	void *on_change_arg[NEIGH_LISTENERS_MAX];
	unsigned int n_listeners;
	struct neigh_stats stats;
};

const char *neigh_state_name(uint8_t state)
{
	switch (state) {
	case NEIGH_INCOMPLETE: return "incomplete";
	case NEIGH_REACHABLE: return "reachable";
	case NEIGH_STALE: return "stale";
	case NEIGH_FAILED: return "failed";
	default: return "?";
	}
}

int ctl_neigh_init(struct hub_ctl *ctl, uint32_t max_entries)
{
	struct ctl_neigh_table *t;
	struct rte_hash_parameters hp = {
		.name = "neigh",
		.entries = max_entries,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
	};

	t = rte_zmalloc("neigh", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	t->hash = rte_hash_create(&hp);
	t->entries = rte_zmalloc("neigh_entries", sizeof(*t->entries) * max_entries, 0);
	if (t->hash == NULL || t->entries == NULL) {
		rte_hash_free(t->hash);
		rte_free(t->entries);
		rte_free(t);
		return -ENOMEM;
	}
	t->max = max_entries;
	t->hz = rte_get_tsc_hz();
	ctl->neigh = t;
	return 0;
}

static void entry_drop_held(struct ctl_neigh_table *t, struct neigh_entry *e, struct hub_ctl *ctl)
{
	if (e->n_held == 0)
		return;
	rte_pktmbuf_free_bulk(e->held, e->n_held);
	t->stats.held_dropped += e->n_held;
	ctl->drops[HUB_DROP_NO_NEIGHBOUR] += e->n_held;
	e->n_held = 0;
}

void ctl_neigh_free(struct hub_ctl *ctl)
{
	struct ctl_neigh_table *t = ctl->neigh;
	const void *key;
	void *data;
	uint32_t it = 0;
	int32_t pos;

	if (t == NULL)
		return;
	while ((pos = rte_hash_iterate(t->hash, &key, &data, &it)) >= 0)
		entry_drop_held(t, &t->entries[pos], ctl);
	rte_hash_free(t->hash);
	rte_free(t->entries);
	rte_free(t);
	ctl->neigh = NULL;
}

int ctl_neigh_add_listener(struct hub_ctl *ctl, neigh_change_fn fn, void *arg)
{
	struct ctl_neigh_table *t = ctl->neigh;

	if (t->n_listeners == NEIGH_LISTENERS_MAX)
		return -ENOSPC;
	t->on_change[t->n_listeners] = fn;
	t->on_change_arg[t->n_listeners] = arg;
	t->n_listeners++;
	return 0;
}

const struct neigh_stats *ctl_neigh_stats(struct hub_ctl *ctl)
{
	return &ctl->neigh->stats;
}

static struct neigh_entry *entry_find(struct ctl_neigh_table *t, unsigned int port_idx, uint32_t ip)
{
	struct neigh_key k = {.ip = ip, .port_idx = (uint16_t)port_idx};
	int32_t pos = rte_hash_lookup(t->hash, &k);

	return pos >= 0 ? &t->entries[pos] : NULL;
}

static struct neigh_entry *entry_add(struct ctl_neigh_table *t, unsigned int port_idx, uint32_t ip)
{
	struct neigh_key k = {.ip = ip, .port_idx = (uint16_t)port_idx};
	int32_t pos = rte_hash_add_key(t->hash, &k);
	struct neigh_entry *e;

	if (pos < 0)
		return NULL;
	e = &t->entries[pos];
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->port_idx = (uint16_t)port_idx;
	e->used_tsc = rte_rdtsc();
	e->state = NEIGH_INCOMPLETE;
	return e;
}

static void entry_del(struct ctl_neigh_table *t, struct neigh_entry *e, struct hub_ctl *ctl)
{
	struct neigh_key k = {.ip = e->ip, .port_idx = e->port_idx};

	entry_drop_held(t, e, ctl);
	rte_hash_del_key(t->hash, &k);
}

/* Build and send one ARP packet from the port's own address. */
static int arp_send(struct hub_ctl *ctl, unsigned int port_idx, uint16_t op,
		    const struct rte_ether_addr *eth_dst, const struct rte_ether_addr *tha,
		    uint32_t tip)
{
	const struct dp_port *dp = &ctl->shared->ports[ctl->ports[port_idx].port_id];
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctl->pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return -ENOMEM;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	arp = (struct rte_arp_hdr *)(eth + 1);
	rte_ether_addr_copy(eth_dst, &eth->dst_addr);
	rte_ether_addr_copy(&dp->mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&dp->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = dp->addr;
	rte_ether_addr_copy(tha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = tip;
	return ctl_tx(ctl, port_idx, m);
}

static void probe(struct hub_ctl *ctl, struct neigh_entry *e, uint64_t now)
{
	static const struct rte_ether_addr bcast = {.addr_bytes = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	static const struct rte_ether_addr zero;
	struct ctl_neigh_table *t = ctl->neigh;

	/* A stale entry is re-probed by unicast first (RFC 1122 2.3.2.1), then broadcast. */
	arp_send(ctl, e->port_idx, RTE_ARP_OP_REQUEST,
		 e->state == NEIGH_STALE && e->probes == 0 ? &e->mac : &bcast, &zero, e->ip);
	t->stats.arp_requests_sent++;
	e->probes++;
	e->next_tsc = now + t->hz * NEIGH_RETRANS_MS / 1000;
}

static void notify(struct ctl_neigh_table *t, struct neigh_entry *e,
		   const struct rte_ether_addr *mac)
{
	unsigned int i;

	for (i = 0; i < t->n_listeners; i++)
		t->on_change[i](t->on_change_arg[i], e->port_idx, e->ip, mac);
}

static void entry_confirm(struct hub_ctl *ctl, struct neigh_entry *e,
			  const struct rte_ether_addr *mac, uint64_t now)
{
	struct ctl_neigh_table *t = ctl->neigh;
	bool changed = !(e->state == NEIGH_REACHABLE || e->state == NEIGH_STALE) ||
		       !rte_is_same_ether_addr(&e->mac, mac);
	uint16_t i;

	rte_ether_addr_copy(mac, &e->mac);
	e->state = NEIGH_REACHABLE;
	e->probes = 0;
	e->confirmed_tsc = now;
	e->next_tsc = now + t->hz * NEIGH_REACHABLE_S;
	if (changed) {
		char buf[RTE_ETHER_ADDR_FMT_SIZE];

		t->stats.learned++;
		rte_ether_format_addr(buf, sizeof(buf), mac);
		HUB_LOG(DEBUG, neigh, "%u.%u.%u.%u is at %s on port %s",
			((uint8_t *)&e->ip)[0], ((uint8_t *)&e->ip)[1], ((uint8_t *)&e->ip)[2],
			((uint8_t *)&e->ip)[3], buf, ctl->ports[e->port_idx].cfg->name);
		notify(t, e, mac);
	}
	for (i = 0; i < e->n_held; i++) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(e->held[i], struct rte_ether_hdr *);

		rte_ether_addr_copy(mac, &eth->dst_addr);
		ctl_tx(ctl, e->port_idx, e->held[i]);
	}
	e->n_held = 0;
}

/*
 * Whether the hub could ever need sip's MAC on this port: inside the port's prefix, or
 * reached on-link through it by an underlay route (a /32 port's peers). Only such senders
 * are learned from unsolicited ARP.
 */
static bool sender_on_link(const struct hub_ctl *ctl, unsigned int port_idx,
			   const struct dp_port *dp, uint32_t sip)
{
	struct underlay_nh nh;

	if ((sip & dp->mask) == (dp->addr & dp->mask))
		return true;
	return ctl->underlay != NULL && ctl_underlay_lookup(ctl, sip, &nh) == 0 &&
	       nh.port_idx == port_idx && nh.nexthop == sip;
}

void ctl_neigh_input(struct hub_ctl *ctl, unsigned int port_idx, struct rte_mbuf *m,
		     uint16_t l3_off)
{
	struct ctl_neigh_table *t = ctl->neigh;
	const struct dp_port *dp = &ctl->shared->ports[ctl->ports[port_idx].port_id];
	const struct rte_arp_hdr *arp;
	struct rte_arp_ipv4 d;
	struct neigh_entry *e;
	uint16_t op;
	uint64_t now = rte_rdtsc();

	t->stats.arp_rx++;
	if (rte_pktmbuf_data_len(m) < l3_off + sizeof(*arp))
		goto malformed;
	arp = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, l3_off);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		goto malformed;
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		goto malformed;
	d = arp->arp_data;
	if (rte_is_multicast_ether_addr(&d.arp_sha) || rte_is_zero_ether_addr(&d.arp_sha))
		goto malformed;

	/* Someone else claiming the port's own address (a conflict, or spoofing): nothing from
	 * it is learned or merged. */
	if (d.arp_sip == dp->addr) {
		ctl->drops[HUB_DROP_ARP_OWN_ADDRESS]++;
		rte_pktmbuf_free(m);
		return;
	}
	/* RFC 826 merge: update an existing entry for the sender whatever the target. */
	e = d.arp_sip != 0 ? entry_find(t, port_idx, d.arp_sip) : NULL;
	if (e != NULL)
		entry_confirm(ctl, e, &d.arp_sha, now);

	/* Every ARP ends counted once: not for us, it is a drop under a named reason (the merge
	 * above was all it was good for); for us, an answered request or a received reply. */
	if (d.arp_tip != dp->addr) {
		ctl->drops[e != NULL ? HUB_DROP_ARP_MERGED : HUB_DROP_ARP_NOT_FOR_US]++;
		rte_pktmbuf_free(m);
		return;
	}
	/* Addressed to us from a sender the hub would never ARP for (outside the port's prefix
	 * and its on-link underlay routes): nothing to learn, or an on-link host could fill the
	 * table with made-up addresses and lock out real neighbours (docs/security.md). A
	 * request is still answered, as for a full table. */
	if (e == NULL && d.arp_sip != 0 && !sender_on_link(ctl, port_idx, dp, d.arp_sip)) {
		t->stats.off_link++;
		if (op == RTE_ARP_OP_REPLY) {
			ctl->drops[HUB_DROP_ARP_OFF_LINK]++;
			rte_pktmbuf_free(m);
			return;
		}
	} else if (e == NULL && d.arp_sip != 0) {
		/* Learn the sender (not from RFC 5227 probes, whose sender is 0). */
		e = entry_add(t, port_idx, d.arp_sip);
		if (e != NULL) {
			entry_confirm(ctl, e, &d.arp_sha, now);
		} else {
			t->stats.learn_refused++;
			if (op == RTE_ARP_OP_REPLY) {
				/* A reply whose sender cannot be kept is of no use. */
				ctl->drops[HUB_DROP_ARP_TABLE_FULL]++;
				rte_pktmbuf_free(m);
				return;
			}
		}
	}
	if (op == RTE_ARP_OP_REPLY)
		t->stats.arp_replies_rx++;
	if (op == RTE_ARP_OP_REQUEST) {
		arp_send(ctl, port_idx, RTE_ARP_OP_REPLY, &d.arp_sha, &d.arp_sha, d.arp_sip);
		t->stats.arp_requests_answered++;
	}
	rte_pktmbuf_free(m);
	return;

malformed:
	ctl->drops[HUB_DROP_ARP_MALFORMED]++;
	rte_pktmbuf_free(m);
}

static struct neigh_entry *entry_get(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip)
{
	struct ctl_neigh_table *t = ctl->neigh;
	struct neigh_entry *e = entry_find(t, port_idx, ip);

	uint64_t now = rte_rdtsc();

	if (e == NULL) {
		e = entry_add(t, port_idx, ip);
		if (e == NULL)
			return NULL;
		probe(ctl, e, now);
	}
	e->used_tsc = now;
	return e;
}

int ctl_neigh_pin(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip)
{
	struct neigh_entry *e = entry_get(ctl, port_idx, ip);

	if (e == NULL)
		return -ENOSPC;
	e->pinned = true;
	return 0;
}

int ctl_neigh_lookup(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip,
		     struct rte_ether_addr *mac)
{
	struct neigh_entry *e = entry_get(ctl, port_idx, ip);

	if (e == NULL || (e->state != NEIGH_REACHABLE && e->state != NEIGH_STALE))
		return -ENOENT;
	rte_ether_addr_copy(&e->mac, mac);
	return 0;
}

int ctl_neigh_output(struct hub_ctl *ctl, unsigned int port_idx, uint32_t ip,
		     struct rte_mbuf *m)
{
	const struct dp_port *dp = &ctl->shared->ports[ctl->ports[port_idx].port_id];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct neigh_entry *e = entry_get(ctl, port_idx, ip);

	rte_ether_addr_copy(&dp->mac, &eth->src_addr);
	if (e != NULL && (e->state == NEIGH_REACHABLE || e->state == NEIGH_STALE)) {
		rte_ether_addr_copy(&e->mac, &eth->dst_addr);
		return ctl_tx(ctl, port_idx, m);
	}
	if (e != NULL && e->state == NEIGH_INCOMPLETE && e->n_held < NEIGH_HOLD_MAX) {
		e->held[e->n_held++] = m;
		return 0;
	}
	ctl->neigh->stats.held_dropped++;
	ctl->drops[HUB_DROP_NO_NEIGHBOUR]++;
	rte_pktmbuf_free(m);
	return -ENOENT;
}

void ctl_neigh_tick(struct hub_ctl *ctl, uint64_t now)
{
	struct ctl_neigh_table *t = ctl->neigh;
	const void *key;
	void *data;
	uint32_t it = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(t->hash, &key, &data, &it)) >= 0) {
		struct neigh_entry *e = &t->entries[pos];

		if (now < e->next_tsc)
			continue;
		switch (e->state) {
		case NEIGH_REACHABLE:
			/* Unpinned entries nobody used lately are dropped, not refreshed. */
			if (!e->pinned && now - e->used_tsc > t->hz * NEIGH_GC_S) {
				notify(t, e, NULL);
				entry_del(t, e, ctl);
				break;
			}
			e->state = NEIGH_STALE;
			e->probes = 0;
			probe(ctl, e, now);
			break;
		case NEIGH_INCOMPLETE:
		case NEIGH_STALE:
			if (e->probes < NEIGH_PROBES) {
				probe(ctl, e, now);
				break;
			}
			if (e->state == NEIGH_STALE)
				notify(t, e, NULL);
			e->state = NEIGH_FAILED;
			t->stats.failed++;
			entry_drop_held(t, e, ctl);
			e->next_tsc = now + t->hz * (e->pinned ? NEIGH_FAILED_RETRY_S : NEIGH_GC_S);
			break;
		case NEIGH_FAILED:
			if (!e->pinned) {
				entry_del(t, e, ctl);
				break;
			}
			e->state = NEIGH_INCOMPLETE;
			e->probes = 0;
			probe(ctl, e, now);
			break;
		}
	}
}

int ctl_neigh_next(struct hub_ctl *ctl, int pos, const struct neigh_entry **e)
{
	const void *key;
	void *data;
	uint32_t it = pos < 0 ? 0 : (uint32_t)pos;
	int32_t p = rte_hash_iterate(ctl->neigh->hash, &key, &data, &it);

	if (p < 0)
		return -1;
	*e = &ctl->neigh->entries[p];
	return (int)it;
}
