/*
 * voids.c: a void at the till. A manager authorises it with their own
 * user name and password typed at the till: the till logs them in beside
 * the cashier's session, finds the receipt, voids it with the reason,
 * and always ends the manager's session again, whatever happened after
 * the log-in; then it prints a void slip. One request at a time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers.h"
#include "app.h"

struct voids {
	struct app *a;
	char receipt[64], manager[64], reason[200];
	char token[128], role[16], cid[37];
	int64_t id, points, goods;
	int ok; /* voided: the slip is printed once the session is ended */
};

static void
voids_end(struct voids *v)
{
	struct app *a = v->a;
	struct slip_void s;
	struct escpos *e;
	char when[32];

	if (v->ok && a->pr != NULL &&
	    (e = escpos_new(printer_profile(a->pr))) != NULL) {
		app_now(when, sizeof(when));
		memset(&s, 0, sizeof(s));
		s.store = a->o.store;
		s.till = a->o.till_id;
		s.cashier = a->cashier;
		s.receipt_no = v->receipt;
		s.manager = v->manager;
		s.reason = v->reason;
		s.when = when;
		s.points = v->points;
		s.lang = a->t.lang;
		slip_void(e, &s);
		print_queue(a, e);
	}
	explicit_bzero(v->token, sizeof(v->token));
	free(v);
	app_changed(a);
	app_busy_dec(a);
}

static void
voids_logged_out(const struct client_reply *r, void *arg)
{
	(void)r;
	voids_end(arg);
}

/* The manager's session ends, whatever came after the log-in. */
static void
voids_logout(struct voids *v)
{
	struct client_reply none = {0};

	if (client_req_as(v->a->cl, v->token, "DELETE",
	        "/api/v1/sessions/current", NULL, voids_logged_out, v) < 0)
		voids_logged_out(&none, v);
}

/* A step that failed: say why (the server's words where it gave some). */
static void
voids_refused(struct voids *v, const struct client_reply *r)
{
	struct till *t = &v->a->t;
	struct wire_err we;

	if (!net_answered(r)) {
		net_offline(v->a);
		till_msg(t, "server_unreachable", "%s",
		    till_tr(t, "无法连接服务器，未作废",
		        "cannot reach the server: nothing voided"));
		return;
	}
	wire_error(r->json, &we);
	till_msg(
	    t, we.code, "%s %s", till_tr(t, "未作废:", "not voided:"), we.text);
}

static void
voids_done(const struct client_reply *r, void *arg)
{
	struct voids *v = arg;
	struct till *t = &v->a->t;

	if (r->status == 201 || r->status == 200) {
		v->ok = 1;
		journal_void_add(v->a->j, v->receipt, v->points, v->goods,
		    (int64_t)time(NULL));
		till_msg(t, "voided", "%s %s, %s %" PRId64,
		    till_tr(t, "已作废", "voided"), v->receipt,
		    till_tr(t, "退回积分", "points back"), v->points);
	} else
		voids_refused(v, r);
	voids_logout(v);
}

static void
voids_found(const struct client_reply *r, void *arg)
{
	struct voids *v = arg;
	struct till *t = &v->a->t;
	char path[64], *body;
	int voided;

	if (r->status != 200) {
		voids_refused(v, r);
		voids_logout(v);
		return;
	}
	if (wire_dist_found(r->json, &v->id, &v->points, &v->goods, &voided) <
	    0) {
		till_msg(t, "unknown_receipt", "%s %s",
		    till_tr(t, "没有这张小票:", "no such receipt:"),
		    v->receipt);
		voids_logout(v);
		return;
	}
	if (voided) {
		till_msg(t, "already_voided", "%s %s",
		    till_tr(t, "这张小票已作废:", "voided already:"),
		    v->receipt);
		voids_logout(v);
		return;
	}
	wire_uuid(v->cid);
	snprintf(path, sizeof(path), "/api/v1/distributions/%" PRId64 "/void",
	    v->id);
	body = wire_void_req(v->cid, v->reason);
	if (body == NULL ||
	    client_req_as(
	        v->a->cl, v->token, "POST", path, body, voids_done, v) < 0) {
		struct client_reply none = {0};

		free(body);
		voids_done(&none, v);
		return;
	}
	free(body);
}

static void
voids_logged_in(const struct client_reply *r, void *arg)
{
	struct voids *v = arg;
	struct till *t = &v->a->t;
	char path[256], esc[3 * 64];

	if (r->status != 201 ||
	    wire_login(r->json, v->token, sizeof(v->token), v->role,
	        sizeof(v->role)) < 0) {
		if (r->status == 401 || r->status == 400)
			till_msg(t, "bad_manager_login", "%s",
			    till_tr(t, "店长用户名或密码错误，未作废",
			        "wrong manager name or password: nothing "
			        "voided"));
		else
			voids_refused(v, r);
		voids_end(v);
		return;
	}
	if (strcmp(v->role, "manager") != 0 && strcmp(v->role, "admin") != 0) {
		till_msg(t, "not_manager", "%s",
		    till_tr(t, "作废需要店长或管理员授权",
		        "a void needs a manager or an admin"));
		voids_logout(v);
		return;
	}
	client_escape(v->receipt, esc, sizeof(esc));
	snprintf(
	    path, sizeof(path), "/api/v1/distributions?receipt_no=%s", esc);
	if (client_req_as(
	        v->a->cl, v->token, "GET", path, NULL, voids_found, v) < 0) {
		struct client_reply none = {0};

		voids_found(&none, v);
	}
}

void
voids_start(struct app *a, const char *receipt, const char *manager,
    const char *password, const char *reason)
{
	struct till *t = &a->t;
	struct voids *v;
	char *body;

	if (t->stage == TILL_LOGIN) {
		till_msg(t, "login_first", "%s",
		    till_tr(t, "请先登录", "log in first"));
		app_changed(a);
		return;
	}
	if (receipt[0] == '\0' || strlen(receipt) >= 64 || manager[0] == '\0' ||
	    strlen(manager) >= 64 || reason[0] == '\0' ||
	    strlen(reason) > 190) {
		till_msg(t, "bad_void", "%s",
		    till_tr(t, "作废需要小票号、店长、密码和原因（190 字节内）",
		        "a void needs a receipt, a manager, a password and a "
		        "reason (190 bytes at most)"));
		app_changed(a);
		return;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return;
	v->a = a;
	snprintf(v->receipt, sizeof(v->receipt), "%s", receipt);
	snprintf(v->manager, sizeof(v->manager), "%s", manager);
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
	body = wire_login_req(manager, password);
	app_busy_inc(a);
	if (body == NULL ||
	    client_req_as(a->cl, "", "POST", "/api/v1/sessions", body,
	        voids_logged_in, v) < 0) {
		struct client_reply none = {0};

		voids_logged_in(&none, v);
	}
	if (body != NULL)
		explicit_bzero(body, strlen(body));
	free(body);
}
