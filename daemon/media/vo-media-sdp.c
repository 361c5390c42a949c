/* vo-media-sdp.c: SDP built as text for Sofia's SOA, read back with sdp_parse().
 *
 * The media side builds and reads SDP, as GNOME Calls' media manager does:
 * sip/ carries it as opaque strings (SOATAG_USER_SDP_STR in, the negotiated
 * local and remote SDP out). Only Sofia's SDP parser and printer are used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-sdp.h"
#include "vo-error.h"
#include "vo-sdp-text.h"

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>
#include <string.h>

/* telephone-event at 8000 (VO_MEDIA_DTMF_PAYLOAD_TYPE), and at each other
 * codec clock rate counting down from here (opus: 100 at 48000). */
#define DTMF_WIDEBAND_PAYLOAD_TYPE 100

/* The distinct codec clock rates other than 8000, in offer order. */
static GArray *
wideband_rates (const VoMediaCodec *codecs)
{
  GArray *rates = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; codecs[i].encoding; i++) {
    gboolean seen = codecs[i].clock_rate == 8000;

    for (guint j = 0; j < rates->len && !seen; j++)
      seen = g_array_index (rates, guint, j) == codecs[i].clock_rate;
    if (!seen)
      g_array_append_val (rates, codecs[i].clock_rate);
  }
  return rates;
}

/* Sofia-SIP 1.12.11 loops on some m= lines (vo-sdp-text.h): such SDP is
 * not given to it. The daemon's own guard (vo-sip-sofia-guards.c) does the
 * same process-wide; this one also holds where that is not linked in (the
 * unit tests and fuzz targets). */
static sdp_parser_t *
sdp_parse_text (su_home_t *home, const char *sdp, gsize len)
{
  return vo_sdp_text_parsable (sdp, len) ? sdp_parse (home, sdp, (issize_t) len, 0) : NULL;
}

static const char *
parsing_error (sdp_parser_t *parser)
{
  return parser ? sdp_parsing_error (parser) : "an m= line that is not RFC 4566";
}

/* Our capabilities on an @proto m= line, with @extra (a= lines) after the
 * codecs. */
static char *
sdp_build (const char *address, guint port, const VoMediaCodec *codecs, const char *proto,
           const char *extra)
{
  GString *sdp = g_string_new (NULL);
  GString *pts = g_string_new (NULL);
  g_autoptr(GArray) rates = wideband_rates (codecs);
  const char *ip = strchr (address, ':') ? "IP6" : "IP4";

  for (guint i = 0; codecs[i].encoding; i++)
    g_string_append_printf (pts, "%u ", codecs[i].payload_type);
  for (guint j = 0; j < rates->len; j++)
    g_string_append_printf (pts, "%u ", DTMF_WIDEBAND_PAYLOAD_TYPE - j);
  g_string_append_printf (pts, "%u", VO_MEDIA_DTMF_PAYLOAD_TYPE);

  g_string_append_printf (sdp,
                          "v=0\r\n"
                          "o=vo-daemon 0 0 IN %s %s\r\n"
                          "s=-\r\n"
                          "c=IN %s %s\r\n"
                          "t=0 0\r\n"
                          "m=audio %u %s %s\r\n",
                          ip, address, ip, address, port, proto, pts->str);
  for (guint i = 0; codecs[i].encoding; i++) {
    if (codecs[i].channels > 1)
      g_string_append_printf (sdp, "a=rtpmap:%u %s/%u/%u\r\n", codecs[i].payload_type,
                              codecs[i].encoding, codecs[i].clock_rate, codecs[i].channels);
    else
      g_string_append_printf (sdp, "a=rtpmap:%u %s/%u\r\n", codecs[i].payload_type,
                              codecs[i].encoding, codecs[i].clock_rate);
    if (g_ascii_strcasecmp (codecs[i].encoding, "opus") == 0)
      g_string_append_printf (sdp, "a=fmtp:%u useinbandfec=1\r\n", codecs[i].payload_type);
  }
  /* RFC 4733 §2.1: events share the audio codec's clock, so a peer that
   * takes opus needs telephone-event/48000 to send us DTMF with it. */
  for (guint j = 0; j < rates->len; j++)
    g_string_append_printf (sdp, "a=rtpmap:%u telephone-event/%u\r\na=fmtp:%u 0-16\r\n",
                            DTMF_WIDEBAND_PAYLOAD_TYPE - j, g_array_index (rates, guint, j),
                            DTMF_WIDEBAND_PAYLOAD_TYPE - j);
  g_string_append_printf (sdp, "a=rtpmap:%u telephone-event/8000\r\na=fmtp:%u 0-16\r\n",
                          VO_MEDIA_DTMF_PAYLOAD_TYPE, VO_MEDIA_DTMF_PAYLOAD_TYPE);
  g_string_append (sdp, "a=sendrecv\r\n");
  if (extra)
    g_string_append (sdp, extra);
  g_string_free (pts, TRUE);
  return g_string_free (sdp, FALSE);
}

char *
vo_media_sdp_build (const char *address, guint port, const VoMediaCodec *codecs)
{
  return sdp_build (address, port, codecs, "RTP/AVP", NULL);
}

static sdp_media_t *
first_audio (sdp_session_t *session)
{
  for (sdp_media_t *m = session ? session->sdp_media : NULL; m; m = m->m_next)
    if (m->m_type == sdp_media_audio && !m->m_rejected && m->m_port)
      return m;
  return NULL;
}

/* ---- SDES (RFC 4568) ----------------------------------------------------- */

/* 30 bytes of key and salt are 40 base64 characters, without padding. */
#define INLINE_KEY_CHARS 40

static char *
crypto_line (guint tag, VoMediaSrtpSuite suite, const guint8 key[VO_MEDIA_SRTP_KEY_LEN])
{
  g_autofree char *inline_key = g_base64_encode (key, VO_MEDIA_SRTP_KEY_LEN);
  char *line = g_strdup_printf ("a=crypto:%u %s inline:%s\r\n", tag,
                                vo_media_srtp_suite_name (suite), inline_key);

  explicit_bzero (inline_key, strlen (inline_key));
  return line;
}

gboolean
vo_media_sdp_parse_crypto (const char *value, guint *tag, VoMediaSrtpSuite *suite,
                         guint8 key[VO_MEDIA_SRTP_KEY_LEN])
{
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) key_parts = NULL;
  guint64 number;
  const char *inline_key;
  gsize len = 0;
  guchar *decoded;
  gboolean ok = FALSE;

  if (!value)
    return FALSE;
  /* tag SP crypto-suite SP key-params [SP session-params]: we honour no
   * session parameter (KDR, UNENCRYPTED_SRTP...), so a line with any is
   * not one we can take. */
  fields = g_strsplit (value, " ", 0);
  if (g_strv_length (fields) != 3 || !g_ascii_string_to_unsigned (fields[0], 10, 0, 999999999,
                                                                 &number, NULL))
    return FALSE;
  *tag = (guint) number;
  *suite = vo_media_srtp_suite_from_name (fields[1], strlen (fields[1]));
  if (*suite == VO_MEDIA_SRTP_NONE)
    return FALSE;
  /* One key (several need MKIs), inline, optionally with a lifetime;
   * an MKI ("|1:4") we cannot use. */
  if (strchr (fields[2], ';') || !g_str_has_prefix (fields[2], "inline:"))
    return FALSE;
  key_parts = g_strsplit (fields[2] + strlen ("inline:"), "|", 0);
  inline_key = key_parts[0];
  if (!inline_key || g_strv_length (key_parts) > 2 || (key_parts[1] && strchr (key_parts[1], ':')))
    return FALSE;
  if (key_parts[1] && !(g_str_has_prefix (key_parts[1], "2^") ?
                        g_ascii_string_to_unsigned (key_parts[1] + 2, 10, 1, 48, NULL, NULL) :
                        g_ascii_string_to_unsigned (key_parts[1], 10, 1, G_MAXUINT64, NULL,
                                                    NULL)))
    return FALSE;
  /* g_base64_decode skips what is not base64: check the text first. */
  if (strlen (inline_key) != INLINE_KEY_CHARS ||
      strspn (inline_key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") !=
        INLINE_KEY_CHARS)
    return FALSE;
  decoded = g_base64_decode (inline_key, &len);
  if (len == VO_MEDIA_SRTP_KEY_LEN) {
    memcpy (key, decoded, VO_MEDIA_SRTP_KEY_LEN);
    ok = TRUE;
  }
  explicit_bzero (decoded, len);
  g_free (decoded);
  explicit_bzero (fields[2], strlen (fields[2]));
  explicit_bzero (key_parts[0], strlen (key_parts[0]));
  return ok;
}

/* The first a=crypto line of @m that we can use. */
static gboolean
media_crypto (sdp_media_t *m, guint *tag, VoMediaSrtpSuite *suite,
              guint8 key[VO_MEDIA_SRTP_KEY_LEN])
{
  for (sdp_attribute_t *a = m->m_attributes; a; a = a->a_next)
    if (a->a_name && g_ascii_strcasecmp (a->a_name, "crypto") == 0 &&
        vo_media_sdp_parse_crypto (a->a_value, tag, suite, key))
      return TRUE;
  return FALSE;
}

char *
vo_media_sdp_build_offer (const char *address, guint port, const VoMediaCodec *codecs,
                        VoMediaSrtpPolicy policy, const guint8 key[VO_MEDIA_SRTP_KEY_LEN])
{
  g_autofree char *line80 = NULL;
  g_autofree char *line32 = NULL;
  g_autofree char *lines = NULL;
  char *sdp;

  if (policy == VO_MEDIA_SRTP_OFF)
    return vo_media_sdp_build (address, port, codecs);
  /* Both suites with the same key: the answer picks one (its tag). The
   * 80-bit tag first, as RFC 4568 recommends. */
  line80 = crypto_line (1, VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80, key);
  line32 = crypto_line (2, VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32, key);
  lines = g_strconcat (line80, line32, NULL);
  /* Best effort stays RTP/AVP so that peers without SRTP still answer (as
   * baresip's srtp mediaenc does); mandatory says RTP/SAVP. */
  sdp = sdp_build (address, port, codecs,
                   policy == VO_MEDIA_SRTP_MANDATORY ? "RTP/SAVP" : "RTP/AVP", lines);
  explicit_bzero (line80, strlen (line80));
  explicit_bzero (line32, strlen (line32));
  explicit_bzero (lines, strlen (lines));
  return sdp;
}

/* What @policy makes of the offered audio stream @m: FALSE (with an error
 * for a 488) when we cannot take it; else *@use says whether to answer with
 * SRTP, with the peer's @tag and @suite. */
static gboolean
offer_choice (sdp_media_t *m, VoMediaSrtpPolicy policy, gboolean *use, guint *tag,
              VoMediaSrtpSuite *suite, GError **error)
{
  guint8 key[VO_MEDIA_SRTP_KEY_LEN];
  gboolean savp = m->m_proto == sdp_proto_srtp;
  gboolean have = media_crypto (m, tag, suite, key);

  explicit_bzero (key, sizeof key);
  *use = FALSE;
  if (policy == VO_MEDIA_SRTP_OFF && savp) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                         "The caller wants encrypted audio (RTP/SAVP) and [media] srtp is off");
    return FALSE;
  }
  if (policy == VO_MEDIA_SRTP_OFF)
    return TRUE;
  if (have) {
    *use = TRUE;
    return TRUE;
  }
  if (savp || policy == VO_MEDIA_SRTP_MANDATORY) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                         savp ? "The caller offers RTP/SAVP without a crypto suite we speak "
                                "(AES_CM_128_HMAC_SHA1_80 or _32 with one inline key)"
                              : "The caller offers unencrypted audio and [media] srtp is "
                                "mandatory");
    return FALSE;
  }
  return TRUE;
}

/* The offer's first audio stream, parsed into @home; NULL if none. */
static sdp_media_t *
offer_audio (su_home_t *home, const char *offer, gsize len, sdp_parser_t **parser)
{
  *parser = sdp_parse_text (home, offer, len);
  return first_audio (sdp_session (*parser));
}

gboolean
vo_media_sdp_offer_acceptable (const char *offer, gsize len, VoMediaSrtpPolicy policy,
                             GError **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *parser = NULL;
  sdp_media_t *m = offer_audio (home, offer, len, &parser);
  gboolean use = FALSE, ok = TRUE;
  guint tag;
  VoMediaSrtpSuite suite;

  /* Unusable audio is vo_media_sdp_offer_usable's to say. */
  if (m)
    ok = offer_choice (m, policy, &use, &tag, &suite, error);
  if (parser)
    sdp_parser_free (parser);
  su_home_deinit (home);
  return ok;
}

char *
vo_media_sdp_build_answer (const char *address, guint port, const VoMediaCodec *codecs,
                         VoMediaSrtpPolicy policy, const guint8 key[VO_MEDIA_SRTP_KEY_LEN],
                         const char *offer, gsize len, GError **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *parser = NULL;
  sdp_media_t *m = offer && len ? offer_audio (home, offer, len, &parser) : NULL;
  gboolean use = FALSE;
  guint tag = 0;
  VoMediaSrtpSuite suite = VO_MEDIA_SRTP_NONE;
  g_autofree char *line = NULL;
  char *sdp = NULL;

  if (!offer || !len) {
    /* No offer in the INVITE: our 200 OK makes it. */
    sdp = vo_media_sdp_build_offer (address, port, codecs, policy, key);
  } else if (!m) {
    sdp = vo_media_sdp_build (address, port, codecs);
  } else if (offer_choice (m, policy, &use, &tag, &suite, error)) {
    /* SOA answers an m= line only from ours with the same profile, and
     * copies our a= lines: one crypto line, the offer's tag and suite with
     * our own key (RFC 4568 §7.1.2). */
    if (use)
      line = crypto_line (tag, suite, key);
    sdp = sdp_build (address, port, codecs,
                     m->m_proto == sdp_proto_srtp ? "RTP/SAVP" : "RTP/AVP", line);
    if (line)
      explicit_bzero (line, strlen (line));
  }
  if (parser)
    sdp_parser_free (parser);
  su_home_deinit (home);
  return sdp;
}

/* SRTP as agreed: the answer's crypto line and the offer's with the same
 * tag and suite; whichever side the remote SDP is, its key is the peer's. */
static void
negotiated_crypto (sdp_media_t *lm, sdp_media_t *rm, VoMediaSdpResult *result)
{
  for (sdp_attribute_t *ra = rm->m_attributes; ra; ra = ra->a_next) {
    guint rtag, ltag;
    VoMediaSrtpSuite rsuite, lsuite;

    if (!ra->a_name || g_ascii_strcasecmp (ra->a_name, "crypto") != 0 ||
        !vo_media_sdp_parse_crypto (ra->a_value, &rtag, &rsuite, result->srtp_remote_key))
      continue;
    for (sdp_attribute_t *la = lm->m_attributes; la; la = la->a_next) {
      if (!la->a_name || g_ascii_strcasecmp (la->a_name, "crypto") != 0 ||
          !vo_media_sdp_parse_crypto (la->a_value, &ltag, &lsuite, result->srtp_local_key) ||
          ltag != rtag || lsuite != rsuite)
        continue;
      result->srtp_suite = rsuite;
      result->srtp_tag = rtag;
      return;
    }
  }
  explicit_bzero (result->srtp_local_key, sizeof result->srtp_local_key);
  explicit_bzero (result->srtp_remote_key, sizeof result->srtp_remote_key);
}

static const char *
media_address (sdp_session_t *session, sdp_media_t *m)
{
  if (m->m_connections && m->m_connections->c_address)
    return m->m_connections->c_address;
  if (session->sdp_connection && session->sdp_connection->c_address)
    return session->sdp_connection->c_address;
  return NULL;
}

static gboolean
codec_is_supported (const VoMediaCodec *codecs, const char *encoding)
{
  for (guint i = 0; codecs[i].encoding; i++)
    if (g_ascii_strcasecmp (codecs[i].encoding, encoding) == 0)
      return TRUE;
  return FALSE;
}

/* Whether our media description lists the same codec (name and rate). */
static gboolean
rtpmap_listed (sdp_media_t *m, const sdp_rtpmap_t *wanted)
{
  for (sdp_rtpmap_t *map = m->m_rtpmaps; map; map = map->rm_next)
    if (map->rm_encoding && g_ascii_strcasecmp (map->rm_encoding, wanted->rm_encoding) == 0 &&
        map->rm_rate == wanted->rm_rate)
      return TRUE;
  return FALSE;
}

gboolean
vo_media_sdp_negotiated (const char *local_sdp, const char *remote_sdp, const VoMediaCodec *codecs,
                       VoMediaSdpResult *result, GError **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *local_parser = sdp_parse_text (home, local_sdp, strlen (local_sdp));
  sdp_parser_t *remote_parser = sdp_parse_text (home, remote_sdp, strlen (remote_sdp));
  sdp_session_t *local = sdp_session (local_parser);
  sdp_session_t *remote = sdp_session (remote_parser);
  sdp_media_t *lm = first_audio (local);
  sdp_media_t *rm = first_audio (remote);
  const char *address;
  gboolean ok = FALSE;

  memset (result, 0, sizeof *result);
  if (!lm || !rm) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "The %s SDP has no usable audio stream (%s)",
                 !lm ? "local" : "remote",
                 parsing_error (!lm ? local_parser : remote_parser));
    goto out;
  }
  address = media_address (remote, rm);
  if (!address) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "The remote SDP has no address");
    goto out;
  }
  result->remote_address = g_strdup (address);
  result->remote_port = (guint) rm->m_port;

  /* The codec is the first one in the remote description that our side of
   * the negotiation also lists: for the offerer the remote SDP is the answer
   * (its first codec is the choice), for the answerer it is the offer, whose
   * order the answer follows. Both ends arrive at the same codec. PTs are
   * taken from the remote side: they are what the peer expects to receive. */
  for (sdp_rtpmap_t *map = rm->m_rtpmaps; map; map = map->rm_next) {
    if (!map->rm_encoding || !rtpmap_listed (lm, map))
      continue;
    if (g_ascii_strcasecmp (map->rm_encoding, "telephone-event") == 0) {
      continue;
    } else if (!result->codec_encoding && codec_is_supported (codecs, map->rm_encoding)) {
      result->codec_encoding = g_strdup (map->rm_encoding);
      result->codec_payload_type = map->rm_pt;
      result->codec_clock_rate = (guint) map->rm_rate;
      result->codec_channels = map->rm_params ? (guint) atoi (map->rm_params) : 1;
      if (result->codec_channels == 0)
        result->codec_channels = 1;
    }
  }
  /* telephone-event at the codec's rate (RFC 4733 §2.1), else the first
   * one both sides list (the media layer rescales its durations). */
  for (sdp_rtpmap_t *map = rm->m_rtpmaps; map && result->codec_encoding; map = map->rm_next) {
    if (!map->rm_encoding || g_ascii_strcasecmp (map->rm_encoding, "telephone-event") != 0 ||
        !rtpmap_listed (lm, map))
      continue;
    if (!result->dtmf_payload_type || map->rm_rate == result->codec_clock_rate) {
      result->dtmf_payload_type = map->rm_pt;
      result->dtmf_clock_rate = (guint) map->rm_rate;
    }
    if (map->rm_rate == result->codec_clock_rate)
      break;
  }
  if (!result->codec_encoding) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED,
                         "No audio codec in common with the peer (we offer opus, G722, PCMU, PCMA)");
    goto out;
  }
  /* Our direction is what our side of the negotiated SDP says. */
  switch (lm->m_mode) {
  case sdp_sendonly: result->direction = VO_MEDIA_SENDONLY; break;
  case sdp_recvonly: result->direction = VO_MEDIA_RECVONLY; break;
  case sdp_inactive: result->direction = VO_MEDIA_INACTIVE; break;
  default: result->direction = VO_MEDIA_SENDRECV; break;
  }
  result->remote_hold = rm->m_mode == sdp_sendonly || rm->m_mode == sdp_inactive ||
                        g_strcmp0 (address, "0.0.0.0") == 0;
  negotiated_crypto (lm, rm, result);
  ok = TRUE;

out:
  if (!ok)
    vo_media_sdp_result_clear (result);
  if (local_parser)
    sdp_parser_free (local_parser);
  if (remote_parser)
    sdp_parser_free (remote_parser);
  su_home_deinit (home);
  return ok;
}

/* Channels an rtpmap names ("opus/48000/2": 2; none: 1). */
static guint
rtpmap_channels (const sdp_rtpmap_t *map)
{
  guint64 channels = 1;

  if (map->rm_params && !g_ascii_string_to_unsigned (map->rm_params, 10, 1, 255, &channels,
                                                     NULL))
    return 0;
  return (guint) channels;
}

static const VoMediaCodec *
offer_codec (const sdp_media_t *m, const VoMediaCodec *codecs)
{
  for (const sdp_rtpmap_t *map = m->m_rtpmaps; map; map = map->rm_next)
    for (guint i = 0; map->rm_encoding && codecs[i].encoding; i++)
      if (g_ascii_strcasecmp (map->rm_encoding, codecs[i].encoding) == 0 &&
          map->rm_rate == codecs[i].clock_rate && rtpmap_channels (map) == codecs[i].channels)
        return &codecs[i];
  return NULL;
}

gboolean
vo_media_sdp_offer_usable (const char *sdp, gsize len, const VoMediaCodec *codecs,
                         GError **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *parser = sdp_parse_text (home, sdp, len);
  sdp_session_t *session = sdp_session (parser);
  const char *missing = NULL;
  gboolean audio = FALSE, usable = FALSE;
  guint tag;
  VoMediaSrtpSuite suite;
  guint8 key[VO_MEDIA_SRTP_KEY_LEN];

  if (!session)
    missing = parsing_error (parser);
  for (sdp_media_t *m = session ? session->sdp_media : NULL; m && !usable; m = m->m_next) {
    if (m->m_type != sdp_media_audio)
      continue;
    audio = TRUE;
    /* RTP/AVP, or RTP/SAVP with a crypto line we speak (whether
     * [media] srtp takes it is vo_media_sdp_offer_acceptable's call): Sofia
     * reads no rtpmaps for other profiles (AVPF), so SOA could not answer
     * them. */
    usable = !m->m_rejected && m->m_port &&
             (m->m_proto == sdp_proto_rtp ||
              (m->m_proto == sdp_proto_srtp && media_crypto (m, &tag, &suite, key))) &&
             media_address (session, m) && offer_codec (m, codecs);
  }
  if (session && !usable)
    missing = !audio ? "no audio stream" : "no audio stream with an address and a codec we "
                                           "speak (opus/48000/2, G722/8000, PCMU/8000, "
                                           "PCMA/8000) over RTP/AVP, or RTP/SAVP with "
                                           "AES_CM_128_HMAC_SHA1_80 or _32";
  if (!usable)
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "Unusable offer: %s",
                 missing ? missing : "unreadable SDP");
  explicit_bzero (key, sizeof key);
  if (parser)
    sdp_parser_free (parser);
  su_home_deinit (home);
  return usable;
}

/* The same codec: name, rate and channels (absent means 1). */
static gboolean
rtpmap_same_codec (const sdp_rtpmap_t *a, const sdp_rtpmap_t *b)
{
  return a->rm_encoding && b->rm_encoding &&
         g_ascii_strcasecmp (a->rm_encoding, b->rm_encoding) == 0 &&
         a->rm_rate == b->rm_rate && rtpmap_channels (a) == rtpmap_channels (b);
}

char *
vo_media_sdp_keep_payload_types (const char *capabilities, const char *session)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *caps_parser = sdp_parse_text (home, capabilities, strlen (capabilities));
  sdp_parser_t *session_parser = sdp_parse_text (home, session, strlen (session));
  sdp_session_t *caps = sdp_session (caps_parser);
  sdp_media_t *ours = first_audio (caps);
  sdp_media_t *agreed = first_audio (sdp_session (session_parser));
  gboolean used[128] = { FALSE };
  g_autoptr(GHashTable) placed = g_hash_table_new (NULL, NULL);
  char *out = NULL;

  if (!ours || !agreed)
    goto done;
  for (sdp_rtpmap_t *map = agreed->m_rtpmaps; map; map = map->rm_next)
    used[map->rm_pt & 127] = TRUE;
  /* First the codecs of the session take their numbers there... */
  for (sdp_rtpmap_t *map = ours->m_rtpmaps; map; map = map->rm_next) {
    map->rm_predef = 0;
    for (sdp_rtpmap_t *a = agreed->m_rtpmaps; a; a = a->rm_next)
      if (rtpmap_same_codec (map, a)) {
        map->rm_pt = a->rm_pt;
        g_hash_table_add (placed, map);
        break;
      }
  }
  /* ...then ours keep theirs unless the session uses it, else a free
   * dynamic one (RFC 3551 §6: 96-127). */
  for (sdp_rtpmap_t *map = ours->m_rtpmaps; map; map = map->rm_next) {
    if (g_hash_table_contains (placed, map))
      continue;
    if (used[map->rm_pt & 127]) {
      guint pt = 96;

      while (pt < 128 && used[pt])
        pt++;
      if (pt == 128)
        goto done;
      map->rm_pt = pt;
    }
    used[map->rm_pt & 127] = TRUE;
  }
  {
    sdp_printer_t *printer = sdp_print (home, caps, NULL, 0, 0);

    if (sdp_message (printer))
      out = g_strdup (sdp_message (printer));
    sdp_printer_free (printer);
  }

done:
  if (caps_parser)
    sdp_parser_free (caps_parser);
  if (session_parser)
    sdp_parser_free (session_parser);
  su_home_deinit (home);
  return out;
}

char *
vo_media_sdp_keep_crypto (const char *sdp, guint tag)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\r\n", 0);
  g_autofree char *keep = g_strdup_printf ("a=crypto:%u ", tag);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++) {
    if (!g_str_has_prefix (lines[i], "a=crypto:") || g_str_has_prefix (lines[i], keep)) {
      g_string_append (out, lines[i]);
      if (lines[i + 1])
        g_string_append (out, "\r\n");
    }
    explicit_bzero (lines[i], strlen (lines[i]));
  }
  return g_string_free (out, FALSE);
}

void
vo_media_sdp_result_clear (VoMediaSdpResult *result)
{
  explicit_bzero (result->srtp_local_key, sizeof result->srtp_local_key);
  explicit_bzero (result->srtp_remote_key, sizeof result->srtp_remote_key);
  result->srtp_suite = VO_MEDIA_SRTP_NONE;
  g_clear_pointer (&result->remote_address, g_free);
  g_clear_pointer (&result->codec_encoding, g_free);
}

void
vo_media_sdp_result_to_params (const VoMediaSdpResult *result, VoMediaParams *params)
{
  memset (params, 0, sizeof *params);
  params->remote_address = result->remote_address;
  params->remote_rtp_port = result->remote_port;
  params->remote_rtcp_port = result->remote_port + 1;
  params->codec.encoding = result->codec_encoding;
  params->codec.payload_type = result->codec_payload_type;
  params->codec.clock_rate = result->codec_clock_rate;
  params->codec.channels = result->codec_channels;
  params->dtmf_payload_type = result->dtmf_payload_type;
  params->dtmf_clock_rate = result->dtmf_clock_rate;
  params->direction = result->direction;
  params->srtp_suite = result->srtp_suite;
  memcpy (params->srtp_local_key, result->srtp_local_key, VO_MEDIA_SRTP_KEY_LEN);
  memcpy (params->srtp_remote_key, result->srtp_remote_key, VO_MEDIA_SRTP_KEY_LEN);
}
