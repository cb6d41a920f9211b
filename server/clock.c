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

/*
 * The times of one answer mostly fall on one local day: clock_rfc3339
 * formats its date and offset once, the time of day by hand (snprintf
 * cost more than the rest of an item's JSON). A day whose offset changes
 * (summer time) is not kept; a new zone forgets it.
 */
static _Thread_local struct clock_day {
	time_t from, to; /* the day kept; to 0: none */
	char date[11], off[7];
} clock_day;

void
clock_init(const char *tz)
{
	if (tz != NULL && *tz != '\0')
		setenv("TZ", tz, 1);
	tzset();
	clock_day.from = clock_day.to = 0;
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

/* Whether [from, to) is one whole local day at one UTC offset. */
static int
clock_plain_day(time_t from, time_t to, long off)
{
	struct tm a, b;

	to--;
	return localtime_r(&from, &a) != NULL && localtime_r(&to, &b) != NULL &&
	    a.tm_gmtoff == off && b.tm_gmtoff == off && a.tm_hour == 0 &&
	    a.tm_min == 0 && a.tm_sec == 0 && b.tm_hour == 23 &&
	    b.tm_min == 59 && b.tm_sec == 59;
}

/* The local day of t into clock_day (kept when it can be); the seconds
 * since its midnight. */
static long
clock_day_of(time_t t)
{
	struct clock_day *c = &clock_day;
	struct tm tm;
	unsigned a;
	long s;
	int g;

	if (t >= c->from && t < c->to)
		return (long)(t - c->from);
	localtime_r(&t, &tm);
	g = (int)(tm.tm_gmtoff / 60);
	a = (unsigned)(g < 0 ? -g : g);
	snprintf(c->date, sizeof(c->date), "%04u-%02u-%02u",
	    (unsigned)(tm.tm_year + 1900) % 10000,
	    (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100);
	snprintf(c->off, sizeof(c->off), "%c%02u:%02u", g < 0 ? '-' : '+',
	    a / 60 % 100, a % 60);
	s = tm.tm_hour * 3600L + tm.tm_min * 60 + tm.tm_sec;
	c->from = t - s;
	c->to = c->from + 86400;
	if (!clock_plain_day(c->from, c->to, tm.tm_gmtoff))
		c->from = c->to = 0;
	return s;
}

/* RFC 3339 with the store's offset: 2026-11-29T10:15:00+08:00. */
void
clock_rfc3339(time_t t, char *buf, size_t size)
{
	long s;

	if (size < CLOCK_RFC3339_LEN) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	s = clock_day_of(t);
	memcpy(buf, clock_day.date, 10);
	buf[10] = 'T';
	buf[11] = (char)('0' + s / 36000);
	buf[12] = (char)('0' + s / 3600 % 10);
	buf[13] = ':';
	buf[14] = (char)('0' + s % 3600 / 600);
	buf[15] = (char)('0' + s % 600 / 60);
	buf[16] = ':';
	buf[17] = (char)('0' + s % 60 / 10);
	buf[18] = (char)('0' + s % 10);
	memcpy(buf + 19, clock_day.off, 7);
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
	clock_day_of(clock_now());
	memcpy(buf, clock_day.date, CLOCK_DATE_LEN);
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

/* Whether s is YYYY-MM-DD, a real calendar day between 1900 and 9999. */
int
clock_date_valid(const char *s)
{
	int y = 0, m = 0, d = 0;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    clock_digits(s, 4, &y) || clock_digits(s + 5, 2, &m) ||
	    clock_digits(s + 8, 2, &d))
		return 0;
	return y >= 1900 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= clock_days_in(y, m);
}

/* Whether s is a month, YYYY-MM. */
int
clock_period_valid(const char *s)
{
	int y = 0, m = 0;

	if (s == NULL || strlen(s) != 7 || s[4] != '-' ||
	    clock_digits(s, 4, &y) || clock_digits(s + 5, 2, &m))
		return 0;
	return y >= 1900 && m >= 1 && m <= 12;
}

/* out = date + days (days may be negative); out holds CLOCK_DATE_LEN. */
int
clock_date_add(const char *date, int64_t days, char *out)
{
	struct tm tm;
	time_t t;
	int y = 0, m = 0, d = 0;

	if (!clock_date_valid(date) || days > 3650000 || days < -3650000)
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

	if (!clock_date_valid(date))
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

	if (!clock_period_valid(period))
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

	if (!clock_period_valid(period))
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
