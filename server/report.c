/*
 * Reports: the spans they cover (a year, or a quarter of one), and who
 * may be named in public (an organisation that agreed).
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

/* "YYYY" or "YYYY-Qn" (n 1..4) as its months and days; 0 or -1. */
int
report_span(const char *s, struct report_span *sp)
{
	int q = 0, y, i;

	memset(sp, 0, sizeof(*sp));
	if (strlen(s) == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' &&
	    s[6] <= '4')
		q = s[6] - '0';
	else if (strlen(s) != 4)
		return -1;
	for (i = 0, y = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	if (y < 2000)
		return -1;
	snprintf(sp->label, sizeof(sp->label), "%s", s);
	snprintf(sp->p1, sizeof(sp->p1), "%.4s-%02d", s, q ? 3 * q - 2 : 1);
	snprintf(sp->p2, sizeof(sp->p2), "%.4s-%02d", s, q ? 3 * q : 12);
	snprintf(sp->d1, sizeof(sp->d1), "%.7s-01", sp->p1);
	/* The last month of a span is 3, 6, 9 or 12: 31, 30, 30, 31 days. */
	snprintf(sp->d2, sizeof(sp->d2), "%.7s-%d", sp->p2,
	    q == 1 || q == 4 || q == 0 ? 31 : 30);
	return 0;
}

/* Whether a donor of kind is an organisation, which alone may agree to
 * be named in public. */
int
report_organisation_ok(const char *kind)
{
	return strcmp(kind, "enterprise") == 0 ||
	    strcmp(kind, "social_org") == 0 || strcmp(kind, "government") == 0;
}
