# drivers/: USB scanners and ESC/POS printers (libusb-1.0 on libevent).
# Included by the top Makefile, which sets CC, CFLAGS, LDFLAGS, B and PKG.

DRV_SRCS = devices devid escpos receipt hidscan wedge drv usb scanner printer \
    printer_usb printer_file printer_tcp printer_mem
DRV_OBJS = $(DRV_SRCS:%=$(B)/drivers/%.o)
DRV_CFLAGS := $(shell $(PKG) --cflags libusb-1.0 libevent 2>/dev/null)
DRV_LIBS := $(shell $(PKG) --libs libusb-1.0 libevent 2>/dev/null)
DRV_TEST_CFLAGS := $(shell $(PKG) --cflags check umockdev-1.0 gio-2.0 2>/dev/null)
DRV_TEST_LIBS := $(shell $(PKG) --libs check umockdev-1.0 gio-2.0 2>/dev/null)

BINS += $(B)/libcishan-drivers.a $(B)/cishan-usb

$(B)/drivers/%.o: drivers/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DRV_CFLAGS) -c -o $@ $<

$(B)/libcishan-drivers.a: $(DRV_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/cishan-usb: $(B)/drivers/cishan-usb.o $(B)/libcishan-drivers.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(DRV_LIBS)

# Unit suites of the pure code (no device needed).
DRV_UNIT_TESTS = check_escpos check_hidscan check_receipt check_drv_devid \
    check_drv_tty

$(B)/drvtests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Idrivers $(DRV_CFLAGS) $(DRV_TEST_CFLAGS) -c -o $@ $<

$(B)/drvtests/check_%: $(B)/drvtests/check_%.o $(B)/libcishan-drivers.a $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(DRV_LIBS) $(DRV_TEST_LIBS)

# Suites against emulated devices: umockdev's preload (ASan's runtime
# must come first in LD_PRELOAD under SANITIZE=1).
DRV_USB_TESTS = check_usb_scanner check_usb_printer check_usb_printer_status
ifeq ($(SANITIZE),1)
DRV_PRELOAD = $$(gcc -print-file-name=libasan.so):libumockdev-preload.so.0
else
DRV_PRELOAD = libumockdev-preload.so.0
endif

# The emulator: usbemu.c (the devices) and usbemu_io.c (the usbfs loop).
USBEMU_OBJS = usbemu.o usbemu_io.o

# A static pattern rule: check_% above must not win once objects exist.
$(DRV_USB_TESTS:%=$(B)/drvtests/%): $(B)/drvtests/%: $(B)/drvtests/%.o \
    $(USBEMU_OBJS:%=$(B)/drvtests/%) $(B)/libcishan-drivers.a \
    $(B)/libcishan-common.a
	$(CC) $(LDFLAGS) -o $@ $^ $(DRV_LIBS) $(DRV_TEST_LIBS)

# pos/pos.mk links the itest_pos_* programs with usbemu.o: the loop's
# half of the emulator is added to them here.
$(patsubst tests/%.c,$(B)/postests/%,$(wildcard tests/itest_pos_*.c)): \
    $(B)/postests/usbemu_io.o

.PRECIOUS: $(B)/drvtests/%.o
# A target a suite (see test in the Makefile), TEST_JOBS at a time.
DRV_RUNS = $(DRV_UNIT_TESTS:%=run-%) $(DRV_USB_TESTS:%=run-%)
.PHONY: test-drivers test-drivers-suites $(DRV_RUNS) fuzz
TEST_TARGETS += test-drivers-suites

test-drivers:
	@$(call test_run,test-drivers-suites)
test-drivers-suites: $(DRV_RUNS)
$(DRV_UNIT_TESTS:%=run-%): run-%: $(B)/drvtests/%
	@sh tests/run-suite.sh $* $(B)/drvtests/tmp/$* \
	  env CK_DEFAULT_TIMEOUT=20 $(B)/drvtests/$*
$(DRV_USB_TESTS:%=run-%): run-%: $(B)/drvtests/% $(B)/cishan-usb
	@sh tests/run-suite.sh $* $(B)/drvtests/tmp/$* \
	  env CISHAN_USB=$(B)/cishan-usb LD_PRELOAD="$(DRV_PRELOAD)" \
	  $(B)/drvtests/$*

# libFuzzer targets for the decoders, FUZZ_SECONDS each (clang needed).
FUZZ_SECONDS ?= 20
DRV_FUZZ = fuzz_hidboot fuzz_hidpos fuzz_status fuzz_devid
DRV_FUZZ_SRCS = drivers/hidscan.c common/barcode.c drivers/escpos.c \
    drivers/receipt.c drivers/devices.c drivers/devid.c
DRV_FUZZ_FLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -Idrivers -Icommon \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(B)/fuzz/%: drivers/fuzz/%.c $(DRV_FUZZ_SRCS) drivers/drivers.h
	@mkdir -p $(@D)
	clang $(DRV_FUZZ_FLAGS) -o $@ $< $(DRV_FUZZ_SRCS)

.PHONY: fuzz-drivers
fuzz: fuzz-drivers
fuzz-drivers: $(DRV_FUZZ:%=$(B)/fuzz/%)
	@set -e; for f in $(DRV_FUZZ); do \
	  echo "== $$f ($(FUZZ_SECONDS) s)"; mkdir -p $(B)/fuzz/corpus-$$f; \
	  if ! $(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
	      $(B)/fuzz/corpus-$$f >$(B)/fuzz/$$f.log 2>&1; then \
	    tail -40 $(B)/fuzz/$$f.log; exit 1; fi; \
	  grep -E '^Done' $(B)/fuzz/$$f.log; done
