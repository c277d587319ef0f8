/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NHRP codec on mbufs: build a message at the tail of an mbuf, parse one in place.
 * The codec itself (lib/nhrp_codec.h) stays DPDK-free; only these wrappers see mbufs.
 */
#ifndef HUB_NHRP_MBUF_H
#define HUB_NHRP_MBUF_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "lib/nhrp_codec.h"

/*
 * Append the message to mb's last segment. Returns 0; -ENOSPC when the tailroom is too
 * small (mb unchanged); or the builder's -EINVAL / -EMSGSIZE. The caller keeps headroom
 * for the GRE, IP and Ethernet headers it prepends afterwards.
 */
int nhrp_build_mbuf(const struct nhrp_build_msg *m, struct rte_mbuf *mb);

/*
 * Parse the NHRP packet that starts off bytes into mb and runs to the end of the packet.
 * The view points into the mbuf, so the packet must be contiguous: in a chained mbuf only
 * the first segment is looked at, and NHRP bytes that continue past it are refused as
 * -NHRP_ERR_PKTSZ_OVERRUN (or -NHRP_ERR_TRUNCATED when the fixed header is cut).
 */
int nhrp_parse_mbuf(const struct rte_mbuf *mb, uint32_t off, const struct nhrp_parse_opts *opts,
		    struct nhrp_msg *out);

#endif
