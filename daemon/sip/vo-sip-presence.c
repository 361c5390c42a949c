/* vo-sip-presence.c: one PUBLISH handle and one SUBSCRIBE handle per watch.
 *
 * Sofia refreshes a publication (and re-sends the full body when the server
 * answers 412) and a subscription by itself; this object adds what Sofia
 * leaves to the application: digest answers, a fresh start with capped
 * backoff after a failure or a terminated subscription, and a bounded
 * un-PUBLISH/un-SUBSCRIBE on sign-out and shutdown.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-presence.h"
#include "vo-enum-types.h"
#include "vo-sip-nua.h"
#include "vo-sip-pidf.h"

#include <string.h>

#define PIDF_TYPE "application/pidf+xml"
#define STOP_TIMEOUT_MS 2000
#define RETRY_MIN_S 2
#define RETRY_MAX_S 300
#define QUICK_RESTART_US (60 * G_USEC_PER_SEC)

/* The publication or one watch: a nua handle and what it needs to recover. */
typedef struct {
  VoSipHandleMagic magic;
  VoSipPresence *presence; /* unowned: it frees every Sub before it goes */
  gboolean is_publication;
  char *uri;               /* the watched URI, or our AOR for the publication */
  nua_handle_t *nh;
  gboolean live;           /* the server holds our publication or subscription */
  gboolean in_flight;      /* a PUBLISH waits for its answer */
  gboolean dirty;          /* the body changed meanwhile: PUBLISH again after it */
  gboolean stopping;       /* un-PUBLISH/un-SUBSCRIBE sent */
  guint auth_attempts;
  guint backoff_s;
  guint retry_id;
  gint64 restarted_us;     /* last quick restart of a lost subscription */
} Sub;

struct _VoSipPresence {
  GObject parent_instance;

  VoSipStack *stack;
  char *expires;
  char *body;            /* the PIDF document being published */
  Sub *publication;
  GHashTable *watches;   /* uri → Sub *, owned */
  GList *stopping;       /* Sub *, owned: waiting for the server to let go */
  GList *stop_tasks;     /* GTask *, answered once stopping is empty */
  guint stop_timeout_id;
};

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoSipPresence, vo_sip_presence, G_TYPE_OBJECT)

static void on_sub_event (gpointer owner, nua_event_t event, int status, const char *phrase,
                          nua_handle_t *nh, const sip_t *sip, tagi_t tags[]);

/* ---- handles ------------------------------------------------------- */

static Sub *
sub_new (VoSipPresence *self, const char *uri, gboolean is_publication)
{
  Sub *sub = g_new0 (Sub, 1);

  sub->magic.func = on_sub_event;
  sub->magic.owner = sub;
  sub->presence = self;
  sub->is_publication = is_publication;
  sub->uri = g_strdup (uri);
  return sub;
}

static void
sub_drop_handle (Sub *sub)
{
  if (sub->nh) {
    nua_handle_destroy (sub->nh);
    sub->nh = NULL;
  }
  sub->live = FALSE;
  sub->in_flight = FALSE;
}

static void
sub_free (Sub *sub)
{
  g_clear_handle_id (&sub->retry_id, g_source_remove);
  sub_drop_handle (sub);
  g_free (sub->uri);
  g_free (sub);
}

static nua_handle_t *
sub_new_handle (Sub *sub)
{
  nua_t *nua = vo_sip_stack_get_nua (sub->presence->stack);

  return nua_handle (nua, &sub->magic, SIPTAG_TO_STR (sub->uri), TAG_END ());
}

static gboolean
sub_try_auth (Sub *sub, const sip_t *sip)
{
  if (sub->auth_attempts >= 1 || !vo_sip_stack_authenticate (sub->presence->stack, sub->nh, sip))
    return FALSE;
  sub->auth_attempts++;
  return TRUE;
}

static void publication_send (Sub *sub);
static void watch_send (Sub *sub);

static gboolean
on_retry (gpointer user_data)
{
  Sub *sub = user_data;

  sub->retry_id = 0;
  if (sub->is_publication)
    publication_send (sub);
  else
    watch_send (sub);
  return G_SOURCE_REMOVE;
}

/* Drops the handle and starts from scratch later, backing off. */
static void
sub_retry_later (Sub *sub)
{
  sub_drop_handle (sub);
  g_clear_handle_id (&sub->retry_id, g_source_remove);
  sub->backoff_s = sub->backoff_s ? MIN (sub->backoff_s * 2, RETRY_MAX_S) : RETRY_MIN_S;
  sub->retry_id = g_timeout_add_seconds (sub->backoff_s, on_retry, sub);
}

/* ---- PUBLISH --------------------------------------------------------- */

static void
publication_send (Sub *sub)
{
  VoSipPresence *self = sub->presence;

  g_clear_handle_id (&sub->retry_id, g_source_remove);
  /* One PUBLISH at a time: Sofia keeps one ETag per handle. */
  if (sub->in_flight) {
    sub->dirty = TRUE;
    return;
  }
  if (!sub->nh)
    sub->nh = sub_new_handle (sub);
  sub->in_flight = TRUE;
  sub->dirty = FALSE;
  sub->auth_attempts = 0;
  nua_publish (sub->nh,
               SIPTAG_EVENT_STR ("presence"),
               SIPTAG_CONTENT_TYPE_STR (PIDF_TYPE),
               SIPTAG_PAYLOAD_STR (self->body),
               SIPTAG_EXPIRES_STR (self->expires),
               TAG_END ());
}

static void
publication_on_response (Sub *sub, int status, const char *phrase, const sip_t *sip)
{
  if (status < 200)
    return;
  if ((status == 401 || status == 407) && sub_try_auth (sub, sip))
    return;
  sub->in_flight = FALSE;
  if (status < 300) {
    g_debug ("Presence of %s published (%d %s)", sub->uri, status, phrase);
    sub->live = TRUE;
    sub->backoff_s = 0;
    if (sub->dirty)
      publication_send (sub);
    return;
  }
  sub_retry_later (sub);
  g_message ("The server did not take our presence (PUBLISH for %s: %d %s); trying again "
             "in %u s", sub->uri, status, phrase, sub->backoff_s);
}

/* ---- SUBSCRIBE / NOTIFY ---------------------------------------------- */

static void
watch_send (Sub *sub)
{
  g_clear_handle_id (&sub->retry_id, g_source_remove);
  /* A new dialog each time: after a failure the old one is gone. */
  sub_drop_handle (sub);
  sub->nh = sub_new_handle (sub);
  sub->auth_attempts = 0;
  nua_subscribe (sub->nh,
                 SIPTAG_EVENT_STR ("presence"),
                 SIPTAG_ACCEPT_STR (PIDF_TYPE),
                 SIPTAG_EXPIRES_STR (sub->presence->expires),
                 TAG_END ());
}

static void
watch_report (Sub *sub, VoPresenceStatus status, const char *note)
{
  g_signal_emit (sub->presence, signals[SIGNAL_CHANGED], 0, sub->uri, status, note);
}

/* A subscription that worked and is gone (the server restarted, a refresh
 * failed) is renewed at once, silently, at most once a minute; one that
 * never worked, or failed again right away, waits with backoff and reports
 * "unknown". @why says what happened, for the log. */
static void
watch_restart (Sub *sub, const char *why)
{
  gint64 now = g_get_monotonic_time ();

  if (sub->live && now - sub->restarted_us > QUICK_RESTART_US) {
    g_debug ("Subscription to %s lost (%s); subscribing again", sub->uri, why);
    sub->restarted_us = now;
    watch_send (sub);
    return;
  }
  watch_report (sub, VO_PRESENCE_STATUS_UNKNOWN, "");
  sub_retry_later (sub);
  g_message ("Cannot watch the presence of %s (%s); trying again in %u s", sub->uri, why,
             sub->backoff_s);
}

static int
substate_of (tagi_t tags[])
{
  int substate = nua_substate_active;

  tl_gets (tags, NUTAG_SUBSTATE_REF (substate), TAG_END ());
  return substate;
}

static void
watch_on_response (Sub *sub, int status, const char *phrase, const sip_t *sip, tagi_t tags[])
{
  g_autofree char *why = NULL;

  if (status < 200)
    return;
  if ((status == 401 || status == 407) && sub_try_auth (sub, sip))
    return;
  if (status < 300 && substate_of (tags) != nua_substate_terminated) {
    sub->live = TRUE;
    return;
  }
  why = g_strdup_printf ("SUBSCRIBE: %d %s", status, phrase);
  watch_restart (sub, why);
}

static gboolean
content_is_pidf (const sip_t *sip)
{
  const sip_content_type_t *type = sip->sip_content_type;

  return !type || !type->c_type || g_ascii_strcasecmp (type->c_type, PIDF_TYPE) == 0;
}

static void
watch_read_notify (Sub *sub, const sip_t *sip)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *note = NULL;
  int value;

  if (!sip->sip_payload || sip->sip_payload->pl_len == 0) {
    /* No document at all: the server knows no published state, i.e. the
     * person is not online. */
    watch_report (sub, VO_PRESENCE_STATUS_OFFLINE, "");
    return;
  }
  if (!content_is_pidf (sip)) {
    g_debug ("NOTIFY for %s carries %s, not PIDF; ignored", sub->uri,
             sip->sip_content_type->c_type);
    return;
  }
  if (!vo_sip_pidf_parse (sip->sip_payload->pl_data, sip->sip_payload->pl_len, &status, &note,
                          &error)) {
    g_message ("Ignoring the presence of %s: %s", sub->uri, error->message);
    return;
  }
  sub->backoff_s = 0;
  /* The parser answers with the API's statuses, so this only fails on a bug. */
  if (!vo_enum_from_nick (VO_TYPE_PRESENCE_STATUS, status, &value))
    value = VO_PRESENCE_STATUS_UNKNOWN;
  watch_report (sub, value, note);
}

static void
watch_on_notify (Sub *sub, const sip_t *sip, tagi_t tags[])
{
  int substate = substate_of (tags);

  if (sip && substate != nua_substate_pending && substate != nua_substate_embryonic)
    watch_read_notify (sub, sip);
  if (substate == nua_substate_terminated)
    watch_restart (sub, "the server ended the subscription");
}

/* ---- stopping ------------------------------------------------------ */

static void
presence_finish_stop (VoSipPresence *self)
{
  GList *tasks = g_steal_pointer (&self->stop_tasks);

  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  for (GList *l = tasks; l; l = l->next) {
    g_task_return_boolean (l->data, TRUE);
    g_object_unref (l->data);
  }
  g_list_free (tasks);
}

static void
presence_stopped_one (VoSipPresence *self, Sub *sub)
{
  self->stopping = g_list_remove (self->stopping, sub);
  sub_free (sub);
  if (!self->stopping)
    presence_finish_stop (self);
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  VoSipPresence *self = user_data;

  self->stop_timeout_id = 0;
  g_message ("No answer to un-PUBLISH/un-SUBSCRIBE; giving up on %u of them",
             g_list_length (self->stopping));
  g_list_free_full (g_steal_pointer (&self->stopping), (GDestroyNotify) sub_free);
  presence_finish_stop (self);
  return G_SOURCE_REMOVE;
}

/* Takes @sub: asks the server to let go of it (bounded wait), then frees it. */
static void
presence_retire (VoSipPresence *self, Sub *sub)
{
  g_clear_handle_id (&sub->retry_id, g_source_remove);
  if (!sub->nh || !sub->live) {
    sub_free (sub);
    return;
  }
  sub->stopping = TRUE;
  sub->auth_attempts = 0;
  if (sub->is_publication)
    nua_unpublish (sub->nh, TAG_END ());
  else
    nua_unsubscribe (sub->nh, TAG_END ());
  self->stopping = g_list_prepend (self->stopping, sub);
  if (!self->stop_timeout_id)
    self->stop_timeout_id = g_timeout_add (STOP_TIMEOUT_MS, on_stop_timeout, self);
}

static void
sub_on_stopping_event (Sub *sub, nua_event_t event, int status, const sip_t *sip)
{
  if ((event != nua_r_unpublish && event != nua_r_unsubscribe) || status < 200)
    return;
  if ((status == 401 || status == 407) && sub_try_auth (sub, sip))
    return;
  g_debug ("%s of %s: %d", sub->is_publication ? "Un-PUBLISH" : "Un-SUBSCRIBE", sub->uri,
           status);
  presence_stopped_one (sub->presence, sub);
}

static void
on_sub_event (gpointer owner, nua_event_t event, int status, const char *phrase,
              nua_handle_t *nh, const sip_t *sip, tagi_t tags[])
{
  Sub *sub = owner;

  if (nh != sub->nh)
    return;
  if (sub->stopping) {
    sub_on_stopping_event (sub, event, status, sip);
    return;
  }
  switch (event) {
  case nua_r_publish:
    if (sub->is_publication)
      publication_on_response (sub, status, phrase, sip);
    break;
  case nua_r_subscribe:
    if (!sub->is_publication)
      watch_on_response (sub, status, phrase, sip, tags);
    break;
  case nua_i_notify:
    if (!sub->is_publication)
      watch_on_notify (sub, sip, tags);
    break;
  default:
    break;
  }
}

/* ---- GObject --------------------------------------------------------- */

static void
vo_sip_presence_dispose (GObject *object)
{
  VoSipPresence *self = VO_SIP_PRESENCE (object);

  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  g_clear_pointer (&self->publication, sub_free);
  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_list_free_full (g_steal_pointer (&self->stopping), (GDestroyNotify) sub_free);
  g_clear_object (&self->stack);
  G_OBJECT_CLASS (vo_sip_presence_parent_class)->dispose (object);
}

static void
vo_sip_presence_finalize (GObject *object)
{
  VoSipPresence *self = VO_SIP_PRESENCE (object);

  g_free (self->expires);
  g_free (self->body);
  G_OBJECT_CLASS (vo_sip_presence_parent_class)->finalize (object);
}

static void
vo_sip_presence_class_init (VoSipPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_sip_presence_dispose;
  object_class->finalize = vo_sip_presence_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 3, G_TYPE_STRING,
                                          VO_TYPE_PRESENCE_STATUS, G_TYPE_STRING);
}

static void
vo_sip_presence_init (VoSipPresence *self)
{
  self->watches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) sub_free);
}

/* ---- public API -------------------------------------------------------- */

VoSipPresence *
vo_sip_presence_new (VoSipStack *stack, guint expires_s)
{
  VoSipPresence *self = g_object_new (VO_TYPE_SIP_PRESENCE, NULL);

  self->stack = g_object_ref (stack);
  self->expires = g_strdup_printf ("%u", expires_s ? expires_s : 600);
  return self;
}

void
vo_sip_presence_publish (VoSipPresence *self, const char *aor, VoPresenceStatus status,
                         const char *note)
{
  g_return_if_fail (VO_IS_SIP_PRESENCE (self));

  g_free (self->body);
  self->body = vo_sip_pidf_build (aor, vo_enum_to_nick (VO_TYPE_PRESENCE_STATUS, status), note);
  if (self->publication && g_strcmp0 (self->publication->uri, aor) != 0)
    presence_retire (self, g_steal_pointer (&self->publication));
  if (!self->publication)
    self->publication = sub_new (self, aor, TRUE);
  g_debug ("Publishing %s for %s", vo_enum_to_nick (VO_TYPE_PRESENCE_STATUS, status), aor);
  publication_send (self->publication);
}

void
vo_sip_presence_watch (VoSipPresence *self, const char *uri)
{
  Sub *sub;

  g_return_if_fail (VO_IS_SIP_PRESENCE (self));
  if (g_hash_table_contains (self->watches, uri))
    return;
  sub = sub_new (self, uri, FALSE);
  g_hash_table_insert (self->watches, sub->uri, sub);
  watch_send (sub);
}

void
vo_sip_presence_unwatch (VoSipPresence *self, const char *uri)
{
  gpointer sub;

  g_return_if_fail (VO_IS_SIP_PRESENCE (self));
  if (g_hash_table_steal_extended (self->watches, uri, NULL, &sub))
    presence_retire (self, sub);
}

void
vo_sip_presence_resubscribe (VoSipPresence *self)
{
  GHashTableIter iter;
  Sub *sub;

  g_return_if_fail (VO_IS_SIP_PRESENCE (self));
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sub)) {
    sub->backoff_s = 0;
    watch_send (sub);
  }
}

void
vo_sip_presence_stop_async (VoSipPresence *self, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  GHashTableIter iter;
  Sub *sub;

  g_task_set_source_tag (task, vo_sip_presence_stop_async);
  self->stop_tasks = g_list_append (self->stop_tasks, task);
  if (self->publication)
    presence_retire (self, g_steal_pointer (&self->publication));
  g_clear_pointer (&self->body, g_free);
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &sub)) {
    g_hash_table_iter_steal (&iter);
    presence_retire (self, sub);
  }
  if (!self->stopping)
    presence_finish_stop (self);
}

void
vo_sip_presence_stop_finish (VoSipPresence *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}
