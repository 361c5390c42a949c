/* vo-message-sip-transport.h: the daemon's VoMessageTransport: MESSAGE
 * requests through the SIP stack, ready while the account is registered.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-message-transport.h"
#include "vo-sip-stack.h"

G_BEGIN_DECLS

#define VO_TYPE_MESSAGE_SIP_TRANSPORT (vo_message_sip_transport_get_type ())
G_DECLARE_FINAL_TYPE (VoMessageSipTransport, vo_message_sip_transport, VO, MESSAGE_SIP_TRANSPORT,
                      GObject)

VoMessageTransport *vo_message_sip_transport_new (VoSipStack *stack, VoAccount *account);

G_END_DECLS
