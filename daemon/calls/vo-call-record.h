/* vo-call-record.h: a finished call as a history row (who, when, why it
 * ended, whether it was missed).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-call.h"
#include "vo-contacts.h"
#include "vo-history.h"

G_BEGIN_DECLS

/* Writes the row of @call, which has ended (a failure is logged). */
void vo_call_record (VoHistory *history, VoCall *call);

/* A caller who hung up before @sip_call became a VoCall (the media address
 * was still being looked up): a missed call, named from @contacts (may be
 * NULL) as a call would be. */
void vo_call_record_unrung (VoHistory *history, VoContacts *contacts, VoSipCall *sip_call,
                            gint64 start_us);

G_END_DECLS
