/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include "lib/nhrp_mbuf.h"

int nhrp_build_mbuf(const struct nhrp_build_msg *m, struct rte_mbuf *mb)
{
	struct rte_mbuf *last;
	long need;
	char *p;
	int rc;

	need = nhrp_build_len(m);
	if (need < 0)
		return (int)need;
	last = rte_pktmbuf_lastseg(mb);
	if (need > UINT16_MAX || rte_pktmbuf_tailroom(last) < (uint16_t)need)
		return -ENOSPC;
	p = rte_pktmbuf_append(mb, (uint16_t)need);
	if (!p)
		return -ENOSPC;
	rc = nhrp_build(m, (uint8_t *)p, (size_t)need, NULL);
	if (rc)
		rte_pktmbuf_trim(mb, (uint16_t)need);
	return rc;
}

int nhrp_parse_mbuf(const struct rte_mbuf *mb, uint32_t off, const struct nhrp_parse_opts *opts,
		    struct nhrp_msg *out)
{
	uint32_t seg_len = rte_pktmbuf_data_len(mb);
	uint32_t pkt_len = rte_pktmbuf_pkt_len(mb);
	uint32_t len;

	if (off > pkt_len)
		off = pkt_len;
	len = pkt_len - off;
	if (off >= seg_len) {
		/* Nothing of the NHRP packet in the first segment. */
		return nhrp_parse(NULL, 0, opts, out);
	}
	/* Only the contiguous part is visible: a packet that continues in the next segment
	 * shows up as ar$pktsz past the buffer. allow_trailing keeps its meaning. */
	if (len > seg_len - off)
		len = seg_len - off;
	return nhrp_parse(rte_pktmbuf_mtod_offset(mb, const uint8_t *, off), len, opts, out);
}
