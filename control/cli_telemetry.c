/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hub's views for rte_telemetry (dpdk-telemetry.py -f PREFIX): /dmvpn/peers,
 * /dmvpn/stats, /dmvpn/nhrp, /dmvpn/latency.
 *
 * Telemetry callbacks run on the telemetry thread, but every table belongs to the
 * control lcore and changes under it, so the callbacks never read a table: they read a
 * snapshot. The control lcore rebuilds it about once a second in the CLI's poll, scanning
 * the peer table in steps of CLI_TEL_SCAN slots (a million peers take 64 polls), and
 * swaps it in under a mutex it only ever try-locks: if a callback is reading, the swap
 * waits for the next poll, and the control lcore never blocks. rte_telemetry callbacks
 * take no user pointer and cannot be unregistered (DPDK 22.11), hence the one
 * file-scope state below; after cli_telemetry_stop() the commands answer "not running".
 *
 * Telemetry keys allow only letters, digits, '_' and '/', so drop reasons and op codes
 * are named with '_' where the CLI uses '-'. Peers are listed as parallel arrays
 * (tunnel, nbma, type), at most CLI_TEL_PEERS of them: telemetry replies are limited to
 * 16 KiB.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "control/cli_priv.h"
#include "control/ctl_peer.h"
#include "control/ctl_stats.h"
#include "control/nhrp_server.h"
#include "lib/hub_log.h"
#include "lib/nhrp_codec.h"

#define CLI_TEL_SCAN 16384	/* peer slots scanned per poll */
#define CLI_TEL_PEERS 256	/* peers listed by /dmvpn/peers */

struct tel_peer {
	uint32_t tunnel_addr;
	uint32_t nbma;
	uint8_t type; /* enum ctl_peer_type */
};

struct tel_snap {
	uint64_t tsc;			/* when the snapshot was completed */
	uint32_t count[3];		/* peers by enum ctl_peer_type */
	uint32_t listed;
	struct tel_peer peer[CLI_TEL_PEERS];
	struct ctl_totals totals;
	bool has_nhrp;
	struct nhrp_stats nhrp;
	uint64_t mbufs, mbufs_in_use;	/* the packet pool: size, and out of it (not cached) */
	uint64_t heap_alloc_bytes, heap_alloc_count; /* rte_malloc, every socket */
	struct ctl_peer_stats peer_stats; /* update counters, latencies, replica size */
};

struct cli_telemetry {
	struct tel_snap *building;	/* control's, being filled */
	uint64_t cursor;		/* next slot to scan */
	bool scanning;
	bool ready;			/* building is complete, waiting to be swapped in */
	uint64_t next_start;		/* TSC of the next pass */
};

/* Shared with the telemetry thread: the published snapshot, and when a command last
 * asked for one (passes stop 10 s after the last question: nobody pays for telemetry
 * nobody reads). */
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tel_snap *tel_current;
static uint64_t tel_asked;
static bool tel_registered;

#define CLI_TEL_IDLE_S 10

static void asked(void)
{
	__atomic_store_n(&tel_asked, rte_rdtsc(), __ATOMIC_RELAXED);
}

static void name_of(char *dst, size_t len, const char *prefix, const char *name)
{
	size_t i;

	snprintf(dst, len, "%s%s", prefix, name);
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '-')
			dst[i] = '_';
}

static const char *type_name(uint8_t type)
{
	return type == CTL_PEER_STATIC ? "static" : type == CTL_PEER_DYNAMIC ? "dynamic"
									     : "incomplete";
}

static void ip_str(uint32_t addr, char *buf)
{
	const uint8_t *b = (const uint8_t *)&addr;

	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* Every handler's start: note the interest, open the reply, and take the current snapshot
 * with tel_lock held (the caller unlocks). NULL, with the lock released and a "not
 * running" reply, when there is none (or no NHRP server and need_nhrp). */
static const struct tel_snap *snap_acquire(struct rte_tel_data *d, bool need_nhrp)
{
	const struct tel_snap *s;

	asked();
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tel_lock);
	s = tel_current;
	if (s == NULL || (need_nhrp && !s->has_nhrp)) {
		pthread_mutex_unlock(&tel_lock);
		rte_tel_data_add_dict_string(d, "status", "not running");
		return NULL;
	}
	return s;
}

static int tel_peers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *tun = NULL, *nbma = NULL, *type = NULL;
	const struct tel_snap *s;
	char a[16];
	uint32_t i;

	(void)cmd;
	(void)params;
	s = snap_acquire(d, false);
	if (s == NULL)
		return 0;
	tun = rte_tel_data_alloc();
	nbma = rte_tel_data_alloc();
	type = rte_tel_data_alloc();
	if (tun == NULL || nbma == NULL || type == NULL) {
		pthread_mutex_unlock(&tel_lock);
		rte_tel_data_free(tun);
		rte_tel_data_free(nbma);
		rte_tel_data_free(type);
		return -ENOMEM;
	}
	rte_tel_data_start_array(tun, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(nbma, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(type, RTE_TEL_STRING_VAL);
	rte_tel_data_add_dict_u64(d, "total",
				  (uint64_t)s->count[CTL_PEER_STATIC] + s->count[CTL_PEER_DYNAMIC] +
					  s->count[CTL_PEER_INCOMPLETE]);
	rte_tel_data_add_dict_u64(d, "static", s->count[CTL_PEER_STATIC]);
	rte_tel_data_add_dict_u64(d, "dynamic", s->count[CTL_PEER_DYNAMIC]);
	rte_tel_data_add_dict_u64(d, "incomplete", s->count[CTL_PEER_INCOMPLETE]);
	rte_tel_data_add_dict_u64(d, "listed", s->listed);
	rte_tel_data_add_dict_u64(d, "snapshot_age_ms",
				  (rte_rdtsc() - s->tsc) * 1000 / rte_get_tsc_hz());
	for (i = 0; i < s->listed; i++) {
		ip_str(s->peer[i].tunnel_addr, a);
		rte_tel_data_add_array_string(tun, a);
		if (s->peer[i].type == CTL_PEER_INCOMPLETE)
			snprintf(a, sizeof(a), "-");
		else
			ip_str(s->peer[i].nbma, a);
		rte_tel_data_add_array_string(nbma, a);
		rte_tel_data_add_array_string(type, type_name(s->peer[i].type));
	}
	pthread_mutex_unlock(&tel_lock);
	rte_tel_data_add_dict_container(d, "tunnel", tun, 0);
	rte_tel_data_add_dict_container(d, "nbma", nbma, 0);
	rte_tel_data_add_dict_container(d, "type", type, 0);
	return 0;
}

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tel_snap *s;
	char name[64];
	unsigned int r;

	(void)cmd;
	(void)params;
	s = snap_acquire(d, false);
	if (s == NULL)
		return 0;
	rte_tel_data_add_dict_u64(d, "rx", s->totals.rx);
	rte_tel_data_add_dict_u64(d, "rx_bytes", s->totals.rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx", s->totals.tx);
	rte_tel_data_add_dict_u64(d, "tx_bytes", s->totals.tx_bytes);
	rte_tel_data_add_dict_u64(d, "punted", s->totals.punted);
	rte_tel_data_add_dict_u64(d, "forwarded", s->totals.forwarded);
	rte_tel_data_add_dict_u64(d, "hairpin", s->totals.hairpin);
	rte_tel_data_add_dict_u64(d, "redirect_sent", s->totals.redirect_sent);
	rte_tel_data_add_dict_u64(d, "redirect_suppressed", s->totals.redirect_suppressed);
	rte_tel_data_add_dict_u64(d, "drops", s->totals.drops_total);
	for (r = 0; r < HUB_DROP_MAX; r++) {
		name_of(name, sizeof(name), "drop_", hub_drop_name(r));
		rte_tel_data_add_dict_u64(d, name, s->totals.drops[r]);
	}
	/* Cycles by stage of the packet path, with the hub's --stage-cycles (scripts/bench):
	 * stage_cycles_X / stage_pkts is X's share of a received packet's cost. */
	{
		static const char *const stage[DP_STAGE_MAX] = DP_STAGE_NAMES;

		for (r = 0; r < DP_STAGE_MAX; r++) {
			name_of(name, sizeof(name), "stage_cycles_", stage[r]);
			rte_tel_data_add_dict_u64(d, name, s->totals.stage_cycles[r]);
		}
		rte_tel_data_add_dict_u64(d, "stage_pkts", s->totals.stage_pkts);
	}
	/* For leak checks (tests/func/malformed.sh, scripts/soak). */
	rte_tel_data_add_dict_u64(d, "mbufs", s->mbufs);
	rte_tel_data_add_dict_u64(d, "mbufs_in_use", s->mbufs_in_use);
	rte_tel_data_add_dict_u64(d, "heap_alloc_bytes", s->heap_alloc_bytes);
	rte_tel_data_add_dict_u64(d, "heap_alloc_count", s->heap_alloc_count);
	rte_tel_data_add_dict_u64(d, "snapshot_age_ms",
				  (rte_rdtsc() - s->tsc) * 1000 / rte_get_tsc_hz());
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

static int tel_nhrp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tel_snap *s;
	char name[64];
	unsigned int op, r;

	(void)cmd;
	(void)params;
	s = snap_acquire(d, true);
	if (s == NULL)
		return 0;
	for (op = NHRP_OP_MIN; op <= NHRP_OP_MAX; op++) {
		name_of(name, sizeof(name), "rx_", nhrp_op_name(op));
		rte_tel_data_add_dict_u64(d, name, s->nhrp.rx[op]);
		name_of(name, sizeof(name), "tx_", nhrp_op_name(op));
		rte_tel_data_add_dict_u64(d, name, s->nhrp.tx[op]);
		name_of(name, sizeof(name), "dropped_", nhrp_op_name(op));
		rte_tel_data_add_dict_u64(d, name, s->nhrp.rx_drop[op]);
	}
	rte_tel_data_add_dict_u64(d, "rx_unparsed", s->nhrp.rx[0]);
	for (r = 0; r < NHRP_STAT_MAX; r++) {
		name_of(name, sizeof(name), "reason_", nhrp_stat_reason_name(r));
		rte_tel_data_add_dict_u64(d, name, s->nhrp.reason[r]);
	}
	rte_tel_data_add_dict_u64(d, "registered", s->nhrp.registered);
	rte_tel_data_add_dict_u64(d, "refreshed", s->nhrp.refreshed);
	rte_tel_data_add_dict_u64(d, "expired", s->nhrp.expired);
	rte_tel_data_add_dict_u64(d, "purged", s->nhrp.purged);
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

static void add_hist(struct rte_tel_data *d, const char *name, const struct lat_hist *h)
{
	static const struct {
		const char *suffix;
		double q;
	} qs[] = {{"_p50_ns", 0.5}, {"_p90_ns", 0.9}, {"_p99_ns", 0.99}, {"_p999_ns", 0.999}};
	char key[64];
	unsigned int i;

	snprintf(key, sizeof(key), "%s_n", name);
	rte_tel_data_add_dict_u64(d, key, h->n);
	for (i = 0; i < RTE_DIM(qs); i++) {
		snprintf(key, sizeof(key), "%s%s", name, qs[i].suffix);
		rte_tel_data_add_dict_u64(d, key, lat_hist_quantile(h, qs[i].q));
	}
	snprintf(key, sizeof(key), "%s_mean_ns", name);
	rte_tel_data_add_dict_u64(d, key, h->n ? h->sum_ns / h->n : 0);
	snprintf(key, sizeof(key), "%s_max_ns", name);
	rte_tel_data_add_dict_u64(d, key, h->max_ns);
}

/* Control-plane latencies (quantiles are bucket upper bounds, within 6.25 %) and the
 * peer replica's measured size: what ./scripts/bench nhrp-register reports. */
static int tel_latency(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tel_snap *s;

	(void)cmd;
	(void)params;
	s = snap_acquire(d, false);
	if (s == NULL)
		return 0;
	if (s->has_nhrp) {
		add_hist(d, "reg_reply", &s->nhrp.reg_reply);
		rte_tel_data_add_dict_u64(d, "registered", s->nhrp.registered);
		rte_tel_data_add_dict_u64(d, "refreshed", s->nhrp.refreshed);
	}
	add_hist(d, "reg_fwd", &s->peer_stats.reg_fwd);
	add_hist(d, "push_apply", &s->peer_stats.push_apply);
	add_hist(d, "punt_deq", &s->peer_stats.punt_deq);
	add_hist(d, "deq_push", &s->peer_stats.deq_push);
	rte_tel_data_add_dict_u64(d, "untimed", s->peer_stats.untimed);
	rte_tel_data_add_dict_u64(d, "peer_msgs_sent", s->peer_stats.msgs_sent);
	rte_tel_data_add_dict_u64(d, "peer_enqueue_failed", s->peer_stats.enqueue_failed);
	rte_tel_data_add_dict_u64(d, "peer_resyncs", s->peer_stats.resyncs);
	rte_tel_data_add_dict_u64(d, "replica_bytes", s->peer_stats.replica_bytes);
	rte_tel_data_add_dict_u64(d, "replica_slots", s->peer_stats.replica_slots);
	rte_tel_data_add_dict_u64(d, "snapshot_age_ms",
				  (rte_rdtsc() - s->tsc) * 1000 / rte_get_tsc_hz());
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

int cli_telemetry_init(struct cli_server *srv)
{
	struct cli_telemetry *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	t->building = calloc(1, sizeof(*t->building));
	if (t->building == NULL) {
		free(t);
		return -ENOMEM;
	}
	srv->tel = t;
	if (!tel_registered) {
		/* Failing here (telemetry off: --no-telemetry) costs only these views. */
		if (rte_telemetry_register_cmd("/dmvpn/peers", tel_peers,
					       "NHRP peers: counts, and up to 256 (tunnel, nbma, type)") < 0 ||
		    rte_telemetry_register_cmd("/dmvpn/stats", tel_stats,
					       "Packet counters and drops by reason, summed over workers") < 0 ||
		    rte_telemetry_register_cmd("/dmvpn/nhrp", tel_nhrp,
					       "NHRP messages by op code, refusals by reason, bindings") < 0 ||
		    rte_telemetry_register_cmd("/dmvpn/latency", tel_latency,
					       "Registration latencies (ns) and peer replica size") < 0)
			HUB_LOG(WARNING, cli, "telemetry commands not registered");
		tel_registered = true;
	}
	return 0;
}

static void publish(struct cli_telemetry *t)
{
	struct tel_snap *old;

	if (pthread_mutex_trylock(&tel_lock) != 0)
		return; /* a callback is reading: swap at the next poll */
	old = tel_current;
	tel_current = t->building;
	pthread_mutex_unlock(&tel_lock);
	t->building = old != NULL ? old : calloc(1, sizeof(*t->building));
	t->ready = false;
}

unsigned int cli_telemetry_poll(struct cli_server *srv, uint64_t now)
{
	struct cli_telemetry *t = srv->tel;
	struct hub_ctl *ctl = srv->ctl;
	uint32_t slots, scanned = 0;
	struct tel_snap *b;

	if (t == NULL)
		return 0;
	if (t->ready) {
		publish(t);
		return 1;
	}
	if (t->building == NULL) {
		t->building = calloc(1, sizeof(*t->building));
		if (t->building == NULL)
			return 0;
	}
	b = t->building;
	if (!t->scanning) {
		uint64_t q = __atomic_load_n(&tel_asked, __ATOMIC_RELAXED);

		if (now < t->next_start)
			return 0;
		/* The first pass runs at start; later ones while someone asks. */
		if (t->next_start != 0 && now - q > CLI_TEL_IDLE_S * rte_get_tsc_hz())
			return 0;
		memset(b, 0, sizeof(*b));
		t->cursor = 0;
		t->scanning = true;
	}
	slots = ctl_peer_slots(ctl);
	for (; t->cursor < slots && scanned < CLI_TEL_SCAN; t->cursor++, scanned++) {
		const struct ctl_peer *p = ctl_peer_at(ctl, (uint32_t)t->cursor);

		if (p == NULL || p->type > CTL_PEER_DYNAMIC)
			continue;
		b->count[p->type]++;
		if (b->listed < CLI_TEL_PEERS) {
			b->peer[b->listed].tunnel_addr = p->tunnel_addr;
			b->peer[b->listed].nbma = p->nbma_seen != 0 ? p->nbma_seen : p->nbma_addr;
			b->peer[b->listed].type = p->type;
			b->listed++;
		}
	}
	if (t->cursor < slots)
		return 1;
	ctl_stats_sum(ctl, &b->totals);
	b->peer_stats = *ctl_peer_stats(ctl);
	b->has_nhrp = nhrp_server_stats(ctl) != NULL;
	if (b->has_nhrp)
		b->nhrp = *nhrp_server_stats(ctl);
	if (ctl->pool != NULL) {
		b->mbufs = ctl->pool->size;
		b->mbufs_in_use = rte_mempool_in_use_count(ctl->pool);
	}
	for (unsigned int sock = 0; sock < rte_socket_count(); sock++) {
		struct rte_malloc_socket_stats ms;

		if (rte_malloc_get_socket_stats((int)rte_socket_id_by_idx(sock), &ms) == 0) {
			b->heap_alloc_bytes += ms.heap_allocsz_bytes;
			b->heap_alloc_count += ms.alloc_count;
		}
	}
	b->tsc = rte_rdtsc();
	t->scanning = false;
	t->ready = true;
	t->next_start = now + rte_get_tsc_hz();
	publish(t);
	return 1;
}

void cli_telemetry_stop(struct cli_server *srv)
{
	struct cli_telemetry *t = srv->tel;

	if (t == NULL)
		return;
	pthread_mutex_lock(&tel_lock);
	free(tel_current);
	tel_current = NULL;
	pthread_mutex_unlock(&tel_lock);
	free(t->building);
	free(t);
	srv->tel = NULL;
}
