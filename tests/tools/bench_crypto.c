/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The crypto limit of an ESP hub (./scripts/bench crypto-limit): what Intel IPsec-MB alone
 * costs per hairpinned packet on one core, i.e. two operations (decrypt + verify the
 * spoke's packet, then encrypt + sign it for the other spoke), with nothing else around.
 *
 *   bench_crypto --size 64|imix|1400 [--seconds S] [--alg NAME] [--op both|encrypt|decrypt]
 *                [--api direct|job]
 *
 * prints one JSON line per algorithm (or only NAME's), for two operations per packet or,
 * with --op encrypt / decrypt, for one (the limit of an encrypt-only or decrypt-only
 * scenario): AES-GCM-128, AES-GCM-256 (RFC 4106: 8-byte IV, 16-byte
 * ICV, AAD = SPI + sequence number) and AES-CBC-128 + HMAC-SHA1-96 (RFC 3602, RFC 2404:
 * 16-byte IV, 12-byte ICV over header, IV and ciphertext). Packets are ESP in transport
 * mode around GRE with a key (what a DMVPN spoke sends): the encrypted part is GRE (8) +
 * the inner packet + padding + pad length and next header (RFC 4303 2.4-2.6), padded to 4
 * bytes for GCM and to the 16-byte block for CBC. IMIX is 64/576/1400 B in 7:4:1.
 *
 * AES-GCM runs through IPsec-MB's one-call GCM functions by default (--api direct), the
 * cheapest way IPsec-MB offers and the one the hub's ESP stage uses (lib/esp_crypto.c);
 * --api job sends it through the job API instead, for comparison. AES-CBC + HMAC always
 * goes through the job API in bursts of 32, as a dataplane would submit them (its lanes
 * need several jobs in flight). Before measuring, each algorithm encrypts and decrypts a
 * packet and checks that the plaintext and the ICV come back, and for GCM that both APIs
 * produce the same ciphertext and tag: a broken setup fails instead of timing nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <x86intrin.h>

#define BURST 32
#define ESP_HDR 8
#define GRE_HDR 8
#define MAX_BUF 2048

enum alg { ALG_GCM128, ALG_GCM256, ALG_CBC_SHA1, ALG_MAX };

static const char *const alg_name[ALG_MAX] = {"aes-gcm-128", "aes-gcm-256",
					      "aes-cbc-128-hmac-sha1"};

struct sa {
	enum alg alg;
	unsigned int iv_len, icv_len, align;
	DECLARE_ALIGNED(struct gcm_key_data gcm, 64);
	DECLARE_ALIGNED(uint32_t enc_exp[4 * 15], 16);
	DECLARE_ALIGNED(uint32_t dec_exp[4 * 15], 16);
	DECLARE_ALIGNED(uint8_t ipad[IMB_SHA1_DIGEST_SIZE_IN_BYTES], 16);
	DECLARE_ALIGNED(uint8_t opad[IMB_SHA1_DIGEST_SIZE_IN_BYTES], 16);
};

struct pkt {
	DECLARE_ALIGNED(uint8_t buf[MAX_BUF], 64);
	uint8_t icv[16];
	uint8_t iv[16];
	uint32_t plain_len; /* bytes encrypted: GRE + inner + padding + 2 */
};

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sa_init(IMB_MGR *mgr, struct sa *sa, enum alg alg)
{
	uint8_t key[32], block[IMB_SHA1_BLOCK_SIZE];
	unsigned int i;

	memset(sa, 0, sizeof(*sa));
	sa->alg = alg;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x11 * i + 3);
	switch (alg) {
	case ALG_GCM128:
		IMB_AES128_GCM_PRE(mgr, key, &sa->gcm);
		sa->iv_len = 8, sa->icv_len = 16, sa->align = 4;
		break;
	case ALG_GCM256:
		IMB_AES256_GCM_PRE(mgr, key, &sa->gcm);
		sa->iv_len = 8, sa->icv_len = 16, sa->align = 4;
		break;
	default:
		IMB_AES_KEYEXP_128(mgr, key, sa->enc_exp, sa->dec_exp);
		/* HMAC (RFC 2104) with a 20-byte key: the hashed ipad and opad blocks. */
		memset(block, 0x36, sizeof(block));
		for (i = 0; i < 20; i++)
			block[i] ^= key[16 + i % 16];
		IMB_SHA1_ONE_BLOCK(mgr, block, sa->ipad);
		memset(block, 0x5c, sizeof(block));
		for (i = 0; i < 20; i++)
			block[i] ^= key[16 + i % 16];
		IMB_SHA1_ONE_BLOCK(mgr, block, sa->opad);
		sa->iv_len = 16, sa->icv_len = 12, sa->align = 16;
		break;
	}
}

/* Fill the job for packet p: the buffer holds ESP header | IV | encrypted part. */
static void job_fill(IMB_JOB *job, const struct sa *sa, struct pkt *p, bool encrypt)
{
	uint8_t *esp = p->buf;
	uint32_t enc_off = ESP_HDR + sa->iv_len;

	job->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->src = esp;
	job->dst = esp + enc_off;
	job->cipher_start_src_offset_in_bytes = enc_off;
	job->msg_len_to_cipher_in_bytes = p->plain_len;
	job->auth_tag_output = p->icv;
	job->auth_tag_output_len_in_bytes = sa->icv_len;
	if (sa->alg == ALG_CBC_SHA1) {
		job->cipher_mode = IMB_CIPHER_CBC;
		job->enc_keys = sa->enc_exp;
		job->dec_keys = sa->dec_exp;
		job->key_len_in_bytes = IMB_KEY_128_BYTES;
		job->iv = esp + ESP_HDR;
		job->iv_len_in_bytes = 16;
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->hash_start_src_offset_in_bytes = 0; /* RFC 4303 2.8: header, IV, payload */
		job->msg_len_to_hash_in_bytes = enc_off + p->plain_len;
		job->u.HMAC._hashed_auth_key_xor_ipad = sa->ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = sa->opad;
	} else {
		/* RFC 4106 3: nonce = 4-byte salt | 8-byte IV; the AAD is SPI | sequence. */
		job->cipher_mode = IMB_CIPHER_GCM;
		job->enc_keys = &sa->gcm;
		job->dec_keys = &sa->gcm;
		job->key_len_in_bytes = sa->alg == ALG_GCM128 ? IMB_KEY_128_BYTES : IMB_KEY_256_BYTES;
		job->iv = p->iv;
		job->iv_len_in_bytes = 12;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->hash_start_src_offset_in_bytes = enc_off;
		job->msg_len_to_hash_in_bytes = p->plain_len;
		job->u.GCM.aad = esp;
		job->u.GCM.aad_len_in_bytes = 8;
	}
}

/* Run one direction over n packets; returns the jobs that did not complete, or -1. */
static int burst_run(IMB_MGR *mgr, const struct sa *sa, struct pkt *pkts, unsigned int n,
		     bool encrypt)
{
	unsigned int i, done = 0;
	int bad = 0;
	IMB_JOB *job;

	for (i = 0; i < n; i++) {
		job = IMB_GET_NEXT_JOB(mgr);
		job_fill(job, sa, &pkts[i], encrypt);
		job = IMB_SUBMIT_JOB(mgr);
		while (job != NULL) {
			bad += job->status != IMB_STATUS_COMPLETED;
			done++;
			job = IMB_GET_COMPLETED_JOB(mgr);
		}
	}
	while ((job = IMB_FLUSH_JOB(mgr)) != NULL) {
		bad += job->status != IMB_STATUS_COMPLETED;
		done++;
	}
	return done == n ? bad : -1;
}

/* AES-GCM through the one-call functions (RFC 4106: nonce salt | IV, AAD SPI | sequence). */
static int direct_run(IMB_MGR *mgr, const struct sa *sa, struct pkt *pkts, unsigned int n,
		      bool encrypt)
{
	struct gcm_context_data ctx;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct pkt *p = &pkts[i];
		uint8_t *data = p->buf + ESP_HDR + sa->iv_len;

		if (sa->alg == ALG_GCM128 && encrypt)
			IMB_AES128_GCM_ENC(mgr, &sa->gcm, &ctx, data, data, p->plain_len, p->iv,
					   p->buf, 8, p->icv, sa->icv_len);
		else if (sa->alg == ALG_GCM128)
			IMB_AES128_GCM_DEC(mgr, &sa->gcm, &ctx, data, data, p->plain_len, p->iv,
					   p->buf, 8, p->icv, sa->icv_len);
		else if (encrypt)
			IMB_AES256_GCM_ENC(mgr, &sa->gcm, &ctx, data, data, p->plain_len, p->iv,
					   p->buf, 8, p->icv, sa->icv_len);
		else
			IMB_AES256_GCM_DEC(mgr, &sa->gcm, &ctx, data, data, p->plain_len, p->iv,
					   p->buf, 8, p->icv, sa->icv_len);
	}
	return 0;
}

static bool use_direct;

/* One direction over n packets with the API chosen for the algorithm. */
static int run(IMB_MGR *mgr, const struct sa *sa, struct pkt *pkts, unsigned int n,
	       bool encrypt)
{
	if (use_direct && sa->alg != ALG_CBC_SHA1)
		return direct_run(mgr, sa, pkts, n, encrypt);
	return burst_run(mgr, sa, pkts, n, encrypt);
}

static uint32_t plain_len(const struct sa *sa, unsigned int inner)
{
	uint32_t l = GRE_HDR + inner + 2;

	return (l + sa->align - 1) / sa->align * sa->align;
}

static void pkt_init(struct pkt *p, const struct sa *sa, unsigned int inner, unsigned int seq)
{
	unsigned int i;

	memset(p->buf, 0, sizeof(p->buf));
	p->plain_len = plain_len(sa, inner);
	p->buf[0] = 0x12, p->buf[3] = 0x34; /* SPI */
	p->buf[7] = (uint8_t)seq;	     /* sequence */
	for (i = ESP_HDR; i < ESP_HDR + sa->iv_len + p->plain_len; i++)
		p->buf[i] = (uint8_t)(i * 7 + seq);
	for (i = 0; i < 12; i++)
		p->iv[i] = (uint8_t)(0xa0 + i);
	memcpy(p->iv + 4, p->buf + ESP_HDR, 8);
}

/* Encrypt then decrypt one packet: the plaintext and the ICV must come back. For GCM the
 * job API and the one-call functions must agree on ciphertext and tag. */
static int self_check(IMB_MGR *mgr, const struct sa *sa, struct pkt *p)
{
	static struct pkt ref, other;
	uint8_t icv[16];
	uint32_t off;

	pkt_init(p, sa, 1400, 1);
	memcpy(&ref, p, sizeof(ref));
	if (run(mgr, sa, p, 1, true) != 0)
		return -1;
	memcpy(icv, p->icv, sizeof(icv));
	/* every 16-byte block of the encrypted part changed: all of it was processed */
	for (off = ESP_HDR + sa->iv_len; off + 16 <= ESP_HDR + sa->iv_len + p->plain_len; off += 16)
		if (memcmp(p->buf + off, ref.buf + off, 16) == 0)
			return -1;
	if (memcmp(p->buf, ref.buf, ESP_HDR + sa->iv_len) != 0)
		return -1; /* header and IV are not encrypted */
	if (sa->alg != ALG_CBC_SHA1) {
		memcpy(&other, &ref, sizeof(other));
		if ((use_direct ? burst_run(mgr, sa, &other, 1, true)
				: direct_run(mgr, sa, &other, 1, true)) != 0 ||
		    memcmp(other.buf, p->buf, ESP_HDR + sa->iv_len + p->plain_len) != 0 ||
		    memcmp(other.icv, icv, sa->icv_len) != 0)
			return -1;
	}
	if (run(mgr, sa, p, 1, false) != 0)
		return -1;
	if (memcmp(p->buf, ref.buf, ESP_HDR + sa->iv_len + p->plain_len) != 0 ||
	    memcmp(icv, p->icv, sa->icv_len) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int imix[12] = {64, 64, 64, 64, 64, 64, 64, 576, 576, 576, 576, 1400};
	static struct pkt pkts[BURST];
	const char *size = NULL, *only = NULL, *op = "both", *api = "direct";
	double seconds = 1.0;
	bool dec_on, enc_on;
	unsigned int n_ops;
	unsigned int sizes[12], n_sizes, i, a;
	IMB_ARCH arch;
	IMB_MGR *mgr;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--size") == 0 && i + 1 < (unsigned int)argc)
			size = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < (unsigned int)argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--alg") == 0 && i + 1 < (unsigned int)argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--op") == 0 && i + 1 < (unsigned int)argc)
			op = argv[++i];
		else if (strcmp(argv[i], "--api") == 0 && i + 1 < (unsigned int)argc)
			api = argv[++i];
		else
			size = NULL, i = argc;
	}
	dec_on = strcmp(op, "both") == 0 || strcmp(op, "decrypt") == 0;
	enc_on = strcmp(op, "both") == 0 || strcmp(op, "encrypt") == 0;
	n_ops = (unsigned int)dec_on + (unsigned int)enc_on;
	for (a = 0; only != NULL && a < ALG_MAX && strcmp(only, alg_name[a]) != 0; a++)
		;
	use_direct = strcmp(api, "direct") == 0;
	if (size == NULL || seconds <= 0 || seconds > 60 || n_ops == 0 || a == ALG_MAX ||
	    (!use_direct && strcmp(api, "job") != 0)) {
		fprintf(stderr, "usage: bench_crypto --size 64|imix|1400 [--seconds S (0..60)] "
				"[--alg aes-gcm-128|aes-gcm-256|aes-cbc-128-hmac-sha1] "
				"[--op both|encrypt|decrypt] [--api direct|job]\n");
		return 2;
	}
	if (strcmp(size, "imix") == 0) {
		memcpy(sizes, imix, sizeof(imix));
		n_sizes = 12;
	} else {
		char *end;
		long v = strtol(size, &end, 10);

		if (*end != '\0' || v < 28 || v > 1400) {
			fprintf(stderr, "bench_crypto: --size takes imix or 28..1400\n");
			return 2;
		}
		sizes[0] = (unsigned int)v;
		n_sizes = 1;
	}
	mgr = alloc_mb_mgr(0);
	if (mgr == NULL) {
		fprintf(stderr, "bench_crypto: alloc_mb_mgr failed\n");
		return 1;
	}
	init_mb_mgr_auto(mgr, &arch);
	if (imb_get_errno(mgr) != 0) {
		fprintf(stderr, "bench_crypto: init_mb_mgr_auto: %s\n",
			imb_get_strerror(imb_get_errno(mgr)));
		return 1;
	}

	for (a = 0; a < ALG_MAX; a++) {
		static struct sa sa;
		uint64_t pkts_done = 0, t0, t1, payload = 0;
		double s0, s1, c0, c1, mean = 0;

		/* IMIX: a whole number of 7:4:1 cycles per burst (24 packets), so the mix is exact */
		unsigned int nb = n_sizes > 1 ? 24 : BURST;

		if (only != NULL && strcmp(only, alg_name[a]) != 0)
			continue;
		sa_init(mgr, &sa, (enum alg)a);
		if (self_check(mgr, &sa, &pkts[0]) != 0) {
			fprintf(stderr, "bench_crypto: %s: encrypt/decrypt round trip failed\n",
				alg_name[a]);
			return 1;
		}
		for (i = 0; i < nb; i++) {
			pkt_init(&pkts[i], &sa, sizes[i % n_sizes], i);
			payload += ESP_HDR + sa.iv_len + pkts[i].plain_len + sa.icv_len;
			mean += sizes[i % n_sizes];
		}
		mean /= nb;
		/* warm-up, then whole bursts until the time is up */
		for (i = 0; i < 200; i++)
			run(mgr, &sa, pkts, nb, true);
		s0 = now_s(CLOCK_MONOTONIC);
		c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
		t0 = __rdtsc();
		do {
			for (i = 0; i < 64; i++) {
				/* the spoke's packet in, the other spoke's packet out. With
				 * --op decrypt the buffers are decrypted again and again: IPsec-MB
				 * computes the ICV without comparing it, so the work per job is
				 * the same as for a genuine packet. */
				if ((dec_on && run(mgr, &sa, pkts, nb, false) < 0) ||
				    (enc_on && run(mgr, &sa, pkts, nb, true) != 0)) {
					fprintf(stderr, "bench_crypto: %s: a job failed\n", alg_name[a]);
					return 1;
				}
				pkts_done += nb;
			}
			s1 = now_s(CLOCK_MONOTONIC);
		} while (s1 - s0 < seconds);
		t1 = __rdtsc();
		c1 = now_s(CLOCK_THREAD_CPUTIME_ID);
		{
			/* Cycles while this thread was on a CPU: another process taking the core
			 * (a shared machine) does not count against the crypto. */
			double tsc_hz = (double)(t1 - t0) / (s1 - s0);
			double cpp = tsc_hz * (c1 - c0) / (double)pkts_done;

			printf("{\"name\": \"crypto-limit-%s-%s\", \"algorithm\": \"%s\", "
			       "\"size_label\": \"%s\", \"pkt_size\": %.0f, \"workers\": 1, "
			       "\"esp_payload\": %.1f, \"cycles_per_pkt\": %.1f, "
			       "\"ops_per_pkt\": %u, \"op\": \"%s\", \"api\": \"%s\", "
			       "\"tsc_hz\": %.0f, \"seconds\": %.3f, "
			       "\"cpu_share\": %.3f, "
			       "\"mpps\": %.3f, \"crypto_limit_mpps\": %.3f, \"gbps\": %.3f}\n",
			       alg_name[a], size, alg_name[a], size, mean,
			       (double)payload / nb, cpp, n_ops, op,
			       a == ALG_CBC_SHA1 || !use_direct ? "job" : "direct", tsc_hz, s1 - s0,
			       (c1 - c0) / (s1 - s0),
			       tsc_hz / cpp / 1e6,
			       tsc_hz / cpp / 1e6, tsc_hz / cpp * mean * 8 / 1e9);
		}
	}
	free_mb_mgr(mgr);
	return 0;
}
