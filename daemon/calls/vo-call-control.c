/* vo-call-control.c: what the user does with a call in progress: hold and
 * resume (waiting for the peer's answer), DTMF, mute, blind transfer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-call-private.h"
#include "vo-error.h"

#include <string.h>

#define DTMF_INTERVAL_MS 200
#define TRANSFER_TIMEOUT_S 30
#define MAX_DTMF_DIGITS 64

/* The state a hold (TRUE) or resume starts from. */
static gboolean
call_can_hold (VoCall *self, gboolean hold, GError **error)
{
  return vo_call_check (self, self->state == (hold ? VO_CALL_STATE_ACTIVE : VO_CALL_STATE_HELD),
                     hold ? "hold" : "resume", error);
}

void
vo_call_hold_async (VoCall *self, gboolean hold, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  GError *error = NULL;

  if (!call_can_hold (self, hold, &error)) {
    g_task_return_error (task, error);
    return;
  }
  if (self->hold_task) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_BUSY,
                             "Call %u is waiting for the peer to answer a hold or resume",
                             self->id);
    return;
  }
  /* Nothing changes until the peer agrees (RFC 3261 §14.1): see
   * on_sip_reinvite_finished. */
  self->hold_task = g_steal_pointer (&task);
  self->hold_wanted = hold;
  vo_sip_call_hold (self->sip, hold);
}

gboolean
vo_call_hold_finish (VoCall *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vo_call_on_reinvite_finished (VoSipCall *sip, int status, const char *phrase, gpointer user_data)
{
  VoCall *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->hold_task);
  const char *action = self->hold_wanted ? "hold" : "resume";

  if (!task)
    return;
  if (status < 200 || status >= 300) {
    g_message ("Call %u: %s refused (%d %s)", self->id, action, status, phrase);
    if (status)
      g_task_return_new_error (task, VO_ERROR, VO_ERROR_FAILED,
                               "The peer or a proxy refused to %s the call (%d %s); it stays %s",
                               action, status, phrase, vo_call_state_name (self));
    else
      g_task_return_new_error (task, VO_ERROR, VO_ERROR_INVALID_STATE,
                               "The call ended before the peer answered the %s", action);
    return;
  }
  if (!call_can_hold (self, self->hold_wanted, NULL)) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_INVALID_STATE,
                             "The call is %s now", vo_call_state_name (self));
    return;
  }
  self->held = self->hold_wanted;
  vo_call_notify (self, PROP_HELD);
  vo_call_set_state (self, self->held ? VO_CALL_STATE_HELD : VO_CALL_STATE_ACTIVE);
  /* The audio follows the held flag (quiet on hold). */
  vo_call_apply_media (self);
  g_task_return_boolean (task, TRUE);
}

/* Without a caller to tell: call waiting holds the other call this way. */
gboolean
vo_call_hold (VoCall *self, GError **error)
{
  if (!call_can_hold (self, TRUE, error))
    return FALSE;
  vo_call_hold_async (self, TRUE, NULL, NULL);
  return TRUE;
}

gboolean
vo_call_resume (VoCall *self, GError **error)
{
  if (!call_can_hold (self, FALSE, error))
    return FALSE;
  vo_call_hold_async (self, FALSE, NULL, NULL);
  return TRUE;
}

static gboolean
on_dtmf_next (gpointer user_data)
{
  VoCall *self = user_data;
  g_autoptr(GError) error = NULL;
  char digit;

  if (self->dtmf_queue->len == 0 || self->state == VO_CALL_STATE_ENDED) {
    self->dtmf_id = 0;
    return G_SOURCE_REMOVE;
  }
  digit = self->dtmf_queue->str[0];
  g_string_erase (self->dtmf_queue, 0, 1);
  /* RFC 4733 when the peer accepted telephone-event, else SIP INFO. */
  g_debug ("Call %u: DTMF %c (%s)", self->id, digit,
           self->peer_dtmf_pt ? "RFC 4733" : "SIP INFO");
  if (self->peer_dtmf_pt && self->media) {
    if (!vo_media_session_send_dtmf (self->media, digit, &error)) {
      g_debug ("Call %u: RFC 4733 DTMF failed (%s), using SIP INFO", self->id, error->message);
      vo_sip_call_send_dtmf_info (self->sip, digit);
    }
  } else {
    vo_sip_call_send_dtmf_info (self->sip, digit);
  }
  return G_SOURCE_CONTINUE;
}

gboolean
vo_call_send_dtmf (VoCall *self, const char *digits, GError **error)
{
  gsize len = digits ? strlen (digits) : 0;

  if (len == 0 || len > MAX_DTMF_DIGITS ||
      strspn (digits, "0123456789*#ABCDabcd") != len) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "'%s' are not DTMF digits; use 1 to %d of 0-9 * # A-D", digits ? digits : "",
                 MAX_DTMF_DIGITS);
    return FALSE;
  }
  if (!vo_call_check (self, self->state == VO_CALL_STATE_ACTIVE || self->state == VO_CALL_STATE_HELD,
                   "send DTMF on", error))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    g_string_append_c (self->dtmf_queue, g_ascii_toupper (digits[i]));
  if (!self->dtmf_id) {
    on_dtmf_next (self);
    if (self->dtmf_queue->len > 0)
      self->dtmf_id = g_timeout_add (DTMF_INTERVAL_MS, on_dtmf_next, self);
  }
  return TRUE;
}

void
vo_call_set_muted (VoCall *self, gboolean muted)
{
  if (self->muted == muted)
    return;
  self->muted = muted;
  if (self->media)
    vo_media_session_set_muted (self->media, muted);
  vo_call_notify (self, PROP_MUTED);
}

static gboolean
on_transfer_timeout (gpointer user_data)
{
  VoCall *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->transfer_task);

  self->transfer_timeout_id = 0;
  if (task)
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_FAILED,
                             "The other side did not report on the transfer to %s within %d s; "
                             "the call goes on", self->transfer_target, TRANSFER_TIMEOUT_S);
  return G_SOURCE_REMOVE;
}

void
vo_call_transfer_async (VoCall *self, const char *uri, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, vo_call_transfer_async);
  if (self->state != VO_CALL_STATE_ACTIVE && self->state != VO_CALL_STATE_HELD) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_INVALID_STATE,
                             "Cannot transfer a call that is %s; answer it first",
                             vo_call_state_name (self));
    return;
  }
  if (self->transfer_task) {
    g_task_return_new_error (task, VO_ERROR, VO_ERROR_BUSY,
                             "A transfer of this call is already in progress");
    return;
  }
  g_free (self->transfer_target);
  self->transfer_target = g_strdup (uri);
  self->transfer_task = g_steal_pointer (&task);
  self->transfer_timeout_id = g_timeout_add_seconds (TRANSFER_TIMEOUT_S, on_transfer_timeout,
                                                     self);
  vo_sip_call_refer (self->sip, uri);
}

gboolean
vo_call_transfer_finish (VoCall *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vo_call_on_refer_progress (VoSipCall *sip, gint status, gpointer user_data)
{
  VoCall *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (!self->transfer_task)
    return;
  task = g_steal_pointer (&self->transfer_task);
  g_clear_handle_id (&self->transfer_timeout_id, g_source_remove);
  if (status < 300) {
    /* The new call is trying or up: our part is done. */
    g_message ("Call %u transferred to %s (%d)", self->id, self->transfer_target, status);
    self->transferred = TRUE;
    g_task_return_boolean (task, TRUE);
    vo_sip_call_hangup (self->sip);
    return;
  }
  g_task_return_new_error (task, VO_ERROR, VO_ERROR_FAILED,
                           "The transfer to %s failed: the other side answered %d; "
                           "the call goes on", self->transfer_target, status);
}
