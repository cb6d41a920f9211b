/*
 * net.c: whether the server can be reached, and the log-in.  Any answer
 * of the server means online; a transport failure means offline and arms
 * a probe of /healthz that notices when it is back, which replays the
 * journal.  Logging in needs the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "app.h"

int
net_up(const struct app *a)
{
	return a->net == NET_ONLINE || a->net == NET_ONLINE_PROBING;
}

static int
net_probing(const struct app *a)
{
	return a->net == NET_ONLINE_PROBING || a->net == NET_OFFLINE_PROBING;
}

/* Online or offline is set here only (the probe merely enters and
 * leaves PROBING): t.online follows, and the cashier is told of a flip. */
static void
net_set(struct app *a, enum net_state st)
{
	int up = st == NET_ONLINE || st == NET_ONLINE_PROBING;

	a->net = st;
	if (a->t.online == up)
		return;
	a->t.online = up;
	till_check(&a->t);
	if (up)
		till_msg(&a->t, "online", "%s",
		    till_tr(&a->t, "服务器已恢复", "server back online"));
	else
		till_msg(&a->t, "offline", "%s",
		    till_tr(&a->t, "服务器无法连接，离线工作中",
		        "server unreachable: working offline"));
}

void
net_offline(struct app *a)
{
	struct timeval tv = {
	    a->o.probe_ms / 1000, (a->o.probe_ms % 1000) * 1000};

	net_set(a, net_probing(a) ? NET_OFFLINE_PROBING : NET_OFFLINE);
	evtimer_add(a->probe, &tv);
}

/* Any answer of the server: the journal can move again. */
void
net_online(struct app *a)
{
	net_set(a, net_probing(a) ? NET_ONLINE_PROBING : NET_ONLINE);
	sync_pump(a);
}

/* After a basket recorded offline: look for the server at once. */
void
net_probe_soon(struct app *a)
{
	struct timeval soon = {0, 1000};

	evtimer_add(a->probe, &soon);
}

int
net_answered(const struct client_reply *r)
{
	return r->status > 0 && r->status != 503 && r->status < 500;
}

void
net_expired(struct app *a)
{
	till_msg(&a->t, "unauthenticated", "%s",
	    till_tr(&a->t, "登录已过期，请重新登录",
	        "session expired: log in again"));
}

static void
net_probe_done(const struct client_reply *r, void *arg)
{
	struct app *a = arg;

	/* Out of PROBING first, so online/offline below set the end state. */
	a->net = net_up(a) ? NET_ONLINE : NET_OFFLINE;
	if (r->status == 200)
		net_online(a);
	else
		net_offline(a);
	app_changed(a);
}

static void
net_probe(evutil_socket_t fd, short ev, void *arg)
{
	struct app *a = arg;

	(void)fd;
	(void)ev;
	if (net_probing(a))
		return;
	a->net = net_up(a) ? NET_ONLINE_PROBING : NET_OFFLINE_PROBING;
	if (client_req(a->cl, "GET", "/healthz", NULL, net_probe_done, a) < 0) {
		a->net = net_up(a) ? NET_ONLINE : NET_OFFLINE;
		net_offline(a);
	}
}

int
net_open(struct app *a, char *err, size_t errsz)
{
	a->net = NET_ONLINE;
	if ((a->cl = client_new(
	         a->base, a->o.server, a->o.timeout_ms, err, errsz)) == NULL ||
	    client_tls(
	        a->cl, a->o.ca_file, a->o.server_fingerprint, err, errsz) != 0)
		return -1;
	if ((a->probe = evtimer_new(a->base, net_probe, a)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

void
net_close(struct app *a)
{
	if (a->probe != NULL)
		event_free(a->probe);
	client_free(a->cl);
}

/* ---- log-in ---- */

#define NET_STORE_KEY "store"

/* The store's name and time zone in use: the till's clock is read in
 * the store's zone, not the machine's. */
static void
net_store_apply(struct app *a, const char *json)
{
	struct wire_store st;

	if (wire_store_text(json, &st) < 0)
		return;
	a->store = st;
	a->o.store = a->store.name;
	setenv("TZ", a->store.tz, 1);
	tzset();
}

void
net_store_cached(struct app *a)
{
	char *js = journal_cache_get(a->j, JOURNAL_STORE, NET_STORE_KEY);

	net_store_apply(a, js);
	free(js);
}

static void
net_store_done(const struct client_reply *r, void *arg)
{
	struct app *a = arg;
	struct wire_store st;

	if (r->status == 200 && wire_store_text(r->body, &st) == 0) {
		journal_cache_put(a->j, JOURNAL_STORE, NET_STORE_KEY, r->body);
		net_store_apply(a, r->body);
	}
	app_changed(a);
	app_busy_dec(a);
}

/* At log-in: the store as the server says now. */
static void
net_store_ask(struct app *a)
{
	app_busy_inc(a);
	if (client_req(a->cl, "GET", "/api/v1/store", NULL, net_store_done, a) <
	    0)
		app_busy_dec(a);
}

struct net_login_call {
	struct app *a;
	char user[64];
};

static void
net_login_done(const struct client_reply *r, void *arg)
{
	struct net_login_call *lc = arg;
	struct app *a = lc->a;
	char token[128], role[16];

	if (r->status == 201 &&
	    wire_login(r->json, token, sizeof(token), role, sizeof(role)) ==
	        0) {
		client_token(a->cl, token);
		till_msgs_clear(&a->t); /* a failed try's message is over */
		till_login(&a->t, lc->user, role);
		/* Paper names the cashier as people know them. */
		wire_reply_str(
		    r->body, "display_name", a->cashier, sizeof(a->cashier));
		if (a->cashier[0] == '\0')
			snprintf(
			    a->cashier, sizeof(a->cashier), "%s", lc->user);
		a->shift_start = (int64_t)time(NULL);
		app_now(a->shift_from, sizeof(a->shift_from));
		till_msg(&a->t, "logged_in", "%s %s",
		    till_tr(&a->t, "已登录:", "logged in:"), lc->user);
		net_online(a);
		net_store_ask(a);
		lookup_prefetch(a, NULL, 0);
	} else if (r->status == 401 || r->status == 400) {
		till_msg(&a->t, "bad_login", "%s",
		    till_tr(&a->t, "用户名或密码错误",
		        "wrong user name or password"));
	} else {
		till_msg(&a->t, "server_unreachable", "%s",
		    till_tr(&a->t, "无法连接服务器，不能登录",
		        "cannot reach the server to log in"));
		if (!net_answered(r))
			net_offline(a);
	}
	free(lc);
	app_changed(a);
	app_busy_dec(a);
}

void
net_login(struct app *a, const char *user, const char *password)
{
	struct net_login_call *lc;
	char *body;

	if ((lc = calloc(1, sizeof(*lc))) == NULL)
		return;
	lc->a = a;
	snprintf(lc->user, sizeof(lc->user), "%s", user);
	body = wire_login_req(user, password);
	app_busy_inc(a);
	if (body == NULL ||
	    client_req(a->cl, "POST", "/api/v1/sessions", body, net_login_done,
	        lc) < 0) {
		free(lc);
		app_busy_dec(a);
	}
	free(body);
}
