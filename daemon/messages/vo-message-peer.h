/* vo-message-peer.h: who a conversation is with. A peer is written one
 * way whatever form it came in: "sip:bob@example.com" for a SIP user (an
 * IM peer), "tel:+31201234567" for a phone number (an SMS peer).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-peer.h"

G_BEGIN_DECLS

/* What a person typed (the forms of vo_dial_target_to_uri()) as a peer.
 * *@sms is TRUE for phone numbers. VO_ERROR_INVALID_ARGUMENT otherwise. */
char *vo_message_peer_from_target (const char *target, const char *domain,
                                   const char *country_code, gboolean *sms, GError **error);

/* The URI a MESSAGE to @peer goes to: phone numbers as sip:NUMBER@@domain;user=phone. */
char *vo_message_peer_request_uri (const char *peer, const char *domain);

G_END_DECLS
