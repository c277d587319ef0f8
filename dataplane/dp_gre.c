/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_memcpy.h>

#include "dataplane/dp_gre.h"
#include "dataplane/dp_inner.h"
#include "lib/drop_reason.h"

int dp_gre_parse(const uint8_t *p, uint16_t len, struct dp_gre_info *g)
{
	return dp_gre_parse_inline(p, len, g);
}

uint16_t dp_gre_write(uint8_t *p, uint16_t proto, bool has_key, uint32_t key)
{
	dp_gre_put_be16(p, has_key ? DP_GRE_F_KEY : 0);
	dp_gre_put_be16(p + 2, proto);
	if (!has_key)
		return DP_GRE_BASE_LEN;
	dp_gre_put_be32(p + 4, key);
	return DP_GRE_BASE_LEN + 4;
}
