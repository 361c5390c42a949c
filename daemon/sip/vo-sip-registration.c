/* vo-sip-registration.c: REGISTER with digest auth, refresh, keep-alive and retry.
 *
 * Sofia refreshes a successful registration by itself and answers later
 * challenges from its credential cache; this object adds what Sofia leaves to
 * the application: the first credentials, telling a refused password from an
 * unreachable server, and a fresh attempt with capped backoff after failure.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-registration.h"
#include "vo-sip-nua.h"
#include "vo-sip-tls.h"
#include "vo-sip-uri.h"

#include <sofia-sip/url.h>
#include <stdlib.h>
#include <string.h>

/* A wrong password is answered with a fresh challenge: answer one challenge per
 * request; Sofia answers later ones (stale nonces, refreshes) from its cache. */
#define MAX_AUTH_ATTEMPTS 1
/* The un-REGISTER follows a REGISTER the password passed, so every fresh
 * challenge to it is answered: registrars that take each nonce once (or
 * challenge without qop, so Sofia cannot re-use its cached answer) challenge
 * it again and again. Bounded, as a registrar may also refuse for ever. */
#define MAX_UNREGISTER_AUTH_ATTEMPTS 6
/* How long SignOut and shutdown wait for the registrar to drop the contact. */
#define UNREGISTER_TIMEOUT_MS 5000

struct _VoSipRegistration {
  GObject parent_instance;

  VoSipStack *stack;
  VoSipHandleMagic magic;
  nua_handle_t *nh;

  char *user;
  char *domain;
  char *aor;
  char *from;
  char *registrar;
  char *proxy;
  char *contact_display; /* the display name for Contact, or NULL: see contact_display_for */
  char *password;
  char *expires;
  guint retry_max_s;

  VoRegistration state;
  VoSipFailure failure;
  char *error;
  guint auth_attempts;
  guint backoff_s;
  guint retry_id;

  GTask *stop_task;
  guint stop_timeout_id;

  guint keepalive_s;
  guint keepalive_id;
  VoSipHandleMagic ping_magic;
  nua_handle_t *ping_nh;
  gboolean ping_auth_tried;

  /* TLS (a sips: registrar): the server's certificate is checked with GIO
   * before REGISTER goes out, so a bad one is named (vo-sip-tls.c). */
  gboolean tls;
  gboolean tls_checked;
  GCancellable *tls_check;
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoSipRegistration, vo_sip_registration, G_TYPE_OBJECT)

static void registration_send (VoSipRegistration *self);
static void registration_schedule_ping (VoSipRegistration *self);
static void registration_stop_ping (VoSipRegistration *self);

static void
registration_set_state (VoSipRegistration *self, VoRegistration state,
                        VoSipFailure failure, const char *error)
{
  if (self->state == state && self->failure == failure && g_strcmp0 (self->error, error) == 0)
    return;
  char *old_error = self->error;

  self->state = state;
  self->failure = failure;
  self->error = g_strdup (error ? error : "");
  g_free (old_error);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
registration_drop_handle (VoSipRegistration *self)
{
  if (self->nh) {
    nua_handle_destroy (self->nh);
    self->nh = NULL;
  }
}

static gboolean
on_retry (gpointer user_data)
{
  VoSipRegistration *self = user_data;

  self->retry_id = 0;
  registration_send (self);
  return G_SOURCE_REMOVE;
}

static void
registration_schedule_retry (VoSipRegistration *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->backoff_s = self->backoff_s ? MIN (self->backoff_s * 2, self->retry_max_s) : 1;
  g_debug ("Retrying REGISTER for %s in %u s", self->aor, self->backoff_s);
  self->retry_id = g_timeout_add_seconds (self->backoff_s, on_retry, self);
}

static gboolean
registration_try_auth (VoSipRegistration *self, const sip_t *sip)
{
  if (self->auth_attempts >= MAX_AUTH_ATTEMPTS ||
      !vo_sip_authenticate (self->nh, sip, self->user, self->password))
    return FALSE;
  self->auth_attempts++;
  return TRUE;
}

static gboolean
status_is_network_failure (int status)
{
  /* 408 timeout, 503 from Sofia's transport layer, 9xx Sofia-internal. */
  return status == 408 || status == 503 || status >= 900 || status < 100;
}

static void
registration_on_register (VoSipRegistration *self, int status, const char *phrase,
                          const sip_t *sip)
{
  g_autofree char *message = NULL;

  if (status < 200)
    return;

  if (status < 300) {
    g_debug ("Registered %s (%d %s)", self->aor, status, phrase);
    self->auth_attempts = 0;
    self->backoff_s = 0;
    registration_set_state (self, VO_REGISTRATION_REGISTERED, VO_SIP_FAILURE_NONE, NULL);
    registration_schedule_ping (self);
    return;
  }

  if ((status == 401 || status == 407) && registration_try_auth (self, sip))
    return;

  registration_stop_ping (self);
  registration_drop_handle (self);

  /* 904 "no matching challenge": Sofia refused to answer a new challenge with
   * the credentials it has already tried, i.e. they were wrong. */
  if (status == 401 || status == 407 || status == 403 ||
      (status == 904 && self->auth_attempts > 0)) {
    self->auth_attempts = 0;
    message = g_strdup_printf ("The registrar refused the password for %s (%d %s); "
                               "sign in again with the right password",
                               self->aor, status, phrase);
    g_message ("%s", message);
    registration_set_state (self, VO_REGISTRATION_FAILED, VO_SIP_FAILURE_AUTH, message);
    return;
  }

  self->auth_attempts = 0;
  /* Sofia closes a TLS connection whose certificate it refuses without
   * saying why: the next attempt asks GIO first. */
  self->tls_checked = FALSE;
  if (status_is_network_failure (status)) {
    message = g_strdup_printf ("Cannot reach the registrar %s (%d %s); check the network "
                               "and the registrar address. vo-daemon keeps trying and "
                               "registers by itself when the server answers",
                               self->registrar, status, phrase);
    registration_set_state (self, VO_REGISTRATION_FAILED, VO_SIP_FAILURE_NETWORK, message);
  } else {
    message = g_strdup_printf ("The registrar %s refused the registration of %s (%d %s). "
                               "vo-daemon keeps trying",
                               self->registrar, self->aor, status, phrase);
    registration_set_state (self, VO_REGISTRATION_FAILED, VO_SIP_FAILURE_REFUSED, message);
  }
  g_message ("%s", message);
  registration_schedule_retry (self);
}

/* The first hop's host and port: the outbound proxy (or the registrar when
 * requests go through it), as Sofia connects there. */
static gboolean
registration_first_hop (VoSipRegistration *self, char **host, guint16 *port)
{
  const char *uri = self->proxy ? self->proxy : self->registrar;
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url = url_make (home, uri);
  gboolean ok = url && url->url_host;

  if (ok) {
    const char *h = url->url_host;
    gsize len = strlen (h);

    /* GIO wants an IPv6 address without its brackets. */
    *host = (h[0] == '[' && len > 2) ? g_strndup (h + 1, len - 2) : g_strdup (h);
    *port = url->url_port ? (guint16) atoi (url->url_port) : 5061;
  }
  su_home_deinit (home);
  return ok;
}

static void
on_tls_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VoSipRegistration *self = user_data;
  g_autofree char *message = NULL;
  VoSipTlsCheck check = vo_sip_tls_check_finish (result, &message);

  /* Cancelled by stop or dispose: @self may be gone (no reference is held,
   * so that dropping the registration stops it). */
  if (g_task_had_error (G_TASK (result)))
    return;
  g_clear_object (&self->tls_check);
  switch (check) {
  case VO_SIP_TLS_CHECK_OK:
    self->tls_checked = TRUE;
    registration_send (self);
    break;
  case VO_SIP_TLS_CHECK_BAD_CERTIFICATE:
    /* Trying again changes nothing until the server or the CA file does:
     * no retries (as for a refused password, SignIn tries again). */
    g_message ("%s", message);
    registration_set_state (self, VO_REGISTRATION_FAILED, VO_SIP_FAILURE_CERTIFICATE,
                            message);
    break;
  case VO_SIP_TLS_CHECK_UNREACHABLE:
  default:
    /* Not a verdict on the certificate: the check connects to host:5061
     * while Sofia may find the server through DNS SRV, or the server may
     * be down. Let Sofia try (it verifies too); a failure there is
     * retried, with a fresh check first. */
    g_debug ("%s; registering anyway", message);
    self->tls_checked = TRUE;
    registration_send (self);
    break;
  }
}

static void
registration_check_tls (VoSipRegistration *self)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (self->tls_check)
    return;  /* one check at a time */
  if (!registration_first_hop (self, &host, &port)) {
    self->tls_checked = TRUE;
    registration_send (self);
    return;
  }
  registration_set_state (self, VO_REGISTRATION_REGISTERING, self->failure, self->error);
  self->tls_check = g_cancellable_new ();
  g_debug ("Checking the TLS certificate of %s port %u", host, port);
  vo_sip_tls_check_async (host, port, vo_sip_stack_get_ca_file (self->stack), self->tls_check,
                          on_tls_checked, self);
}

/* ---- keep-alive ------------------------------------------------------
 *
 * A registrar that restarts (or fails over) may come back without our
 * binding, and over UDP nothing tells us until the next refresh, up to
 * Expires seconds away: calls meanwhile find no contact. So while registered
 * an OPTIONS goes to our own address through the registrar/proxy every
 * keepalive_s: it comes back to us (Sofia answers it) while the binding
 * holds; 404/410/480 mean the registrar has no binding, a timeout that it
 * is gone; either way REGISTER again now. The OPTIONS also keeps NAT
 * bindings open. */

static void
registration_stop_ping (VoSipRegistration *self)
{
  g_clear_handle_id (&self->keepalive_id, g_source_remove);
  if (self->ping_nh) {
    nua_handle_destroy (self->ping_nh);
    self->ping_nh = NULL;
  }
}

static gboolean
on_keepalive (gpointer user_data)
{
  VoSipRegistration *self = user_data;
  nua_t *nua = vo_sip_stack_get_nua (self->stack);

  self->keepalive_id = 0;
  if (self->state != VO_REGISTRATION_REGISTERED || self->stop_task || !nua)
    return G_SOURCE_REMOVE;
  self->ping_auth_tried = FALSE;
  self->ping_nh = nua_handle (nua, &self->ping_magic,
                              SIPTAG_TO_STR (self->aor),
                              SIPTAG_FROM_STR (self->from),
                              TAG_END ());
  nua_options (self->ping_nh, TAG_END ());
  return G_SOURCE_REMOVE;
}

static void
registration_schedule_ping (VoSipRegistration *self)
{
  registration_stop_ping (self);
  if (self->keepalive_s > 0)
    self->keepalive_id = g_timeout_add_seconds (self->keepalive_s, on_keepalive, self);
}

static gboolean
status_means_binding_lost (int status)
{
  return status == 404 || status == 410 || status == 480 || status == 408;
}

static void
on_ping_event (gpointer owner, nua_event_t event, int status, const char *phrase,
               nua_handle_t *nh, const sip_t *sip, tagi_t tags[])
{
  VoSipRegistration *self = owner;

  if (nh != self->ping_nh || event != nua_r_options || status < 200)
    return;
  /* Some proxies challenge OPTIONS too: answer once per ping. */
  if ((status == 401 || status == 407) && !self->ping_auth_tried &&
      vo_sip_authenticate (nh, sip, self->user, self->password)) {
    self->ping_auth_tried = TRUE;
    return;
  }
  if (status_means_binding_lost (status) && self->state == VO_REGISTRATION_REGISTERED &&
      !self->stop_task) {
    g_message ("The registrar %s no longer routes %s to this device (keep-alive OPTIONS: "
               "%d %s); registering again", self->registrar, self->aor, status, phrase);
    registration_stop_ping (self);
    self->backoff_s = 0;
    registration_send (self);
    return;
  }
  g_debug ("Keep-alive OPTIONS for %s: %d %s", self->aor, status, phrase);
  /* Anything else (200 from us, 405 from a registrar that does not route
   * OPTIONS, …): the binding is as good as we can tell; ping again later. */
  registration_schedule_ping (self);
}

/* @error: NULL once the registrar confirmed the un-REGISTER, else why the
 * contact may still be bound there; it stays the registration's error. */
static void
registration_finish_stop (VoSipRegistration *self, const char *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->stop_task);

  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  registration_stop_ping (self);
  registration_drop_handle (self);
  registration_set_state (self, VO_REGISTRATION_UNREGISTERED,
                          error ? VO_SIP_FAILURE_NETWORK : VO_SIP_FAILURE_NONE, error);
  /* The password is of no more use: wipe it now, not when the object goes. */
  g_clear_pointer (&self->password, vo_sip_secret_free);
  if (task)
    g_task_return_boolean (task, TRUE);
}

static void
registration_fail_stop (VoSipRegistration *self, const char *why)
{
  g_autofree char *message =
    g_strdup_printf ("The registrar %s did not confirm the sign-out of %s (%s); it may "
                     "still send calls for this account here until the registration "
                     "expires, within %s s", self->registrar, self->aor, why, self->expires);

  g_message ("%s", message);
  registration_finish_stop (self, message);
}

static void
registration_on_unregister (VoSipRegistration *self, int status, const char *phrase,
                            const sip_t *sip)
{
  g_autofree char *why = NULL;

  if (status < 200)
    return;
  if (status < 300) {
    g_debug ("Un-REGISTER of %s: %d %s", self->aor, status, phrase);
    registration_finish_stop (self, NULL);
    return;
  }
  if (self->auth_attempts < MAX_UNREGISTER_AUTH_ATTEMPTS) {
    if ((status == 401 || status == 407) &&
        vo_sip_authenticate_again (self->nh, sip, self->user, self->password)) {
      self->auth_attempts++;
      return;
    }
    /* Sofia found nothing to answer: a new un-REGISTER starts from the
     * latest challenge, and its 401 is answered above. */
    if (status == 904) {
      self->auth_attempts++;
      nua_unregister (self->nh, TAG_END ());
      return;
    }
  }
  why = g_strdup_printf ("%d %s", status, phrase);
  registration_fail_stop (self, why);
}

static void
on_handle_event (gpointer owner, nua_event_t event, int status, const char *phrase,
                 nua_handle_t *nh, const sip_t *sip, tagi_t tags[])
{
  VoSipRegistration *self = owner;

  if (nh != self->nh)
    return;

  switch (event) {
  case nua_r_register:
    if (!self->stop_task)
      registration_on_register (self, status, phrase, sip);
    break;
  case nua_r_unregister:
    registration_on_unregister (self, status, phrase, sip);
    break;
  case nua_r_authenticate:
    /* nua_authenticate() found nothing to answer (904) while stopping. */
    if (self->stop_task && status >= 300)
      registration_on_unregister (self, status, phrase, sip);
    break;
  default:
    break;
  }
}

static void registration_check_tls (VoSipRegistration *self);

static void
registration_send (VoSipRegistration *self)
{
  nua_t *nua = vo_sip_stack_get_nua (self->stack);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->tls && !self->tls_checked) {
    registration_check_tls (self);
    return;
  }
  /* The outbound proxy is the stack's (one account per daemon): every
   * request, not only REGISTER, must go through it. Queued before the
   * REGISTER below, so it applies to it. */
  nua_set_params (nua, NUTAG_PROXY (self->proxy), TAG_END ());
  vo_sip_stack_set_identity (self->stack, self->from, self->user, self->contact_display,
                             self->password);
  if (!self->nh)
    self->nh = nua_handle (nua, &self->magic,
                           SIPTAG_TO_STR (self->aor),
                           SIPTAG_FROM_STR (self->from),
                           TAG_END ());
  self->auth_attempts = 0;
  registration_set_state (self, VO_REGISTRATION_REGISTERING, self->failure, self->error);
  nua_register (self->nh,
                NUTAG_REGISTRAR (self->registrar),
                NUTAG_M_USERNAME (self->user),
                /* Also when NULL: no name left over from an earlier account. */
                NUTAG_M_DISPLAY (self->contact_display),
                SIPTAG_EXPIRES_STR (self->expires),
                /* Don't OPTIONS-ping ourselves through the proxy to validate. */
                NUTAG_OUTBOUND ("no-validate"),
                TAG_END ());
}

static void
vo_sip_registration_dispose (GObject *object)
{
  VoSipRegistration *self = VO_SIP_REGISTRATION (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  if (self->tls_check)
    g_cancellable_cancel (self->tls_check);
  g_clear_object (&self->tls_check);
  registration_stop_ping (self);
  registration_drop_handle (self);
  g_clear_object (&self->stack);
  G_OBJECT_CLASS (vo_sip_registration_parent_class)->dispose (object);
}

static void
vo_sip_registration_finalize (GObject *object)
{
  VoSipRegistration *self = VO_SIP_REGISTRATION (object);

  g_free (self->user);
  g_free (self->domain);
  g_free (self->aor);
  g_free (self->from);
  g_free (self->registrar);
  g_free (self->proxy);
  g_free (self->contact_display);
  vo_sip_secret_free (self->password);
  g_free (self->expires);
  g_free (self->error);
  G_OBJECT_CLASS (vo_sip_registration_parent_class)->finalize (object);
}

static void
vo_sip_registration_class_init (VoSipRegistrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_sip_registration_dispose;
  object_class->finalize = vo_sip_registration_finalize;

  /* Emitted whenever state, failure or error changes. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
vo_sip_registration_init (VoSipRegistration *self)
{
  self->magic.func = on_handle_event;
  self->magic.owner = self;
  self->ping_magic.func = on_ping_event;
  self->ping_magic.owner = self;
  self->error = g_strdup ("");
}

static char *
quote_display_name (const char *name)
{
  GString *s = g_string_new ("\"");

  for (const char *p = name; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_c (s, '\\');
    g_string_append_c (s, *p);
  }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* Sofia puts NUTAG_M_DISPLAY into the REGISTER's Contact in quotes without
 * escaping what is inside, and into dialog Contacts (INVITE…) with no quotes
 * at all; a " there made every REGISTER unparsable (900 Internal error), and
 * a comma would split a Contact in two. Only tokens and spaces read the same
 * both ways; any other name stays out of Contact (From carries it, escaped). */
static char *
contact_display_for (const char *name)
{
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr (" -.!%*_+`'~", *p))
      return NULL;
  return g_strdup (name);
}

VoSipRegistration *
vo_sip_registration_new (VoSipStack *stack, const VoSipRegistrationInfo *info,
                         const char *password)
{
  VoSipRegistration *self = g_object_new (VO_TYPE_SIP_REGISTRATION, NULL);

  self->stack = g_object_ref (stack);
  self->user = g_strdup (info->user);
  self->domain = g_strdup (info->domain);
  self->aor = g_strdup_printf ("sip:%s@%s", info->user, info->domain);
  if (info->display_name && *info->display_name) {
    g_autofree char *quoted = quote_display_name (info->display_name);

    self->contact_display = contact_display_for (info->display_name);
    self->from = g_strdup_printf ("%s <%s>", quoted, self->aor);
  } else {
    self->from = g_strdup (self->aor);
  }
  self->registrar = g_strdup (info->registrar);
  self->tls = g_str_has_prefix (info->registrar, "sips:");
  self->proxy = (info->proxy && *info->proxy) ? g_strdup (info->proxy) : NULL;
  /* No outbound proxy given: send every request (INVITE, MESSAGE, …) via the
   * registrar, as softphones do, unless the domain itself is the registrar.
   * A domain need not resolve (or resolve to this server) for the client. */
  if (!self->proxy) {
    g_autofree char *registrar_host = vo_sip_server_host (info->registrar);

    if (g_strcmp0 (registrar_host, info->domain) != 0)
      self->proxy = g_strdup (info->registrar);
  }
  self->password = g_strdup (password);
  self->expires = g_strdup_printf ("%u", info->expires_s ? info->expires_s : 600);
  self->retry_max_s = info->retry_max_s ? info->retry_max_s : 60;
  self->keepalive_s = info->keepalive_s;
  return self;
}

void
vo_sip_registration_start (VoSipRegistration *self)
{
  g_return_if_fail (VO_IS_SIP_REGISTRATION (self));
  self->backoff_s = 0;
  registration_send (self);
}

void
vo_sip_registration_refresh (VoSipRegistration *self)
{
  g_return_if_fail (VO_IS_SIP_REGISTRATION (self));
  /* Refused credentials or certificate: only a new SignIn tries again. */
  if (self->stop_task || self->failure == VO_SIP_FAILURE_AUTH ||
      self->failure == VO_SIP_FAILURE_CERTIFICATE)
    return;
  /* REGISTER again on the same handle (same Call-ID): the registrar updates
   * the binding in place. Destroying the handle instead would make Sofia
   * un-REGISTER the old binding, which has the same Contact as the new one. */
  self->backoff_s = 0;
  /* The server (or its certificate) may have changed with the network. */
  self->tls_checked = FALSE;
  registration_send (self);
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  VoSipRegistration *self = user_data;

  self->stop_timeout_id = 0;
  registration_fail_stop (self, "no answer in time");
  return G_SOURCE_REMOVE;
}

void
vo_sip_registration_stop_async (VoSipRegistration *self, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_sip_registration_stop_async);
  g_clear_handle_id (&self->retry_id, g_source_remove);

  if (self->stop_task) {
    /* Already stopping: the first caller's task completes the work. */
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  self->stop_task = task;
  if (self->tls_check)
    g_cancellable_cancel (self->tls_check);
  g_clear_object (&self->tls_check);
  registration_stop_ping (self);
  if (!self->nh || self->state == VO_REGISTRATION_FAILED) {
    registration_finish_stop (self, NULL);
    return;
  }
  self->auth_attempts = 0;
  self->stop_timeout_id = g_timeout_add (UNREGISTER_TIMEOUT_MS, on_stop_timeout, self);
  nua_unregister (self->nh, TAG_END ());
}

void
vo_sip_registration_stop_finish (VoSipRegistration *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

VoRegistration
vo_sip_registration_get_state (VoSipRegistration *self)
{
  return self->state;
}

VoSipFailure
vo_sip_registration_get_failure (VoSipRegistration *self)
{
  return self->failure;
}

const char *
vo_sip_registration_get_error (VoSipRegistration *self)
{
  return self->error;
}

const char *
vo_sip_registration_get_aor (VoSipRegistration *self)
{
  return self->aor;
}
