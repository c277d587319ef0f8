/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nhrp_reggen [EAL args] -- --spokes N [--window W] [--rate R] [--retry-ms MS]
 *             [--seconds S] [--idle-us U] [--rxq Q] [--txq Q] [--pcap OUT.pcap]
 *             [--hub-nbma A] [--gateway A] [--hub-mac MAC] [--holdtime S]
 *
 * The load generator of ./scripts/bench nhrp-register: N distinct spokes, each with its
 * own NBMA address (100.64.0.1 + i, the RFC 6598 shared range) and tunnel address
 * (172.16.0.2 + i in the hub's 172.16.0.0/12), each sending one NHRP Registration Request
 * the way an FRR 8.4 spoke does (DESIGN.md section 3: hop count 1, U flag, one CIE with
 * prefix 0xFF and no addresses, then empty compulsory Responder Address, Forward and
 * Reverse Transit extensions, End) over Ethernet / IPv4 / GRE key 42 on DPDK port 0 (a
 * net_memif client facing the hub's net_memif server), and matching the Registration
 * Replies by request ID.
 *
 * At most W requests are outstanding (the spokes' retransmission keeps a real hub's
 * queue bounded the same way), at most R per second when R > 0; a request without an
 * answer after MS milliseconds is sent again (FRR's first retry is after 1 s). Latency is
 * this program's TSC at the reply's rx minus at the request's tx (the same TSC the hub
 * uses: one machine). It answers the hub's ARP requests for the underlay gateway
 * 10.0.0.254 and announces it first. With --idle-us it sleeps that long whenever a loop
 * found nothing to do, so it can share a core with the hub. Output: one JSON object.
 * --pcap writes the N requests as a pcap (no run) for other replayers and tshark.
 * --hub-nbma, --gateway, --hub-mac and --holdtime fit the same requests to another hub
 * (FRR nhrpd in the UML lab, tests/interop/frrhub.sh): its NBMA address, the address this
 * program answers ARP for (the hub's route to the spokes' NBMA range points at it), the
 * Ethernet destination (default broadcast, which our hub accepts; a kernel bridge would
 * flood it to every port) and the CIE holdtime.
 * Exits 1 when the run is incomplete (a spoke unanswered when --seconds ran out).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "lib/nhrp_codec.h"

#define GRE_KEY 42
#define HUB_NBMA 0x0A000001u	   /* 10.0.0.1 */
#define GATEWAY 0x0A0000FEu	   /* 10.0.0.254, this program's address */
#define HUB_TUNNEL 0xAC100001u	   /* 172.16.0.1 */
#define SPOKE_NBMA0 0x64400001u	   /* 100.64.0.1 */
#define SPOKE_TUNNEL0 0xAC100002u  /* 172.16.0.2 */
#define MAX_SPOKES (1u << 22)	   /* 100.64.0.0/10 and 172.16.0.0/12 bound it below */
#define BURST 32
#define FRAME_MAX 256

static const struct rte_ether_addr gw_mac = {{0x02, 0, 0, 0, 0, 0xfe}};
/* Set once from the options before any frame is built. */
static uint32_t hub_nbma = HUB_NBMA, gateway = GATEWAY;
static uint16_t reg_holdtime = 7200;
static struct rte_ether_addr hub_mac = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

enum spoke_state { S_IDLE = 0, S_OUT, S_DONE };

struct opts {
	uint32_t spokes, window;
	double rate, retry_ms, seconds;
	unsigned int idle_us;
	unsigned int rxq, txq;
	const char *pcap;
};

static uint64_t tsc_hz;

/* Ethernet / IPv4 / GRE / NHRP Registration Request of spoke i into buf; its length. */
static size_t reg_frame(uint32_t i, uint8_t *buf, size_t cap)
{
	struct nhrp_build_cie cie = {.prefix_len = 0xFF, .holdtime = reg_holdtime, .mtu = 1400};
	struct nhrp_build_ext exts[3] = {
		nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, NULL, 0),
		nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, NULL, 0),
	};
	struct nhrp_build_msg m = {
		.op = NHRP_OP_REGISTRATION_REQUEST,
		.hopcnt = 1,
		.flags = NHRP_FLAG_REG_U,
		.request_id = i + 1,
		.src_nbma = nhrp_addr_u32(rte_cpu_to_be_32(SPOKE_NBMA0 + i)),
		.src_proto = nhrp_addr_u32(rte_cpu_to_be_32(SPOKE_TUNNEL0 + i)),
		.dst_proto = nhrp_addr_u32(rte_cpu_to_be_32(HUB_TUNNEL)),
		.cies = &cie,
		.n_cies = 1,
		.exts = exts,
		.n_exts = RTE_DIM(exts),
	};
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint8_t *gre = (uint8_t *)(ip + 1);
	size_t off = sizeof(*eth) + sizeof(*ip) + 8, len;

	if (nhrp_build(&m, buf + off, cap - off, &len) < 0)
		return 0;
	eth->dst_addr = hub_mac;
	eth->src_addr = gw_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + 8 + len)),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_GRE,
		.src_addr = rte_cpu_to_be_32(SPOKE_NBMA0 + i),
		.dst_addr = rte_cpu_to_be_32(hub_nbma),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	gre[0] = 0x20; /* K */
	gre[1] = 0;
	gre[2] = 0x20; /* 0x2001: NHRP */
	gre[3] = 0x01;
	gre[4] = 0;
	gre[5] = 0;
	gre[6] = 0;
	gre[7] = GRE_KEY;
	return off + len;
}

/* An ARP reply from the gateway to the hub (sent first, and to each request for it). */
static size_t arp_frame(uint8_t *buf, const struct rte_ether_addr *to)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	eth->dst_addr = *to;
	eth->src_addr = gw_mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_sha = gw_mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(gateway);
	arp->arp_data.arp_tha = *to;
	arp->arp_data.arp_tip = rte_cpu_to_be_32(hub_nbma);
	return sizeof(*eth) + sizeof(*arp);
}

static int write_pcap(const char *path, uint32_t n)
{
	FILE *f = fopen(path, "wb");
	uint32_t hdr[6] = {0xA1B2C3D4, 2 | 4u << 16, 0, 0, 65535, 1};
	uint8_t buf[FRAME_MAX];

	if (f == NULL)
		return -errno;
	fwrite(hdr, sizeof(hdr), 1, f);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)reg_frame(i, buf, sizeof(buf));
		uint32_t rec[4] = {i / 1000000, i % 1000000, len, len};

		fwrite(rec, sizeof(rec), 1, f);
		fwrite(buf, len, 1, f);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

static int send_frames(struct rte_mempool *mp, uint16_t q, uint8_t (*frames)[FRAME_MAX],
		       const size_t *lens, unsigned int n)
{
	struct rte_mbuf *m[BURST];
	unsigned int i, sent = 0;

	if (rte_pktmbuf_alloc_bulk(mp, m, n) != 0)
		return 0;
	for (i = 0; i < n; i++)
		rte_memcpy(rte_pktmbuf_append(m[i], (uint16_t)lens[i]), frames[i], lens[i]);
	/* A full ring is retried briefly: the hub's rx drains it within microseconds. */
	for (int tries = 0; sent < n && tries < 1000; tries++)
		sent += rte_eth_tx_burst(0, q, m + sent, (uint16_t)(n - sent));
	if (sent < n)
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	return (int)sent;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double q_us(const uint64_t *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(q * (double)n + 0.999999);
	k = k == 0 ? 0 : k - 1;
	return (double)v[k < n ? k : n - 1] * 1e6 / (double)tsc_hz;
}

static void usage(void)
{
	fprintf(stderr, "usage: nhrp_reggen [EAL] -- --spokes N [--window W] [--rate R] "
			"[--retry-ms MS] [--seconds S] [--idle-us U] [--pcap OUT] [--hub-nbma A] "
			"[--gateway A] [--hub-mac MAC] [--holdtime S]\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"spokes", 1, NULL, 'n'}, {"window", 1, NULL, 'w'}, {"rate", 1, NULL, 'r'},
		{"retry-ms", 1, NULL, 't'}, {"seconds", 1, NULL, 's'}, {"idle-us", 1, NULL, 'i'},
		{"pcap", 1, NULL, 'p'}, {"rxq", 1, NULL, 'R'}, {"txq", 1, NULL, 'T'},
		{"hub-nbma", 1, NULL, 'H'}, {"gateway", 1, NULL, 'G'}, {"hub-mac", 1, NULL, 'M'},
		{"holdtime", 1, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){.spokes = 10000, .window = 1024, .retry_ms = 1000, .seconds = 120,
			   .rxq = 2, .txq = 1};
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char *end = NULL;
		double v;
		struct in_addr a;

		switch (c) { /* the options that are not numbers */
		case 'H':
		case 'G':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return -1;
			*(c == 'H' ? &hub_nbma : &gateway) = rte_be_to_cpu_32(a.s_addr);
			continue;
		case 'M':
			if (rte_ether_unformat_addr(optarg, &hub_mac) != 0)
				return -1;
			continue;
		case 'p':
			o->pcap = optarg;
			continue;
		}
		v = optarg != NULL ? strtod(optarg, &end) : 0;
		if (end == NULL || *end != '\0' || v < 0)
			return -1;
		switch (c) {
		case 'n': o->spokes = (uint32_t)v; break;
		case 'w': o->window = (uint32_t)v; break;
		case 'r': o->rate = v; break;
		case 't': o->retry_ms = v; break;
		case 's': o->seconds = v; break;
		case 'i': o->idle_us = (unsigned int)v; break;
		case 'h':
			if (v < 1 || v > 65535)
				return -1;
			reg_holdtime = (uint16_t)v;
			break;
		case 'R': o->rxq = (unsigned int)v; break;
		case 'T': o->txq = (unsigned int)v; break;
		default: return -1;
		}
	}
	if (o->spokes == 0 || o->spokes > MAX_SPOKES || o->window == 0 || o->retry_ms <= 0 ||
	    o->rxq == 0 || o->rxq > 16 || o->txq == 0 || o->txq > 16)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_mempool *mp;
	struct opts o;
	uint64_t *sent_tsc, *lat, t0 = 0, t_last = 0, deadline, retry_tsc, next_arp = 0;
	uint8_t *state;
	uint32_t *fifo, fifo_mask, head = 0, tail = 0, next = 0, outstanding = 0;
	uint64_t n_sent = 0, retries = 0, ok = 0, refused = 0, other = 0, arp_answered = 0;
	uint64_t tx_fail = 0, loops_idle = 0;
	uint16_t nb_rxq, nb_txq, q;
	size_t n_lat = 0;
	int rc = rte_eal_init(argc, argv);

	if (rc < 0) {
		fprintf(stderr, "nhrp_reggen: EAL init failed\n");
		return 2;
	}
	argc -= rc;
	argv += rc;
	if (parse(argc, argv, &o) < 0) {
		usage();
		return 2;
	}
	if (o.pcap != NULL) {
		rc = write_pcap(o.pcap, o.spokes);
		if (rc < 0)
			fprintf(stderr, "nhrp_reggen: %s: %s\n", o.pcap, strerror(-rc));
		return rc < 0 ? 1 : 0;
	}
	tsc_hz = rte_get_tsc_hz();
	if (rte_eth_dev_count_avail() < 1 || rte_eth_dev_info_get(0, &info) != 0) {
		fprintf(stderr, "nhrp_reggen: needs one port (--vdev net_memif0,role=client,...)\n");
		return 2;
	}
	/* As many queues as the hub has the other way (memif pairs them): its rx queues (one
	 * per worker) are our tx, its tx queues (workers + control) our rx. */
	nb_txq = (uint16_t)RTE_MIN(info.max_tx_queues, o.txq);
	nb_rxq = (uint16_t)RTE_MIN(info.max_rx_queues, o.rxq);
	mp = rte_pktmbuf_pool_create("reggen", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL || rte_eth_dev_configure(0, nb_rxq, nb_txq, &conf) < 0) {
		fprintf(stderr, "nhrp_reggen: port setup failed\n");
		return 2;
	}
	for (q = 0; q < nb_rxq; q++)
		if (rte_eth_rx_queue_setup(0, q, 1024, (unsigned int)rte_socket_id(), NULL, mp) < 0)
			return 2;
	for (q = 0; q < nb_txq; q++)
		if (rte_eth_tx_queue_setup(0, q, 1024, (unsigned int)rte_socket_id(), NULL) < 0)
			return 2;
	if (rte_eth_dev_start(0) < 0) {
		fprintf(stderr, "nhrp_reggen: port start failed\n");
		return 2;
	}
	sent_tsc = calloc(o.spokes, sizeof(*sent_tsc));
	lat = calloc(o.spokes, sizeof(*lat));
	state = calloc(o.spokes, 1);
	for (fifo_mask = 1; fifo_mask < 2 * (uint64_t)o.window; fifo_mask <<= 1)
		;
	fifo = calloc(fifo_mask, sizeof(*fifo));
	fifo_mask--;
	if (sent_tsc == NULL || lat == NULL || state == NULL || fifo == NULL)
		return 2;
	retry_tsc = (uint64_t)(o.retry_ms * 1e-3 * (double)tsc_hz);
	deadline = rte_rdtsc() + (uint64_t)(o.seconds * (double)tsc_hz);

	/* Wait for the link (the hub's memif server), then announce the gateway. */
	for (;;) {
		struct rte_eth_link link;

		if (rte_eth_link_get_nowait(0, &link) == 0 && link.link_status)
			break;
		if (rte_rdtsc() > deadline) {
			fprintf(stderr, "nhrp_reggen: link never came up\n");
			return 1;
		}
		rte_delay_us_sleep(10000);
	}
	while (ok + refused < o.spokes && rte_rdtsc() < deadline) {
		uint8_t frames[BURST][FRAME_MAX];
		size_t lens[BURST];
		struct rte_mbuf *rx[BURST];
		uint32_t idx[BURST];
		unsigned int n = 0, k, work = 0;
		uint64_t now = rte_rdtsc();

		/* Until the first reply, the gateway is re-announced every 100 ms: the hub
		 * may have come up after the first one. */
		if (ok + refused == 0 && now >= next_arp) {
			struct rte_ether_addr bc;

			memset(&bc, 0xff, sizeof(bc));
			lens[0] = arp_frame(frames[0], &bc);
			send_frames(mp, 0, frames, lens, 1);
			next_arp = now + tsc_hz / 10;
		}
		/* Retransmit what has waited too long (the oldest are at the fifo's head). */
		while (tail != head && n < BURST) {
			uint32_t i = fifo[tail & fifo_mask];

			if (state[i] != S_OUT) {
				tail++;
				continue;
			}
			if (now - sent_tsc[i] < retry_tsc)
				break;
			tail++;
			idx[n] = i;
			lens[n] = reg_frame(i, frames[n], FRAME_MAX);
			n++;
			retries++;
		}
		/* New spokes, within the window and the rate. */
		while (n < BURST && next < o.spokes && outstanding < o.window &&
		       head - tail <= fifo_mask) {
			if (o.rate > 0 && t0 != 0 &&
			    (double)next > (double)(now - t0) * o.rate / (double)tsc_hz)
				break;
			idx[n] = next;
			lens[n] = reg_frame(next, frames[n], FRAME_MAX);
			state[next] = S_OUT;
			outstanding++;
			next++;
			n++;
		}
		if (n > 0) {
			int s;

			if (t0 == 0)
				t0 = now;
			/* Spread over the hub's rx queues (one per worker) by spoke. */
			q = (uint16_t)(idx[0] % nb_txq);
			s = send_frames(mp, q, frames, lens, n);
			now = rte_rdtsc();
			for (k = 0; k < n; k++) {
				sent_tsc[idx[k]] = now;
				fifo[head++ & fifo_mask] = idx[k];
			}
			n_sent += n;
			tx_fail += n - (unsigned int)s; /* lost: the retry timer resends them */
			work += n;
		}
		for (q = 0; q < nb_rxq; q++) {
			uint16_t r = rte_eth_rx_burst(0, q, rx, BURST);

			now = rte_rdtsc();
			for (k = 0; k < r; k++) {
				const uint8_t *p = rte_pktmbuf_mtod(rx[k], const uint8_t *);
				uint32_t len = rte_pktmbuf_data_len(rx[k]);
				const struct rte_ether_hdr *eth = (const void *)p;
				struct nhrp_msg v;

				if (len >= sizeof(*eth) + sizeof(struct rte_arp_hdr) &&
				    eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
					const struct rte_arp_hdr *a = (const void *)(eth + 1);

					if (a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) &&
					    a->arp_data.arp_tip == rte_cpu_to_be_32(gateway)) {
						lens[0] = arp_frame(frames[0], &a->arp_data.arp_sha);
						send_frames(mp, 0, frames, lens, 1);
						arp_answered++;
					}
				} else if (len > 14 + 20 + 8 && p[12] == 0x08 && p[13] == 0 &&
					   p[14 + 9] == IPPROTO_GRE && p[14 + 20 + 2] == 0x20 &&
					   p[14 + 20 + 3] == 0x01 &&
					   nhrp_parse(p + 14 + 20 + 8, len - 14 - 20 - 8, NULL, &v) == 0 &&
					   v.op == NHRP_OP_REGISTRATION_REPLY && v.request_id >= 1 &&
					   v.request_id <= o.spokes &&
					   state[v.request_id - 1] == S_OUT) {
					uint32_t i = v.request_id - 1;

					state[i] = S_DONE;
					outstanding--;
					if (v.n_cies == 1 && v.cies[0].code == NHRP_CIE_SUCCESS) {
						ok++;
						lat[n_lat++] = now - sent_tsc[i];
					} else {
						refused++;
					}
					t_last = now;
				} else {
					other++;
				}
			}
			rte_pktmbuf_free_bulk(rx, r);
			work += r;
		}
		if (work == 0) {
			loops_idle++;
			if (o.idle_us > 0)
				rte_delay_us_sleep(o.idle_us);
		}
	}
	qsort(lat, n_lat, sizeof(*lat), cmp_u64);
	{
		double el = t_last > t0 ? (double)(t_last - t0) / (double)tsc_hz : 0;

		printf("{\"spokes\": %u, \"window\": %u, \"rate\": %.0f, \"sent\": %" PRIu64
		       ", \"retries\": %" PRIu64 ", \"tx_failed\": %" PRIu64 ", \"accepted\": %" PRIu64
		       ", \"refused\": %" PRIu64 ", \"unanswered\": %" PRIu64
		       ", \"other_rx\": %" PRIu64 ", \"arp_answered\": %" PRIu64
		       ", \"elapsed_s\": %.6f, \"regs_per_s\": %.1f, \"latency_p50_us\": %.2f"
		       ", \"latency_p90_us\": %.2f, \"latency_p99_us\": %.2f, \"latency_max_us\": %.2f"
		       ", \"idle_loops\": %" PRIu64 ", \"frame_len\": %zu}\n",
		       o.spokes, o.window, o.rate, n_sent, retries, tx_fail, ok, refused,
		       (uint64_t)o.spokes - ok - refused, other, arp_answered, el,
		       el > 0 ? (double)ok / el : 0, q_us(lat, n_lat, 0.5), q_us(lat, n_lat, 0.9),
		       q_us(lat, n_lat, 0.99), q_us(lat, n_lat, 1.0), loops_idle,
		       reg_frame(0, (uint8_t[FRAME_MAX]){0}, FRAME_MAX));
		fflush(stdout); /* the figures are out even if a port's teardown hangs */
	}
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	free(sent_tsc);
	free(lat);
	free(state);
	free(fifo);
	rte_eal_cleanup();
	return ok + refused == o.spokes ? 0 : 1;
}
