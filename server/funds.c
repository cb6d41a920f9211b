/*
 * Funds: money given or granted to the store, spent only within what a
 * fund holds, and for a restricted fund (定向捐赠) only on its purpose.
 * Goods bought become lots whose source is the expense, so their later
 * distribution traces back to the money.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

static const char *const funds_kinds[] = {"donations", "government_purchase",
    "lottery", "community_foundation", NULL};

int
funds_create(
    struct db *db, const struct actor *who, struct db_fund *fu, struct fault *f)
{
	int i, rc;

	for (i = 0; funds_kinds[i] != NULL; i++)
		if (strcmp(fu->kind, funds_kinds[i]) == 0)
			break;
	if (funds_kinds[i] == NULL)
		return fault_field(f, FAULT_BAD, "bad_field", "kind",
		    "kind must be donations, government_purchase, lottery or "
		    "community_foundation");
	if (fu->restricted && fu->purpose[0] == '\0')
		return fault_field(f, FAULT_BAD, "missing_field", "purpose",
		    "a restricted fund needs the purpose its donor set");
	fu->created_at = clock_now();
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_fund_insert(db, fu)) != DB_OK) {
		db_tx_rollback(db);
		return rc == DB_CONFLICT
		    ? fault_field(f, FAULT_CONFLICT, "conflict", "name",
		          "a fund named %s exists already", fu->name)
		    : fault_db(f, rc);
	}
	if (auth_audit(db, who, "create", "fund", fu->id, fu->name) != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

int
funds_expense(struct db *db, const struct actor *who, struct db_expense *x,
    const struct stock_line *lines, int nlines, int *replayed, struct fault *f)
{
	struct db_expense had;
	struct db_fund fu;
	struct db_fund_entry e;
	char detail[96];
	int rc;

	*replayed = 0;
	memset(f, 0, sizeof(*f));
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_expense_by_client(db, x->client_id, &had);
	if (replay_check(rc, had.req_hash, x->req_hash,
	        rc == DB_OK && had.fund_id == x->fund_id, x->client_id,
	        replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		if (*replayed)
			*x = had;
		return *replayed ? 0 : -1;
	}
	if ((rc = db_fund_by_id(db, x->fund_id, &fu)) != DB_OK) {
		if (rc != DB_NONE)
			goto fail;
		db_tx_rollback(db);
		return fault_set(f, FAULT_NOT_FOUND, "not_found",
		    "no fund %lld", (long long)x->fund_id);
	}
	if (fu.restricted && strcmp(fu.purpose, x->purpose) != 0) {
		db_tx_rollback(db);
		fault_field(f, FAULT_RULE, "restricted_fund", "purpose",
		    "fund %s may only be spent on: %s", fu.name, fu.purpose);
		fault_str(f, "fund_purpose", fu.purpose);
		return -1;
	}
	if (fu.balance_fen < x->amount_fen) {
		db_tx_rollback(db);
		fault_field(f, FAULT_RULE, "insufficient_funds", "amount_fen",
		    "fund %s holds %lld fen, %lld asked", fu.name,
		    (long long)fu.balance_fen, (long long)x->amount_fen);
		fault_num(f, "fund_id", fu.id);
		fault_num(f, "balance_fen", fu.balance_fen);
		fault_num(f, "shortfall_fen", x->amount_fen - fu.balance_fen);
		return -1;
	}
	x->created_at = clock_now();
	x->user_id = who->user_id;
	if (db_expense_insert(db, x) != DB_OK)
		goto fail;
	memset(&e, 0, sizeof(e));
	e.fund_id = fu.id;
	memcpy(e.kind, "expense", sizeof("expense"));
	e.amount_fen = -x->amount_fen;
	e.expense_id = x->id;
	e.at = x->created_at;
	e.user_id = who->user_id;
	if (db_fund_entry_insert(db, &e) != DB_OK)
		goto fail;
	if (stock_lots_add(db, who, "purchase", 0, x->id, x->spent_on, lines,
	        nlines, x->created_at, f) != 0) {
		if (f->kind == FAULT_NONE)
			goto fail;
		db_tx_rollback(db);
		return -1;
	}
	snprintf(detail, sizeof(detail), "fund %lld: %lld fen",
	    (long long)fu.id, (long long)x->amount_fen);
	if (auth_audit(db, who, "expense", "expense", x->id, detail) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}
