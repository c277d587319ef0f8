/* SPDX-License-Identifier: BSD-3-Clause */
/* ESP algorithm facts and names, parameter checks, hex keys. No DPDK, no IPsec-MB. */
#include <string.h>

#include "lib/esp_sa.h"

static const char *const cipher_names[] = {
	[ESP_CIPHER_NONE] = "none",
	[ESP_CIPHER_AES_GCM_128] = "aes-gcm-128",
	[ESP_CIPHER_AES_GCM_256] = "aes-gcm-256",
	[ESP_CIPHER_AES_CBC_128] = "aes-cbc-128",
	[ESP_CIPHER_AES_CBC_256] = "aes-cbc-256",
};

static const char *const integ_names[] = {
	[ESP_INTEG_NONE] = "none",
	[ESP_INTEG_HMAC_SHA1_96] = "hmac-sha1-96",
	[ESP_INTEG_HMAC_SHA256_128] = "hmac-sha256-128",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

unsigned int esp_cipher_key_len(unsigned int cipher)
{
	switch (cipher) {
	case ESP_CIPHER_AES_GCM_128:
	case ESP_CIPHER_AES_CBC_128:
		return 16;
	case ESP_CIPHER_AES_GCM_256:
	case ESP_CIPHER_AES_CBC_256:
		return 32;
	default:
		return 0;
	}
}

/* RFC 2404 2: the HMAC-SHA1-96 key is 160 bits; RFC 4868 2.1.1: HMAC-SHA-256-128 takes 256. */
unsigned int esp_integ_key_len(unsigned int integ)
{
	switch (integ) {
	case ESP_INTEG_HMAC_SHA1_96:
		return 20;
	case ESP_INTEG_HMAC_SHA256_128:
		return 32;
	default:
		return 0;
	}
}

unsigned int esp_icv_len(unsigned int cipher, unsigned int integ)
{
	if (esp_cipher_is_aead(cipher))
		return 16; /* RFC 4106 3: we send and accept the 16-octet ICV only */
	switch (integ) {
	case ESP_INTEG_HMAC_SHA1_96:
		return 12;
	case ESP_INTEG_HMAC_SHA256_128:
		return 16;
	default:
		return 0;
	}
}

unsigned int esp_iv_len(unsigned int cipher)
{
	return esp_cipher_is_aead(cipher) ? 8 : 16; /* RFC 4106 3.1, RFC 3602 2.1 */
}

unsigned int esp_block_len(unsigned int cipher)
{
	/* RFC 4106 3.2: GCM needs no padding beyond ESP's 4-byte alignment. */
	return esp_cipher_is_aead(cipher) ? 4 : 16;
}

const char *esp_cipher_name(unsigned int cipher)
{
	return cipher < NELEM(cipher_names) && cipher_names[cipher] ? cipher_names[cipher] : "?";
}

const char *esp_integ_name(unsigned int integ)
{
	return integ < NELEM(integ_names) && integ_names[integ] ? integ_names[integ] : "?";
}

int esp_cipher_by_name(const char *name)
{
	unsigned int i;

	for (i = 1; i < NELEM(cipher_names); i++)
		if (strcmp(name, cipher_names[i]) == 0)
			return (int)i;
	return -1;
}

int esp_integ_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < NELEM(integ_names); i++)
		if (strcmp(name, integ_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *esp_params_check(const struct esp_sa_params *p)
{
	if (p->dir != ESP_DIR_IN && p->dir != ESP_DIR_OUT)
		return "direction must be in or out";
	if (p->spi < 256)
		return "SPI must be 256 or more (RFC 4303 2.1 reserves 1-255, 0 is never sent)";
	if (esp_cipher_key_len(p->cipher) == 0)
		return "unknown cipher";
	if (esp_cipher_is_aead(p->cipher) && p->integ != ESP_INTEG_NONE)
		return "AES-GCM carries its own integrity: integrity must be none";
	if (!esp_cipher_is_aead(p->cipher) && esp_integ_key_len(p->integ) == 0)
		return "AES-CBC needs an integrity algorithm (RFC 4303 3.2: no confidentiality-only)";
	if (p->replay_window > ESP_REPLAY_WINDOW_MAX)
		return "replay window is at most 4096 packets";
	if ((p->flags & ESP_SA_F_ESN) && p->dir == ESP_DIR_IN && p->replay_window == 0)
		return "ESN needs a replay window (RFC 4303 A2 infers the high bits from it)";
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int esp_hex_parse(const char *s, uint8_t *out, unsigned int max)
{
	unsigned int n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (*s == '\0' || strlen(s) % 2 != 0)
		return -1;
	while (*s != '\0') {
		int hi = hexval(s[0]), lo = hexval(s[1]);

		if (hi < 0 || lo < 0 || n == max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (int)n;
}
