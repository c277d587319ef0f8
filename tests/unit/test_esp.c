/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP (RFC 4303) in the worker: known answers (NIST GCM, and ESP packets made by scapy over
 * OpenSSL, tests/tools/esp_vectors.py), the anti-replay window and ESN inference (RFC 4303
 * 3.4.3, Appendix A2), and every way a packet is refused, each under its own counter.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dataplane/dp_esp.h"
#include "dataplane/dp_sa.h"
#include "lib/cfg.h"
#include "lib/esp_crypto.h"
#include "lib/esp_replay.h"
#include "tests/unit/cunit_run.h"
#include "tests/unit/esp_vectors.h"

#define SPOKE RTE_BE32(0xc6336402) /* 198.51.100.2 */
#define OTHER RTE_BE32(0xc6336403)
#define ETH 14
#define L4 (ETH + 20)

static struct rte_mempool *pool;
static struct dp_sa_table *tab;
static struct esp_seq *seqs;
static IMB_MGR *mgr;

#define N_SA 64

static struct esp_sa_params vec_params(const struct esp_vector *v, uint8_t dir)
{
	struct esp_sa_params p = {
		.spi = v->spi,
		.dir = dir,
		.cipher = (uint8_t)v->cipher,
		.integ = (uint8_t)v->integ,
		.flags = v->esn ? ESP_SA_F_ESN : 0,
		.peer_addr = SPOKE,
		.replay_window = 64,
	};

	memcpy(p.enc_key, v->key, v->key_len);
	if (v->integ != ESP_INTEG_NONE)
		memcpy(p.auth_key, v->auth, v->auth_len);
	memcpy(p.salt, v->salt, ESP_SALT_LEN);
	return p;
}

static int sa_install(uint32_t idx, const struct esp_sa_params *p)
{
	struct esp_sa_msg m = {.type = ESP_SA_MSG_SET, .idx = idx, .p = *p};

	return dp_sa_apply(tab, &m);
}

static void sa_remove(uint32_t idx)
{
	struct esp_sa_msg m = {.type = ESP_SA_MSG_DEL, .idx = idx};

	dp_sa_apply(tab, &m);
}

/* An Ethernet frame holding ip (an IPv4 packet) as received. */
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

static uint8_t decap_one(struct rte_mbuf *m)
{
	uint16_t l3 = ETH, l4 = L4;
	uint8_t verdict = 0xff;

	dp_esp_decap_burst(tab, &m, &l3, &l4, 1, &verdict);
	return verdict;
}

static uint8_t encap_one(struct rte_mbuf *m, uint32_t idx)
{
	uint8_t verdict = 0xff;

	dp_esp_encap_burst(tab, seqs, &m, &idx, 1, &verdict);
	return verdict;
}

static int ip_equal(struct rte_mbuf *m, const uint8_t *ip, unsigned int len)
{
	return rte_pktmbuf_pkt_len(m) == ETH + len &&
	       memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, ETH), ip, len) == 0;
}

/* ---- NIST GCM (the GCM specification's test cases 3, 4 and 16) on our key expansion ---- */

static void test_esp_gcm_nist_vectors(void)
{
	static const uint8_t key[32] = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
					0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
					0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
					0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08};
	static const uint8_t iv[12] = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce,
				       0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
	static const uint8_t pt[64] = {
		0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5, 0xaf,
		0xf5, 0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda, 0x2e, 0x4c,
		0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09,
		0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25, 0xb1, 0x6a, 0xed, 0xf5,
		0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39, 0x1a, 0xaf, 0xd2, 0x55};
	static const uint8_t aad[20] = {0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed,
					0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2};
	static const uint8_t ct128_head[8] = {0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24};
	static const uint8_t ct128_tail[4] = {0x3d, 0x58, 0xe0, 0x91}; /* bytes 56..59 */
	static const uint8_t tag3[16] = {0x4d, 0x5c, 0x2a, 0xf3, 0x27, 0xcd, 0x64, 0xa6,
					 0x2c, 0xf3, 0x5a, 0xbd, 0x2b, 0xa6, 0xfa, 0xb4};
	static const uint8_t tag4[16] = {0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb,
					 0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47};
	static const uint8_t ct256_head[8] = {0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07};
	static const uint8_t tag16[16] = {0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68,
					  0xcd, 0xdf, 0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b};
	struct esp_sa_params p = {.spi = 256, .dir = ESP_DIR_OUT, .cipher = ESP_CIPHER_AES_GCM_128};
	struct esp_keys *k = rte_zmalloc(NULL, sizeof(*k), 64);
	struct gcm_context_data ctx;
	uint8_t out[64], tag[16];

	CU_ASSERT_FATAL(k != NULL);
	memcpy(p.enc_key, key, 32);
	CU_ASSERT_EQUAL_FATAL(esp_keys_expand(mgr, k, &p), 0);
	/* Test case 3: no AAD, 64 bytes. */
	IMB_AES128_GCM_ENC(mgr, &k->gcm, &ctx, out, pt, 64, iv, NULL, 0, tag, 16);
	CU_ASSERT(memcmp(out, ct128_head, 8) == 0);
	CU_ASSERT(memcmp(out + 56, ct128_tail, 4) == 0);
	CU_ASSERT(memcmp(tag, tag3, 16) == 0);
	/* Test case 4: 20 bytes of AAD, 60 bytes. */
	IMB_AES128_GCM_ENC(mgr, &k->gcm, &ctx, out, pt, 60, iv, aad, 20, tag, 16);
	CU_ASSERT(memcmp(out, ct128_head, 8) == 0);
	CU_ASSERT(memcmp(tag, tag4, 16) == 0);
	/* Test case 16: the same with a 256-bit key. */
	p.cipher = ESP_CIPHER_AES_GCM_256;
	CU_ASSERT_EQUAL_FATAL(esp_keys_expand(mgr, k, &p), 0);
	IMB_AES256_GCM_ENC(mgr, &k->gcm, &ctx, out, pt, 60, iv, aad, 20, tag, 16);
	CU_ASSERT(memcmp(out, ct256_head, 8) == 0);
	CU_ASSERT(memcmp(tag, tag16, 16) == 0);
	rte_free(k);
}

/* ---- ESP packets made by scapy/OpenSSL through our stage ---- */

static void test_esp_decap_matches_reference_vectors(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(esp_vectors); i++) {
		const struct esp_vector *v = &esp_vectors[i];
		struct esp_sa_params p = vec_params(v, ESP_DIR_IN);
		struct rte_mbuf *m;
		uint8_t verdict;

		CU_ASSERT_EQUAL_FATAL(sa_install(i, &p), 0);
		if (v->esn) {
			/* The receiver has seen the number just below: the high half is inferred
			 * from the window (RFC 4303 A2.2), never sent. */
			tab->sa[i].replay.top = v->seq - 1;
		}
		m = frame(v->enc, v->enc_len);
		verdict = decap_one(m);
		if (verdict != 0)
			printf("\n%s: verdict %u\n", v->name, verdict);
		CU_ASSERT_EQUAL(verdict, 0);
		CU_ASSERT(ip_equal(m, v->clear, v->clear_len));
		CU_ASSERT(m->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD);
		CU_ASSERT_EQUAL(tab->sa[i].c.pkts, 1);
		rte_pktmbuf_free(m);
		sa_remove(i);
	}
}

/* GCM IVs are the counter value: with the counter where scapy's IV is, our packet must be
 * scapy's packet, byte for byte. */
static void test_esp_encap_gcm_matches_reference_vectors(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(esp_vectors); i++) {
		const struct esp_vector *v = &esp_vectors[i];
		struct esp_sa_params p = vec_params(v, ESP_DIR_OUT);
		const uint8_t *ivp = v->enc + 20 + ESP_HDR_LEN;
		uint64_t iv = 0;
		struct rte_mbuf *m;
		unsigned int b;

		if (!esp_cipher_is_aead((unsigned int)v->cipher))
			continue;
		for (b = 0; b < 8; b++)
			iv = iv << 8 | ivp[b];
		p.seq_base = iv - v->seq;
		seqs[i].next = iv - 1;
		CU_ASSERT_EQUAL_FATAL(sa_install(i, &p), 0);
		m = frame(v->clear, v->clear_len);
		CU_ASSERT_EQUAL(encap_one(m, i), 0);
		if (!ip_equal(m, v->enc, v->enc_len))
			printf("\n%s: encap differs\n", v->name);
		CU_ASSERT(ip_equal(m, v->enc, v->enc_len));
		rte_pktmbuf_free(m);
		sa_remove(i);
	}
}

/* Every algorithm: ours out, ours in, a full burst of 32 (CBC lanes fill), mixed sizes. */
static void test_esp_round_trip_every_algorithm_in_bursts(void)
{
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(esp_vectors); i++) {
		const struct esp_vector *v = &esp_vectors[i];
		struct esp_sa_params po = vec_params(v, ESP_DIR_OUT), pi = vec_params(v, ESP_DIR_IN);
		struct rte_mbuf *m[DP_BURST];
		uint16_t l3[DP_BURST], l4[DP_BURST];
		uint32_t idx[DP_BURST];
		uint8_t verdict[DP_BURST];

		po.seq_base = seqs[10].next;
		CU_ASSERT_EQUAL_FATAL(sa_install(10, &po), 0);
		CU_ASSERT_EQUAL_FATAL(sa_install(11, &pi), 0);
		for (j = 0; j < DP_BURST; j++) {
			m[j] = frame(v->clear, v->clear_len);
			rte_pktmbuf_trim(m[j], (uint16_t)(j % 13)); /* vary the padding */
			idx[j] = 10;
			l3[j] = ETH;
			l4[j] = L4;
		}
		dp_esp_encap_burst(tab, seqs, m, idx, DP_BURST, verdict);
		for (j = 0; j < DP_BURST; j++)
			CU_ASSERT_EQUAL(verdict[j], 0);
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(m[0], uint8_t *, ETH)[9], ESP_PROTO);
		dp_esp_decap_burst(tab, m, l3, l4, DP_BURST, verdict);
		for (j = 0; j < DP_BURST; j++) {
			CU_ASSERT_EQUAL(verdict[j], 0);
			CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m[j]), ETH + v->clear_len - j % 13);
			CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m[j], uint8_t *, L4), v->clear + 20,
					 v->clear_len - 20 - j % 13) == 0);
			rte_pktmbuf_free(m[j]);
		}
		CU_ASSERT_EQUAL(tab->sa[10].c.pkts, DP_BURST);
		CU_ASSERT_EQUAL(tab->sa[11].c.pkts, DP_BURST);
		CU_ASSERT_EQUAL(tab->sa[11].replay.top, DP_BURST);
		sa_remove(10);
		sa_remove(11);
	}
}

/* ---- refusals ---- */

static const struct esp_vector *vec(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(esp_vectors); i++)
		if (strcmp(esp_vectors[i].name, name) == 0)
			return &esp_vectors[i];
	CU_FAIL_FATAL("no such vector");
	return NULL;
}

/* GCM runs through IPsec-MB's one-call functions and CBC + HMAC through its job manager:
 * a burst mixing every algorithm (and a packet refused before crypto in the middle) must
 * come out as if each packet had been alone, both ways. */
static void test_esp_mixed_algorithms_in_one_burst(void)
{
	const unsigned int nv = RTE_DIM(esp_vectors);
	struct rte_mbuf *m[DP_BURST];
	uint16_t l3[DP_BURST], l4[DP_BURST];
	uint32_t idx[DP_BURST];
	uint8_t verdict[DP_BURST];
	unsigned int i, j;

	for (i = 0; i < nv; i++) {
		struct esp_sa_params po = vec_params(&esp_vectors[i], ESP_DIR_OUT);
		struct esp_sa_params pi = vec_params(&esp_vectors[i], ESP_DIR_IN);

		po.seq_base = seqs[20 + i].next;
		CU_ASSERT_EQUAL_FATAL(sa_install(20 + i, &po), 0);
		CU_ASSERT_EQUAL_FATAL(sa_install(40 + i, &pi), 0);
	}
	for (j = 0; j < DP_BURST; j++) {
		const struct esp_vector *v = &esp_vectors[j % nv];

		m[j] = frame(v->clear, v->clear_len);
		rte_pktmbuf_trim(m[j], (uint16_t)(j % 7));
		idx[j] = 20 + j % nv;
		l3[j] = ETH;
		l4[j] = L4;
	}
	dp_esp_encap_burst(tab, seqs, m, idx, DP_BURST, verdict);
	for (j = 0; j < DP_BURST; j++)
		CU_ASSERT_EQUAL(verdict[j], 0);
	/* packet 9 (a CBC one) loses its last byte: not whole cipher blocks any more */
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m[9], struct rte_ipv4_hdr *, ETH);

		CU_ASSERT_FATAL(!esp_cipher_is_aead((unsigned int)esp_vectors[9 % nv].cipher));
		rte_pktmbuf_trim(m[9], 1);
		ip->total_length = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip->total_length) - 1));
	}
	dp_esp_decap_burst(tab, m, l3, l4, DP_BURST, verdict);
	for (j = 0; j < DP_BURST; j++) {
		const struct esp_vector *v = &esp_vectors[j % nv];

		if (j == 9) {
			CU_ASSERT_EQUAL(verdict[j], HUB_DROP_ESP_TRUNCATED);
			rte_pktmbuf_free(m[j]);
			continue;
		}
		CU_ASSERT_EQUAL(verdict[j], 0);
		CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m[j]), ETH + v->clear_len - j % 7);
		CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m[j], uint8_t *, L4), v->clear + 20,
				 v->clear_len - 20 - j % 7) == 0);
		rte_pktmbuf_free(m[j]);
	}
	for (i = 0; i < nv; i++) {
		unsigned int sent = (DP_BURST - i + nv - 1) / nv; /* packets i, i + nv, ... */

		CU_ASSERT_EQUAL(tab->sa[20 + i].c.pkts, sent);
		CU_ASSERT_EQUAL(tab->sa[40 + i].c.pkts, sent - (i == 9 % nv));
		sa_remove(20 + i);
		sa_remove(40 + i);
	}
}

/* The whole 16-byte GCM tag is checked (RFC 4106 6; a compare that stopped early or looked
 * at 8 or 12 bytes would let some of these through), and the AAD is what RFC 4106 5 says:
 * SPI and sequence number, with ESN the high half the receiver inferred. */
static void test_esp_gcm_every_tag_byte_and_the_aad_checked(void)
{
	const char *names[] = {"gcm128", "gcm256", "gcm128_esn"};
	unsigned int i, b;

	for (i = 0; i < RTE_DIM(names); i++) {
		const struct esp_vector *v = vec(names[i]);
		struct esp_sa_params p = vec_params(v, ESP_DIR_IN);
		uint64_t top = v->esn ? v->seq - 1 : 0;
		struct rte_mbuf *m;

		CU_ASSERT_EQUAL_FATAL(sa_install(1, &p), 0);
		tab->sa[1].replay.top = top;
		for (b = 0; b < 16; b++) {
			m = frame(v->enc, v->enc_len);
			rte_pktmbuf_mtod_offset(m, uint8_t *, ETH + v->enc_len - 16 + b)[0] ^= 0x40;
			CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_INTEGRITY);
			rte_pktmbuf_free(m);
		}
		CU_ASSERT_EQUAL(tab->sa[1].c.integrity, 16);
		/* the sequence number is authenticated: one more packet number, same bytes */
		m = frame(v->enc, v->enc_len);
		rte_pktmbuf_mtod_offset(m, uint8_t *, L4 + 7)[0] ^= 0x08;
		CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_INTEGRITY);
		rte_pktmbuf_free(m);
		if (v->esn) {
			/* the receiver infers another high half (window far ahead): same bytes,
			 * other AAD, so the tag fails */
			tab->sa[1].replay.top = top + (UINT64_C(1) << 32);
			m = frame(v->enc, v->enc_len);
			CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_INTEGRITY);
			rte_pktmbuf_free(m);
			tab->sa[1].replay.top = top;
		}
		m = frame(v->enc, v->enc_len);
		CU_ASSERT_EQUAL(decap_one(m), 0);
		CU_ASSERT(ip_equal(m, v->clear, v->clear_len));
		rte_pktmbuf_free(m);
		CU_ASSERT_EQUAL(tab->sa[1].c.pkts, 1);
		CU_ASSERT_EQUAL(tab->sa[1].replay.top, v->seq);
		sa_remove(1);
	}
}

/* AES-CBC IVs are unpredictable (RFC 3602 2.3): E_K(counter value | SPI | "ESPI"), the
 * encrypted nonce of NIST SP 800-38A Appendix C, here computed apart with an ECB job and
 * compared with what the stage put on the wire (it encrypts the nonce as the first block of
 * the packet's CBC job); consecutive packets get unrelated IVs. */
static void test_esp_cbc_iv_is_the_encrypted_counter(void)
{
	const char *names[] = {"cbc128_sha1", "cbc256_sha256"};
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(names); i++) {
		const struct esp_vector *v = vec(names[i]);
		struct esp_sa_params p = vec_params(v, ESP_DIR_OUT);
		struct esp_keys *k = rte_zmalloc(NULL, sizeof(*k), 64);
		uint8_t iv[2][16];

		CU_ASSERT_FATAL(k != NULL);
		CU_ASSERT_EQUAL_FATAL(esp_keys_expand(mgr, k, &p), 0);
		seqs[12].next = UINT64_C(0x0123456789abcdef);
		p.seq_base = seqs[12].next;
		CU_ASSERT_EQUAL_FATAL(sa_install(12, &p), 0);
		for (j = 0; j < 2; j++) {
			uint64_t ctr = UINT64_C(0x0123456789abcdef) + 1 + j;
			uint8_t nonce[16], want[16];
			struct rte_mbuf *m = frame(v->clear, v->clear_len);
			IMB_JOB *job;
			unsigned int b;

			CU_ASSERT_EQUAL(encap_one(m, 12), 0);
			memcpy(iv[j], rte_pktmbuf_mtod_offset(m, uint8_t *, L4 + ESP_HDR_LEN), 16);
			for (b = 0; b < 8; b++)
				nonce[b] = (uint8_t)(ctr >> (56 - 8 * b));
			for (b = 0; b < 4; b++)
				nonce[8 + b] = (uint8_t)(v->spi >> (24 - 8 * b));
			memcpy(nonce + 12, "ESPI", 4);
			job = IMB_GET_NEXT_JOB(mgr);
			job->cipher_mode = IMB_CIPHER_ECB;
			job->cipher_direction = IMB_DIR_ENCRYPT;
			job->chain_order = IMB_ORDER_CIPHER_HASH;
			job->hash_alg = IMB_AUTH_NULL;
			job->key_len_in_bytes = k->key_len;
			job->enc_keys = k->enc;
			job->dec_keys = k->dec;
			job->iv = nonce;
			job->iv_len_in_bytes = 0;
			job->src = nonce;
			job->dst = want;
			job->cipher_start_src_offset_in_bytes = 0;
			job->msg_len_to_cipher_in_bytes = 16;
			job = IMB_SUBMIT_JOB(mgr);
			if (job == NULL)
				job = IMB_FLUSH_JOB(mgr);
			CU_ASSERT_FATAL(job != NULL && job->status == IMB_STATUS_COMPLETED);
			CU_ASSERT(memcmp(iv[j], want, 16) == 0);
			rte_pktmbuf_free(m);
		}
		CU_ASSERT(memcmp(iv[0], iv[1], 16) != 0);
		sa_remove(12);
		rte_free(k);
	}
}

static void test_esp_tampered_icv_dropped_and_window_kept(void)
{
	const char *names[] = {"gcm128", "cbc128_sha1", "cbc256_sha256"};
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++) {
		const struct esp_vector *v = vec(names[i]);
		struct esp_sa_params p = vec_params(v, ESP_DIR_IN);
		struct rte_mbuf *m;
		uint8_t *last;

		CU_ASSERT_EQUAL_FATAL(sa_install(1, &p), 0);
		m = frame(v->enc, v->enc_len);
		last = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH + v->enc_len - 1);
		*last ^= 0x01;
		CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_INTEGRITY);
		CU_ASSERT_EQUAL(tab->sa[1].c.integrity, 1);
		CU_ASSERT_EQUAL(tab->sa[1].replay.top, 0); /* RFC 4303 3.4.3 */
		rte_pktmbuf_free(m);
		/* a flipped ciphertext bit too */
		m = frame(v->enc, v->enc_len);
		rte_pktmbuf_mtod_offset(m, uint8_t *, L4 + 30)[0] ^= 0x80;
		CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_INTEGRITY);
		rte_pktmbuf_free(m);
		/* the genuine packet still passes: its number was never taken */
		m = frame(v->enc, v->enc_len);
		CU_ASSERT_EQUAL(decap_one(m), 0);
		rte_pktmbuf_free(m);
		CU_ASSERT_EQUAL(tab->sa[1].c.integrity, 2);
		CU_ASSERT_EQUAL(tab->sa[1].c.pkts, 1);
		sa_remove(1);
	}
}

/* Cut the ESP part to len bytes (outer IPv4 length fixed to match). */
static struct rte_mbuf *truncated(const struct esp_vector *v, unsigned int esp_len)
{
	struct rte_mbuf *m = frame(v->enc, v->enc_len);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH);

	rte_pktmbuf_trim(m, (uint16_t)(v->enc_len - 20 - esp_len));
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + esp_len));
	return m;
}

static void test_esp_truncated_dropped_and_counted(void)
{
	const struct esp_vector *g = vec("gcm128"), *c = vec("cbc128_sha1");
	struct esp_sa_params pg = vec_params(g, ESP_DIR_IN), pc = vec_params(c, ESP_DIR_IN);
	struct rte_mbuf *m;

	CU_ASSERT_EQUAL_FATAL(sa_install(2, &pg), 0);
	CU_ASSERT_EQUAL_FATAL(sa_install(3, &pc), 0);
	m = truncated(g, 4); /* not even an SPI and sequence number */
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_TRUNCATED);
	rte_pktmbuf_free(m);
	m = truncated(g, ESP_HDR_LEN + 8 + 16 + 1); /* header, IV, ICV, no trailer */
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_TRUNCATED);
	rte_pktmbuf_free(m);
	m = truncated(c, c->enc_len - 20 - 5); /* CBC: not whole blocks any more */
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_TRUNCATED);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(tab->sa[2].c.truncated, 1);
	CU_ASSERT_EQUAL(tab->sa[3].c.truncated, 1);
	sa_remove(2);
	sa_remove(3);
}

/* Build an authentic packet whose trailer is wrong, with our own crypto (a sender's bug). */
static struct rte_mbuf *bad_trailer(const struct esp_vector *v, int how)
{
	struct esp_sa_params p = vec_params(v, ESP_DIR_OUT);
	struct esp_keys *k = rte_zmalloc(NULL, sizeof(*k), 64);
	struct esp_op op = {0};
	unsigned int plen = v->clear_len - 20, pad, front, len, i;
	uint8_t buf[2048], *esp = buf + 20;
	struct rte_mbuf *m;

	CU_ASSERT_FATAL(k != NULL);
	CU_ASSERT_EQUAL_FATAL(esp_keys_expand(mgr, k, &p), 0);
	front = esp_front_len(k);
	pad = esp_pad_len(k, plen) + (how == 2 ? k->block : 0);
	len = front + plen + pad + 2 + k->icv_len;
	memcpy(buf, v->clear, 20);
	buf[9] = ESP_PROTO;
	buf[2] = (uint8_t)((20 + len) >> 8);
	buf[3] = (uint8_t)(20 + len);
	esp[0] = (uint8_t)(v->spi >> 24);
	esp[1] = (uint8_t)(v->spi >> 16);
	esp[2] = (uint8_t)(v->spi >> 8);
	esp[3] = (uint8_t)v->spi;
	esp[4] = esp[5] = esp[6] = 0;
	esp[7] = 1;
	memcpy(esp + front, v->clear + 20, plen);
	for (i = 0; i < pad; i++)
		esp[front + plen + i] = (uint8_t)(i + 1);
	if (how == 0 && pad > 0)
		esp[front + plen] = 0x7f;	   /* pad bytes not 1, 2, 3, ... */
	esp[front + plen + pad] = (uint8_t)pad;
	esp[front + plen + pad + 1] = how == 1 ? 4 : ESP_NEXT_GRE; /* 1: IP-in-IP */
	if (how == 2)
		esp[front + plen + pad] = (uint8_t)(plen + pad + 1); /* longer than the payload */
	op.esp = esp;
	op.len = len;
	op.iv_seed = 1;
	op.k = k;
	CU_ASSERT_EQUAL_FATAL(esp_crypto_burst(mgr, &op, 1, ESP_DIR_OUT), 1);
	m = frame(buf, 20 + len);
	rte_free(k);
	return m;
}

static void test_esp_bad_padding_dropped_and_counted(void)
{
	const char *names[] = {"gcm256", "cbc128_sha1"};
	unsigned int i;
	int how;

	for (i = 0; i < RTE_DIM(names); i++) {
		const struct esp_vector *v = vec(names[i]);
		struct esp_sa_params p = vec_params(v, ESP_DIR_IN);

		p.replay_window = 0; /* each test packet has sequence number 1 */
		CU_ASSERT_EQUAL_FATAL(sa_install(4, &p), 0);
		for (how = 0; how < 3; how++) {
			struct rte_mbuf *m = bad_trailer(v, how);

			if (how == 0 && esp_pad_len(&tab->sa[4].keys, v->clear_len - 20) == 0) {
				rte_pktmbuf_free(m);
				continue;
			}
			CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_BAD_PADDING);
			rte_pktmbuf_free(m);
		}
		CU_ASSERT(tab->sa[4].c.padding >= 2);
		CU_ASSERT_EQUAL(tab->sa[4].c.pkts, 0);
		sa_remove(4);
	}
}

static void test_esp_unknown_spi_and_wrong_peer_dropped(void)
{
	const struct esp_vector *v = vec("gcm128");
	struct esp_sa_params p = vec_params(v, ESP_DIR_IN);
	struct rte_mbuf *m;

	m = frame(v->enc, v->enc_len);
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_UNKNOWN_SPI);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL_FATAL(sa_install(5, &p), 0);
	/* A spoke cannot use another spoke's SA: the SA is bound to its peer's address. */
	m = frame(v->enc, v->enc_len);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH)->src_addr = OTHER;
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_PEER_MISMATCH);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(tab->sa[5].c.other, 1);
	/* An outbound SA with the same SPI is not an inbound one. */
	sa_remove(5);
	p.dir = ESP_DIR_OUT;
	CU_ASSERT_EQUAL_FATAL(sa_install(5, &p), 0);
	m = frame(v->enc, v->enc_len);
	CU_ASSERT_EQUAL(decap_one(m), HUB_DROP_ESP_UNKNOWN_SPI);
	rte_pktmbuf_free(m);
	sa_remove(5);
}

static void test_esp_replayed_packet_dropped(void)
{
	const struct esp_vector *v = vec("cbc128_sha1");
	struct esp_sa_params p = vec_params(v, ESP_DIR_IN);
	struct rte_mbuf *m[3];
	uint16_t l3[3] = {ETH, ETH, ETH}, l4[3] = {L4, L4, L4};
	uint8_t verdict[3];
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(sa_install(6, &p), 0);
	/* Two copies in one burst: both pass the check before crypto, only one after. */
	for (i = 0; i < 3; i++)
		m[i] = frame(v->enc, v->enc_len);
	dp_esp_decap_burst(tab, m, l3, l4, 2, verdict);
	CU_ASSERT_EQUAL(verdict[0], 0);
	CU_ASSERT_EQUAL(verdict[1], HUB_DROP_ESP_REPLAY);
	/* and again later */
	CU_ASSERT_EQUAL(decap_one(m[2]), HUB_DROP_ESP_REPLAY);
	CU_ASSERT_EQUAL(tab->sa[6].c.replay, 2);
	for (i = 0; i < 3; i++)
		rte_pktmbuf_free(m[i]);
	sa_remove(6);
}

/* ---- the window and ESN on their own (RFC 4303 3.4.3, A2) ---- */

static void test_esp_replay_window_slides_and_refuses_late(void)
{
	struct esp_replay r;
	uint64_t s;

	esp_replay_init(&r, 4096);
	CU_ASSERT_FALSE(esp_replay_check(&r, 0));
	for (s = 1; s <= 100; s += 2)
		esp_replay_update(&r, s);
	CU_ASSERT_FALSE(esp_replay_check(&r, 99));
	CU_ASSERT_TRUE(esp_replay_check(&r, 98)); /* out of order, inside the window */
	esp_replay_update(&r, 10000);
	CU_ASSERT_EQUAL(r.top, 10000);
	CU_ASSERT_TRUE(esp_replay_check(&r, 10000 - 4095));  /* the window's left edge */
	CU_ASSERT_FALSE(esp_replay_check(&r, 10000 - 4096)); /* just left of it: late */
	CU_ASSERT_FALSE(esp_replay_check(&r, 99));
	esp_replay_update(&r, 10000 - 4095);
	CU_ASSERT_FALSE(esp_replay_check(&r, 10000 - 4095));
	/* Bits of numbers the window left must not mark the numbers that reuse their place. */
	esp_replay_update(&r, 10000 + 4160);
	CU_ASSERT_TRUE(esp_replay_check(&r, 10000 + 4160 - 1));
	CU_ASSERT_TRUE(esp_replay_check(&r, 10000 + 4160 - 4095));
	/* A jump far ahead empties the ring. */
	esp_replay_update(&r, 1000000);
	for (s = 1000000 - 4095; s < 1000000; s += 97)
		CU_ASSERT_TRUE(esp_replay_check(&r, s));
	CU_ASSERT_FALSE(esp_replay_check(&r, 1000000));
	/* Window 0: no replay check at all. */
	esp_replay_init(&r, 0);
	esp_replay_update(&r, 5);
	CU_ASSERT_TRUE(esp_replay_check(&r, 5));
}

static void test_esp_replay_small_window(void)
{
	struct esp_replay r;

	esp_replay_init(&r, 32);
	esp_replay_update(&r, 40);
	CU_ASSERT_TRUE(esp_replay_check(&r, 9));
	CU_ASSERT_FALSE(esp_replay_check(&r, 8));
	esp_replay_update(&r, 9);
	CU_ASSERT_FALSE(esp_replay_check(&r, 9));
	CU_ASSERT_TRUE(esp_replay_check(&r, 39));
}

static void test_esp_esn_infer_across_wrap(void)
{
	struct esp_replay r;
	uint64_t s;

	esp_replay_init(&r, 64);
	CU_ASSERT_EQUAL(esp_replay_infer(&r, false, 7), 7);
	/* Case A (window inside one 2^32 span): a small low half after a high top wrapped. */
	r.top = UINT64_C(0x1ffffffff0);
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 0xfffffff5), UINT64_C(0x1ffffffff5));
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 0xffffffb2), UINT64_C(0x1fffffffb2));
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 3), UINT64_C(0x2000000003));
	/* Case B (window straddles the wrap): top just past it. */
	r.top = UINT64_C(0x2000000002);
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 0xfffffff0), UINT64_C(0x1ffffffff0));
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 1), UINT64_C(0x2000000001));
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 100), UINT64_C(0x2000000064));
	/* Before the first wrap there is nothing below 0. */
	r.top = 2;
	CU_ASSERT_EQUAL(esp_replay_infer(&r, true, 0xfffffff0), 0);
	/* Walk the window over the wrap in steps. */
	esp_replay_init(&r, 128);
	r.top = UINT64_C(0xffffff00);
	for (s = UINT64_C(0xffffff01); s < UINT64_C(0x100000100); s += 3) {
		uint64_t got = esp_replay_infer(&r, true, (uint32_t)s);

		CU_ASSERT_EQUAL(got, s);
		CU_ASSERT_TRUE(esp_replay_check(&r, got));
		esp_replay_update(&r, got);
		CU_ASSERT_FALSE(esp_replay_check(&r, esp_replay_infer(&r, true, (uint32_t)s)));
	}
}

/* Through the stage: an ESN SA carries on across 2^32; a 32-bit SA stops there. */
static void test_esp_sequence_wrap_out_and_in(void)
{
	const struct esp_vector *v = vec("cbc128_sha256_esn");
	struct esp_sa_params po = vec_params(v, ESP_DIR_OUT), pi = vec_params(v, ESP_DIR_IN);
	struct rte_mbuf *m;
	unsigned int i;

	po.seq_base = 0;
	seqs[20].next = UINT64_C(0xfffffffe) - 1;
	CU_ASSERT_EQUAL_FATAL(sa_install(20, &po), 0);
	CU_ASSERT_EQUAL_FATAL(sa_install(21, &pi), 0);
	tab->sa[21].replay.top = UINT64_C(0xfffffff0);
	for (i = 0; i < 4; i++) { /* 0xfffffffe .. 0x100000001 */
		m = frame(v->clear, v->clear_len);
		CU_ASSERT_EQUAL(encap_one(m, 20), 0);
		CU_ASSERT_EQUAL(decap_one(m), 0);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_EQUAL(tab->sa[21].replay.top, UINT64_C(0x100000001));
	sa_remove(20);
	sa_remove(21);

	po.flags = 0;
	seqs[22].next = UINT32_MAX - 1;
	CU_ASSERT_EQUAL_FATAL(sa_install(22, &po), 0);
	m = frame(v->clear, v->clear_len);
	CU_ASSERT_EQUAL(encap_one(m, 22), 0); /* 2^32 - 1: the last one */
	rte_pktmbuf_free(m);
	m = frame(v->clear, v->clear_len);
	CU_ASSERT_EQUAL(encap_one(m, 22), HUB_DROP_ESP_SEQ_OVERFLOW);
	rte_pktmbuf_free(m);
	sa_remove(22);
}

/* A new SA on a reused index starts at 1 while the counter keeps growing. */
static void test_esp_reused_index_restarts_sequence(void)
{
	const struct esp_vector *v = vec("gcm128");
	struct esp_sa_params po = vec_params(v, ESP_DIR_OUT);
	struct rte_mbuf *m;

	seqs[30].next = 1000;
	po.seq_base = seqs[30].next;
	CU_ASSERT_EQUAL_FATAL(sa_install(30, &po), 0);
	m = frame(v->clear, v->clear_len);
	CU_ASSERT_EQUAL(encap_one(m, 30), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(m, uint8_t *, L4)[7], 1);
	/* the IV is the counter value, not the sequence number */
	CU_ASSERT_EQUAL(rte_pktmbuf_mtod_offset(m, uint8_t *, L4)[ESP_HDR_LEN + 7], 1001 & 0xff);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(encap_one(m = frame(v->clear, v->clear_len), 29), HUB_DROP_ESP_NO_SA);
	rte_pktmbuf_free(m);
	sa_remove(30);
}

/* The replica's count of outbound keys gates the worker's SA lookup (dp_esp_output): it
 * must follow sets, upserts for the same peer, deletes of a superseded SA and deletes. */
static void test_esp_out_key_count_follows_sets_and_dels(void)
{
	const struct esp_vector *v = vec("gcm128");
	struct esp_sa_params po = vec_params(v, ESP_DIR_OUT), pi = vec_params(v, ESP_DIR_IN);
	uint32_t base = tab->n_out_keys;

	CU_ASSERT_EQUAL_FATAL(sa_install(40, &po), 0);
	CU_ASSERT_EQUAL(tab->n_out_keys, base + 1);
	CU_ASSERT_EQUAL_FATAL(sa_install(41, &po), 0); /* same peer: takes over, no new key */
	CU_ASSERT_EQUAL(tab->n_out_keys, base + 1);
	sa_remove(40); /* superseded: the key stays, pointing at 41 */
	CU_ASSERT_EQUAL(tab->n_out_keys, base + 1);
	pi.spi = 0x4242;
	CU_ASSERT_EQUAL_FATAL(sa_install(42, &pi), 0); /* inbound: not counted */
	CU_ASSERT_EQUAL(tab->n_out_keys, base + 1);
	sa_remove(41);
	CU_ASSERT_EQUAL(tab->n_out_keys, base);
	sa_remove(41); /* twice: nothing more to remove */
	CU_ASSERT_EQUAL(tab->n_out_keys, base);
	sa_remove(42);
}

/* ---- configuration ---- */

#define CFG_BASE                                                                                \
	"ports = ({ name = \"u\"; device = \"net_null0\"; address = \"1.1.1.1/24\"; });\n"

/* Load CFG_BASE + text; NULL and the message in err when refused. */
static struct hub_cfg *cfg_try(const char *text, char *err, size_t len)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", CFG_BASE, text);
	return cfg_load_string(buf, "t.conf", err, len);
}

static void expect_cfg_error(const char *text, const char *want)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_try(text, err, sizeof(err));

	CU_ASSERT_PTR_NULL(cfg);
	if (cfg != NULL) {
		cfg_free(cfg);
		return;
	}
	if (strstr(err, want) == NULL)
		printf("\n  wanted \"%s\" in: %s\n", want, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
}

static void test_esp_cfg_accepts_profile_and_static_keys(void)
{
	char err[CFG_ERR_MAX];
	struct hub_cfg *cfg = cfg_try(
		"crypto = { profiles = ({ name = \"lab\"; secret = \"lab-secret\"; }); sas = (\n"
		"{ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002; profile = \"lab\"; },\n"
		"{ peer = \"2.2.2.3\"; spi_in = 0x1003; spi_out = 0x2003; cipher = \"aes-cbc-256\";\n"
		"  integrity = \"hmac-sha256-128\"; esn = true;\n"
		"  key_in = \"0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\";\n"
		"  key_out = \"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\";\n"
		"  auth_in = \"0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\";\n"
		"  auth_out = \"0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"; }\n"
		"); };\n",
		err, sizeof(err));

	if (cfg == NULL)
		printf("\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(cfg->crypto.n_sas, 2);
	CU_ASSERT_EQUAL(cfg->crypto.sas[1].cipher, ESP_CIPHER_AES_CBC_256);
	CU_ASSERT_EQUAL(cfg->crypto.sas[1].spi_in, 0x1003);
	CU_ASSERT_EQUAL(cfg->crypto.max_sas, 4096);
	cfg_free(cfg);
}

static void test_esp_cfg_errors_name_file_line_and_reason(void)
{
	/* the line of the offending key, in the file:line form of every cfg error */
	expect_cfg_error("crypto = { sas = (\n{ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002;\n"
			 "cipher = \"aes-gcm-128\"; key_in = \"0x0011\"; key_out = \"0x0011\"; }); };",
			 "t.conf:4: crypto.sas[0].key_in: 2 bytes; aes-gcm-128 takes 20");
	expect_cfg_error("crypto = { sas = ({ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002;"
			 " cipher = \"aes-gcm-128\"; key_in = \"zz\"; key_out = \"0x00\"; }); };",
			 "not a hex key");
	expect_cfg_error("crypto = { sas = ({ peer = \"2.2.2.2\"; spi_in = 5; spi_out = 0x2002;"
			 " profile = \"x\"; }); };", "crypto.sas[0].spi_in");
	expect_cfg_error("crypto = { sas = ({ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002;"
			 " profile = \"nope\"; }); };", "no profile named \"nope\"");
	expect_cfg_error("crypto = { sas = ({ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002;"
			 " cipher = \"aes-cbc-128\"; key_in = \"0x00112233445566778899aabbccddeeff\";"
			 " key_out = \"0x00112233445566778899aabbccddeeff\"; }); };",
			 "AES-CBC needs an integrity algorithm");
	expect_cfg_error("crypto = { sas = ({ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002;"
			 " }); };", "needs a profile or a cipher");
	expect_cfg_error("crypto = { profiles = ({ name = \"p\"; secret = \"12345678\"; }); sas = (\n"
			 "{ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002; profile = \"p\"; },\n"
			 "{ peer = \"2.2.2.3\"; spi_in = 0x1002; spi_out = 0x2003; profile = \"p\"; }); };",
			 "t.conf:4: crypto.sas[1]: inbound SPI 0x1002 is already crypto.sas[0]'s");
	expect_cfg_error("crypto = { profiles = ({ name = \"p\"; secret = \"12345678\"; }); sas = (\n"
			 "{ peer = \"2.2.2.2\"; spi_in = 0x1002; spi_out = 0x2002; profile = \"p\";\n"
			 " key_in = \"0x00\"; }); };", "give either a profile or a cipher and keys");
	expect_cfg_error("crypto = { profiles = ({ name = \"p\"; secret = \"12345678\";"
			 " replay_window = 5000; }); };", "replay_window");
	expect_cfg_error("crypto = { profiles = ({ name = \"p\"; secret = \"12345678\";"
			 " replay_window = 0; esn = true; }); };", "ESN needs a replay window");
	expect_cfg_error("crypto = { profiles = ({ name = \"p\"; cipher = \"aes-ctr\";"
			 " secret = \"12345678\"; }); };", "cipher");
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
static const CU_TestInfo vector_tests[] = {
	T(test_esp_gcm_nist_vectors),
	T(test_esp_decap_matches_reference_vectors),
	T(test_esp_encap_gcm_matches_reference_vectors),
	T(test_esp_round_trip_every_algorithm_in_bursts),
	T(test_esp_mixed_algorithms_in_one_burst),
	T(test_esp_gcm_every_tag_byte_and_the_aad_checked),
	T(test_esp_cbc_iv_is_the_encrypted_counter),
};
static const CU_TestInfo drop_tests[] = {
	T(test_esp_tampered_icv_dropped_and_window_kept),
	T(test_esp_truncated_dropped_and_counted),
	T(test_esp_bad_padding_dropped_and_counted),
	T(test_esp_unknown_spi_and_wrong_peer_dropped),
	T(test_esp_replayed_packet_dropped),
};
static const CU_TestInfo cfg_tests[] = {
	T(test_esp_cfg_accepts_profile_and_static_keys),
	T(test_esp_cfg_errors_name_file_line_and_reason),
};
static const CU_TestInfo replay_tests[] = {
	T(test_esp_replay_window_slides_and_refuses_late),
	T(test_esp_replay_small_window),
	T(test_esp_esn_infer_across_wrap),
	T(test_esp_sequence_wrap_out_and_in),
	T(test_esp_reused_index_restarts_sequence),
	T(test_esp_out_key_count_follows_sets_and_dels),
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
	pool = rte_pktmbuf_pool_create("esp", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	tab = esp_table_create("esp_test", N_SA, SOCKET_ID_ANY);
	if (tab != NULL && dp_esp_scratch_init(tab, SOCKET_ID_ANY) < 0)
		tab = NULL;
	seqs = rte_zmalloc(NULL, sizeof(*seqs) * N_SA, 64);
	mgr = esp_mgr_create();
	if (pool == NULL || tab == NULL || seqs == NULL || mgr == NULL) {
		fprintf(stderr, "cannot set up the test\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (add_suite("esp_vectors", vector_tests, RTE_DIM(vector_tests)) ||
	    add_suite("esp_drops", drop_tests, RTE_DIM(drop_tests)) ||
	    add_suite("esp_replay", replay_tests, RTE_DIM(replay_tests)) ||
	    add_suite("esp_cfg", cfg_tests, RTE_DIM(cfg_tests))) {
		CU_cleanup_registry();
		return 1;
	}
	return hub_cunit_run();
}
