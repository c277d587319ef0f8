/* SPDX-License-Identifier: BSD-3-Clause */
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "dataplane/dp_frag.h"

static_assert(RTE_PKTMBUF_HEADROOM >= DP_FRAG_HEADROOM_MIN,
              "fragments need headroom for GRE and ESP encapsulation");

#define FRAG_HDR_MAX 60

/*
 * The header of every fragment after the first: the fixed part plus only the options with
 * the copied flag (RFC 791 3.1), padded with EOL to a 32-bit boundary. Returns its length,
 * or 0 when the options are malformed.
 */
static uint16_t frag_hdr_rest(const uint8_t *hdr, uint16_t ihl, uint8_t *rest)
{
	uint16_t i = sizeof(struct rte_ipv4_hdr), n = sizeof(struct rte_ipv4_hdr);

	memcpy(rest, hdr, sizeof(struct rte_ipv4_hdr));
	while (i < ihl) {
		const uint8_t type = hdr[i];
		uint8_t olen;

		if (type == RTE_IPV4_HDR_OPT_EOL)
			break;
		if (type == RTE_IPV4_HDR_OPT_NOP) {
			i++; /* NOP's copied flag is 0: first fragment only */
			continue;
		}
		if (i + 1 >= ihl)
			return 0;
		olen = hdr[i + 1];
		if (olen < 2 || i + olen > ihl)
			return 0;
		if (RTE_IPV4_HDR_OPT_COPIED(type)) {
			memcpy(rest + n, hdr + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n & 3)
		rest[n++] = RTE_IPV4_HDR_OPT_EOL;
	rest[0] = (uint8_t)(0x40 | (n / 4));
	return n;
}

int dp_frag_ipv4(struct rte_mbuf *m, uint16_t mtu, struct rte_mempool *direct,
                 struct rte_mempool *indirect, struct rte_mbuf **out, uint16_t n_out)
{
	uint8_t hdr[FRAG_HDR_MAX], rest[FRAG_HDR_MAX];
	const struct rte_ipv4_hdr *ip;
	uint16_t ihl, rest_len, total, payload, first_max, next_max, frag_field, orig_units;
	uint32_t n_frag, off;
	bool orig_mf;
	int ret;
	uint16_t k;

	RTE_SET_USED(indirect);
	ret = -EINVAL;
	if (rte_pktmbuf_data_len(m) < sizeof(*ip))
		goto fail;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	ihl = rte_ipv4_hdr_len(ip);
	total = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || rte_pktmbuf_data_len(m) < ihl ||
	    total < ihl || rte_pktmbuf_pkt_len(m) < total)
		goto fail;
	if (total <= mtu) {
		if (n_out == 0) {
			ret = -E2BIG;
			goto fail;
		}
		out[0] = m;
		return 1;
	}
	frag_field = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag_field & RTE_IPV4_HDR_DF_FLAG) {
		ret = -EMSGSIZE;
		goto fail;
	}
	memcpy(hdr, ip, ihl);
	rest_len = frag_hdr_rest(hdr, ihl, rest);
	if (rest_len == 0)
		goto fail;
	/* Every fragment but the last carries a multiple of 8 payload bytes (RFC 791 3.2). */
	if (mtu < ihl + 8 || mtu < rest_len + 8 ||
	    rte_pktmbuf_data_room_size(direct) < RTE_PKTMBUF_HEADROOM + mtu)
		goto fail;
	first_max = (uint16_t)((mtu - ihl) & ~7u);
	next_max = (uint16_t)((mtu - rest_len) & ~7u);
	payload = total - ihl;
	n_frag = 1 + (payload - first_max + next_max - 1) / next_max;
	orig_units = frag_field & RTE_IPV4_HDR_OFFSET_MASK;
	orig_mf = (frag_field & RTE_IPV4_HDR_MF_FLAG) != 0;
	/* The last fragment's offset must still fit the 13-bit field. */
	if (orig_units + (uint32_t)(payload - 1) / 8 > RTE_IPV4_HDR_OFFSET_MASK)
		goto fail;
	if (n_frag > n_out) {
		ret = -E2BIG;
		goto fail;
	}
	if (rte_pktmbuf_alloc_bulk(direct, out, n_frag) != 0) {
		ret = -ENOMEM;
		goto fail;
	}

	off = 0;
	for (k = 0; k < n_frag; k++) {
		struct rte_mbuf *f = out[k];
		const uint8_t *h = k == 0 ? hdr : rest;
		const uint16_t hlen = k == 0 ? ihl : rest_len;
		const uint16_t dlen =
		    (uint16_t)RTE_MIN((uint32_t)(k == 0 ? first_max : next_max), payload - off);
		const bool last = off + dlen == payload;
		struct rte_ipv4_hdr *fip;
		uint8_t *p;
		const void *src;
		uint16_t field;

		/* Cannot fail: the pool's buffers hold mtu bytes after the headroom (checked
		 * above) and m holds total bytes. */
		p = (uint8_t *)rte_pktmbuf_append(f, hlen + dlen);
		memcpy(p, h, hlen);
		src = rte_pktmbuf_read(m, ihl + off, dlen, p + hlen);
		if (src != p + hlen)
			memcpy(p + hlen, src, dlen);

		fip = (struct rte_ipv4_hdr *)p;
		/* Keep the reserved flag bit as received; MF on all but the last, and on the
		 * last too when the original was not the end of its datagram. */
		field =
		    (uint16_t)((frag_field & ~(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) |
		               (orig_units + off / 8));
		if (!last || orig_mf)
			field |= RTE_IPV4_HDR_MF_FLAG;
		fip->fragment_offset = rte_cpu_to_be_16(field);
		fip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + dlen));
		fip->hdr_checksum = 0;
		fip->hdr_checksum = rte_ipv4_cksum(fip);

		f->port = m->port;
		f->packet_type = m->packet_type;
		f->l3_len = hlen;
		rte_mbuf_dynfield_copy(f, m);
		off += dlen;
	}
	rte_pktmbuf_free(m);
	return (int)n_frag;

fail:
	rte_pktmbuf_free(m);
	return ret;
}
