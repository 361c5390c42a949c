/* vo-presence.c: our status and the watched people's, kept across restarts.
 *
 * The status is the user's choice and is stored in vo.conf [presence]. What
 * is published follows from it and from the calls: invisible publishes
 * offline, a call in progress publishes on-the-phone, and the status comes
 * back by itself when the call ends. Watched URIs are stored there too and
 * subscribed again whenever the account registers.
 *
 * Besides those, the contacts the user looks at (favorites, what a
 * Contacts1 List/Search/Get returned: the contacts' "watch-wanted") are
 * watched automatically: at most MAX_AUTO_WATCHES of them, the least
 * recently wanted one let go (un-SUBSCRIBE) for a new one; not stored.
 * Every change is handed to the contacts, whose dictionaries carry it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-presence"

#include "vo-presence.h"
#include "vo-dial-target.h"
#include "vo-enum-types.h"
#include "vo-error.h"
#include "vo-sip-presence.h"

#include <string.h>

#define GROUP "presence"
/* Changes arriving within this time go out as one "changed" signal. */
#define FLUSH_MS 200
#define MAX_WATCHES 1000
/* Subscriptions made for the contacts (docs/dbus-api.md, Presence1): a
 * server and a client handle a hundred easily, and a person looks at fewer
 * colleagues than that at a time. */
#define MAX_AUTO_WATCHES 100

/* What a user may choose: the first statuses of VoPresenceStatus. */
#define LAST_OWN_STATUS VO_PRESENCE_STATUS_INVISIBLE

struct _VoPresence {
  GObject parent_instance;

  VoConfig *config;
  VoAccount *account;
  VoCallManager *calls;
  VoSipPresence *sip;
  VoContacts *contacts;   /* may be NULL */

  VoPresenceStatus status;
  char *note;
  gboolean in_call;
  gboolean registered;
  gboolean shut_down;
  char *published;     /* "aor\nstatus\nnote" last handed to sip, to skip repeats */
  GPtrArray *watched;  /* normalised URIs, in the order they were added */
  GPtrArray *auto_watched; /* for the contacts, least recently wanted first */
  GHashTable *cache;   /* uri → GVariant (ss) */
  GHashTable *pending; /* uri → GVariant (ss), not signalled yet */
  guint flush_id;
};

enum { PROP_0, PROP_STATUS, PROP_NOTE, PROP_DND, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoPresence, vo_presence, G_TYPE_OBJECT)

/* ---- what we publish ------------------------------------------------- */

static void
presence_publish (VoPresence *self)
{
  g_autofree char *aor = NULL;
  g_autofree char *key = NULL;
  VoPresenceStatus status = self->status;
  const char *note = self->note;

  if (!self->registered || self->shut_down)
    return;
  /* Invisible shows nothing, not even a call. */
  if (self->status == VO_PRESENCE_STATUS_INVISIBLE) {
    status = VO_PRESENCE_STATUS_OFFLINE;
    note = "";
  } else if (self->in_call) {
    status = VO_PRESENCE_STATUS_ON_THE_PHONE;
  }
  g_object_get (self->account, "sip-uri", &aor, NULL);
  if (!aor || !*aor)
    return;
  key = g_strdup_printf ("%s\n%d\n%s", aor, status, note);
  if (g_strcmp0 (key, self->published) == 0)
    return;
  g_free (self->published);
  self->published = g_steal_pointer (&key);
  vo_sip_presence_publish (self->sip, aor, status, note);
}

static gboolean
presence_calls_in_progress (VoPresence *self, VoCall *ending)
{
  for (GList *l = vo_call_manager_get_calls (self->calls); l; l = l->next) {
    VoCallState state = vo_call_get_state (l->data);

    if (l->data != ending && (state == VO_CALL_STATE_ACTIVE || state == VO_CALL_STATE_HELD))
      return TRUE;
  }
  return FALSE;
}

static void
presence_update_in_call (VoPresence *self, VoCall *ending)
{
  gboolean in_call = presence_calls_in_progress (self, ending);

  if (in_call == self->in_call)
    return;
  self->in_call = in_call;
  g_debug ("%s", in_call ? "In a call: on-the-phone" : "No call any more");
  presence_publish (self);
}

static void
on_call_state (VoCall *call, GParamSpec *pspec, gpointer user_data)
{
  presence_update_in_call (VO_PRESENCE (user_data), NULL);
}

static void
on_call_added (VoCallManager *calls, VoCall *call, gpointer user_data)
{
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), user_data, 0);
  presence_update_in_call (VO_PRESENCE (user_data), NULL);
}

static void
on_call_ended (VoCallManager *calls, VoCall *call, gpointer user_data)
{
  presence_update_in_call (VO_PRESENCE (user_data), call);
}

/* ---- what we watch ----------------------------------------------------- */

static gboolean
on_flush (gpointer user_data)
{
  VoPresence *self = user_data;
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer uri, value;
  g_autoptr(GVariant) changes = NULL;

  self->flush_id = 0;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ss)}"));
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &uri, &value))
    g_variant_builder_add (&builder, "{s@(ss)}", uri, value);
  g_hash_table_remove_all (self->pending);
  changes = g_variant_ref_sink (g_variant_builder_end (&builder));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, changes);
  if (self->contacts && g_variant_n_children (changes)) {
    g_autofree const char **uris = g_new0 (const char *, g_variant_n_children (changes) + 1);

    for (gsize i = 0; i < g_variant_n_children (changes); i++)
      g_variant_get_child (changes, i, "{&s@(ss)}", &uris[i], NULL);
    vo_contacts_presence_changed (self->contacts, uris);
  }
  return G_SOURCE_REMOVE;
}

/* Keeps @uri's (status, note) in the form Get and Changed hand out. */
static void
presence_note_change (VoPresence *self, const char *uri, VoPresenceStatus status,
                      const char *note)
{
  const char *nick = vo_enum_to_nick (VO_TYPE_PRESENCE_STATUS, status);
  GVariant *value = g_variant_ref_sink (g_variant_new ("(ss)", nick, note));
  GVariant *old = g_hash_table_lookup (self->cache, uri);

  if (old && g_variant_equal (old, value)) {
    g_variant_unref (value);
    return;
  }
  g_debug ("%s is %s", uri, nick);
  g_hash_table_insert (self->cache, g_strdup (uri), g_variant_ref (value));
  g_hash_table_insert (self->pending, g_strdup (uri), value);
  if (!self->flush_id)
    self->flush_id = g_timeout_add (FLUSH_MS, on_flush, self);
}

static gboolean
presence_is_watched (VoPresence *self, const char *uri)
{
  for (guint i = 0; i < self->watched->len; i++)
    if (g_str_equal (g_ptr_array_index (self->watched, i), uri))
      return TRUE;
  return FALSE;
}

static gboolean
presence_find_auto (VoPresence *self, const char *uri, guint *index)
{
  return g_ptr_array_find_with_equal_func (self->auto_watched, uri, g_str_equal, index);
}

/* A note is someone else's text bound for terminals and notifications: line
 * breaks and tabs become spaces; other control and invisible format
 * characters (ESC of terminal escape sequences, bidi overrides) are dropped.
 * Notes arrive as UTF-8 (the PIDF parser checks). */
static char *
presence_clean_note (const char *note)
{
  GString *out = g_string_sized_new (strlen (note));

  for (const char *p = note; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    switch (g_unichar_type (c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      if (g_unichar_isspace (c) || c == 0x85)
        g_string_append_c (out, ' ');
      break;
    case G_UNICODE_FORMAT:
      break;
    default:
      g_string_append_unichar (out, c);
      break;
    }
  }
  return g_strstrip (g_string_free (out, FALSE));
}

static void
on_sip_changed (VoSipPresence *sip, const char *uri, VoPresenceStatus status, const char *note,
                gpointer user_data)
{
  VoPresence *self = user_data;

  g_autofree char *clean = NULL;

  if (!presence_is_watched (self, uri) && !presence_find_auto (self, uri, NULL))
    return;
  clean = presence_clean_note (note ? note : "");
  presence_note_change (self, uri, status, clean);
}

/* @target as the URI we SUBSCRIBE to. */
static char *
presence_target_uri (VoPresence *self, const char *target, GError **error)
{
  const char *domain = vo_account_get_domain (self->account);
  g_autofree char *country = vo_config_get_string (self->config, "account", "country-code");
  g_autofree char *text = g_strstrip (g_strdup (target));
  g_autofree char *uri = NULL;
  gboolean full = g_str_has_prefix (text, "sip:") || g_str_has_prefix (text, "sips:") ||
                  strchr (text, '@') != NULL;

  if (!full && *text && !domain) {
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_SIGNED_IN,
                 "'%s' is a user of the account's domain and there is no account; sign in "
                 "first, or give a full address such as bob@example.com", text);
    return NULL;
  }
  uri = *text ? vo_dial_target_to_uri (text, domain ? domain : "invalid", country, NULL) : NULL;
  if (!uri || g_str_has_prefix (uri, "tel:") || strstr (uri, ";user=phone")) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' cannot be watched; presence is known for users of the SIP service: "
                 "give a user (bob), an extension (201) or a SIP address (bob@example.com)",
                 target);
    return NULL;
  }
  return g_steal_pointer (&uri);
}

/* Space-separated: URIs never contain a bare space. */
static gboolean
presence_save_watched (VoPresence *self, GError **error)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < self->watched->len; i++)
    g_string_append_printf (joined, "%s%s", i ? " " : "",
                            (char *) g_ptr_array_index (self->watched, i));
  return vo_config_set_string (self->config, GROUP, "watch", joined->str, error);
}

/* ---- registration ------------------------------------------------------ */

static void
presence_go_online (VoPresence *self)
{
  g_clear_pointer (&self->published, g_free);
  presence_publish (self);
  /* Dialogs from before may point at an address we no longer have. */
  vo_sip_presence_resubscribe (self->sip);
  for (guint i = 0; i < self->watched->len; i++)
    vo_sip_presence_watch (self->sip, g_ptr_array_index (self->watched, i));
  for (guint i = 0; i < self->auto_watched->len; i++)
    vo_sip_presence_watch (self->sip, g_ptr_array_index (self->auto_watched, i));
}

/* ---- watched for the contacts ----------------------------------------- */

/* @uri (normalised) is wanted now: watched from now on, or moved to the
 * most recently wanted end; the least recently wanted goes beyond the bound. */
static void
presence_want (VoPresence *self, const char *uri)
{
  guint index;

  if (presence_is_watched (self, uri))
    return;
  if (presence_find_auto (self, uri, &index)) {
    g_ptr_array_add (self->auto_watched, g_ptr_array_steal_index (self->auto_watched, index));
    return;
  }
  g_ptr_array_add (self->auto_watched, g_strdup (uri));
  if (self->registered)
    vo_sip_presence_watch (self->sip, uri);
  if (self->auto_watched->len > MAX_AUTO_WATCHES) {
    g_autofree char *oldest = g_ptr_array_steal_index (self->auto_watched, 0);

    g_debug ("No longer watching %s (least recently wanted)", oldest);
    vo_sip_presence_unwatch (self->sip, oldest);
    /* What we knew goes stale from now: unknown, not a frozen status. */
    g_hash_table_remove (self->cache, oldest);
    g_hash_table_remove (self->pending, oldest);
  }
}

static char *presence_target_uri (VoPresence *self, const char *target, GError **error);

static void
on_watch_wanted (VoContacts *contacts, GStrv uris, gpointer user_data)
{
  VoPresence *self = user_data;

  for (guint i = 0; uris && uris[i] && !self->shut_down; i++) {
    g_autofree char *uri = NULL;

    /* Only full SIP URIs: a bare word would take our domain. */
    if (g_str_has_prefix (uris[i], "sip:") || g_str_has_prefix (uris[i], "sips:"))
      uri = presence_target_uri (self, uris[i], NULL);
    if (uri)
      presence_want (self, uri);
  }
}

/* The contacts' VoContactsPresenceFunc: the status nick, or NULL. */
static char *
presence_for_contacts (const char *uri, gpointer user_data)
{
  VoPresence *self = user_data;
  GVariant *value = g_hash_table_lookup (self->cache, uri);
  g_autofree char *normal = NULL;
  const char *status;

  if (!value && (g_str_has_prefix (uri, "sip:") || g_str_has_prefix (uri, "sips:"))) {
    normal = presence_target_uri (self, uri, NULL);
    value = normal ? g_hash_table_lookup (self->cache, normal) : NULL;
  }
  if (!value)
    return NULL;
  g_variant_get_child (value, 0, "&s", &status);
  return g_strdup (status);
}

static void
on_registration (VoAccount *account, GParamSpec *pspec, gpointer user_data)
{
  VoPresence *self = user_data;
  gboolean registered = vo_account_get_registration (account) == VO_REGISTRATION_REGISTERED;

  if (registered == self->registered || self->shut_down)
    return;
  self->registered = registered;
  if (registered)
    presence_go_online (self);
}

static void
on_account_state (VoAccount *account, GParamSpec *pspec, gpointer user_data)
{
  VoPresence *self = user_data;
  GHashTableIter iter;
  gpointer uri;

  if (self->shut_down || vo_account_get_state (account) != VO_ACCOUNT_STATE_SIGNED_OUT)
    return;
  /* Signed out: let go of the server's state, and what we knew is stale. */
  self->registered = FALSE;
  g_clear_pointer (&self->published, g_free);
  vo_sip_presence_stop_async (self->sip, NULL, NULL);
  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &uri, NULL))
    presence_note_change (self, uri, VO_PRESENCE_STATUS_UNKNOWN, "");
}

/* ---- GObject ------------------------------------------------------------ */

static void
vo_presence_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VoPresence *self = VO_PRESENCE (object);

  switch (prop_id) {
  case PROP_STATUS:
    g_value_set_enum (value, self->status);
    break;
  case PROP_NOTE:
    g_value_set_string (value, self->note);
    break;
  case PROP_DND:
    g_value_set_boolean (value, vo_presence_get_dnd (self));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_presence_dispose (GObject *object)
{
  VoPresence *self = VO_PRESENCE (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->account)
    g_signal_handlers_disconnect_by_data (self->account, self);
  if (self->calls)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  if (self->sip)
    g_signal_handlers_disconnect_by_data (self->sip, self);
  g_clear_object (&self->sip);
  if (self->contacts) {
    g_signal_handlers_disconnect_by_data (self->contacts, self);
    vo_contacts_set_presence_func (self->contacts, NULL, NULL, NULL);
  }
  g_clear_object (&self->contacts);
  g_clear_object (&self->calls);
  g_clear_object (&self->account);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_presence_parent_class)->dispose (object);
}

static void
vo_presence_finalize (GObject *object)
{
  VoPresence *self = VO_PRESENCE (object);

  g_free (self->note);
  g_free (self->published);
  g_ptr_array_unref (self->watched);
  g_ptr_array_unref (self->auto_watched);
  g_hash_table_unref (self->cache);
  g_hash_table_unref (self->pending);
  G_OBJECT_CLASS (vo_presence_parent_class)->finalize (object);
}

static void
vo_presence_class_init (VoPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vo_presence_get_property;
  object_class->dispose = vo_presence_dispose;
  object_class->finalize = vo_presence_finalize;

  props[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, VO_TYPE_PRESENCE_STATUS,
                                          VO_PRESENCE_STATUS_AVAILABLE, ro);
  props[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, "", ro);
  props[PROP_DND] = g_param_spec_boolean ("dnd", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_VARIANT);
}

static void
vo_presence_init (VoPresence *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_free);
  self->auto_watched = g_ptr_array_new_with_free_func (g_free);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_variant_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
}

static void
presence_load (VoPresence *self)
{
  g_autofree char *watch = vo_config_get_string (self->config, GROUP, "watch");
  g_auto(GStrv) uris = g_strsplit_set (watch, " \t", -1);
  g_autofree char *status = vo_config_get_string (self->config, GROUP, "status");

  if (!vo_presence_status_parse (status, &self->status, NULL)) {
    if (*status)
      g_warning ("vo.conf: [presence] status=%s is not a status; using available", status);
    self->status = VO_PRESENCE_STATUS_AVAILABLE;
  }
  self->note = vo_config_get_string (self->config, GROUP, "note");
  for (guint i = 0; uris[i]; i++)
    if (*uris[i] && !presence_is_watched (self, uris[i]))
      g_ptr_array_add (self->watched, g_strdup (uris[i]));
}

VoPresence *
vo_presence_new (VoConfig *config, VoAccount *account, VoCallManager *calls, VoSipStack *stack,
                 VoContacts *contacts)
{
  VoPresence *self = g_object_new (VO_TYPE_PRESENCE, NULL);
  guint expires = (guint) CLAMP (vo_config_get_int (config, GROUP, "expires", 600), 10, 86400);

  self->config = g_object_ref (config);
  self->account = g_object_ref (account);
  self->calls = g_object_ref (calls);
  self->sip = vo_sip_presence_new (stack, expires);
  presence_load (self);

  g_signal_connect (self->sip, "changed", G_CALLBACK (on_sip_changed), self);
  g_signal_connect (account, "notify::registration", G_CALLBACK (on_registration), self);
  g_signal_connect (account, "notify::state", G_CALLBACK (on_account_state), self);
  g_signal_connect (calls, "call-added", G_CALLBACK (on_call_added), self);
  g_signal_connect (calls, "call-ended", G_CALLBACK (on_call_ended), self);
  if (contacts) {
    self->contacts = g_object_ref (contacts);
    vo_contacts_set_presence_func (contacts, presence_for_contacts, self, NULL);
    g_signal_connect (contacts, "watch-wanted", G_CALLBACK (on_watch_wanted), self);
  }
  on_registration (account, NULL, self);
  return self;
}

/* ---- public API ------------------------------------------------------------ */

static gboolean
note_is_valid (const char *note, GError **error)
{
  if (!g_utf8_validate (note, -1, NULL)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "The note is not valid UTF-8 text");
    return FALSE;
  }
  if (g_utf8_strlen (note, -1) > VO_PRESENCE_MAX_NOTE) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The note has %ld characters; shorten it to at most %d",
                 g_utf8_strlen (note, -1), VO_PRESENCE_MAX_NOTE);
    return FALSE;
  }
  for (const char *p = note; *p; p = g_utf8_next_char (p)) {
    if (g_unichar_iscntrl (g_utf8_get_char (p))) {
      g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                           "The note has control characters (such as line breaks); "
                           "use one line of plain text");
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
vo_presence_status_parse (const char *text, VoPresenceStatus *status, GError **error)
{
  int value;

  if (!vo_enum_from_nick (VO_TYPE_PRESENCE_STATUS, text, &value) || value > LAST_OWN_STATUS) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a status; use available, away, busy, dnd or invisible", text);
    return FALSE;
  }
  *status = value;
  return TRUE;
}

gboolean
vo_presence_set_status (VoPresence *self, VoPresenceStatus status, const char *note,
                        GError **error)
{
  const char *nick = vo_enum_to_nick (VO_TYPE_PRESENCE_STATUS, status);
  const char *pairs[] = { "status", nick, "note", note, NULL };
  gboolean was_dnd = vo_presence_get_dnd (self);

  g_return_val_if_fail (VO_IS_PRESENCE (self), FALSE);
  g_return_val_if_fail (status <= LAST_OWN_STATUS, FALSE);
  if (!note_is_valid (note, error))
    return FALSE;
  if (!vo_config_set_strings (self->config, GROUP, pairs, error))
    return FALSE;

  g_message ("Presence: %s%s%s", nick, *note ? ", " : "", note);
  if (self->status != status) {
    self->status = status;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
  }
  if (!g_str_equal (self->note, note)) {
    g_free (self->note);
    self->note = g_strdup (note);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NOTE]);
  }
  if (was_dnd != vo_presence_get_dnd (self))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DND]);
  presence_publish (self);
  return TRUE;
}

gboolean
vo_presence_watch (VoPresence *self, const char *const *targets, GError **error)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (VO_IS_PRESENCE (self), FALSE);
  for (guint i = 0; targets[i]; i++) {
    char *uri = presence_target_uri (self, targets[i], error);

    if (!uri)
      return FALSE;
    if (presence_is_watched (self, uri) ||
        g_ptr_array_find_with_equal_func (added, uri, g_str_equal, NULL))
      g_free (uri);
    else
      g_ptr_array_add (added, uri);
  }
  if (added->len == 0)
    return TRUE;
  if (self->watched->len + added->len > MAX_WATCHES) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "vo-daemon watches at most %d people and already watches %u",
                 MAX_WATCHES, self->watched->len);
    return FALSE;
  }
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (self->watched, g_strdup (g_ptr_array_index (added, i)));
  if (!presence_save_watched (self, error)) {
    g_ptr_array_set_size (self->watched, self->watched->len - added->len);
    return FALSE;
  }
  for (guint i = 0; i < added->len; i++) {
    guint index;

    /* Watched for the contacts until now: kept from now on, never let go. */
    if (presence_find_auto (self, g_ptr_array_index (added, i), &index))
      g_ptr_array_remove_index (self->auto_watched, index);
    g_message ("Watching the presence of %s", (char *) g_ptr_array_index (added, i));
    if (self->registered && !self->shut_down)
      vo_sip_presence_watch (self->sip, g_ptr_array_index (added, i));
  }
  return TRUE;
}

static GVariant *
presence_lookup (VoPresence *self, const char *uri)
{
  GVariant *value = g_hash_table_lookup (self->cache, uri);
  const char *unknown = vo_enum_to_nick (VO_TYPE_PRESENCE_STATUS, VO_PRESENCE_STATUS_UNKNOWN);

  return value ? value : g_variant_new ("(ss)", unknown, "");
}

GVariant *
vo_presence_get (VoPresence *self, const char *const *targets, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantBuilder builder;

  g_return_val_if_fail (VO_IS_PRESENCE (self), NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ss)}"));
  if (!targets[0]) {
    for (guint i = 0; i < self->watched->len; i++) {
      const char *uri = g_ptr_array_index (self->watched, i);

      g_variant_builder_add (&builder, "{s@(ss)}", uri, presence_lookup (self, uri));
    }
  }
  for (guint i = 0; targets[i]; i++) {
    g_autofree char *uri = presence_target_uri (self, targets[i], error);

    if (!uri) {
      g_variant_builder_clear (&builder);
      return NULL;
    }
    if (g_hash_table_add (seen, (gpointer) targets[i]))
      g_variant_builder_add (&builder, "{s@(ss)}", targets[i], presence_lookup (self, uri));
  }
  return g_variant_builder_end (&builder);
}

VoPresenceStatus
vo_presence_get_status (VoPresence *self)
{
  return self->status;
}

const char *
vo_presence_get_note (VoPresence *self)
{
  return self->note;
}

gboolean
vo_presence_get_dnd (VoPresence *self)
{
  return self->status == VO_PRESENCE_STATUS_DND;
}

static void
on_sip_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  vo_sip_presence_stop_finish (VO_SIP_PRESENCE (source), result);
  g_task_return_boolean (task, TRUE);
}

void
vo_presence_shutdown_async (VoPresence *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_presence_shutdown_async);
  self->shut_down = TRUE;
  g_clear_handle_id (&self->flush_id, g_source_remove);
  vo_sip_presence_stop_async (self->sip, on_sip_stopped, task);
}

void
vo_presence_shutdown_finish (VoPresence *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}
