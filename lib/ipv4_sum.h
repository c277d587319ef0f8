/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv4 header checksum by 32-bit words: the workers' checks and the ESP encapsulation. */
#ifndef HUB_IPV4_SUM_H
#define HUB_IPV4_SUM_H

#include <stdint.h>
#include <string.h>

/*
 * The one's complement sum of an IPv4 header of ihl bytes (a multiple of 4, 20..60), as
 * rte_raw_cksum() gives it: 0xffff for a header whose checksum is right. Adds 32-bit words
 * into 64 bits and folds (RFC 1071 2.(C), "parallel summation"): five loads for a 20-byte
 * header where rte_raw_cksum() loops over ten 16-bit words. Like rte_raw_cksum() it returns
 * 0 only when every word is 0.
 */
static inline uint16_t hub_ipv4_hdr_sum(const void *hdr, unsigned int ihl)
{
	const uint8_t *p = hdr;
	uint64_t sum = 0;
	unsigned int i;
	uint32_t v;

	for (i = 0; i < 20; i += 4) {
		memcpy(&v, p + i, sizeof(v));
		sum += v;
	}
	for (; i < ihl; i += 4) {
		memcpy(&v, p + i, sizeof(v));
		sum += v;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

#endif
