/* drv.h: the context scanner.c and the printers share (internal). */
#ifndef CISHAN_DRIVERS_DRV_H
#define CISHAN_DRIVERS_DRV_H

#include "drivers.h"
#include "usb.h"

struct drv_ctx {
	struct event_base *base;
	struct usb *usb;
};

#endif
