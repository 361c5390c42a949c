/* vo-sip-message-incoming.c: an incoming MESSAGE from the request to the
 * answer. The stack answers MESSAGE itself (NUTAG_APPL_METHOD("MESSAGE")),
 * so a message is acknowledged only once the daemon has stored it; every
 * SIP status the sender hears is chosen here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-message-incoming.h"
#include "vo-sip-imdn.h"
#include "vo-sip-peer.h"

#include <gio/gio.h>
#include <string.h>

/* The request as it came, Content-Encoding undone. */
typedef struct {
  char *from_uri;     /* the From URI */
  char *from_name;    /* its display name, "" if none */
  char *call_id;
  guint32 cseq;
  char *content_type; /* lowercase type/subtype, "" if none */
  char *body;         /* NUL-terminated payload, Content-Encoding undone */
  gsize body_len;
  /* Not 0 when the body could not be read: the status to refuse it with
   * (415 unknown encoding, 413 too large unpacked, 400 corrupt), and why. */
  int refuse_status;
  const char *refuse_phrase;
} RawMessage;

static void
raw_message_free (RawMessage *message)
{
  g_free (message->from_uri);
  g_free (message->from_name);
  g_free (message->call_id);
  g_free (message->content_type);
  g_free (message->body);
  g_free (message);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawMessage, raw_message_free)

void
vo_sip_incoming_message_free (VoSipIncomingMessage *message)
{
  if (!message)
    return;
  g_free (message->peer);
  g_free (message->peer_name);
  g_free (message->dedup);
  g_free (message->receipt_for);
  g_free (message->text);
  g_free (message->imdn_id);
  g_free (message->imdn_datetime);
  g_free (message->imdn_to);
  g_free (message);
}

/* ---- reading ------------------------------------------------------------- */

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
message_decode_body (RawMessage *message, const sip_t *sip)
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

static RawMessage *
raw_message_read (const sip_t *sip)
{
  RawMessage *message = g_new0 (RawMessage, 1);
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

/* ---- opening ------------------------------------------------------------- */

static VoSipIncomingMessage *
incoming_new (const RawMessage *raw, char *peer, gboolean sms)
{
  VoSipIncomingMessage *message = g_new0 (VoSipIncomingMessage, 1);

  message->peer = peer;
  message->sms = sms;
  message->peer_name = g_strdup (raw->from_name);
  message->imdn_id = g_strdup ("");
  message->imdn_datetime = g_strdup ("");
  message->imdn_to = g_strdup ("");
  return message;
}

/* A receipt for one of our messages (@xml: the message/imdn+xml document,
 * inside CPIM or bare as Linphone sends it). NULL, to be answered 200,
 * when it is unreadable or says nothing the daemon keeps. */
static VoSipIncomingMessage *
open_receipt (const RawMessage *raw, char *peer, gboolean sms, const char *xml, gsize len)
{
  g_autofree char *owned_peer = peer;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  VoSipIncomingMessage *message;
  VoSipImdnStatus status;
  VoMessageStatus receipt_status;

  if (!vo_sip_imdn_parse_notification (xml, len, &message_id, &status, &error)) {
    g_message ("Ignoring a receipt from %s: %s", peer, error->message);
    return NULL;
  }
  switch (status) {
  case VO_SIP_IMDN_DELIVERED: receipt_status = VO_MESSAGE_STATUS_DELIVERED; break;
  case VO_SIP_IMDN_DISPLAYED: receipt_status = VO_MESSAGE_STATUS_READ; break;
  case VO_SIP_IMDN_NEGATIVE: receipt_status = VO_MESSAGE_STATUS_FAILED; break;
  case VO_SIP_IMDN_OTHER:
  default:
    g_debug ("Receipt from %s for %s: nothing to keep", peer, message_id);
    return NULL;
  }
  message = incoming_new (raw, g_steal_pointer (&owned_peer), sms);
  message->dedup = g_strdup ("");
  message->text = g_strdup ("");
  message->receipt_for = g_steal_pointer (&message_id);
  message->receipt_status = receipt_status;
  return message;
}

/* kamailio's msilo keeps a stored message's type only when it is neither
 * text/plain nor message/cpim, and delivers CPIM as text/plain. A plain text
 * that parses as a whole CPIM envelope with an IMDN Message-ID and a sender
 * is taken for what it is; nobody types that by hand. */
static VoSipCpim *
envelope_in_plain_text (const RawMessage *raw)
{
  g_autoptr(VoSipCpim) cpim = vo_sip_imdn_parse_cpim (raw->body, raw->body_len, NULL);

  if (!cpim || !*cpim->message_id || !*cpim->from)
    return NULL;
  return g_steal_pointer (&cpim);
}

/* Opens a CPIM envelope: a text with its IMDN fields, or a receipt. */
static VoSipIncomingMessage *
open_cpim (const RawMessage *raw, char *peer, gboolean sms, VoSipCpim *cpim, int *status)
{
  VoSipIncomingMessage *message;

  if (g_str_equal (cpim->content_type, VO_SIP_IMDN_TYPE))
    return open_receipt (raw, peer, sms, cpim->body, cpim->body_len);
  if (!g_str_equal (cpim->content_type, "text/plain")) {
    g_free (peer);
    *status = 415;
    return NULL;
  }
  message = incoming_new (raw, peer, sms);
  message->text = g_strndup (cpim->body, cpim->body_len);
  message->length = cpim->body_len;
  g_free (message->imdn_id);
  message->imdn_id = g_strdup (cpim->message_id);
  g_free (message->imdn_datetime);
  message->imdn_datetime = g_strdup (cpim->datetime);
  /* Receipts go to the SIP From, the sender the proxy authenticated: the
   * CPIM From is whatever the sender wrote, and trusting it would let
   * anyone send receipts (read times, presence of the reader) elsewhere. */
  g_free (message->imdn_to);
  message->imdn_to = g_strdup (raw->from_uri);
  if (*cpim->message_id) {
    message->wants_delivered = (cpim->notify & VO_SIP_IMDN_REQUEST_DELIVERY) != 0;
    message->wants_displayed = (cpim->notify & VO_SIP_IMDN_REQUEST_DISPLAY) != 0;
  }
  return message;
}

static VoSipIncomingMessage *
open_raw (const RawMessage *raw, int *status, const char **phrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VoSipCpim) cpim = NULL;
  VoSipIncomingMessage *message;
  gboolean sms = FALSE;
  char *peer;

  *status = 200;
  *phrase = NULL;
  peer = vo_sip_peer_from_uri (raw->from_uri, &sms);
  if (!peer) {
    g_message ("Ignoring a MESSAGE from '%s': not a SIP or tel URI", raw->from_uri);
    *status = 400;
    *phrase = "Bad From";
    return NULL;
  }
  if (raw->refuse_status) {
    g_free (peer);
    *status = raw->refuse_status;
    *phrase = raw->refuse_phrase;
    return NULL;
  }

  if (g_str_equal (raw->content_type, "text/plain"))
    cpim = envelope_in_plain_text (raw);
  if (cpim || g_str_equal (raw->content_type, VO_SIP_CPIM_TYPE)) {
    if (!cpim)
      cpim = vo_sip_imdn_parse_cpim (raw->body, raw->body_len, &error);
    if (!cpim) {
      g_message ("Ignoring a MESSAGE from %s: %s", peer, error->message);
      g_free (peer);
      *status = 400;
      *phrase = "Malformed CPIM";
      return NULL;
    }
    message = open_cpim (raw, peer, sms, cpim, status);
  } else if (g_str_equal (raw->content_type, "text/plain")) {
    message = incoming_new (raw, peer, sms);
    message->text = g_strndup (raw->body, raw->body_len);
    message->length = raw->body_len;
  } else if (g_str_equal (raw->content_type, VO_SIP_IMDN_TYPE)) {
    message = open_receipt (raw, peer, sms, raw->body, raw->body_len);
  } else {
    /* Typing indications (RFC 3994) need no keeping; the rest is refused. */
    if (!g_str_equal (raw->content_type, "application/im-iscomposing+xml"))
      *status = 415;
    g_free (peer);
    return NULL;
  }

  if (message && !message->dedup)
    message->dedup = *message->imdn_id
                     ? g_strdup_printf ("imdn %s %s", message->peer, message->imdn_id)
                     : g_strdup_printf ("sip %s %u", raw->call_id, raw->cseq);
  return message;
}

VoSipIncomingMessage *
vo_sip_message_open (const sip_t *sip, int *status, const char **phrase)
{
  g_autoptr(RawMessage) raw = raw_message_read (sip);

  return open_raw (raw, status, phrase);
}

/* ---- answering ----------------------------------------------------------- */

static void
message_respond (VoSipStack *stack, nua_handle_t *nh, int status, const char *phrase)
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

void
vo_sip_message_receive (VoSipStack *stack, nua_handle_t *nh, const sip_t *sip)
{
  g_autoptr(VoSipIncomingMessage) message = NULL;
  VoSipIncomingResult result = VO_SIP_INCOMING_NOT_TAKEN;
  const char *phrase = NULL;
  int status = 200;

  /* Nobody to give it to: the sender hears so before anything is read. */
  if (!g_signal_has_handler_pending (stack, g_signal_lookup ("message-received",
                                                             VO_TYPE_SIP_STACK), 0, TRUE)) {
    message_respond (stack, nh, SIP_480_TEMPORARILY_UNAVAILABLE);
    return;
  }
  message = vo_sip_message_open (sip, &status, &phrase);
  if (!message) {
    message_respond (stack, nh, status, phrase);
    return;
  }
  g_signal_emit_by_name (stack, "message-received", message, &result);
  switch (result) {
  case VO_SIP_INCOMING_TAKEN: message_respond (stack, nh, 200, NULL); break;
  case VO_SIP_INCOMING_TOO_LARGE: message_respond (stack, nh, 413, NULL); break;
  case VO_SIP_INCOMING_NOT_UTF8: message_respond (stack, nh, 400, "Text Not UTF-8"); break;
  /* Not 200: the sender (or its server) keeps the message and tries again. */
  case VO_SIP_INCOMING_FAILED: message_respond (stack, nh, 500, NULL); break;
  case VO_SIP_INCOMING_NOT_TAKEN:
  default: message_respond (stack, nh, SIP_480_TEMPORARILY_UNAVAILABLE); break;
  }
}
