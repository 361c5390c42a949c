/* vo-contacts.c: the VoContacts object: its life (new, start, shutdown),
 * its signals, the contact dictionaries and List/Search/Get. The company
 * sync, photos, favorites, personal contacts, lookups and the device books
 * are each in a file of their own (vo-contacts-*.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-contact-number.h"
#include "vo-error.h"

#include <errno.h>

/* Long enough that a directory page or an import is one "changed", short
 * enough that a person does not see the delay. */
#define CHANGED_BATCH_MS 50

enum { SIGNAL_CHANGED, SIGNAL_WATCH_WANTED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoContacts, vo_contacts, G_TYPE_OBJECT)

static void
vo_contacts_dispose (GObject *object)
{
  VoContacts *self = VO_CONTACTS (object);

  vo_contacts_shutdown (self);
  g_clear_object (&self->device);
  g_clear_object (&self->rows);
  g_clear_object (&self->store);
  g_clear_object (&self->service);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);
  g_clear_object (&self->config);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (vo_contacts_parent_class)->dispose (object);
}

static void
vo_contacts_finalize (GObject *object)
{
  VoContacts *self = VO_CONTACTS (object);

  g_hash_table_unref (self->pending_changed);
  g_hash_table_unref (self->photo_wanted);
  g_queue_clear_full (&self->photo_queue, g_free);
  g_clear_pointer (&self->sync_seen, g_hash_table_unref);
  g_free (self->photo_dir);
  g_free (self->region);
  g_free (self->keyed_region);
  G_OBJECT_CLASS (vo_contacts_parent_class)->finalize (object);
}

static void
vo_contacts_class_init (VoContactsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_contacts_dispose;
  object_class->finalize = vo_contacts_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_STRV);
  signals[SIGNAL_WATCH_WANTED] = g_signal_new ("watch-wanted", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void
vo_contacts_init (VoContacts *self)
{
  self->pending_changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->photo_wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->photo_queue);
  self->cancellable = g_cancellable_new ();
}

/* ---- the service ------------------------------------------------------ */

static void
on_service_state (VoAccountService *service, GParamSpec *pspec, VoContacts *self)
{
  VoServiceState state = vo_account_service_get_state (service);
  VoServiceState was = self->service_state;

  self->service_state = state;
  /* Signed out (not a SIP-only start): the next account is someone else. */
  if (state == VO_SERVICE_STATE_NONE && was != VO_SERVICE_STATE_NONE)
    vo_contacts_company_forget (self);
}

/* Personal contacts' keys depend on the region national numbers are read
 * in: when it changes (the profile's country arrived), they are made again. */
static void
on_country (VoAccountService *service, GParamSpec *pspec, VoContacts *self)
{
  g_autofree char *region = g_strdup (vo_contacts_region (self));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  if (g_strcmp0 (region, self->keyed_region) == 0)
    return;
  g_free (self->keyed_region);
  self->keyed_region = g_steal_pointer (&region);
  if (self->device)
    vo_contacts_device_set_region (self->device, self->keyed_region);
  ids = vo_contact_store_ids (self->rows, "personal", &error);
  if (!ids || !vo_contact_store_begin (self->rows, &error)) {
    g_warning ("Re-keying the personal contacts: %s", error->message);
    return;
  }
  for (guint i = 0; ids[i]; i++) {
    g_autoptr(VoContactRow) row = vo_contact_store_get (self->rows, ids[i], &error);

    if (!row || !vo_contacts_put_row (self, row, &error)) {
      g_warning ("Re-keying the personal contacts: %s", error->message);
      vo_contact_store_rollback (self->rows);
      return;
    }
  }
  if (!vo_contact_store_commit (self->rows, &error)) {
    g_warning ("Re-keying the personal contacts: %s", error->message);
    vo_contact_store_rollback (self->rows);
  }
}

static void
on_directory_changed (VoAccountService *service, gboolean resync, VoContacts *self)
{
  vo_contacts_company_sync (self, resync);
}

static void
on_favorites_changed (VoAccountService *service, VoContacts *self)
{
  vo_contacts_favorites_sync (self);
}

VoServiceClient *
vo_contacts_online_client (VoContacts *self, const char *capability)
{
  g_auto(GStrv) capabilities = NULL;

  if (self->shut_down || !self->service ||
      vo_account_service_get_state (self->service) != VO_SERVICE_STATE_ONLINE)
    return NULL;
  g_object_get (self->service, "capabilities", &capabilities, NULL);
  if (!capabilities || !g_strv_contains ((const char *const *) capabilities, capability))
    return NULL;
  return vo_account_service_get_client (self->service);
}

const char *
vo_contacts_region (VoContacts *self)
{
  char *country = NULL;

  /* Read each time: the profile may change; kept so the caller may use it. */
  if (self->service)
    g_object_get (self->service, "country", &country, NULL);
  if ((!country || !*country) && self->config) {
    g_free (country);
    country = vo_config_get_string (self->config, "account", "country");
  }
  g_free (self->region);
  self->region = country;
  return self->region && *self->region ? self->region : NULL;
}

/* ---- life ------------------------------------------------------------- */

VoContacts *
vo_contacts_new (VoStore *store, VoAccount *account, VoSettings *settings, VoConfig *config,
                 GError **error)
{
  g_autoptr(VoContacts) self = g_object_new (VO_TYPE_CONTACTS, NULL);

  g_return_val_if_fail (VO_IS_STORE (store), NULL);
  self->store = g_object_ref (store);
  self->rows = vo_contact_store_new (store);
  self->account = account ? g_object_ref (account) : NULL;
  self->service = account ? g_object_ref (vo_account_get_service (account)) : NULL;
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->config = config ? g_object_ref (config) : NULL;
  self->photo_dir = g_build_filename (g_get_user_cache_dir (), "virtual-office", "contacts",
                                      NULL);
  if (g_mkdir_with_parents (self->photo_dir, 0700) != 0) {
    int saved = errno;

    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create the contact photo cache %s: %s",
                 self->photo_dir, g_strerror (saved));
    return NULL;
  }
  return g_steal_pointer (&self);
}

void
vo_contacts_start (VoContacts *self)
{
  if (self->started || self->shut_down)
    return;
  self->started = TRUE;
  if (self->service) {
    self->service_state = vo_account_service_get_state (self->service);
    g_signal_connect_object (self->service, "notify::state", G_CALLBACK (on_service_state),
                             self, 0);
    self->keyed_region = g_strdup (vo_contacts_region (self));
    g_signal_connect_object (self->service, "notify::country", G_CALLBACK (on_country), self,
                             0);
    g_signal_connect_object (self->service, "directory-changed",
                             G_CALLBACK (on_directory_changed), self, 0);
    g_signal_connect_object (self->service, "favorites-changed",
                             G_CALLBACK (on_favorites_changed), self, 0);
    vo_contacts_company_sync (self, FALSE);
    vo_contacts_favorites_sync (self);
  }
  vo_contacts_favorites_watch (self);
  vo_contacts_device_access_start (self);
}

void
vo_contacts_shutdown (VoContacts *self)
{
  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->service)
    g_signal_handlers_disconnect_by_data (self->service, self);
  vo_contacts_device_access_stop (self);
  g_clear_handle_id (&self->changed_id, g_source_remove);
  g_hash_table_remove_all (self->pending_changed);
  if (self->presence_destroy)
    self->presence_destroy (self->presence_data);
  self->presence_func = NULL;
  self->presence_destroy = NULL;
  self->presence_data = NULL;
}

/* ---- signals ---------------------------------------------------------- */

static gboolean
on_changed_batch (gpointer user_data)
{
  VoContacts *self = user_data;
  GStrv ids = (GStrv) g_hash_table_get_keys_as_array (self->pending_changed, NULL);

  self->changed_id = 0;
  g_hash_table_steal_all (self->pending_changed);  /* the strings are ids' now */
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, ids);
  g_strfreev (ids);
  return G_SOURCE_REMOVE;
}

void
vo_contacts_emit_changed (VoContacts *self, const char *id)
{
  if (self->shut_down)
    return;
  g_hash_table_add (self->pending_changed, g_strdup (id));
  if (!self->changed_id)
    self->changed_id = g_timeout_add (CHANGED_BATCH_MS, on_changed_batch, self);
}

void
vo_contacts_emit_watch_wanted (VoContacts *self, const char *const *uris)
{
  if (!self->shut_down && uris && uris[0])
    g_signal_emit (self, signals[SIGNAL_WATCH_WANTED], 0, uris);
}

void
vo_contacts_set_presence_func (VoContacts *self, VoContactsPresenceFunc func,
                               gpointer user_data, GDestroyNotify destroy)
{
  if (self->presence_destroy)
    self->presence_destroy (self->presence_data);
  self->presence_func = func;
  self->presence_data = user_data;
  self->presence_destroy = destroy;
}

void
vo_contacts_presence_changed (VoContacts *self, const char *const *uris)
{
  if (self->shut_down)
    return;  /* presence goes down after the contacts */
  for (guint i = 0; uris && uris[i]; i++) {
    g_auto(GStrv) keys = vo_contact_number_keys (uris[i], NULL);
    g_autoptr(GPtrArray) rows = NULL;

    if (!keys[0])
      continue;
    rows = vo_contact_store_find_key (self->rows, keys[0], NULL);
    for (guint j = 0; rows && j < rows->len; j++)
      vo_contacts_emit_changed (self, ((VoContactRow *) g_ptr_array_index (rows, j))->id);
  }
}

/* ---- dictionaries ----------------------------------------------------- */

static char *
presence_of (VoContacts *self, const VoContactRow *row)
{
  char *status = NULL;

  if (row->uris[0] && self->presence_func)
    status = self->presence_func (row->uris[0], self->presence_data);
  return status ? status : g_strdup ("unknown");
}

GVariant *
vo_contacts_row_to_dict (VoContacts *self, const VoContactRow *row)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *presence = presence_of (self, row);

  if (g_str_equal (row->source, "company"))
    vo_contacts_photo_want (self, row);
  g_variant_dict_insert (&dict, "id", "s", row->id);
  g_variant_dict_insert (&dict, "source", "s", row->source);
  g_variant_dict_insert (&dict, "name", "s", row->name);
  g_variant_dict_insert_value (&dict, "numbers", g_variant_new_strv (
                                 (const char *const *) row->numbers, -1));
  g_variant_dict_insert_value (&dict, "uris", g_variant_new_strv (
                                 (const char *const *) row->uris, -1));
  g_variant_dict_insert_value (&dict, "emails", g_variant_new_strv (
                                 (const char *const *) row->emails, -1));
  g_variant_dict_insert (&dict, "company", "s", row->company);
  g_variant_dict_insert (&dict, "department", "s", row->department);
  g_variant_dict_insert (&dict, "extension", "s", row->extension);
  g_variant_dict_insert (&dict, "favorite", "b", row->favorite);
  g_variant_dict_insert (&dict, "photo", "s", row->photo);
  g_variant_dict_insert (&dict, "presence", "s", presence);
  g_variant_dict_insert (&dict, "note", "s", row->note);
  return g_variant_dict_end (&dict);
}

/* aa{sv} of @rows; the URIs of the first VO_CONTACTS_WATCH_PER_ANSWER
 * company contacts are asked to be watched: what a screen shows of an
 * answer, not a page of 1000 (which would SUBSCRIBE to 1000 people and
 * push every earlier one out of the presence layer's bounded set). */
static GVariant *
rows_to_dicts (VoContacts *self, GPtrArray *rows)
{
  GVariantBuilder builder;
  g_autoptr(GPtrArray) watch = g_ptr_array_new ();

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < rows->len; i++) {
    const VoContactRow *row = g_ptr_array_index (rows, i);

    g_variant_builder_add_value (&builder, vo_contacts_row_to_dict (self, row));
    if (g_str_equal (row->source, "company") && row->uris[0] &&
        watch->len < VO_CONTACTS_WATCH_PER_ANSWER)
      g_ptr_array_add (watch, row->uris[0]);
  }
  g_ptr_array_add (watch, NULL);
  vo_contacts_emit_watch_wanted (self, (const char *const *) watch->pdata);
  return g_variant_builder_end (&builder);
}

/* ---- List, Search, Get ------------------------------------------------ */

static gboolean
filter_read (GVariant *filter, gboolean with_source, guint *offset, guint *limit,
             const char **source, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  *offset = 0;
  *limit = VO_CONTACTS_DEFAULT_LIMIT;
  if (!filter)
    return TRUE;
  g_variant_iter_init (&iter, filter);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value)) {
    if (g_str_equal (key, "offset") && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32)) {
      *offset = g_variant_get_uint32 (value);
    } else if (g_str_equal (key, "limit") &&
               g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32)) {
      *limit = g_variant_get_uint32 (value);
      if (*limit == 0 || *limit > VO_CONTACTS_MAX_LIMIT) {
        g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                     "The filter's 'limit' must be 1 to %d", VO_CONTACTS_MAX_LIMIT);
        g_variant_unref (value);
        return FALSE;
      }
    } else if (with_source && g_str_equal (key, "source") &&
               g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)) {
      *source = g_variant_get_string (value, NULL);
    } else {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "Unknown filter key or wrong type: '%s' (known: offset u, limit u%s)", key,
                   with_source ? ", source s" : "");
      g_variant_unref (value);
      return FALSE;
    }
  }
  return TRUE;
}

/* The store's name of @source ("all" → NULL); FALSE for an unknown one. */
static gboolean
source_read (const char *source, const char **store_source, GError **error)
{
  static const char *const known[] = { "company", "personal", "device", "favorites", NULL };

  if (!source || !*source || g_str_equal (source, "all")) {
    *store_source = NULL;
    return TRUE;
  }
  if (!g_strv_contains (known, source)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Unknown contact source '%s' (known: company, personal, device, favorites, all)",
                 source);
    return FALSE;
  }
  *store_source = source;
  return TRUE;
}

GVariant *
vo_contacts_list (VoContacts *self, const char *source, GVariant *filter, GError **error)
{
  const char *store_source = NULL;
  guint offset, limit;
  g_autoptr(GPtrArray) rows = NULL;

  if (!source_read (source, &store_source, error) ||
      !filter_read (filter, FALSE, &offset, &limit, NULL, error))
    return NULL;
  rows = vo_contact_store_list (self->rows, store_source, offset, limit, error);
  return rows ? rows_to_dicts (self, rows) : NULL;
}

GVariant *
vo_contacts_search (VoContacts *self, const char *query, GVariant *filter, GError **error)
{
  const char *source = NULL;
  const char *store_source = NULL;
  guint offset, limit;
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (!filter_read (filter, TRUE, &offset, &limit, &source, error) ||
      !source_read (source, &store_source, error))
    return NULL;
  if (!query || g_utf8_strlen (query, -1) > VO_CONTACTS_MAX_FIELD ||
      !g_utf8_validate (query, -1, NULL)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The search text must be UTF-8 of at most %d characters", VO_CONTACTS_MAX_FIELD);
    return NULL;
  }
  words = vo_contact_search_words (query);
  rows = vo_contact_store_search (self->rows, (const char *const *) words, store_source, offset,
                                  limit, error);
  return rows ? rows_to_dicts (self, rows) : NULL;
}

GVariant *
vo_contacts_get (VoContacts *self, const char *id, GError **error)
{
  g_autoptr(VoContactRow) row = NULL;
  g_autoptr(GPtrArray) one = NULL;
  GVariant *list;
  GVariant *dict;

  if (!id || !*id) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "A contact id is needed");
    return NULL;
  }
  row = vo_contact_store_get (self->rows, id, error);
  if (!row)
    return NULL;
  one = g_ptr_array_new ();
  g_ptr_array_add (one, row);
  list = g_variant_ref_sink (rows_to_dicts (self, one));
  dict = g_variant_get_child_value (list, 0);
  g_variant_unref (list);
  return dict;
}
