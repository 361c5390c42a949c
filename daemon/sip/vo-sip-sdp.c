/* vo-sip-sdp.c: SDP built as text for Sofia's SOA, read back with sdp_parse().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-sdp.h"
#include "vo-error.h"

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

/* Sofia-SIP 1.12.11 loops, allocating until memory runs out, on an m= line
 * whose format list has a character that is no RFC 4566 token ("m=audio 5
 * X @", "m=audio 5 X /1"; fixed upstream by freeswitch/sofia-sip a953f25
 * "fix parse m-line"; found by tests/fuzz/fuzz-sdp). Such SDP is refused
 * before Sofia reads it: each m= line must be media SP port["/"n] SP proto
 * then tokens, read the way Sofia reads it. */
#define SDP_TOKEN "-!#$%&'*+.^_`{|}~0123456789" \
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

static gboolean
m_line_parsable (const char *line)
{
  const char *p = line + 2 + strspn (line + 2, " \t");
  gsize n;

  if (!(n = strspn (p, SDP_TOKEN)) || p[n] != ' ')
    return FALSE;
  p += n + strspn (p + n, " ");
  if (!(n = strspn (p, "0123456789")))
    return FALSE;
  p += n;
  if (*p == '/') {
    if (!(n = strspn (++p, "0123456789")))
      return FALSE;
    p += n;
  }
  p += strspn (p, " ");
  if (!(n = strspn (p, "/" SDP_TOKEN)))
    return FALSE;
  p += n;
  return p[strspn (p, " " SDP_TOKEN)] == '\0';
}

static gboolean
m_lines_parsable (const char *sdp, gsize len)
{
  for (gsize i = 0; i < len;) {
    gsize end = i;

    while (end < len && sdp[end] != '\r' && sdp[end] != '\n')
      end++;
    /* Sofia starts a line after any CR or LF, past spaces and tabs. */
    while (i < end && (sdp[i] == ' ' || sdp[i] == '\t'))
      i++;
    if (end - i >= 2 && sdp[i] == 'm' && sdp[i + 1] == '=') {
      g_autofree char *line = g_strndup (sdp + i, end - i);

      if (strlen (line) != end - i || !m_line_parsable (line))
        return FALSE;
    }
    i = end + 1;
  }
  return TRUE;
}

static sdp_parser_t *
sdp_parse_text (su_home_t *home, const char *sdp, gsize len)
{
  return m_lines_parsable (sdp, len) ? sdp_parse (home, sdp, (issize_t) len, 0) : NULL;
}

static const char *
parsing_error (sdp_parser_t *parser)
{
  return parser ? sdp_parsing_error (parser) : "an m= line that is not RFC 4566";
}

char *
vo_sip_sdp_build (const char *address, guint port, const VoMediaCodec *codecs)
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
                          "m=audio %u RTP/AVP %s\r\n",
                          ip, address, ip, address, port, pts->str);
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
  g_string_free (pts, TRUE);
  return g_string_free (sdp, FALSE);
}

static sdp_media_t *
first_audio (sdp_session_t *session)
{
  for (sdp_media_t *m = session ? session->sdp_media : NULL; m; m = m->m_next)
    if (m->m_type == sdp_media_audio && !m->m_rejected && m->m_port)
      return m;
  return NULL;
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
codec_is_supported (const char *encoding)
{
  const VoMediaCodec *codecs = vo_media_supported_codecs ();

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
vo_sip_sdp_negotiated (const char *local_sdp, const char *remote_sdp, VoSipSdpResult *result,
                       GError **error)
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
    } else if (!result->codec_encoding && codec_is_supported (map->rm_encoding)) {
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
  ok = TRUE;

out:
  if (!ok)
    vo_sip_sdp_result_clear (result);
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
vo_sip_sdp_offer_usable (const char *sdp, gsize len, const VoMediaCodec *codecs,
                         GError **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *parser = sdp_parse_text (home, sdp, len);
  sdp_session_t *session = sdp_session (parser);
  const char *missing = NULL;
  gboolean audio = FALSE, usable = FALSE;

  if (!session)
    missing = parsing_error (parser);
  for (sdp_media_t *m = session ? session->sdp_media : NULL; m && !usable; m = m->m_next) {
    if (m->m_type != sdp_media_audio)
      continue;
    audio = TRUE;
    /* Plain RTP/AVP only: we have no SRTP (SAVP), and Sofia reads no
     * rtpmaps for other profiles (AVPF), so SOA could not answer them. */
    usable = !m->m_rejected && m->m_port && m->m_proto == sdp_proto_rtp &&
             media_address (session, m) && offer_codec (m, codecs);
  }
  if (session && !usable)
    missing = !audio ? "no audio stream" : "no audio stream with an address and a codec we "
                                           "speak (opus/48000/2, G722/8000, PCMU/8000, "
                                           "PCMA/8000) over RTP/AVP";
  if (!usable)
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "Unusable offer: %s",
                 missing ? missing : "unreadable SDP");
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
vo_sip_sdp_keep_payload_types (const char *capabilities, const char *session)
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

void
vo_sip_sdp_result_clear (VoSipSdpResult *result)
{
  g_clear_pointer (&result->remote_address, g_free);
  g_clear_pointer (&result->codec_encoding, g_free);
}

void
vo_sip_sdp_result_to_params (const VoSipSdpResult *result, VoMediaParams *params)
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
}
