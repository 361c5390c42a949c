/* vo-store-schema.h: the ordered list of schema migrations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

/* Migration N (1-based) takes a database from user_version N-1 to N.
 * Never edit a released step: append a new one. */
extern const char *const vo_store_migrations[];
extern const guint vo_store_n_migrations;
