/* vo-message-outbox.h: gets stored messages and receipts out over SIP.
 *
 * Messages to one peer go one at a time, in order; different peers in
 * parallel. Nothing is sent while the transport is not ready (the account
 * is not registered); what is queued then goes as soon as it is. A request
 * without a final answer (transport error, timeout, 408/5xx) is retried
 * with backoff until it gets one. The transport is a port
 * (vo-message-transport.h): SIP in the daemon, a fake in the unit test. The queue lives in memory; the store is the truth: after a restart
 * the manager queues again what the store still has pending.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-config.h"
#include "vo-message-store.h"
#include "vo-message-transport.h"

G_BEGIN_DECLS

#define VO_TYPE_MESSAGE_OUTBOX (vo_message_outbox_get_type ())
G_DECLARE_FINAL_TYPE (VoMessageOutbox, vo_message_outbox, VO, MESSAGE_OUTBOX, GObject)

/* Signal "message-finished" (gint64 id, gboolean accepted, const char *reason):
 * the pending message with row id @id got its final answer; @reason says
 * why it was refused. The outbox does not change the message's status. */
VoMessageOutbox *vo_message_outbox_new (VoMessageStore *store, VoMessageTransport *transport,
                                        VoConfig *config);
/* The wait before the first retry (1 s; doubled each time up to vo.conf's
 * [sip] retry-max): a unit test shortens it. */
void vo_message_outbox_set_first_backoff_ms (VoMessageOutbox *self, guint ms);

/* Queues the pending message @id of the conversation with @peer. */
void vo_message_outbox_queue_message (VoMessageOutbox *self, gint64 conversation_id,
                                      const char *peer, gint64 id);
/* Queues the receipts due for the incoming message @id (notify_due). */
void vo_message_outbox_queue_receipts (VoMessageOutbox *self, gint64 id);
/* Stops sending anything of the conversation (it is being deleted). */
void vo_message_outbox_forget_conversation (VoMessageOutbox *self, gint64 conversation_id);

G_END_DECLS
