/* SPDX-License-Identifier: BSD-3-Clause */
#include "lib/drop_reason.h"

static const char *const drop_names[HUB_DROP_MAX] = {
#define HUB_DROP_NAME(sym, name) [HUB_DROP_##sym] = name,
	HUB_DROP_REASONS(HUB_DROP_NAME)
#undef HUB_DROP_NAME
};

const char *hub_drop_name(unsigned int reason)
{
	return reason < HUB_DROP_MAX ? drop_names[reason] : "unknown";
}
