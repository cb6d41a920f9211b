/*
 * TLS: the server's certificate and key (serve --tls-cert, --tls-key),
 * each connection's bufferevent on OpenSSL (accepting), and the store's
 * own self-signed certificate (init --self-signed), whose SHA-256
 * fingerprint a till pins.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "http_int.h"

#define HTTP_TLS_DAYS 3650 /* the self-signed certificate's life */

struct http_tls {
	SSL_CTX *ctx;
};

static void
http_tls_errors(const char *what)
{
	unsigned long e;
	char buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_warnx("%s: %s", what, buf);
	}
}

/* Loads cert (a PEM chain) and key; -1 (logged) if they do not do. */
int
http_tls_start(struct server *srv, const char *cert, const char *key)
{
	struct http_tls *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		log_fatalx("out of memory");
	if ((t->ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) != 1)
		goto fail;
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(t->ctx, cert) != 1) {
		log_warnx("--tls-cert %s: not a PEM certificate", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(t->ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(t->ctx) != 1) {
		log_warnx("--tls-key %s: not the certificate's PEM key", key);
		goto fail;
	}
	srv->tls = t;
	return 0;
fail:
	http_tls_errors("tls");
	SSL_CTX_free(t->ctx);
	free(t);
	return -1;
}

void
http_tls_stop(struct server *srv)
{
	if (srv->tls == NULL)
		return;
	SSL_CTX_free(srv->tls->ctx);
	free(srv->tls);
	srv->tls = NULL;
}

/* A new connection's bufferevent: TLS, the handshake as the server. */
struct bufferevent *
http_tls_bev(struct server *srv, struct event_base *base)
{
	SSL *ssl;

	if ((ssl = SSL_new(srv->tls->ctx)) == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(
	    base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

/* The SHA-256 fingerprint of x as "AB:CD:...". */
static void
http_tls_fingerprint(X509 *x, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	size_t o = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) != 1)
		return;
	for (i = 0; i < n && o + 3 < size; i++)
		o += (size_t)snprintf(
		    out + o, size - o, "%s%02X", i ? ":" : "", md[i]);
}

/* Writes what PEM_write does into path, made new with mode. */
static int
http_tls_write(const char *path, mode_t mode, X509 *x, EVP_PKEY *k)
{
	FILE *f;
	int fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0) {
		log_warn("%s", path);
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	ok = x != NULL ? PEM_write_X509(f, x)
	               : PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0 || ok != 1) {
		log_warnx("%s: could not write it", path);
		return -1;
	}
	return 0;
}

static int
http_tls_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok == 1 ? 0 : -1;
}

/*
 * init --self-signed: an EC P-256 key (cert_path's ".key", mode 0600)
 * and a certificate for it, good for HTTP_TLS_DAYS, naming localhost
 * and 127.0.0.1 (a till pins its fingerprint, so other names need not
 * be in it). The fingerprint goes into fp.
 */
int
http_tls_self_signed(
    const char *cert_path, const char *key_path, char *fp, size_t fpsize)
{
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int rc = -1;

	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (x = X509_new()) == NULL || X509_set_version(x, 2) != 1 ||
	    RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	        (long)HTTP_TLS_DAYS * 24 * 3600) == NULL ||
	    X509_set_pubkey(x, k) != 1)
		goto out;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	        (const unsigned char *)"cishan store", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    http_tls_ext(x, NID_subject_alt_name,
	        "DNS:localhost,IP:127.0.0.1,IP:::1") != 0 ||
	    http_tls_ext(x, NID_basic_constraints, "critical,CA:TRUE") != 0 ||
	    X509_sign(x, k, EVP_sha256()) == 0)
		goto out;
	if (http_tls_write(key_path, 0600, NULL, k) != 0)
		goto out;
	if (http_tls_write(cert_path, 0644, x, NULL) != 0) {
		unlink(key_path);
		goto out;
	}
	http_tls_fingerprint(x, fp, fpsize);
	rc = 0;
out:
	if (rc != 0)
		http_tls_errors("init --self-signed");
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}
