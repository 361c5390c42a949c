/* vo-message-names.c: conversations carry their contact's name (PeerName):
 * new ones as they are made, existing ones once a contact for them appears
 * or is renamed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "vo-message-manager-private.h"
#include "vo-call-names.h"

char *
vo_message_manager_peer_name (VoMessageManager *self, const char *peer, const char *fallback)
{
  g_autofree char *name = NULL;

  if (vo_call_names_lookup (self->contacts, peer, NULL, &name) && *name)
    return g_steal_pointer (&name);
  return g_strdup (fallback ? fallback : "");
}

/* Stores and shows @conversation's contact name when it has one that is
 * not already its name. A deleted contact leaves the last name. */
static void
names_update (VoMessageManager *self, VoConversation *conversation)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (!vo_call_names_lookup (self->contacts, vo_conversation_get_peer (conversation), NULL,
                             &name) ||
      !*name || g_strcmp0 (name, vo_conversation_get_peer_name (conversation)) == 0)
    return;
  if (!vo_message_store_set_peer_name (self->store, vo_conversation_get_row_id (conversation),
                                       name, &error)) {
    g_message ("The conversation with %s keeps its name: %s",
               vo_conversation_get_peer (conversation), error->message);
    return;
  }
  vo_conversation_set_peer_name (conversation, name);
}

static gboolean
on_rename_due (gpointer user_data)
{
  VoMessageManager *self = user_data;

  self->rename_id = 0;
  for (GList *l = self->conversations; l; l = l->next)
    names_update (self, l->data);
  return G_SOURCE_REMOVE;
}

/* "changed" does not say which numbers the contacts had, so every open
 * conversation's peer is looked up again (an indexed query each), once per
 * burst of signals. */
static void
on_contacts_changed (VoContacts *contacts, GStrv ids, gpointer user_data)
{
  VoMessageManager *self = user_data;

  if (!self->rename_id)
    self->rename_id = g_idle_add (on_rename_due, self);
}

void
vo_message_manager_follow_contacts (VoMessageManager *self, VoContacts *contacts)
{
  if (!contacts)
    return;
  self->contacts = g_object_ref (contacts);
  g_signal_connect (contacts, "changed", G_CALLBACK (on_contacts_changed), self);
  /* Contacts that appeared while the daemon was stopped. */
  on_contacts_changed (contacts, NULL, self);
}

void
vo_message_manager_unfollow_contacts (VoMessageManager *self)
{
  g_clear_handle_id (&self->rename_id, g_source_remove);
  if (self->contacts)
    g_signal_handlers_disconnect_by_data (self->contacts, self);
  g_clear_object (&self->contacts);
}
