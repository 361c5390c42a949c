/* vo-media-session.h: one call's audio: RTP/RTCP over UDP with GStreamer's
 * rtpbin (jitter buffer, RTCP), from and to PipeWire.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "vo-media-params.h"
#include "vo-media-srtp.h"

G_BEGIN_DECLS

/* The codecs this build can handle, in preference order, with the payload
 * types to offer (opus 111, G722 9, PCMU 0, PCMA 8), NULL-terminated by a
 * zeroed entry. Codecs whose GStreamer elements are missing are left out. */
const VoMediaCodec *vo_media_supported_codecs (void);

#define VO_TYPE_MEDIA_SESSION (vo_media_session_get_type ())
G_DECLARE_FINAL_TYPE (VoMediaSession, vo_media_session, VO, MEDIA_SESSION, GObject)

/* Binds an even RTP port and the next odd one for RTCP on @bind_address
 * ("" or NULL: all addresses). No pipeline exists until start. */
VoMediaSession *vo_media_session_new (const char *bind_address, GError **error);
guint vo_media_session_get_local_port (VoMediaSession *self);

/* PipeWire node names (node.name or object.serial) for capture and playback;
 * "" or NULL is the default device. May be called while running: the
 * streams move to the new devices. */
void vo_media_session_set_devices (VoMediaSession *self, const char *input, const char *output);

/* Builds and plays the pipeline, or updates a running one (a re-INVITE
 * changed direction, codec or address): direction and address change in
 * place, a new codec, telephone-event type or SRTP key rebuilds it on the
 * same ports.
 * The direction is applied as given: for a local hold pass RECVONLY or
 * INACTIVE to stop sending the microphone, whatever the SDP says. */
gboolean vo_media_session_start (VoMediaSession *self, const VoMediaParams *params,
                                 GError **error);
/* Stops sending captured audio: RTP keeps flowing as silence, so peers and
 * NATs do not time the call out. */
void vo_media_session_set_muted (VoMediaSession *self, gboolean muted);
/* One RFC 4733 event (0-9 * # A-D), about 100 ms; FALSE and an error when the
 * peer has no telephone-event or the session is not running. */
gboolean vo_media_session_send_dtmf (VoMediaSession *self, char digit, GError **error);
/* From the next start on, sends silence and drops what arrives instead of
 * using the audio devices: for a call whose devices fail, so that RTP keeps
 * flowing and the peer does not take us for dead. */
void vo_media_session_use_silence (VoMediaSession *self);
/* Seconds since the last RTP or RTCP packet from the peer (or since the audio
 * started); 0 while no pipeline runs. For dead-peer detection. */
guint vo_media_session_get_silent_seconds (VoMediaSession *self);
/* Tears the pipeline down and closes the sockets; final: start fails after
 * it. Also done by dispose and after an "error". */
void vo_media_session_stop (VoMediaSession *self);

/* Signals:
 *   "dtmf-received" (gchar digit)     an RFC 4733 event from the peer ended
 *   "error" (const char *message)    the pipeline failed; the session stopped
 *
 * Test hooks are in vo-media-testing.h; VO_MEDIA_SOURCE / VO_MEDIA_SINK
 * replace the PipeWire elements by gst-launch descriptions (vo-media-gst.h). */

G_END_DECLS
