/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registration (RFC 2332 5.2.3, 5.2.4) and Purge from a spoke (5.2.5, 5.2.6), with the
 * DMVPN conventions of DESIGN.md section 3: Cisco cleartext authentication, the NAT flag
 * and NAT Address extension, the hub's tunnel address as the reply's destination.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>

#include "control/ctl_peer.h"
#include "control/nhrp_priv.h"
#include "lib/hub_log.h"

struct reg_ctx {
	struct hub_ctl *ctl;
	const struct nhrp_tun *t;
	const struct nhrp_msg *req;
	uint32_t outer_src;
	uint16_t nat_port;
	bool src_ok;
	int reply_slot; /* the sender's binding, once accepted */
	uint32_t rx_tsc8; /* when a worker received the request (struct dp_punt_meta) */
};

/* Decide one CIE and apply it. Returns its code; *holdtime gets the holdtime granted. */
static uint8_t register_cie(struct reg_ctx *x, const struct nhrp_cie *c, uint16_t *holdtime)
{
	struct hub_ctl *ctl = x->ctl;
	struct nhrp_stats *st = &ctl->nhrp->stats;
	const struct cfg_nhrp *cn = &x->t->cfg->nhrp;
	uint32_t src_proto = nhrp_ref_u32(&x->req->src_proto);
	uint32_t addr = c->proto.len ? nhrp_ref_u32(&c->proto) : src_proto;
	uint32_t nbma = c->nbma.len ? nhrp_ref_u32(&c->nbma) : nhrp_ref_u32(&x->req->src_nbma);
	bool unique = (x->req->flags & NHRP_FLAG_REG_U) != 0;
	uint32_t hold = c->holdtime != 0 ? c->holdtime : cn->holdtime;
	struct ctl_peer *p;
	uint16_t flags;
	int slot;

	*holdtime = (uint16_t)(hold > UINT16_MAX ? UINT16_MAX : hold);
	/* A host registers itself: prefix 255 (all ones, FRR/Cisco) or 32. */
	if (!x->src_ok || !nhrp_tun_addr_ok(x->t, addr) || nbma == 0 ||
	    (c->prefix_len != 0xFF && c->prefix_len != 32)) {
		nhrp_stats_drop(st, NHRP_OP_REGISTRATION_REQUEST, NHRP_STAT_REFUSED_ADMIN);
		return NHRP_CIE_ADMIN_PROHIBITED;
	}
	p = ctl_peer_find(ctl, addr);
	if (p != NULL && p->type == CTL_PEER_STATIC) {
		/* A static map is configuration: a registration neither moves nor ages it. */
		if (p->nbma_addr != nbma) {
			nhrp_stats_drop(st, NHRP_OP_REGISTRATION_REQUEST, NHRP_STAT_REFUSED_UNIQUE);
			return NHRP_CIE_ALREADY_REGISTERED;
		}
		if (addr == src_proto)
			x->reply_slot = ctl_peer_slot(ctl, addr);
		return NHRP_CIE_SUCCESS;
	}
	if (p != NULL && p->type == CTL_PEER_DYNAMIC && unique &&
	    (p->flags & CTL_PEER_F_UNIQUE) &&
	    (p->nbma_addr != nbma || nhrp_peer_outer(p) != x->outer_src)) {
		nhrp_stats_drop(st, NHRP_OP_REGISTRATION_REQUEST, NHRP_STAT_REFUSED_UNIQUE);
		return NHRP_CIE_ALREADY_REGISTERED;
	}
	if ((p == NULL || p->type == CTL_PEER_INCOMPLETE) && ctl_peer_count(ctl) >= cn->max_peers) {
		nhrp_stats_drop(st, NHRP_OP_REGISTRATION_REQUEST, NHRP_STAT_REFUSED_FULL);
		return NHRP_CIE_INSUFFICIENT_RESOURCES;
	}
	if (p != NULL && p->type == CTL_PEER_DYNAMIC)
		st->refreshed++;
	else
		st->registered++;
	/* A non-unique binding taken over from another NBMA address: whoever resolved the
	 * old one holds a wrong shortcut. */
	if (p != NULL && p->type == CTL_PEER_DYNAMIC &&
	    (p->nbma_addr != nbma || nhrp_peer_outer(p) != x->outer_src))
		nhrp_binding_gone(ctl, (uint32_t)ctl_peer_slot(ctl, addr), x->t->idx);
	flags = (unique ? CTL_PEER_F_UNIQUE : 0) |
		(cn->map_multicast_dynamic ? CTL_PEER_F_MULTICAST : 0);
	slot = ctl_peer_set(ctl, x->t->idx, addr, nbma, x->outer_src, x->nat_port,
			    CTL_PEER_DYNAMIC, flags, hold);
	if (slot < 0) {
		nhrp_stats_drop(st, NHRP_OP_REGISTRATION_REQUEST, NHRP_STAT_REFUSED_FULL);
		return NHRP_CIE_INSUFFICIENT_RESOURCES;
	}
	if (nhrp_expiry_arm(ctl, (uint32_t)slot, addr, hold, x->req->request_id) < 0) {
		/* A binding that could never expire is worse than none. */
		ctl_peer_del(ctl, addr);
		nhrp_stats_drop(st, NHRP_OP_REGISTRATION_REQUEST, NHRP_STAT_REFUSED_FULL);
		return NHRP_CIE_INSUFFICIENT_RESOURCES;
	}
	if (addr == src_proto)
		x->reply_slot = slot;
	ctl_peer_time_update(ctl, (uint32_t)slot, x->rx_tsc8, ctl->punt_deq_tsc);
	return NHRP_CIE_SUCCESS;
}

/* The per-source budget for registrations from sources without a binding: rate per
 * second (the tunnel's nhrp new_source_rate, NHRP_NEW_PER_SOURCE by default), burst the
 * same. */
static bool new_source_ok(struct nhrp_server *s, uint32_t src, uint32_t rate)
{
	struct nhrp_new_bucket *b = &s->new_src[(rte_be_to_cpu_32(src) * 2654435761u) >> 20 &
						(NHRP_NEW_BUCKETS - 1)];
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz(), add;

	if (rate == 0)
		rate = NHRP_NEW_PER_SOURCE;
	if (b->last == 0) {
		b->last = now;
		b->tokens = rate;
	}
	/* 128-bit: (now - last) * rate overflows 64 bits after a few minutes at high rates. */
	add = (uint64_t)((unsigned __int128)(now - b->last) * rate / hz);
	if (add > 0) {
		b->tokens = (uint32_t)RTE_MIN((uint64_t)rate, b->tokens + add);
		b->last = now;
	}
	if (b->tokens == 0)
		return false;
	b->tokens--;
	return true;
}

void nhrp_registration_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
			     const struct dp_punt_meta *meta, const struct nhrp_msg *req)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	struct reg_ctx x = {.ctl = ctl, .t = t, .req = req, .outer_src = meta->outer_src,
			    .nat_port = meta->nat_port, .reply_slot = -1,
			    .rx_tsc8 = meta->rx_tsc8};
	struct nhrp_build_cie cies[NHRP_MAX_CIES];
	struct nhrp_build_cie nat_cies[NHRP_MAX_EXT_CIES + 2];
	struct nhrp_build_ext exts[NHRP_MAX_EXTS];
	struct nhrp_build_cie me;
	uint32_t claimed = nhrp_ref_u32(&req->src_nbma);
	uint32_t src_proto = nhrp_ref_u32(&req->src_proto);
	bool natted = claimed != meta->outer_src;
	const char *pw = t->cfg->nhrp.auth;
	char src[INET_ADDRSTRLEN], from[INET_ADDRSTRLEN];
	uint16_t hold = (uint16_t)t->cfg->nhrp.holdtime;
	unsigned int i, n_exts = 0, accepted = 0;

	/* Not answered when over budget: a reply to a spoofed source would be an
	 * amplifier. */
	if (meta->src_slot < 0 &&
	    !new_source_ok(ctl->nhrp, meta->outer_src, t->cfg->nhrp.new_source_rate)) {
		nhrp_stats_drop(st, req->op, NHRP_STAT_RATE_LIMITED);
		return;
	}
	x.src_ok = req->src_proto.len == 4 && req->src_nbma.len == 4 &&
		   nhrp_tun_addr_ok(t, src_proto);
	if (!x.src_ok)
		nhrp_stats_drop(st, req->op, NHRP_STAT_SOURCE_INVALID);
	for (i = 0; i < req->n_cies; i++) {
		cies[i] = nhrp_cie_copy(&req->cies[i]);
		cies[i].code = register_cie(&x, &req->cies[i], &cies[i].holdtime);
		if (cies[i].code == NHRP_CIE_SUCCESS) {
			accepted++;
			hold = cies[i].holdtime;
		}
	}
	me = (struct nhrp_build_cie){.prefix_len = 32, .holdtime = hold,
				     .mtu = t->cfg->mtu,
				     .nbma = nhrp_addr_u32(t->hub_nbma),
				     .proto = nhrp_addr_u32(t->hub_proto)};
	for (i = 0; i < req->n_exts; i++) {
		const struct nhrp_ext *e = &req->exts[i];

		switch (e->type) {
		case NHRP_EXT_RESPONDER:
			exts[n_exts++] = nhrp_bext_cies(NHRP_EXT_RESPONDER, e->compulsory, &me, 1);
			break;
		case NHRP_EXT_AUTH:
			/* Answered with our own password (there is one: nhrp_auth_ok() passed). */
			if (pw[0] != '\0')
				exts[n_exts++] = nhrp_bext_auth_cisco((const uint8_t *)pw,
								      (uint16_t)strlen(pw));
			break;
		case NHRP_EXT_NAT:
			if (natted) {
				/* The spoke's CIEs, then the address we saw it at (the spoke
				 * reads the second CIE as its NAT-ed address). */
				unsigned int n = 0, k;
				const struct nhrp_cie *in = nhrp_ext_cies(req, e, &n);

				for (k = 0; k < n && k < NHRP_MAX_EXT_CIES; k++)
					nat_cies[k] = nhrp_cie_copy(&in[k]);
				if (k == 0)
					nat_cies[k++] = (struct nhrp_build_cie){
						.prefix_len = 32, .nbma = nhrp_addr_u32(t->hub_nbma),
						.proto = nhrp_addr_u32(t->hub_proto)};
				nat_cies[k++] = (struct nhrp_build_cie){
					.prefix_len = 32, .nbma = nhrp_addr_u32(meta->outer_src),
					.proto = nhrp_addr_ref(&req->src_proto)};
				exts[n_exts] = nhrp_bext_cies(NHRP_EXT_NAT, e->compulsory,
							      nat_cies, k);
				n_exts++;
			} else {
				exts[n_exts++] = nhrp_bext_ref(e);
			}
			break;
		default:
			/* Forward/Reverse Transit records and anything else: carried. */
			exts[n_exts++] = nhrp_bext_ref(e);
			break;
		}
	}
	{
		struct nhrp_build_msg rep = {
			.op = NHRP_OP_REGISTRATION_REPLY,
			.hopcnt = 64,
			.flags = req->flags,
			.request_id = req->request_id,
			.src_nbma = nhrp_addr_ref(&req->src_nbma),
			.src_proto = nhrp_addr_ref(&req->src_proto),
			.dst_proto = nhrp_addr_u32(t->hub_proto),
			.cies = cies,
			.n_cies = req->n_cies,
			.exts = exts,
			.n_exts = n_exts,
		};

		/* Formatted only when asked for: two inet_ntop() per registration are a
		 * measurable part of the registration rate (docs/benchmarks.md). */
		if (rte_log_can_log(hub_logtype_nhrp, RTE_LOG_DEBUG)) {
			inet_ntop(AF_INET, &src_proto, src, sizeof(src));
			inet_ntop(AF_INET, &meta->outer_src, from, sizeof(from));
			HUB_LOG(DEBUG, nhrp, "registration of %s from %s%s: %u of %u accepted", src,
				from, natted ? " (NAT)" : "", accepted, req->n_cies);
		}
		if (nhrp_send(ctl, t, x.reply_slot, meta->outer_src, &rep) == 0) {
			/* On the wire: control transmits as it sends. TSC bits 8..39, exact
			 * modulo 2^40 cycles. */
			uint32_t ticks = (uint32_t)(rte_rdtsc() >> 8) - meta->rx_tsc8;

			lat_hist_add(&st->reg_reply, (uint64_t)((double)ticks * 256e9 /
								 (double)rte_get_tsc_hz()));
		}
	}
}

void nhrp_purge_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
		      const struct dp_punt_meta *meta, const struct nhrp_msg *req)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	uint32_t src_proto = nhrp_ref_u32(&req->src_proto);
	uint32_t claimed = nhrp_ref_u32(&req->src_nbma);
	char addr_s[INET_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < req->n_cies; i++) {
		const struct nhrp_cie *c = &req->cies[i];
		uint32_t addr = c->proto.len ? nhrp_ref_u32(&c->proto) : src_proto;
		struct ctl_peer *p = ctl_peer_find(ctl, addr);
		int slot;

		/* A spoke purges its own dynamic binding only, from where it registered. */
		if (p == NULL || p->type != CTL_PEER_DYNAMIC || addr != src_proto ||
		    p->nbma_addr != claimed || nhrp_peer_outer(p) != meta->outer_src) {
			nhrp_stats_drop(st, req->op, NHRP_STAT_PURGE_NOT_OWN);
			continue;
		}
		slot = ctl_peer_slot(ctl, addr);
		inet_ntop(AF_INET, &addr, addr_s, sizeof(addr_s));
		HUB_LOG(INFO, nhrp, "binding %s purged by its spoke", addr_s);
		if (slot >= 0)
			nhrp_binding_gone(ctl, (uint32_t)slot, t->idx);
		ctl_peer_del(ctl, addr);
		if (slot >= 0)
			nhrp_expiry_cancel(ctl, (uint32_t)slot);
		st->purged++;
	}
	if (!(req->flags & NHRP_FLAG_PURGE_N)) {
		/* RFC 2332 5.2.6: the request with its type changed, back to its sender. */
		struct nhrp_build_store store;
		struct nhrp_build_msg rep;

		nhrp_build_from_view(req, &rep, &store);
		rep.op = NHRP_OP_PURGE_REPLY;
		rep.hopcnt = 64;
		nhrp_send(ctl, t, -1, meta->outer_src, &rep);
	}
}
