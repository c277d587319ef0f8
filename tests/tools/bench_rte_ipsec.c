/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Issue #7's question, measured: is the hub's ESP stage (Intel IPsec-MB called directly,
 * dataplane/dp_esp.c) cheaper or dearer than DPDK's rte_ipsec library over a crypto PMD in
 * CPU-crypto mode (rte_cryptodev_sym_cpu_crypto_process, crypto_aesni_gcm for AES-GCM,
 * crypto_aesni_mb for AES-CBC + HMAC-SHA1), on the same packets?
 *
 *   bench_rte_ipsec [--seconds S] [--size 64|imix|1400]...
 *
 * For each algorithm (AES-GCM-128; AES-CBC-128 + HMAC-SHA1-96), size and direction it
 * prints one JSON line: TSC cycles per ESP packet of
 *   hub:       dp_esp_encap_burst() / dp_esp_decap_burst(), the transforms the worker runs
 *              (outbound: sequence number from the shared counter, ESP layout, padding,
 *              IV, one IPsec-MB burst; inbound: SA by SPI, peer check, length and replay
 *              checks, one IPsec-MB burst, ICV verdict, trailer and padding check, strip);
 *   hub crypto: of that, the ESP layout (outbound, esp_mbuf_encap()) and the IPsec-MB burst
 *              with the ICV compare (lib/esp_crypto.c) alone: what is left once the SA
 *              table, sequence counter, lookups, trailer checks and strip are taken away;
 *   gcm direct: (AES-GCM only) the same layout, then IPsec-MB's one-call GCM API
 *              (IMB_AES128_GCM_ENC/DEC: what the crypto_aesni_gcm PMD calls) instead of the
 *              job API, and the same constant-time ICV compare;
 *   rte_ipsec: rte_ipsec_pkt_cpu_prepare() + rte_ipsec_pkt_process() on an rte_ipsec SA
 *              and session of type RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO (the SA is given:
 *              no SPI lookup, which favours rte_ipsec slightly).
 * Packets are what a spoke sends: Ethernet, IPv4, ESP in transport mode around GRE with a
 * key around an inner IPv4/UDP packet of 64 B, 1400 B or IMIX (64/576/1400 B in 7:4:1),
 * in bursts of 32 (24 for IMIX: whole 7:4:1 cycles). Both paths use the same keys, SPI and
 * replay window (0: the same templates are processed again and again).
 *
 * Before timing, each algorithm proves the two implementations agree: what the hub
 * encrypts rte_ipsec decrypts to the original GRE packet and the other way round. Timing
 * alternates the two paths burst by burst (so interference on a shared machine hits both
 * alike) and counts only the calls themselves: every burst is first restored from its
 * templates, outside the timed part.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_ipsec.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <x86intrin.h>

#include "dataplane/dp_esp.h"
#include "dataplane/dp_sa.h"
#include "lib/esp_crypto.h"
#include "lib/esp_mbuf.h"
#include "lib/esp_table.h"

#define BURST 32
#define ETH 14
#define L3 ETH
#define L4 (ETH + 20)
#define GRE_LEN 8
#define SPI 0x1001u
#define SPOKE RTE_BE32(0xc6120001) /* 198.18.0.1 */
#define HUB RTE_BE32(0x0a000001)   /* 10.0.0.1 */
#define IV_OFFSET (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
#define SA_IN 0
#define SA_OUT 1

enum alg { ALG_GCM128, ALG_CBC_SHA1, ALG_MAX };

static const char *const alg_name[ALG_MAX] = {"aes-gcm-128", "aes-cbc-128-hmac-sha1"};
static const char *const alg_pmd[ALG_MAX] = {"crypto_aesni_gcm0", "crypto_aesni_mb0"};

/* One direction's state on the rte_ipsec side. */
struct rte_side {
	struct rte_ipsec_sa *sa;
	struct rte_ipsec_session ss;
	void *ses;
	struct rte_crypto_sym_xform x[2];
};

static struct rte_mempool *pool, *ses_pool;
static struct dp_sa_table *tab;
static struct esp_seq *seqs;
static uint8_t key[16], auth[20], salt[4];
static IMB_MGR *mgr;
static struct esp_keys keys;
static struct esp_op ops[BURST];

/* A GRE packet from the spoke as the hub sends it before ESP: Ethernet, IPv4 (47), GRE
 * with key 42, an inner IPv4/UDP packet of inner bytes. */
static unsigned int gre_frame(uint8_t *b, unsigned int inner, unsigned int n)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + L3);
	unsigned int i, len = ETH + 20 + GRE_LEN + inner;

	memset(b, 0, L4 + GRE_LEN);
	b[12] = 0x08;
	ip->version_ihl = 0x45;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_GRE;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + GRE_LEN + inner));
	ip->src_addr = SPOKE;
	ip->dst_addr = HUB;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	b[L4] = 0x20; /* K bit */
	b[L4 + 2] = 0x08;
	b[L4 + 7] = 42;
	for (i = L4 + GRE_LEN; i < len; i++)
		b[i] = (uint8_t)(i * 13 + n);
	return len;
}

static void mbuf_set(struct rte_mbuf *m, const uint8_t *b, unsigned int len)
{
	rte_pktmbuf_reset(m);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), b, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->l2_len = ETH;
	m->l3_len = 20;
}

static int hub_sas(enum alg a)
{
	struct esp_sa_params p = {.spi = SPI, .peer_addr = SPOKE, .replay_window = 0};
	struct esp_sa_msg m = {.type = ESP_SA_MSG_SET};

	p.cipher = a == ALG_GCM128 ? ESP_CIPHER_AES_GCM_128 : ESP_CIPHER_AES_CBC_128;
	p.integ = a == ALG_GCM128 ? ESP_INTEG_NONE : ESP_INTEG_HMAC_SHA1_96;
	memcpy(p.enc_key, key, sizeof(key));
	memcpy(p.auth_key, auth, sizeof(auth));
	memcpy(p.salt, salt, sizeof(salt));
	p.dir = ESP_DIR_IN;
	m.idx = SA_IN;
	m.p = p;
	if (dp_sa_apply(tab, &m) < 0)
		return -1;
	p.dir = ESP_DIR_OUT;
	m.idx = SA_OUT;
	m.p = p;
	return dp_sa_apply(tab, &m);
}

static void hub_sas_remove(void)
{
	struct esp_sa_msg m = {.type = ESP_SA_MSG_DEL, .idx = SA_IN};

	dp_sa_apply(tab, &m);
	m.idx = SA_OUT;
	dp_sa_apply(tab, &m);
}

static int rte_side_init(struct rte_side *s, enum alg a, uint8_t dev, bool out)
{
	struct rte_ipsec_sa_prm prm;
	int sz;

	memset(s, 0, sizeof(*s));
	if (a == ALG_GCM128) {
		s->x[0].type = RTE_CRYPTO_SYM_XFORM_AEAD;
		s->x[0].aead.op = out ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
		s->x[0].aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		s->x[0].aead.key.data = key;
		s->x[0].aead.key.length = 16;
		s->x[0].aead.iv.offset = IV_OFFSET;
		s->x[0].aead.iv.length = 12;
		s->x[0].aead.digest_length = 16;
		s->x[0].aead.aad_length = 8;
	} else {
		/* RFC 4303 3.3.2 / 3.4.4: encrypt then sign out; verify then decrypt in */
		struct rte_crypto_sym_xform *c = &s->x[out ? 0 : 1], *h = &s->x[out ? 1 : 0];

		c->type = RTE_CRYPTO_SYM_XFORM_CIPHER;
		c->cipher.op = out ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
		c->cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
		c->cipher.key.data = key;
		c->cipher.key.length = 16;
		c->cipher.iv.offset = IV_OFFSET;
		c->cipher.iv.length = 16;
		h->type = RTE_CRYPTO_SYM_XFORM_AUTH;
		h->auth.op = out ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
		h->auth.algo = RTE_CRYPTO_AUTH_SHA1_HMAC;
		h->auth.key.data = auth;
		h->auth.key.length = 20;
		h->auth.digest_length = 12;
		s->x[0].next = &s->x[1];
	}
	s->ses = rte_cryptodev_sym_session_create(dev, &s->x[0], ses_pool);
	if (s->ses == NULL) {
		fprintf(stderr, "bench_rte_ipsec: %s session: %s\n", alg_name[a],
			rte_strerror(rte_errno));
		return -1;
	}
	memset(&prm, 0, sizeof(prm));
	prm.ipsec_xform.spi = SPI;
	memcpy(&prm.ipsec_xform.salt, salt, sizeof(salt));
	prm.ipsec_xform.direction = out ? RTE_SECURITY_IPSEC_SA_DIR_EGRESS
					: RTE_SECURITY_IPSEC_SA_DIR_INGRESS;
	prm.ipsec_xform.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
	prm.ipsec_xform.mode = RTE_SECURITY_IPSEC_SA_MODE_TRANSPORT;
	prm.ipsec_xform.replay_win_sz = 0;
	prm.crypto_xform = &s->x[0];
	prm.trs.proto = IPPROTO_IPIP; /* an IPv4 SA */
	sz = rte_ipsec_sa_size(&prm);
	if (sz < 0) {
		fprintf(stderr, "bench_rte_ipsec: rte_ipsec_sa_size: %s\n", strerror(-sz));
		return -1;
	}
	s->sa = rte_zmalloc(NULL, (size_t)sz, RTE_CACHE_LINE_SIZE);
	if (s->sa == NULL || rte_ipsec_sa_init(s->sa, &prm, (uint32_t)sz) < 0) {
		fprintf(stderr, "bench_rte_ipsec: rte_ipsec_sa_init failed\n");
		return -1;
	}
	s->ss.sa = s->sa;
	s->ss.type = RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO;
	s->ss.crypto.ses = s->ses;
	s->ss.crypto.dev_id = dev;
	if (rte_ipsec_session_prepare(&s->ss) != 0) {
		fprintf(stderr, "bench_rte_ipsec: rte_ipsec_session_prepare failed\n");
		return -1;
	}
	return 0;
}

static void rte_side_free(struct rte_side *s, uint8_t dev)
{
	rte_ipsec_sa_fini(s->sa);
	rte_free(s->sa);
	rte_cryptodev_sym_session_free(dev, s->ses);
}

/* Each path on a burst; returns how many packets came out right. */
static unsigned int hub_run(struct rte_mbuf **m, unsigned int n, bool out)
{
	uint16_t l3[BURST], l4[BURST];
	uint32_t idx[BURST];
	uint8_t v[BURST];
	unsigned int i, ok = 0;

	for (i = 0; i < n; i++)
		l3[i] = L3, l4[i] = L4, idx[i] = SA_OUT;
	if (out)
		dp_esp_encap_burst(tab, seqs, m, idx, (uint16_t)n, v);
	else
		dp_esp_decap_burst(tab, m, l3, l4, (uint16_t)n, v);
	for (i = 0; i < n; i++)
		ok += v[i] == 0;
	return ok;
}

/* The hub's ESP layout and crypto without its SA table around them. */
static unsigned int crypto_run(struct rte_mbuf **m, unsigned int n, bool out)
{
	static uint64_t seq;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (out) {
			seq++;
			if (esp_mbuf_encap(m[i], &keys, SPI, seq, seq, &ops[i]) < 0)
				return 0;
		} else {
			const struct rte_ipv4_hdr *ip =
				rte_pktmbuf_mtod_offset(m[i], const struct rte_ipv4_hdr *, L3);

			ops[i].esp = rte_pktmbuf_mtod_offset(m[i], uint8_t *, L4);
			ops[i].len = rte_be_to_cpu_16(ip->total_length) - 20u;
			ops[i].seq_hi = 0;
			ops[i].k = &keys;
		}
	}
	return esp_crypto_burst(mgr, ops, n, out ? ESP_DIR_OUT : ESP_DIR_IN);
}

/* AES-GCM through IPsec-MB's one-call API, after the hub's layout (RFC 4106 4 and 5). */
static unsigned int gcm_direct_run(struct rte_mbuf **m, unsigned int n, bool out)
{
	static uint64_t seq;
	struct gcm_context_data ctx;
	uint8_t nonce[12], tag[16], d;
	unsigned int i, j, ok = 0;

	for (i = 0; i < n; i++) {
		uint8_t *esp;
		uint32_t len, clen;

		if (out) {
			seq++;
			if (esp_mbuf_encap(m[i], &keys, SPI, seq, seq, &ops[i]) < 0)
				continue;
			esp = ops[i].esp;
			len = ops[i].len;
			for (j = 0; j < 8; j++)
				esp[ESP_HDR_LEN + j] = (uint8_t)(seq >> (56 - 8 * j));
		} else {
			const struct rte_ipv4_hdr *ip =
				rte_pktmbuf_mtod_offset(m[i], const struct rte_ipv4_hdr *, L3);

			esp = rte_pktmbuf_mtod_offset(m[i], uint8_t *, L4);
			len = rte_be_to_cpu_16(ip->total_length) - 20u;
		}
		clen = len - ESP_HDR_LEN - 8 - 16;
		memcpy(nonce, keys.salt, 4);
		memcpy(nonce + 4, esp + ESP_HDR_LEN, 8);
		if (out) {
			IMB_AES128_GCM_ENC(mgr, &keys.gcm, &ctx, esp + 16, esp + 16, clen, nonce, esp, 8,
					   esp + len - 16, 16);
			ok++;
			continue;
		}
		IMB_AES128_GCM_DEC(mgr, &keys.gcm, &ctx, esp + 16, esp + 16, clen, nonce, esp, 8, tag,
				   16);
		for (d = 0, j = 0; j < 16; j++)
			d |= tag[j] ^ esp[len - 16 + j];
		ok += d == 0;
	}
	return ok;
}

static unsigned int rte_run(const struct rte_side *s, struct rte_mbuf **m, unsigned int n)
{
	uint16_t k = rte_ipsec_pkt_cpu_prepare(&s->ss, m, (uint16_t)n);

	return rte_ipsec_pkt_process(&s->ss, m, k);
}

/* Restore a burst from templates. */
static void burst_set(struct rte_mbuf **m, uint8_t (*tpl)[2048], const unsigned int *len,
		      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		mbuf_set(m[i], tpl[i], len[i]);
}

/* The GRE packet inside (from the outer IP header's payload) equals the original's. */
static bool same_gre(const struct rte_mbuf *m, const uint8_t *orig, unsigned int len)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, L3);

	return rte_pktmbuf_pkt_len(m) == len && ip->next_proto_id == IPPROTO_GRE &&
	       rte_be_to_cpu_16(ip->total_length) == len - ETH &&
	       memcmp(rte_pktmbuf_mtod_offset(m, const uint8_t *, L4), orig + L4, len - L4) == 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint8_t plain[BURST][2048], esp_hub[BURST][2048], esp_rte[BURST][2048];
static unsigned int plain_len[BURST], esp_len[BURST];

static int bench(enum alg a, uint8_t dev, const char *size_label, const unsigned int *sizes,
		 unsigned int n_sizes, double seconds)
{
	struct rte_side in, out;
	struct rte_mbuf *m[BURST];
	unsigned int nb = n_sizes > 1 ? 24 : BURST, i, d;
	double mean = 0;

	struct esp_sa_params kp = {.spi = SPI, .dir = ESP_DIR_IN, .peer_addr = SPOKE};

	kp.cipher = a == ALG_GCM128 ? ESP_CIPHER_AES_GCM_128 : ESP_CIPHER_AES_CBC_128;
	kp.integ = a == ALG_GCM128 ? ESP_INTEG_NONE : ESP_INTEG_HMAC_SHA1_96;
	memcpy(kp.enc_key, key, sizeof(key));
	memcpy(kp.auth_key, auth, sizeof(auth));
	memcpy(kp.salt, salt, sizeof(salt));
	if (esp_keys_expand(mgr, &keys, &kp) < 0)
		return -1;
	if (hub_sas(a) < 0 || rte_side_init(&in, a, dev, false) < 0 ||
	    rte_side_init(&out, a, dev, true) < 0)
		return -1;
	if (rte_pktmbuf_alloc_bulk(pool, m, nb) != 0)
		return -1;
	for (i = 0; i < nb; i++) {
		plain_len[i] = gre_frame(plain[i], sizes[i % n_sizes], i);
		mean += sizes[i % n_sizes];
	}
	mean /= nb;

	/* Agreement: hub out -> rte_ipsec in, rte_ipsec out -> hub in, both give the GRE back. */
	burst_set(m, plain, plain_len, nb);
	if (hub_run(m, nb, true) != nb)
		goto broken;
	for (i = 0; i < nb; i++) {
		esp_len[i] = rte_pktmbuf_pkt_len(m[i]);
		memcpy(esp_hub[i], rte_pktmbuf_mtod(m[i], uint8_t *), esp_len[i]);
	}
	burst_set(m, esp_hub, esp_len, nb);
	if (rte_run(&in, m, nb) != nb)
		goto broken;
	for (i = 0; i < nb; i++)
		if (!same_gre(m[i], plain[i], plain_len[i]))
			goto broken;
	burst_set(m, plain, plain_len, nb);
	if (rte_run(&out, m, nb) != nb)
		goto broken;
	for (i = 0; i < nb; i++) {
		if (rte_pktmbuf_pkt_len(m[i]) != esp_len[i])
			goto broken; /* the same ESP layout, padding and ICV length */
		memcpy(esp_rte[i], rte_pktmbuf_mtod(m[i], uint8_t *), esp_len[i]);
	}
	burst_set(m, esp_rte, esp_len, nb);
	if (hub_run(m, nb, false) != nb)
		goto broken;
	for (i = 0; i < nb; i++)
		if (!same_gre(m[i], plain[i], plain_len[i]))
			goto broken;

	for (d = 0; d < 2; d++) {
		bool dir_out = d == 0;
		uint64_t cyc_hub = 0, cyc_rte = 0, cyc_cry = 0, cyc_gcm = 0, pkts = 0, t0, t1;
		double s0 = now_s();
		unsigned int ok_hub = 0, ok_rte = 0, ok_cry = 0, ok_gcm = 0;
		char gcm_col[32] = "null";

		do {
			for (i = 0; i < 64; i++) {
				burst_set(m, dir_out ? plain : esp_hub, dir_out ? plain_len : esp_len, nb);
				t0 = __rdtsc();
				ok_hub += hub_run(m, nb, dir_out);
				t1 = __rdtsc();
				cyc_hub += t1 - t0;
				burst_set(m, dir_out ? plain : esp_hub, dir_out ? plain_len : esp_len, nb);
				t0 = __rdtsc();
				ok_rte += rte_run(dir_out ? &out : &in, m, nb);
				t1 = __rdtsc();
				cyc_rte += t1 - t0;
				burst_set(m, dir_out ? plain : esp_hub, dir_out ? plain_len : esp_len, nb);
				t0 = __rdtsc();
				ok_cry += crypto_run(m, nb, dir_out);
				t1 = __rdtsc();
				cyc_cry += t1 - t0;
				if (a == ALG_GCM128) {
					burst_set(m, dir_out ? plain : esp_hub,
						  dir_out ? plain_len : esp_len, nb);
					t0 = __rdtsc();
					ok_gcm += gcm_direct_run(m, nb, dir_out);
					t1 = __rdtsc();
					cyc_gcm += t1 - t0;
				}
				pkts += nb;
			}
		} while (now_s() - s0 < seconds);
		if (ok_hub != pkts || ok_rte != pkts || ok_cry != pkts ||
		    (a == ALG_GCM128 && ok_gcm != pkts)) {
			fprintf(stderr, "bench_rte_ipsec: %s %s: %u / %u / %u packets failed\n",
				alg_name[a], dir_out ? "out" : "in", (unsigned int)pkts - ok_hub,
				(unsigned int)pkts - ok_rte, (unsigned int)pkts - ok_cry);
			return -1;
		}
		if (a == ALG_GCM128)
			snprintf(gcm_col, sizeof(gcm_col), "%.1f", (double)cyc_gcm / pkts);
		printf("{\"name\": \"esp-path-%s-%s-%s\", \"algorithm\": \"%s\", "
		       "\"size_label\": \"%s\", \"pkt_size\": %.0f, \"dir\": \"%s\", "
		       "\"packets\": %llu, \"hub_cycles_per_pkt\": %.1f, "
		       "\"hub_crypto_cycles_per_pkt\": %.1f, \"gcm_direct_cycles_per_pkt\": %s, "
		       "\"rte_ipsec_cycles_per_pkt\": %.1f, \"rte_ipsec_over_hub\": %.3f, "
		       "\"pmd\": \"%s\"}\n",
		       alg_name[a], size_label, dir_out ? "out" : "in", alg_name[a], size_label,
		       mean, dir_out ? "out" : "in", (unsigned long long)pkts,
		       (double)cyc_hub / pkts, (double)cyc_cry / pkts, gcm_col, (double)cyc_rte / pkts,
		       (double)cyc_rte / (double)cyc_hub, alg_pmd[a]);
		fflush(stdout);
	}
	rte_pktmbuf_free_bulk(m, nb);
	rte_side_free(&in, dev);
	rte_side_free(&out, dev);
	hub_sas_remove();
	return 0;
broken:
	fprintf(stderr, "bench_rte_ipsec: %s, %s: the hub and rte_ipsec do not agree on the "
			"packets (encrypt with one, decrypt with the other)\n",
		alg_name[a], size_label);
	return -1;
}

static int dev_setup(const char *name, uint8_t *dev)
{
	struct rte_cryptodev_config conf = {.socket_id = SOCKET_ID_ANY, .nb_queue_pairs = 1};
	struct rte_cryptodev_qp_conf qp = {.nb_descriptors = 128, .mp_session = ses_pool};
	struct rte_cryptodev_info info;
	int id = rte_cryptodev_get_dev_id(name);

	if (id < 0) {
		fprintf(stderr, "bench_rte_ipsec: no crypto device %s\n", name);
		return -1;
	}
	rte_cryptodev_info_get((uint8_t)id, &info);
	if (!(info.feature_flags & RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO)) {
		fprintf(stderr, "bench_rte_ipsec: %s has no CPU-crypto mode\n", name);
		return -1;
	}
	if (rte_cryptodev_configure((uint8_t)id, &conf) < 0 ||
	    rte_cryptodev_queue_pair_setup((uint8_t)id, 0, &qp, SOCKET_ID_ANY) < 0 ||
	    rte_cryptodev_start((uint8_t)id) < 0) {
		fprintf(stderr, "bench_rte_ipsec: cannot start %s\n", name);
		return -1;
	}
	*dev = (uint8_t)id;
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int imix[12] = {64, 64, 64, 64, 64, 64, 64, 576, 576, 576, 576, 1400};
	const char *labels[8];
	unsigned int n_labels = 0, i, a, sz, max_ses = 0;
	double seconds = 1.0;
	char lcore[16];
	cpu_set_t cpus;
	uint8_t dev[ALG_MAX];
	char *eal_argv[] = {argv[0], "--no-huge", "-m", "256", "--no-shconf", "--no-telemetry",
			    "--no-pci", "-l", lcore, "--log-level=4",
			    "--vdev", "crypto_aesni_gcm0", "--vdev", "crypto_aesni_mb0", NULL};

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < (unsigned int)argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < (unsigned int)argc && n_labels < 8)
			labels[n_labels++] = argv[++i];
		else
			seconds = -1;
	}
	for (i = 0; i < n_labels; i++) {
		long v = strtol(labels[i], NULL, 10);

		if (strcmp(labels[i], "imix") != 0 && (v < 28 || v > 1400))
			seconds = -1;
	}
	if (seconds <= 0 || seconds > 60) {
		fprintf(stderr, "usage: bench_rte_ipsec [--seconds S (0..60)] [--size 64|imix|1400]...\n");
		return 2;
	}
	if (n_labels == 0) {
		labels[0] = "64", labels[1] = "imix", labels[2] = "1400";
		n_labels = 3;
	}
	/* EAL pins its main lcore: keep the CPU we were started on (taskset / chrt). */
	CPU_ZERO(&cpus);
	sched_getaffinity(0, sizeof(cpus), &cpus);
	for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &cpus); i++)
		;
	snprintf(lcore, sizeof(lcore), "%u", i < CPU_SETSIZE ? i : 0);
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0) {
		fprintf(stderr, "bench_rte_ipsec: rte_eal_init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("bench", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	for (a = 0; a < ALG_MAX; a++) {
		int id = rte_cryptodev_get_dev_id(alg_pmd[a]);
		unsigned int s = id < 0 ? 0 : rte_cryptodev_sym_get_private_session_size((uint8_t)id);

		max_ses = s > max_ses ? s : max_ses;
	}
	ses_pool = rte_cryptodev_sym_session_pool_create("ses", 63, max_ses, 0, 0, SOCKET_ID_ANY);
	tab = esp_table_create("bench", 4, SOCKET_ID_ANY);
	if (tab != NULL && dp_esp_scratch_init(tab, SOCKET_ID_ANY) < 0)
		tab = NULL;
	seqs = rte_zmalloc(NULL, sizeof(*seqs) * 4, 64);
	mgr = esp_mgr_create();
	if (mgr == NULL || pool == NULL || ses_pool == NULL || tab == NULL || seqs == NULL || max_ses == 0) {
		fprintf(stderr, "bench_rte_ipsec: cannot set up (mbufs, sessions, SA table)\n");
		return 1;
	}
	for (a = 0; a < ALG_MAX; a++)
		if (dev_setup(alg_pmd[a], &dev[a]) < 0)
			return 1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x11 * i + 3);
	for (i = 0; i < sizeof(auth); i++)
		auth[i] = (uint8_t)(0x5a ^ i);
	memcpy(salt, "\xca\xfe\xba\xbe", 4);
	for (a = 0; a < ALG_MAX; a++) {
		for (i = 0; i < n_labels; i++) {
			unsigned int one;

			if (strcmp(labels[i], "imix") == 0) {
				if (bench((enum alg)a, dev[a], "imix", imix, 12, seconds) < 0)
					return 1;
				continue;
			}
			sz = (unsigned int)strtol(labels[i], NULL, 10);
			one = sz;
			if (bench((enum alg)a, dev[a], labels[i], &one, 1, seconds) < 0)
				return 1;
		}
	}
	for (a = 0; a < ALG_MAX; a++)
		rte_cryptodev_stop(dev[a]);
	rte_eal_cleanup();
	return 0;
}
