/* vo-sip-presence.h: our PUBLISH and the SUBSCRIBEs to other people's presence.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-stack.h"
#include "vo-states.h"

G_BEGIN_DECLS

#define VO_TYPE_SIP_PRESENCE (vo_sip_presence_get_type ())
G_DECLARE_FINAL_TYPE (VoSipPresence, vo_sip_presence, VO, SIP_PRESENCE, GObject)

/* PUBLISH and SUBSCRIBE ask for @expires_s; Sofia refreshes both before
 * they expire. Signal "changed" (const char *uri, VoPresenceStatus status,
 * const char *note): a NOTIFY for a watched URI, status as read by
 * vo_sip_pidf_parse() (OFFLINE without a document, UNKNOWN once the
 * subscription is gone). */
VoSipPresence *vo_sip_presence_new (VoSipStack *stack, guint expires_s);

/* Publishes @status (see vo_sip_pidf_build()) and @note as @aor's presence,
 * replacing what was published before. A failed PUBLISH is sent again with
 * backoff until it succeeds. */
void vo_sip_presence_publish (VoSipPresence *self, const char *aor, VoPresenceStatus status,
                              const char *note);

/* Subscribes to @uri's presence (nothing if already watched). A failed or
 * terminated subscription is renewed with backoff. */
void vo_sip_presence_watch (VoSipPresence *self, const char *uri);

/* Stops watching @uri: un-SUBSCRIBEs (Expires: 0; bounded wait) and
 * reports nothing more for it. Nothing if @uri is not watched. */
void vo_sip_presence_unwatch (VoSipPresence *self, const char *uri);

/* Starts every subscription again as a new dialog (after registering again:
 * the old ones may point at an address we no longer have). */
void vo_sip_presence_resubscribe (VoSipPresence *self);

/* Un-PUBLISHes and un-SUBSCRIBEs (bounded wait) and forgets the publication
 * and every watch. Always succeeds. */
void vo_sip_presence_stop_async (VoSipPresence *self, GAsyncReadyCallback callback,
                                 gpointer user_data);
void vo_sip_presence_stop_finish (VoSipPresence *self, GAsyncResult *result);

G_END_DECLS
