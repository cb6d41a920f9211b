# make install / make uninstall, with the directories GNU and Debian use
# (README, "Installing"). Every one may be given on the command line:
#   make install PREFIX=/usr DESTDIR=/tmp/stage SYSCONFDIR=/etc
# Nothing outside $(DESTDIR) is written; `uninstall` removes what
# `install` put, keeping a configuration file that was changed.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/cishan
# /etc for a system install (PREFIX=/usr), else PREFIX/etc.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
# systemd's and udev's directories: for PREFIX=/usr where the system's
# pkg-config files say (Debian 12: /lib/systemd/system, /lib/udev), else
# under PREFIX (systemd and udev read /usr/local/lib/... too).
inst_pc = $(if $(filter /usr,$(PREFIX)),$(shell $(PKG) --variable=$(2) $(1) 2>/dev/null))
inst_or = $(if $(1),$(1),$(2))
SYSTEMDUNITDIR ?= $(call inst_or,$(call inst_pc,systemd,systemdsystemunitdir),$(PREFIX)/lib/systemd/system)
UDEVDIR ?= $(call inst_or,$(call inst_pc,udev,udevdir),$(patsubst %/systemd/system,%,$(SYSTEMDUNITDIR))/udev)
UDEVRULESDIR ?= $(UDEVDIR)/rules.d
SYSUSERSDIR ?= $(call inst_or,$(call inst_pc,systemd,sysusersdir),$(PREFIX)/lib/sysusers.d)
TMPFILESDIR ?= $(call inst_or,$(call inst_pc,systemd,tmpfilesdir),$(PREFIX)/lib/tmpfiles.d)
INSTALL ?= install
include dist/deb.mk

INST_UNITS = cishan-server.service cishan-backup.service cishan-backup.timer
INST_MAN = man/cishan-pos.1 man/cishan-usb.1 man/cishan.conf.5 \
    man/cishan-server.8
INST_CONF = etc/server.conf etc/pos.conf
INST_DOCS = README.md $(filter-out docs/HACKING.md,$(wildcard docs/*.md))

.PHONY: install uninstall install-dirs check-man show-install-dirs

# The services name the installed programs and configuration: made
# afresh each time (FORCE), as the directories are variables, not files.
INST_GEN = $(B)/dist/cishan-server.service $(B)/dist/cishan-backup.service
$(INST_GEN): $(B)/dist/%: dist/systemd/%.in FORCE
	@mkdir -p $(@D)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@.tmp && mv $@.tmp $@
.PHONY: FORCE
FORCE:
# The devices of the udev rules, for software centres (and lintian).
$(B)/dist/cishan.metainfo.xml: drivers/udev/70-cishan.rules dist/metainfo.sh
	@mkdir -p $(@D)
	sh dist/metainfo.sh drivers/udev/70-cishan.rules > $@.tmp && mv $@.tmp $@

install: $(B)/cishan-server $(B)/cishan-pos $(B)/cishan-usb \
    $(INST_GEN) $(B)/dist/cishan.metainfo.xml
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/cishan $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(DATADIR)/metainfo
	$(INSTALL) -m 0755 $(B)/cishan-server $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0755 $(B)/cishan-pos $(B)/cishan-usb $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 man/cishan-pos.1 man/cishan-usb.1 $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 man/cishan.conf.5 $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 man/cishan-server.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(INST_DOCS) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 server/passwords/LICENSE \
	    $(DESTDIR)$(DOCDIR)/LICENSE.passwords
	$(INSTALL) -m 0644 $(INST_GEN) dist/systemd/cishan-backup.timer \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(INSTALL) -m 0644 drivers/udev/70-cishan.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 $(B)/dist/cishan.metainfo.xml $(DESTDIR)$(DATADIR)/metainfo/
	$(INSTALL) -m 0644 dist/sysusers.d/cishan.conf $(DESTDIR)$(SYSUSERSDIR)/
	$(INSTALL) -m 0644 dist/tmpfiles.d/cishan.conf $(DESTDIR)$(TMPFILESDIR)/
	@# A configuration already there is the store's own: never replaced.
	@for f in $(INST_CONF); do t=$(DESTDIR)$(SYSCONFDIR)/cishan/$${f#etc/}; \
	  if [ -e "$$t" ]; then echo "kept $$t (already there)"; \
	  else echo "$(INSTALL) -m 0644 $$f $$t"; \
	    $(INSTALL) -m 0644 "$$f" "$$t" || exit 1; fi; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/cishan-server \
	    $(DESTDIR)$(BINDIR)/cishan-pos $(DESTDIR)$(BINDIR)/cishan-usb \
	    $(DESTDIR)$(MANDIR)/man1/cishan-pos.1 \
	    $(DESTDIR)$(MANDIR)/man1/cishan-usb.1 \
	    $(DESTDIR)$(MANDIR)/man5/cishan.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/cishan-server.8 \
	    $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(INST_DOCS))) \
	    $(DESTDIR)$(DOCDIR)/LICENSE.passwords \
	    $(INST_UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
	    $(DESTDIR)$(UDEVRULESDIR)/70-cishan.rules \
	    $(DESTDIR)$(DATADIR)/metainfo/cishan.metainfo.xml \
	    $(DESTDIR)$(SYSUSERSDIR)/cishan.conf \
	    $(DESTDIR)$(TMPFILESDIR)/cishan.conf
	@# A configuration changed since it was installed is kept.
	@for f in $(INST_CONF); do t=$(DESTDIR)$(SYSCONFDIR)/cishan/$${f#etc/}; \
	  if [ -e "$$t" ] && ! cmp -s "$$f" "$$t"; then \
	    echo "kept $$t (changed; remove it by hand)"; \
	  else rm -f "$$t"; fi; done
	@for d in $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/cishan; do \
	  if [ -d "$$d" ]; then rmdir --ignore-fail-on-non-empty "$$d"; fi; done

show-install-dirs:
	@echo "BINDIR=$(BINDIR) SBINDIR=$(SBINDIR) SYSCONFDIR=$(SYSCONFDIR)"
	@echo "MANDIR=$(MANDIR) DOCDIR=$(DOCDIR) SYSTEMDUNITDIR=$(SYSTEMDUNITDIR)"
	@echo "UDEVRULESDIR=$(UDEVRULESDIR) SYSUSERSDIR=$(SYSUSERSDIR) TMPFILESDIR=$(TMPFILESDIR)"

# The manual pages, checked as CI checks the code.
check-man:
	@$(call need_debs,mandoc)
	mandoc -T lint -W warning $(INST_MAN)

# make test runs tests/install_test.sh (install, the units started as
# systemd would, uninstall); `make test-deb` builds and checks the package.
TEST_DEBS += mandoc systemd
TEST_TARGETS += test-install
.PHONY: test-install
test-install: $(B)/cishan-server $(B)/cishan-pos $(B)/cishan-usb
	@sh tests/run-suite.sh install_test $(B)/tests/tmp-install \
	  env B=$(B) sh tests/install_test.sh
