/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one-line form of an NHRP message shared by logs, `debug nhrp` and tests, and the
 * names it uses. Secrets (the authentication password) are never printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lib/nhrp_codec.h"

const char *nhrp_op_name(unsigned int op)
{
	static const char *const names[] = {
		[NHRP_OP_RESOLUTION_REQUEST] = "resolution-request",
		[NHRP_OP_RESOLUTION_REPLY] = "resolution-reply",
		[NHRP_OP_REGISTRATION_REQUEST] = "registration-request",
		[NHRP_OP_REGISTRATION_REPLY] = "registration-reply",
		[NHRP_OP_PURGE_REQUEST] = "purge-request",
		[NHRP_OP_PURGE_REPLY] = "purge-reply",
		[NHRP_OP_ERROR_INDICATION] = "error-indication",
		[NHRP_OP_TRAFFIC_INDICATION] = "traffic-indication",
	};

	return op < sizeof(names) / sizeof(names[0]) && names[op] ? names[op] : "unknown";
}

const char *nhrp_cie_code_name(unsigned int code)
{
	switch (code) {
	case NHRP_CIE_SUCCESS:
		return "success";
	case NHRP_CIE_ADMIN_PROHIBITED:
		return "admin-prohibited";
	case NHRP_CIE_INSUFFICIENT_RESOURCES:
		return "insufficient-resources";
	case NHRP_CIE_NO_BINDING:
		return "no-binding";
	case NHRP_CIE_NOT_UNIQUE:
		return "not-unique";
	case NHRP_CIE_ALREADY_REGISTERED:
		return "already-registered";
	default:
		return "unknown";
	}
}

const char *nhrp_ei_code_name(unsigned int code)
{
	switch (code) {
	case NHRP_EI_UNRECOGNIZED_EXTENSION:
		return "unrecognized-extension";
	case NHRP_EI_LOOP_DETECTED:
		return "loop-detected";
	case NHRP_EI_PROTO_UNREACHABLE:
		return "protocol-address-unreachable";
	case NHRP_EI_PROTOCOL_ERROR:
		return "protocol-error";
	case NHRP_EI_SDU_SIZE_EXCEEDED:
		return "sdu-size-exceeded";
	case NHRP_EI_INVALID_EXTENSION:
		return "invalid-extension";
	case NHRP_EI_INVALID_REPLY:
		return "invalid-resolution-reply";
	case NHRP_EI_AUTH_FAILURE:
		return "authentication-failure";
	case NHRP_EI_HOP_COUNT_EXCEEDED:
		return "hop-count-exceeded";
	default:
		return "unknown";
	}
}

const char *nhrp_ext_name(unsigned int type)
{
	switch (type) {
	case NHRP_EXT_END:
		return "end";
	case NHRP_EXT_RESPONDER:
		return "responder";
	case NHRP_EXT_FWD_TRANSIT:
		return "fwd-transit";
	case NHRP_EXT_REV_TRANSIT:
		return "rev-transit";
	case NHRP_EXT_AUTH:
		return "auth";
	case NHRP_EXT_VENDOR:
		return "vendor";
	case NHRP_EXT_NAT:
		return "nat";
	default:
		return "unknown";
	}
}

/* An snprintf()-style appender: pos counts what the full line needs. */
struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static void add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct out *o, const char *fmt, ...)
{
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static void add_addr(struct out *o, const struct nhrp_addr_ref *a)
{
	char s[INET6_ADDRSTRLEN];

	if (a->len == 0) {
		add(o, "-");
	} else if (a->len == 4 && inet_ntop(AF_INET, a->ptr, s, sizeof(s))) {
		add(o, "%s", s);
	} else if (a->len == 16 && inet_ntop(AF_INET6, a->ptr, s, sizeof(s))) {
		add(o, "%s", s);
	} else {
		for (unsigned int i = 0; i < a->len; i++)
			add(o, "%02x", a->ptr[i]);
	}
}

/* "proto@nbma[/subaddress]", each part "-" when absent. */
static void add_binding(struct out *o, const struct nhrp_addr_ref *proto,
			const struct nhrp_addr_ref *nbma, const struct nhrp_addr_ref *sub)
{
	add_addr(o, proto);
	add(o, "@");
	add_addr(o, nbma);
	if (sub->len) {
		add(o, "/");
		add_addr(o, sub);
	}
}

struct flag_name {
	uint16_t bit;
	const char *name;
};

static void add_flags(struct out *o, uint8_t op, uint16_t flags)
{
	static const struct flag_name res[] = {
		{NHRP_FLAG_RES_Q, "Q"}, {NHRP_FLAG_RES_A, "A"}, {NHRP_FLAG_RES_D, "D"},
		{NHRP_FLAG_RES_U, "U"}, {NHRP_FLAG_RES_S, "S"}, {NHRP_FLAG_NAT, "NAT"},
		{0, NULL},
	};
	static const struct flag_name reg[] = {
		{NHRP_FLAG_REG_U, "U"}, {NHRP_FLAG_NAT, "NAT"}, {0, NULL},
	};
	static const struct flag_name purge[] = {
		{NHRP_FLAG_PURGE_N, "N"}, {NHRP_FLAG_NAT, "NAT"}, {0, NULL},
	};
	const struct flag_name *t;
	const char *sep = "";

	switch (op) {
	case NHRP_OP_RESOLUTION_REQUEST:
	case NHRP_OP_RESOLUTION_REPLY:
		t = res;
		break;
	case NHRP_OP_REGISTRATION_REQUEST:
	case NHRP_OP_REGISTRATION_REPLY:
		t = reg;
		break;
	default:
		t = purge;
		break;
	}
	add(o, " flags=");
	if (!flags) {
		add(o, "-");
		return;
	}
	for (; t->name; t++) {
		if (flags & t->bit) {
			add(o, "%s%s", sep, t->name);
			flags &= (uint16_t)~t->bit;
			sep = ",";
		}
	}
	if (flags)
		add(o, "%s0x%04x", sep, flags);
}

static void add_cie(struct out *o, const struct nhrp_cie *c)
{
	const char *name = nhrp_cie_code_name(c->code);

	if (strcmp(name, "unknown"))
		add(o, "code=%s", name);
	else
		add(o, "code=%u", c->code);
	add(o, " len=%u mtu=%u hold=%u", c->prefix_len, c->mtu, c->holdtime);
	if (c->pref)
		add(o, " pref=%u", c->pref);
	if (c->nbma.len || c->proto.len || c->nbma_sub.len) {
		add(o, " addr=");
		add_binding(o, &c->proto, &c->nbma, &c->nbma_sub);
	}
}

static void add_exts(struct out *o, const struct nhrp_msg *m)
{
	add(o, " ext=[");
	for (unsigned int i = 0; i < m->n_exts; i++) {
		const struct nhrp_ext *e = &m->exts[i];

		add(o, "%s", i ? "," : "");
		if (e->known)
			add(o, "%s", nhrp_ext_name(e->type));
		else
			add(o, "ext-%u%s", e->type, e->compulsory ? "/C" : "");
		if (e->n_cies)
			add(o, "(%u)", e->n_cies);
	}
	add(o, "]");
}

/* The triggering packet's addresses, when its head is an IPv4 header. */
static void add_inner(struct out *o, const struct nhrp_msg *m)
{
	struct nhrp_addr_ref src, dst;

	add(o, " pkt=%uB", m->payload_len);
	if (m->op != NHRP_OP_TRAFFIC_INDICATION || m->pro_type != NHRP_PRO_IPV4 ||
	    m->payload_len < 20 || (m->payload[0] >> 4) != 4)
		return;
	src = (struct nhrp_addr_ref){.ptr = m->payload + 12, .len = 4};
	dst = (struct nhrp_addr_ref){.ptr = m->payload + 16, .len = 4};
	add(o, " inner=");
	add_addr(o, &src);
	add(o, ">");
	add_addr(o, &dst);
}

int nhrp_format(const struct nhrp_msg *m, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = buf ? len : 0};

	if (!m)
		return -EINVAL;
	if (o.len)
		buf[0] = '\0';

	add(&o, "%s", nhrp_op_name(m->op));
	if (m->op == NHRP_OP_ERROR_INDICATION) {
		const char *name = nhrp_ei_code_name(m->code);

		if (strcmp(name, "unknown"))
			add(&o, " code=%s offset=%u", name, m->ei_offset);
		else
			add(&o, " code=%u offset=%u", m->code, m->ei_offset);
	} else if (m->op == NHRP_OP_TRAFFIC_INDICATION) {
		if (m->code == NHRP_TRAFFIC_REDIRECT)
			add(&o, " code=redirect");
		else
			add(&o, " code=%u", m->code);
	} else {
		add(&o, " id=%u", m->request_id);
		add_flags(&o, m->op, m->flags);
	}
	add(&o, " hop=%u src=", m->hopcnt);
	add_binding(&o, &m->src_proto, &m->src_nbma, &m->src_nbma_sub);
	add(&o, " dst=");
	add_addr(&o, &m->dst_proto);

	if (m->op <= NHRP_OP_PURGE_REPLY) {
		add(&o, " cies=[");
		for (unsigned int i = 0; i < m->n_cies; i++) {
			add(&o, "%s", i ? "; " : "");
			add_cie(&o, &m->cies[i]);
		}
		add(&o, "]");
	} else {
		add_inner(&o, m);
	}
	if (m->n_exts || m->has_end)
		add_exts(&o, m);
	return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}
