/* fuzz-dial-target.c: what a person dials or writes to (Calls1.Dial,
 * Messages1.Send targets), as a URI: "target\ndomain\ncountry-code".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-dial-target.h"
#include "vo-message-peer.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto(GStrv) fields = vo_fuzz_fields (data, size, 3);
  const char *domain = *fields[1] ? fields[1] : "example.com";
  g_autofree char *uri = vo_dial_target_to_uri (fields[0], domain, fields[2], NULL);
  g_autofree char *peer = NULL;
  g_autofree char *request_uri = NULL;
  gboolean sms = FALSE;

  if (uri)
    g_assert (g_str_has_prefix (uri, "sip:") || g_str_has_prefix (uri, "sips:") ||
              g_str_has_prefix (uri, "tel:"));
  peer = vo_message_peer_from_target (fields[0], domain, fields[2], &sms, NULL);
  if (peer)
    request_uri = vo_message_peer_request_uri (peer, domain);
  return 0;
}
