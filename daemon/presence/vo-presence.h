/* vo-presence.h: our presence (status, note, do not disturb) and the
 * presence of the people we watch.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-call-manager.h"
#include "vo-config.h"
#include "vo-contacts.h"
#include "vo-sip-stack.h"

G_BEGIN_DECLS

/* The longest note SetStatus takes, in characters. */
#define VO_PRESENCE_MAX_NOTE 256

#define VO_TYPE_PRESENCE (vo_presence_get_type ())
G_DECLARE_FINAL_TYPE (VoPresence, vo_presence, VO, PRESENCE, GObject)

/* Properties (read-only): status (VoPresenceStatus, AVAILABLE…INVISIBLE: the
 * user's choice, never changed by calls), note, dnd (TRUE while the status
 * is dnd; the call manager refuses calls then).
 * Signal "changed" (GVariant *a{s(ss)}): watched URIs whose status or note
 * changed (those watched for the contacts too), collected for a short
 * while so a burst is one signal.
 * @contacts (may be NULL): its "watch-wanted" URIs are watched (at most
 * 100, the least recently wanted let go; not stored), their presence is
 * its presence func, and every change goes to vo_contacts_presence_changed(). */
VoPresence *vo_presence_new (VoConfig *config, VoAccount *account, VoCallManager *calls,
                             VoSipStack *stack, VoContacts *contacts);

/* @text (a status of SetStatus: available, away, busy, dnd, invisible) as
 * a status, or VO_ERROR_INVALID_ARGUMENT. */
gboolean vo_presence_status_parse (const char *text, VoPresenceStatus *status, GError **error);

/* Sets and stores our @status (AVAILABLE…INVISIBLE) and note and publishes
 * them (now, or once registered). VO_ERROR_INVALID_ARGUMENT for a note that
 * is too long or has control characters. */
gboolean vo_presence_set_status (VoPresence *self, VoPresenceStatus status, const char *note,
                                 GError **error);

/* Watches @targets (users or extensions of our domain, SIP addresses or
 * URIs) from now on and across restarts. All or nothing:
 * VO_ERROR_INVALID_ARGUMENT names the first bad one; VO_ERROR_NOT_SIGNED_IN
 * when a bare user needs the account's domain. */
gboolean vo_presence_watch (VoPresence *self, const char *const *targets, GError **error);

/* a{s(ss)}: each of @targets (as given) → (status, note) from what the
 * watched people last published; ("unknown", "") for anyone not known yet.
 * An empty @targets gives every watched URI. */
GVariant *vo_presence_get (VoPresence *self, const char *const *targets, GError **error);

VoPresenceStatus vo_presence_get_status (VoPresence *self);
const char *vo_presence_get_note (VoPresence *self);
gboolean vo_presence_get_dnd (VoPresence *self);

/* Un-PUBLISHes and un-SUBSCRIBEs (bounded wait); nothing is published after. */
void vo_presence_shutdown_async (VoPresence *self, GAsyncReadyCallback callback,
                                 gpointer user_data);
void vo_presence_shutdown_finish (VoPresence *self, GAsyncResult *result);

G_END_DECLS
