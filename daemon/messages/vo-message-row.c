/* vo-message-row.c: message statuses between the store's text and
 * VoMessageStatus, and rows as the a{sv} of the API.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-messages"

#include "vo-message-row.h"
#include "vo-enum-types.h"

VoMessageStatus
vo_message_row_get_status (const VoMessageRow *row)
{
  int status = VO_MESSAGE_STATUS_FAILED;

  if (!vo_enum_from_nick (VO_TYPE_MESSAGE_STATUS, row->status, &status))
    g_warning ("Message %s has the unknown status '%s'", row->uuid, row->status);
  return status;
}

gboolean
vo_message_row_set_status (VoMessageStore *store, const VoMessageRow *row,
                           VoMessageStatus status, const char *reason, GError **error)
{
  return vo_message_store_set_status (store, row->id,
                                      vo_enum_to_nick (VO_TYPE_MESSAGE_STATUS, status), reason,
                                      error);
}

GVariant *
vo_message_row_to_variant (const VoMessageRow *row)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "id", "s", row->uuid);
  g_variant_dict_insert (&dict, "conversation", "x", row->conversation_id);
  g_variant_dict_insert (&dict, "direction", "s", row->direction);
  g_variant_dict_insert (&dict, "text", "s", row->text);
  g_variant_dict_insert (&dict, "time", "x", row->time_us);
  g_variant_dict_insert (&dict, "status", "s", row->status);
  g_variant_dict_insert (&dict, "kind", "s", row->kind);
  if (vo_message_row_get_status (row) == VO_MESSAGE_STATUS_FAILED &&
      row->reason && *row->reason)
    g_variant_dict_insert (&dict, "reason", "s", row->reason);
  return g_variant_dict_end (&dict);
}
