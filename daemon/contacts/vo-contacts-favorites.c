/* vo-contacts-favorites.c: favorites, kept at the service so they follow
 * the user. A change is stored at once as unsynced and sent; when the
 * service is online or says they changed, its list replaces the synced
 * marks and every unsynced change is sent again, one at a time. Without a
 * service (SIP-only) they are local only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-private.h"
#include "vo-service-error.h"
#include "vo-error.h"

static void favorites_push_next (VoContacts *self);

/* Asks the presence layer to watch the favorites among company contacts. */
void
vo_contacts_favorites_watch (VoContacts *self)
{
  g_auto(GStrv) ids = vo_contact_store_favorites (self->rows, NULL);
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ids && ids[i]; i++) {
    g_autoptr(VoContactRow) row = NULL;

    if (!g_str_has_prefix (ids[i], "company:"))
      continue;
    row = vo_contact_store_get (self->rows, ids[i], NULL);
    if (row && row->uris[0])
      g_ptr_array_add (uris, g_strdup (row->uris[0]));
  }
  g_ptr_array_add (uris, NULL);
  vo_contacts_emit_watch_wanted (self, (const char *const *) uris->pdata);
}

static void
favorites_done (VoContacts *self)
{
  self->favorites_busy = FALSE;
  if (self->favorites_again)
    vo_contacts_favorites_sync (self);
}

/* "changed" for every id whose mark differs between @before and @after. */
static void
emit_difference (VoContacts *self, char **before, char **after)
{
  for (guint i = 0; before && before[i]; i++)
    if (!after || !g_strv_contains ((const char *const *) after, before[i]))
      vo_contacts_emit_changed (self, before[i]);
  for (guint i = 0; after && after[i]; i++)
    if (!before || !g_strv_contains ((const char *const *) before, after[i]))
      vo_contacts_emit_changed (self, after[i]);
}

typedef struct {
  VoContacts *self;
  char *id;
  gboolean favorite;
} Push;

static void
on_pushed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Push *push = user_data;
  g_autoptr(VoContacts) self = push->self;
  g_autofree char *id = push->id;
  gboolean favorite = push->favorite;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  g_free (push);
  if (vo_service_client_set_favorite_finish (VO_SERVICE_CLIENT (source), result, &error)) {
    if (!vo_contact_store_set_favorite (self->rows, id, favorite, TRUE, &store_error))
      g_warning ("%s", store_error->message);
    favorites_push_next (self);
    return;
  }
  if (vo_contacts_service_call_cancelled (error) || self->shut_down)
    return;
  if (g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CONFLICT) ||
      g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_INVALID_REQUEST)) {
    /* Never taken (too many favorites, an id it refuses): the mark goes. */
    g_message ("The service refused favorite %s: %s", id, error->message);
    if (!vo_contact_store_set_favorite (self->rows, id, !favorite, TRUE, &store_error))
      g_warning ("%s", store_error->message);
    vo_contacts_emit_changed (self, id);
    favorites_push_next (self);
    return;
  }
  /* Kept unsynced: sent again when the service is back. */
  g_message ("Favorite %s could not be stored at the service: %s", id, error->message);
  favorites_done (self);
}

static void
favorites_push_next (VoContacts *self)
{
  VoServiceClient *client = vo_contacts_online_client (self, "favorites");
  g_auto(GStrv) ids = NULL;
  g_autoptr(GArray) wanted = NULL;
  g_autoptr(GError) error = NULL;
  Push *push;

  if (!client) {
    favorites_done (self);
    return;
  }
  if (!vo_contact_store_unsynced_favorites (self->rows, &ids, &wanted, &error)) {
    g_warning ("Reading the unsynced favorites: %s", error->message);
    favorites_done (self);
    return;
  }
  if (!ids || !ids[0]) {
    favorites_done (self);
    return;
  }
  push = g_new0 (Push, 1);
  push->self = g_object_ref (self);
  push->id = g_strdup (ids[0]);
  push->favorite = g_array_index (wanted, gboolean, 0);
  vo_service_client_set_favorite_async (client, push->id, push->favorite, self->cancellable,
                                        on_pushed, push);
}

static void
on_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoContacts) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) remote = vo_service_client_get_favorites_finish (VO_SERVICE_CLIENT (source),
                                                                 result, &error);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;

  if (vo_contacts_service_call_cancelled (error) || self->shut_down)
    return;
  if (!remote) {
    g_message ("The favorites could not be fetched from the service: %s", error->message);
    favorites_done (self);
    return;
  }
  before = vo_contact_store_favorites (self->rows, NULL);
  if (!vo_contact_store_replace_favorites (self->rows, (const char *const *) remote, &error)) {
    g_warning ("Storing the favorites: %s", error->message);
    favorites_done (self);
    return;
  }
  after = vo_contact_store_favorites (self->rows, NULL);
  emit_difference (self, before, after);
  vo_contacts_favorites_watch (self);
  favorites_push_next (self);
}

void
vo_contacts_favorites_sync (VoContacts *self)
{
  VoServiceClient *client;

  self->favorites_again = self->favorites_busy;
  if (self->favorites_busy)
    return;
  client = vo_contacts_online_client (self, "favorites");
  if (!client)
    return;
  self->favorites_busy = TRUE;
  vo_service_client_get_favorites_async (client, self->cancellable, on_fetched,
                                         g_object_ref (self));
}

gboolean
vo_contacts_set_favorite (VoContacts *self, const char *id, gboolean favorite, GError **error)
{
  g_autoptr(VoContactRow) row = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!id || !*id) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "A contact id is needed");
    return FALSE;
  }
  row = vo_contact_store_get (self->rows, id, &local_error);
  if (row && !g_str_equal (row->source, "company") && !g_str_equal (row->source, "personal")) {
    g_set_error (error, VO_ERROR, VO_ERROR_PERMISSION_DENIED,
                 "%s is a %s contact; only company and personal contacts can be favorites", id,
                 row->source);
    return FALSE;
  }
  /* A favorite whose contact is gone (left the company) can still be
   * unmarked; only an existing contact can be marked. */
  if (!row && (favorite || (!g_str_has_prefix (id, "company:") &&
                            !g_str_has_prefix (id, "personal:")))) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (!vo_contact_store_set_favorite (self->rows, id, favorite, FALSE, error))
    return FALSE;
  vo_contacts_emit_changed (self, id);
  vo_contacts_favorites_watch (self);
  vo_contacts_favorites_sync (self);
  return TRUE;
}

/* Signed out: the next account's favorites are its own. */
gboolean
vo_contacts_favorites_forget (VoContacts *self, GError **error)
{
  g_auto(GStrv) before = vo_contact_store_favorites (self->rows, error);
  g_auto(GStrv) unsynced = NULL;
  g_autoptr(GArray) wanted = NULL;
  const char *none[] = { NULL };

  if (!before || !vo_contact_store_unsynced_favorites (self->rows, &unsynced, &wanted, error))
    return FALSE;
  /* An unsynced change becomes a synced "not a favorite", then the synced
   * marks are replaced by none. */
  for (guint i = 0; unsynced && unsynced[i]; i++)
    if (!vo_contact_store_set_favorite (self->rows, unsynced[i], FALSE, TRUE, error))
      return FALSE;
  if (!vo_contact_store_replace_favorites (self->rows, none, error))
    return FALSE;
  emit_difference (self, before, NULL);
  return TRUE;
}
