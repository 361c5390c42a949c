/* vo-sip-message.c: one MESSAGE transaction per object; incoming ones are
 * answered by the application (the stack sets NUTAG_APPL_METHOD("MESSAGE")),
 * so a message is only acknowledged once the daemon has stored it.
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

/* ---- incoming ------------------------------------------------------------ */

void
vo_sip_incoming_message_free (VoSipIncomingMessage *message)
{
  if (!message)
    return;
  g_free (message->from_uri);
  g_free (message->from_name);
  g_free (message->call_id);
  g_free (message->content_type);
  g_free (message->body);
  g_free (message);
}

/* Undoes one Content-Encoding into a new buffer, stopping as soon as the
 * result outgrows VO_SIP_MESSAGE_UNPACKED_MAX rather than after a bomb has
 * filled memory. Returns 0, or the status to refuse the body with. */
static int
unpack (const guint8 *data, gsize len, GZlibCompressorFormat format, GByteArray **out)
{
  g_autoptr(GZlibDecompressor) zlib = g_zlib_decompressor_new (format);
  g_autoptr(GByteArray) unpacked = g_byte_array_new ();
  guint8 chunk[16 * 1024];
  gsize offset = 0;

  for (;;) {
    g_autoptr(GError) error = NULL;
    gsize read = 0, written = 0;
    GConverterResult result = g_converter_convert (G_CONVERTER (zlib), data + offset,
                                                   len - offset, chunk, sizeof chunk,
                                                   G_CONVERTER_INPUT_AT_END, &read, &written,
                                                   &error);

    if (result == G_CONVERTER_ERROR) {
      g_debug ("Cannot unpack a MESSAGE body: %s", error->message);
      return 400;
    }
    offset += read;
    g_byte_array_append (unpacked, chunk, (guint) written);
    if (unpacked->len > VO_SIP_MESSAGE_UNPACKED_MAX)
      return 413;
    if (result == G_CONVERTER_FINISHED)
      break;
    if (read == 0 && written == 0)
      return 400;
  }
  *out = g_steal_pointer (&unpacked);
  return 0;
}

/* Undoes the codings listed in Content-Encoding, last applied first.
 * "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2) but some stacks send it
 * raw, so a body that is not zlib is tried as raw deflate. */
static void
message_decode_body (VoSipIncomingMessage *message, const sip_t *sip)
{
  g_autoptr(GPtrArray) codings = g_ptr_array_new ();

  for (const sip_content_encoding_t *k = sip->sip_content_encoding; k; k = k->k_next)
    for (guint i = 0; k->k_items && k->k_items[i]; i++)
      g_ptr_array_add (codings, (gpointer) k->k_items[i]);

  for (guint i = codings->len; i-- > 0;) {
    const char *coding = g_ptr_array_index (codings, i);
    g_autoptr(GByteArray) unpacked = NULL;
    int status;

    if (g_ascii_strcasecmp (coding, "identity") == 0)
      continue;
    if (g_ascii_strcasecmp (coding, "deflate") == 0) {
      status = unpack ((const guint8 *) message->body, message->body_len,
                       G_ZLIB_COMPRESSOR_FORMAT_ZLIB, &unpacked);
      if (status == 400)
        status = unpack ((const guint8 *) message->body, message->body_len,
                         G_ZLIB_COMPRESSOR_FORMAT_RAW, &unpacked);
    } else if (g_ascii_strcasecmp (coding, "gzip") == 0 ||
               g_ascii_strcasecmp (coding, "x-gzip") == 0) {
      status = unpack ((const guint8 *) message->body, message->body_len,
                       G_ZLIB_COMPRESSOR_FORMAT_GZIP, &unpacked);
    } else {
      g_message ("MESSAGE with Content-Encoding %s refused: not one we can undo", coding);
      message->refuse_status = 415;
      message->refuse_phrase = "Unsupported Content-Encoding";
      return;
    }
    if (status) {
      message->refuse_status = status;
      message->refuse_phrase = status == 413 ? "Unpacked Body Too Large"
                                             : "Corrupt Compressed Body";
      return;
    }
    g_free (message->body);
    message->body_len = unpacked->len;
    g_byte_array_append (unpacked, (const guint8 *) "", 1);
    message->body = (char *) g_byte_array_free (g_steal_pointer (&unpacked), FALSE);
  }
}

VoSipIncomingMessage *
vo_sip_message_read_incoming (gconstpointer sip_pointer)
{
  const sip_t *sip = sip_pointer;
  VoSipIncomingMessage *message = g_new0 (VoSipIncomingMessage, 1);
  su_home_t home[1] = { SU_HOME_INIT (home) };

  message->from_uri = g_strdup (sip && sip->sip_from
                                ? url_as_string (home, sip->sip_from->a_url) : "");
  message->from_name = g_strdup (sip && sip->sip_from && sip->sip_from->a_display
                                 ? sip->sip_from->a_display : "");
  if (message->from_name[0] == '"') {
    char *unquoted = g_strndup (message->from_name + 1,
                                strcspn (message->from_name + 1, "\""));

    g_free (message->from_name);
    message->from_name = unquoted;
  }
  message->call_id = g_strdup (sip && sip->sip_call_id && sip->sip_call_id->i_id
                               ? sip->sip_call_id->i_id : "");
  message->cseq = sip && sip->sip_cseq ? sip->sip_cseq->cs_seq : 0;
  message->content_type = sip && sip->sip_content_type && sip->sip_content_type->c_type
                          ? g_ascii_strdown (sip->sip_content_type->c_type, -1)
                          : g_strdup ("");
  if (sip && sip->sip_payload && sip->sip_payload->pl_data) {
    /* Not g_strndup(): a compressed body has NUL bytes in it. */
    message->body = g_malloc (sip->sip_payload->pl_len + 1);
    memcpy (message->body, sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    message->body[sip->sip_payload->pl_len] = '\0';
    message->body_len = sip->sip_payload->pl_len;
  } else {
    message->body = g_strdup ("");
  }
  if (sip && sip->sip_content_encoding)
    message_decode_body (message, sip);
  su_home_deinit (home);
  return message;
}

void
vo_sip_message_respond (VoSipStack *stack, gpointer nh, int status, const char *phrase)
{
  nua_t *nua = vo_sip_stack_get_nua (stack);

  /* A 415 says what would have been taken (RFC 3261 §8.2.3), so that a
   * sender can try again in a form we read. */
  nua_respond (nh, status, phrase, NUTAG_WITH_THIS (nua),
               TAG_IF (status == 415, SIPTAG_ACCEPT_STR (VO_SIP_MESSAGE_ACCEPT)),
               TAG_IF (status == 415, SIPTAG_ACCEPT_ENCODING_STR (VO_SIP_MESSAGE_ACCEPT_ENCODING)),
               TAG_END ());
  nua_handle_destroy (nh);
}
