/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GRE (RFC 2784) with the key and sequence extensions (RFC 2890): parsing on the way in,
 * a ready outer header template and a copy-and-fix-up encapsulation on the way out.
 */
#ifndef HUB_DP_GRE_H
#define HUB_DP_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

/* Flags word (first 16 bits), host order. Bit n of RFC 2784 is 0x8000 >> n. */
#define DP_GRE_F_CSUM 0x8000    /* bit 0: checksum present (RFC 2784 2.2) */
#define DP_GRE_F_ROUTING 0x4000 /* bit 1: RFC 1701 routing present */
#define DP_GRE_F_KEY 0x2000     /* bit 2: key present (RFC 2890 2.1) */
#define DP_GRE_F_SEQ 0x1000     /* bit 3: sequence number present (RFC 2890 2.1) */
#define DP_GRE_F_SSR 0x0800     /* bit 4: RFC 1701 strict source route */
#define DP_GRE_F_BIT5 0x0400    /* bit 5: top bit of RFC 1701 recursion control */
#define DP_GRE_F_VERSION 0x0007 /* bits 13-15 */

#define DP_GRE_PROTO_IPV4 0x0800
#define DP_GRE_PROTO_NHRP 0x2001 /* DESIGN 3: NHRP rides in GRE with this type */

/* Lengths of what outer_hdr_build() (lib/outer_hdr.h) builds: Ethernet 14 + IPv4 20 + GRE 4 [+ key 4]. */
#define DP_GRE_TMPL_LEN 38
#define DP_GRE_TMPL_LEN_KEY 42
#define DP_GRE_TMPL_IP_OFF 14  /* outer IPv4 header in a template */
#define DP_GRE_TMPL_GRE_OFF 34 /* GRE header in a template */

struct dp_gre_info {
	uint16_t proto;   /* protocol type, host order, e.g. 0x0800, 0x2001 */
	uint16_t hdr_len; /* GRE header bytes, payload starts here: 4..16 */
	bool has_key;     /* K bit set */
	uint32_t key;     /* host order; 0 when !has_key */
	bool has_seq;     /* S bit set: the number is skipped, never enforced */
};

/*
 * Parse the GRE header at p; len bytes are available up to the end of the outer IP
 * payload (the checksum, when present, covers exactly those bytes). Returns 0 or one of
 * HUB_DROP_GRE_{TRUNCATED,VERSION,FLAGS,BAD_CSUM}.
 *
 * RFC 2784 2.3: a receiver discards a packet with any of bits 1-5 set; RFC 2890 gives bits
 * 2 (K) and 3 (S) a meaning, so bits 1 (routing), 4 (strict source route) and 5 drop.
 * Bits 6-12 MUST be ignored on receipt (RFC 2784 2.3) and are. Version must be 0
 * (RFC 2784 2.3.1). A present checksum is verified (RFC 2784 2.2). Sequence numbers are
 * tolerated but not enforced: RFC 2890 2.2 lets a receiver skip in-order delivery.
 */
int dp_gre_parse(const uint8_t *p, uint16_t len, struct dp_gre_info *g);

/* Write a GRE header at p: no checksum, no sequence number, key when has_key. Returns its
 * length, 4 or 8. */
uint16_t dp_gre_write(uint8_t *p, uint16_t proto, bool has_key, uint32_t key);

/*
 * Prepend tmpl (built by outer_hdr_build) to m, whose data starts at the inner packet,
 * then fix the outer IPv4 total length (from m's packet length), identification (ip_id,
 * host order) and header checksum (incrementally from the template's, RFC 1624), and the
 * GRE protocol type (gre_proto, host order). Works on multi-segment mbufs (only the first
 * segment is touched). Returns 0, or -1 when the first segment lacks tmpl_len bytes of
 * headroom (m is unchanged then).
 */
int dp_gre_encap(struct rte_mbuf *m, const uint8_t *tmpl, uint16_t tmpl_len, uint16_t gre_proto,
                 uint16_t ip_id);

#endif
