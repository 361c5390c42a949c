/* vo-sip-stack.h: Sofia-SIP's user agent on the GLib main loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>


G_BEGIN_DECLS

#define VO_TYPE_SIP_STACK (vo_sip_stack_get_type ())
G_DECLARE_FINAL_TYPE (VoSipStack, vo_sip_stack, VO, SIP_STACK, GObject)

/* Creates the stack with UDP and TCP transports on @bind_host ("" or "*" for
 * every address), ephemeral ports. Everything runs on the default main context. */
/* @ca_file: the CAs TLS servers are verified against, NULL for the system's. */
VoSipStack *vo_sip_stack_new (const char *bind_host, const char *ca_file, GError **error);

/* The nua_t *; typed as a pointer so this header stays free of Sofia's. */
gpointer vo_sip_stack_get_nua (VoSipStack *self);
gboolean vo_sip_stack_has_tls (VoSipStack *self);
/* Why there is no TLS (a sentence for people), or NULL. */
const char *vo_sip_stack_get_tls_error (VoSipStack *self);
/* The PEM file of CAs that TLS servers are verified against. */
const char *vo_sip_stack_get_ca_file (VoSipStack *self);
/* From now on vo_sip_stack_get_nua() is the TLS-only user agent (for a TLS
 * account) or the UDP/TCP one. */
void vo_sip_stack_use_tls (VoSipStack *self, gboolean tls);

/* The account's identity for every request (From, Contact user) and the
 * credentials to answer digest challenges to INVITE, REFER and the like. */
void vo_sip_stack_set_identity (VoSipStack *self, const char *from, const char *user,
                                const char *display_name, const char *password);
void vo_sip_stack_clear_identity (VoSipStack *self);
const char *vo_sip_stack_get_auth_user (VoSipStack *self);
const char *vo_sip_stack_get_auth_password (VoSipStack *self);

/* Answers the digest challenge in @sip (a 401/407 response, a sip_t *) on the
 * nua handle @nh with @user and @password. FALSE when there is no usable
 * challenge. Callers count their attempts: a wrong password is answered with
 * a fresh challenge. */
gboolean vo_sip_authenticate (gpointer nh, gconstpointer sip, const char *user,
                              const char *password);
/* The same for a request whose earlier answer the server challenged again
 * (a new nonce, no stale=true) though the password is known to be right. */
gboolean vo_sip_authenticate_again (gpointer nh, gconstpointer sip, const char *user,
                                    const char *password);
/* The same with the account's credentials (vo_sip_stack_set_identity). */
gboolean vo_sip_stack_authenticate (VoSipStack *self, gpointer nh, gconstpointer sip);

/* Requests that would reach the user (INVITE, MESSAGE, NOTIFY, SUBSCRIBE,
 * REFER, INFO) are taken only from the account's registrar and proxy and
 * from the [sip] trusted-sources list (see vo-sip-trust.h); others are
 * answered 403 or dropped. */
gboolean vo_sip_stack_set_trusted_sources (VoSipStack *self, const char *list, GError **error);
void vo_sip_stack_set_servers (VoSipStack *self, const char *registrar, const char *proxy);

/* Whether the media side can take the SDP offer @sdp (@len bytes, not
 * NUL-terminated) of an incoming INVITE; FALSE with an error saying why.
 * Asked only when an INVITE with SDP arrives: a FALSE is answered 488
 * before ringing. Set by whoever owns the media side, so that sip/ stays
 * free of it and reads no SDP. */
typedef gboolean (*VoSipOfferCheck) (const char *sdp, gsize len, GError **error);
void vo_sip_stack_set_offer_check (VoSipStack *self, VoSipOfferCheck check);

/* Wipes a secret string before freeing it. */
void vo_sip_secret_free (char *secret);

/* Signal "incoming-call" (VoSipCall *call) → gboolean: a new INVITE, as an
 * unanswered incoming call; a handler that keeps it (or refuses it with
 * vo_sip_call_refuse) returns TRUE. Untaken INVITEs are answered 480. */

/* Signal "message-received" (const VoSipIncomingMessage *) → int: a MESSAGE
 * outside any dialog, opened (vo-sip-message-incoming.c); the one handler
 * returns a VoSipIncomingResult, which sip/ answers with a status. Without a
 * handler the sender hears 480. */

/* nua_shutdown, then waits for nua_r_shutdown (bounded), then nua_destroy. */
void vo_sip_stack_shutdown_async (VoSipStack *self, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean vo_sip_stack_shutdown_finish (VoSipStack *self, GAsyncResult *result,
                                       GError **error);

G_END_DECLS
