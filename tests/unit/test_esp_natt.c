/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT-T (RFC 3948) in the worker: UDP 4500 classification, NAT-keepalives, the non-ESP
 * marker, ESP-in-UDP made by scapy over OpenSSL (tests/tools/esp_natt_vectors.py) decrypted
 * by our stage, two spokes behind one NAT (one address, two ports) each bound to its own SA
 * by the port its first authenticated packet came from, and our ESP-in-UDP encapsulation
 * byte for byte against scapy's.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dataplane/dp_classify.h"
#include "dataplane/dp_esp.h"
#include "dataplane/dp_sa.h"
#include "lib/cfg.h"
#include "lib/drop_reason.h"
#include "tests/unit/cunit_run.h"
#include "tests/unit/esp_natt_vectors.h"

#define PUB RTE_BE32(0xcb007109) /* 203.0.113.9: the NAT's public address */
#define HUB RTE_BE32(0xc6336401) /* 198.51.100.1 */
#define ETH 14
#define L4 (ETH + 20)
#define POOL_SIZE 255
#define N_SA 16

static struct rte_mempool *pool;
static struct dp_sa_table *tab;
static struct esp_seq *seqs;

static struct esp_sa_params gcm_params(uint32_t spi, uint8_t dir, const uint8_t *key_salt,
				       uint16_t nat_port, bool natt)
{
	struct esp_sa_params p = {
		.spi = spi,
		.dir = dir,
		.cipher = ESP_CIPHER_AES_GCM_128,
		.integ = ESP_INTEG_NONE,
		.flags = natt ? ESP_SA_F_NATT : 0,
		.peer_addr = PUB,
		.nat_port = nat_port,
		.replay_window = dir == ESP_DIR_IN ? 64 : 0,
	};

	memcpy(p.enc_key, key_salt, 16);
	memcpy(p.salt, key_salt + 16, ESP_SALT_LEN);
	return p;
}

static int sa_install(uint32_t idx, const struct esp_sa_params *p)
{
	struct esp_sa_msg m = {.type = ESP_SA_MSG_SET, .idx = idx, .p = *p};

	return dp_sa_apply(tab, &m);
}

static int sa_natt(uint32_t idx, uint16_t port)
{
	struct esp_sa_msg m = {.type = ESP_SA_MSG_NATT, .idx = idx, .p = {.nat_port = port}};

	return dp_sa_apply(tab, &m);
}

static void sa_remove(uint32_t idx)
{
	struct esp_sa_msg m = {.type = ESP_SA_MSG_DEL, .idx = idx};

	dp_sa_apply(tab, &m);
}

static void sa_clear(void)
{
	uint32_t i;

	for (i = 0; i < N_SA; i++)
		sa_remove(i);
}

static struct rte_mbuf *frame(const uint8_t *ip, unsigned int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	CU_ASSERT_FATAL(m != NULL);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(ETH + len));
	CU_ASSERT_FATAL(p != NULL);
	memset(p, 0, ETH);
	p[12] = 0x08;
	memcpy(p + ETH, ip, len);
	return m;
}

static struct rte_udp_hdr *udp_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, L4);
}

static uint8_t decap_one(struct rte_mbuf *m)
{
	uint16_t l3 = ETH, l4 = L4;
	uint8_t verdict = 0xff;

	dp_esp_decap_burst(tab, &m, &l3, &l4, 1, &verdict);
	return verdict;
}

static int ip_equal(struct rte_mbuf *m, const uint8_t *ip, unsigned int len)
{
	return rte_pktmbuf_pkt_len(m) == ETH + len &&
	       memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, ETH), ip, len) == 0;
}

static void check_no_leak(void)
{
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), POOL_SIZE);
}

/* ---- classification ---- */

static void test_natt_classify_udp_4500_and_named_drops(void)
{
	struct dp_port port = {.enabled = true, .role = DP_PORT_UNDERLAY, .addr = HUB};
	struct dp_class_result c;
	struct rte_mbuf *m;

	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	c = dp_classify(&port, m);
	CU_ASSERT_EQUAL(c.cls, DP_CLASS_NATT);
	CU_ASSERT_EQUAL(c.l3_off, ETH);
	CU_ASSERT_EQUAL(c.l4_off, L4);
	rte_pktmbuf_free(m);

	m = frame(natt_keepalive, sizeof(natt_keepalive));
	CU_ASSERT_EQUAL(dp_classify(&port, m).cls, DP_CLASS_NATT);
	rte_pktmbuf_free(m);

	/* UDP to any other port of the hub: nothing listens there */
	m = frame(natt_wrong_port, sizeof(natt_wrong_port));
	c = dp_classify(&port, m);
	CU_ASSERT_EQUAL(c.cls, DP_CLASS_DROP);
	CU_ASSERT_EQUAL(c.drop, HUB_DROP_UDP_PORT);
	rte_pktmbuf_free(m);

	/* a UDP length beyond the IPv4 payload */
	m = frame(natt_udp_len_long, sizeof(natt_udp_len_long));
	c = dp_classify(&port, m);
	CU_ASSERT_EQUAL(c.cls, DP_CLASS_DROP);
	CU_ASSERT_EQUAL(c.drop, HUB_DROP_NATT_TRUNCATED);
	rte_pktmbuf_free(m);

	/* an IPv4 payload shorter than a UDP header (IP length and checksum fixed up) */
	m = frame(natt_keepalive, sizeof(natt_keepalive));
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH);

		ip->total_length = RTE_BE16(20 + 6);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	c = dp_classify(&port, m);
	CU_ASSERT_EQUAL(c.cls, DP_CLASS_DROP);
	CU_ASSERT_EQUAL(c.drop, HUB_DROP_NATT_TRUNCATED);
	rte_pktmbuf_free(m);

	/* not on a LAN port */
	port.role = DP_PORT_LAN;
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	c = dp_classify(&port, m);
	CU_ASSERT_EQUAL(c.cls, DP_CLASS_DROP);
	CU_ASSERT_EQUAL(c.drop, HUB_DROP_IP_PROTO);
	rte_pktmbuf_free(m);
	check_no_leak();
}

/* ---- what arrives on 4500 besides ESP ---- */

static void test_natt_keepalive_absorbed_ike_and_short_dropped(void)
{
	static struct dp_worker w; /* only its counters are used on these paths */
	struct rte_mbuf *m;

	memset(&w, 0, sizeof(w));
	w.sa = tab;
	m = frame(natt_keepalive, sizeof(natt_keepalive));
	dp_esp_natt_in_add(&w, NULL, 0, m, ETH, L4);
	CU_ASSERT_EQUAL(w.stats.natt_keepalives, 1);

	m = frame(natt_ike, sizeof(natt_ike));
	dp_esp_natt_in_add(&w, NULL, 0, m, ETH, L4);
	CU_ASSERT_EQUAL(w.stats.drops[HUB_DROP_NATT_IKE], 1);

	m = frame(natt_short_esp, sizeof(natt_short_esp));
	dp_esp_natt_in_add(&w, NULL, 0, m, ETH, L4);
	CU_ASSERT_EQUAL(w.stats.drops[HUB_DROP_NATT_TRUNCATED], 1);

	/* a one-byte payload that is not 0xFF is no keepalive */
	m = frame(natt_keepalive, sizeof(natt_keepalive));
	rte_pktmbuf_mtod_offset(m, uint8_t *, L4 + 8)[0] = 0xfe;
	dp_esp_natt_in_add(&w, NULL, 0, m, ETH, L4);
	CU_ASSERT_EQUAL(w.stats.natt_keepalives, 1);
	CU_ASSERT_EQUAL(w.stats.drops[HUB_DROP_NATT_TRUNCATED], 2);
	check_no_leak();
}

/* ---- ESP-in-UDP through the decap stage ---- */

static void test_natt_two_spokes_one_address_learn_their_ports(void)
{
	struct esp_sa_params a = gcm_params(NATT_A_IN_SPI, ESP_DIR_IN, natt_a_in_key, 0, true);
	struct esp_sa_params b = gcm_params(NATT_B_IN_SPI, ESP_DIR_IN, natt_b_in_key, 0, true);
	struct rte_mbuf *m;
	uint8_t v;

	CU_ASSERT_EQUAL_FATAL(sa_install(0, &a), 0);
	CU_ASSERT_EQUAL_FATAL(sa_install(1, &b), 0);
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	v = decap_one(m);
	CU_ASSERT_EQUAL(v, 0);
	/* the clear GRE packet scapy encrypted, UDP and ESP gone */
	CU_ASSERT(ip_equal(m, natt_a_in_clear, sizeof(natt_a_in_clear)));
	CU_ASSERT(m->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD);
	CU_ASSERT_EQUAL(tab->sa[0].nat_port, RTE_BE16(4500));
	rte_pktmbuf_free(m);

	m = frame(natt_b_in_enc, sizeof(natt_b_in_enc));
	CU_ASSERT_EQUAL(decap_one(m), 0);
	CU_ASSERT(ip_equal(m, natt_b_in_clear, sizeof(natt_b_in_clear)));
	CU_ASSERT_EQUAL(tab->sa[1].nat_port, RTE_BE16(31001));
	CU_ASSERT_EQUAL(tab->sa[0].nat_port, RTE_BE16(4500));
	CU_ASSERT_EQUAL(tab->sa[0].c.pkts, 1);
	CU_ASSERT_EQUAL(tab->sa[1].c.pkts, 1);
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

static void test_natt_sa_bound_to_port_refuses_others(void)
{
	struct esp_sa_params a = gcm_params(NATT_A_IN_SPI, ESP_DIR_IN, natt_a_in_key, 0, true);
	struct esp_sa_params b = gcm_params(NATT_B_IN_SPI, ESP_DIR_IN, natt_b_in_key,
					    RTE_BE16(31001), true);
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL_FATAL(sa_install(0, &a), 0);
	CU_ASSERT_EQUAL_FATAL(sa_install(1, &b), 0);
	/* B's SA is pinned to 31001: B's own packet from A's port is refused before crypto,
	 * so a spoke behind the NAT cannot speak for the other with its own keys */
	m = frame(natt_b_in_enc, sizeof(natt_b_in_enc));
	udp_of(m)->src_port = RTE_BE16(4500);
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_NATT_MISMATCH);
	CU_ASSERT_EQUAL(tab->sa[1].c.other, 1);
	CU_ASSERT_EQUAL(tab->sa[1].c.pkts, 0);
	rte_pktmbuf_free(m);

	/* A learns 31001 from its first packet (UDP is outside the ICV: a NAT rewrites it) */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	udp_of(m)->src_port = RTE_BE16(31001);
	CU_ASSERT_EQUAL(decap_one(m), 0);
	CU_ASSERT_EQUAL(tab->sa[0].nat_port, RTE_BE16(31001));
	rte_pktmbuf_free(m);
	/* then its packets from any other port are refused */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	udp_of(m)->src_port = RTE_BE16(4500);
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_NATT_MISMATCH);
	rte_pktmbuf_free(m);
	/* and from the learned port, a second copy is a replay */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	udp_of(m)->src_port = RTE_BE16(31001);
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_REPLAY);
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

static void test_natt_plain_and_udp_sas_do_not_mix(void)
{
	struct esp_sa_params plain = gcm_params(NATT_A_IN_SPI, ESP_DIR_IN, natt_a_in_key, 0,
						false);
	struct esp_sa_params natt = gcm_params(NATT_A_IN_SPI, ESP_DIR_IN, natt_a_in_key, 0, true);
	uint8_t esp_only[sizeof(natt_a_in_enc) - 8];
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	/* ESP-in-UDP for an SA that expects plain ESP */
	CU_ASSERT_EQUAL_FATAL(sa_install(0, &plain), 0);
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_NATT_MISMATCH);
	rte_pktmbuf_free(m);
	sa_remove(0);

	/* the same ESP without its UDP header, for a NAT-T SA */
	memcpy(esp_only, natt_a_in_enc, 20);
	memcpy(esp_only + 20, natt_a_in_enc + 28, sizeof(natt_a_in_enc) - 28);
	ip = (struct rte_ipv4_hdr *)esp_only;
	ip->next_proto_id = 50;
	ip->total_length = rte_cpu_to_be_16((uint16_t)sizeof(esp_only));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	CU_ASSERT_EQUAL_FATAL(sa_install(0, &natt), 0);
	m = frame(esp_only, sizeof(esp_only));
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_NATT_MISMATCH);
	CU_ASSERT_EQUAL(tab->sa[0].nat_port, 0);
	rte_pktmbuf_free(m);

	/* as plain ESP with a plain SA, the same bytes decrypt */
	sa_remove(0);
	CU_ASSERT_EQUAL_FATAL(sa_install(0, &plain), 0);
	m = frame(esp_only, sizeof(esp_only));
	CU_ASSERT_EQUAL(decap_one(m), 0);
	CU_ASSERT(ip_equal(m, natt_a_in_clear, sizeof(natt_a_in_clear)));
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

static void test_natt_bad_udp_in_decap_dropped(void)
{
	struct esp_sa_params a = gcm_params(NATT_A_IN_SPI, ESP_DIR_IN, natt_a_in_key, 0, true);
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL_FATAL(sa_install(0, &a), 0);
	/* a UDP length below its own header */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	udp_of(m)->dgram_len = RTE_BE16(4);
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_NATT_TRUNCATED);
	rte_pktmbuf_free(m);
	/* UDP source port 0 */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	udp_of(m)->src_port = 0;
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_NATT_TRUNCATED);
	rte_pktmbuf_free(m);
	/* a UDP length that leaves ESP short of whole blocks: ESP's own length check */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	udp_of(m)->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(natt_a_in_enc) - 20 - 3));
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_TRUNCATED);
	rte_pktmbuf_free(m);
	/* a flipped ciphertext byte: integrity, and no port learned from it */
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	rte_pktmbuf_mtod_offset(m, uint8_t *, L4 + 8 + 8 + 8)[0] ^= 1;
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_INTEGRITY);
	CU_ASSERT_EQUAL(tab->sa[0].nat_port, 0);
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

/* ---- outbound ---- */

static void test_natt_encap_matches_scapy_and_index_follows_port(void)
{
	struct esp_sa_params o = gcm_params(NATT_A_OUT_SPI, ESP_DIR_OUT, natt_a_out_key, 0, true);
	uint32_t idx = 2;
	uint8_t v = 0xff;
	struct rte_mbuf *m;

	/* not learned yet: not reachable by (address, port), nor as plain (address, 0) */
	o.seq_base = NATT_A_OUT_IV - NATT_A_OUT_SEQ;
	seqs[idx].next = NATT_A_OUT_IV - 1;
	CU_ASSERT_EQUAL_FATAL(sa_install(idx, &o), 0);
	CU_ASSERT(dp_sa_out_by_peer(tab, PUB, 0) < 0);
	CU_ASSERT(dp_sa_out_by_peer(tab, PUB, RTE_BE16(4500)) < 0);
	/* control's NATT message binds it; the shared counter was not touched */
	CU_ASSERT_EQUAL(sa_natt(idx, RTE_BE16(4500)), 0);
	CU_ASSERT_EQUAL(dp_sa_out_by_peer(tab, PUB, RTE_BE16(4500)), (int32_t)idx);
	m = frame(natt_a_out_clear, sizeof(natt_a_out_clear));
	dp_esp_encap_burst(tab, seqs, &m, &idx, 1, &v);
	CU_ASSERT_EQUAL(v, 0);
	if (!ip_equal(m, natt_a_out_enc, sizeof(natt_a_out_enc)))
		printf("\n  ESP-in-UDP differs from scapy's\n");
	CU_ASSERT(ip_equal(m, natt_a_out_enc, sizeof(natt_a_out_enc)));
	rte_pktmbuf_free(m);
	/* a new mapping moves the index: the old port no longer finds it */
	CU_ASSERT_EQUAL(sa_natt(idx, RTE_BE16(31001)), 0);
	CU_ASSERT(dp_sa_out_by_peer(tab, PUB, RTE_BE16(4500)) < 0);
	CU_ASSERT_EQUAL(dp_sa_out_by_peer(tab, PUB, RTE_BE16(31001)), (int32_t)idx);
	/* a NATT message for a plain SA or a free slot is refused and counted */
	CU_ASSERT(sa_natt(9, RTE_BE16(4500)) < 0);
	sa_clear();
	CU_ASSERT(dp_sa_out_by_peer(tab, PUB, RTE_BE16(31001)) < 0);
	check_no_leak();
}

static void test_natt_msg_keeps_window_and_counters(void)
{
	struct esp_sa_params a = gcm_params(NATT_A_IN_SPI, ESP_DIR_IN, natt_a_in_key, 0, true);
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL_FATAL(sa_install(0, &a), 0);
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	CU_ASSERT_EQUAL(decap_one(m), 0);
	rte_pktmbuf_free(m);
	/* control confirms the same port: nothing is reset, so the packet stays a replay */
	CU_ASSERT_EQUAL(sa_natt(0, RTE_BE16(4500)), 0);
	CU_ASSERT_EQUAL(tab->sa[0].c.pkts, 1);
	m = frame(natt_a_in_enc, sizeof(natt_a_in_enc));
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_REPLAY);
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

/* ---- tunnel mode (RFC 4303 3.1.2) ---- */

#define SPOKE RTE_BE32(0xc6336402) /* 198.51.100.2 */

static struct esp_sa_params tun_params(uint32_t spi, uint8_t dir, const uint8_t *key_salt)
{
	struct esp_sa_params p = gcm_params(spi, dir, key_salt, 0, false);

	p.flags |= ESP_SA_F_TUNNEL;
	p.peer_addr = SPOKE;
	return p;
}

static void test_tunnel_decap_matches_scapy(void)
{
	struct esp_sa_params p = tun_params(TUN_IN_SPI, ESP_DIR_IN, tun_in_key);
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL_FATAL(sa_install(0, &p), 0);
	m = frame(tun_in_enc, sizeof(tun_in_enc));
	CU_ASSERT_EQUAL(decap_one(m), 0);
	/* the outer header stays (protocol 47, length fixed), the inner one goes with ESP:
	 * scapy's tunnel header copies the GRE packet's fields, so the bytes are the same */
	CU_ASSERT(ip_equal(m, tun_in_clear, sizeof(tun_in_clear)));
	rte_pktmbuf_free(m);
	sa_remove(0);

	/* the same packet on a transport-mode SA: next header 4 is not GRE */
	p.flags &= (uint8_t)~ESP_SA_F_TUNNEL;
	CU_ASSERT_EQUAL_FATAL(sa_install(0, &p), 0);
	m = frame(tun_in_enc, sizeof(tun_in_enc));
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_BAD_PADDING);
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

static void test_tunnel_encap_matches_scapy(void)
{
	struct esp_sa_params o = tun_params(TUN_OUT_SPI, ESP_DIR_OUT, tun_out_key);
	uint32_t idx = 3;
	uint8_t v = 0xff;
	struct rte_mbuf *m;

	o.seq_base = TUN_OUT_IV - TUN_OUT_SEQ;
	seqs[idx].next = TUN_OUT_IV - 1;
	CU_ASSERT_EQUAL_FATAL(sa_install(idx, &o), 0);
	m = frame(tun_out_clear, sizeof(tun_out_clear));
	dp_esp_encap_burst(tab, seqs, &m, &idx, 1, &v);
	CU_ASSERT_EQUAL(v, 0);
	if (!ip_equal(m, tun_out_enc, sizeof(tun_out_enc)))
		printf("\n  tunnel-mode ESP differs from scapy's\n");
	CU_ASSERT(ip_equal(m, tun_out_enc, sizeof(tun_out_enc)));
	rte_pktmbuf_free(m);
	sa_clear();
	check_no_leak();
}

/* Our tunnel-mode packet of a modified GRE packet, decrypted by an inbound SA with the
 * same keys: what the inner checks say. */
static uint8_t tunnel_inner_verdict(uint8_t proto, uint32_t inner_dst)
{
	struct esp_sa_params o = tun_params(TUN_IN_SPI, ESP_DIR_OUT, tun_in_key);
	struct esp_sa_params i = tun_params(TUN_IN_SPI, ESP_DIR_IN, tun_in_key);
	uint32_t idx = 4;
	uint8_t v = 0xff;
	struct rte_mbuf *m = frame(tun_in_clear, sizeof(tun_in_clear));
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH);

	ip->next_proto_id = proto;
	ip->dst_addr = inner_dst;
	CU_ASSERT_EQUAL_FATAL(sa_install(idx, &o), 0);
	dp_esp_encap_burst(tab, seqs, &m, &idx, 1, &v);
	CU_ASSERT_EQUAL(v, 0);
	sa_remove(idx);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH);
	ip->dst_addr = HUB; /* the outer header as it arrived */
	CU_ASSERT_EQUAL_FATAL(sa_install(idx, &i), 0);
	v = decap_one(m);
	rte_pktmbuf_free(m);
	sa_clear();
	return v;
}

static void test_tunnel_inner_must_be_gre_to_us(void)
{
	CU_ASSERT_EQUAL(tunnel_inner_verdict(IPPROTO_GRE, HUB), 0);
	CU_ASSERT_EQUAL(tunnel_inner_verdict(IPPROTO_UDP, HUB), HUB_DROP_ESP_TUNNEL_INNER);
	CU_ASSERT_EQUAL(tunnel_inner_verdict(IPPROTO_GRE, RTE_BE32(0x0a000001)),
			HUB_DROP_ESP_TUNNEL_INNER);
	check_no_leak();
}

/* ---- configuration ---- */

#define CFG_BASE "ports = ({ name = \"u\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; });\n"

static struct hub_cfg *cfg_try(const char *text, char *err, size_t len)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", CFG_BASE, text);
	return cfg_load_string(buf, "t.conf", err, len);
}

static void test_natt_cfg_two_spokes_behind_one_nat(void)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_try(
		"crypto = { profiles = ({ name = \"lab\"; secret = \"lab-secret\"; }); sas = (\n"
		"{ peer = \"203.0.113.9\"; spi_in = 0x1006; spi_out = 0x2006; profile = \"lab\";\n"
		"  natt = true; },\n"
		"{ peer = \"203.0.113.9\"; spi_in = 0x1008; spi_out = 0x2008; profile = \"lab\";\n"
		"  natt = true; }); };\n",
		err, sizeof(err));

	if (cfg == NULL)
		printf("\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT(cfg->crypto.sas[0].natt && cfg->crypto.sas[1].natt);
	cfg_free(cfg);

	cfg = cfg_try("crypto = { profiles = ({ name = \"lab\"; secret = \"lab-secret\"; }); sas = (\n"
		      "{ peer = \"203.0.113.9\"; spi_in = 0x1006; spi_out = 0x2006; profile = \"lab\";\n"
		      "  natt_port = 4500; },\n"
		      "{ peer = \"203.0.113.9\"; spi_in = 0x1008; spi_out = 0x2008; profile = \"lab\";\n"
		      "  natt_port = 4500; }); };\n",
		      err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.conf:5: crypto.sas[1]: peer 203.0.113.9 already"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "different natt_port"));
	cfg_free(cfg);

	/* without NAT-T one address is one spoke */
	cfg = cfg_try("crypto = { profiles = ({ name = \"lab\"; secret = \"lab-secret\"; }); sas = (\n"
		      "{ peer = \"203.0.113.9\"; spi_in = 0x1006; spi_out = 0x2006; profile = \"lab\"; },\n"
		      "{ peer = \"203.0.113.9\"; spi_in = 0x1008; spi_out = 0x2008; profile = \"lab\";\n"
		      "  natt = true; }); };\n",
		      err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	cfg_free(cfg);
	cfg = cfg_try("crypto = { sas = ({ peer = \"203.0.113.9\"; spi_in = 0x1006; spi_out = 0x2006;"
		      " profile = \"x\"; natt_port = 70000; }); };\n", err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "natt_port"));
	cfg_free(cfg);
}

static void test_tunnel_cfg_profile_mode(void)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_try("crypto = { profiles = ({ name = \"t\"; secret = \"lab-secret\";"
				      " mode = \"tunnel\"; }, { name = \"d\"; secret = \"lab-secret\"; });"
				      " };\n", err, sizeof(err));

	if (cfg == NULL)
		printf("\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->crypto.profiles[0].mode, CFG_ESP_MODE_TUNNEL);
	CU_ASSERT_EQUAL(cfg->crypto.profiles[1].mode, CFG_ESP_MODE_TRANSPORT);
	cfg_free(cfg);
	cfg = cfg_try("crypto = { profiles = ({ name = \"t\"; secret = \"lab-secret\";"
		      " mode = \"beet\"; }); };\n", err, sizeof(err));
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mode"));
	cfg_free(cfg);
}

static int add_suite(const char *name, const CU_TestInfo *tests, unsigned int n)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);
	unsigned int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (CU_add_test(s, tests[i].pName, tests[i].pTestFunc) == NULL)
			return -1;
	return 0;
}

#define T(f) {#f, f}
static const CU_TestInfo natt_tests[] = {
	T(test_natt_classify_udp_4500_and_named_drops),
	T(test_natt_keepalive_absorbed_ike_and_short_dropped),
	T(test_natt_two_spokes_one_address_learn_their_ports),
	T(test_natt_sa_bound_to_port_refuses_others),
	T(test_natt_plain_and_udp_sas_do_not_mix),
	T(test_natt_bad_udp_in_decap_dropped),
	T(test_natt_encap_matches_scapy_and_index_follows_port),
	T(test_natt_msg_keeps_window_and_counters),
	T(test_natt_cfg_two_spokes_behind_one_nat),
};
static const CU_TestInfo tunnel_tests[] = {
	T(test_tunnel_decap_matches_scapy),
	T(test_tunnel_encap_matches_scapy),
	T(test_tunnel_inner_must_be_gre_to_us),
	T(test_tunnel_cfg_profile_mode),
};

int main(int argc, char **argv)
{
	char *eal_argv[] = {argv[0], "--no-huge", "-m", "256", "--no-shconf", "--no-telemetry",
			    "--no-pci", "-l", "0", "--log-level=6", NULL};
	int eal_argc = (int)RTE_DIM(eal_argv) - 1;

	RTE_SET_USED(argc);
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("natt", POOL_SIZE, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	tab = esp_table_create("natt_test", N_SA, SOCKET_ID_ANY);
	if (tab != NULL && dp_esp_scratch_init(tab, SOCKET_ID_ANY) < 0)
		tab = NULL;
	seqs = rte_zmalloc(NULL, sizeof(*seqs) * N_SA, 64);
	if (pool == NULL || tab == NULL || seqs == NULL) {
		fprintf(stderr, "cannot set up the test\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (add_suite("esp_natt", natt_tests, RTE_DIM(natt_tests)) ||
	    add_suite("esp_tunnel", tunnel_tests, RTE_DIM(tunnel_tests))) {
		CU_cleanup_registry();
		return 1;
	}
	return hub_cunit_run();
}
