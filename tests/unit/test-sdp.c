/* test-sdp.c: our SDP offer and what a negotiated session means for media.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-media-sdp.h"
#include "vo-media-srtp.h"
#include "vo-error.h"

#include <string.h>

static const VoMediaCodec codecs[] = {
  { "opus", 111, 48000, 2 },
  { "G722", 9, 8000, 1 },
  { "PCMU", 0, 8000, 1 },
  { NULL, 0, 0, 0 },
};

/* 30 bytes "0123456789...": a valid inline key; and our own test key. */
#define KEY_B64 "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5"
static const guint8 our_key[VO_MEDIA_SRTP_KEY_LEN] = {
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
  27, 28, 29, 30
};

#define ANSWER_HEAD "v=0\r\no=peer 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"

/* RFC 4733 §2.1: telephone-event is offered at the rate of each audio codec. */
static void
test_offer_telephone_event_rates (void)
{
  g_autofree char *sdp = vo_media_sdp_build ("127.0.0.1", 40000, codecs);
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
negotiate (const char *answer, VoMediaSdpResult *result)
{
  g_autofree char *offer = vo_media_sdp_build ("127.0.0.1", 40000, codecs);
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_media_sdp_negotiated (offer, answer, codecs, result, &error));
  g_assert_no_error (error);
}

/* The DTMF payload type is the telephone-event at the chosen codec's rate. */
static void
test_dtmf_follows_codec_rate (void)
{
  VoMediaSdpResult result;
  VoMediaParams params;

  negotiate (ANSWER_HEAD "m=audio 5000 RTP/AVP 111 101 100\r\n"
             "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n"
             "a=rtpmap:100 telephone-event/48000\r\n", &result);
  g_assert_cmpstr (result.codec_encoding, ==, "opus");
  g_assert_cmpuint (result.dtmf_payload_type, ==, 100);
  vo_media_sdp_result_to_params (&result, &params);
  g_assert_cmpuint (params.dtmf_clock_rate, ==, 48000);
  vo_media_sdp_result_clear (&result);

  negotiate (ANSWER_HEAD "m=audio 5000 RTP/AVP 0 100 101\r\n"
             "a=rtpmap:0 PCMU/8000\r\na=rtpmap:100 telephone-event/48000\r\n"
             "a=rtpmap:101 telephone-event/8000\r\n", &result);
  g_assert_cmpuint (result.dtmf_payload_type, ==, 101);
  vo_media_sdp_result_to_params (&result, &params);
  g_assert_cmpuint (params.dtmf_clock_rate, ==, 8000);
  vo_media_sdp_result_clear (&result);

  /* A peer with telephone-event at 8000 only keeps it next to opus. */
  negotiate (ANSWER_HEAD "m=audio 5000 RTP/AVP 111 101\r\n"
             "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n", &result);
  g_assert_cmpuint (result.dtmf_payload_type, ==, 101);
  vo_media_sdp_result_to_params (&result, &params);
  g_assert_cmpuint (params.dtmf_clock_rate, ==, 8000);
  vo_media_sdp_result_clear (&result);
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
    { "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "\r\n",
      TRUE },
    { "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" KEY_B64 "\r\n",
      FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *sdp = g_strconcat (ANSWER_HEAD, cases[i].media, NULL);
    g_autoptr(GError) error = NULL;
    gboolean usable = vo_media_sdp_offer_usable (sdp, strlen (sdp), codecs, &error);

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
  g_autofree char *caps = vo_media_sdp_build ("127.0.0.1", 40000, codecs);
  g_autofree char *kept = vo_media_sdp_keep_payload_types (
    caps, ANSWER_HEAD "m=audio 40000 RTP/AVP 96 0 97\r\n"
    "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:97 telephone-event/48000\r\n");
  g_autofree char *clash = vo_media_sdp_keep_payload_types (
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

/* RFC 4568 §9.1: what we accept of a peer's crypto line. */
static void
test_parse_crypto (void)
{
  static const struct {
    const char *value;
    gboolean ok;
    guint tag;
    VoMediaSrtpSuite suite;
  } cases[] = {
    { "1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64, TRUE, 1,
      VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80 },
    { "7 AES_CM_128_HMAC_SHA1_32 inline:" KEY_B64 "|2^31", TRUE, 7,
      VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32 },
    { "2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|1048576", TRUE, 2,
      VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80 },
    /* an MKI, several keys, a session parameter: not what we implement */
    { "1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|2^20|1:4", FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|1:4", FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 ";inline:" KEY_B64, FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 " KDR=1", FALSE, 0, 0 },
    /* unknown suites, bad keys, bad tags */
    { "1 AES_256_CM_HMAC_SHA1_80 inline:" KEY_B64, FALSE, 0, 0 },
    { "1 aes_cm_128_hmac_sha1_80 inline:" KEY_B64, FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg=", FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy", FALSE, 0,
      0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg*", FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:", FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 uri:http://example.com/key", FALSE, 0, 0 },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|2^99", FALSE, 0, 0 },
    { "x AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64, FALSE, 0, 0 },
    { "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64, FALSE, 0, 0 },
    { "1  AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64, FALSE, 0, 0 },
    { "", FALSE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint tag = 0;
    VoMediaSrtpSuite suite = VO_MEDIA_SRTP_NONE;
    guint8 key[VO_MEDIA_SRTP_KEY_LEN] = { 0 };
    gboolean ok = vo_media_sdp_parse_crypto (cases[i].value, &tag, &suite, key);

    g_test_message ("case %u: %s", i, cases[i].value);
    g_assert_cmpint (ok, ==, cases[i].ok);
    if (!ok)
      continue;
    g_assert_cmpuint (tag, ==, cases[i].tag);
    g_assert_cmpint (suite, ==, cases[i].suite);
    g_assert_cmpmem (key, sizeof key, "012345678901234567890123456789", 30);
  }
  g_assert_false (vo_media_sdp_parse_crypto (NULL, NULL, NULL, NULL));
}

/* Optional: RTP/AVP with both suites; mandatory: RTP/SAVP; off: no crypto. */
static void
test_offer_policies (void)
{
  g_autofree char *off = vo_media_sdp_build_offer ("127.0.0.1", 40000, codecs,
                                                 VO_MEDIA_SRTP_OFF, our_key);
  g_autofree char *optional = vo_media_sdp_build_offer ("127.0.0.1", 40000, codecs,
                                                      VO_MEDIA_SRTP_OPTIONAL, our_key);
  g_autofree char *mandatory = vo_media_sdp_build_offer ("127.0.0.1", 40000, codecs,
                                                       VO_MEDIA_SRTP_MANDATORY, our_key);
  g_autofree char *b64 = g_base64_encode (our_key, sizeof our_key);
  g_autofree char *line80 = g_strdup_printf ("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n",
                                             b64);
  g_autofree char *line32 = g_strdup_printf ("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:%s\r\n",
                                             b64);

  g_assert_null (strstr (off, "a=crypto"));
  g_assert_nonnull (strstr (off, "m=audio 40000 RTP/AVP "));
  g_assert_nonnull (strstr (optional, "m=audio 40000 RTP/AVP "));
  g_assert_nonnull (strstr (optional, line80));
  g_assert_nonnull (strstr (optional, line32));
  g_assert_true (strstr (optional, line80) < strstr (optional, line32));
  g_assert_nonnull (strstr (mandatory, "m=audio 40000 RTP/SAVP "));
  g_assert_nonnull (strstr (mandatory, line80));
}

static char *
answer_for (VoMediaSrtpPolicy policy, const char *media, GError **error)
{
  g_autofree char *offer = g_strconcat (ANSWER_HEAD, media, NULL);

  return vo_media_sdp_build_answer ("127.0.0.1", 40000, codecs, policy, our_key, offer,
                                  strlen (offer), error);
}

#define AVP "m=audio 5000 RTP/AVP 0\r\n"
#define SAVP "m=audio 5000 RTP/SAVP 0\r\n"
#define CRYPTO(tag, suite) "a=crypto:" tag " " suite " inline:" KEY_B64 "\r\n"

/* The answer takes the first offered line we speak, with its tag and our
 * key, on the offer's profile; the policy refuses what it must. */
static void
test_answer_policies (void)
{
  g_autofree char *b64 = g_base64_encode (our_key, sizeof our_key);
  static const struct {
    VoMediaSrtpPolicy policy;
    const char *media;
    const char *proto;        /* NULL: refused */
    const char *crypto;       /* expected "TAG SUITE", NULL: none */
  } cases[] = {
    { VO_MEDIA_SRTP_OPTIONAL, AVP, "RTP/AVP", NULL },
    { VO_MEDIA_SRTP_OPTIONAL, AVP CRYPTO ("1", "AES_CM_128_HMAC_SHA1_80"), "RTP/AVP",
      "1 AES_CM_128_HMAC_SHA1_80" },
    { VO_MEDIA_SRTP_OPTIONAL, SAVP CRYPTO ("3", "AES_CM_128_HMAC_SHA1_32"), "RTP/SAVP",
      "3 AES_CM_128_HMAC_SHA1_32" },
    /* several lines: unknown suite and bad key skipped, first good one taken */
    { VO_MEDIA_SRTP_OPTIONAL, SAVP CRYPTO ("1", "AEAD_AES_256_GCM")
      "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:short\r\n"
      CRYPTO ("3", "AES_CM_128_HMAC_SHA1_32") CRYPTO ("4", "AES_CM_128_HMAC_SHA1_80"),
      "RTP/SAVP", "3 AES_CM_128_HMAC_SHA1_32" },
    { VO_MEDIA_SRTP_OPTIONAL, AVP CRYPTO ("1", "F8_128_HMAC_SHA1_80"), "RTP/AVP", NULL },
    { VO_MEDIA_SRTP_OPTIONAL, SAVP, NULL, NULL },
    { VO_MEDIA_SRTP_MANDATORY, AVP, NULL, NULL },
    { VO_MEDIA_SRTP_MANDATORY, AVP CRYPTO ("5", "AES_CM_128_HMAC_SHA1_80"), "RTP/AVP",
      "5 AES_CM_128_HMAC_SHA1_80" },
    { VO_MEDIA_SRTP_MANDATORY, SAVP CRYPTO ("1", "AES_CM_128_HMAC_SHA1_80"), "RTP/SAVP",
      "1 AES_CM_128_HMAC_SHA1_80" },
    { VO_MEDIA_SRTP_OFF, AVP CRYPTO ("1", "AES_CM_128_HMAC_SHA1_80"), "RTP/AVP", NULL },
    { VO_MEDIA_SRTP_OFF, SAVP CRYPTO ("1", "AES_CM_128_HMAC_SHA1_80"), NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) check_error = NULL;
    g_autofree char *offer = g_strconcat (ANSWER_HEAD, cases[i].media, NULL);
    g_autofree char *answer = answer_for (cases[i].policy, cases[i].media, &error);
    gboolean acceptable = vo_media_sdp_offer_acceptable (offer, strlen (offer), cases[i].policy,
                                                       &check_error);

    g_test_message ("case %u: %s", i, cases[i].media);
    g_assert_cmpint (acceptable, ==, cases[i].proto != NULL);
    if (!cases[i].proto) {
      g_assert_null (answer);
      g_assert_error (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED);
      g_assert_error (check_error, VO_ERROR, VO_ERROR_NOT_SUPPORTED);
      continue;
    }
    g_assert_no_error (error);
    g_assert_nonnull (strstr (answer, cases[i].proto));
    if (!cases[i].crypto) {
      g_assert_null (strstr (answer, "a=crypto"));
    } else {
      g_autofree char *line = g_strdup_printf ("a=crypto:%s inline:%s\r\n", cases[i].crypto, b64);
      const char *at = strstr (answer, line);

      g_assert_nonnull (at);
      /* exactly one crypto line */
      g_assert_null (strstr (at + 1, "a=crypto"));
      g_assert_true (strstr (answer, "a=crypto") == at);
    }
  }
}

/* Encrypted when the answer took one of the offer's lines: tag and suite
 * agree, each side's key is read from its own SDP. */
static void
test_negotiated_crypto (void)
{
  g_autofree char *offer = vo_media_sdp_build_offer ("127.0.0.1", 40000, codecs,
                                                   VO_MEDIA_SRTP_OPTIONAL, our_key);
  static const struct {
    const char *answer_media;
    VoMediaSrtpSuite suite;
  } cases[] = {
    { AVP, VO_MEDIA_SRTP_NONE },
    { AVP CRYPTO ("1", "AES_CM_128_HMAC_SHA1_80"), VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80 },
    { AVP CRYPTO ("2", "AES_CM_128_HMAC_SHA1_32"), VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32 },
    /* tag and suite that do not match what we offered under that tag */
    { AVP CRYPTO ("1", "AES_CM_128_HMAC_SHA1_32"), VO_MEDIA_SRTP_NONE },
    { AVP CRYPTO ("9", "AES_CM_128_HMAC_SHA1_80"), VO_MEDIA_SRTP_NONE },
    { AVP "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:bad\r\n", VO_MEDIA_SRTP_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *answer = g_strconcat (ANSWER_HEAD, cases[i].answer_media, NULL);
    g_autoptr(GError) error = NULL;
    VoMediaSdpResult result;
    VoMediaParams params;

    g_test_message ("case %u: %s", i, cases[i].answer_media);
    g_assert_true (vo_media_sdp_negotiated (offer, answer, codecs, &result, &error));
    g_assert_cmpint (result.srtp_suite, ==, cases[i].suite);
    vo_media_sdp_result_to_params (&result, &params);
    g_assert_cmpint (params.srtp_suite, ==, cases[i].suite);
    if (cases[i].suite) {
      g_assert_cmpmem (params.srtp_local_key, VO_MEDIA_SRTP_KEY_LEN, our_key, 30);
      g_assert_cmpmem (params.srtp_remote_key, VO_MEDIA_SRTP_KEY_LEN,
                       "012345678901234567890123456789", 30);
    }
    vo_media_sdp_result_clear (&result);
  }
}

/* After agreement our capabilities keep the agreed crypto line only. */
static void
test_keep_crypto (void)
{
  g_autofree char *offer = vo_media_sdp_build_offer ("127.0.0.1", 40000, codecs,
                                                   VO_MEDIA_SRTP_OPTIONAL, our_key);
  g_autofree char *kept = vo_media_sdp_keep_crypto (offer, 2);

  g_assert_null (strstr (kept, "a=crypto:1 "));
  g_assert_nonnull (strstr (kept, "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"));
  g_assert_nonnull (strstr (kept, "m=audio 40000 RTP/AVP "));
  g_assert_true (g_str_has_suffix (kept, "\r\n"));
}

/* Fresh keys: two in a row differ (a CSPRNG, not a fixed seed). */
static void
test_random_keys (void)
{
  guint8 a[VO_MEDIA_SRTP_KEY_LEN], b[VO_MEDIA_SRTP_KEY_LEN];
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_media_srtp_random_key (a, &error));
  g_assert_true (vo_media_srtp_random_key (b, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
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
  g_autofree char *offer = vo_media_sdp_build ("127.0.0.1", 40000, codecs);

  for (guint i = 0; i < G_N_ELEMENTS (media); i++) {
    g_autofree char *sdp = g_strconcat (ANSWER_HEAD, media[i], NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) negotiate_error = NULL;
    VoMediaSdpResult result;

    g_assert_false (vo_media_sdp_offer_usable (sdp, strlen (sdp), codecs, &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_assert_false (vo_media_sdp_negotiated (offer, sdp, codecs, &result, &negotiate_error));
    g_assert_error (negotiate_error, VO_ERROR, VO_ERROR_FAILED);
    g_assert_null (vo_media_sdp_keep_payload_types (offer, sdp));
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
  g_test_add_func ("/sdp/crypto/parse", test_parse_crypto);
  g_test_add_func ("/sdp/crypto/offer-policies", test_offer_policies);
  g_test_add_func ("/sdp/crypto/answer-policies", test_answer_policies);
  g_test_add_func ("/sdp/crypto/negotiated", test_negotiated_crypto);
  g_test_add_func ("/sdp/crypto/keep-agreed-line", test_keep_crypto);
  g_test_add_func ("/sdp/crypto/random-keys", test_random_keys);
  g_test_add_func ("/sdp/sofia-m-line-loop-refused", test_sofia_m_line_loop_refused);
  return g_test_run ();
}
