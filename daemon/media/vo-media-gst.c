/* vo-media-gst.c: lazy GStreamer start-up and the audio endpoints.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-media"

#include "vo-media-gst.h"
#include "vo-error.h"

#include <string.h>

/* PipeWire schedules its graph in quanta; 20 ms matches the RTP packet time
 * so one capture buffer makes one packet, without the 21 ms default's drift
 * against it. */
#define NODE_LATENCY "960/48000"

const VoMediaEndpoint vo_media_capture = {
  "VO_MEDIA_SOURCE", "pipewiresrc", "vo-daemon-capture", "Virtual Office call microphone",
  "Communication",
};
const VoMediaEndpoint vo_media_playback = {
  "VO_MEDIA_SINK", "pipewiresink", "vo-daemon-playback", "Virtual Office call audio",
  "Communication",
};
const VoMediaEndpoint vo_media_ring = {
  "VO_MEDIA_RING_SINK", "pipewiresink", "vo-daemon-ringer", "Virtual Office ring tone",
  "Notification",
};

gboolean
vo_media_gst_init (GError **error)
{
  static gsize done;
  static GError *init_error;

  if (g_once_init_enter (&done)) {
    GError *local = NULL;

    if (!gst_init_check (NULL, NULL, &local)) {
      init_error = g_error_new (VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                                "Audio is unavailable: GStreamer could not start (%s); check "
                                "the GStreamer installation",
                                local->message);
      g_error_free (local);
    } else {
      g_autofree char *version = gst_version_string ();

      g_debug ("%s initialised", version);
    }
    g_once_init_leave (&done, 1);
  }
  if (init_error) {
    g_propagate_error (error, g_error_copy (init_error));
    return FALSE;
  }
  return TRUE;
}

/* The Debian package that ships an element, for the error message. */
static const char *
package_for_factory (const char *factory)
{
  if (g_str_has_prefix (factory, "avenc_") || g_str_has_prefix (factory, "avdec_"))
    return "gstreamer1.0-libav";
  if (g_str_has_prefix (factory, "pipewire"))
    return "gstreamer1.0-pipewire";
  if (g_str_has_prefix (factory, "opus") || g_str_has_prefix (factory, "audio") ||
      g_str_has_prefix (factory, "app") || g_str_equal (factory, "volume"))
    return "gstreamer1.0-plugins-base";
  if (g_str_equal (factory, "valve") || g_str_equal (factory, "input-selector") ||
      g_str_equal (factory, "fakesink") || g_str_equal (factory, "capsfilter"))
    return "libgstreamer1.0-0";
  return "gstreamer1.0-plugins-good";
}

GstElement *
vo_media_make_element (const char *factory, const char *name, GError **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (!element)
    g_set_error (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                 "The GStreamer element “%s” is missing; install %s", factory,
                 package_for_factory (factory));
  return element;
}

/* Sinks here are replaced while the pipeline plays (device changes, new
 * streams); an asynchronous sink would pull the whole live pipeline back to
 * PAUSED until it prerolls. */
static void
make_sinks_synchronous (GstElement *element)
{
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;

  if (!GST_IS_BIN (element)) {
    if (GST_OBJECT_FLAG_IS_SET (element, GST_ELEMENT_FLAG_SINK) &&
        g_object_class_find_property (G_OBJECT_GET_CLASS (element), "async"))
      g_object_set (element, "async", FALSE, NULL);
    return;
  }
  it = gst_bin_iterate_recurse (GST_BIN (element));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    make_sinks_synchronous (g_value_get_object (&item));
    g_value_reset (&item);
  }
  g_value_unset (&item);
}

/* gst-pipewire 0.3.65's pipewiresink can deadlock on its first buffer: the
 * streaming thread activates the sink's buffer pool (holding the pool's
 * lock, then taking the PipeWire thread loop's lock to announce the buffer
 * parameters) while the thread loop, holding its own lock, handles the
 * Format the server just chose and asks whether that pool is active. Each
 * waits for the other; the call stays silent, and PipeWire's loop in this
 * process stops, so every stream of ours stops with it.
 *
 * The pool cannot race with the loop before the sink connects its stream,
 * which it does on its first caps: so activate the pool right before those
 * caps reach the sink. The loop then finds it active and sets the buffer
 * parameters itself, and the streaming thread never activates it. */
static GstPadProbeReturn
on_pipewiresink_caps (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps = NULL;
  g_autoptr(GstQuery) query = NULL;
  GstBufferPool *pool = NULL;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  /* The sink answers an allocation query with the pool it renders from. */
  query = gst_query_new_allocation (caps, TRUE);
  if (gst_pad_query (pad, query) && gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, NULL, NULL, NULL);
  if (pool && !gst_buffer_pool_is_active (pool)) {
    GstStructure *config = gst_buffer_pool_get_config (pool);

    gst_buffer_pool_config_set_params (config, caps, 0, 0, 0);
    if (!gst_buffer_pool_set_config (pool, config) || !gst_buffer_pool_set_active (pool, TRUE))
      g_debug ("Could not prepare the playback buffer pool; the sink will");
  }
  g_clear_object (&pool);
  return GST_PAD_PROBE_REMOVE;
}

static GstElement *
make_pipewire (const VoMediaEndpoint *endpoint, const char *device, GError **error)
{
  GstElement *element = vo_media_make_element (endpoint->factory, NULL, error);
  GstStructure *stream;
  GstStructure *client;

  if (!element)
    return NULL;
  /* gst-pipewire 0.3.65 selects the node with target-object (node.name or
   * object.serial); the older path property takes only a node id. */
  if (device && *device)
    g_object_set (element, "target-object", device, NULL);
  stream = gst_structure_new ("props",
                              "media.type", G_TYPE_STRING, "Audio",
                              "media.role", G_TYPE_STRING, endpoint->role,
                              "media.name", G_TYPE_STRING, endpoint->description,
                              "node.name", G_TYPE_STRING, endpoint->node_name,
                              "node.description", G_TYPE_STRING, endpoint->description,
                              "node.latency", G_TYPE_STRING, NODE_LATENCY,
                              NULL);
  client = gst_structure_new ("props",
                              "application.name", G_TYPE_STRING, "Virtual Office",
                              "application.id", G_TYPE_STRING, "org.virtualoffice",
                              NULL);
  g_object_set (element, "client-name", "vo-daemon", "stream-properties", stream,
                "client-properties", client, NULL);
  /* pipewiresrc leaves buffers without timestamps when the graph driver
   * gives none (null and dummy devices): RTP timing needs them. Its buffers
   * point into PipeWire's memory, unmapped when the element stops, while
   * the encoder may still hold some after a device change: copy them. */
  if (g_str_equal (endpoint->factory, "pipewiresrc"))
    g_object_set (element, "do-timestamp", TRUE, "always-copy", TRUE, NULL);
  if (g_str_equal (endpoint->factory, "pipewiresink")) {
    g_autoptr(GstPad) pad = gst_element_get_static_pad (element, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_pipewiresink_caps, NULL,
                       NULL);
  }
  gst_structure_free (stream);
  gst_structure_free (client);
  return element;
}

GstElement *
vo_media_make_endpoint (const VoMediaEndpoint *endpoint, const char *device, const char *override,
                        GError **error)
{
  const char *description = override ? override : g_getenv (endpoint->env);
  GstElement *element;

  if (!vo_media_gst_init (error))
    return NULL;
  if (description && *description) {
    g_autoptr(GError) local = NULL;

    element = gst_parse_bin_from_description (description, TRUE, &local);
    if (!element) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT, "%s=“%s” is not usable: %s",
                   endpoint->env, description, local->message);
      return NULL;
    }
    g_debug ("%s replaced by “%s”", endpoint->node_name, description);
  } else {
    element = make_pipewire (endpoint, device, error);
    if (!element)
      return NULL;
  }
  make_sinks_synchronous (element);
  return element;
}

char *
vo_media_describe_error (GstMessage *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;
  g_autofree char *source = gst_object_get_name (GST_MESSAGE_SRC (message));

  gst_message_parse_error (message, &error, &debug);
  g_debug ("GStreamer error from %s: %s (%s)", source, error->message, debug ? debug : "");
  if (g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND) ||
      g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ) ||
      g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE) ||
      g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE))
    return g_strdup_printf ("The audio device is unavailable (%s); check AudioInput and "
                            "AudioOutput, and that PipeWire is running",
                            error->message);
  return g_strdup_printf ("Audio processing failed in %s: %s", source, error->message);
}

GstElement *
vo_media_make_chain (GstElement *first, ...)
{
  GstElement *bin = gst_bin_new (NULL);
  GstElement *prev = NULL;
  GstElement *element = first;
  g_autoptr(GstPad) sink_pad = NULL;
  g_autoptr(GstPad) src_pad = NULL;
  va_list ap;

  va_start (ap, first);
  while (element) {
    gst_bin_add (GST_BIN (bin), element);
    if (prev)
      gst_element_link (prev, element);
    prev = element;
    element = va_arg (ap, GstElement *);
  }
  va_end (ap);

  sink_pad = gst_element_get_static_pad (first, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink_pad));
  src_pad = gst_element_get_static_pad (prev, "src");
  if (src_pad)
    gst_element_add_pad (bin, gst_ghost_pad_new ("src", src_pad));
  return bin;
}

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
  GstElement *pipeline;
} PipelineStop;

static void
pipeline_stop_clear (gpointer data)
{
  PipelineStop *stop = data;

  g_mutex_clear (&stop->lock);
  g_cond_clear (&stop->cond);
}

static gpointer
pipeline_stop_thread (gpointer data)
{
  PipelineStop *stop = data;

  gst_element_set_state (stop->pipeline, GST_STATE_NULL);
  g_mutex_lock (&stop->lock);
  stop->done = TRUE;
  g_cond_signal (&stop->cond);
  g_mutex_unlock (&stop->lock);
  gst_clear_object (&stop->pipeline);
  g_atomic_rc_box_release_full (stop, pipeline_stop_clear);
  return NULL;
}

gboolean
vo_media_gst_stop_pipeline (GstElement *pipeline)
{
  PipelineStop *stop = g_atomic_rc_box_new0 (PipelineStop);
  gint64 deadline = g_get_monotonic_time () + VO_MEDIA_STOP_TIMEOUT_S * G_TIME_SPAN_SECOND;
  GThread *thread;
  gboolean done;

  g_mutex_init (&stop->lock);
  g_cond_init (&stop->cond);
  stop->pipeline = gst_object_ref (pipeline);
  thread = g_thread_new ("vo-media-stop", pipeline_stop_thread, g_atomic_rc_box_acquire (stop));
  g_mutex_lock (&stop->lock);
  while (!stop->done && g_cond_wait_until (&stop->cond, &stop->lock, deadline))
    ;
  done = stop->done;
  g_mutex_unlock (&stop->lock);
  if (done)
    g_thread_join (thread);
  else
    g_thread_unref (thread);
  g_atomic_rc_box_release_full (stop, pipeline_stop_clear);
  return done;
}
