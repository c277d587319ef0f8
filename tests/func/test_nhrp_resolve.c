/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NHRP server's transit and Phase 2/3 duties in process: Resolution Requests forwarded
 * to the owning spoke (its address, or a prefix routed via it) with the hub in the Forward
 * Transit record, replies relayed with the hub in the Reverse Transit record, negative
 * and self answers, loop and hop-count errors, answers from the cache (resolution =
 * "answer"), authentication on resolution, a Traffic Indication made from real hairpin
 * traffic through the worker, and Purge Requests when a resolved binding is cleared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "control/ctl_neigh.h"
#include "control/ctl_peer.h"
#include "control/nhrp_server.h"
#include "lib/nhrp_codec.h"
#include "tests/func/inproc.h"
#include "tests/func/inproc_nhrp.h"

static const char config[] =
	"ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\"; address = \"1.1.1.1/24\";\n"
	"            gateway = \"1.1.1.254\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"ring0\";\n"
	"              key = 42; nhrp = { max_peers = 64; }; } );\n"
	"routes = ( { prefix = \"66.66.66.0/24\"; via = \"192.168.1.6\"; },\n"
	"           { prefix = \"88.88.88.0/24\"; via = \"192.168.1.8\"; } );\n"
	"cli = { port = 0; };\n";

#define R6_NBMA IP4(6, 6, 6, 6)
#define R6_PROTO IP4(192, 168, 1, 6)
#define R8_NBMA IP4(8, 8, 8, 8)
#define R8_PROTO IP4(192, 168, 1, 8)

/* Every NHRP message the hub sent during one step. */
#define MAX_MSGS 16
static struct {
	unsigned int n;
	uint32_t dst[MAX_MSGS];
	uint8_t buf[MAX_MSGS][1024];
	size_t len[MAX_MSGS];
} all;

static void capture_all(struct rte_mbuf *m, void *arg)
{
	capture(m, arg);
	if (g.nhrp > all.n && all.n < MAX_MSGS && g.len <= sizeof(all.buf[0])) {
		all.dst[all.n] = g.nhrp_dst;
		memcpy(all.buf[all.n], g.buf, g.len);
		all.len[all.n] = g.len;
		all.n++;
	}
}

static unsigned int want_msgs;
static int got_msgs(struct hub_ctl *ctl)
{
	(void)ctl;
	inproc_drain(capture_all, NULL);
	return all.n >= want_msgs;
}

static void reset_capture(void)
{
	inproc_drain(NULL, NULL);
	memset(&g, 0, sizeof(g));
	memset(&all, 0, sizeof(all));
}

static int purge_reply_counted(struct hub_ctl *ctl)
{
	const struct nhrp_stats *st = nhrp_server_stats(ctl);

	inproc_drain(NULL, NULL);
	return st != NULL && st->purge_replies > 0;
}

static int peers_ready(struct hub_ctl *ctl)
{
	int s6 = ctl_peer_slot(ctl, R6_PROTO), s8 = ctl_peer_slot(ctl, R8_PROTO);

	return s6 >= 0 && s8 >= 0 && ctl_peer_synced(ctl) &&
	       ctl->workers[0]->peers->peers[s6].d.hdr_len > 0 &&
	       ctl->workers[0]->peers->peers[s8].d.hdr_len > 0;
}

struct res {
	uint8_t op;	  /* 1 or 2 */
	uint8_t hopcnt;
	uint16_t flags;
	uint32_t id;
	uint32_t src_nbma, src_proto, dst_proto;
	const struct nhrp_build_cie *cie; /* NULL: one empty CIE */
	const struct nhrp_build_cie *fwd; /* Forward Transit record content (one CIE) */
	const char *password;
};

/* A Resolution Request (or Reply) with the extensions FRR puts in: Forward and Reverse
 * Transit, Responder Address, NAT (empty). */
static size_t build_res(const struct res *r, uint8_t *buf, size_t cap)
{
	struct nhrp_build_cie empty = {.prefix_len = 32, .holdtime = 7200, .mtu = 1400};
	struct nhrp_build_ext ext[5] = {
		nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, r->fwd, r->fwd ? 1 : 0),
		nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_NAT, false, NULL, 0),
	};
	struct nhrp_build_msg b = {.op = r->op, .hopcnt = r->hopcnt ? r->hopcnt : 64,
				   .flags = r->flags, .request_id = r->id,
				   .src_nbma = nhrp_addr_u32(r->src_nbma),
				   .src_proto = nhrp_addr_u32(r->src_proto),
				   .dst_proto = nhrp_addr_u32(r->dst_proto),
				   .cies = r->cie ? r->cie : &empty, .n_cies = 1, .exts = ext,
				   .n_exts = 4};
	size_t len = 0;

	if (r->password != NULL)
		ext[b.n_exts++] = nhrp_bext_auth_cisco((const uint8_t *)r->password,
						       (uint16_t)strlen(r->password));
	return nhrp_build(&b, buf, cap, &len) == 0 ? len : 0;
}

/* Send r from outer and wait for n NHRP messages from the hub (all.*). */
static int res_exchange(struct hub_ctl *ctl, uint32_t outer, const struct res *r, unsigned int n)
{
	uint8_t pkt[1024];
	size_t len = build_res(r, pkt, sizeof(pkt));
	struct rte_mbuf *m;

	reset_capture();
	if (len == 0 || (m = gre_frame(outer, 0x2001, pkt, len)) == NULL || inproc_rx(m) != 0)
		return 0;
	want_msgs = n;
	return inproc_run_until(ctl, got_msgs, 5000);
}

static int parse_msg(unsigned int i, struct nhrp_msg *v)
{
	return i < all.n && nhrp_parse(all.buf[i], all.len[i], NULL, v) == 0;
}

static unsigned int ext_n(const struct nhrp_msg *m, uint16_t type)
{
	const struct nhrp_ext *e = nhrp_msg_ext(m, type);
	unsigned int n = 0;

	if (e != NULL)
		nhrp_ext_cies(m, e, &n);
	return e != NULL ? n : 0;
}

static void show(const struct nhrp_msg *v)
{
	char line[400];

	nhrp_format(v, line, sizeof(line));
	printf("#   %s\n", line);
}

/* An inner IPv4 packet src -> dst in GRE from outer. */
static struct rte_mbuf *data_frame(uint32_t outer, uint32_t src, uint32_t dst)
{
	uint8_t ip[64] = {0};
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;

	h->version_ihl = RTE_IPV4_VHL_DEF;
	h->total_length = rte_cpu_to_be_16(sizeof(ip));
	h->time_to_live = 64;
	h->next_proto_id = IPPROTO_UDP;
	h->src_addr = src;
	h->dst_addr = dst;
	h->hdr_checksum = rte_ipv4_cksum(h);
	return gre_frame(outer, 0x0800, ip, sizeof(ip));
}

int main(int argc, char **argv)
{
	static struct nhrp_msg v;
	struct hub_ctl ctl;
	const struct nhrp_stats *st;
	const struct nhrp_cie *c;
	unsigned int i;

	(void)argc;
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_rx_arp_reply(IP4(1, 1, 1, 254), gw_mac, HUB_NBMA);
	inproc_check("the underlay gateway resolves", inproc_run_until(&ctl, gw_resolved, 3000));
	inproc_settle(&ctl);
	st = nhrp_server_stats(&ctl);

	{
		struct reg r6 = {.outer = R6_NBMA, .claimed = R6_NBMA, .proto = R6_PROTO,
				 .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT, .holdtime = 7200,
				 .request_id = 0x600};
		struct reg r8 = {.outer = R8_NBMA, .claimed = R8_NBMA, .proto = R8_PROTO,
				 .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT, .holdtime = 7200,
				 .request_id = 0x800};

		inproc_check("R6 and R8 register",
			     reg_exchange(&ctl, &r6, &v) && v.cies[0].code == 0 &&
				     reg_exchange(&ctl, &r8, &v) && v.cies[0].code == 0);
		inproc_check("both bindings reach the worker", inproc_run_until(&ctl, peers_ready, 3000));
	}

	/* Phase 2: R8 resolves R6's tunnel address; the hub forwards to R6. */
	{
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .flags = NHRP_FLAG_RES_Q | NHRP_FLAG_NAT,
				.id = 0x8001, .src_nbma = R8_NBMA, .src_proto = R8_PROTO,
				.dst_proto = R6_PROTO};

		inproc_check("a Resolution Request from R8 for 192.168.1.6 is passed on",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v));
		show(&v);
		inproc_check("... to R6 (6.6.6.6), as op 1 with the same ID, flags and addresses",
			     all.dst[0] == R6_NBMA && v.op == NHRP_OP_RESOLUTION_REQUEST &&
				     v.request_id == 0x8001 &&
				     v.flags == (NHRP_FLAG_RES_Q | NHRP_FLAG_NAT) &&
				     nhrp_ref_u32(&v.src_proto) == R8_PROTO &&
				     nhrp_ref_u32(&v.src_nbma) == R8_NBMA &&
				     nhrp_ref_u32(&v.dst_proto) == R6_PROTO);
		inproc_check("... hop count 64 - 1 = 63", v.hopcnt == 63);
		c = ext_last_cie(&v, NHRP_EXT_FWD_TRANSIT);
		inproc_check("... the hub appended to the Forward Transit NHS Record (RFC 2332 5.3.2)",
			     ext_n(&v, NHRP_EXT_FWD_TRANSIT) == 1 && c != NULL &&
				     nhrp_ref_u32(&c->nbma) == HUB_NBMA &&
				     nhrp_ref_u32(&c->proto) == HUB_PROTO);
		inproc_check("... Reverse Transit still empty, Responder and NAT carried",
			     nhrp_msg_ext(&v, NHRP_EXT_REV_TRANSIT) != NULL &&
				     ext_n(&v, NHRP_EXT_REV_TRANSIT) == 0 &&
				     nhrp_msg_ext(&v, NHRP_EXT_RESPONDER) != NULL &&
				     nhrp_msg_ext(&v, NHRP_EXT_NAT) != NULL);
		inproc_check("... counted as forwarded", st->res_forwarded == 1);
	}

	/* Phase 3: a prefix behind R6 (66.66.66.0/24 via 192.168.1.6) goes to R6 too. */
	{
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .flags = NHRP_FLAG_RES_Q, .id = 0x8002,
				.src_nbma = R8_NBMA, .src_proto = R8_PROTO,
				.dst_proto = IP4(66, 66, 66, 66)};

		inproc_check("a request for 66.66.66.66 (routed via 192.168.1.6) goes to R6",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     all.dst[0] == R6_NBMA && v.op == NHRP_OP_RESOLUTION_REQUEST &&
				     nhrp_ref_u32(&v.dst_proto) == IP4(66, 66, 66, 66));
	}

	/* R6 answers through the hub: the reply is relayed to R8. */
	{
		struct nhrp_build_cie ans = {.prefix_len = 24, .holdtime = 7200, .mtu = 1400,
					     .nbma = nhrp_addr_u32(R6_NBMA),
					     .proto = nhrp_addr_u32(R6_PROTO)};
		struct nhrp_build_cie fwd_hub = {.prefix_len = 32, .nbma = nhrp_addr_u32(HUB_NBMA),
						 .proto = nhrp_addr_u32(HUB_PROTO)};
		struct res p = {.op = NHRP_OP_RESOLUTION_REPLY,
				.flags = NHRP_FLAG_RES_Q | NHRP_FLAG_RES_A | NHRP_FLAG_RES_D,
				.id = 0x8002, .src_nbma = R8_NBMA, .src_proto = R8_PROTO,
				.dst_proto = IP4(66, 66, 66, 66), .cie = &ans, .fwd = &fwd_hub};

		inproc_check("R6's Resolution Reply (66.66.66.0/24 at 6.6.6.6) is relayed",
			     res_exchange(&ctl, R6_NBMA, &p, 1) && parse_msg(0, &v));
		show(&v);
		inproc_check("... to R8 (8.8.8.8), op 2, same ID, CIE unchanged (prefix 24)",
			     all.dst[0] == R8_NBMA && v.op == NHRP_OP_RESOLUTION_REPLY &&
				     v.request_id == 0x8002 && v.n_cies == 1 &&
				     v.cies[0].prefix_len == 24 &&
				     nhrp_ref_u32(&v.cies[0].nbma) == R6_NBMA &&
				     nhrp_ref_u32(&v.cies[0].proto) == R6_PROTO);
		c = ext_last_cie(&v, NHRP_EXT_REV_TRANSIT);
		inproc_check("... the hub appended to the Reverse Transit NHS Record, hop 63",
			     v.hopcnt == 63 && ext_n(&v, NHRP_EXT_REV_TRANSIT) == 1 && c != NULL &&
				     nhrp_ref_u32(&c->nbma) == HUB_NBMA);
		inproc_check("... counted as relayed", st->res_relayed == 1);
	}

	/* Nothing known: negative reply, CIE code 12. */
	{
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .id = 0x8003, .src_nbma = R8_NBMA,
				.src_proto = R8_PROTO, .dst_proto = IP4(10, 99, 99, 99)};

		inproc_check("a request for 10.99.99.99 (no route) is answered by the hub",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v));
		show(&v);
		inproc_check("... with a Resolution Reply to R8 whose CIE says no binding (12)",
			     all.dst[0] == R8_NBMA && v.op == NHRP_OP_RESOLUTION_REPLY &&
				     v.request_id == 0x8003 && v.n_cies == 1 &&
				     v.cies[0].code == NHRP_CIE_NO_BINDING &&
				     !(v.flags & NHRP_FLAG_RES_A));
		c = nhrp_msg_responder(&v);
		inproc_check("... Responder Address = the hub",
			     c != NULL && nhrp_ref_u32(&c->proto) == HUB_PROTO);
		inproc_check("... counted as negative", st->res_negative == 1);
	}

	/* The hub itself. */
	{
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .id = 0x8004, .src_nbma = R8_NBMA,
				.src_proto = R8_PROTO, .dst_proto = HUB_PROTO};

		inproc_check("a request for the hub's own address is answered with the hub (A set)",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     v.op == NHRP_OP_RESOLUTION_REPLY && v.cies[0].code == 0 &&
				     (v.flags & NHRP_FLAG_RES_A) &&
				     nhrp_ref_u32(&v.cies[0].nbma) == HUB_NBMA &&
				     nhrp_ref_u32(&v.cies[0].proto) == HUB_PROTO);
	}

	/* A spoke asking for its own LAN gets no shortcut to itself. */
	{
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .id = 0x8005, .src_nbma = R8_NBMA,
				.src_proto = R8_PROTO, .dst_proto = IP4(88, 88, 88, 1)};

		inproc_check("R8 resolving its own LAN gets a negative reply, not itself",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     v.op == NHRP_OP_RESOLUTION_REPLY &&
				     v.cies[0].code == NHRP_CIE_NO_BINDING);
	}

	/* Loops and hop counts (RFC 2332 5.3.4, 5.2.7). */
	{
		struct nhrp_build_cie us = {.prefix_len = 32, .nbma = nhrp_addr_u32(HUB_NBMA),
					    .proto = nhrp_addr_u32(HUB_PROTO)};
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .id = 0x8006, .src_nbma = R8_NBMA,
				.src_proto = R8_PROTO, .dst_proto = R6_PROTO, .fwd = &us};

		inproc_check("a request that already went through the hub gets Error Indication 3 "
			     "(loop detected)",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     all.dst[0] == R8_NBMA && v.op == NHRP_OP_ERROR_INDICATION &&
				     v.code == NHRP_EI_LOOP_DETECTED);
		q.fwd = NULL;
		q.hopcnt = 1;
		q.id = 0x8007;
		inproc_check("a request with hop count 1 gets Error Indication 15 (hop count "
			     "exceeded), not forwarded",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     all.dst[0] == R8_NBMA && v.op == NHRP_OP_ERROR_INDICATION &&
				     v.code == NHRP_EI_HOP_COUNT_EXCEEDED);
	}

	/* A reply for a requester the hub does not know. */
	{
		struct nhrp_build_cie ans = {.prefix_len = 32, .nbma = nhrp_addr_u32(R6_NBMA),
					     .proto = nhrp_addr_u32(R6_PROTO)};
		struct res p = {.op = NHRP_OP_RESOLUTION_REPLY, .id = 0x9, .src_nbma = IP4(9, 9, 9, 9),
				.src_proto = IP4(192, 168, 1, 9), .dst_proto = R6_PROTO, .cie = &ans};

		inproc_check("a Resolution Reply for an unknown requester gets Error Indication 6",
			     res_exchange(&ctl, R6_NBMA, &p, 1) && parse_msg(0, &v) &&
				     all.dst[0] == R6_NBMA && v.op == NHRP_OP_ERROR_INDICATION &&
				     v.code == NHRP_EI_PROTO_UNREACHABLE);
	}

	/* Phase 3 trigger: R8's LAN talks to R6's LAN through the hub. */
	{
		struct rte_mbuf *m = data_frame(R8_NBMA, IP4(88, 88, 88, 88), IP4(66, 66, 66, 66));
		const struct rte_ipv4_hdr *head;
		unsigned int k;
		int ti = -1;

		reset_capture();
		want_msgs = 1;
		inproc_check("a packet 88.88.88.88 -> 66.66.66.66 from R8 is injected",
			     m != NULL && inproc_rx(m) == 0);
		inproc_check("the hub sends an NHRP message", inproc_run_until(&ctl, got_msgs, 5000));
		inproc_run_until(&ctl, got_data, 1000);
		inproc_check("... and forwards the packet itself to R6 (hairpin)",
			     g.data >= 1 && g.data_dst == R6_NBMA &&
				     g.data_inner_dst == IP4(66, 66, 66, 66));
		for (k = 0; k < all.n; k++)
			if (parse_msg(k, &v) && v.op == NHRP_OP_TRAFFIC_INDICATION)
				ti = (int)k;
		inproc_check("the message is a Traffic Indication (op 8) to R8",
			     ti >= 0 && parse_msg((unsigned int)ti, &v) && all.dst[ti] == R8_NBMA);
		show(&v);
		inproc_check("... hop count 1, code 0, no extensions, from the hub",
			     v.hopcnt == 1 && v.code == 0 && v.n_exts == 0 &&
				     nhrp_ref_u32(&v.src_proto) == HUB_PROTO &&
				     nhrp_ref_u32(&v.src_nbma) == HUB_NBMA);
		inproc_check("... destination protocol address = the packet's source 88.88.88.88",
			     nhrp_ref_u32(&v.dst_proto) == IP4(88, 88, 88, 88));
		head = (const struct rte_ipv4_hdr *)v.payload;
		inproc_check("... payload = the packet's head (its IPv4 header to 66.66.66.66)",
			     v.payload_len >= 20 && head->dst_addr == IP4(66, 66, 66, 66) &&
				     head->src_addr == IP4(88, 88, 88, 88));
		inproc_check("op 8 counted as sent", st->tx[NHRP_OP_TRAFFIC_INDICATION] == 1);
	}

	/* clear ip nhrp 192.168.1.6: purges to R8 (it resolved 192.168.1.6 and 66.66.66.0/24)
	 * and to R6 itself with its registration's request ID. */
	{
		unsigned int to_r8 = 0, to_r6 = 0, r8_host = 0, r8_lan = 0;
		uint32_t r6_id = 0;

		reset_capture();
		want_msgs = 3;
		inproc_check("clear ip nhrp 192.168.1.6 removes the binding",
			     nhrp_binding_clear(&ctl, R6_PROTO) == 0 &&
				     ctl_peer_find(&ctl, R6_PROTO) != NULL &&
				     ctl_peer_find(&ctl, R6_PROTO)->type == CTL_PEER_INCOMPLETE);
		inproc_check("three Purge Requests leave", inproc_run_until(&ctl, got_msgs, 3000));
		for (i = 0; i < all.n; i++) {
			if (!parse_msg(i, &v) || v.op != NHRP_OP_PURGE_REQUEST || v.n_cies != 1)
				continue;
			show(&v);
			if (all.dst[i] == R8_NBMA && nhrp_ref_u32(&v.dst_proto) == R8_PROTO) {
				to_r8++;
				r8_host += nhrp_ref_u32(&v.cies[0].proto) == R6_PROTO &&
					   v.cies[0].prefix_len == 32;
				r8_lan += nhrp_ref_u32(&v.cies[0].proto) == IP4(66, 66, 66, 0) &&
					  v.cies[0].prefix_len == 24;
			} else if (all.dst[i] == R6_NBMA) {
				to_r6++;
				r6_id = v.request_id;
			}
		}
		inproc_check("R8 gets two: 192.168.1.6/32 and 66.66.66.0/24",
			     to_r8 == 2 && r8_host == 1 && r8_lan == 1);
		inproc_check("R6 gets one with its registration's request ID (0x600)",
			     to_r6 == 1 && r6_id == 0x600);
		inproc_check("purges counted", st->purges_sent == 3);
	}

	/* R8's Purge Reply (the request with its type changed, from the hub) is counted. */
	{
		struct nhrp_build_cie cie = {.prefix_len = 32, .proto = nhrp_addr_u32(R6_PROTO)};
		struct nhrp_build_msg b = {.op = NHRP_OP_PURGE_REPLY, .hopcnt = 64,
					   .request_id = 0x50000000u,
					   .src_nbma = nhrp_addr_u32(HUB_NBMA),
					   .src_proto = nhrp_addr_u32(HUB_PROTO),
					   .dst_proto = nhrp_addr_u32(R8_PROTO), .cies = &cie,
					   .n_cies = 1};
		uint8_t pkt[256];
		size_t len = 0;
		struct rte_mbuf *m;

		inproc_drain(NULL, NULL);
		inproc_check("a Purge Reply from R8 is taken",
			     nhrp_build(&b, pkt, sizeof(pkt), &len) == 0 &&
				     (m = gre_frame(R8_NBMA, 0x2001, pkt, len)) != NULL &&
				     inproc_rx(m) == 0);
		inproc_run_until(&ctl, purge_reply_counted, 5000);
		inproc_check("... and counted", st->purge_replies == 1);
	}

	/* Answer mode: the hub replies from its cache instead of forwarding. */
	{
		struct reg r6 = {.outer = R6_NBMA, .claimed = R6_NBMA, .proto = R6_PROTO,
				 .flags = NHRP_FLAG_REG_U, .holdtime = 600, .request_id = 0x601};
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .flags = NHRP_FLAG_RES_Q,
				.id = 0x8010, .src_nbma = R8_NBMA, .src_proto = R8_PROTO,
				.dst_proto = IP4(66, 66, 66, 7)};

		ctl.cfg->tunnels[0].nhrp.resolution_forward = false;
		inproc_check("R6 registers again", reg_exchange(&ctl, &r6, &v) && v.cies[0].code == 0);
		inproc_check("with resolution = \"answer\", R8's request for 66.66.66.7 is answered "
			     "by the hub",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     all.dst[0] == R8_NBMA && v.op == NHRP_OP_RESOLUTION_REPLY);
		show(&v);
		inproc_check("... CIE: R6 (192.168.1.6 at 6.6.6.6) for the /24, code 0, flags Q|A|D",
			     v.n_cies == 1 && v.cies[0].code == 0 && v.cies[0].prefix_len == 24 &&
				     nhrp_ref_u32(&v.cies[0].proto) == R6_PROTO &&
				     nhrp_ref_u32(&v.cies[0].nbma) == R6_NBMA &&
				     v.flags == (NHRP_FLAG_RES_Q | NHRP_FLAG_RES_A | NHRP_FLAG_RES_D));
		inproc_check("... holdtime = what is left of R6's 600 s",
			     v.cies[0].holdtime > 590 && v.cies[0].holdtime <= 600);
		inproc_check("... counted as answered", st->res_answered >= 2);
		ctl.cfg->tunnels[0].nhrp.resolution_forward = true;
	}

	/* Authentication applies to resolution too (RFC 2332 5.3.4). */
	{
		struct res q = {.op = NHRP_OP_RESOLUTION_REQUEST, .id = 0x8020, .src_nbma = R8_NBMA,
				.src_proto = R8_PROTO, .dst_proto = R6_PROTO};
		uint64_t before = st->reason[NHRP_STAT_AUTH_FAILURE];

		snprintf(ctl.cfg->tunnels[0].nhrp.auth, sizeof(ctl.cfg->tunnels[0].nhrp.auth),
			 "%s", "secret");
		inproc_check("with a password, a request without it gets Error Indication 11",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     v.op == NHRP_OP_ERROR_INDICATION &&
				     v.code == NHRP_EI_AUTH_FAILURE &&
				     st->reason[NHRP_STAT_AUTH_FAILURE] == before + 1);
		q.password = "secret";
		q.id = 0x8021;
		inproc_check("... with it, the request is forwarded carrying the hub's own password",
			     res_exchange(&ctl, R8_NBMA, &q, 1) && parse_msg(0, &v) &&
				     all.dst[0] == R6_NBMA && v.op == NHRP_OP_RESOLUTION_REQUEST &&
				     nhrp_msg_ext(&v, NHRP_EXT_AUTH) != NULL);
		ctl.cfg->tunnels[0].nhrp.auth[0] = '\0';
	}

	inproc_stop(&ctl);
	return inproc_done();
}
