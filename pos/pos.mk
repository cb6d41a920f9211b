# pos/: the cashier's till, cishan-pos.  Included by the top Makefile,
# which sets CC, CFLAGS, LDFLAGS, B, PKG and POS_PKGS.
#   make test-pos     unit suites + the real cishan-pos against the real
#                     server and emulated USB devices (+ tmux UI test)
#   make bench-pos    scan-to-screen latency, receipt bytes for 30 lines

POS_SRCS = till wire slip journal client net lookup print sync donor app script ui \
    voids tls
POS_SRCS += volunteers
POS_OBJS = $(POS_SRCS:%=$(B)/pos/%.o)
POS_CFLAGS := -Ipos -Idrivers $(shell $(PKG) --cflags $(POS_PKGS) 2>/dev/null)
POS_LIBS := $(shell $(PKG) --libs $(POS_PKGS) 2>/dev/null) -lm

BINS += $(B)/cishan-pos

$(B)/pos/%.o: pos/%.c pos/pos.h pos/app.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(POS_CFLAGS) -c -o $@ $<

$(B)/cishan-pos: $(B)/pos/main.o $(POS_OBJS) $(B)/libcishan-drivers.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(POS_LIBS)

# Tests: unit suites link the pure objects; itest suites drive the real
# binary with tests/itest.c (HTTP) and tests/usbemu.c (USB devices).
POS_TEST_CFLAGS := $(shell $(PKG) --cflags check umockdev-1.0 gio-2.0 libcjson 2>/dev/null)
POS_TEST_LIBS := $(shell $(PKG) --libs check umockdev-1.0 gio-2.0 libcjson 2>/dev/null)
POS_UNIT = check_pos_till check_pos_journal check_pos_slip check_pos_wire
POS_ITEST = itest_pos_flow itest_pos_offline itest_pos_shift
POS_ITEST += itest_pos_sale
POS_ITEST += itest_pos_volunteer
ifeq ($(SANITIZE),1)
POS_PRELOAD = $$(gcc -print-file-name=libasan.so):libumockdev-preload.so.0
else
POS_PRELOAD = libumockdev-preload.so.0
endif

$(B)/postests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests $(POS_CFLAGS) $(POS_TEST_CFLAGS) -c -o $@ $<

$(B)/postests/check_pos_%: $(B)/postests/check_pos_%.o $(POS_OBJS) \
    $(B)/libcishan-drivers.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(POS_LIBS) $(POS_TEST_LIBS)

# The till's harness (tests/pos_itest.h) and what it runs on.
POS_ITEST_HARNESS = pos_itest itest_proc itest_http itest_fixture usbemu \
    usbemu_io
POS_ITEST_HARNESS_OBJ = $(POS_ITEST_HARNESS:%=$(B)/postests/%.o)

$(B)/postests/itest_pos_%: $(B)/postests/itest_pos_%.o \
    $(POS_ITEST_HARNESS_OBJ) $(B)/libcishan-drivers.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(POS_LIBS) $(POS_TEST_LIBS)
# check_pos_slip reads its receipts as the till's itests read the
# printer's (pos_itest_shows).
$(B)/postests/check_pos_slip: $(POS_ITEST_HARNESS_OBJ)

.PRECIOUS: $(B)/postests/%.o
# A target a suite (see test in the Makefile), TEST_JOBS at a time; the
# itest suites under umockdev, itest_pos_ui under tmux.
POS_RUNS = $(POS_UNIT:%=run-%) $(POS_ITEST:%=run-%) run-itest_pos_ui
.PHONY: test-pos test-pos-suites $(POS_RUNS)
TEST_TARGETS += test-pos-suites

test-pos:
	@$(call test_run,test-pos-suites)
test-pos-suites: $(POS_RUNS)
$(POS_UNIT:%=run-%): run-%: $(B)/postests/%
	@sh tests/run-suite.sh $* $(B)/postests/tmp/$* $(B)/postests/$*
$(POS_ITEST:%=run-%) run-itest_pos_ui: run-%: $(B)/postests/% \
    $(B)/cishan-pos $(B)/cishan-server
	@sh tests/run-suite.sh $* $(B)/postests/tmp/$* \
	  env CISHAN_POS=$(B)/cishan-pos CISHAN_SERVER=$(B)/cishan-server \
	  $(if $(filter itest_pos_ui,$*),,LD_PRELOAD="$(POS_PRELOAD)") \
	  $(B)/postests/$*

# Benchmark: scan-to-screen and receipt bytes, each beside a baseline.
.PHONY: bench-pos
BENCH_TARGETS += bench-pos

$(B)/pos-bench: $(B)/pos/bench.o $(POS_OBJS) $(B)/libcishan-drivers.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(POS_LIBS)

bench-pos: $(B)/pos-bench $(B)/cishan-server
	@echo "== bench-pos"
	@CISHAN_SERVER=$(B)/cishan-server $(B)/pos-bench
