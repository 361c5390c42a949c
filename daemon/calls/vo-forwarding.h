/* vo-forwarding.h: call forwarding rules (F6), stored in vo.conf.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-config.h"

G_BEGIN_DECLS

typedef enum {
  VO_FORWARD_ALWAYS,
  VO_FORWARD_BUSY,
  VO_FORWARD_NO_ANSWER,
  VO_FORWARD_UNREACHABLE,
  VO_FORWARD_N_CONDITIONS
} VoForwardCondition;

#define VO_FORWARD_DEFAULT_TIMEOUT_S 20

#define VO_TYPE_FORWARDING (vo_forwarding_get_type ())
G_DECLARE_FINAL_TYPE (VoForwarding, vo_forwarding, VO, FORWARDING, GObject)

/* Property "rules" (GVariant aa{sv}, notified on change). Signal
 * "rule-changed" (guint condition): vo_forwarding_set_rule changed one. */
VoForwarding *vo_forwarding_new (VoConfig *config);

/* @target_uri must already be a SIP URI (see vo-dial-target); it may be NULL
 * when disabling. @timeout_s only matters for no-answer (0: the default).
 * Errors: VO_ERROR_INVALID_ARGUMENT. */
gboolean vo_forwarding_set_rule (VoForwarding *self, const char *condition, gboolean enabled,
                                 const char *target_uri, guint timeout_s, GError **error);

/* The URI to forward to under @condition, or NULL when that rule is off. */
const char *vo_forwarding_target (VoForwarding *self, VoForwardCondition condition);
guint vo_forwarding_no_answer_timeout (VoForwarding *self);
void vo_forwarding_get_rule (VoForwarding *self, VoForwardCondition condition, gboolean *enabled,
                             const char **target_uri, guint *timeout_s);
const char *vo_forwarding_condition_name (VoForwardCondition condition);
gboolean vo_forwarding_condition_from_name (const char *name, VoForwardCondition *condition);

/* The service's copy of a rule (no "rule-changed"); a rule changed here and
 * not yet sent to the service is kept instead. */
gboolean vo_forwarding_apply_remote (VoForwarding *self, VoForwardCondition condition,
                                     gboolean enabled, const char *target_uri, guint timeout_s,
                                     GError **error);
/* Bits (1 << condition) of rules changed here and not yet at the service. */
guint vo_forwarding_get_unsynced (VoForwarding *self);
void vo_forwarding_mark_synced (VoForwarding *self, VoForwardCondition condition);
/* A service keeps the rules (and applies unreachable): Rules says so. */
void vo_forwarding_set_service_backed (VoForwarding *self, gboolean backed);
GVariant *vo_forwarding_get_rules (VoForwarding *self);

G_END_DECLS
