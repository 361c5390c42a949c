/* vo-sip-call.c: INVITE, CANCEL/BYE, re-INVITE hold, INFO, REFER and 3xx.
 *
 * Sofia's SOA does the SDP offer/answer: we hand it our capabilities
 * (SOATAG_USER_SDP_STR) and read back the negotiated local and remote SDP
 * from nua_i_state. The SDP is opaque here: the core gets it from the media
 * side (vo-media-sdp.c), which builds and reads it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-call-private.h"

#include <sofia-sip/soa_tag.h>
#include <sofia-sip/sip_util.h>
#include <string.h>

/* Why a dialog ended, as far as SIP can tell. */
typedef enum {
  VO_SIP_END_NONE,
  VO_SIP_END_LOCAL,        /* we sent BYE or CANCEL */
  VO_SIP_END_REMOTE,       /* they sent BYE */
  VO_SIP_END_CANCELLED,    /* the caller cancelled before we answered */
  VO_SIP_END_DECLINED,     /* we answered the INVITE with an error */
  VO_SIP_END_REFUSED,      /* our INVITE got a final error: see the status */
} VoSipEnd;

/* Redirects (3xx) followed per call before giving up: loops end here. */
#define MAX_REDIRECTS 5

struct _VoSipCall {
  GObject parent_instance;

  VoSipStack *stack;
  VoSipHandleMagic magic;
  nua_handle_t *nh;
  gboolean outgoing;

  char *remote_uri;
  char *remote_name;
  char *local_sdp_offer;    /* our capabilities, for redirects */
  char *reoffer_sdp;        /* what a hold/resume re-INVITE offers; NULL: the above */
  char *remote_offer;       /* the INVITE's SDP of an incoming call */
  gsize remote_offer_len;
  char *negotiated_local;
  char *negotiated_remote;
  gboolean media_ready;

  VoSipCallState state;
  VoSipEnd end;
  int end_status;
  guint auth_attempts;
  guint redirects;
  gboolean hangup_requested;
  gboolean reinvite_pending; /* our hold/resume re-INVITE awaits its answer */
  /* Sofia queues an in-dialog INVITE behind a request that is in progress
   * and starts it only when another INVITE completes: a re-INVITE asked for
   * while our INFO or REFER is unanswered would never go out. It waits for
   * them here instead. */
  guint requests_in_flight;  /* our INFO and REFER without a final answer */
  int deferred_hold;         /* -1: none; else the hold (1) or resume (0) to send */
  su_home_t home[1];
  sip_event_t *refer_event;  /* of the REFER the peer sent us, for its NOTIFYs */
};

enum {
  SIGNAL_STATE_CHANGED,
  SIGNAL_MEDIA_CHANGED,
  SIGNAL_DTMF_RECEIVED,
  SIGNAL_REFER_PROGRESS,
  SIGNAL_REFER_REQUESTED,
  SIGNAL_REINVITE_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoSipCall, vo_sip_call, G_TYPE_OBJECT)

static void
call_set_state (VoSipCall *self, VoSipCallState state)
{
  if (self->state == state || self->state == VO_SIP_CALL_TERMINATED)
    return;
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
call_set_end (VoSipCall *self, VoSipEnd end, int status)
{
  /* The first cause wins: a BYE we send after a failure does not rewrite it. */
  if (self->end != VO_SIP_END_NONE)
    return;
  self->end = end;
  self->end_status = status;
}

static void
call_drop_handle (VoSipCall *self)
{
  if (self->nh) {
    nua_handle_destroy (self->nh);
    self->nh = NULL;
  }
}

/* The answer to our hold/resume re-INVITE; 0 when the call ended first. */
static void
call_finish_reinvite (VoSipCall *self, int status, const char *phrase)
{
  if (!self->reinvite_pending)
    return;
  self->reinvite_pending = FALSE;
  g_signal_emit (self, signals[SIGNAL_REINVITE_FINISHED], 0, status, phrase ? phrase : "");
}

static void
call_terminate (VoSipCall *self)
{
  if (self->state == VO_SIP_CALL_TERMINATED)
    return;
  call_finish_reinvite (self, 0, "The call ended");
  if (self->end == VO_SIP_END_NONE)
    call_set_end (self, self->hangup_requested ? VO_SIP_END_LOCAL : VO_SIP_END_REMOTE, 0);
  call_drop_handle (self);
  self->state = VO_SIP_CALL_TERMINATED;
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

static void
call_take_sdp (VoSipCall *self, const char *local, const char *remote)
{
  gboolean changed = FALSE;

  if (local && g_strcmp0 (local, self->negotiated_local) != 0) {
    g_free (self->negotiated_local);
    self->negotiated_local = g_strdup (local);
    changed = TRUE;
  }
  if (remote && g_strcmp0 (remote, self->negotiated_remote) != 0) {
    g_free (self->negotiated_remote);
    self->negotiated_remote = g_strdup (remote);
    changed = TRUE;
  }
  if (changed && self->negotiated_local && self->negotiated_remote) {
    self->media_ready = TRUE;
    g_signal_emit (self, signals[SIGNAL_MEDIA_CHANGED], 0);
  }
}

static gboolean
call_try_auth (VoSipCall *self, const sip_t *sip)
{
  if (self->auth_attempts >= 1 || !vo_sip_stack_authenticate (self->stack, self->nh, sip))
    return FALSE;
  self->auth_attempts++;
  return TRUE;
}

static nua_handle_t *
call_new_handle (VoSipCall *self, const char *to)
{
  return nua_handle (vo_sip_stack_get_nua (self->stack), &self->magic, SIPTAG_TO_STR (to),
                     TAG_END ());
}

static void
call_send_invite (VoSipCall *self, const char *request_uri, nua_handle_t *notify_refer,
                  const sip_event_t *refer_event)
{
  nua_invite (self->nh,
              TAG_IF (request_uri, NUTAG_URL (request_uri)),
              SOATAG_USER_SDP_STR (self->local_sdp_offer),
              /* Every common codec in the answer: SINGLE would also drop
               * telephone-event. vo-media-sdp.c picks the first common codec. */
              SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
              SOATAG_RTP_SORT (SOA_RTP_SORT_LOCAL),
              TAG_IF (notify_refer, NUTAG_NOTIFY_REFER (notify_refer)),
              TAG_IF (refer_event, NUTAG_REFER_EVENT (refer_event)),
              TAG_END ());
}

/* A 3xx to our INVITE: INVITE the first Contact instead, on a new handle. */
static gboolean
call_follow_redirect (VoSipCall *self, const sip_t *sip)
{
  g_autofree char *target = NULL;
  su_home_t home[1] = { SU_HOME_INIT (home) };

  if (!sip || !sip->sip_contact || self->redirects >= MAX_REDIRECTS || self->hangup_requested)
    return FALSE;
  target = g_strdup (url_as_string (home, sip->sip_contact->m_url));
  su_home_deinit (home);
  if (!target)
    return FALSE;
  self->redirects++;
  g_message ("Call to %s redirected to %s", self->remote_uri, target);
  call_drop_handle (self);
  self->nh = call_new_handle (self, self->remote_uri);
  self->auth_attempts = 0;
  call_send_invite (self, target, NULL, NULL);
  return TRUE;
}

static void
call_on_invite_response (VoSipCall *self, int status, const char *phrase, const sip_t *sip)
{
  if (status < 200) {
    if (status == 180 || status == 183)
      call_set_state (self, VO_SIP_CALL_RINGING);
    return;
  }
  if (status < 300)
    return;
  if ((status == 401 || status == 407) && call_try_auth (self, sip))
    return;
  if (status >= 300 && status < 400 && call_follow_redirect (self, sip))
    return;
  g_debug ("INVITE to %s failed: %d %s", self->remote_uri, status, phrase);
  call_set_end (self, self->hangup_requested ? VO_SIP_END_LOCAL : VO_SIP_END_REFUSED, status);
  /* 9xx: Sofia could not even send the INVITE (bad URI, no transport); no
   * dialog state follows, so the call ends here or never. A re-INVITE's
   * local failure leaves the established call alone. */
  if (status >= 900 && (self->state == VO_SIP_CALL_CALLING || self->state == VO_SIP_CALL_RINGING))
    call_terminate (self);
}

static void
call_on_state (VoSipCall *self, int status, const sip_t *sip, tagi_t tags[])
{
  int callstate = -1;
  const char *local_sdp = NULL, *remote_sdp = NULL;

  tl_gets (tags,
           NUTAG_CALLSTATE_REF (callstate),
           SOATAG_LOCAL_SDP_STR_REF (local_sdp),
           SOATAG_REMOTE_SDP_STR_REF (remote_sdp),
           TAG_END ());
  g_debug ("Call %s: %s (%d)", self->remote_uri,
           callstate >= 0 ? nua_callstate_name (callstate) : "?", status);

  /* Early media (183 with SDP) counts as negotiated media too. */
  call_take_sdp (self, local_sdp, remote_sdp);

  /* Once the dialog is up, calling/proceeding/completing only describe our
   * own re-INVITE (hold, resume): the call itself stays active. */
  if (self->state == VO_SIP_CALL_ACTIVE && callstate != nua_callstate_ready &&
      callstate != nua_callstate_terminating && callstate != nua_callstate_terminated)
    return;

  switch (callstate) {
  case nua_callstate_calling:
    call_set_state (self, VO_SIP_CALL_CALLING);
    break;
  case nua_callstate_proceeding:
    if (status == 180 || status == 183)
      call_set_state (self, VO_SIP_CALL_RINGING);
    break;
  case nua_callstate_received:
  case nua_callstate_early:
    call_set_state (self, VO_SIP_CALL_INCOMING);
    break;
  case nua_callstate_completing:
  case nua_callstate_completed:
    call_set_state (self, VO_SIP_CALL_CONNECTING);
    break;
  case nua_callstate_ready:
    call_set_state (self, VO_SIP_CALL_ACTIVE);
    break;
  case nua_callstate_terminated:
    call_terminate (self);
    break;
  default:
    break;
  }
}

static char
dtmf_from_info (const sip_t *sip)
{
  const char *body, *signal;

  if (!sip || !sip->sip_payload || !sip->sip_content_type || !sip->sip_content_type->c_type)
    return 0;
  body = sip->sip_payload->pl_data;
  if (g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/dtmf-relay") == 0) {
    signal = g_strstr_len (body, (gssize) sip->sip_payload->pl_len, "Signal=");
    if (!signal)
      return 0;
    signal += strlen ("Signal=");
    while (*signal == ' ')
      signal++;
    return (signal - body < (gssize) sip->sip_payload->pl_len) ? *signal : 0;
  }
  if (g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/dtmf") == 0 &&
      sip->sip_payload->pl_len > 0)
    return body[0];
  return 0;
}

/* The body is the peer's: only the sixteen DTMF events (RFC 4733) become
 * digits; letters, control bytes and non-UTF-8 are nothing. */
static char
dtmf_checked (char c)
{
  c = g_ascii_toupper (c);
  return c && strchr ("0123456789*#ABCD", c) ? c : 0;
}

static void
call_send_reinvite (VoSipCall *self, gboolean hold)
{
  /* SOA would offer our capabilities again, with our own payload types:
   * the core sets a re-offer that keeps the session's (RFC 3264 §8.3.2).
   * SOA rewrites it to sendonly (or back to sendrecv). */
  nua_invite (self->nh, TAG_IF (self->reoffer_sdp, SOATAG_USER_SDP_STR (self->reoffer_sdp)),
              SOATAG_HOLD (hold ? "audio" : NULL), TAG_END ());
}

/* A final answer to our INFO or REFER: a deferred re-INVITE may go now. */
static void
call_request_answered (VoSipCall *self)
{
  int hold = self->deferred_hold;

  if (self->requests_in_flight > 0)
    self->requests_in_flight--;
  if (self->requests_in_flight > 0 || hold < 0)
    return;
  self->deferred_hold = -1;
  if (self->nh && self->reinvite_pending)
    call_send_reinvite (self, hold);
}

static int
sipfrag_status (const sip_t *sip)
{
  const char *body;

  if (!sip || !sip->sip_payload || sip->sip_payload->pl_len < 12)
    return 0;
  body = sip->sip_payload->pl_data;
  if (g_ascii_strncasecmp (body, "SIP/2.0 ", 8) != 0)
    return 0;
  return atoi (body + 8);
}

/* The two readers of peer bodies above, for tests/fuzz. */
char
vo_sip_call_info_digit (gconstpointer sip)
{
  return dtmf_checked (dtmf_from_info (sip));
}

int
vo_sip_call_sipfrag_status (gconstpointer sip)
{
  return sipfrag_status (sip);
}

static void
on_handle_event (gpointer owner, nua_event_t event, int status, const char *phrase,
                 nua_handle_t *nh, const sip_t *sip, tagi_t tags[])
{
  VoSipCall *self = owner;
  g_autoptr(VoSipCall) keep = g_object_ref (self);
  char digit;

  if (nh != self->nh)
    return;

  switch (event) {
  case nua_r_invite:
    /* A refused re-INVITE leaves the session as it was (RFC 3261 §14.1):
     * it is no refused call. */
    if (self->reinvite_pending) {
      if (status >= 200 && !((status == 401 || status == 407) && call_try_auth (self, sip)))
        call_finish_reinvite (self, status, phrase);
      break;
    }
    if (self->state != VO_SIP_CALL_ACTIVE || status >= 300)
      call_on_invite_response (self, status, phrase, sip);
    break;
  case nua_i_state:
    call_on_state (self, status, sip, tags);
    break;
  case nua_i_cancel:
    call_set_end (self, VO_SIP_END_CANCELLED, 487);
    break;
  case nua_i_bye:
    call_set_end (self, VO_SIP_END_REMOTE, 0);
    break;
  case nua_i_message:
    /* Messages travel outside calls here (they must reach the outbox and
     * the store); refuse one inside the dialog rather than drop it. */
    nua_respond (nh, 488, "Send messages outside the call",
                 NUTAG_WITH_THIS (vo_sip_stack_get_nua (self->stack)), TAG_END ());
    break;
  case nua_i_info:
    digit = dtmf_checked (dtmf_from_info (sip));
    g_debug ("INFO from %s: DTMF %c", self->remote_uri, digit ? digit : '?');
    if (digit)
      g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit);
    break;
  case nua_r_info:
    if (status >= 200)
      call_request_answered (self);
    break;
  case nua_r_refer:
    if (status >= 200)
      call_request_answered (self);
    if (status >= 300)
      g_signal_emit (self, signals[SIGNAL_REFER_PROGRESS], 0, status);
    break;
  case nua_i_notify: {
    int frag = sipfrag_status (sip);

    if (frag)
      g_signal_emit (self, signals[SIGNAL_REFER_PROGRESS], 0, frag);
    break;
  }
  case nua_i_refer:
    /* REFER is an application method (vo-sip-stack.c): accept it here. */
    nua_respond (nh, sip && sip->sip_refer_to ? 202 : 400,
                 sip && sip->sip_refer_to ? "Accepted" : "Refer-To missing",
                 NUTAG_WITH_THIS (vo_sip_stack_get_nua (self->stack)), TAG_END ());
    if (sip && sip->sip_refer_to) {
      const sip_event_t *refer_event = NULL;

      /* Sofia accepted the REFER (202) with a notifier for this event: the
       * new call must name it so its progress reaches the referrer. */
      tl_gets (tags, NUTAG_REFER_EVENT_REF (refer_event), TAG_END ());
      if (refer_event)
        self->refer_event = sip_event_dup (self->home, refer_event);
      su_home_t home[1] = { SU_HOME_INIT (home) };
      g_autofree char *target = g_strdup (url_as_string (home, sip->sip_refer_to->r_url));

      su_home_deinit (home);
      g_signal_emit (self, signals[SIGNAL_REFER_REQUESTED], 0, target);
    }
    break;
  case nua_r_bye:
  case nua_r_cancel:
  case nua_i_terminated:
    if (event == nua_i_terminated)
      call_terminate (self);
    break;
  default:
    break;
  }
}

static void
vo_sip_call_dispose (GObject *object)
{
  VoSipCall *self = VO_SIP_CALL (object);

  /* After our own BYE/CANCEL there is nothing more to send. */
  if (self->nh && self->state != VO_SIP_CALL_TERMINATED && !self->hangup_requested) {
    /* Never leave a dialog behind: a call object gone means the call is gone. */
    if (self->state == VO_SIP_CALL_INCOMING) {
      /* Unless it was refused already (one final answer per INVITE). */
      if (self->end == VO_SIP_END_NONE)
        nua_respond (self->nh, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END ());
    } else
      nua_bye (self->nh, TAG_END ());
  }
  call_drop_handle (self);
  g_clear_object (&self->stack);
  G_OBJECT_CLASS (vo_sip_call_parent_class)->dispose (object);
}

static void
vo_sip_call_finalize (GObject *object)
{
  VoSipCall *self = VO_SIP_CALL (object);

  g_free (self->remote_uri);
  g_free (self->remote_name);
  vo_sip_secret_free (self->local_sdp_offer);
  vo_sip_secret_free (self->reoffer_sdp);
  if (self->remote_offer)
    explicit_bzero (self->remote_offer, self->remote_offer_len);
  g_free (self->remote_offer);
  g_free (self->negotiated_local);
  g_free (self->negotiated_remote);
  su_home_deinit (self->home);
  G_OBJECT_CLASS (vo_sip_call_parent_class)->finalize (object);
}

static void
vo_sip_call_class_init (VoSipCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = vo_sip_call_dispose;
  object_class->finalize = vo_sip_call_finalize;

  signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed", type, G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_MEDIA_CHANGED] = g_signal_new ("media-changed", type, G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DTMF_RECEIVED] = g_signal_new ("dtmf-received", type, G_SIGNAL_RUN_LAST, 0,
                                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_CHAR);
  signals[SIGNAL_REFER_PROGRESS] = g_signal_new ("refer-progress", type, G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[SIGNAL_REFER_REQUESTED] = g_signal_new ("refer-requested", type, G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                  G_TYPE_STRING);
  signals[SIGNAL_REINVITE_FINISHED] = g_signal_new ("reinvite-finished", type,
                                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                    G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
vo_sip_call_init (VoSipCall *self)
{
  self->magic.func = on_handle_event;
  self->magic.owner = self;
  self->deferred_hold = -1;
  su_home_init (self->home);
}

VoSipCall *
vo_sip_call_new_outgoing (VoSipStack *stack, const char *target_uri, const char *local_sdp,
                          VoSipCall *referrer)
{
  VoSipCall *self = g_object_new (VO_TYPE_SIP_CALL, NULL);

  self->stack = g_object_ref (stack);
  self->outgoing = TRUE;
  self->remote_uri = g_strdup (target_uri);
  self->remote_name = g_strdup ("");
  self->local_sdp_offer = g_strdup (local_sdp);
  self->state = VO_SIP_CALL_CALLING;
  self->nh = call_new_handle (self, target_uri);
  call_send_invite (self, NULL, referrer ? referrer->nh : NULL,
                    referrer ? referrer->refer_event : NULL);
  return self;
}

VoSipCall *
vo_sip_call_new_incoming (VoSipStack *stack, nua_handle_t *nh, const sip_t *sip)
{
  VoSipCall *self = g_object_new (VO_TYPE_SIP_CALL, NULL);
  su_home_t home[1] = { SU_HOME_INIT (home) };

  self->stack = g_object_ref (stack);
  self->nh = nh;
  nua_handle_bind (self->nh, &self->magic);
  self->state = VO_SIP_CALL_INCOMING;
  if (sip && sip->sip_payload && sip->sip_payload->pl_len) {
    self->remote_offer = g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    self->remote_offer_len = strlen (self->remote_offer);
  }
  if (sip && sip->sip_from) {
    self->remote_uri = g_strdup (url_as_string (home, sip->sip_from->a_url));
    self->remote_name = g_strdup (sip->sip_from->a_display ? sip->sip_from->a_display : "");
    /* Display names arrive quoted: "Bob Builder" → Bob Builder. */
    if (self->remote_name[0] == '"') {
      g_autofree char *quoted = self->remote_name;
      gsize len = strlen (quoted);

      self->remote_name = g_strndup (quoted + 1, len >= 2 ? len - 2 : 0);
    }
  } else {
    self->remote_uri = g_strdup ("");
    self->remote_name = g_strdup ("");
  }
  su_home_deinit (home);
  return self;
}

void
vo_sip_call_ring (VoSipCall *self)
{
  if (self->nh && self->state == VO_SIP_CALL_INCOMING)
    nua_respond (self->nh, SIP_180_RINGING, TAG_END ());
}

void
vo_sip_call_answer (VoSipCall *self, const char *local_sdp)
{
  g_return_if_fail (self->state == VO_SIP_CALL_INCOMING);
  g_free (self->local_sdp_offer);
  self->local_sdp_offer = g_strdup (local_sdp);
  nua_respond (self->nh, SIP_200_OK,
               SOATAG_USER_SDP_STR (local_sdp),
               SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
               SOATAG_RTP_SORT (SOA_RTP_SORT_REMOTE),
               TAG_END ());
}

static void
call_decline (VoSipCall *self, int status, const char *phrase)
{
  if (!self->nh || self->state != VO_SIP_CALL_INCOMING || self->end != VO_SIP_END_NONE)
    return;
  call_set_end (self, VO_SIP_END_DECLINED, status);
  nua_respond (self->nh, status, phrase, TAG_END ());
}

void
vo_sip_call_refuse (VoSipCall *self, VoSipRefusal refusal)
{
  switch (refusal) {
  case VO_SIP_REFUSAL_BUSY:
    call_decline (self, SIP_486_BUSY_HERE);
    break;
  case VO_SIP_REFUSAL_UNAVAILABLE:
    call_decline (self, SIP_480_TEMPORARILY_UNAVAILABLE);
    break;
  /* The phrase tells the caller's user which side wants what. */
  case VO_SIP_REFUSAL_ENCRYPTION_REQUIRED:
    call_decline (self, 488, "Encrypted Audio (SRTP) Required");
    break;
  case VO_SIP_REFUSAL_ENCRYPTION_DISABLED:
    call_decline (self, 488, "Encrypted Audio (SRTP) Not Enabled");
    break;
  default:
    g_return_if_reached ();
  }
}

void
vo_sip_call_redirect (VoSipCall *self, const char *target_uri)
{
  g_autofree char *contact = g_strdup_printf ("<%s>", target_uri);

  if (!self->nh || self->state != VO_SIP_CALL_INCOMING)
    return;
  call_set_end (self, VO_SIP_END_DECLINED, 302);
  nua_respond (self->nh, SIP_302_MOVED_TEMPORARILY, SIPTAG_CONTACT_STR (contact), TAG_END ());
}

void
vo_sip_call_hangup (VoSipCall *self)
{
  if (!self->nh || self->state == VO_SIP_CALL_TERMINATED)
    return;
  self->hangup_requested = TRUE;
  switch (self->state) {
  case VO_SIP_CALL_INCOMING:
    call_decline (self, SIP_603_DECLINE);
    break;
  case VO_SIP_CALL_CALLING:
  case VO_SIP_CALL_RINGING:
    call_set_end (self, VO_SIP_END_LOCAL, 0);
    nua_cancel (self->nh, TAG_END ());
    break;
  default:
    call_set_end (self, VO_SIP_END_LOCAL, 0);
    nua_bye (self->nh, TAG_END ());
    break;
  }
}

void
vo_sip_call_hold (VoSipCall *self, gboolean hold)
{
  if (!self->nh)
    return;
  self->reinvite_pending = TRUE;
  if (self->requests_in_flight > 0) {
    g_debug ("Call %s: the %s re-INVITE waits for the answer to our INFO/REFER",
             self->remote_uri, hold ? "hold" : "resume");
    self->deferred_hold = hold;
  } else
    call_send_reinvite (self, hold);
}

void
vo_sip_call_send_dtmf_info (VoSipCall *self, char digit)
{
  g_autofree char *body = g_strdup_printf ("Signal=%c\r\nDuration=160\r\n", digit);

  if (!self->nh)
    return;
  self->requests_in_flight++;
  nua_info (self->nh,
            SIPTAG_CONTENT_TYPE_STR ("application/dtmf-relay"),
            SIPTAG_PAYLOAD_STR (body),
            TAG_END ());
}

void
vo_sip_call_refer (VoSipCall *self, const char *target_uri)
{
  g_autofree char *refer_to = g_strdup_printf ("<%s>", target_uri);

  if (!self->nh)
    return;
  self->requests_in_flight++;
  nua_refer (self->nh, SIPTAG_REFER_TO_STR (refer_to), TAG_END ());
}

VoSipCallState
vo_sip_call_get_state (VoSipCall *self)
{
  return self->state;
}

/* The user's words for a final status to our INVITE. */
static VoCallEndReason
end_reason_from_status (int status)
{
  if (status == 486 || status == 600)
    return VO_CALL_END_REASON_BUSY;
  if (status == 603)
    return VO_CALL_END_REASON_REJECTED;
  if (status == 408 || status == 480)
    return VO_CALL_END_REASON_NO_ANSWER;
  if (status == 487)
    return VO_CALL_END_REASON_LOCAL;
  if (status == 503 || status >= 900)
    return VO_CALL_END_REASON_NETWORK;
  return VO_CALL_END_REASON_FAILED;
}

VoCallEndReason
vo_sip_call_get_end_reason (VoSipCall *self)
{
  switch (self->end) {
  case VO_SIP_END_LOCAL: return VO_CALL_END_REASON_LOCAL;
  case VO_SIP_END_REMOTE: return VO_CALL_END_REASON_REMOTE;
  case VO_SIP_END_CANCELLED: return VO_CALL_END_REASON_NO_ANSWER;
  case VO_SIP_END_DECLINED: return VO_CALL_END_REASON_REJECTED;
  case VO_SIP_END_REFUSED: return end_reason_from_status (self->end_status);
  case VO_SIP_END_NONE:
  default: return VO_CALL_END_REASON_FAILED;
  }
}

gboolean
vo_sip_call_offer_refused (VoSipCall *self)
{
  return self->outgoing && self->end == VO_SIP_END_REFUSED && self->end_status == 488;
}

const char *
vo_sip_call_get_remote_uri (VoSipCall *self)
{
  return self->remote_uri;
}

const char *
vo_sip_call_get_remote_name (VoSipCall *self)
{
  return self->remote_name;
}

const char *
vo_sip_call_get_offer (VoSipCall *self, gsize *len)
{
  *len = self->remote_offer_len;
  return self->remote_offer;
}

gboolean
vo_sip_call_get_negotiated_sdp (VoSipCall *self, const char **local, const char **remote)
{
  if (!self->media_ready)
    return FALSE;
  *local = self->negotiated_local;
  *remote = self->negotiated_remote;
  return TRUE;
}

const char *
vo_sip_call_get_local_sdp (VoSipCall *self)
{
  return self->local_sdp_offer;
}

void
vo_sip_call_set_local_sdp (VoSipCall *self, const char *local_sdp)
{
  /* Without a handle the call is over: nothing would answer from them. */
  if (!self->nh || g_strcmp0 (local_sdp, self->local_sdp_offer) == 0)
    return;
  vo_sip_secret_free (self->local_sdp_offer);
  self->local_sdp_offer = g_strdup (local_sdp);
  nua_set_hparams (self->nh, SOATAG_USER_SDP_STR (self->local_sdp_offer), TAG_END ());
}

void
vo_sip_call_set_reoffer_sdp (VoSipCall *self, const char *reoffer_sdp)
{
  vo_sip_secret_free (self->reoffer_sdp);
  self->reoffer_sdp = g_strdup (reoffer_sdp);
}
