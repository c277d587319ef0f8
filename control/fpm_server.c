/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FPM server (control/fpm_server.h): one listener, one zebra at a time, non-blocking.
 *
 * A frame is validated whole before any of its messages is applied, so a malformed frame
 * changes nothing: it is counted by reason and the connection is reset (zebra reconnects
 * and re-sends its table, which the mark-and-sweep turns into a clean re-sync).
 *
 * Next-hop objects (RTM_NEWNEXTHOP, FRR's default) are kept by id; a route naming one
 * (RTA_NH_ID) is resolved when it arrives and again when the object changes. Routes go in
 * through ctl_fib_route_add_via / ctl_fib_route_add_multi, like static routes: a gateway
 * that is a spoke's tunnel address becomes that spoke's peer slot, one on a LAN port a LAN
 * next hop. A prefix owned by a connected or static route is left alone (it wins, as a
 * lower administrative distance would).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "control/ctl_fib.h"
#include "control/fpm_server.h"
#include "lib/hub_log.h"

#define FPM_NHO_MAX 16384	/* next-hop objects */
#define FPM_ROUTES_MAX 65536	/* routes that name a next-hop object */
#define FPM_RXBUF (FPM_FRAME_MAX + 1)
#define FPM_IDLE_POLL_US 1000	/* idle: two syscalls a millisecond, not every loop */

struct fpm_nho {
	uint32_t id;
	uint8_t blackhole;
	uint8_t is_group;
	uint8_t n;
	uint32_t gw[FPM_NH_MAX];	/* single: gw[0] (0 = interface only) */
	uint32_t member[FPM_NH_MAX];	/* group: member ids */
};

struct fpm_route_key {
	uint32_t prefix;
	uint32_t len;
};

struct fpm_route_ref {
	struct fpm_route_key key;
	uint32_t nh_id;
};

struct fpm_server {
	int listen_fd;
	int fd;				/* the zebra connection, -1 = none */
	uint32_t peer_addr;
	uint16_t peer_port;
	enum fpm_state state;
	uint64_t last_rx_tsc;		/* last message (for the end of a re-sync) */
	uint64_t lost_tsc;		/* zebra went away (for the stale hold) */
	uint64_t next_poll_tsc;		/* idle sockets are polled every FPM_IDLE_POLL_US */
	int stale_pending;		/* fpm routes marked stale and not yet swept */
	bool unresolved;		/* a route named an object not seen yet */
	struct rte_hash *nho_hash;	/* id -> position in nho[] */
	struct fpm_nho *nho;
	struct rte_hash *route_hash;	/* prefix/len -> position in routes[] */
	struct fpm_route_ref *routes;
	size_t rx_len;
	uint8_t rx[FPM_RXBUF];
	struct fpm_msg msg;		/* scratch */
};

/* Control-lcore only. */
static struct fpm_server *srv;
static struct fpm_stats stats;

const struct fpm_stats *fpm_server_stats(void)
{
	return &stats;
}

enum fpm_state fpm_server_state(void)
{
	return srv == NULL ? FPM_DISABLED : srv->state;
}

const char *fpm_state_name(enum fpm_state st)
{
	switch (st) {
	case FPM_DISABLED: return "disabled";
	case FPM_LISTENING: return "listening";
	case FPM_SYNCING: return "syncing";
	case FPM_SYNCED: return "synced";
	default: return "?";
	}
}

int fpm_server_peer(uint32_t *addr, uint16_t *port)
{
	if (srv == NULL || srv->fd < 0)
		return -1;
	*addr = srv->peer_addr;
	*port = srv->peer_port;
	return 0;
}

unsigned int fpm_server_nexthops(void)
{
	return srv == NULL ? 0 : (unsigned int)rte_hash_count(srv->nho_hash);
}

static uint64_t ms_tsc(uint64_t ms)
{
	return rte_get_tsc_hz() * ms / 1000;
}

/* ---------------------------------------------------------------------------------------- */
/* Applying messages */

static const struct fpm_nho *nho_find(uint32_t id)
{
	int pos = rte_hash_lookup(srv->nho_hash, &id);

	return pos < 0 ? NULL : &srv->nho[pos];
}

/* The gateways of a route: from its own attributes or its next-hop object. Returns the
 * count (0: none usable), -1 blackhole, -2 unknown object. */
static int route_gateways(const struct fpm_msg *m, uint32_t *gw)
{
	unsigned int i, j, n = 0;
	const struct fpm_nho *o;

	if (m->blackhole)
		return -1;
	if (m->nh_id == 0) {
		for (i = 0; i < m->n_nh; i++)
			if (m->nh[i].gw != 0)
				gw[n++] = m->nh[i].gw;
		return (int)n;
	}
	o = nho_find(m->nh_id);
	if (o == NULL)
		return -2;
	if (o->blackhole)
		return -1;
	if (!o->is_group) {
		if (o->gw[0] != 0)
			gw[n++] = o->gw[0];
		return (int)n;
	}
	/* Equal cost: weights are not carried into the FIB (each member counts once). */
	for (i = 0; i < o->n; i++) {
		const struct fpm_nho *mo = nho_find(o->member[i]);

		if (mo == NULL)
			return -2;
		if (mo->is_group || mo->blackhole || mo->gw[0] == 0)
			continue;
		for (j = 0; j < n && gw[j] != mo->gw[0]; j++)
			;
		if (j == n)
			gw[n++] = mo->gw[0];
	}
	return (int)n;
}

static void route_ref_set(uint32_t prefix, uint8_t len, uint32_t nh_id)
{
	struct fpm_route_key k = {.prefix = prefix, .len = len};
	int pos;

	if (nh_id == 0) {
		pos = rte_hash_del_key(srv->route_hash, &k);
		return;
	}
	pos = rte_hash_add_key(srv->route_hash, &k);
	if (pos < 0)
		return; /* full: this route is not re-resolved when its object changes */
	srv->routes[pos].key = k;
	srv->routes[pos].nh_id = nh_id;
}

/* Remove our route for prefix/len from the RIB, if it is ours. */
static int rib_remove_ours(struct hub_ctl *ctl, uint32_t prefix, uint8_t len)
{
	const struct ctl_route *r = ctl_fib_find(ctl, prefix, len);

	if (r == NULL || r->source != ROUTE_FPM)
		return -ENOENT;
	return ctl_fib_route_del(ctl, prefix, len);
}

/* ... and forget which object it named. */
static int fpm_route_remove(struct hub_ctl *ctl, uint32_t prefix, uint8_t len)
{
	route_ref_set(prefix, len, 0);
	return rib_remove_ours(ctl, prefix, len);
}

static void route_add(struct hub_ctl *ctl, const struct fpm_msg *m)
{
	uint32_t prefix = m->dst, gw[FPM_NH_MAX];
	uint8_t len = m->dst_len;
	const struct ctl_route *old;
	int n, rc;
	char line[160];

	if (len == 0)
		prefix = 0;
	old = ctl_fib_find(ctl, prefix, len);
	if (old != NULL && old->source != ROUTE_FPM) {
		stats.shadowed++;
		return;
	}
	n = route_gateways(m, gw);
	route_ref_set(prefix, len, m->nh_id);
	if (n == -2) {
		stats.unknown_nh++;
		srv->unresolved = true;
		rib_remove_ours(ctl, prefix, len); /* the reference stays: an object sent later
						    * resolves it */
		return;
	}
	if (n == 0) {
		stats.no_gateway++;
		fpm_route_remove(ctl, prefix, len);
		return;
	}
	if (n == -1)
		rc = ctl_fib_route_add(ctl, prefix, len, DP_NH(DP_NH_DROP, 0), 0, ROUTE_FPM);
	else
		rc = ctl_fib_route_add_multi(ctl, prefix, len, gw, (unsigned int)n, ROUTE_FPM);
	if (rc == -ENETUNREACH) {
		stats.unreachable++;
		rib_remove_ours(ctl, prefix, len);
		return;
	}
	if (rc < 0) {
		stats.apply_failed++;
		fpm_msg_format(m, line, sizeof(line));
		HUB_LOG(WARNING, fib, "fpm: %s: %s", line, strerror(-rc));
		return;
	}
	stats.route_add++;
	if (rte_log_can_log(hub_logtype_fib, RTE_LOG_DEBUG)) {
		fpm_msg_format(m, line, sizeof(line));
		HUB_LOG(DEBUG, fib, "fpm: %s", line);
	}
}

static void route_del(struct hub_ctl *ctl, const struct fpm_msg *m)
{
	if (fpm_route_remove(ctl, m->dst_len == 0 ? 0 : m->dst, m->dst_len) == 0)
		stats.route_del++;
	else
		stats.del_missing++;
}

/* Re-resolve every route that names object id, directly or through a group, and with
 * waiting, every route not in the RIB (it named an object not seen then). */
static void nho_changed(struct hub_ctl *ctl, uint32_t id, bool waiting)
{
	const void *key;
	void *data;
	uint32_t it = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(srv->route_hash, &key, &data, &it)) >= 0) {
		const struct fpm_route_ref *r = &srv->routes[pos];
		const struct fpm_nho *o = nho_find(r->nh_id);
		bool uses = r->nh_id == id;

		for (unsigned int i = 0; !uses && o != NULL && o->is_group && i < o->n; i++)
			uses = o->member[i] == id;
		if (!uses && waiting) {
			const struct ctl_route *cr =
				ctl_fib_find(ctl, r->key.prefix, (uint8_t)r->key.len);

			uses = cr == NULL || cr->source != ROUTE_FPM;
		}
		if (uses) {
			struct fpm_msg m = {.kind = FPM_MSG_ROUTE_ADD, .dst = r->key.prefix,
					    .dst_len = (uint8_t)r->key.len, .nh_id = r->nh_id};

			route_add(ctl, &m);
		}
	}
}

static void nh_add(struct hub_ctl *ctl, const struct fpm_msg *m)
{
	struct fpm_nho o = {.id = m->nh_id, .blackhole = m->blackhole, .is_group = m->is_group,
			    .n = (uint8_t)m->n_nh};
	int pos;
	bool changed;

	for (unsigned int i = 0; i < m->n_nh; i++) {
		o.gw[i] = m->is_group ? 0 : m->nh[i].gw;
		o.member[i] = m->is_group ? m->nh[i].id : 0;
	}
	pos = rte_hash_add_key(srv->nho_hash, &o.id);
	if (pos < 0) {
		stats.apply_failed++;
		return;
	}
	changed = memcmp(&srv->nho[pos], &o, sizeof(o)) != 0 && srv->nho[pos].id == o.id;
	srv->nho[pos] = o;
	stats.nh_add++;
	/* Routes that use it: when it changed, or when some route waits for an object. A new
	 * object nobody names yet costs nothing (zebra sends objects before routes). */
	if (changed || srv->unresolved) {
		bool waiting = srv->unresolved;

		srv->unresolved = false; /* set again by any route still waiting */
		nho_changed(ctl, o.id, waiting);
	}
}

static void nh_del(const struct fpm_msg *m)
{
	int pos = rte_hash_del_key(srv->nho_hash, &m->nh_id);

	if (pos >= 0) {
		memset(&srv->nho[pos], 0, sizeof(srv->nho[pos]));
		stats.nh_del++;
	}
}

static void msg_apply(struct hub_ctl *ctl, const struct fpm_msg *m)
{
	switch (m->kind) {
	case FPM_MSG_ROUTE_ADD:
		route_add(ctl, m);
		break;
	case FPM_MSG_ROUTE_DEL:
		route_del(ctl, m);
		break;
	case FPM_MSG_NH_ADD:
		nh_add(ctl, m);
		break;
	case FPM_MSG_NH_DEL:
		nh_del(m);
		break;
	default:
		stats.ignored[m->ignore < FPM_IGN_MAX ? m->ignore : 0]++;
		break;
	}
}

/* ---------------------------------------------------------------------------------------- */
/* The connection */

static void conn_close(bool reset)
{
	if (srv->fd < 0)
		return;
	if (reset) {
		/* An RST, not a FIN: zebra sees an error at once and reconnects. */
		struct linger lg = {.l_onoff = 1, .l_linger = 0};

		setsockopt(srv->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(srv->fd);
	srv->fd = -1;
	srv->rx_len = 0;
	srv->state = FPM_LISTENING;
	srv->lost_tsc = rte_rdtsc();
}

/* Mark every fpm route stale: what zebra re-sends is refreshed, the rest swept. */
static void resync_begin(struct hub_ctl *ctl)
{
	rte_hash_reset(srv->nho_hash);
	memset(srv->nho, 0, sizeof(*srv->nho) * FPM_NHO_MAX);
	srv->stale_pending = ctl_fib_mark_stale(ctl, ROUTE_FPM) > 0;
}

static void resync_sweep(struct hub_ctl *ctl, const char *why)
{
	unsigned int n = ctl_fib_sweep_stale(ctl, ROUTE_FPM);
	const void *key;
	void *data;
	uint32_t it = 0;
	int32_t pos;

	/* Forget object references of routes that are gone. */
	while ((pos = rte_hash_iterate(srv->route_hash, &key, &data, &it)) >= 0) {
		const struct fpm_route_ref *r = &srv->routes[pos];
		const struct ctl_route *cr = ctl_fib_find(ctl, r->key.prefix, (uint8_t)r->key.len);

		if (cr == NULL || cr->source != ROUTE_FPM) {
			struct fpm_route_key k = r->key;

			rte_hash_del_key(srv->route_hash, &k);
		}
	}
	stats.swept += n;
	srv->stale_pending = 0;
	HUB_LOG(INFO, fib, "fpm: %s: %u stale route(s) removed", why, n);
}

static void conn_accept(struct hub_ctl *ctl)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;
	int fd = accept4(srv->listen_fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (srv->fd >= 0) {
		/* zebra restarted before we saw the old connection close: the newest wins. */
		HUB_LOG(NOTICE, fib, "fpm: new connection replaces the current one");
		conn_close(true);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	srv->fd = fd;
	srv->peer_addr = sa.sin_addr.s_addr;
	srv->peer_port = sa.sin_port;
	srv->rx_len = 0;
	srv->state = FPM_SYNCING;
	srv->last_rx_tsc = rte_rdtsc();
	stats.connects++;
	resync_begin(ctl);
	{
		char a[INET_ADDRSTRLEN];

		HUB_LOG(INFO, fib, "fpm: zebra connected from %s:%u",
			inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a)), ntohs(sa.sin_port));
	}
}

/* Validate the whole frame, then apply it. -enum fpm_err when it is malformed. */
static int frame_process(struct hub_ctl *ctl, const uint8_t *payload, size_t len)
{
	size_t off = 0;
	unsigned int n = 0;
	int rc;

	while ((rc = fpm_msg_next(payload, len, &off, &srv->msg)) == 1)
		n++;
	if (rc < 0)
		return rc;
	off = 0;
	while (fpm_msg_next(payload, len, &off, &srv->msg) == 1)
		msg_apply(ctl, &srv->msg);
	stats.messages += n;
	stats.frames++;
	return 0;
}

static unsigned int conn_read(struct hub_ctl *ctl)
{
	size_t pos = 0;
	ssize_t got;
	int flen;

	got = recv(srv->fd, srv->rx + srv->rx_len, sizeof(srv->rx) - srv->rx_len, 0);
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		stats.disconnects++;
		HUB_LOG(NOTICE, fib, "fpm: zebra disconnected%s; its routes stay for %u s",
			got == 0 ? "" : " (error)", ctl->cfg->fpm_stale_time);
		conn_close(false);
		ctl_fib_mark_stale(ctl, ROUTE_FPM);
		srv->stale_pending = 1;
		return 1;
	}
	if (got < 0)
		return 0;
	stats.bytes += (uint64_t)got;
	srv->rx_len += (size_t)got;
	srv->last_rx_tsc = rte_rdtsc();
	for (;;) {
		int rc;

		flen = fpm_frame_len(srv->rx + pos, srv->rx_len - pos);
		if (flen == 0 || (flen > 0 && (size_t)flen > srv->rx_len - pos))
			break;
		rc = flen < 0 ? flen
			      : frame_process(ctl, srv->rx + pos + FPM_HDR_LEN,
					      (size_t)flen - FPM_HDR_LEN);
		if (rc < 0) {
			unsigned int err = (unsigned int)-rc < FPM_ERR_MAX ? (unsigned int)-rc : 0;

			stats.errors[err]++;
			stats.resets++;
			HUB_LOG(WARNING, fib, "fpm: malformed frame (%s): connection reset",
				fpm_err_name(err));
			conn_close(true);
			ctl_fib_mark_stale(ctl, ROUTE_FPM);
			srv->stale_pending = 1;
			return 1;
		}
		pos += (size_t)flen;
	}
	if (pos > 0) {
		memmove(srv->rx, srv->rx + pos, srv->rx_len - pos);
		srv->rx_len -= pos;
	}
	return 1;
}

/* More than tsc since since (never true when since is later than now). */
static bool elapsed(uint64_t now, uint64_t since, uint64_t tsc)
{
	return now > since && now - since > tsc;
}

unsigned int fpm_server_poll(struct hub_ctl *ctl)
{
	uint64_t now;
	unsigned int work = 0;

	if (srv == NULL)
		return 0;
	now = rte_rdtsc();
	if (now >= srv->next_poll_tsc) {
		conn_accept(ctl);
		if (srv->fd >= 0)
			work += conn_read(ctl);
		/* While data flows, read again at once; when idle, back off. */
		srv->next_poll_tsc = work > 0 ? now : now + ms_tsc(1) * FPM_IDLE_POLL_US / 1000;
		now = rte_rdtsc(); /* after the read: a close just now set lost_tsc */
	}
	if (srv->state == FPM_SYNCING && elapsed(now, srv->last_rx_tsc, ms_tsc(FPM_SYNC_IDLE_MS))) {
		srv->state = FPM_SYNCED;
		stats.resyncs++;
		if (srv->stale_pending)
			resync_sweep(ctl, "re-sync complete");
		else
			HUB_LOG(INFO, fib, "fpm: table received");
	}
	if (srv->fd < 0 && srv->stale_pending &&
	    elapsed(now, srv->lost_tsc, ms_tsc(ctl->cfg->fpm_stale_time * 1000ull)))
		resync_sweep(ctl, "zebra did not come back");
	return work;
}

int fpm_server_init(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = cfg->fpm_listen,
				 .sin_port = htons(cfg->fpm_port)};
	struct rte_hash_parameters nh = {.name = "fpm_nho", .entries = FPM_NHO_MAX,
					 .key_len = sizeof(uint32_t), .hash_func = rte_jhash,
					 .socket_id = (int)rte_socket_id()};
	struct rte_hash_parameters rh = {.name = "fpm_routes", .entries = FPM_ROUTES_MAX,
					 .key_len = sizeof(struct fpm_route_key),
					 .hash_func = rte_jhash, .socket_id = (int)rte_socket_id()};
	char a[INET_ADDRSTRLEN];
	int one = 1;

	if (!cfg->fpm_enabled)
		return 0;
	srv = rte_zmalloc("fpm_server", sizeof(*srv), 0);
	if (srv == NULL)
		return -ENOMEM;
	srv->fd = -1;
	srv->listen_fd = -1;
	srv->nho_hash = rte_hash_create(&nh);
	srv->route_hash = rte_hash_create(&rh);
	srv->nho = rte_zmalloc("fpm_nho", sizeof(*srv->nho) * FPM_NHO_MAX, 0);
	srv->routes = rte_zmalloc("fpm_routes", sizeof(*srv->routes) * FPM_ROUTES_MAX, 0);
	if (srv->nho_hash == NULL || srv->route_hash == NULL || srv->nho == NULL ||
	    srv->routes == NULL) {
		fpm_server_free(ctl);
		return -ENOMEM;
	}
	inet_ntop(AF_INET, &cfg->fpm_listen, a, sizeof(a));
	srv->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0 ||
	    setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(srv->listen_fd, 4) < 0) {
		int rc = -errno;

		HUB_LOG(ERR, fib, "fpm: cannot listen on %s:%u: %s", a, cfg->fpm_port,
			strerror(errno));
		fpm_server_free(ctl);
		return rc;
	}
	srv->state = FPM_LISTENING;
	HUB_LOG(INFO, fib, "fpm: listening on %s:%u", a, cfg->fpm_port);
	return 0;
}

void fpm_server_free(struct hub_ctl *ctl)
{
	(void)ctl;
	if (srv == NULL)
		return;
	if (srv->fd >= 0)
		close(srv->fd);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	rte_hash_free(srv->nho_hash);
	rte_hash_free(srv->route_hash);
	rte_free(srv->nho);
	rte_free(srv->routes);
	rte_free(srv);
	srv = NULL;
}
