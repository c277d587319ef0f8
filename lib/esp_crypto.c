/* SPDX-License-Identifier: BSD-3-Clause */
/* ESP crypto through IPsec-MB: one-call GCM, jobs for CBC + HMAC (lib/esp_crypto.h). */
#include <errno.h>
#include <string.h>

#include "lib/esp_crypto.h"

#define ESP_GCM_IV_LEN 8   /* RFC 4106 3.1 */
#define ESP_GCM_ICV_LEN 16 /* RFC 4106 6: the hub uses the full tag only */

IMB_MGR *esp_mgr_create(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

void esp_mgr_free(IMB_MGR *mgr)
{
	if (mgr != NULL)
		free_mb_mgr(mgr);
}

/* HMAC (RFC 2104) inner and outer states after one block of key ^ ipad / key ^ opad. */
static void hmac_precompute(IMB_MGR *mgr, struct esp_keys *k, const uint8_t *key,
			    unsigned int key_len)
{
	uint8_t ib[64], ob[64];
	unsigned int i;

	memset(ib, 0, sizeof(ib));
	memcpy(ib, key, key_len); /* at most 32 bytes: shorter than a SHA block, no pre-hash */
	memcpy(ob, ib, sizeof(ob));
	for (i = 0; i < sizeof(ib); i++) {
		ib[i] ^= 0x36;
		ob[i] ^= 0x5c;
	}
	if (k->integ == ESP_INTEG_HMAC_SHA1_96) {
		IMB_SHA1_ONE_BLOCK(mgr, ib, k->ipad);
		IMB_SHA1_ONE_BLOCK(mgr, ob, k->opad);
	} else {
		IMB_SHA256_ONE_BLOCK(mgr, ib, k->ipad);
		IMB_SHA256_ONE_BLOCK(mgr, ob, k->opad);
	}
	memset(ib, 0, sizeof(ib));
	memset(ob, 0, sizeof(ob));
}

int esp_keys_expand(IMB_MGR *mgr, struct esp_keys *k, const struct esp_sa_params *p)
{
	if (esp_params_check(p) != NULL)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->cipher = p->cipher;
	k->integ = p->integ;
	k->icv_len = (uint8_t)esp_icv_len(p->cipher, p->integ);
	k->iv_len = (uint8_t)esp_iv_len(p->cipher);
	k->block = (uint8_t)esp_block_len(p->cipher);
	k->key_len = (uint8_t)esp_cipher_key_len(p->cipher);
	k->esn = (p->flags & ESP_SA_F_ESN) != 0;
	k->tunnel = (p->flags & ESP_SA_F_TUNNEL) != 0;
	memcpy(k->salt, p->salt, ESP_SALT_LEN);
	switch (p->cipher) {
	case ESP_CIPHER_AES_GCM_128:
		IMB_AES128_GCM_PRE(mgr, p->enc_key, &k->gcm);
		break;
	case ESP_CIPHER_AES_GCM_256:
		IMB_AES256_GCM_PRE(mgr, p->enc_key, &k->gcm);
		break;
	case ESP_CIPHER_AES_CBC_128:
		IMB_AES_KEYEXP_128(mgr, p->enc_key, k->enc, k->dec);
		break;
	case ESP_CIPHER_AES_CBC_256:
		IMB_AES_KEYEXP_256(mgr, p->enc_key, k->enc, k->dec);
		break;
	default:
		return -EINVAL;
	}
	if (!esp_cipher_is_aead(p->cipher))
		hmac_precompute(mgr, k, p->auth_key, esp_integ_key_len(p->integ));
	return 0;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Constant time: how much of the ICV matched must not leak through timing. */
static int icv_equal(const uint8_t *a, const uint8_t *b, unsigned int n)
{
	uint8_t d = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

static void op_complete(IMB_JOB *job, int dir)
{
	struct esp_op *op = job->user_data;
	const struct esp_keys *k = op->k;
	uint8_t *icv = op->esp + op->len - k->icv_len;

	if (job->status != IMB_STATUS_COMPLETED) {
		op->status = -EIO;
		return;
	}
	if (dir == ESP_DIR_OUT) {
		memcpy(icv, op->icv, k->icv_len);
		return;
	}
	if (k->esn && !esp_cipher_is_aead(k->cipher))
		memcpy(icv, &op->saved, 4); /* put back what the high half covered */
	op->status = icv_equal(icv, op->icv, k->icv_len) ? 0 : -EBADMSG;
}

static void drain(IMB_MGR *mgr, IMB_JOB *job, int dir, void (*done)(IMB_JOB *, int))
{
	while (job != NULL) {
		done(job, dir);
		job = IMB_GET_COMPLETED_JOB(mgr);
	}
}

/* The IV of an outbound CBC packet, encrypted in the same job as the payload: CBC over
 * (nonce block | payload) from a zero IV starts with E_K(nonce), which is the IV on the wire,
 * and goes on exactly as CBC of the payload under that IV. */
static const uint8_t zero_iv[16] __attribute__((aligned(16)));

/*
 * One AES-CBC + HMAC job (RFC 3602, RFC 2404 / RFC 4868).
 *
 * Outbound, the IV must be unpredictable (RFC 3602 2.3): it is the block cipher applied to
 * a block unique for the SA (the counter value, the SPI and "ESPI"), the "encrypted nonce"
 * of NIST SP 800-38A Appendix C. That block is written where the IV goes and encrypted as
 * the first block of the CBC job (see zero_iv), so the IV costs one more AES block in the
 * job's lane instead of a job and a flush of its own.
 */
static void job_fill(IMB_JOB *job, struct esp_op *op, int dir)
{
	const struct esp_keys *k = op->k;
	uint32_t front = ESP_HDR_LEN + k->iv_len;
	uint32_t clen = op->len - front - k->icv_len;

	job->key_len_in_bytes = k->key_len;
	job->src = op->esp;
	if (dir == ESP_DIR_OUT) {
		uint8_t *iv = op->esp + ESP_HDR_LEN;

		put32(iv, (uint32_t)(op->iv_seed >> 32));
		put32(iv + 4, (uint32_t)op->iv_seed);
		memcpy(iv + 8, op->esp, 4);    /* SPI */
		put32(iv + 12, 0x45535049);    /* domain separation: "ESPI" */
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_CIPHER_HASH;
		job->iv = zero_iv;
		job->dst = iv;
		job->cipher_start_src_offset_in_bytes = ESP_HDR_LEN;
		job->msg_len_to_cipher_in_bytes = k->iv_len + clen;
	} else {
		job->cipher_direction = IMB_DIR_DECRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
		job->iv = op->esp + ESP_HDR_LEN;
		job->dst = op->esp + front;
		job->cipher_start_src_offset_in_bytes = front;
		job->msg_len_to_cipher_in_bytes = clen;
	}
	job->iv_len_in_bytes = 16;
	job->auth_tag_output = op->icv;
	job->auth_tag_output_len_in_bytes = k->icv_len;
	job->user_data = op;
	/* RFC 4303 2.2.1: with ESN the high half is appended to the authenticated data (not
	 * sent): it goes where the ICV will be, the ICV's first bytes saved aside inbound. */
	job->msg_len_to_hash_in_bytes = op->len - k->icv_len;
	if (k->esn) {
		uint8_t *icv = op->esp + op->len - k->icv_len;

		if (dir == ESP_DIR_IN)
			memcpy(&op->saved, icv, 4);
		put32(icv, op->seq_hi);
		job->msg_len_to_hash_in_bytes += 4;
	}
	job->cipher_mode = IMB_CIPHER_CBC;
	job->hash_alg = k->integ == ESP_INTEG_HMAC_SHA1_96 ? IMB_AUTH_HMAC_SHA_1
							   : IMB_AUTH_HMAC_SHA_256;
	job->enc_keys = k->enc;
	job->dec_keys = k->dec;
	job->hash_start_src_offset_in_bytes = 0;
	job->u.HMAC._hashed_auth_key_xor_ipad = k->ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = k->opad;
}

static bool op_len_ok(const struct esp_op *op)
{
	const struct esp_keys *k = op->k;
	uint32_t front = ESP_HDR_LEN + k->iv_len;

	if (op->len < front + ESP_TRAILER_LEN + k->icv_len)
		return false;
	/* RFC 4303 2.4: the ciphertext is a whole number of cipher blocks. */
	return (op->len - front - k->icv_len) % k->block == 0;
}

/*
 * AES-GCM through IPsec-MB's one-call functions: no job manager, no queue, the packet is
 * done when the call returns (the job API costs 50-80 cycles more per 64 B packet here,
 * docs/esp.md). In place on one flat buffer; the caller made chained mbufs flat or refused
 * them. RFC 4106 4: nonce = salt | the packet's 8-byte IV; 5: AAD = SPI | sequence number,
 * or SPI | high half | low half with ESN; the full 16-byte tag (the only ICV length the hub
 * configures). Outbound the IV is the SA's counter value (unique per key, RFC 4106 3.1) and
 * the tag goes straight into the packet; inbound the tag is computed aside and compared
 * with the packet's in constant time.
 */
static void gcm_op(IMB_MGR *mgr, struct gcm_context_data *ctx, struct esp_op *op, int dir)
{
	const struct esp_keys *k = op->k;
	uint8_t *iv = op->esp + ESP_HDR_LEN;
	uint8_t *data = iv + ESP_GCM_IV_LEN;
	uint32_t clen = op->len - (ESP_HDR_LEN + ESP_GCM_IV_LEN + ESP_GCM_ICV_LEN);
	uint8_t *icv = data + clen;
	const uint8_t *aad = op->esp; /* SPI | sequence number, as on the wire */
	uint64_t aad_len = 8;

	if (dir == ESP_DIR_OUT) {
		put32(iv, (uint32_t)(op->iv_seed >> 32));
		put32(iv + 4, (uint32_t)op->iv_seed);
	}
	memcpy(op->nonce, k->salt, ESP_SALT_LEN);
	memcpy(op->nonce + ESP_SALT_LEN, iv, ESP_GCM_IV_LEN);
	if (k->esn) {
		memcpy(op->aad, op->esp, 4);
		put32(op->aad + 4, op->seq_hi);
		memcpy(op->aad + 8, op->esp + 4, 4);
		aad = op->aad;
		aad_len = 12;
	}
	if (dir == ESP_DIR_OUT) {
		if (k->cipher == ESP_CIPHER_AES_GCM_128)
			IMB_AES128_GCM_ENC(mgr, &k->gcm, ctx, data, data, clen, op->nonce, aad,
					   aad_len, icv, ESP_GCM_ICV_LEN);
		else
			IMB_AES256_GCM_ENC(mgr, &k->gcm, ctx, data, data, clen, op->nonce, aad,
					   aad_len, icv, ESP_GCM_ICV_LEN);
		op->status = 0;
		return;
	}
	if (k->cipher == ESP_CIPHER_AES_GCM_128)
		IMB_AES128_GCM_DEC(mgr, &k->gcm, ctx, data, data, clen, op->nonce, aad, aad_len,
				   op->icv, ESP_GCM_ICV_LEN);
	else
		IMB_AES256_GCM_DEC(mgr, &k->gcm, ctx, data, data, clen, op->nonce, aad, aad_len,
				   op->icv, ESP_GCM_ICV_LEN);
	op->status = icv_equal(icv, op->icv, ESP_GCM_ICV_LEN) ? 0 : -EBADMSG;
}

/* AES-CBC + HMAC through the job manager: the whole burst, IVs included, is submitted in
 * one pass before the flush, so the multi-buffer lanes fill (DESIGN.md 5). */
static void cbc_burst(IMB_MGR *mgr, struct esp_op *ops, unsigned int n, int dir)
{
	unsigned int i;
	IMB_JOB *job;

	for (i = 0; i < n; i++) {
		if (ops[i].status != 0 || esp_cipher_is_aead(ops[i].k->cipher))
			continue;
		job = IMB_GET_NEXT_JOB(mgr);
		job_fill(job, &ops[i], dir);
		drain(mgr, IMB_SUBMIT_JOB(mgr), dir, op_complete);
	}
	while ((job = IMB_FLUSH_JOB(mgr)) != NULL)
		drain(mgr, job, dir, op_complete);
}

unsigned int esp_crypto_burst(IMB_MGR *mgr, struct esp_op *ops, unsigned int n, int dir)
{
	struct gcm_context_data ctx;
	unsigned int i, ok = 0;
	bool cbc = false;

	for (i = 0; i < n; i++) {
		struct esp_op *op = &ops[i];

		if (__builtin_expect(!op_len_ok(op), 0)) {
			op->status = -EINVAL;
			continue;
		}
		op->status = 0;
		if (esp_cipher_is_aead(op->k->cipher))
			gcm_op(mgr, &ctx, op, dir);
		else
			cbc = true;
	}
	if (cbc)
		cbc_burst(mgr, ops, n, dir);
	for (i = 0; i < n; i++)
		ok += ops[i].status == 0;
	return ok;
}
