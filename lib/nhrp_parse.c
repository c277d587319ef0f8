/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP parser. One pass over the packet, every length checked against the end of the
 * region it lives in (the mandatory part, an extension, ar$pktsz) before it is used, so
 * the parser never reads outside the buffer and every loop advances by at least a
 * header's size. The result is a view: pointers into the packet, no copies.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/nhrp_codec.h"

const struct nhrp_parse_opts nhrp_parse_opts_ipv4 = {
	.afn = NHRP_AFN_IPV4,
	.pro_type = NHRP_PRO_IPV4,
	.verify_checksum = true,
	.allow_trailing = false,
};

static const char *const nhrp_err_names[NHRP_ERR_MAX] = {
	[NHRP_OK] = "ok",
#define NHRP_ERR_NAME(sym, name) [NHRP_ERR_##sym] = name,
	NHRP_ERRORS(NHRP_ERR_NAME)
#undef NHRP_ERR_NAME
};

const char *nhrp_err_name(int err)
{
	if (err < 0)
		err = -err;
	return err < NHRP_ERR_MAX ? nhrp_err_names[err] : "unknown";
}

uint16_t nhrp_err_ei_code(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case NHRP_ERR_EXT_UNKNOWN_COMPULSORY:
		return NHRP_EI_UNRECOGNIZED_EXTENSION;
	case NHRP_ERR_HOPCNT_ZERO:
		return NHRP_EI_HOP_COUNT_EXCEEDED;
	case NHRP_ERR_EI_EXTENSIONS:
		/* RFC 2332 5.2.7 "Invalid Extension": wrong for the packet type. */
		return NHRP_EI_INVALID_EXTENSION;
	default:
		/* RFC 2332 5.2.7 "Protocol Error": version, type, checksum, format. */
		return NHRP_EI_PROTOCOL_ERROR;
	}
}

uint16_t nhrp_checksum(const uint8_t *buf, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	/* Summed byte-wise in network order, so neither alignment nor host order matter. */
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8; /* RFC 2332 5.1: pad with a zero byte */
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return ntohs(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ntohl(v);
}

/* Address length the family dictates; 0 when the codec does not know the family. */
static uint8_t afn_addr_len(uint16_t afn)
{
	switch (afn) {
	case NHRP_AFN_IPV4:
		return 4;
	case NHRP_AFN_IPV6:
		return 16;
	default:
		return 0;
	}
}

static uint8_t pro_addr_len(uint16_t pro_type)
{
	switch (pro_type) {
	case NHRP_PRO_IPV4:
		return 4;
	case NHRP_PRO_IPV6:
		return 16;
	default:
		return 0;
	}
}

/* Offsets of the fields a parse error points at (the Error Indication's Error Offset). */
enum {
	OFF_AFN = offsetof(struct nhrp_fixed_hdr, afn),
	OFF_PRO_TYPE = offsetof(struct nhrp_fixed_hdr, pro_type),
	OFF_HOPCNT = offsetof(struct nhrp_fixed_hdr, hopcnt),
	OFF_PKTSZ = offsetof(struct nhrp_fixed_hdr, pktsz),
	OFF_CHKSUM = offsetof(struct nhrp_fixed_hdr, chksum),
	OFF_EXTOFF = offsetof(struct nhrp_fixed_hdr, extoff),
	OFF_VERSION = offsetof(struct nhrp_fixed_hdr, version),
	OFF_OP = offsetof(struct nhrp_fixed_hdr, op),
	OFF_SHTL = offsetof(struct nhrp_fixed_hdr, shtl),
	OFF_SSTL = offsetof(struct nhrp_fixed_hdr, sstl),
	OFF_SRC_PROTO_LEN = NHRP_FIXED_LEN + offsetof(struct nhrp_common_hdr, src_proto_len),
	OFF_DST_PROTO_LEN = NHRP_FIXED_LEN + offsetof(struct nhrp_common_hdr, dst_proto_len),
};

struct parse_ctx {
	const uint8_t *p; /* packet start */
	struct nhrp_msg *m;
	uint8_t nbma_len;  /* the NBMA family's address length, 0 = unchecked */
	uint8_t proto_len; /* the protocol family's address length, 0 = unchecked */
	uint16_t unknown_compulsory_off; /* first unknown compulsory extension, 0 = none */
};

static int fail(struct nhrp_msg *m, enum nhrp_err err, size_t off)
{
	m->err_offset = off > UINT16_MAX ? UINT16_MAX : (uint16_t)off;
	return -(int)err;
}

/* 0 or the error for an address length. zero_ok: the address may be absent. */
static enum nhrp_err addr_len_check(uint8_t len, bool zero_ok, uint8_t family_len)
{
	if (len == 0)
		return zero_ok ? NHRP_OK : NHRP_ERR_ADDR_ZERO;
	if (len > NHRP_ADDR_MAX)
		return NHRP_ERR_ADDR_OVERSIZE;
	if (family_len && len != family_len)
		return NHRP_ERR_ADDR_FAMILY;
	return NHRP_OK;
}

static struct nhrp_addr_ref ref_at(const uint8_t *p, size_t off, uint8_t len)
{
	return (struct nhrp_addr_ref){.ptr = len ? p + off : NULL, .len = len};
}

/*
 * CIEs from off up to end (RFC 2332 5.2.0.1), appended to arr[*n..max). The list must
 * fill the region exactly: a CIE that does not fit is an overflow.
 */
static int parse_cies(struct parse_ctx *c, size_t off, size_t end, struct nhrp_cie *arr,
		      unsigned int max, uint8_t *n)
{
	while (off < end) {
		struct nhrp_cie_hdr h;
		struct nhrp_cie *cie;
		uint8_t nl, sl, pl;
		enum nhrp_err err;

		if (end - off < NHRP_CIE_HDR_LEN)
			return fail(c->m, NHRP_ERR_CIE_OVERFLOW, off);
		if (*n >= max)
			return fail(c->m, NHRP_ERR_TOO_MANY_CIES, off);
		memcpy(&h, c->p + off, sizeof(h));
		nl = h.nbma_tl & NHRP_TL_LEN_MASK;
		sl = h.nbma_sub_tl & NHRP_TL_LEN_MASK;
		pl = h.proto_len;
		/* An absent address means "the one in the mandatory part" (FRR, Cisco). */
		err = addr_len_check(nl, true, c->nbma_len);
		if (err)
			return fail(c->m, err, off + offsetof(struct nhrp_cie_hdr, nbma_tl));
		err = addr_len_check(sl, true, 0);
		if (err)
			return fail(c->m, err, off + offsetof(struct nhrp_cie_hdr, nbma_sub_tl));
		err = addr_len_check(pl, true, c->proto_len);
		if (err)
			return fail(c->m, err, off + offsetof(struct nhrp_cie_hdr, proto_len));
		if (NHRP_CIE_HDR_LEN + nl + sl + pl > end - off)
			return fail(c->m, NHRP_ERR_CIE_OVERFLOW, off);

		cie = &arr[(*n)++];
		cie->raw_code = h.code;
		cie->code = h.code == NHRP_CIE_FRR_NO_BINDING ? NHRP_CIE_NO_BINDING : h.code;
		cie->prefix_len = h.prefix_len;
		cie->pref = h.pref;
		cie->mtu = ntohs(h.mtu);
		cie->holdtime = ntohs(h.holdtime);
		cie->offset = (uint16_t)off;
		off += NHRP_CIE_HDR_LEN;
		cie->nbma = ref_at(c->p, off, nl);
		off += nl;
		cie->nbma_sub = ref_at(c->p, off, sl);
		off += sl;
		cie->proto = ref_at(c->p, off, pl);
		off += pl;
	}
	return 0;
}

/* Value checks for the extension types the codec knows (RFC 2332 5.3). */
static int parse_known_ext(struct parse_ctx *c, struct nhrp_ext *e)
{
	size_t val = (size_t)e->offset + NHRP_EXT_HDR_LEN;
	int rc;

	switch (e->type) {
	case NHRP_EXT_RESPONDER:
	case NHRP_EXT_FWD_TRANSIT:
	case NHRP_EXT_REV_TRANSIT:
	case NHRP_EXT_NAT:
		e->first_cie = c->m->n_ext_cies;
		rc = parse_cies(c, val, val + e->len, c->m->ext_cies, NHRP_MAX_EXT_CIES,
				&c->m->n_ext_cies);
		e->n_cies = (uint8_t)(c->m->n_ext_cies - e->first_cie);
		return rc;
	case NHRP_EXT_AUTH:
		if (e->len < NHRP_AUTH_TYPE_LEN)
			return fail(c->m, NHRP_ERR_AUTH_SHORT, e->offset);
		if (get32(e->data) == NHRP_AUTH_CISCO_CLEARTEXT &&
		    e->len - NHRP_AUTH_TYPE_LEN > NHRP_AUTH_PASSWORD_MAX)
			return fail(c->m, NHRP_ERR_AUTH_LONG, e->offset);
		return 0;
	case NHRP_EXT_VENDOR:
		if (e->len < NHRP_VENDOR_OUI_LEN)
			return fail(c->m, NHRP_ERR_VENDOR_SHORT, e->offset);
		return 0;
	default:
		return 0;
	}
}

static bool ext_type_known(uint16_t type)
{
	switch (type) {
	case NHRP_EXT_RESPONDER:
	case NHRP_EXT_FWD_TRANSIT:
	case NHRP_EXT_REV_TRANSIT:
	case NHRP_EXT_AUTH:
	case NHRP_EXT_VENDOR:
	case NHRP_EXT_NAT:
		return true;
	default:
		return false;
	}
}

/*
 * Extensions from ar$extoff to ar$pktsz: a TLV list closed by exactly one End, which must
 * be the last thing in the packet (RFC 2332 5.3.0).
 */
static int parse_exts(struct parse_ctx *c, size_t off, size_t end)
{
	struct nhrp_msg *m = c->m;

	for (;;) {
		struct nhrp_ext_hdr h;
		struct nhrp_ext *e;
		uint16_t raw, type, len;
		int rc;

		if (off == end)
			return fail(m, NHRP_ERR_END_MISSING, off);
		if (end - off < NHRP_EXT_HDR_LEN)
			return fail(m, NHRP_ERR_EXT_TRUNCATED, off);
		memcpy(&h, c->p + off, sizeof(h));
		raw = ntohs(h.type);
		type = raw & NHRP_EXT_TYPE_MASK;
		len = ntohs(h.len);
		if (len > end - off - NHRP_EXT_HDR_LEN)
			return fail(m, NHRP_ERR_EXT_OVERRUN, off);

		if (type == NHRP_EXT_END) {
			if (len)
				return fail(m, NHRP_ERR_END_LENGTH, off);
			m->has_end = true;
			if (off + NHRP_EXT_HDR_LEN == end)
				return 0;
			if (end - off >= 2 * NHRP_EXT_HDR_LEN &&
			    (get16(c->p + off + NHRP_EXT_HDR_LEN) & NHRP_EXT_TYPE_MASK) ==
				    NHRP_EXT_END)
				return fail(m, NHRP_ERR_END_DUPLICATE, off + NHRP_EXT_HDR_LEN);
			return fail(m, NHRP_ERR_END_MISPLACED, off);
		}

		if (m->n_exts >= NHRP_MAX_EXTS)
			return fail(m, NHRP_ERR_TOO_MANY_EXTS, off);
		e = &m->exts[m->n_exts++];
		e->raw_type = raw;
		e->type = type;
		e->compulsory = raw & NHRP_EXT_COMPULSORY;
		e->known = ext_type_known(type);
		e->offset = (uint16_t)off;
		e->len = len;
		e->data = len ? c->p + off + NHRP_EXT_HDR_LEN : NULL;
		if (e->known) {
			rc = parse_known_ext(c, e);
			if (rc)
				return rc;
		} else if (e->compulsory && !c->unknown_compulsory_off) {
			/* Kept as an opaque item; reported once the whole packet is checked. */
			c->unknown_compulsory_off = (uint16_t)off;
		}
		off += NHRP_EXT_HDR_LEN + len;
	}
}

/* Fail at the first of the mandatory part's addresses that runs past end. */
static int addr_overrun(struct nhrp_msg *m, size_t off, size_t end, const uint8_t lens[4])
{
	for (int i = 0; i < 4; i++) {
		if (off + lens[i] > end)
			return fail(m, NHRP_ERR_MANDATORY_TRUNCATED, off);
		off += lens[i];
	}
	return fail(m, NHRP_ERR_MANDATORY_TRUNCATED, off);
}

static int parse_mandatory(struct parse_ctx *c, size_t mand_end)
{
	struct nhrp_msg *m = c->m;
	const uint8_t *p = c->p;
	uint8_t lens[4];
	enum nhrp_err err;
	size_t off;

	if (mand_end < NHRP_FIXED_LEN + NHRP_COMMON_LEN)
		return fail(m, NHRP_ERR_MANDATORY_TRUNCATED, NHRP_FIXED_LEN);

	if (m->op <= NHRP_OP_PURGE_REPLY) {
		struct nhrp_common_hdr h;

		memcpy(&h, p + NHRP_FIXED_LEN, sizeof(h));
		m->flags = ntohs(h.flags);
		m->request_id = ntohl(h.request_id);
		lens[2] = h.src_proto_len;
		lens[3] = h.dst_proto_len;
	} else {
		struct nhrp_ind_hdr h;

		memcpy(&h, p + NHRP_FIXED_LEN, sizeof(h));
		m->raw_code = ntohs(h.code);
		m->code = m->raw_code;
		if (m->op == NHRP_OP_ERROR_INDICATION) {
			if (m->raw_code == NHRP_EI_FRR_LOOP_DETECTED)
				m->code = NHRP_EI_LOOP_DETECTED;
			m->ei_offset = ntohs(h.offset);
		}
		lens[2] = h.src_proto_len;
		lens[3] = h.dst_proto_len;
	}
	lens[0] = m->shtl & NHRP_TL_LEN_MASK;
	lens[1] = m->sstl & NHRP_TL_LEN_MASK;

	err = addr_len_check(lens[0], false, c->nbma_len);
	if (err)
		return fail(m, err, OFF_SHTL);
	err = addr_len_check(lens[1], true, 0);
	if (err)
		return fail(m, err, OFF_SSTL);
	err = addr_len_check(lens[2], false, c->proto_len);
	if (err)
		return fail(m, err, OFF_SRC_PROTO_LEN);
	err = addr_len_check(lens[3], false, c->proto_len);
	if (err)
		return fail(m, err, OFF_DST_PROTO_LEN);

	off = NHRP_FIXED_LEN + NHRP_COMMON_LEN;
	if (off + lens[0] + lens[1] + lens[2] + lens[3] > mand_end) {
		/* With extensions, the mandatory part ends at ar$extoff: blame that field when
		 * the addresses would fit in the packet. */
		if (m->extoff && off + lens[0] + lens[1] + lens[2] + lens[3] <= m->pktsz)
			return fail(m, NHRP_ERR_EXTOFF_INSIDE, OFF_EXTOFF);
		return addr_overrun(m, off, mand_end, lens);
	}
	m->src_nbma = ref_at(p, off, lens[0]);
	off += lens[0];
	m->src_nbma_sub = ref_at(p, off, lens[1]);
	off += lens[1];
	m->src_proto = ref_at(p, off, lens[2]);
	off += lens[2];
	m->dst_proto = ref_at(p, off, lens[3]);
	off += lens[3];

	if (m->op <= NHRP_OP_PURGE_REPLY)
		return parse_cies(c, off, mand_end, m->cies, NHRP_MAX_CIES, &m->n_cies);

	/* Indications carry (the head of) another packet instead of CIEs. */
	m->payload_len = (uint16_t)(mand_end - off);
	m->payload = m->payload_len ? p + off : NULL;
	return 0;
}

int nhrp_parse(const uint8_t *buf, size_t len, const struct nhrp_parse_opts *opts,
	       struct nhrp_msg *m)
{
	struct parse_ctx c = {.p = buf, .m = m};
	struct nhrp_fixed_hdr h;
	size_t mand_end;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!opts)
		opts = &nhrp_parse_opts_ipv4;
	if (!buf)
		len = 0;
	m->pkt = buf;
	if (len < NHRP_FIXED_LEN)
		return fail(m, NHRP_ERR_TRUNCATED, len);

	memcpy(&h, buf, sizeof(h));
	m->afn = ntohs(h.afn);
	m->pro_type = ntohs(h.pro_type);
	m->hopcnt = h.hopcnt;
	m->pktsz = ntohs(h.pktsz);
	m->checksum = ntohs(h.chksum);
	m->extoff = ntohs(h.extoff);
	m->version = h.version;
	m->op = h.op;
	m->shtl = h.shtl;
	m->sstl = h.sstl;

	if (m->pktsz < NHRP_FIXED_LEN)
		return fail(m, NHRP_ERR_PKTSZ_SHORT, OFF_PKTSZ);
	if (m->pktsz > len)
		return fail(m, NHRP_ERR_PKTSZ_OVERRUN, OFF_PKTSZ);
	if (m->pktsz < len && !opts->allow_trailing)
		return fail(m, NHRP_ERR_PKTSZ_TRAILING, OFF_PKTSZ);
	if (m->afn != opts->afn)
		return fail(m, NHRP_ERR_AFN, OFF_AFN);
	if (m->pro_type != opts->pro_type)
		return fail(m, NHRP_ERR_PRO_TYPE, OFF_PRO_TYPE);
	if (m->version != NHRP_VERSION)
		return fail(m, NHRP_ERR_VERSION, OFF_VERSION);
	if (m->op < NHRP_OP_MIN || m->op > NHRP_OP_MAX)
		return fail(m, NHRP_ERR_OP, OFF_OP);
	/* RFC 2332 5.1: the checksum covers the whole packet, extensions included. */
	if (opts->verify_checksum && nhrp_checksum(buf, m->pktsz) != 0)
		return fail(m, NHRP_ERR_CHECKSUM, OFF_CHKSUM);

	if (m->extoff) {
		if (m->extoff < NHRP_FIXED_LEN + NHRP_COMMON_LEN)
			return fail(m, NHRP_ERR_EXTOFF_INSIDE, OFF_EXTOFF);
		if (m->extoff > m->pktsz)
			return fail(m, NHRP_ERR_EXTOFF_PAST_END, OFF_EXTOFF);
	}
	mand_end = m->extoff ? m->extoff : m->pktsz;
	c.nbma_len = afn_addr_len(opts->afn);
	c.proto_len = pro_addr_len(opts->pro_type);

	rc = parse_mandatory(&c, mand_end);
	if (rc)
		return rc;
	if (m->extoff) {
		/* RFC 2332 5.2.7: an Error Indication carries no extensions. */
		if (m->op == NHRP_OP_ERROR_INDICATION)
			return fail(m, NHRP_ERR_EI_EXTENSIONS, OFF_EXTOFF);
		rc = parse_exts(&c, m->extoff, m->pktsz);
		if (rc)
			return rc;
	}

	/* The packet is well formed; these two leave a complete view for the caller. */
	if (m->hopcnt == 0)
		return fail(m, NHRP_ERR_HOPCNT_ZERO, OFF_HOPCNT);
	if (c.unknown_compulsory_off)
		return fail(m, NHRP_ERR_EXT_UNKNOWN_COMPULSORY, c.unknown_compulsory_off);
	return 0;
}

const struct nhrp_ext *nhrp_msg_ext(const struct nhrp_msg *m, uint16_t type)
{
	for (unsigned int i = 0; i < m->n_exts; i++)
		if (m->exts[i].type == type)
			return &m->exts[i];
	return NULL;
}

const struct nhrp_cie *nhrp_ext_cies(const struct nhrp_msg *m, const struct nhrp_ext *e,
				     unsigned int *n)
{
	*n = 0;
	if (!e || !e->known || !e->n_cies)
		return NULL;
	*n = e->n_cies;
	return &m->ext_cies[e->first_cie];
}

const struct nhrp_cie *nhrp_msg_responder(const struct nhrp_msg *m)
{
	unsigned int n;

	return nhrp_ext_cies(m, nhrp_msg_ext(m, NHRP_EXT_RESPONDER), &n);
}

int nhrp_ext_auth(const struct nhrp_ext *e, uint32_t *type, const uint8_t **secret,
		  size_t *secret_len)
{
	if (!e || e->type != NHRP_EXT_AUTH || e->len < NHRP_AUTH_TYPE_LEN)
		return -EINVAL;
	*type = get32(e->data);
	*secret_len = e->len - NHRP_AUTH_TYPE_LEN;
	*secret = *secret_len ? e->data + NHRP_AUTH_TYPE_LEN : NULL;
	return 0;
}

int nhrp_ext_vendor(const struct nhrp_ext *e, uint32_t *oui, const uint8_t **data,
		    size_t *data_len)
{
	if (!e || e->type != NHRP_EXT_VENDOR || e->len < NHRP_VENDOR_OUI_LEN)
		return -EINVAL;
	*oui = (uint32_t)e->data[0] << 16 | (uint32_t)e->data[1] << 8 | e->data[2];
	*data_len = e->len - NHRP_VENDOR_OUI_LEN;
	*data = *data_len ? e->data + NHRP_VENDOR_OUI_LEN : NULL;
	return 0;
}
