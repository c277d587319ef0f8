/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP codec: parse a packet into a view that points into it, build any message into a
 * caller's buffer, format a message on one line. Pure C (no DPDK) so that the control
 * lcore, the test tools and the fuzzer share it; lib/nhrp_mbuf.h adds the mbuf variants.
 *
 * Lengths always come from the packet's own fields (ar$shtl, ar$sstl, the protocol
 * address lengths, the CIE lengths), so IPv6 works the same way as IPv4; the expected
 * address family is a parse option.
 *
 * Parsing a Registration Request and building its reply:
 *
 *	struct nhrp_msg req;
 *	int rc = nhrp_parse(pkt, len, &nhrp_parse_opts_ipv4, &req);
 *	if (rc < 0) { log nhrp_err_name(rc) at req.err_offset; drop; }
 *	struct nhrp_build_cie cie = { .code = NHRP_CIE_SUCCESS,
 *		.prefix_len = req.cies[0].prefix_len, .holdtime = req.cies[0].holdtime };
 *	struct nhrp_build_cie me = { .prefix_len = 32, .nbma = nhrp_addr_u32(hub_nbma),
 *		.proto = nhrp_addr_u32(hub_tunnel) };
 *	struct nhrp_build_ext ext[] = { nhrp_bext_cies(NHRP_EXT_RESPONDER, true, &me, 1) };
 *	struct nhrp_build_msg rep = { .op = NHRP_OP_REGISTRATION_REPLY, .hopcnt = 64,
 *		.flags = req.flags, .request_id = req.request_id,
 *		.src_nbma = nhrp_addr_ref(&req.src_nbma),
 *		.src_proto = nhrp_addr_ref(&req.src_proto),
 *		.dst_proto = nhrp_addr_u32(hub_tunnel), .cies = &cie, .n_cies = 1,
 *		.exts = ext, .n_exts = 1 };
 *	rc = nhrp_build(&rep, buf, sizeof(buf), &out_len);
 */
#ifndef HUB_NHRP_CODEC_H
#define HUB_NHRP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/nhrp_wire.h"

#define NHRP_MAX_CIES 16     /* CIEs in the mandatory part */
#define NHRP_MAX_EXTS 16     /* extensions, End not counted */
#define NHRP_MAX_EXT_CIES 32 /* CIEs inside all extensions together */

/*
 * Parse errors. nhrp_parse() returns the negated value; each one names one way a packet
 * is wrong, and err_offset in the view says where.
 */
#define NHRP_ERRORS(X)                                                                          \
	X(TRUNCATED, "truncated")		 /* buffer shorter than the fixed header */    \
	X(PKTSZ_SHORT, "pktsz-short")		 /* ar$pktsz smaller than the fixed header */  \
	X(PKTSZ_OVERRUN, "pktsz-overrun")	 /* ar$pktsz runs past the buffer */           \
	X(PKTSZ_TRAILING, "pktsz-trailing")	 /* bytes after ar$pktsz (see allow_trailing) */ \
	X(AFN, "afn-mismatch")			 /* ar$afn is not the tunnel's */              \
	X(PRO_TYPE, "pro-type-mismatch")	 /* ar$pro.type is not the tunnel's */         \
	X(VERSION, "version")			 /* ar$op.version is not 1 */                  \
	X(OP, "op-unknown")			 /* ar$op.type outside 1-8 */                  \
	X(CHECKSUM, "checksum")			 /* ar$chksum does not verify */               \
	X(EXTOFF_INSIDE, "extoff-inside-mandatory") /* ar$extoff before the CIEs' start */    \
	X(EXTOFF_PAST_END, "extoff-past-end")	 /* ar$extoff beyond ar$pktsz */               \
	X(MANDATORY_TRUNCATED, "mandatory-truncated") /* header or address past its end */    \
	X(ADDR_ZERO, "address-zero-length")	 /* a source/destination address is missing */ \
	X(ADDR_OVERSIZE, "address-oversize")	 /* an address longer than NHRP_ADDR_MAX */     \
	X(ADDR_FAMILY, "address-length-family")	 /* length is not the family's (4, 16) */     \
	X(CIE_OVERFLOW, "cie-overflow")		 /* a CIE runs past its list */                \
	X(TOO_MANY_CIES, "too-many-cies")	 /* more than NHRP_MAX_(EXT_)CIES */           \
	X(EXT_TRUNCATED, "extension-truncated")	 /* extension header past ar$pktsz */          \
	X(EXT_OVERRUN, "extension-overrun")	 /* extension value past ar$pktsz */           \
	X(TOO_MANY_EXTS, "too-many-extensions")	 /* more than NHRP_MAX_EXTS */                 \
	X(EI_EXTENSIONS, "error-indication-extensions") /* RFC 2332 5.2.7: none allowed */   \
	X(END_MISSING, "end-missing")		 /* extensions not closed by End */            \
	X(END_LENGTH, "end-length")		 /* End with a non-zero length */              \
	X(END_DUPLICATE, "end-duplicate")	 /* End followed by another End */             \
	X(END_MISPLACED, "end-misplaced")	 /* End followed by more extensions or bytes */ \
	X(AUTH_SHORT, "auth-short")		 /* Authentication shorter than its type */    \
	X(AUTH_LONG, "auth-password-long")	 /* Cisco cleartext password over 8 bytes */   \
	X(VENDOR_SHORT, "vendor-short")		 /* Vendor-Private shorter than an OUI */      \
	X(HOPCNT_ZERO, "hop-count-zero")	 /* ar$hopcnt is 0 (view complete) */          \
	X(EXT_UNKNOWN_COMPULSORY, "unknown-compulsory-extension") /* (view complete) */

enum nhrp_err {
	NHRP_OK = 0,
#define NHRP_ERR_ENUM(sym, name) NHRP_ERR_##sym,
	NHRP_ERRORS(NHRP_ERR_ENUM)
#undef NHRP_ERR_ENUM
	NHRP_ERR_MAX
};

/* An address inside a parsed packet. ptr is NULL when len is 0. */
struct nhrp_addr_ref {
	const uint8_t *ptr;
	uint8_t len;
};

/* A parsed Client Information Entry. */
struct nhrp_cie {
	uint8_t code;	  /* RFC value: FRR's 11 is reported as NHRP_CIE_NO_BINDING */
	uint8_t raw_code; /* as on the wire */
	uint8_t prefix_len;
	uint8_t pref;
	uint16_t mtu;
	uint16_t holdtime;
	uint16_t offset; /* of the CIE in the packet */
	struct nhrp_addr_ref nbma;     /* 0 length: "the header's source NBMA address" */
	struct nhrp_addr_ref nbma_sub;
	struct nhrp_addr_ref proto;    /* 0 length: "the header's source protocol address" */
};

/* A parsed extension, End excluded. Known types are validated; others are opaque. */
struct nhrp_ext {
	uint16_t type;	     /* 14-bit type, C and u bits removed */
	uint16_t raw_type;   /* as on the wire */
	bool compulsory;     /* C bit */
	bool known;	     /* one of enum nhrp_ext_type */
	uint16_t offset;     /* of the extension header in the packet */
	uint16_t len;	     /* value length */
	const uint8_t *data; /* value, NULL when len is 0 */
	uint8_t first_cie;   /* 3, 4, 5, 9: index of its first CIE in nhrp_msg.ext_cies */
	uint8_t n_cies;	     /* 3, 4, 5, 9: number of CIEs */
};

/*
 * The parsed view. Every pointer points into the parsed buffer, which must outlive it.
 * On error the fields before err_offset are filled in; for -NHRP_ERR_HOPCNT_ZERO and
 * -NHRP_ERR_EXT_UNKNOWN_COMPULSORY the whole view is complete and valid, so that the
 * caller can still answer with an Error Indication or forward as a transit NHS would.
 */
struct nhrp_msg {
	const uint8_t *pkt; /* start of the NHRP packet */

	/* Fixed header, host byte order. */
	uint16_t afn;
	uint16_t pro_type;
	uint8_t hopcnt;
	uint16_t pktsz;
	uint16_t checksum;
	uint16_t extoff;
	uint8_t version;
	uint8_t op;   /* enum nhrp_op */
	uint8_t shtl; /* raw type/length octets */
	uint8_t sstl;

	/* Mandatory part. */
	uint16_t flags;	     /* ops 1-6; 0 for indications */
	uint32_t request_id; /* ops 1-6; 0 for indications */
	uint16_t code;	     /* Error Indication: error code (FRR's 2 mapped to 3);
			      * Traffic Indication: traffic code */
	uint16_t raw_code;   /* as on the wire */
	uint16_t ei_offset;  /* Error Indication: offset of the error in the packet in error */
	struct nhrp_addr_ref src_nbma;
	struct nhrp_addr_ref src_nbma_sub;
	struct nhrp_addr_ref src_proto;
	struct nhrp_addr_ref dst_proto;
	/* Error Indication: the packet in error; Traffic Indication: the head of the packet
	 * that triggered it. NULL when empty. */
	const uint8_t *payload;
	uint16_t payload_len;
	uint8_t n_cies;
	struct nhrp_cie cies[NHRP_MAX_CIES];

	/* Extensions in packet order. */
	bool has_end; /* an End extension closed the list */
	uint8_t n_exts;
	struct nhrp_ext exts[NHRP_MAX_EXTS];
	uint8_t n_ext_cies;
	struct nhrp_cie ext_cies[NHRP_MAX_EXT_CIES];

	/* On error: byte offset of the offending field, for the Error Indication. */
	uint16_t err_offset;
};

struct nhrp_parse_opts {
	uint16_t afn;	      /* expected ar$afn: the tunnel's NBMA family */
	uint16_t pro_type;    /* expected ar$pro.type: the tunnel's protocol family */
	bool verify_checksum; /* check ar$chksum */
	bool allow_trailing;  /* ignore bytes after ar$pktsz instead of failing */
};

/* IPv4 over IPv4, checksum verified: what a DMVPN hub expects. */
extern const struct nhrp_parse_opts nhrp_parse_opts_ipv4;

/*
 * Parse len bytes at buf (the GRE payload). Returns 0 or -NHRP_ERR_xxx, with
 * out->err_offset set on error. opts NULL means nhrp_parse_opts_ipv4. Never reads outside
 * [buf, buf + len), never loops more than the packet's length allows.
 */
int nhrp_parse(const uint8_t *buf, size_t len, const struct nhrp_parse_opts *opts,
	       struct nhrp_msg *out);

/* The error's stable name ("cie-overflow"); err may be negated. "ok" for 0. */
const char *nhrp_err_name(int err);

/* The Error Indication code (enum nhrp_ei_code) to answer a parse error with. */
uint16_t nhrp_err_ei_code(int err);

/* IP checksum (RFC 1071) of len bytes, odd lengths padded with a zero byte; host order. */
uint16_t nhrp_checksum(const uint8_t *buf, size_t len);

/* Typed accessors for a parsed view. */

/* The 4-byte address as a uint32_t in network byte order; 0 if it is not 4 bytes. */
static inline uint32_t nhrp_ref_u32(const struct nhrp_addr_ref *a)
{
	uint32_t v = 0;

	if (a->len == 4)
		memcpy(&v, a->ptr, 4);
	return v;
}

/* First extension of the given type, or NULL. */
const struct nhrp_ext *nhrp_msg_ext(const struct nhrp_msg *m, uint16_t type);

/* The CIEs of a Responder Address, Transit NHS Record or NAT extension; *n gets the count. */
const struct nhrp_cie *nhrp_ext_cies(const struct nhrp_msg *m, const struct nhrp_ext *e,
				     unsigned int *n);

/* The Responder Address extension's CIE, or NULL when absent or empty. */
const struct nhrp_cie *nhrp_msg_responder(const struct nhrp_msg *m);

/* Authentication extension: its 32-bit type and the data after it (the Cisco password).
 * Returns 0, or -EINVAL when e is not an Authentication extension. */
int nhrp_ext_auth(const struct nhrp_ext *e, uint32_t *type, const uint8_t **secret,
		  size_t *secret_len);

/* Vendor-Private extension: the OUI and the data after it. 0 or -EINVAL. */
int nhrp_ext_vendor(const struct nhrp_ext *e, uint32_t *oui, const uint8_t **data,
		    size_t *data_len);

/*
 * Building. A message is described by value; nhrp_build() computes ar$pktsz, ar$extoff,
 * the End extension and the checksum.
 */

/* An address by value, network byte order. len 0 = absent. */
struct nhrp_addr {
	uint8_t len;
	uint8_t b[NHRP_ADDR_MAX];
};

/* A 4-byte address from a uint32_t in network byte order. */
static inline struct nhrp_addr nhrp_addr_u32(uint32_t be)
{
	struct nhrp_addr a = {.len = 4};

	memcpy(a.b, &be, 4);
	return a;
}

/* A copy of a parsed address (truncated to NHRP_ADDR_MAX, which parsing guarantees). */
static inline struct nhrp_addr nhrp_addr_ref(const struct nhrp_addr_ref *r)
{
	struct nhrp_addr a = {.len = r->len > NHRP_ADDR_MAX ? NHRP_ADDR_MAX : r->len};

	if (a.len)
		memcpy(a.b, r->ptr, a.len);
	return a;
}

struct nhrp_build_cie {
	uint8_t code; /* enum nhrp_cie_code */
	uint8_t prefix_len;
	uint8_t pref;
	uint16_t mtu;
	uint16_t holdtime;
	struct nhrp_addr nbma;
	struct nhrp_addr nbma_sub;
	struct nhrp_addr proto;
};

/*
 * One extension to build. By type:
 *  - 3, 4, 5, 9: the CIEs in cies/n_cies;
 *  - 7: num is the authentication type, value/value_len the data after it (the Cisco
 *    cleartext password, at most 8 bytes, when num is NHRP_AUTH_CISCO_CLEARTEXT);
 *  - 8: num is the OUI, value/value_len the vendor data;
 *  - any other type: value/value_len, copied as is.
 * With verbatim set, value/value_len is copied as is whatever the type: this carries a
 * parsed extension through unchanged (nhrp_bext_ref()).
 */
struct nhrp_build_ext {
	uint16_t type; /* 14-bit type without the C bit; never NHRP_EXT_END */
	bool compulsory;
	bool verbatim;
	uint32_t num;
	const uint8_t *value;
	uint16_t value_len;
	const struct nhrp_build_cie *cies;
	unsigned int n_cies;
};

static inline struct nhrp_build_ext nhrp_bext_cies(uint16_t type, bool compulsory,
						   const struct nhrp_build_cie *cies,
						   unsigned int n)
{
	return (struct nhrp_build_ext){.type = type, .compulsory = compulsory, .cies = cies,
				       .n_cies = n};
}

/* Cisco cleartext authentication, compulsory as Cisco and FRR send it. */
static inline struct nhrp_build_ext nhrp_bext_auth_cisco(const uint8_t *pw, uint16_t len)
{
	return (struct nhrp_build_ext){.type = NHRP_EXT_AUTH, .compulsory = true,
				       .num = NHRP_AUTH_CISCO_CLEARTEXT, .value = pw,
				       .value_len = len};
}

static inline struct nhrp_build_ext nhrp_bext_vendor(uint32_t oui, const uint8_t *data,
						     uint16_t len)
{
	return (struct nhrp_build_ext){.type = NHRP_EXT_VENDOR, .num = oui, .value = data,
				       .value_len = len};
}

/* A parsed extension carried through unchanged (its value still points into the packet). */
static inline struct nhrp_build_ext nhrp_bext_ref(const struct nhrp_ext *e)
{
	return (struct nhrp_build_ext){.type = e->type, .compulsory = e->compulsory,
				       .verbatim = true, .value = e->data, .value_len = e->len};
}

struct nhrp_build_msg {
	uint8_t op;	   /* enum nhrp_op */
	uint16_t afn;	   /* 0 = NHRP_AFN_IPV4 */
	uint16_t pro_type; /* 0 = NHRP_PRO_IPV4 */
	uint8_t hopcnt;
	uint16_t flags;	     /* ops 1-6 */
	uint32_t request_id; /* ops 1-6 */
	uint16_t code;	     /* Error Indication: error code; Traffic Indication: traffic code */
	uint16_t ei_offset;  /* Error Indication: offset of the error */
	struct nhrp_addr src_nbma;
	struct nhrp_addr src_nbma_sub;
	struct nhrp_addr src_proto;
	struct nhrp_addr dst_proto;
	const struct nhrp_build_cie *cies; /* ops 1-6, at most NHRP_MAX_CIES */
	unsigned int n_cies;
	const uint8_t *payload; /* ops 7-8: packet in error / head of the triggering packet */
	size_t payload_len;
	const struct nhrp_build_ext *exts; /* at most NHRP_MAX_EXTS; none for op 7 */
	unsigned int n_exts;
};

/* Bytes nhrp_build() will write, or -EINVAL / -EMSGSIZE for a message it refuses. */
long nhrp_build_len(const struct nhrp_build_msg *m);

/*
 * Write the message at buf. Returns 0 with *out_len set; -ENOSPC when cap is too small
 * (nothing is written then); -EINVAL for a message that cannot be encoded (op out of
 * range, address over NHRP_ADDR_MAX, CIEs in an indication, extensions in an Error
 * Indication, too many CIEs or extensions, a password over 8 bytes); -EMSGSIZE over
 * 65535 bytes. What nhrp_build() accepts, nhrp_parse() accepts.
 */
int nhrp_build(const struct nhrp_build_msg *m, uint8_t *buf, size_t cap, size_t *out_len);

/* Room for nhrp_build_from_view(). */
struct nhrp_build_store {
	struct nhrp_build_cie cies[NHRP_MAX_CIES];
	struct nhrp_build_ext exts[NHRP_MAX_EXTS];
};

/*
 * Describe a parsed message for the builder: same header fields, addresses, CIEs (RFC
 * codes) and payload, extensions carried verbatim. The caller then edits what changes
 * (hop count, a Transit NHS Record) and builds. b points into *st and into v's packet.
 */
void nhrp_build_from_view(const struct nhrp_msg *v, struct nhrp_build_msg *b,
			  struct nhrp_build_store *st);

/*
 * One line describing the message for logs, `debug nhrp` and tests, e.g.
 * "registration-request id=7 flags=U,NAT hop=1 src=192.168.1.6@6.6.6.6 dst=192.168.1.1
 *  cies=[code=success len=255 mtu=1400 hold=7200] ext=[fwd-transit,rev-transit,responder,
 *  nat(1)]". Returns the length of the full line as snprintf() does (the output is
 * truncated to len - 1 characters and NUL-terminated), or -EINVAL.
 */
int nhrp_format(const struct nhrp_msg *m, char *buf, size_t len);

/* Names used by the formatter. */
const char *nhrp_op_name(unsigned int op);	     /* "registration-request" */
const char *nhrp_cie_code_name(unsigned int code);   /* "success" */
const char *nhrp_ei_code_name(unsigned int code);    /* "unrecognized-extension" */
const char *nhrp_ext_name(unsigned int type);	     /* "fwd-transit" */

#endif
