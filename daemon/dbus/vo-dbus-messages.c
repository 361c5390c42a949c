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

/* The generated skeletons, implementing their methods on the core objects
 * they export: Messages1 on the root, Conversation1 per conversation. */
#define VO_TYPE_DBUS_MESSAGES (vo_dbus_messages_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusMessages, vo_dbus_messages, VO, DBUS_MESSAGES,
                      VoDbusMessages1Skeleton)

struct _VoDbusMessages {
  VoDbusMessages1Skeleton parent_instance;
  VoMessageManager *manager;
  GDBusObjectManagerServer *object_manager;   /* where conversations appear */
};

static void vo_dbus_messages_iface_init (VoDbusMessages1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusMessages, vo_dbus_messages, VO_DBUS_TYPE_MESSAGES1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_MESSAGES1,
                                                      vo_dbus_messages_iface_init))

#define VO_TYPE_DBUS_CONVERSATION (vo_dbus_conversation_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusConversation, vo_dbus_conversation, VO, DBUS_CONVERSATION,
                      VoDbusConversation1Skeleton)

struct _VoDbusConversation {
  VoDbusConversation1Skeleton parent_instance;
  VoConversation *conversation;
  VoMessageManager *manager;
};

static void vo_dbus_conversation_iface_init (VoDbusConversation1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusConversation, vo_dbus_conversation,
                               VO_DBUS_TYPE_CONVERSATION1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_CONVERSATION1,
                                                      vo_dbus_conversation_iface_init))

static VoConversation *
conversation_of (gpointer skeleton)
{
  return VO_DBUS_CONVERSATION (skeleton)->conversation;
}

static VoMessageManager *
manager_of (gpointer skeleton)
{
  return VO_DBUS_CONVERSATION (skeleton)->manager;
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
vo_dbus_conversation_dispose (GObject *object)
{
  VoDbusConversation *self = VO_DBUS_CONVERSATION (object);

  g_clear_object (&self->conversation);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (vo_dbus_conversation_parent_class)->dispose (object);
}

static void
vo_dbus_conversation_class_init (VoDbusConversationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_conversation_dispose;
}

static void
vo_dbus_conversation_iface_init (VoDbusConversation1Iface *iface)
{
  iface->handle_send = on_conversation_send;
  iface->handle_get_messages = on_get_messages;
  iface->handle_mark_read = on_mark_read;
  iface->handle_delete = on_delete;
}

static void
vo_dbus_conversation_init (VoDbusConversation *self)
{
}

static void
export_conversation (VoDbusMessages *self, VoConversation *conversation)
{
  g_autofree char *path = conversation_path_of (conversation);
  g_autoptr(VoDbusObjectSkeleton) object = vo_dbus_object_skeleton_new (path);
  g_autoptr(VoDbusConversation) skeleton = g_object_new (VO_TYPE_DBUS_CONVERSATION, NULL);

  skeleton->conversation = g_object_ref (conversation);
  skeleton->manager = g_object_ref (self->manager);
  vo_dbus_mirror_properties (G_OBJECT (conversation), G_DBUS_INTERFACE_SKELETON (skeleton),
                             conversation_mirrored);
  g_signal_connect_object (conversation, "message-added", G_CALLBACK (on_message_added),
                           skeleton, 0);
  g_signal_connect_object (conversation, "message-status-changed",
                           G_CALLBACK (on_message_status_changed), skeleton, 0);
  vo_dbus_object_skeleton_set_conversation1 (object, VO_DBUS_CONVERSATION1 (skeleton));
  g_dbus_object_manager_server_export (self->object_manager, G_DBUS_OBJECT_SKELETON (object));
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
  VoDbusMessages *self = user_data;
  g_autofree char *path = conversation_path_of (conversation);
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object (
    G_DBUS_OBJECT_MANAGER (self->object_manager), path);
  g_autoptr(VoDbusConversation1) skeleton = NULL;

  if (!object)
    return;
  skeleton = vo_dbus_object_get_conversation1 (VO_DBUS_OBJECT (object));
  if (skeleton) {
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (skeleton));
    g_signal_handlers_disconnect_by_data (conversation, skeleton);
  }
  g_dbus_object_manager_server_unexport (self->object_manager, path);
}

static void
on_received (VoMessageManager *manager, VoConversation *conversation, GVariant *message,
             gpointer user_data)
{
  g_autofree char *path = conversation_path_of (conversation);

  vo_dbus_messages1_emit_received (VO_DBUS_MESSAGES1 (user_data), path,
                                   message_for_bus (message));
}

/* ---- Messages1 ---------------------------------------------------------- */

static gboolean
on_send (VoDbusMessages1 *skeleton, GDBusMethodInvocation *invocation, const char *to,
         const char *text, GVariant *options)
{
  g_autoptr(GError) error = NULL;
  const VoDbusOption no_options[] = { { NULL } };

  if (vo_dbus_options_parse (options, "Send", no_options, &error))
    vo_message_manager_send_async (VO_DBUS_MESSAGES (skeleton)->manager, to, text, send_done, invocation);
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_open (VoDbusMessages1 *skeleton, GDBusMethodInvocation *invocation, const char *peer)
{
  g_autoptr(GError) error = NULL;
  VoConversation *conversation =
    vo_message_manager_open (VO_DBUS_MESSAGES (skeleton)->manager, peer, &error);
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
           GVariant *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) messages = NULL;
  guint offset = 0, limit = VO_MESSAGE_PAGE_DEFAULT;

  if (search_parse (options, &offset, &limit, &error))
    messages = vo_message_manager_search (VO_DBUS_MESSAGES (skeleton)->manager, query, offset, limit, &error);
  if (messages)
    vo_dbus_messages1_complete_search (skeleton, invocation,
                                       messages_for_bus (g_steal_pointer (&messages)));
  else
    vo_error_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
vo_dbus_messages_dispose (GObject *object)
{
  VoDbusMessages *self = VO_DBUS_MESSAGES (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->object_manager);
  G_OBJECT_CLASS (vo_dbus_messages_parent_class)->dispose (object);
}

static void
vo_dbus_messages_class_init (VoDbusMessagesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_messages_dispose;
}

static void
vo_dbus_messages_iface_init (VoDbusMessages1Iface *iface)
{
  iface->handle_send = on_send;
  iface->handle_open = on_open;
  iface->handle_search = on_search;
}

static void
vo_dbus_messages_init (VoDbusMessages *self)
{
}

GDBusInterfaceSkeleton *
vo_dbus_messages_new (VoMessageManager *manager, GDBusObjectManagerServer *object_manager)
{
  VoDbusMessages *self = g_object_new (VO_TYPE_DBUS_MESSAGES, NULL);

  self->manager = g_object_ref (manager);
  self->object_manager = g_object_ref (object_manager);
  vo_dbus_mirror_properties (G_OBJECT (manager), G_DBUS_INTERFACE_SKELETON (self),
                             messages_mirrored);
  g_signal_connect_object (manager, "conversation-added", G_CALLBACK (on_conversation_added),
                           self, 0);
  g_signal_connect_object (manager, "conversation-removed",
                           G_CALLBACK (on_conversation_removed), self, 0);
  g_signal_connect_object (manager, "received", G_CALLBACK (on_received), self, 0);
  for (GList *l = vo_message_manager_get_conversations (manager); l; l = l->next)
    export_conversation (self, l->data);
  return G_DBUS_INTERFACE_SKELETON (self);
}
