/* vo-states.h: the states and reasons the core keeps, as enums. Their nicks
 * (made by gnome.mkenums into vo-enum-types.h) are the lowercase strings of
 * the D-Bus API: strings exist only at the D-Bus edge (vo_enum_to_nick). A
 * new value goes at the end of its enum, with the nick the API documents.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Account1.State */
typedef enum {
  VO_ACCOUNT_STATE_SIGNED_OUT,
  VO_ACCOUNT_STATE_SIGNING_IN,
  VO_ACCOUNT_STATE_SIGNED_IN,
  VO_ACCOUNT_STATE_ERROR,
} VoAccountState;

/* Account1.Registration */
typedef enum {
  VO_REGISTRATION_UNREGISTERED,
  VO_REGISTRATION_REGISTERING,
  VO_REGISTRATION_REGISTERED,
  VO_REGISTRATION_FAILED,
  VO_REGISTRATION_BLOCKED,
} VoRegistration;

/* Call1.State */
typedef enum {
  VO_CALL_STATE_DIALING,
  VO_CALL_STATE_RINGING,
  VO_CALL_STATE_INCOMING,
  VO_CALL_STATE_ACTIVE,
  VO_CALL_STATE_HELD,
  VO_CALL_STATE_ENDED,
} VoCallState;

/* Call1.EndReason and the history's reason */
typedef enum {
  VO_CALL_END_REASON_NONE,            /*< nick=unset >*/  /* not ended: EndReason "" */
  VO_CALL_END_REASON_LOCAL,
  VO_CALL_END_REASON_REMOTE,
  VO_CALL_END_REASON_BUSY,
  VO_CALL_END_REASON_NO_ANSWER,
  VO_CALL_END_REASON_REJECTED,
  VO_CALL_END_REASON_TRANSFERRED,
  VO_CALL_END_REASON_FORWARDED,
  VO_CALL_END_REASON_NETWORK,
  VO_CALL_END_REASON_ENCRYPTION_REFUSED,
  VO_CALL_END_REASON_FAILED,
  VO_CALL_END_REASON_DND,             /* refused unseen: do not disturb (history only) */
} VoCallEndReason;

/* Messages1 message status */
typedef enum {
  VO_MESSAGE_STATUS_PENDING,
  VO_MESSAGE_STATUS_SENT,
  VO_MESSAGE_STATUS_DELIVERED,
  VO_MESSAGE_STATUS_READ,
  VO_MESSAGE_STATUS_FAILED,
} VoMessageStatus;

/* Presence1: our own status (AVAILABLE…INVISIBLE) and others' (all). */
typedef enum {
  VO_PRESENCE_STATUS_AVAILABLE,
  VO_PRESENCE_STATUS_AWAY,
  VO_PRESENCE_STATUS_BUSY,
  VO_PRESENCE_STATUS_DND,
  VO_PRESENCE_STATUS_INVISIBLE,
  VO_PRESENCE_STATUS_ON_THE_PHONE,
  VO_PRESENCE_STATUS_OFFLINE,
  VO_PRESENCE_STATUS_UNKNOWN,
} VoPresenceStatus;

/* Account1.ServiceState: the link to the Virtual Office service. */
typedef enum { /*< prefix=VO_SERVICE_STATE >*/
  VO_SERVICE_STATE_NONE,        /* SIP-only: no service */
  VO_SERVICE_STATE_CONNECTING,
  VO_SERVICE_STATE_ONLINE,
  VO_SERVICE_STATE_OFFLINE,     /* unreachable or failing; retrying */
  VO_SERVICE_STATE_ERROR,       /* session ended, certificate refused: sign in again */
} VoServiceState;

/* The D-Bus string of @value of the enum @type ("" for a placeholder value
 * whose nick is "unset", e.g. the end reason of a call not ended); never NULL. */
const char *vo_enum_to_nick (GType type, int value);
/* The value whose nick is @nick (case-sensitive); FALSE if there is none. */
gboolean vo_enum_from_nick (GType type, const char *nick, int *value);

G_END_DECLS
