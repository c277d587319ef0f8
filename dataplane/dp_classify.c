/* SPDX-License-Identifier: BSD-3-Clause */
#include "dataplane/dp_classify.h"

struct dp_class_result dp_classify(const struct dp_port *port, const struct rte_mbuf *m)
{
	return dp_classify_inline(port, m);
}
