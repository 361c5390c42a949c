/* vo-sip-message.h: SIP MESSAGE (RFC 3428): one outgoing request and its
 * final answer; reading and answering incoming ones.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-stack.h"

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

/* An incoming MESSAGE as the stack announced it ("incoming-message"). */
typedef struct {
  char *from_uri;     /* the From URI */
  char *from_name;    /* its display name, "" if none */
  char *call_id;
  guint32 cseq;
  char *content_type; /* lowercase type/subtype, "" if none */
  char *body;         /* NUL-terminated payload, Content-Encoding undone */
  gsize body_len;
  /* Not 0 when the body could not be read: the status to refuse it with
   * (415 unknown encoding, 413 too large unpacked, 400 corrupt), and why. */
  int refuse_status;
  const char *refuse_phrase;
} VoSipIncomingMessage;

/* What vo_sip_message_respond() names in a 415 (RFC 3261 §8.2.3). */
#define VO_SIP_MESSAGE_ACCEPT "text/plain, message/cpim, message/imdn+xml, " \
                              "application/im-iscomposing+xml"
#define VO_SIP_MESSAGE_ACCEPT_ENCODING "identity, deflate, gzip"
/* The most a compressed body may unpack to: more than any text the daemon
 * keeps, far less than a decompression bomb would make. */
#define VO_SIP_MESSAGE_UNPACKED_MAX (256 * 1024)

void vo_sip_incoming_message_free (VoSipIncomingMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoSipIncomingMessage, vo_sip_incoming_message_free)

/* Copies what the daemon needs from the request @sip (a const sip_t *),
 * undoing a Content-Encoding of deflate (zlib or raw) or gzip. */
VoSipIncomingMessage *vo_sip_message_read_incoming (gconstpointer sip);

/* Answers the incoming MESSAGE on @nh with @status and lets the handle go;
 * a 415 carries Accept and Accept-Encoding.
 * Only valid while the stack is emitting "incoming-message" for it. */
void vo_sip_message_respond (VoSipStack *stack, gpointer nh, int status, const char *phrase);

G_END_DECLS
