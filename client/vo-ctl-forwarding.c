/* vo-ctl-forwarding.c: the forwarding command — show and change Forwarding1 rules.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-common.h"

static int
forwarding_call (VoCtl *ctl, const char *condition, gboolean enabled, const char *target,
                 guint timeout_s)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusForwarding1) forwarding = NULL;

  forwarding = vo_ctl_proxy (ctl, forwarding1, FORWARDING1, VO_OBJECT_PATH, &error);
  if (!forwarding ||
      !vo_dbus_forwarding1_call_set_rule_sync (forwarding, condition, enabled, target, timeout_s,
                                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return vo_ctl_fail (error);
  return VO_CTL_EXIT_OK;
}

static int
forwarding_show (VoCtl *ctl)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) all = vo_ctl_get_all (ctl, vo_dbus_forwarding1_interface_info (),
                                                VO_OBJECT_PATH, &error);
  g_autoptr (GVariant) rules = NULL;
  GVariantIter iter;
  GVariant *rule;

  if (!all)
    return vo_ctl_fail (error);
  rules = g_variant_lookup_value (all, "Rules", G_VARIANT_TYPE ("aa{sv}"));
  if (!rules)
    return vo_ctl_fail_literal ("the daemon did not report its forwarding rules");
  if (ctl->json) {
    vo_ctl_print_variant_json (rules);
    return VO_CTL_EXIT_OK;
  }
  g_variant_iter_init (&iter, rules);
  while ((rule = g_variant_iter_next_value (&iter))) {
    const char *condition = "", *target = "", *applied_by = "", *note = NULL;
    gboolean enabled = FALSE;
    guint timeout = 0;

    g_variant_lookup (rule, "condition", "&s", &condition);
    g_variant_lookup (rule, "enabled", "b", &enabled);
    g_variant_lookup (rule, "target", "&s", &target);
    g_variant_lookup (rule, "timeout", "u", &timeout);
    g_variant_lookup (rule, "applied-by", "&s", &applied_by);
    g_variant_lookup (rule, "note", "&s", &note);
    if (!enabled)
      g_print ("%-12s off\n", condition);
    else if (g_str_equal (condition, "no-answer"))
      g_print ("%-12s → %s after %u s\n", condition, target, timeout);
    else
      g_print ("%-12s → %s%s\n", condition, target,
               g_str_equal (applied_by, "none") ? " (not applied: needs the service)" : "");
    if (note && enabled)
      g_print ("             %s\n", note);
    g_variant_unref (rule);
  }
  return VO_CTL_EXIT_OK;
}

static int
run_forwarding (VoCtl *ctl, int argc, char **argv)
{
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      "Seconds of ringing before no-answer forwards (5-300; default 20)", "S" },
    { NULL }
  };
  g_autoptr (GOptionContext) context =
    vo_ctl_option_context_new (ctl, "forwarding", "[set CONDITION TARGET | off CONDITION]",
                               "Show or change call forwarding. CONDITION is always, busy, "
                               "no-answer or unreachable; TARGET is an extension, number or "
                               "SIP address.",
                               entries);
  g_autoptr (GError) error = NULL;

  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (timeout < 0)
    return vo_ctl_usage_error ("forwarding", "--timeout must not be negative");
  if (!vo_ctl_connect (ctl, &error))
    return vo_ctl_fail (error);
  if (argc == 1)
    return forwarding_show (ctl);
  if (g_str_equal (argv[1], "set") && argc == 4)
    return forwarding_call (ctl, argv[2], TRUE, argv[3], (guint) timeout);
  if (g_str_equal (argv[1], "off") && argc == 3)
    return forwarding_call (ctl, argv[2], FALSE, "", 0);
  return vo_ctl_usage_error ("forwarding", "use 'forwarding', 'forwarding set CONDITION TARGET' "
                             "or 'forwarding off CONDITION'");
}

const VoCtlCommand vo_ctl_forwarding_commands[] = {
  { "forwarding", "Show or change call forwarding rules", run_forwarding },
  { NULL }
};
