# bench/: `make bench` figures, each beside a baseline from the same run.
#   bare   the bare evhttp baseline server
#   load   the load generator (loopback only)
#   seed   fills a fresh store through the real server's HTTP API
#   fill   fills it faster through the domain layer (libcishan-core.a)
#   direct the same domain layer measured directly: the redemption
#          ceiling (issue 4) and notice computation (issue 7)
#   run.sh starts the servers, seeds, runs the scenarios, prints the table
#   console.sh the console (issue 10): its log-in page's files and a
#          page's API calls (console-today.paths), on a demo store
#   lib.sh what run.sh and console.sh share
# A new C tool: add its name to BENCH_PROGS and a link rule like seed's.
BENCH_PROGS = bare load seed fill direct
BENCH_BINS = $(addprefix $(B)/bench/,$(BENCH_PROGS))
BENCH_CFLAGS = $(shell $(PKG) --cflags libevent libcjson) -Ibench
BENCH_EVENT_LIBS = $(shell $(PKG) --libs libevent)
BENCH_CJSON_LIBS = $(shell $(PKG) --libs libcjson)
# Tools on the domain and db layers: the server's headers and its core.
BENCH_CORE_CFLAGS = $(shell $(PKG) --cflags sqlite3 libsodium) -Iserver
BENCH_CORE_LIBS = $(B)/libcishan-core.a $(B)/libcishan-common.a \
                  $(shell $(PKG) --libs sqlite3 libsodium) -lm

# Built with everything else, so warnings in bench/ break the build too.
BINS += $(BENCH_BINS)

$(B)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(BENCH_CFLAGS) -c -o $@ $<

$(B)/bench/bare: $(B)/bench/bare.o
	$(CC) $(LDFLAGS) -o $@ $^ $(BENCH_EVENT_LIBS)
$(B)/bench/load: $(B)/bench/load.o $(B)/bench/bhttp.o
	$(CC) $(LDFLAGS) -o $@ $^
$(B)/bench/seed: $(B)/bench/seed.o $(B)/bench/bhttp.o
	$(CC) $(LDFLAGS) -o $@ $^ $(BENCH_CJSON_LIBS)

$(B)/bench/fill.o $(B)/bench/fill_city.o $(B)/bench/direct.o: \
    BENCH_CFLAGS += $(BENCH_CORE_CFLAGS)
$(B)/bench/fill: $(B)/bench/fill.o $(B)/bench/fill_city.o $(B)/bench/bhttp.o \
                 $(B)/libcishan-core.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BENCH_CORE_LIBS)
$(B)/bench/direct: $(B)/bench/direct.o $(B)/bench/bhttp.o \
                   $(B)/libcishan-core.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BENCH_CORE_LIBS)

# Knobs (environment or make command line): BENCH_SECONDS, BENCH_ROUNDS,
# BENCH_ITEMS, BENCH_LOTS, BENCH_CALLGRIND=0, BENCH_KEEP=1; see run.sh.
.PHONY: bench-server
bench-server: $(BENCH_BINS) $(B)/cishan-server
	@B=$(B) sh bench/run.sh

BENCH_TARGETS += bench-server

.PHONY: bench-console
bench-console: $(B)/bench/load $(B)/bench/bare $(B)/cishan-server
	@B=$(B) sh bench/console.sh

BENCH_TARGETS += bench-console
