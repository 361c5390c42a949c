/* fuzz-message.c: a whole incoming SIP MESSAGE as the network delivers it:
 * Sofia parses the request, then sip/ opens it as it does for the daemon:
 * the sender as a peer, the body with its Content-Encoding (deflate, gzip)
 * undone, and the CPIM envelope or bare IMDN receipt in it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-sip-message-incoming.h"

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  msg_t *msg = msg_make (sip_default_mclass (), 0, data, (ssize_t) size);
  g_autoptr(VoSipIncomingMessage) message = NULL;
  const char *phrase = NULL;
  int status = 0;

  if (!msg)
    return 0;
  message = vo_sip_message_open (sip_object (msg), &status, &phrase);
  if (message) {
    g_assert (strlen (message->text) <= message->length);
    g_assert (message->length <= VO_SIP_MESSAGE_UNPACKED_MAX);
    g_assert (*message->peer && message->dedup);
  } else {
    g_assert (status >= 200 && status < 500);
  }
  msg_destroy (msg);
  return 0;
}
