# common/: code every program needs (barcodes, money formatting), built
# once into libcishan-common.a and linked by server, drivers and pos.
# Included by the top Makefile, which sets CC, CFLAGS, B.
COMMON_SRCS = barcode money conf
COMMON_OBJS = $(COMMON_SRCS:%=$(B)/common/%.o)

$(B)/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libcishan-common.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
BINS += $(B)/libcishan-common.a
