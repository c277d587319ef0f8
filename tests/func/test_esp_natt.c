/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT-T (RFC 3948) through the whole hub in process (inproc.h): two spokes behind one NAT,
 * both seen from 9.9.9.9, R6 from UDP port 4500 and R8 from 31001, send their NHRP
 * registrations in ESP-in-UDP. The worker decrypts them, each NAT-T SA learns its spoke's
 * port, control binds the outbound SAs and answers each spoke in ESP-in-UDP to its own port
 * with its own keys; data from R6 to R8's LAN goes out to R8's port. Keepalives are counted,
 * IKE and a spoke using the other spoke's port are dropped under their names.
 *
 * The spokes' side is built here with the hub's own ESP layout and IPsec-MB calls (the
 * wire format itself is checked against scapy in tests/unit/test_esp_natt.c; the XFRM
 * interop test checks it against Linux).
 */
#include <stdio.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "control/ctl_peer.h"
#include "control/ctl_sa.h"
#include "lib/esp_crypto.h"
#include "lib/esp_mbuf.h"
#include "lib/nhrp_codec.h"
#include "tests/func/inproc.h"
#include "tests/func/inproc_nhrp.h"

#define NAT IP4(9, 9, 9, 9)

static const char config[] =
	"ports = ( { name = \"ring0\"; device = \"" INPROC_DEVICE "\"; address = \"1.1.1.1/24\";\n"
	"            gateway = \"1.1.1.254\"; } );\n"
	"tunnels = ( { name = \"Tunnel0\"; address = \"192.168.1.1/24\"; source = \"ring0\";\n"
	"              key = 42; protection = \"required\";\n"
	"              nhrp = { max_peers = 64; redirect = false; }; } );\n"
	"routes = ( { prefix = \"88.88.88.0/24\"; via = \"192.168.1.8\"; } );\n"
	"crypto = { sas = (\n"
	"  { peer = \"9.9.9.9\"; spi_in = 0x1006; spi_out = 0x2006; cipher = \"aes-gcm-128\";\n"
	"    key_in = \"0x0102030405060708090a0b0c0d0e0f10a1a2a3a4\";\n"
	"    key_out = \"0x1112131415161718191a1b1c1d1e1f20b1b2b3b4\"; natt = true; },\n"
	"  { peer = \"9.9.9.9\"; spi_in = 0x1008; spi_out = 0x2008; cipher = \"aes-gcm-128\";\n"
	"    key_in = \"0x2122232425262728292a2b2c2d2e2f30c1c2c3c4\";\n"
	"    key_out = \"0x3132333435363738393a3b3c3d3e3f40d1d2d3d4\"; natt = true; } ); };\n"
	"cli = { port = 0; };\n";

/* A spoke: its keys are the hub's (its out = the hub's in). */
struct spoke {
	const char *name;
	uint16_t sport;		/* UDP source port the NAT gave it (host order) */
	uint32_t spi_out, spi_in;
	uint32_t proto;		/* tunnel address */
	struct esp_keys *k_out, *k_in;
	uint64_t seq;
};

static IMB_MGR *mgr;
static struct spoke r6 = {"R6", 4500, 0x1006, 0x2006, 0, NULL, NULL, 0}; /* proto: main */
static struct spoke r8 = {"R8", 31001, 0x1008, 0x2008, 0, NULL, NULL, 0};

static int keys_init(struct spoke *s, const char *hex_out, const char *hex_in)
{
	struct esp_sa_params p = {.cipher = ESP_CIPHER_AES_GCM_128, .integ = ESP_INTEG_NONE,
				  .spi = s->spi_out};
	uint8_t b[20];

	s->k_out = rte_zmalloc(NULL, sizeof(*s->k_out), 64);
	s->k_in = rte_zmalloc(NULL, sizeof(*s->k_in), 64);
	if (s->k_out == NULL || s->k_in == NULL)
		return -1;
	if (esp_hex_parse(hex_out, b, sizeof(b)) != 20)
		return -1;
	memcpy(p.enc_key, b, 16);
	memcpy(p.salt, b + 16, 4);
	p.dir = ESP_DIR_OUT;
	if (esp_keys_expand(mgr, s->k_out, &p) < 0)
		return -1;
	if (esp_hex_parse(hex_in, b, sizeof(b)) != 20)
		return -1;
	memcpy(p.enc_key, b, 16);
	memcpy(p.salt, b + 16, 4);
	p.dir = ESP_DIR_IN;
	return esp_keys_expand(mgr, s->k_in, &p);
}

/* GRE frame m (from the NAT's address) -> ESP-in-UDP from s's port to 4500, as s sends it
 * through the NAT. sport overrides the port (0 = s's own). */
static struct rte_mbuf *spoke_protect(struct spoke *s, struct rte_mbuf *m, uint16_t sport)
{
	struct rte_udp_hdr *udp;
	struct esp_op op;

	s->seq++;
	if (m == NULL || esp_mbuf_encap(m, s->k_out, s->spi_out, s->seq, s->seq, &op) < 0 ||
	    esp_mbuf_udp_wrap(m, RTE_BE16(4500)) < 0 ||
	    esp_crypto_burst(mgr, &op, 1, ESP_DIR_OUT) != 1 || op.status != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 14 + 20);
	udp->src_port = rte_cpu_to_be_16(sport != 0 ? sport : s->sport);
	udp->dst_port = RTE_BE16(4500);
	return m;
}

/* What the hub sent to a spoke, decrypted. */
struct got {
	unsigned int n, bad;
	uint16_t dport;		/* host order */
	uint16_t gre_proto;
	uint32_t inner_dst;
	uint8_t nhrp[1024];
	size_t nhrp_len;
};
static struct got got6, got8;
static unsigned int got_other;

static void capture_natt(struct rte_mbuf *m, void *arg)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	struct rte_udp_hdr *udp;
	struct spoke *s;
	struct got *g;
	struct esp_op op;
	uint8_t *esp, *gre;
	uint32_t len, body, pad;

	(void)arg;
	if (rte_pktmbuf_pkt_len(m) < 14 + 20 + 8 || m->nb_segs != 1 ||
	    ip->next_proto_id != IPPROTO_UDP) {
		if (ip->next_proto_id != 0 && rte_pktmbuf_pkt_len(m) >= 34 &&
		    rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type ==
			    RTE_BE16(RTE_ETHER_TYPE_IPV4))
			got_other++;
		return;
	}
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 14 + 20);
	s = udp->dst_port == RTE_BE16(4500) ? &r6 : udp->dst_port == RTE_BE16(31001) ? &r8 : NULL;
	if (s == NULL || ip->dst_addr != NAT || udp->src_port != RTE_BE16(4500)) {
		got_other++;
		return;
	}
	g = s == &r6 ? &got6 : &got8;
	g->dport = rte_be_to_cpu_16(udp->dst_port);
	esp = (uint8_t *)(udp + 1);
	len = rte_be_to_cpu_16(udp->dgram_len) - 8;
	op = (struct esp_op){.esp = esp, .len = len, .k = s->k_in};
	if (len < 8 + 8 + 2 + 16 || esp[0] != 0 || esp[1] != 0 ||
	    (uint32_t)(esp[2] << 8 | esp[3]) != s->spi_in ||
	    esp_crypto_burst(mgr, &op, 1, ESP_DIR_IN) != 1 || op.status != 0) {
		g->bad++;
		return;
	}
	body = len - 16 - 16;
	pad = esp[16 + body - 2];
	if (esp[16 + body - 1] != 47 || pad + 2 > body) {
		g->bad++;
		return;
	}
	gre = esp + 16;
	g->n++;
	g->gre_proto = (uint16_t)(gre[2] << 8 | gre[3]);
	if (g->gre_proto == 0x2001 && body - 2 - pad - 8 <= sizeof(g->nhrp)) {
		g->nhrp_len = body - 2 - pad - 8;
		memcpy(g->nhrp, gre + 8, g->nhrp_len);
	} else if (g->gre_proto == 0x0800) {
		const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(gre + 8);

		g->inner_dst = in->dst_addr;
	}
}

static struct got *want;
static int got_one(struct hub_ctl *ctl)
{
	(void)ctl;
	inproc_drain(capture_natt, NULL);
	return want->n > 0;
}

static int reg_natt(struct hub_ctl *ctl, struct spoke *s, struct nhrp_msg *rep)
{
	struct reg r = {.outer = NAT, .claimed = s == &r6 ? IP4(6, 6, 6, 6) : IP4(8, 8, 8, 8),
			.proto = s->proto, .flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT,
			.holdtime = 600, .request_id = s->sport};
	uint8_t pkt[512];
	size_t len = build_reg(&r, NHRP_OP_REGISTRATION_REQUEST, pkt, sizeof(pkt));
	struct rte_mbuf *m = len > 0 ? spoke_protect(s, gre_frame(NAT, 0x2001, pkt, len), 0) : NULL;

	want = s == &r6 ? &got6 : &got8;
	memset(want, 0, sizeof(*want));
	if (m == NULL || inproc_rx(m) != 0)
		return 0;
	return inproc_run_until(ctl, got_one, 5000) && want->gre_proto == 0x2001 &&
	       nhrp_parse(want->nhrp, want->nhrp_len, NULL, rep) == 0;
}

/* A UDP 4500 frame from the NAT carrying payload (keepalive, IKE). */
static struct rte_mbuf *udp_frame(uint16_t sport, const uint8_t *payload, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(inproc_pool);
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + 20 + 8 + len));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, 14 + 20 + 8);
	memset(p, 0xff, 6);
	memcpy(p + 6, gw_mac, 6);
	p[12] = 0x08;
	ip = (struct rte_ipv4_hdr *)(p + 14);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + len));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = NAT;
	ip->dst_addr = HUB_NBMA;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = RTE_BE16(4500);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len));
	memcpy(udp + 1, payload, len);
	return m;
}

static uint64_t worker_sum(struct hub_ctl *ctl, int drop)
{
	uint64_t n = 0;
	unsigned int w;

	for (w = 0; w < ctl->n_workers; w++)
		n += drop < 0 ? ctl->workers[w]->stats.natt_keepalives
			      : ctl->workers[w]->stats.drops[drop];
	return n;
}

static uint64_t nosa_want;
static int nosa_seen(struct hub_ctl *ctl)
{
	return worker_sum(ctl, HUB_DROP_ESP_NO_SA) >= nosa_want;
}

static const struct ctl_sa *sa_by_spi(struct hub_ctl *ctl, uint8_t dir, uint32_t spi)
{
	uint32_t i;

	for (i = 0; i < ctl_sa_max(ctl); i++) {
		const struct ctl_sa *s = ctl_sa_at(ctl, i);

		if (s != NULL && s->p.dir == dir && s->p.spi == spi)
			return s;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static struct nhrp_msg rep;
	static const uint8_t keepalive[1] = {0xff}, ike[12] = {0};
	struct hub_ctl ctl;
	const struct nhrp_cie *c;
	const struct ctl_peer *p6, *p8;
	const struct ctl_sa *s;
	char what[200];

	(void)argc;
	r6.proto = IP4(192, 168, 1, 6);
	r8.proto = IP4(192, 168, 1, 8);
	if (inproc_start(&ctl, argv[0], config) < 0)
		return inproc_done() | 1;
	mgr = esp_mgr_create();
	if (mgr == NULL ||
	    keys_init(&r6, "0x0102030405060708090a0b0c0d0e0f10a1a2a3a4",
		      "0x1112131415161718191a1b1c1d1e1f20b1b2b3b4") < 0 ||
	    keys_init(&r8, "0x2122232425262728292a2b2c2d2e2f30c1c2c3c4",
		      "0x3132333435363738393a3b3c3d3e3f40d1d2d3d4") < 0) {
		inproc_check("the spokes' keys", 0);
		inproc_stop(&ctl);
		return inproc_done() | 1;
	}
	inproc_rx_arp_reply(IP4(1, 1, 1, 254), gw_mac, HUB_NBMA);
	inproc_check("the underlay gateway resolves", inproc_run_until(&ctl, gw_resolved, 3000));
	inproc_settle(&ctl);
	inproc_drain(NULL, NULL);

	s = sa_by_spi(&ctl, ESP_DIR_IN, 0x1006);
	inproc_check("the NAT-T SAs start without a port (learning)",
		     s != NULL && (s->p.flags & ESP_SA_F_NATT) && s->p.nat_port == 0);

	/* 1. R6 registers from 9.9.9.9:4500 */
	inproc_check("R6's registration in ESP-in-UDP from 9.9.9.9:4500 is answered in "
		     "ESP-in-UDP to 9.9.9.9:4500 with R6's keys",
		     reg_natt(&ctl, &r6, &rep) && got6.dport == 4500 && got6.bad == 0);
	nhrp_format(&rep, what, sizeof(what));
	printf("#   %s\n", what);
	inproc_check("R6: Registration Reply, code 0",
		     rep.op == NHRP_OP_REGISTRATION_REPLY && rep.n_cies == 1 &&
			     rep.cies[0].code == NHRP_CIE_SUCCESS);
	c = ext_last_cie(&rep, NHRP_EXT_NAT);
	inproc_check("R6: the NAT extension tells it the hub saw 9.9.9.9",
		     c != NULL && nhrp_ref_u32(&c->nbma) == NAT);

	/* 2. R8 registers from the same address, port 31001 */
	inproc_check("R8's registration from 9.9.9.9:31001 is answered to 9.9.9.9:31001 with "
		     "R8's keys",
		     reg_natt(&ctl, &r8, &rep) && got8.dport == 31001 && got8.bad == 0);
	inproc_check("R8: Registration Reply, code 0",
		     rep.op == NHRP_OP_REGISTRATION_REPLY && rep.n_cies == 1 &&
			     rep.cies[0].code == NHRP_CIE_SUCCESS);
	inproc_check("nothing else was sent (no clear GRE, no plain ESP)", got_other == 0);

	s = sa_by_spi(&ctl, ESP_DIR_IN, 0x1006);
	inproc_check("R6's inbound SA learned port 4500",
		     s != NULL && s->p.nat_port == RTE_BE16(4500) && s->natt_learned);
	s = sa_by_spi(&ctl, ESP_DIR_OUT, 0x2006);
	inproc_check("... and its outbound partner too", s != NULL && s->p.nat_port == RTE_BE16(4500));
	s = sa_by_spi(&ctl, ESP_DIR_IN, 0x1008);
	inproc_check("R8's inbound SA learned port 31001",
		     s != NULL && s->p.nat_port == RTE_BE16(31001));
	s = sa_by_spi(&ctl, ESP_DIR_OUT, 0x2008);
	inproc_check("... and its outbound partner too",
		     s != NULL && s->p.nat_port == RTE_BE16(31001));
	p6 = ctl_peer_find(&ctl, r6.proto);
	p8 = ctl_peer_find(&ctl, r8.proto);
	inproc_check("two bindings on NBMA 9.9.9.9, told apart by their ports",
		     p6 != NULL && p8 != NULL && p6->nbma_seen == NAT && p8->nbma_seen == NAT &&
			     p6->nat_port == RTE_BE16(4500) && p8->nat_port == RTE_BE16(31001));

	/* 3. data R6 LAN -> R8 LAN: in with R6's SA, out with R8's, to R8's port. Control has
	 * R8's binding; the worker must have it too before data comes (else peer-incomplete:
	 * about one run in seven lost that race before this wait). */
	inproc_check("the worker applied every peer update",
		     inproc_run_until(&ctl, inproc_synced, 5000));
	{
		uint8_t in[40] = {0x45, 0, 0, 40, 0, 1, 0, 0, 64, 1, 0, 0, 66, 66, 66, 66,
				  88, 88, 88, 88, 8, 0, 0xf7, 0xfe, 0, 1, 0, 0};
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)in;
		struct rte_mbuf *m;

		ip->hdr_checksum = rte_ipv4_cksum(ip);
		m = spoke_protect(&r6, gre_frame(NAT, 0x0800, in, sizeof(in)), 0);
		want = &got8;
		memset(&got8, 0, sizeof(got8));
		inproc_check("R6 -> R8 data goes out in ESP-in-UDP to 9.9.9.9:31001 with R8's keys",
			     m != NULL && inproc_rx(m) == 0 &&
				     inproc_run_until(&ctl, got_one, 5000) && got8.bad == 0 &&
				     got8.gre_proto == 0x0800 &&
				     got8.inner_dst == IP4(88, 88, 88, 88));
	}

	/* 4. keepalive, IKE, and R8 speaking from R6's port */
	{
		uint64_t ka = worker_sum(&ctl, -1), ik = worker_sum(&ctl, HUB_DROP_NATT_IKE),
			 mm = worker_sum(&ctl, HUB_DROP_ESP_NATT_MISMATCH);
		uint8_t pkt[512];
		struct reg r = {.outer = NAT, .claimed = IP4(8, 8, 8, 8), .proto = r8.proto,
				.flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT, .holdtime = 600,
				.request_id = 99};
		size_t len = build_reg(&r, NHRP_OP_REGISTRATION_REQUEST, pkt, sizeof(pkt));

		inproc_rx(udp_frame(4500, keepalive, 1));
		inproc_rx(udp_frame(31001, keepalive, 1));
		inproc_rx(udp_frame(4500, ike, sizeof(ike)));
		inproc_rx(spoke_protect(&r8, gre_frame(NAT, 0x2001, pkt, len), 4500));
		inproc_settle(&ctl);
		inproc_check("two NAT-keepalives absorbed and counted (not drops)",
			     worker_sum(&ctl, -1) == ka + 2);
		inproc_check("IKE behind the non-ESP marker dropped as natt-ike",
			     worker_sum(&ctl, HUB_DROP_NATT_IKE) == ik + 1);
		inproc_check("R8's packet from R6's port dropped as esp-natt-mismatch",
			     worker_sum(&ctl, HUB_DROP_ESP_NATT_MISMATCH) == mm + 1);
		s = sa_by_spi(&ctl, ESP_DIR_IN, 0x1008);
		inproc_check("... and R8's SA keeps port 31001",
			     s != NULL && s->p.nat_port == RTE_BE16(31001));
	}

	/* 5. R8's outbound SA replaced (make before break: a new slot, the old one released),
	 * then removed. The worker caches its lookups of (9.9.9.9, 31001) (filled by step 3):
	 * neither change may leave a stale answer. R6 -> R8 data then goes out with the new
	 * SPI, and after the removal is dropped as esp-no-sa (a peer behind NAT-T can only be
	 * sent ESP-in-UDP), never sent with an SA that is gone. */
	{
		uint8_t in[40] = {0x45, 0, 0, 40, 0, 2, 0, 0, 64, 1, 0, 0, 66, 66, 66, 66,
				  88, 88, 88, 88, 8, 0, 0xf7, 0xfe, 0, 1, 0, 0};
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)in;
		const struct ctl_sa *old = sa_by_spi(&ctl, ESP_DIR_OUT, 0x2008);
		struct esp_sa_params np;
		const char *why = NULL;
		uint64_t nosa;
		struct rte_mbuf *m;

		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (old != NULL) {
			np = old->p;
			np.spi = 0x2018;
		}
		inproc_check("R8's outbound SA replaced by 0x2018 (same peer, port and keys)",
			     old != NULL && ctl_sa_install(&ctl, &np, CTL_SA_API, &why) >= 0 &&
				     sa_by_spi(&ctl, ESP_DIR_OUT, 0x2008) == NULL &&
				     sa_by_spi(&ctl, ESP_DIR_OUT, 0x2018) != NULL);
		inproc_settle(&ctl);
		r8.spi_in = 0x2018;
		m = spoke_protect(&r6, gre_frame(NAT, 0x0800, in, sizeof(in)), 0);
		want = &got8;
		memset(&got8, 0, sizeof(got8));
		inproc_check("... then R6 -> R8 data goes out with SPI 0x2018",
			     m != NULL && inproc_rx(m) == 0 &&
				     inproc_run_until(&ctl, got_one, 5000) && got8.bad == 0 &&
				     got8.inner_dst == IP4(88, 88, 88, 88));

		nosa = worker_sum(&ctl, HUB_DROP_ESP_NO_SA);
		inproc_check("R8's outbound SA (0x2018) removed",
			     ctl_sa_remove(&ctl, ESP_DIR_OUT, 0x2018) == 0);
		inproc_settle(&ctl);
		m = spoke_protect(&r6, gre_frame(NAT, 0x0800, in, sizeof(in)), 0);
		memset(&got8, 0, sizeof(got8));
		nosa_want = nosa + 1;
		inproc_check("... then R6 -> R8 data is dropped as esp-no-sa, not sent",
			     m != NULL && inproc_rx(m) == 0 &&
				     inproc_run_until(&ctl, nosa_seen, 5000) &&
				     (inproc_drain(capture_natt, NULL), got8.n == 0));
	}
	inproc_stop(&ctl);
	return inproc_done();
}
