/* vo-states.c: enum values to and from their D-Bus strings.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-states.h"
#include "vo-enum-types.h"

const char *
vo_enum_to_nick (GType type, int value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  if (!found || g_strcmp0 (found->value_nick, "unset") == 0)
    return "";
  return found->value_nick;
}

gboolean
vo_enum_from_nick (GType type, const char *nick, int *value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (!found || g_strcmp0 (found->value_nick, "unset") == 0)
    return FALSE;
  *value = found->value;
  return TRUE;
}
