/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/lat_hist.h: bucket bounds, quantiles, the overflow bucket. */
#include <stdint.h>
#include <stdlib.h>

#include "lib/lat_hist.h"
#include "tests/unit/cunit_run.h"

static void test_lat_hist_every_value_lies_in_its_bucket(void)
{
	uint64_t v;
	unsigned int prev = 0;

	for (v = 0; v < (1ull << 39); v = v < 4096 ? v + 1 : v + v / 7 + 1) {
		unsigned int i = lat_hist_index(v);

		CU_ASSERT_TRUE_FATAL(i < LAT_HIST_BUCKETS);
		CU_ASSERT_TRUE(i >= prev); /* monotonic */
		CU_ASSERT_TRUE(v <= lat_hist_upper(i));
		CU_ASSERT_TRUE(i == 0 || v > lat_hist_upper(i - 1));
		prev = i;
	}
}

static void test_lat_hist_buckets_are_at_most_one_sixteenth_wide(void)
{
	unsigned int i;

	for (i = 33; i < LAT_HIST_BUCKETS; i++) {
		uint64_t lo = lat_hist_upper(i - 1) + 1, hi = lat_hist_upper(i);

		CU_ASSERT_TRUE(hi >= lo);
		CU_ASSERT_TRUE((hi - lo + 1) * 16 <= lo);
	}
}

static void test_lat_hist_huge_values_land_in_the_last_bucket(void)
{
	CU_ASSERT_EQUAL(lat_hist_index(UINT64_MAX), LAT_HIST_BUCKETS - 1);
	CU_ASSERT_EQUAL(lat_hist_index(1ull << 40), LAT_HIST_BUCKETS - 1);
}

static void test_lat_hist_quantiles_of_known_samples(void)
{
	struct lat_hist *h = calloc(1, sizeof(*h));
	unsigned int k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(lat_hist_quantile(h, 0.5), 0); /* no samples */
	for (k = 1; k <= 1000; k++)
		lat_hist_add(h, k * 1000ull); /* 1 us .. 1 ms */
	CU_ASSERT_EQUAL(h->n, 1000);
	CU_ASSERT_EQUAL(h->max_ns, 1000000);
	CU_ASSERT_EQUAL(h->sum_ns / h->n, 500500);
	/* Upper bounds of the true values' buckets: within 6.25 % above them. */
	CU_ASSERT_TRUE(lat_hist_quantile(h, 0.5) >= 500000);
	CU_ASSERT_TRUE(lat_hist_quantile(h, 0.5) <= 500000 + 500000 / 16);
	CU_ASSERT_TRUE(lat_hist_quantile(h, 0.99) >= 990000);
	CU_ASSERT_TRUE(lat_hist_quantile(h, 0.99) <= 990000 + 990000 / 16);
	CU_ASSERT_EQUAL(lat_hist_quantile(h, 1.0), 1000000); /* never above the max */
	lat_hist_add(h, 7);
	CU_ASSERT_EQUAL(lat_hist_quantile(h, 0.0001), 7); /* exact below 32 */
	free(h);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"test_lat_hist_every_value_lies_in_its_bucket",
		 test_lat_hist_every_value_lies_in_its_bucket},
		{"test_lat_hist_buckets_are_at_most_one_sixteenth_wide",
		 test_lat_hist_buckets_are_at_most_one_sixteenth_wide},
		{"test_lat_hist_huge_values_land_in_the_last_bucket",
		 test_lat_hist_huge_values_land_in_the_last_bucket},
		{"test_lat_hist_quantiles_of_known_samples", test_lat_hist_quantiles_of_known_samples},
	};
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("lat_hist", NULL, NULL);
	if (suite == NULL)
		return 1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
			return 1;
	return hub_cunit_run();
}
