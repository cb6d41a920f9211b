# pos/: the cashier's till, cishan-pos.  Included by the top Makefile,
# which sets CC, CFLAGS, LDFLAGS, B, PKG and POS_PKGS.
#   make test-pos     unit suites + the real cishan-pos against the real
#                     server and emulated USB devices (+ tmux UI test)
#   make bench-pos    scan-to-screen latency, receipt bytes for 30 lines

POS_SRCS = till wire slip journal client app script ui
POS_OBJS = $(POS_SRCS:%=$(B)/pos/%.o)
POS_CFLAGS := -Ipos -Idrivers $(shell $(PKG) --cflags $(POS_PKGS) 2>/dev/null)
POS_LIBS := $(shell $(PKG) --libs $(POS_PKGS) 2>/dev/null) -lm

BINS += $(B)/cishan-pos

$(B)/pos/%.o: pos/%.c pos/pos.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(POS_CFLAGS) -c -o $@ $<

$(B)/cishan-pos: $(B)/pos/main.o $(POS_OBJS) $(B)/libcishan-drivers.a
	$(CC) $(LDFLAGS) -o $@ $^ $(POS_LIBS)
