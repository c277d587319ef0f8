/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>

#include "control/cli_priv.h"
#include "control/ctl_hub.h"
#include "control/ctl_loop.h"
#include "control/ctl_peer.h"
#include "lib/cfg.h"
#include "tests/func/inproc.h"

struct rte_mempool *inproc_pool;
int inproc_hugepages;
static struct rte_ring *rx_rings[2], *tx_rings[2];
static unsigned int n_pass, n_fail;

void inproc_check(const char *what, int ok)
{
	printf("%s - %s\n", ok ? "ok  " : "FAIL", what);
	fflush(stdout);
	if (ok)
		n_pass++;
	else
		n_fail++;
}

int inproc_done(void)
{
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

/* The hub runs on hugepages in production; use them when enough are free right now (other
 * hubs on the machine may hold them), else fall back to ordinary memory. */
static int hugepages_free(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	fclose(f);
	return n >= 256;
}

int inproc_start(struct hub_ctl *ctl, const char *argv0, const char *config)
{
	char *eal_huge[] = {(char *)argv0, "-l", "0-1", "--in-memory", "--no-pci",
			    "--no-telemetry", "--log-level=7", NULL};
	char *eal_nohuge[] = {(char *)argv0, "-l", "0-1", "--no-huge", "-m", "1536", "--no-pci",
			      "--no-shconf", "--no-telemetry", "--log-level=7", NULL};
	int huge = hugepages_free();

	inproc_hugepages = huge;
	char err[CFG_ERR_MAX];
	unsigned int i;

	if (rte_eal_init(huge ? (int)RTE_DIM(eal_huge) - 1 : (int)RTE_DIM(eal_nohuge) - 1,
			 huge ? eal_huge : eal_nohuge) < 0) {
		inproc_check("EAL starts", 0);
		return -1;
	}
	inproc_pool = rte_pktmbuf_pool_create("inproc_pool", 65535, 256, 0, 2048, 0);
	for (i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "inproc_rx%u", i);
		rx_rings[i] = rte_ring_create(name, 65536, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "inproc_tx%u", i);
		tx_rings[i] = rte_ring_create(name, 65536, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	}
	/* rte_eth_from_rings() names the port "net_ring_" + its name. */
	if (inproc_pool == NULL || rte_eth_from_rings("inproc", rx_rings, 2, tx_rings, 2, 0) < 0) {
		inproc_check("test rings and port", 0);
		return -1;
	}
	memset(ctl, 0, sizeof(*ctl));
	ctl->cfg = cfg_load_string(config, "inproc.conf", err, sizeof(err));
	if (ctl->cfg == NULL) {
		printf("%s\n", err);
		inproc_check("configuration loads", 0);
		return -1;
	}
	if (ctl_hub_start(ctl, 0) < 0) {
		inproc_check("hub starts in-process on a net_ring port", 0);
		return -1;
	}
	inproc_check("hub starts in-process on a net_ring port", 1);
	return 0;
}

void inproc_stop(struct hub_ctl *ctl)
{
	ctl_hub_stop(ctl);
	cfg_free(ctl->cfg);
	rte_eal_cleanup();
}

int inproc_rx(struct rte_mbuf *m)
{
	if (rte_ring_enqueue(rx_rings[0], m) != 0) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

int inproc_rx_arp(uint16_t op, uint32_t sip, const uint8_t mac[6], uint32_t tip, uint8_t hlen,
		  uint8_t tha_fill)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(inproc_pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	if (m == NULL || (eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 14 + 28)) == NULL) {
		rte_pktmbuf_free(m);
		return -1;
	}
	a = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, 6);
	memcpy(&eth->src_addr, mac, 6);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = hlen;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(&a->arp_data.arp_sha, mac, 6);
	a->arp_data.arp_sip = sip;
	memset(&a->arp_data.arp_tha, tha_fill, 6);
	a->arp_data.arp_tip = tip;
	return inproc_rx(m);
}

void inproc_rx_arp_reply(uint32_t ip, const uint8_t mac[6], uint32_t to)
{
	(void)inproc_rx_arp(RTE_ARP_OP_REPLY, ip, mac, to, 6, 0xff);
}

const char *inproc_cli(struct hub_ctl *ctl, const char *lines)
{
	static char out[16384];
	struct cli_sess *s = cli_sess_new(ctl->cli, 1, "test");
	size_t used = 0, len;
	unsigned int runs = 0;

	out[0] = '\0';
	if (s == NULL)
		return out;
	cli_sess_input(s, (const uint8_t *)lines, strlen(lines), rte_rdtsc());
	while (runs++ < 10000 && (cli_sess_pending(s) || runs < 100)) {
		const char *p;

		cli_sess_run(s);
		p = cli_sess_out(s, &len);
		if (len > 0 && p != NULL) {
			size_t n = RTE_MIN(len, sizeof(out) - 1 - used);

			memcpy(out + used, p, n);
			used += n;
			cli_sess_out_sent(s, len);
		}
	}
	out[used] = '\0';
	cli_sess_free(s);
	return out;
}

long long inproc_show_drops_row(struct hub_ctl *ctl, const char *password, const char *reason)
{
	char lines[128];
	const char *out, *p;
	size_t n = strlen(reason);
	unsigned long long wk, c, total;

	snprintf(lines, sizeof(lines), "%s\r\nshow drops\r\n", password);
	out = inproc_cli(ctl, lines);
	for (p = out; (p = strstr(p, reason)) != NULL; p += n)
		if ((p == out || p[-1] == '\n') && p[n] == ' ' &&
		    sscanf(p + n, " %llu %llu %llu", &wk, &c, &total) == 3)
			return (long long)total;
	fprintf(stderr, "show drops said:\n%s\n", out);
	return -1;
}

unsigned int inproc_drain(void (*fn)(struct rte_mbuf *m, void *arg), void *arg)
{
	void *objs[64];
	unsigned int total = 0, r, n, i;

	for (r = 0; r < 2; r++) {
		while ((n = rte_ring_dequeue_burst(tx_rings[r], objs, 64, NULL)) > 0) {
			for (i = 0; i < n; i++) {
				if (fn != NULL)
					fn(objs[i], arg);
				rte_pktmbuf_free(objs[i]);
			}
			total += n;
		}
	}
	return total;
}

unsigned int inproc_ms(unsigned int ms)
{
	static double scale;

	if (scale == 0) {
		const char *s = getenv("HUB_TIME_SCALE");
		char *end = NULL;

		scale = s != NULL ? strtod(s, &end) : 1;
		if (s != NULL && (end == s || *end != '\0' || !(scale >= 1 && scale <= 100)))
			scale = 1; /* malformed: unscaled rather than a wrong bound */
	}
	return (unsigned int)(ms * scale);
}

int inproc_run_until(struct hub_ctl *ctl, int (*cond)(struct hub_ctl *), unsigned int ms)
{
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() / 1000 * inproc_ms(ms);

	while (rte_rdtsc() < end) {
		ctl_loop_once(ctl);
		if (cond(ctl))
			return 1;
	}
	return cond(ctl);
}

void inproc_settle(struct hub_ctl *ctl)
{
	uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + hz * 10;

	while (rte_ring_count(rx_rings[0]) > 0 && rte_rdtsc() < end)
		ctl_loop_once(ctl);
	end = rte_rdtsc() + hz / 1000 * 5;
	while (rte_rdtsc() < end)
		ctl_loop_once(ctl);
}

int inproc_synced(struct hub_ctl *ctl)
{
	return ctl_peer_synced(ctl);
}

struct rte_ring *inproc_tx_ring(unsigned int q)
{
	return q < RTE_DIM(tx_rings) ? tx_rings[q] : NULL;
}
