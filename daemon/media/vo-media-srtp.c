/* vo-media-srtp.c: SRTP suites, keys, and GStreamer's srtpenc/srtpdec setup.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-srtp.h"
#include "vo-media-gst.h"
#include "vo-error.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* srtpenc/srtpdec's nick for each suite's authentication. */
static const char *
suite_rtp_auth (VoMediaSrtpSuite suite)
{
  switch (suite) {
  case VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80:
    return "hmac-sha1-80";
  case VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32:
    return "hmac-sha1-32";
  case VO_MEDIA_SRTP_NONE:
  default:
    return NULL;
  }
}

gboolean
vo_media_srtp_random_key (guint8 key[VO_MEDIA_SRTP_KEY_LEN], GError **error)
{
  gsize done = 0;

  /* The kernel's CSPRNG: GLib's g_random is a Mersenne Twister, guessable
   * from its output. */
  while (done < VO_MEDIA_SRTP_KEY_LEN) {
    ssize_t n = getrandom (key + done, VO_MEDIA_SRTP_KEY_LEN - done, 0);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int saved = errno;

      g_set_error (error, VO_ERROR, VO_ERROR_FAILED,
                   "Cannot make a key to encrypt the call's audio: %s", g_strerror (saved));
      return FALSE;
    }
    done += (gsize) n;
  }
  return TRUE;
}

static GstBuffer *
key_buffer (const guint8 key[VO_MEDIA_SRTP_KEY_LEN])
{
  return gst_buffer_new_memdup (key, VO_MEDIA_SRTP_KEY_LEN);
}

GstElement *
vo_media_srtp_make_encoder (VoMediaSrtpSuite suite, const guint8 key[VO_MEDIA_SRTP_KEY_LEN],
                            GError **error)
{
  GstElement *encoder;
  g_autoptr(GstBuffer) buffer = NULL;

  g_return_val_if_fail (suite_rtp_auth (suite) != NULL, NULL);
  encoder = vo_media_make_element ("srtpenc", NULL, error);
  if (!encoder)
    return NULL;
  buffer = key_buffer (key);
  /* SRTCP keeps its 80-bit tag with either suite (RFC 4568 §6.2.2). */
  g_object_set (encoder, "key", buffer, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "rtp-cipher", "aes-128-icm");
  gst_util_set_object_arg (G_OBJECT (encoder), "rtp-auth", suite_rtp_auth (suite));
  gst_util_set_object_arg (G_OBJECT (encoder), "rtcp-cipher", "aes-128-icm");
  gst_util_set_object_arg (G_OBJECT (encoder), "rtcp-auth", "hmac-sha1-80");
  return encoder;
}

GstCaps *
vo_media_srtp_decoder_caps (VoMediaSrtpSuite suite, const guint8 key[VO_MEDIA_SRTP_KEY_LEN],
                            guint roc)
{
  g_autoptr(GstBuffer) buffer = NULL;
  GstCaps *caps;

  g_return_val_if_fail (suite_rtp_auth (suite) != NULL, NULL);
  buffer = key_buffer (key);
  caps = gst_caps_new_simple ("application/x-srtp",
                              "srtp-key", GST_TYPE_BUFFER, buffer,
                              "srtp-cipher", G_TYPE_STRING, "aes-128-icm",
                              "srtp-auth", G_TYPE_STRING, suite_rtp_auth (suite),
                              "srtcp-cipher", G_TYPE_STRING, "aes-128-icm",
                              "srtcp-auth", G_TYPE_STRING, "hmac-sha1-80",
                              NULL);
  if (roc)
    gst_caps_set_simple (caps, "roc", G_TYPE_UINT, roc, NULL);
  return caps;
}
