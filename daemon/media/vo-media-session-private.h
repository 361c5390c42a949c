/* vo-media-session-private.h: what the files of VoMediaSession share.
 *
 * vo-media-session.c is the GObject and its API; vo-media-pipeline.c builds,
 * stops and rebuilds the GStreamer pipeline; vo-media-receive.c makes the
 * receive branches rtpbin asks for; vo-media-dtmf.c sends and detects
 * RFC 4733 events; vo-media-session-srtp.c wires SRTP into rtpbin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-media-session.h"
#include "vo-media-codecs.h"

#include <gst/gst.h>

G_BEGIN_DECLS

/* Application messages that streaming threads post for the main thread. */
#define MSG_DTMF "vo-dtmf"
#define MSG_BRANCH_UNUSED "vo-branch-unused"

/* Streaming threads add elements (a new sender's decoder, a new output)
 * while the main thread may be tearing the pipeline down: an element added
 * after the pipeline went to NULL would be left playing. Such changes happen
 * under this lock and not at all once teardown began. Refcounted: pending
 * probes may outlive the session. */
typedef struct {
  GMutex lock;
  gboolean closing;
  gint last_received;     /* monotonic seconds of the last RTP or RTCP packet; atomic */
} PipelineGuard;

struct _VoMediaSession {
  GObject parent_instance;

  GSocket *rtp_socket;
  GSocket *rtcp_socket;
  guint local_port;
  gboolean closed;

  char *input_device;
  char *output_device;
  char *source_override;
  char *sink_override;
  gboolean muted;

  /* Fixed for the life of a pipeline: changing them rebuilds it. */
  const VoMediaCodecInfo *codec;
  guint payload_type;
  guint dtmf_pt;
  guint dtmf_clock_rate;
  VoMediaSrtpSuite srtp_suite;
  guint8 srtp_local_key[VO_MEDIA_SRTP_KEY_LEN];
  guint8 srtp_remote_key[VO_MEDIA_SRTP_KEY_LEN];
  /* The peer's SSRC → SRTP rollover counter when the last pipeline stopped:
   * a rebuilt srtpdec must not assume ROC 0 for a stream whose sequence
   * numbers already wrapped (every packet would fail authentication). */
  GHashTable *srtp_rocs;

  /* Changed in place. */
  char *remote_address;
  guint remote_rtp_port;
  guint remote_rtcp_port;
  gboolean remote_unspecified;  /* c=0.0.0.0: old-style hold, send nothing */
  VoMediaDirection direction;

  GstElement *pipeline;
  PipelineGuard *guard;
  guint bus_watch_id;
  /* Owned: replaced when the devices change. */
  GstElement *source;
  GstElement *sink;
  /* Borrowed from the pipeline. */
  GstElement *rtpbin;
  GstElement *capture_convert;
  GstElement *mute;
  GstElement *send_valve;
  GstElement *dtmf_source;
  GstElement *rtp_sink;
  GstElement *rtcp_sink;
  GstElement *selector;
  GstElement *recv_valve;
  GstElement *srtp_encoder;
  GstElement *srtp_decoder;
};

/* vo-media-session.c: the signals. */
void vo_media_session_emit_dtmf (VoMediaSession *self, char digit);
void vo_media_session_emit_error (VoMediaSession *self, const char *message);

/* vo-media-pipeline.c */
/* Locks @guard; FALSE (unlocked) if the pipeline is going away. */
gboolean vo_media_pipeline_guard_enter (PipelineGuard *guard);
GstElement *vo_media_pipeline_add (VoMediaSession *self, const char *factory, GError **error);
gboolean vo_media_pipeline_link_pads (GstElement *src, const char *src_name, GstElement *sink,
                                      const char *sink_name);
/* Whether our audio goes out (direction, and a peer address to send to). */
gboolean vo_media_pipeline_sending (VoMediaSession *self);
void vo_media_pipeline_apply_remote (VoMediaSession *self);
void vo_media_pipeline_apply_direction (VoMediaSession *self);
gboolean vo_media_pipeline_build (VoMediaSession *self, GError **error);
void vo_media_pipeline_teardown (VoMediaSession *self);
gboolean vo_media_pipeline_replace_source (VoMediaSession *self, GError **error);
gboolean vo_media_pipeline_rebuild (VoMediaSession *self, GError **error);

/* vo-media-receive.c: rtpbin's receive side (its streaming threads). */
void vo_media_receive_connect (VoMediaSession *self);
/* Main thread: drops the branch of a sender that left (MSG_BRANCH_UNUSED). */
void vo_media_receive_remove_branch (VoMediaSession *self, GstElement *branch);

/* vo-media-dtmf.c */
char vo_media_dtmf_digit_for_event (int event);
/* rtpdtmfdepay ! fakesink, posting MSG_DTMF for each event received. */
GstElement *vo_media_dtmf_make_branch (GError **error);
/* rtpdtmfsrc into @mux's priority sink, when the peer takes events. */
gboolean vo_media_dtmf_build_sender (VoMediaSession *self, GstElement *mux, GError **error);

/* vo-media-session-srtp.c */
void vo_media_session_srtp_connect (VoMediaSession *self);
/* Remembers each peer stream's rollover counter for the next pipeline. */
void vo_media_session_srtp_save_rocs (VoMediaSession *self);
gboolean vo_media_session_srtp_same (VoMediaSession *self, const VoMediaParams *params);

G_END_DECLS
