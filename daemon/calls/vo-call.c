/* vo-call.c: a call's state machine on top of VoSipCall and VoMediaSession.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-call-private.h"
#include "vo-enum-types.h"
#include "vo-error.h"
#include "vo-media-sdp.h"
#include "vo-media-session.h"

#include <string.h>


static GParamSpec *props[N_PROPS];

enum { SIGNAL_ENDED, SIGNAL_DTMF_RECEIVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoCall, vo_call, G_TYPE_OBJECT)

static void
call_notify (VoCall *self, guint prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static const char *
call_state_name (VoCall *self)
{
  return vo_enum_to_nick (VO_TYPE_CALL_STATE, self->state);
}

static void
call_set_state (VoCall *self, VoCallState state)
{
  if (self->state == state || self->state == VO_CALL_STATE_ENDED)
    return;
  g_debug ("Call %u: %s → %s", self->id, call_state_name (self),
           vo_enum_to_nick (VO_TYPE_CALL_STATE, state));
  self->state = state;
  call_notify (self, PROP_STATE);
}

static VoCallEndReason
call_end_reason (VoCall *self)
{
  if (self->transferred)
    return VO_CALL_END_REASON_TRANSFERRED;
  if (self->local_reason != VO_CALL_END_REASON_NONE)
    return self->local_reason;
  /* A peer that cannot do SRTP answers our RTP/SAVP offer with 488. */
  if (self->srtp_policy == VO_MEDIA_SRTP_MANDATORY && vo_sip_call_offer_refused (self->sip))
    return VO_CALL_END_REASON_ENCRYPTION_REFUSED;
  return vo_sip_call_get_end_reason (self->sip);
}

static void
call_finish (VoCall *self)
{
  g_autoptr(VoCall) keep = g_object_ref (self);

  if (self->state == VO_CALL_STATE_ENDED)
    return;
  g_clear_handle_id (&self->dtmf_id, g_source_remove);
  g_clear_handle_id (&self->no_answer_id, g_source_remove);
  g_clear_handle_id (&self->transfer_timeout_id, g_source_remove);
  g_clear_handle_id (&self->inactivity_id, g_source_remove);
  if (self->media)
    vo_media_session_stop (self->media);
  self->end_time = g_get_real_time ();
  self->end_reason = call_end_reason (self);
  g_message ("Call %u with %s ended: %s", self->id, self->remote_uri,
             vo_enum_to_nick (VO_TYPE_CALL_END_REASON, self->end_reason));
  if (self->transfer_task) {
    g_autoptr(GTask) task = g_steal_pointer (&self->transfer_task);

    if (self->transferred)
      g_task_return_boolean (task, TRUE);
    else
      g_task_return_new_error (task, VO_ERROR, VO_ERROR_FAILED,
                               "The call ended before the transfer completed");
  }
  call_notify (self, PROP_END_REASON);
  self->state = VO_CALL_STATE_ENDED;
  call_notify (self, PROP_STATE);
  g_signal_emit (self, signals[SIGNAL_ENDED], 0, self->end_reason);
}

/* ---- media ------------------------------------------------------------ */

static void
call_apply_devices (VoCall *self)
{
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;

  if (!self->media)
    return;
  g_object_get (self->settings, "audio-input", &input, "audio-output", &output, NULL);
  vo_media_session_set_devices (self->media, input, output);
}

static void
on_devices_changed (VoSettings *settings, GParamSpec *pspec, gpointer user_data)
{
  call_apply_devices (VO_CALL (user_data));
}

static void
on_media_dtmf (VoMediaSession *media, gchar digit, gpointer user_data)
{
  VoCall *self = user_data;
  char text[2] = { digit, '\0' };

  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, text);
}

/* A call whose audio fails goes on without it (signalling, hold, DTMF by
 * INFO, hang-up all still work): the user sees why in MediaError and may
 * hang up. */
static void
call_set_media_error (VoCall *self, const char *message)
{
  if (g_strcmp0 (self->media_error, message) == 0)
    return;
  if (message)
    g_warning ("Call %u: no audio: %s", self->id, message);
  g_free (self->media_error);
  self->media_error = g_strdup (message);
  call_notify (self, PROP_MEDIA_ERROR);
}

static void
on_media_error (VoMediaSession *media, const char *message, gpointer user_data)
{
  call_set_media_error (VO_CALL (user_data), message);
}

static gboolean
call_ensure_media (VoCall *self, GError **error)
{
  if (self->media)
    return TRUE;
  self->media = vo_media_session_new (self->media_address, error);
  if (!self->media)
    return FALSE;
  g_signal_connect_object (self->media, "dtmf-received", G_CALLBACK (on_media_dtmf), self, 0);
  g_signal_connect_object (self->media, "error", G_CALLBACK (on_media_error), self, 0);
  call_apply_devices (self);
  vo_media_session_set_muted (self->media, self->muted);
  return TRUE;
}

/* Once SRTP is agreed, our capabilities keep only its crypto line: SOA
 * copies them into the answers it gives to the peer's re-offers, and an
 * answer has one crypto line (RFC 4568 §7.1.2), the agreed one. */
static void
call_pin_crypto (VoCall *self, guint tag)
{
  const char *capabilities = vo_sip_call_get_local_sdp (self->sip);
  g_autofree char *pinned = capabilities ? vo_media_sdp_keep_crypto (capabilities, tag) : NULL;

  if (pinned) {
    vo_sip_call_set_local_sdp (self->sip, pinned);
    explicit_bzero (pinned, strlen (pinned));
  }
}

/* SOA would re-offer our capabilities with our own payload types: opus
 * agreed at the peer's 96 would come back as 111. Our hold/resume
 * re-INVITEs keep the numbers of the session @local (RFC 3264 §8.3.2). */
static void
call_update_reoffer (VoCall *self, const char *local)
{
  const char *capabilities = vo_sip_call_get_local_sdp (self->sip);
  g_autofree char *reoffer = NULL;

  if (capabilities)
    reoffer = vo_media_sdp_keep_payload_types (capabilities, local);
  vo_sip_call_set_reoffer_sdp (self->sip, reoffer);
  if (reoffer)
    explicit_bzero (reoffer, strlen (reoffer));
}

/* What SOA last negotiated, read on the media side into @result; FALSE
 * while offer/answer is incomplete or when the SDP is unusable. */
static gboolean
call_read_negotiated (VoCall *self, VoMediaSdpResult *result)
{
  const char *local, *remote;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!vo_sip_call_get_negotiated_sdp (self->sip, &local, &remote))
    return FALSE;
  ok = vo_media_sdp_negotiated (local, remote, self->codecs, result, &error);
  if (!ok)
    g_message ("Call %s: %s", vo_sip_call_get_remote_uri (self->sip), error->message);
  else if (result->srtp_suite != VO_MEDIA_SRTP_NONE)
    call_pin_crypto (self, result->srtp_tag);
  call_update_reoffer (self, local);
  return ok;
}

static void
on_sip_media_changed (VoSipCall *sip, gpointer user_data)
{
  VoCall *self = user_data;
  VoMediaSdpResult result;
  VoMediaParams params;
  g_autoptr(GError) error = NULL;

  if (!call_read_negotiated (self, &result))
    return;
  /* Not one packet in clear: a peer that answered without SRTP where we
   * require it is hung up on before any audio flows. */
  if (result.srtp_suite == VO_MEDIA_SRTP_NONE && self->srtp_policy == VO_MEDIA_SRTP_MANDATORY) {
    g_message ("Call %u: %s answered without SRTP and [media] srtp is mandatory; hanging up",
               self->id, self->remote_uri);
    vo_media_sdp_result_clear (&result);
    call_set_media_error (self, "The other party does not encrypt its audio (SRTP) and "
                                "[media] srtp is mandatory");
    vo_call_terminate (self, VO_CALL_END_REASON_ENCRYPTION_REFUSED);
    return;
  }
  if (self->encrypted != (result.srtp_suite != VO_MEDIA_SRTP_NONE)) {
    self->encrypted = result.srtp_suite != VO_MEDIA_SRTP_NONE;
    g_message ("Call %u: audio %s", self->id,
               self->encrypted ? vo_media_srtp_suite_name (result.srtp_suite) : "unencrypted");
    call_notify (self, PROP_ENCRYPTED);
  }
  if (call_ensure_media (self, &error)) {
    vo_media_sdp_result_to_params (&result, &params);
    /* On hold we neither send our microphone nor play theirs: the SDP says
     * sendonly (the peer may play music on hold), the audio stays quiet. */
    if (self->held)
      params.direction = VO_MEDIA_INACTIVE;
    if (vo_media_session_start (self->media, &params, &error)) {
      if (!self->silent_media)
        call_set_media_error (self, NULL);
    } else if (!self->silent_media) {
      /* Keep RTP flowing with silence: a call the peer can still hear as
       * live (its RTP timeout) and whose peer we can still watch. */
      call_set_media_error (self, error->message);
      self->silent_media = TRUE;
      vo_media_session_use_silence (self->media);
      g_clear_error (&error);
      if (!vo_media_session_start (self->media, &params, &error))
        g_warning ("Call %u: cannot even send silence: %s", self->id, error->message);
    } else {
      g_warning ("Call %u: cannot send silence: %s", self->id, error->message);
    }
    explicit_bzero (&params, sizeof params);
  } else {
    call_set_media_error (self, error->message);
  }
  self->peer_dtmf_pt = result.dtmf_payload_type;
  if (g_strcmp0 (self->codec, result.codec_encoding) != 0) {
    g_free (self->codec);
    self->codec = g_strdup (result.codec_encoding);
    call_notify (self, PROP_CODEC);
  }
  if (self->remote_held != result.remote_hold) {
    self->remote_held = result.remote_hold;
    call_notify (self, PROP_REMOTE_HELD);
  }
  vo_media_sdp_result_clear (&result);
}

/* ---- SIP state -------------------------------------------------------- */

static void
on_sip_state_changed (VoSipCall *sip, gpointer user_data)
{
  VoCall *self = user_data;

  switch (vo_sip_call_get_state (sip)) {
  case VO_SIP_CALL_CALLING:
    call_set_state (self, VO_CALL_STATE_DIALING);
    break;
  case VO_SIP_CALL_RINGING:
    call_set_state (self, VO_CALL_STATE_RINGING);
    break;
  case VO_SIP_CALL_INCOMING:
    call_set_state (self, VO_CALL_STATE_INCOMING);
    break;
  case VO_SIP_CALL_CONNECTING:
  case VO_SIP_CALL_ACTIVE:
    g_clear_handle_id (&self->no_answer_id, g_source_remove);
    if (!self->answer_time) {
      self->answer_time = g_get_real_time ();
      call_notify (self, PROP_ANSWER_TIME);
    }
    call_set_state (self, self->held ? VO_CALL_STATE_HELD : VO_CALL_STATE_ACTIVE);
    break;
  case VO_SIP_CALL_TERMINATED:
    call_finish (self);
    break;
  default:
    break;
  }
}

static void
on_sip_dtmf (VoSipCall *sip, gchar digit, gpointer user_data)
{
  on_media_dtmf (NULL, digit, user_data);
}

static gboolean
on_no_answer (gpointer user_data)
{
  VoCall *self = user_data;

  self->no_answer_id = 0;
  if (self->no_answer_forward) {
    vo_call_forward (self, self->no_answer_forward);
    return G_SOURCE_REMOVE;
  }
  self->local_reason = VO_CALL_END_REASON_NO_ANSWER;
  /* An unanswered incoming call: 480 tells the caller nobody took it (a
   * hang-up would say 603, declined). */
  if (self->state == VO_CALL_STATE_INCOMING)
    vo_sip_call_refuse (self->sip, VO_SIP_REFUSAL_UNAVAILABLE);
  else
    vo_sip_call_hangup (self->sip);
  return G_SOURCE_REMOVE;
}

/* Dead-peer detection: a peer that crashed, lost its network or was
 * switched off sends no BYE; its RTP and RTCP stop. Only while both sides
 * should be sending: a held call (ours: the peer is recvonly; theirs: they
 * may send nothing) and a call without audio prove nothing by silence. */
static gboolean
on_inactivity_check (gpointer user_data)
{
  VoCall *self = user_data;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  guint silent;

  if (self->state != VO_CALL_STATE_ACTIVE || self->held || self->remote_held || self->media_error ||
      !self->media) {
    self->audible_since = 0;
    return G_SOURCE_CONTINUE;
  }
  if (!self->audible_since)
    self->audible_since = now;
  /* Silence before a resume does not count. */
  silent = MIN (vo_media_session_get_silent_seconds (self->media),
                (guint) (now - self->audible_since));
  if (silent < self->rtp_timeout_s)
    return G_SOURCE_CONTINUE;
  g_message ("Call %u: nothing received from %s for %u s; the other side is gone", self->id,
             self->remote_uri, silent);
  self->inactivity_id = 0;
  vo_call_terminate (self, VO_CALL_END_REASON_NETWORK);
  return G_SOURCE_REMOVE;
}

void
vo_call_set_rtp_timeout (VoCall *self, guint seconds)
{
  self->rtp_timeout_s = seconds;
  g_clear_handle_id (&self->inactivity_id, g_source_remove);
  if (seconds && self->state != VO_CALL_STATE_ENDED)
    self->inactivity_id = g_timeout_add_seconds (1, on_inactivity_check, self);
}

static void
call_connect_sip (VoCall *self)
{
  g_signal_connect_object (self->sip, "state-changed", G_CALLBACK (on_sip_state_changed), self,
                           0);
  g_signal_connect_object (self->sip, "media-changed", G_CALLBACK (on_sip_media_changed), self,
                           0);
  g_signal_connect_object (self->sip, "dtmf-received", G_CALLBACK (on_sip_dtmf), self, 0);
  g_signal_connect_object (self->sip, "refer-progress", G_CALLBACK (vo_call_on_refer_progress), self, 0);
  g_signal_connect_object (self->sip, "reinvite-finished", G_CALLBACK (vo_call_on_reinvite_finished),
                           self, 0);
  g_signal_connect_object (self->settings, "notify::audio-input",
                           G_CALLBACK (on_devices_changed), self, 0);
  g_signal_connect_object (self->settings, "notify::audio-output",
                           G_CALLBACK (on_devices_changed), self, 0);
}

/* ---- actions ---------------------------------------------------------- */

static gboolean
call_check (VoCall *self, gboolean ok, const char *action, GError **error)
{
  if (!ok)
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_STATE, "Cannot %s a call that is %s", action,
                 call_state_name (self));
  return ok;
}

gboolean
vo_call_offer_acceptable (VoCall *self, GError **error)
{
  gsize len = 0;
  const char *offer = vo_sip_call_get_offer (self->sip, &len);

  if (self->srtp_no_key) {
    g_set_error_literal (error, VO_ERROR, VO_ERROR_NOT_SUPPORTED,
                         "No key could be made to encrypt the call's audio");
    return FALSE;
  }
  return !offer || vo_media_sdp_offer_acceptable (offer, len, self->srtp_policy, error);
}

gboolean
vo_call_answer (VoCall *self, GError **error)
{
  g_autofree char *sdp = NULL;
  const char *offer;
  gsize len = 0;

  if (!call_check (self, self->state == VO_CALL_STATE_INCOMING, "answer", error))
    return FALSE;
  if (!call_ensure_media (self, error))
    return FALSE;
  offer = vo_sip_call_get_offer (self->sip, &len);
  sdp = vo_media_sdp_build_answer (self->media_address,
                                 vo_media_session_get_local_port (self->media), self->codecs,
                                 self->srtp_policy, self->srtp_key, offer, len, error);
  if (!sdp)
    return FALSE;
  vo_sip_call_answer (self->sip, sdp);
  explicit_bzero (sdp, strlen (sdp));
  return TRUE;
}

gboolean
vo_call_reject (VoCall *self, GError **error)
{
  if (!call_check (self, self->state == VO_CALL_STATE_INCOMING, "reject", error))
    return FALSE;
  self->local_reason = VO_CALL_END_REASON_REJECTED;
  vo_sip_call_refuse (self->sip, VO_SIP_REFUSAL_BUSY);
  return TRUE;
}

gboolean
vo_call_hangup (VoCall *self, GError **error)
{
  if (!call_check (self, self->state != VO_CALL_STATE_ENDED, "hang up", error))
    return FALSE;
  if (self->state == VO_CALL_STATE_INCOMING)
    self->local_reason = VO_CALL_END_REASON_REJECTED;
  vo_sip_call_hangup (self->sip);
  /* Over for the user now, whatever the peer does: the call manager keeps
   * the dialog until our BYE/CANCEL is answered or times out. */
  call_finish (self);
  return TRUE;
}

void
vo_call_terminate (VoCall *self, VoCallEndReason reason)
{
  if (self->state == VO_CALL_STATE_ENDED)
    return;
  self->local_reason = reason;
  vo_sip_call_hangup (self->sip);
  /* As Hangup: ended at once, the dialog closes in the background. */
  call_finish (self);
}

void
vo_call_refuse (VoCall *self, VoSipRefusal refusal, VoCallEndReason reason)
{
  if (self->state != VO_CALL_STATE_INCOMING)
    return;
  self->local_reason = reason;
  vo_sip_call_refuse (self->sip, refusal);
}

void
vo_call_forward (VoCall *self, const char *uri)
{
  if (self->state != VO_CALL_STATE_INCOMING)
    return;
  g_message ("Call %u from %s forwarded to %s", self->id, self->remote_uri, uri);
  self->local_reason = VO_CALL_END_REASON_FORWARDED;
  vo_sip_call_redirect (self->sip, uri);
}

void
vo_call_forward_when_unanswered (VoCall *self, const char *uri, guint seconds)
{
  if (self->state != VO_CALL_STATE_INCOMING)
    return;
  /* The call's own no-answer timeout, when it comes first, still refuses it. */
  if (self->no_answer_timeout_s && seconds >= self->no_answer_timeout_s)
    return;
  g_free (self->no_answer_forward);
  self->no_answer_forward = g_strdup (uri);
  g_clear_handle_id (&self->no_answer_id, g_source_remove);
  self->no_answer_id = g_timeout_add_seconds (seconds, on_no_answer, self);
}

void
vo_call_ring (VoCall *self)
{
  vo_sip_call_ring (self->sip);
}

/* ---- for vo-call-control.c (vo-call-private.h) ------------------------ */

void vo_call_notify (VoCall *self, guint prop) { call_notify (self, prop); }
const char *vo_call_state_name (VoCall *self) { return call_state_name (self); }
void vo_call_set_state (VoCall *self, VoCallState state) { call_set_state (self, state); }
gboolean
vo_call_check (VoCall *self, gboolean ok, const char *action, GError **error)
{
  return call_check (self, ok, action, error);
}
void vo_call_apply_media (VoCall *self) { on_sip_media_changed (self->sip, self); }

/* ---- accessors -------------------------------------------------------- */

guint vo_call_get_id (VoCall *self) { return self->id; }
VoCallState vo_call_get_state (VoCall *self) { return self->state; }
gboolean vo_call_is_incoming (VoCall *self) { return self->incoming; }
gboolean vo_call_is_ended (VoCall *self) { return self->state == VO_CALL_STATE_ENDED; }
const char *vo_call_get_remote_uri (VoCall *self) { return self->remote_uri; }
const char *vo_call_get_remote_name (VoCall *self) { return self->remote_name; }
const char *
vo_call_get_contact_id (VoCall *self)
{
  return self->contact_id ? self->contact_id : "";
}

void
vo_call_set_contact (VoCall *self, const char *contact_id, const char *name)
{
  g_free (self->contact_id);
  self->contact_id = g_strdup (contact_id);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONTACT_ID]);
  if (name && *name && g_strcmp0 (name, self->remote_name) != 0) {
    g_free (self->remote_name);
    self->remote_name = g_strdup (name);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REMOTE_NAME]);
  }
}

VoCallEndReason vo_call_get_end_reason (VoCall *self) { return self->end_reason; }
const char *
vo_call_get_media_error (VoCall *self)
{
  return self->media_error ? self->media_error : "";
}
gint64 vo_call_get_start_time (VoCall *self) { return self->start_time; }
gint64 vo_call_get_answer_time (VoCall *self) { return self->answer_time; }
gint64 vo_call_get_end_time (VoCall *self) { return self->end_time; }
VoSipCall *vo_call_get_sip_call (VoCall *self) { return self->sip; }

/* ---- GObject ---------------------------------------------------------- */

static void
vo_call_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VoCall *self = VO_CALL (object);

  switch (prop_id) {
  case PROP_STATE: g_value_set_enum (value, self->state); break;
  case PROP_DIRECTION: g_value_set_string (value, self->incoming ? "incoming" : "outgoing"); break;
  case PROP_REMOTE_URI: g_value_set_string (value, self->remote_uri); break;
  case PROP_REMOTE_NAME: g_value_set_string (value, self->remote_name); break;
  case PROP_CONTACT_ID: g_value_set_string (value, vo_call_get_contact_id (self)); break;
  case PROP_START_TIME: g_value_set_int64 (value, self->start_time); break;
  case PROP_ANSWER_TIME: g_value_set_int64 (value, self->answer_time); break;
  case PROP_MUTED: g_value_set_boolean (value, self->muted); break;
  case PROP_HELD: g_value_set_boolean (value, self->held); break;
  case PROP_REMOTE_HELD: g_value_set_boolean (value, self->remote_held); break;
  case PROP_CODEC: g_value_set_string (value, self->codec ? self->codec : ""); break;
  case PROP_ENCRYPTED: g_value_set_boolean (value, self->encrypted); break;
  case PROP_END_REASON: g_value_set_enum (value, self->end_reason); break;
  case PROP_MEDIA_ERROR: g_value_set_string (value, vo_call_get_media_error (self)); break;
  default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_call_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id) {
  case PROP_MUTED:
    vo_call_set_muted (VO_CALL (object), g_value_get_boolean (value));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_call_dispose (GObject *object)
{
  VoCall *self = VO_CALL (object);

  g_clear_handle_id (&self->dtmf_id, g_source_remove);
  g_clear_handle_id (&self->no_answer_id, g_source_remove);
  g_clear_handle_id (&self->transfer_timeout_id, g_source_remove);
  g_clear_handle_id (&self->inactivity_id, g_source_remove);
  if (self->media)
    vo_media_session_stop (self->media);
  g_clear_object (&self->media);
  g_clear_object (&self->sip);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (vo_call_parent_class)->dispose (object);
}

static void
vo_call_finalize (GObject *object)
{
  VoCall *self = VO_CALL (object);

  g_free (self->media_address);
  g_free (self->remote_uri);
  g_free (self->remote_name);
  g_free (self->contact_id);
  g_free (self->codec);
  g_free (self->media_error);
  g_free (self->no_answer_forward);
  g_free (self->transfer_target);
  g_string_free (self->dtmf_queue, TRUE);
  explicit_bzero (self->srtp_key, sizeof self->srtp_key);
  G_OBJECT_CLASS (vo_call_parent_class)->finalize (object);
}

static void
vo_call_class_init (VoCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vo_call_get_property;
  object_class->set_property = vo_call_set_property;
  object_class->dispose = vo_call_dispose;
  object_class->finalize = vo_call_finalize;

  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, VO_TYPE_CALL_STATE,
                                         VO_CALL_STATE_DIALING, ro);
  props[PROP_DIRECTION] = g_param_spec_string ("direction", NULL, NULL, "outgoing", ro);
  props[PROP_REMOTE_URI] = g_param_spec_string ("remote-uri", NULL, NULL, "", ro);
  props[PROP_REMOTE_NAME] = g_param_spec_string ("remote-name", NULL, NULL, "", ro);
  props[PROP_CONTACT_ID] = g_param_spec_string ("contact-id", NULL, NULL, "", ro);
  props[PROP_START_TIME] = g_param_spec_int64 ("start-time", NULL, NULL, 0, G_MAXINT64, 0, ro);
  props[PROP_ANSWER_TIME] = g_param_spec_int64 ("answer-time", NULL, NULL, 0, G_MAXINT64, 0, ro);
  props[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                            G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, ro);
  props[PROP_REMOTE_HELD] = g_param_spec_boolean ("remote-held", NULL, NULL, FALSE, ro);
  props[PROP_CODEC] = g_param_spec_string ("codec", NULL, NULL, "", ro);
  props[PROP_ENCRYPTED] = g_param_spec_boolean ("encrypted", NULL, NULL, FALSE, ro);
  props[PROP_END_REASON] = g_param_spec_enum ("end-reason", NULL, NULL, VO_TYPE_CALL_END_REASON,
                                              VO_CALL_END_REASON_NONE, ro);
  props[PROP_MEDIA_ERROR] = g_param_spec_string ("media-error", NULL, NULL, "", ro);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, VO_TYPE_CALL_END_REASON);
  signals[SIGNAL_DTMF_RECEIVED] = g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vo_call_init (VoCall *self)
{
  self->dtmf_queue = g_string_new (NULL);
  self->start_time = g_get_real_time ();
}

static VoCall *
call_new (guint id, VoSettings *settings, const char *media_address, const VoMediaCodec *codecs,
          VoMediaSrtpPolicy srtp, GError **error)
{
  g_autoptr(VoCall) self = g_object_new (VO_TYPE_CALL, NULL);

  self->id = id;
  self->settings = g_object_ref (settings);
  self->media_address = g_strdup (media_address);
  self->codecs = codecs;
  self->srtp_policy = srtp;
  /* A fresh key per call: one key leaked (a crash dump) opens one call. */
  if (srtp != VO_MEDIA_SRTP_OFF && !vo_media_srtp_random_key (self->srtp_key, error))
    return NULL;
  return g_steal_pointer (&self);
}

VoCall *
vo_call_new_outgoing (guint id, VoSipStack *stack, VoSettings *settings, const char *uri,
                      const char *media_address, const VoMediaCodec *codecs,
                      VoMediaSrtpPolicy srtp, VoSipCall *referrer, guint no_answer_timeout_s,
                      GError **error)
{
  g_autoptr(VoCall) self = call_new (id, settings, media_address, codecs, srtp, error);
  g_autofree char *sdp = NULL;

  if (!self)
    return NULL;
  self->state = VO_CALL_STATE_DIALING;
  self->remote_uri = g_strdup (uri);
  self->remote_name = g_strdup ("");
  if (!call_ensure_media (self, error))
    return NULL;
  sdp = vo_media_sdp_build_offer (media_address, vo_media_session_get_local_port (self->media),
                                codecs, srtp, self->srtp_key);
  self->sip = vo_sip_call_new_outgoing (stack, uri, sdp, referrer);
  explicit_bzero (sdp, strlen (sdp));
  call_connect_sip (self);
  self->no_answer_timeout_s = no_answer_timeout_s;
  if (no_answer_timeout_s)
    self->no_answer_id = g_timeout_add_seconds (no_answer_timeout_s, on_no_answer, self);
  return g_steal_pointer (&self);
}

VoCall *
vo_call_new_incoming (guint id, VoSipCall *sip_call, VoSettings *settings,
                      const char *media_address, const VoMediaCodec *codecs,
                      VoMediaSrtpPolicy srtp, guint no_answer_timeout_s)
{
  g_autoptr(GError) error = NULL;
  VoCall *self = call_new (id, settings, media_address, codecs, srtp, &error);

  /* No key (the kernel's CSPRNG failed): best effort goes plain, while
   * mandatory refuses the call (vo_call_offer_acceptable). */
  if (!self) {
    g_warning ("Call from %s: %s", vo_sip_call_get_remote_uri (sip_call), error->message);
    self = call_new (id, settings, media_address, codecs, VO_MEDIA_SRTP_OFF, NULL);
    self->srtp_policy = srtp == VO_MEDIA_SRTP_MANDATORY ? srtp : VO_MEDIA_SRTP_OFF;
    self->srtp_no_key = srtp == VO_MEDIA_SRTP_MANDATORY;
  }

  self->incoming = TRUE;
  self->state = VO_CALL_STATE_INCOMING;
  self->sip = g_object_ref (sip_call);
  self->remote_uri = g_strdup (vo_sip_call_get_remote_uri (sip_call));
  self->remote_name = g_strdup (vo_sip_call_get_remote_name (sip_call));
  call_connect_sip (self);
  /* Every incoming call ends: a caller that never CANCELs (gone, or its
   * CANCEL lost) must not leave a ringing call and its memory for ever. */
  self->no_answer_timeout_s = no_answer_timeout_s;
  if (no_answer_timeout_s)
    self->no_answer_id = g_timeout_add_seconds (no_answer_timeout_s, on_no_answer, self);
  return self;
}
