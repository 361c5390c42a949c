/* vo-media-ringer.c: a warbling ring tone, played while a call rings.
 *
 *   audiotestsrc (frequency steps) ! capsfilter ! volume (cadence envelope)
 *     ! audioconvert ! audioresample ! ring output
 *
 * The cadence is written ahead as GstController points on stream time, so
 * it keeps time with the audio clock rather than with main loop timers, and
 * the envelope ramps avoid the clicks of an abrupt mute.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-ringer.h"
#include "vo-media-gst.h"
#include "vo-media-testing.h"
#include "vo-error.h"

#include <gst/controller/controller.h>

#define RATE 48000
/* 10 ms buffers: frequency steps land within 10 ms of their time. */
#define SAMPLES_PER_BUFFER 480
/* A trill alternating E5 and A5 for 1.5 s in every 4 s. */
#define PERIOD (4 * GST_SECOND)
#define TONE_ON (1500 * GST_MSECOND)
#define TRILL_STEP (125 * GST_MSECOND)
#define TONE_LOW 659.26
#define TONE_HIGH 880.0
#define RAMP (10 * GST_MSECOND)
#define LEVEL 0.4
/* SIP gives up on an unanswered INVITE after 3 minutes (Timer C), so five
 * minutes of cadence written ahead is more than any call rings. */
#define MAX_RING (300 * GST_SECOND)

struct _VoMediaRinger {
  GObject parent_instance;

  GstElement *pipeline;
  guint bus_watch_id;
  char *device;
};

G_DEFINE_FINAL_TYPE (VoMediaRinger, vo_media_ringer, G_TYPE_OBJECT)

static GstTimedValueControlSource *
control (GstElement *element, const char *property, GstInterpolationMode mode)
{
  GstControlSource *source = gst_interpolation_control_source_new ();

  g_object_set (source, "mode", mode, NULL);
  gst_object_add_control_binding (GST_OBJECT (element),
                                  gst_direct_control_binding_new_absolute (GST_OBJECT (element),
                                                                           property, source));
  /* The binding holds its own reference. */
  gst_object_unref (source);
  return GST_TIMED_VALUE_CONTROL_SOURCE (source);
}

static void
write_cadence (GstElement *tone, GstElement *volume)
{
  GstTimedValueControlSource *freq = control (tone, "freq", GST_INTERPOLATION_MODE_NONE);
  GstTimedValueControlSource *level = control (volume, "volume", GST_INTERPOLATION_MODE_LINEAR);

  for (GstClockTime start = 0; start < MAX_RING; start += PERIOD) {
    gst_timed_value_control_source_set (level, start, 0.0);
    gst_timed_value_control_source_set (level, start + RAMP, LEVEL);
    gst_timed_value_control_source_set (level, start + TONE_ON - RAMP, LEVEL);
    gst_timed_value_control_source_set (level, start + TONE_ON, 0.0);
    for (guint step = 0; step * TRILL_STEP < TONE_ON; step++)
      gst_timed_value_control_source_set (freq, start + step * TRILL_STEP,
                                          step % 2 ? TONE_HIGH : TONE_LOW);
  }
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  VoMediaRinger *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_autofree char *text = vo_media_describe_error (message);

    g_warning ("The ring tone stopped: %s", text);
    self->bus_watch_id = 0;
    vo_media_ringer_stop (self);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static GstElement *
add (GstElement *pipeline, const char *factory, GError **error)
{
  GstElement *element = vo_media_make_element (factory, NULL, error);

  if (element)
    gst_bin_add (GST_BIN (pipeline), element);
  return element;
}

static gboolean
ringer_build (VoMediaRinger *self, GError **error)
{
  GstElement *tone, *filter, *volume, *convert, *resample, *sink;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;

  self->pipeline = gst_pipeline_new ("vo-ringer");
  tone = add (self->pipeline, "audiotestsrc", error);
  filter = tone ? add (self->pipeline, "capsfilter", error) : NULL;
  volume = filter ? add (self->pipeline, "volume", error) : NULL;
  convert = volume ? add (self->pipeline, "audioconvert", error) : NULL;
  resample = convert ? add (self->pipeline, "audioresample", error) : NULL;
  sink = resample ? vo_media_make_endpoint (&vo_media_ring, self->device, NULL, error) : NULL;
  if (!sink)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), sink);

  gst_util_set_object_arg (G_OBJECT (tone), "wave", "sine");
  g_object_set (tone, "is-live", TRUE, "samplesperbuffer", SAMPLES_PER_BUFFER, NULL);
  caps = gst_caps_new_simple ("audio/x-raw", "rate", G_TYPE_INT, RATE, "channels", G_TYPE_INT, 1,
                              NULL);
  g_object_set (filter, "caps", caps, NULL);
  write_cadence (tone, volume);
  if (!gst_element_link_many (tone, filter, volume, convert, resample, sink, NULL)) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED, "Cannot link the ring tone");
    return FALSE;
  }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    g_autofree char *text = message ? vo_media_describe_error (message) : NULL;

    g_set_error_literal (error, VO_ERROR, VO_ERROR_FAILED,
                         text ? text : "The ring tone could not start");
    return FALSE;
  }
  return TRUE;
}

static void
vo_media_ringer_dispose (GObject *object)
{
  vo_media_ringer_stop (VO_MEDIA_RINGER (object));
  G_OBJECT_CLASS (vo_media_ringer_parent_class)->dispose (object);
}

static void
vo_media_ringer_finalize (GObject *object)
{
  g_free (VO_MEDIA_RINGER (object)->device);
  G_OBJECT_CLASS (vo_media_ringer_parent_class)->finalize (object);
}

static void
vo_media_ringer_class_init (VoMediaRingerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_media_ringer_dispose;
  object_class->finalize = vo_media_ringer_finalize;
}

static void
vo_media_ringer_init (VoMediaRinger *self)
{
}

VoMediaRinger *
vo_media_ringer_new (void)
{
  return g_object_new (VO_TYPE_MEDIA_RINGER, NULL);
}

gboolean
vo_media_ringer_start (VoMediaRinger *self, const char *device, GError **error)
{
  g_return_val_if_fail (VO_IS_MEDIA_RINGER (self), FALSE);
  device = device ? device : "";
  if (self->pipeline && g_strcmp0 (device, self->device) == 0)
    return TRUE;
  vo_media_ringer_stop (self);
  g_free (self->device);
  self->device = g_strdup (device);
  if (!vo_media_gst_init (error) || !ringer_build (self, error)) {
    vo_media_ringer_stop (self);
    return FALSE;
  }
  g_debug ("Ringing on %s", *device ? device : "the default output");
  return TRUE;
}

void
vo_media_ringer_stop (VoMediaRinger *self)
{
  g_return_if_fail (VO_IS_MEDIA_RINGER (self));
  if (!self->pipeline)
    return;
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  gst_clear_object (&self->pipeline);
}

gboolean
vo_media_ringer_is_ringing (VoMediaRinger *self)
{
  g_return_val_if_fail (VO_IS_MEDIA_RINGER (self), FALSE);
  return self->pipeline != NULL;
}

GstElement *
vo_media_ringer_get_element_for_testing (VoMediaRinger *self, const char *name)
{
  g_return_val_if_fail (VO_IS_MEDIA_RINGER (self), NULL);
  if (!self->pipeline)
    return NULL;
  return gst_bin_get_by_name (GST_BIN (self->pipeline), name);
}
