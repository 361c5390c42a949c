/* vo-dbus-options.h: the a{sv} options and filters that methods take, read
 * in one place with one wording for every mistake.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One accepted key and value type. A key that takes two types ("before":
 * x or s) is listed twice, once per type. */
typedef struct {
  const char *key;
  const char *type;   /* a GVariant type string: "s", "u", "x", "b" */
  GVariant **value;   /* set to the value (a new reference) when present */
} VoDbusOption;

/* Reads @options (a{sv}) against @known (ending with a { NULL } entry): each
 * key found sets its entry's value. An unknown key or a value of another
 * type fails with VO_ERROR_INVALID_ARGUMENT naming @method, the key and what
 * it takes; the values set so far are then cleared. */
gboolean vo_dbus_options_parse (GVariant *options, const char *method, const VoDbusOption *known,
                                GError **error);

G_END_DECLS
