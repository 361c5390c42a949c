/* vo-message-transport.h: the port the outbox sends through (one request
 * per message or receipt, and whether sending makes sense now).
 *
 * The daemon's transport is SIP (vo-message-sip-transport.c); the unit test
 * of the outbox plugs in a fake, as power-profiles-daemon's tests do with
 * its drivers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-message.h"

G_BEGIN_DECLS

/* One request on its way. Signal "finished" (VoSipMessageResult result,
 * int status, const char *phrase) comes once, with the final answer.
 * Dropping the last reference before that abandons the request. */
#define VO_TYPE_MESSAGE_REQUEST (vo_message_request_get_type ())
G_DECLARE_FINAL_TYPE (VoMessageRequest, vo_message_request, VO, MESSAGE_REQUEST, GObject)

/* A request that keeps @carrier (what actually sends it, may be NULL)
 * alive as long as it lives. */
VoMessageRequest *vo_message_request_new (GObject *carrier);
/* Emits "finished": for the transport that made the request. */
void vo_message_request_finish (VoMessageRequest *self, VoSipMessageResult result, int status,
                                const char *phrase);

#define VO_TYPE_MESSAGE_TRANSPORT (vo_message_transport_get_type ())
G_DECLARE_INTERFACE (VoMessageTransport, vo_message_transport, VO, MESSAGE_TRANSPORT, GObject)

/* Signal "ready-changed": is_ready() may answer differently now. */
struct _VoMessageTransportInterface {
  GTypeInterface parent_iface;

  /* Whether requests can go now (the account is registered). */
  gboolean (*is_ready) (VoMessageTransport *self);
  /* Who we are (our SIP URI), as CPIM's From. */
  char *(*dup_local_uri) (VoMessageTransport *self);
  /* The domain a peer without one is in; NULL if none is known. */
  const char *(*get_domain) (VoMessageTransport *self);
  VoMessageRequest *(*send) (VoMessageTransport *self, const char *target_uri,
                             const char *content_type, const char *body);
};

gboolean vo_message_transport_is_ready (VoMessageTransport *self);
char *vo_message_transport_dup_local_uri (VoMessageTransport *self);
const char *vo_message_transport_get_domain (VoMessageTransport *self);
/* Sends @body (@content_type) to @target_uri; returns the request (full). */
VoMessageRequest *vo_message_transport_send (VoMessageTransport *self, const char *target_uri,
                                             const char *content_type, const char *body);

G_END_DECLS
