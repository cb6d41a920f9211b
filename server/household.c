/*
 * Households: registration with the id number checked and kept only as
 * a keyed hash and its last four characters, masking for roles that need
 * not see who a household is, priority by category, and validity.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "server.h"

static unsigned char household_key[crypto_auth_hmacsha256_KEYBYTES];
static int household_haskey;

static const char *const household_categories[] = {
    "tekun", "emergency", "illness", "dibao", "low_income", "other", NULL};

/* Reads the secret that keys id-number hashes (created by init). */
int
household_setkey(const char *path)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	n = read(fd, household_key, sizeof(household_key));
	close(fd);
	if (n != (ssize_t)sizeof(household_key))
		return -1;
	household_haskey = 1;
	return 0;
}

/* A keyed hash of a card code, for the look-up log (cardlog.c): under
 * the id-number key, apart from id numbers by its "card" prefix. */
void
household_card_hash(const char *card, unsigned char *out)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, household_key, sizeof(household_key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"card", 5);
	crypto_auth_hmacsha256_update(
	    &st, (const unsigned char *)card, strlen(card));
	crypto_auth_hmacsha256_final(&st, out);
}

/*
 * A keyed hash of a checked id number for another register (reg names
 * it: "volunteer"): under the id-number key, the register's name first,
 * so that one person's hashes in two registers differ and cannot be
 * joined. -1 when the server has no key.
 */
int
household_idnum_hash(const char *reg, const char *norm, unsigned char *out)
{
	crypto_auth_hmacsha256_state st;

	if (!household_haskey)
		return -1;
	crypto_auth_hmacsha256_init(&st, household_key, sizeof(household_key));
	crypto_auth_hmacsha256_update(
	    &st, (const unsigned char *)reg, strlen(reg) + 1);
	crypto_auth_hmacsha256_update(
	    &st, (const unsigned char *)norm, strlen(norm));
	crypto_auth_hmacsha256_final(&st, out);
	return 0;
}

/* The ISO 7064 MOD 11-2 check character of 17 digits. */
char
household_idnum_checkchar(const char *digits)
{
	static const int w[17] = {
	    7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (digits[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

/*
 * A resident id number (GB 11643): 17 digits, a birth date at 7..14, and
 * an ISO 7064 MOD 11-2 check character; x and X are the same. norm gets
 * the upper-case form. Returns 0 or -1.
 */
int
household_idnum_check(const char *s, char *norm)
{
	char date[CLOCK_DATE_LEN], today[CLOCK_DATE_LEN];
	int i;

	if (strlen(s) != HOUSEHOLD_IDNUM_LEN)
		return -1;
	for (i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		norm[i] = s[i];
	}
	norm[17] = s[17] == 'x' ? 'X' : s[17];
	norm[18] = '\0';
	if (norm[17] != household_idnum_checkchar(s))
		return -1;
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
	clock_today(today);
	if (!clock_date_valid(date) || strcmp(date, today) > 0)
		return -1;
	return 0;
}

static size_t
household_utf8_len(const unsigned char *p)
{
	if (*p < 0x80)
		return 1;
	if ((*p & 0xe0) == 0xc0)
		return 2;
	if ((*p & 0xf0) == 0xe0)
		return 3;
	return 4;
}

/*
 * 张小明 -> 张*明, 欧阳明华 -> 欧阳*华, 张三 -> 张*: the surname (two
 * characters for a compound one) and the last character, one '*' between.
 */
void
household_mask_name(const char *name, char *out, size_t size)
{
	static const char *const compound[] = {"欧阳", "司马", "上官", "诸葛",
	    "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
	    "夏侯", "轩辕", "令狐", "钟离", "独孤", "南宫", "西门", "端木",
	    "申屠", "太史", "百里", "呼延", NULL};
	const unsigned char *p = (const unsigned char *)name;
	size_t off[DB_NAME_MAX], n = 0, i, len;
	size_t total = strlen(name), keep = 1;

	for (i = 0; i < total && n < DB_NAME_MAX; i += len) {
		off[n++] = i;
		len = household_utf8_len(p + i);
	}
	for (i = 0; compound[i] != NULL; i++)
		if (strncmp(name, compound[i], strlen(compound[i])) == 0)
			keep = 2;
	if (n == 0) {
		snprintf(out, size, "*");
		return;
	}
	if (n <= keep) /* nothing but a surname: keep its first character */
		keep = 1;
	len = keep < n ? off[keep] : total;
	if (n <= keep + 1)
		snprintf(out, size, "%.*s*", (int)len, name);
	else
		snprintf(
		    out, size, "%.*s*%s", (int)len, name, name + off[n - 1]);
}

/* 13812345678 -> 138****5678; short numbers keep their last two. */
void
household_mask_phone(const char *phone, char *out, size_t size)
{
	size_t n = strlen(phone), i, head = 3, tail = 4;

	if (n == 0) {
		snprintf(out, size, "%s", "");
		return;
	}
	if (n < 9) {
		head = 0;
		tail = n > 2 ? 2 : 0;
	}
	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = i < head || i >= n - tail ? phone[i] : '*';
	out[i] = '\0';
}

/* Whether c is one of the categories. */
int
household_category_valid(const char *c)
{
	int i;

	for (i = 0; household_categories[i] != NULL; i++)
		if (strcmp(c, household_categories[i]) == 0)
			return 1;
	return 0;
}

/* 1: tekun, emergency, illness; 2: dibao; 3: low_income, other. */
int
household_priority(const char *c)
{
	if (strcmp(c, "tekun") == 0 || strcmp(c, "emergency") == 0 ||
	    strcmp(c, "illness") == 0)
		return 1;
	return strcmp(c, "dibao") == 0 ? 2 : 3;
}

/* Whether the household may receive on day (validity and status). */
int
household_active(const struct db_household *h, const char *day)
{
	return strcmp(h->status, "active") == 0 &&
	    strcmp(h->valid_from, day) <= 0 && strcmp(day, h->valid_to) <= 0;
}

/* active, suspended, or expired (outside its validity), as of today. */
const char *
household_status(const struct db_household *h)
{
	char today[CLOCK_DATE_LEN];

	if (strcmp(h->status, "suspended") == 0)
		return "suspended";
	clock_today(today);
	return household_active(h, today) ? "active" : "expired";
}

/* Whether a card code is 1 to 32 letters, digits, '-' and '_'. */
static int
household_card_valid(const char *card)
{
	size_t n = strlen(card);

	return n >= 1 && n <= 32 &&
	    strspn(card,
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	        "0123456789-_") == n;
}

static int
household_check(const struct db_household *h, struct fault *f)
{
	size_t i;

	if (!household_category_valid(h->category))
		return fault_field(f, FAULT_BAD, "bad_field", "category",
		    "category must be tekun, dibao, emergency, illness, "
		    "low_income or other");
	if (!clock_date_valid(h->valid_from))
		return fault_field(f, FAULT_BAD, "bad_field", "valid_from",
		    "valid_from must be a date, YYYY-MM-DD");
	if (!clock_date_valid(h->valid_to))
		return fault_field(f, FAULT_BAD, "bad_field", "valid_to",
		    "valid_to must be a date, YYYY-MM-DD");
	if (strcmp(h->valid_from, h->valid_to) > 0)
		return fault_field(f, FAULT_BAD, "bad_field", "valid_to",
		    "valid_to is before valid_from");
	if (strcmp(h->status, "active") != 0 &&
	    strcmp(h->status, "suspended") != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "status",
		    "status must be active or suspended");
	for (i = 0; h->phone[i] != '\0'; i++)
		if (strchr("0123456789+- ", h->phone[i]) == NULL)
			return fault_field(f, FAULT_BAD, "bad_field", "phone",
			    "phone: digits, '+', '-' and spaces only");
	if (!household_card_valid(h->card_code))
		return fault_field(f, FAULT_BAD, "bad_field", "card_code",
		    "card_code: letters, digits, '-' and '_' only");
	return 0;
}

int
household_register(struct db *db, const struct actor *who,
    struct household_new *in, struct fault *f)
{
	struct db_household *h = &in->h, had;
	char norm[HOUSEHOLD_IDNUM_LEN + 1];
	int rc;

	if (!household_haskey)
		return fault_set(f, FAULT_INTERNAL, "internal",
		    "the server has no id-number key; see README");
	if (household_idnum_check(in->id_number, norm) != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "id_number",
		    "id_number is not a valid resident id number (length, "
		    "birth date or check character)");
	if (strlen(h->status) == 0)
		memcpy(h->status, "active", sizeof("active"));
	if (household_check(h, f) != 0)
		return -1;
	crypto_auth_hmacsha256(h->id_hash, (const unsigned char *)norm,
	    HOUSEHOLD_IDNUM_LEN, household_key);
	memcpy(h->id_last4, norm + 14, 5);
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(in->id_number, sizeof(in->id_number));
	h->created_at = clock_now();
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_household_by_idhash(db, h->id_hash, &had)) == DB_OK) {
		db_tx_rollback(db);
		fault_field(f, FAULT_RULE, "duplicate_household", "id_number",
		    "a household with this id number is registered already "
		    "(card %s)",
		    had.card_code);
		fault_num(f, "household_id", had.id);
		return -1;
	}
	if (rc != DB_NONE)
		goto fail;
	if ((rc = db_household_insert(db, h)) == DB_CONFLICT) {
		db_tx_rollback(db);
		return fault_field(f, FAULT_CONFLICT, "conflict", "card_code",
		    "card %s belongs to another household, or was retired",
		    h->card_code);
	}
	if (rc != DB_OK ||
	    auth_audit(db, who, "create", "household", h->id, h->category) != 0)
		goto fail;
	if (in->pin_hash[0] != '\0' &&
	    (db_pin_set(db, h->id, in->pin_hash, h->created_at, who->user_id) !=
	            DB_OK ||
	        auth_audit(db, who, "set_pin", "household", h->id, "") != 0))
		goto fail;
	if (db_tx_commit(db) != DB_OK)
		goto fail;
	h->balance = 0;
	return 0;
fail:
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}

/* Writes h's mutable fields; changed names them for the audit log. */
int
household_update(struct db *db, const struct actor *who,
    const struct db_household *h, const char *changed, struct fault *f)
{
	if (household_check(h, f) != 0)
		return -1;
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (db_household_update(db, h) != DB_OK ||
	    auth_audit(db, who, "update", "household", h->id, changed) != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

/*
 * Gives household id a new card: the old one is retired at once (kept in
 * the card history, never issued again). h gets the household as it is
 * now. The audit keeps the reason; card codes stay out of it.
 */
int
household_replace_card(struct db *db, const struct actor *who, int64_t id,
    const char *card, const char *reason, struct db_household *h,
    struct fault *f)
{
	struct db_household other;
	int rc;

	if (!household_card_valid(card))
		return fault_field(f, FAULT_BAD, "bad_field", "card_code",
		    "card_code: letters, digits, '-' and '_' only");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_household_by_id(db, id, h)) == DB_NONE) {
		db_tx_rollback(db);
		return fault_set(
		    f, FAULT_NOT_FOUND, "not_found", "no such household");
	}
	if (rc != DB_OK)
		goto fail;
	if ((rc = db_household_by_card(db, card, &other)) == DB_OK) {
		db_tx_rollback(db);
		return fault_field(f, FAULT_CONFLICT, "conflict", "card_code",
		    other.id == id ? "card %s is this household's already"
		                   : "card %s belongs to another household",
		    card);
	}
	if (rc != DB_NONE ||
	    db_household_card_retire(db, id, h->card_code, clock_now(),
	        who->user_id, reason) != DB_OK)
		goto fail;
	if ((rc = db_household_card_set(db, id, card)) == DB_CONFLICT) {
		db_tx_rollback(db);
		return fault_field(f, FAULT_CONFLICT, "conflict", "card_code",
		    "card %s was retired; it is never issued again", card);
	}
	if (rc != DB_OK ||
	    auth_audit(db, who, "replace_card", "household", id, reason) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	snprintf(h->card_code, sizeof(h->card_code), "%s", card);
	return 0;
fail:
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}
