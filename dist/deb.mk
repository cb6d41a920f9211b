# make deb: the Debian package, cishan_VERSION_ARCH.deb in build/, made by
# dpkg-buildpackage (-us -uc -b) in a copy of the tree under build/deb/,
# so that nothing lands outside the repository. DEB_BUILD_OPTIONS=nocheck
# skips the server's suites in the build (make test-deb does: make test
# ran them). The version is debian/changelog's.
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE = build/cishan_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_TREE = build/deb/cishan-$(DEB_VERSION)
# Compilers at once in the package's build (-J: parallel=N).
DEB_JOBS ?= 2
DEB_DEBS = debhelper dpkg-dev fakeroot lintian systemd

.PHONY: deb test-deb
deb:
	@$(call need_debs,$(DEBS) $(DEB_DEBS))
	rm -rf build/deb && mkdir -p $(DEB_TREE)
	@# The tree's files (git's, else all but the build directories).
	{ git ls-files -z -co --exclude-standard 2>/dev/null || \
	  find . \( -name build -o -name build-san -o -name .git \) -prune \
	    -o -type f -print0; } | tar --null -T - -cf - | tar -xf - -C $(DEB_TREE)
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b -J$(DEB_JOBS) >../build.log 2>&1 || \
	  { tail -40 ../build.log; exit 1; }
	mv build/deb/*.deb build/
	@echo "built $(DEB_FILE) (log: build/deb/build.log)"

# The package: its files, maintainer scripts and lintian (tests/deb_test.sh).
test-deb:
	@DEB_BUILD_OPTIONS="$$DEB_BUILD_OPTIONS nocheck" $(MAKE) --no-print-directory deb
	sh tests/deb_test.sh $(DEB_FILE)
