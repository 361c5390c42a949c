/* vo-contacts-device.c: the session's EDS address books mirrored into the
 * contact store as source "device", followed live through one
 * EBookClientView per enabled address book.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-contacts"

#include "vo-contacts-device.h"
#include "vo-contact-keys.h"
#include "vo-contact-vcard-card.h"
#include "vo-contacts.h"
#include "vo-error.h"

#include <string.h>
#include <glib/gstdio.h>

/* libedataserver's headers still use GTimeVal. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook/libebook.h>
G_GNUC_END_IGNORE_DEPRECATIONS

/* e_book_client_connect's "do not wait for the connected state": the
 * mirror only reads, and a book that is offline still answers from its
 * cache (waiting runs to its timeout where nothing ever says "connected"). */
#define CONNECT_NO_WAIT ((guint32) -1)

/* The bus name of EDS's source registry (evolution-source-registry). */
#define EDS_REGISTRY_BUS_NAME "org.gnome.evolution.dataserver.Sources5"

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One followed address book. Reference-counted: an answer of EDS may still
 * be on its way when the book is dropped (its cancellable then says so). */
typedef struct {
  VoContactsDevice *device; /* not a reference: the device drops its books first */
  char *uid;
  char *id_prefix; /* "device:" + uid + ":" */
  GCancellable *cancellable;
  EBookClient *client;
  EBookClientView *view;
  GPtrArray *initial; /* rows seen before "complete": VoContactRow */
  gboolean complete;
} Book;

struct _VoContactsDevice {
  GObject parent_instance;

  VoContactStore *store;
  char *photo_dir;
  char *region;
  gboolean running;
  GCancellable *cancellable; /* of this start(): cancelled by stop() */
  ESourceRegistry *registry;
  GHashTable *books; /* source uid → Book */
};

G_DEFINE_FINAL_TYPE (VoContactsDevice, vo_contacts_device, G_TYPE_OBJECT)

static Book *
book_new (VoContactsDevice *device, const char *uid)
{
  Book *book = g_rc_box_new0 (Book);

  book->device = device;
  book->uid = g_strdup (uid);
  book->id_prefix = g_strconcat ("device:", uid, ":", NULL);
  book->cancellable = g_cancellable_new ();
  book->initial = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);
  return book;
}

static void
unlink_photo (VoContactsDevice *device, const char *photo)
{
  /* Only the copies made here: never a file EDS or the user owns. */
  if (photo && *photo && device && g_str_has_prefix (photo, device->photo_dir))
    g_unlink (photo);
}

static void
book_clear (Book *book)
{
  if (book->view)
    g_signal_handlers_disconnect_by_data (book->view, book);
  g_clear_object (&book->view);
  g_clear_object (&book->client);
  g_clear_object (&book->cancellable);
  g_free (book->uid);
  g_free (book->id_prefix);
  g_ptr_array_unref (book->initial);
}

static void
book_unref (Book *book)
{
  g_rc_box_release_full (book, (GDestroyNotify) book_clear);
}

/* Stops following @book: its pending answers are cancelled and ignored. */
static void
book_drop (Book *book)
{
  g_cancellable_cancel (book->cancellable);
  if (book->view) {
    g_signal_handlers_disconnect_by_data (book->view, book);
    e_book_client_view_stop (book->view, NULL);
  }
  for (guint i = 0; i < book->initial->len; i++)
    unlink_photo (book->device, ((VoContactRow *) g_ptr_array_index (book->initial, i))->photo);
  g_ptr_array_set_size (book->initial, 0);
  book->device = NULL;
  book_unref (book);
}

static gboolean
put_row (VoContactsDevice *self, const VoContactRow *row, GError **error)
{
  g_auto (GStrv) keys = vo_contacts_row_keys (row, self->region);
  g_auto (GStrv) terms = vo_contacts_row_terms (row, self->region);

  return vo_contact_store_put (self->store, row, (const char *const *) keys,
                               (const char *const *) terms, error);
}

/* The photo files of the rows with @ids now in the store. */
static GPtrArray *
stored_photos (VoContactsDevice *self, GPtrArray *ids)
{
  GPtrArray *photos = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ids->len; i++) {
    g_autoptr (VoContactRow) row = vo_contact_store_get (self->store, ids->pdata[i], NULL);
    if (row && *row->photo)
      g_ptr_array_add (photos, g_strdup (row->photo));
  }
  return photos;
}

static gboolean
photo_kept (GPtrArray *rows, const char *photo)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (((VoContactRow *) rows->pdata[i])->photo, photo) == 0)
      return TRUE;
  return FALSE;
}

/* One transaction: deletes the rows @removed, then puts @rows; then the
 * replaced photo files go and "changed" names every id touched. On failure
 * nothing changes and the new photo files go instead. */
static void
apply (VoContactsDevice *self, GPtrArray *removed, GPtrArray *rows)
{
  g_autoptr (GPtrArray) touched = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) old_photos = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  for (guint i = 0; i < removed->len; i++)
    g_ptr_array_add (touched, g_strdup (removed->pdata[i]));
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (touched, g_strdup (((VoContactRow *) rows->pdata[i])->id));
  if (touched->len == 0)
    return;
  old_photos = stored_photos (self, touched);

  ok = vo_contact_store_begin (self->store, &error);
  for (guint i = 0; ok && i < removed->len; i++) {
    ok = vo_contact_store_delete (self->store, removed->pdata[i], &error);
    if (!ok && g_error_matches (error, VO_ERROR, VO_ERROR_NOT_FOUND)) {
      g_clear_error (&error);
      ok = TRUE;
    }
  }
  for (guint i = 0; ok && i < rows->len; i++)
    ok = put_row (self, rows->pdata[i], &error);
  if (ok)
    ok = vo_contact_store_commit (self->store, &error);
  if (!ok) {
    g_warning ("Cannot store the device's contacts: %s", error->message);
    vo_contact_store_rollback (self->store);
    for (guint i = 0; i < rows->len; i++)
      unlink_photo (self, ((VoContactRow *) rows->pdata[i])->photo);
    return;
  }
  for (guint i = 0; i < old_photos->len; i++)
    if (!photo_kept (rows, old_photos->pdata[i]))
      unlink_photo (self, old_photos->pdata[i]);
  g_ptr_array_add (touched, NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (GStrv) touched->pdata);
}

/* The ids of @book's rows in the store. */
static GPtrArray *
book_stored_ids (Book *book)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) all = vo_contact_store_ids (book->device->store, "device", NULL);

  for (guint i = 0; all && all[i]; i++)
    if (g_str_has_prefix (all[i], book->id_prefix))
      g_ptr_array_add (ids, g_strdup (all[i]));
  return ids;
}

/* @contacts (EContact) as device rows of @book; those that cannot be
 * read (no name at all, over the limits) are left out, their ids added to
 * @unreadable (a contact edited into one must not keep its old row). */
static GPtrArray *
book_rows (Book *book, const GSList *contacts, GPtrArray *unreadable)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);

  for (const GSList *c = contacts; c; c = c->next) {
    EContact *contact = c->data;
    const char *uid = e_contact_get_const (contact, E_CONTACT_UID);
    g_autofree char *label = g_strdup_printf ("device contact %s", uid ? uid : "");
    g_autoptr (GError) error = NULL;
    VoContactRow *row;

    if (!uid)
      continue;
    row = vo_contact_vcard_card_to_row (E_VCARD (contact), label, book->device->photo_dir,
                                        VO_CONTACTS_MAX_FIELD, VO_CONTACTS_MAX_VALUES,
                                        VO_CONTACT_VCARD_READ_FILE_PHOTOS, &error);
    if (!row) {
      g_debug ("Left out: %s", error->message);
      g_ptr_array_add (unreadable, g_strconcat (book->id_prefix, uid, NULL));
      continue;
    }
    g_free (row->id);
    row->id = g_strconcat (book->id_prefix, uid, NULL);
    g_free (row->source);
    row->source = g_strdup ("device");
    g_ptr_array_add (rows, row);
  }
  return rows;
}

static void
on_objects_added_or_modified (EBookClientView *view, const GSList *contacts, gpointer user_data)
{
  Book *book = user_data;
  g_autoptr (GPtrArray) unreadable = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) rows = book_rows (book, contacts, unreadable);

  if (!book->complete) {
    g_ptr_array_extend_and_steal (book->initial, g_steal_pointer (&rows));
    return;
  }
  apply (book->device, unreadable, rows);
}

static void
on_objects_removed (EBookClientView *view, const GSList *uids, gpointer user_data)
{
  Book *book = user_data;
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();

  for (const GSList *u = uids; u; u = u->next)
    g_ptr_array_add (removed, g_strconcat (book->id_prefix, (const char *) u->data, NULL));
  if (!book->complete) {
    /* Gone before the first load was stored: forget it there. */
    for (guint i = 0; i < removed->len; i++)
      for (guint r = book->initial->len; r > 0; r--)
        if (g_str_equal (((VoContactRow *) book->initial->pdata[r - 1])->id, removed->pdata[i])) {
          unlink_photo (book->device, ((VoContactRow *) book->initial->pdata[r - 1])->photo);
          g_ptr_array_remove_index (book->initial, r - 1);
        }
    return;
  }
  apply (book->device, removed, none);
}

/* The first load is in: it replaces the book's rows at once, so a contact
 * deleted while the daemon was not running disappears too. */
static void
on_view_complete (EBookClientView *view, const GError *error, gpointer user_data)
{
  Book *book = user_data;
  g_autoptr (GPtrArray) old_ids = NULL;
  g_autoptr (GPtrArray) rows = NULL;

  if (book->complete)
    return;
  if (error)
    g_message ("Address book %s did not load completely: %s", book->uid, error->message);
  book->complete = TRUE;
  old_ids = book_stored_ids (book);
  rows = g_steal_pointer (&book->initial);
  book->initial = g_ptr_array_new_with_free_func ((GDestroyNotify) vo_contact_row_free);
  apply (book->device, old_ids, rows);
}

static void
on_view_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Book *book = user_data;
  g_autoptr (GError) error = NULL;
  EBookClientView *view = NULL;

  if (!e_book_client_get_view_finish (E_BOOK_CLIENT (source), result, &view, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message ("Cannot follow address book %s: %s", book->uid, error->message);
  } else if (g_cancellable_is_cancelled (book->cancellable)) {
    g_object_unref (view);
  } else {
    book->view = view;
    g_signal_connect (view, "objects-added", G_CALLBACK (on_objects_added_or_modified), book);
    g_signal_connect (view, "objects-modified", G_CALLBACK (on_objects_added_or_modified),
                      book);
    g_signal_connect (view, "objects-removed", G_CALLBACK (on_objects_removed), book);
    g_signal_connect (view, "complete", G_CALLBACK (on_view_complete), book);
    e_book_client_view_start (view, &error);
    if (error)
      g_message ("Cannot follow address book %s: %s", book->uid, error->message);
  }
  book_unref (book);
}

static void
on_client_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Book *book = user_data;
  g_autoptr (GError) error = NULL;
  EClient *client = e_book_client_connect_finish (result, &error);

  if (!client) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message ("Cannot open address book %s: %s", book->uid, error->message);
  } else if (g_cancellable_is_cancelled (book->cancellable)) {
    g_object_unref (client);
  } else {
    /* Every contact of the book. */
    EBookQuery *query = e_book_query_any_field_contains ("");
    g_autofree char *sexp = e_book_query_to_string (query);

    e_book_query_unref (query);
    book->client = E_BOOK_CLIENT (client);
    e_book_client_get_view (book->client, sexp, book->cancellable, on_view_ready,
                            g_rc_box_acquire (book));
  }
  book_unref (book);
}

static void
follow_book (VoContactsDevice *self, ESource *source)
{
  const char *uid = e_source_get_uid (source);
  Book *book;

  if (!e_source_has_extension (source, E_SOURCE_EXTENSION_ADDRESS_BOOK) ||
      !e_source_registry_check_enabled (self->registry, source) ||
      g_hash_table_contains (self->books, uid))
    return;
  book = book_new (self, uid);
  g_hash_table_insert (self->books, g_strdup (uid), book);
  e_book_client_connect (source, CONNECT_NO_WAIT, book->cancellable, on_client_connected,
                         g_rc_box_acquire (book));
}

/* Stops following the book of @source and removes its rows. */
static void
forget_book (VoContactsDevice *self, ESource *source)
{
  Book *book = g_hash_table_lookup (self->books, e_source_get_uid (source));
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) none = g_ptr_array_new ();

  if (!book)
    return;
  ids = book_stored_ids (book);
  g_hash_table_remove (self->books, e_source_get_uid (source));
  apply (self, ids, none);
}

static void
on_source_added_or_enabled (ESourceRegistry *registry, ESource *source, gpointer user_data)
{
  follow_book (user_data, source);
}

static void
on_source_removed_or_disabled (ESourceRegistry *registry, ESource *source, gpointer user_data)
{
  forget_book (user_data, source);
}

/* What a start() waits for: the device, and that start's cancellable. */
typedef struct {
  VoContactsDevice *self;
  GCancellable *cancellable;
  ESourceRegistry *registry; /* made, not yet known to be served */
} Start;

static void
start_free (Start *start)
{
  g_object_unref (start->self);
  g_object_unref (start->cancellable);
  g_clear_object (&start->registry);
  g_free (start);
}

/* Drops every device row (EDS is gone, or the device stopped). */
static void
remove_all_rows (VoContactsDevice *self)
{
  g_auto (GStrv) ids = vo_contact_store_ids (self->store, "device", NULL);
  g_autoptr (GPtrArray) photos = NULL;
  g_autoptr (GPtrArray) id_array = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; ids && ids[i]; i++)
    g_ptr_array_add (id_array, ids[i]);
  if (id_array->len == 0)
    return;
  photos = stored_photos (self, id_array);
  if (!vo_contact_store_delete_source (self->store, "device", NULL, &error)) {
    g_warning ("Cannot remove the device's contacts: %s", error->message);
    return;
  }
  for (guint i = 0; i < photos->len; i++)
    unlink_photo (self, photos->pdata[i]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, ids);
}

void
vo_contacts_device_forget (VoContactsDevice *self)
{
  g_return_if_fail (VO_IS_CONTACTS_DEVICE (self));
  remove_all_rows (self);
}

/* Follows the enabled address books of @registry and those that come. */
static void
follow_registry (VoContactsDevice *self, ESourceRegistry *registry)
{
  GList *sources;

  self->registry = registry;
  g_signal_connect (registry, "source-added", G_CALLBACK (on_source_added_or_enabled), self);
  g_signal_connect (registry, "source-enabled", G_CALLBACK (on_source_added_or_enabled), self);
  g_signal_connect (registry, "source-removed", G_CALLBACK (on_source_removed_or_disabled),
                    self);
  g_signal_connect (registry, "source-disabled", G_CALLBACK (on_source_removed_or_disabled),
                    self);
  sources = e_source_registry_list_enabled (registry, E_SOURCE_EXTENSION_ADDRESS_BOOK);
  for (GList *s = sources; s; s = s->next)
    follow_book (self, s->data);
  g_list_free_full (sources, g_object_unref);
}

static void
no_eds (VoContactsDevice *self, const char *why)
{
  g_message ("No device contacts: Evolution Data Server is not available (%s)", why);
  remove_all_rows (self);
}

/* ESourceRegistry is made even when nobody owns its bus name (it then
 * simply lists no sources): whether EDS is there is asked of the bus. */
static void
on_registry_owner (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Start *start = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                              result, &error);
  gboolean owned = FALSE;

  if (reply)
    g_variant_get (reply, "(b)", &owned);
  if (!owned && !g_cancellable_is_cancelled (start->cancellable))
    no_eds (start->self, error ? error->message : "nobody owns " EDS_REGISTRY_BUS_NAME);
  else if (!g_cancellable_is_cancelled (start->cancellable))
    follow_registry (start->self, g_steal_pointer (&start->registry));
  start_free (start);
}

static void
on_registry_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Start *start = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) bus = NULL;

  start->registry = e_source_registry_new_finish (result, &error);
  if (!start->registry && !g_cancellable_is_cancelled (start->cancellable))
    no_eds (start->self, error->message);
  if (!start->registry || g_cancellable_is_cancelled (start->cancellable) ||
      !(bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error))) {
    start_free (start);
    return;
  }
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", EDS_REGISTRY_BUS_NAME), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, start->cancellable, on_registry_owner,
                          start);
}

void
vo_contacts_device_start (VoContactsDevice *self)
{
  Start *start;

  g_return_if_fail (VO_IS_CONTACTS_DEVICE (self));
  if (self->running)
    return;
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  start = g_new0 (Start, 1);
  start->self = g_object_ref (self);
  start->cancellable = g_object_ref (self->cancellable);
  e_source_registry_new (self->cancellable, on_registry_ready, start);
}

/* Stops following EDS, keeping the rows (dispose and stop). */
static void
unfollow (VoContactsDevice *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->books);
  if (self->registry)
    g_signal_handlers_disconnect_by_data (self->registry, self);
  g_clear_object (&self->registry);
  self->running = FALSE;
}

void
vo_contacts_device_stop (VoContactsDevice *self)
{
  g_return_if_fail (VO_IS_CONTACTS_DEVICE (self));
  unfollow (self);
  remove_all_rows (self);
}

gboolean
vo_contacts_device_is_running (VoContactsDevice *self)
{
  g_return_val_if_fail (VO_IS_CONTACTS_DEVICE (self), FALSE);
  return self->running;
}

void
vo_contacts_device_set_region (VoContactsDevice *self, const char *region)
{
  g_return_if_fail (VO_IS_CONTACTS_DEVICE (self));
  g_free (self->region);
  self->region = g_strdup (region);
}

static void
vo_contacts_device_dispose (GObject *object)
{
  VoContactsDevice *self = VO_CONTACTS_DEVICE (object);

  unfollow (self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (vo_contacts_device_parent_class)->dispose (object);
}

static void
vo_contacts_device_finalize (GObject *object)
{
  VoContactsDevice *self = VO_CONTACTS_DEVICE (object);

  g_hash_table_unref (self->books);
  g_free (self->photo_dir);
  g_free (self->region);
  G_OBJECT_CLASS (vo_contacts_device_parent_class)->finalize (object);
}

static void
vo_contacts_device_class_init (VoContactsDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_contacts_device_dispose;
  object_class->finalize = vo_contacts_device_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_STRV);
}

static void
vo_contacts_device_init (VoContactsDevice *self)
{
  self->books = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) book_drop);
}

VoContactsDevice *
vo_contacts_device_new (VoContactStore *store, const char *photo_dir)
{
  VoContactsDevice *self = g_object_new (VO_TYPE_CONTACTS_DEVICE, NULL);

  self->store = g_object_ref (store);
  self->photo_dir = g_strdup (photo_dir);
  return self;
}
