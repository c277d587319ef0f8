/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NHRP codec: build -> parse -> equal for every op code and extension, the byte layout of
 * an FRR 8.4 spoke's Registration Request (DESIGN.md section 3), malformed inputs with
 * their named errors, the builder's limits and the one-line formatter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <CUnit/Basic.h>

#include "lib/nhrp_codec.h"
#include "tests/unit/cunit_run.h"

#define A4(o1, o2, o3, o4) ((struct nhrp_addr){.len = 4, .b = {o1, o2, o3, o4}})

/* The lab of DESIGN.md: hub 192.168.1.1 at 1.1.1.1, spoke 192.168.1.6 at 6.6.6.6. */
#define HUB_NBMA A4(1, 1, 1, 1)
#define HUB_TUN A4(192, 168, 1, 1)
#define SPOKE_NBMA A4(6, 6, 6, 6)
#define SPOKE_TUN A4(192, 168, 1, 6)
#define OTHER_TUN A4(192, 168, 1, 8)

/*
 * An FRR 8.4 spoke's Registration Request, written out by hand from DESIGN.md section 3
 * and nhrpd's nhrp_reg_send_req(): hop count 1, flags U|NAT, one CIE with prefix 0xFF,
 * MTU and holdtime and no addresses, then Forward Transit, Reverse Transit and Responder
 * Address (empty, compulsory), the NAT extension with the NHS's NBMA and tunnel address,
 * and End (compulsory). The checksum was computed independently of the codec.
 */
static const uint8_t frr_reg_req[92] = {
	/* 0: fixed header */
	0x00, 0x01,			/* ar$afn IPv4 */
	0x08, 0x00,			/* ar$pro.type IPv4 */
	0x00, 0x00, 0x00, 0x00, 0x00,	/* ar$pro.snap */
	0x01,				/* ar$hopcnt 1 */
	0x00, 0x5c,			/* ar$pktsz 92 */
	0xea, 0xf2,			/* ar$chksum */
	0x00, 0x34,			/* ar$extoff 52 */
	0x01, 0x03,			/* version 1, Registration Request */
	0x04, 0x00,			/* ar$shtl 4, ar$sstl 0 */
	/* 20: common header */
	0x04, 0x04,			/* protocol address lengths */
	0x80, 0x02,			/* flags U|NAT */
	0x00, 0x00, 0x00, 0x07,		/* request ID 7 */
	/* 28: addresses */
	6, 6, 6, 6,			/* source NBMA */
	192, 168, 1, 6,			/* source protocol */
	192, 168, 1, 1,			/* destination protocol: the NHS */
	/* 40: CIE */
	0x00, 0xff, 0x00, 0x00,		/* success, prefix 0xFF */
	0x05, 0x78, 0x1c, 0x20,		/* MTU 1400, holdtime 7200 */
	0x00, 0x00, 0x00, 0x00,		/* no addresses, preference 0 */
	/* 52: extensions */
	0x80, 0x04, 0x00, 0x00,		/* Forward Transit NHS Record */
	0x80, 0x05, 0x00, 0x00,		/* Reverse Transit NHS Record */
	0x80, 0x03, 0x00, 0x00,		/* Responder Address */
	0x00, 0x09, 0x00, 0x14,		/* 64: NAT Address, 20 bytes */
	0x00, 0x20, 0x00, 0x00,		/* 68: success, prefix 32 */
	0x05, 0x78, 0x00, 0x00,		/* MTU 1400, holdtime 0 */
	0x04, 0x00, 0x04, 0x00,		/* NBMA 4, protocol 4 */
	1, 1, 1, 1,			/* the NHS's NBMA address */
	192, 168, 1, 1,			/* the NHS's tunnel address */
	0x80, 0x00, 0x00, 0x00,		/* 88: End */
};

/* Head of an ICMP echo request from 10.0.101.2 to 10.0.103.2 (a Phase 3 hairpin). */
static const uint8_t icmp_head[28] = {
	0x45, 0x00, 0x00, 0x54, 0x28, 0x15, 0x40, 0x00, 0x3f, 0x01, 0x00, 0x00, 10, 0, 101, 2,
	10, 0, 103, 2, 0x08, 0x00, 0x00, 0x00, 0x15, 0x28, 0x00, 0x01,
};

static const uint8_t password[] = {'s', 'e', 'c', 'r', 'e', 't'};
static const uint8_t vendor_data[] = {0xde, 0xad, 0xbe, 0xef};
static const uint8_t opaque[] = {1, 2, 3, 4, 5};

static const struct nhrp_build_cie hub_cie = {
	.code = NHRP_CIE_SUCCESS, .prefix_len = 32, .mtu = 1400, .holdtime = 7200,
	.nbma = HUB_NBMA, .proto = HUB_TUN,
};
static const struct nhrp_build_cie transit_cie[2] = {
	{.prefix_len = 32, .holdtime = 7200, .nbma = HUB_NBMA, .proto = HUB_TUN},
	{.prefix_len = 32, .holdtime = 600, .pref = 7, .nbma = A4(2, 2, 2, 2),
	 .proto = A4(192, 168, 1, 2)},
};
static const struct nhrp_build_cie nat_cie = {
	.prefix_len = 32, .mtu = 1400, .nbma = HUB_NBMA, .proto = HUB_TUN,
};

/* The FRR request described for the builder. */
static void frr_request(struct nhrp_build_msg *m, struct nhrp_build_cie *cie,
			struct nhrp_build_ext ext[4])
{
	*cie = (struct nhrp_build_cie){.prefix_len = 0xff, .mtu = 1400, .holdtime = 7200};
	ext[0] = nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, NULL, 0);
	ext[1] = nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, NULL, 0);
	ext[2] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0);
	ext[3] = nhrp_bext_cies(NHRP_EXT_NAT, false, &nat_cie, 1);
	*m = (struct nhrp_build_msg){
		.op = NHRP_OP_REGISTRATION_REQUEST, .hopcnt = 1,
		.flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT, .request_id = 7,
		.src_nbma = SPOKE_NBMA, .src_proto = SPOKE_TUN, .dst_proto = HUB_TUN,
		.cies = cie, .n_cies = 1, .exts = ext, .n_exts = 4,
	};
}

/* A representative message for each op code, without extensions. */
static void base_msg(uint8_t op, struct nhrp_build_msg *m)
{
	static const struct nhrp_build_cie req_cie = {
		.code = NHRP_CIE_SUCCESS, .prefix_len = 0xff, .mtu = 1400, .holdtime = 7200,
	};
	static const struct nhrp_build_cie reply_cies[3] = {
		{.code = NHRP_CIE_SUCCESS, .prefix_len = 24, .mtu = 1400, .holdtime = 7200,
		 .pref = 255, .nbma = A4(8, 8, 8, 8), .proto = A4(10, 0, 103, 0)},
		{.code = NHRP_CIE_NO_BINDING, .prefix_len = 32},
		{.code = NHRP_CIE_NOT_UNIQUE, .prefix_len = 32},
	};
	static const struct nhrp_build_cie reg_reply_cies[4] = {
		{.code = NHRP_CIE_SUCCESS, .prefix_len = 0xff, .mtu = 1400, .holdtime = 7200},
		{.code = NHRP_CIE_ADMIN_PROHIBITED, .prefix_len = 32},
		{.code = NHRP_CIE_INSUFFICIENT_RESOURCES, .prefix_len = 32},
		{.code = NHRP_CIE_ALREADY_REGISTERED, .prefix_len = 32},
	};
	static const struct nhrp_build_cie purge_cie = {
		.prefix_len = 32, .proto = A4(192, 168, 1, 6),
	};
	static uint8_t in_error[128];
	static size_t in_error_len;

	*m = (struct nhrp_build_msg){
		.op = op, .hopcnt = 64, .request_id = 0x11223344 + op,
		.src_nbma = SPOKE_NBMA, .src_proto = SPOKE_TUN, .dst_proto = OTHER_TUN,
	};
	switch (op) {
	case NHRP_OP_RESOLUTION_REQUEST:
		m->flags = NHRP_FLAG_RES_Q | NHRP_FLAG_RES_S | NHRP_FLAG_NAT;
		m->cies = &req_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_RESOLUTION_REPLY:
		m->flags = NHRP_FLAG_RES_Q | NHRP_FLAG_RES_A | NHRP_FLAG_RES_D | NHRP_FLAG_RES_S |
			   NHRP_FLAG_NAT;
		m->cies = reply_cies;
		m->n_cies = 3;
		break;
	case NHRP_OP_REGISTRATION_REQUEST:
		m->hopcnt = 1;
		m->flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT;
		m->dst_proto = HUB_TUN;
		m->cies = &req_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_REGISTRATION_REPLY:
		m->flags = NHRP_FLAG_REG_U | NHRP_FLAG_NAT;
		m->dst_proto = HUB_TUN;
		m->cies = reg_reply_cies;
		m->n_cies = 4;
		break;
	case NHRP_OP_PURGE_REQUEST:
		m->flags = NHRP_FLAG_PURGE_N;
		m->src_nbma = HUB_NBMA;
		m->src_proto = HUB_TUN;
		m->cies = &purge_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_PURGE_REPLY:
		m->cies = &purge_cie;
		m->n_cies = 1;
		break;
	case NHRP_OP_ERROR_INDICATION: {
		struct nhrp_build_msg req;
		struct nhrp_build_cie cie;
		struct nhrp_build_ext ext[4];

		frr_request(&req, &cie, ext);
		CU_ASSERT_EQUAL(nhrp_build(&req, in_error, sizeof(in_error), &in_error_len), 0);
		m->src_nbma = HUB_NBMA;
		m->src_proto = HUB_TUN;
		m->dst_proto = SPOKE_TUN;
		m->code = NHRP_EI_UNRECOGNIZED_EXTENSION;
		m->ei_offset = 52;
		m->payload = in_error;
		m->payload_len = in_error_len;
		break;
	}
	case NHRP_OP_TRAFFIC_INDICATION:
		m->hopcnt = 1;
		m->src_nbma = HUB_NBMA;
		m->src_proto = HUB_TUN;
		m->dst_proto = A4(10, 0, 101, 2);
		m->code = NHRP_TRAFFIC_REDIRECT;
		m->payload = icmp_head;
		m->payload_len = sizeof(icmp_head);
		break;
	default:
		break;
	}
}

enum variant {
	V_NONE,
	V_RESPONDER_EMPTY,
	V_RESPONDER,
	V_FWD,
	V_REV,
	V_AUTH,
	V_VENDOR,
	V_NAT,
	V_UNKNOWN,
	V_ALL,
	V_MAX
};

static const char *const variant_names[V_MAX] = {
	"none", "responder-empty", "responder", "fwd-transit", "rev-transit",
	"auth", "vendor", "nat", "unknown", "all",
};

static unsigned int variant_exts(enum variant v, struct nhrp_build_ext *e)
{
	unsigned int n = 0;

	if (v == V_RESPONDER_EMPTY)
		e[n++] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0);
	if (v == V_RESPONDER || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, &hub_cie, 1);
	if (v == V_FWD || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, transit_cie, 2);
	if (v == V_REV || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, transit_cie, 1);
	if (v == V_AUTH || v == V_ALL)
		e[n++] = nhrp_bext_auth_cisco(password, sizeof(password));
	if (v == V_VENDOR || v == V_ALL)
		e[n++] = nhrp_bext_vendor(0x00000c, vendor_data, sizeof(vendor_data));
	if (v == V_NAT || v == V_ALL)
		e[n++] = nhrp_bext_cies(NHRP_EXT_NAT, false, &nat_cie, 1);
	if (v == V_UNKNOWN || v == V_ALL)
		e[n++] = (struct nhrp_build_ext){.type = 42, .value = opaque,
						 .value_len = sizeof(opaque)};
	return n;
}

static bool addr_eq(const struct nhrp_addr *a, const struct nhrp_addr_ref *r)
{
	return a->len == r->len && (!a->len || !memcmp(a->b, r->ptr, a->len));
}

static bool bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static void check_cie(const struct nhrp_build_cie *b, const struct nhrp_cie *p)
{
	CU_ASSERT_EQUAL(p->code, b->code);
	CU_ASSERT_EQUAL(p->prefix_len, b->prefix_len);
	CU_ASSERT_EQUAL(p->pref, b->pref);
	CU_ASSERT_EQUAL(p->mtu, b->mtu);
	CU_ASSERT_EQUAL(p->holdtime, b->holdtime);
	CU_ASSERT(addr_eq(&b->nbma, &p->nbma));
	CU_ASSERT(addr_eq(&b->nbma_sub, &p->nbma_sub));
	CU_ASSERT(addr_eq(&b->proto, &p->proto));
}

static void check_ext(const struct nhrp_msg *m, const struct nhrp_build_ext *b,
		      const struct nhrp_ext *p)
{
	unsigned int n;
	const struct nhrp_cie *cies;
	const uint8_t *data;
	size_t len;
	uint32_t num;

	CU_ASSERT_EQUAL(p->type, b->type);
	CU_ASSERT_EQUAL(p->compulsory, b->compulsory);
	if (b->verbatim) {
		CU_ASSERT(bytes_eq(p->data, p->len, b->value, b->value_len));
		return;
	}
	switch (b->type) {
	case NHRP_EXT_RESPONDER:
	case NHRP_EXT_FWD_TRANSIT:
	case NHRP_EXT_REV_TRANSIT:
	case NHRP_EXT_NAT:
		cies = nhrp_ext_cies(m, p, &n);
		CU_ASSERT_EQUAL_FATAL(n, b->n_cies);
		for (unsigned int i = 0; i < n; i++)
			check_cie(&b->cies[i], &cies[i]);
		break;
	case NHRP_EXT_AUTH:
		CU_ASSERT_EQUAL_FATAL(nhrp_ext_auth(p, &num, &data, &len), 0);
		CU_ASSERT_EQUAL(num, b->num);
		CU_ASSERT(bytes_eq(data, len, b->value, b->value_len));
		break;
	case NHRP_EXT_VENDOR:
		CU_ASSERT_EQUAL_FATAL(nhrp_ext_vendor(p, &num, &data, &len), 0);
		CU_ASSERT_EQUAL(num, b->num);
		CU_ASSERT(bytes_eq(data, len, b->value, b->value_len));
		break;
	default:
		CU_ASSERT_FALSE(p->known);
		CU_ASSERT(bytes_eq(p->data, p->len, b->value, b->value_len));
		break;
	}
}

/* Build, parse with opts, and compare every field with the description. */
static void check_roundtrip_opts(const struct nhrp_build_msg *b, const struct nhrp_parse_opts *o)
{
	uint8_t buf[4096];
	struct nhrp_msg m;
	char line[1024];
	size_t len;
	long need;

	need = nhrp_build_len(b);
	CU_ASSERT_FATAL(need > 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_build(b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL(len, (size_t)need);
	CU_ASSERT_EQUAL(nhrp_checksum(buf, len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, o, &m), 0);

	CU_ASSERT_EQUAL(m.op, b->op);
	CU_ASSERT_EQUAL(m.version, NHRP_VERSION);
	CU_ASSERT_EQUAL(m.afn, b->afn ? b->afn : NHRP_AFN_IPV4);
	CU_ASSERT_EQUAL(m.pro_type, b->pro_type ? b->pro_type : NHRP_PRO_IPV4);
	CU_ASSERT_EQUAL(m.hopcnt, b->hopcnt);
	CU_ASSERT_EQUAL(m.pktsz, len);
	CU_ASSERT(addr_eq(&b->src_nbma, &m.src_nbma));
	CU_ASSERT(addr_eq(&b->src_nbma_sub, &m.src_nbma_sub));
	CU_ASSERT(addr_eq(&b->src_proto, &m.src_proto));
	CU_ASSERT(addr_eq(&b->dst_proto, &m.dst_proto));
	if (b->op <= NHRP_OP_PURGE_REPLY) {
		CU_ASSERT_EQUAL(m.flags, b->flags);
		CU_ASSERT_EQUAL(m.request_id, b->request_id);
		CU_ASSERT_EQUAL_FATAL(m.n_cies, b->n_cies);
		for (unsigned int i = 0; i < m.n_cies; i++)
			check_cie(&b->cies[i], &m.cies[i]);
		CU_ASSERT_EQUAL(m.payload_len, 0);
	} else {
		CU_ASSERT_EQUAL(m.code, b->code);
		CU_ASSERT_EQUAL(m.ei_offset, b->op == NHRP_OP_ERROR_INDICATION ? b->ei_offset : 0);
		CU_ASSERT(bytes_eq(m.payload, m.payload_len, b->payload, b->payload_len));
		CU_ASSERT_EQUAL(m.n_cies, 0);
	}
	CU_ASSERT_EQUAL_FATAL(m.n_exts, b->n_exts);
	for (unsigned int i = 0; i < m.n_exts; i++)
		check_ext(&m, &b->exts[i], &m.exts[i]);
	CU_ASSERT_EQUAL(m.has_end, b->n_exts > 0);
	CU_ASSERT_EQUAL(m.extoff != 0, b->n_exts > 0);

	CU_ASSERT(nhrp_format(&m, line, sizeof(line)) > 0);
	CU_ASSERT(strncmp(line, nhrp_op_name(b->op), strlen(nhrp_op_name(b->op))) == 0);
}

static void check_roundtrip(const struct nhrp_build_msg *b)
{
	check_roundtrip_opts(b, NULL);
}

static void roundtrip_op(uint8_t op)
{
	for (int v = 0; v < V_MAX; v++) {
		struct nhrp_build_ext exts[8];
		struct nhrp_build_msg m;
		unsigned int before = CU_get_number_of_failures();

		base_msg(op, &m);
		m.exts = exts;
		m.n_exts = variant_exts(v, exts);
		if (op == NHRP_OP_ERROR_INDICATION && m.n_exts) {
			/* RFC 2332 5.2.7: no extensions in an Error Indication. */
			CU_ASSERT_EQUAL(nhrp_build_len(&m), -EINVAL);
			continue;
		}
		check_roundtrip(&m);
		if (CU_get_number_of_failures() != before)
			printf("\n  failed with extensions: %s\n", variant_names[v]);
	}
}

static void test_nhrp_roundtrip_resolution_request(void)
{
	roundtrip_op(NHRP_OP_RESOLUTION_REQUEST);
}

static void test_nhrp_roundtrip_resolution_reply(void)
{
	roundtrip_op(NHRP_OP_RESOLUTION_REPLY);
}

static void test_nhrp_roundtrip_registration_request(void)
{
	roundtrip_op(NHRP_OP_REGISTRATION_REQUEST);
}

static void test_nhrp_roundtrip_registration_reply(void)
{
	roundtrip_op(NHRP_OP_REGISTRATION_REPLY);
}

static void test_nhrp_roundtrip_purge_request(void)
{
	roundtrip_op(NHRP_OP_PURGE_REQUEST);
}

static void test_nhrp_roundtrip_purge_reply(void)
{
	roundtrip_op(NHRP_OP_PURGE_REPLY);
}

static void test_nhrp_roundtrip_error_indication(void)
{
	roundtrip_op(NHRP_OP_ERROR_INDICATION);
}

static void test_nhrp_roundtrip_traffic_indication(void)
{
	roundtrip_op(NHRP_OP_TRAFFIC_INDICATION);
}

/* Lengths come from the header fields: IPv6 tunnel addresses over an IPv6 or IPv4 NBMA. */
static void test_nhrp_roundtrip_ipv6_lengths_from_header(void)
{
	static const struct nhrp_addr v6a = {16, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
	static const struct nhrp_addr v6b = {16, {0x20, 0x01, 0x0d, 0xb8, [15] = 6}};
	static const struct nhrp_addr v6c = {16, {0xfd, 0x00, [15] = 6}};
	struct nhrp_build_cie cie = {.prefix_len = 128, .holdtime = 600, .nbma = v6c,
				     .proto = v6b};
	struct nhrp_build_ext ext = nhrp_bext_cies(NHRP_EXT_NAT, false, &cie, 1);
	struct nhrp_build_msg m = {
		.op = NHRP_OP_REGISTRATION_REQUEST, .afn = NHRP_AFN_IPV6,
		.pro_type = NHRP_PRO_IPV6, .hopcnt = 1, .flags = NHRP_FLAG_REG_U,
		.request_id = 99, .src_nbma = v6c, .src_proto = v6b, .dst_proto = v6a,
		.cies = &cie, .n_cies = 1, .exts = &ext, .n_exts = 1,
	};
	struct nhrp_parse_opts v6 = {NHRP_AFN_IPV6, NHRP_PRO_IPV6, true, false};
	struct nhrp_parse_opts v6_over_v4 = {NHRP_AFN_IPV4, NHRP_PRO_IPV6, true, false};
	uint8_t buf[512];
	struct nhrp_msg pm;
	size_t len;

	check_roundtrip_opts(&m, &v6);
	/* The same message does not parse as IPv4. */
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&m, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL(nhrp_parse(buf, len, NULL, &pm), -NHRP_ERR_AFN);

	m.afn = NHRP_AFN_IPV4;
	m.src_nbma = SPOKE_NBMA;
	cie.nbma = HUB_NBMA;
	check_roundtrip_opts(&m, &v6_over_v4);
}

/* Subaddresses (RFC 2332 5.2.0.1) sit between the NBMA and the protocol address. */
static void test_nhrp_roundtrip_subaddresses(void)
{
	struct nhrp_build_cie cie[2] = {
		{.prefix_len = 32, .holdtime = 100, .nbma = A4(8, 8, 8, 8),
		 .nbma_sub = {2, {0xab, 0xcd}}, .proto = A4(10, 0, 0, 1)},
		{.prefix_len = 24, .holdtime = 200, .nbma_sub = {1, {0xee}}},
	};
	struct nhrp_build_ext ext = nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, cie, 2);
	struct nhrp_build_msg m;
	uint8_t buf[256];
	struct nhrp_msg pm;
	size_t len;

	base_msg(NHRP_OP_RESOLUTION_REPLY, &m);
	m.src_nbma_sub = (struct nhrp_addr){3, {1, 2, 3}};
	m.cies = cie;
	m.n_cies = 2;
	m.exts = &ext;
	m.n_exts = 1;
	check_roundtrip(&m);
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&m, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &pm), 0);
	CU_ASSERT_EQUAL(buf[19], 3);				/* ar$sstl */
	CU_ASSERT_PTR_EQUAL(pm.src_nbma_sub.ptr, buf + 32);	/* after the NBMA address */
	CU_ASSERT_PTR_EQUAL(pm.src_proto.ptr, buf + 35);
	CU_ASSERT_PTR_EQUAL(pm.cies[0].nbma_sub.ptr, buf + pm.cies[0].offset + 16);
	CU_ASSERT_PTR_EQUAL(pm.cies[0].proto.ptr, buf + pm.cies[0].offset + 18);
}

/* Compare one range of a packet with the reference, naming the field on failure. */
#define CHECK_RANGE(buf, ref, from, to, what)                                                   \
	CU_assertImplementation(memcmp((buf) + (from), (ref) + (from), (to) - (from)) == 0,     \
				__LINE__, "bytes " #from ".." #to " " what, __FILE__, "", CU_FALSE)

static void check_frr_layout(const uint8_t *b)
{
	CHECK_RANGE(b, frr_reg_req, 0, 2, "ar$afn");
	CHECK_RANGE(b, frr_reg_req, 2, 4, "ar$pro.type");
	CHECK_RANGE(b, frr_reg_req, 4, 9, "ar$pro.snap");
	CHECK_RANGE(b, frr_reg_req, 9, 10, "ar$hopcnt");
	CHECK_RANGE(b, frr_reg_req, 10, 12, "ar$pktsz");
	CHECK_RANGE(b, frr_reg_req, 12, 14, "ar$chksum");
	CHECK_RANGE(b, frr_reg_req, 14, 16, "ar$extoff");
	CHECK_RANGE(b, frr_reg_req, 16, 18, "version and op");
	CHECK_RANGE(b, frr_reg_req, 18, 20, "ar$shtl ar$sstl");
	CHECK_RANGE(b, frr_reg_req, 20, 22, "protocol address lengths");
	CHECK_RANGE(b, frr_reg_req, 22, 24, "flags");
	CHECK_RANGE(b, frr_reg_req, 24, 28, "request ID");
	CHECK_RANGE(b, frr_reg_req, 28, 32, "source NBMA");
	CHECK_RANGE(b, frr_reg_req, 32, 36, "source protocol");
	CHECK_RANGE(b, frr_reg_req, 36, 40, "destination protocol");
	CHECK_RANGE(b, frr_reg_req, 40, 52, "CIE");
	CHECK_RANGE(b, frr_reg_req, 52, 56, "Forward Transit");
	CHECK_RANGE(b, frr_reg_req, 56, 60, "Reverse Transit");
	CHECK_RANGE(b, frr_reg_req, 60, 64, "Responder Address");
	CHECK_RANGE(b, frr_reg_req, 64, 68, "NAT header");
	CHECK_RANGE(b, frr_reg_req, 68, 88, "NAT CIE");
	CHECK_RANGE(b, frr_reg_req, 88, 92, "End");
}

static void test_nhrp_build_frr_registration_request_layout(void)
{
	struct nhrp_build_msg m;
	struct nhrp_build_cie cie;
	struct nhrp_build_ext ext[4];
	uint8_t buf[256];
	size_t len;

	frr_request(&m, &cie, ext);
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&m, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(frr_reg_req));
	check_frr_layout(buf);
}

static void test_nhrp_parse_frr_registration_request(void)
{
	const struct nhrp_cie *nat;
	const struct nhrp_ext *e;
	struct nhrp_msg m;
	unsigned int n;
	char line[256];
	int flen;

	CU_ASSERT_EQUAL(nhrp_checksum(frr_reg_req, sizeof(frr_reg_req)), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(frr_reg_req, sizeof(frr_reg_req), NULL, &m), 0);
	CU_ASSERT_EQUAL(m.op, NHRP_OP_REGISTRATION_REQUEST);
	CU_ASSERT_EQUAL(m.hopcnt, 1);
	CU_ASSERT_EQUAL(m.flags, NHRP_FLAG_REG_U | NHRP_FLAG_NAT);
	CU_ASSERT_EQUAL(m.request_id, 7);
	CU_ASSERT_EQUAL(m.extoff, 52);
	CU_ASSERT_EQUAL(nhrp_ref_u32(&m.src_nbma), inet_addr("6.6.6.6"));
	CU_ASSERT_EQUAL(nhrp_ref_u32(&m.src_proto), inet_addr("192.168.1.6"));
	CU_ASSERT_EQUAL(nhrp_ref_u32(&m.dst_proto), inet_addr("192.168.1.1"));
	CU_ASSERT_EQUAL_FATAL(m.n_cies, 1);
	CU_ASSERT_EQUAL(m.cies[0].prefix_len, 0xff);
	CU_ASSERT_EQUAL(m.cies[0].holdtime, 7200);
	CU_ASSERT_EQUAL(m.cies[0].mtu, 1400);
	CU_ASSERT_EQUAL(m.cies[0].nbma.len, 0);
	CU_ASSERT_PTR_NULL(m.cies[0].nbma.ptr);
	CU_ASSERT_EQUAL(m.cies[0].proto.len, 0);
	CU_ASSERT_EQUAL_FATAL(m.n_exts, 4);
	CU_ASSERT_TRUE(m.has_end);
	CU_ASSERT_EQUAL(m.exts[0].type, NHRP_EXT_FWD_TRANSIT);
	CU_ASSERT_EQUAL(m.exts[1].type, NHRP_EXT_REV_TRANSIT);
	CU_ASSERT_EQUAL(m.exts[2].type, NHRP_EXT_RESPONDER);
	CU_ASSERT_EQUAL(m.exts[3].type, NHRP_EXT_NAT);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_TRUE(m.exts[i].compulsory);
		CU_ASSERT_EQUAL(m.exts[i].len, 0);
	}
	CU_ASSERT_FALSE(m.exts[3].compulsory);
	/* The Responder Address is a placeholder the NHS fills in. */
	CU_ASSERT_PTR_NULL(nhrp_msg_responder(&m));
	e = nhrp_msg_ext(&m, NHRP_EXT_NAT);
	CU_ASSERT_PTR_EQUAL(e, &m.exts[3]);
	nat = nhrp_ext_cies(&m, e, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(nat[0].prefix_len, 32);
	CU_ASSERT_EQUAL(nhrp_ref_u32(&nat[0].nbma), inet_addr("1.1.1.1"));
	CU_ASSERT_EQUAL(nhrp_ref_u32(&nat[0].proto), inet_addr("192.168.1.1"));
	/* The view points into the packet. */
	CU_ASSERT_PTR_EQUAL(m.src_nbma.ptr, frr_reg_req + 28);
	CU_ASSERT_PTR_EQUAL(nat[0].proto.ptr, frr_reg_req + 84);

	flen = nhrp_format(&m, line, sizeof(line));
	CU_ASSERT_EQUAL(flen, (int)strlen(line));
	CU_ASSERT_STRING_EQUAL(line, "registration-request id=7 flags=U,NAT hop=1 "
				     "src=192.168.1.6@6.6.6.6 dst=192.168.1.1 "
				     "cies=[code=success len=255 mtu=1400 hold=7200] "
				     "ext=[fwd-transit,rev-transit,responder,nat(1)]");
}

/* `registration no-unique` and FRR 10's cleartext authentication, checksums independent. */
static void test_nhrp_build_frr_no_unique_and_auth_checksums(void)
{
	struct nhrp_build_ext ext[5];
	struct nhrp_build_msg m;
	struct nhrp_build_cie cie;
	uint8_t buf[256];
	struct nhrp_msg pm;
	uint32_t type;
	const uint8_t *pw;
	size_t len, pw_len;

	frr_request(&m, &cie, ext);
	m.flags = NHRP_FLAG_NAT;
	cie.prefix_len = 32;
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&m, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL(len, 92);
	CU_ASSERT_EQUAL(buf[12], 0x6b);
	CU_ASSERT_EQUAL(buf[13], 0xd2);

	frr_request(&m, &cie, ext);
	ext[4] = nhrp_bext_auth_cisco(password, sizeof(password));
	m.n_exts = 5;
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&m, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL(len, 106);
	CU_ASSERT_EQUAL(buf[12], 0x2e);
	CU_ASSERT_EQUAL(buf[13], 0x86);
	/* Auth sits before End: type 0x8007, length 4 + 6, type 1, "secret". */
	CU_ASSERT_EQUAL(memcmp(buf + 88, "\x80\x07\x00\x0a\x00\x00\x00\x01secret", 14), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 102, "\x80\x00\x00\x00", 4), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &pm), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_ext_auth(nhrp_msg_ext(&pm, NHRP_EXT_AUTH), &type, &pw, &pw_len),
			      0);
	CU_ASSERT_EQUAL(type, NHRP_AUTH_CISCO_CLEARTEXT);
	CU_ASSERT(bytes_eq(pw, pw_len, password, sizeof(password)));
}

/* Carrying a parsed packet through the builder reproduces it byte for byte. */
static void test_nhrp_build_from_view_reproduces_packet(void)
{
	struct nhrp_build_store st;
	struct nhrp_build_msg b;
	struct nhrp_msg m;
	uint8_t buf[256];
	size_t len;

	CU_ASSERT_EQUAL_FATAL(nhrp_parse(frr_reg_req, sizeof(frr_reg_req), NULL, &m), 0);
	nhrp_build_from_view(&m, &b, &st);
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(frr_reg_req));
	CU_ASSERT_EQUAL(memcmp(buf, frr_reg_req, len), 0);

	/* A transit NHS: one hop less, and the packet still verifies. */
	b.hopcnt--;
	CU_ASSERT_EQUAL(nhrp_build(&b, buf, sizeof(buf), &len), -EINVAL); /* hop count 0 */
	b.hopcnt = 5;
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL(nhrp_parse(buf, len, NULL, &m), 0);
	CU_ASSERT_EQUAL(m.hopcnt, 5);
}

/* Unknown extensions are kept in order as opaque items and carried through verbatim. */
static void test_nhrp_parse_keeps_unknown_extensions_in_order(void)
{
	static const uint8_t v1[] = {0xaa, 0xbb, 0xcc};
	struct nhrp_build_ext ext[4] = {
		{.type = 0x20, .value = v1, .value_len = sizeof(v1)},
		nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, transit_cie, 2),
		{.type = 0x3fff},
		nhrp_bext_cies(NHRP_EXT_RESPONDER, true, &hub_cie, 1),
	};
	struct nhrp_build_msg b;
	struct nhrp_build_store st;
	struct nhrp_msg m;
	uint8_t buf[512], buf2[512];
	size_t len, len2;

	base_msg(NHRP_OP_RESOLUTION_REQUEST, &b);
	b.exts = ext;
	b.n_exts = 4;
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &m), 0);
	CU_ASSERT_EQUAL_FATAL(m.n_exts, 4);
	CU_ASSERT_EQUAL(m.exts[0].type, 0x20);
	CU_ASSERT_FALSE(m.exts[0].known);
	CU_ASSERT(bytes_eq(m.exts[0].data, m.exts[0].len, v1, sizeof(v1)));
	CU_ASSERT_EQUAL(m.exts[1].type, NHRP_EXT_FWD_TRANSIT);
	CU_ASSERT_EQUAL(m.exts[1].n_cies, 2);
	CU_ASSERT_EQUAL(m.exts[2].type, 0x3fff);
	CU_ASSERT_FALSE(m.exts[2].known);
	CU_ASSERT_PTR_NULL(m.exts[2].data);
	CU_ASSERT_EQUAL(m.exts[3].type, NHRP_EXT_RESPONDER);
	CU_ASSERT_PTR_NOT_NULL(nhrp_msg_responder(&m));
	CU_ASSERT_EQUAL(nhrp_ref_u32(&nhrp_msg_responder(&m)->proto), inet_addr("192.168.1.1"));
	CU_ASSERT(m.exts[0].offset < m.exts[1].offset && m.exts[1].offset < m.exts[2].offset);

	nhrp_build_from_view(&m, &b, &st);
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf2, sizeof(buf2), &len2), 0);
	CU_ASSERT(bytes_eq(buf, len, buf2, len2));
}

/* FRR's non-RFC codes are accepted and mapped: CIE 11 -> 12, Error Indication 2 -> 3. */
static void test_nhrp_parse_maps_frr_codes(void)
{
	struct nhrp_build_cie cie = {.code = NHRP_CIE_FRR_NO_BINDING, .prefix_len = 32};
	struct nhrp_build_msg b;
	struct nhrp_msg m;
	uint8_t buf[512];
	size_t len;
	char line[512];

	base_msg(NHRP_OP_RESOLUTION_REPLY, &b);
	b.cies = &cie;
	b.n_cies = 1;
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &m), 0);
	CU_ASSERT_EQUAL(m.cies[0].raw_code, NHRP_CIE_FRR_NO_BINDING);
	CU_ASSERT_EQUAL(m.cies[0].code, NHRP_CIE_NO_BINDING);
	nhrp_format(&m, line, sizeof(line));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "code=no-binding"));

	base_msg(NHRP_OP_ERROR_INDICATION, &b);
	b.code = NHRP_EI_FRR_LOOP_DETECTED;
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &m), 0);
	CU_ASSERT_EQUAL(m.raw_code, NHRP_EI_FRR_LOOP_DETECTED);
	CU_ASSERT_EQUAL(m.code, NHRP_EI_LOOP_DETECTED);
	/* The Error Indication's payload is the packet in error, which parses on its own. */
	CU_ASSERT_EQUAL(nhrp_parse(m.payload, m.payload_len, NULL, &m), 0);
	CU_ASSERT_EQUAL(m.op, NHRP_OP_REGISTRATION_REQUEST);
}

/*
 * Malformed inputs. Each case starts from frr_reg_req in a large buffer, mutates it,
 * optionally repairs the checksum so that the intended check is the one that fires, and
 * expects one named error at one offset.
 */
struct mut {
	uint8_t b[2048];
	size_t len;
	struct nhrp_parse_opts opts;
};

static void set8(struct mut *x, size_t off, uint8_t v)
{
	x->b[off] = v;
}

static void set16(struct mut *x, size_t off, uint16_t v)
{
	x->b[off] = (uint8_t)(v >> 8);
	x->b[off + 1] = (uint8_t)v;
}

/* Insert bytes at off; ar$pktsz follows the new length. */
static void insert(struct mut *x, size_t off, const void *bytes, size_t n)
{
	memmove(x->b + off + n, x->b + off, x->len - off);
	memcpy(x->b + off, bytes, n);
	x->len += n;
	set16(x, 10, (uint16_t)x->len);
}

/* Remove n bytes at off; ar$pktsz follows. */
static void cut(struct mut *x, size_t off, size_t n)
{
	memmove(x->b + off, x->b + off + n, x->len - off - n);
	x->len -= n;
	set16(x, 10, (uint16_t)x->len);
}

static void load_built(struct mut *x, const struct nhrp_build_msg *m)
{
	CU_ASSERT_EQUAL_FATAL(nhrp_build(m, x->b, sizeof(x->b), &x->len), 0);
}

/* A Resolution Request with no extensions: 40 bytes of header and addresses + 1 CIE. */
static void load_plain(struct mut *x)
{
	struct nhrp_build_msg m;

	base_msg(NHRP_OP_RESOLUTION_REQUEST, &m);
	load_built(x, &m);
}

static void run_malformed(void (*mutate)(struct mut *), bool fix_csum, enum nhrp_err err,
			  int off, bool complete_view)
{
	struct mut x;
	struct nhrp_msg m;
	int rc;

	memset(&x, 0, sizeof(x));
	memcpy(x.b, frr_reg_req, sizeof(frr_reg_req));
	x.len = sizeof(frr_reg_req);
	x.opts = nhrp_parse_opts_ipv4;
	mutate(&x);
	if (fix_csum && x.len >= 14) {
		uint16_t pktsz = (uint16_t)(x.b[10] << 8 | x.b[11]);
		size_t n = pktsz <= x.len ? pktsz : x.len;

		set16(&x, 12, 0);
		set16(&x, 12, nhrp_checksum(x.b, n));
	}
	rc = nhrp_parse(x.b, x.len, &x.opts, &m);
	CU_ASSERT_EQUAL(rc, -(int)err);
	if (rc != -(int)err)
		printf("\n  got %s, expected %s ", nhrp_err_name(rc), nhrp_err_name(err));
	if (off >= 0)
		CU_ASSERT_EQUAL(m.err_offset, off);
	if (complete_view) {
		CU_ASSERT_EQUAL(m.n_cies, 1);
		CU_ASSERT_TRUE(m.has_end);
		CU_ASSERT(m.n_exts >= 4);
		CU_ASSERT_EQUAL(nhrp_ref_u32(&m.src_proto), inet_addr("192.168.1.6"));
	}
}

#define MALFORMED_VIEW(name, fix, err, off, view, ...)                                          \
	static void mut_##name(struct mut *x)                                                   \
	{                                                                                       \
		(void)x;                                                                        \
		__VA_ARGS__;                                                                    \
	}                                                                                       \
	static void test_nhrp_parse_rejects_##name(void)                                       \
	{                                                                                       \
		run_malformed(mut_##name, fix, NHRP_ERR_##err, off, view);                      \
	}
#define MALFORMED(name, fix, err, off, ...) MALFORMED_VIEW(name, fix, err, off, false, __VA_ARGS__)

/* Buffer and ar$pktsz. */
MALFORMED(empty_buffer, false, TRUNCATED, 0, x->len = 0)
MALFORMED(truncated_fixed_header, false, TRUNCATED, 19, x->len = 19)
MALFORMED(pktsz_below_fixed_header, true, PKTSZ_SHORT, 10, set16(x, 10, 19))
MALFORMED(pktsz_zero, true, PKTSZ_SHORT, 10, set16(x, 10, 0))
MALFORMED(pktsz_past_buffer, false, PKTSZ_OVERRUN, 10, set16(x, 10, 93))
MALFORMED(pktsz_max, false, PKTSZ_OVERRUN, 10, set16(x, 10, 0xffff))
MALFORMED(buffer_one_byte_short, false, PKTSZ_OVERRUN, 10, x->len = 91)
MALFORMED(bytes_after_pktsz, false, PKTSZ_TRAILING, 10, x->len = 93)
/* The tunnel's families, version, op code. */
MALFORMED(afn_ipv6_on_ipv4_tunnel, true, AFN, 0, set16(x, 0, NHRP_AFN_IPV6))
MALFORMED(afn_nsap, true, AFN, 0, set16(x, 0, 3))
MALFORMED(pro_type_ipv6_on_ipv4_tunnel, true, PRO_TYPE, 2, set16(x, 2, NHRP_PRO_IPV6))
MALFORMED(pro_type_nlpid_ip, true, PRO_TYPE, 2, set16(x, 2, 0x00cc))
MALFORMED(ipv4_packet_on_ipv6_tunnel, false, AFN, 0,
	  x->opts.afn = NHRP_AFN_IPV6; x->opts.pro_type = NHRP_PRO_IPV6)
MALFORMED(version_mars, true, VERSION, 16, set8(x, 16, 0))
MALFORMED(version_two, true, VERSION, 16, set8(x, 16, 2))
MALFORMED(op_zero, true, OP, 17, set8(x, 17, 0))
MALFORMED(op_nine, true, OP, 17, set8(x, 17, 9))
MALFORMED(op_research, true, OP, 17, set8(x, 17, 200))
/* Checksum. */
MALFORMED(checksum_off_by_one, false, CHECKSUM, 12, set8(x, 13, 0xf3))
MALFORMED(flipped_payload_byte, false, CHECKSUM, 12, set8(x, 42, 0x01))
/* ar$extoff. */
MALFORMED(extoff_in_fixed_header, true, EXTOFF_INSIDE, 14, set16(x, 14, 10))
MALFORMED(extoff_in_common_header, true, EXTOFF_INSIDE, 14, set16(x, 14, 27))
MALFORMED(extoff_in_addresses, true, EXTOFF_INSIDE, 14, set16(x, 14, 32))
MALFORMED(extoff_past_pktsz, true, EXTOFF_PAST_END, 14, set16(x, 14, 96))
MALFORMED(extoff_cutting_a_cie, true, CIE_OVERFLOW, 40, set16(x, 14, 46))
/* Mandatory-part addresses. */
MALFORMED(zero_length_source_nbma, true, ADDR_ZERO, 18, set8(x, 18, 0))
MALFORMED(zero_length_source_protocol, true, ADDR_ZERO, 20, set8(x, 20, 0))
MALFORMED(zero_length_destination_protocol, true, ADDR_ZERO, 21, set8(x, 21, 0))
MALFORMED(oversize_source_nbma, true, ADDR_OVERSIZE, 18, set8(x, 18, 17))
MALFORMED(oversize_source_protocol, true, ADDR_OVERSIZE, 20, set8(x, 20, 200))
MALFORMED(oversize_subaddress, true, ADDR_OVERSIZE, 19, set8(x, 19, 20))
MALFORMED(nbma_length_not_ipv4, true, ADDR_FAMILY, 18, set8(x, 18, 6))
MALFORMED(destination_ipv6_length_on_ipv4, true, ADDR_FAMILY, 21, set8(x, 21, 16))
MALFORMED(subaddress_past_mandatory_part, true, MANDATORY_TRUNCATED, 32,
	  load_plain(x); cut(x, 40, 12); set8(x, 19, 16))
MALFORMED(common_header_past_pktsz, true, MANDATORY_TRUNCATED, 20,
	  load_plain(x); cut(x, 24, x->len - 24))
/* CIEs. */
MALFORMED(cie_nbma_length_not_ipv4, true, ADDR_FAMILY, 48, set8(x, 48, 5))
MALFORMED(cie_oversize_protocol, true, ADDR_OVERSIZE, 50, set8(x, 50, 17))
MALFORMED(cie_address_past_list, true, CIE_OVERFLOW, 40, set8(x, 48, 4))
MALFORMED(cie_header_cut_short, true, CIE_OVERFLOW, 52,
	  load_plain(x); insert(x, x->len, "\0\0\0\0\0", 5))
MALFORMED(seventeen_cies, true, TOO_MANY_CIES, 40 + 16 * 12, {
	struct nhrp_build_cie c[NHRP_MAX_CIES] = {{.prefix_len = 32}};
	struct nhrp_build_msg m;
	uint8_t extra[12] = {0};

	base_msg(NHRP_OP_RESOLUTION_REQUEST, &m);
	m.cies = c;
	m.n_cies = NHRP_MAX_CIES;
	load_built(x, &m);
	insert(x, x->len, extra, sizeof(extra));
})
/* Extensions. */
MALFORMED(extension_header_cut, true, EXT_TRUNCATED, 88, cut(x, 90, 2))
MALFORMED(extension_length_past_pktsz, true, EXT_OVERRUN, 64, set16(x, 66, 100))
MALFORMED(nat_cie_list_overflow, true, CIE_OVERFLOW, 88, set16(x, 66, 21))
MALFORMED(nat_cie_ipv6_length, true, ADDR_FAMILY, 78, set8(x, 78, 16))
MALFORMED(end_missing, true, END_MISSING, 88, cut(x, 88, 4))
MALFORMED(extoff_at_pktsz_without_end, true, END_MISSING, 52,
	  load_plain(x); set16(x, 14, (uint16_t)x->len))
MALFORMED(end_with_length, true, END_LENGTH, 88,
	  insert(x, 92, "\0\0\0\0", 4); set16(x, 90, 4))
MALFORMED(duplicate_end, true, END_DUPLICATE, 92, insert(x, 92, "\x80\0\0\0", 4))
MALFORMED(extension_after_end, true, END_MISPLACED, 88, insert(x, 92, "\x00\x05\0\0", 4))
MALFORMED(end_before_nat, true, END_MISPLACED, 64, insert(x, 64, "\x80\0\0\0", 4))
MALFORMED(junk_after_end, true, END_MISPLACED, 88, insert(x, 92, "\x12\x34", 2))
MALFORMED(seventeen_extensions, true, TOO_MANY_EXTS, 88 + 12 * 4, {
	for (int i = 0; i < NHRP_MAX_EXTS + 1 - 4; i++)
		insert(x, 88, "\x00\x30\0\0", 4);
})
MALFORMED(thirty_three_extension_cies, true, TOO_MANY_CIES, -1, {
	struct nhrp_build_cie c[NHRP_MAX_CIES] = {{.prefix_len = 32}};
	uint8_t raw_cie[12] = {0, 32};
	struct nhrp_build_ext e[3] = {
		nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, c, NHRP_MAX_CIES),
		nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, c, NHRP_MAX_CIES),
		{.type = NHRP_EXT_NAT, .verbatim = true, .value = raw_cie, .value_len = 12},
	};
	struct nhrp_build_msg m;

	base_msg(NHRP_OP_RESOLUTION_REQUEST, &m);
	m.exts = e;
	m.n_exts = 3;
	load_built(x, &m);
})
MALFORMED(auth_shorter_than_type, true, AUTH_SHORT, 88, insert(x, 88, "\x80\x07\0\x02\0\0", 6))
MALFORMED(cisco_password_over_8_bytes, true, AUTH_LONG, 88,
	  insert(x, 88, "\x80\x07\0\x0d\0\0\0\x01" "123456789", 17))
MALFORMED(vendor_shorter_than_oui, true, VENDOR_SHORT, 88, insert(x, 88, "\x00\x08\0\x02\0\0", 6))
MALFORMED(error_indication_with_extensions, true, EI_EXTENSIONS, 14, {
	struct nhrp_build_msg m;

	base_msg(NHRP_OP_ERROR_INDICATION, &m);
	load_built(x, &m);
	set16(x, 14, (uint16_t)x->len);
	insert(x, x->len, "\x80\0\0\0", 4);
})
/* Well formed, but not to be processed: the view stays complete. */
MALFORMED_VIEW(hop_count_zero, true, HOPCNT_ZERO, 9, true, set8(x, 9, 0))
MALFORMED_VIEW(unknown_compulsory_extension, true, EXT_UNKNOWN_COMPULSORY, 88, true,
	       insert(x, 88, "\x80\x20\0\x01\x55", 5))

/* The counterparts: what the options allow, and what is merely unusual, is accepted. */
static void test_nhrp_parse_accepts_what_options_allow(void)
{
	struct nhrp_parse_opts o = nhrp_parse_opts_ipv4;
	uint8_t buf[128];
	struct nhrp_msg m;
	uint16_t csum;

	memcpy(buf, frr_reg_req, sizeof(frr_reg_req));
	buf[92] = 0xee;
	o.allow_trailing = true;
	CU_ASSERT_EQUAL(nhrp_parse(buf, 93, &o, &m), 0);
	CU_ASSERT_EQUAL(m.pktsz, 92);

	buf[13] ^= 1;
	CU_ASSERT_EQUAL(nhrp_parse(buf, 92, NULL, &m), -NHRP_ERR_CHECKSUM);
	o.verify_checksum = false;
	CU_ASSERT_EQUAL(nhrp_parse(buf, 92, &o, &m), 0);
	buf[13] ^= 1;

	/* Type bits in the type/length octets are not part of the length; the u bit of an
	 * extension type is ignored on receive (RFC 2332 5.3). */
	buf[18] |= NHRP_TL_E164;
	buf[64] |= 0x40;
	buf[12] = buf[13] = 0;
	csum = nhrp_checksum(buf, 92);
	buf[12] = (uint8_t)(csum >> 8);
	buf[13] = (uint8_t)csum;
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, 92, NULL, &m), 0);
	CU_ASSERT_EQUAL(m.src_nbma.len, 4);
	CU_ASSERT_EQUAL(m.exts[3].type, NHRP_EXT_NAT);
	CU_ASSERT_EQUAL(m.exts[3].raw_type, 0x4009);
}

static void test_nhrp_parse_error_names_are_distinct(void)
{
	for (int i = 1; i < NHRP_ERR_MAX; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(nhrp_err_name(i));
		CU_ASSERT_STRING_EQUAL(nhrp_err_name(i), nhrp_err_name(-i));
		for (int j = 1; j < i; j++)
			CU_ASSERT(strcmp(nhrp_err_name(i), nhrp_err_name(j)) != 0);
	}
	CU_ASSERT_STRING_EQUAL(nhrp_err_name(0), "ok");
	CU_ASSERT_STRING_EQUAL(nhrp_err_name(NHRP_ERR_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(nhrp_err_name(-NHRP_ERR_CIE_OVERFLOW), "cie-overflow");
	CU_ASSERT_EQUAL(nhrp_err_ei_code(-NHRP_ERR_EXT_UNKNOWN_COMPULSORY),
			NHRP_EI_UNRECOGNIZED_EXTENSION);
	CU_ASSERT_EQUAL(nhrp_err_ei_code(-NHRP_ERR_HOPCNT_ZERO), NHRP_EI_HOP_COUNT_EXCEEDED);
	CU_ASSERT_EQUAL(nhrp_err_ei_code(-NHRP_ERR_CHECKSUM), NHRP_EI_PROTOCOL_ERROR);
}

/* The builder refuses a short buffer before writing anything. */
static void test_nhrp_build_fails_cleanly_when_space_runs_out(void)
{
	struct nhrp_build_ext exts[8];
	struct nhrp_build_msg m;
	uint8_t buf[512];
	size_t len = 12345, need;

	base_msg(NHRP_OP_RESOLUTION_REPLY, &m);
	m.exts = exts;
	m.n_exts = variant_exts(V_ALL, exts);
	need = (size_t)nhrp_build_len(&m);
	for (size_t cap = 0; cap < need; cap++) {
		memset(buf, 0xa5, sizeof(buf));
		CU_ASSERT_EQUAL(nhrp_build(&m, buf, cap, &len), -ENOSPC);
		for (size_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != 0xa5) {
				CU_FAIL("nhrp_build wrote into a buffer it refused");
				break;
			}
	}
	CU_ASSERT_EQUAL(len, 12345);
	CU_ASSERT_EQUAL(nhrp_build(&m, NULL, 0, &len), -ENOSPC);
	CU_ASSERT_EQUAL(nhrp_build(&m, buf, need, &len), 0);
	CU_ASSERT_EQUAL(len, need);
}

static void test_nhrp_build_rejects_unencodable_messages(void)
{
	struct nhrp_build_cie many[NHRP_MAX_CIES + 1] = {{0}};
	struct nhrp_build_ext e[NHRP_MAX_EXTS + 1];
	uint8_t pw9[9] = "123456789";
	struct nhrp_build_msg m, good;
	struct nhrp_build_cie c;
	uint8_t big[NHRP_PKT_MAX];

	base_msg(NHRP_OP_REGISTRATION_REQUEST, &good);
	CU_ASSERT(nhrp_build_len(&good) > 0);
	CU_ASSERT_EQUAL(nhrp_build_len(NULL), -EINVAL);

#define REJECT(rc, ...)                                                                         \
	do {                                                                                    \
		m = good;                                                                       \
		__VA_ARGS__;                                                                    \
		CU_ASSERT_EQUAL(nhrp_build_len(&m), rc);                                        \
	} while (0)
	REJECT(-EINVAL, m.op = 0);
	REJECT(-EINVAL, m.op = 9);
	REJECT(-EINVAL, m.hopcnt = 0);
	REJECT(-EINVAL, m.src_nbma.len = 0);
	REJECT(-EINVAL, m.src_proto.len = 0);
	REJECT(-EINVAL, m.dst_proto.len = 0);
	REJECT(-EINVAL, m.src_nbma.len = 17);
	REJECT(-EINVAL, m.src_nbma.len = 16);		/* IPv6 length on an IPv4 NBMA */
	REJECT(-EINVAL, m.src_nbma_sub.len = 17);
	REJECT(-EINVAL, m.payload = icmp_head; m.payload_len = 4);
	REJECT(-EINVAL, m.n_cies = NHRP_MAX_CIES + 1; m.cies = many);
	REJECT(-EINVAL, m.n_cies = 2; m.cies = NULL);
	REJECT(-EINVAL, c = (struct nhrp_build_cie){.proto = {.len = 5}}; m.cies = &c);
	REJECT(-EINVAL, e[0] = nhrp_bext_cies(NHRP_EXT_END, true, NULL, 0); m.exts = e;
	       m.n_exts = 1);
	REJECT(-EINVAL, e[0] = (struct nhrp_build_ext){.type = 0x4000}; m.exts = e; m.n_exts = 1);
	REJECT(-EINVAL, e[0] = nhrp_bext_auth_cisco(pw9, 9); m.exts = e; m.n_exts = 1);
	REJECT(-EINVAL, e[0] = nhrp_bext_vendor(0x1000000, NULL, 0); m.exts = e; m.n_exts = 1);
	REJECT(-EINVAL, e[0] = (struct nhrp_build_ext){.type = 42, .value_len = 3}; m.exts = e;
	       m.n_exts = 1);
	REJECT(-EINVAL, for (int i = 0; i <= NHRP_MAX_EXTS; i++) e[i] =
				(struct nhrp_build_ext){.type = 42};
	       m.exts = e; m.n_exts = NHRP_MAX_EXTS + 1);
	REJECT(-EINVAL, e[0] = nhrp_bext_cies(NHRP_EXT_FWD_TRANSIT, true, many, NHRP_MAX_CIES);
	       e[1] = nhrp_bext_cies(NHRP_EXT_REV_TRANSIT, true, many, NHRP_MAX_CIES);
	       e[2] = nhrp_bext_cies(NHRP_EXT_NAT, false, many, 1); m.exts = e; m.n_exts = 3);
	REJECT(-EINVAL, m.exts = NULL; m.n_exts = 1);
	base_msg(NHRP_OP_TRAFFIC_INDICATION, &good);
	REJECT(-EINVAL, m.cies = many; m.n_cies = 1);
	REJECT(-EINVAL, m.payload = NULL);
	REJECT(-EMSGSIZE, m.payload = big; m.payload_len = sizeof(big));
	base_msg(NHRP_OP_ERROR_INDICATION, &good);
	REJECT(-EINVAL, e[0] = nhrp_bext_cies(NHRP_EXT_RESPONDER, true, NULL, 0); m.exts = e;
	       m.n_exts = 1);
#undef REJECT
}

static void test_nhrp_accessors(void)
{
	struct nhrp_build_ext exts[8];
	struct nhrp_build_msg b;
	struct nhrp_msg m;
	const struct nhrp_cie *c;
	const uint8_t *data;
	uint8_t buf[1024];
	uint32_t num;
	size_t len;
	unsigned int n;

	base_msg(NHRP_OP_REGISTRATION_REPLY, &b);
	b.exts = exts;
	b.n_exts = variant_exts(V_ALL, exts);
	CU_ASSERT_EQUAL_FATAL(nhrp_build(&b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &m), 0);

	CU_ASSERT_EQUAL(nhrp_ref_u32(&m.src_nbma), inet_addr("6.6.6.6"));
	CU_ASSERT_EQUAL(nhrp_ref_u32(&m.src_nbma_sub), 0);
	c = nhrp_msg_responder(&m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(nhrp_ref_u32(&c->nbma), inet_addr("1.1.1.1"));
	CU_ASSERT_EQUAL(c->holdtime, 7200);
	c = nhrp_ext_cies(&m, nhrp_msg_ext(&m, NHRP_EXT_FWD_TRANSIT), &n);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(c[1].pref, 7);
	CU_ASSERT_EQUAL(nhrp_ref_u32(&c[1].proto), inet_addr("192.168.1.2"));
	CU_ASSERT_PTR_NULL(nhrp_ext_cies(&m, nhrp_msg_ext(&m, NHRP_EXT_AUTH), &n));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(nhrp_ext_vendor(nhrp_msg_ext(&m, NHRP_EXT_VENDOR), &num, &data, &len), 0);
	CU_ASSERT_EQUAL(num, 0x00000c);
	CU_ASSERT(bytes_eq(data, len, vendor_data, sizeof(vendor_data)));
	CU_ASSERT_EQUAL(nhrp_ext_vendor(nhrp_msg_ext(&m, NHRP_EXT_AUTH), &num, &data, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(nhrp_ext_auth(nhrp_msg_ext(&m, NHRP_EXT_NAT), &num, &data, &len), -EINVAL);
	CU_ASSERT_EQUAL(nhrp_ext_auth(NULL, &num, &data, &len), -EINVAL);
	CU_ASSERT_PTR_NULL(nhrp_msg_ext(&m, 0x123));
}

static void check_format(const struct nhrp_build_msg *b, const char *want)
{
	uint8_t buf[1024];
	struct nhrp_msg m;
	char line[1024];
	size_t len;
	int n;

	CU_ASSERT_EQUAL_FATAL(nhrp_build(b, buf, sizeof(buf), &len), 0);
	CU_ASSERT_EQUAL_FATAL(nhrp_parse(buf, len, NULL, &m), 0);
	n = nhrp_format(&m, line, sizeof(line));
	CU_ASSERT_EQUAL(n, (int)strlen(want));
	CU_ASSERT_STRING_EQUAL(line, want);
	if (strcmp(line, want))
		printf("\n  got  %s\n  want %s\n", line, want);
}

static void test_nhrp_format_one_line_per_message(void)
{
	struct nhrp_build_ext exts[8];
	struct nhrp_build_msg b;

	base_msg(NHRP_OP_REGISTRATION_REPLY, &b);
	b.exts = exts;
	b.n_exts = variant_exts(V_ALL, exts);
	check_format(&b, "registration-reply id=287454024 flags=U,NAT hop=64 "
			 "src=192.168.1.6@6.6.6.6 dst=192.168.1.1 "
			 "cies=[code=success len=255 mtu=1400 hold=7200; "
			 "code=admin-prohibited len=32 mtu=0 hold=0; "
			 "code=insufficient-resources len=32 mtu=0 hold=0; "
			 "code=already-registered len=32 mtu=0 hold=0] "
			 "ext=[responder(1),fwd-transit(2),rev-transit(1),auth,vendor,nat(1),"
			 "ext-42]");

	base_msg(NHRP_OP_RESOLUTION_REPLY, &b);
	check_format(&b, "resolution-reply id=287454022 flags=Q,A,D,S,NAT hop=64 "
			 "src=192.168.1.6@6.6.6.6 dst=192.168.1.8 "
			 "cies=[code=success len=24 mtu=1400 hold=7200 pref=255 "
			 "addr=10.0.103.0@8.8.8.8; code=no-binding len=32 mtu=0 hold=0; "
			 "code=not-unique len=32 mtu=0 hold=0]");

	base_msg(NHRP_OP_PURGE_REQUEST, &b);
	check_format(&b, "purge-request id=287454025 flags=N hop=64 src=192.168.1.1@1.1.1.1 "
			 "dst=192.168.1.8 cies=[code=success len=32 mtu=0 hold=0 "
			 "addr=192.168.1.6@-]");

	base_msg(NHRP_OP_ERROR_INDICATION, &b);
	check_format(&b, "error-indication code=unrecognized-extension offset=52 hop=64 "
			 "src=192.168.1.1@1.1.1.1 dst=192.168.1.6 pkt=92B");

	base_msg(NHRP_OP_TRAFFIC_INDICATION, &b);
	check_format(&b, "traffic-indication code=redirect hop=1 src=192.168.1.1@1.1.1.1 "
			 "dst=10.0.101.2 pkt=28B inner=10.0.101.2>10.0.103.2");
}

static void test_nhrp_format_truncates_like_snprintf(void)
{
	struct nhrp_msg m;
	char small[11];
	int full;

	CU_ASSERT_EQUAL_FATAL(nhrp_parse(frr_reg_req, sizeof(frr_reg_req), NULL, &m), 0);
	full = nhrp_format(&m, NULL, 0);
	CU_ASSERT(full > 100);
	memset(small, 'x', sizeof(small));
	CU_ASSERT_EQUAL(nhrp_format(&m, small, sizeof(small)), full);
	CU_ASSERT_STRING_EQUAL(small, "registrati");
	CU_ASSERT_EQUAL(nhrp_format(&m, small, 1), full);
	CU_ASSERT_STRING_EQUAL(small, "");
	CU_ASSERT_EQUAL(nhrp_format(NULL, small, sizeof(small)), -EINVAL);
}

struct test_entry {
	const char *name;
	CU_TestFunc fn;
};

#define T(fn) {#fn, fn}

static const struct test_entry tests[] = {
	T(test_nhrp_roundtrip_resolution_request),
	T(test_nhrp_roundtrip_resolution_reply),
	T(test_nhrp_roundtrip_registration_request),
	T(test_nhrp_roundtrip_registration_reply),
	T(test_nhrp_roundtrip_purge_request),
	T(test_nhrp_roundtrip_purge_reply),
	T(test_nhrp_roundtrip_error_indication),
	T(test_nhrp_roundtrip_traffic_indication),
	T(test_nhrp_roundtrip_ipv6_lengths_from_header),
	T(test_nhrp_roundtrip_subaddresses),
	T(test_nhrp_build_frr_registration_request_layout),
	T(test_nhrp_parse_frr_registration_request),
	T(test_nhrp_build_frr_no_unique_and_auth_checksums),
	T(test_nhrp_build_from_view_reproduces_packet),
	T(test_nhrp_parse_keeps_unknown_extensions_in_order),
	T(test_nhrp_parse_maps_frr_codes),
	T(test_nhrp_parse_rejects_empty_buffer),
	T(test_nhrp_parse_rejects_truncated_fixed_header),
	T(test_nhrp_parse_rejects_pktsz_below_fixed_header),
	T(test_nhrp_parse_rejects_pktsz_zero),
	T(test_nhrp_parse_rejects_pktsz_past_buffer),
	T(test_nhrp_parse_rejects_pktsz_max),
	T(test_nhrp_parse_rejects_buffer_one_byte_short),
	T(test_nhrp_parse_rejects_bytes_after_pktsz),
	T(test_nhrp_parse_rejects_afn_ipv6_on_ipv4_tunnel),
	T(test_nhrp_parse_rejects_afn_nsap),
	T(test_nhrp_parse_rejects_pro_type_ipv6_on_ipv4_tunnel),
	T(test_nhrp_parse_rejects_pro_type_nlpid_ip),
	T(test_nhrp_parse_rejects_ipv4_packet_on_ipv6_tunnel),
	T(test_nhrp_parse_rejects_version_mars),
	T(test_nhrp_parse_rejects_version_two),
	T(test_nhrp_parse_rejects_op_zero),
	T(test_nhrp_parse_rejects_op_nine),
	T(test_nhrp_parse_rejects_op_research),
	T(test_nhrp_parse_rejects_checksum_off_by_one),
	T(test_nhrp_parse_rejects_flipped_payload_byte),
	T(test_nhrp_parse_rejects_extoff_in_fixed_header),
	T(test_nhrp_parse_rejects_extoff_in_common_header),
	T(test_nhrp_parse_rejects_extoff_in_addresses),
	T(test_nhrp_parse_rejects_extoff_past_pktsz),
	T(test_nhrp_parse_rejects_extoff_cutting_a_cie),
	T(test_nhrp_parse_rejects_zero_length_source_nbma),
	T(test_nhrp_parse_rejects_zero_length_source_protocol),
	T(test_nhrp_parse_rejects_zero_length_destination_protocol),
	T(test_nhrp_parse_rejects_oversize_source_nbma),
	T(test_nhrp_parse_rejects_oversize_source_protocol),
	T(test_nhrp_parse_rejects_oversize_subaddress),
	T(test_nhrp_parse_rejects_nbma_length_not_ipv4),
	T(test_nhrp_parse_rejects_destination_ipv6_length_on_ipv4),
	T(test_nhrp_parse_rejects_subaddress_past_mandatory_part),
	T(test_nhrp_parse_rejects_common_header_past_pktsz),
	T(test_nhrp_parse_rejects_cie_nbma_length_not_ipv4),
	T(test_nhrp_parse_rejects_cie_oversize_protocol),
	T(test_nhrp_parse_rejects_cie_address_past_list),
	T(test_nhrp_parse_rejects_cie_header_cut_short),
	T(test_nhrp_parse_rejects_seventeen_cies),
	T(test_nhrp_parse_rejects_extension_header_cut),
	T(test_nhrp_parse_rejects_extension_length_past_pktsz),
	T(test_nhrp_parse_rejects_nat_cie_list_overflow),
	T(test_nhrp_parse_rejects_nat_cie_ipv6_length),
	T(test_nhrp_parse_rejects_end_missing),
	T(test_nhrp_parse_rejects_extoff_at_pktsz_without_end),
	T(test_nhrp_parse_rejects_end_with_length),
	T(test_nhrp_parse_rejects_duplicate_end),
	T(test_nhrp_parse_rejects_extension_after_end),
	T(test_nhrp_parse_rejects_end_before_nat),
	T(test_nhrp_parse_rejects_junk_after_end),
	T(test_nhrp_parse_rejects_seventeen_extensions),
	T(test_nhrp_parse_rejects_thirty_three_extension_cies),
	T(test_nhrp_parse_rejects_auth_shorter_than_type),
	T(test_nhrp_parse_rejects_cisco_password_over_8_bytes),
	T(test_nhrp_parse_rejects_vendor_shorter_than_oui),
	T(test_nhrp_parse_rejects_error_indication_with_extensions),
	T(test_nhrp_parse_rejects_hop_count_zero),
	T(test_nhrp_parse_rejects_unknown_compulsory_extension),
	T(test_nhrp_parse_accepts_what_options_allow),
	T(test_nhrp_parse_error_names_are_distinct),
	T(test_nhrp_build_fails_cleanly_when_space_runs_out),
	T(test_nhrp_build_rejects_unencodable_messages),
	T(test_nhrp_accessors),
	T(test_nhrp_format_one_line_per_message),
	T(test_nhrp_format_truncates_like_snprintf),
};

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("nhrp", NULL, NULL);
	if (!s)
		return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			return 1;
	return hub_cunit_run();
}
