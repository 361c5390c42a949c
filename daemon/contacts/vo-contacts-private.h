/* vo-contacts-private.h: what the files of VoContacts share: the object's
 * fields and the functions one file offers the others. Only daemon/contacts/
 * includes it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contacts.h"
#include "vo-contact-store.h"
#include "vo-contacts-device.h"
#include "vo-contact-keys.h"

G_BEGIN_DECLS

struct _VoContacts {
  GObject parent_instance;
  VoStore *store;
  VoContactStore *rows;
  VoAccount *account;         /* NULL in unit tests: no service, SIP-only */
  VoAccountService *service;  /* the account's, or NULL */
  VoSettings *settings;       /* NULL in unit tests: no device books */
  VoConfig *config;
  char *photo_dir;            /* $XDG_CACHE_HOME/virtual-office/contacts */
  char *region;               /* the last vo_contacts_region() */
  char *keyed_region;         /* the region the personal contacts' keys are in */
  GCancellable *cancellable;  /* every service request; cancelled at shutdown */
  gboolean started;
  gboolean shut_down;

  VoContactsPresenceFunc presence_func;
  gpointer presence_data;
  GDestroyNotify presence_destroy;

  /* "changed": ids gathered until the batch is emitted. */
  GHashTable *pending_changed;
  guint changed_id;

  VoContactsDevice *device;
  VoServiceState service_state;

  /* The company sync: one at a time; again after it when asked meanwhile. */
  gboolean sync_busy;
  gboolean sync_again;
  gboolean sync_full_wanted;  /* SYNC_EXPIRED or resync: start over, sweep */
  gboolean sync_full;         /* the running sync is full */
  GHashTable *sync_seen;      /* full sync: company ids the pages held */
  guint sync_pages;
  guint sync_rows;
  gint64 sync_start_us;

  /* Photos: queued ids, at most VO_CONTACTS_PHOTO_DOWNLOADS at a time. */
  GHashTable *photo_wanted;   /* id → etag, queued or downloading */
  GQueue photo_queue;         /* ids waiting */
  guint photo_running;

  /* Favorites with the service: one exchange at a time. */
  gboolean favorites_busy;
  gboolean favorites_again;
};

#define VO_CONTACTS_PHOTO_DOWNLOADS 4
#define VO_CONTACTS_MAX_IMPORT_CARDS 10000

/* vo-contacts.c */
void vo_contacts_emit_changed (VoContacts *self, const char *id);
void vo_contacts_emit_watch_wanted (VoContacts *self, const char *const *uris);
const char *vo_contacts_region (VoContacts *self);
GVariant *vo_contacts_row_to_dict (VoContacts *self, const VoContactRow *row);
VoServiceClient *vo_contacts_online_client (VoContacts *self, const char *capability);

/* vo-contacts-rows.c: the lookup keys and search terms of a row. */
gboolean vo_contacts_put_row (VoContacts *self, const VoContactRow *row, GError **error);

/* vo-contacts-company.c */
void vo_contacts_company_sync (VoContacts *self, gboolean full);
void vo_contacts_company_forget (VoContacts *self);
/* vo-contacts-photos.c */
char *vo_contacts_photo_cached (VoContacts *self, const char *id, const char *etag);
void vo_contacts_photo_carry_over (VoContacts *self, VoContactRow *row);
void vo_contacts_photo_want (VoContacts *self, const VoContactRow *row);
void vo_contacts_photo_remove (VoContacts *self, const char *id);
void vo_contacts_photos_clear (VoContacts *self);

/* vo-contacts-favorites.c */
void vo_contacts_favorites_sync (VoContacts *self);
void vo_contacts_favorites_watch (VoContacts *self);
gboolean vo_contacts_favorites_forget (VoContacts *self, GError **error);

/* vo-contacts-personal.c */
gboolean vo_contacts_fields_apply (VoContactRow *row, GVariant *fields, gboolean creating,
                                   GError **error);
gboolean vo_contacts_row_check (const VoContactRow *row, const char *what, GError **error);

/* vo-contacts-device-access.c */
void vo_contacts_device_access_start (VoContacts *self);
void vo_contacts_device_access_stop (VoContacts *self);

/* A service call ended because we cancelled it: VoServiceClient says so
 * with VO_SERVICE_ERROR_CANCELLED (vo-service-error.h), GIO with its own. */
static inline gboolean
vo_contacts_service_call_cancelled (const GError *error)
{
  return g_error_matches (error, VO_SERVICE_ERROR, VO_SERVICE_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

G_END_DECLS
