/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fixed-size latency histogram in nanoseconds: exact below 32 ns, then 16 buckets per
 * power of two (each bucket at most 1/16 = 6.25 % wide), up to about 550 s; larger values
 * land in the last bucket. One writer (control); readers copy it. Used for the control
 * plane's latencies (registration -> reply, registration -> every worker's table), which
 * ./scripts/bench nhrp-register reports (docs/benchmarks.md).
 */
#ifndef HUB_LAT_HIST_H
#define HUB_LAT_HIST_H

#include <stdint.h>

#define LAT_HIST_SUB 16
#define LAT_HIST_BUCKETS (32 + (39 - 4) * LAT_HIST_SUB)

struct lat_hist {
	uint64_t n;			  /* samples */
	uint64_t sum_ns;		  /* for the mean */
	uint64_t max_ns;
	uint64_t b[LAT_HIST_BUCKETS];	  /* samples by bucket (lat_hist_index) */
};

static inline unsigned int lat_hist_index(uint64_t ns)
{
	unsigned int e;

	if (ns < 32)
		return (unsigned int)ns;
	e = 63u - (unsigned int)__builtin_clzll(ns);
	if (e > 39)
		return LAT_HIST_BUCKETS - 1;
	return (e - 4) * LAT_HIST_SUB + (unsigned int)((ns >> (e - 4)) & (LAT_HIST_SUB - 1)) + 16;
}

/* The largest value bucket i holds. */
static inline uint64_t lat_hist_upper(unsigned int i)
{
	unsigned int k, e;

	if (i < 32)
		return i;
	k = i - 16;
	e = k / LAT_HIST_SUB + 4;
	return (((uint64_t)LAT_HIST_SUB + k % LAT_HIST_SUB + 1) << (e - 4)) - 1;
}

static inline void lat_hist_add(struct lat_hist *h, uint64_t ns)
{
	h->n++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->b[lat_hist_index(ns)]++;
}

/* The q-quantile (0 < q <= 1) as the upper bound of its bucket (never above max_ns);
 * 0 without samples. */
static inline uint64_t lat_hist_quantile(const struct lat_hist *h, double q)
{
	uint64_t want, seen = 0;
	unsigned int i;

	if (h->n == 0)
		return 0;
	want = (uint64_t)(q * (double)h->n + 0.999999);
	if (want < 1)
		want = 1;
	for (i = 0; i < LAT_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want)
			return lat_hist_upper(i) < h->max_ns ? lat_hist_upper(i) : h->max_ns;
	}
	return h->max_ns;
}

#endif
