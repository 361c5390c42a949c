/* vo-sip-message.c: one outgoing MESSAGE transaction per object (incoming
 * ones: vo-sip-message-incoming.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-message.h"
#include "vo-sip-nua.h"

#include <gio/gio.h>
#include <string.h>

struct _VoSipMessage {
  GObject parent_instance;

  VoSipStack *stack;
  VoSipHandleMagic magic;
  nua_handle_t *nh;
  char *target;
  guint auth_attempts;
  gboolean finished;
};

enum { SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VoSipMessage, vo_sip_message, G_TYPE_OBJECT)

static void
message_drop_handle (VoSipMessage *self)
{
  /* After the stack's shutdown nua_destroy() has freed every handle. */
  if (self->nh && vo_sip_stack_get_nua (self->stack))
    nua_handle_destroy (self->nh);
  self->nh = NULL;
}

static gboolean
message_try_auth (VoSipMessage *self, const sip_t *sip)
{
  if (self->auth_attempts >= 1 || !vo_sip_stack_authenticate (self->stack, self->nh, sip))
    return FALSE;
  self->auth_attempts++;
  return TRUE;
}

/* Sofia reports transport errors and timeouts as responses it made up
 * itself (no sip_t); its 9xx codes are local faults that recur. */
static VoSipMessageResult
classify (int status, const sip_t *sip)
{
  if (status >= 200 && status < 300)
    return VO_SIP_MESSAGE_ACCEPTED;
  if (!sip)
    return status >= 900 ? VO_SIP_MESSAGE_REFUSED : VO_SIP_MESSAGE_RETRY;
  switch (status) {
  case 408:
  case 500:
  case 503:
  case 504:
    return VO_SIP_MESSAGE_RETRY;
  default:
    return VO_SIP_MESSAGE_REFUSED;
  }
}

static void
on_handle_event (gpointer owner, nua_event_t event, int status, const char *phrase,
                 nua_handle_t *nh, const sip_t *sip, tagi_t tags[])
{
  VoSipMessage *self = owner;
  g_autoptr(VoSipMessage) keep = NULL;
  VoSipMessageResult result;

  if (nh != self->nh || event != nua_r_message || status < 200 || self->finished)
    return;
  if ((status == 401 || status == 407) && message_try_auth (self, sip))
    return;

  keep = g_object_ref (self);
  result = classify (status, sip);
  self->finished = TRUE;
  message_drop_handle (self);
  if (result != VO_SIP_MESSAGE_ACCEPTED)
    g_debug ("MESSAGE to %s: %d %s%s", self->target, status, phrase ? phrase : "",
             result == VO_SIP_MESSAGE_RETRY ? " (will retry)" : "");
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, result, status, phrase ? phrase : "");
}

static void
vo_sip_message_dispose (GObject *object)
{
  VoSipMessage *self = VO_SIP_MESSAGE (object);

  message_drop_handle (self);
  g_clear_object (&self->stack);
  G_OBJECT_CLASS (vo_sip_message_parent_class)->dispose (object);
}

static void
vo_sip_message_finalize (GObject *object)
{
  VoSipMessage *self = VO_SIP_MESSAGE (object);

  g_free (self->target);
  G_OBJECT_CLASS (vo_sip_message_parent_class)->finalize (object);
}

static void
vo_sip_message_class_init (VoSipMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vo_sip_message_dispose;
  object_class->finalize = vo_sip_message_finalize;

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           3, G_TYPE_INT, G_TYPE_INT, G_TYPE_STRING);
}

static void
vo_sip_message_init (VoSipMessage *self)
{
  self->magic.func = on_handle_event;
  self->magic.owner = self;
}

VoSipMessage *
vo_sip_message_send (VoSipStack *stack, const char *target_uri, const char *content_type,
                     const char *body)
{
  VoSipMessage *self = g_object_new (VO_TYPE_SIP_MESSAGE, NULL);

  self->stack = g_object_ref (stack);
  self->target = g_strdup (target_uri);
  self->nh = nua_handle (vo_sip_stack_get_nua (stack), &self->magic,
                         SIPTAG_TO_STR (target_uri), TAG_END ());
  nua_message (self->nh,
               SIPTAG_CONTENT_TYPE_STR (content_type),
               SIPTAG_PAYLOAD_STR (body),
               TAG_END ());
  return self;
}
