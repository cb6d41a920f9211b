/*
 * ui.c: the cashier's screen (ncursesw).  Keys arrive through the loop
 * (an event on stdin) and go to the same app functions the scanner and
 * scripts use; the screen is redrawn from the till's state after each
 * change.  Widths are display widths: a Chinese character is two columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>
#include <event2/event.h>

#include "drivers.h"
#include "pos.h"

#define UI_INPUT_MAX 96

enum ui_field { UI_USER, UI_PASS };

struct ui {
	struct app *a;
	SCREEN *scr;
	struct event *rd;
	char input[UI_INPUT_MAX + 1];
	char user[64], pass[128];
	enum ui_field field;
	int done;
};

/* s cut or padded to exactly w columns at (y, x). */
static void
ui_put(int y, int x, const char *s, int w)
{
	char buf[512];
	int used;

	if (w <= 0)
		return;
	receipt_fit(buf, sizeof(buf), s, w);
	used = receipt_width(buf);
	mvaddstr(y, x, buf);
	for (; used < w; used++)
		addch(' ');
}

static const char *
ui_tr(struct ui *u, const char *zh, const char *en)
{
	return till_tr(app_till(u->a), zh, en);
}

static void
ui_draw_login(struct ui *u)
{
	char line[256], stars[129];
	size_t n = strlen(u->pass);

	memset(stars, '*', n < 128 ? n : 128);
	stars[n < 128 ? n : 128] = '\0';
	ui_put(2, 2,
	    ui_tr(u, "请登录 (Tab 切换, Enter 登录)",
	        "Log in (Tab: next field, Enter: log in)"),
	    COLS - 4);
	snprintf(line, sizeof(line), "%s: %s%s", ui_tr(u, "用户名", "User"),
	    u->user, u->field == UI_USER ? "_" : "");
	ui_put(4, 4, line, COLS - 8);
	snprintf(line, sizeof(line), "%s: %s%s", ui_tr(u, "密码", "Password"),
	    stars, u->field == UI_PASS ? "_" : "");
	ui_put(5, 4, line, COLS - 8);
}

static void
ui_draw_basket(struct ui *u)
{
	struct till *t = app_till(u->a);
	const struct till_item *res;
	char line[512], flags[128];
	size_t i, n, first = 0;
	int y = 2, rows;
	unsigned f;

	if (t->has_hh) {
		snprintf(line, sizeof(line), "%s %s  %s %s  %s %s  %s %lld%s",
		    ui_tr(u, "家庭卡", "Card"), t->hh.card,
		    ui_tr(u, "户主", "Head"), t->hh.name_masked,
		    ui_tr(u, "类别", "Category"), t->hh.category,
		    ui_tr(u, "积分余额", "Balance"), (long long)t->hh.points,
		    t->hh.cached ? ui_tr(u, " (本机缓存)", " (cached)") : "");
		ui_put(y++, 1, line, COLS - 2);
		line[0] = '\0';
		for (i = 0; i < t->hh.nlimits; i++) {
			size_t len = strlen(line);

			snprintf(line + len, sizeof(line) - len, "%s%s %s%lld",
			    i ? "  " : ui_tr(u, "本月限量: ", "Limits left: "),
			    t->hh.limits[i].name, ui_tr(u, "剩", "left "),
			    (long long)t->hh.limits[i].remaining);
		}
		ui_put(y++, 1, line, COLS - 2);
	} else {
		ui_put(y++, 1, ui_tr(u, "请刷家庭卡", "Scan a household card"),
		    COLS - 2);
		ui_put(y++, 1, "", COLS - 2);
	}
	attron(A_BOLD);
	ui_put(y, 1, ui_tr(u, " #  物品", " #  Item"), COLS - 30);
	ui_put(y, COLS - 29, ui_tr(u, " 数量  积分  提示", "  Qty Points Note"),
	    28);
	attroff(A_BOLD);
	y++;
	rows = LINES - y - 6;
	if (rows < 1)
		rows = 1;
	if (t->nlines > (size_t)rows && t->cursor >= (size_t)rows)
		first = t->cursor - (size_t)rows + 1;
	for (i = first; i < t->nlines && y < LINES - 6; i++, y++) {
		const struct till_line *l = &t->lines[i];

		flags[0] = '\0';
		for (f = 1; f <= TILL_F_OFFCAP; f <<= 1)
			if (l->flags & f)
				snprintf(flags + strlen(flags),
				    sizeof(flags) - strlen(flags), "%s!",
				    till_flag_code(f));
		if (i == t->cursor)
			attron(A_REVERSE);
		snprintf(line, sizeof(line), "%2zu  %s", i + 1, l->item.name);
		ui_put(y, 1, line, COLS - 30);
		snprintf(line, sizeof(line), "%5lld %5lld  %s",
		    (long long)l->qty, (long long)(l->qty * l->item.points),
		    flags);
		ui_put(y, COLS - 29, line, 28);
		if (i == t->cursor)
			attroff(A_REVERSE);
	}
	n = app_results(u->a, &res);
	for (i = 0; i < n && y < LINES - 6; i++, y++) {
		snprintf(line, sizeof(line), "  #%zu %s (%s) %lld", i + 1,
		    res[i].name, res[i].barcode, (long long)res[i].points);
		ui_put(y, 1, line, COLS - 2);
	}
	for (; y < LINES - 6; y++)
		ui_put(y, 1, "", COLS - 2);
	attron(A_BOLD);
	snprintf(line, sizeof(line), "%s %lld    %s %lld",
	    ui_tr(u, "合计积分", "Total"), (long long)till_total(t),
	    ui_tr(u, "结余", "Balance after"),
	    (long long)till_balance_after(t));
	ui_put(LINES - 6, 1, line, COLS - 2);
	attroff(A_BOLD);
}

static void
ui_draw(void *arg)
{
	struct ui *u = arg;
	struct till *t = app_till(u->a);
	char line[512];
	size_t i;
	int y;

	erase();
	snprintf(line, sizeof(line),
	    "%s  %s %s  %s %s  [%s]  %s %lld  %s %lld  %s %s  %s %s",
	    app_opts(u->a)->store, ui_tr(u, "收银台", "Till"),
	    app_opts(u->a)->till_id, ui_tr(u, "收银员", "Cashier"),
	    t->user[0] ? t->user : "-",
	    t->online ? ui_tr(u, "在线", "online")
	              : ui_tr(u, "离线", "OFFLINE"),
	    ui_tr(u, "待上传", "unsent"), (long long)app_pending(u->a),
	    ui_tr(u, "待处理", "conflicts"), (long long)app_conflicts(u->a),
	    ui_tr(u, "打印机", "printer"), app_printer_state(u->a),
	    ui_tr(u, "扫描枪", "scanner"), app_scanner_state(u->a));
	attron(A_REVERSE);
	ui_put(0, 0, line, COLS);
	attroff(A_REVERSE);
	if (t->stage == TILL_LOGIN)
		ui_draw_login(u);
	else
		ui_draw_basket(u);
	/* The newest messages, the last one at the bottom. */
	y = LINES - 5;
	for (i = t->nmsgs > 3 ? t->nmsgs - 3 : 0; i < t->nmsgs; i++)
		ui_put(y++, 1, t->msgs[i].text, COLS - 2);
	if (t->stage != TILL_LOGIN) {
		snprintf(line, sizeof(line), "> %s_", u->input);
		ui_put(LINES - 2, 0, line, COLS);
	}
	attron(A_REVERSE);
	ui_put(LINES - 1, 0,
	    ui_tr(u,
	        "Enter 扫码/输入 F2 数量 F3 删除 F4 搜索 #N 选结果 F5 补打 "
	        "F6 捐赠收据 F8 取消 F10 确认 F12 交班 ↑↓ 选择 ^X 退出",
	        "Enter code  F2 qty  F3 remove  F4 search  #N pick  F5 reprint "
	        " F6 donor receipt  F8 cancel  F10 confirm  F12 shift  Up/Down "
	        "select  ^X quit"),
	    COLS);
	attroff(A_REVERSE);
	refresh();
}

/* Append the UTF-8 of wc to s (bounded). */
static void
ui_append(char *s, size_t size, wint_t wc)
{
	char mb[8];
	mbstate_t st;
	size_t n, len = strlen(s);

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)wc, &st);
	if (n == (size_t)-1 || len + n + 1 > size)
		return;
	memcpy(s + len, mb, n);
	s[len + n] = '\0';
}

static void
ui_backspace(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
		n--; /* a UTF-8 continuation byte */
	if (n > 0)
		n--;
	s[n] = '\0';
}

static void
ui_key_login(struct ui *u, int fn, wint_t wc)
{
	char *f = u->field == UI_USER ? u->user : u->pass;
	size_t size = u->field == UI_USER ? sizeof(u->user) : sizeof(u->pass);

	if (!fn && wc == '\t')
		u->field = u->field == UI_USER ? UI_PASS : UI_USER;
	else if (!fn && (wc == '\r' || wc == '\n')) {
		if (u->field == UI_USER)
			u->field = UI_PASS;
		else {
			app_login(u->a, u->user, u->pass);
			explicit_bzero(u->pass, sizeof(u->pass));
		}
	} else if ((fn && wc == KEY_BACKSPACE) ||
	    (!fn && (wc == 127 || wc == 8)))
		ui_backspace(f);
	else if (!fn && wc >= 0x20)
		ui_append(f, size, wc);
}

static void
ui_enter(struct ui *u)
{
	const struct till_item *res;
	size_t n;
	char *end;
	long k;

	if (u->input[0] == '#') {
		/* #N: the Nth search result. */
		k = strtol(u->input + 1, &end, 10);
		n = app_results(u->a, &res);
		if (*end == '\0' && k >= 1 && (size_t)k <= n)
			app_scan(u->a, res[k - 1].barcode);
	} else
		app_scan(u->a, u->input);
	u->input[0] = '\0';
}

static void
ui_key(struct ui *u, int fn, wint_t wc)
{
	struct till *t = app_till(u->a);
	char *end;
	long q;

	if (!fn && wc == 24) { /* ^X */
		u->done = 1;
		event_base_loopexit(event_get_base(u->rd), NULL);
		return;
	}
	if (fn && wc == KEY_RESIZE)
		return;
	if (t->stage == TILL_LOGIN) {
		ui_key_login(u, fn, wc);
		return;
	}
	if (fn || wc == '\r' || wc == '\n')
		till_msgs_clear(t); /* typing keeps the last messages */
	if (!fn && (wc == '\r' || wc == '\n'))
		ui_enter(u);
	else if ((fn && wc == KEY_BACKSPACE) || (!fn && (wc == 127 || wc == 8)))
		ui_backspace(u->input);
	else if (fn && wc == KEY_UP && t->cursor > 0)
		t->cursor--;
	else if (fn && wc == KEY_DOWN && t->cursor + 1 < t->nlines)
		t->cursor++;
	else if (fn && wc == KEY_F(2)) {
		q = strtol(u->input, &end, 10);
		if (u->input[0] == '\0' || *end != '\0' || t->nlines == 0)
			till_msg(t, "bad_quantity", "%s",
			    ui_tr(u, "先输入数量再按 F2",
			        "type the quantity, then F2"));
		else
			till_qty(t, t->cursor, q);
		u->input[0] = '\0';
	} else if (fn && wc == KEY_F(3))
		till_remove(t, t->cursor);
	else if (fn && wc == KEY_F(4)) {
		app_search(u->a, u->input);
		u->input[0] = '\0';
	} else if (fn && wc == KEY_F(5))
		app_reprint(u->a);
	else if (fn && wc == KEY_F(6)) {
		/* The donation's id, then F6: its donor receipt. */
		q = strtol(u->input, &end, 10);
		if (u->input[0] == '\0' || *end != '\0' || q < 1)
			till_msg(t, "bad_donation", "%s",
			    ui_tr(u, "先输入捐赠编号再按 F6",
			        "type the donation id, then F6"));
		else
			app_donation(u->a, q);
		u->input[0] = '\0';
	} else if (fn && wc == KEY_F(8))
		till_cancel(t);
	else if (fn && wc == KEY_F(10))
		app_confirm(u->a);
	else if (fn && wc == KEY_F(12))
		app_shift(u->a);
	else if (!fn && wc >= 0x20)
		ui_append(u->input, sizeof(u->input), wc);
}

static void
ui_read(evutil_socket_t fd, short ev, void *arg)
{
	struct ui *u = arg;
	wint_t wc;
	int r;

	(void)fd;
	(void)ev;
	while ((r = get_wch(&wc)) != ERR && !u->done)
		ui_key(u, r == KEY_CODE_YES, wc);
	if (!u->done)
		ui_draw(u);
}

struct ui *
ui_new(struct app *a, struct event_base *base, char *err, size_t errsz)
{
	struct ui *u;

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	u->a = a;
	if ((u->scr = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(err, errsz, "cannot start the terminal (TERM=%s)",
		    getenv("TERM") ? getenv("TERM") : "");
		free(u);
		return NULL;
	}
	raw(); /* ^S/^Q/^C are keys here; ^X quits */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	u->rd = event_new(base, 0, EV_READ | EV_PERSIST, ui_read, u);
	if (u->rd == NULL || event_add(u->rd, NULL) != 0) {
		snprintf(err, errsz, "cannot watch the terminal");
		ui_free(u);
		return NULL;
	}
	app_hooks(a, ui_draw, NULL, u);
	ui_draw(u);
	return u;
}

void
ui_free(struct ui *u)
{
	if (u == NULL)
		return;
	if (u->rd != NULL)
		event_free(u->rd);
	app_hooks(u->a, NULL, NULL, NULL);
	endwin();
	delscreen(u->scr);
	free(u);
}

int
ui_done(const struct ui *u)
{
	return u->done;
}
