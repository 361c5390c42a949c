/* vo-sip-call.h: one INVITE dialog (Sofia nua + SOA), without media.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-stack.h"
#include "vo-states.h"

G_BEGIN_DECLS

typedef enum {
  VO_SIP_CALL_CALLING,     /* our INVITE is out */
  VO_SIP_CALL_RINGING,     /* 180/183 from the callee */
  VO_SIP_CALL_INCOMING,    /* their INVITE, not answered yet */
  VO_SIP_CALL_CONNECTING,  /* 200 sent or received, ACK pending */
  VO_SIP_CALL_ACTIVE,      /* the dialog is up */
  VO_SIP_CALL_TERMINATED,
} VoSipCallState;

/* Why we turn down an incoming INVITE nobody answered; sip/ picks the status. */
typedef enum {
  VO_SIP_REFUSAL_BUSY,                /* the user is busy: 486 */
  VO_SIP_REFUSAL_UNAVAILABLE,         /* nobody can take it now: 480 */
  VO_SIP_REFUSAL_ENCRYPTION_REQUIRED, /* our policy wants SRTP, the offer has none: 488 */
  VO_SIP_REFUSAL_ENCRYPTION_DISABLED, /* the offer wants SRTP, we have it off: 488 */
} VoSipRefusal;

#define VO_TYPE_SIP_CALL (vo_sip_call_get_type ())
G_DECLARE_FINAL_TYPE (VoSipCall, vo_sip_call, VO, SIP_CALL, GObject)

/* Sends an INVITE to @target_uri with @local_sdp as our capabilities. When
 * @referrer is set this call was asked for by its REFER: Sofia reports the
 * new call's progress to the referrer in NOTIFYs. */
VoSipCall *vo_sip_call_new_outgoing (VoSipStack *stack, const char *target_uri,
                                     const char *local_sdp, VoSipCall *referrer);

void vo_sip_call_ring (VoSipCall *self);
void vo_sip_call_answer (VoSipCall *self, const char *local_sdp);
/* Turns down an unanswered incoming INVITE, saying why. */
void vo_sip_call_refuse (VoSipCall *self, VoSipRefusal refusal);
/* Answers an unanswered incoming INVITE with 302 to @target_uri. */
void vo_sip_call_redirect (VoSipCall *self, const char *target_uri);
/* CANCEL before the answer, BYE after; declines an unanswered incoming call. */
void vo_sip_call_hangup (VoSipCall *self);
/* A re-INVITE with a=sendonly (hold) or a=sendrecv; its final answer comes
 * as "reinvite-finished" (int status, const char *phrase), status 0 if the
 * call ended first. */
void vo_sip_call_hold (VoSipCall *self, gboolean hold);
void vo_sip_call_send_dtmf_info (VoSipCall *self, char digit);
void vo_sip_call_refer (VoSipCall *self, const char *target_uri);

VoSipCallState vo_sip_call_get_state (VoSipCall *self);
/* Why the dialog ended, for the user: who ended it, or the SIP status that
 * did, mapped (VO_CALL_END_REASON_FAILED when SIP knows of no cause). */
VoCallEndReason vo_sip_call_get_end_reason (VoSipCall *self);
/* Whether the peer refused our INVITE's offer as unacceptable (488): with
 * mandatory SRTP, a peer that cannot encrypt. */
gboolean vo_sip_call_offer_refused (VoSipCall *self);
const char *vo_sip_call_get_remote_uri (VoSipCall *self);
const char *vo_sip_call_get_remote_name (VoSipCall *self);
/* The SDP of an incoming INVITE (@len bytes), NULL if it had none. */
const char *vo_sip_call_get_offer (VoSipCall *self, gsize *len);
/* SDP is opaque here: the media side builds what we offer and reads what
 * SOA negotiated. */
/* The local and remote SDP as last negotiated (owned by @self), or FALSE
 * while offer/answer is not complete. */
gboolean vo_sip_call_get_negotiated_sdp (VoSipCall *self, const char **local,
                                         const char **remote);
/* Our capabilities as last given (new_outgoing, answer or set_local_sdp). */
const char *vo_sip_call_get_local_sdp (VoSipCall *self);
/* Replaces our capabilities: SOA answers the peer's re-offers from them. */
void vo_sip_call_set_local_sdp (VoSipCall *self, const char *local_sdp);
/* What our hold/resume re-INVITEs offer (SOA rewrites the direction);
 * NULL: our capabilities as they are. */
void vo_sip_call_set_reoffer_sdp (VoSipCall *self, const char *reoffer_sdp);

/* Signals:
 *   "state-changed" ()
 *   "media-changed" ()                   offer/answer completed or changed
 *   "dtmf-received" (gchar digit)         from a SIP INFO
 *   "refer-progress" (gint status)        NOTIFY sipfrag status of our REFER;
 *                                         status >= 300 or a refused REFER: failed
 *   "refer-requested" (const char *uri)   the peer asks us to call @uri
 */

/* What the peer's request @sip (a const sip_t *) says, as the handler reads it
 * (exposed for tests/fuzz): the DTMF digit of an INFO (application/dtmf-relay
 * or application/dtmf), 0 if none; the status line of a NOTIFY's sipfrag, 0
 * if none. */
char vo_sip_call_info_digit (gconstpointer sip);
int vo_sip_call_sipfrag_status (gconstpointer sip);

G_END_DECLS
