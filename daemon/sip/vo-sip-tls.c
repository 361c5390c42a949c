/* vo-sip-tls.c: Sofia's certificate folder, and a GIO handshake that names
 * the problem with a server's certificate.
 *
 * Sofia (tport_tls.c) verifies the chain, dates and the host name, but on a
 * failure it only closes the connection: the REGISTER ends in a transport
 * error that reads like an unreachable server, and it would be retried for
 * ever. The same check with GIO (glib-networking) reports which flags failed,
 * so the user is told "untrusted", "expired" or "wrong name", and a
 * certificate problem is not retried.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-tls.h"
#include "vo-error.h"
#include "vo-tls-problem.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/ssl.h>

#define CHECK_TIMEOUT_S 10

static gboolean tls_limit_openssl (const char *dir, GError **error);

char *
vo_sip_tls_make_dir (const char *ca_file, GError **error)
{
  g_autofree char *template = g_build_filename (g_get_user_runtime_dir (),
                                                "vo-daemon-tls-XXXXXX", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *cafile = NULL;
  gsize length = 0;

  if (!g_file_get_contents (ca_file, &contents, &length, error))
    return NULL;
  if (!g_mkdtemp_full (template, 0700)) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "Cannot create a folder for TLS in %s: %s",
                 g_get_user_runtime_dir (), g_strerror (errno));
    return NULL;
  }
  /* Sofia reads cafile.pem from here, and also uses the folder as OpenSSL's
   * CApath: it must hold nothing else that could be taken for a CA. No
   * agent.pem: a client needs no certificate of its own, and without one
   * the daemon accepts no incoming TLS connections (servers reuse ours). */
  cafile = g_build_filename (template, "cafile.pem", NULL);
  if (!g_file_set_contents_full (cafile, contents, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)) {
    g_rmdir (template);
    return NULL;
  }
  if (!tls_limit_openssl (template, error)) {
    vo_sip_tls_remove_dir (template);
    return NULL;
  }
  return g_steal_pointer (&template);
}

/* Sofia-SIP 1.12.11 cannot read from a TLS 1.3 connection: the session
 * tickets a TLS 1.3 server sends after the handshake make its first read
 * fail (tls_read() returns -1) and it closes the connection with the
 * registrar's first answer unread. Its only version knob (TPTAG_TLS_VERSION)
 * selects TLS 1.0. So OpenSSL's process-wide defaults, which Sofia's
 * SSL_CTX inherits, are set to TLS 1.2 (and nothing older) before Sofia
 * makes its context. GIO's TLS (GnuTLS) is not affected. */
static gboolean
tls_limit_openssl (const char *dir, GError **error)
{
  static const char conf[] =
    "# Written by vo-daemon: OpenSSL defaults for Sofia-SIP (see vo-sip-tls.c).\n"
    "openssl_conf = vo_init\n"
    "[vo_init]\n"
    "ssl_conf = vo_ssl\n"
    "[vo_ssl]\n"
    "system_default = vo_tls\n"
    "[vo_tls]\n"
    "MinProtocol = TLSv1.2\n"
    "MaxProtocol = TLSv1.2\n"
    "CipherString = DEFAULT:@SECLEVEL=2\n";
  g_autofree char *path = g_build_filename (dir, "openssl.cnf", NULL);
  OPENSSL_INIT_SETTINGS *settings;
  int ok;

  if (!g_file_set_contents_full (path, conf, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  settings = OPENSSL_INIT_new ();
  OPENSSL_INIT_set_config_filename (settings, path);
  ok = OPENSSL_init_ssl (OPENSSL_INIT_LOAD_CONFIG, settings);
  OPENSSL_INIT_free (settings);
  if (!ok) {
    g_set_error (error, VO_ERROR, VO_ERROR_FAILED, "OpenSSL did not take %s", path);
    return FALSE;
  }
  return TRUE;
}

void
vo_sip_tls_remove_dir (const char *dir)
{
  g_autofree char *cafile = NULL;
  g_autofree char *conf = NULL;

  if (!dir)
    return;
  cafile = g_build_filename (dir, "cafile.pem", NULL);
  g_unlink (cafile);
  conf = g_build_filename (dir, "openssl.cnf", NULL);
  g_unlink (conf);
  if (g_rmdir (dir) != 0)
    g_debug ("Cannot remove %s: %s", dir, g_strerror (errno));
}

/* ---- the check ------------------------------------------------------- */

typedef struct {
  char *host;
  guint16 port;
  GTlsDatabase *database;
  GTlsCertificateFlags errors;
  GTlsCertificate *peer;
  gboolean refused;
  char *message;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->host);
  g_clear_object (&data->database);
  g_clear_object (&data->peer);
  g_free (data->message);
  g_free (data);
}

/* Sofia-SIP 1.12.11 checks a name against the subjectAltNames, or the CN
 * when there are none, and cannot read IP-address SANs: a server reached by
 * its IP address passes there only with that address as CN and no SANs,
 * which GnuTLS refuses. Accept exactly that case, so both agree. */
static gboolean
identity_in_cn_only (GTlsCertificate *peer, const char *host)
{
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (host);
  g_autoptr(GPtrArray) dns = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autofree char *cn = NULL;

  if (!ip)
    return FALSE;
  g_object_get (peer, "dns-names", &dns, "ip-addresses", &ips, NULL);
  if ((dns && dns->len) || (ips && ips->len))
    return FALSE;
  cn = vo_tls_certificate_cn (peer);
  return g_strcmp0 (cn, host) == 0;
}

static gboolean
on_accept_certificate (GTlsConnection *connection, GTlsCertificate *peer,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  CheckData *data = g_task_get_task_data (G_TASK (user_data));

  if ((errors & G_TLS_CERTIFICATE_BAD_IDENTITY) && identity_in_cn_only (peer, data->host))
    errors &= ~G_TLS_CERTIFICATE_BAD_IDENTITY;
  if (!errors)
    return TRUE;

  data->refused = TRUE;
  data->errors = errors;
  g_set_object (&data->peer, peer);
  return FALSE;
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event,
                 GSocketConnectable *connectable, GIOStream *connection, gpointer user_data)
{
  CheckData *data = g_task_get_task_data (G_TASK (user_data));

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING)
    return;
  /* The same CAs Sofia trusts, not GIO's default (the system store). */
  g_tls_connection_set_database (G_TLS_CONNECTION (connection), data->database);
  g_signal_connect_object (connection, "accept-certificate",
                           G_CALLBACK (on_accept_certificate), user_data, 0);
}

/* The registrar's words for vo_tls_problem_describe(). */
static const VoTlsParty sip_server = {
  .whose = "The server's",
  .owner = "server",
  .ca_key = "[sip] ca-file",
  .right_name = "sign in with the registrar's name as its certificate gives it",
};

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection) {
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    g_task_return_int (task, VO_SIP_TLS_CHECK_OK);
    return;
  }
  if (data->refused) {
    data->message = vo_tls_problem_describe (&sip_server, data->errors, data->peer, data->host,
                                             NULL);
    g_task_return_int (task, VO_SIP_TLS_CHECK_BAD_CERTIFICATE);
    return;
  }
  data->message = g_strdup_printf ("Cannot make a TLS connection to %s port %u: %s",
                                   data->host, data->port, error->message);
  g_task_return_int (task, VO_SIP_TLS_CHECK_UNREACHABLE);
}

void
vo_sip_tls_check_async (const char *host, guint16 port, const char *ca_file,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, vo_sip_tls_check_async);
  data->host = g_strdup (host);
  data->port = port;
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  data->database = g_tls_file_database_new (ca_file, &error);
  if (!data->database) {
    data->message = g_strdup_printf ("The CA file %s cannot be used: %s", ca_file,
                                     error->message);
    g_task_return_int (task, VO_SIP_TLS_CHECK_BAD_CERTIFICATE);
    g_object_unref (task);
    return;
  }
  client = g_socket_client_new ();
  g_socket_client_set_tls (client, TRUE);
  g_socket_client_set_timeout (client, CHECK_TIMEOUT_S);
  g_signal_connect_object (client, "event", G_CALLBACK (on_client_event), task, 0);
  /* The name checked is the one asked for, as Sofia checks its tp_canon. */
  address = g_network_address_new (host, port);
  g_socket_client_connect_async (client, address, cancellable, on_connected, task);
}

VoSipTlsCheck
vo_sip_tls_check_finish (GAsyncResult *result, char **message)
{
  CheckData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gssize check = g_task_propagate_int (G_TASK (result), &error);

  if (error) {
    /* Cancelled: nobody reads the answer. */
    *message = g_strdup (error->message);
    return VO_SIP_TLS_CHECK_UNREACHABLE;
  }
  *message = g_strdup (data->message);
  return (VoSipTlsCheck) check;
}
