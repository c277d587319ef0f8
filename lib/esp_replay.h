/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inbound anti-replay (RFC 4303 3.4.3) with extended sequence numbers (RFC 4303 2.2.1 and
 * Appendix A2), window up to ESP_REPLAY_WINDOW_MAX packets.
 *
 * The bitmap is a ring of 64-bit words indexed by sequence number (the scheme of RFC 6479):
 * moving the window forward clears whole words instead of shifting bits, so the cost of a
 * jump does not depend on the window size beyond the words it empties. The ring holds one
 * word more than the window needs, so the word holding the new top never aliases one still
 * inside the window.
 *
 * Use: esp_replay_infer() gives the full 64-bit number to authenticate (ESN high bits are
 * never on the wire); esp_replay_check() before the ICV check; esp_replay_update() only
 * after the ICV verified (RFC 4303 3.4.3: "the receive window is updated only if the
 * integrity verification succeeds").
 */
#ifndef HUB_ESP_REPLAY_H
#define HUB_ESP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/esp_sa.h"

#define ESP_REPLAY_WORDS (ESP_REPLAY_WINDOW_MAX / 64 + 1)

struct esp_replay {
	uint64_t top;	  /* highest authenticated sequence number (64-bit), 0 = none yet */
	uint32_t window;  /* packets; 0 = no replay check */
	uint32_t pad;
	uint64_t bits[ESP_REPLAY_WORDS]; /* bit (seq % 64) of word (seq / 64) % ESP_REPLAY_WORDS */
};

static inline void esp_replay_init(struct esp_replay *r, uint32_t window)
{
	memset(r, 0, sizeof(*r));
	r->window = window;
}

/*
 * The 64-bit sequence number a packet carrying seq_lo stands for (RFC 4303 A2.2): the
 * high half is the one that puts it inside or above the window. Without ESN the number is
 * seq_lo. Returns 0 when no high half fits (a number from before the first wrap that would
 * have to precede sequence 0): such a packet is a replay.
 */
static inline uint64_t esp_replay_infer(const struct esp_replay *r, bool esn, uint32_t seq_lo)
{
	uint32_t tl = (uint32_t)r->top, th = (uint32_t)(r->top >> 32), w = r->window;

	if (!esn)
		return seq_lo;
	if (w == 0)
		w = 1;
	if (tl >= w - 1) {
		/* Case A: the window lies within one 2^32 span. */
		if (seq_lo >= tl - w + 1)
			return (uint64_t)th << 32 | seq_lo;
		return (uint64_t)(th + 1) << 32 | seq_lo; /* wrapped ahead of the window */
	}
	/* Case B: the window straddles a wrap of the low half. */
	if (seq_lo >= tl - w + 1) { /* unsigned: tl - w + 1 wrapped around below zero */
		if (th == 0)
			return 0;
		return (uint64_t)(th - 1) << 32 | seq_lo;
	}
	return (uint64_t)th << 32 | seq_lo;
}

/* true when seq may be accepted (pending the ICV check): new, or inside the window and
 * not yet seen. Sequence number 0 is never sent (RFC 4303 3.3.3) and is refused. */
static inline bool esp_replay_check(const struct esp_replay *r, uint64_t seq)
{
	if (seq == 0)
		return false;
	if (r->window == 0 || seq > r->top)
		return true;
	if (seq + r->window <= r->top)
		return false; /* left of the window: too late (or a replay) */
	return !(r->bits[(seq >> 6) % ESP_REPLAY_WORDS] >> (seq & 63) & 1);
}

/* Record an authenticated seq: slide the window when it is the new top, mark it seen. */
static inline void esp_replay_update(struct esp_replay *r, uint64_t seq)
{
	if (r->window == 0) {
		if (seq > r->top)
			r->top = seq;
		return;
	}
	if (seq > r->top) {
		uint64_t from = (r->top >> 6) + 1, to = seq >> 6, wd;

		/* Words that now enter the window start empty; a jump of a whole ring or more
		 * empties all of them. */
		if (to >= from) {
			if (to - from >= ESP_REPLAY_WORDS)
				memset(r->bits, 0, sizeof(r->bits));
			else
				for (wd = from; wd <= to; wd++)
					r->bits[wd % ESP_REPLAY_WORDS] = 0;
		}
		r->top = seq;
	}
	r->bits[(seq >> 6) % ESP_REPLAY_WORDS] |= UINT64_C(1) << (seq & 63);
}

#endif
