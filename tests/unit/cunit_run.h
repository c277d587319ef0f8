/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One way to run a CUnit registry: basic mode, then the closing line that
 * scripts/test adds up ("N passed, N failed"). Returns the process exit code.
 */
#ifndef HUB_CUNIT_RUN_H
#define HUB_CUNIT_RUN_H

#include <stdio.h>
#include <CUnit/Basic.h>

static inline int hub_cunit_run(void)
{
	unsigned int run, failed;

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	printf("\n%u passed, %u failed\n", run - failed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}

#endif
