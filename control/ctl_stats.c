/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "control/ctl_stats.h"
#include "lib/hub_log.h"

void ctl_stats_sum(const struct hub_ctl *ctl, struct ctl_totals *t)
{
	unsigned int w, p, r;

	memset(t, 0, sizeof(*t));
	for (w = 0; w < ctl->n_workers && ctl->workers[w] != NULL; w++) {
		const struct dp_worker_stats *s = &ctl->workers[w]->stats;

		for (p = 0; p < ctl->n_ports; p++) {
			uint16_t id = ctl->ports[p].port_id;

			t->rx += s->port_rx[id];
			t->rx_bytes += s->port_rx_bytes[id];
			t->tx += s->port_tx[id];
			t->tx_bytes += s->port_tx_bytes[id];
		}
		t->punted += s->punted;
		t->forwarded += s->forwarded;
		t->hairpin += s->hairpin;
		t->redirect_sent += s->redirect_sent;
		t->redirect_suppressed += s->redirect_suppressed;
		for (r = 0; r < HUB_DROP_MAX; r++)
			t->drops[r] += s->drops[r];
		for (r = 0; r < DP_STAGE_MAX; r++)
			t->stage_cycles[r] += s->stage_cycles[r];
		t->stage_pkts += s->stage_pkts;
	}
	for (r = 0; r < HUB_DROP_MAX; r++) {
		t->drops[r] += ctl->drops[r];
		t->drops_total += t->drops[r];
	}
}

void ctl_stats_write(const struct hub_ctl *ctl, FILE *out)
{
	struct ctl_totals t;
	unsigned int w, p, r;

	for (p = 0; p < ctl->n_ports; p++) {
		const struct ctl_port *cp = &ctl->ports[p];
		uint64_t rx = 0, tx = 0;
		struct rte_eth_stats es;

		for (w = 0; w < ctl->n_workers && ctl->workers[w] != NULL; w++) {
			rx += ctl->workers[w]->stats.port_rx[cp->port_id];
			tx += ctl->workers[w]->stats.port_tx[cp->port_id];
		}
		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(cp->port_id, &es);
		fprintf(out,
			"port %s: rx %" PRIu64 " tx %" PRIu64 " control-tx %" PRIu64
			" (device: ipackets %" PRIu64 " opackets %" PRIu64 " imissed %" PRIu64
			" ierrors %" PRIu64 " oerrors %" PRIu64 ")\n",
			cp->cfg->name, rx, tx, cp->ctl_tx, es.ipackets, es.opackets, es.imissed,
			es.ierrors, es.oerrors);
	}
	for (w = 0; w < ctl->n_workers && ctl->workers[w] != NULL; w++) {
		const struct dp_worker_stats *s = &ctl->workers[w]->stats;
		uint64_t rx = 0, tx = 0, drops = 0;

		for (p = 0; p < ctl->n_ports; p++) {
			rx += s->port_rx[ctl->ports[p].port_id];
			tx += s->port_tx[ctl->ports[p].port_id];
		}
		for (r = 0; r < HUB_DROP_MAX; r++)
			drops += s->drops[r];
		fprintf(out,
			"worker %u (lcore %u): rx %" PRIu64 " tx %" PRIu64 " punted %" PRIu64
			" drops %" PRIu64 " loops %" PRIu64 " busy-loops %" PRIu64 "\n",
			w, ctl->workers[w]->lcore_id, rx, tx, s->punted, drops, s->loops,
			s->busy_loops);
	}
	fprintf(out, "control: nhrp-rx %" PRIu64 " redirect-triggers %" PRIu64 "\n", ctl->nhrp_rx,
		ctl->redirect_rx);
	ctl_stats_sum(ctl, &t);
	fprintf(out, "total: forwarded %" PRIu64 " hairpin %" PRIu64 " redirect-sent %" PRIu64
		" redirect-suppressed %" PRIu64 "\n", t.forwarded, t.hairpin, t.redirect_sent,
		t.redirect_suppressed);
	for (r = 0; r < HUB_DROP_MAX; r++)
		if (t.drops[r] != 0)
			fprintf(out, "drop %s: %" PRIu64 "\n", hub_drop_name(r), t.drops[r]);
}

void ctl_stats_log(const struct hub_ctl *ctl)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return;
	ctl_stats_write(ctl, f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		HUB_LOG(INFO, main, "%s", line);
	free(buf);
}
