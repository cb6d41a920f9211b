/*
 * cishan-server demo: a store with a little of everything, built through
 * the same domain calls the API uses, so `make run` shows the product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static const struct {
	const char *name, *category, *unit, *code12;
	int64_t value_fen, points, limit, min_stock;
	int priority_only;
} demo_items[] = {
    {"金龙鱼大米 5kg", "粮油", "袋", "690123456701", 3990, 40, 1, 20, 0},
    {"福临门面粉 2.5kg", "粮油", "袋", "690123456702", 1850, 18, 2, 20, 0},
    {"鲁花花生油 1.8L", "粮油", "桶", "690123456703", 4590, 45, 1, 10, 0},
    {"挂面 1kg", "粮油", "包", "690123456704", 790, 8, 4, 30, 0},
    {"海天酱油 500ml", "副食", "瓶", "690123456705", 950, 9, 2, 15, 0},
    {"加碘精制盐 400g", "副食", "包", "690123456706", 250, 2, 2, 30, 0},
    {"白砂糖 500g", "副食", "包", "690123456707", 650, 6, 2, 10, 0},
    {"鸡蛋 30枚", "副食", "盒", "690123456708", 2280, 22, 1, 10, 0},
    {"纯牛奶 250ml×12", "副食", "箱", "690123456709", 4200, 40, 1, 10, 0},
    {"婴儿配方奶粉 800g", "婴幼儿", "罐", "690123456710", 19800, 150, 1, 5, 1},
    {"婴儿纸尿裤 L码", "婴幼儿", "包", "690123456711", 8900, 80, 2, 5, 1},
    {"雕牌洗衣粉 1.5kg", "清洁", "袋", "690123456712", 1990, 18, 1, 10, 0},
    {"洗洁精 1.1kg", "清洁", "瓶", "690123456713", 1190, 10, 1, 10, 0},
    {"卫生纸 10卷", "日用品", "提", "690123456714", 2590, 24, 1, 15, 0},
    {"舒肤佳香皂", "洗护", "块", "690123456715", 450, 4, 3, 20, 0},
    {"牙膏 120g", "洗护", "支", "690123456716", 890, 8, 2, 20, 0},
    {"成人棉衣（捐赠）", "衣物", "件", "690123456717", 5000, 30, 1, 0, 0},
    {"儿童书包（捐赠）", "学习用品", "个", "690123456718", 6000, 30, 1, 0, 0},
    {"老年人保暖内衣", "衣物", "套", "690123456719", 6900, 50, 1, 5, 1},
    {"方便面 5连包", "副食", "包", "690123456720", 1350, 12, 2, 10, 0},
};

static const struct {
	const char *name, *kind;
} demo_donors[] = {
    {"上海某某食品有限公司", "enterprise"},
    {"社区爱心基金会", "social_org"},
    {"王先生", "individual"},
    {"青年志愿者服务队", "volunteer"},
    {"街道办事处", "government"},
    {"匿名爱心人士", "anonymous"},
};

static const struct {
	const char *user, *name, *role, *pw;
} demo_users[] = {
    {"admin", "系统管理员", "admin", "admin-demo"},
    {"manager", "李店长", "manager", "manager-demo"},
    {"cashier", "张收银", "cashier", "cashier-demo"},
    {"auditor", "审计员", "auditor", "auditor-demo"},
};

static const struct {
	const char *card, *name, *category, *street, *phone, *born;
	int members;
} demo_households_tab[] = {
    {"HH0001", "张小明", "tekun", "南京东路街道", "13812345678", "19480312", 1},
    {"HH0002", "欧阳明华", "dibao", "外滩街道", "13900001111", "19650721", 3},
    {"HH0003", "李秀英", "emergency", "豫园街道", "", "19790105", 4},
    {"HH0004", "王建国", "illness", "打浦桥街道", "13711112222", "19560930", 2},
    {"HH0005", "赵丽", "low_income", "淮海中路街道", "13622223333", "19881111",
        3},
    {"HH0006", "陈志强", "dibao", "瑞金二路街道", "", "19700415", 2},
    {"HH0007", "刘芳", "other", "五里桥街道", "13533334444", "19920228", 1},
    {"HH0008", "孙卫东", "tekun", "老西门街道", "", "19410806", 1},
};

static const struct {
	const char *category;
	int64_t monthly, per_member;
	int carry_over;
} demo_policies[] = {
    {"tekun", 200, 50, 1},
    {"emergency", 150, 50, 1},
    {"illness", 150, 50, 1},
    {"dibao", 100, 40, 0},
    {"low_income", 60, 30, 0},
    {"other", 40, 20, 0},
};

/* Households of every category, their policies, this month's grant, and
 * a few baskets already redeemed at till T01. */
static int
demo_households(struct db *db, const struct actor *who, const int64_t *items,
    struct fault *f)
{
	struct household_new hn;
	struct dist_request *req;
	struct db_distribution d;
	struct db_policy p;
	struct db_grant_run run;
	char today[CLOCK_DATE_LEN], period[CLOCK_PERIOD_LEN], digits[18];
	size_t i;
	int replayed, rc = -1;

	clock_today(today);
	clock_period_now(period);
	for (i = 0; i < sizeof(demo_policies) / sizeof(demo_policies[0]); i++) {
		memset(&p, 0, sizeof(p));
		snprintf(p.category, sizeof(p.category), "%s",
		    demo_policies[i].category);
		p.monthly_points = demo_policies[i].monthly;
		p.per_member_points = demo_policies[i].per_member;
		p.carry_over = demo_policies[i].carry_over;
		if (points_policy_put(db, who, &p, f) != 0)
			return -1;
	}
	for (i = 0;
	     i < sizeof(demo_households_tab) / sizeof(demo_households_tab[0]);
	     i++) {
		memset(&hn, 0, sizeof(hn));
		snprintf(hn.h.card_code, sizeof(hn.h.card_code), "%s",
		    demo_households_tab[i].card);
		snprintf(hn.h.head_name, sizeof(hn.h.head_name), "%s",
		    demo_households_tab[i].name);
		snprintf(hn.h.category, sizeof(hn.h.category), "%s",
		    demo_households_tab[i].category);
		snprintf(hn.h.street, sizeof(hn.h.street), "%s",
		    demo_households_tab[i].street);
		snprintf(hn.h.phone, sizeof(hn.h.phone), "%s",
		    demo_households_tab[i].phone);
		hn.h.members = demo_households_tab[i].members;
		clock_date_add(today, -200, hn.h.valid_from);
		/* One household lapses soon, to show recertification. */
		clock_date_add(today, i == 6 ? 10 : 365, hn.h.valid_to);
		snprintf(digits, sizeof(digits), "310101%.8s%03zu",
		    demo_households_tab[i].born, 100 + i);
		snprintf(hn.id_number, sizeof(hn.id_number), "%s%c", digits,
		    household_idnum_checkchar(digits));
		if (household_register(db, who, &hn, f) != 0)
			return -1;
	}
	if (points_grant_monthly(db, who, period, &run, f) != 0)
		return -1;
	if ((req = calloc(1, sizeof(*req))) == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		memset(req, 0, sizeof(*req));
		snprintf(req->client_id, sizeof(req->client_id),
		    "demo-distribution-%zu", i);
		memset(req->req_hash, 0x40 + (int)i, sizeof(req->req_hash));
		snprintf(req->till_id, sizeof(req->till_id), "T01");
		snprintf(req->card, sizeof(req->card), "%s",
		    demo_households_tab[i].card);
		req->nlines = 2;
		req->lines[0].item_id = items[2 * i + 1];
		req->lines[0].quantity = 1;
		req->lines[1].item_id = items[14 + i];
		req->lines[1].quantity = 1;
		if (distribution_post(db, who, req, &d, &replayed, f) != 0)
			goto out;
	}
	rc = 0;
out:
	free(req);
	return rc;
}

static const struct {
	const char *name, *kind, *purpose;
	int64_t cash_fen;
	int donor;
} demo_funds_tab[] = {
    {"爱心捐款", "donations", "", 500000, 2},
    {"政府购买服务项目", "government_purchase", "", 2000000, 4},
    {"福彩公益金", "lottery", "", 800000, 4},
    {"社区基金会助学定向", "community_foundation", "助学", 300000, 1},
};

/* Funds of every kind with cash in them, a purchase, and a write-off. */
static int
demo_funds(struct db *db, const struct actor *who, const int64_t *items,
    const int64_t *donors, struct fault *f)
{
	struct stock_donation *don;
	struct db_donation out;
	struct db_expense x;
	struct db_adjustment a;
	struct stock_line line;
	struct db_fund fu;
	int64_t fund_ids[4];
	char today[CLOCK_DATE_LEN];
	size_t i;
	int replayed, rc = -1;

	clock_today(today);
	if ((don = calloc(1, sizeof(*don))) == NULL)
		return -1;
	for (i = 0; i < sizeof(demo_funds_tab) / sizeof(demo_funds_tab[0]);
	     i++) {
		memset(&fu, 0, sizeof(fu));
		snprintf(
		    fu.name, sizeof(fu.name), "%s", demo_funds_tab[i].name);
		snprintf(
		    fu.kind, sizeof(fu.kind), "%s", demo_funds_tab[i].kind);
		snprintf(fu.purpose, sizeof(fu.purpose), "%s",
		    demo_funds_tab[i].purpose);
		fu.restricted = fu.purpose[0] != '\0';
		if (funds_create(db, who, &fu, f) != 0)
			goto out;
		fund_ids[i] = fu.id;
		memset(don, 0, sizeof(*don));
		snprintf(
		    don->client_id, sizeof(don->client_id), "demo-cash-%zu", i);
		memset(don->req_hash, 0x60 + (int)i, sizeof(don->req_hash));
		don->donor_id = donors[demo_funds_tab[i].donor];
		memcpy(don->received_on, today, sizeof(don->received_on));
		snprintf(don->channel, sizeof(don->channel), "bank_transfer");
		don->cash_fen = demo_funds_tab[i].cash_fen;
		don->fund_id = fu.id;
		if (stock_donation_post(db, who, don, &out, &replayed, f) != 0)
			goto out;
	}
	memset(&x, 0, sizeof(x));
	snprintf(x.client_id, sizeof(x.client_id), "demo-expense-0");
	memset(x.req_hash, 0x70, sizeof(x.req_hash));
	x.fund_id = fund_ids[1];
	x.amount_fen = 120000;
	snprintf(x.purpose, sizeof(x.purpose), "采购米面油");
	memcpy(x.spent_on, today, sizeof(today));
	memset(&line, 0, sizeof(line));
	line.item_id = items[0];
	line.quantity = 30;
	line.unit_value_fen = 4000;
	clock_date_add(today, 180, line.expires_on);
	if (funds_expense(db, who, &x, &line, 1, &replayed, f) != 0)
		goto out;
	memset(&a, 0, sizeof(a));
	snprintf(a.client_id, sizeof(a.client_id), "demo-adjust-0");
	memset(a.req_hash, 0x71, sizeof(a.req_hash));
	a.lot_id = 1;
	a.quantity_delta = -1;
	snprintf(a.reason, sizeof(a.reason), "damaged");
	if (stock_adjust(db, who, &a, &replayed, f) != 0)
		goto out;
	rc = 0;
out:
	free(don);
	return rc;
}

int
demo_populate(struct db *db)
{
	struct stock_donation *don;
	struct db_donation out;
	struct db_item it;
	struct db_donor d;
	struct actor who;
	struct fault f;
	int64_t items[64], donors[8], uid, n;
	char today[CLOCK_DATE_LEN];
	size_t i, k;
	int replayed;
	static const int expiry_days[] = {5, 20, 45, 120, 365, 0};

	if (db_user_count(db, &n) != DB_OK || n > 0) {
		fprintf(stderr,
		    "demo: the database has users already; "
		    "use a new file\n");
		return -1;
	}
	memset(&who, 0, sizeof(who));
	snprintf(who.username, sizeof(who.username), "demo");
	snprintf(who.origin, sizeof(who.origin), "demo");
	who.role = ROLE_ADMIN;
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
		if (auth_user_create(db, &who, demo_users[i].user,
		        demo_users[i].pw, demo_users[i].name,
		        auth_role_parse(demo_users[i].role), &uid, &f) != 0)
			goto fail;
	for (i = 0; i < sizeof(demo_items) / sizeof(demo_items[0]); i++) {
		memset(&it, 0, sizeof(it));
		snprintf(it.name, sizeof(it.name), "%s", demo_items[i].name);
		snprintf(it.category, sizeof(it.category), "%s",
		    demo_items[i].category);
		snprintf(it.unit, sizeof(it.unit), "%s", demo_items[i].unit);
		snprintf(it.barcodes[0], DB_BARCODE_MAX, "%s%d",
		    demo_items[i].code12,
		    barcode_check_digit(demo_items[i].code12, 12));
		it.nbarcodes = 1;
		it.unit_value_fen = demo_items[i].value_fen;
		it.points = demo_items[i].points;
		it.monthly_limit = demo_items[i].limit;
		it.min_stock = demo_items[i].min_stock;
		it.priority_only = demo_items[i].priority_only;
		if (stock_item_create(db, &who, &it, &f) != 0)
			goto fail;
		items[i] = it.id;
	}
	for (i = 0; i < sizeof(demo_donors) / sizeof(demo_donors[0]); i++) {
		memset(&d, 0, sizeof(d));
		snprintf(d.name, sizeof(d.name), "%s", demo_donors[i].name);
		snprintf(d.kind, sizeof(d.kind), "%s", demo_donors[i].kind);
		if (stock_donor_create(db, &who, &d, &f) != 0)
			goto fail;
		donors[i] = d.id;
	}
	/* One donation per donor, spread over the items and expiries. */
	clock_today(today);
	if ((don = calloc(1, sizeof(*don))) == NULL)
		return -1;
	for (k = 0; k < sizeof(demo_donors) / sizeof(demo_donors[0]); k++) {
		memset(don, 0, sizeof(*don));
		snprintf(don->client_id, sizeof(don->client_id),
		    "demo-donation-%zu", k);
		memset(don->req_hash, (int)k + 1, sizeof(don->req_hash));
		don->donor_id = donors[k];
		clock_date_add(today, -(int64_t)(k * 3), don->received_on);
		snprintf(don->channel, sizeof(don->channel), "walk_in");
		for (i = k % 2; i < sizeof(demo_items) / sizeof(demo_items[0]);
		     i += 2) {
			struct stock_line *ln = &don->lines[don->nlines++];

			ln->item_id = items[i];
			ln->quantity = (int64_t)(5 + (i * 7 + k * 3) % 40);
			ln->unit_value_fen = -1;
			if (expiry_days[(i + k) % 6] > 0)
				clock_date_add(today, expiry_days[(i + k) % 6],
				    ln->expires_on);
		}
		if (stock_donation_post(db, &who, don, &out, &replayed, &f) !=
		    0) {
			free(don);
			goto fail;
		}
	}
	free(don);
	if (demo_households(db, &who, items, &f) != 0 ||
	    demo_funds(db, &who, items, donors, &f) != 0)
		goto fail;
	printf("demo store ready. Log-ins (user / password):\n");
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
		printf("  %-8s %-8s / %s\n", demo_users[i].role,
		    demo_users[i].user, demo_users[i].pw);
	return 0;
fail:
	fprintf(stderr, "demo: %s\n", f.message);
	return -1;
}
