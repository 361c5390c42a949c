/* vo-sip-tls.h: what SIP over TLS needs besides Sofia: its certificate folder
 * and a check that says *why* a server's certificate is refused.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Debian's bundle of the system's trusted CAs (package ca-certificates). */
#define VO_SIP_TLS_SYSTEM_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/* Makes a private (0700) folder under $XDG_RUNTIME_DIR holding cafile.pem, a
 * copy of @ca_file, for Sofia's TPTAG_CERTIFICATE. Returns its path. */
char *vo_sip_tls_make_dir (const char *ca_file, GError **error);
/* Removes what vo_sip_tls_make_dir() made. */
void vo_sip_tls_remove_dir (const char *dir);

typedef enum {
  VO_SIP_TLS_CHECK_OK,             /* handshake done, certificate good for the host */
  VO_SIP_TLS_CHECK_UNREACHABLE,    /* no TLS connection (refused, timeout, not TLS) */
  VO_SIP_TLS_CHECK_BAD_CERTIFICATE /* the certificate was refused: see the message */
} VoSipTlsCheck;

/* Connects to @host:@port with TLS, verifying the server's certificate against
 * @ca_file and @host as Sofia does, and tells which problem it has. */
void vo_sip_tls_check_async (const char *host, guint16 port, const char *ca_file,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
/* @message: a sentence for people unless the result is OK; free it. */
VoSipTlsCheck vo_sip_tls_check_finish (GAsyncResult *result, char **message);

G_END_DECLS
