/* vo-call-names.h: who a number or URI is, and what a name means as a
 * target — the contacts as calls, history and messages use them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-contacts.h"

G_BEGIN_DECLS

/* vo_contacts_lookup(), but FALSE (and nothing set) without @contacts.
 * *@id_out and *@name_out are both set (either may be ""). */
gboolean vo_call_names_lookup (VoContacts *contacts, const char *number_or_uri, char **id_out,
                               char **name_out);

/* Whether @target could be a contact's name: not a sip:/sips:/tel: URI,
 * no '@', not a number or extension. Only those are looked up by name. */
gboolean vo_call_names_is_name (const char *target);

/* The rule of Dial, Send and Transfer (docs/dbus-api.md "Targets by name"):
 * a @target that vo_call_names_is_name() and that names exactly one
 * contact becomes that contact's SIP URI or number (a string
 * vo_dial_target_to_uri() takes); *@id_out and *@name_out (optional) get the
 * contact. NULL without an error when @target is not a name or names
 * nobody: the caller parses it as before (a bare word is then a user of
 * our domain). NULL with VO_ERROR_INVALID_ARGUMENT when several contacts
 * match (the message lists them) or the one that does cannot be reached. */
char *vo_call_names_target (VoContacts *contacts, const char *target, gboolean for_message,
                            char **id_out, char **name_out, GError **error);

/* @entry (a floating a{sv} with "contact-id", sunk and consumed) with the
 * presence, extension and company (s) of its contact added when that is a
 * company contact (F14: who is calling, and can I reach them now); else
 * @entry itself. The result is owned (not floating). */
GVariant *vo_call_names_add_details (VoContacts *contacts, GVariant *entry);

G_END_DECLS
