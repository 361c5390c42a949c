/* vo-contacts.h: every contact the user has, from three sources behind one
 * API (Contacts1): the company directory (the service's, cached in SQLite
 * and delta-synced), personal contacts (the user's own, in SQLite) and the
 * device's address books (Evolution Data Server, only while
 * Settings1.DeviceContactsAccess is true); favorites kept at the service;
 * one search over all; Resolve(number) for calls, history and messages.
 *
 * A contact is an a{sv} with the keys of DESIGN.md §3: id, source, name,
 * numbers, uris, emails, company, department, extension, favorite, photo,
 * presence, note. Ids are stable across restarts and syncs: "company:USER",
 * "personal:UUID", "device:…".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-config.h"
#include "vo-settings.h"
#include "vo-store.h"

G_BEGIN_DECLS

/* Longest name, company, department, note or single number/URI/e-mail a
 * contact takes, in characters; most numbers/URIs/e-mails per contact. */
#define VO_CONTACTS_MAX_FIELD 1024
#define VO_CONTACTS_MAX_VALUES 50
/* Largest vCard file ImportVCard reads, in bytes. */
#define VO_CONTACTS_MAX_VCARD_BYTES (16 * 1024 * 1024)
/* Default and largest page of List and Search. */
#define VO_CONTACTS_DEFAULT_LIMIT 100
#define VO_CONTACTS_MAX_LIMIT 1000
/* How many company contacts of one List/Search answer are asked to be
 * watched ("watch-wanted"): the first ones, what a screen shows. */
#define VO_CONTACTS_WATCH_PER_ANSWER 25

#define VO_TYPE_CONTACTS (vo_contacts_get_type ())
G_DECLARE_FINAL_TYPE (VoContacts, vo_contacts, VO, CONTACTS, GObject)

/* Signals:
 *   "changed" (GStrv ids): contacts added, changed (presence included) or
 *     removed, batched over a short while so a sync is a few signals;
 *   "watch-wanted" (GStrv uris): SIP URIs of company contacts the user is
 *     looking at (favorites, and those a List/Search/Get returned), for the
 *     presence layer to watch (it bounds how many). */
/* @account NULL: no service (favorites local only, no company contacts);
 * @settings NULL: no device address books; both as in the unit tests.
 * Fails only when the photo cache folder cannot be made. */
VoContacts *vo_contacts_new (VoStore *store, VoAccount *account, VoSettings *settings,
                             VoConfig *config, GError **error);

/* Starts the company sync (when signed in to a service), the favorites
 * sync and the device address books (when allowed). */
void vo_contacts_start (VoContacts *self);

/* The presence layer (above this one) answers the status nick of a SIP URI
 * ("available", …, "unknown"), or NULL when it does not know it. */
typedef char *(*VoContactsPresenceFunc) (const char *uri, gpointer user_data);
void vo_contacts_set_presence_func (VoContacts *self, VoContactsPresenceFunc func,
                                    gpointer user_data, GDestroyNotify destroy);
/* Presence of @uris changed: emits "changed" with the ids of their contacts. */
void vo_contacts_presence_changed (VoContacts *self, const char *const *uris);

/* Contacts1. @filter/@fields are a{sv}; unknown keys and wrong types fail
 * VO_ERROR_INVALID_ARGUMENT. List: @source company, personal, device,
 * favorites or all; filter offset (u), limit (u). Search: filter offset,
 * limit, source. Both return aa{sv}. */
GVariant *vo_contacts_list (VoContacts *self, const char *source, GVariant *filter,
                            GError **error);
GVariant *vo_contacts_search (VoContacts *self, const char *query, GVariant *filter,
                              GError **error);
/* a{sv}, or VO_ERROR_NOT_FOUND. */
GVariant *vo_contacts_get (VoContacts *self, const char *id, GError **error);

/* Personal contacts only. @fields: name (s, required for create), numbers,
 * uris, emails (as), company, department, extension, note (s). Update
 * changes the fields given. Other sources fail VO_ERROR_PERMISSION_DENIED. */
char *vo_contacts_create (VoContacts *self, GVariant *fields, GError **error);
gboolean vo_contacts_update (VoContacts *self, const char *id, GVariant *fields,
                             GError **error);
gboolean vo_contacts_delete (VoContacts *self, const char *id, GError **error);

/* Company and personal contacts (device ones fail
 * VO_ERROR_PERMISSION_DENIED). Stored at once and sent to the service
 * (again until it takes it). */
gboolean vo_contacts_set_favorite (VoContacts *self, const char *id, gboolean favorite,
                                   GError **error);

/* The contact whose number, extension or SIP URI @number is (any format:
 * "+31 20 123 4567", "020-1234567", "0031…", "201", "sip:alice@vo.test",
 * "tel:…"), as a{sv}; VO_ERROR_NOT_FOUND when none is. When several are,
 * a personal contact wins, then company, then device. */
GVariant *vo_contacts_resolve (VoContacts *self, const char *number, GError **error);

/* The same for the core (calls, history, messages): FALSE when nobody
 * matches; else *@id_out and *@name_out (both optional) are set. */
gboolean vo_contacts_lookup (VoContacts *self, const char *number_or_uri, char **id_out,
                             char **name_out);

/* What Dial and Send do with a target that is not a number or URI: the
 * one contact whose id is @text or whose name matches @text (every word a
 * prefix of a word of the name; an exact name wins over prefix matches) →
 * its SIP URI, else its first number. @for_message gives the same for now:
 * rows keep no number types, so no number can be told to be a mobile one.
 * *@id_out/@name_out (optional) get the contact's id and name.
 * VO_ERROR_NOT_FOUND when nobody matches; VO_ERROR_INVALID_ARGUMENT when
 * several do (the message lists them: "name (id)", at most 10) or the one
 * that does has no number or URI. */
char *vo_contacts_target_for_name (VoContacts *self, const char *text, gboolean for_message,
                                   char **id_out, char **name_out, GError **error);

/* ImportVCard: every card of @vcard (vCard 3 or 4, EVCard) becomes a new
 * personal contact; all or nothing (VO_ERROR_INVALID_ARGUMENT naming the
 * card and what is wrong). Returns the new ids. */
GStrv vo_contacts_import_vcard (VoContacts *self, GBytes *vcard, GError **error);
/* ExportVCard: vCard 3.0 text of @ids (any source; empty: every personal
 * contact). VO_ERROR_NOT_FOUND for an unknown id. */
GBytes *vo_contacts_export_vcard (VoContacts *self, const char *const *ids, GError **error);

/* Stops syncs and the device books; nothing is emitted after. */
void vo_contacts_shutdown (VoContacts *self);

G_END_DECLS
