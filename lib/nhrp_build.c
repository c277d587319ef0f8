/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP builder. The message is validated and measured first (nhrp_build_len()), so a
 * buffer that is too small is refused before a byte is written; then the packet is
 * written front to back and ar$pktsz, ar$extoff and ar$chksum are filled in last.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/nhrp_codec.h"

/* Address length the family dictates; 0 when the builder does not know the family. */
static uint8_t family_len(uint16_t v, bool nbma)
{
	if (nbma)
		return v == NHRP_AFN_IPV4 ? 4 : v == NHRP_AFN_IPV6 ? 16 : 0;
	return v == NHRP_PRO_IPV4 ? 4 : v == NHRP_PRO_IPV6 ? 16 : 0;
}

/* The same rules the parser applies, so that what is built parses back. */
static bool addr_valid(const struct nhrp_addr *a, bool zero_ok, uint8_t flen)
{
	if (a->len == 0)
		return zero_ok;
	if (a->len > NHRP_ADDR_MAX)
		return false;
	return !flen || a->len == flen;
}

struct build_fam {
	uint8_t nbma; /* address lengths of the families, 0 = unchecked */
	uint8_t proto;
};

static long cie_len(const struct nhrp_build_cie *c, const struct build_fam *f)
{
	if (!addr_valid(&c->nbma, true, f->nbma) || !addr_valid(&c->nbma_sub, true, 0) ||
	    !addr_valid(&c->proto, true, f->proto))
		return -EINVAL;
	return (long)NHRP_CIE_HDR_LEN + c->nbma.len + c->nbma_sub.len + c->proto.len;
}

static long cie_list_len(const struct nhrp_build_cie *cies, unsigned int n,
			 const struct build_fam *f)
{
	long total = 0;

	if (n && !cies)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		long l = cie_len(&cies[i], f);

		if (l < 0)
			return l;
		total += l;
	}
	return total;
}

static bool ext_holds_cies(uint16_t type)
{
	return type == NHRP_EXT_RESPONDER || type == NHRP_EXT_FWD_TRANSIT ||
	       type == NHRP_EXT_REV_TRANSIT || type == NHRP_EXT_NAT;
}

/* Length of an extension's value, or -errno. */
static long ext_value_len(const struct nhrp_build_ext *e, const struct build_fam *f)
{
	long l;

	if (e->type == NHRP_EXT_END || e->type > NHRP_EXT_TYPE_MASK)
		return -EINVAL;
	if (e->value_len && !e->value)
		return -EINVAL;
	if (e->verbatim)
		return e->value_len;
	if (ext_holds_cies(e->type)) {
		l = cie_list_len(e->cies, e->n_cies, f);
		return l > UINT16_MAX ? -EMSGSIZE : l;
	}
	switch (e->type) {
	case NHRP_EXT_AUTH:
		if (e->num == NHRP_AUTH_CISCO_CLEARTEXT && e->value_len > NHRP_AUTH_PASSWORD_MAX)
			return -EINVAL;
		l = NHRP_AUTH_TYPE_LEN + e->value_len;
		break;
	case NHRP_EXT_VENDOR:
		if (e->num > 0xFFFFFF)
			return -EINVAL;
		l = NHRP_VENDOR_OUI_LEN + e->value_len;
		break;
	default:
		l = e->value_len;
		break;
	}
	return l > UINT16_MAX ? -EMSGSIZE : l;
}

static void defaults(const struct nhrp_build_msg *m, uint16_t *afn, uint16_t *pro)
{
	*afn = m->afn ? m->afn : NHRP_AFN_IPV4;
	*pro = m->pro_type ? m->pro_type : NHRP_PRO_IPV4;
}

long nhrp_build_len(const struct nhrp_build_msg *m)
{
	struct build_fam f;
	uint16_t afn, pro;
	unsigned int ext_cies = 0;
	size_t total;
	long l;

	if (!m || m->op < NHRP_OP_MIN || m->op > NHRP_OP_MAX || m->hopcnt == 0)
		return -EINVAL;
	defaults(m, &afn, &pro);
	f.nbma = family_len(afn, true);
	f.proto = family_len(pro, false);
	if (!addr_valid(&m->src_nbma, false, f.nbma) || !addr_valid(&m->src_nbma_sub, true, 0) ||
	    !addr_valid(&m->src_proto, false, f.proto) ||
	    !addr_valid(&m->dst_proto, false, f.proto))
		return -EINVAL;
	total = NHRP_FIXED_LEN + NHRP_COMMON_LEN + m->src_nbma.len + m->src_nbma_sub.len +
		m->src_proto.len + m->dst_proto.len;

	if (m->op <= NHRP_OP_PURGE_REPLY) {
		if (m->payload_len || m->n_cies > NHRP_MAX_CIES)
			return -EINVAL;
		l = cie_list_len(m->cies, m->n_cies, &f);
		if (l < 0)
			return l;
		total += (size_t)l;
	} else {
		if (m->n_cies || (m->payload_len && !m->payload))
			return -EINVAL;
		if (m->payload_len > NHRP_PKT_MAX)
			return -EMSGSIZE;
		total += m->payload_len;
	}

	if (m->n_exts) {
		/* RFC 2332 5.2.7: the Error Indication has no extensions. */
		if (m->op == NHRP_OP_ERROR_INDICATION || m->n_exts > NHRP_MAX_EXTS || !m->exts)
			return -EINVAL;
		for (unsigned int i = 0; i < m->n_exts; i++) {
			const struct nhrp_build_ext *e = &m->exts[i];

			l = ext_value_len(e, &f);
			if (l < 0)
				return l;
			total += NHRP_EXT_HDR_LEN + (size_t)l;
			if (!e->verbatim && ext_holds_cies(e->type))
				ext_cies += e->n_cies;
		}
		if (ext_cies > NHRP_MAX_EXT_CIES)
			return -EINVAL;
		total += NHRP_EXT_HDR_LEN; /* End */
	}
	return total > NHRP_PKT_MAX ? -EMSGSIZE : (long)total;
}

/* A write cursor over a buffer already known to be large enough. */
struct wr {
	uint8_t *p;
	size_t off;
};

static void put8(struct wr *w, uint8_t v)
{
	w->p[w->off++] = v;
}

static void put16(struct wr *w, uint16_t v)
{
	v = htons(v);
	memcpy(w->p + w->off, &v, sizeof(v));
	w->off += sizeof(v);
}

static void put32(struct wr *w, uint32_t v)
{
	v = htonl(v);
	memcpy(w->p + w->off, &v, sizeof(v));
	w->off += sizeof(v);
}

static void putmem(struct wr *w, const void *src, size_t len)
{
	if (len)
		memcpy(w->p + w->off, src, len);
	w->off += len;
}

static void put_addr(struct wr *w, const struct nhrp_addr *a)
{
	putmem(w, a->b, a->len);
}

static void put_cie(struct wr *w, const struct nhrp_build_cie *c)
{
	struct nhrp_cie_hdr h = {
		.code = c->code,
		.prefix_len = c->prefix_len,
		.mtu = htons(c->mtu),
		.holdtime = htons(c->holdtime),
		.nbma_tl = c->nbma.len,
		.nbma_sub_tl = c->nbma_sub.len,
		.proto_len = c->proto.len,
		.pref = c->pref,
	};

	putmem(w, &h, sizeof(h));
	put_addr(w, &c->nbma);
	put_addr(w, &c->nbma_sub);
	put_addr(w, &c->proto);
}

static void put_ext(struct wr *w, const struct nhrp_build_ext *e)
{
	size_t len_at;
	uint16_t len;

	put16(w, (uint16_t)(e->type | (e->compulsory ? NHRP_EXT_COMPULSORY : 0)));
	len_at = w->off;
	put16(w, 0);
	if (e->verbatim) {
		putmem(w, e->value, e->value_len);
	} else if (ext_holds_cies(e->type)) {
		for (unsigned int i = 0; i < e->n_cies; i++)
			put_cie(w, &e->cies[i]);
	} else if (e->type == NHRP_EXT_AUTH) {
		put32(w, e->num);
		putmem(w, e->value, e->value_len);
	} else if (e->type == NHRP_EXT_VENDOR) {
		put8(w, (uint8_t)(e->num >> 16));
		put16(w, (uint16_t)e->num);
		putmem(w, e->value, e->value_len);
	} else {
		putmem(w, e->value, e->value_len);
	}
	/* Measured by nhrp_build_len(): fits in 16 bits. */
	len = htons((uint16_t)(w->off - len_at - sizeof(uint16_t)));
	memcpy(w->p + len_at, &len, sizeof(len));
}

int nhrp_build(const struct nhrp_build_msg *m, uint8_t *buf, size_t cap, size_t *out_len)
{
	struct nhrp_fixed_hdr h;
	struct wr w = {.p = buf};
	uint16_t afn, pro, extoff = 0;
	long need;

	need = nhrp_build_len(m);
	if (need < 0)
		return (int)need;
	if (!buf || cap < (size_t)need)
		return -ENOSPC;
	defaults(m, &afn, &pro);

	w.off = NHRP_FIXED_LEN; /* the fixed header is written last */
	if (m->op <= NHRP_OP_PURGE_REPLY) {
		struct nhrp_common_hdr c = {
			.src_proto_len = m->src_proto.len,
			.dst_proto_len = m->dst_proto.len,
			.flags = htons(m->flags),
			.request_id = htonl(m->request_id),
		};
		putmem(&w, &c, sizeof(c));
	} else {
		struct nhrp_ind_hdr c = {
			.src_proto_len = m->src_proto.len,
			.dst_proto_len = m->dst_proto.len,
			.code = htons(m->code),
			/* unused in the Traffic Indication */
			.offset = htons(m->op == NHRP_OP_ERROR_INDICATION ? m->ei_offset : 0),
		};
		putmem(&w, &c, sizeof(c));
	}
	put_addr(&w, &m->src_nbma);
	put_addr(&w, &m->src_nbma_sub);
	put_addr(&w, &m->src_proto);
	put_addr(&w, &m->dst_proto);
	if (m->op <= NHRP_OP_PURGE_REPLY) {
		for (unsigned int i = 0; i < m->n_cies; i++)
			put_cie(&w, &m->cies[i]);
	} else {
		putmem(&w, m->payload, m->payload_len);
	}

	if (m->n_exts) {
		extoff = (uint16_t)w.off;
		for (unsigned int i = 0; i < m->n_exts; i++)
			put_ext(&w, &m->exts[i]);
		/* RFC 2332 5.3.0: End is compulsory, type 0, length 0. */
		put16(&w, NHRP_EXT_COMPULSORY | NHRP_EXT_END);
		put16(&w, 0);
	}

	h = (struct nhrp_fixed_hdr){
		.afn = htons(afn),
		.pro_type = htons(pro),
		.hopcnt = m->hopcnt,
		.pktsz = htons((uint16_t)w.off),
		.chksum = 0,
		.extoff = htons(extoff),
		.version = NHRP_VERSION,
		.op = m->op,
		.shtl = m->src_nbma.len,
		.sstl = m->src_nbma_sub.len,
	};
	memcpy(buf, &h, sizeof(h));
	h.chksum = htons(nhrp_checksum(buf, w.off));
	memcpy(buf + offsetof(struct nhrp_fixed_hdr, chksum), &h.chksum, sizeof(h.chksum));
	if (out_len)
		*out_len = w.off;
	return 0;
}

void nhrp_build_from_view(const struct nhrp_msg *v, struct nhrp_build_msg *b,
			  struct nhrp_build_store *st)
{
	memset(b, 0, sizeof(*b));
	b->op = v->op;
	b->afn = v->afn;
	b->pro_type = v->pro_type;
	b->hopcnt = v->hopcnt;
	b->flags = v->flags;
	b->request_id = v->request_id;
	b->code = v->code;
	b->ei_offset = v->ei_offset;
	b->src_nbma = nhrp_addr_ref(&v->src_nbma);
	b->src_nbma_sub = nhrp_addr_ref(&v->src_nbma_sub);
	b->src_proto = nhrp_addr_ref(&v->src_proto);
	b->dst_proto = nhrp_addr_ref(&v->dst_proto);
	for (unsigned int i = 0; i < v->n_cies && i < NHRP_MAX_CIES; i++) {
		const struct nhrp_cie *c = &v->cies[i];

		st->cies[i] = (struct nhrp_build_cie){
			.code = c->code,
			.prefix_len = c->prefix_len,
			.pref = c->pref,
			.mtu = c->mtu,
			.holdtime = c->holdtime,
			.nbma = nhrp_addr_ref(&c->nbma),
			.nbma_sub = nhrp_addr_ref(&c->nbma_sub),
			.proto = nhrp_addr_ref(&c->proto),
		};
	}
	b->cies = st->cies;
	b->n_cies = v->n_cies;
	b->payload = v->payload;
	b->payload_len = v->payload_len;
	for (unsigned int i = 0; i < v->n_exts && i < NHRP_MAX_EXTS; i++)
		st->exts[i] = nhrp_bext_ref(&v->exts[i]);
	b->exts = st->exts;
	b->n_exts = v->n_exts;
}
