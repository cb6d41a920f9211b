/*
 * Which dated backups to keep: the newest of each of the DAILY most
 * recent days that have one, then, among the older ones, the newest of
 * each of the WEEKLY most recent weeks (Monday to Sunday) that have one.
 * Counted over the backups there are, not the calendar, so a machine
 * that was off for a month still keeps its last DAILY + WEEKLY.
 * Pure: dates in, marks out.
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (y >= 0). */
static int64_t
retain_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
retain_day(const char *date, int64_t *day)
{
	static const int mdays[] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y, m, d;
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? date[i] != '-'
		                     : (date[i] < '0' || date[i] > '9'))
			return -1;
	if (date[10] != '\0')
		return -1;
	y = strtol(date, NULL, 10);
	m = (date[5] - '0') * 10 + (date[6] - '0');
	d = (date[8] - '0') * 10 + (date[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 &&
	        !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -1;
	*day = retain_civil(y, m, d);
	return 0;
}

/* Monday-to-Sunday weeks: 1970-01-01 was a Thursday. */
static int64_t
retain_week(int64_t day)
{
	return (day + 3 >= 0 ? day + 3 : day - 3) / 7;
}

struct retain_ent {
	int64_t day;
	size_t i;
};

static int
retain_cmp(const void *a, const void *b)
{
	const struct retain_ent *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? 1 : -1; /* newest first */
	return x->i < y->i ? -1 : x->i > y->i;
}

int
retain_keep(const int64_t *days, size_t n, int daily, int weekly, int *keep)
{
	struct retain_ent *e;
	int64_t last_day = 0, last_week = 0;
	int ndaily = 0, nweekly = 0, any_week = 0;
	size_t k;

	memset(keep, 0, n * sizeof(*keep));
	if (n == 0)
		return 0;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return -1;
	for (k = 0; k < n; k++) {
		e[k].day = days[k];
		e[k].i = k;
	}
	qsort(e, n, sizeof(*e), retain_cmp);
	for (k = 0; k < n; k++) {
		if (ndaily < daily) {
			if (k == 0 || e[k].day != last_day) {
				keep[e[k].i] = 1;
				last_day = e[k].day;
				ndaily++;
			}
			continue;
		}
		if (e[k].day == last_day && ndaily > 0 && !any_week)
			continue; /* a second backup of the oldest daily */
		if (nweekly < weekly &&
		    (!any_week || retain_week(e[k].day) != last_week)) {
			keep[e[k].i] = 1;
			last_week = retain_week(e[k].day);
			any_week = 1;
			nweekly++;
		}
	}
	free(e);
	return 0;
}
