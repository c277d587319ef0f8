/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resolution (RFC 2332 5.2.1, 5.2.2) as a DMVPN hub serves it, and the transit NHS duties
 * that come with it (5.3.2, 5.3.3, 5.3.4):
 *
 *  - a Resolution Request for an address the hub knows to be at a spoke (the spoke's own
 *    tunnel address, or a prefix routed via that spoke's tunnel address: Phase 3) is
 *    forwarded to that spoke, hop count decremented and the hub appended to the Forward
 *    Transit NHS Record (nhrp.resolution = "forward", the Cisco hub default), or answered
 *    from the binding (nhrp.resolution = "answer");
 *  - a request for the hub itself or a prefix the hub serves is answered with the hub;
 *  - anything else gets a negative reply, CIE code 12 (no binding exists);
 *  - a Resolution Reply coming back from the owner is relayed to the requester with the
 *    hub appended to the Reverse Transit NHS Record.
 * Our own address already in a transit record is a loop (Error Indication code 3); no hop
 * left is Error Indication code 15. Authentication is regenerated hop by hop (5.3.4):
 * the received extension is dropped and ours, if any, added.
 * Every resolution answered or forwarded is remembered against the binding it resolved,
 * so that a binding that goes away is purged where it was resolved (nhrp_purge.c).
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_cycles.h>

#include "control/ctl_fib.h"
#include "control/ctl_peer.h"
#include "control/nhrp_priv.h"
#include "lib/dp_msg.h"
#include "lib/hub_log.h"

/* Offset of ar$hopcnt in the fixed header (RFC 2332 5.1), for Error Indications. */
#define HOPCNT_OFF 4

enum target_kind {
	TARGET_NONE = 0, /* no binding: negative reply */
	TARGET_SPOKE,	 /* at (or behind) a registered or mapped spoke */
	TARGET_HUB,	 /* the hub itself or a prefix it serves */
};

struct target {
	enum target_kind kind;
	int slot;	/* TARGET_SPOKE: the owner's peer slot */
	uint8_t plen;	/* prefix length to answer with */
	uint32_t prefix; /* network order, host bits clear */
};

/* The peer slot bound to addr (static or dynamic), or -1. */
int nhrp_bound_slot(struct hub_ctl *ctl, uint32_t addr)
{
	const struct ctl_peer *p = ctl_peer_find(ctl, addr);

	if (p == NULL || p->type == CTL_PEER_INCOMPLETE)
		return -1;
	return ctl_peer_slot(ctl, addr);
}

uint32_t nhrp_peer_outer(const struct ctl_peer *p)
{
	return p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
}

static uint32_t plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - plen));
}

static struct target locate(struct hub_ctl *ctl, const struct nhrp_tun *t, uint32_t addr)
{
	struct target x = {.kind = TARGET_NONE, .slot = -1, .plen = 32, .prefix = addr};
	const struct ctl_route *r;
	int slot;

	if (addr == t->hub_proto) {
		x.kind = TARGET_HUB;
		return x;
	}
	slot = nhrp_bound_slot(ctl, addr);
	if (slot >= 0) {
		x.kind = TARGET_SPOKE;
		x.slot = slot;
		return x;
	}
	if (ctl_fib_lookup(ctl, addr, &r) < 0)
		return x;
	switch (DP_NH_TYPE(r->nh)) {
	case DP_NH_PEER: {
		const struct ctl_peer *p = ctl_peer_at(ctl, DP_NH_IDX(r->nh));

		/* Phase 3: a prefix routed via a spoke's tunnel address lives behind it. */
		if (p != NULL && p->in_use && p->type != CTL_PEER_INCOMPLETE &&
		    p->tunnel_idx == t->idx) {
			x.kind = TARGET_SPOKE;
			x.slot = (int)DP_NH_IDX(r->nh);
			x.plen = r->len;
			x.prefix = r->prefix;
		}
		break;
	}
	case DP_NH_LOCAL:
	case DP_NH_LAN:
	case DP_NH_GLEAN:
		/* The hub delivers it itself: the hub is the shortcut. */
		x.kind = TARGET_HUB;
		x.plen = r->len;
		x.prefix = r->prefix;
		break;
	default:
		/* A tunnel address nobody registered, a blackhole: no binding. */
		break;
	}
	return x;
}

/* The hub as a CIE (Responder Address, Transit NHS Records). */
static struct nhrp_build_cie hub_cie(const struct nhrp_tun *t)
{
	return (struct nhrp_build_cie){.prefix_len = 32, .mtu = t->cfg->mtu,
				       .holdtime = (uint16_t)t->cfg->nhrp.holdtime,
				       .nbma = nhrp_addr_u32(t->hub_nbma),
				       .proto = nhrp_addr_u32(t->hub_proto)};
}

/* A NAT-ed peer's CIE for the Cisco NAT extension: the address we see it at. */
static bool nat_cie(const struct ctl_peer *p, struct nhrp_build_cie *c)
{
	if (p == NULL || p->nbma_seen == 0 || p->nbma_seen == p->nbma_addr)
		return false;
	*c = (struct nhrp_build_cie){.prefix_len = 32, .mtu = p->mtu,
				     .nbma = nhrp_addr_u32(p->nbma_seen),
				     .proto = nhrp_addr_u32(p->tunnel_addr)};
	return true;
}

/*
 * Copy msg's extensions into x: the transit record of type transit (0 = none) gets the hub
 * appended after a loop check; an empty NAT extension gets *nat when nat is not NULL; the
 * Responder Address gets *responder when responder is not NULL; Authentication is
 * replaced by ours (if the tunnel has one). Everything else is carried unchanged.
 */
static void edit_exts(const struct nhrp_tun *t, const struct nhrp_msg *msg, uint16_t transit,
		      const struct nhrp_build_cie *nat, const struct nhrp_build_cie *responder,
		      struct nhrp_ext_edit *x)
{
	const char *pw = t->cfg->nhrp.auth;
	unsigned int i;

	x->n = 0;
	x->loop_offset = 0;
	for (i = 0; i < msg->n_exts && x->n < NHRP_MAX_EXTS; i++) {
		const struct nhrp_ext *e = &msg->exts[i];
		unsigned int n = 0, k;
		const struct nhrp_cie *in;

		if (e->type == NHRP_EXT_AUTH)
			continue;
		if (transit != 0 && e->type == transit) {
			in = nhrp_ext_cies(msg, e, &n);
			for (k = 0; k < n && k < NHRP_MAX_EXT_CIES; k++) {
				if (nhrp_ref_u32(&in[k].nbma) == t->hub_nbma ||
				    nhrp_ref_u32(&in[k].proto) == t->hub_proto)
					x->loop_offset = e->offset;
				x->transit[k] = nhrp_cie_copy(&in[k]);
			}
			x->transit[k++] = hub_cie(t);
			x->exts[x->n++] = nhrp_bext_cies(e->type, e->compulsory, x->transit, k);
			continue;
		}
		if (e->type == NHRP_EXT_NAT && e->len == 0 && nat != NULL) {
			x->nat = *nat;
			x->exts[x->n++] = nhrp_bext_cies(NHRP_EXT_NAT, e->compulsory, &x->nat, 1);
			continue;
		}
		if (e->type == NHRP_EXT_RESPONDER && responder != NULL) {
			x->responder = *responder;
			x->exts[x->n++] =
				nhrp_bext_cies(NHRP_EXT_RESPONDER, e->compulsory, &x->responder, 1);
			continue;
		}
		x->exts[x->n++] = nhrp_bext_ref(e);
	}
	if (pw[0] != '\0' && x->n < NHRP_MAX_EXTS)
		x->exts[x->n++] = nhrp_bext_auth_cisco((const uint8_t *)pw, (uint16_t)strlen(pw));
}

/* Where answers to the sender of msg go: its binding when it has one, else where the
 * packet came from. */
static int sender_slot(struct hub_ctl *ctl, const struct dp_punt_meta *meta, uint32_t proto)
{
	int slot = nhrp_bound_slot(ctl, proto);
	const struct ctl_peer *p = slot >= 0 ? ctl_peer_at(ctl, (uint32_t)slot) : NULL;

	/* Only when that binding is where the packet came from: a spoke cannot have answers
	 * about it sent to another spoke. */
	if (p == NULL || nhrp_peer_outer(p) != meta->outer_src)
		return -1;
	return slot;
}

static void answer(struct hub_ctl *ctl, const struct nhrp_tun *t, const struct dp_punt_meta *meta,
		   const struct nhrp_msg *req, const struct target *x)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	uint32_t src_proto = nhrp_ref_u32(&req->src_proto);
	const struct ctl_peer *owner = NULL;
	struct nhrp_build_cie cie = {.code = NHRP_CIE_SUCCESS, .prefix_len = x->plen,
				     .mtu = t->cfg->mtu};
	struct nhrp_build_cie me = hub_cie(t), nat;
	struct nhrp_ext_edit *ed = &ctl->nhrp->edit;
	uint16_t flags = req->flags & (NHRP_FLAG_RES_Q | NHRP_FLAG_RES_U | NHRP_FLAG_RES_S |
				       NHRP_FLAG_NAT);
	bool has_nat = false;

	switch (x->kind) {
	case TARGET_SPOKE:
		owner = ctl_peer_at(ctl, (uint32_t)x->slot);
		cie.proto = nhrp_addr_u32(owner->tunnel_addr);
		cie.nbma = nhrp_addr_u32(nhrp_peer_outer(owner));
		cie.mtu = owner->mtu ? owner->mtu : t->cfg->mtu;
		if (owner->expires == 0) {
			cie.holdtime = (uint16_t)t->cfg->nhrp.holdtime;
		} else {
			uint64_t now = rte_rdtsc(), left;

			left = owner->expires > now ? (owner->expires - now) / rte_get_tsc_hz() : 0;
			cie.holdtime = (uint16_t)(left > UINT16_MAX ? UINT16_MAX : left);
		}
		has_nat = nat_cie(owner, &nat);
		flags |= NHRP_FLAG_RES_A | NHRP_FLAG_RES_D;
		st->res_answered++;
		break;
	case TARGET_HUB:
		cie.proto = nhrp_addr_u32(t->hub_proto);
		cie.nbma = nhrp_addr_u32(t->hub_nbma);
		cie.holdtime = (uint16_t)t->cfg->nhrp.holdtime;
		flags |= NHRP_FLAG_RES_A | NHRP_FLAG_RES_D;
		st->res_answered++;
		break;
	default:
		cie.code = NHRP_CIE_NO_BINDING;
		cie.prefix_len = 32;
		cie.holdtime = (uint16_t)t->cfg->nhrp.holdtime;
		st->res_negative++;
		break;
	}
	edit_exts(t, req, 0, has_nat ? &nat : NULL, &me, ed);
	{
		struct nhrp_build_msg rep = {
			.op = NHRP_OP_RESOLUTION_REPLY,
			.hopcnt = 64,
			.flags = flags,
			.request_id = req->request_id,
			.src_nbma = nhrp_addr_ref(&req->src_nbma),
			.src_proto = nhrp_addr_ref(&req->src_proto),
			.dst_proto = nhrp_addr_ref(&req->dst_proto),
			.cies = &cie,
			.n_cies = 1,
			.exts = ed->exts,
			.n_exts = ed->n,
		};

		nhrp_send(ctl, t, sender_slot(ctl, meta, src_proto), meta->outer_src, &rep);
	}
	if (x->kind == TARGET_SPOKE)
		nhrp_resolver_note(ctl, (uint32_t)x->slot, src_proto, x->prefix, x->plen);
}

/* Pass msg on to peer slot with one hop less and the hub in the transit record transit;
 * nat_peer is the peer whose NAT-ed address fills an empty NAT extension. False when it
 * could not (an Error Indication went back to the sender). */
static bool pass_on(struct hub_ctl *ctl, const struct nhrp_tun *t,
		    const struct dp_punt_meta *meta, const struct nhrp_msg *msg, uint16_t transit,
		    const struct ctl_peer *nat_peer, int slot)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	struct nhrp_ext_edit *ed = &ctl->nhrp->edit;
	struct nhrp_build_store *store = &ctl->nhrp->store;
	struct nhrp_build_cie nat;
	struct nhrp_build_msg b;

	/* RFC 2332 5.3: the hop count is decremented by every NHS that forwards; a packet
	 * that would leave with none is answered with "hop count exceeded". */
	if (msg->hopcnt <= 1) {
		nhrp_stats_drop(st, msg->op, NHRP_STAT_HOP_EXCEEDED);
		nhrp_send_error(ctl, t, meta->outer_src, msg->pkt, msg->pktsz, msg,
				NHRP_EI_HOP_COUNT_EXCEEDED, HOPCNT_OFF);
		return false;
	}
	edit_exts(t, msg, transit, nat_cie(nat_peer, &nat) ? &nat : NULL, NULL, ed);
	if (ed->loop_offset != 0) {
		nhrp_stats_drop(st, msg->op, NHRP_STAT_LOOP);
		nhrp_send_error(ctl, t, meta->outer_src, msg->pkt, msg->pktsz, msg,
				NHRP_EI_LOOP_DETECTED, ed->loop_offset);
		return false;
	}
	nhrp_build_from_view(msg, &b, store);
	b.hopcnt = (uint8_t)(msg->hopcnt - 1);
	b.exts = ed->exts;
	b.n_exts = ed->n;
	return nhrp_send(ctl, t, slot, 0, &b) == 0;
}

void nhrp_resolution_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
			   const struct dp_punt_meta *meta, const struct nhrp_msg *req)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	uint32_t src_proto = nhrp_ref_u32(&req->src_proto);
	uint32_t target = nhrp_ref_u32(&req->dst_proto);
	struct target x;
	int req_slot;

	if (req->src_proto.len != 4 || req->dst_proto.len != 4 ||
	    !nhrp_tun_addr_ok(t, src_proto) || target == 0) {
		nhrp_stats_drop(st, req->op, NHRP_STAT_SOURCE_INVALID);
		return;
	}
	x = locate(ctl, t, target);
	req_slot = sender_slot(ctl, meta, src_proto);
	/* A spoke asking for what lies behind itself gets no shortcut to itself. */
	if (x.kind == TARGET_SPOKE && x.slot == nhrp_bound_slot(ctl, src_proto))
		x.kind = TARGET_NONE;
	if (x.kind == TARGET_SPOKE && t->cfg->nhrp.resolution_forward) {
		const struct ctl_peer *requester =
			req_slot >= 0 ? ctl_peer_at(ctl, (uint32_t)req_slot) : NULL;

		if (pass_on(ctl, t, meta, req, NHRP_EXT_FWD_TRANSIT, requester, x.slot)) {
			st->res_forwarded++;
			nhrp_resolver_note(ctl, (uint32_t)x.slot, src_proto, x.prefix, x.plen);
		}
		return;
	}
	answer(ctl, t, meta, req, &x);
}

void nhrp_resolution_reply_input(struct hub_ctl *ctl, const struct nhrp_tun *t,
				 const struct dp_punt_meta *meta, const struct nhrp_msg *rep)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	uint32_t requester = nhrp_ref_u32(&rep->src_proto);
	const struct ctl_peer *responder = NULL;
	int slot, rslot = -1;

	if (rep->src_proto.len != 4 || requester == t->hub_proto) {
		/* The hub sends no Resolution Requests of its own. */
		nhrp_stats_drop(st, rep->op, NHRP_STAT_NOT_FOR_US);
		return;
	}
	slot = nhrp_bound_slot(ctl, requester);
	if (slot < 0) {
		nhrp_stats_drop(st, rep->op, NHRP_STAT_NO_REQUESTER);
		nhrp_send_error(ctl, t, meta->outer_src, rep->pkt, rep->pktsz, rep,
				NHRP_EI_PROTO_UNREACHABLE, 0);
		return;
	}
	/* The answering spoke (its CIE's protocol address), for the NAT extension and the
	 * purge bookkeeping. */
	if (rep->n_cies > 0 && rep->cies[0].proto.len == 4)
		rslot = nhrp_bound_slot(ctl, nhrp_ref_u32(&rep->cies[0].proto));
	if (rslot >= 0)
		responder = ctl_peer_at(ctl, (uint32_t)rslot);
	if (!pass_on(ctl, t, meta, rep, NHRP_EXT_REV_TRANSIT, responder, slot))
		return;
	st->res_relayed++;
	if (rslot >= 0 && rep->n_cies > 0 && rep->cies[0].code == NHRP_CIE_SUCCESS) {
		uint8_t plen = rep->cies[0].prefix_len > 32 ? 32 : rep->cies[0].prefix_len;
		uint32_t target = nhrp_ref_u32(&rep->dst_proto);

		nhrp_resolver_note(ctl, (uint32_t)rslot, requester, target & plen_mask(plen), plen);
	}
}
