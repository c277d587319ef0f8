/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP on the wire: constants and packed layouts (RFC 2332 section 5, plus the Cisco
 * additions DMVPN spokes use). Pure C, no DPDK: the codec built on it also runs in test
 * tools and under libFuzzer.
 *
 * The structs describe byte layouts only. Multi-byte fields are in network byte order;
 * code copies a header out of the packet with memcpy() before reading it, so nothing
 * here is ever accessed through a misaligned pointer.
 */
#ifndef HUB_NHRP_WIRE_H
#define HUB_NHRP_WIRE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* GRE protocol type that carries NHRP (DESIGN.md section 3). */
#define NHRP_GRE_PROTO 0x2001

/* ar$afn: address family of the NBMA (underlay) addresses. */
#define NHRP_AFN_IPV4 1
#define NHRP_AFN_IPV6 2

/* ar$pro.type: the protocol (tunnel) address family, as an Ethertype. */
#define NHRP_PRO_IPV4 0x0800
#define NHRP_PRO_IPV6 0x86DD

/* ar$op.version: NHRP as defined in RFC 2332. */
#define NHRP_VERSION 1

/* Longest address the codec accepts (IPv6). Address type/length fields are 6 bits. */
#define NHRP_ADDR_MAX 16

/* ar$op.type. 1-7 are RFC 2332 5.2.1-5.2.7; 8 is Cisco's (draft-detienne-dmvpn-01). */
enum nhrp_op {
	NHRP_OP_RESOLUTION_REQUEST = 1,
	NHRP_OP_RESOLUTION_REPLY = 2,
	NHRP_OP_REGISTRATION_REQUEST = 3,
	NHRP_OP_REGISTRATION_REPLY = 4,
	NHRP_OP_PURGE_REQUEST = 5,
	NHRP_OP_PURGE_REPLY = 6,
	NHRP_OP_ERROR_INDICATION = 7,
	NHRP_OP_TRAFFIC_INDICATION = 8,
};
#define NHRP_OP_MIN NHRP_OP_RESOLUTION_REQUEST
#define NHRP_OP_MAX NHRP_OP_TRAFFIC_INDICATION

/* Mandatory-part flags; their meaning depends on the op code. */
#define NHRP_FLAG_RES_Q 0x8000	 /* Resolution: sender is a router (RFC 2332 5.2.1) */
#define NHRP_FLAG_RES_A 0x4000	 /* Resolution: authoritative */
#define NHRP_FLAG_RES_D 0x2000	 /* Resolution Reply: destination is stable */
#define NHRP_FLAG_RES_U 0x1000	 /* Resolution: uniqueness */
#define NHRP_FLAG_RES_S 0x0800	 /* Resolution: source binding is stable */
#define NHRP_FLAG_REG_U 0x8000	 /* Registration: unique (RFC 2332 5.2.3) */
#define NHRP_FLAG_PURGE_N 0x8000 /* Purge Request: no reply expected (RFC 2332 5.2.5) */
#define NHRP_FLAG_NAT 0x0002	 /* Cisco: sender understands the NAT extension */

/* CIE codes (RFC 2332 5.2.0.1 and the per-message sections). */
enum nhrp_cie_code {
	NHRP_CIE_SUCCESS = 0,
	NHRP_CIE_ADMIN_PROHIBITED = 4,
	NHRP_CIE_INSUFFICIENT_RESOURCES = 5,
	NHRP_CIE_NO_BINDING = 12,
	NHRP_CIE_NOT_UNIQUE = 13,
	NHRP_CIE_ALREADY_REGISTERED = 14,
};
/* FRR nhrpd sends 11 for "no binding"; the parser maps it to NHRP_CIE_NO_BINDING. */
#define NHRP_CIE_FRR_NO_BINDING 11

/* Error Indication codes (RFC 2332 5.2.7). */
enum nhrp_ei_code {
	NHRP_EI_UNRECOGNIZED_EXTENSION = 1,
	NHRP_EI_LOOP_DETECTED = 3,
	NHRP_EI_PROTO_UNREACHABLE = 6,
	NHRP_EI_PROTOCOL_ERROR = 7,
	NHRP_EI_SDU_SIZE_EXCEEDED = 8,
	NHRP_EI_INVALID_EXTENSION = 9,
	NHRP_EI_INVALID_REPLY = 10,
	NHRP_EI_AUTH_FAILURE = 11,
	NHRP_EI_HOP_COUNT_EXCEEDED = 15,
};
/* FRR nhrpd sends 2 for "loop detected"; the parser maps it to NHRP_EI_LOOP_DETECTED. */
#define NHRP_EI_FRR_LOOP_DETECTED 2

/* Traffic Indication codes (draft-detienne-dmvpn-01 section 4.2). */
#define NHRP_TRAFFIC_REDIRECT 0

/* Extension types (RFC 2332 5.3; 9 is Cisco's NAT Address extension). */
enum nhrp_ext_type {
	NHRP_EXT_END = 0,
	NHRP_EXT_RESPONDER = 3,
	NHRP_EXT_FWD_TRANSIT = 4,
	NHRP_EXT_REV_TRANSIT = 5,
	NHRP_EXT_AUTH = 7,
	NHRP_EXT_VENDOR = 8,
	NHRP_EXT_NAT = 9,
};
#define NHRP_EXT_COMPULSORY 0x8000 /* C bit */
#define NHRP_EXT_UNUSED 0x4000	   /* u bit: zero on transmit, ignored on receive */
#define NHRP_EXT_TYPE_MASK 0x3FFF

/* Cisco cleartext authentication: a 32-bit type 1, then at most 8 password bytes. */
#define NHRP_AUTH_CISCO_CLEARTEXT 1
#define NHRP_AUTH_PASSWORD_MAX 8
#define NHRP_AUTH_TYPE_LEN 4
/* Vendor-Private extension: a 24-bit IEEE OUI, then vendor data (RFC 2332 5.3.5). */
#define NHRP_VENDOR_OUI_LEN 3

/* Type/length octets (ar$shtl, ar$sstl, CIE NBMA address T/L): bit 6 = E.164 form. */
#define NHRP_TL_LEN_MASK 0x3F
#define NHRP_TL_E164 0x40

/* Fixed header (RFC 2332 5.1). */
struct nhrp_fixed_hdr {
	uint16_t afn;	     /* ar$afn */
	uint16_t pro_type;   /* ar$pro.type */
	uint8_t pro_snap[5]; /* ar$pro.snap: zero unless pro_type is 0x0080 */
	uint8_t hopcnt;	     /* ar$hopcnt */
	uint16_t pktsz;	     /* ar$pktsz: whole NHRP packet, extensions included */
	uint16_t chksum;     /* ar$chksum: IP checksum over ar$pktsz bytes */
	uint16_t extoff;     /* ar$extoff: offset of the first extension, 0 = none */
	uint8_t version;     /* ar$op.version */
	uint8_t op;	     /* ar$op.type */
	uint8_t shtl;	     /* ar$shtl: source NBMA address type/length */
	uint8_t sstl;	     /* ar$sstl: source NBMA subaddress type/length */
} __attribute__((packed));
static_assert(sizeof(struct nhrp_fixed_hdr) == 20, "RFC 2332 5.1 fixed header");
static_assert(offsetof(struct nhrp_fixed_hdr, hopcnt) == 9, "ar$hopcnt");
static_assert(offsetof(struct nhrp_fixed_hdr, pktsz) == 10, "ar$pktsz");
static_assert(offsetof(struct nhrp_fixed_hdr, chksum) == 12, "ar$chksum");
static_assert(offsetof(struct nhrp_fixed_hdr, extoff) == 14, "ar$extoff");
static_assert(offsetof(struct nhrp_fixed_hdr, shtl) == 18, "ar$shtl");

/* Start of the mandatory part of ops 1-6 (RFC 2332 5.2.0.1). */
struct nhrp_common_hdr {
	uint8_t src_proto_len;
	uint8_t dst_proto_len;
	uint16_t flags;
	uint32_t request_id;
} __attribute__((packed));
static_assert(sizeof(struct nhrp_common_hdr) == 8, "RFC 2332 5.2.0.1 common header");

/*
 * Start of the mandatory part of the Error Indication (RFC 2332 5.2.7) and of Cisco's
 * Traffic Indication (draft-detienne-dmvpn-01 figure 4): the same 8 bytes, with the
 * flags replaced by an unused field and the request ID by a code and an offset (unused
 * in the Traffic Indication).
 */
struct nhrp_ind_hdr {
	uint8_t src_proto_len;
	uint8_t dst_proto_len;
	uint16_t unused;
	uint16_t code;	 /* error code, or traffic code */
	uint16_t offset; /* Error Indication: offset of the error in the packet in error */
} __attribute__((packed));
static_assert(sizeof(struct nhrp_ind_hdr) == 8, "indication header");

/* Client Information Entry header; the addresses follow (RFC 2332 5.2.0.1). */
struct nhrp_cie_hdr {
	uint8_t code;
	uint8_t prefix_len;
	uint16_t unused;
	uint16_t mtu;
	uint16_t holdtime;
	uint8_t nbma_tl;     /* client NBMA address type/length */
	uint8_t nbma_sub_tl; /* client NBMA subaddress type/length */
	uint8_t proto_len;   /* client protocol address length */
	uint8_t pref;
} __attribute__((packed));
static_assert(sizeof(struct nhrp_cie_hdr) == 12, "RFC 2332 CIE header");

/* Extension header (RFC 2332 5.3): C bit, u bit, 14-bit type, then the value length. */
struct nhrp_ext_hdr {
	uint16_t type;
	uint16_t len;
} __attribute__((packed));
static_assert(sizeof(struct nhrp_ext_hdr) == 4, "RFC 2332 5.3 extension header");

#define NHRP_FIXED_LEN sizeof(struct nhrp_fixed_hdr)
#define NHRP_COMMON_LEN sizeof(struct nhrp_common_hdr)
#define NHRP_CIE_HDR_LEN sizeof(struct nhrp_cie_hdr)
#define NHRP_EXT_HDR_LEN sizeof(struct nhrp_ext_hdr)
/* Largest NHRP packet: ar$pktsz is 16 bits. */
#define NHRP_PKT_MAX 65535

#endif
