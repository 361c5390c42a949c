/* vo-message-sip-transport.c: VoMessageTransport over VoSipStack and
 * VoAccount.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-message-sip-transport.h"

struct _VoMessageSipTransport {
  GObject parent_instance;

  VoSipStack *stack;
  VoAccount *account;
};

static void transport_iface_init (VoMessageTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoMessageSipTransport, vo_message_sip_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VO_TYPE_MESSAGE_TRANSPORT,
                                                      transport_iface_init))

static gboolean
sip_transport_is_ready (VoMessageTransport *transport)
{
  VoMessageSipTransport *self = VO_MESSAGE_SIP_TRANSPORT (transport);

  return vo_account_get_registration (self->account) == VO_REGISTRATION_REGISTERED;
}

static char *
sip_transport_dup_local_uri (VoMessageTransport *transport)
{
  VoMessageSipTransport *self = VO_MESSAGE_SIP_TRANSPORT (transport);
  char *uri = NULL;

  g_object_get (self->account, "sip-uri", &uri, NULL);
  return uri;
}

static const char *
sip_transport_get_domain (VoMessageTransport *transport)
{
  return vo_account_get_domain (VO_MESSAGE_SIP_TRANSPORT (transport)->account);
}

static void
on_sip_message_finished (VoSipMessage *message, VoSipMessageResult result, int status,
                         const char *phrase, gpointer user_data)
{
  vo_message_request_finish (VO_MESSAGE_REQUEST (user_data), result, status, phrase);
}

static VoMessageRequest *
sip_transport_send (VoMessageTransport *transport, const char *target_uri,
                    const char *content_type, const char *body)
{
  VoMessageSipTransport *self = VO_MESSAGE_SIP_TRANSPORT (transport);
  g_autoptr(VoSipMessage) message = vo_sip_message_send (self->stack, target_uri, content_type,
                                                         body);
  VoMessageRequest *request = vo_message_request_new (G_OBJECT (message));

  /* The request holds the MESSAGE: dropping it abandons the MESSAGE, and
   * the connection goes with the request. */
  g_signal_connect_object (message, "finished", G_CALLBACK (on_sip_message_finished), request, 0);
  return request;
}

static void
transport_iface_init (VoMessageTransportInterface *iface)
{
  iface->is_ready = sip_transport_is_ready;
  iface->dup_local_uri = sip_transport_dup_local_uri;
  iface->get_domain = sip_transport_get_domain;
  iface->send = sip_transport_send;
}

static void
on_registration (VoAccount *account, GParamSpec *pspec, gpointer user_data)
{
  g_signal_emit_by_name (user_data, "ready-changed");
}

static void
vo_message_sip_transport_dispose (GObject *object)
{
  VoMessageSipTransport *self = VO_MESSAGE_SIP_TRANSPORT (object);

  if (self->account)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->stack);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (vo_message_sip_transport_parent_class)->dispose (object);
}

static void
vo_message_sip_transport_class_init (VoMessageSipTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_message_sip_transport_dispose;
}

static void
vo_message_sip_transport_init (VoMessageSipTransport *self)
{
}

VoMessageTransport *
vo_message_sip_transport_new (VoSipStack *stack, VoAccount *account)
{
  VoMessageSipTransport *self = g_object_new (VO_TYPE_MESSAGE_SIP_TRANSPORT, NULL);

  self->stack = g_object_ref (stack);
  self->account = g_object_ref (account);
  g_signal_connect (account, "notify::registration", G_CALLBACK (on_registration), self);
  return VO_MESSAGE_TRANSPORT (self);
}
