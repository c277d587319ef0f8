/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP server entry point: parse what the workers punt, dispatch by op code, answer
 * protocol errors with Error Indications (RFC 2332 5.2.7), send answers inside GRE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_timer.h>

#include "control/ctl_peer.h"
#include "control/nhrp_priv.h"
#include "control/nhrp_server.h"
#include "lib/hub_log.h"
#include "lib/nhrp_mbuf.h"

/* How much of a packet in error an Error Indication quotes. */
#define EI_PAYLOAD_MAX 512
/* Offset of ar$op.type in the fixed header (RFC 2332 5.1). */
#define OP_TYPE_OFF 17

int nhrp_tun_get(const struct hub_ctl *ctl, unsigned int idx, struct nhrp_tun *t)
{
	const struct cfg_tunnel *tc;
	int port;

	if (idx >= ctl->cfg->n_tunnels)
		return -ENOENT;
	tc = &ctl->cfg->tunnels[idx];
	port = cfg_port_index(ctl->cfg, tc->source);
	if (port < 0)
		return -ENOENT;
	t->idx = idx;
	t->cfg = tc;
	t->hub_proto = tc->address.addr;
	t->hub_nbma = ctl->cfg->ports[port].address.addr;
	t->mask = tc->address.len ? rte_cpu_to_be_32(~0u << (32 - tc->address.len)) : 0;
	return 0;
}

bool nhrp_tun_addr_ok(const struct nhrp_tun *t, uint32_t addr)
{
	return addr != 0 && addr != t->hub_proto && (addr & t->mask) == (t->hub_proto & t->mask);
}

void nhrp_trace(struct hub_ctl *ctl, const struct nhrp_tun *t, bool tx, uint32_t nbma,
		const struct nhrp_msg *m, int err)
{
	char line[512], addr[INET_ADDRSTRLEN];
	int n;

	inet_ntop(AF_INET, &nbma, addr, sizeof(addr));
	n = snprintf(line, sizeof(line), "NHRP: %s %s %s %s: ", tx ? "send" : "recv",
		     t->cfg->name, tx ? "to" : "from", addr);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	if (err < 0)
		snprintf(line + n, sizeof(line) - (size_t)n, "malformed (%s at offset %u)",
			 nhrp_err_name(err), m->err_offset);
	else
		nhrp_format(m, line + n, sizeof(line) - (size_t)n);
	ctl->nhrp_trace.fn(ctl->nhrp_trace.arg, line);
}

/* debug nhrp for a packet we built: parsed back, so the line shows what went out. */
static void trace_tx(struct hub_ctl *ctl, const struct nhrp_tun *t, int slot, uint32_t dst,
		     const struct rte_mbuf *m)
{
	struct nhrp_msg *v = &ctl->nhrp->trace_view;
	const struct ctl_peer *p = slot >= 0 ? ctl_peer_at(ctl, (uint32_t)slot) : NULL;
	int rc;

	if (p != NULL)
		dst = p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
	rc = nhrp_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), NULL, v);
	nhrp_trace(ctl, t, true, dst, v, rc);
}

int nhrp_send(struct hub_ctl *ctl, const struct nhrp_tun *t, int slot, uint32_t dst,
	      const struct nhrp_build_msg *msg)
{
	struct nhrp_stats *st = &ctl->nhrp->stats;
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctl->pool);
	int rc;

	if (m == NULL) {
		st->reason[NHRP_STAT_NO_MBUF]++;
		return -ENOBUFS;
	}
	rc = nhrp_build_mbuf(msg, m);
	if (rc < 0) {
		HUB_LOG(WARNING, nhrp, "cannot build %s: %s", nhrp_op_name(msg->op),
			rte_strerror(-rc));
		st->reason[NHRP_STAT_BUILD_FAILED]++;
		rte_pktmbuf_free(m);
		return rc;
	}
	if (ctl->nhrp_trace.users > 0)
		trace_tx(ctl, t, slot, dst, m);
	/* Not a peer (a refused registration, an Error Indication): straight to the NBMA
	 * address the packet came from, with the tunnel's GRE header. */
	rc = slot >= 0 ? ctl_peer_send(ctl, (uint32_t)slot, m, NHRP_GRE_PROTO)
		       : ctl_gre_send(ctl, t->idx, dst, m, NHRP_GRE_PROTO);
	if (rc < 0) {
		st->reason[NHRP_STAT_SEND_FAILED]++;
		return rc;
	}
	nhrp_stats_tx(st, msg->op);
	if (slot >= 0) {
		struct ctl_peer *p = ctl_peer_at(ctl, (uint32_t)slot);

		if (p != NULL)
			p->nhrp_tx++;
	}
	return 0;
}

void nhrp_send_error(struct hub_ctl *ctl, const struct nhrp_tun *t, uint32_t dst,
		     const uint8_t *pkt, size_t len, const struct nhrp_msg *req, uint16_t code,
		     uint16_t offset)
{
	struct nhrp_build_msg ei = {
		.op = NHRP_OP_ERROR_INDICATION,
		.hopcnt = 64,
		.code = code,
		.ei_offset = offset,
		.src_nbma = nhrp_addr_u32(t->hub_nbma),
		.src_proto = nhrp_addr_u32(t->hub_proto),
		.dst_proto = nhrp_addr_ref(&req->src_proto),
		.payload = pkt,
		.payload_len = len > EI_PAYLOAD_MAX ? EI_PAYLOAD_MAX : len,
	};

	/* RFC 2332 5.2.7: never in answer to an Error Indication. */
	if (len > OP_TYPE_OFF && pkt[OP_TYPE_OFF] == NHRP_OP_ERROR_INDICATION)
		return;
	/* The destination protocol address is the sender's; without it there is no one to
	 * address the Error Indication to. */
	if (req->src_proto.len != 4)
		return;
	nhrp_send(ctl, t, -1, dst, &ei);
}

/* Errors after which nothing in the packet can be trusted: dropped silently. */
static bool error_answerable(int rc)
{
	switch (-rc) {
	case NHRP_ERR_TRUNCATED:
	case NHRP_ERR_PKTSZ_SHORT:
	case NHRP_ERR_PKTSZ_OVERRUN:
	case NHRP_ERR_CHECKSUM:
	case NHRP_ERR_AFN:
	case NHRP_ERR_PRO_TYPE:
	case NHRP_ERR_VERSION:
		return false;
	default:
		return true;
	}
}

static void malformed(struct hub_ctl *ctl, const struct nhrp_tun *t,
		      const struct dp_punt_meta *meta, const uint8_t *pkt, size_t len,
		      const struct nhrp_msg *msg, int rc)
{
	unsigned int op = len > OP_TYPE_OFF ? pkt[OP_TYPE_OFF] : 0;
	char src[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &meta->outer_src, src, sizeof(src));
	HUB_LOG(DEBUG, nhrp, "malformed NHRP from %s: %s at offset %u", src, nhrp_err_name(rc),
		msg->err_offset);
	nhrp_stats_drop(&ctl->nhrp->stats, op, NHRP_STAT_MALFORMED);
	ctl->drops[HUB_DROP_NHRP_MALFORMED]++;
	if (error_answerable(rc))
		nhrp_send_error(ctl, t, meta->outer_src, pkt, len, msg, nhrp_err_ei_code(rc),
				msg->err_offset);
}

static void error_indication_input(const struct dp_punt_meta *meta,
				   const struct nhrp_msg *msg)
{
	char line[256], src[INET_ADDRSTRLEN];

	nhrp_format(msg, line, sizeof(line));
	inet_ntop(AF_INET, &meta->outer_src, src, sizeof(src));
	HUB_LOG(DEBUG, nhrp, "error indication from %s: %s (%s)", src,
		nhrp_ei_code_name(msg->code), line);
}

struct nhrp_build_cie nhrp_cie_copy(const struct nhrp_cie *c)
{
	return (struct nhrp_build_cie){.code = c->code, .prefix_len = c->prefix_len,
				       .pref = c->pref, .mtu = c->mtu, .holdtime = c->holdtime,
				       .nbma = nhrp_addr_ref(&c->nbma),
				       .nbma_sub = nhrp_addr_ref(&c->nbma_sub),
				       .proto = nhrp_addr_ref(&c->proto)};
}

bool nhrp_auth_ok(const struct nhrp_tun *t, const struct nhrp_msg *msg, uint16_t *offset)
{
	const char *want = t->cfg->nhrp.auth;
	const struct nhrp_ext *e = nhrp_msg_ext(msg, NHRP_EXT_AUTH);
	const uint8_t *secret;
	size_t n = strlen(want), got;
	uint32_t type;

	*offset = 0;
	if (n == 0)
		return true;
	if (e == NULL)
		return false;
	*offset = e->offset;
	return nhrp_ext_auth(e, &type, &secret, &got) == 0 && type == NHRP_AUTH_CISCO_CLEARTEXT &&
	       got == n && memcmp(secret, want, n) == 0;
}

static void auth_failed(struct hub_ctl *ctl, const struct nhrp_tun *t,
			const struct dp_punt_meta *meta, const struct nhrp_msg *msg, uint16_t off)
{
	char src[INET_ADDRSTRLEN], from[INET_ADDRSTRLEN];
	uint32_t src_proto = nhrp_ref_u32(&msg->src_proto);

	inet_ntop(AF_INET, &src_proto, src, sizeof(src));
	inet_ntop(AF_INET, &meta->outer_src, from, sizeof(from));
	HUB_LOG(INFO, nhrp, "%s of %s from %s: authentication failure", nhrp_op_name(msg->op), src,
		from);
	nhrp_stats_drop(&ctl->nhrp->stats, msg->op, NHRP_STAT_AUTH_FAILURE);
	ctl->drops[HUB_DROP_NHRP_AUTH]++;
	nhrp_send_error(ctl, t, meta->outer_src, msg->pkt, msg->pktsz, msg, NHRP_EI_AUTH_FAILURE,
			off);
}

/* Per-peer NHRP counter: the peer the packet came from (by the worker's view of its
 * outer source, or, for a registration that just created it, by its source address). */
static void count_peer_rx(struct hub_ctl *ctl, const struct dp_punt_meta *meta,
			  const struct nhrp_msg *msg)
{
	struct ctl_peer *p = meta->src_slot >= 0 ? ctl_peer_at(ctl, (uint32_t)meta->src_slot) : NULL;

	if (p == NULL || !p->in_use || nhrp_peer_outer(p) != meta->outer_src)
		p = ctl_peer_find(ctl, nhrp_ref_u32(&msg->src_proto));
	if (p != NULL && p->in_use && p->type != CTL_PEER_INCOMPLETE &&
	    nhrp_peer_outer(p) == meta->outer_src)
		p->nhrp_rx++;
}

void nhrp_input(struct hub_ctl *ctl, struct rte_mbuf *m, const struct dp_punt_meta *meta)
{
	struct nhrp_server *s = ctl->nhrp;
	struct nhrp_parse_opts opts = nhrp_parse_opts_ipv4;
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	struct nhrp_msg *msg;
	struct nhrp_tun t;
	uint16_t auth_off;
	int rc;

	ctl->nhrp_rx++;
	if (s == NULL) {
		ctl->drops[HUB_DROP_NHRP_NOT_SERVED]++;
		goto out;
	}
	if (nhrp_tun_get(ctl, meta->tunnel, &t) < 0) {
		nhrp_stats_drop(&s->stats, 0, NHRP_STAT_BAD_TUNNEL);
		ctl->drops[HUB_DROP_CONTROL]++;
		goto out;
	}
	/* The view is large (extensions and their CIEs); keep it off the stack. */
	msg = &s->view;
	/* Ethernet padding may follow a short packet; ar$pktsz says where NHRP ends. */
	opts.allow_trailing = true;
	rc = nhrp_parse_mbuf(m, 0, &opts, msg);
	if (ctl->nhrp_trace.users > 0)
		nhrp_trace(ctl, &t, false, meta->outer_src, msg, rc);
	if (rc < 0) {
		nhrp_stats_rx(&s->stats, len > OP_TYPE_OFF ? pkt[OP_TYPE_OFF] : 0);
		malformed(ctl, &t, meta, pkt, len, msg, rc);
		goto out;
	}
	nhrp_stats_rx(&s->stats, msg->op);
	/* RFC 2332 5.3.4: every packet is authenticated hop by hop; an Error Indication is
	 * taken anyway (it may be the peer telling us our own password is wrong). */
	if (msg->op != NHRP_OP_ERROR_INDICATION && !nhrp_auth_ok(&t, msg, &auth_off)) {
		auth_failed(ctl, &t, meta, msg, auth_off);
		goto out;
	}
	switch (msg->op) {
	case NHRP_OP_RESOLUTION_REQUEST:
		nhrp_resolution_input(ctl, &t, meta, msg);
		break;
	case NHRP_OP_RESOLUTION_REPLY:
		nhrp_resolution_reply_input(ctl, &t, meta, msg);
		break;
	case NHRP_OP_REGISTRATION_REQUEST:
		nhrp_registration_input(ctl, &t, meta, msg);
		break;
	case NHRP_OP_PURGE_REQUEST:
		nhrp_purge_input(ctl, &t, meta, msg);
		break;
	case NHRP_OP_PURGE_REPLY:
		nhrp_purge_reply_input(ctl, &t, meta, msg);
		break;
	case NHRP_OP_ERROR_INDICATION:
		error_indication_input(meta, msg);
		break;
	default:
		/* Registration Replies and Traffic Indications are for spokes, not for an NHS. */
		nhrp_stats_drop(&s->stats, msg->op, NHRP_STAT_NOT_SERVED);
		ctl->drops[HUB_DROP_NHRP_NOT_SERVED]++;
		break;
	}
	count_peer_rx(ctl, meta, msg);
out:
	rte_pktmbuf_free(m);
}

int nhrp_server_init(struct hub_ctl *ctl)
{
	struct nhrp_server *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL)
		return -ENOMEM;
	ctl->nhrp = s;
	/* main() initialises the timer subsystem; in-process tests do not. */
	rc = rte_timer_subsystem_init();
	if (rc == 0)
		s->timer_subsystem_ours = true;
	else if (rc != -EALREADY)
		goto fail;
	rc = nhrp_expiry_init(ctl);
	if (rc < 0)
		goto fail;
	rc = nhrp_purge_init(ctl);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	nhrp_server_stop(ctl);
	return rc;
}

void nhrp_server_stop(struct hub_ctl *ctl)
{
	struct nhrp_server *s = ctl->nhrp;
	FILE *f;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;

	if (s == NULL)
		return;
	f = open_memstream(&buf, &len);
	if (f != NULL) {
		nhrp_stats_write(&s->stats, f);
		fclose(f);
		for (line = strtok_r(buf, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			HUB_LOG(INFO, nhrp, "%s", line);
		free(buf);
	}
	nhrp_expiry_free(ctl);
	nhrp_purge_free(ctl);
	if (s->timer_subsystem_ours)
		rte_timer_subsystem_finalize();
	free(s);
	ctl->nhrp = NULL;
}

const struct nhrp_stats *nhrp_server_stats(const struct hub_ctl *ctl)
{
	return ctl->nhrp != NULL ? &ctl->nhrp->stats : NULL;
}

uint32_t nhrp_server_request_id(const struct hub_ctl *ctl, uint32_t slot)
{
	const struct nhrp_server *s = ctl->nhrp;

	if (s == NULL || slot >= s->n_slots || s->by_slot[slot] == NULL)
		return 0;
	return s->by_slot[slot]->request_id;
}
