/*
 * What a basket of till lines is, whether handed out (distribution.c) or
 * sold (sale.c): its lines resolved to items, repeated items merged, the
 * faults that name a line, the lots taken first-expiring first, and, for
 * a void or a refund, the lots a posted line took from put back.
 */
#include <stdio.h>
#include <stdlib.h>

#include "server.h"

/* The fault is about field of the basket's line: the caller names it. */
int
basket_line_fault(struct fault *f, int line, const char *field)
{
	snprintf(f->field, sizeof(f->field), "%s", field);
	fault_num(f, "line", line);
	return fault_elem(f, line);
}

/* The field that named a line's item. */
const char *
basket_line_field(const struct dist_line_in *lines, int line)
{
	return lines[line].barcode[0] != '\0' ? "barcode" : "item_id";
}

/*
 * Resolves the lines into items, merging repeated ones: b[0 .. *n), in
 * the order each item first appears. find looks line i's item up into
 * the caller's slot *n (kept when the item is new, else overwritten by
 * the next line's), so the caller's items stand beside b.
 */
int
basket_resolve(const struct dist_line_in *lines, int nlines,
    basket_find_fn find, void *arg, struct basket_item *b, int *n,
    struct fault *f)
{
	enum barcode_sym kind;
	char code[DB_BARCODE_MAX + 2];
	int64_t id;
	int i, j, rc;

	*n = 0;
	for (i = 0; i < nlines; i++) {
		if (lines[i].barcode[0] != '\0') {
			if (barcode_normalize(lines[i].barcode, code,
			        sizeof(code), &kind) != 0) {
				fault_set(f, FAULT_BAD, "bad_barcode",
				    "%s is not a valid barcode",
				    lines[i].barcode);
				return basket_line_fault(f, i, "barcode");
			}
			rc = find(arg, *n, code, 0, &id);
		} else
			rc = find(arg, *n, NULL, lines[i].item_id, &id);
		if (rc == DB_NONE) {
			fault_set(f, FAULT_NOT_FOUND, "not_found",
			    "line %d: no such item", i);
			return basket_line_fault(
			    f, i, basket_line_field(lines, i));
		}
		if (rc != DB_OK)
			return fault_db(f, rc);
		for (j = 0; j < *n && b[j].id != id; j++)
			;
		if (j == *n) {
			b[j].id = id;
			b[j].qty = 0;
			(*n)++;
		}
		b[j].line = i;
		if (__builtin_add_overflow(
		        b[j].qty, lines[i].quantity, &b[j].qty) ||
		    b[j].qty > LIMIT_QUANTITY) {
			fault_set(f, FAULT_BAD, "bad_field",
			    "line %d: quantity too large", i);
			return basket_line_fault(f, i, "quantity");
		}
	}
	return 0;
}

/* A db_dist_lots or db_sale_lots callback: takes from each lot until
 * want is met, appending what it takes to the result's lots. */
int
basket_take_lot(const void *row, void *arg)
{
	const int64_t *lot = row;
	struct basket_take *t = arg;
	int64_t n = lot[1] < t->want ? lot[1] : t->want;
	struct dist_lots *ls = t->lots;
	struct dist_lot *v;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 16;
		if ((v = reallocarray(ls->v, ls->cap, sizeof(*v))) == NULL)
			log_fatalx("out of memory");
		ls->v = v;
	}
	v = &ls->v[ls->n++];
	v->lot_id = lot[0];
	v->quantity = n;
	v->unit_value_fen = lot[2];
	t->want -= n;
	return t->want == 0;
}

/* A db_dist_line_lots or db_sale_line_lots callback: keeps each pair. */
int
basket_keep_lot(const void *row, void *arg)
{
	const int64_t *lot = row;
	struct basket_lots *ls = arg;
	void *p;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 16;
		if ((p = reallocarray(ls->v, ls->cap, sizeof(*ls->v))) == NULL)
			log_fatalx("out of memory");
		ls->v = p;
	}
	ls->v[ls->n][0] = lot[0];
	ls->v[ls->n++][1] = lot[1];
	return 0;
}

/* Writes one movement per kept pair; mv carries the rest. */
int
basket_move(struct db *db, struct db_movement *mv, const struct basket_lots *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		mv->lot_id = ls->v[i][0];
		mv->quantity = ls->v[i][1];
		if (db_movement_insert(db, mv) != DB_OK)
			return -1;
	}
	return 0;
}
