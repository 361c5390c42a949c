/* fuzz-imdn.c: a bare message/imdn+xml receipt (RFC 5438), as Linphone
 * sends them outside CPIM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-sip-imdn.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *message_id = NULL;
  VoSipImdnStatus status;

  if (vo_sip_imdn_parse_notification ((const char *) data, size, &message_id, &status, NULL))
    g_assert (message_id != NULL);
  return 0;
}
