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
#include "money.h"
#include "pos.h"

#define UI_INPUT_MAX 96

enum ui_field { UI_USER, UI_PASS };

/* The void dialog (F7): its fields, in the order Tab and Enter go. */
enum ui_vfield { UI_V_RECEIPT, UI_V_MANAGER, UI_V_PASS, UI_V_REASON, UI_V_N };

struct ui {
	struct app *a;
	SCREEN *scr;
	struct event *rd;
	char input[UI_INPUT_MAX + 1];
	char user[64], pass[128];
	enum ui_field field;
	int done;
	int color;   /* the terminal has colours; else bold and underline */
	int help;    /* F1: the keys listed, until the next key */
	int voiding; /* F7: the void dialog is up */
	enum ui_vfield vfield;
	char vf[UI_V_N][192];
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

/* What stands out: a flagged line, a negative balance, offline. */
enum ui_mark { UI_WARN = 1, UI_ALERT = 2 };

static void
ui_mark(struct ui *u, enum ui_mark m, int on)
{
	/* Colour where the terminal has it; else a monochrome stand-in. */
	attr_t a = u->color ? (attr_t)COLOR_PAIR(m) | A_BOLD
	                    : (m == UI_ALERT ? A_BOLD | A_UNDERLINE : A_BOLD);

	if (on)
		attron(a);
	else
		attroff(a);
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
		    ui_tr(u, "类别", "Category"),
		    till_category(t, t->hh.category),
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
				    sizeof(flags) - strlen(flags), "%s%s",
				    flags[0] ? " " : "", till_flag_short(t, f));
		if (i == t->cursor)
			attron(A_REVERSE);
		if (l->flags)
			ui_mark(u, UI_ALERT, 1);
		snprintf(line, sizeof(line), "%2zu  %s", i + 1, l->item.name);
		ui_put(y, 1, line, COLS - 30);
		snprintf(line, sizeof(line), "%5lld %5lld  %s",
		    (long long)l->qty, (long long)(l->qty * l->item.points),
		    flags);
		ui_put(y, COLS - 29, line, 28);
		if (l->flags)
			ui_mark(u, UI_ALERT, 0);
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
	if (till_balance_after(t) < 0)
		ui_mark(u, UI_ALERT, 1);
	if (t->sale) { /* a charity sale: its total and payment */
		char fen[MONEY_LEN];

		money_format(till_sale_total(t), fen, sizeof(fen));
		snprintf(line, sizeof(line), "%s %s    %s %s %s",
		    ui_tr(u, "义卖合计", "Sale total"), fen,
		    ui_tr(u, "付款", "Paid by"),
		    strcmp(t->pay_method, "qr") == 0 ? ui_tr(u, "扫码", "QR")
		                                     : ui_tr(u, "现金", "cash"),
		    t->pay_ref);
	} else
		snprintf(line, sizeof(line), "%s %lld    %s %lld",
		    ui_tr(u, "合计积分", "Total"), (long long)till_total(t),
		    ui_tr(u, "结余", "Balance after"),
		    (long long)till_balance_after(t));
	ui_put(LINES - 6, 1, line, COLS - 2);
	ui_mark(u, UI_ALERT, 0);
	attroff(A_BOLD);
}

static const char *const ui_help_zh[] = {"Enter  扫码或输入条码",
    "F1     本帮助", "F2     先输入数量再按 F2：改选中行数量",
    "F3     删除选中行", "F4     先输入文字再按 F4：搜索商品；#N 选结果",
    "F5     补打上一张小票", "F6     先输入捐赠编号再按 F6：打印捐赠收据",
    "F7     作废小票（店长输入自己的用户名和密码）", "F8     取消本单",
    "F9     义卖：开始；再按 F9 现金，先输入交易号再按 F9 扫码",
    "F10    确认发放", "F11    先输入志愿者编号再按 F11：签到，已签到则签退",
    "F12    交班汇总", "↑ ↓    选择行", "Ctrl-X 退出", NULL};
static const char *const ui_help_en[] = {"Enter  scan or type a code",
    "F1     this help", "F2     type a quantity, then F2: the line's",
    "F3     remove the line", "F4     type words, then F4: search; #N picks",
    "F5     reprint the last receipt",
    "F6     type a donation id, then F6: donor receipt",
    "F7     void a receipt (a manager types their own log-in)",
    "F8     cancel the basket",
    "F9     charity sale: start; F9 again cash, a reference then F9: QR",
    "F10    confirm",
    "F11    type a volunteer id, then F11: check in (out if in)",
    "F12    end of shift", "Up/Dn  select a line", "Ctrl-X quit", NULL};

static void
ui_draw_help(struct ui *u)
{
	const char *const *h =
	    app_till(u->a)->lang == TILL_EN ? ui_help_en : ui_help_zh;
	int y = 2;

	for (; *h != NULL && y < LINES - 2; h++)
		ui_put(y++, 2, *h, COLS - 4);
	ui_put(y < LINES - 2 ? y + 1 : LINES - 2, 2,
	    ui_tr(u, "按任意键返回", "any key: back"), COLS - 4);
}

static void
ui_draw_void(struct ui *u)
{
	static const char *const zh[UI_V_N] = {
	    "小票号", "店长用户名", "店长密码", "作废原因"};
	static const char *const en[UI_V_N] = {
	    "Receipt", "Manager", "Password", "Reason"};
	char line[320], stars[129];
	size_t n;
	int i;

	ui_put(2, 2,
	    ui_tr(u, "作废小票 (Tab 切换, Enter 下一项/作废, Esc 返回)",
	        "Void a receipt (Tab: next, Enter: next/void, Esc: back)"),
	    COLS - 4);
	for (i = 0; i < UI_V_N; i++) {
		const char *v = u->vf[i];

		if (i == UI_V_PASS) {
			n = strlen(v) < 128 ? strlen(v) : 128;
			memset(stars, '*', n);
			stars[n] = '\0';
			v = stars;
		}
		snprintf(line, sizeof(line), "%s: %s%s", ui_tr(u, zh[i], en[i]),
		    v, u->vfield == (enum ui_vfield)i ? "_" : "");
		ui_put(4 + i, 4, line, COLS - 8);
	}
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
	if (!t->online)
		ui_mark(u, UI_WARN, 1);
	else
		attron(A_REVERSE);
	ui_put(0, 0, line, COLS);
	if (!t->online)
		ui_mark(u, UI_WARN, 0);
	else
		attroff(A_REVERSE);
	if (u->help)
		ui_draw_help(u);
	else if (t->stage == TILL_LOGIN)
		ui_draw_login(u);
	else if (u->voiding)
		ui_draw_void(u);
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
	    /* The keys a cashier needs most first: at 80 columns F1 lists
	     * the rest. */
	    ui_tr(u,
	        "F1帮助 F10确认 F12交班 F7作废 F2数量 F3删除 F4搜索 F5补打 "
	        "F6捐赠 F8取消 ^X退出",
	        "F1 help F10 confirm F12 shift F7 void F2 qty F3 del F4 find "
	        "F5 reprint F6 donor F8 cancel ^X quit"),
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
ui_void_wipe(struct ui *u)
{
	int i;

	for (i = 0; i < UI_V_N; i++)
		explicit_bzero(u->vf[i], sizeof(u->vf[i]));
}

static void
ui_key_void(struct ui *u, int fn, wint_t wc)
{
	char *f = u->vf[u->vfield];

	if (!fn && wc == 27) { /* Esc */
		ui_void_wipe(u);
		u->voiding = 0;
	} else if (!fn && wc == '\t')
		u->vfield = (u->vfield + 1) % UI_V_N;
	else if (!fn && (wc == '\r' || wc == '\n')) {
		if (u->vfield + 1 < UI_V_N && f[0] != '\0')
			u->vfield++;
		else if (u->vfield + 1 == UI_V_N) {
			app_void(u->a, u->vf[UI_V_RECEIPT], u->vf[UI_V_MANAGER],
			    u->vf[UI_V_PASS], u->vf[UI_V_REASON]);
			ui_void_wipe(u);
			u->voiding = 0;
		}
	} else if ((fn && wc == KEY_BACKSPACE) ||
	    (!fn && (wc == 127 || wc == 8)))
		ui_backspace(f);
	else if (!fn && wc >= 0x20)
		ui_append(f, sizeof(u->vf[0]), wc);
}

/* F7: the receipt typed first, else the last one printed. */
static void
ui_void_open(struct ui *u)
{
	const char *last = app_last_receipt(u->a);

	ui_void_wipe(u);
	snprintf(u->vf[UI_V_RECEIPT], sizeof(u->vf[0]), "%s",
	    u->input[0] ? u->input
	        : last  ? last
	                : "");
	u->input[0] = '\0';
	u->vfield = u->vf[UI_V_RECEIPT][0] ? UI_V_MANAGER : UI_V_RECEIPT;
	u->voiding = 1;
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
	if (u->help) {
		u->help = 0; /* any key: back */
		return;
	}
	if (fn && wc == KEY_F(1)) {
		u->help = 1;
		return;
	}
	if (t->stage == TILL_LOGIN) {
		ui_key_login(u, fn, wc);
		return;
	}
	if (u->voiding) {
		ui_key_void(u, fn, wc);
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
	} else if (fn && wc == KEY_F(7))
		ui_void_open(u);
	else if (fn && wc == KEY_F(8))
		till_cancel(t);
	else if (fn && wc == KEY_F(9)) {
		/* A charity sale: F9 starts one; then F9 alone is a cash
		 * payment, a reference typed before F9 a QR payment. */
		if (!t->sale)
			app_sale(u->a);
		else
			app_pay(u->a, u->input[0] ? "qr" : "cash", u->input);
		u->input[0] = '\0';
	} else if (fn && wc == KEY_F(11)) {
		/* A volunteer's id, then F11: in, or out if already in. */
		q = strtol(u->input, &end, 10);
		if (u->input[0] == '\0' || *end != '\0' || q < 1)
			till_msg(t, "bad_volunteer", "%s",
			    ui_tr(u, "先输入志愿者编号再按 F11",
			        "type the volunteer id, then F11"));
		else
			app_volunteer(u->a, q, -1, "志愿服务");
		u->input[0] = '\0';
	} else if (fn && wc == KEY_F(10))
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
	if (has_colors() && start_color() == OK) {
		u->color = 1;
		init_pair(UI_WARN, COLOR_BLACK, COLOR_YELLOW);
		init_pair(UI_ALERT, COLOR_WHITE, COLOR_RED);
	}
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
