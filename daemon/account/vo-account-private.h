/* vo-account-private.h: VoAccount's insides, shared by vo-account.c (the
 * sign-in state machine) and vo-account-provisioned.c (the service's SIP
 * account).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-account.h"
#include "vo-account-info.h"
#include "vo-sip-registration.h"

G_BEGIN_DECLS

struct _VoAccount {
  GObject parent_instance;

  VoConfig *config;
  VoCredentials *credentials;
  VoSipStack *stack;
  VoNetworkMonitor *network;
  VoAccountService *service;  /* the Virtual Office service's half */

  VoAccountState state;
  VoAccountInfo *info;
  VoSipRegistration *registration;
  char *last_error;

  GTask *sign_in_task;      /* a SignIn waiting for its first final answer */
  char *sign_in_password;   /* kept until it is stored */
  guint sign_in_timeout_id;
  gboolean auto_sign_in;    /* signing in from stored credentials */
  gboolean provisioned;     /* the running SignIn goes through the service */
  gboolean service_ended;   /* the service's session ended: State stays error */
};

void vo_account_set_state (VoAccount *self, VoAccountState state);
void vo_account_set_last_error (VoAccount *self, const char *error);
/* Takes @info. */
void vo_account_set_info (VoAccount *self, VoAccountInfo *info);
/* Starts registering self->info with @password (state signing-in). */
void vo_account_register (VoAccount *self, const char *password);
/* Answers the running SignIn with @error (taken; NULL for success). */
void vo_account_sign_in_complete (VoAccount *self, GError *error);
/* The SIP half of every SignIn: takes @info. */
void vo_account_sign_in_with (VoAccount *self, VoAccountInfo *info, const char *password);

/* SignIn at the service at @url (NULL: vo.conf's); self->sign_in_task is set. */
void vo_account_sign_in_provisioned (VoAccount *self, const char *url, const char *user,
                                     const char *password, GHashTable *options);
/* The service's "sip-account" signal: register again when it changed. */
void vo_account_on_service_sip_account (VoAccountService *service, VoServiceSipAccount *sip,
                                        gpointer user_data);

G_END_DECLS
