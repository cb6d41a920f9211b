/*
 * tls.c: the till's side of https.  The server is verified either
 * against a CA file (--ca-file, the name in the URL checked too) or by
 * the SHA-256 fingerprint of its certificate (--server-fingerprint, as
 * `cishan-server init --self-signed` prints it); with neither, against
 * the system's CAs.  A server that fails the check is not spoken to: the
 * handshake fails, which the till sees as the server unreachable.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pos.h"

struct tls {
	SSL_CTX *ctx;
	unsigned char pin[32]; /* the pinned SHA-256, if pinned */
	int pinned;
	int ex; /* SSL_CTX ex_data index of this struct */
};

static int tls_ex_index = -1;

/* "AB:CD:..." or "abcd..." (64 hex digits, colons optional) into out. */
static int
tls_parse_fingerprint(const char *s, unsigned char *out)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = isdigit((unsigned char)*s)
		    ? *s - '0'
		    : tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == 32)
			return -1;
		out[n++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	return n == 32 && hi < 0 ? 0 : -1;
}

/* Pinned: the chain is not asked about, only the server's own
 * certificate, whose fingerprint must be the pinned one. */
static int
tls_verify_pin(int preverify, X509_STORE_CTX *x)
{
	SSL *ssl =
	    X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls *t = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), tls_ex_index);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	X509 *cert = X509_STORE_CTX_get_current_cert(x);

	(void)preverify;
	if (X509_STORE_CTX_get_error_depth(x) > 0)
		return 1;
	if (t == NULL || cert == NULL ||
	    X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32)
		return 0;
	return CRYPTO_memcmp(md, t->pin, 32) == 0;
}

struct tls *
tls_new(const char *ca_file, const char *fingerprint, char *err, size_t errsz)
{
	struct tls *t;

	if (ca_file != NULL && fingerprint != NULL) {
		snprintf(
		    err, errsz, "--ca-file or --server-fingerprint, not both");
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (tls_ex_index < 0)
		tls_ex_index =
		    SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_ex_data(t->ctx, tls_ex_index, t) != 1) {
		snprintf(err, errsz, "TLS: cannot set up");
		goto fail;
	}
	if (fingerprint != NULL) {
		if (tls_parse_fingerprint(fingerprint, t->pin) != 0) {
			snprintf(err, errsz,
			    "--server-fingerprint wants the 64 hex digits of "
			    "a SHA-256 (AB:CD:...)");
			goto fail;
		}
		t->pinned = 1;
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, tls_verify_pin);
		return t;
	}
	if (ca_file != NULL
	        ? SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL) != 1
	        : SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		snprintf(err, errsz, "--ca-file %s: no certificates in it",
		    ca_file != NULL ? ca_file : "(system)");
		goto fail;
	}
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	return t;
fail:
	tls_free(t);
	return NULL;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* A connection's SSL, for host: its name is sent, and checked against
 * the certificate unless the certificate is pinned. */
SSL *
tls_ssl(struct tls *t, const char *host)
{
	unsigned char ip[16];
	SSL *ssl;
	int is_ip;

	if ((ssl = SSL_new(t->ctx)) == NULL)
		return NULL;
	is_ip = inet_pton(AF_INET, host, ip) == 1 ||
	    inet_pton(AF_INET6, host, ip) == 1;
	if (!is_ip)
		SSL_set_tlsext_host_name(ssl, host);
	if (!t->pinned &&
	    (is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
	           : SSL_set1_host(ssl, host)) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}
