/* ui.c: placeholder until the terminal UI lands. */
#include <stdio.h>

#include "pos.h"

struct ui *
ui_new(struct app *a, char *err, size_t errsz)
{
	(void)a;
	snprintf(err, errsz, "no terminal UI yet: use --script");
	return NULL;
}

void
ui_free(struct ui *u)
{
	(void)u;
}

int
ui_done(const struct ui *u)
{
	(void)u;
	return 1;
}
