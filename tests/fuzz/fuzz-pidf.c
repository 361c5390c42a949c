/* fuzz-pidf.c: PIDF/RPID presence documents from a NOTIFY body.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-sip-pidf.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *status = NULL;
  g_autofree char *note = NULL;

  /* The daemon hands over the payload and its length, not a C string. */
  if (vo_sip_pidf_parse ((const char *) data, size, &status, &note, NULL)) {
    g_assert (status != NULL && note != NULL);
    g_assert (g_utf8_validate (note, -1, NULL));
    g_assert (g_utf8_strlen (note, -1) <= VO_SIP_PIDF_MAX_NOTE);
  }
  return 0;
}
