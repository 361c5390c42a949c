/* vo-dial-target.h: what a person dials, as a SIP URI.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Accepts an extension ("201"), a phone number in any common form
 * ("+31 20 123 4567", "020-1234567" with @country_code "31", "0031 20…"),
 * a SIP address ("bob@example.com"), a user of the account's domain ("bob"),
 * or a sip:/sips:/tel: URI. Returns the URI to INVITE, or NULL with
 * VO_ERROR_INVALID_ARGUMENT saying what is expected. */
char *vo_dial_target_to_uri (const char *target, const char *domain, const char *country_code,
                             GError **error);

G_END_DECLS
