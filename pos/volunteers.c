/*
 * volunteers.c: a volunteer checks in or out at the till, under the
 * cashier's session: the server keeps the check-in, and at check-out
 * writes the shift (公益记录) from the times. One request a command; the
 * till says what the server said.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

struct volunteers {
	struct app *a;
	int64_t id;
	int in;     /* check-in; 0: check-out */
	int toggle; /* a check-in refused as already in becomes a check-out */
	char cid[37];
};

static void
volunteers_done(const struct client_reply *r, void *arg)
{
	struct volunteers *v = arg;
	struct app *a = v->a;
	struct till *t = &a->t;
	struct wire_err we;
	int64_t minutes;

	if ((r->status == 201 || r->status == 200) && v->in)
		till_msg(t, "checked_in", "%s %" PRId64,
		    till_tr(t, "志愿者已签到", "volunteer checked in"), v->id);
	else if ((r->status == 201 || r->status == 200) &&
	    wire_shift_minutes(r->json, &minutes) == 0)
		till_msg(t, "checked_out", "%s %" PRId64 ", %" PRId64 " %s",
		    till_tr(t, "志愿者已签退", "volunteer checked out"), v->id,
		    minutes, till_tr(t, "分钟", "minutes"));
	else if (r->status == 401)
		net_expired(a);
	else if (!net_answered(r)) {
		net_offline(a);
		till_msg(t, "server_unreachable", "%s",
		    till_tr(t, "无法连接服务器，未签到或签退",
		        "cannot reach the server: nothing recorded"));
	} else if (r->status == 200 || r->status == 201)
		till_msg(t, "bad_reply", "%s",
		    till_tr(t, "服务器的回答无法读取",
		        "the server's answer cannot be read"));
	else {
		wire_error(r->json, &we);
		/* The time clock's way (F11): the second punch of the day
		 * checks the volunteer out. */
		if (v->toggle && r->status == 409 &&
		    strcmp(we.code, "already_checked_in") == 0) {
			volunteers_start(a, v->id, 0, "");
			goto out;
		}
		till_msg(t, we.code, "%s %s",
		    v->in ? till_tr(t, "未签到:", "not checked in:")
		          : till_tr(t, "未签退:", "not checked out:"),
		    we.text);
	}
out:
	free(v);
	app_changed(a);
	app_busy_dec(a);
}

/* Checks volunteer id in (in 1, with role) or out (0); in -1: in, or out
 * if the server says the volunteer is in. */
void
volunteers_start(struct app *a, int64_t id, int in, const char *role)
{
	struct client_reply none = {0};
	struct till *t = &a->t;
	struct volunteers *v;
	char path[80], *body;

	if (t->stage == TILL_LOGIN) {
		till_msg(t, "login_first", "%s",
		    till_tr(t, "请先登录", "log in first"));
		app_changed(a);
		return;
	}
	if (in && (role[0] == '\0' || strlen(role) > 40)) {
		till_msg(t, "bad_role", "%s",
		    till_tr(
		        t, "岗位应为 1 到 40 字节", "a role is 1 to 40 bytes"));
		app_changed(a);
		return;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return;
	v->a = a;
	v->id = id;
	v->in = in != 0;
	v->toggle = in < 0;
	wire_uuid(v->cid);
	snprintf(path, sizeof(path), "/api/v1/volunteers/%" PRId64 "/%s", id,
	    in ? "check-in" : "check-out");
	body = in ? wire_checkin_req(v->cid, a->o.till_id, role)
	          : wire_checkout_req(v->cid);
	app_busy_inc(a);
	if (body == NULL ||
	    client_req(a->cl, "POST", path, body, volunteers_done, v) < 0)
		volunteers_done(&none, v);
	free(body);
}
