/* vo-message-transport.c: the outbox's port and its request object.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-message-transport.h"

struct _VoMessageRequest {
  GObject parent_instance;

  GObject *carrier;
};

enum { SIGNAL_FINISHED, N_REQUEST_SIGNALS };
static guint request_signals[N_REQUEST_SIGNALS];

G_DEFINE_FINAL_TYPE (VoMessageRequest, vo_message_request, G_TYPE_OBJECT)

static void
vo_message_request_dispose (GObject *object)
{
  VoMessageRequest *self = VO_MESSAGE_REQUEST (object);

  g_clear_object (&self->carrier);
  G_OBJECT_CLASS (vo_message_request_parent_class)->dispose (object);
}

static void
vo_message_request_class_init (VoMessageRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_message_request_dispose;

  request_signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT,
                                                   G_TYPE_STRING);
}

static void
vo_message_request_init (VoMessageRequest *self)
{
}

VoMessageRequest *
vo_message_request_new (GObject *carrier)
{
  VoMessageRequest *self = g_object_new (VO_TYPE_MESSAGE_REQUEST, NULL);

  self->carrier = carrier ? g_object_ref (carrier) : NULL;
  return self;
}

void
vo_message_request_finish (VoMessageRequest *self, VoSipMessageResult result, int status,
                           const char *phrase)
{
  g_signal_emit (self, request_signals[SIGNAL_FINISHED], 0, (int) result, status,
                 phrase ? phrase : "");
}

G_DEFINE_INTERFACE (VoMessageTransport, vo_message_transport, G_TYPE_OBJECT)

static void
vo_message_transport_default_init (VoMessageTransportInterface *iface)
{
  g_signal_new ("ready-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL,
                NULL, NULL, G_TYPE_NONE, 0);
}

gboolean
vo_message_transport_is_ready (VoMessageTransport *self)
{
  return VO_MESSAGE_TRANSPORT_GET_IFACE (self)->is_ready (self);
}

char *
vo_message_transport_dup_local_uri (VoMessageTransport *self)
{
  return VO_MESSAGE_TRANSPORT_GET_IFACE (self)->dup_local_uri (self);
}

const char *
vo_message_transport_get_domain (VoMessageTransport *self)
{
  return VO_MESSAGE_TRANSPORT_GET_IFACE (self)->get_domain (self);
}

VoMessageRequest *
vo_message_transport_send (VoMessageTransport *self, const char *target_uri,
                           const char *content_type, const char *body)
{
  return VO_MESSAGE_TRANSPORT_GET_IFACE (self)->send (self, target_uri, content_type, body);
}
