/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "dataplane/dp_inner.h"
#include "lib/drop_reason.h"

/* Cut m down to len bytes, freeing segments that end up empty. len <= pkt_len. */
void dp_inner_trim_to(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m;
	uint32_t keep = len;
	uint16_t nb = 0;

	while (seg != NULL) {
		nb++;
		if (keep <= seg->data_len) {
			seg->data_len = (uint16_t)keep;
			if (seg->next != NULL) {
				rte_pktmbuf_free(seg->next);
				seg->next = NULL;
			}
			break;
		}
		keep -= seg->data_len;
		seg = seg->next;
	}
	m->nb_segs = nb;
	m->pkt_len = len;
}
