/* drv.c: the context every device of one till shares. */
#include <stdlib.h>

#include <event2/event.h>

#include "drv.h"

struct drv_ctx *
drv_new(struct event_base *base)
{
	struct drv_ctx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->base = base;
	if ((c->usb = usb_new(base)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
drv_free(struct drv_ctx *c)
{
	if (c == NULL)
		return;
	usb_free(c->usb);
	free(c);
}

struct event_base *
drv_base(const struct drv_ctx *c)
{
	return c->base;
}

int
drv_list(struct drv_ctx *c, void (*cb)(const struct drv_devinfo *, void *),
    void *arg)
{
	return usb_list(c->usb, cb, arg);
}
