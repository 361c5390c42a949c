/* test-media.c: call audio between two sessions on 127.0.0.1, and the ringer.
 *
 * Session A plays a 440 Hz sine, B a 660 Hz one, through the test endpoint
 * overrides instead of PipeWire; each side's appsink is checked for the
 * other's frequency after the real RTP path (codec, rtpbin jitter buffer,
 * UDP sockets).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-error.h"
#include "vo-media-ringer.h"
#include "vo-media-session.h"
#include "vo-media-testing.h"

#include <gst/gst.h>
#include <math.h>

#define RATE 16000
#define TONE_A 440.0
#define TONE_B 660.0
/* 20 ms buffers, like a PipeWire capture stream. */
#define SOURCE_FMT                                                                       \
  "audiotestsrc is-live=true wave=sine volume=0.5 samplesperbuffer=320 freq=%g ! "       \
  "audio/x-raw,rate=16000 ! identity"
/* Fixed format at the test's end so the analysis knows what it reads. */
#define SINK_DESC                                                                        \
  "audioconvert ! audioresample ! audio/x-raw,format=F32LE,channels=1,rate=16000 ! "     \
  "appsink name=vo-test-sink max-buffers=100 drop=true sync=true"
#define RING_SINK_DESC                                                                   \
  "audioconvert ! audioresample ! audio/x-raw,format=F32LE,channels=1,rate=16000 ! "     \
  "appsink name=vo-ring-sink max-buffers=100 drop=true sync=true"

/* ---- audio analysis ---------------------------------------------------- */

static double
goertzel_power (const float *x, guint n, double freq)
{
  double coeff = 2.0 * cos (2.0 * G_PI * freq / RATE);
  double s1 = 0, s2 = 0;

  for (guint i = 0; i < n; i++) {
    double s0 = x[i] + coeff * s1 - s2;

    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/* The strongest frequency between 100 and 3000 Hz, in 5 Hz steps. */
static double
dominant_frequency (GArray *samples)
{
  double best = 0, best_power = -1;

  for (double f = 100; f <= 3000; f += 5) {
    double power = goertzel_power ((const float *) samples->data, samples->len, f);

    if (power > best_power) {
      best_power = power;
      best = f;
    }
  }
  return best;
}

static double
rms (GArray *samples)
{
  double sum = 0;

  for (guint i = 0; i < samples->len; i++)
    sum += g_array_index (samples, float, i) * g_array_index (samples, float, i);
  return samples->len ? sqrt (sum / samples->len) : 0;
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static gboolean
pull_into (GstElement *sink, GArray *samples)
{
  GstSample *sample = NULL;
  GstMapInfo map;

  g_signal_emit_by_name (sink, "try-pull-sample", (GstClockTime) 0, &sample);
  if (!sample)
    return FALSE;
  if (samples && gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ)) {
    g_array_append_vals (samples, map.data, map.size / sizeof (float));
    gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  }
  gst_sample_unref (sample);
  return TRUE;
}

/* What each of @n sinks renders during the same @ms of wall time, older data
 * dropped; with @wait, starting once all of them play (start-up is slow
 * under sanitizers). */
static void
collect_many (GstElement **sinks, GArray **samples, guint n, guint ms, gboolean wait)
{
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++) {
    g_assert_nonnull (sinks[i]);
    samples[i] = g_array_new (FALSE, FALSE, sizeof (float));
    while (wait && g_get_monotonic_time () < end && !pull_into (sinks[i], NULL)) {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
    while (pull_into (sinks[i], NULL))
      ;
  }
  end = g_get_monotonic_time () + ms * 1000;
  while (g_get_monotonic_time () < end) {
    gboolean got = FALSE;

    g_main_context_iteration (NULL, FALSE);
    for (guint i = 0; i < n; i++)
      got |= pull_into (sinks[i], samples[i]);
    if (!got)
      g_usleep (5000);
  }
}

static GArray *
collect_from (GstElement *sink, guint ms, gboolean wait)
{
  GArray *samples;

  collect_many (&sink, &samples, 1, ms, wait);
  return samples;
}

static GArray *
collect (VoMediaSession *session, guint ms, gboolean wait)
{
  g_autoptr(GstElement) sink = vo_media_session_get_element_for_testing (session, "vo-test-sink");

  return collect_from (sink, ms, wait);
}

static void
assert_tone_samples (GArray *samples, double freq)
{
  double peak;

  /* 250 ms at 16 kHz were asked for; allow for jitter. */
  g_assert_cmpuint (samples->len, >, RATE / 8);
  g_assert_cmpfloat (rms (samples), >, 0.05);
  peak = dominant_frequency (samples);
  g_test_message ("dominant %.0f Hz (want %.0f), rms %.3f over %u samples", peak, freq,
                  rms (samples), samples->len);
  g_assert_cmpfloat (fabs (peak - freq), <, freq * 0.05);
}

static void
assert_tone (VoMediaSession *session, double freq)
{
  g_autoptr(GArray) samples = collect (session, 250, TRUE);

  assert_tone_samples (samples, freq);
}

static gboolean
is_tone (GArray *samples, double freq)
{
  return samples->len > RATE / 8 && rms (samples) > 0.05 &&
         fabs (dominant_frequency (samples) - freq) < freq * 0.05;
}

/* For changes that may glitch: the tone must be back within @timeout_ms. */
static void
assert_tone_within (VoMediaSession *session, double freq, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;) {
    g_autoptr(GArray) samples = collect (session, 250, TRUE);

    if (is_tone (samples, freq) || g_get_monotonic_time () > end) {
      assert_tone_samples (samples, freq);
      return;
    }
  }
}

/* Nothing, or silence: what a receiver gets while the sender is quiet. */
static void
assert_quiet (VoMediaSession *session)
{
  g_autoptr(GArray) samples = collect (session, 200, FALSE);

  g_test_message ("quiet check: %u samples, rms %.4f", samples->len, rms (samples));
  g_assert_true (samples->len < RATE / 20 || rms (samples) < 0.01);
}

/* ---- a pair of sessions ------------------------------------------------ */

typedef struct {
  VoMediaSession *a;
  VoMediaSession *b;
  GString *dtmf_b;
  char *error_a;
} Pair;

static void
on_dtmf (VoMediaSession *session, gchar digit, gpointer user_data)
{
  g_string_append_c (user_data, digit);
}

static void
on_error (VoMediaSession *session, const char *message, gpointer user_data)
{
  char **slot = user_data;

  g_free (*slot);
  *slot = g_strdup (message);
}

static VoMediaSession *
make_session (const char *bind, double freq)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_strdup_printf (SOURCE_FMT, freq);
  VoMediaSession *session = vo_media_session_new (bind, &error);

  g_assert_no_error (error);
  vo_media_session_set_endpoints_for_testing (session, source, SINK_DESC);
  return session;
}

static void
pair_init (Pair *pair, const char *bind_b)
{
  pair->a = make_session ("127.0.0.1", TONE_A);
  pair->b = make_session (bind_b, TONE_B);
  pair->dtmf_b = g_string_new (NULL);
  pair->error_a = NULL;
  g_signal_connect (pair->b, "dtmf-received", G_CALLBACK (on_dtmf), pair->dtmf_b);
  g_signal_connect (pair->a, "error", G_CALLBACK (on_error), &pair->error_a);
}

static void
pair_clear (Pair *pair)
{
  vo_media_session_stop (pair->a);
  g_clear_object (&pair->a);
  g_clear_object (&pair->b);
  g_string_free (pair->dtmf_b, TRUE);
  g_free (pair->error_a);
}

static VoMediaParams
params_to (VoMediaSession *peer, const char *encoding, VoMediaDirection direction)
{
  VoMediaParams params = { 0 };
  const VoMediaCodec *codecs = vo_media_supported_codecs ();

  params.remote_address = "127.0.0.1";
  params.remote_rtp_port = vo_media_session_get_local_port (peer);
  params.remote_rtcp_port = params.remote_rtp_port + 1;
  for (guint i = 0; codecs[i].encoding; i++)
    if (g_ascii_strcasecmp (codecs[i].encoding, encoding) == 0)
      params.codec = codecs[i];
  g_assert_nonnull (params.codec.encoding);
  params.dtmf_payload_type = VO_MEDIA_DTMF_PAYLOAD_TYPE;
  params.direction = direction;
  return params;
}

static void
start (VoMediaSession *self, VoMediaSession *peer, const char *encoding,
       VoMediaDirection direction)
{
  g_autoptr(GError) error = NULL;
  VoMediaParams params = params_to (peer, encoding, direction);

  gboolean ok = vo_media_session_start (self, &params, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

/* Both directions at once: B hears A's 440 Hz and A hears B's 660 Hz. */
static void
assert_both_tones (VoMediaSession *a, VoMediaSession *b)
{
  GstElement *sinks[2] = {
    vo_media_session_get_element_for_testing (b, "vo-test-sink"),
    vo_media_session_get_element_for_testing (a, "vo-test-sink"),
  };
  GArray *samples[2];

  collect_many (sinks, samples, 2, 250, TRUE);
  assert_tone_samples (samples[0], TONE_A);
  assert_tone_samples (samples[1], TONE_B);
  for (guint i = 0; i < 2; i++) {
    g_array_unref (samples[i]);
    gst_object_unref (sinks[i]);
  }
}

static void
pair_start (Pair *pair, const char *encoding)
{
  start (pair->a, pair->b, encoding, VO_MEDIA_SENDRECV);
  start (pair->b, pair->a, encoding, VO_MEDIA_SENDRECV);
  /* Jitter buffer, decoder start-up. */
  wait_ms (200);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_codec_list (void)
{
  const VoMediaCodec *codecs = vo_media_supported_codecs ();
  const struct {
    const char *encoding;
    guint pt, clock, channels;
  } want[] = { { "opus", 111, 48000, 2 }, { "G722", 9, 8000, 1 }, { "PCMU", 0, 8000, 1 },
               { "PCMA", 8, 8000, 1 } };

  for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
    g_assert_cmpstr (codecs[i].encoding, ==, want[i].encoding);
    g_assert_cmpuint (codecs[i].payload_type, ==, want[i].pt);
    g_assert_cmpuint (codecs[i].clock_rate, ==, want[i].clock);
    g_assert_cmpuint (codecs[i].channels, ==, want[i].channels);
  }
  g_assert_null (codecs[G_N_ELEMENTS (want)].encoding);
}

static void
test_ports (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoMediaSession) session = vo_media_session_new ("127.0.0.1", &error);
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) rtcp = NULL;
  g_autoptr(GstElement) none = NULL;
  guint port;

  g_assert_no_error (error);
  port = vo_media_session_get_local_port (session);
  g_assert_cmpuint (port % 2, ==, 0);
  g_assert_cmpuint (port, >, 0);
  /* RTCP's port is taken too. */
  probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                        &error);
  g_assert_no_error (error);
  rtcp = g_inet_socket_address_new (loopback, port + 1);
  g_assert_false (g_socket_bind (probe, rtcp, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_clear_error (&error);

  /* No pipeline before start. */
  none = vo_media_session_get_element_for_testing (session, "vo-test-sink");
  g_assert_null (none);

  g_assert_null (vo_media_session_new ("not-an-address", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
}

static void
test_codec (gconstpointer data)
{
  const char *encoding = data;
  Pair pair;

  /* PCMA's B listens on all addresses (dual-stack socket) to cover that path. */
  pair_init (&pair, g_str_equal (encoding, "PCMA") ? NULL : "127.0.0.1");
  pair_start (&pair, encoding);
  assert_both_tones (pair.a, pair.b);
  g_assert_null (pair.error_a);
  pair_clear (&pair);
}

static gboolean
wait_for_digits (GString *got, const char *want, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < end && got->len < strlen (want))
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return g_str_equal (got->str, want);
}

static void
test_dtmf (gconstpointer data)
{
  const char *encoding = data;
  g_autoptr(GError) error = NULL;
  Pair pair;

  pair_init (&pair, "127.0.0.1");
  /* telephone-event/8000 next to opus/48000 too: what our SDP offers. */
  pair_start (&pair, encoding);
  g_assert_true (vo_media_session_send_dtmf (pair.a, '5', &error));
  g_assert_no_error (error);
  g_assert_true (vo_media_session_send_dtmf (pair.a, '#', &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_digits (pair.dtmf_b, "5#", 3000));
  /* Audio carries on after the events (rtpdtmfmux drops it during them). */
  wait_ms (300);
  assert_both_tones (pair.a, pair.b);

  g_assert_false (vo_media_session_send_dtmf (pair.a, 'x', &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  pair_clear (&pair);
}

static void
test_dtmf_unsupported (void)
{
  g_autoptr(GError) error = NULL;
  Pair pair;
  VoMediaParams params;

  pair_init (&pair, "127.0.0.1");
  g_assert_false (vo_media_session_send_dtmf (pair.a, '1', &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_STATE);
  g_clear_error (&error);

  params = params_to (pair.b, "PCMU", VO_MEDIA_SENDRECV);
  params.dtmf_payload_type = 0;
  g_assert_true (vo_media_session_start (pair.a, &params, &error));
  g_assert_false (vo_media_session_send_dtmf (pair.a, '1', &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED);
  pair_clear (&pair);
}

static void
test_directions (void)
{
  Pair pair;

  pair_init (&pair, "127.0.0.1");
  pair_start (&pair, "PCMU");
  assert_tone (pair.b, TONE_A);

  /* A on hold (recvonly): A stops sending, still hears B. */
  start (pair.a, pair.b, "PCMU", VO_MEDIA_RECVONLY);
  wait_ms (200);
  assert_quiet (pair.b);
  assert_tone (pair.a, TONE_B);

  /* Back to sendrecv, in place. */
  start (pair.a, pair.b, "PCMU", VO_MEDIA_SENDRECV);
  wait_ms (200);
  assert_tone (pair.b, TONE_A);

  /* inactive: neither way. */
  start (pair.a, pair.b, "PCMU", VO_MEDIA_INACTIVE);
  wait_ms (200);
  assert_quiet (pair.b);
  assert_quiet (pair.a);

  /* sendonly: A sends, drops what B sends. */
  start (pair.a, pair.b, "PCMU", VO_MEDIA_SENDONLY);
  wait_ms (200);
  assert_tone (pair.b, TONE_A);
  assert_quiet (pair.a);
  pair_clear (&pair);
}

static void
test_mute (void)
{
  Pair pair;

  pair_init (&pair, "127.0.0.1");
  vo_media_session_set_muted (pair.a, TRUE);
  pair_start (&pair, "opus");
  assert_quiet (pair.b);
  assert_tone (pair.a, TONE_B);
  vo_media_session_set_muted (pair.a, FALSE);
  wait_ms (200);
  assert_tone (pair.b, TONE_A);
  vo_media_session_set_muted (pair.a, TRUE);
  wait_ms (200);
  assert_quiet (pair.b);
  pair_clear (&pair);
}

static void
test_update (void)
{
  g_autoptr(GstElement) before = NULL;
  g_autoptr(GstElement) same = NULL;
  g_autoptr(GstElement) rebuilt = NULL;
  Pair pair;

  pair_init (&pair, "127.0.0.1");
  pair_start (&pair, "PCMU");
  before = vo_media_session_get_element_for_testing (pair.b, "vo-test-sink");

  /* A re-INVITE with the same codec keeps the pipeline. */
  start (pair.b, pair.a, "PCMU", VO_MEDIA_SENDRECV);
  same = vo_media_session_get_element_for_testing (pair.b, "vo-test-sink");
  g_assert_true (same == before);

  /* A new codec rebuilds it, on the same ports. */
  start (pair.a, pair.b, "G722", VO_MEDIA_SENDRECV);
  start (pair.b, pair.a, "G722", VO_MEDIA_SENDRECV);
  rebuilt = vo_media_session_get_element_for_testing (pair.b, "vo-test-sink");
  g_assert_true (rebuilt != before);
  wait_ms (200);
  assert_both_tones (pair.a, pair.b);
  pair_clear (&pair);
}

static void
test_devices (void)
{
  g_autoptr(GstElement) before = NULL;
  g_autoptr(GstElement) after = NULL;
  Pair pair;

  pair_init (&pair, "127.0.0.1");
  vo_media_session_set_devices (pair.a, "mic-1", "speaker-1");
  pair_start (&pair, "opus");
  assert_tone (pair.a, TONE_B);
  before = vo_media_session_get_element_for_testing (pair.a, "vo-test-sink");

  /* Both ends replaced while playing; audio goes on both ways. The gap the
   * switch leaves in A's RTP can briefly upset B's jitter buffer (seconds
   * under sanitizers, a few ms otherwise). */
  vo_media_session_set_devices (pair.a, "mic-2", "speaker-2");
  /* The output is swapped when no buffer is on its way, maybe a bit later. */
  for (guint i = 0; i < 200 && (!after || after == before); i++) {
    g_clear_object (&after);
    wait_ms (10);
    after = vo_media_session_get_element_for_testing (pair.a, "vo-test-sink");
  }
  g_assert_nonnull (after);
  g_assert_true (after != before);
  assert_tone_within (pair.a, TONE_B, 3000);
  assert_tone_within (pair.b, TONE_A, 3000);

  /* Same names again: nothing to do. */
  vo_media_session_set_devices (pair.a, "mic-2", "speaker-2");
  g_clear_object (&before);
  before = vo_media_session_get_element_for_testing (pair.a, "vo-test-sink");
  g_assert_true (after == before);
  pair_clear (&pair);
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstElement) gone = NULL;
  Pair pair;
  VoMediaParams params;

  pair_init (&pair, "127.0.0.1");
  params = params_to (pair.b, "PCMU", VO_MEDIA_SENDRECV);
  params.codec.encoding = "speex";
  g_assert_false (vo_media_session_start (pair.a, &params, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* A failure inside the running pipeline stops the session and says so. */
  pair_start (&pair, "PCMU");
  sink = vo_media_session_get_element_for_testing (pair.a, "vo-test-sink");
  GST_ELEMENT_ERROR (sink, RESOURCE, WRITE, ("Simulated device failure"), (NULL));
  for (guint i = 0; i < 200 && !pair.error_a; i++)
    wait_ms (10);
  g_assert_nonnull (pair.error_a);
  g_assert_nonnull (strstr (pair.error_a, "Simulated device failure"));
  gone = vo_media_session_get_element_for_testing (pair.a, "vo-test-sink");
  g_assert_null (gone);

  params = params_to (pair.b, "PCMU", VO_MEDIA_SENDRECV);
  g_assert_false (vo_media_session_start (pair.a, &params, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_STATE);
  pair_clear (&pair);
}

static void
test_ringer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoMediaRinger) ringer = vo_media_ringer_new ();
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstElement) gone = NULL;
  g_autoptr(GArray) tone = NULL;
  g_autoptr(GArray) pause = NULL;
  GstSample *first = NULL;
  double peak;

  g_assert_false (vo_media_ringer_is_ringing (ringer));
  g_assert_true (vo_media_ringer_start (ringer, "", &error));
  g_assert_no_error (error);
  g_assert_true (vo_media_ringer_is_ringing (ringer));
  sink = vo_media_ringer_get_element_for_testing (ringer, "vo-ring-sink");

  /* Once it plays: the trill alternates every 125 ms, so a 100 ms window
   * holds mostly one of its notes. */
  for (guint i = 0; i < 300 && !first; i++)
    g_signal_emit_by_name (sink, "try-pull-sample", (GstClockTime) (10 * GST_MSECOND), &first);
  g_assert_nonnull (first);
  gst_sample_unref (first);
  tone = collect_from (sink, 100, FALSE);
  peak = dominant_frequency (tone);
  g_test_message ("ring tone at %.0f Hz, rms %.3f", peak, rms (tone));
  g_assert_cmpfloat (rms (tone), >, 0.1);
  g_assert_true (fabs (peak - 659) < 20 || fabs (peak - 880) < 20);
  /* Then the pause of the cadence. */
  wait_ms (1500);
  pause = collect_from (sink, 300, FALSE);
  g_assert_cmpfloat (rms (pause), <, 0.01);

  vo_media_ringer_stop (ringer);
  g_assert_false (vo_media_ringer_is_ringing (ringer));
  gone = vo_media_ringer_get_element_for_testing (ringer, "vo-ring-sink");
  g_assert_null (gone);
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean entered;
  gboolean released;
} Stuck;

/* A streaming thread that no state change can wake, like pipewiresink
 * waiting in set_caps for a stream state that already went by. */
static GstPadProbeReturn
on_buffer_stuck (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Stuck *stuck = user_data;

  g_mutex_lock (&stuck->lock);
  stuck->entered = TRUE;
  g_cond_broadcast (&stuck->cond);
  while (!stuck->released)
    g_cond_wait (&stuck->cond, &stuck->lock);
  g_mutex_unlock (&stuck->lock);
  return GST_PAD_PROBE_OK;
}

/* Stopping a session whose playback thread is stuck returns in bounded time
 * (the daemon's main loop and SIGTERM must not hang on it). */
static void
test_stop_stuck (void)
{
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstPad) pad = NULL;
  Stuck stuck = { 0 };
  gint64 started, took;
  gulong probe;
  Pair pair;

  g_mutex_init (&stuck.lock);
  g_cond_init (&stuck.cond);
  pair_init (&pair, "127.0.0.1");
  pair_start (&pair, "PCMU");
  sink = vo_media_session_get_element_for_testing (pair.a, "vo-test-sink");
  pad = gst_element_get_static_pad (sink, "sink");
  probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer_stuck, &stuck, NULL);
  g_mutex_lock (&stuck.lock);
  while (!stuck.entered)
    g_assert_true (g_cond_wait_until (&stuck.cond, &stuck.lock,
                                      g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND));
  g_mutex_unlock (&stuck.lock);

  g_test_expect_message ("vo-media", G_LOG_LEVEL_WARNING, "*did not stop within*");
  started = g_get_monotonic_time ();
  vo_media_session_stop (pair.a);
  took = (g_get_monotonic_time () - started) / 1000;
  g_test_assert_expected_messages ();
  g_test_message ("stop with a stuck streaming thread took %" G_GINT64_FORMAT " ms", took);
  g_assert_cmpint (took, <, 8000);

  /* Let the pipeline left behind finish: nothing leaks. */
  g_mutex_lock (&stuck.lock);
  stuck.released = TRUE;
  g_cond_broadcast (&stuck.cond);
  g_mutex_unlock (&stuck.lock);
  for (guint i = 0; i < 1000 && GST_OBJECT_REFCOUNT_VALUE (sink) > 1; i++)
    wait_ms (10);
  g_assert_cmpint (GST_OBJECT_REFCOUNT_VALUE (sink), ==, 1);
  g_assert_cmpint (GST_STATE (sink), ==, GST_STATE_NULL);
  gst_pad_remove_probe (pad, probe);
  pair_clear (&pair);
  g_mutex_clear (&stuck.lock);
  g_cond_clear (&stuck.cond);
}

int
main (int argc, char **argv)
{
  int ret;

  /* Before any thread exists: setenv is not thread-safe. */
  g_setenv ("VO_MEDIA_RING_SINK", RING_SINK_DESC, TRUE);
  g_unsetenv ("VO_MEDIA_SOURCE");
  g_unsetenv ("VO_MEDIA_SINK");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/codec-list", test_codec_list);
  g_test_add_func ("/media/ports", test_ports);
  g_test_add_data_func ("/media/audio/opus", "opus", test_codec);
  g_test_add_data_func ("/media/audio/G722", "G722", test_codec);
  g_test_add_data_func ("/media/audio/PCMU", "PCMU", test_codec);
  g_test_add_data_func ("/media/audio/PCMA", "PCMA", test_codec);
  g_test_add_data_func ("/media/dtmf/opus", "opus", test_dtmf);
  g_test_add_data_func ("/media/dtmf/PCMU", "PCMU", test_dtmf);
  g_test_add_func ("/media/dtmf/unsupported", test_dtmf_unsupported);
  g_test_add_func ("/media/directions", test_directions);
  g_test_add_func ("/media/mute", test_mute);
  g_test_add_func ("/media/update", test_update);
  g_test_add_func ("/media/devices", test_devices);
  g_test_add_func ("/media/errors", test_errors);
  g_test_add_func ("/media/ringer", test_ringer);
  g_test_add_func ("/media/stop-stuck", test_stop_stuck);

  ret = g_test_run ();
  /* Lets leak checkers see only what the code under test kept. */
  gst_deinit ();
  return ret;
}
