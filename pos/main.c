/*
 * main.c: options and config file, then one event loop for the till:
 * the terminal UI, or a script when --script is given.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <sodium.h>

#include "conf.h"
#include "pos.h"

/* Every option docs/pos.md lists; --help to stdout, a mistake to stderr. */
static void
main_usage(FILE *f)
{
	fprintf(f,
	    "usage: cishan-pos --server URL --till ID\n"
	    "                  [--scanner usb|usb:VVVV:PPPP|tty:PATH|keyboard|"
	    "none]\n"
	    "                  [--printer usb|usb:VVVV:PPPP|file:PATH|"
	    "tcp:HOST:PORT|none]\n"
	    "                  [--profile generic58|generic80|tm-t20ii]\n"
	    "                  [--ca-file FILE | --server-fingerprint SHA256] "
	    "(https)\n"
	    "                  [--journal FILE] [--store NAME] "
	    "[--offline-cap POINTS]\n"
	    "                  [--timeout MS] [--probe MS] [--lang zh|en] "
	    "[--english]\n"
	    "                  [--config FILE] [--script FILE|-]\n"
	    "       cishan-pos --till ID --journal FILE --list-conflicts\n"
	    "       cishan-pos --help\n");
}

/* The run's settings beyond app_opts; the config file's text, which its
 * values point into. */
struct main_cfg {
	char *buf;
	const char *script;
	int list_conflicts;
};

static int
main_int(const char *opt, const char *v, int64_t min, int64_t max, int64_t *out,
    char *why, size_t size)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
		snprintf(why, size, "%s wants a number %lld..%lld, not %s", opt,
		    (long long)min, (long long)max, v);
		return -1;
	}
	*out = n;
	return 0;
}

/* One setting by its long option name (command line or config file);
 * -1 with why. */
static int
main_set(struct app_opts *o, struct main_cfg *c, const char *key, const char *v,
    char *why, size_t size)
{
	int64_t n;
	int b;

	if (strcmp(key, "english") == 0) {
		/* A flag; yes or no in the file. */
		if ((b = v == NULL ? 1 : conf_bool(v)) < 0) {
			snprintf(why, size, "english is yes or no");
			return -1;
		}
		o->lang = b ? TILL_EN : TILL_ZH;
		return 0;
	}
	if (v == NULL) {
		snprintf(why, size, "%s wants a value", key);
		return -1;
	}
	if (strcmp(key, "server") == 0)
		o->server = v;
	else if (strcmp(key, "ca-file") == 0)
		o->ca_file = v;
	else if (strcmp(key, "server-fingerprint") == 0)
		o->server_fingerprint = v;
	else if (strcmp(key, "till") == 0)
		o->till_id = v;
	else if (strcmp(key, "scanner") == 0)
		o->scanner = v;
	else if (strcmp(key, "printer") == 0)
		o->printer = v;
	else if (strcmp(key, "profile") == 0)
		o->profile = v;
	else if (strcmp(key, "journal") == 0)
		o->journal = v;
	else if (strcmp(key, "store") == 0)
		o->store = v;
	else if (strcmp(key, "lang") == 0) {
		if (strcmp(v, "zh") != 0 && strcmp(v, "en") != 0) {
			snprintf(why, size, "lang is zh or en");
			return -1;
		}
		o->lang = strcmp(v, "en") == 0 ? TILL_EN : TILL_ZH;
	} else if (strcmp(key, "offline-cap") == 0) {
		if (main_int(key, v, 0, TILL_POINTS_MAX, &n, why, size) < 0)
			return -1;
		o->offline_cap = n;
	} else if (strcmp(key, "timeout") == 0) {
		if (main_int(key, v, 100, 60000, &n, why, size) < 0)
			return -1;
		o->timeout_ms = (unsigned)n;
	} else if (strcmp(key, "probe") == 0) {
		if (main_int(key, v, 50, 600000, &n, why, size) < 0)
			return -1;
		o->probe_ms = (unsigned)n;
	} else if (strcmp(key, "script") == 0)
		c->script = v;
	else {
		snprintf(why, size, "unknown key %s", key);
		return -1;
	}
	return 0;
}

/* The config file's settings; the command line's are read after them. */
struct main_conf {
	struct app_opts *o;
	struct main_cfg *c;
};

static int
main_conf_set(void *arg, const char *k, const char *v, char *why, size_t size)
{
	struct main_conf *mc = arg;

	return main_set(mc->o, mc->c, k, v, why, size);
}

static void
main_stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"server", required_argument, NULL, 0},
	    {"ca-file", required_argument, NULL, 0},
	    {"server-fingerprint", required_argument, NULL, 0},
	    {"till", required_argument, NULL, 0},
	    {"scanner", required_argument, NULL, 0},
	    {"printer", required_argument, NULL, 0},
	    {"profile", required_argument, NULL, 0},
	    {"journal", required_argument, NULL, 0},
	    {"store", required_argument, NULL, 0},
	    {"lang", required_argument, NULL, 0},
	    {"offline-cap", required_argument, NULL, 0},
	    {"timeout", required_argument, NULL, 0},
	    {"probe", required_argument, NULL, 0},
	    {"script", required_argument, NULL, 0},
	    {"english", optional_argument, NULL, 0},
	    {"config", required_argument, NULL, 'c'},
	    {"list-conflicts", no_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct app_opts o = {0};
	struct main_cfg cfg = {0};
	struct event_base *base = NULL;
	struct event *sigint = NULL, *sigterm = NULL;
	struct app *a = NULL;
	struct script *sc = NULL;
	struct ui *ui = NULL;
	struct main_conf mc = {&o, &cfg};
	char err[512], jpath[600];
	const char *conf = getenv("CISHAN_POS_CONFIG");
	int ch, idx, i, rc = 2;

	setlocale(LC_ALL, "");
	o.scanner = "usb";
	o.printer = "usb";
	o.store = "慈善超市";
	o.offline_cap = 200;
	o.timeout_ms = 3000;
	o.probe_ms = 1000;
	/* The config file first, so the command line wins. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			conf = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			conf = argv[i] + 9;
	if (conf != NULL && conf[0] != '\0' &&
	    conf_read(conf, main_conf_set, &mc, &cfg.buf, err, sizeof(err)) <
	        0) {
		fprintf(stderr, "cishan-pos: %s\n", err);
		goto out;
	}
	while ((ch = getopt_long(argc, argv, "h", longs, &idx)) != -1) {
		if (ch == 0) {
			if (main_set(&o, &cfg, longs[idx].name, optarg, err,
			        sizeof(err)) < 0) {
				fprintf(stderr, "cishan-pos: --%s\n", err);
				goto out;
			}
		} else if (ch == 'L')
			cfg.list_conflicts = 1;
		else if (ch == 'c')
			continue;
		else {
			main_usage(ch == 'h' ? stdout : stderr);
			rc = ch == 'h' ? 0 : 2;
			goto out;
		}
	}
	if (optind != argc) {
		main_usage(stderr);
		goto out;
	}
	if (o.till_id == NULL || o.till_id[0] == '\0' ||
	    strlen(o.till_id) > 32) {
		fprintf(stderr,
		    "cishan-pos: --till ID (1 to 32 characters) "
		    "is needed\n");
		goto out;
	}
	if (o.server == NULL) {
		if (!cfg.list_conflicts) {
			fprintf(stderr, "cishan-pos: --server URL is needed\n");
			goto out;
		}
		o.server = "http://127.0.0.1:8080";
	}
	if (o.journal == NULL) {
		snprintf(jpath, sizeof(jpath), "cishan-pos-%s.db", o.till_id);
		o.journal = jpath;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "cishan-pos: libsodium failed to start\n");
		goto out;
	}
	if (cfg.list_conflicts) {
		o.scanner = "keyboard";
		o.printer = "none";
	}
	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "cishan-pos: out of memory\n");
		goto out;
	}
	if ((a = app_new(base, &o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cishan-pos: %s\n", err);
		goto out;
	}
	if (cfg.list_conflicts) {
		rc = app_list_conflicts(a) == 0 ? 0 : 1;
		goto out;
	}
	sigint = evsignal_new(base, SIGINT, main_stop, base);
	sigterm = evsignal_new(base, SIGTERM, main_stop, base);
	if (sigint == NULL || sigterm == NULL || event_add(sigint, NULL) ||
	    event_add(sigterm, NULL)) {
		fprintf(stderr, "cishan-pos: cannot catch signals\n");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (cfg.script != NULL) {
		if ((sc = script_new(a, base, cfg.script, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "cishan-pos: %s\n", err);
			goto out;
		}
	} else if ((ui = ui_new(a, base, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cishan-pos: %s\n", err);
		goto out;
	}
	event_base_dispatch(base);
	rc = 0;
	if (sc != NULL && !script_done(sc)) {
		fprintf(
		    stderr, "cishan-pos: stopped before the script's end\n");
		rc = 1;
	}
out:
	ui_free(ui);
	script_free(sc);
	app_free(a);
	if (sigint != NULL)
		event_free(sigint);
	if (sigterm != NULL)
		event_free(sigterm);
	if (base != NULL)
		event_base_free(base);
	free(cfg.buf);
	return rc;
}
