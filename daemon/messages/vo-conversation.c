/* vo-conversation.c: a conversation's properties and signals.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "config.h"
#include "vo-conversation.h"
#include "vo-enum-types.h"

struct _VoConversation {
  GObject parent_instance;

  gint64 row_id;
  char *peer;
  char *peer_name;
  char *kind;
  guint unread;
  gint64 created_us;
  gint64 last_activity;
  char *last_message;
};

enum {
  PROP_0,
  PROP_PEER,
  PROP_PEER_NAME,
  PROP_KIND,
  PROP_UNREAD,
  PROP_LAST_ACTIVITY,
  PROP_LAST_MESSAGE,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { SIGNAL_MESSAGE_ADDED, SIGNAL_MESSAGE_STATUS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoConversation, vo_conversation, G_TYPE_OBJECT)

static void
vo_conversation_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VoConversation *self = VO_CONVERSATION (object);

  switch (prop_id) {
  case PROP_PEER:
    g_value_set_string (value, self->peer);
    break;
  case PROP_PEER_NAME:
    g_value_set_string (value, self->peer_name);
    break;
  case PROP_KIND:
    g_value_set_string (value, self->kind);
    break;
  case PROP_UNREAD:
    g_value_set_uint (value, self->unread);
    break;
  case PROP_LAST_ACTIVITY:
    g_value_set_int64 (value, self->last_activity);
    break;
  case PROP_LAST_MESSAGE:
    g_value_set_string (value, self->last_message);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_conversation_finalize (GObject *object)
{
  VoConversation *self = VO_CONVERSATION (object);

  g_free (self->peer);
  g_free (self->peer_name);
  g_free (self->kind);
  g_free (self->last_message);
  G_OBJECT_CLASS (vo_conversation_parent_class)->finalize (object);
}

static void
vo_conversation_class_init (VoConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->get_property = vo_conversation_get_property;
  object_class->finalize = vo_conversation_finalize;

  props[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, "", ro);
  props[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, "", ro);
  props[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, "im", ro);
  props[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, ro);
  props[PROP_LAST_ACTIVITY] = g_param_spec_int64 ("last-activity", NULL, NULL, 0, G_MAXINT64, 0,
                                                  ro);
  props[PROP_LAST_MESSAGE] = g_param_spec_string ("last-message", NULL, NULL, "", ro);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_MESSAGE_ADDED] = g_signal_new ("message-added", type, G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                G_TYPE_VARIANT);
  signals[SIGNAL_MESSAGE_STATUS_CHANGED] = g_signal_new ("message-status-changed", type,
                                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                                         NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                                                         VO_TYPE_MESSAGE_STATUS);
}

static void
vo_conversation_init (VoConversation *self)
{
}

static void
conversation_set_string (VoConversation *self, char **field, const char *value, guint prop)
{
  if (g_strcmp0 (*field, value ? value : "") == 0)
    return;
  g_free (*field);
  *field = g_strdup (value ? value : "");
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
conversation_set_last (VoConversation *self, const char *text, gint64 time_us)
{
  g_autofree char *preview = NULL;

  if (text && g_utf8_strlen (text, -1) > VO_CONVERSATION_PREVIEW_CHARS)
    text = preview = g_utf8_substring (text, 0, VO_CONVERSATION_PREVIEW_CHARS);
  conversation_set_string (self, &self->last_message, text, PROP_LAST_MESSAGE);
  time_us = MAX (time_us, self->created_us);
  if (time_us != self->last_activity) {
    self->last_activity = time_us;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ACTIVITY]);
  }
}

VoConversation *
vo_conversation_new (const VoConversationRow *row)
{
  VoConversation *self = g_object_new (VO_TYPE_CONVERSATION, NULL);

  self->row_id = row->id;
  self->peer = g_strdup (row->peer);
  self->kind = g_strdup (row->kind);
  self->created_us = row->created_us;
  self->peer_name = g_strdup (row->peer_name);
  self->unread = row->unread;
  self->last_message = g_strdup ("");
  conversation_set_last (self, row->last_text, row->last_us);
  return self;
}

gint64
vo_conversation_get_row_id (VoConversation *self)
{
  return self->row_id;
}

const char *
vo_conversation_get_peer (VoConversation *self)
{
  return self->peer;
}

const char *
vo_conversation_get_peer_name (VoConversation *self)
{
  return self->peer_name;
}

const char *
vo_conversation_get_kind (VoConversation *self)
{
  return self->kind;
}

guint
vo_conversation_get_unread (VoConversation *self)
{
  return self->unread;
}

void
vo_conversation_update (VoConversation *self, const VoConversationRow *row)
{
  conversation_set_string (self, &self->peer_name, row->peer_name, PROP_PEER_NAME);
  vo_conversation_set_unread (self, row->unread);
  conversation_set_last (self, row->last_text, row->last_us);
}

void
vo_conversation_set_unread (VoConversation *self, guint unread)
{
  if (self->unread == unread)
    return;
  self->unread = unread;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNREAD]);
}

void
vo_conversation_set_peer_name (VoConversation *self, const char *name)
{
  conversation_set_string (self, &self->peer_name, name, PROP_PEER_NAME);
}

void
vo_conversation_add_message (VoConversation *self, GVariant *message, const char *text,
                             gint64 time_us, gboolean unread)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (message);

  /* Properties first: a client reading them on MessageAdded sees the new state. */
  conversation_set_last (self, text, time_us);
  if (unread)
    vo_conversation_set_unread (self, self->unread + 1);
  g_signal_emit (self, signals[SIGNAL_MESSAGE_ADDED], 0, owned);
}

void
vo_conversation_status_changed (VoConversation *self, const char *id,
                                VoMessageStatus status)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE_STATUS_CHANGED], 0, id, status);
}
