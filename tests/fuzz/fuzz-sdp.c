/* fuzz-sdp.c: a peer's SDP, through everything the daemon reads it with:
 * the check of an incoming offer, the negotiated media (with our own offer
 * as the local side), and the renumbering for a re-offer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-media-sdp.h"

static const VoMediaCodec codecs[] = {
  { "opus", 111, 48000, 2 },
  { "G722", 9, 8000, 1 },
  { "PCMU", 0, 8000, 1 },
  { "PCMA", 8, 8000, 1 },
  { NULL, 0, 0, 0 },
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *offer;
  g_autofree char *sdp = NULL;
  g_autofree char *renumbered = NULL;
  g_autofree char *reversed = NULL;
  VoMediaSdpResult result = { 0 };

  if (!offer)
    offer = vo_media_sdp_build ("127.0.0.1", 40000, codecs);

  /* Not NUL-terminated: the offer check is given a length, and must keep to it. */
  vo_media_sdp_offer_usable ((const char *) data, size, codecs, NULL);

  sdp = vo_fuzz_string (data, size);
  if (vo_media_sdp_negotiated (offer, sdp, codecs, &result, NULL)) {
    VoMediaParams params;

    vo_media_sdp_result_to_params (&result, &params);
    g_assert (params.codec.encoding != NULL);
  }
  vo_media_sdp_result_clear (&result);
  /* Both ways: the agreed session is built from the peer's answer. */
  renumbered = vo_media_sdp_keep_payload_types (offer, sdp);
  reversed = vo_media_sdp_keep_payload_types (sdp, offer);
  return 0;
}
