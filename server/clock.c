/*
 * The store's clock. The server runs in the store's time zone (TZ is set
 * from the settings at start), so localtime gives "today" and the period.
 * Dates are validated by hand: strptime accepts too much.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

void
clock_init(const char *tz)
{
	if (tz != NULL && *tz != '\0')
		setenv("TZ", tz, 1);
	tzset();
}

/* Seconds added to the real time; only tools that build data for past
 * months (bench/) move it: the server never does. */
static time_t clock_offset;

void
clock_shift(time_t by)
{
	clock_offset = by;
}

time_t
clock_now(void)
{
	return time(NULL) + clock_offset;
}

/* RFC 3339 with the store's offset: 2026-11-29T10:15:00+08:00. */
void
clock_rfc3339(time_t t, char *buf, size_t size)
{
	struct tm tm;
	int g;

	localtime_r(&t, &tm);
	g = (int)(tm.tm_gmtoff / 60);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, g < 0 ? '-' : '+', abs(g) / 60, abs(g) % 60);
}

/* Writes YYYY-MM-DD into out (CLOCK_DATE_LEN bytes). */
static void
clock_fmt_date(const struct tm *tm, char *out)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", tm->tm_year + 1900,
	    tm->tm_mon + 1, tm->tm_mday);
	memcpy(out, tmp, CLOCK_DATE_LEN - 1);
	out[CLOCK_DATE_LEN - 1] = '\0';
}

void
clock_today(char *buf)
{
	struct tm tm;
	time_t t = clock_now();

	localtime_r(&t, &tm);
	clock_fmt_date(&tm, buf);
}

static int
clock_days_in(int y, int m)
{
	static const int days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int
clock_digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* YYYY-MM-DD, a real calendar day between 1900 and 9999. */
int
clock_date_valid(const char *s)
{
	int y = 0, m = 0, d = 0;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    clock_digits(s, 4, &y) || clock_digits(s + 5, 2, &m) ||
	    clock_digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > clock_days_in(y, m))
		return -1;
	return 0;
}

/* YYYY-MM. */
int
clock_period_valid(const char *s)
{
	int y = 0, m = 0;

	if (s == NULL || strlen(s) != 7 || s[4] != '-' ||
	    clock_digits(s, 4, &y) || clock_digits(s + 5, 2, &m))
		return -1;
	return y < 1900 || m < 1 || m > 12 ? -1 : 0;
}

/* out = date + days (days may be negative); out holds CLOCK_DATE_LEN. */
int
clock_date_add(const char *date, int64_t days, char *out)
{
	struct tm tm;
	time_t t;
	int y = 0, m = 0, d = 0;

	if (clock_date_valid(date) || days > 3650000 || days < -3650000)
		return -1;
	clock_digits(date, 4, &y);
	clock_digits(date + 5, 2, &m);
	clock_digits(date + 8, 2, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + (int)days;
	tm.tm_hour = 12;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 > 9999)
		return -1;
	clock_fmt_date(&tm, out);
	return 0;
}

/* The instant the store's day begins. */
int
clock_date_epoch(const char *date, time_t *out)
{
	struct tm tm;
	int y = 0, m = 0, d = 0;

	if (clock_date_valid(date))
		return -1;
	clock_digits(date, 4, &y);
	clock_digits(date + 5, 2, &m);
	clock_digits(date + 8, 2, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

/* The first and last day of a period YYYY-MM. */
int
clock_period_bounds(const char *period, char *first, char *last)
{
	char tmp[16];
	int y = 0, m = 0;

	if (clock_period_valid(period))
		return -1;
	clock_digits(period, 4, &y);
	clock_digits(period + 5, 2, &m);
	snprintf(tmp, sizeof(tmp), "%.7s-01", period);
	memcpy(first, tmp, CLOCK_DATE_LEN);
	snprintf(
	    tmp, sizeof(tmp), "%.7s-%02d", period, clock_days_in(y, m) % 100);
	memcpy(last, tmp, CLOCK_DATE_LEN);
	return 0;
}

/* The period before (out holds CLOCK_PERIOD_LEN). */
int
clock_period_prev(const char *period, char *out)
{
	char tmp[32];
	int y = 0, m = 0;

	if (clock_period_valid(period))
		return -1;
	clock_digits(period, 4, &y);
	clock_digits(period + 5, 2, &m);
	if (--m == 0) {
		m = 12;
		y--;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d", y % 10000, m % 100);
	memcpy(out, tmp, CLOCK_PERIOD_LEN);
	return 0;
}

void
clock_period_now(char *out)
{
	char today[CLOCK_DATE_LEN];

	clock_today(today);
	memcpy(out, today, 7);
	out[7] = '\0';
}
