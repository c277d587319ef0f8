/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>

#include "control/nhrp_stats.h"
#include "lib/nhrp_codec.h"

static const char *const reason_names[NHRP_STAT_MAX] = {
#define NHRP_STAT_NAME(sym, name) [NHRP_STAT_##sym] = name,
	NHRP_STAT_REASONS(NHRP_STAT_NAME)
#undef NHRP_STAT_NAME
};

const char *nhrp_stat_reason_name(unsigned int reason)
{
	return reason < NHRP_STAT_MAX ? reason_names[reason] : "unknown";
}

static unsigned int op_index(unsigned int op)
{
	return op <= NHRP_OP_MAX ? op : 0;
}

void nhrp_stats_drop(struct nhrp_stats *st, unsigned int op, enum nhrp_stat_reason reason)
{
	st->rx_drop[op_index(op)]++;
	if ((unsigned int)reason < NHRP_STAT_MAX)
		st->reason[reason]++;
}

void nhrp_stats_rx(struct nhrp_stats *st, unsigned int op)
{
	st->rx[op_index(op)]++;
}

void nhrp_stats_tx(struct nhrp_stats *st, unsigned int op)
{
	st->tx[op_index(op)]++;
}

void nhrp_stats_write(const struct nhrp_stats *st, FILE *out)
{
	unsigned int i;

	for (i = 0; i <= NHRP_OP_MAX; i++) {
		const char *name = i == 0 ? "unparsed" : nhrp_op_name(i);

		if (st->rx[i] || st->tx[i] || st->rx_drop[i])
			fprintf(out, "nhrp %s: rx %" PRIu64 " tx %" PRIu64 " dropped %" PRIu64 "\n",
				name, st->rx[i], st->tx[i], st->rx_drop[i]);
	}
	for (i = 0; i < NHRP_STAT_MAX; i++)
		if (st->reason[i])
			fprintf(out, "nhrp drop %s: %" PRIu64 "\n", reason_names[i], st->reason[i]);
	fprintf(out, "nhrp bindings: registered %" PRIu64 " refreshed %" PRIu64 " expired %" PRIu64
		     " purged %" PRIu64 "\n",
		st->registered, st->refreshed, st->expired, st->purged);
	fprintf(out, "nhrp resolution: answered %" PRIu64 " forwarded %" PRIu64 " negative %" PRIu64
		     " relayed %" PRIu64 "; purges sent %" PRIu64 " replies %" PRIu64 "\n",
		st->res_answered, st->res_forwarded, st->res_negative, st->res_relayed,
		st->purges_sent, st->purge_replies);
}
