/* vo-media-codecs.c: codec table, and the encoder/decoder chains for each.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-codecs.h"
#include "vo-media-gst.h"

/* 20 ms per packet, what every SIP peer expects without an a=ptime. */
#define PTIME_NS (20 * GST_MSECOND)
#define OPUS_BITRATE 32000

/* Preference order: opus is wideband and loss-tolerant, G.722 wideband, then
 * the G.711 pair every PBX has. */
static const VoMediaCodecInfo codecs[] = {
  { { "opus", 111, 48000, 2 }, "OPUS", 48000, 1,
    "opusenc", "opusdec", "rtpopuspay", "rtpopusdepay" },
  { { "G722", 9, 8000, 1 }, "G722", 16000, 1,
    "avenc_g722", "avdec_g722", "rtpg722pay", "rtpg722depay" },
  { { "PCMU", 0, 8000, 1 }, "PCMU", 8000, 1,
    "mulawenc", "mulawdec", "rtppcmupay", "rtppcmudepay" },
  { { "PCMA", 8, 8000, 1 }, "PCMA", 8000, 1,
    "alawenc", "alawdec", "rtppcmapay", "rtppcmadepay" },
};

const VoMediaCodecInfo *
vo_media_codec_find (const char *encoding)
{
  if (!encoding)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].sdp.encoding, encoding) == 0)
      return &codecs[i];
  return NULL;
}

static gboolean
factory_exists (const char *name)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);

  return factory != NULL;
}

static gboolean
codec_available (const VoMediaCodecInfo *codec)
{
  const char *names[] = { codec->encoder, codec->decoder, codec->payloader, codec->depayloader };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    if (!factory_exists (names[i])) {
      g_message ("Codec %s disabled: the GStreamer element %s is missing", codec->sdp.encoding,
                 names[i]);
      return FALSE;
    }
  }
  return TRUE;
}

const VoMediaCodec *
vo_media_supported_codecs (void)
{
  static gsize done;
  static VoMediaCodec supported[G_N_ELEMENTS (codecs) + 1];

  if (g_once_init_enter (&done)) {
    g_autoptr(GError) error = NULL;
    guint n = 0;

    if (vo_media_gst_init (&error)) {
      for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
        if (codec_available (&codecs[i]))
          supported[n++] = codecs[i].sdp;
    } else {
      g_warning ("%s", error->message);
    }
    g_once_init_leave (&done, 1);
  }
  return supported;
}

GstCaps *
vo_media_codec_rtp_caps (const VoMediaCodecInfo *codec, guint payload_type)
{
  GstCaps *caps = gst_caps_new_simple ("application/x-rtp",
                                       "media", G_TYPE_STRING, "audio",
                                       "clock-rate", G_TYPE_INT, (gint) codec->sdp.clock_rate,
                                       "encoding-name", G_TYPE_STRING, codec->rtp_name,
                                       "payload", G_TYPE_INT, (gint) payload_type,
                                       NULL);

  if (codec->sdp.channels > 1) {
    g_autofree char *channels = g_strdup_printf ("%u", codec->sdp.channels);

    gst_caps_set_simple (caps, "encoding-params", G_TYPE_STRING, channels, NULL);
  }
  return caps;
}

/* Elements come back floating, ready for gst_bin_add(); on failure nothing
 * is returned. */
gboolean
vo_media_codec_make_encoder (const VoMediaCodecInfo *codec, guint payload_type,
                             GstElement **encoder, GstElement **payloader, GError **error)
{
  GstElement *enc = vo_media_make_element (codec->encoder, NULL, error);
  GstElement *pay = enc ? vo_media_make_element (codec->payloader, NULL, error) : NULL;

  if (!pay) {
    if (enc)
      gst_object_unref (gst_object_ref_sink (enc));
    return FALSE;
  }
  g_object_set (pay, "pt", payload_type, NULL);
  if (g_str_equal (codec->encoder, "opusenc")) {
    /* Speech mode, and in-band FEC so a peer that decodes it can rebuild a
     * lost packet from the next one. */
    gst_util_set_object_arg (G_OBJECT (enc), "audio-type", "voice");
    g_object_set (enc, "bitrate", OPUS_BITRATE, "inband-fec", TRUE, "packet-loss-percentage", 5,
                  "frame-size", 20, NULL);
  } else {
    /* Sample codecs are cut by the payloader: without bounds it fills the
     * MTU (up to 175 ms of G.711), far from the 20 ms peers expect. */
    g_object_set (pay, "min-ptime", (gint64) PTIME_NS, "max-ptime", (gint64) PTIME_NS, NULL);
  }
  *encoder = enc;
  *payloader = pay;
  return TRUE;
}

gboolean
vo_media_codec_make_decoder (const VoMediaCodecInfo *codec, GstElement **depayloader,
                             GstElement **decoder, GError **error)
{
  GstElement *depay = vo_media_make_element (codec->depayloader, NULL, error);
  GstElement *dec = depay ? vo_media_make_element (codec->decoder, NULL, error) : NULL;

  if (!dec) {
    if (depay)
      gst_object_unref (gst_object_ref_sink (depay));
    return FALSE;
  }
  /* Concealment, but not opusdec's in-band FEC: to wait for the packet that
   * carries the FEC data it declares 120 ms of latency (the longest opus
   * frame), which would more than double the call's delay. */
  if (g_str_equal (codec->decoder, "opusdec"))
    g_object_set (dec, "plc", TRUE, NULL);
  *depayloader = depay;
  *decoder = dec;
  return TRUE;
}
