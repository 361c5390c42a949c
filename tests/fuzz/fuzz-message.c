/* fuzz-message.c: a whole incoming SIP MESSAGE as the network delivers it:
 * Sofia parses the request, then the daemon reads it as the message manager
 * does: the sender as a peer, the body with its Content-Encoding (deflate,
 * gzip) undone, and the CPIM envelope or bare IMDN receipt in it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-message-peer.h"
#include "vo-sip-imdn.h"
#include "vo-sip-message.h"

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>
#include <string.h>

static void
read_body (const char *content_type, const char *body, gsize len)
{
  g_autofree char *message_id = NULL;
  VoSipImdnStatus status;

  if (strcmp (content_type, VO_SIP_IMDN_TYPE) == 0) {
    vo_sip_imdn_parse_notification (body, len, &message_id, &status, NULL);
  } else if (strcmp (content_type, VO_SIP_CPIM_TYPE) == 0 ||
             strcmp (content_type, "text/plain") == 0) {
    g_autoptr(VoSipCpim) cpim = vo_sip_imdn_parse_cpim (body, len, NULL);

    if (cpim && strcmp (cpim->content_type, VO_SIP_IMDN_TYPE) == 0)
      vo_sip_imdn_parse_notification (cpim->body, cpim->body_len, &message_id, &status, NULL);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  msg_t *msg = msg_make (sip_default_mclass (), 0, data, (ssize_t) size);
  g_autoptr(VoSipIncomingMessage) message = NULL;
  g_autofree char *peer = NULL;
  gboolean sms = FALSE;

  if (!msg)
    return 0;
  message = vo_sip_message_read_incoming (sip_object (msg));
  g_assert (message->body[message->body_len] == '\0');
  peer = vo_message_peer_from_uri (message->from_uri, &sms);
  if (message->refuse_status == 0) {
    g_assert (message->body_len <= VO_SIP_MESSAGE_UNPACKED_MAX);
    read_body (message->content_type, message->body, message->body_len);
  }
  msg_destroy (msg);
  return 0;
}
