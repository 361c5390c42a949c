/* vo-message-row.h: the store's message rows as the core reads them. The
 * store keeps a status as its text (the D-Bus string); the core works with
 * VoMessageStatus, converted here and nowhere else.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-message-store.h"
#include "vo-states.h"

G_BEGIN_DECLS

/* The status of @row; a text the store should never hold reads as FAILED,
 * a status nothing moves on from. */
VoMessageStatus vo_message_row_get_status (const VoMessageRow *row);

/* Stores @status (and @reason, "" unless failed) for @row. */
gboolean vo_message_row_set_status (VoMessageStore *store, const VoMessageRow *row,
                                    VoMessageStatus status, const char *reason,
                                    GError **error);

/* The a{sv} of @row: id, conversation (x, its row id: the glue makes it the
 * object path), direction, text, time (x), status, kind, and reason (only
 * when failed). */
GVariant *vo_message_row_to_variant (const VoMessageRow *row);

G_END_DECLS
