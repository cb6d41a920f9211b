# Server tests: Check suites. Integration suites (itest_*) start the real
# $(B)/cishan-server on port 0 with a fresh database and speak HTTP to it;
# unit suites (check_common, check_json) link the server's pure objects.
#   make test-server            run them all (SANITIZE=1: under ASan/UBSan),
#                               TEST_JOBS at a time (default: the cores)
#   make run-itest_auth         one suite (any of them: run-NAME)
#   CISHAN_SERVER=path          run the integration suites against another binary
ITEST_SUITES = itest_auth itest_goods itest_badinput itest_backup \
    itest_users itest_cards \
    itest_households itest_points itest_distributions itest_tills \
    itest_funds itest_notices itest_publish itest_trace itest_privacy \
    itest_page itest_console itest_manage_goods itest_manage_stock \
    itest_grants itest_shield itest_logins
# The store against operators and disks (README, "Durability").
ITEST_SUITES += itest_storage itest_faults
ITEST_SUITES += itest_conflicts itest_store
ITEST_SUITES += itest_public itest_periods itest_heads itest_balance
ITEST_SUITES += itest_cache
# systemd's readiness protocol (server/notify.c).
ITEST_SUITES += itest_notify
ITEST_SUITES += itest_config itest_restore
ITEST_SUITES += itest_baskets
ITEST_SUITES += itest_volunteers itest_reports
# Charity sales and the operating line (收支两条线).
ITEST_SUITES += itest_sales itest_operating
# A migration that recreates a table, against a store with rows (024).
ITEST_SUITES += itest_schema
UNIT_SUITES = check_common check_json check_notice
UNIT_SUITES += check_conf check_retain
UNIT_SUITES += check_basket
ITEST_BINS = $(patsubst %,$(B)/tests/%,$(ITEST_SUITES))
UNIT_BINS = $(patsubst %,$(B)/tests/%,$(UNIT_SUITES))
# The harness: the server's life, the HTTP client, the builders.
ITEST_HARNESS = itest_proc itest_http itest_fixture
ITEST_HARNESS_OBJ = $(patsubst %,$(B)/tests/%.o,$(ITEST_HARNESS))
ITEST_OBJ = $(patsubst %,$(B)/tests/%.o,$(ITEST_HARNESS) $(ITEST_SUITES) \
    $(UNIT_SUITES))

# sqlite3: the harness edits a stopped server's database (itest_sql), as
# the verify tests do to corrupt it on purpose.
ITEST_CFLAGS = $(shell $(PKG) --cflags check libcjson sqlite3) -Itests -Iserver
ITEST_LIBS = $(shell $(PKG) --libs check libcjson sqlite3)
# itest_publish reads the hash chain and recomputes it with libsodium's
# SHA-256.
$(B)/tests/itest_publish: ITEST_LIBS += $(shell $(PKG) --libs libsodium)
# itest_shield drives the till over https.
run-itest_shield: $(B)/cishan-pos
# itest_logins writes an old password's hash, as one set before the rules.
$(B)/tests/itest_logins: ITEST_LIBS += $(shell $(PKG) --libs libsodium)
# itest_heads recomputes the whole chain, as a forger would.
$(B)/tests/itest_heads: ITEST_LIBS += $(shell $(PKG) --libs libsodium)
# itest_console recomputes each console file's ETag (its SHA-256).
$(B)/tests/itest_console: ITEST_LIBS += $(shell $(PKG) --libs libsodium)
ITEST_TMP = $(B)/tests/tmp

# The fault-injection VFS, preloaded into the server by itest_faults only
# (tests/fault_vfs.h); without the sanitizer, which it does not need.
$(B)/tests/fault_vfs.so: tests/fault_vfs.c tests/fault_vfs.h
	@mkdir -p $(@D)
	$(CC) $(filter-out $(SANFLAGS) -MMD -MP,$(CFLAGS)) -fPIC -shared \
	    $(shell $(PKG) --cflags sqlite3) -o $@ tests/fault_vfs.c -ldl -pthread
$(B)/tests/itest_faults: | $(B)/tests/fault_vfs.so

# The kill-loop soak: long, so not in `make test`. SOAK_KILLS=N (20).
$(B)/tests/itest_soak.o: tests/itest_soak.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ITEST_CFLAGS) -c -o $@ $<
$(B)/tests/itest_soak: $(B)/tests/itest_soak.o $(ITEST_HARNESS_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS)
.PHONY: soak
soak: $(B)/tests/itest_soak $(B)/cishan-server
	@mkdir -p $(ITEST_TMP)
	CISHAN_SERVER=$${CISHAN_SERVER:-$(B)/cishan-server} \
	  ITEST_TMPDIR=$(ITEST_TMP) $(B)/tests/itest_soak

# Static pattern: only our objects, so other fragments keep their own rules.
$(ITEST_OBJ): $(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ITEST_CFLAGS) -c -o $@ $<

$(ITEST_BINS): $(B)/tests/%: $(B)/tests/%.o $(ITEST_HARNESS_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS)

# Unit suites link the pure server objects they test.
$(B)/tests/check_common: $(B)/tests/check_common.o $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS) $(SERVER_LIBS)
$(B)/tests/check_conf: $(B)/tests/check_conf.o $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS)
$(B)/tests/check_retain: $(B)/tests/check_retain.o $(B)/server/retain.o
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS)
# basket.o writes movements (basket_move): the domain and db layers'
# archive gives it what it calls.
$(B)/tests/check_basket: $(B)/tests/check_basket.o $(B)/libcishan-core.a \
    $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS) $(SERVER_LIBS)
$(B)/tests/check_json: $(B)/tests/check_json.o $(B)/server/json.o \
    $(B)/server/fault.o $(B)/server/clock.o $(B)/server/log.o \
    $(B)/server/db_storage.o
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS) $(SERVER_LIBS)
# notice_suppress is pure, but notice.o also holds notice_compute, which
# pulls in the db layer: linked, never called.
$(B)/tests/check_notice: $(B)/tests/check_notice.o $(B)/server/notice.o \
    $(B)/server/clock.o $(B)/server/fault.o $(B)/server/log.o \
    $(B)/server/household.o $(B)/server/auth.o $(B)/server/db.o $(B)/server/db_tx.o \
    $(B)/server/throttle.o $(B)/server/password.o $(B)/passwords.o \
    $(B)/server/db_users.o $(B)/server/db_audit.o $(B)/server/db_items.o \
    $(B)/server/db_donations.o $(B)/server/db_stock.o \
    $(B)/server/db_households.o $(B)/server/db_points.o \
    $(B)/server/db_distributions.o \
    $(B)/server/db_funds.o $(B)/server/db_notices.o $(B)/server/db_pins.o \
    $(B)/server/db_verify.o $(B)/schema.o $(B)/server/db_storage.o
	$(CC) $(LDFLAGS) -o $@ $^ $(ITEST_LIBS) $(SERVER_LIBS)
# The notice's volunteers (020).
$(B)/tests/check_notice: $(B)/server/db_volunteers.o

# A target a suite (see test in the Makefile), TEST_JOBS at a time, each
# in its own directory under $(ITEST_TMP).
UNIT_RUNS = $(UNIT_SUITES:%=run-%)
ITEST_RUNS = $(ITEST_SUITES:%=run-%)
.PHONY: test-server test-server-unit test-server-itest test-server-suites \
    $(UNIT_RUNS) $(ITEST_RUNS)
test-server:
	@$(call test_run,test-server-suites)
test-server-unit:
	@$(call test_run,$(UNIT_RUNS))
test-server-itest:
	@$(call test_run,$(ITEST_RUNS))
test-server-suites: $(UNIT_RUNS) $(ITEST_RUNS)

$(UNIT_RUNS): run-%: $(B)/tests/%
	@sh tests/run-suite.sh $* $(ITEST_TMP)/$* $(B)/tests/$*
$(ITEST_RUNS): run-%: $(B)/tests/% $(B)/cishan-server
	@sh tests/run-suite.sh $* $(ITEST_TMP)/$* \
	  env CISHAN_SERVER=$${CISHAN_SERVER:-$(B)/cishan-server} \
	  ITEST_ARTIFACTS=$(B)/tests/artifacts $(B)/tests/$*

TEST_TARGETS += test-server-suites
# The longest (one test walking every write path): started first.
TEST_FIRST += run-itest_faults

# The console in a browser (tests/console/, Python unittest): the real
# server on a demo store, Debian's chromium through its chromedriver. Debian's
# python3, where python3-selenium is (a python3 earlier on PATH may not
# have it); CONSOLE_PYTHON to use another. A module is a suite (its own
# server and browser): run-console-test_goods runs one, through
# tests/console/run.sh, which alone runs them all CONSOLE_JOBS at once.
CONSOLE_PYTHON ?= /usr/bin/python3
CONSOLE_MODULES = $(basename $(notdir $(wildcard tests/console/test_*.py)))
CONSOLE_RUNS = $(CONSOLE_MODULES:%=run-console-%)
.PHONY: test-console test-console-suites $(CONSOLE_RUNS)
test-console:
	@$(call test_run,test-console-suites)
test-console-suites: $(CONSOLE_RUNS)
$(CONSOLE_RUNS): run-console-%: $(B)/cishan-server
	@sh tests/run-suite.sh console-$* $(ITEST_TMP)-console/$* \
	  env CISHAN_SERVER=$${CISHAN_SERVER:-$(B)/cishan-server} \
	  ITEST_ARTIFACTS=$(B)/tests/artifacts \
	  sh tests/console/run.sh $(CONSOLE_PYTHON) $*

TEST_TARGETS += test-console-suites
