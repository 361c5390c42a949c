/* vo-tls-problem.h: why a TLS certificate was refused, in one sentence a
 * person can act on — the same words for the SIP server (sip/vo-sip-tls.c)
 * and the Virtual Office service (service/vo-service-problem.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whose certificate it is, in the sentences' words. */
typedef struct {
  const char *whose;      /* "The server's" */
  const char *owner;      /* "server": "the server's administrator" */
  const char *ca_key;     /* "[sip] ca-file" */
  const char *right_name; /* what to do about a wrong name, e.g. "sign in with the
                           * registrar's name as its certificate gives it" */
} VoTlsParty;

/* The most telling of @errors first: unknown CA (pointing at @ca_file when
 * one is configured, else at the party's ca_key), wrong name (listing the
 * names @peer was issued for), expired or not yet valid (with the date),
 * revoked, insecure. @host is the name that was checked (no port); @peer
 * may be NULL. */
char *vo_tls_problem_describe (const VoTlsParty *party, GTlsCertificateFlags errors,
                               GTlsCertificate *peer, const char *host, const char *ca_file);

/* The CN of @certificate's subject, or NULL. */
char *vo_tls_certificate_cn (GTlsCertificate *certificate);

G_END_DECLS
