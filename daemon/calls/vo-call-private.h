/* vo-call-private.h: VoCall's insides, shared by vo-call.c (the state
 * machine, media and lifecycle) and vo-call-control.c (hold, DTMF, mute,
 * transfer). Nothing outside calls/vo-call*.c includes it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-call.h"
#include "vo-media-session.h"

G_BEGIN_DECLS

struct _VoCall {
  GObject parent_instance;

  guint id;
  VoSipCall *sip;
  VoMediaSession *media;
  VoSettings *settings;
  char *media_address;
  const VoMediaCodec *codecs;
  VoMediaSrtpPolicy srtp_policy;
  guint8 srtp_key[VO_MEDIA_SRTP_KEY_LEN];  /* ours, fresh per call; never logged */
  gboolean encrypted;         /* SRTP both ways, as last negotiated */
  gboolean srtp_no_key;       /* mandatory, but no key could be made */

  gboolean incoming;
  VoCallState state;
  char *remote_uri;
  char *remote_name;
  char *contact_id;           /* the contact the remote URI is; "" when none */
  char *codec;
  VoCallEndReason end_reason;
  char *media_error;          /* why the call has no audio; NULL while it works */
  gboolean silent_media;      /* the devices failed: RTP carries silence */
  VoCallEndReason local_reason; /* why we are ending it, when we know better than SIP */
  gint64 start_time;
  gint64 answer_time;
  gint64 end_time;
  gboolean muted;
  gboolean held;
  gboolean remote_held;
  guint peer_dtmf_pt;

  GString *dtmf_queue;
  guint dtmf_id;
  guint no_answer_id;         /* the one timer for an unanswered call */
  guint no_answer_timeout_s;
  char *no_answer_forward;    /* where it goes when that timer fires; NULL: refused */
  guint rtp_timeout_s;
  guint inactivity_id;
  gint64 audible_since;       /* monotonic s since the peer should be sending; 0: not now */

  GTask *transfer_task;
  GTask *hold_task;      /* Hold()/Resume() waiting for the re-INVITE's answer */
  gboolean hold_wanted;
  char *transfer_target;
  guint transfer_timeout_id;
  gboolean transferred;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_DIRECTION,
  PROP_REMOTE_URI,
  PROP_REMOTE_NAME,
  PROP_CONTACT_ID,
  PROP_START_TIME,
  PROP_ANSWER_TIME,
  PROP_MUTED,
  PROP_HELD,
  PROP_REMOTE_HELD,
  PROP_CODEC,
  PROP_ENCRYPTED,
  PROP_END_REASON,
  PROP_MEDIA_ERROR,
  N_PROPS
};

void vo_call_notify (VoCall *self, guint prop);
const char *vo_call_state_name (VoCall *self);
void vo_call_set_state (VoCall *self, VoCallState state);
/* FALSE with VO_ERROR_INVALID_STATE ("Cannot @action a call that is …") unless @ok. */
gboolean vo_call_check (VoCall *self, gboolean ok, const char *action, GError **error);
/* Starts or updates the audio from the negotiated SDP (and the held flag). */
void vo_call_apply_media (VoCall *self);

/* VoSipCall handlers, connected by vo-call.c. */
void vo_call_on_reinvite_finished (VoSipCall *sip, int status, const char *phrase,
                                   gpointer user_data);
void vo_call_on_refer_progress (VoSipCall *sip, gint status, gpointer user_data);

G_END_DECLS
