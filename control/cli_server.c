/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's sockets: one listener and up to CLI_MAX_SESSIONS sessions, all non-blocking,
 * watched by one level-triggered epoll set that is asked with a zero timeout.
 *
 * The control loop calls cli_server_poll() every iteration. When no session has work
 * queued the poll is skipped until a millisecond has passed (a person cannot tell, and
 * the loop stays a tight poll of the worker rings); while a session has queued input or
 * a command writing in steps, every iteration polls. A session's interest follows its
 * state: no EPOLLIN while its input buffer is full (so a flood of input waits in the
 * kernel, not in our memory), EPOLLOUT only after a send hit EAGAIN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmdline.h>
#include <rte_cycles.h>
#include <rte_errno.h>

#include "control/cli_priv.h"
#include "control/cli_server.h"
#include "lib/hub_log.h"

#define LISTENER_TAG 0		/* epoll data of the listener; sessions are slot + 1 */
#define READ_CHUNK 2048		/* bytes read per recv() */
#define ACCEPTS_PER_POLL 16
#define EVENTS_PER_POLL 64
#define STOP_NOTICE "\r\n% The hub is stopping\r\n"
#define FULL_NOTICE "% Too many CLI sessions, try again later\r\n"

static void listener_close(struct cli_server *srv);

static void server_free(struct cli_server *srv)
{
	listener_close(srv);
	if (srv->cl != NULL)
		cmdline_free(srv->cl);
	cli_cmdset_free(srv->cmds);
	cli_runcfg_free(srv);
	cli_telemetry_stop(srv);
	free(srv->baseline);
	free(srv);
}

static void listener_close(struct cli_server *srv)
{
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->ep_fd >= 0)
		close(srv->ep_fd);
	srv->listen_fd = srv->ep_fd = -1;
}

static int listener_open(struct cli_server *srv, const struct hub_cfg *cfg)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(cfg->cli_port),
		.sin_addr.s_addr = cfg->cli_listen,
	};
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LISTENER_TAG};
	int one = 1;

	srv->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->ep_fd < 0)
		return -errno;
	srv->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0)
		return -errno;
	if (setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(srv->listen_fd, 64) < 0 ||
	    epoll_ctl(srv->ep_fd, EPOLL_CTL_ADD, srv->listen_fd, &ev) < 0)
		return -errno;
	return 0;
}

int cli_server_init(struct hub_ctl *ctl)
{
	const struct hub_cfg *cfg = ctl->cfg;
	struct cli_server *srv;
	char addr[INET_ADDRSTRLEN];
	int rc;

	ctl->cli = NULL;
	inet_ntop(AF_INET, &cfg->cli_listen, addr, sizeof(addr));
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return -ENOMEM;
	srv->ctl = ctl;
	srv->listen_fd = srv->ep_fd = -1;
	/* The telemetry views serve even when the telnet port is off. */
	rc = cli_telemetry_init(srv);
	if (rc < 0) {
		server_free(srv);
		return rc;
	}
	ctl->cli = srv;
	if (cfg->cli_port == 0) {
		HUB_LOG(INFO, cli, "CLI off (cli.port = 0)");
		return 0;
	}
	srv->cmds = cli_cmdset_build();
	if (srv->cmds == NULL)
		return -rte_errno;
	srv->cl = cmdline_new(cli_cmdset_ctx(srv->cmds), CLI_PROMPT, -1, -1);
	if (srv->cl == NULL)
		return -ENOMEM;
	ctl->nhrp_trace.fn = cli_debug_deliver;
	ctl->nhrp_trace.arg = srv;
	rc = listener_open(srv, cfg);
	if (rc < 0) {
		HUB_LOG(ERR, cli, "cannot listen on %s:%u: %s; the hub runs without its CLI", addr,
			cfg->cli_port, strerror(-rc));
		listener_close(srv);
		return 0;
	}
	HUB_LOG(INFO, cli, "CLI on %s:%u (telnet)%s", addr, cfg->cli_port,
		cfg->cli_password[0] != '\0' ? ", password required" : "");
	return 0;
}

static void sess_close(struct cli_server *srv, unsigned int idx, const char *why)
{
	struct cli_sess *s = srv->sess[idx];
	struct cli_sess_info info;

	cli_sess_info(s, &info);
	HUB_LOG(INFO, cli, "session %u from %s closed: %s", info.id, info.peer, why);
	epoll_ctl(srv->ep_fd, EPOLL_CTL_DEL, srv->conn[idx].fd, NULL);
	close(srv->conn[idx].fd);
	cli_sess_free(s);
	srv->sess[idx] = NULL;
	memset(&srv->conn[idx], 0, sizeof(srv->conn[idx]));
	srv->conn[idx].fd = -1;
	srv->n_sess--;
}

void cli_server_stop(struct hub_ctl *ctl)
{
	struct cli_server *srv = ctl->cli;
	unsigned int i;

	if (srv == NULL)
		return;
	for (i = 0; i < CLI_MAX_SESSIONS; i++) {
		if (srv->sess[i] == NULL)
			continue;
		/* Best effort: the session is closed either way. */
		(void)send(srv->conn[i].fd, STOP_NOTICE, strlen(STOP_NOTICE),
			   MSG_NOSIGNAL | MSG_DONTWAIT);
		sess_close(srv, i, "hub stopping");
	}
	if (srv->listen_fd >= 0)
		HUB_LOG(INFO, cli,
			"CLI stopped: %" PRIu64 " sessions, %" PRIu64 " commands, %" PRIu64
			" errors, %" PRIu64 " refused (full), %" PRIu64 " idle, %" PRIu64
			" overflow, %" PRIu64 " bad passwords",
			srv->stats.accepted, srv->stats.commands, srv->stats.errors,
			srv->stats.refused_full, srv->stats.closed_idle, srv->stats.closed_overflow,
			srv->stats.auth_failed);
	server_free(srv);
	ctl->cli = NULL;
	ctl->nhrp_trace = (struct ctl_nhrp_trace){0};
}

static void peer_name(const struct sockaddr_in *sa, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ntohs(sa->sin_port));
}

static unsigned int accept_some(struct cli_server *srv)
{
	unsigned int k, idx, work = 0;

	for (k = 0; k < ACCEPTS_PER_POLL; k++) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		struct epoll_event ev = {.events = EPOLLIN};
		char peer[32];
		int one = 1;
		int fd = accept4(srv->listen_fd, (struct sockaddr *)&sa, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			uint64_t now = rte_rdtsc();

			/* Out of descriptors, the listener stays readable: say so once a minute,
			 * not every poll. */
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED && now >= srv->accept_warn_tsc) {
				HUB_LOG(WARNING, cli, "accept: %s", strerror(errno));
				srv->accept_warn_tsc = now + 60 * rte_get_tsc_hz();
			}
			break;
		}
		work++;
		peer_name(&sa, peer, sizeof(peer));
		if (srv->n_sess >= CLI_MAX_SESSIONS) {
			srv->stats.refused_full++;
			(void)send(fd, FULL_NOTICE, strlen(FULL_NOTICE), MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			HUB_LOG(WARNING, cli, "connection from %s refused: %u sessions open", peer,
				srv->n_sess);
			continue;
		}
		for (idx = 0; srv->sess[idx] != NULL; idx++)
			;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		srv->sess[idx] = cli_sess_new(srv, ++srv->next_id, peer);
		ev.data.u64 = idx + 1;
		if (srv->sess[idx] == NULL || epoll_ctl(srv->ep_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			HUB_LOG(WARNING, cli, "connection from %s dropped: %s", peer,
				srv->sess[idx] == NULL ? "out of memory" : strerror(errno));
			cli_sess_free(srv->sess[idx]);
			srv->sess[idx] = NULL;
			close(fd);
			continue;
		}
		srv->conn[idx] = (struct cli_conn){.fd = fd, .events = EPOLLIN};
		srv->n_sess++;
		srv->stats.accepted++;
		HUB_LOG(INFO, cli, "session %u from %s", srv->next_id, peer);
	}
	return work;
}

/* Read what the socket has while the session has room. Returns work done. */
static unsigned int sess_read(struct cli_server *srv, unsigned int idx, uint64_t now)
{
	struct cli_conn *c = &srv->conn[idx];
	struct cli_sess *s = srv->sess[idx];
	uint8_t buf[READ_CHUNK];
	unsigned int work = 0;

	while (!c->eof && cli_sess_wants_input(s, sizeof(buf))) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

		if (n > 0) {
			cli_sess_input(s, buf, (size_t)n, now);
			work++;
			if ((size_t)n < sizeof(buf))
				break;
		} else if (n == 0) {
			c->eof = true;
			work++;
		} else {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				srv->stats.closed_peer++;
				sess_close(srv, idx, strerror(errno));
				return work + 1;
			}
			break;
		}
	}
	return work;
}

/* Send what is queued. Returns -1 when the session was closed. */
static int sess_flush(struct cli_server *srv, unsigned int idx)
{
	struct cli_conn *c = &srv->conn[idx];
	size_t len;
	const char *buf = cli_sess_out(srv->sess[idx], &len);
	ssize_t n;

	c->out_blocked = false;
	if (len == 0)
		return 0;
	n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n > 0) {
		cli_sess_out_sent(srv->sess[idx], (size_t)n);
		c->out_blocked = (size_t)n < len;
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		c->out_blocked = true;
		return 0;
	}
	/* The client went away mid-output (EPIPE, ECONNRESET). */
	srv->stats.closed_peer++;
	sess_close(srv, idx, n < 0 ? strerror(errno) : "send failed");
	return -1;
}

static void interest_update(struct cli_server *srv, unsigned int idx)
{
	struct cli_conn *c = &srv->conn[idx];
	uint32_t want = 0;

	if (!c->eof && cli_sess_wants_input(srv->sess[idx], READ_CHUNK))
		want |= EPOLLIN;
	if (c->out_blocked)
		want |= EPOLLOUT;
	if (want != c->events) {
		struct epoll_event ev = {.events = want, .data.u64 = idx + 1};

		if (epoll_ctl(srv->ep_fd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
			c->events = want;
	}
}

/* Run, send, and close what has to be closed. Returns work done. */
static unsigned int sess_service(struct cli_server *srv, unsigned int idx)
{
	struct cli_sess *s = srv->sess[idx];
	uint64_t t0 = rte_rdtsc();
	unsigned int work = cli_sess_run(s);
	uint64_t dt = rte_rdtsc() - t0;
	const char *why;
	size_t left;

	if (dt > srv->stats.max_run_cycles)
		srv->stats.max_run_cycles = dt;
	if (sess_flush(srv, idx) < 0)
		return work + 1;
	why = cli_sess_close_reason(s);
	cli_sess_out(s, &left);
	if (why == NULL && left == 0 && cli_sess_quitting(s))
		why = "logged out";
	if (why == NULL && left == 0 && srv->conn[idx].eof && !cli_sess_pending(s))
		why = "client closed";
	if (why != NULL) {
		sess_close(srv, idx, why);
		return work + 1;
	}
	interest_update(srv, idx);
	if (cli_sess_pending(s) || (left > 0 && !srv->conn[idx].out_blocked))
		srv->busy = true;
	return work;
}

unsigned int cli_server_poll(struct hub_ctl *ctl)
{
	struct cli_server *srv = ctl->cli;
	struct epoll_event ev[EVENTS_PER_POLL];
	uint64_t now, hz;
	unsigned int work = 0, i;
	int n;

	if (srv == NULL)
		return 0;
	now = rte_rdtsc();
	hz = rte_get_tsc_hz();
	if (!srv->busy && now < srv->next_poll)
		return 0;
	srv->next_poll = now + hz / 1000;
	srv->busy = false;
	work += cli_telemetry_poll(srv, now);
	if (srv->listen_fd < 0)
		return work; /* telemetry only: the telnet port is off */

	n = epoll_wait(srv->ep_fd, ev, EVENTS_PER_POLL, 0);
	for (i = 0; n > 0 && i < (unsigned int)n; i++) {
		uint64_t tag = ev[i].data.u64;

		if (tag == LISTENER_TAG) {
			work += accept_some(srv);
			continue;
		}
		if (tag - 1 >= CLI_MAX_SESSIONS || srv->sess[tag - 1] == NULL)
			continue;
		if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			work += sess_read(srv, (unsigned int)(tag - 1), now);
	}
	for (i = 0; i < CLI_MAX_SESSIONS; i++)
		if (srv->sess[i] != NULL)
			work += sess_service(srv, i);

	if (now >= srv->next_timers) {
		srv->next_timers = now + hz;
		for (i = 0; i < CLI_MAX_SESSIONS; i++) {
			if (srv->sess[i] == NULL || !cli_sess_timed_out(srv->sess[i], now))
				continue;
			srv->stats.closed_idle++;
			srv->busy = true;
		}
	}
	return work;
}
