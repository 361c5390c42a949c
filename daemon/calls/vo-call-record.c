/* vo-call-record.c: the history row of a call.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-call-record.h"
#include "vo-call-names.h"
#include "vo-enum-types.h"

/* Forwarded calls were handled and rejected ones declined by the user: not
 * missed. Refused ones (DND, network policy) are missed calls the user may
 * want to return. */
static gboolean
call_is_missed (VoCall *call)
{
  VoCallEndReason reason = vo_call_get_end_reason (call);

  return vo_call_is_incoming (call) && vo_call_get_answer_time (call) == 0 &&
         reason != VO_CALL_END_REASON_FORWARDED && reason != VO_CALL_END_REASON_REJECTED;
}

/* Every call, answered or not, becomes a history row as it ends. */
void
vo_call_record (VoHistory *history, VoCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  VoHistoryEntry entry = {
    .direction = vo_call_is_incoming (call) ? VO_HISTORY_DIRECTION_INCOMING
                                            : VO_HISTORY_DIRECTION_OUTGOING,
    .remote_uri = vo_call_get_remote_uri (call),
    .name = vo_call_get_remote_name (call),
    .contact_id = vo_call_get_contact_id (call),
    .start_us = vo_call_get_start_time (call),
    .answer_us = vo_call_get_answer_time (call),
    .end_us = vo_call_get_end_time (call),
    .reason = vo_enum_to_nick (VO_TYPE_CALL_END_REASON, vo_call_get_end_reason (call)),
    .missed = call_is_missed (call),
  };

  id = vo_history_add (history, &entry, &error);
  if (!id)
    g_warning ("The call with %s could not be written to the history: %s",
               entry.remote_uri, error->message);
}

/* A caller who hung up while the media address was still being looked up
 * (the first call after a network change) never became a VoCall: the call
 * is still a missed one, written as such. */
void
vo_call_record_unrung (VoHistory *history, VoContacts *contacts, VoSipCall *sip_call,
                       gint64 start_us)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *contact_id = NULL;
  g_autofree char *contact_name = NULL;
  gint64 now = g_get_real_time ();
  gboolean known = vo_call_names_lookup (contacts, vo_sip_call_get_remote_uri (sip_call),
                                         &contact_id, &contact_name);
  VoHistoryEntry entry = {
    .direction = VO_HISTORY_DIRECTION_INCOMING,
    .remote_uri = vo_sip_call_get_remote_uri (sip_call),
    .name = known && *contact_name ? contact_name : vo_sip_call_get_remote_name (sip_call),
    .contact_id = contact_id,
    .start_us = start_us,
    .end_us = now,
    .reason = vo_enum_to_nick (VO_TYPE_CALL_END_REASON, VO_CALL_END_REASON_REMOTE),
    .missed = TRUE,
  };

  id = vo_history_add (history, &entry, &error);
  if (!id)
    g_warning ("The call with %s could not be written to the history: %s",
               entry.remote_uri, error->message);
}
