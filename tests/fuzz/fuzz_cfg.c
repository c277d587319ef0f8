/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the configuration loader (lib/cfg_*.c, pure C over libconfig; built
 * by tests/fuzz/run.sh with ASan and UBSan). Each input is a configuration text.
 *
 * Beyond "no crash, no over-read, no UB, no leak" (libFuzzer's leak check runs per input):
 *  - a refused text yields exactly one non-empty message that starts with the file name
 *    ("fuzz.conf:LINE: ..."), ends without a newline, and fits the buffer;
 *  - an accepted text prints (cfg_print) to a canonical form that loads again to an equal
 *    configuration (cfg_equal), and printing that gives the same bytes;
 *  - a too-small error buffer is never overrun.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"

#define FUZZ_ASSERT(c)                                                                          \
	do {                                                                                    \
		if (!(c)) {                                                                     \
			fprintf(stderr, "fuzz_cfg: %s:%d: %s\n", __FILE__, __LINE__, #c);       \
			abort();                                                                \
		}                                                                               \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_cfg(const struct hub_cfg *cfg, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(cfg_print(cfg, f) == 0);
	FUZZ_ASSERT(fclose(f) == 0);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], tiny[8];
	struct hub_cfg *cfg, *again, *third;
	char *text, *p1, *p2;
	size_t l1, l2;

	if (size > 64 * 1024)
		return -1;
	text = malloc(size + 1);
	FUZZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';

	memset(err, 'x', sizeof(err));
	cfg = cfg_load_string(text, "fuzz.conf", err, sizeof(err));
	FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	if (cfg == NULL) {
		FUZZ_ASSERT(strncmp(err, "fuzz.conf:", 10) == 0 && strlen(err) > 10);
		FUZZ_ASSERT(strchr(err, '\n') == NULL || strchr(err, '\n')[1] != '\0');
		memset(tiny, 'x', sizeof(tiny));
		FUZZ_ASSERT(cfg_load_string(text, "fuzz.conf", tiny, sizeof(tiny)) == NULL);
		FUZZ_ASSERT(memchr(tiny, '\0', sizeof(tiny)) != NULL);
		free(text);
		return 0;
	}
	FUZZ_ASSERT(err[0] == '\0');
	p1 = print_cfg(cfg, &l1);
	again = cfg_load_string(p1, "canonical", err, sizeof(err));
	if (again == NULL)
		fprintf(stderr, "fuzz_cfg: canonical form refused: %s\n%s\n", err, p1);
	FUZZ_ASSERT(again != NULL);
	FUZZ_ASSERT(cfg_equal(cfg, again));
	p2 = print_cfg(again, &l2);
	FUZZ_ASSERT(l1 == l2 && memcmp(p1, p2, l1) == 0);
	third = cfg_load_string(p2, "canonical", err, sizeof(err));
	FUZZ_ASSERT(third != NULL && cfg_equal(again, third));
	cfg_free(third);
	cfg_free(again);
	cfg_free(cfg);
	free(p1);
	free(p2);
	free(text);
	return 0;
}
