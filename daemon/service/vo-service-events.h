/* vo-service-events.h: the service's event WebSocket (GET /v1/events,
 * docs/service-api.md §2.6): connects with the client's access token,
 * reconnects with capped backoff and resumes after the last event id, so no
 * event is missed or repeated; each event becomes a signal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-service-client.h"

G_BEGIN_DECLS

#define VO_TYPE_SERVICE_EVENTS (vo_service_events_get_type ())
G_DECLARE_FINAL_TYPE (VoServiceEvents, vo_service_events, VO, SERVICE_EVENTS, GObject)

/* Signals:
 *   "event" (const char *type, gint64 id): one event, in order ("resync"
 *     included: fetch everything again);
 *   "connected" (gboolean up): the socket opened, or closed or could not
 *     be opened (again at every failed attempt);
 *   "session-ended" (): closed with 4403, or the refresh failed with
 *     SESSION_ENDED: sign in again. */
VoServiceEvents *vo_service_events_new (VoServiceClient *client);
/* Connects (and keeps reconnecting) from after @after_id (0: from now). */
void vo_service_events_start (VoServiceEvents *self, gint64 after_id);
void vo_service_events_stop (VoServiceEvents *self);
gint64 vo_service_events_get_last_id (VoServiceEvents *self);

G_END_DECLS
