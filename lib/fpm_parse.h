/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FPM wire format as FRR's zebra (-M dplane_fpm_nl) speaks it, parsed without DPDK so
 * the parser builds and fuzzes with plain clang.
 *
 * A TCP stream of frames: a 4-byte header (version 1, type 1 = netlink, total length
 * including the header; network order), then one or more netlink messages (host order:
 * zebra and the hub run on the same machine). Messages used:
 *   RTM_NEWROUTE / RTM_DELROUTE (rtmsg + RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_MULTIPATH,
 *     RTA_NH_ID, RTA_TABLE, RTA_PRIORITY);
 *   RTM_NEWNEXTHOP / RTM_DELNEXTHOP (nhmsg + NHA_ID, NHA_GROUP, NHA_BLACKHOLE, NHA_OIF,
 *     NHA_GATEWAY): FRR 8.4 sends next-hop objects by default ("fpm use-next-hop-groups")
 *     and routes then name them by RTA_NH_ID.
 * Everything else (IPv6, other tables, neighbours, links) parses as FPM_MSG_IGNORED with a
 * reason, so a newer zebra cannot make the hub drop the connection.
 *
 * Every length is checked before it is used; a malformed frame yields one named error and
 * the caller resets the connection.
 */
#ifndef HUB_FPM_PARSE_H
#define HUB_FPM_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define FPM_HDR_LEN 4
#define FPM_VERSION 1
#define FPM_TYPE_NETLINK 1
#define FPM_FRAME_MAX 65535 /* the length field is 16 bits */
#define FPM_NH_MAX 16	    /* ECMP next hops per route or group */

/* Netlink values (linux/rtnetlink.h, linux/nexthop.h), spelled out so no Linux header is
 * needed. */
#define FPM_RTM_NEWROUTE 24
#define FPM_RTM_DELROUTE 25
#define FPM_RTM_NEWNEXTHOP 104
#define FPM_RTM_DELNEXTHOP 105
#define FPM_RT_TABLE_MAIN 254

/* Parse errors: the frame is dropped and the connection reset. */
#define FPM_ERR_LIST(X)                                                                     \
	X(NONE, "none")                                                                     \
	X(VERSION, "bad-version")       /* FPM header version is not 1 */                   \
	X(TYPE, "bad-type")             /* FPM header type is not netlink */                \
	X(FRAME_LEN, "bad-frame-length") /* FPM length shorter than the header */            \
	X(NL_LEN, "bad-netlink-length") /* nlmsg_len short or past the frame */             \
	X(BODY_LEN, "short-body")       /* rtmsg/nhmsg does not fit the message */          \
	X(ATTR_LEN, "bad-attribute-length") /* rta_len short or past the message */          \
	X(ATTR_VALUE, "bad-attribute-value") /* an attribute with the wrong size */          \
	X(PREFIX_LEN, "bad-prefix-length")  /* IPv4 rtm_dst_len > 32 */                      \
	X(NEXTHOPS, "too-many-nexthops")    /* more than FPM_NH_MAX next hops */             \
	X(NH_LEN, "bad-nexthop-length")     /* rtnh_len short or past RTA_MULTIPATH */

enum fpm_err {
#define FPM_ERR_ENUM(n, s) FPM_ERR_##n,
	FPM_ERR_LIST(FPM_ERR_ENUM)
#undef FPM_ERR_ENUM
	FPM_ERR_MAX
};

/* Why a well-formed message is not used (counted, never an error). */
#define FPM_IGN_LIST(X)                                                                     \
	X(NONE, "none")                                                                     \
	X(MSG_TYPE, "other-message-type") /* not a route or next-hop message */             \
	X(FAMILY, "not-ipv4")             /* IPv6 and others */                             \
	X(TABLE, "other-table")           /* not the main table (VRFs) */                   \
	X(ROUTE_TYPE, "other-route-type") /* local, broadcast, multicast, ... */            \
	X(NO_DST, "no-destination")

enum fpm_ign {
#define FPM_IGN_ENUM(n, s) FPM_IGN_##n,
	FPM_IGN_LIST(FPM_IGN_ENUM)
#undef FPM_IGN_ENUM
	FPM_IGN_MAX
};

enum fpm_msg_kind {
	FPM_MSG_IGNORED = 0,
	FPM_MSG_ROUTE_ADD,  /* RTM_NEWROUTE: add or replace */
	FPM_MSG_ROUTE_DEL,  /* RTM_DELROUTE */
	FPM_MSG_NH_ADD,	    /* RTM_NEWNEXTHOP: add or replace next-hop object id */
	FPM_MSG_NH_DEL,	    /* RTM_DELNEXTHOP */
};

struct fpm_nexthop {
	uint32_t gw;	  /* IPv4 gateway, network order; 0 = none (interface only) */
	uint32_t ifindex; /* 0 = none */
	uint32_t id;	  /* in a group: the member next-hop object id */
	uint8_t weight;	  /* rtnh_hops / group weight, as sent (0 means 1) */
};

struct fpm_msg {
	uint8_t kind;	    /* enum fpm_msg_kind */
	uint8_t ignore;	    /* enum fpm_ign when kind == FPM_MSG_IGNORED */
	uint16_t nl_type;   /* nlmsg_type */
	uint16_t nl_flags;  /* nlmsg_flags */
	uint8_t family;
	uint8_t dst_len;    /* routes */
	uint8_t rtm_type;   /* routes: RTN_* */
	uint8_t protocol;   /* rtm_protocol / nh_protocol (FRR's route type) */
	uint8_t blackhole;  /* a route of type blackhole/unreachable/prohibit, or NHA_BLACKHOLE */
	uint8_t is_group;   /* next-hop object: nh[] lists member ids */
	uint32_t table;
	uint32_t dst;	    /* routes: network order, as sent */
	uint32_t nh_id;	    /* routes: RTA_NH_ID, 0 = none; next-hop objects: NHA_ID */
	uint32_t priority;  /* RTA_PRIORITY (metric) */
	unsigned int n_nh;
	struct fpm_nexthop nh[FPM_NH_MAX];
};

/*
 * The length of the frame at buf (n bytes available): > 0 the whole frame's length (may be
 * more than n: wait for more bytes), 0 when fewer than FPM_HDR_LEN bytes are there, or
 * -enum fpm_err when the header is bad.
 */
int fpm_frame_len(const uint8_t *buf, size_t n);

/*
 * The next netlink message of a frame's payload (the bytes after the FPM header, len of
 * them), from *off. Returns 1 with *msg filled and *off advanced, 0 at the end of the
 * payload, or -enum fpm_err.
 */
int fpm_msg_next(const uint8_t *payload, size_t len, size_t *off, struct fpm_msg *msg);

const char *fpm_err_name(unsigned int err);
const char *fpm_ign_name(unsigned int ign);
/* "add 10.0.0.0/8 via 1.2.3.4 via 5.6.7.8" and the like, for logs and tests. */
int fpm_msg_format(const struct fpm_msg *m, char *buf, size_t len);

#endif
