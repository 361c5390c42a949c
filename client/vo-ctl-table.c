/* vo-ctl-table.c: the tables vo-ctl prints — fixed-width cells (history,
 * conversations, messages) and columns as wide as their widest cell (calls,
 * presence).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "vo-ctl-common.h"

struct _VoCtlTable {
  guint n_columns;
  glong *widths;
  GPtrArray *rows; /* of char ** (n_columns cells, NULL-terminated early) */
};

void
vo_ctl_append_cell (GString *line, const char *text, guint width)
{
  glong length = g_utf8_strlen (text, -1);

  if (length > width) {
    const char *cut = g_utf8_offset_to_pointer (text, width - 1);

    g_string_append_len (line, text, cut - text);
    g_string_append (line, "…");
  } else {
    g_string_append (line, text);
    for (glong i = length; i < width; i++)
      g_string_append_c (line, ' ');
  }
  g_string_append (line, "  ");
}

VoCtlTable *
vo_ctl_table_new (guint n_columns)
{
  VoCtlTable *table = g_new0 (VoCtlTable, 1);

  table->n_columns = n_columns;
  table->widths = g_new0 (glong, n_columns);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  return table;
}

void
vo_ctl_table_free (VoCtlTable *table)
{
  if (!table)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table->widths);
  g_free (table);
}

void
vo_ctl_table_set_min_width (VoCtlTable *table, guint column, guint width)
{
  g_return_if_fail (column < table->n_columns);
  table->widths[column] = MAX (table->widths[column], (glong) width);
}

void
vo_ctl_table_add_row (VoCtlTable *table, const char *const *cells)
{
  char **row = g_new0 (char *, table->n_columns + 1);

  for (guint col = 0; col < table->n_columns && cells[col]; col++) {
    row[col] = g_strdup (cells[col]);
    table->widths[col] = MAX (table->widths[col], g_utf8_strlen (cells[col], -1));
  }
  g_ptr_array_add (table->rows, row);
}

char *
vo_ctl_table_format (VoCtlTable *table, const char *indent)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < table->rows->len; i++) {
    char **row = table->rows->pdata[i];

    if (i > 0)
      g_string_append_c (out, '\n');
    g_string_append (out, indent);
    for (guint col = 0; col < table->n_columns && row[col]; col++) {
      g_string_append (out, row[col]);
      if (col + 1 == table->n_columns || !row[col + 1])
        break;
      /* Padding only between cells: no blanks at the end of a line. */
      for (glong n = g_utf8_strlen (row[col], -1); n < table->widths[col]; n++)
        g_string_append_c (out, ' ');
      g_string_append (out, "  ");
    }
  }
  return g_string_free (out, FALSE);
}
