/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP transport-mode crypto on flat buffers, through Intel IPsec-MB.
 *
 * One struct esp_keys per SA and per user (each worker and control expand their own copy,
 * so no key schedule is shared between threads). esp_crypto_burst() runs AES-GCM through
 * IPsec-MB's one-call GCM functions, packet after packet (nothing to gain from a queue:
 * GCM has no multi-buffer lanes, and the job manager costs more than the cipher at 64 B,
 * docs/esp.md), and submits every AES-CBC + HMAC packet of the burst to the multi-buffer
 * manager before flushing, so those lanes fill (DESIGN.md 5: CBC+HMAC needs bursts of 8
 * or more).
 *
 * The layout of one ESP packet, from the ESP header (RFC 4303 2):
 *   SPI(4) seq(4) IV(8 GCM | 16 CBC) payload ... pad pad_len(1) next(1) ICV(12|16)
 * Outbound the caller writes everything but IV, ciphertext and ICV; inbound the caller
 * hands the packet as received and reads back the plaintext and the verdict.
 */
#ifndef HUB_ESP_CRYPTO_H
#define HUB_ESP_CRYPTO_H

#include <stdint.h>

#include <intel-ipsec-mb.h>

#include "lib/esp_sa.h"

/* Expanded keys of one SA, ready for jobs. */
struct esp_keys {
	DECLARE_ALIGNED(struct gcm_key_data gcm, 64); /* AES-GCM */
	DECLARE_ALIGNED(uint32_t enc[60], 16);	     /* AES-CBC round keys (and IV keys) */
	DECLARE_ALIGNED(uint32_t dec[60], 16);
	DECLARE_ALIGNED(uint8_t ipad[32], 16);	     /* HMAC inner/outer precomputed state */
	DECLARE_ALIGNED(uint8_t opad[32], 16);
	uint8_t cipher;	   /* enum esp_cipher */
	uint8_t integ;	   /* enum esp_integ */
	uint8_t icv_len;
	uint8_t iv_len;
	uint8_t block;	   /* payload + trailer multiple */
	uint8_t key_len;   /* cipher key bytes */
	uint8_t esn;	   /* 1 = ESN: the high half is authenticated (RFC 4303 2.2.1) */
	uint8_t tunnel;	   /* 1 = tunnel mode: the IPv4 packet inside, next header 4 */
	uint8_t salt[ESP_SALT_LEN];
};

/* One packet's work. */
struct esp_op {
	uint8_t *esp;	      /* the ESP header */
	uint32_t len;	      /* ESP header to the end of the ICV */
	uint32_t seq_hi;      /* high half of the 64-bit sequence number (ESN), host order */
	uint64_t iv_seed;     /* outbound: unique per SA (the counter value), makes the IV */
	const struct esp_keys *k;
	int status;	      /* out: 0, or -EBADMSG (ICV mismatch), -EINVAL (bad length) */
	uint32_t saved;	      /* ESN+HMAC: the 4 bytes the high half overwrote */
	DECLARE_ALIGNED(uint8_t aad[12], 16);
	DECLARE_ALIGNED(uint8_t nonce[16], 16);
	DECLARE_ALIGNED(uint8_t icv[ESP_ICV_MAX], 16);
};

/* Allocate a manager for the best code path this CPU runs (at start-up, never per packet).
 * Returns NULL when IPsec-MB cannot run here. */
IMB_MGR *esp_mgr_create(void);
void esp_mgr_free(IMB_MGR *mgr);

/* Expand p's keys into k. Returns 0, or -EINVAL for a parameter set esp_params_check()
 * refuses. */
int esp_keys_expand(IMB_MGR *mgr, struct esp_keys *k, const struct esp_sa_params *p);

/* The bytes an outbound packet grows by: ESP header + IV in front; pad + trailer + ICV at
 * the end, for a payload of plen bytes. */
static inline uint32_t esp_front_len(const struct esp_keys *k)
{
	return ESP_HDR_LEN + k->iv_len;
}
static inline uint32_t esp_pad_len(const struct esp_keys *k, uint32_t plen)
{
	return (k->block - (plen + ESP_TRAILER_LEN) % k->block) % k->block;
}

/* Encrypt (dir ESP_DIR_OUT) or verify and decrypt (ESP_DIR_IN) n packets in place. Each
 * op's status says how it went; returns how many ended with status 0. */
unsigned int esp_crypto_burst(IMB_MGR *mgr, struct esp_op *ops, unsigned int n, int dir);

#endif
