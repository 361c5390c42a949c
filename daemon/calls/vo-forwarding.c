/* vo-forwarding.c: forwarding rules; the call manager applies them.
 *
 * always, busy and no-answer are applied by the daemon itself (302 to the
 * target). unreachable cannot be: an offline client answers nothing, so that
 * rule is applied by the Virtual Office service's proxy when there is one
 * (vo-forwarding-sync keeps the service's copy), and otherwise only stored.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-forwarding.h"
#include "vo-error.h"

#define GROUP "forwarding"
#define MIN_TIMEOUT_S 5
#define MAX_TIMEOUT_S 300

static const char *const condition_names[] = { "always", "busy", "no-answer", "unreachable" };

typedef struct {
  gboolean enabled;
  char *target;
  guint timeout_s;
} Rule;

struct _VoForwarding {
  GObject parent_instance;
  VoConfig *config;
  Rule rules[VO_FORWARD_N_CONDITIONS];
  gboolean service_backed;  /* a Virtual Office service keeps a copy */
  guint unsynced;           /* bit per condition changed here, not yet at the service */
};

enum { PROP_0, PROP_RULES, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_RULE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoForwarding, vo_forwarding, G_TYPE_OBJECT)

static char *
key_for (VoForwardCondition condition, const char *what)
{
  return g_strdup_printf ("%s-%s", condition_names[condition], what);
}

static void
forwarding_load (VoForwarding *self)
{
  for (guint i = 0; i < VO_FORWARD_N_CONDITIONS; i++) {
    g_autofree char *enabled = key_for (i, "enabled");
    g_autofree char *target = key_for (i, "target");
    g_autofree char *timeout = key_for (i, "timeout");

    self->rules[i].enabled = vo_config_get_boolean (self->config, GROUP, enabled, FALSE);
    self->rules[i].target = vo_config_get_string (self->config, GROUP, target);
    self->rules[i].timeout_s = (guint) CLAMP (vo_config_get_int (self->config, GROUP, timeout,
                                                                 VO_FORWARD_DEFAULT_TIMEOUT_S),
                                              MIN_TIMEOUT_S, MAX_TIMEOUT_S);
    if (!*self->rules[i].target)
      self->rules[i].enabled = FALSE;
  }
  self->unsynced = (guint) vo_config_get_int (self->config, GROUP, "unsynced", 0) &
                   ((1u << VO_FORWARD_N_CONDITIONS) - 1);
}

static gboolean
forwarding_store (VoForwarding *self, guint i, gboolean enabled, const char *target_uri,
                  guint timeout_s, GError **error)
{
  g_autofree char *k_enabled = NULL, *k_target = NULL, *k_timeout = NULL;
  g_autofree char *timeout_text = NULL, *unsynced_text = NULL;
  const char *pairs[9];
  Rule *rule = &self->rules[i];

  if (target_uri && *target_uri) {
    g_free (rule->target);
    rule->target = g_strdup (target_uri);
  }
  rule->enabled = enabled;
  if (i == VO_FORWARD_NO_ANSWER)
    rule->timeout_s = timeout_s ? timeout_s : VO_FORWARD_DEFAULT_TIMEOUT_S;

  k_enabled = key_for (i, "enabled");
  k_target = key_for (i, "target");
  k_timeout = key_for (i, "timeout");
  timeout_text = g_strdup_printf ("%u", rule->timeout_s);
  unsynced_text = g_strdup_printf ("%u", self->unsynced);
  pairs[0] = k_enabled; pairs[1] = enabled ? "true" : "false";
  pairs[2] = k_target; pairs[3] = rule->target;
  pairs[4] = k_timeout; pairs[5] = timeout_text;
  pairs[6] = "unsynced"; pairs[7] = unsynced_text;
  pairs[8] = NULL;
  if (!vo_config_set_strings (self->config, GROUP, pairs, error))
    return FALSE;
  g_message ("Forwarding %s: %s%s", condition_names[i], enabled ? "on to " : "off",
             enabled ? rule->target : "");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RULES]);
  return TRUE;
}

gboolean
vo_forwarding_set_rule (VoForwarding *self, const char *condition, gboolean enabled,
                        const char *target_uri, guint timeout_s, GError **error)
{
  guint i;

  for (i = 0; i < VO_FORWARD_N_CONDITIONS; i++)
    if (g_strcmp0 (condition, condition_names[i]) == 0)
      break;
  if (i == VO_FORWARD_N_CONDITIONS) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Unknown forwarding condition '%s'; use always, busy, no-answer or unreachable",
                 condition);
    return FALSE;
  }
  if (enabled && (!target_uri || !*target_uri)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "Forwarding '%s' needs a target to forward to", condition);
    return FALSE;
  }
  if (i == VO_FORWARD_NO_ANSWER && timeout_s != 0 &&
      (timeout_s < MIN_TIMEOUT_S || timeout_s > MAX_TIMEOUT_S)) {
    g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                 "The no-answer timeout must be %d to %d seconds (0 for the default %d)",
                 MIN_TIMEOUT_S, MAX_TIMEOUT_S, VO_FORWARD_DEFAULT_TIMEOUT_S);
    return FALSE;
  }

  /* Kept (and retried) until the service has it too. */
  self->unsynced |= 1u << i;
  if (!forwarding_store (self, i, enabled, target_uri, timeout_s, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_RULE_CHANGED], 0, i);
  return TRUE;
}

gboolean
vo_forwarding_apply_remote (VoForwarding *self, VoForwardCondition condition, gboolean enabled,
                            const char *target_uri, guint timeout_s, GError **error)
{
  Rule *rule = &self->rules[condition];

  /* A change made here and not yet sent wins over the service's copy. */
  if (self->unsynced & (1u << condition))
    return TRUE;
  if (enabled && (!target_uri || !*target_uri))
    enabled = FALSE;
  if (timeout_s < MIN_TIMEOUT_S || timeout_s > MAX_TIMEOUT_S)
    timeout_s = VO_FORWARD_DEFAULT_TIMEOUT_S;
  if (rule->enabled == enabled && g_strcmp0 (rule->target, target_uri ? target_uri : "") == 0 &&
      (condition != VO_FORWARD_NO_ANSWER || rule->timeout_s == timeout_s))
    return TRUE;
  return forwarding_store (self, condition, enabled, target_uri, timeout_s, error);
}

guint
vo_forwarding_get_unsynced (VoForwarding *self)
{
  return self->unsynced;
}

void
vo_forwarding_mark_synced (VoForwarding *self, VoForwardCondition condition)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  self->unsynced &= ~(1u << condition);
  text = g_strdup_printf ("%u", self->unsynced);
  if (!vo_config_set_string (self->config, GROUP, "unsynced", text, &error))
    g_warning ("%s", error->message);
}

void
vo_forwarding_get_rule (VoForwarding *self, VoForwardCondition condition, gboolean *enabled,
                        const char **target_uri, guint *timeout_s)
{
  const Rule *rule = &self->rules[condition];

  *enabled = rule->enabled;
  *target_uri = rule->target;
  *timeout_s = rule->timeout_s;
}

const char *
vo_forwarding_condition_name (VoForwardCondition condition)
{
  return condition_names[condition];
}

gboolean
vo_forwarding_condition_from_name (const char *name, VoForwardCondition *condition)
{
  for (guint i = 0; i < VO_FORWARD_N_CONDITIONS; i++)
    if (g_strcmp0 (name, condition_names[i]) == 0) {
      *condition = i;
      return TRUE;
    }
  return FALSE;
}

void
vo_forwarding_set_service_backed (VoForwarding *self, gboolean backed)
{
  if (self->service_backed == backed)
    return;
  self->service_backed = backed;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RULES]);
}

const char *
vo_forwarding_target (VoForwarding *self, VoForwardCondition condition)
{
  const Rule *rule = &self->rules[condition];

  return rule->enabled && *rule->target ? rule->target : NULL;
}

guint
vo_forwarding_no_answer_timeout (VoForwarding *self)
{
  return self->rules[VO_FORWARD_NO_ANSWER].timeout_s;
}

GVariant *
vo_forwarding_get_rules (VoForwarding *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < VO_FORWARD_N_CONDITIONS; i++) {
    const Rule *rule = &self->rules[i];
    const char *applied_by = !rule->enabled ? "none"
                             : i != VO_FORWARD_UNREACHABLE ? "daemon"
                             : self->service_backed ? "service" : "none";

    g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sv}"));
    g_variant_builder_add (&builder, "{sv}", "condition",
                           g_variant_new_string (condition_names[i]));
    g_variant_builder_add (&builder, "{sv}", "enabled", g_variant_new_boolean (rule->enabled));
    g_variant_builder_add (&builder, "{sv}", "target", g_variant_new_string (rule->target));
    g_variant_builder_add (&builder, "{sv}", "timeout", g_variant_new_uint32 (rule->timeout_s));
    g_variant_builder_add (&builder, "{sv}", "applied-by", g_variant_new_string (applied_by));
    if (i == VO_FORWARD_UNREACHABLE && rule->enabled && !self->service_backed)
      g_variant_builder_add (&builder, "{sv}", "note",
                             g_variant_new_string ("Forwarding when unreachable needs the "
                                                   "Virtual Office service: an offline client "
                                                   "cannot answer. The rule is stored and is "
                                                   "applied once signed in through the "
                                                   "service."));
    g_variant_builder_close (&builder);
  }
  return g_variant_builder_end (&builder);
}

static void
vo_forwarding_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id) {
  case PROP_RULES:
    g_value_take_variant (value, vo_forwarding_get_rules (VO_FORWARDING (object)));
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
vo_forwarding_finalize (GObject *object)
{
  VoForwarding *self = VO_FORWARDING (object);

  for (guint i = 0; i < VO_FORWARD_N_CONDITIONS; i++)
    g_free (self->rules[i].target);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (vo_forwarding_parent_class)->finalize (object);
}

static void
vo_forwarding_class_init (VoForwardingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vo_forwarding_get_property;
  object_class->finalize = vo_forwarding_finalize;
  props[PROP_RULES] = g_param_spec_variant ("rules", NULL, NULL, G_VARIANT_TYPE ("aa{sv}"), NULL,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                            G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /* The user changed a rule (not the service): "rule-changed" (condition). */
  signals[SIGNAL_RULE_CHANGED] = g_signal_new ("rule-changed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
vo_forwarding_init (VoForwarding *self)
{
}

VoForwarding *
vo_forwarding_new (VoConfig *config)
{
  VoForwarding *self = g_object_new (VO_TYPE_FORWARDING, NULL);

  self->config = g_object_ref (config);
  forwarding_load (self);
  return self;
}
