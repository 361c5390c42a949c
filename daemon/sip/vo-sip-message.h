/* vo-sip-message.h: SIP MESSAGE (RFC 3428): one outgoing request and its
 * final answer; an incoming one as the daemon sees it (opened and answered
 * in vo-sip-message-incoming.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-stack.h"
#include "vo-states.h"

G_BEGIN_DECLS

/* How an outgoing MESSAGE ended. */
typedef enum {
  VO_SIP_MESSAGE_ACCEPTED, /* 2xx: the server took it (not: the peer has it) */
  VO_SIP_MESSAGE_REFUSED,  /* a final error; sending it again will not help */
  VO_SIP_MESSAGE_RETRY,    /* no answer, a transport error or a transient 408/5xx */
} VoSipMessageResult;

#define VO_TYPE_SIP_MESSAGE (vo_sip_message_get_type ())
G_DECLARE_FINAL_TYPE (VoSipMessage, vo_sip_message, VO, SIP_MESSAGE, GObject)

/* Sends a MESSAGE with @body (@content_type) to @target_uri from the
 * stack's identity, answering one digest challenge with the account's
 * credentials. Signal "finished" (VoSipMessageResult result, int status,
 * const char *phrase) comes once, with the final answer. Dropping the last
 * reference before that abandons the request. */
VoSipMessage *vo_sip_message_send (VoSipStack *stack, const char *target_uri,
                                   const char *content_type, const char *body);

/* An incoming MESSAGE, opened: what the stack hands the daemon with its
 * "message-received" signal. SIP stays here: the daemon sees a sender, a text
 * or a receipt, and answers with a VoSipIncomingResult that sip/ turns into
 * the status the sender hears. */
typedef struct {
  char *peer;            /* the sender as a peer (vo_sip_peer_from_uri) */
  gboolean sms;          /* the peer is a phone number */
  char *peer_name;       /* the From display name, "" if none */
  char *dedup;           /* the same for every copy of this message */

  /* A receipt (IMDN) for one of our messages when receipt_for is set: */
  char *receipt_for;     /* the IMDN Message-ID of our message */
  VoMessageStatus receipt_status; /* DELIVERED, READ, or FAILED ("not delivered") */

  /* Otherwise a text, as it came: perhaps empty, long or not UTF-8. */
  char *text;            /* NUL-terminated */
  gsize length;
  char *imdn_id;         /* the sender's IMDN Message-ID, "" if none */
  char *imdn_datetime;   /* its DateTime, "" if none */
  char *imdn_to;         /* where receipts go (the SIP From), "" without an id */
  gboolean wants_delivered; /* the sender asked for a delivery receipt */
  gboolean wants_displayed; /* … and for a display receipt */
} VoSipIncomingMessage;

void vo_sip_incoming_message_free (VoSipIncomingMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoSipIncomingMessage, vo_sip_incoming_message_free)

/* What the daemon made of an incoming message (the return value of the
 * stack's "message-received"). */
typedef enum {
  VO_SIP_INCOMING_NOT_TAKEN, /* nobody handles messages (no handler): 480 */
  VO_SIP_INCOMING_TAKEN,     /* stored, or nothing to store: 200 */
  VO_SIP_INCOMING_TOO_LARGE, /* a text longer than the daemon keeps: 413 */
  VO_SIP_INCOMING_NOT_UTF8,  /* a text that is not UTF-8: 400 */
  VO_SIP_INCOMING_FAILED,    /* not stored now; the sender should try again: 500 */
} VoSipIncomingResult;

G_END_DECLS
