/* test-sdp.c: our SDP offer and what a negotiated session means for media.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-sip-sdp.h"
#include "vo-error.h"

#include <string.h>

static const VoMediaCodec codecs[] = {
  { "opus", 111, 48000, 2 },
  { "G722", 9, 8000, 1 },
  { "PCMU", 0, 8000, 1 },
  { NULL, 0, 0, 0 },
};

#define ANSWER_HEAD "v=0\r\no=peer 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"

/* RFC 4733 §2.1: telephone-event is offered at the rate of each audio codec. */
static void
test_offer_telephone_event_rates (void)
{
  g_autofree char *sdp = vo_sip_sdp_build ("127.0.0.1", 40000, codecs);
  g_autofree char *m_line = NULL;
  const char *m = strstr (sdp, "m=audio ");

  g_assert_nonnull (m);
  m_line = g_strndup (m, strcspn (m, "\r\n"));
  g_assert_nonnull (strstr (sdp, "a=rtpmap:101 telephone-event/8000\r\n"));
  g_assert_nonnull (strstr (sdp, "telephone-event/48000\r\n"));
  /* Each rtpmap's PT is listed on the m= line. */
  for (const char *p = strstr (sdp, "a=rtpmap:"); p; p = strstr (p + 1, "a=rtpmap:")) {
    g_autofree char *pt = g_strdup_printf (" %u", (guint) atoi (p + strlen ("a=rtpmap:")));

    g_assert_nonnull (strstr (m_line, pt));
  }
}

static void
negotiate (const char *answer, VoSipSdpResult *result)
{
  g_autofree char *offer = vo_sip_sdp_build ("127.0.0.1", 40000, codecs);
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_sip_sdp_negotiated (offer, answer, result, &error));
  g_assert_no_error (error);
}

/* The DTMF payload type is the telephone-event at the chosen codec's rate. */
static void
test_dtmf_follows_codec_rate (void)
{
  VoSipSdpResult result;
  VoMediaParams params;

  negotiate (ANSWER_HEAD "m=audio 5000 RTP/AVP 111 101 100\r\n"
             "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n"
             "a=rtpmap:100 telephone-event/48000\r\n", &result);
  g_assert_cmpstr (result.codec_encoding, ==, "opus");
  g_assert_cmpuint (result.dtmf_payload_type, ==, 100);
  vo_sip_sdp_result_to_params (&result, &params);
  g_assert_cmpuint (params.dtmf_clock_rate, ==, 48000);
  vo_sip_sdp_result_clear (&result);

  negotiate (ANSWER_HEAD "m=audio 5000 RTP/AVP 0 100 101\r\n"
             "a=rtpmap:0 PCMU/8000\r\na=rtpmap:100 telephone-event/48000\r\n"
             "a=rtpmap:101 telephone-event/8000\r\n", &result);
  g_assert_cmpuint (result.dtmf_payload_type, ==, 101);
  vo_sip_sdp_result_to_params (&result, &params);
  g_assert_cmpuint (params.dtmf_clock_rate, ==, 8000);
  vo_sip_sdp_result_clear (&result);

  /* A peer with telephone-event at 8000 only keeps it next to opus. */
  negotiate (ANSWER_HEAD "m=audio 5000 RTP/AVP 111 101\r\n"
             "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n", &result);
  g_assert_cmpuint (result.dtmf_payload_type, ==, 101);
  vo_sip_sdp_result_to_params (&result, &params);
  g_assert_cmpuint (params.dtmf_clock_rate, ==, 8000);
  vo_sip_sdp_result_clear (&result);
}

static void
test_offer_usable (void)
{
  static const struct {
    const char *media;
    gboolean usable;
  } cases[] = {
    { "", FALSE },
    { "m=audio 0 RTP/AVP 0\r\n", FALSE },
    { "m=audio 5000 RTP/AVP 96\r\na=rtpmap:96 AMR-WB/16000\r\n", FALSE },
    { "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", FALSE },
    { "m=audio 5000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/255\r\n", FALSE },
    { "m=audio 5000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n", FALSE },
    { "m=audio 5000 RTP/SAVP 0\r\n", FALSE },
    { "m=audio 5000 RTP/AVP 0\r\n", TRUE },  /* static PT, no rtpmap */
    { "m=audio 5000 RTP/AVP 96 101\r\na=rtpmap:96 opus/48000/2\r\n"
      "a=rtpmap:101 telephone-event/48000\r\n", TRUE },
    { "m=video 5000 RTP/AVP 96\r\nm=audio 5002 RTP/AVP 9\r\n", TRUE },
    { "m=audio 5002 RTP/AVPF 0\r\n", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *sdp = g_strconcat (ANSWER_HEAD, cases[i].media, NULL);
    g_autoptr(GError) error = NULL;
    gboolean usable = vo_sip_sdp_offer_usable (sdp, strlen (sdp), codecs, &error);

    g_test_message ("case %u: %s", i, cases[i].media);
    g_assert_cmpint (usable, ==, cases[i].usable);
    if (usable)
      g_assert_no_error (error);
    else
      g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  }
}

/* Counts lines of @sdp that start with @prefix. */
static guint
count_lines (const char *sdp, const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i]; i++)
    n += g_str_has_prefix (lines[i], prefix);
  return n;
}

/* A re-offer keeps the payload types the session agreed on (RFC 3264 §8.3.2). */
static void
test_reoffer_keeps_payload_types (void)
{
  g_autofree char *caps = vo_sip_sdp_build ("127.0.0.1", 40000, codecs);
  g_autofree char *kept = vo_sip_sdp_keep_payload_types (
    caps, ANSWER_HEAD "m=audio 40000 RTP/AVP 96 0 97\r\n"
    "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:97 telephone-event/48000\r\n");
  g_autofree char *clash = vo_sip_sdp_keep_payload_types (
    caps, ANSWER_HEAD "m=audio 40000 RTP/AVP 101 100\r\n"
    "a=rtpmap:101 opus/48000/2\r\na=rtpmap:100 telephone-event/8000\r\n");

  g_assert_nonnull (kept);
  g_assert_nonnull (strstr (kept, "a=rtpmap:96 opus/48000/2\r\n"));
  g_assert_nonnull (strstr (kept, "a=fmtp:96 useinbandfec=1\r\n"));
  g_assert_nonnull (strstr (kept, "a=rtpmap:97 telephone-event/48000\r\n"));
  g_assert_nonnull (strstr (kept, "a=rtpmap:101 telephone-event/8000\r\n"));
  g_assert_null (strstr (kept, "a=rtpmap:111 "));
  g_assert_null (strstr (kept, "a=rtpmap:100 "));
  g_assert_nonnull (strstr (kept, "a=rtpmap:9 G722/8000\r\n"));

  /* The session's PTs win; our own ones they collide with move elsewhere. */
  g_assert_nonnull (clash);
  g_assert_nonnull (strstr (clash, "a=rtpmap:101 opus/48000/2\r\n"));
  g_assert_nonnull (strstr (clash, "a=rtpmap:100 telephone-event/8000\r\n"));
  g_assert_cmpuint (count_lines (clash, "a=rtpmap:101 "), ==, 1);
  g_assert_cmpuint (count_lines (clash, "a=rtpmap:100 "), ==, 1);
  g_assert_cmpuint (count_lines (clash, "a=rtpmap:"), ==, 5);  /* 3 codecs, 2 events */
  g_assert_nonnull (strstr (clash, " telephone-event/48000\r\n"));
}

/* An m= line Sofia 1.12.11 would read until memory runs out (non-token
 * characters in its format list) is refused at once (tests/fuzz, fuzz-sdp). */
static void
test_sofia_m_line_loop_refused (void)
{
  static const char *const media[] = {
    "m=audio 5 X @@\r\n", "m=audio 5R\xff\xff\r\n", "m=i 5 X \t\t\r\n", "m=audio 5 X \"\r\n", "m=audio 5002 RTPV1 /1 9\r\n",
    "\r m=u 0P::\r\n", "m=\t a 5 X @\r\n",
  };
  g_autofree char *offer = vo_sip_sdp_build ("127.0.0.1", 40000, codecs);

  for (guint i = 0; i < G_N_ELEMENTS (media); i++) {
    g_autofree char *sdp = g_strconcat (ANSWER_HEAD, media[i], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) negotiate_error = NULL;
    VoSipSdpResult result;

    g_assert_false (vo_sip_sdp_offer_usable (sdp, strlen (sdp), codecs, &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_assert_false (vo_sip_sdp_negotiated (offer, sdp, &result, &negotiate_error));
    g_assert_error (negotiate_error, VO_ERROR, VO_ERROR_FAILED);
    g_assert_null (vo_sip_sdp_keep_payload_types (offer, sdp));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp/offer/telephone-event-rates", test_offer_telephone_event_rates);
  g_test_add_func ("/sdp/negotiated/dtmf-follows-codec-rate", test_dtmf_follows_codec_rate);
  g_test_add_func ("/sdp/offer/usable", test_offer_usable);
  g_test_add_func ("/sdp/reoffer/keeps-payload-types", test_reoffer_keeps_payload_types);
  g_test_add_func ("/sdp/sofia-m-line-loop-refused", test_sofia_m_line_loop_refused);
  return g_test_run ();
}
