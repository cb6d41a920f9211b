# cishan — charity supermarket POS and inventory.
#   make          build every binary
#   make run      install what is missing, build, serve a demo store
#                 (on 127.0.0.1:8080; PORT=8081 for another port)
#   make test     install what is missing, build, run every test
#                 (TEST_JOBS suites at a time; default: the cores)
#   make bench    benchmarks (figures beside a baseline from the same run)
#   make SANITIZE=1 test   the same tests under ASan/UBSan (build-san/)

CC ?= cc
SANITIZE ?=
ifeq ($(SANITIZE),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B ?= build
SANFLAGS =
endif

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Icommon -MMD -MP $(WARN) $(SANFLAGS)
LDFLAGS += $(SANFLAGS)

PKG = pkg-config
SERVER_PKGS = libevent sqlite3 libcjson libsodium libevent_openssl openssl
DRIVER_PKGS = libusb-1.0 libevent
POS_PKGS = ncursesw libevent sqlite3 libcjson libsodium libusb-1.0 \
    libevent_openssl openssl
TEST_PKGS = check umockdev-1.0 gio-2.0

# Debian packages each part needs; `make deps` installs the missing ones.
DEBS = build-essential pkg-config libevent-dev libsqlite3-dev libcjson-dev \
       libsodium-dev libusb-1.0-0-dev libncurses-dev check umockdev \
       libumockdev-dev libglib2.0-dev libssl-dev
TEST_DEBS = valgrind chromium tmux sqlite3 clang clang-format fonts-noto-cjk \
            chromium-driver python3-selenium faketime curl

all: deps-build
	@$(MAKE) --no-print-directory binaries

.PHONY: all binaries deps deps-build deps-test run test bench fuzz clean \
        format check-format check-layers
BINS :=
TEST_TARGETS :=
TEST_FIRST :=
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
TEST_SUMMARY = $(B)/tests/summary
# $(call test_run,TARGETS): their suites, TEST_JOBS at a time, then a line
# that names the failed ones and says how long it took.
test_run = mkdir -p $(B)/tests && rm -f $(TEST_SUMMARY) && t0=$$(date +%s); \
  TEST_SUMMARY=$(abspath $(TEST_SUMMARY)) $(MAKE) --no-print-directory -k \
    -j$(TEST_JOBS) --output-sync=target $(1); \
  rc=$$?; sh tests/run-suite.sh -s $(TEST_SUMMARY) $$t0; exit $$rc
BENCH_TARGETS :=

include common/common.mk
include server/server.mk
-include drivers/drivers.mk
-include pos/pos.mk
include tests/tests.mk
-include bench/bench.mk
include dist/install.mk

binaries: $(BINS)

# Missing packages: installed as root, else named with the exact command.
define need_debs
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
    missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "installing:$$missing"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
  else \
    echo "missing packages; run as root:"; \
    echo "  apt-get install -y$$missing"; exit 1; \
  fi; \
fi
endef
deps-build:
	@$(call need_debs,$(DEBS))
deps-test:
	@$(call need_debs,$(DEBS) $(TEST_DEBS))
deps: deps-test

# make run PORT=8081: another port (a number from 1 to 65535).
PORT ?= 8080
run: deps-build
	@case "$(PORT)" in ''|*[!0-9]*) \
	  echo "PORT=$(PORT): not a port number"; exit 2;; esac
	@$(MAKE) --no-print-directory binaries
	@test -f cishan-demo.db || \
	  $(B)/cishan-server demo --db cishan-demo.db 2>/dev/null >/dev/null
	@echo "demo store cishan-demo.db; log in as (user / password):"
	@echo "  admin / admin-demo, manager / manager-demo,"
	@echo "  cashier / cashier-demo, auditor / auditor-demo"
	@echo "public notice page: http://127.0.0.1:$(PORT)/"
	$(B)/cishan-server serve --db cishan-demo.db --listen 127.0.0.1:$(PORT)

# Every test suite is a target of its own (run-NAME: tests/run-suite.sh),
# so make runs TEST_JOBS of them at once, each one's output held and
# printed whole, and the others run on when one fails. TEST_TARGETS are
# the parts' groups of suites; TEST_FIRST, the longest, start first so
# that none is left to run alone at the end.
test: deps-test
	@$(MAKE) --no-print-directory binaries
	@$(call test_run,$(TEST_FIRST) $(TEST_TARGETS))

bench: deps-test
	@$(MAKE) --no-print-directory binaries
	@$(MAKE) --no-print-directory $(BENCH_TARGETS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
check-format:
	@$(call need_debs,clang-format)
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# The layering rules of docs/HACKING.md, checked on the sources.
check-layers:
	@sh tests/layers.sh

clean:
	rm -rf build build-san

-include $(shell find $(B) -type f -name '*.d' 2>/dev/null)
