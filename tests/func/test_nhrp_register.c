/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NHRP server in process: Registration Requests built with the codec (and the real
 * FRR 8.4 one from tests/data) inside Ethernet/IPv4/GRE key 42 are answered on the wire,
 * create, refresh, refuse and expire dynamic bindings in control and in the worker;
 * authentication, NAT, malformed packets and Purge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash.h>
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
	"              key = 42; nhrp = { max_peers = 64; maps = (\n"
	"                { tunnel = \"192.168.1.10\"; nbma = \"2.0.0.10\"; } ); }; } );\n"
	"cli = { port = 0; };\n";

/* The first Ethernet frame of a pcapng (or classic pcap) file. */
static size_t read_first_frame(const char *path, uint8_t *out, size_t cap)
{
	FILE *f = fopen(path, "rb");
	uint8_t file[4096];
	size_t n, off = 0;

	if (f == NULL)
		return 0;
	n = fread(file, 1, sizeof(file), f);
	fclose(f);
	if (n >= 24 && (memcmp(file, "\xd4\xc3\xb2\xa1", 4) == 0)) {
		uint32_t incl;

		memcpy(&incl, file + 24 + 8, 4);
		if (incl > cap || 40 + (size_t)incl > n)
			return 0;
		memcpy(out, file + 40, incl);
		return incl;
	}
	/* pcapng, little endian: blocks of type, total length, body. */
	while (off + 12 <= n) {
		uint32_t type, blen, caplen;

		memcpy(&type, file + off, 4);
		memcpy(&blen, file + off + 4, 4);
		if (blen < 12 || off + blen > n)
			return 0;
		if (type == 6 && blen >= 32) { /* Enhanced Packet Block */
			memcpy(&caplen, file + off + 20, 4);
			if (caplen > cap || 28 + (size_t)caplen > blen)
				return 0;
			memcpy(out, file + off + 28, caplen);
			return caplen;
		}
		off += blen;
	}
	return 0;
}

static uint64_t malformed_want;
static int malformed_seen(struct hub_ctl *ctl)
{
	return ctl->drops[HUB_DROP_NHRP_MALFORMED] >= malformed_want;
}

static uint64_t local_want;
static int local_seen(struct hub_ctl *ctl)
{
	return ctl->drops[HUB_DROP_LOCAL_UNHANDLED] >= local_want;
}

static int peer_gone(struct hub_ctl *ctl)
{
	uint32_t a = IP4(192, 168, 1, 8);

	return ctl_peer_find(ctl, a) == NULL && ctl_peer_synced(ctl) &&
	       rte_hash_lookup(ctl->workers[0]->peers->by_tunnel, &a) < 0;
}

static int peer6_ready(struct hub_ctl *ctl)
{
	int slot = ctl_peer_slot(ctl, IP4(192, 168, 1, 6));
	int s10 = ctl_peer_slot(ctl, IP4(192, 168, 1, 10));

	return slot >= 0 && s10 >= 0 && ctl_peer_synced(ctl) &&
	       ctl->workers[0]->peers->peers[slot].d.hdr_len > 0 &&
	       ctl->workers[0]->peers->peers[s10].d.hdr_len > 0;
}

int main(int argc, char **argv)
{
	static struct nhrp_msg rep;
	struct hub_ctl ctl;
	const struct nhrp_cie *c;
	const struct ctl_peer *p;
	char what[200];
	uint8_t pkt[2048];
	size_t len;
	uint64_t before;

	(void)argc;
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	inproc_rx_arp_reply(IP4(1, 1, 1, 254), gw_mac, HUB_NBMA);
	inproc_check("the underlay gateway resolves", inproc_run_until(&ctl, gw_resolved, 3000));
	inproc_settle(&ctl);
	inproc_drain(NULL, NULL);

	/* 1. A registration like FRR's, from 6.6.6.6. */
	{
		struct reg r = {.outer = IP4(6, 6, 6, 6), .claimed = IP4(6, 6, 6, 6),
				.proto = IP4(192, 168, 1, 6), .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT,
				.holdtime = 7200, .request_id = 0x1234};

		inproc_check("registration of 192.168.1.6 from 6.6.6.6 is answered with a valid "
			     "NHRP packet", reg_exchange(&ctl, &r, &rep));
		inproc_check("the reply goes to 6.6.6.6", g.nhrp_dst == IP4(6, 6, 6, 6));
		nhrp_format(&rep, what, sizeof(what));
		printf("#   %s\n", what);
		inproc_check("op 4, same request id, flags U|NAT copied, hop count 64",
			     rep.op == NHRP_OP_REGISTRATION_REPLY && rep.request_id == 0x1234 &&
				     rep.flags == (NHRP_FLAG_REG_U | NHRP_FLAG_NAT) && rep.hopcnt == 64);
		inproc_check("source addresses from the request, destination = the hub's tunnel "
			     "address",
			     nhrp_ref_u32(&rep.src_nbma) == IP4(6, 6, 6, 6) &&
				     nhrp_ref_u32(&rep.src_proto) == IP4(192, 168, 1, 6) &&
				     nhrp_ref_u32(&rep.dst_proto) == HUB_PROTO);
		inproc_check("one CIE, code 0 (success), holdtime 7200, prefix 255",
			     rep.n_cies == 1 && rep.cies[0].code == NHRP_CIE_SUCCESS &&
				     rep.cies[0].holdtime == 7200 && rep.cies[0].prefix_len == 0xFF);
		c = nhrp_msg_responder(&rep);
		inproc_check("Responder Address = the hub (1.1.1.1, 192.168.1.1/32)",
			     c != NULL && nhrp_ref_u32(&c->nbma) == HUB_NBMA &&
				     nhrp_ref_u32(&c->proto) == HUB_PROTO && c->prefix_len == 32);
		inproc_check("forward and reverse transit extensions carried",
			     nhrp_msg_ext(&rep, NHRP_EXT_FWD_TRANSIT) != NULL &&
				     nhrp_msg_ext(&rep, NHRP_EXT_REV_TRANSIT) != NULL);
		c = ext_last_cie(&rep, NHRP_EXT_NAT);
		inproc_check("no NAT: the NAT extension is echoed (one CIE, the hub's NBMA)",
			     c != NULL && nhrp_ref_u32(&c->nbma) == HUB_NBMA);
		p = ctl_peer_find(&ctl, IP4(192, 168, 1, 6));
		inproc_check("192.168.1.6 is a dynamic, unique peer at 6.6.6.6, holdtime 7200",
			     p != NULL && p->type == CTL_PEER_DYNAMIC && p->nbma_addr == IP4(6, 6, 6, 6) &&
				     p->nbma_seen == 0 && (p->flags & CTL_PEER_F_UNIQUE) &&
				     p->holdtime == 7200);
	}

	/* 2. Data to 192.168.1.6 from the static peer 192.168.1.10 reaches 6.6.6.6. */
	{
		uint8_t in[28] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 253};
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)in;
		struct rte_mbuf *m;

		ip->src_addr = IP4(192, 168, 1, 10);
		ip->dst_addr = IP4(192, 168, 1, 6);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		inproc_check("the worker has the new peer's outer header",
			     inproc_run_until(&ctl, peer6_ready, 3000));
		memset(&g, 0, sizeof(g));
		m = gre_frame(IP4(2, 0, 0, 10), 0x0800, in, sizeof(in));
		inproc_check("a data packet to 192.168.1.6 is forwarded by the worker to 6.6.6.6",
			     m != NULL && inproc_rx(m) == 0 && inproc_run_until(&ctl, got_data, 5000) &&
				     g.data_dst == IP4(6, 6, 6, 6) &&
				     g.data_inner_dst == IP4(192, 168, 1, 6));
		/* Spoke to spoke through the hub: the source also hears of the shortcut. */
		inproc_check("... and the hairpin makes the hub send 2.0.0.10 a Traffic Indication",
			     inproc_run_until(&ctl, got_nhrp, 5000) && g.nhrp_dst == IP4(2, 0, 0, 10) &&
				     nhrp_parse(g.buf, g.len, NULL, &rep) == 0 &&
				     rep.op == NHRP_OP_TRAFFIC_INDICATION);
	}

	/* 3. The real FRR 8.4 Registration Request. */
	len = read_first_frame("tests/data/frr-spoke-registration.pcap", pkt, sizeof(pkt));
	if (len == 0)
		len = read_first_frame("../tests/data/frr-spoke-registration.pcap", pkt, sizeof(pkt));
	inproc_check("the FRR capture is read (pcapng)", len > NHRP_OFF);
	if (len > NHRP_OFF) {
		struct nhrp_msg req;
		int ok = nhrp_parse(pkt + NHRP_OFF, len - NHRP_OFF, NULL, &req) == 0;
		uint32_t outer;

		memcpy(&outer, pkt + 14 + 12, 4);
		ok = ok && exchange(&ctl, outer, pkt + NHRP_OFF, len - NHRP_OFF, 5000) &&
		     nhrp_parse(g.buf, g.len, NULL, &rep) == 0;
		inproc_check("FRR's registration is answered", ok);
		inproc_check("... with its request id, code 0 and the hub as responder",
			     ok && rep.op == NHRP_OP_REGISTRATION_REPLY &&
				     rep.request_id == req.request_id && rep.n_cies == 1 &&
				     rep.cies[0].code == NHRP_CIE_SUCCESS &&
				     nhrp_msg_responder(&rep) != NULL &&
				     g.nhrp_dst == outer);
		p = ctl_peer_find(&ctl, nhrp_ref_u32(&req.src_proto));
		inproc_check("... and the binding is dynamic at the capture's source",
			     p != NULL && p->type == CTL_PEER_DYNAMIC && p->nbma_addr == outer);
	}

	/* 4. Another NBMA address for 192.168.1.6: refused with U, accepted without. */
	{
		struct reg r = {.outer = IP4(7, 7, 7, 7), .claimed = IP4(7, 7, 7, 7),
				.proto = IP4(192, 168, 1, 6), .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT,
				.holdtime = 7200, .request_id = 0x77};

		inproc_check("192.168.1.6 from 7.7.7.7 with U: code 14, reply to 7.7.7.7",
			     reg_exchange(&ctl, &r, &rep) && rep.n_cies == 1 &&
				     rep.cies[0].code == NHRP_CIE_ALREADY_REGISTERED &&
				     g.nhrp_dst == IP4(7, 7, 7, 7));
		p = ctl_peer_find(&ctl, IP4(192, 168, 1, 6));
		inproc_check("... and the binding is unchanged (6.6.6.6)",
			     p != NULL && p->nbma_addr == IP4(6, 6, 6, 6));
		r.flags = NHRP_FLAG_NAT;
		r.request_id = 0x78;
		inproc_check("the same without U: code 0",
			     reg_exchange(&ctl, &r, &rep) && rep.n_cies == 1 &&
				     rep.cies[0].code == NHRP_CIE_SUCCESS);
		p = ctl_peer_find(&ctl, IP4(192, 168, 1, 6));
		inproc_check("... and the NBMA address is replaced (7.7.7.7), not unique",
			     p != NULL && p->nbma_addr == IP4(7, 7, 7, 7) &&
				     !(p->flags & CTL_PEER_F_UNIQUE));
	}

	/* 5. Authentication. */
	{
		struct reg r = {.outer = IP4(9, 9, 9, 7), .claimed = IP4(9, 9, 9, 7),
				.proto = IP4(192, 168, 1, 7), .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT,
				.holdtime = 600, .request_id = 0x99, .password = "wrong"};
		const struct nhrp_stats *st = nhrp_server_stats(&ctl);
		uint64_t auth0 = st->reason[NHRP_STAT_AUTH_FAILURE];
		uint32_t type;
		const uint8_t *sec;
		size_t n;

		strcpy(ctl.cfg->tunnels[0].nhrp.auth, "secret");
		inproc_check("wrong password: an Error Indication, code 11, to the sender",
			     reg_exchange(&ctl, &r, &rep) && rep.op == NHRP_OP_ERROR_INDICATION &&
				     rep.code == NHRP_EI_AUTH_FAILURE &&
				     g.nhrp_dst == IP4(9, 9, 9, 7) &&
				     nhrp_ref_u32(&rep.dst_proto) == IP4(192, 168, 1, 7));
		inproc_check("... no binding, counted",
			     ctl_peer_find(&ctl, IP4(192, 168, 1, 7)) == NULL &&
				     st->reason[NHRP_STAT_AUTH_FAILURE] == auth0 + 1 &&
				     ctl.drops[HUB_DROP_NHRP_AUTH] == 1);
		r.password = NULL;
		inproc_check("no password at all: code 11 as well, no binding",
			     reg_exchange(&ctl, &r, &rep) && rep.op == NHRP_OP_ERROR_INDICATION &&
				     rep.code == NHRP_EI_AUTH_FAILURE &&
				     ctl_peer_find(&ctl, IP4(192, 168, 1, 7)) == NULL);
		r.password = "secret";
		inproc_check("the right password: code 0, binding created",
			     reg_exchange(&ctl, &r, &rep) && rep.op == NHRP_OP_REGISTRATION_REPLY &&
				     rep.cies[0].code == NHRP_CIE_SUCCESS &&
				     ctl_peer_find(&ctl, IP4(192, 168, 1, 7)) != NULL);
		inproc_check("... and the reply carries the hub's password",
			     nhrp_msg_ext(&rep, NHRP_EXT_AUTH) != NULL &&
				     nhrp_ext_auth(nhrp_msg_ext(&rep, NHRP_EXT_AUTH), &type, &sec,
						   &n) == 0 &&
				     n == 6 && memcmp(sec, "secret", 6) == 0);
		ctl.cfg->tunnels[0].nhrp.auth[0] = '\0';
	}

	/* 6. Holdtime 2 s: gone from control and the worker within 4 s. */
	{
		struct reg r = {.outer = IP4(8, 8, 8, 8), .claimed = IP4(8, 8, 8, 8),
				.proto = IP4(192, 168, 1, 8), .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT,
				.holdtime = 2, .request_id = 0x88};
		uint32_t a = IP4(192, 168, 1, 8);
		uint64_t t0;

		inproc_check("192.168.1.8 registers with holdtime 2",
			     reg_exchange(&ctl, &r, &rep) && rep.cies[0].code == 0 &&
				     rep.cies[0].holdtime == 2);
		inproc_check("... and reaches the worker",
			     inproc_run_until(&ctl, inproc_synced, 3000) &&
				     rte_hash_lookup(ctl.workers[0]->peers->by_tunnel, &a) >= 0);
		t0 = rte_rdtsc();
		snprintf(what, sizeof(what),
			 "it disappears from control and the worker replica within %.1f s",
			 inproc_ms(4000) / 1000.0);
		inproc_check(what, inproc_run_until(&ctl, peer_gone, 4000));
		snprintf(what, sizeof(what), "... not before its holdtime (%.2f s after the reply)",
			 (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz());
		inproc_check(what, (rte_rdtsc() - t0) > rte_get_tsc_hz() * 19 / 10);
		inproc_check("the expiry is counted", nhrp_server_stats(&ctl)->expired == 1);
	}

	/* 7. NAT: claims 10.0.0.6, seen at 6.6.6.6. */
	{
		struct reg r = {.outer = IP4(6, 6, 6, 6), .claimed = IP4(10, 0, 0, 6),
				.proto = IP4(192, 168, 1, 6), .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT,
				.holdtime = 7200, .request_id = 0x66};

		inproc_check("NAT-ed registration answered to 6.6.6.6 with code 0",
			     reg_exchange(&ctl, &r, &rep) && g.nhrp_dst == IP4(6, 6, 6, 6) &&
				     rep.cies[0].code == NHRP_CIE_SUCCESS);
		c = ext_last_cie(&rep, NHRP_EXT_NAT);
		inproc_check("NAT flag kept, NAT extension's added CIE holds 6.6.6.6",
			     (rep.flags & NHRP_FLAG_NAT) && c != NULL &&
				     nhrp_ref_u32(&c->nbma) == IP4(6, 6, 6, 6) &&
				     nhrp_ref_u32(&c->proto) == IP4(192, 168, 1, 6));
		p = ctl_peer_find(&ctl, IP4(192, 168, 1, 6));
		inproc_check("the peer claims 10.0.0.6, is seen at 6.6.6.6, flagged NAT",
			     p != NULL && p->nbma_addr == IP4(10, 0, 0, 6) &&
				     p->nbma_seen == IP4(6, 6, 6, 6) && (p->flags & CTL_PEER_F_NAT));
	}

	/* 8. Malformed NHRP. */
	{
		struct reg r = {.outer = IP4(5, 5, 5, 5), .claimed = IP4(5, 5, 5, 5),
				.proto = IP4(192, 168, 1, 5), .flags = NHRP_FLAG_REG_U,
				.holdtime = 600, .request_id = 0x55};
		uint8_t junk[10] = {0, 1, 8, 0, 0, 0, 0, 0, 0, 1};
		uint64_t m0 = ctl.drops[HUB_DROP_NHRP_MALFORMED];

		inproc_check("10 bytes of NHRP: no answer",
			     !exchange(&ctl, r.outer, junk, sizeof(junk), 300));
		len = build_reg(&r, NHRP_OP_REGISTRATION_REQUEST, pkt, sizeof(pkt));
		pkt[12] ^= 0x55; /* ar$chksum */
		inproc_check("wrong checksum: no answer",
			     !exchange(&ctl, r.outer, pkt, len, 300));
		r.hopcnt = 0xFF; /* hop count 0 */
		len = build_reg(&r, NHRP_OP_REGISTRATION_REQUEST, pkt, sizeof(pkt));
		inproc_check("hop count 0: an Error Indication to the sender",
			     exchange(&ctl, r.outer, pkt, len, 5000) &&
				     nhrp_parse(g.buf, g.len, NULL, &rep) == 0 &&
				     rep.op == NHRP_OP_ERROR_INDICATION && g.nhrp_dst == r.outer);
		before = ctl.drops[HUB_DROP_NHRP_MALFORMED];
		/* The Error Indication we got, sent back with hop count 0 (a protocol error
		 * that a Registration Request would get an Error Indication for). */
		memcpy(pkt, g.buf, g.len);
		len = g.len;
		inproc_check("(the Error Indication is kept)", len > 20);
		pkt[9] = 0;
		pkt[12] = pkt[13] = 0;
		{
			uint16_t ck = nhrp_checksum(pkt, len);

			pkt[12] = (uint8_t)(ck >> 8);
			pkt[13] = (uint8_t)ck;
		}
		inproc_check("a malformed Error Indication is never answered",
			     !exchange(&ctl, r.outer, pkt, len, 300));
		/* Under load the last one may still be queued: let control take it. */
		malformed_want = m0 + 4;
		inproc_run_until(&ctl, malformed_seen, 3000);
		snprintf(what, sizeof(what), "malformed packets counted (%lu), no binding made",
			 (unsigned long)(ctl.drops[HUB_DROP_NHRP_MALFORMED] - m0));
		inproc_check(what, ctl.drops[HUB_DROP_NHRP_MALFORMED] - m0 == 4 &&
					   before - m0 == 3 &&
					   ctl_peer_find(&ctl, IP4(192, 168, 1, 5)) == NULL);
	}

	/* 9. Purge Request for its own binding. */
	{
		struct reg r = {.outer = IP4(5, 5, 5, 5), .claimed = IP4(5, 5, 5, 5),
				.proto = IP4(192, 168, 1, 5), .flags = NHRP_FLAG_REG_U,
				.holdtime = 600, .request_id = 0x500};
		uint32_t a = IP4(192, 168, 1, 5);

		inproc_check("192.168.1.5 registers",
			     reg_exchange(&ctl, &r, &rep) && rep.cies[0].code == 0 &&
				     ctl_peer_find(&ctl, a) != NULL);
		r.flags = 0;
		r.request_id = 0x501;
		r.outer = IP4(5, 5, 5, 6);
		len = build_reg(&r, NHRP_OP_PURGE_REQUEST, pkt, sizeof(pkt));
		inproc_check("a Purge from another NBMA address is answered but removes nothing",
			     exchange(&ctl, r.outer, pkt, len, 5000) && ctl_peer_find(&ctl, a) != NULL);
		r.outer = IP4(5, 5, 5, 5);
		len = build_reg(&r, NHRP_OP_PURGE_REQUEST, pkt, sizeof(pkt));
		inproc_check("its own Purge Request gets a Purge Reply",
			     exchange(&ctl, r.outer, pkt, len, 5000) &&
				     nhrp_parse(g.buf, g.len, NULL, &rep) == 0 &&
				     rep.op == NHRP_OP_PURGE_REPLY && rep.request_id == 0x501 &&
				     g.nhrp_dst == r.outer);
		inproc_check("... and the binding is removed, from the worker too",
			     ctl_peer_find(&ctl, a) == NULL &&
				     inproc_run_until(&ctl, inproc_synced, 3000) &&
				     rte_hash_lookup(ctl.workers[0]->peers->by_tunnel, &a) < 0);
	}

	/* 10. For the hub's own tunnel address but not an echo request, from a known peer, with
	 * no exception interface to hand it to: local-unhandled, nothing sent. */
	{
		uint8_t in[28] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17};
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)in;
		uint64_t lu0 = ctl.drops[HUB_DROP_LOCAL_UNHANDLED];
		struct rte_mbuf *m;

		ip->src_addr = IP4(192, 168, 1, 10);
		ip->dst_addr = HUB_PROTO;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		inproc_drain(NULL, NULL);
		memset(&g, 0, sizeof(g));
		local_want = lu0 + 1;
		m = gre_frame(IP4(2, 0, 0, 10), 0x0800, in, sizeof(in));
		inproc_check("UDP to the hub's tunnel address from 192.168.1.10: local-unhandled, "
			     "counted once",
			     m != NULL && inproc_rx(m) == 0 &&
				     inproc_run_until(&ctl, local_seen, 3000) &&
				     ctl.drops[HUB_DROP_LOCAL_UNHANDLED] == lu0 + 1);
		inproc_settle(&ctl);
		inproc_drain(capture, NULL);
		inproc_check("... and nothing is sent for it", g.nhrp == 0 && g.data == 0);
	}

	{
		const struct nhrp_stats *st = nhrp_server_stats(&ctl);

		snprintf(what, sizeof(what), "counters per op: rx reg %lu, tx reg-reply %lu, tx "
			 "error %lu, tx purge-reply %lu",
			 (unsigned long)st->rx[3], (unsigned long)st->tx[4], (unsigned long)st->tx[7],
			 (unsigned long)st->tx[6]);
		inproc_check(what, st->rx[3] >= 12 && st->tx[4] >= 8 && st->tx[7] == 3 &&
					   st->tx[6] == 2);
	}
	inproc_stop(&ctl);
	return inproc_done();
}
