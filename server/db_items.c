/* Items and their barcodes. */
#include <string.h>

#include "db_int.h"

static const char SQL_BARCODES_OF[] =
    "SELECT code FROM barcodes WHERE item_id = ?1 ORDER BY code";
static const char SQL_ITEM_INSERT[] =
    "INSERT INTO items(name, category, unit, unit_value_fen, points, "
    "monthly_limit, priority_only, min_stock, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8, ?9)";
static const char SQL_BARCODE_INSERT[] =
    "INSERT INTO barcodes(code, item_id) VALUES (?1, ?2)";
#define ITEM_COLS                                                              \
	"i.id, i.name, i.category, i.unit, i.unit_value_fen, i.points, "       \
	"coalesce(i.monthly_limit, 0), i.priority_only, i.min_stock, "         \
	"i.created_at, i.active, coalesce(i.sale_price_fen, 0)"
/* A category change is kept by the items_category trigger (013). */
static const char SQL_ITEM_UPDATE[] =
    "UPDATE items SET name = ?2, category = ?3, unit = ?4, "
    "unit_value_fen = ?5, points = ?6, monthly_limit = nullif(?7, 0), "
    "priority_only = ?8, min_stock = ?9, active = ?10 WHERE id = ?1";
static const char SQL_ITEM_BY_ID[] =
    "SELECT " ITEM_COLS " FROM items i WHERE i.id = ?1";
static const char SQL_ITEM_BY_BARCODE[] =
    "SELECT " ITEM_COLS " FROM barcodes b JOIN items i ON i.id = b.item_id "
    "WHERE b.code = ?1";
static const char SQL_ITEM_LIST[] =
    "SELECT " ITEM_COLS " FROM items i WHERE i.id > ?1 "
    "AND (?2 IS NULL OR i.category = ?2) "
    "AND (?3 IS NULL OR i.name LIKE ?4 ESCAPE '\\' OR EXISTS "
    "(SELECT 1 FROM barcodes b WHERE b.item_id = i.id AND b.code = ?3)) "
    "AND (?6 < 0 OR i.active = ?6) ORDER BY i.id LIMIT ?5";

static void
db_item_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_item *it = row;
	sqlite3_stmt *b;

	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, it->name, sizeof(it->name));
	db_col_text(st, 2, it->category, sizeof(it->category));
	db_col_text(st, 3, it->unit, sizeof(it->unit));
	it->unit_value_fen = sqlite3_column_int64(st, 4);
	it->points = sqlite3_column_int64(st, 5);
	it->monthly_limit = sqlite3_column_int64(st, 6);
	it->priority_only = sqlite3_column_int(st, 7);
	it->min_stock = sqlite3_column_int64(st, 8);
	it->created_at = sqlite3_column_int64(st, 9);
	it->active = sqlite3_column_int(st, 10);
	it->sale_price_fen = sqlite3_column_int64(st, 11);
	if ((b = db_stmt(db, SQL_BARCODES_OF)) == NULL)
		return;
	sqlite3_bind_int64(b, 1, it->id);
	while (it->nbarcodes < DB_BARCODES_MAX && sqlite3_step(b) == SQLITE_ROW)
		db_col_text(
		    b, 0, it->barcodes[it->nbarcodes++], DB_BARCODE_MAX);
	sqlite3_reset(b);
}

int
db_item_insert(struct db *db, struct db_item *it)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_ITEM_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, it->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, it->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, it->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, it->unit_value_fen);
	sqlite3_bind_int64(st, 5, it->points);
	sqlite3_bind_int64(st, 6, it->monthly_limit);
	sqlite3_bind_int(st, 7, it->priority_only);
	sqlite3_bind_int64(st, 8, it->min_stock);
	sqlite3_bind_int64(st, 9, it->created_at);
	return db_insert(db, st, &it->id, "item insert");
}

int
db_barcode_insert(struct db *db, const char *code, int64_t item)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_BARCODE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, item);
	return db_step_done(db, st, "barcode insert");
}

int
db_item_update(struct db *db, const struct db_item *it)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_ITEM_UPDATE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, it->id);
	sqlite3_bind_text(st, 2, it->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, it->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, it->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, it->unit_value_fen);
	sqlite3_bind_int64(st, 6, it->points);
	sqlite3_bind_int64(st, 7, it->monthly_limit);
	sqlite3_bind_int(st, 8, it->priority_only);
	sqlite3_bind_int64(st, 9, it->min_stock);
	sqlite3_bind_int(st, 10, it->active);
	if ((rc = db_step_done(db, st, "item update")) != DB_OK)
		return rc;
	return db_changes(db) == 1 ? DB_OK : DB_NONE;
}

int
db_item_by_id(struct db *db, int64_t id, struct db_item *it)
{
	return db_one_id(db, SQL_ITEM_BY_ID, id, it, db_item_fill, "item");
}

int
db_item_by_barcode(struct db *db, const char *code, struct db_item *it)
{
	return db_one_text(
	    db, SQL_ITEM_BY_BARCODE, code, it, db_item_fill, "item by barcode");
}

int
db_item_list(struct db *db, const char *q, const char *category, int active,
    int64_t after, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_item it;
	if ((st = db_stmt(db, SQL_ITEM_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	db_bind_opt(st, 2, category);
	db_bind_opt(st, 3, q);
	db_bind_like(st, 4, q);
	sqlite3_bind_int(st, 5, limit);
	sqlite3_bind_int(st, 6, active);
	return db_rows(db, st, &it, db_item_fill, cb, arg, "item list");
}
