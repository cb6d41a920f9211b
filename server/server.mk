# cishan-server: http -> res_* -> domain -> db. Source lists follow that order.
# The http layer: main, the loop (http_serve.c), the request (http.c), what
# a request uses (routes, query, replies, group commit, offload), json.c.
SERVER_HTTP = server/main.c server/http_serve.c server/http.c \
              server/http_route.c server/http_query.c server/http_reply.c \
              server/http_commit.c server/http_cache.c server/http_offload.c server/json.c \
              server/http_conn.c server/http_tls.c
# systemd's readiness (Type=notify), sent by the loop.
SERVER_HTTP += server/notify.c
SERVER_RES = server/res_sessions.c server/res_users.c server/res_items.c \
             server/res_donors.c server/res_donations.c server/res_stock.c \
             server/res_households.c server/res_grants.c \
             server/res_distributions.c server/res_funds.c server/res_notices.c \
             server/res_page.c server/res_audit.c server/res_health.c \
             server/res_console.c server/res_conflicts.c server/res_store.c \
             server/res_card_lookups.c server/res_user_sessions.c \
             server/res_html.c server/res_public.c server/res_public_trace.c \
             server/res_csv.c server/res_heads.c server/res_pin.c \
             server/res_me.c
SERVER_RES += server/res_volunteers.c server/res_participation.c \
              server/res_reports.c
SERVER_DOMAIN = server/auth.c server/stock.c server/household.c server/points.c \
                server/distribution.c server/funds.c server/notice.c \
                server/clock.c server/fault.c server/replay.c \
                server/verify.c server/demo.c server/log.c server/worker.c \
                server/conflict.c server/store.c server/storage.c \
                server/throttle.c server/password.c server/cardlog.c \
                server/pin.c server/pinguard.c
SERVER_DOMAIN += server/retain.c server/backup.c server/restore.c
SERVER_DOMAIN += server/volunteer.c server/report.c
SERVER_DB = server/db.c server/db_wal.c server/db_tx.c server/db_users.c \
            server/db_audit.c server/db_items.c server/db_donations.c \
            server/db_stock.c server/db_households.c server/db_points.c \
            server/db_distributions.c server/db_funds.c server/db_notices.c \
            server/db_verify.c server/db_conflicts.c server/db_storage.c \
            server/db_cardlog.c server/db_sessions.c server/db_pins.c \
            server/db_reserve.c \
            $(B)/schema.c
SERVER_DB += server/db_volunteers.c server/db_reports.c
# Charity sales and the operating line (收支两条线).
SERVER_RES += server/res_sales.c server/res_operating.c
# What the till's posts share (distributions, sales, offline conflicts).
SERVER_RES += server/res_till.c
SERVER_DOMAIN += server/sale.c server/operating.c
# What a basket of till lines is, handed out or sold.
SERVER_DOMAIN += server/basket.c
SERVER_DB += server/db_sales.c server/db_operating.c
SERVER_DB += server/db_redeem.c server/db_schema.c
SERVER_SRC = $(SERVER_HTTP) $(SERVER_RES) $(SERVER_DOMAIN) $(SERVER_DB)
SERVER_OBJ = $(patsubst %.c,$(B)/%.o,$(filter-out $(B)/%,$(SERVER_SRC))) \
             $(B)/schema.o $(B)/console_assets.o $(B)/passwords.o
SERVER_CFLAGS = $(shell $(PKG) --cflags $(SERVER_PKGS)) -Iserver -pthread
SERVER_LIBS = $(shell $(PKG) --libs $(SERVER_PKGS)) -lm -pthread

BINS += $(B)/cishan-server

$(B)/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SERVER_CFLAGS) -c -o $@ $<

# The migrations are compiled in, so the binary needs no schema/ at run time.
$(B)/schema.c: $(sort $(wildcard schema/*.sql)) schema/embed.sh
	@mkdir -p $(@D)
	sh schema/embed.sh $(sort $(wildcard schema/*.sql)) > $@
# The common passwords too (server/passwords/, with their licence).
$(B)/passwords.c: server/passwords/common.txt server/passwords/embed.sh
	@mkdir -p $(@D)
	sh server/passwords/embed.sh server/passwords/common.txt > $@
$(B)/passwords.o: $(B)/passwords.c
	$(CC) $(CFLAGS) $(SERVER_CFLAGS) -c -o $@ $<
$(B)/schema.o: $(B)/schema.c
	$(CC) $(CFLAGS) $(SERVER_CFLAGS) -c -o $@ $<

# The console (console/: HTML, CSS, JavaScript modules) is compiled in as
# well. Its directories are prerequisites too, so adding or removing a file
# rebuilds the table; the script writes to a temporary file first, so a
# refused file leaves no half table behind.
CONSOLE_FILES = $(shell find console -type f ! -path '*/.*' 2>/dev/null)
CONSOLE_DIRS = $(shell find console -type d 2>/dev/null)
$(B)/console_assets.c: $(CONSOLE_FILES) $(CONSOLE_DIRS)
	@mkdir -p $(@D)
	sh console/embed.sh console > $@.tmp && mv $@.tmp $@
$(B)/console_assets.o: $(B)/console_assets.c
	$(CC) $(CFLAGS) $(SERVER_CFLAGS) -c -o $@ $<

$(B)/cishan-server: $(SERVER_OBJ) $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(SERVER_LIBS)

# The domain and db layers alone, for tools that drive them directly
# (bench/ seeds and its storage ceiling): no HTTP, no JSON.
CORE_OBJ = $(patsubst %.c,$(B)/%.o,$(SERVER_DOMAIN) $(filter-out $(B)/%,$(SERVER_DB))) \
           $(B)/schema.o $(B)/passwords.o
$(B)/libcishan-core.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^
BINS += $(B)/libcishan-core.a
