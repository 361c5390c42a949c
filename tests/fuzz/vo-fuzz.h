/* vo-fuzz.h: what every libFuzzer target in tests/fuzz shares.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* libFuzzer's entry points (each target defines the second). */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* @data as a NUL-terminated string, cut at its first NUL byte, as the
 * daemon's string APIs (D-Bus strings, Sofia header values) see it. */
char *vo_fuzz_string (const uint8_t *data, size_t size);

/* Splits @data at newlines into exactly @n NUL-terminated fields (missing
 * ones are ""), the last taking the rest. Free with g_strfreev(). */
char **vo_fuzz_fields (const uint8_t *data, size_t size, guint n);

G_END_DECLS
