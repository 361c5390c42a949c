/* vo-sip-imdn.h: CPIM envelopes (RFC 3862) carrying instant messages and
 * their IMDN receipts (RFC 5438): building and parsing, no I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VO_SIP_CPIM_TYPE "message/cpim"
#define VO_SIP_IMDN_TYPE "message/imdn+xml"

/* The receipts a message asks for (imdn.Disposition-Notification). */
typedef enum {
  VO_SIP_IMDN_REQUEST_NONE = 0,
  VO_SIP_IMDN_REQUEST_DELIVERY = 1 << 0, /* positive-delivery */
  VO_SIP_IMDN_REQUEST_DISPLAY = 1 << 1,  /* display */
} VoSipImdnRequest;

/* What a receipt says about a message. */
typedef enum {
  VO_SIP_IMDN_DELIVERED,
  VO_SIP_IMDN_DISPLAYED,
  VO_SIP_IMDN_NEGATIVE, /* failed, forbidden or error */
  VO_SIP_IMDN_OTHER,    /* processing notifications and unknown ones */
} VoSipImdnStatus;

/* A parsed CPIM message. Strings are never NULL ("" when absent). */
typedef struct {
  char *from;               /* the URI of the From header, without <> */
  char *from_name;          /* its display name */
  char *to;
  char *message_id;         /* imdn.Message-ID */
  char *datetime;           /* DateTime as sent */
  VoSipImdnRequest notify;  /* imdn.Disposition-Notification */
  char *content_type;       /* the inner media type, lowercase, without parameters */
  char *body;               /* the inner body, NUL-terminated */
  gsize body_len;
} VoSipCpim;

void vo_sip_cpim_free (VoSipCpim *cpim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoSipCpim, vo_sip_cpim_free)

/* Parses a message/cpim body of @len bytes. Anything malformed (no blank
 * line after the headers, a header without a colon, no Content-Type, too
 * many headers) is VO_ERROR_INVALID_ARGUMENT; nothing is assumed about
 * @data beyond @len. A "[Offline message - …] " prefix that kamailio's
 * msilo puts in front of stored bodies (add_date) is skipped. */
VoSipCpim *vo_sip_imdn_parse_cpim (const char *data, gsize len, GError **error);

/* A CPIM body with @text (UTF-8) asking for delivery and display receipts.
 * @time_us: when the message was written (DateTime). */
char *vo_sip_imdn_build_message (const char *from, const char *to, const char *message_id,
                                 gint64 time_us, const char *text);

/* A CPIM body with the receipt @status (delivered or displayed) for the
 * message @message_id sent at @datetime ("" if it had none: now). */
char *vo_sip_imdn_build_notification (const char *from, const char *to,
                                      const char *notification_id, gint64 time_us,
                                      const char *message_id, const char *datetime,
                                      VoSipImdnStatus status);

/* Reads a message/imdn+xml document: the id of the message it is about and
 * what it says. Malformed XML or no message-id: VO_ERROR_INVALID_ARGUMENT. */
gboolean vo_sip_imdn_parse_notification (const char *xml, gsize len, char **message_id,
                                         VoSipImdnStatus *status, GError **error);

/* RFC 3339 UTC time for DateTime headers: "2024-05-01T12:30:00.123Z". */
char *vo_sip_imdn_format_time (gint64 time_us);

G_END_DECLS
