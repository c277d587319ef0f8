/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Purge Requests from the hub (RFC 2332 5.2.5): when a binding is cleared by the operator,
 * moved to another NBMA address by a non-unique registration, or purged by its own spoke,
 * every spoke the hub answered or forwarded a resolution for it to holds a shortcut that
 * is now wrong: each gets a Purge Request for the prefix it resolved. On `clear ip nhrp`
 * the owner gets one too, with the request ID of its last registration (Cisco spokes match
 * the two and register again at once). Purge Replies are counted; the ones we did not ask
 * for (not naming the hub as their source) are dropped.
 *
 * Who resolved what: up to NHRP_RESOLVERS per binding, by peer slot, allocated on the
 * first resolution and reused; the oldest entry makes room for a new one (a resolver
 * not purged only keeps a shortcut until its holdtime, as without purges).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl_peer.h"
#include "control/nhrp_priv.h"
#include "control/nhrp_server.h"
#include "lib/hub_log.h"

struct nhrp_resolvers {
	uint32_t n, next;
	struct {
		uint32_t requester; /* tunnel address, network order */
		uint32_t prefix;    /* what it resolved, network order */
		uint8_t plen;
	} e[NHRP_RESOLVERS];
};

int nhrp_purge_init(struct hub_ctl *ctl)
{
	struct nhrp_server *s = ctl->nhrp;

	s->resolvers = calloc(s->n_slots ? s->n_slots : 1, sizeof(*s->resolvers));
	/* Our Purge Request IDs: a range of their own, far from the spokes' counters. */
	s->purge_id_next = 0x50000000u;
	return s->resolvers != NULL ? 0 : -ENOMEM;
}

void nhrp_purge_free(struct hub_ctl *ctl)
{
	struct nhrp_server *s = ctl->nhrp;
	uint32_t i;

	if (s->resolvers == NULL)
		return;
	for (i = 0; i < s->n_slots; i++)
		free(s->resolvers[i]);
	free(s->resolvers);
	s->resolvers = NULL;
}

void nhrp_resolver_note(struct hub_ctl *ctl, uint32_t slot, uint32_t requester, uint32_t prefix,
			uint8_t plen)
{
	struct nhrp_server *s = ctl->nhrp;
	struct nhrp_resolvers *r;
	uint32_t i;

	if (s->resolvers == NULL || slot >= s->n_slots)
		return;
	r = s->resolvers[slot];
	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return; /* a purge fewer, never a failed resolution */
		s->resolvers[slot] = r;
	}
	for (i = 0; i < r->n; i++)
		if (r->e[i].requester == requester && r->e[i].prefix == prefix &&
		    r->e[i].plen == plen)
			return;
	i = r->n < NHRP_RESOLVERS ? r->n++ : r->next;
	r->next = (i + 1) % NHRP_RESOLVERS;
	r->e[i].requester = requester;
	r->e[i].prefix = prefix;
	r->e[i].plen = plen;
}

static uint32_t purge_id(struct nhrp_server *s)
{
	uint32_t id = s->purge_id_next++;

	if (s->purge_id_next == 0x60000000u)
		s->purge_id_next = 0x50000000u;
	return id;
}

/* One Purge Request for prefix/plen to the station at tunnel address to (NBMA dst when
 * it has no binding any more), reply wanted. */
static void send_purge(struct hub_ctl *ctl, const struct nhrp_tun *t, uint32_t to, uint32_t dst,
		       uint32_t prefix, uint8_t plen, uint32_t request_id)
{
	struct nhrp_build_cie cie = {.prefix_len = plen, .mtu = t->cfg->mtu,
				     .proto = nhrp_addr_u32(prefix)};
	struct nhrp_build_msg req = {
		.op = NHRP_OP_PURGE_REQUEST,
		.hopcnt = 64,
		.request_id = request_id,
		.src_nbma = nhrp_addr_u32(t->hub_nbma),
		.src_proto = nhrp_addr_u32(t->hub_proto),
		.dst_proto = nhrp_addr_u32(to),
		.cies = &cie,
		.n_cies = 1,
	};
	int slot = nhrp_bound_slot(ctl, to);

	if (slot < 0 && dst == 0)
		return;
	if (nhrp_send(ctl, t, slot, dst, &req) == 0)
		ctl->nhrp->stats.purges_sent++;
}

void nhrp_binding_gone(struct hub_ctl *ctl, uint32_t slot, unsigned int tunnel_idx)
{
	struct nhrp_server *s = ctl->nhrp;
	struct nhrp_resolvers *r;
	struct nhrp_tun t;
	uint32_t i;

	if (s == NULL || s->resolvers == NULL || slot >= s->n_slots || s->resolvers[slot] == NULL)
		return;
	r = s->resolvers[slot];
	if (nhrp_tun_get(ctl, tunnel_idx, &t) == 0)
		for (i = 0; i < r->n; i++)
			send_purge(ctl, &t, r->e[i].requester, 0, r->e[i].prefix, r->e[i].plen,
				   purge_id(s));
	r->n = r->next = 0;
}

void nhrp_binding_forget(struct hub_ctl *ctl, uint32_t slot)
{
	struct nhrp_server *s = ctl->nhrp;

	if (s != NULL && s->resolvers != NULL && slot < s->n_slots && s->resolvers[slot] != NULL)
		s->resolvers[slot]->n = s->resolvers[slot]->next = 0;
}

int nhrp_binding_clear(struct hub_ctl *ctl, uint32_t tunnel_addr)
{
	struct ctl_peer *p = ctl_peer_find(ctl, tunnel_addr);
	uint32_t owner_outer, request_id = 0;
	unsigned int tunnel_idx;
	struct nhrp_tun t;
	int slot;

	if (p == NULL || p->type != CTL_PEER_DYNAMIC)
		return -ENOENT;
	slot = ctl_peer_slot(ctl, tunnel_addr);
	owner_outer = nhrp_peer_outer(p);
	tunnel_idx = p->tunnel_idx;
	if (ctl->nhrp != NULL && slot >= 0) {
		request_id = nhrp_server_request_id(ctl, (uint32_t)slot);
		nhrp_binding_gone(ctl, (uint32_t)slot, tunnel_idx);
		nhrp_expiry_cancel(ctl, (uint32_t)slot);
	}
	ctl_peer_del(ctl, tunnel_addr);
	/* The owner last: its binding is gone, so this goes to the address it registered
	 * from, with the request ID of that registration. */
	if (ctl->nhrp != NULL && nhrp_tun_get(ctl, tunnel_idx, &t) == 0 && request_id != 0)
		send_purge(ctl, &t, tunnel_addr, owner_outer, tunnel_addr, 32, request_id);
	return 0;
}

void nhrp_purge_reply_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
			    const struct dp_punt_meta *meta, const struct nhrp_msg *rep)
{
	struct nhrp_server *s = ctl->nhrp;
	char from[INET_ADDRSTRLEN];

	/* A reply carries the request's source: ours name the hub (RFC 2332 5.2.6). */
	if (nhrp_ref_u32(&rep->src_proto) != t->hub_proto) {
		nhrp_stats_drop(&s->stats, rep->op, NHRP_STAT_NOT_FOR_US);
		return;
	}
	inet_ntop(AF_INET, &meta->outer_src, from, sizeof(from));
	HUB_LOG(DEBUG, nhrp, "purge reply id %u from %s", rep->request_id, from);
	s->stats.purge_replies++;
}
