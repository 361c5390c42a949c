/* vo-media-gst.h: GStreamer set-up shared by call audio and the ringer: lazy
 * initialisation, elements with readable errors, and the audio endpoints
 * (PipeWire streams, or a bin description given for tests).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Initialises GStreamer on first use, so an idle daemon loads no plugins.
 * Fails with a VO_ERROR when GStreamer cannot start. Thread-safe. */
gboolean vo_media_gst_init (GError **error);

/* gst_element_factory_make() with an error naming the package to install. */
GstElement *vo_media_make_element (const char *factory, const char *name, GError **error);

/* Where audio enters or leaves the daemon, and how its PipeWire stream is
 * named so people can find it in pavucontrol / wpctl. */
typedef struct {
  const char *env;          /* bin description override, for tests and diagnosis */
  const char *factory;      /* pipewiresrc or pipewiresink */
  const char *node_name;
  const char *description;
  const char *role;         /* media.role */
} VoMediaEndpoint;

extern const VoMediaEndpoint vo_media_capture;   /* call microphone */
extern const VoMediaEndpoint vo_media_playback;  /* call speaker */
extern const VoMediaEndpoint vo_media_ring;      /* ring tone */

/* The element for @endpoint on @device (a PipeWire node.name or
 * object.serial; "" or NULL: the default device).
 *
 * @override, or else the environment variable endpoint->env, replaces the
 * PipeWire element by a gst-launch style bin description, e.g.
 * VO_MEDIA_SOURCE="audiotestsrc is-live=true freq=440" or
 * VO_MEDIA_SINK="appsink name=vo-test-sink": a testing and diagnostic knob to
 * run calls without a PipeWire daemon; @device is then ignored. */
GstElement *vo_media_make_endpoint (const VoMediaEndpoint *endpoint, const char *device,
                                    const char *override, GError **error);

/* Turns a GStreamer error message into one sentence for people. */
char *vo_media_describe_error (GstMessage *message);

/* A bin of @first ! ... ! @last (NULL-terminated list, floating elements)
 * with ghost pads "sink" and, unless @last is a sink, "src". */
GstElement *vo_media_make_chain (GstElement *first, ...) G_GNUC_NULL_TERMINATED;

/* Stopping a pipeline waits for every streaming thread to leave its
 * elements. A thread stuck where no state change can wake it (gst-pipewire
 * 0.3.65's pipewiresink waits without a timeout in set_caps for its stream
 * to be exactly PAUSED, and may see it go straight on to STREAMING under
 * load) would freeze the main loop: D-Bus stops answering and SIGTERM never
 * ends. So the pipeline stops in a thread of its own, and after this long it
 * is left to that thread; the call (or the daemon) goes on. */
#define VO_MEDIA_STOP_TIMEOUT_S 5
/* FALSE if @pipeline did not reach NULL within VO_MEDIA_STOP_TIMEOUT_S. */
gboolean vo_media_gst_stop_pipeline (GstElement *pipeline);

G_END_DECLS
