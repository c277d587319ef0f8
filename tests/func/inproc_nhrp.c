/* SPDX-License-Identifier: BSD-3-Clause */
/* NHRP on the wire for the in-process tests: see inproc_nhrp.h. */
#include <string.h>

#include <rte_ip.h>

#include "control/ctl_neigh.h"
#include "tests/func/inproc.h"
#include "tests/func/inproc_nhrp.h"

const uint8_t gw_mac[6] = {0x02, 0, 0, 0, 0, 0xfe};

struct sent g;

int gw_resolved(struct hub_ctl *ctl)
{
	struct rte_ether_addr mac;

	return ctl_neigh_lookup(ctl, 0, IP4(1, 1, 1, 254), &mac) == 0;
}

void capture(struct rte_mbuf *m, void *arg)
{
	const struct rte_ipv4_hdr *o = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	uint8_t gre[GRE_LEN];
	const uint8_t *p;
	uint32_t len;

	(void)arg;
	if (rte_pktmbuf_pkt_len(m) < NHRP_OFF || o->next_proto_id != IPPROTO_GRE)
		return;
	p = rte_pktmbuf_read(m, 14 + 20, GRE_LEN, gre);
	if (p == NULL)
		return;
	len = rte_pktmbuf_pkt_len(m) - NHRP_OFF;
	if (p[2] == 0x20 && p[3] == 0x01 && len <= sizeof(g.buf)) {
		g.nhrp++;
		g.nhrp_dst = o->dst_addr;
		g.len = len;
		p = rte_pktmbuf_read(m, NHRP_OFF, len, g.buf);
		if (p != NULL && p != g.buf)
			memcpy(g.buf, p, len);
	} else if (p[2] == 0x08 && p[3] == 0x00) {
		const struct rte_ipv4_hdr *in;
		struct rte_ipv4_hdr tmp;

		in = rte_pktmbuf_read(m, NHRP_OFF, sizeof(tmp), &tmp);
		g.data++;
		g.data_dst = o->dst_addr;
		g.data_inner_dst = in != NULL ? in->dst_addr : 0;
	}
}

int got_nhrp(struct hub_ctl *ctl)
{
	(void)ctl;
	inproc_drain(capture, NULL);
	return g.nhrp > 0;
}

int got_data(struct hub_ctl *ctl)
{
	(void)ctl;
	inproc_drain(capture, NULL);
	return g.data > 0;
}

/* Ethernet / IPv4 outer_src -> 1.1.1.1 / GRE key 42 proto / payload. */
struct rte_mbuf *gre_frame(uint32_t outer_src, uint16_t proto, const uint8_t *payload,
			   size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(inproc_pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *o;
	uint8_t *gre;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(NHRP_OFF + len));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, NHRP_OFF);
	memset(&eth->dst_addr, 0xff, 6);
	memcpy(&eth->src_addr, gw_mac, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	o = (struct rte_ipv4_hdr *)(eth + 1);
	o->version_ihl = RTE_IPV4_VHL_DEF;
	o->total_length = rte_cpu_to_be_16((uint16_t)(20 + GRE_LEN + len));
	o->time_to_live = 64;
	o->next_proto_id = IPPROTO_GRE;
	o->src_addr = outer_src;
	o->dst_addr = HUB_NBMA;
	o->hdr_checksum = rte_ipv4_cksum(o);
	gre = (uint8_t *)(o + 1);
	gre[0] = 0x20;
	gre[2] = (uint8_t)(proto >> 8);
	gre[3] = (uint8_t)proto;
	gre[7] = 42;
	memcpy(gre + GRE_LEN, payload, len);
	return m;
}

/* Inject an NHRP packet and run control until the hub answers (or ms pass). */
int exchange(struct hub_ctl *ctl, uint32_t outer_src, const uint8_t *pkt, size_t len,
	     unsigned int ms)
{
	struct rte_mbuf *m = gre_frame(outer_src, 0x2001, pkt, len);

	/* Whatever the hub sent before (late answers under load) is not this answer. */
	inproc_drain(NULL, NULL);
	memset(&g, 0, sizeof(g));
	if (m == NULL || inproc_rx(m) != 0)
		return 0;
	return inproc_run_until(ctl, got_nhrp, ms);
}

/* A Registration Request shaped like FRR 8.4's (DESIGN.md section 3). */
size_t build_reg(const struct reg *r, uint8_t op, uint8_t *buf, size_t cap)
{
	struct nhrp_build_cie cie = {.prefix_len = 0xFF, .mtu = 0, .holdtime = r->holdtime};
	struct nhrp_build_cie nhs = {.prefix_len = 32, .nbma = nhrp_addr_u32(HUB_NBMA),
				     .proto = nhrp_addr_u32(HUB_PROTO)};
	struct nhrp_build_ext ext[5] = {
		nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_NAT, false, &nhs, 1),
	};
	struct nhrp_build_msg b = {.op = op, .hopcnt = r->hopcnt && r->hopcnt != 0xFF ? r->hopcnt : 1,
				   .flags = r->flags, .request_id = r->request_id,
				   .src_nbma = nhrp_addr_u32(r->claimed),
				   .src_proto = nhrp_addr_u32(r->proto),
				   .dst_proto = nhrp_addr_u32(HUB_PROTO), .cies = &cie, .n_cies = 1,
				   .exts = ext, .n_exts = 4};
	size_t len = 0;

	if (op == NHRP_OP_PURGE_REQUEST) {
		cie.prefix_len = 32;
		cie.proto = nhrp_addr_u32(r->proto);
		b.n_exts = 0;
	}
	if (r->password != NULL)
		ext[b.n_exts++] = nhrp_bext_auth_cisco((const uint8_t *)r->password,
						       (uint16_t)strlen(r->password));
	if (nhrp_build(&b, buf, cap, &len) != 0)
		return 0;
	if (r->hopcnt == 0xFF) {
		/* Hop count 0, which the builder refuses to write: patch it in. */
		uint16_t ck;

		buf[9] = 0;
		buf[12] = buf[13] = 0;
		ck = nhrp_checksum(buf, len);
		buf[12] = (uint8_t)(ck >> 8);
		buf[13] = (uint8_t)ck;
	}
	return len;
}

int reg_exchange(struct hub_ctl *ctl, const struct reg *r, struct nhrp_msg *rep)
{
	uint8_t pkt[512];
	size_t len = build_reg(r, NHRP_OP_REGISTRATION_REQUEST, pkt, sizeof(pkt));

	return len > 0 && exchange(ctl, r->outer, pkt, len, 5000) &&
	       nhrp_parse(g.buf, g.len, NULL, rep) == 0;
}

const struct nhrp_cie *ext_last_cie(const struct nhrp_msg *m, uint16_t type)
{
	const struct nhrp_ext *e = nhrp_msg_ext(m, type);
	unsigned int n = 0;
	const struct nhrp_cie *c = e != NULL ? nhrp_ext_cies(m, e, &n) : NULL;

	return c != NULL && n > 0 ? &c[n - 1] : NULL;
}

