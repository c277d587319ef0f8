/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic Indication (Cisco's op code 8, "NHRP redirect"; DESIGN.md section 3): a worker
 * that forwards a packet from one spoke back out to another hands control a trigger with
 * the head of that packet (dataplane/dp_fwd.c, already limited per source and destination
 * there). Control tells the source spoke: hop count 1, flags and request ID 0, no
 * extensions, the hub as source, the triggering packet's source address as destination
 * protocol address, and the packet's head as payload — the spoke reads the destination
 * from it and resolves it (Phase 3). A second limit here bounds what all workers together
 * can make control send.
 */
#include <string.h>

#include <rte_cycles.h>

#include "control/ctl_peer.h"
#include "control/nhrp_priv.h"
#include "control/nhrp_server.h"

/* Traffic Indications control sends per second, at most, whatever the workers ask. */
#define NHRP_TI_PER_S 1000

static bool limiter_allow(struct nhrp_server *s)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();

	if (now - s->ti_window_start >= hz) {
		s->ti_window_start = now;
		s->ti_in_window = 0;
	}
	if (s->ti_in_window >= NHRP_TI_PER_S)
		return false;
	s->ti_in_window++;
	return true;
}

void nhrp_redirect_event(struct hub_ctl *ctl, const struct dp_event *ev)
{
	struct nhrp_server *s = ctl->nhrp;
	const struct ctl_peer *p;
	uint32_t inner_src;
	struct nhrp_tun t;

	if (s == NULL)
		return;
	p = ctl_peer_at(ctl, ev->src_slot);
	/* The source may have gone since the worker saw the packet; and a head too short to
	 * hold an IPv4 header says nothing a spoke could resolve. */
	if (p == NULL || !p->in_use || p->type == CTL_PEER_INCOMPLETE ||
	    p->tunnel_addr != ev->src_tunnel || ev->head_len < 20 ||
	    nhrp_tun_get(ctl, p->tunnel_idx, &t) < 0 || !t.cfg->nhrp.redirect) {
		s->stats.reason[NHRP_STAT_NOT_FOR_US]++;
		return;
	}
	if (!limiter_allow(s)) {
		s->stats.reason[NHRP_STAT_INDICATION_LIMIT]++;
		return;
	}
	memcpy(&inner_src, ev->head + 12, 4);
	{
		struct nhrp_build_msg ti = {
			.op = NHRP_OP_TRAFFIC_INDICATION,
			.hopcnt = 1,
			.code = 0,
			.src_nbma = nhrp_addr_u32(t.hub_nbma),
			.src_proto = nhrp_addr_u32(t.hub_proto),
			.dst_proto = nhrp_addr_u32(inner_src),
			.payload = ev->head,
			.payload_len = ev->head_len,
		};

		nhrp_send(ctl, &t, (int)ev->src_slot, 0, &ti);
	}
}
