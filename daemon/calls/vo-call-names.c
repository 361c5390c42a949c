/* vo-call-names.c: contacts for calls, history and messages.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-call-names.h"
#include "vo-address.h"
#include "vo-error.h"

#include <string.h>

gboolean
vo_call_names_lookup (VoContacts *contacts, const char *number_or_uri, char **id_out,
                      char **name_out)
{
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  if (!contacts || !number_or_uri || !*number_or_uri ||
      !vo_contacts_lookup (contacts, number_or_uri, &id, &name))
    return FALSE;
  if (id_out)
    *id_out = id ? g_steal_pointer (&id) : g_strdup ("");
  if (name_out)
    *name_out = name ? g_steal_pointer (&name) : g_strdup ("");
  return TRUE;
}

gboolean
vo_call_names_is_name (const char *target)
{
  g_autofree char *digits = NULL;

  if (!target || !*target || strchr (target, '@') || g_str_has_prefix (target, "sip:") ||
      g_str_has_prefix (target, "sips:") || g_str_has_prefix (target, "tel:"))
    return FALSE;
  digits = vo_address_number_digits (target, NULL, NULL);
  return digits == NULL;
}

char *
vo_call_names_target (VoContacts *contacts, const char *target_in, gboolean for_message,
                      char **id_out, char **name_out, GError **error)
{
  g_autofree char *target = g_strstrip (g_strdup (target_in ? target_in : ""));
  g_autoptr(GError) local_error = NULL;
  char *reachable;

  if (!contacts || !g_utf8_validate (target, -1, NULL) || !vo_call_names_is_name (target))
    return NULL;
  reachable = vo_contacts_target_for_name (contacts, target, for_message, id_out, name_out,
                                           &local_error);
  if (!reachable && !g_error_matches (local_error, VO_ERROR, VO_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return reachable;
}

GVariant *
vo_call_names_add_details (VoContacts *contacts, GVariant *entry_in)
{
  static const char *const details[] = { "presence", "extension", "company", NULL };
  g_autoptr(GVariant) entry = g_variant_ref_sink (entry_in);
  g_autoptr(GVariant) contact = NULL;
  const char *contact_id = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (contacts && g_variant_lookup (entry, "contact-id", "&s", &contact_id) &&
      g_str_has_prefix (contact_id, "company:"))
    contact = vo_contacts_get (contacts, contact_id, NULL);
  if (!contact)
    return g_steal_pointer (&entry);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, entry);
  while (g_variant_iter_next (&iter, "{&s@v}", &key, &value)) {
    if (!g_strv_contains (details, key))
      g_variant_builder_add (&builder, "{s@v}", key, value);
    g_variant_unref (value);
  }
  for (guint i = 0; details[i]; i++) {
    const char *text = NULL;

    if (!g_variant_lookup (contact, details[i], "&s", &text))
      text = g_str_equal (details[i], "presence") ? "unknown" : "";
    g_variant_builder_add (&builder, "{sv}", details[i], g_variant_new_string (text));
  }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
