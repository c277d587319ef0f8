/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FPM parser (lib/fpm_parse.c) on frames recorded from a real FRR 8.4 zebra
 * (-M dplane_fpm_nl, with and without next-hop objects; tests/data/fpm/README.md says how
 * they were made) and on synthetic frames, malformed ones included. No EAL.
 * Run from the repository root (meson sets the working directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <CUnit/CUnit.h>

#include "lib/fpm_parse.h"
#include "tests/unit/cunit_run.h"

#define REC_NHG "tests/data/fpm/zebra-nhg.bin"
#define REC_NONHG "tests/data/fpm/zebra-nonhg.bin"
#define MAX_MSGS 64

static uint32_t ip(const char *s)
{
	struct in_addr a;

	CU_ASSERT_FATAL(inet_pton(AF_INET, s, &a) == 1);
	return a.s_addr;
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/* Parse a whole stream: every message into out[], returns the count or -err. */
static int parse_stream(const uint8_t *buf, size_t n, struct fpm_msg *out, int max,
			int *frames)
{
	size_t pos = 0;
	int count = 0;

	*frames = 0;
	while (pos < n) {
		int flen = fpm_frame_len(buf + pos, n - pos);
		size_t off = 0;
		int rc;

		if (flen <= 0)
			return flen == 0 ? -100 : flen;
		if ((size_t)flen > n - pos)
			return -101; /* truncated stream */
		(*frames)++;
		while ((rc = fpm_msg_next(buf + pos + FPM_HDR_LEN, (size_t)flen - FPM_HDR_LEN, &off,
					  &out[count < max ? count : max - 1])) == 1)
			count++;
		if (rc < 0)
			return rc;
		pos += (size_t)flen;
	}
	return count;
}

static const struct fpm_msg *find_route(const struct fpm_msg *m, int n, int kind,
					const char *dst, uint8_t len)
{
	for (int i = 0; i < n; i++)
		if (m[i].kind == kind && m[i].dst == ip(dst) && m[i].dst_len == len)
			return &m[i];
	return NULL;
}

static const struct fpm_msg *find_nh(const struct fpm_msg *m, int n, int kind, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (m[i].kind == kind && m[i].nh_id == id)
			return &m[i];
	return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Recorded frames */

static void test_fpm_parses_recorded_zebra_with_nexthop_objects(void)
{
	static uint8_t buf[8192];
	static struct fpm_msg m[MAX_MSGS];
	size_t n = read_file(REC_NHG, buf, sizeof(buf));
	const struct fpm_msg *r;
	int frames, count, i, ign = 0;

	count = parse_stream(buf, n, m, MAX_MSGS, &frames);
	CU_ASSERT_EQUAL_FATAL(count, 26);
	CU_ASSERT_EQUAL(frames, 25); /* one frame carries a DELROUTE and a NEWROUTE */
	/* 77.0.0.0/8 via 10.9.0.6 and 10.9.1.7: a group (23) of objects 17 and 24. */
	r = find_nh(m, count, FPM_MSG_NH_ADD, 23);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->is_group);
	CU_ASSERT_EQUAL(r->n_nh, 2);
	CU_ASSERT_EQUAL(r->nh[0].id, 17);
	CU_ASSERT_EQUAL(r->nh[1].id, 24);
	CU_ASSERT_EQUAL(r->nh[0].weight, 1);
	r = find_nh(m, count, FPM_MSG_NH_ADD, 17);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(!r->is_group);
	CU_ASSERT_EQUAL(r->n_nh, 1);
	CU_ASSERT_EQUAL(r->nh[0].gw, ip("10.9.0.6"));
	CU_ASSERT_EQUAL(r->nh[0].ifindex, 3);
	r = find_nh(m, count, FPM_MSG_NH_ADD, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->blackhole);
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "77.0.0.0", 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->nh_id, 23);
	CU_ASSERT_EQUAL(r->n_nh, 0);
	CU_ASSERT_EQUAL(r->table, FPM_RT_TABLE_MAIN);
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "0.0.0.0", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->nh_id, 25);
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "99.99.0.0", 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->blackhole);
	/* Connected routes come too, with an interface-only next hop (object 3). */
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "10.9.0.0", 24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->nh_id, 3);
	CU_ASSERT_PTR_NOT_NULL(find_route(m, count, FPM_MSG_ROUTE_DEL, "88.88.88.0", 24));
	CU_ASSERT_PTR_NOT_NULL(find_nh(m, count, FPM_MSG_NH_DEL, 18));
	/* The replacement of 77/8 after one of its next hops went: delete, then add via 17. */
	for (i = 0; i < count; i++)
		if (m[i].kind == FPM_MSG_IGNORED) {
			ign++;
			CU_ASSERT_EQUAL(m[i].ignore, FPM_IGN_FAMILY); /* the IPv6 link-local route */
		}
	CU_ASSERT_EQUAL(ign, 1);
	r = &m[count - 3];
	CU_ASSERT_EQUAL(r->kind, FPM_MSG_ROUTE_ADD);
	CU_ASSERT_EQUAL(r->dst, ip("77.0.0.0"));
	CU_ASSERT_EQUAL(r->nh_id, 17);
	CU_ASSERT_EQUAL(m[count - 4].kind, FPM_MSG_ROUTE_DEL);
}

static void test_fpm_parses_recorded_zebra_multipath(void)
{
	static uint8_t buf[8192];
	static struct fpm_msg m[MAX_MSGS];
	size_t n = read_file(REC_NONHG, buf, sizeof(buf));
	const struct fpm_msg *r;
	char line[256];
	int frames, count;

	count = parse_stream(buf, n, m, MAX_MSGS, &frames);
	CU_ASSERT_EQUAL_FATAL(count, 11);
	CU_ASSERT_EQUAL(frames, 10);
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "77.0.0.0", 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->nh_id, 0);
	CU_ASSERT_EQUAL_FATAL(r->n_nh, 2);
	CU_ASSERT_EQUAL(r->nh[0].gw, ip("10.9.0.6"));
	CU_ASSERT_EQUAL(r->nh[0].ifindex, 3);
	CU_ASSERT_EQUAL(r->nh[1].gw, ip("10.9.1.7"));
	CU_ASSERT_EQUAL(r->nh[1].ifindex, 5);
	fpm_msg_format(r, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "add 77.0.0.0/8 via 10.9.0.6 via 10.9.1.7");
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "0.0.0.0", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->n_nh, 1);
	CU_ASSERT_EQUAL(r->nh[0].gw, ip("10.9.1.254"));
	CU_ASSERT_EQUAL(r->priority, 20);
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "10.9.1.0", 24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->nh[0].gw, 0);
	CU_ASSERT_EQUAL(r->nh[0].ifindex, 5);
	r = find_route(m, count, FPM_MSG_ROUTE_ADD, "99.99.0.0", 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->blackhole);
	fpm_msg_format(r, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "add 99.99.0.0/16 blackhole");
	r = &m[count - 1];
	CU_ASSERT_EQUAL(r->kind, FPM_MSG_ROUTE_ADD);
	CU_ASSERT_EQUAL(r->n_nh, 1);
	CU_ASSERT_EQUAL(r->nh[0].gw, ip("10.9.0.6"));
}

/* Every prefix of the recorded stream and every one-byte change of it parses to messages
 * or a named error, and never reads outside the buffer (run under ASan in the sanitizer
 * build). */
static void test_fpm_survives_truncation_and_mutation(void)
{
	static uint8_t buf[8192], mut[8192];
	static struct fpm_msg m[MAX_MSGS];
	size_t n = read_file(REC_NONHG, buf, sizeof(buf));
	unsigned int seed = 12345, errors = 0;
	int frames, rc;

	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, buf, cut);
		rc = parse_stream(copy, cut, m, MAX_MSGS, &frames);
		CU_ASSERT(rc >= -101 && rc < MAX_MSGS);
		free(copy);
	}
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(mut, buf, n);
		for (int k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			mut[(seed >> 8) % n] = (uint8_t)(seed >> 24);
		}
		rc = parse_stream(mut, n, m, MAX_MSGS, &frames);
		if (rc < 0)
			errors++;
		CU_ASSERT(rc < MAX_MSGS);
	}
	CU_ASSERT(errors > 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Synthetic frames */

struct fb {
	uint8_t b[4096];
	size_t n;
	size_t nl_start; /* the open netlink message */
	size_t nest;	 /* the open nested attribute */
};

static void put(struct fb *f, const void *p, size_t len)
{
	CU_ASSERT_FATAL(f->n + len <= sizeof(f->b));
	memcpy(f->b + f->n, p, len);
	f->n += len;
}

static void pad(struct fb *f)
{
	while (f->n % 4)
		f->b[f->n++] = 0;
}

static void frame_begin(struct fb *f)
{
	memset(f, 0, sizeof(*f));
	f->b[0] = FPM_VERSION;
	f->b[1] = FPM_TYPE_NETLINK;
	f->n = FPM_HDR_LEN;
}

static void frame_end(struct fb *f)
{
	f->b[2] = (uint8_t)(f->n >> 8);
	f->b[3] = (uint8_t)f->n;
}

static void nl_begin(struct fb *f, uint16_t type)
{
	uint32_t z = 0;
	uint16_t flags = 0x501;

	f->nl_start = f->n;
	put(f, &z, 4);
	put(f, &type, 2);
	put(f, &flags, 2);
	put(f, &z, 4);
	put(f, &z, 4);
}

static void nl_end(struct fb *f)
{
	uint32_t len = (uint32_t)(f->n - f->nl_start);

	memcpy(f->b + f->nl_start, &len, 4);
	pad(f);
}

static void rtmsg(struct fb *f, uint8_t family, uint8_t dst_len, uint8_t type)
{
	uint8_t r[12] = {family, dst_len, 0, 0, FPM_RT_TABLE_MAIN, 186, 0, type};

	put(f, r, sizeof(r));
}

static void rta(struct fb *f, uint16_t type, const void *v, size_t len)
{
	uint16_t l = (uint16_t)(4 + len);

	put(f, &l, 2);
	put(f, &type, 2);
	put(f, v, len);
	pad(f);
}

static void rta_u32(struct fb *f, uint16_t type, uint32_t v)
{
	rta(f, type, &v, 4);
}

static void route(struct fb *f, uint16_t nl_type, const char *dst, uint8_t len, const char *gw)
{
	uint32_t d = ip(dst);

	nl_begin(f, nl_type);
	rtmsg(f, 2, len, 1);
	rta(f, 1, &d, 4);
	if (gw != NULL) {
		uint32_t g = ip(gw);

		rta(f, 5, &g, 4);
	}
	nl_end(f);
}

static int parse_one_frame(struct fb *f, struct fpm_msg *m, int max)
{
	int frames;

	return parse_stream(f->b, f->n, m, max, &frames);
}

static void test_fpm_several_messages_per_frame(void)
{
	struct fb f;
	struct fpm_msg m[8];

	frame_begin(&f);
	route(&f, FPM_RTM_NEWROUTE, "66.66.66.0", 24, "192.168.1.6");
	route(&f, FPM_RTM_NEWROUTE, "88.88.88.0", 24, "192.168.1.8");
	route(&f, FPM_RTM_DELROUTE, "66.66.66.0", 24, NULL);
	frame_end(&f);
	CU_ASSERT_EQUAL_FATAL(parse_one_frame(&f, m, 8), 3);
	CU_ASSERT_EQUAL(m[0].kind, FPM_MSG_ROUTE_ADD);
	CU_ASSERT_EQUAL(m[0].nh[0].gw, ip("192.168.1.6"));
	CU_ASSERT_EQUAL(m[1].dst, ip("88.88.88.0"));
	CU_ASSERT_EQUAL(m[2].kind, FPM_MSG_ROUTE_DEL);
	CU_ASSERT_EQUAL(m[2].dst_len, 24);
}

static void test_fpm_frame_header_checks(void)
{
	uint8_t h[4] = {1, 1, 0, 4};

	CU_ASSERT_EQUAL(fpm_frame_len(h, 3), 0);
	CU_ASSERT_EQUAL(fpm_frame_len(h, 4), 4);
	h[0] = 2;
	CU_ASSERT_EQUAL(fpm_frame_len(h, 4), -FPM_ERR_VERSION);
	h[0] = 1;
	h[1] = 2; /* protobuf */
	CU_ASSERT_EQUAL(fpm_frame_len(h, 4), -FPM_ERR_TYPE);
	h[1] = 1;
	h[3] = 3;
	CU_ASSERT_EQUAL(fpm_frame_len(h, 4), -FPM_ERR_FRAME_LEN);
	h[2] = 0xff;
	h[3] = 0xff;
	CU_ASSERT_EQUAL(fpm_frame_len(h, 4), 65535);
}

static void test_fpm_rejects_bad_netlink_length(void)
{
	struct fb f;
	struct fpm_msg m[4];
	uint32_t len;

	frame_begin(&f);
	route(&f, FPM_RTM_NEWROUTE, "10.0.0.0", 8, "192.168.1.6");
	frame_end(&f);
	len = 15;
	memcpy(f.b + 4, &len, 4);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NL_LEN);
	len = (uint32_t)(f.n - 4 + 4);
	memcpy(f.b + 4, &len, 4);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NL_LEN);
	/* Trailing bytes too few for a netlink header. */
	frame_begin(&f);
	route(&f, FPM_RTM_NEWROUTE, "10.0.0.0", 8, "192.168.1.6");
	put(&f, "\0\0\0\0\0\0\0\0", 8);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NL_LEN);
}

static void test_fpm_rejects_short_rtmsg(void)
{
	struct fb f;
	struct fpm_msg m[4];

	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWROUTE);
	put(&f, "\2\30\0\0", 4);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_BODY_LEN);
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWNEXTHOP);
	put(&f, "\2\0\0\0", 4);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_BODY_LEN);
}

static void test_fpm_rejects_bad_attribute_lengths(void)
{
	struct fb f;
	struct fpm_msg m[4];
	uint32_t d = ip("10.0.0.0");
	uint16_t bad;

	/* rta_len 2: shorter than its own header */
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 2, 8, 1);
	rta(&f, 1, &d, 4);
	bad = 2;
	memcpy(f.b + f.n - 8, &bad, 2);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_ATTR_LEN);
	/* rta_len past the message */
	bad = 40;
	memcpy(f.b + f.n - 8, &bad, 2);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_ATTR_LEN);
	/* RTA_DST of 3 bytes for IPv4 */
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 2, 8, 1);
	rta(&f, 1, &d, 3);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_ATTR_VALUE);
	/* RTA_TABLE of 2 bytes */
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 2, 8, 1);
	rta(&f, 15, &d, 2);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_ATTR_VALUE);
}

static void test_fpm_rejects_prefix_longer_than_32(void)
{
	struct fb f;
	struct fpm_msg m[4];

	frame_begin(&f);
	route(&f, FPM_RTM_NEWROUTE, "10.0.0.0", 33, "192.168.1.6");
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_PREFIX_LEN);
}

/* RTA_MULTIPATH with n next hops via 192.168.1.(10+i). */
static void multipath_route(struct fb *f, unsigned int n, uint16_t bad_rtnh_len)
{
	uint8_t mp[1024];
	size_t len = 0;
	uint32_t d = ip("77.0.0.0");

	for (unsigned int i = 0; i < n; i++) {
		uint16_t rl = bad_rtnh_len && i == n - 1 ? bad_rtnh_len : 16, al = 8, at = 5;
		uint32_t ifx = 7, g = htonl(0xc0a8010a + i);

		memcpy(mp + len, &rl, 2);
		mp[len + 2] = 0;
		mp[len + 3] = 0;
		memcpy(mp + len + 4, &ifx, 4);
		memcpy(mp + len + 8, &al, 2);
		memcpy(mp + len + 10, &at, 2);
		memcpy(mp + len + 12, &g, 4);
		len += 16;
	}
	frame_begin(f);
	nl_begin(f, FPM_RTM_NEWROUTE);
	rtmsg(f, 2, 8, 1);
	rta(f, 1, &d, 4);
	rta(f, 9 | 0x8000, mp, len);
	nl_end(f);
	frame_end(f);
}

static void test_fpm_multipath_bounds(void)
{
	struct fb f;
	struct fpm_msg m[4];

	multipath_route(&f, FPM_NH_MAX, 0);
	CU_ASSERT_EQUAL_FATAL(parse_one_frame(&f, m, 4), 1);
	CU_ASSERT_EQUAL(m[0].n_nh, FPM_NH_MAX);
	CU_ASSERT_EQUAL(m[0].nh[FPM_NH_MAX - 1].gw, htonl(0xc0a8010a + FPM_NH_MAX - 1));
	multipath_route(&f, FPM_NH_MAX + 1, 0);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NEXTHOPS);
	multipath_route(&f, 3, 4);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NH_LEN);
	multipath_route(&f, 3, 40);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NH_LEN);
}

static void test_fpm_nexthop_group_checks(void)
{
	struct fb f;
	struct fpm_msg m[4];
	uint8_t grp[8 * (FPM_NH_MAX + 1)] = {0};

	for (unsigned int i = 0; i <= FPM_NH_MAX; i++)
		grp[i * 8] = (uint8_t)(i + 1);
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWNEXTHOP);
	put(&f, "\0\0\13\0\0\0\0\0", 8);
	rta_u32(&f, 1, 99);
	rta(&f, 2, grp, 8 * 3);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL_FATAL(parse_one_frame(&f, m, 4), 1);
	CU_ASSERT_EQUAL(m[0].kind, FPM_MSG_NH_ADD);
	CU_ASSERT_EQUAL(m[0].nh_id, 99);
	CU_ASSERT(m[0].is_group);
	CU_ASSERT_EQUAL(m[0].n_nh, 3);
	CU_ASSERT_EQUAL(m[0].nh[2].id, 3);
	/* 12 bytes: not a whole number of entries */
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWNEXTHOP);
	put(&f, "\0\0\13\0\0\0\0\0", 8);
	rta(&f, 2, grp, 12);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_ATTR_VALUE);
	/* more members than FPM_NH_MAX */
	frame_begin(&f);
	nl_begin(&f, FPM_RTM_NEWNEXTHOP);
	put(&f, "\0\0\13\0\0\0\0\0", 8);
	rta(&f, 2, grp, sizeof(grp));
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL(parse_one_frame(&f, m, 4), -FPM_ERR_NEXTHOPS);
}

static void test_fpm_ignores_what_it_does_not_use(void)
{
	struct fb f;
	struct fpm_msg m[8];
	uint32_t d = ip("10.0.0.0");
	uint8_t d6[16] = {0x20, 0x01, 0x0d, 0xb8};

	frame_begin(&f);
	/* IPv6 route */
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 10, 32, 1);
	rta(&f, 1, d6, 16);
	nl_end(&f);
	/* another table */
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 2, 8, 1);
	rta(&f, 1, &d, 4);
	rta_u32(&f, 15, 1000);
	nl_end(&f);
	/* a local route */
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 2, 8, 2);
	rta(&f, 1, &d, 4);
	nl_end(&f);
	/* a neighbour message */
	nl_begin(&f, 28);
	put(&f, "\2\0\0\0\0\0\0\0\0\0\0\0", 12);
	nl_end(&f);
	/* no RTA_DST with a non-zero length */
	nl_begin(&f, FPM_RTM_NEWROUTE);
	rtmsg(&f, 2, 8, 1);
	nl_end(&f);
	frame_end(&f);
	CU_ASSERT_EQUAL_FATAL(parse_one_frame(&f, m, 8), 5);
	CU_ASSERT_EQUAL(m[0].kind, FPM_MSG_IGNORED);
	CU_ASSERT_EQUAL(m[0].ignore, FPM_IGN_FAMILY);
	CU_ASSERT_EQUAL(m[1].ignore, FPM_IGN_TABLE);
	CU_ASSERT_EQUAL(m[2].ignore, FPM_IGN_ROUTE_TYPE);
	CU_ASSERT_EQUAL(m[3].ignore, FPM_IGN_MSG_TYPE);
	CU_ASSERT_EQUAL(m[4].ignore, FPM_IGN_NO_DST);
	CU_ASSERT_STRING_EQUAL(fpm_ign_name(FPM_IGN_TABLE), "other-table");
	CU_ASSERT_STRING_EQUAL(fpm_err_name(FPM_ERR_NL_LEN), "bad-netlink-length");
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"test_fpm_parses_recorded_zebra_with_nexthop_objects",
		 test_fpm_parses_recorded_zebra_with_nexthop_objects},
		{"test_fpm_parses_recorded_zebra_multipath", test_fpm_parses_recorded_zebra_multipath},
		{"test_fpm_survives_truncation_and_mutation", test_fpm_survives_truncation_and_mutation},
		{"test_fpm_several_messages_per_frame", test_fpm_several_messages_per_frame},
		{"test_fpm_frame_header_checks", test_fpm_frame_header_checks},
		{"test_fpm_rejects_bad_netlink_length", test_fpm_rejects_bad_netlink_length},
		{"test_fpm_rejects_short_rtmsg", test_fpm_rejects_short_rtmsg},
		{"test_fpm_rejects_bad_attribute_lengths", test_fpm_rejects_bad_attribute_lengths},
		{"test_fpm_rejects_prefix_longer_than_32", test_fpm_rejects_prefix_longer_than_32},
		{"test_fpm_multipath_bounds", test_fpm_multipath_bounds},
		{"test_fpm_nexthop_group_checks", test_fpm_nexthop_group_checks},
		{"test_fpm_ignores_what_it_does_not_use", test_fpm_ignores_what_it_does_not_use},
	};
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("fpm", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	return hub_cunit_run();
}
