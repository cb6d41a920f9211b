/*
 * cishan-server: init, serve, demo, backup, verify.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "http.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: cishan-server init   --db PATH [--admin NAME] "
	    "[--self-signed]\n"
	    "       cishan-server serve  --db PATH --listen HOST:PORT "
	    "[--checkpoint-pages N] [--auto-grant]\n"
	    "                     [--max-connections N] [--max-per-address N] "
	    "[--request-timeout SECS]\n"
	    "                     [--trusted-proxy ADDR] [--tls-cert FILE "
	    "--tls-key FILE] [--plain-http]\n"
	    "                     [--card-lookups N] [--reserve-mib N]\n"
	    "                     [--store-name NAME] [--public-address URL]\n"
	    "       cishan-server demo   --db PATH\n"
	    "       cishan-server backup --db PATH --to FILE\n"
	    "       cishan-server backup --db PATH --into DIR [--keep-daily N] "
	    "[--keep-weekly N]\n"
	    "       cishan-server restore --from FILE --db PATH [--key FILE] "
	    "[--force]\n"
	    "       cishan-server verify --db PATH\n"
	    "       cishan-server adopt-key --db PATH\n"
	    "Every command takes --config FILE (server.conf: the serve "
	    "options as key = value\nlines); the command line wins over "
	    "it. --auto-grant and --plain-http take =no.\n"
	    "init reads the admin password from CISHAN_ADMIN_PASSWORD or "
	    "the first line of stdin.\n"
	    "serve --auto-grant runs each month's points grant itself, at "
	    "start-up if\nthis month's has not run, then as each month "
	    "begins (store time).\n");
	exit(2);
}

struct opts {
	const char *db;
	const char *admin;
	const char *listen;
	const char *to;
	const char *into; /* backup --into DIR */
	const char *from; /* restore --from FILE */
	const char *key;  /* restore --key FILE */
	int force;        /* restore --force */
	int keep_daily, keep_weekly;
	int quiet;
	int ckpt_pages;
	int reserve_mib; /* kept for a full disk; 0: none */
	const char *store_name, *public_address; /* NULL: the store's own */
	int auto_grant;
	struct http_opts http; /* serve's network options */
	int self_signed;       /* init --self-signed */
};

/* The config file's text, which its values point into, for the whole run. */
static char *main_conf_buf;

/* A number from min to max into *out; -1 with why. */
static int
main_num(const char *name, const char *arg, long min, long max, int *out,
    char *why, size_t size)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n < min || n > max) {
		snprintf(why, size, "%s %s: not a number from %ld to %ld", name,
		    arg, min, max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* A yes/no setting: a flag on the command line (V NULL), yes or no in the
 * config file. */
static int
main_flag(const char *name, const char *v, int *out, char *why, size_t size)
{
	int b = v == NULL ? 1 : conf_bool(v);

	if (b < 0) {
		snprintf(why, size, "%s %s: yes or no", name, v);
		return -1;
	}
	*out = b;
	return 0;
}

/*
 * One setting by its long option's name, from the command line or
 * (FILE) the config file, which holds the server's settings only: not a
 * command's (admin, to, from...). -1 with why.
 */
static int
main_set(struct opts *o, const char *k, const char *v, int file, char *why,
    size_t size)
{
	struct http_opts *h = &o->http;

	if (strcmp(k, "db") == 0)
		o->db = v;
	else if (strcmp(k, "listen") == 0)
		o->listen = v;
	else if (strcmp(k, "checkpoint-pages") == 0)
		return main_num(k, v, 1, 100000, &o->ckpt_pages, why, size);
	else if (strcmp(k, "auto-grant") == 0)
		return main_flag(k, v, &o->auto_grant, why, size);
	else if (strcmp(k, "max-connections") == 0)
		return main_num(
		    k, v, 1, 1000000, &h->max_connections, why, size);
	else if (strcmp(k, "max-per-address") == 0)
		return main_num(
		    k, v, 1, 1000000, &h->max_per_address, why, size);
	else if (strcmp(k, "request-timeout") == 0)
		return main_num(k, v, 1, 3600, &h->request_timeout, why, size);
	else if (strcmp(k, "trusted-proxy") == 0)
		h->trusted_proxy = v;
	else if (strcmp(k, "tls-cert") == 0)
		h->tls_cert = v;
	else if (strcmp(k, "tls-key") == 0)
		h->tls_key = v;
	else if (strcmp(k, "plain-http") == 0)
		return main_flag(k, v, &h->plain_http, why, size);
	else if (strcmp(k, "card-lookups") == 0)
		return main_num(
		    k, v, 1, 1000000000, &h->card_lookups, why, size);
	else if (strcmp(k, "reserve-mib") == 0) /* 0: no reserve */
		return main_num(k, v, 0, 65536, &o->reserve_mib, why, size);
	else if (strcmp(k, "store-name") == 0)
		o->store_name = v;
	else if (strcmp(k, "public-address") == 0)
		o->public_address = v;
	else if (file) {
		snprintf(why, size, "unknown key %s", k);
		return -1;
	} else if (strcmp(k, "admin") == 0)
		o->admin = v;
	else if (strcmp(k, "to") == 0)
		o->to = v;
	else if (strcmp(k, "into") == 0)
		o->into = v;
	else if (strcmp(k, "from") == 0)
		o->from = v;
	else if (strcmp(k, "key") == 0)
		o->key = v;
	else if (strcmp(k, "keep-daily") == 0)
		return main_num(k, v, 1, 3660, &o->keep_daily, why, size);
	else if (strcmp(k, "keep-weekly") == 0)
		return main_num(k, v, 0, 520, &o->keep_weekly, why, size);
	else if (strcmp(k, "force") == 0)
		o->force = 1;
	else if (strcmp(k, "quiet") == 0)
		o->quiet = 1;
	else if (strcmp(k, "self-signed") == 0)
		o->self_signed = 1;
	return 0;
}

static int
main_conf_set(void *arg, const char *k, const char *v, char *why, size_t size)
{
	return main_set(arg, k, v, 1, why, size);
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 0},
	    {"admin", required_argument, NULL, 0},
	    {"listen", required_argument, NULL, 0},
	    {"to", required_argument, NULL, 0},
	    {"into", required_argument, NULL, 0},
	    {"from", required_argument, NULL, 0},
	    {"key", required_argument, NULL, 0},
	    {"keep-daily", required_argument, NULL, 0},
	    {"keep-weekly", required_argument, NULL, 0},
	    {"force", no_argument, NULL, 0},
	    {"quiet", no_argument, NULL, 0},
	    {"checkpoint-pages", required_argument, NULL, 0},
	    {"auto-grant", optional_argument, NULL, 0},
	    {"max-connections", required_argument, NULL, 0},
	    {"max-per-address", required_argument, NULL, 0},
	    {"request-timeout", required_argument, NULL, 0},
	    {"trusted-proxy", required_argument, NULL, 0},
	    {"tls-cert", required_argument, NULL, 0},
	    {"tls-key", required_argument, NULL, 0},
	    {"plain-http", optional_argument, NULL, 0},
	    {"self-signed", no_argument, NULL, 0},
	    {"card-lookups", required_argument, NULL, 0},
	    {"reserve-mib", required_argument, NULL, 0},
	    {"store-name", required_argument, NULL, 0},
	    {"public-address", required_argument, NULL, 0},
	    {"config", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	const char *conf = NULL;
	char why[1024];
	int ch, idx, i;

	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:8080";
	o->ckpt_pages = DB_WAL_PAGES;
	o->reserve_mib = DB_RESERVE_MIB;
	o->keep_daily = 14;
	o->keep_weekly = 8;
	/* The file first, so that the command line wins. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			conf = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			conf = argv[i] + 9;
	if (conf != NULL &&
	    conf_read(conf, main_conf_set, o, &main_conf_buf, why,
	        sizeof(why)) != 0) {
		fprintf(stderr, "cishan-server: %s\n", why);
		exit(2);
	}
	while ((ch = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		if (ch == 'f')
			continue;
		if (ch != 0)
			usage();
		if (main_set(o, longopts[idx].name, optarg, 0, why,
		        sizeof(why)) != 0) {
			fprintf(stderr, "cishan-server: --%s\n", why);
			exit(2);
		}
	}
	if (optind != argc || o->db == NULL)
		usage();
}

#define MAIN_CREATE  0x1 /* the file may be new */
#define MAIN_MIGRATE 0x2 /* bring the schema up to date */
#define MAIN_KEY     0x4 /* load the key file, once it is the store's */
#define MAIN_WRITE   0x8 /* one writer: lock it, refuse it read-only */

/* Exits 1 with why, naming the file and the cause. */
static void
main_refuse(struct db *db, const char *why)
{
	fprintf(stderr, "cishan-server: %s\n", why);
	db_close(db);
	exit(1);
}

static struct db *
main_open(const char *path, int flags)
{
	int create = flags & MAIN_CREATE;
	struct db *db = NULL;
	char tz[64], why[1024];
	int have, know;

	if (!create && access(path, F_OK) != 0) {
		fprintf(stderr,
		    "cishan-server: %s: no such database (run "
		    "'cishan-server init' first)\n",
		    path);
		exit(1);
	}
	if (access(path, F_OK) == 0 &&
	    storage_check(path, flags & MAIN_WRITE, why, sizeof(why)) != 0)
		main_refuse(NULL, why);
	if ((flags & MAIN_WRITE) && storage_lock(path, why, sizeof(why)) < 0)
		main_refuse(NULL, why);
	if (db_open(path, create, &db) != DB_OK) {
		fprintf(stderr, "cishan-server: cannot open %s\n", path);
		exit(1);
	}
	if (db_schema_version(db, &have, &know) == DB_OK && have > know) {
		snprintf(why, sizeof(why),
		    "%s: the database is newer (schema %d) than this program "
		    "(%d); upgrade cishan-server",
		    path, have, know);
		main_refuse(db, why);
	}
	if ((flags & MAIN_KEY) &&
	    storage_key_load(db, path, 0, why, sizeof(why)) != 0)
		main_refuse(db, why);
	if ((flags & MAIN_MIGRATE) && db_migrate(db) != DB_OK) {
		fprintf(stderr,
		    "cishan-server: %s: cannot bring the schema "
		    "up to date (see above)\n",
		    path);
		db_close(db);
		exit(1);
	}
	if (db_setting_get(db, "timezone", tz, sizeof(tz)) == DB_OK)
		clock_init(tz);
	return db;
}

/*
 * The secret that keys id-number hashes: beside the database, not in it.
 * A new store gets a new one (fresh: an old file there is refused).
 */
static int
main_keyfile(const char *dbpath, int fresh)
{
	unsigned char key[32];
	char path[4096];
	int fd, rc = -1;

	snprintf(path, sizeof(path), "%s.key", dbpath);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		if (errno == EEXIST && !fresh)
			return 0;
		fprintf(
		    stderr, "cishan-server: %s: %s\n", path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, sizeof(key));
	if (write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) &&
	    fsync(fd) == 0)
		rc = 0;
	sodium_memzero(key, sizeof(key));
	close(fd);
	return rc;
}

/* init --self-signed: PATH.tls.crt and PATH.tls.key for serve's --tls-cert
 * and --tls-key, and the fingerprint a till pins. */
static int
main_self_signed(const char *db)
{
	char crt[4096], key[4096], fp[128];

	snprintf(crt, sizeof(crt), "%s.tls.crt", db);
	snprintf(key, sizeof(key), "%s.tls.key", db);
	if (http_tls_self_signed(crt, key, fp, sizeof(fp)) != 0) {
		fprintf(stderr,
		    "cishan-server: no certificate made (see "
		    "above; an existing one is kept)\n");
		return 1;
	}
	printf("certificate %s, key %s\nsha256 fingerprint %s\n", crt, key, fp);
	return 0;
}

static int
main_init(struct opts *o)
{
	struct fault f;
	struct db *db;
	const char *env;
	char pw[256], why[1024];
	int64_t n, id;
	size_t len;

	if (o->admin == NULL && o->self_signed)
		return main_self_signed(o->db);
	if (o->admin == NULL)
		usage();
	if ((env = getenv("CISHAN_ADMIN_PASSWORD")) != NULL)
		snprintf(pw, sizeof(pw), "%s", env);
	else if (fgets(pw, sizeof(pw), stdin) == NULL) {
		fprintf(stderr, "cishan-server: no password given\n");
		return 1;
	}
	len = strcspn(pw, "\r\n");
	pw[len] = '\0';
	memset(&f, 0, sizeof(f));
	if (password_check(o->admin, pw, "password", &f) != 0) {
		fprintf(stderr, "cishan-server: the administrator's %s\n",
		    f.message);
		return 1;
	}
	if (access(o->db, F_OK) == 0) {
		fprintf(stderr,
		    "cishan-server: %s exists; init makes a new "
		    "store\n",
		    o->db);
		return 1;
	}
	if (main_keyfile(o->db, 1) != 0)
		return 1;
	db = main_open(o->db, MAIN_CREATE | MAIN_MIGRATE | MAIN_WRITE);
	if (storage_key_load(db, o->db, 1, why, sizeof(why)) != 0)
		main_refuse(db, why);
	if (db_user_count(db, &n) != DB_OK || n > 0) {
		fprintf(stderr, "cishan-server: %s already has users\n", o->db);
		db_close(db);
		return 1;
	}
	memset(&f, 0, sizeof(f));
	if (auth_user_create(
	        db, NULL, o->admin, pw, o->admin, ROLE_ADMIN, &id, &f) != 0) {
		if (f.message[0] != '\0')
			fprintf(stderr, "cishan-server: %s\n", f.message);
		db_close(db);
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	db_close(db);
	printf("initialised %s with administrator %s\n", o->db, o->admin);
	return o->self_signed ? main_self_signed(o->db) : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct db *db;
	const char *cmd;
	char why[1024] = "";
	int rc = 0, n;

	if (argc < 2)
		usage();
	cmd = argv[1];
	parse(argc - 1, argv + 1, &o);
	signal(SIGPIPE, SIG_IGN);
	/* The database holds names and phones: readable by its owner only. */
	umask(077);
	if (auth_init() != 0)
		log_fatalx("libsodium failed to initialise");
	clock_init("Asia/Shanghai");

	if (strcmp(cmd, "init") == 0)
		return main_init(&o);
	if (strcmp(cmd, "serve") == 0) {
		db = main_open(o.db, MAIN_MIGRATE | MAIN_KEY | MAIN_WRITE);
		/* Without the thread, sqlite checkpoints in the commits. */
		db_wal_start(db, o.db, o.ckpt_pages);
		db_wal_reserve(db, o.db, o.reserve_mib);
		if (store_fix(db, o.store_name, o.public_address, why,
		        sizeof(why)) != 0) {
			fprintf(stderr, "cishan-server: %s\n", why);
			db_wal_stop(db);
			db_close(db);
			return 2;
		}
		notice_serve(db);
		o.http.listen = o.listen;
		o.http.auto_grant = o.auto_grant;
		rc = http_serve(db, &o.http) == 0 ? 0 : 1;
		db_wal_stop(db);
		db_close(db);
		return rc;
	}
	if (strcmp(cmd, "demo") == 0) {
		/* A new store takes the key made for it. */
		n = access(o.db, F_OK) != 0;
		db = main_open(o.db, MAIN_CREATE | MAIN_MIGRATE | MAIN_WRITE);
		if (main_keyfile(o.db, 0) != 0 ||
		    storage_key_load(db, o.db, n, why, sizeof(why)) != 0)
			main_refuse(db, why[0] != '\0' ? why : "no key file");
		rc = demo_populate(db) == 0 ? 0 : 1;
		db_close(db);
		return rc;
	}
	if (strcmp(cmd, "backup") == 0 && o.into != NULL) {
		if (o.to != NULL)
			usage();
		db = main_open(o.db, MAIN_KEY);
		rc = backup_into(db, o.db, o.into, o.keep_daily, o.keep_weekly);
		db_close(db);
		return rc == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "restore") == 0) {
		if (o.from == NULL)
			usage();
		return restore_run(o.from, o.db, o.key, o.force) == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "backup") == 0) {
		if (o.to == NULL)
			usage();
		if (access(o.to, F_OK) == 0) {
			fprintf(stderr,
			    "cishan-server: %s exists; not "
			    "overwriting it\n",
			    o.to);
			return 1;
		}
		db = main_open(o.db, MAIN_KEY);
		rc = db_backup(db, o.to) == DB_OK ? 0 : 1;
		db_close(db);
		if (rc == 0)
			printf("backed up %s to %s\n", o.db, o.to);
		return rc;
	}
	if (strcmp(cmd, "verify") == 0) {
		db = main_open(o.db, MAIN_KEY);
		n = verify_run(db, o.quiet);
		db_close(db);
		if (n < 0)
			printf("verify: the checks could not run (see the "
			       "messages above)\n");
		return n == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "adopt-key") == 0) {
		/* A store made before fingerprints: its key file is its own. */
		db = main_open(o.db, MAIN_WRITE);
		if (storage_key_load(db, o.db, 1, why, sizeof(why)) != 0)
			main_refuse(db, why);
		db_close(db);
		printf("%s: the key file %s.key is the store's\n", o.db, o.db);
		return 0;
	}
	usage();
	return 2;
}
