/* vo-fuzz.c: set-up shared by the fuzz targets: quiet logs (printing every
 * g_debug would be most of the run time) and criticals that abort, since a
 * failed g_return_if_fail() on peer input is a bug the fuzzer must report.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"

#include <stdlib.h>
#include <string.h>

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
    g_log_writer_standard_streams (level, fields, n_fields, user_data);
    abort ();
  }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}

char *
vo_fuzz_string (const uint8_t *data, size_t size)
{
  return g_strndup ((const char *) data, size);
}

char **
vo_fuzz_fields (const uint8_t *data, size_t size, guint n)
{
  g_autofree char *text = vo_fuzz_string (data, size);
  char **fields = g_new0 (char *, n + 1);
  const char *p = text;

  for (guint i = 0; i < n; i++) {
    const char *end = i + 1 < n ? strchr (p, '\n') : NULL;

    fields[i] = end ? g_strndup (p, (gsize) (end - p)) : g_strdup (p);
    p = end ? end + 1 : p + strlen (p);
  }
  return fields;
}
