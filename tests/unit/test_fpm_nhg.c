/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECMP member choice (lib/dp_nhg.h) for routes from FPM: one flow keeps one member, flows
 * spread over every member, fragments and non-TCP/UDP hash on addresses only, and a
 * truncated header never makes it read the ports. Header-only DPDK, no EAL.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "lib/dp_msg.h"
#include "lib/dp_nhg.h"
#include "tests/unit/cunit_run.h"

struct pkt {
	struct rte_ipv4_hdr ip;
	uint16_t sport, dport;
} __attribute__((packed));

static struct pkt flow(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ip.version_ihl = 0x45;
	p.ip.total_length = rte_cpu_to_be_16(sizeof(p));
	p.ip.next_proto_id = proto;
	p.ip.src_addr = rte_cpu_to_be_32(src);
	p.ip.dst_addr = rte_cpu_to_be_32(dst);
	p.sport = rte_cpu_to_be_16(sport);
	p.dport = rte_cpu_to_be_16(dport);
	return p;
}

static struct dp_nhg group(unsigned int n)
{
	struct dp_nhg g;

	memset(&g, 0, sizeof(g));
	g.n = n;
	for (unsigned int i = 0; i < n; i++)
		g.nh[i] = DP_NH(DP_NH_PEER, 100 + i);
	return g;
}

static void test_fpm_nhg_same_flow_same_member(void)
{
	struct dp_nhg g = group(4);
	struct pkt p = flow(0x42424201, 0x58585801, IPPROTO_TCP, 40000, 179);
	uint32_t first = dp_nhg_pick(&g, &p.ip, sizeof(p));

	CU_ASSERT(DP_NH_IDX(first) >= 100 && DP_NH_IDX(first) < 104);
	for (int i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(dp_nhg_pick(&g, &p.ip, sizeof(p)), first);
}

static void test_fpm_nhg_flows_spread_over_every_member(void)
{
	for (unsigned int n = 2; n <= DP_NHG_MAX; n++) {
		struct dp_nhg g = group(n);
		unsigned int hits[DP_NHG_MAX] = {0}, min = ~0u, max = 0;
		const unsigned int flows = 2000 * n;

		for (unsigned int f = 0; f < flows; f++) {
			struct pkt p = flow(0x0a000000 + f, 0x4d000001, IPPROTO_UDP,
					    (uint16_t)(1024 + f * 7), 53);
			uint32_t nh = dp_nhg_pick(&g, &p.ip, sizeof(p));

			CU_ASSERT_FATAL(DP_NH_IDX(nh) >= 100 && DP_NH_IDX(nh) < 100 + n);
			hits[DP_NH_IDX(nh) - 100]++;
		}
		for (unsigned int i = 0; i < n; i++) {
			min = hits[i] < min ? hits[i] : min;
			max = hits[i] > max ? hits[i] : max;
		}
		/* 2000 flows per member on average: every member within +-15 % */
		CU_ASSERT(min > 1700 && max < 2300);
	}
}

static void test_fpm_nhg_ports_change_the_member(void)
{
	struct dp_nhg g = group(8);
	unsigned int seen = 0;

	for (uint16_t sport = 1000; sport < 1064; sport++) {
		struct pkt p = flow(0x42424201, 0x58585801, IPPROTO_TCP, sport, 80);

		seen |= 1u << (DP_NH_IDX(dp_nhg_pick(&g, &p.ip, sizeof(p))) - 100);
	}
	CU_ASSERT(seen == 0xff); /* one address pair, 64 ports: every member used */
}

static void test_fpm_nhg_fragments_and_short_headers_ignore_ports(void)
{
	struct dp_nhg g = group(8);
	struct pkt a = flow(0x42424201, 0x58585801, IPPROTO_UDP, 1000, 53);
	struct pkt b = flow(0x42424201, 0x58585801, IPPROTO_UDP, 2000, 53);
	struct pkt icmp = flow(0x42424201, 0x58585801, IPPROTO_ICMP, 1000, 53);
	struct pkt icmp2 = flow(0x42424201, 0x58585801, IPPROTO_ICMP, 3000, 9);

	/* later fragments carry no ports: the pair alone decides, for every fragment */
	a.ip.fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	b.ip.fragment_offset = rte_cpu_to_be_16(100);
	CU_ASSERT_EQUAL(dp_nhg_pick(&g, &a.ip, sizeof(a)), dp_nhg_pick(&g, &b.ip, sizeof(b)));
	CU_ASSERT_EQUAL(dp_nhg_pick(&g, &icmp.ip, sizeof(icmp)),
			dp_nhg_pick(&g, &icmp2.ip, sizeof(icmp2)));
	/* only the IPv4 header in the first segment, or a total length without ports */
	a = flow(0x42424201, 0x58585801, IPPROTO_UDP, 1000, 53);
	b = flow(0x42424201, 0x58585801, IPPROTO_UDP, 2000, 53);
	CU_ASSERT_EQUAL(dp_nhg_pick(&g, &a.ip, 20), dp_nhg_pick(&g, &b.ip, 20));
	a.ip.total_length = rte_cpu_to_be_16(20);
	b.ip.total_length = rte_cpu_to_be_16(20);
	CU_ASSERT_EQUAL(dp_nhg_pick(&g, &a.ip, sizeof(a)), dp_nhg_pick(&g, &b.ip, sizeof(b)));
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"test_fpm_nhg_same_flow_same_member", test_fpm_nhg_same_flow_same_member},
		{"test_fpm_nhg_flows_spread_over_every_member",
		 test_fpm_nhg_flows_spread_over_every_member},
		{"test_fpm_nhg_ports_change_the_member", test_fpm_nhg_ports_change_the_member},
		{"test_fpm_nhg_fragments_and_short_headers_ignore_ports",
		 test_fpm_nhg_fragments_and_short_headers_ignore_ports},
	};
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("fpm_nhg", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	return hub_cunit_run();
}
