/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The operator CLI on a TCP port (telnet or nc), served from the control lcore.
 *
 * cli_server_poll() is called from every iteration of the control loop and never blocks:
 * sockets are non-blocking, readiness comes from one epoll_wait(0) at most every
 * millisecond (every iteration while a session has work queued), each session's input
 * and output are bounded, and commands with large output run in steps.
 */
#ifndef HUB_CLI_SERVER_H
#define HUB_CLI_SERVER_H

#include "control/ctl.h"

/* Listen on cfg cli_listen:cli_port (port 0: the CLI is off). A listener that cannot be
 * opened is logged and leaves the hub running without a CLI: forwarding matters more.
 * Returns 0, or -errno when memory runs out. */
int cli_server_init(struct hub_ctl *ctl);
/* Close every session and the listener (safe when init did not run or failed). */
void cli_server_stop(struct hub_ctl *ctl);
/* Accept, read, run commands, write. Returns the work done (0 = idle). */
unsigned int cli_server_poll(struct hub_ctl *ctl);

#endif
