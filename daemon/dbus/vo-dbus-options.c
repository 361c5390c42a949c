/* vo-dbus-options.c: reading a{sv} options.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-dbus-options.h"
#include "vo-error.h"

/* "kind (s), offset (u) and limit (u)"; "no options (pass an empty dictionary)". */
static char *
describe_known (const VoDbusOption *known)
{
  GString *text = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; known[i].key; i++)
    n++;
  if (n == 0)
    return g_string_free (g_string_append (text, "no options (pass an empty dictionary)"), FALSE);
  for (guint i = 0; known[i].key; i++) {
    gboolean same_as_next = known[i + 1].key && g_str_equal (known[i].key, known[i + 1].key);

    if (i > 0 && !g_str_equal (known[i - 1].key, known[i].key))
      g_string_append (text, i + 1 == n ? " and " : ", ");
    if (i == 0 || !g_str_equal (known[i - 1].key, known[i].key))
      g_string_append_printf (text, "%s (%s", known[i].key, known[i].type);
    else
      g_string_append_printf (text, " or %s", known[i].type);
    if (!same_as_next)
      g_string_append_c (text, ')');
  }
  return g_string_free (text, FALSE);
}

/* "x or s": the types @key takes. */
static char *
describe_types (const VoDbusOption *known, const char *key)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; known[i].key; i++)
    if (g_str_equal (known[i].key, key))
      g_string_append_printf (text, "%s%s", text->len ? " or " : "", known[i].type);
  return g_string_free (text, FALSE);
}

static void
clear_values (const VoDbusOption *known)
{
  for (guint i = 0; known[i].key; i++)
    g_clear_pointer (known[i].value, g_variant_unref);
}

static gboolean
fail (const VoDbusOption *known, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (const VoDbusOption *known, GError **error, const char *format, ...)
{
  va_list args;

  clear_values (known);
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (VO_ERROR, VO_ERROR_INVALID_ARGUMENT, format,
                                                args));
  va_end (args);
  return FALSE;
}

gboolean
vo_dbus_options_parse (GVariant *options, const char *method, const VoDbusOption *known,
                       GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT), FALSE);
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr(GVariant) owned = value;
    const VoDbusOption *match = NULL;
    gboolean key_known = FALSE;

    for (guint i = 0; known[i].key && !match; i++) {
      if (!g_str_equal (known[i].key, key))
        continue;
      key_known = TRUE;
      if (g_str_equal (g_variant_get_type_string (value), known[i].type))
        match = &known[i];
    }
    if (!key_known) {
      g_autofree char *takes = describe_known (known);

      return fail (known, error, "'%s' is not an option of %s; it takes %s", key, method, takes);
    }
    if (!match) {
      g_autofree char *types = describe_types (known, key);

      return fail (known, error, "The option '%s' of %s takes a value of type %s, not %s", key,
                   method, types, g_variant_get_type_string (value));
    }
    g_clear_pointer (match->value, g_variant_unref);
    *match->value = g_steal_pointer (&owned);
  }
  return TRUE;
}
