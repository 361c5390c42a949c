/* vo-dbus-messages.c: Messages1 on the root, Conversation1 objects under
 * /org/virtualoffice/conversations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "config.h"
#include "vo-dbus-messages.h"
#include "vo-enum-types.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"
#include "vo-dbus-options.h"

static const char *const conversation_mirrored[] = {
  "peer", "peer-name", "kind", "unread", "last-activity", "last-message", NULL
};
static const char *const messages_mirrored[] = { "unread", NULL };

typedef struct {
  VoMessageManager *manager;
  GDBusObjectManagerServer *object_manager;
  VoDbusMessages1 *skeleton;   /* not owned: it owns us */
} MessagesGlue;

static void
messages_glue_free (MessagesGlue *glue)
{
  g_signal_handlers_disconnect_by_data (glue->manager, glue);
  g_object_unref (glue->manager);
  g_object_unref (glue->object_manager);
  g_free (glue);
}

static VoConversation *
conversation_of (gpointer skeleton)
{
  return g_object_get_data (G_OBJECT (skeleton), "vo-conversation");
}

static VoMessageManager *
manager_of (gpointer skeleton)
{
  return g_object_get_data (G_OBJECT (skeleton), "vo-message-manager");
}

/* The one place a conversation's object path is made from its row id. */
static char *
conversation_path (gint64 id)
{
  return g_strdup_printf ("%s/conversations/%" G_GINT64_FORMAT, VO_OBJECT_PATH, id);
}

static char *
conversation_path_of (VoConversation *conversation)
{
  return conversation_path (vo_conversation_get_row_id (conversation));
}

/* A message dictionary of the core, its conversation (x) as the path (o). */
static GVariant *
message_for_bus (GVariant *message)
{
  GVariantDict dict;
  gint64 id;

  g_variant_dict_init (&dict, message);
  if (g_variant_dict_lookup (&dict, "conversation", "x", &id)) {
    g_autofree char *path = conversation_path (id);

    g_variant_dict_insert (&dict, "conversation", "o", path);
  }
  return g_variant_dict_end (&dict);
}

/* The same for a list of them (aa{sv}); consumes a floating @messages. */
static GVariant *
messages_for_bus (GVariant *messages)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (messages);
  GVariantBuilder builder;
  GVariantIter iter;
  GVariant *message;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_iter_init (&iter, owned);
  while ((message = g_variant_iter_next_value (&iter))) {
    g_variant_builder_add_value (&builder, message_for_bus (message));
    g_variant_unref (message);
  }
  return g_variant_builder_end (&builder);
}

/* ---- Conversation1 ------------------------------------------------------ */

/* Answers a Send once its message is on disk (later than the call when
 * another program holds the database locked). */
static void
send_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  const char *iface = g_dbus_method_invocation_get_interface_name (invocation);
  gint64 conversation_id = 0;

  if (!vo_message_manager_send_finish (result, &conversation_id, &id, &error)) {
    vo_error_return_gerror (g_steal_pointer (&invocation), error);
  } else if (g_str_equal (iface, "org.virtualoffice.Conversation1")) {
    g_dbus_method_invocation_return_value (g_steal_pointer (&invocation),
                                           g_variant_new ("(s)", id));
  } else {
    path = conversation_path (conversation_id);
    g_dbus_method_invocation_return_value (g_steal_pointer (&invocation),
                                           g_variant_new ("(os)", path, id));
  }
}

static gboolean
on_conversation_send (VoDbusConversation1 *skeleton, GDBusMethodInvocation *invocation,
                      const char *text)
{
  vo_message_manager_send_in_async (manager_of (skeleton), conversation_of (skeleton), text,
                                    send_done, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* GetMessages options: before (x time or s message id), limit (u). */
static gboolean
page_parse (GVariant *options, gint64 *before_us, const char **before_id, guint *limit,
            GError **error)
{
  g_autoptr(GVariant) before_time = NULL;
  g_autoptr(GVariant) before_message = NULL;
  g_autoptr(GVariant) limit_value = NULL;
  const VoDbusOption known[] = {
    { "before", "x", &before_time },
    { "before", "s", &before_message },
    { "limit", "u", &limit_value },
    { NULL },
  };

  if (!vo_dbus_options_parse (options, "GetMessages", known, error))
    return FALSE;
  if (before_time)
    *before_us = g_variant_get_int64 (before_time);
  if (before_message)
    *before_id = g_variant_get_string (before_message, NULL);
  /* "" is no message: taking it as no filter would hand back the newest
   * page to a client that meant some other page. */
  if (*before_id && !**before_id) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                         "GetMessages: \"before\" is an empty message id; give the id of "
                         "the oldest message of the last page, or leave \"before\" out "
                         "for the newest messages");
    return FALSE;
  }
  if (limit_value)
    *limit = g_variant_get_uint32 (limit_value);
  return TRUE;
}

static gboolean
on_get_messages (VoDbusConversation1 *skeleton, GDBusMethodInvocation *invocation,
                 GVariant *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) messages = NULL;
  gint64 before_us = G_MAXINT64;
  const char *before_id = NULL;
  guint limit = VO_MESSAGE_PAGE_DEFAULT;

  if (page_parse (options, &before_us, &before_id, &limit, &error))
    messages = vo_message_manager_get_messages (manager_of (skeleton), conversation_of (skeleton),
                                                before_us, before_id, limit, &error);
  if (messages)
    vo_dbus_conversation1_complete_get_messages (skeleton, invocation,
                                                 messages_for_bus (g_steal_pointer (&messages)));
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_mark_read (VoDbusConversation1 *skeleton, GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;

  if (vo_message_manager_mark_read (manager_of (skeleton), conversation_of (skeleton), &error))
    vo_dbus_conversation1_complete_mark_read (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_delete (VoDbusConversation1 *skeleton, GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoDbusConversation1) keep = g_object_ref (skeleton);

  /* The reply goes out before the object leaves the bus. */
  if (vo_message_manager_delete (manager_of (skeleton), conversation_of (skeleton), &error))
    vo_dbus_conversation1_complete_delete (skeleton, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_message_added (VoConversation *conversation, GVariant *message, gpointer user_data)
{
  vo_dbus_conversation1_emit_message_added (VO_DBUS_CONVERSATION1 (user_data),
                                            message_for_bus (message));
}

static void
on_message_status_changed (VoConversation *conversation, const char *id,
                           VoMessageStatus status, gpointer user_data)
{
  vo_dbus_conversation1_emit_message_status_changed (VO_DBUS_CONVERSATION1 (user_data), id,
                                                     vo_enum_to_nick (VO_TYPE_MESSAGE_STATUS,
                                                                      status));
}

static void
export_conversation (MessagesGlue *glue, VoConversation *conversation)
{
  g_autofree char *path = conversation_path_of (conversation);
  g_autoptr(VoDbusObjectSkeleton) object = vo_dbus_object_skeleton_new (path);
  g_autoptr(VoDbusConversation1) skeleton = vo_dbus_conversation1_skeleton_new ();

  g_object_set_data_full (G_OBJECT (skeleton), "vo-conversation", g_object_ref (conversation),
                          g_object_unref);
  g_object_set_data_full (G_OBJECT (skeleton), "vo-message-manager",
                          g_object_ref (glue->manager), g_object_unref);
  vo_dbus_mirror_properties (G_OBJECT (conversation), G_DBUS_INTERFACE_SKELETON (skeleton),
                             conversation_mirrored);
  g_signal_connect (skeleton, "handle-send", G_CALLBACK (on_conversation_send), NULL);
  g_signal_connect (skeleton, "handle-get-messages", G_CALLBACK (on_get_messages), NULL);
  g_signal_connect (skeleton, "handle-mark-read", G_CALLBACK (on_mark_read), NULL);
  g_signal_connect (skeleton, "handle-delete", G_CALLBACK (on_delete), NULL);
  g_signal_connect_object (conversation, "message-added", G_CALLBACK (on_message_added),
                           skeleton, 0);
  g_signal_connect_object (conversation, "message-status-changed",
                           G_CALLBACK (on_message_status_changed), skeleton, 0);
  vo_dbus_object_skeleton_set_conversation1 (object, skeleton);
  g_dbus_object_manager_server_export (glue->object_manager, G_DBUS_OBJECT_SKELETON (object));
}

static void
on_conversation_added (VoMessageManager *manager, VoConversation *conversation,
                       gpointer user_data)
{
  export_conversation (user_data, conversation);
}

static void
on_conversation_removed (VoMessageManager *manager, VoConversation *conversation,
                         gpointer user_data)
{
  MessagesGlue *glue = user_data;
  g_autofree char *path = conversation_path_of (conversation);
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object (
    G_DBUS_OBJECT_MANAGER (glue->object_manager), path);
  g_autoptr(VoDbusConversation1) skeleton = NULL;

  if (!object)
    return;
  skeleton = vo_dbus_object_get_conversation1 (VO_DBUS_OBJECT (object));
  if (skeleton) {
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (skeleton));
    g_signal_handlers_disconnect_by_data (conversation, skeleton);
  }
  g_dbus_object_manager_server_unexport (glue->object_manager, path);
}

static void
on_received (VoMessageManager *manager, VoConversation *conversation, GVariant *message,
             gpointer user_data)
{
  MessagesGlue *glue = user_data;
  g_autofree char *path = conversation_path_of (conversation);

  vo_dbus_messages1_emit_received (glue->skeleton, path, message_for_bus (message));
}

/* ---- Messages1 ---------------------------------------------------------- */

static gboolean
on_send (VoDbusMessages1 *skeleton, GDBusMethodInvocation *invocation, const char *to,
         const char *text, GVariant *options, gpointer user_data)
{
  MessagesGlue *glue = user_data;
  g_autoptr(GError) error = NULL;
  const VoDbusOption no_options[] = { { NULL } };

  if (vo_dbus_options_parse (options, "Send", no_options, &error))
    vo_message_manager_send_async (glue->manager, to, text, send_done, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_open (VoDbusMessages1 *skeleton, GDBusMethodInvocation *invocation, const char *peer,
         gpointer user_data)
{
  MessagesGlue *glue = user_data;
  g_autoptr(GError) error = NULL;
  VoConversation *conversation = vo_message_manager_open (glue->manager, peer, &error);
  g_autofree char *path = conversation ? conversation_path_of (conversation) : NULL;

  if (conversation)
    vo_dbus_messages1_complete_open (skeleton, invocation, path);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
search_parse (GVariant *options, guint *offset, guint *limit, GError **error)
{
  g_autoptr(GVariant) offset_value = NULL;
  g_autoptr(GVariant) limit_value = NULL;
  const VoDbusOption known[] = {
    { "offset", "u", &offset_value },
    { "limit", "u", &limit_value },
    { NULL },
  };

  if (!vo_dbus_options_parse (options, "Search", known, error))
    return FALSE;
  if (offset_value)
    *offset = g_variant_get_uint32 (offset_value);
  if (limit_value)
    *limit = g_variant_get_uint32 (limit_value);
  return TRUE;
}

static gboolean
on_search (VoDbusMessages1 *skeleton, GDBusMethodInvocation *invocation, const char *query,
           GVariant *options, gpointer user_data)
{
  MessagesGlue *glue = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) messages = NULL;
  guint offset = 0, limit = VO_MESSAGE_PAGE_DEFAULT;

  if (search_parse (options, &offset, &limit, &error))
    messages = vo_message_manager_search (glue->manager, query, offset, limit, &error);
  if (messages)
    vo_dbus_messages1_complete_search (skeleton, invocation,
                                       messages_for_bus (g_steal_pointer (&messages)));
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

GDBusInterfaceSkeleton *
vo_dbus_messages_new (VoMessageManager *manager, GDBusObjectManagerServer *object_manager)
{
  VoDbusMessages1 *skeleton = vo_dbus_messages1_skeleton_new ();
  MessagesGlue *glue = g_new0 (MessagesGlue, 1);

  glue->manager = g_object_ref (manager);
  glue->object_manager = g_object_ref (object_manager);
  glue->skeleton = skeleton;
  g_object_set_data_full (G_OBJECT (skeleton), "vo-messages-glue", glue,
                          (GDestroyNotify) messages_glue_free);
  vo_dbus_mirror_properties (G_OBJECT (manager), G_DBUS_INTERFACE_SKELETON (skeleton),
                             messages_mirrored);
  g_signal_connect (skeleton, "handle-send", G_CALLBACK (on_send), glue);
  g_signal_connect (skeleton, "handle-open", G_CALLBACK (on_open), glue);
  g_signal_connect (skeleton, "handle-search", G_CALLBACK (on_search), glue);
  g_signal_connect (manager, "conversation-added", G_CALLBACK (on_conversation_added), glue);
  g_signal_connect (manager, "conversation-removed", G_CALLBACK (on_conversation_removed), glue);
  g_signal_connect (manager, "received", G_CALLBACK (on_received), glue);
  for (GList *l = vo_message_manager_get_conversations (manager); l; l = l->next)
    export_conversation (glue, l->data);
  return G_DBUS_INTERFACE_SKELETON (skeleton);
}
