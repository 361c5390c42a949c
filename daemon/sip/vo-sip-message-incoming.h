/* vo-sip-message-incoming.h: incoming MESSAGEs (RFC 3428) inside sip/:
 * reading the request, opening its CPIM envelope (RFC 3862) or bare IMDN
 * receipt (RFC 5438), and answering it with the status the daemon's result
 * stands for. The stack calls vo_sip_message_receive(); the rest is here for
 * the fuzz target.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-message.h"
#include "vo-sip-nua.h"

G_BEGIN_DECLS

/* What a 415 names (RFC 3261 §8.2.3). */
#define VO_SIP_MESSAGE_ACCEPT "text/plain, message/cpim, message/imdn+xml, " \
                              "application/im-iscomposing+xml"
#define VO_SIP_MESSAGE_ACCEPT_ENCODING "identity, deflate, gzip"
/* The most a compressed body may unpack to: more than any text the daemon
 * keeps, far less than a decompression bomb would make. */
#define VO_SIP_MESSAGE_UNPACKED_MAX (256 * 1024)

/* Opens the MESSAGE @sip. NULL when there is nothing to hand the daemon:
 * then *@status is the answer (4xx with *@phrase, or 200 for what needs no
 * keeping: typing indications, unreadable receipts). */
VoSipIncomingMessage *vo_sip_message_open (const sip_t *sip, int *status, const char **phrase);

/* Handles a new MESSAGE on @nh outside any dialog: opens it, emits the
 * stack's "message-received" with it and answers. Lets the handle go. */
void vo_sip_message_receive (VoSipStack *stack, nua_handle_t *nh, const sip_t *sip);

G_END_DECLS
