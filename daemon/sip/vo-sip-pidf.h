/* vo-sip-pidf.h: presence documents (PIDF, RFC 3863, with RPID, RFC 4480).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bodies larger than this are refused unread. */
#define VO_SIP_PIDF_MAX_BODY (64 * 1024)
/* Notes read from a document are cut to this many characters. */
#define VO_SIP_PIDF_MAX_NOTE 256

/* A PIDF document for @entity (a SIP URI) showing @status: available (open,
 * no activity), away, busy, on-the-phone (open with that RPID activity), dnd
 * (busy plus an <rpid:other> marker that vo_sip_pidf_parse() reads back as
 * dnd) or offline (closed). @note (may be NULL) goes into the tuple. */
char *vo_sip_pidf_build (const char *entity, const char *status, const char *note);

/* Reads a PIDF document into a status (offline, available, away, busy, dnd,
 * on-the-phone) and a note (may be ""). A closed or missing basic status is
 * offline. Anything that is not well-formed PIDF is VO_ERROR_INVALID_ARGUMENT;
 * unknown elements are ignored. */
gboolean vo_sip_pidf_parse (const char *body, gsize length, char **status, char **note,
                            GError **error);

G_END_DECLS
