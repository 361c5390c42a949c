/* vo-account-info.h: one account as stored in vo.conf's [account] group,
 * and the checks a SignIn's arguments pass to become one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-config.h"
#include "vo-sip-stack.h"

G_BEGIN_DECLS

#define VO_ACCOUNT_INFO_GROUP "account"

/* One account as stored in [account]; never holds the password. */
typedef struct {
  char *user;
  char *domain;
  char *registrar;   /* URI */
  char *proxy;       /* URI or NULL */
  char *transport;
  char *display_name;
} VoAccountInfo;


void vo_account_info_free (VoAccountInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoAccountInfo, vo_account_info_free)

/* Writes @info to [account] (not the password). */
gboolean vo_account_info_save (const VoAccountInfo *info, VoConfig *config, GError **error);
/* The stored account, or NULL when there is none (or it lacks user, domain
 * or registrar). */
VoAccountInfo *vo_account_info_load (VoConfig *config);
/* Checks SignIn's @user (user or user@domain), @password and @options
 * (registrar, domain, proxy, transport, display-name → strings; the glue
 * has refused any other key and type) into an
 * account: VO_ERROR_INVALID_ARGUMENT saying what is wrong, or
 * VO_ERROR_NOT_SUPPORTED for TLS when @stack has none. */
VoAccountInfo *vo_account_info_parse (const char *user, const char *password,
                                      GHashTable *options, VoSipStack *stack, GError **error);

G_END_DECLS
