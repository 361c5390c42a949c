/* vo-call.h: one call as the user sees it: SIP dialog + audio + state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-media-params.h"
#include "vo-settings.h"
#include "vo-sip-call.h"
#include "vo-states.h"

G_BEGIN_DECLS

#define VO_TYPE_CALL (vo_call_get_type ())
G_DECLARE_FINAL_TYPE (VoCall, vo_call, VO, CALL, GObject)

/* Properties (named as Call1's in kebab case): state (VoCallState), direction, remote-uri, remote-name,
 * contact-id, start-time, answer-time (gint64 µs), muted (rw), held,
 * remote-held, codec, encrypted, end-reason (VoCallEndReason), media-error (why there is no
 * audio; empty while it works).
 * Signals: "ended" (VoCallEndReason reason), after which the call is over;
 * "dtmf-received" (const char *digit). */

/* Dials @uri. @media_address is the address announced in SDP; @codecs the
 * codecs to offer, zero-terminated. @referrer: the call whose REFER asked
 * for this one. */
VoCall *vo_call_new_outgoing (guint id, VoSipStack *stack, VoSettings *settings,
                              const char *uri, const char *media_address,
                              const VoMediaCodec *codecs, VoMediaSrtpPolicy srtp,
                              VoSipCall *referrer, guint no_answer_timeout_s, GError **error);
/* Wraps an incoming INVITE. Unanswered after @no_answer_timeout_s (0: never)
 * it is refused (unavailable) and ends as no-answer. */
VoCall *vo_call_new_incoming (guint id, VoSipCall *sip_call, VoSettings *settings,
                              const char *media_address, const VoMediaCodec *codecs,
                              VoMediaSrtpPolicy srtp, guint no_answer_timeout_s);
/* Whether the incoming call's offer suits its [media] srtp policy; else
 * VO_ERROR_NOT_SUPPORTED saying why (refuse it with 488). */
gboolean vo_call_offer_acceptable (VoCall *self, GError **error);
/* Sends 180 Ringing: the call is offered to the user. */
void vo_call_ring (VoCall *self);

guint vo_call_get_id (VoCall *self);
VoCallState vo_call_get_state (VoCall *self);
gboolean vo_call_is_incoming (VoCall *self);
gboolean vo_call_is_ended (VoCall *self);
const char *vo_call_get_remote_uri (VoCall *self);
const char *vo_call_get_remote_name (VoCall *self);
/* The id of the contact the remote party is ("" when none). */
const char *vo_call_get_contact_id (VoCall *self);
/* The remote party is the contact @contact_id: its @name (when not empty)
 * replaces the SIP display name. */
void vo_call_set_contact (VoCall *self, const char *contact_id, const char *name);
VoCallEndReason vo_call_get_end_reason (VoCall *self);
const char *vo_call_get_media_error (VoCall *self);
gint64 vo_call_get_start_time (VoCall *self);
gint64 vo_call_get_answer_time (VoCall *self);
gint64 vo_call_get_end_time (VoCall *self);
VoSipCall *vo_call_get_sip_call (VoCall *self);

/* Each checks the call's state and answers VO_ERROR_INVALID_STATE with a
 * sentence when the action makes no sense now. */
gboolean vo_call_answer (VoCall *self, GError **error);
gboolean vo_call_reject (VoCall *self, GError **error);
gboolean vo_call_hangup (VoCall *self, GError **error);
/* Hold (TRUE) or resume: the state changes once the peer accepts the
 * re-INVITE; a refusal leaves it as it was (VO_ERROR_FAILED, with the SIP
 * status), one already waiting is VO_ERROR_BUSY. */
void vo_call_hold_async (VoCall *self, gboolean hold, GAsyncReadyCallback callback,
                         gpointer user_data);
gboolean vo_call_hold_finish (VoCall *self, GAsyncResult *result, GError **error);
/* The same without waiting for the outcome (call waiting holds this way). */
gboolean vo_call_hold (VoCall *self, GError **error);
gboolean vo_call_resume (VoCall *self, GError **error);
gboolean vo_call_send_dtmf (VoCall *self, const char *digits, GError **error);
void vo_call_set_muted (VoCall *self, gboolean muted);

/* Blind transfer to @uri (already a SIP URI). Finishes when the peer's
 * NOTIFY says the new call is trying or up (the call then ends as
 * transferred), or with an error saying why it failed (the call goes on). */
void vo_call_transfer_async (VoCall *self, const char *uri, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean vo_call_transfer_finish (VoCall *self, GAsyncResult *result, GError **error);

/* Ends the call as `network` when nothing (RTP or RTCP) arrives from the
 * peer for @seconds while the call is active and not held; 0: never. */
void vo_call_set_rtp_timeout (VoCall *self, guint seconds);
/* Ends the call with @reason without asking (shutdown). */
void vo_call_terminate (VoCall *self, VoCallEndReason reason);
/* Refuses an unanswered incoming call as @refusal says (DND: busy, network
 * policy: unavailable), ending it with @reason. */
void vo_call_refuse (VoCall *self, VoSipRefusal refusal, VoCallEndReason reason);
/* Sends an unanswered incoming call on to @uri (302), ending it as forwarded. */
void vo_call_forward (VoCall *self, const char *uri);
/* Forwards the ringing call to @uri if it is still unanswered after
 * @seconds, unless its own no-answer timeout comes first: one timer. */
void vo_call_forward_when_unanswered (VoCall *self, const char *uri, guint seconds);

G_END_DECLS
