/* fuzz-cpim.c: a message/cpim body (RFC 3862) and the IMDN inside it, the
 * way the message manager reads an incoming MESSAGE.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-sip-imdn.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(VoSipCpim) cpim = vo_sip_imdn_parse_cpim ((const char *) data, size, NULL);
  g_autofree char *message_id = NULL;
  VoSipImdnStatus status;

  if (!cpim)
    return 0;
  g_assert (cpim->from && cpim->from_name && cpim->to && cpim->message_id &&
            cpim->datetime && cpim->content_type && cpim->body);
  g_assert (cpim->body[cpim->body_len] == '\0');
  if (strcmp (cpim->content_type, VO_SIP_IMDN_TYPE) == 0)
    vo_sip_imdn_parse_notification (cpim->body, cpim->body_len, &message_id, &status, NULL);
  return 0;
}
