/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's per-packet GRE fast path stages, each on mbufs built here: GRE parse and
 * encap, inner IPv4 validation and TTL, ICMP errors, MSS clamping, fragmentation and the
 * redirect trigger limiter. Needs an EAL for the mempools; every test that allocates checks
 * that it gave every mbuf back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "dataplane/dp_frag.h"
#include "dataplane/dp_gre.h"
#include "lib/outer_hdr.h"
#include "dataplane/dp_icmp_err.h"
#include "dataplane/dp_inner.h"
#include "dataplane/dp_mss.h"
#include "dataplane/dp_redirect.h"
#include "lib/drop_reason.h"
#include "tests/unit/cunit_run.h"

/* Room for an outer header template, as in the peer table's ready-made header (48). */
#define TMPL_CAP 48
#define POOL_SIZE 511
#define POOL_DATA_ROOM (RTE_PKTMBUF_HEADROOM + 4096)
#define SMALL_POOL_SIZE 255
#define SMALL_DATA_ROOM (RTE_PKTMBUF_HEADROOM + 512)

static struct rte_mempool *pool;       /* 4 KiB buffers: whole packets up to 4096 bytes */
static struct rte_mempool *small_pool; /* 512-byte buffers: segments of chained packets */

/* Not RTE_IPV4(): it shifts an int left by 24, undefined for a >= 128. */
#define ADDR(a, b, c, d)                                                                           \
	rte_cpu_to_be_32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) |    \
	                 (uint32_t)(d))
#define HUB_ADDR ADDR(192, 168, 1, 1)
#define SRC_ADDR ADDR(10, 0, 1, 5)
#define DST_ADDR ADDR(10, 0, 2, 7)

/* Every mbuf a test took must be back in its pool (the pools have no per-lcore cache, so the
 * available count is exact). */
static void check_no_leak(void)
{
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), POOL_SIZE);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(small_pool), SMALL_POOL_SIZE);
}

static struct rte_mbuf *mbuf_new(struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static void ip_fix_csum(struct rte_ipv4_hdr *ip)
{
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* A valid header's checksum field makes the whole header sum to all ones. */
static int ip_csum_ok(const struct rte_ipv4_hdr *ip)
{
	return rte_ipv4_cksum(ip) == 0;
}

/* Fill hdr (20 + opt_len bytes) as an IPv4 header for a payload of payload_len bytes. The
 * header is built on the stack and copied: GCC 12 misjudges the size of mbuf data
 * pointers (-Warray-bounds) when fields are stored through them one by one. */
static void ip_hdr_fill(void *hdr, uint8_t proto, uint32_t src, uint32_t dst, const uint8_t *opt,
                        uint8_t opt_len, uint16_t payload_len)
{
	const uint16_t ihl = (uint16_t)(sizeof(struct rte_ipv4_hdr) + opt_len);
	uint8_t buf[60];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

	memset(buf, 0, sizeof(buf));
	ip->version_ihl = (uint8_t)(0x40 | (ihl / 4));
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl + payload_len));
	ip->packet_id = rte_cpu_to_be_16(0x1234);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = src;
	ip->dst_addr = dst;
	if (opt_len)
		memcpy(buf + sizeof(*ip), opt, opt_len);
	ip_fix_csum(ip);
	memcpy(hdr, buf, ihl);
}

/* A single-segment IPv4 packet with IP options and a patterned payload. */
static struct rte_mbuf *ip_pkt_opt(uint8_t proto, uint32_t src, uint32_t dst, const uint8_t *opt,
                                   uint8_t opt_len, uint16_t payload_len)
{
	struct rte_mbuf *m = mbuf_new(pool);
	const uint16_t ihl = (uint16_t)(sizeof(struct rte_ipv4_hdr) + opt_len);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, ihl + payload_len);
	uint32_t i;

	CU_ASSERT_FATAL(p != NULL);
	for (i = 0; i < payload_len; i++)
		p[ihl + i] = pattern(i);
	ip_hdr_fill(p, proto, src, dst, opt, opt_len, payload_len);
	return m;
}

static struct rte_mbuf *ip_pkt(uint8_t proto, uint32_t src, uint32_t dst, uint16_t payload_len)
{
	return ip_pkt_opt(proto, src, dst, NULL, 0, payload_len);
}

static struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
}

/* The same packet as ip_pkt(), spread over segments of the given lengths (small_pool). */
static struct rte_mbuf *ip_pkt_chained(uint8_t proto, uint32_t src, uint32_t dst,
                                       uint16_t payload_len, const uint16_t *seg_len, int n_seg)
{
	struct rte_mbuf *flat = ip_pkt(proto, src, dst, payload_len);
	const uint8_t *data = rte_pktmbuf_mtod(flat, const uint8_t *);
	struct rte_mbuf *head = NULL;
	uint32_t off = 0;
	int i;

	for (i = 0; i < n_seg; i++) {
		struct rte_mbuf *seg = mbuf_new(small_pool);
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(seg, seg_len[i]);

		CU_ASSERT_FATAL(p != NULL);
		memcpy(p, data + off, seg_len[i]);
		off += seg_len[i];
		if (head == NULL)
			head = seg;
		else
			CU_ASSERT_FATAL(rte_pktmbuf_chain(head, seg) == 0);
	}
	CU_ASSERT_FATAL(off == rte_pktmbuf_pkt_len(flat));
	rte_pktmbuf_free(flat);
	return head;
}

/* Copy the first len bytes of m (any segmentation) into buf. */
static void pkt_copy(const struct rte_mbuf *m, uint8_t *buf, uint32_t len)
{
	const void *src = rte_pktmbuf_read(m, 0, len, buf);

	CU_ASSERT_FATAL(src != NULL);
	if (src != buf)
		memcpy(buf, src, len);
}

/* ---------------------------------------------------------------------------------------
 * GRE
 */

/* A GRE packet in buf: flags, protocol, [checksum], [key], [sequence], payload. The
 * checksum, when asked for, is computed over header and payload (RFC 2784 2.2). */
static uint16_t gre_build(uint8_t *buf, uint16_t flags, uint16_t proto, uint32_t key, uint32_t seq,
                          uint16_t payload_len)
{
	uint16_t off = 4, csum_off = 0, i;

	buf[0] = (uint8_t)(flags >> 8);
	buf[1] = (uint8_t)flags;
	buf[2] = (uint8_t)(proto >> 8);
	buf[3] = (uint8_t)proto;
	if (flags & DP_GRE_F_CSUM) {
		csum_off = off;
		memset(buf + off, 0, 4);
		off += 4;
	}
	if (flags & DP_GRE_F_KEY) {
		const uint32_t k = rte_cpu_to_be_32(key);

		memcpy(buf + off, &k, 4);
		off += 4;
	}
	if (flags & DP_GRE_F_SEQ) {
		const uint32_t s = rte_cpu_to_be_32(seq);

		memcpy(buf + off, &s, 4);
		off += 4;
	}
	for (i = 0; i < payload_len; i++)
		buf[off + i] = pattern(i);
	if (flags & DP_GRE_F_CSUM) {
		const uint16_t c = (uint16_t)~rte_raw_cksum(buf, off + payload_len);

		memcpy(buf + csum_off, &c, 2);
	}
	return (uint16_t)(off + payload_len);
}

static void test_gre_parse_accepts_plain_header(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	const uint16_t len = gre_build(buf, 0, DP_GRE_PROTO_IPV4, 0, 0, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.proto, 0x0800);
	CU_ASSERT_EQUAL(g.hdr_len, 4);
	CU_ASSERT_FALSE(g.has_key);
	CU_ASSERT_FALSE(g.has_seq);
}

static void test_gre_parse_reads_key(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	const uint16_t len = gre_build(buf, DP_GRE_F_KEY, DP_GRE_PROTO_NHRP, 0xdeadbeef, 0, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.proto, 0x2001);
	CU_ASSERT_EQUAL(g.hdr_len, 8);
	CU_ASSERT_TRUE(g.has_key);
	CU_ASSERT_EQUAL(g.key, 0xdeadbeef);
	CU_ASSERT_FALSE(g.has_seq);
}

static void test_gre_parse_accepts_good_checksum(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	uint16_t len;

	/* Odd payload length: the checksum pads the last byte with zero. */
	len = gre_build(buf, DP_GRE_F_CSUM, DP_GRE_PROTO_IPV4, 0, 0, 41);
	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.hdr_len, 8);
	CU_ASSERT_FALSE(g.has_key);

	len = gre_build(buf, DP_GRE_F_CSUM | DP_GRE_F_KEY, DP_GRE_PROTO_IPV4, 42, 0, 40);
	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.hdr_len, 12);
	CU_ASSERT_TRUE(g.has_key);
	CU_ASSERT_EQUAL(g.key, 42);
}

static void test_gre_parse_rejects_bad_checksum(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	uint16_t len = gre_build(buf, DP_GRE_F_CSUM, DP_GRE_PROTO_IPV4, 0, 0, 40);

	buf[20] ^= 0x01; /* a payload bit flipped in transit */
	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_BAD_CSUM);

	len = gre_build(buf, DP_GRE_F_CSUM, DP_GRE_PROTO_IPV4, 0, 0, 40);
	buf[4] ^= 0x80; /* the checksum itself */
	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_BAD_CSUM);
}

static void test_gre_parse_skips_sequence_number(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	uint16_t len = gre_build(buf, DP_GRE_F_SEQ, DP_GRE_PROTO_IPV4, 0, 77, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.hdr_len, 8);
	CU_ASSERT_TRUE(g.has_seq);
	CU_ASSERT_FALSE(g.has_key);

	/* Key then sequence (RFC 2890 2): the key is read from before the sequence. */
	len = gre_build(buf, DP_GRE_F_KEY | DP_GRE_F_SEQ, DP_GRE_PROTO_IPV4, 0x01020304, 99, 40);
	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.hdr_len, 12);
	CU_ASSERT_EQUAL(g.key, 0x01020304);
	CU_ASSERT_TRUE(g.has_seq);
}

static void test_gre_parse_accepts_checksum_key_and_sequence(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	const uint16_t len = gre_build(buf, DP_GRE_F_CSUM | DP_GRE_F_KEY | DP_GRE_F_SEQ,
	                               DP_GRE_PROTO_IPV4, 0xcafef00d, 1, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
	CU_ASSERT_EQUAL(g.hdr_len, 16);
	CU_ASSERT_EQUAL(g.key, 0xcafef00d);
	CU_ASSERT_TRUE(g.has_seq);
	CU_ASSERT_EQUAL(g.proto, 0x0800);
}

static void test_gre_parse_rejects_nonzero_version(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	uint16_t v;

	for (v = 1; v <= 7; v++) {
		const uint16_t len = gre_build(buf, v, DP_GRE_PROTO_IPV4, 0, 0, 40);

		CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_VERSION);
	}
}

static void test_gre_parse_rejects_routing_bit(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	const uint16_t len = gre_build(buf, DP_GRE_F_ROUTING, DP_GRE_PROTO_IPV4, 0, 0, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_FLAGS);
}

static void test_gre_parse_rejects_strict_source_route_bit(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	const uint16_t len = gre_build(buf, DP_GRE_F_SSR, DP_GRE_PROTO_IPV4, 0, 0, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_FLAGS);
}

static void test_gre_parse_rejects_bit5(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	const uint16_t len =
	    gre_build(buf, DP_GRE_F_BIT5 | DP_GRE_F_KEY, DP_GRE_PROTO_IPV4, 1, 0, 40);

	CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_FLAGS);
}

static void test_gre_parse_ignores_reserved_bits_6_to_12(void)
{
	uint8_t buf[128];
	struct dp_gre_info g;
	uint16_t bit;

	/* RFC 2784 2.3: bits 6-12 MUST be ignored on receipt. */
	for (bit = 6; bit <= 12; bit++) {
		const uint16_t len = gre_build(buf, (uint16_t)(DP_GRE_F_KEY | (0x8000 >> bit)),
		                               DP_GRE_PROTO_IPV4, 5, 0, 40);

		CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), 0);
		CU_ASSERT_EQUAL(g.key, 5);
		CU_ASSERT_EQUAL(g.hdr_len, 8);
	}
}

static void test_gre_parse_rejects_truncated_at_every_length(void)
{
	static const uint16_t flag_sets[] = {
	    0,
	    DP_GRE_F_KEY,
	    DP_GRE_F_CSUM,
	    DP_GRE_F_SEQ,
	    DP_GRE_F_CSUM | DP_GRE_F_KEY,
	    DP_GRE_F_CSUM | DP_GRE_F_KEY | DP_GRE_F_SEQ,
	};
	uint8_t buf[128];
	struct dp_gre_info g;
	unsigned int i;

	for (i = 0; i < RTE_DIM(flag_sets); i++) {
		uint16_t hlen, len;

		gre_build(buf, flag_sets[i], DP_GRE_PROTO_IPV4, 7, 7, 0);
		hlen = (uint16_t)(4 + 4 * __builtin_popcount(flag_sets[i]));
		for (len = 0; len < hlen; len++)
			CU_ASSERT_EQUAL(dp_gre_parse(buf, len, &g), HUB_DROP_GRE_TRUNCATED);
		/* Exactly the header, with an empty payload, is complete. */
		CU_ASSERT_EQUAL(dp_gre_parse(buf, hlen, &g), 0);
		CU_ASSERT_EQUAL(g.hdr_len, hlen);
	}
}

static void test_gre_write_emits_key_only_when_asked(void)
{
	uint8_t buf[16];
	static const uint8_t plain[] = {0x00, 0x00, 0x08, 0x00};
	static const uint8_t keyed[] = {0x20, 0x00, 0x20, 0x01, 0x00, 0x00, 0x00, 0x2a};
	struct dp_gre_info g;

	memset(buf, 0xee, sizeof(buf));
	CU_ASSERT_EQUAL(dp_gre_write(buf, 0x0800, false, 99), 4);
	CU_ASSERT_EQUAL(memcmp(buf, plain, sizeof(plain)), 0);
	CU_ASSERT_EQUAL(buf[4], 0xee);

	CU_ASSERT_EQUAL(dp_gre_write(buf, 0x2001, true, 42), 8);
	CU_ASSERT_EQUAL(memcmp(buf, keyed, sizeof(keyed)), 0);
	CU_ASSERT_EQUAL(dp_gre_parse(buf, 8, &g), 0);
	CU_ASSERT_EQUAL(g.key, 42);
	CU_ASSERT_EQUAL(g.proto, 0x2001);
}

static const struct rte_ether_addr mac_dst = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x06}};
static const struct rte_ether_addr mac_src = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
#define NBMA_HUB ADDR(1, 1, 1, 1)
#define NBMA_SPOKE ADDR(6, 6, 6, 6)

static void test_gre_template_builds_outer_headers(void)
{
	uint8_t hdr[TMPL_CAP];
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)hdr;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(hdr + DP_GRE_TMPL_IP_OFF);
	struct dp_gre_info g;

	CU_ASSERT_EQUAL(
	    outer_hdr_build(hdr, sizeof(hdr), &mac_dst, &mac_src, NBMA_HUB, NBMA_SPOKE, false, 0),
	    DP_GRE_TMPL_LEN);
	CU_ASSERT_TRUE(rte_is_same_ether_addr(&eth->dst_addr, &mac_dst));
	CU_ASSERT_TRUE(rte_is_same_ether_addr(&eth->src_addr, &mac_src));
	CU_ASSERT_EQUAL(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(ip->version_ihl, 0x45);
	CU_ASSERT_EQUAL(ip->total_length, 0);
	CU_ASSERT_EQUAL(ip->packet_id, 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->fragment_offset), RTE_IPV4_HDR_DF_FLAG);
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_GRE);
	CU_ASSERT_EQUAL(ip->src_addr, NBMA_HUB);
	CU_ASSERT_EQUAL(ip->dst_addr, NBMA_SPOKE);
	CU_ASSERT_TRUE(ip_csum_ok(ip));
	CU_ASSERT_EQUAL(dp_gre_parse(hdr + DP_GRE_TMPL_GRE_OFF, 4, &g), 0);
	CU_ASSERT_EQUAL(g.proto, 0x0800);
	CU_ASSERT_FALSE(g.has_key);

	CU_ASSERT_EQUAL(outer_hdr_build(hdr, sizeof(hdr), &mac_dst, &mac_src, NBMA_HUB, NBMA_SPOKE,
	                                true, 0x1000042),
	                DP_GRE_TMPL_LEN_KEY);
	CU_ASSERT_EQUAL(dp_gre_parse(hdr + DP_GRE_TMPL_GRE_OFF, 8, &g), 0);
	CU_ASSERT_TRUE(g.has_key);
	CU_ASSERT_EQUAL(g.key, 0x1000042);
}

static void test_gre_template_refuses_small_buffer(void)
{
	uint8_t hdr[64];

	memset(hdr, 0xee, sizeof(hdr));
	CU_ASSERT_EQUAL(outer_hdr_build(hdr, DP_GRE_TMPL_LEN - 1, &mac_dst, &mac_src, NBMA_HUB,
	                                NBMA_SPOKE, false, 0),
	                0);
	CU_ASSERT_EQUAL(outer_hdr_build(hdr, DP_GRE_TMPL_LEN_KEY - 1, &mac_dst, &mac_src, NBMA_HUB,
	                                NBMA_SPOKE, true, 1),
	                0);
	CU_ASSERT_EQUAL(hdr[0], 0xee); /* nothing written */
	CU_ASSERT_EQUAL(outer_hdr_build(hdr, DP_GRE_TMPL_LEN, &mac_dst, &mac_src, NBMA_HUB,
	                                NBMA_SPOKE, false, 0),
	                DP_GRE_TMPL_LEN);
}

/* Check an encapsulated m field by field against what went in. */
static void check_encap(struct rte_mbuf *m, const uint8_t *inner, uint16_t inner_len, bool key,
                        uint16_t proto, uint16_t id)
{
	const uint16_t tlen = key ? DP_GRE_TMPL_LEN_KEY : DP_GRE_TMPL_LEN;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	const uint8_t *gre = rte_pktmbuf_mtod_offset(m, const uint8_t *, DP_GRE_TMPL_GRE_OFF);
	struct dp_gre_info g;
	uint16_t csum;

	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), tlen + inner_len);
	CU_ASSERT_TRUE(rte_is_same_ether_addr(&eth->dst_addr, &mac_dst));
	CU_ASSERT_TRUE(rte_is_same_ether_addr(&eth->src_addr, &mac_src));
	CU_ASSERT_EQUAL(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	CU_ASSERT_EQUAL(ip->version_ihl, 0x45);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), tlen - 14 + inner_len);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->packet_id), id);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->fragment_offset), RTE_IPV4_HDR_DF_FLAG);
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_GRE);
	CU_ASSERT_EQUAL(ip->src_addr, NBMA_HUB);
	CU_ASSERT_EQUAL(ip->dst_addr, NBMA_SPOKE);
	CU_ASSERT_TRUE(ip_csum_ok(ip));
	/* The incremental result equals a checksum computed from scratch. */
	csum = ip->hdr_checksum;
	ip_fix_csum(ip);
	CU_ASSERT_EQUAL(csum, ip->hdr_checksum);

	CU_ASSERT_EQUAL(dp_gre_parse(gre, (uint16_t)(rte_be_to_cpu_16(ip->total_length) - 20), &g),
	                0);
	CU_ASSERT_EQUAL(g.proto, proto);
	CU_ASSERT_EQUAL(g.has_key, key);
	if (key)
		CU_ASSERT_EQUAL(g.key, 0xabcd0042);
	CU_ASSERT_EQUAL(g.hdr_len, key ? 8 : 4);
	CU_ASSERT_EQUAL(memcmp(gre + g.hdr_len, inner, inner_len), 0);
}

static void encap_round_trip(bool key)
{
	uint8_t tmpl[TMPL_CAP], inner[200];
	const uint16_t tlen = outer_hdr_build(tmpl, sizeof(tmpl), &mac_dst, &mac_src, NBMA_HUB,
	                                      NBMA_SPOKE, key, 0xabcd0042);
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 180);

	CU_ASSERT_FATAL(tlen != 0);
	memcpy(inner, rte_pktmbuf_mtod(m, void *), 200);
	CU_ASSERT_EQUAL(dp_gre_encap(m, tmpl, tlen, DP_GRE_PROTO_IPV4, 0x4242), 0);
	check_encap(m, inner, 200, key, DP_GRE_PROTO_IPV4, 0x4242);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_gre_encap_then_parse_back(void)
{
	encap_round_trip(false);
}

static void test_gre_encap_with_key_then_parse_back(void)
{
	encap_round_trip(true);
}

static void test_gre_encap_checksum_valid_for_all_lengths_and_ids(void)
{
	static const uint16_t ids[] = {0, 1, 0x00ff, 0xff00, 0x7fff, 0x8000, 0xfffe, 0xffff};
	uint8_t tmpl[TMPL_CAP], inner[1500];
	const uint16_t tlen = outer_hdr_build(tmpl, sizeof(tmpl), &mac_dst, &mac_src, NBMA_HUB,
	                                      ADDR(255, 255, 255, 254), true, 0xabcd0042);
	uint16_t plen;
	unsigned int i;
	int bad = 0;

	for (plen = 0; plen <= 1480; plen += 37) {
		for (i = 0; i < RTE_DIM(ids); i++) {
			struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, plen);
			struct rte_ipv4_hdr *ip;
			uint16_t csum;

			memcpy(inner, rte_pktmbuf_mtod(m, void *), 20u + plen);
			if (dp_gre_encap(m, tmpl, tlen, DP_GRE_PROTO_NHRP, ids[i]) != 0) {
				bad++;
				rte_pktmbuf_free(m);
				continue;
			}
			ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
			csum = ip->hdr_checksum;
			ip_fix_csum(ip);
			bad += csum != ip->hdr_checksum;
			bad += rte_be_to_cpu_16(ip->total_length) != 20 + 8 + 20 + plen;
			bad += rte_be_to_cpu_16(ip->packet_id) != ids[i];
			bad += memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, tlen), inner,
			              20u + plen) != 0;
			rte_pktmbuf_free(m);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	check_no_leak();
}

static void test_gre_encap_fails_without_headroom(void)
{
	uint8_t tmpl[TMPL_CAP];
	const uint16_t tlen =
	    outer_hdr_build(tmpl, sizeof(tmpl), &mac_dst, &mac_src, NBMA_HUB, NBMA_SPOKE, true, 1);
	struct rte_mbuf *m = mbuf_new(pool);
	uint8_t *p;

	m->data_off = tlen - 1; /* one byte short */
	p = (uint8_t *)rte_pktmbuf_append(m, 60);
	CU_ASSERT_FATAL(p != NULL);
	ip_hdr_fill(p, IPPROTO_UDP, SRC_ADDR, DST_ADDR, NULL, 0, 40);
	CU_ASSERT_EQUAL(dp_gre_encap(m, tmpl, tlen, DP_GRE_PROTO_IPV4, 1), -1);
	CU_ASSERT_EQUAL(m->data_off, tlen - 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 60);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod(m, uint8_t *), p);

	m->data_off = tlen; /* exactly enough */
	CU_ASSERT_EQUAL(dp_gre_encap(m, tmpl, tlen, DP_GRE_PROTO_IPV4, 1), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_headroom(m), 0);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_gre_encap_handles_chained_inner_packet(void)
{
	static const uint16_t segs[] = {100, 300, 120};
	uint8_t tmpl[TMPL_CAP], inner[520];
	const uint16_t tlen = outer_hdr_build(tmpl, sizeof(tmpl), &mac_dst, &mac_src, NBMA_HUB,
	                                      NBMA_SPOKE, true, 0xabcd0042);
	struct rte_mbuf *m = ip_pkt_chained(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 500, segs, 3);
	struct rte_ipv4_hdr *ip;

	pkt_copy(m, inner, 520);
	CU_ASSERT_EQUAL(dp_gre_encap(m, tmpl, tlen, DP_GRE_PROTO_IPV4, 9), 0);
	CU_ASSERT_EQUAL(m->nb_segs, 3);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), tlen + 520);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), tlen - 14 + 520);
	CU_ASSERT_TRUE(ip_csum_ok(ip));
	rte_pktmbuf_free(m);
	check_no_leak();
}

/* ---------------------------------------------------------------------------------------
 * Inner IPv4
 */

static void test_inner_validate_accepts_good_packet(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 100);

	CU_ASSERT_EQUAL(dp_inner_validate(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 120);
	rte_pktmbuf_free(m);

	/* With options: IHL 6, one NOP word. */
	m = ip_pkt_opt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, (const uint8_t[]){1, 1, 1, 0}, 4, 10);
	CU_ASSERT_EQUAL(dp_inner_validate(m), 0);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_trims_padding(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 8);

	/* A 28-byte packet padded to Ethernet's 46-byte minimum payload. */
	memset(rte_pktmbuf_append(m, 18), 0, 18);
	CU_ASSERT_EQUAL(dp_inner_validate(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 28);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 28);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_trims_chained_tail(void)
{
	static const uint16_t segs[] = {60, 50, 40};
	struct rte_mbuf *m = ip_pkt_chained(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 130, segs, 3);
	struct rte_ipv4_hdr *ip = ip_of(m);

	/* Claim 70 bytes: the end falls inside the second segment, the third goes away. */
	ip->total_length = rte_cpu_to_be_16(70);
	ip_fix_csum(ip);
	CU_ASSERT_EQUAL(dp_inner_validate(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 70);
	CU_ASSERT_EQUAL(m->nb_segs, 2);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(m), 60);
	CU_ASSERT_FATAL(m->next != NULL);
	CU_ASSERT_EQUAL(m->next->data_len, 10);
	CU_ASSERT_PTR_NULL(m->next->next);
	rte_pktmbuf_free(m);

	/* Claim exactly the first segment: both others go. */
	m = ip_pkt_chained(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 130, segs, 3);
	ip = ip_of(m);
	ip->total_length = rte_cpu_to_be_16(60);
	ip_fix_csum(ip);
	CU_ASSERT_EQUAL(dp_inner_validate(m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 60);
	CU_ASSERT_EQUAL(m->nb_segs, 1);
	CU_ASSERT_PTR_NULL(m->next);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_rejects_short_buffer(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 0);

	rte_pktmbuf_trim(m, 1); /* 19 bytes: not even a header */
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_TRUNCATED);
	rte_pktmbuf_free(m);

	/* IHL 15 (60 bytes) in a 40-byte packet. */
	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);
	ip_of(m)->version_ihl = 0x4f;
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_TRUNCATED);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_rejects_bad_version(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);

	ip_of(m)->version_ihl = 0x65;
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_BAD_HEADER);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_rejects_small_ihl(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);
	uint8_t ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		ip_of(m)->version_ihl = (uint8_t)(0x40 | ihl);
		CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_BAD_HEADER);
	}
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_rejects_total_length_past_data(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);

	ip_of(m)->total_length = rte_cpu_to_be_16(41);
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_TRUNCATED);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 40);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_rejects_total_length_below_ihl(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);

	ip_of(m)->total_length = rte_cpu_to_be_16(19);
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_BAD_HEADER);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_validate_rejects_bad_checksum(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);

	ip_of(m)->hdr_checksum ^= rte_cpu_to_be_16(0x0100);
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_BAD_CSUM);
	rte_pktmbuf_free(m);

	/* A header field changed without fixing the checksum. */
	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 20);
	ip_of(m)->time_to_live--;
	CU_ASSERT_EQUAL(dp_inner_validate(m), HUB_DROP_INNER_BAD_CSUM);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_inner_ttl_dec_keeps_checksum_valid(void)
{
	struct rte_ipv4_hdr ip;
	unsigned int ttl, proto, bad = 0;

	/* Every TTL that may be forwarded, with protocols that exercise both carry paths. */
	for (proto = 0; proto < 256; proto += 17) {
		for (ttl = 2; ttl <= 255; ttl++) {
			uint16_t csum;

			ip_hdr_fill(&ip, (uint8_t)proto, SRC_ADDR, ADDR(255, 255, 255, 255 - proto),
			            NULL, 0, (uint16_t)(ttl * 3));
			ip.time_to_live = (uint8_t)ttl;
			ip_fix_csum(&ip);
			if (dp_inner_ttl_dec(&ip) != 0) {
				bad++;
				continue;
			}
			bad += ip.time_to_live != ttl - 1;
			bad += !ip_csum_ok(&ip);
			csum = ip.hdr_checksum;
			ip_fix_csum(&ip);
			bad += csum != ip.hdr_checksum;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_inner_ttl_dec_refuses_ttl_1_and_0(void)
{
	struct rte_ipv4_hdr ip, copy;

	ip_hdr_fill(&ip, IPPROTO_UDP, SRC_ADDR, DST_ADDR, NULL, 0, 10);
	ip.time_to_live = 1;
	ip_fix_csum(&ip);
	copy = ip;
	CU_ASSERT_EQUAL(dp_inner_ttl_dec(&ip), -1);
	CU_ASSERT_EQUAL(memcmp(&ip, &copy, sizeof(ip)), 0);

	ip.time_to_live = 0;
	ip_fix_csum(&ip);
	CU_ASSERT_EQUAL(dp_inner_ttl_dec(&ip), -1);
	CU_ASSERT_EQUAL(ip.time_to_live, 0);
}

static void test_inner_cksum_update_matches_recompute(void)
{
	struct rte_ipv4_hdr ip;
	unsigned int i, bad = 0;

	srand(7);
	for (i = 0; i < 10000; i++) {
		const uint16_t id = (uint16_t)rand();
		uint16_t csum;

		ip_hdr_fill(&ip, (uint8_t)rand(), (uint32_t)rand(), (uint32_t)rand(), NULL, 0,
		            (uint16_t)(rand() % 1480));
		csum = dp_inner_cksum_update(ip.hdr_checksum, ip.packet_id, rte_cpu_to_be_16(id));
		ip.packet_id = rte_cpu_to_be_16(id);
		ip.hdr_checksum = csum;
		bad += !ip_csum_ok(&ip);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ---------------------------------------------------------------------------------------
 * ICMP errors
 */

/* Check the common shape of an error about orig; returns its ICMP header. */
static const struct rte_icmp_hdr *check_icmp_err(struct rte_mbuf *e, struct rte_mbuf *orig,
                                                 uint8_t type, uint8_t code, uint16_t quote_len)
{
	const struct rte_ipv4_hdr *ip = ip_of(e);
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(ip + 1);
	uint8_t buf[DP_ICMP_ERR_QUOTE_MAX];

	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(e), 28 + quote_len);
	CU_ASSERT_EQUAL(e->nb_segs, 1);
	CU_ASSERT_EQUAL(ip->version_ihl, 0x45);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), 28 + quote_len);
	CU_ASSERT_EQUAL(ip->time_to_live, 64);
	CU_ASSERT_EQUAL(ip->next_proto_id, IPPROTO_ICMP);
	CU_ASSERT_EQUAL(ip->src_addr, HUB_ADDR);
	CU_ASSERT_EQUAL(ip->dst_addr, ip_of(orig)->src_addr);
	CU_ASSERT_EQUAL(ip->type_of_service, 0xc0);
	CU_ASSERT_TRUE(ip_csum_ok(ip));
	CU_ASSERT_EQUAL(icmp->icmp_type, type);
	CU_ASSERT_EQUAL(icmp->icmp_code, code);
	CU_ASSERT_EQUAL(rte_raw_cksum(icmp, 8u + quote_len), 0xffff);
	CU_ASSERT_EQUAL(
	    memcmp((const uint8_t *)icmp + 8, rte_pktmbuf_read(orig, 0, quote_len, buf), quote_len),
	    0);
	/* The caller routes it like an inner packet: it passes inner validation. */
	CU_ASSERT_EQUAL(dp_inner_validate(e), 0);
	return icmp;
}

static void test_icmp_err_time_exceeded(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 1000);
	struct rte_mbuf *e;
	const struct rte_icmp_hdr *icmp;

	ip_of(orig)->time_to_live = 1;
	ip_fix_csum(ip_of(orig));
	e = dp_icmp_err_build(pool, orig, DP_ICMP_TIME_EXCEEDED, DP_ICMP_TTL_EXCEEDED_IN_TRANSIT, 0,
	                      HUB_ADDR);
	CU_ASSERT_FATAL(e != NULL);
	/* RFC 1812 4.3.2.3: 576 bytes in all, 548 of them quoted. */
	icmp = check_icmp_err(e, orig, 11, 0, DP_ICMP_ERR_QUOTE_MAX);
	CU_ASSERT_EQUAL(icmp->icmp_ident, 0);
	CU_ASSERT_EQUAL(icmp->icmp_seq_nb, 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(e), 576);
	/* The quoted header is the original's, TTL 1 and all. */
	CU_ASSERT_EQUAL(((const struct rte_ipv4_hdr *)((const uint8_t *)icmp + 8))->time_to_live,
	                1);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_frag_needed_carries_mtu(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_TCP, SRC_ADDR, DST_ADDR, 1480);
	struct rte_mbuf *e;
	const struct rte_icmp_hdr *icmp;

	ip_of(orig)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip_fix_csum(ip_of(orig));
	e = dp_icmp_err_build(pool, orig, DP_ICMP_DEST_UNREACH, DP_ICMP_FRAG_NEEDED, 1400,
	                      HUB_ADDR);
	CU_ASSERT_FATAL(e != NULL);
	icmp = check_icmp_err(e, orig, 3, 4, DP_ICMP_ERR_QUOTE_MAX);
	/* RFC 1191 4: unused 16 bits, then the next-hop MTU. */
	CU_ASSERT_EQUAL(icmp->icmp_ident, 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(icmp->icmp_seq_nb), 1400);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_quotes_short_packet_whole(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 8);
	struct rte_mbuf *e;

	/* Ethernet padding past the total length is not quoted. */
	memset(rte_pktmbuf_append(orig, 18), 0xaa, 18);
	e = dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR);
	CU_ASSERT_FATAL(e != NULL);
	check_icmp_err(e, orig, 11, 0, 28);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_quotes_ip_options(void)
{
	static const uint8_t opt[8] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};
	struct rte_mbuf *orig = ip_pkt_opt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, opt, 8, 100);
	struct rte_mbuf *e = dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR);

	CU_ASSERT_FATAL(e != NULL);
	check_icmp_err(e, orig, 11, 0, 128);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_quotes_chained_packet(void)
{
	static const uint16_t segs[] = {24, 400, 300};
	struct rte_mbuf *orig = ip_pkt_chained(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 704, segs, 3);
	struct rte_mbuf *e = dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR);

	CU_ASSERT_FATAL(e != NULL);
	check_icmp_err(e, orig, 11, 0, DP_ICMP_ERR_QUOTE_MAX);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(orig);
	check_no_leak();
}

/* An ICMP message of the given type, 8 header bytes + 28 bytes of quote. */
static struct rte_mbuf *icmp_pkt(uint8_t type)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_ICMP, SRC_ADDR, DST_ADDR, 36);
	uint8_t *p = rte_pktmbuf_mtod_offset(m, uint8_t *, 20);

	p[0] = type;
	p[1] = 0;
	return m;
}

static void test_icmp_err_not_about_icmp_error(void)
{
	static const uint8_t errors[] = {3, 4, 5, 11, 12, 42, 255};
	unsigned int i;

	for (i = 0; i < RTE_DIM(errors); i++) {
		struct rte_mbuf *orig = icmp_pkt(errors[i]);

		CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
		rte_pktmbuf_free(orig);
	}
	check_no_leak();
}

static void test_icmp_err_answers_about_icmp_query(void)
{
	static const uint8_t queries[] = {0, 8, 13, 17};
	unsigned int i;

	for (i = 0; i < RTE_DIM(queries); i++) {
		struct rte_mbuf *orig = icmp_pkt(queries[i]);
		struct rte_mbuf *e = dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR);

		CU_ASSERT_FATAL(e != NULL);
		check_icmp_err(e, orig, 11, 0, 56);
		rte_pktmbuf_free(e);
		rte_pktmbuf_free(orig);
	}
	check_no_leak();
}

static void test_icmp_err_not_about_truncated_icmp(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_ICMP, SRC_ADDR, DST_ADDR, 0);

	/* No type byte to tell an error from a query: assume the worst. */
	CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_not_to_broadcast_source(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, ADDR(255, 255, 255, 255), DST_ADDR, 100);

	CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_not_to_non_host_sources(void)
{
	const uint32_t srcs[] = {
	    ADDR(0, 0, 0, 0),   ADDR(0, 1, 2, 3),   ADDR(127, 0, 0, 1),
	    ADDR(224, 0, 0, 5), ADDR(239, 1, 1, 1), ADDR(240, 0, 0, 1),
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(srcs); i++) {
		struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, srcs[i], DST_ADDR, 100);

		CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 3, 4, 1400, HUB_ADDR));
		rte_pktmbuf_free(orig);
	}
	check_no_leak();
}

static void test_icmp_err_not_about_multicast_or_broadcast_destination(void)
{
	const uint32_t dsts[] = {ADDR(224, 0, 0, 1), ADDR(239, 255, 255, 250),
	                         ADDR(255, 255, 255, 255)};
	unsigned int i;

	for (i = 0; i < RTE_DIM(dsts); i++) {
		struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, SRC_ADDR, dsts[i], 100);

		CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
		rte_pktmbuf_free(orig);
	}
	check_no_leak();
}

static void test_icmp_err_only_about_first_fragment(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 100);
	struct rte_mbuf *e;

	ip_of(orig)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | 100);
	ip_fix_csum(ip_of(orig));
	CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
	ip_of(orig)->fragment_offset = rte_cpu_to_be_16(1);
	ip_fix_csum(ip_of(orig));
	CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));

	/* The first fragment (MF, offset 0) is answered. */
	ip_of(orig)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	ip_fix_csum(ip_of(orig));
	e = dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR);
	CU_ASSERT_FATAL(e != NULL);
	rte_pktmbuf_free(e);
	rte_pktmbuf_free(orig);
	check_no_leak();
}

static void test_icmp_err_not_about_malformed_header(void)
{
	struct rte_mbuf *orig = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 100);

	ip_of(orig)->version_ihl = 0x44;
	CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
	ip_of(orig)->version_ihl = 0x55;
	CU_ASSERT_PTR_NULL(dp_icmp_err_build(pool, orig, 11, 0, 0, HUB_ADDR));
	rte_pktmbuf_free(orig);
	check_no_leak();
}

/* ---------------------------------------------------------------------------------------
 * MSS clamping
 */

/* IPv4 + TCP with the given flags and options (opt_len a multiple of 4) + payload. The TCP
 * checksum is computed in full. */
static struct rte_mbuf *tcp_pkt(uint8_t flags, const uint8_t *opt, uint8_t opt_len,
                                const uint8_t *ip_opt, uint8_t ip_opt_len, uint16_t payload)
{
	const uint16_t thl = (uint16_t)(sizeof(struct rte_tcp_hdr) + opt_len);
	struct rte_mbuf *m =
	    ip_pkt_opt(IPPROTO_TCP, SRC_ADDR, DST_ADDR, ip_opt, ip_opt_len, thl + payload);
	struct rte_ipv4_hdr *ip = ip_of(m);
	struct rte_tcp_hdr *tcp =
	    rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, rte_ipv4_hdr_len(ip));

	memset(tcp, 0, sizeof(*tcp));
	tcp->src_port = rte_cpu_to_be_16(40000);
	tcp->dst_port = rte_cpu_to_be_16(443);
	tcp->sent_seq = rte_cpu_to_be_32(0x11223344);
	tcp->recv_ack = (flags & RTE_TCP_ACK_FLAG) ? rte_cpu_to_be_32(0x55667788) : 0;
	tcp->data_off = (uint8_t)((thl / 4) << 4);
	tcp->tcp_flags = flags;
	tcp->rx_win = rte_cpu_to_be_16(64240);
	memcpy(tcp + 1, opt, opt_len);
	tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
	return m;
}

static struct rte_tcp_hdr *tcp_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, rte_ipv4_hdr_len(ip_of(m)));
}

/* The TCP checksum verified over the pseudo-header and the whole segment. */
static int tcp_csum_ok(struct rte_mbuf *m)
{
	struct rte_tcp_hdr *tcp = tcp_of(m);
	const uint16_t got = tcp->cksum;
	uint16_t want;

	if (rte_ipv4_udptcp_cksum_verify(ip_of(m), tcp) != 0)
		return 0;
	tcp->cksum = 0;
	want = rte_ipv4_udptcp_cksum(ip_of(m), tcp);
	tcp->cksum = got;
	/* 0x0000 and 0xffff are the same number in one's complement. */
	return got == want || (got == 0 && want == 0xffff);
}

static uint16_t opt_mss_at(struct rte_mbuf *m, unsigned int off)
{
	const uint8_t *o = (const uint8_t *)(tcp_of(m) + 1) + off;

	return (uint16_t)((o[2] << 8) | o[3]);
}

static const uint8_t opt_mss1460[] = {2, 4, 0x05, 0xb4};

static void test_mss_clamp_lowers_1460_to_1360(void)
{
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, NULL, 0, 0);

	CU_ASSERT_TRUE(tcp_csum_ok(m));
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 1);
	CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1360);
	CU_ASSERT_TRUE(tcp_csum_ok(m));
	CU_ASSERT_TRUE(ip_csum_ok(ip_of(m)));
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_lowers_syn_ack_with_other_options(void)
{
	/* MSS, SACK permitted, timestamps, NOP, window scale: Linux's SYN-ACK layout. */
	static const uint8_t opt[] = {2, 4, 0x23, 0x28, 4, 2, 8, 10, 0, 0,
	                              0, 1, 0,    0,    0, 0, 1, 3,  3, 7};
	struct rte_mbuf *m =
	    tcp_pkt(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, opt, sizeof(opt), NULL, 0, 0);

	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 1);
	CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1360);
	CU_ASSERT_TRUE(tcp_csum_ok(m));
	/* The other options are untouched. */
	CU_ASSERT_EQUAL(memcmp((uint8_t *)(tcp_of(m) + 1) + 4, opt + 4, sizeof(opt) - 4), 0);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_fixes_checksum_at_odd_offset(void)
{
	static const uint16_t in[] = {1361, 1460, 8960, 0xff00, 0xffff};
	static const uint16_t to[] = {1360, 536, 1, 0x00ff, 1200};
	unsigned int i, j, bad = 0;

	/* NOP first puts the MSS value on odd byte offsets, straddling checksum words. */
	for (i = 0; i < RTE_DIM(in); i++) {
		for (j = 0; j < RTE_DIM(to); j++) {
			uint8_t opt[8] = {1, 2, 4, (uint8_t)(in[i] >> 8), (uint8_t)in[i], 1, 1, 0};
			struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt, 8, NULL, 0, 0);

			bad += dp_mss_clamp(m, to[j]) != (in[i] > to[j]);
			bad += opt_mss_at(m, 1) != RTE_MIN(in[i], to[j]);
			bad += !tcp_csum_ok(m);
			rte_pktmbuf_free(m);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	check_no_leak();
}

static void test_mss_clamp_checksum_valid_with_payload(void)
{
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, NULL, 0, 33);

	/* TCP Fast Open carries data on the SYN. */
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1300), 1);
	CU_ASSERT_TRUE(tcp_csum_ok(m));
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_leaves_smaller_mss(void)
{
	static const uint8_t opt[] = {2, 4, 0x04, 0xb0}; /* 1200 */
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt, 4, NULL, 0, 0);
	uint8_t before[64];

	memcpy(before, rte_pktmbuf_mtod(m, void *), 44);
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 0);
	CU_ASSERT_EQUAL(memcmp(before, rte_pktmbuf_mtod(m, void *), 44), 0);
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1200), 0); /* equal is not above */
	CU_ASSERT_EQUAL(memcmp(before, rte_pktmbuf_mtod(m, void *), 44), 0);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_leaves_non_syn(void)
{
	static const uint8_t flags[] = {RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
	                                RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, RTE_TCP_RST_FLAG, 0};
	unsigned int i;

	for (i = 0; i < RTE_DIM(flags); i++) {
		struct rte_mbuf *m = tcp_pkt(flags[i], opt_mss1460, 4, NULL, 0, 10);

		CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 0);
		CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1460);
		rte_pktmbuf_free(m);
	}
	check_no_leak();
}

static void test_mss_clamp_leaves_malformed_options(void)
{
	static const uint8_t bad_opts[][8] = {
	    {2, 4, 0x05, 0xb4, 8, 0, 0, 0},  /* length 0 */
	    {2, 4, 0x05, 0xb4, 8, 1, 0, 0},  /* length 1 */
	    {2, 4, 0x05, 0xb4, 8, 10, 0, 0}, /* runs past the header */
	    {2, 3, 0x05, 0xb4, 1, 1, 1, 1},  /* MSS with length 3 */
	    {2, 8, 0x05, 0xb4, 0, 0, 0, 0},  /* MSS with length 8 */
	    {1, 1, 1, 1, 1, 1, 2, 4},        /* MSS cut off by the end of the header */
	    {2, 4, 0x05, 0xb4, 1, 1, 1, 8},  /* a kind in the last byte, no room for length */
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad_opts); i++) {
		struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, bad_opts[i], 8, NULL, 0, 0);
		uint8_t before[64];

		memcpy(before, rte_pktmbuf_mtod(m, void *), 48);
		CU_ASSERT_EQUAL(dp_mss_clamp(m, 536), 0);
		CU_ASSERT_EQUAL(memcmp(before, rte_pktmbuf_mtod(m, void *), 48), 0);
		rte_pktmbuf_free(m);
	}
	check_no_leak();
}

static void test_mss_clamp_leaves_bad_data_offset(void)
{
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, NULL, 0, 0);

	tcp_of(m)->data_off = 15 << 4; /* 60 bytes claimed, 24 present */
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 536), 0);
	tcp_of(m)->data_off = 4 << 4; /* below the minimum */
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 536), 0);
	CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1460);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_stops_at_end_of_options(void)
{
	static const uint8_t opt[] = {0, 0, 0, 0, 2, 4, 0x05, 0xb4};
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt, 8, NULL, 0, 0);

	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 0);
	CU_ASSERT_EQUAL(opt_mss_at(m, 4), 1460);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_handles_ip_options(void)
{
	static const uint8_t ip_opt[] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, ip_opt, 8, 0);

	CU_ASSERT_TRUE(tcp_csum_ok(m));
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 1);
	CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1360);
	CU_ASSERT_TRUE(tcp_csum_ok(m));
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_skips_non_first_fragment(void)
{
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, NULL, 0, 0);

	/* Bytes that look like a SYN at offset 800 are payload, not a header. */
	ip_of(m)->fragment_offset = rte_cpu_to_be_16(100);
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 0);
	CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1460);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_leaves_non_tcp(void)
{
	struct rte_mbuf *m = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, NULL, 0, 0);

	ip_of(m)->next_proto_id = IPPROTO_UDP;
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 0);
	CU_ASSERT_EQUAL(opt_mss_at(m, 0), 1460);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_mss_clamp_leaves_header_beyond_first_segment(void)
{
	static const uint16_t segs[] = {30, 14};
	struct rte_mbuf *flat = tcp_pkt(RTE_TCP_SYN_FLAG, opt_mss1460, 4, NULL, 0, 0);
	struct rte_mbuf *m = mbuf_new(small_pool), *m2 = mbuf_new(small_pool);

	memcpy(rte_pktmbuf_append(m, segs[0]), rte_pktmbuf_mtod(flat, void *), segs[0]);
	memcpy(rte_pktmbuf_append(m2, segs[1]), rte_pktmbuf_mtod_offset(flat, void *, segs[0]),
	       segs[1]);
	CU_ASSERT_FATAL(rte_pktmbuf_chain(m, m2) == 0);
	CU_ASSERT_EQUAL(dp_mss_clamp(m, 1360), 0);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(flat);
	check_no_leak();
}

/* ---------------------------------------------------------------------------------------
 * Fragmentation
 */

#define FRAG_MAX 64

/* Check the fragments of orig_copy (a flat copy of the original packet, header + payload)
 * field by field and put the payload back together; returns 1 when it equals the original. */
static int frag_check_reassemble(struct rte_mbuf **f, int n, const uint8_t *orig_copy,
                                 uint16_t orig_ihl, uint16_t orig_total, uint16_t mtu,
                                 uint16_t first_units, bool last_mf)
{
	static uint8_t buf[65536];
	const struct rte_ipv4_hdr *oip = (const struct rte_ipv4_hdr *)orig_copy;
	const uint32_t payload = orig_total - orig_ihl;
	uint32_t covered = 0, expect_off = 0;
	int i, ok = 1;

	memset(buf, 0, payload);
	for (i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip = ip_of(f[i]);
		const uint16_t ihl = rte_ipv4_hdr_len(ip);
		const uint16_t total = rte_be_to_cpu_16(ip->total_length);
		const uint16_t field = rte_be_to_cpu_16(ip->fragment_offset);
		const uint32_t off = ((field & RTE_IPV4_HDR_OFFSET_MASK) - first_units) * 8u;
		const bool mf = (field & RTE_IPV4_HDR_MF_FLAG) != 0;

		ok &= f[i]->nb_segs == 1;
		ok &= rte_pktmbuf_pkt_len(f[i]) == total;
		ok &= total <= mtu;
		ok &= ip_csum_ok(ip);
		ok &= ip->packet_id == oip->packet_id;
		ok &= ip->src_addr == oip->src_addr && ip->dst_addr == oip->dst_addr;
		ok &= ip->next_proto_id == oip->next_proto_id;
		ok &= ip->time_to_live == oip->time_to_live;
		ok &= !(field & RTE_IPV4_HDR_DF_FLAG);
		ok &= off == expect_off;
		ok &= mf == (i < n - 1 ? true : last_mf);
		if (i < n - 1)
			ok &= (total - ihl) % 8 == 0;
		ok &= rte_pktmbuf_headroom(f[i]) >= DP_FRAG_HEADROOM_MIN;
		if (!ok)
			return 0;
		memcpy(buf + off, rte_pktmbuf_mtod_offset(f[i], uint8_t *, ihl), total - ihl);
		covered += total - ihl;
		expect_off += total - ihl;
	}
	return ok && covered == payload && memcmp(buf, orig_copy + orig_ihl, payload) == 0;
}

static void frag_free_all(struct rte_mbuf **f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(f[i]);
}

static void test_frag_3000_bytes_at_mtu_1400_gives_3_fragments(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2980);
	struct rte_mbuf *f[FRAG_MAX];
	static uint8_t copy[3000];
	int n, i;
	static const uint16_t want_len[] = {1396, 1396, 248};
	static const uint16_t want_field[] = {RTE_IPV4_HDR_MF_FLAG | 0, RTE_IPV4_HDR_MF_FLAG | 172,
	                                      344};

	memcpy(copy, rte_pktmbuf_mtod(m, void *), 3000);
	n = dp_frag_ipv4(m, 1400, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (i = 0; i < 3; i++) {
		const struct rte_ipv4_hdr *ip = ip_of(f[i]);

		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length), want_len[i]);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->fragment_offset), want_field[i]);
		CU_ASSERT_TRUE(ip_csum_ok(ip));
	}
	CU_ASSERT_TRUE(frag_check_reassemble(f, n, copy, 20, 3000, 1400, 0, false));
	frag_free_all(f, n);
	check_no_leak();
}

static void test_frag_reassembles_with_librte_ip_frag(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 3980);
	struct rte_mbuf *f[FRAG_MAX], *whole = NULL;
	static uint8_t copy[4000], back[4000];
	struct rte_ip_frag_death_row dr = {0};
	struct rte_ip_frag_tbl *tbl;
	int n, i;

	tbl = rte_ip_frag_table_create(4, 4, 16, rte_get_tsc_hz(), SOCKET_ID_ANY);
	CU_ASSERT_FATAL(tbl != NULL);
	memcpy(copy, rte_pktmbuf_mtod(m, void *), 4000);
	n = dp_frag_ipv4(m, 1000, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 5); /* 976 payload bytes each: 3980 -> 4 x 976 + 76 */
	/* Out of order, as a network may deliver them. */
	for (i = n - 1; i >= 0; i--) {
		struct rte_mbuf *r;

		f[i]->l2_len = 0;
		f[i]->l3_len = rte_ipv4_hdr_len(ip_of(f[i]));
		r = rte_ipv4_frag_reassemble_packet(tbl, &dr, f[i], rte_rdtsc(), ip_of(f[i]));
		if (r != NULL)
			whole = r;
	}
	CU_ASSERT_FATAL(whole != NULL);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(whole), 4000);
	CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_read(whole, 20, 3980, back), copy + 20, 3980), 0);
	rte_pktmbuf_free(whole);
	rte_ip_frag_free_death_row(&dr, 0);
	rte_ip_frag_table_destroy(tbl);
	check_no_leak();
}

static void test_frag_passes_small_packet_through(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 1380);
	struct rte_mbuf *f[FRAG_MAX];

	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1400, pool, NULL, f, FRAG_MAX), 1);
	CU_ASSERT_PTR_EQUAL(f[0], m);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 1400);
	rte_pktmbuf_free(m);
	check_no_leak();
}

static void test_frag_refuses_df(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2000);
	struct rte_mbuf *f[FRAG_MAX];

	ip_of(m)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1400, pool, NULL, f, FRAG_MAX), -EMSGSIZE);
	check_no_leak(); /* m was freed */
}

static void test_frag_refuses_more_fragments_than_room(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2980);
	struct rte_mbuf *f[2];

	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1400, pool, NULL, f, 2), -E2BIG);
	check_no_leak();

	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 100);
	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1400, pool, NULL, f, 0), -E2BIG);
	check_no_leak();
}

static void test_frag_refuses_tiny_mtu_and_small_buffers(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 100);
	struct rte_mbuf *f[FRAG_MAX];

	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 27, pool, NULL, f, FRAG_MAX), -EINVAL);
	check_no_leak();
	/* 28 is the smallest that works: 8 payload bytes per fragment. */
	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 100);
	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 28, pool, NULL, f, FRAG_MAX), 13);
	frag_free_all(f, 13);
	check_no_leak();
	/* Fragments must fit one buffer of the direct pool. */
	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2000);
	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1400, small_pool, NULL, f, FRAG_MAX), -EINVAL);
	check_no_leak();
}

static void test_frag_refragments_a_fragment(void)
{
	struct rte_mbuf *f[FRAG_MAX], *m;
	static uint8_t copy[3000];
	int n;

	/* A middle fragment: offset 100 units, MF set: every piece keeps MF. */
	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2000);
	ip_of(m)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | 100);
	ip_fix_csum(ip_of(m));
	memcpy(copy, rte_pktmbuf_mtod(m, void *), 2020);
	n = dp_frag_ipv4(m, 1000, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip_of(f[0])->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK,
	                100);
	CU_ASSERT_TRUE(frag_check_reassemble(f, n, copy, 20, 2020, 1000, 100, true));
	frag_free_all(f, n);

	/* The last fragment of a datagram: the last piece has MF clear. */
	m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2000);
	ip_of(m)->fragment_offset = rte_cpu_to_be_16(100);
	ip_fix_csum(ip_of(m));
	memcpy(copy, rte_pktmbuf_mtod(m, void *), 2020);
	n = dp_frag_ipv4(m, 1000, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_TRUE(frag_check_reassemble(f, n, copy, 20, 2020, 1000, 100, false));
	frag_free_all(f, n);
	check_no_leak();
}

static void test_frag_refuses_offset_overflow(void)
{
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2000);
	struct rte_mbuf *f[FRAG_MAX];

	ip_of(m)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK - 10);
	ip_fix_csum(ip_of(m));
	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1000, pool, NULL, f, FRAG_MAX), -EINVAL);
	check_no_leak();
}

static void test_frag_copies_only_copied_options(void)
{
	/* Router alert (0x94: copied), record route (7: not copied, 7 bytes), EOL. */
	static const uint8_t opt[12] = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07,
	                                0x04, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct rte_mbuf *m = ip_pkt_opt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, opt, 12, 2968);
	struct rte_mbuf *f[FRAG_MAX];
	static uint8_t copy[3000];
	const uint8_t *o;
	int n, i;

	memcpy(copy, rte_pktmbuf_mtod(m, void *), 3000);
	n = dp_frag_ipv4(m, 1400, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	/* First: the whole 32-byte header, 1368 payload bytes. */
	CU_ASSERT_EQUAL(rte_ipv4_hdr_len(ip_of(f[0])), 32);
	CU_ASSERT_EQUAL(memcmp(ip_of(f[0]) + 1, opt, 12), 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip_of(f[0])->total_length), 1400);
	for (i = 1; i < n; i++) {
		CU_ASSERT_EQUAL(rte_ipv4_hdr_len(ip_of(f[i])), 24);
		o = (const uint8_t *)(ip_of(f[i]) + 1);
		CU_ASSERT_EQUAL(memcmp(o, opt, 4), 0);
	}
	/* Later ones: 24-byte header, 1376 payload bytes. */
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip_of(f[1])->total_length), 1400);
	CU_ASSERT_TRUE(frag_check_reassemble(f, n, copy, 32, 3000, 1400, 0, false));
	frag_free_all(f, n);
	check_no_leak();
}

static void test_frag_refuses_malformed_options(void)
{
	static const uint8_t opt[4] = {0x94, 0x08, 0x00, 0x00}; /* length past the header */
	struct rte_mbuf *m = ip_pkt_opt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, opt, 4, 2000);
	struct rte_mbuf *f[FRAG_MAX];

	CU_ASSERT_EQUAL(dp_frag_ipv4(m, 1400, pool, NULL, f, FRAG_MAX), -EINVAL);
	check_no_leak();
}

static void test_frag_accepts_chained_input(void)
{
	static const uint16_t segs[] = {500, 512, 512, 476};
	struct rte_mbuf *m = ip_pkt_chained(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 1980, segs, 4);
	struct rte_mbuf *f[FRAG_MAX];
	static uint8_t copy[2000];
	int n;

	pkt_copy(m, copy, 2000);
	n = dp_frag_ipv4(m, 700, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_TRUE(frag_check_reassemble(f, n, copy, 20, 2000, 700, 0, false));
	frag_free_all(f, n);
	check_no_leak();
}

static void test_frag_output_takes_gre_encap(void)
{
	uint8_t tmpl[TMPL_CAP];
	const uint16_t tlen =
	    outer_hdr_build(tmpl, sizeof(tmpl), &mac_dst, &mac_src, NBMA_HUB, NBMA_SPOKE, true, 1);
	struct rte_mbuf *m = ip_pkt(IPPROTO_UDP, SRC_ADDR, DST_ADDR, 2980);
	struct rte_mbuf *f[FRAG_MAX];
	int n, i;

	n = dp_frag_ipv4(m, 1400, pool, NULL, f, FRAG_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (i = 0; i < n; i++) {
		CU_ASSERT_TRUE(rte_pktmbuf_headroom(f[i]) >= DP_FRAG_HEADROOM_MIN);
		CU_ASSERT_EQUAL(dp_gre_encap(f[i], tmpl, tlen, DP_GRE_PROTO_IPV4, (uint16_t)i), 0);
		CU_ASSERT_TRUE(
		    ip_csum_ok(rte_pktmbuf_mtod_offset(f[i], struct rte_ipv4_hdr *, 14)));
	}
	frag_free_all(f, n);
	check_no_leak();
}

/* ---------------------------------------------------------------------------------------
 * Redirect trigger limiter
 */

static struct dp_redirect_limiter *lim;
#define SEC 1000000ull /* a made-up TSC rate: one "second" */

static void test_redirect_allows_first_trigger(void)
{
	dp_redirect_init(lim, SEC);
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, 5 * SEC));
	/* A free entry never suppresses, even for key (0, 0) at time 0. */
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 0, 0, 0));
}

static void test_redirect_suppresses_repeat_within_interval(void)
{
	dp_redirect_init(lim, SEC);
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, 5 * SEC));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, 5 * SEC));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, 5 * SEC + 1));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, 6 * SEC - 1));
}

static void test_redirect_allows_again_after_interval(void)
{
	dp_redirect_init(lim, SEC);
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, 5 * SEC));
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, 6 * SEC));
	/* The window restarts from the new trigger. */
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, 7 * SEC - 1));
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, 7 * SEC));
}

static void test_redirect_destinations_are_independent(void)
{
	uint32_t i;
	int bad = 0;

	uint32_t suppressed = 0;

	dp_redirect_init(lim, SEC);
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, SEC));
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, ADDR(10, 0, 2, 8), SEC));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, SEC + 1));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, ADDR(10, 0, 2, 8), SEC + 1));

	/* 1000 destinations from one source: collisions can only let more through, so
	 * every first trigger goes out, and most repeats are still held back. */
	dp_redirect_init(lim, SEC);
	for (i = 0; i < 1000; i++)
		bad += !dp_redirect_allow(lim, 3, ADDR(10, 9, i >> 8, i & 0xff), SEC);
	CU_ASSERT_EQUAL(bad, 0);
	for (i = 0; i < 1000; i++)
		suppressed += !dp_redirect_allow(lim, 3, ADDR(10, 9, i >> 8, i & 0xff), SEC + 1);
	CU_ASSERT_TRUE(suppressed >= 800);
}

static void test_redirect_sources_are_independent(void)
{
	dp_redirect_init(lim, SEC);
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, SEC));
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 4, DST_ADDR, SEC));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, SEC + 2));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 4, DST_ADDR, SEC + 2));
}

static void test_redirect_collision_fails_open(void)
{
	uint32_t b;
	bool found = false;

	/* Find a pair that shares A's entry: it evicts A, so A may trigger again early. */
	for (b = 1; b < 1u << 20 && !found; b++) {
		dp_redirect_init(lim, SEC);
		dp_redirect_allow(lim, 7, DST_ADDR, SEC);
		dp_redirect_allow(lim, 7, b, SEC);
		if (b != DST_ADDR && dp_redirect_allow(lim, 7, DST_ADDR, SEC + 1))
			found = true;
	}
	CU_ASSERT_TRUE(found);
	/* And the evicted pair is limited again from its new trigger on. */
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 7, DST_ADDR, SEC + 2));
}

static void test_redirect_saturates_at_end_of_time(void)
{
	dp_redirect_init(lim, SEC);
	CU_ASSERT_TRUE(dp_redirect_allow(lim, 3, DST_ADDR, UINT64_MAX - 10));
	CU_ASSERT_FALSE(dp_redirect_allow(lim, 3, DST_ADDR, UINT64_MAX - 1));
}

/* ---------------------------------------------------------------------------------------
 * Drop reasons this file's stages return
 */

static void test_drop_names_cover_stage_reasons(void)
{
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_GRE_TRUNCATED), "gre-truncated");
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_GRE_VERSION), "gre-version");
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_GRE_FLAGS), "gre-flags");
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_GRE_BAD_CSUM), "gre-bad-checksum");
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_INNER_TRUNCATED), "inner-truncated");
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_INNER_BAD_HEADER), "inner-bad-header");
	CU_ASSERT_STRING_EQUAL(hub_drop_name(HUB_DROP_INNER_BAD_CSUM), "inner-bad-checksum");
	/* 0 means "no drop" for the stages: no stage reason may be 0. */
	CU_ASSERT_NOT_EQUAL(HUB_DROP_GRE_TRUNCATED, 0);
}

/* ---------------------------------------------------------------------------------------
 * Hostile input
 */

static void test_gre_parse_survives_random_input(void)
{
	unsigned int i, bad = 0;

	/* Exact-size heap buffers, so a sanitizer build catches any read past len. */
	srand(11);
	for (i = 0; i < 50000; i++) {
		const uint16_t len = (uint16_t)(rand() % 24);
		uint8_t *p = malloc(len ? len : 1);
		struct dp_gre_info g;
		uint16_t j;
		int r;

		CU_ASSERT_FATAL(p != NULL);
		for (j = 0; j < len; j++)
			p[j] = (uint8_t)rand();
		if (len >= 2 && (rand() & 1)) {
			p[0] &= 0xb3; /* no R, strict route or bit 5 */
			p[1] = 0;     /* version 0 */
		}
		r = dp_gre_parse(p, len, &g);
		if (r == 0)
			bad += g.hdr_len > len || g.hdr_len < 4 || g.hdr_len > 16;
		else
			bad += r != HUB_DROP_GRE_TRUNCATED && r != HUB_DROP_GRE_VERSION &&
			       r != HUB_DROP_GRE_FLAGS && r != HUB_DROP_GRE_BAD_CSUM;
		free(p);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_stages_survive_random_packets(void)
{
	struct rte_mbuf *f[FRAG_MAX];
	unsigned int i, bad = 0;

	srand(5);
	for (i = 0; i < 20000; i++) {
		const uint16_t len = (uint16_t)(rand() % 160);
		struct rte_mbuf *m = mbuf_new(pool), *e;
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len ? len : 1);
		uint16_t j;
		int n;

		CU_ASSERT_FATAL(p != NULL);
		if (len == 0)
			rte_pktmbuf_trim(m, 1);
		for (j = 0; j < len; j++)
			p[j] = (uint8_t)rand();
		/* Half of them get a plausible IPv4 + TCP SYN start, IHL 5-7, a length near the
		 * buffer's and a valid header checksum, so the deeper code runs too. */
		if (len >= 48 && (rand() & 1)) {
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

			p[0] = (uint8_t)(0x45 + rand() % 3);
			p[2] = 0;
			p[3] = (uint8_t)(len - rand() % 8);
			p[6] = (uint8_t)(rand() & 0x20); /* MF or not, DF clear, offset 0 */
			p[7] = 0;
			p[9] = IPPROTO_TCP;
			p[(p[0] & 0xf) * 4 + 13] |= RTE_TCP_SYN_FLAG;
			ip_fix_csum(ip);
		}
		(void)dp_mss_clamp(m, 536);
		e = dp_icmp_err_build(pool, m, 11, 0, 0, HUB_ADDR);
		if (e != NULL) {
			bad += dp_inner_validate(e) != 0;
			rte_pktmbuf_free(e);
		}
		if (dp_inner_validate(m) == 0) {
			bad += !ip_csum_ok(ip_of(m));
			bad += rte_pktmbuf_pkt_len(m) != rte_be_to_cpu_16(ip_of(m)->total_length);
		}
		n = dp_frag_ipv4(m, 68, pool, NULL, f, FRAG_MAX);
		if (n > 0)
			frag_free_all(f, n);
	}
	CU_ASSERT_EQUAL(bad, 0);
	check_no_leak();
}

/* --------------------------------------------------------------------------------------- */

struct test_def {
	const char *name;
	CU_TestFunc fn;
};

#define T(fn)                                                                                      \
	{                                                                                          \
#fn, fn                                                                            \
	}

static const struct test_def gre_tests[] = {
    T(test_gre_parse_accepts_plain_header),
    T(test_gre_parse_reads_key),
    T(test_gre_parse_accepts_good_checksum),
    T(test_gre_parse_rejects_bad_checksum),
    T(test_gre_parse_skips_sequence_number),
    T(test_gre_parse_accepts_checksum_key_and_sequence),
    T(test_gre_parse_rejects_nonzero_version),
    T(test_gre_parse_rejects_routing_bit),
    T(test_gre_parse_rejects_strict_source_route_bit),
    T(test_gre_parse_rejects_bit5),
    T(test_gre_parse_ignores_reserved_bits_6_to_12),
    T(test_gre_parse_rejects_truncated_at_every_length),
    T(test_gre_write_emits_key_only_when_asked),
    T(test_gre_template_builds_outer_headers),
    T(test_gre_template_refuses_small_buffer),
    T(test_gre_encap_then_parse_back),
    T(test_gre_encap_with_key_then_parse_back),
    T(test_gre_encap_checksum_valid_for_all_lengths_and_ids),
    T(test_gre_encap_fails_without_headroom),
    T(test_gre_encap_handles_chained_inner_packet),
};

static const struct test_def inner_tests[] = {
    T(test_inner_validate_accepts_good_packet),
    T(test_inner_validate_trims_padding),
    T(test_inner_validate_trims_chained_tail),
    T(test_inner_validate_rejects_short_buffer),
    T(test_inner_validate_rejects_bad_version),
    T(test_inner_validate_rejects_small_ihl),
    T(test_inner_validate_rejects_total_length_past_data),
    T(test_inner_validate_rejects_total_length_below_ihl),
    T(test_inner_validate_rejects_bad_checksum),
    T(test_inner_ttl_dec_keeps_checksum_valid),
    T(test_inner_ttl_dec_refuses_ttl_1_and_0),
    T(test_inner_cksum_update_matches_recompute),
};

static const struct test_def icmp_tests[] = {
    T(test_icmp_err_time_exceeded),
    T(test_icmp_err_frag_needed_carries_mtu),
    T(test_icmp_err_quotes_short_packet_whole),
    T(test_icmp_err_quotes_ip_options),
    T(test_icmp_err_quotes_chained_packet),
    T(test_icmp_err_not_about_icmp_error),
    T(test_icmp_err_answers_about_icmp_query),
    T(test_icmp_err_not_about_truncated_icmp),
    T(test_icmp_err_not_to_broadcast_source),
    T(test_icmp_err_not_to_non_host_sources),
    T(test_icmp_err_not_about_multicast_or_broadcast_destination),
    T(test_icmp_err_only_about_first_fragment),
    T(test_icmp_err_not_about_malformed_header),
};

static const struct test_def mss_tests[] = {
    T(test_mss_clamp_lowers_1460_to_1360),
    T(test_mss_clamp_lowers_syn_ack_with_other_options),
    T(test_mss_clamp_fixes_checksum_at_odd_offset),
    T(test_mss_clamp_checksum_valid_with_payload),
    T(test_mss_clamp_leaves_smaller_mss),
    T(test_mss_clamp_leaves_non_syn),
    T(test_mss_clamp_leaves_malformed_options),
    T(test_mss_clamp_leaves_bad_data_offset),
    T(test_mss_clamp_stops_at_end_of_options),
    T(test_mss_clamp_handles_ip_options),
    T(test_mss_clamp_skips_non_first_fragment),
    T(test_mss_clamp_leaves_non_tcp),
    T(test_mss_clamp_leaves_header_beyond_first_segment),
};

static const struct test_def frag_tests[] = {
    T(test_frag_3000_bytes_at_mtu_1400_gives_3_fragments),
    T(test_frag_reassembles_with_librte_ip_frag),
    T(test_frag_passes_small_packet_through),
    T(test_frag_refuses_df),
    T(test_frag_refuses_more_fragments_than_room),
    T(test_frag_refuses_tiny_mtu_and_small_buffers),
    T(test_frag_refragments_a_fragment),
    T(test_frag_refuses_offset_overflow),
    T(test_frag_copies_only_copied_options),
    T(test_frag_refuses_malformed_options),
    T(test_frag_accepts_chained_input),
    T(test_frag_output_takes_gre_encap),
};

static const struct test_def redirect_tests[] = {
    T(test_redirect_allows_first_trigger),
    T(test_redirect_suppresses_repeat_within_interval),
    T(test_redirect_allows_again_after_interval),
    T(test_redirect_destinations_are_independent),
    T(test_redirect_sources_are_independent),
    T(test_redirect_collision_fails_open),
    T(test_redirect_saturates_at_end_of_time),
    T(test_drop_names_cover_stage_reasons),
};

static const struct test_def hostile_tests[] = {
    T(test_gre_parse_survives_random_input),
    T(test_stages_survive_random_packets),
};

static int add_suite(const char *name, const struct test_def *t, size_t n)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (CU_add_test(s, t[i].name, t[i].fn) == NULL)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	char *eal_argv[] = {argv[0],       "--no-huge",      "-m",       "256",
	                    "--no-shconf", "--no-telemetry", "--no-pci", "-l",
	                    "0",           "--log-level=6",  NULL};
	int eal_argc = (int)RTE_DIM(eal_argv) - 1;

	RTE_SET_USED(argc);
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("stages", POOL_SIZE, 0, 0, POOL_DATA_ROOM, SOCKET_ID_ANY);
	small_pool = rte_pktmbuf_pool_create("stages_small", SMALL_POOL_SIZE, 0, 0, SMALL_DATA_ROOM,
	                                     SOCKET_ID_ANY);
	lim = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*lim));
	if (pool == NULL || small_pool == NULL || lim == NULL) {
		fprintf(stderr, "cannot allocate test pools\n");
		return 1;
	}

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (add_suite("gre", gre_tests, RTE_DIM(gre_tests)) ||
	    add_suite("inner", inner_tests, RTE_DIM(inner_tests)) ||
	    add_suite("icmp_err", icmp_tests, RTE_DIM(icmp_tests)) ||
	    add_suite("mss", mss_tests, RTE_DIM(mss_tests)) ||
	    add_suite("frag", frag_tests, RTE_DIM(frag_tests)) ||
	    add_suite("redirect", redirect_tests, RTE_DIM(redirect_tests)) ||
	    add_suite("hostile", hostile_tests, RTE_DIM(hostile_tests))) {
		CU_cleanup_registry();
		return 1;
	}
	return hub_cunit_run();
}
