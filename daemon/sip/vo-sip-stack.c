/* vo-sip-stack.c: owns su_root and nua; single-threaded on the GLib loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "config.h"
#include "vo-sip-stack.h"
#include "vo-sip-call-private.h"
#include "vo-sip-message-incoming.h"
#include "vo-sip-nua.h"
#include "vo-sip-trust.h"
#include "vo-sip-tls.h"
#include "vo-error.h"

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/tport_tag.h>
#include <stdio.h>
#include <string.h>

/* How long shutdown waits for the stack to finish its transactions. */
#define SHUTDOWN_TIMEOUT_S 5

struct _VoSipStack {
  GObject parent_instance;
  su_home_t home[1];
  su_root_t *root;
  /* Two user agents: UDP/TCP, and TLS only. The account's transport picks
   * one: a TLS account's requests must not fall back to UDP, and Sofia
   * derives default Contacts from all of a nua's transports (a sips:
   * Contact for a UDP account broke its presence and messages). */
  nua_t *nua;        /* the account's: nua_plain or nua_tls */
  nua_t *nua_plain;
  nua_t *nua_tls;
  guint shutdowns_pending;
  char *tls_error;   /* why there is no TLS, for SignIn */
  char *tls_dir;     /* Sofia's certificate folder (vo-sip-tls.h) */
  char *ca_file;     /* the CAs TLS servers are verified against */
  char *tls_url;     /* where nua_tls listens, once a TLS account needs it */
  GTask *shutdown_task;
  guint shutdown_timeout_id;
  char *auth_user;
  char *auth_password;
  VoSipTrust *trust;
  VoSipOfferCheck offer_check;  /* whether media can take an incoming offer */
};

enum { SIGNAL_INCOMING_CALL, SIGNAL_MESSAGE_RECEIVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoSipStack, vo_sip_stack, G_TYPE_OBJECT)

static void
stack_log_to_glib (void *stream, char const *fmt, va_list ap)
{
  g_autofree char *line = g_strdup_vprintf (fmt, ap);

  g_strchomp (line);
  if (*line)
    g_debug ("sofia: %s", line);
}

static void
stack_destroy_nuas (VoSipStack *self)
{
  g_clear_pointer (&self->nua_plain, nua_destroy);
  g_clear_pointer (&self->nua_tls, nua_destroy);
  self->nua = NULL;
}

static void
stack_finish_shutdown (VoSipStack *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->shutdown_task);

  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  stack_destroy_nuas (self);
  if (task)
    g_task_return_boolean (task, TRUE);
}

/* An INVITE without a body offers in the ACK: SOA deals with that. */
static gboolean
stack_offer_usable (VoSipStack *self, nua_handle_t *nh, const sip_t *sip)
{
  g_autoptr(GError) error = NULL;

  if (!sip || !sip->sip_payload || !sip->sip_payload->pl_len)
    return TRUE;
  if (!self->offer_check ||
      self->offer_check (sip->sip_payload->pl_data, sip->sip_payload->pl_len, &error))
    return TRUE;
  g_message ("Incoming call refused with 488: %s", error->message);
  nua_respond (nh, SIP_488_NOT_ACCEPTABLE,
               SIPTAG_WARNING_STR ("305 vo-daemon \"Incompatible media format\""),
               TAG_END ());
  nua_handle_destroy (nh);
  return FALSE;
}

/* Requests that arrive outside any dialog the daemon knows of. */
static void
stack_handle_orphan (VoSipStack *self, nua_t *nua, nua_event_t event, nua_handle_t *nh,
                     const sip_t *sip)
{
  gboolean taken = FALSE;

  /* A new request on the transports the account does not use (e.g. UDP
   * while it is signed in over TLS): nobody is there for it. */
  if (nua != self->nua) {
    if (event == nua_i_invite || event == nua_i_message || event == nua_i_refer)
      nua_respond (nh, SIP_480_TEMPORARILY_UNAVAILABLE, NUTAG_WITH_THIS (nua), TAG_END ());
    nua_handle_destroy (nh);
    return;
  }

  switch (event) {
  case nua_i_invite:
    /* An offer we could not answer with audio is refused before it rings
     * (RFC 3264 §6): otherwise it would become a call with no sound. */
    if (!stack_offer_usable (self, nh, sip))
      break;
    {
      g_autoptr(VoSipCall) call = vo_sip_call_new_incoming (self, nh, sip);

      g_signal_emit (self, signals[SIGNAL_INCOMING_CALL], 0, call, &taken);
      /* Nobody to take the call (not signed in): say so instead of ringing on. */
      if (!taken)
        vo_sip_call_refuse (call, VO_SIP_REFUSAL_UNAVAILABLE);
    }
    break;
  case nua_i_message:
    /* The application answers MESSAGE (NUTAG_APPL_METHOD): only once stored. */
    vo_sip_message_receive (self, nh, sip);
    break;
  case nua_i_refer:
    /* The application answers REFER: a transfer needs a call to transfer
     * (RFC 3515 allows REFER outside a dialog; the daemon does not act on it). */
    nua_respond (nh, 403, "Transfers are accepted only within a call",
                 NUTAG_WITH_THIS (nua), TAG_END ());
    nua_handle_destroy (nh);
    break;
  case nua_i_terminated:
  case nua_i_options:
  case nua_i_subscribe:
  case nua_i_notify:
  case nua_i_info:
    nua_handle_destroy (nh);
    break;
  default:
    break;
  }
}

/* Requests whose content would act on the user: ring, store a message,
 * change presence, transfer a call, send DTMF. */
static gboolean
stack_event_needs_trust (nua_event_t event)
{
  switch (event) {
  case nua_i_invite:
  case nua_i_message:
  case nua_i_notify:
  case nua_i_subscribe:
  case nua_i_refer:
  case nua_i_info:
    return TRUE;
  default:
    return FALSE;
  }
}

/* Where the request being reported came from (the packet's source, not
 * anything the sender wrote in Via), or NULL. */
static GInetAddress *
stack_request_source (nua_t *nua)
{
  msg_t *msg = nua_current_request (nua);
  su_addrinfo_t *ai = msg ? msg_addrinfo (msg) : NULL;
  g_autoptr(GSocketAddress) address = NULL;

  if (!ai || !ai->ai_addr || ai->ai_addrlen == 0)
    return NULL;
  address = g_socket_address_new_from_native (ai->ai_addr, ai->ai_addrlen);
  if (!address || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  return g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

/* A request that did not come through the account's servers. The ones the
 * application answers (INVITE, MESSAGE, REFER) get 403; Sofia has answered the
 * others itself, and their content is dropped unseen. */
static void
stack_refuse_untrusted (VoSipStack *self, nua_t *nua, nua_event_t event, nua_handle_t *nh,
                        gboolean in_dialog, const sip_t *sip, GInetAddress *source)
{
  g_autofree char *from = source ? g_inet_address_to_string (source) : g_strdup ("unknown");

  g_debug ("Ignoring %s from %s: not the registrar or proxy ([sip] trusted-sources)",
           sip && sip->sip_request ? sip->sip_request->rq_method_name : nua_event_name (event),
           from);
  if (event == nua_i_message || event == nua_i_refer || (event == nua_i_invite && !in_dialog))
    nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (nua), TAG_END ());
  if (!in_dialog)
    nua_handle_destroy (nh);
}

static void
on_nua_event (nua_event_t event, int status, char const *phrase, nua_t *nua,
              void *magic, nua_handle_t *nh, VoSipHandleMagic *hmagic, sip_t const *sip,
              tagi_t tags[])
{
  VoSipStack *self = VO_SIP_STACK (magic);

  if (nh && stack_event_needs_trust (event)) {
    g_autoptr(GInetAddress) source = stack_request_source (nua);

    if (!vo_sip_trust_allows (self->trust, source)) {
      stack_refuse_untrusted (self, nua, event, nh, hmagic && hmagic->func, sip, source);
      return;
    }
  }

  if (hmagic && hmagic->func) {
    hmagic->func (hmagic->owner, event, status, phrase, nh, sip, tags);
    return;
  }

  switch (event) {
  case nua_r_shutdown:
    g_debug ("nua shutdown: %d %s", status, phrase);
    if (status >= 200 && self->shutdown_task && self->shutdowns_pending > 0 &&
        --self->shutdowns_pending == 0)
      stack_finish_shutdown (self);
    break;
  case nua_i_error:
    g_warning ("SIP stack error: %d %s", status, phrase);
    break;
  default:
    if (nh)
      stack_handle_orphan (self, nua, event, nh, sip);
    break;
  }
}

static void
vo_sip_stack_dispose (GObject *object)
{
  VoSipStack *self = VO_SIP_STACK (object);

  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  stack_destroy_nuas (self);
  if (self->root) {
    g_source_destroy (su_glib_root_gsource (self->root));
    su_root_destroy (self->root);
    self->root = NULL;
    su_home_deinit (self->home);
    su_deinit ();
  }
  G_OBJECT_CLASS (vo_sip_stack_parent_class)->dispose (object);
}

void
vo_sip_secret_free (char *secret)
{
  if (secret) {
    explicit_bzero (secret, strlen (secret));
    g_free (secret);
  }
}

static void
vo_sip_stack_finalize (GObject *object)
{
  VoSipStack *self = VO_SIP_STACK (object);

  g_free (self->auth_user);
  vo_sip_secret_free (self->auth_password);
  g_clear_object (&self->trust);
  vo_sip_tls_remove_dir (self->tls_dir);
  g_free (self->tls_dir);
  g_free (self->ca_file);
  g_free (self->tls_url);
  g_free (self->tls_error);
  G_OBJECT_CLASS (vo_sip_stack_parent_class)->finalize (object);
}

static void
vo_sip_stack_class_init (VoSipStackClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_sip_stack_dispose;
  G_OBJECT_CLASS (klass)->finalize = vo_sip_stack_finalize;

  signals[SIGNAL_INCOMING_CALL] = g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0,
                                                g_signal_accumulator_true_handled, NULL, NULL,
                                                G_TYPE_BOOLEAN, 1, VO_TYPE_SIP_CALL);
  signals[SIGNAL_MESSAGE_RECEIVED] = g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0,
                                                   g_signal_accumulator_first_wins, NULL, NULL,
                                                   G_TYPE_INT, 1, G_TYPE_POINTER);
}

static void
vo_sip_stack_init (VoSipStack *self)
{
  self->trust = vo_sip_trust_new ();
}

/* From level 5 on, Sofia's digest code (iptsec) logs the password and the
 * HA1 (as good as the password to a registrar) of every answer it computes. */
#define SOFIA_IPTSEC_MAX_LEVEL 4

static void
stack_route_sofia_logs (void)
{
  extern su_log_t nua_log[], nta_log[], tport_log[], iptsec_log[], su_log_default[];
  su_log_t *logs[] = { su_log_default, nua_log, nta_log, tport_log, iptsec_log };
  const char *env = g_getenv ("VO_SOFIA_DEBUG");
  unsigned level = env ? (unsigned) CLAMP (atoi (env), 0, 9) : 0;

  for (guint i = 0; i < G_N_ELEMENTS (logs); i++) {
    su_log_redirect (logs[i], stack_log_to_glib, NULL);
    /* iptsec set explicitly, or it would follow su_log_default's level. */
    su_log_set_level (logs[i], logs[i] == iptsec_log ? MIN (level, SOFIA_IPTSEC_MAX_LEVEL)
                                                     : level);
  }
}

static nua_t *
stack_create_nua (VoSipStack *self, const char *url, gboolean tls)
{
  return nua_create (self->root, on_nua_event, self,
                     /* A sips: URL: TLS only (NUTAG_URL with ;transport=tls
                      * fails in 1.12.11). */
                     NUTAG_URL (url),
                     TAG_IF (tls, TPTAG_CERTIFICATE (self->tls_dir)),
                     /* Verify the server's chain, dates, and its name against
                      * the host connected to (tport_tls.c checks tp_canon). */
                     TAG_IF (tls, TPTAG_TLS_VERIFY_POLICY (TPTLS_VERIFY_SUBJECTS_OUT)),
                     TAG_IF (tls, TPTAG_TLS_VERIFY_DATE (1)),
                     TAG_IF (tls, TPTAG_TLS_VERIFY_DEPTH (9)),
                     NUTAG_USER_AGENT ("vo-daemon/" PACKAGE_VERSION),
                     NUTAG_ENABLEMESSAGE (1),
                     /* INFO carries DTMF from peers without telephone-event. */
                     NUTAG_ALLOW ("INFO"),
                     NUTAG_APPL_METHOD ("MESSAGE"),
                     /* Answered by the call (202) or refused outside one. */
                     NUTAG_APPL_METHOD ("REFER"),
                     TAG_END ());
}

/* The CA file TLS servers are checked against and Sofia's folder with it
 * (which also limits OpenSSL to TLS 1.2: before anything in the process
 * initialises OpenSSL); the TLS user agent itself comes with the first TLS
 * account (stack_ensure_tls): it loads every CA, which costs start-up time
 * and memory a UDP/TCP account never needs. On failure @self->tls_error
 * says why there is no TLS. */
static void
stack_prepare_tls (VoSipStack *self, const char *host, gboolean v6, const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  gboolean configured = ca_file && *ca_file;

  self->ca_file = g_strdup (configured ? ca_file : VO_SIP_TLS_SYSTEM_CA_FILE);
  self->tls_dir = vo_sip_tls_make_dir (self->ca_file, &error);
  if (!self->tls_dir) {
    self->tls_error = configured
      ? g_strdup_printf ("SIP over TLS is not available: [sip] ca-file %s cannot be read (%s); "
                         "fix it in vo.conf and restart vo-daemon", self->ca_file,
                         error->message)
      : g_strdup_printf ("SIP over TLS is not available: the system's CA list %s cannot be "
                         "read (%s); install ca-certificates or set [sip] ca-file in vo.conf",
                         self->ca_file, error->message);
    g_warning ("%s", self->tls_error);
    return;
  }
  self->tls_url = g_strdup_printf (v6 ? "sips:[%s]:*" : "sips:%s:*", host);
}

static gboolean
stack_ensure_tls (VoSipStack *self)
{
  if (self->nua_tls || self->tls_error)
    return self->nua_tls != NULL;
  self->nua_tls = stack_create_nua (self, self->tls_url, TRUE);
  if (!self->nua_tls) {
    self->tls_error = g_strdup_printf ("SIP over TLS is not available: Sofia-SIP could not "
                                       "open a TLS transport on %s", self->tls_url);
    g_warning ("%s", self->tls_error);
  }
  return self->nua_tls != NULL;
}

VoSipStack *
vo_sip_stack_new (const char *bind_host, const char *ca_file, GError **error)
{
  g_autoptr(VoSipStack) self = g_object_new (VO_TYPE_SIP_STACK, NULL);
  g_autofree char *url = NULL;
  const char *host = (bind_host && *bind_host) ? bind_host : "*";
  gboolean v6 = strchr (host, ':') != NULL;

  if (su_init () != 0) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot initialise Sofia-SIP");
    return NULL;
  }
  su_home_init (self->home);
  stack_route_sofia_logs ();

  self->root = su_glib_root_create (self);
  if (!self->root) {
    su_home_deinit (self->home);
    su_deinit ();
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create the SIP event loop");
    return NULL;
  }
  /* Every nua call and callback on this (the main) thread. */
  su_root_threading (self->root, 0);
  g_source_attach (su_glib_root_gsource (self->root), NULL);

  url = g_strdup_printf (v6 ? "sip:[%s]:*" : "sip:%s:*", host);
  self->nua_plain = stack_create_nua (self, url, FALSE);
  if (!self->nua_plain) {
    g_set_error (error, VO_ERROR, VO_ERROR_NETWORK,
                 "Cannot open SIP transports on %s; check the [sip] bind address in vo.conf",
                 host);
    return NULL;
  }
  self->nua = self->nua_plain;
  stack_prepare_tls (self, host, v6, ca_file);
  return g_steal_pointer (&self);
}

gpointer
vo_sip_stack_get_nua (VoSipStack *self)
{
  g_return_val_if_fail (VO_IS_SIP_STACK (self), NULL);
  return self->nua;
}

void
vo_sip_stack_set_identity (VoSipStack *self, const char *from, const char *user,
                           const char *display_name, const char *password)
{
  g_free (self->auth_user);
  self->auth_user = g_strdup (user);
  vo_sip_secret_free (self->auth_password);
  self->auth_password = g_strdup (password);
  nua_set_params (self->nua,
                  SIPTAG_FROM_STR (from),
                  NUTAG_M_USERNAME (user),
                  NUTAG_M_DISPLAY (display_name),
                  TAG_END ());
}

void
vo_sip_stack_clear_identity (VoSipStack *self)
{
  g_clear_pointer (&self->auth_user, g_free);
  g_clear_pointer (&self->auth_password, vo_sip_secret_free);
}

const char *
vo_sip_stack_get_auth_user (VoSipStack *self)
{
  return self->auth_user;
}

const char *
vo_sip_stack_get_auth_password (VoSipStack *self)
{
  return self->auth_password;
}

static gboolean
stack_authenticate (gpointer nh, gconstpointer sip_ptr, const char *user, const char *password,
                    gboolean again)
{
  const sip_t *sip = sip_ptr;
  const msg_auth_t *au;
  const char *realm;
  char *auth, *reset = NULL;

  if (!sip || !user || !password)
    return FALSE;
  au = sip->sip_proxy_authenticate ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
  realm = au && au->au_scheme ? msg_params_find (au->au_params, "realm=") : NULL;
  if (!realm)
    return FALSE;
  /* Sofia's format: scheme:"realm":user:password (realm keeps its quotes). */
  auth = g_strdup_printf ("%s:%s:%s:%s", au->au_scheme, realm, user, password);
  /* Sofia drops its credentials on a challenge without stale=true and then
   * takes the same ones again as "no matching challenge" (904): first give
   * it other ones, so the real ones count as new. */
  if (again)
    reset = g_strdup_printf ("%s:%s:%s:", au->au_scheme, realm, user);
  nua_authenticate (nh, TAG_IF (reset, NUTAG_AUTH (reset)), NUTAG_AUTH (auth), TAG_END ());
  vo_sip_secret_free (auth);
  g_free (reset);
  return TRUE;
}

gboolean
vo_sip_authenticate (gpointer nh, gconstpointer sip, const char *user, const char *password)
{
  return stack_authenticate (nh, sip, user, password, FALSE);
}

gboolean
vo_sip_authenticate_again (gpointer nh, gconstpointer sip, const char *user,
                           const char *password)
{
  return stack_authenticate (nh, sip, user, password, TRUE);
}

gboolean
vo_sip_stack_authenticate (VoSipStack *self, gpointer nh, gconstpointer sip)
{
  return vo_sip_authenticate (nh, sip, self->auth_user, self->auth_password);
}

gboolean
vo_sip_stack_set_trusted_sources (VoSipStack *self, const char *list, GError **error)
{
  return vo_sip_trust_set_sources (self->trust, list, error);
}

void
vo_sip_stack_set_offer_check (VoSipStack *self, VoSipOfferCheck check)
{
  g_return_if_fail (VO_IS_SIP_STACK (self));
  self->offer_check = check;
}

void
vo_sip_stack_set_servers (VoSipStack *self, const char *registrar, const char *proxy)
{
  vo_sip_trust_set_servers (self->trust, registrar, proxy);
}

gboolean
vo_sip_stack_has_tls (VoSipStack *self)
{
  return !self->shutdown_task && stack_ensure_tls (self);
}

void
vo_sip_stack_use_tls (VoSipStack *self, gboolean tls)
{
  nua_t *nua = tls && self->nua_tls ? self->nua_tls : self->nua_plain;

  if (nua == self->nua || self->shutdown_task)
    return;
  g_debug ("The account's requests go over %s", tls ? "TLS" : "UDP/TCP");
  self->nua = nua;
}

const char *
vo_sip_stack_get_tls_error (VoSipStack *self)
{
  return self->tls_error;
}

const char *
vo_sip_stack_get_ca_file (VoSipStack *self)
{
  return self->ca_file;
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  VoSipStack *self = user_data;

  self->shutdown_timeout_id = 0;
  g_warning ("SIP stack did not finish shutting down in %d s; destroying it", SHUTDOWN_TIMEOUT_S);
  stack_finish_shutdown (self);
  return G_SOURCE_REMOVE;
}

void
vo_sip_stack_shutdown_async (VoSipStack *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_sip_stack_shutdown_async);
  if (!self->nua_plain || self->shutdown_task) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  self->shutdown_task = task;
  self->shutdown_timeout_id = g_timeout_add_seconds (SHUTDOWN_TIMEOUT_S, on_shutdown_timeout,
                                                     self);
  self->shutdowns_pending = self->nua_tls ? 2 : 1;
  nua_shutdown (self->nua_plain);
  if (self->nua_tls)
    nua_shutdown (self->nua_tls);
}

gboolean
vo_sip_stack_shutdown_finish (VoSipStack *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
