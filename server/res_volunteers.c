/*
 * /api/v1/volunteers: the register, shifts, check-in and check-out at a
 * till, and a volunteer's service record (公益记录) as JSON, CSV and a
 * printable page. Names and phones are shown as households' are:
 * managers and admins see them whole, everyone else masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

static int
res_volunteers_full(struct req *r)
{
	return (http_actor(r)->role & (ROLE_ADMIN | ROLE_MANAGER)) != 0;
}

static cJSON *
res_volunteers_json(struct req *r, const struct db_volunteer *v)
{
	cJSON *o = json_new();
	char masked[DB_NAME_MAX + 8];

	json_add_int(o, "id", v->id);
	household_mask_name(v->name, masked, sizeof(masked));
	json_add_str(o, "name_masked", masked);
	if (res_volunteers_full(r)) {
		json_add_str(o, "name", v->name);
		json_add_str(o, "phone", v->phone);
	} else {
		household_mask_phone(v->phone, masked, sizeof(masked));
		json_add_str(o, "phone", masked);
	}
	json_add_bool(o, "id_number_recorded", v->has_idhash);
	json_add_int(o, "total_minutes", v->minutes);
	json_add_bool(o, "checked_in", v->checked_in);
	json_add_time(o, "created_at", (time_t)v->created_at);
	return o;
}

static cJSON *
res_volunteers_shift_json(const struct db_shift *s)
{
	cJSON *o = json_new();

	json_add_int(o, "id", s->id);
	if (s->client_id[0] != '\0')
		json_add_str(o, "client_id", s->client_id);
	json_add_int(o, "volunteer_id", s->volunteer_id);
	json_add_str(o, "served_on", s->served_on);
	json_add_int(o, "minutes", s->minutes);
	json_add_str(o, "role", s->role);
	json_add_str(o, "source", s->source);
	if (strcmp(s->source, "till") == 0) {
		json_add_str(o, "till_id", s->till_id);
		json_add_time(o, "started_at", (time_t)s->started_at);
		json_add_time(o, "ended_at", (time_t)s->ended_at);
	}
	json_add_time(o, "created_at", (time_t)s->created_at);
	return o;
}

void
res_volunteers_create(struct req *r)
{
	struct volunteer_new *n;
	struct fault f;
	const cJSON *b, *phone;

	memset(&f, 0, sizeof(f));
	if ((n = calloc(1, sizeof(*n))) == NULL)
		log_fatalx("out of memory");
	/* A phone may be "" (none), as a household's. */
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "name", 1, 60, n->v.name, sizeof(n->v.name), &f) < 0 ||
	    (!(cJSON_IsString(
	           phone = cJSON_GetObjectItemCaseSensitive(b, "phone")) &&
	         phone->valuestring[0] == '\0') &&
	        json_str(b, "phone", 0, 20, n->v.phone, sizeof(n->v.phone),
	            &f) < 0) ||
	    json_str(b, "id_number", 0, 30, n->id_number, sizeof(n->id_number),
	        &f) < 0 ||
	    volunteer_register(http_db(r), http_actor(r), n, &f) != 0)
		http_fault(r, &f);
	else
		http_reply(r, 201, res_volunteers_json(r, &n->v));
	sodium_memzero(n, sizeof(*n));
	free(n);
}

struct res_volunteers_page {
	struct req *r;
	struct http_list l;
};

static int
res_volunteers_row(const void *row, void *arg)
{
	const struct db_volunteer *v = row;
	struct res_volunteers_page *p = arg;

	http_list_add(&p->l, res_volunteers_json(p->r, v), v->id);
	return 0;
}

void
res_volunteers_list(struct req *r)
{
	struct res_volunteers_page p;
	struct fault f;

	memset(&f, 0, sizeof(f));
	p.r = r;
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    db_volunteer_list(http_db(r), p.l.after, p.l.limit,
	        res_volunteers_row, &p) != DB_OK) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	http_list_reply(r, &p.l);
}

static int
res_volunteers_load(struct req *r, struct db_volunteer *v)
{
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_volunteer_by_id(http_db(r), id, v);
	if (rc == DB_NONE)
		http_error(r, 404, "not_found", "no such volunteer");
	else if (rc != DB_OK)
		http_error(r, 500, "internal", "the database failed");
	return rc == DB_OK ? 0 : -1;
}

void
res_volunteers_get(struct req *r)
{
	struct db_volunteer v;

	if (res_volunteers_load(r, &v) == 0)
		http_reply(r, 200, res_volunteers_json(r, &v));
}

/* The volunteer's id in the path and the body's client_id: the body, or
 * NULL with the fault. */
static const cJSON *
res_volunteers_body(
    struct req *r, int64_t *id, char *client_id, size_t n, struct fault *f)
{
	const cJSON *b;

	if (http_id_arg(r, 0, id) != 0) {
		fault_set(f, FAULT_NOT_FOUND, "not_found", "no such volunteer");
		return NULL;
	}
	if ((b = http_body(r, f)) == NULL ||
	    json_client_id(b, client_id, n, f) < 0)
		return NULL;
	return b;
}

/* POST /api/v1/volunteers/{id}/shifts, by a manager. */
void
res_volunteers_shift(struct req *r)
{
	struct db_shift s;
	struct fault f;
	const cJSON *b;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	if ((b = res_volunteers_body(r, &s.volunteer_id, s.client_id,
	         sizeof(s.client_id), &f)) == NULL ||
	    json_str(b, "served_on", 1, 10, s.served_on, sizeof(s.served_on),
	        &f) < 0 ||
	    json_int(b, "minutes", 1, 1, VOLUNTEER_DAY_MINUTES, &s.minutes,
	        &f) < 0 ||
	    json_str(b, "role", 1, 40, s.role, sizeof(s.role), &f) < 0)
		goto fail;
	memcpy(s.req_hash, http_body_hash(r), 32);
	if (volunteer_shift_add(http_db(r), http_actor(r), &s, &replayed, &f) !=
	    0)
		goto fail;
	http_reply(r, replayed ? 200 : 201, res_volunteers_shift_json(&s));
	return;
fail:
	http_fault(r, &f);
}

/* A till id: 1 to 32 letters, digits, '-' and '_', as the baskets'. */
static int
res_volunteers_till(const cJSON *b, char *till, size_t size, struct fault *f)
{
	if (json_str(b, "till_id", 1, 32, till, size, f) < 0)
		return -1;
	return res_till_check(till, f);
}

/* POST /api/v1/volunteers/{id}/check-in {client_id, till_id, role} */
void
res_volunteers_check_in(struct req *r)
{
	struct db_checkin c;
	struct fault f;
	const cJSON *b;
	cJSON *o;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	if ((b = res_volunteers_body(r, &c.volunteer_id, c.client_id,
	         sizeof(c.client_id), &f)) == NULL ||
	    res_volunteers_till(b, c.till_id, sizeof(c.till_id), &f) < 0 ||
	    json_str(b, "role", 1, 40, c.role, sizeof(c.role), &f) < 0 ||
	    volunteer_check_in(http_db(r), http_actor(r), &c, &replayed, &f) !=
	        0)
		goto fail;
	o = json_new();
	json_add_int(o, "volunteer_id", c.volunteer_id);
	json_add_str(o, "client_id", c.client_id);
	json_add_str(o, "till_id", c.till_id);
	json_add_str(o, "role", c.role);
	json_add_time(o, "checked_in_at", (time_t)c.at);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	http_fault(r, &f);
}

/* POST /api/v1/volunteers/{id}/check-out {client_id}: the shift. */
void
res_volunteers_check_out(struct req *r)
{
	struct db_shift s;
	struct fault f;
	int64_t id;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	if (res_volunteers_body(r, &id, s.client_id, sizeof(s.client_id), &f) ==
	    NULL)
		goto fail;
	memcpy(s.req_hash, http_body_hash(r), 32);
	if (volunteer_check_out(
	        http_db(r), http_actor(r), id, &s, &replayed, &f) != 0)
		goto fail;
	http_reply(r, replayed ? 200 : 201, res_volunteers_shift_json(&s));
	return;
fail:
	http_fault(r, &f);
}

static int
res_volunteers_shift_row(const void *row, void *arg)
{
	cJSON_AddItemToArray(arg, res_volunteers_shift_json(row));
	return 0;
}

static int
res_volunteers_year_row(const void *row, void *arg)
{
	const struct db_shift_sum *y = row;
	cJSON *o = json_new();

	json_add_str(o, "year", y->key);
	json_add_int(o, "shifts", y->shifts);
	json_add_int(o, "minutes", y->minutes);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* The record of the volunteer in the path as JSON, or NULL (replied). */
static cJSON *
res_volunteers_record_json(struct req *r)
{
	struct db_volunteer v;
	cJSON *o, *shifts, *years;

	if (res_volunteers_load(r, &v) != 0)
		return NULL;
	o = json_new();
	cJSON_AddItemToObject(o, "volunteer", res_volunteers_json(r, &v));
	years = cJSON_AddArrayToObject(o, "years");
	shifts = cJSON_AddArrayToObject(o, "shifts");
	if (db_shift_years(http_db(r), v.id, res_volunteers_year_row, years) !=
	        DB_OK ||
	    db_shift_list(http_db(r), v.id, res_volunteers_shift_row, shifts) !=
	        DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return NULL;
	}
	json_add_int(o, "total_minutes", v.minutes);
	return o;
}

/* GET /api/v1/volunteers/{id}/record */
void
res_volunteers_record(struct req *r)
{
	cJSON *o;

	if ((o = res_volunteers_record_json(r)) != NULL)
		http_reply(r, 200, o);
}

/* Minutes as people read them: 2小时5分. */
static void
res_volunteers_hours(FILE *fp, int64_t minutes)
{
	fprintf(fp, "%lld小时%lld分", (long long)(minutes / 60),
	    (long long)(minutes % 60));
}

static const char *
res_volunteers_who(const cJSON *v)
{
	const char *name = res_html_str(v, "name");

	return name[0] != '\0' ? name : res_html_str(v, "name_masked");
}

/* GET /api/v1/volunteers/{id}/record.csv: for Excel, as the notice's. */
void
res_volunteers_record_csv(struct req *r)
{
	const cJSON *v, *e;
	char *buf = NULL;
	size_t len;
	FILE *fp;
	cJSON *o;

	if ((o = res_volunteers_record_json(r)) == NULL)
		return;
	v = cJSON_GetObjectItem(o, "volunteer");
	if ((fp = open_memstream(&buf, &len)) == NULL)
		log_fatal("open_memstream");
	fputs(
	    "\xEF\xBB\xBF部分,日期或年度,岗位,来源,分钟,时长,section\r\n", fp);
	fputs("志愿者,", fp);
	res_csv_field(fp, res_volunteers_who(v));
	fputs(",,,,,volunteer\r\n", fp);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "shifts"))
	{
		fputs("服务记录,", fp);
		res_csv_field(fp, res_html_str(e, "served_on"));
		fputc(',', fp);
		res_csv_field(fp, res_html_str(e, "role"));
		fputs(strcmp(res_html_str(e, "source"), "till") == 0
		        ? ",收银台签到,"
		        : ",管理员登记,",
		    fp);
		fprintf(fp, "%lld,", (long long)res_html_int(e, "minutes"));
		res_volunteers_hours(fp, res_html_int(e, "minutes"));
		fputs(",shift\r\n", fp);
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "years"))
	{
		fputs("年度合计,", fp);
		fprintf(fp, "%s年,,,%lld,", res_html_str(e, "year"),
		    (long long)res_html_int(e, "minutes"));
		res_volunteers_hours(fp, res_html_int(e, "minutes"));
		fputs(",year\r\n", fp);
	}
	fprintf(
	    fp, "总计,,,,%lld,", (long long)res_html_int(o, "total_minutes"));
	res_volunteers_hours(fp, res_html_int(o, "total_minutes"));
	fputs(",total\r\n", fp);
	fclose(fp);
	cJSON_Delete(o);
	http_reply_text(r, 200, "text/csv; charset=utf-8", buf, len);
	free(buf);
}

/* GET /api/v1/volunteers/{id}/record.html: to print from the browser. */
void
res_volunteers_record_html(struct req *r)
{
	char store[DB_NAME_MAX], *html = NULL;
	const cJSON *v, *e;
	size_t len;
	FILE *fp;
	cJSON *o;

	if ((o = res_volunteers_record_json(r)) == NULL)
		return;
	v = cJSON_GetObjectItem(o, "volunteer");
	if (db_setting_get(http_db(r), "store_name", store, sizeof(store)) !=
	    DB_OK)
		store[0] = '\0';
	if ((fp = open_memstream(&html, &len)) == NULL)
		log_fatal("open_memstream");
	res_html_head(fp, "志愿服务记录", 1);
	fputs("<main><section><h2>", fp);
	res_html_esc(fp, store);
	fputs(" 志愿服务记录（公益记录）</h2><table><tbody>"
	      "<tr><td>志愿者</td><td class=n id=name>",
	    fp);
	res_html_esc(fp, res_volunteers_who(v));
	fputs("</td></tr><tr><td>累计服务时长</td><td class=n id=total>", fp);
	res_volunteers_hours(fp, res_html_int(o, "total_minutes"));
	fputs("</td></tr></tbody></table><h3>年度合计</h3><table><thead><tr>"
	      "<th>年度</th><th class=n>次数</th><th class=n>时长</th></tr>"
	      "</thead><tbody>",
	    fp);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "years"))
	{
		fputs("<tr><td>", fp);
		res_html_esc(fp, res_html_str(e, "year"));
		fprintf(fp, "年</td><td class=n>%lld</td><td class=n>",
		    (long long)res_html_int(e, "shifts"));
		res_volunteers_hours(fp, res_html_int(e, "minutes"));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table><h3>服务明细</h3><table><thead><tr><th>日期</th>"
	      "<th>岗位</th><th class=n>时长</th></tr></thead><tbody>",
	    fp);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "shifts"))
	{
		fputs("<tr><td>", fp);
		res_html_esc(fp, res_html_str(e, "served_on"));
		fputs("</td><td>", fp);
		res_html_esc(fp, res_html_str(e, "role"));
		fputs("</td><td class=n>", fp);
		res_volunteers_hours(fp, res_html_int(e, "minutes"));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table></section></main></body></html>", fp);
	fclose(fp);
	cJSON_Delete(o);
	res_html_send(r, 200, html, len);
}

/* The notice's section on volunteers (its JSON v; none in a notice
 * published before volunteers were kept). */
void
res_volunteers_notice_html(FILE *fp, const cJSON *v)
{
	if (v == NULL)
		return;
	fputs("<section id=volunteers><h2>志愿服务</h2><table><tbody>"
	      "<tr><td>志愿者人数</td><td class=n id=vol-persons>",
	    fp);
	res_html_count(fp, cJSON_GetObjectItem(v, "persons"));
	fputs("</td></tr>", fp);
	if (!cJSON_IsTrue(cJSON_GetObjectItem(v, "hidden"))) {
		fprintf(fp,
		    "<tr><td>服务次数</td><td class=n>%lld</td></tr>"
		    "<tr><td>服务时长</td><td class=n id=vol-hours>",
		    (long long)res_html_int(v, "shifts"));
		res_volunteers_hours(fp, res_html_int(v, "minutes"));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table><p class=note>少于5名志愿者的月份只写作"
	      "“&lt;5”，不公布时长，以免看出个人的服务时间。</p></section>",
	    fp);
}
