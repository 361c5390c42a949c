/* vo-call-manager.h: all calls: dialling, incoming calls, call waiting.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-call.h"
#include "vo-config.h"
#include "vo-contacts.h"
#include "vo-forwarding.h"
#include "vo-history.h"
#include "vo-settings.h"

G_BEGIN_DECLS

#define VO_TYPE_CALL_MANAGER (vo_call_manager_get_type ())
G_DECLARE_FINAL_TYPE (VoCallManager, vo_call_manager, VO, CALL_MANAGER, GObject)

/* @contacts (may be NULL) names the remote party of every call (Call1's
 * RemoteName and ContactId, the history row) and resolves names given to
 * Dial and Transfer.
 * Signals: "call-added" (VoCall *call) for every new call, outgoing or
 * incoming; "call-ended" (VoCall *call) once it has ended and its row is in
 * @history (the missed rule is the manager's); after it the manager drops
 * the call. */
VoCallManager *vo_call_manager_new (VoSipStack *stack, VoAccount *account, VoSettings *settings,
                                    VoConfig *config, VoForwarding *forwarding,
                                    VoHistory *history, VoContacts *contacts);

/* Do not disturb: incoming calls are refused (busy) and recorded as missed
 * with reason dnd. Property "dnd" (gboolean, read-write). */
void vo_call_manager_set_dnd (VoCallManager *self, gboolean dnd);

/* Turns what a person typed into a URI, as Dial does (for forwarding targets). */
char *vo_call_manager_target_uri (VoCallManager *self, const char *target, GError **error);

/* Checks registration and network policy, turns @target (a contact's
 * name, or what vo_call_manager_target_uri() takes) into a URI and
 * dials it. Errors: VO_ERROR_NOT_REGISTERED, VO_ERROR_NETWORK_POLICY,
 * VO_ERROR_INVALID_ARGUMENT. */
void vo_call_manager_dial_async (VoCallManager *self, const char *target,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* The new call (a reference), dialling; it waits for the media address when
 * a name must be looked up first. */
VoCall *vo_call_manager_dial_finish (VoCallManager *self, GAsyncResult *result, GError **error);
/* Answers @call, holding any other active call first (call waiting). */
gboolean vo_call_manager_answer (VoCallManager *self, VoCall *call, GError **error);
/* Transfers @call to @target (same forms as dial, names included). */
void vo_call_manager_transfer_async (VoCallManager *self, VoCall *call, const char *target,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean vo_call_manager_transfer_finish (VoCallManager *self, GAsyncResult *result,
                                          GError **error);

/* The live calls, oldest first (owned by the manager). */
GList *vo_call_manager_get_calls (VoCallManager *self);

/* Ends every call at once (daemon shutdown, SignOut): BYE or CANCEL. */
void vo_call_manager_hangup_all (VoCallManager *self);

G_END_DECLS
