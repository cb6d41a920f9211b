/*
 * printer.h: what printer.c's job engine and its transports share
 * (internal).  A transport is a struct printer_ops, one file each:
 * printer_usb.c, printer_file.c, printer_tcp.c, printer_mem.c.
 */
#ifndef CISHAN_DRIVERS_PRINTER_H
#define CISHAN_DRIVERS_PRINTER_H

#include "drv.h"

#define PRINTER_AGAIN 1 /* chunk timed out or stalled: resume */

struct printer;

/* A transport starts one write or one read at a time; each ends in
 * printer_out_done or printer_in_done, at once or from the loop. */
struct printer_ops {
	const char *prefix; /* of the specs it takes: "usb", "file:" */
	/* 0: attached, or (USB) waiting for the device to appear; -1: a
	 * bad spec, no memory, a path or host that cannot be opened. */
	int (*open)(struct printer *, const char *spec);
	/* End what is in flight (its job ends through the engine) and
	 * free the transport; also after a failed open. */
	void (*close)(struct printer *);
	void (*write)(struct printer *, const uint8_t *, size_t);
	void (*read)(struct printer *, unsigned ms);
	/* 1 when a status query can be answered (the profile aside). */
	int (*can_status)(const struct printer *);
	/* Before a query: drop stale input here and return 0, or return 1
	 * to have the engine drain it with short reads. */
	int (*drain)(struct printer *);
	/* The job's deadline passed: 1 when the write in flight was
	 * cancelled and ends through printer_out_done, else 0. */
	int (*expire)(struct printer *);
};

extern const struct printer_ops printer_usb_ops;
extern const struct printer_ops printer_file_ops;
extern const struct printer_ops printer_tcp_ops;
extern const struct printer_ops printer_mem_ops;

enum printer_opk { PRINTER_OP_WRITE, PRINTER_OP_STATUS };
enum printer_phase { PRINTER_DRAIN, PRINTER_QUERY, PRINTER_READ };

struct printer_op {
	enum printer_opk kind;
	uint8_t *buf;
	size_t len, off;
	int started;
	void (*done)(int, void *);
	void (*scb)(const struct escpos_status *, void *);
	void *arg;
	struct printer_op *next;
};

struct printer {
	struct drv_ctx *ctx;
	struct printer_cbs cbs;
	const struct devices_profile *prof;
	int prof_fixed; /* given to printer_open: the device id cannot win */
	int attached;
	const struct printer_ops *ops;
	void *tr; /* the transport's own state */
	/* the job engine */
	struct printer_op *q, *cur;
	enum printer_phase phase;
	int drains;
	uint8_t st[3];
	size_t stn;
	unsigned chunk_ms, job_ms, status_ms;
	int expired;
	struct event *deadline, *kick;
};

/* printer.c: what the transports call. */
void printer_out_done(struct printer *, size_t n, int err);
void printer_in_done(struct printer *, const uint8_t *, size_t, int err);
void printer_later(struct printer *); /* step the engine from the loop */
void printer_state(struct printer *, enum printer_state);
void printer_fail_all(struct printer *, int err);

/* printer_file.c: I/O on an fd, which printer_tcp.c shares.  attach
 * takes fd (closed on failure); status 0: it cannot answer a query.
 * PRINTER_FILE_IO: the ops of a table that only opens its fd itself. */
#define PRINTER_FILE_IO                                                        \
	.close = printer_file_close, .write = printer_file_write,              \
	.read = printer_file_read, .can_status = printer_file_can_status,      \
	.drain = printer_file_drain, .expire = printer_file_expire
int printer_file_attach(struct printer *, int fd, int status);
void printer_file_close(struct printer *);
void printer_file_write(struct printer *, const uint8_t *, size_t);
void printer_file_read(struct printer *, unsigned ms);
int printer_file_can_status(const struct printer *);
int printer_file_drain(struct printer *);
int printer_file_expire(struct printer *);

#endif
