/* fill: what its tasks share (fill.c, and the city in fill_city.c). */
#ifndef CISHAN_BENCH_FILL_H
#define CISHAN_BENCH_FILL_H

#include <stdint.h>

#include "server.h"

#define FILL_CATEGORIES 6

struct fill {
	struct db *db;
	struct actor who;
	const char *dbpath;
	const char *dir;
	long households;
	long rich;
	long items;
	long lots;
	double scale;
	int64_t *hh_ids; /* database id of household i */
	int64_t donors[6];
	int64_t funds[2];
	uint64_t rng;
	struct fault f;
};

/* fill.c */
void fill_oom(void);
double fill_secs(uint64_t);
uint64_t fill_rand(struct fill *);
int fill_fail(const struct fill *, const char *);
void fill_clock(const char *, long);
int fill_items(struct fill *, unsigned long long, const char *, int, int64_t,
    int64_t *, char (*)[14]);
int fill_donors(struct fill *);
int fill_donate(struct fill *, const char *, int, const int64_t *,
    const int64_t *, int, const char *, const char *, int64_t *);

/* fill_city.c */
long fill_city_households(const struct fill *);
int fill_city(struct fill *);

#endif
