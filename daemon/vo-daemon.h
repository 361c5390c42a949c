/* vo-daemon.h: the daemon's core, everything but the D-Bus glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-call-manager.h"
#include "vo-contacts.h"
#include "vo-history.h"
#include "vo-message-manager.h"
#include "vo-presence.h"
#include "vo-settings.h"
#include "vo-store.h"

G_BEGIN_DECLS

#define VO_TYPE_DAEMON (vo_daemon_get_type ())
G_DECLARE_FINAL_TYPE (VoDaemon, vo_daemon, VO, DAEMON, GObject)

/* Loads config and store from @config_dir / @data_dir (NULL: the defaults
 * from the environment) and brings up the SIP stack. */
VoDaemon *vo_daemon_new (const char *config_dir, const char *data_dir, GError **error);

/* Starts what runs by itself: auto sign-in. */
void vo_daemon_start (VoDaemon *self);

/* Un-REGISTERs, then shuts the SIP stack down. */
void vo_daemon_shutdown_async (VoDaemon *self, GAsyncReadyCallback callback, gpointer user_data);
void vo_daemon_shutdown_finish (VoDaemon *self, GAsyncResult *result);

VoAccount *vo_daemon_get_account (VoDaemon *self);
VoSettings *vo_daemon_get_settings (VoDaemon *self);
VoStore *vo_daemon_get_store (VoDaemon *self);
VoCallManager *vo_daemon_get_call_manager (VoDaemon *self);
VoContacts *vo_daemon_get_contacts (VoDaemon *self);
VoForwarding *vo_daemon_get_forwarding (VoDaemon *self);
VoHistory *vo_daemon_get_history (VoDaemon *self);
VoMessageManager *vo_daemon_get_message_manager (VoDaemon *self);
VoPresence *vo_daemon_get_presence (VoDaemon *self);

G_END_DECLS
