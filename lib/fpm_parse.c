/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FPM frames and the netlink route / next-hop messages in them (lib/fpm_parse.h).
 * Layouts from linux/netlink.h, linux/rtnetlink.h and linux/nexthop.h; the FPM header from
 * FRR's fpm/fpm.h description (version 1, type 1 = netlink, 16-bit length with header).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "lib/fpm_parse.h"

#define NL_HDR_LEN 16	 /* struct nlmsghdr */
#define RTMSG_LEN 12	 /* struct rtmsg */
#define NHMSG_LEN 8	 /* struct nhmsg */
#define RTA_HDR_LEN 4	 /* struct rtattr / nlattr */
#define RTNH_LEN 8	 /* struct rtnexthop */
#define NHGRP_LEN 8	 /* struct nexthop_grp */
#define NLA_TYPE_MASK 0x3fff /* without NLA_F_NESTED / NLA_F_NET_BYTEORDER */

#define NL_ALIGN(n) (((n) + 3u) & ~(size_t)3u)

/* Route attributes. */
#define RTA_DST 1
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RTA_PRIORITY 6
#define RTA_MULTIPATH 9
#define RTA_TABLE 15
#define RTA_NH_ID 30
/* Next-hop object attributes. */
#define NHA_ID 1
#define NHA_GROUP 2
#define NHA_BLACKHOLE 4
#define NHA_OIF 5
#define NHA_GATEWAY 6
/* Route types. */
#define RTN_UNICAST 1
#define RTN_BLACKHOLE 6
#define RTN_UNREACHABLE 7
#define RTN_PROHIBIT 8
#define AF_INET_ 2

static const char *const err_names[] = {
#define FPM_ERR_STR(n, s) s,
	FPM_ERR_LIST(FPM_ERR_STR)
#undef FPM_ERR_STR
};
static const char *const ign_names[] = {
#define FPM_IGN_STR(n, s) s,
	FPM_IGN_LIST(FPM_IGN_STR)
#undef FPM_IGN_STR
};

const char *fpm_err_name(unsigned int err)
{
	return err < FPM_ERR_MAX ? err_names[err] : "?";
}

const char *fpm_ign_name(unsigned int ign)
{
	return ign < FPM_IGN_MAX ? ign_names[ign] : "?";
}

/* Netlink is host order: both ends are on one machine. memcpy: nothing is aligned. */
static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int fpm_frame_len(const uint8_t *buf, size_t n)
{
	unsigned int len;

	if (n < FPM_HDR_LEN)
		return 0;
	if (buf[0] != FPM_VERSION)
		return -FPM_ERR_VERSION;
	if (buf[1] != FPM_TYPE_NETLINK)
		return -FPM_ERR_TYPE;
	len = ((unsigned int)buf[2] << 8) | buf[3];
	if (len < FPM_HDR_LEN)
		return -FPM_ERR_FRAME_LEN;
	return (int)len;
}

/* One attribute walk: calls fn for each (type, value, vlen); stops on its error. */
typedef int (*attr_fn)(struct fpm_msg *m, unsigned int type, const uint8_t *v, size_t vlen);

static int attrs_walk(const uint8_t *p, size_t len, struct fpm_msg *m, attr_fn fn)
{
	size_t off = 0;

	while (off < len) {
		unsigned int alen, type;
		int rc;

		if (len - off < RTA_HDR_LEN)
			return -FPM_ERR_ATTR_LEN;
		alen = rd16(p + off);
		type = rd16(p + off + 2) & NLA_TYPE_MASK;
		if (alen < RTA_HDR_LEN || alen > len - off)
			return -FPM_ERR_ATTR_LEN;
		rc = fn(m, type, p + off + RTA_HDR_LEN, alen - RTA_HDR_LEN);
		if (rc < 0)
			return rc;
		off += NL_ALIGN(alen);
	}
	return 0;
}

static int want_u32(size_t vlen)
{
	return vlen == 4 ? 0 : -FPM_ERR_ATTR_VALUE;
}

/* Attributes inside one struct rtnexthop of RTA_MULTIPATH: only the gateway matters. */
static int rtnh_attr(struct fpm_msg *m, unsigned int type, const uint8_t *v, size_t vlen)
{
	if (type != RTA_GATEWAY)
		return 0;
	if (m->family != AF_INET_)
		return 0;
	if (vlen != 4)
		return -FPM_ERR_ATTR_VALUE;
	memcpy(&m->nh[m->n_nh - 1].gw, v, 4);
	return 0;
}

static int multipath_parse(struct fpm_msg *m, const uint8_t *v, size_t vlen)
{
	size_t off = 0;

	while (off < vlen) {
		unsigned int nlen;
		struct fpm_nexthop *nh;
		int rc;

		if (vlen - off < RTNH_LEN)
			return -FPM_ERR_NH_LEN;
		nlen = rd16(v + off);
		if (nlen < RTNH_LEN || nlen > vlen - off)
			return -FPM_ERR_NH_LEN;
		if (m->n_nh >= FPM_NH_MAX)
			return -FPM_ERR_NEXTHOPS;
		nh = &m->nh[m->n_nh++];
		memset(nh, 0, sizeof(*nh));
		nh->weight = v[off + 3];
		nh->ifindex = rd32(v + off + 4);
		rc = attrs_walk(v + off + RTNH_LEN, nlen - RTNH_LEN, m, rtnh_attr);
		if (rc < 0)
			return rc;
		off += NL_ALIGN(nlen);
	}
	return 0;
}

/* The first next hop of a route that names its gateway or interface directly. */
static struct fpm_nexthop *single_nh(struct fpm_msg *m)
{
	if (m->n_nh == 0) {
		memset(&m->nh[0], 0, sizeof(m->nh[0]));
		m->n_nh = 1;
	}
	return &m->nh[0];
}

static int route_attr(struct fpm_msg *m, unsigned int type, const uint8_t *v, size_t vlen)
{
	int rc;

	switch (type) {
	case RTA_DST:
		if (m->family != AF_INET_)
			return 0;
		if (vlen != 4)
			return -FPM_ERR_ATTR_VALUE;
		memcpy(&m->dst, v, 4);
		m->ignore = m->ignore == FPM_IGN_NO_DST ? FPM_IGN_NONE : m->ignore;
		return 0;
	case RTA_GATEWAY:
		if (m->family != AF_INET_)
			return 0;
		if (vlen != 4)
			return -FPM_ERR_ATTR_VALUE;
		if (m->n_nh > 1)
			return -FPM_ERR_ATTR_VALUE; /* RTA_GATEWAY beside RTA_MULTIPATH */
		memcpy(&single_nh(m)->gw, v, 4);
		return 0;
	case RTA_OIF:
		if ((rc = want_u32(vlen)) < 0)
			return rc;
		if (m->n_nh > 1)
			return -FPM_ERR_ATTR_VALUE;
		single_nh(m)->ifindex = rd32(v);
		return 0;
	case RTA_PRIORITY:
		if ((rc = want_u32(vlen)) < 0)
			return rc;
		m->priority = rd32(v);
		return 0;
	case RTA_TABLE:
		if ((rc = want_u32(vlen)) < 0)
			return rc;
		m->table = rd32(v);
		return 0;
	case RTA_NH_ID:
		if ((rc = want_u32(vlen)) < 0)
			return rc;
		m->nh_id = rd32(v);
		return 0;
	case RTA_MULTIPATH:
		if (m->n_nh > 0)
			return -FPM_ERR_ATTR_VALUE; /* twice, or after RTA_GATEWAY/RTA_OIF */
		return multipath_parse(m, v, vlen);
	default:
		return 0; /* metrics, preferred source, encapsulation...: not ours */
	}
}

static int nh_attr(struct fpm_msg *m, unsigned int type, const uint8_t *v, size_t vlen)
{
	size_t i;
	int rc;

	switch (type) {
	case NHA_ID:
		if ((rc = want_u32(vlen)) < 0)
			return rc;
		m->nh_id = rd32(v);
		return 0;
	case NHA_BLACKHOLE:
		m->blackhole = 1;
		return 0;
	case NHA_OIF:
		if ((rc = want_u32(vlen)) < 0)
			return rc;
		if (m->is_group)
			return -FPM_ERR_ATTR_VALUE;
		single_nh(m)->ifindex = rd32(v);
		return 0;
	case NHA_GATEWAY:
		if (m->family != AF_INET_)
			return 0;
		if (vlen != 4 || m->is_group)
			return -FPM_ERR_ATTR_VALUE;
		memcpy(&single_nh(m)->gw, v, 4);
		return 0;
	case NHA_GROUP:
		if (vlen == 0 || vlen % NHGRP_LEN != 0 || m->n_nh > 0)
			return -FPM_ERR_ATTR_VALUE;
		if (vlen / NHGRP_LEN > FPM_NH_MAX)
			return -FPM_ERR_NEXTHOPS;
		m->is_group = 1;
		for (i = 0; i < vlen / NHGRP_LEN; i++) {
			struct fpm_nexthop *nh = &m->nh[m->n_nh++];

			memset(nh, 0, sizeof(*nh));
			nh->id = rd32(v + i * NHGRP_LEN);
			/* nexthop_grp.weight is weight - 1 on the wire */
			nh->weight = (uint8_t)(v[i * NHGRP_LEN + 4] + 1u);
		}
		return 0;
	default:
		return 0;
	}
}

static int route_parse(struct fpm_msg *m, const uint8_t *body, size_t blen)
{
	int rc;

	if (blen < RTMSG_LEN)
		return -FPM_ERR_BODY_LEN;
	m->family = body[0];
	m->dst_len = body[1];
	m->table = body[4];
	m->protocol = body[5];
	m->rtm_type = body[7];
	m->ignore = FPM_IGN_NO_DST;
	if (m->family != AF_INET_)
		m->ignore = FPM_IGN_FAMILY;
	rc = attrs_walk(body + RTMSG_LEN, blen - RTMSG_LEN, m, route_attr);
	if (rc < 0)
		return rc;
	if (m->family != AF_INET_) {
		m->ignore = FPM_IGN_FAMILY;
		return 0;
	}
	if (m->dst_len > 32)
		return -FPM_ERR_PREFIX_LEN;
	/* A default route has no RTA_DST. */
	if (m->ignore == FPM_IGN_NO_DST && m->dst_len == 0)
		m->ignore = FPM_IGN_NONE;
	if (m->ignore != FPM_IGN_NONE)
		return 0;
	if (m->table != FPM_RT_TABLE_MAIN) {
		m->ignore = FPM_IGN_TABLE;
		return 0;
	}
	if (m->nl_type == FPM_RTM_NEWROUTE) {
		if (m->rtm_type == RTN_BLACKHOLE || m->rtm_type == RTN_UNREACHABLE ||
		    m->rtm_type == RTN_PROHIBIT)
			m->blackhole = 1;
		else if (m->rtm_type != RTN_UNICAST) {
			m->ignore = FPM_IGN_ROUTE_TYPE;
			return 0;
		}
	}
	m->kind = m->nl_type == FPM_RTM_NEWROUTE ? FPM_MSG_ROUTE_ADD : FPM_MSG_ROUTE_DEL;
	return 0;
}

static int nexthop_parse(struct fpm_msg *m, const uint8_t *body, size_t blen)
{
	int rc;

	if (blen < NHMSG_LEN)
		return -FPM_ERR_BODY_LEN;
	m->family = body[0];
	m->protocol = body[2];
	rc = attrs_walk(body + NHMSG_LEN, blen - NHMSG_LEN, m, nh_attr);
	if (rc < 0)
		return rc;
	/* Groups have family AF_UNSPEC; a single IPv6 next hop is of no use to an IPv4 FIB,
	 * but its id may still be a group member: keep it, without a gateway. */
	m->kind = m->nl_type == FPM_RTM_NEWNEXTHOP ? FPM_MSG_NH_ADD : FPM_MSG_NH_DEL;
	if (m->family != AF_INET_)
		for (unsigned int i = 0; i < m->n_nh && !m->is_group; i++)
			m->nh[i].gw = 0;
	return 0;
}

int fpm_msg_next(const uint8_t *payload, size_t len, size_t *off, struct fpm_msg *m)
{
	const uint8_t *p;
	size_t rest, nlen;

	if (*off >= len)
		return 0;
	rest = len - *off;
	p = payload + *off;
	if (rest < NL_HDR_LEN)
		return -FPM_ERR_NL_LEN;
	nlen = rd32(p);
	if (nlen < NL_HDR_LEN || nlen > rest)
		return -FPM_ERR_NL_LEN;
	memset(m, 0, offsetof(struct fpm_msg, nh));
	m->nl_type = rd16(p + 4);
	m->nl_flags = rd16(p + 6);
	/* The last message's alignment padding may be missing. */
	*off += NL_ALIGN(nlen) < rest ? NL_ALIGN(nlen) : rest;
	switch (m->nl_type) {
	case FPM_RTM_NEWROUTE:
	case FPM_RTM_DELROUTE: {
		int rc = route_parse(m, p + NL_HDR_LEN, nlen - NL_HDR_LEN);

		return rc < 0 ? rc : 1;
	}
	case FPM_RTM_NEWNEXTHOP:
	case FPM_RTM_DELNEXTHOP: {
		int rc = nexthop_parse(m, p + NL_HDR_LEN, nlen - NL_HDR_LEN);

		return rc < 0 ? rc : 1;
	}
	default:
		m->kind = FPM_MSG_IGNORED;
		m->ignore = FPM_IGN_MSG_TYPE;
		return 1;
	}
}

int fpm_msg_format(const struct fpm_msg *m, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t n = 0;
	int w;

#define PUT(...)                                                                            \
	do {                                                                                \
		w = snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__);                  \
		if (w < 0)                                                                  \
			return -EINVAL;                                                     \
		n += (size_t)w;                                                             \
	} while (0)
	switch (m->kind) {
	case FPM_MSG_ROUTE_ADD:
	case FPM_MSG_ROUTE_DEL:
		PUT("%s %s/%u", m->kind == FPM_MSG_ROUTE_ADD ? "add" : "del",
		    inet_ntop(AF_INET, &m->dst, a, sizeof(a)), m->dst_len);
		break;
	case FPM_MSG_NH_ADD:
	case FPM_MSG_NH_DEL:
		PUT("%s nexthop %u", m->kind == FPM_MSG_NH_ADD ? "add" : "del", m->nh_id);
		break;
	default:
		PUT("ignored %s (type %u)", fpm_ign_name(m->ignore), m->nl_type);
		return (int)n;
	}
	if (m->blackhole)
		PUT(" blackhole");
	if (m->kind == FPM_MSG_ROUTE_ADD && m->nh_id != 0)
		PUT(" nhid %u", m->nh_id);
	for (unsigned int i = 0; i < m->n_nh; i++) {
		if (m->is_group)
			PUT(" member %u", m->nh[i].id);
		else if (m->nh[i].gw != 0)
			PUT(" via %s", inet_ntop(AF_INET, &m->nh[i].gw, a, sizeof(a)));
		else if (m->nh[i].ifindex != 0)
			PUT(" dev %u", m->nh[i].ifindex);
	}
#undef PUT
	return (int)n;
}
