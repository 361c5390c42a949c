/* fuzz-info.c: the in-call requests whose bodies the daemon reads itself:
 * INFO with DTMF (application/dtmf-relay, application/dtmf) and the NOTIFY
 * sipfrag of a transfer, parsed by Sofia from the raw request first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-sip-call.h"

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  msg_t *msg = msg_make (sip_default_mclass (), 0, data, (ssize_t) size);
  char digit;

  if (!msg)
    return 0;
  digit = vo_sip_call_info_digit (sip_object (msg));
  g_assert (digit == 0 || strchr ("0123456789*#ABCD", digit));
  vo_sip_call_sipfrag_status (sip_object (msg));
  msg_destroy (msg);
  return 0;
}
