/* usbemu_loop.h: run a test's event loop until something happened. */
#ifndef CISHAN_USBEMU_LOOP_H
#define CISHAN_USBEMU_LOOP_H

#include <event2/event.h>
#include <time.h>

static inline long
usbemu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Dispatch in 10 ms slices until *flag >= want or ms pass. */
static inline int
usbemu_run_until(struct event_base *base, const int *flag, int want, int ms)
{
	long end = usbemu_now_ms() + ms;

	while (*flag < want && usbemu_now_ms() < end) {
		struct timeval tv = {0, 10000};

		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	return *flag >= want;
}

#endif
