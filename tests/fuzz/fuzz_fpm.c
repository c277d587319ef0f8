/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the FPM parser (lib/fpm_parse.c; built by tests/fuzz/run.sh with ASan
 * and UBSan, no DPDK).
 *
 * Each input is what zebra writes on the FPM TCP connection: frames one after the other,
 * each a 4-byte FPM header and one or more netlink messages. The harness walks it as
 * control/fpm_server.c does: fpm_frame_len() on what is left, stop at an error or at a frame
 * longer than the rest (the server would wait for more bytes), then fpm_msg_next() over the
 * frame until it ends or fails (the server resets the connection on an error). Every frame's
 * payload is copied into a buffer of exactly its size, so a read past the frame (into the
 * next one) is an ASan report and not silently the next frame's bytes.
 *
 * Beyond "no crash, no over-read, no UB", after every call:
 *  - fpm_frame_len: 0 only when fewer than 4 bytes are left, an error is a known one, a
 *    length is the header's (4..65535);
 *  - fpm_msg_next: returns 1, 0 or a known error; the offset only grows, by at least a
 *    netlink header per message, never past the payload; 0 only at the end;
 *  - a message is consistent: IGNORED exactly when it carries an ignore reason; a route is
 *    IPv4, main table, prefix length <= 32, its kind matches its netlink type; at most
 *    FPM_NH_MAX next hops; a non-IPv4 single next hop has no gateway;
 *  - parsing the same payload again gives the same messages;
 *  - fpm_msg_format behaves like snprintf at the edge sizes and writes nothing past the buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fpm_parse.h"

#define FUZZ_ASSERT(c)                                                                          \
	do {                                                                                    \
		if (!(c)) {                                                                     \
			fprintf(stderr, "fuzz_fpm: %s:%d: %s\n", __FILE__, __LINE__, #c);       \
			abort();                                                                \
		}                                                                               \
	} while (0)

#define NL_HDR_LEN 16
#define MSGS_MAX (FPM_FRAME_MAX / NL_HDR_LEN + 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool known_err(int rc)
{
	return rc < 0 && -rc > FPM_ERR_NONE && -rc < FPM_ERR_MAX;
}

/* The bytes of a message that parsing fills (the header fields and the used next hops). */
static size_t msg_used(const struct fpm_msg *m)
{
	return offsetof(struct fpm_msg, nh) + (size_t)m->n_nh * sizeof(m->nh[0]);
}

static void check_msg(const struct fpm_msg *m)
{
	FUZZ_ASSERT(m->kind <= FPM_MSG_NH_DEL);
	FUZZ_ASSERT(m->ignore < FPM_IGN_MAX);
	FUZZ_ASSERT((m->kind == FPM_MSG_IGNORED) == (m->ignore != FPM_IGN_NONE));
	FUZZ_ASSERT(m->n_nh <= FPM_NH_MAX);
	switch (m->kind) {
	case FPM_MSG_ROUTE_ADD:
	case FPM_MSG_ROUTE_DEL:
		FUZZ_ASSERT(m->nl_type == (m->kind == FPM_MSG_ROUTE_ADD ? FPM_RTM_NEWROUTE
									  : FPM_RTM_DELROUTE));
		FUZZ_ASSERT(m->family == 2 && m->dst_len <= 32 && m->table == FPM_RT_TABLE_MAIN);
		FUZZ_ASSERT(!m->is_group);
		break;
	case FPM_MSG_NH_ADD:
	case FPM_MSG_NH_DEL:
		FUZZ_ASSERT(m->nl_type == (m->kind == FPM_MSG_NH_ADD ? FPM_RTM_NEWNEXTHOP
								      : FPM_RTM_DELNEXTHOP));
		if (m->family != 2 && !m->is_group)
			for (unsigned int i = 0; i < m->n_nh; i++)
				FUZZ_ASSERT(m->nh[i].gw == 0);
		break;
	default:
		FUZZ_ASSERT(m->n_nh == 0 || m->nl_type == FPM_RTM_NEWROUTE ||
			    m->nl_type == FPM_RTM_DELROUTE);
		break;
	}
}

/* fpm_msg_format like snprintf: the same length at every size tried (the edges: 0 to 3,
 * half, n - 1 to n + 1), a NUL-terminated prefix of the full text, nothing written past the
 * buffer. */
static void check_format(const struct fpm_msg *m)
{
	static char full[4096], buf[4096 + 8];
	int n = fpm_msg_format(m, full, sizeof(full));
	size_t sizes[8];

	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(full) && strlen(full) == (size_t)n);
	sizes[0] = 0, sizes[1] = 1, sizes[2] = 2, sizes[3] = 3;
	sizes[4] = (size_t)n / 2, sizes[5] = (size_t)n - 1, sizes[6] = (size_t)n;
	sizes[7] = (size_t)n + 1;
	for (unsigned int s = 0; s < 8; s++) {
		size_t sz = sizes[s];

		memset(buf, 0x5a, sz + 8);
		FUZZ_ASSERT(fpm_msg_format(m, buf, sz) == n);
		if (sz > 0) {
			size_t k = sz - 1 < (size_t)n ? sz - 1 : (size_t)n;

			FUZZ_ASSERT(buf[k] == '\0' && memcmp(buf, full, k) == 0);
		}
		for (size_t i = sz; i < sz + 8; i++)
			FUZZ_ASSERT(buf[i] == 0x5a);
	}
}

/* One frame's payload (exactly len bytes of heap): walk it, check every step. */
static void frame_walk(const uint8_t *payload, size_t len)
{
	static struct fpm_msg first[64];
	struct fpm_msg m, again;
	size_t off = 0, off2 = 0, prev;
	unsigned int n = 0;
	int rc, rc2;

	for (;;) {
		FUZZ_ASSERT(n <= MSGS_MAX);
		prev = off;
		rc = fpm_msg_next(payload, len, &off, &m);
		if (rc == 0) {
			FUZZ_ASSERT(off >= len && off == prev);
			break;
		}
		if (rc < 0) {
			FUZZ_ASSERT(known_err(rc));
			break;
		}
		FUZZ_ASSERT(rc == 1);
		FUZZ_ASSERT(off > prev && off - prev >= NL_HDR_LEN && off <= len);
		check_msg(&m);
		if (n < 64)
			memcpy(&first[n], &m, msg_used(&m));
		if (n < 2)
			check_format(&m);
		n++;
	}
	/* The parser keeps no state: a second walk gives the same messages and the same end. */
	for (unsigned int i = 0; i <= n; i++) {
		rc2 = fpm_msg_next(payload, len, &off2, &again);
		if (i == n) {
			FUZZ_ASSERT(rc2 == rc && off2 == off);
			break;
		}
		FUZZ_ASSERT(rc2 == 1);
		if (i < 64)
			FUZZ_ASSERT(memcmp(&first[i], &again, msg_used(&again)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	while (pos < size) {
		int flen = fpm_frame_len(data + pos, size - pos);
		uint8_t *payload;
		size_t plen;

		if (flen == 0) {
			FUZZ_ASSERT(size - pos < FPM_HDR_LEN);
			break;
		}
		FUZZ_ASSERT(size - pos >= FPM_HDR_LEN);
		if (flen < 0) {
			FUZZ_ASSERT(known_err(flen));
			break; /* the server resets the connection */
		}
		FUZZ_ASSERT(flen >= FPM_HDR_LEN && flen <= FPM_FRAME_MAX &&
			    flen == (data[pos + 2] << 8 | data[pos + 3]));
		if ((size_t)flen > size - pos)
			break; /* the server waits for the rest */
		plen = (size_t)flen - FPM_HDR_LEN;
		payload = malloc(plen ? plen : 1);
		FUZZ_ASSERT(payload != NULL);
		memcpy(payload, data + pos + FPM_HDR_LEN, plen);
		frame_walk(payload, plen);
		free(payload);
		pos += (size_t)flen;
	}
	return 0;
}
