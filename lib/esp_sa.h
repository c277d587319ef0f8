/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP (RFC 4303) security associations as both planes see them: the algorithms, what
 * control decides for one SA (struct esp_sa_params, carried by value to every worker in a
 * struct esp_sa_msg), and the wire layout. No DPDK and no IPsec-MB types here, so the
 * configuration parser and the CLI can name algorithms without either.
 */
#ifndef HUB_ESP_SA_H
#define HUB_ESP_SA_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ESP_HDR_LEN 8		/* SPI + sequence number (RFC 4303 2) */
#define ESP_TRAILER_LEN 2	/* pad length + next header (RFC 4303 2.4, 2.6) */
#define ESP_KEY_MAX 32		/* AES-256 / HMAC-SHA-256 key bytes */
#define ESP_SALT_LEN 4		/* RFC 4106 4: the salt after the GCM key */
#define ESP_ICV_MAX 16
#define ESP_REPLAY_WINDOW_MAX 4096
#define ESP_PROTO 50		/* IPv4 protocol number */
#define ESP_NEXT_GRE 47		/* next header: what transport mode over GRE protects */
#define ESP_NEXT_IPV4 4		/* next header in tunnel mode: an IPv4 packet */
#define ESP_NATT_PORT 4500	/* RFC 3948 / RFC 7296 2.23: IKE and ESP-in-UDP */
#define ESP_UDP_HDR_LEN 8

enum esp_cipher {
	ESP_CIPHER_NONE = 0,
	ESP_CIPHER_AES_GCM_128 = 1, /* RFC 4106, 16-byte ICV, 8-byte IV */
	ESP_CIPHER_AES_GCM_256 = 2,
	ESP_CIPHER_AES_CBC_128 = 3, /* RFC 3602, 16-byte IV */
	ESP_CIPHER_AES_CBC_256 = 4,
};

enum esp_integ {
	ESP_INTEG_NONE = 0,	     /* AEAD ciphers only */
	ESP_INTEG_HMAC_SHA1_96 = 1,  /* RFC 2404 */
	ESP_INTEG_HMAC_SHA256_128 = 2, /* RFC 4868 */
};

enum esp_dir {
	ESP_DIR_IN = 1,
	ESP_DIR_OUT = 2,
};

enum esp_sa_flags {
	ESP_SA_F_ESN = 1 << 0, /* 64-bit extended sequence numbers (RFC 4303 2.2.1) */
	ESP_SA_F_NATT = 1 << 1, /* UDP-encapsulated (RFC 3948): port 4500 at the hub, the
				 * peer's port in nat_port (0 = learn it from the first
				 * authenticated inbound packet; docs/esp.md) */
	ESP_SA_F_TUNNEL = 1 << 2, /* tunnel mode (RFC 4303 3.1.2): the whole GRE packet, its
				   * IPv4 header included, inside ESP (next header 4) */
};

/* What control decides for one SA; a worker expands the keys itself when it applies it. */
struct esp_sa_params {
	uint32_t spi;		 /* host order; 256..2^32-1 (RFC 4303 2.1: 1..255 reserved) */
	uint8_t dir;		 /* enum esp_dir */
	uint8_t cipher;		 /* enum esp_cipher */
	uint8_t integ;		 /* enum esp_integ */
	uint8_t flags;		 /* enum esp_sa_flags */
	uint32_t peer_addr;	 /* the spoke's NBMA address (outer), network order */
	uint16_t nat_port;	 /* the spoke's UDP port with NAT-T, network order; 0 = none */
	uint16_t replay_window;	 /* inbound: packets, 0 = no replay check, max 4096 */
	uint8_t enc_key[ESP_KEY_MAX];
	uint8_t auth_key[ESP_KEY_MAX];
	uint8_t salt[ESP_SALT_LEN]; /* GCM only */
	uint64_t seq_base;	 /* outbound: the shared counter's value when the SA started */
};

enum esp_sa_msg_type {
	ESP_SA_MSG_SET = 1, /* install (or replace) the SA at idx */
	ESP_SA_MSG_DEL = 2, /* remove the SA at idx */
	ESP_SA_MSG_NATT = 3, /* the NAT-T SA at idx now has peer port p.nat_port (learned);
			      * keys, window and counters stay */
};

/* Control -> worker, by value on the worker's SA ring. */
struct esp_sa_msg {
	uint16_t type; /* enum esp_sa_msg_type */
	uint16_t pad;
	uint32_t idx;  /* SA index, the same in control's store and every replica */
	struct esp_sa_params p;
	uint8_t pad2[128 - 8 - sizeof(struct esp_sa_params)];
};
static_assert(sizeof(struct esp_sa_msg) == 128, "esp_sa_msg is a fixed-size ring element");

/*
 * The outbound sequence counter of one SA index, shared by every worker and control (one
 * cache line each). It only ever grows, even when a new SA reuses the index: an SA's wire
 * sequence number is the counter minus the value it had when the SA was installed
 * (esp_sa_params.seq_base), and the counter value itself seeds the IV, so no (key, IV) pair
 * repeats even while a slow worker still sends on the SA the index held before.
 */
struct esp_seq {
	_Alignas(64) uint64_t next; /* last value taken; take with an atomic add */
};

/* Bytes of key an algorithm takes (0 = none). */
unsigned int esp_cipher_key_len(unsigned int cipher);
unsigned int esp_integ_key_len(unsigned int integ);
/* ICV bytes of the SA's algorithms, IV bytes on the wire, and the cipher's block (the
 * payload+trailer multiple, RFC 4303 2.4: at least 4). */
unsigned int esp_icv_len(unsigned int cipher, unsigned int integ);
unsigned int esp_iv_len(unsigned int cipher);
unsigned int esp_block_len(unsigned int cipher);
static inline bool esp_cipher_is_aead(unsigned int cipher)
{
	return cipher == ESP_CIPHER_AES_GCM_128 || cipher == ESP_CIPHER_AES_GCM_256;
}

/* Names used by the configuration, the CLI and `show crypto ipsec sa`:
 * "aes-gcm-128", "aes-gcm-256", "aes-cbc-128", "aes-cbc-256"; "hmac-sha1-96",
 * "hmac-sha256-128", "none". Lookups return the value or -1. */
const char *esp_cipher_name(unsigned int cipher);
const char *esp_integ_name(unsigned int integ);
int esp_cipher_by_name(const char *name);
int esp_integ_by_name(const char *name);

/* Check a parameter set: algorithm pairing (AEAD alone, CBC with an HMAC), SPI range,
 * window, direction. Returns NULL when fine, else a short reason. */
const char *esp_params_check(const struct esp_sa_params *p);

/* "0x00112233..." or "00112233..." -> bytes; returns the byte count, or -1 for bad hex, an
 * odd number of digits or more than max bytes. */
int esp_hex_parse(const char *s, uint8_t *out, unsigned int max);

#endif
