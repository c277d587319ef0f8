/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the NHRP codec (built by tests/fuzz/run.sh with ASan and UBSan).
 *
 * Each input is parsed under four option sets: the hub's own (IPv4, checksum verified),
 * a lenient one (no checksum, trailing bytes allowed) so that mutations reach the deep
 * checks, IPv6, and the families the input itself names (so unchecked families are
 * exercised). Beyond "no crash, no over-read, no UB", every outcome is checked:
 *  - an error names a known error, at an offset inside the input;
 *  - a view points only inside the packet, and its counts respect the limits;
 *  - the formatter behaves like snprintf at every buffer size;
 *  - a view rebuilds (nhrp_build_from_view + nhrp_build), the rebuilt packet parses to
 *    the same view, and rebuilding that gives the same bytes; one byte less of room is
 *    -ENOSPC.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/nhrp_codec.h"

#define FUZZ_ASSERT(c)                                                                          \
	do {                                                                                    \
		if (!(c)) {                                                                     \
			fprintf(stderr, "fuzz_nhrp: %s:%d: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_range(const uint8_t *base, size_t len, const uint8_t *p, size_t n)
{
	uintptr_t b = (uintptr_t)base, q = (uintptr_t)p;

	if (n == 0) {
		FUZZ_ASSERT(p == NULL);
		return;
	}
	FUZZ_ASSERT(p != NULL && q >= b && q - b <= len && n <= len - (q - b));
}

static void check_ref(const struct nhrp_msg *m, const struct nhrp_addr_ref *a)
{
	FUZZ_ASSERT(a->len <= NHRP_ADDR_MAX);
	check_range(m->pkt, m->pktsz, a->ptr, a->len);
}

static void check_cie(const struct nhrp_msg *m, const struct nhrp_cie *c)
{
	check_ref(m, &c->nbma);
	check_ref(m, &c->nbma_sub);
	check_ref(m, &c->proto);
	FUZZ_ASSERT(c->offset + NHRP_CIE_HDR_LEN <= m->pktsz);
}

static void check_view(const struct nhrp_msg *m, const uint8_t *data, size_t size)
{
	FUZZ_ASSERT(m->pkt == data && m->pktsz <= size && m->pktsz >= NHRP_FIXED_LEN);
	FUZZ_ASSERT(m->op >= NHRP_OP_MIN && m->op <= NHRP_OP_MAX);
	FUZZ_ASSERT(m->n_cies <= NHRP_MAX_CIES && m->n_exts <= NHRP_MAX_EXTS &&
		    m->n_ext_cies <= NHRP_MAX_EXT_CIES);
	check_ref(m, &m->src_nbma);
	check_ref(m, &m->src_nbma_sub);
	check_ref(m, &m->src_proto);
	check_ref(m, &m->dst_proto);
	FUZZ_ASSERT(m->src_nbma.len && m->src_proto.len && m->dst_proto.len);
	check_range(m->pkt, m->pktsz, m->payload, m->payload_len);
	if (m->op <= NHRP_OP_PURGE_REPLY)
		FUZZ_ASSERT(m->payload_len == 0);
	else
		FUZZ_ASSERT(m->n_cies == 0);
	for (unsigned int i = 0; i < m->n_cies; i++)
		check_cie(m, &m->cies[i]);
	for (unsigned int i = 0; i < m->n_ext_cies; i++)
		check_cie(m, &m->ext_cies[i]);
	FUZZ_ASSERT(!m->n_exts || m->extoff);
	FUZZ_ASSERT(m->has_end == (m->extoff != 0));
	for (unsigned int i = 0; i < m->n_exts; i++) {
		const struct nhrp_ext *e = &m->exts[i];
		unsigned int n;
		const struct nhrp_cie *c = nhrp_ext_cies(m, e, &n);
		const uint8_t *p;
		uint32_t num;
		size_t len;

		FUZZ_ASSERT(e->type != NHRP_EXT_END && e->type <= NHRP_EXT_TYPE_MASK);
		FUZZ_ASSERT(e->offset >= m->extoff);
		FUZZ_ASSERT(e->offset + NHRP_EXT_HDR_LEN + e->len <= m->pktsz);
		check_range(m->pkt, m->pktsz, e->data, e->len);
		FUZZ_ASSERT(e->first_cie + e->n_cies <= m->n_ext_cies);
		FUZZ_ASSERT(n == e->n_cies && (n == 0) == (c == NULL));
		if (nhrp_ext_auth(e, &num, &p, &len) == 0) {
			check_range(m->pkt, m->pktsz, p, len);
			if (num == NHRP_AUTH_CISCO_CLEARTEXT)
				FUZZ_ASSERT(len <= NHRP_AUTH_PASSWORD_MAX);
		}
		if (nhrp_ext_vendor(e, &num, &p, &len) == 0) {
			check_range(m->pkt, m->pktsz, p, len);
			FUZZ_ASSERT(num <= 0xFFFFFF);
		}
		if (i)
			FUZZ_ASSERT(e->offset > m->exts[i - 1].offset);
	}
	(void)nhrp_msg_responder(m);
}

static void check_format(const struct nhrp_msg *m)
{
	char full[4096], small[8];
	int n, s;

	n = nhrp_format(m, NULL, 0);
	FUZZ_ASSERT(n > 0);
	FUZZ_ASSERT(nhrp_format(m, full, sizeof(full)) == n);
	if ((size_t)n < sizeof(full))
		FUZZ_ASSERT(strlen(full) == (size_t)n && !strchr(full, '\n'));
	memset(small, 'x', sizeof(small));
	s = nhrp_format(m, small, sizeof(small));
	FUZZ_ASSERT(s == n);
	FUZZ_ASSERT(strlen(small) == ((size_t)n < sizeof(small) ? (size_t)n : sizeof(small) - 1));
	FUZZ_ASSERT(strncmp(small, full, strlen(small)) == 0);
}

static bool ref_eq(const struct nhrp_addr_ref *a, const struct nhrp_addr_ref *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->ptr, b->ptr, a->len));
}

static bool cie_eq(const struct nhrp_cie *a, const struct nhrp_cie *b)
{
	return a->code == b->code && a->prefix_len == b->prefix_len && a->pref == b->pref &&
	       a->mtu == b->mtu && a->holdtime == b->holdtime && ref_eq(&a->nbma, &b->nbma) &&
	       ref_eq(&a->nbma_sub, &b->nbma_sub) && ref_eq(&a->proto, &b->proto);
}

/* The same message, wherever it sits and however its reserved bits were set. */
static void check_same(const struct nhrp_msg *a, const struct nhrp_msg *b)
{
	FUZZ_ASSERT(a->op == b->op && a->afn == b->afn && a->pro_type == b->pro_type);
	FUZZ_ASSERT(a->hopcnt == b->hopcnt && a->flags == b->flags &&
		    a->request_id == b->request_id && a->code == b->code &&
		    a->ei_offset == b->ei_offset);
	FUZZ_ASSERT(ref_eq(&a->src_nbma, &b->src_nbma));
	FUZZ_ASSERT(ref_eq(&a->src_nbma_sub, &b->src_nbma_sub));
	FUZZ_ASSERT(ref_eq(&a->src_proto, &b->src_proto) && ref_eq(&a->dst_proto, &b->dst_proto));
	FUZZ_ASSERT(a->payload_len == b->payload_len &&
		    (!a->payload_len || !memcmp(a->payload, b->payload, a->payload_len)));
	FUZZ_ASSERT(a->n_cies == b->n_cies && a->n_exts == b->n_exts &&
		    a->n_ext_cies == b->n_ext_cies);
	for (unsigned int i = 0; i < a->n_cies; i++)
		FUZZ_ASSERT(cie_eq(&a->cies[i], &b->cies[i]));
	for (unsigned int i = 0; i < a->n_ext_cies; i++)
		FUZZ_ASSERT(cie_eq(&a->ext_cies[i], &b->ext_cies[i]));
	for (unsigned int i = 0; i < a->n_exts; i++) {
		const struct nhrp_ext *x = &a->exts[i], *y = &b->exts[i];

		FUZZ_ASSERT(x->type == y->type && x->compulsory == y->compulsory &&
			    x->known == y->known && x->len == y->len && x->n_cies == y->n_cies);
		FUZZ_ASSERT(!x->len || !memcmp(x->data, y->data, x->len));
	}
}

static void check_rebuild(const struct nhrp_msg *m, int rc, const struct nhrp_parse_opts *o)
{
	static uint8_t buf[NHRP_PKT_MAX], buf2[NHRP_PKT_MAX];
	struct nhrp_parse_opts strict = *o;
	struct nhrp_build_store st, st2;
	struct nhrp_build_msg b, b2;
	struct nhrp_msg m2, m3;
	size_t len, len2;
	long need;

	nhrp_build_from_view(m, &b, &st);
	need = nhrp_build_len(&b);
	FUZZ_ASSERT(need > 0 && need <= m->pktsz);
	FUZZ_ASSERT(nhrp_build(&b, buf, (size_t)need - 1, &len) == -ENOSPC);
	FUZZ_ASSERT(nhrp_build(&b, buf, sizeof(buf), &len) == 0 && len == (size_t)need);

	strict.verify_checksum = true;
	strict.allow_trailing = false;
	FUZZ_ASSERT(nhrp_parse(buf, len, &strict, &m2) == rc);
	check_view(&m2, buf, len);
	check_same(m, &m2);

	nhrp_build_from_view(&m2, &b2, &st2);
	FUZZ_ASSERT(nhrp_build(&b2, buf2, sizeof(buf2), &len2) == 0);
	FUZZ_ASSERT(len2 == len && !memcmp(buf, buf2, len));
	FUZZ_ASSERT(nhrp_parse(buf2, len2, &strict, &m3) == rc);
}

static void one(const uint8_t *data, size_t size, const struct nhrp_parse_opts *o)
{
	static struct nhrp_msg m;
	int rc;

	rc = nhrp_parse(data, size, o, &m);
	FUZZ_ASSERT(rc <= 0 && rc > -NHRP_ERR_MAX);
	FUZZ_ASSERT(strcmp(nhrp_err_name(rc), "unknown") != 0);
	FUZZ_ASSERT(nhrp_err_ei_code(rc) != 0);
	if (rc) {
		FUZZ_ASSERT(m.err_offset <= size);
		FUZZ_ASSERT(m.pkt == data || size == 0);
	}
	if (rc == 0 || rc == -NHRP_ERR_HOPCNT_ZERO || rc == -NHRP_ERR_EXT_UNKNOWN_COMPULSORY) {
		check_view(&m, data, size);
		check_format(&m);
	}
	if (rc == 0 || rc == -NHRP_ERR_EXT_UNKNOWN_COMPULSORY)
		check_rebuild(&m, rc, o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nhrp_parse_opts named = {0, 0, false, true};

	one(data, size, &nhrp_parse_opts_ipv4);
	one(data, size, &(struct nhrp_parse_opts){NHRP_AFN_IPV4, NHRP_PRO_IPV4, false, true});
	one(data, size, &(struct nhrp_parse_opts){NHRP_AFN_IPV6, NHRP_PRO_IPV6, false, false});
	if (size >= 4) {
		/* 0 is the builder's "IPv4 default", so a family 0 would not rebuild as is. */
		named.afn = (uint16_t)(data[0] << 8 | data[1]);
		named.pro_type = (uint16_t)(data[2] << 8 | data[3]);
		if (named.afn && named.pro_type)
			one(data, size, &named);
	}
	return 0;
}
