/* vo-sip-trust.c: the source-address check every incoming request passes.
 * Anyone who can reach the SIP port could otherwise make the phone ring,
 * store messages with any From, or change presence: only the servers the
 * account talks to (and what the user lists in [sip] trusted-sources) may
 * send requests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sip-trust.h"
#include "vo-sip-uri.h"
#include "vo-error.h"

#include <string.h>

struct _VoSipTrust {
  GObject parent_instance;

  gboolean any;
  GPtrArray *sources;  /* GInetAddressMask *, from the configuration */
  GPtrArray *servers;  /* GInetAddress *, the registrar's and proxy's */
  GCancellable *resolving;
};

G_DEFINE_FINAL_TYPE (VoSipTrust, vo_sip_trust, G_TYPE_OBJECT)

static void
vo_sip_trust_dispose (GObject *object)
{
  VoSipTrust *self = VO_SIP_TRUST (object);

  if (self->resolving)
    g_cancellable_cancel (self->resolving);
  g_clear_object (&self->resolving);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->servers, g_ptr_array_unref);
  G_OBJECT_CLASS (vo_sip_trust_parent_class)->dispose (object);
}

static void
vo_sip_trust_class_init (VoSipTrustClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_sip_trust_dispose;
}

static void
vo_sip_trust_init (VoSipTrust *self)
{
  self->sources = g_ptr_array_new_with_free_func (g_object_unref);
  self->servers = g_ptr_array_new_with_free_func (g_object_unref);
}

VoSipTrust *
vo_sip_trust_new (void)
{
  return g_object_new (VO_TYPE_SIP_TRUST, NULL);
}

gboolean
vo_sip_trust_set_sources (VoSipTrust *self, const char *list, GError **error)
{
  g_auto(GStrv) entries = g_strsplit_set (list ? list : "", ",;", -1);
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean any = FALSE;

  for (guint i = 0; entries[i]; i++) {
    const char *entry = g_strstrip (entries[i]);
    GInetAddressMask *mask;

    if (!*entry)
      continue;
    if (g_ascii_strcasecmp (entry, "any") == 0) {
      any = TRUE;
      continue;
    }
    mask = g_inet_address_mask_new_from_string (entry, NULL);
    if (!mask) {
      g_set_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT,
                   "[sip] trusted-sources: “%s” is not an IP address or network "
                   "(write 192.0.2.7, 192.0.2.0/24 or any)", entry);
      return FALSE;
    }
    g_ptr_array_add (sources, mask);
  }
  self->any = any;
  g_ptr_array_unref (self->sources);
  self->sources = g_steal_pointer (&sources);
  return TRUE;
}

static void
trust_add_server (VoSipTrust *self, GInetAddress *address)
{
  g_autofree char *text = g_inet_address_to_string (address);

  for (guint i = 0; i < self->servers->len; i++)
    if (g_inet_address_equal (self->servers->pdata[i], address))
      return;
  g_debug ("Trusting SIP requests from %s", text);
  g_ptr_array_add (self->servers, g_object_ref (address));
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VoSipTrust) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (!addresses) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message ("Cannot resolve the SIP server to trust its requests: %s", error->message);
    return;
  }
  for (GList *l = addresses; l; l = l->next)
    trust_add_server (self, l->data);
  g_resolver_free_addresses (addresses);
}

static void
trust_add_host (VoSipTrust *self, const char *server)
{
  g_autofree char *host = server && *server ? vo_sip_server_host (server) : NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GResolver) resolver = NULL;
  size_t len;

  if (!host || !*host)
    return;
  len = strlen (host);
  if (host[0] == '[' && host[len - 1] == ']') {
    memmove (host, host + 1, len - 2);
    host[len - 2] = '\0';
  }
  address = g_inet_address_new_from_string (host);
  if (address) {
    trust_add_server (self, address);
    return;
  }
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, self->resolving, on_resolved,
                                   g_object_ref (self));
}

void
vo_sip_trust_set_servers (VoSipTrust *self, const char *registrar, const char *proxy)
{
  if (self->resolving)
    g_cancellable_cancel (self->resolving);
  g_clear_object (&self->resolving);
  self->resolving = g_cancellable_new ();
  g_ptr_array_set_size (self->servers, 0);
  trust_add_host (self, registrar);
  trust_add_host (self, proxy);
}

/* ::ffff:192.0.2.1 (an IPv4 packet on a dual-stack socket) as 192.0.2.1. */
static GInetAddress *
trust_unmap (GInetAddress *address)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_object_ref (address);
  bytes = g_inet_address_to_bytes (address);
  if (memcmp (bytes, prefix, sizeof prefix) != 0)
    return g_object_ref (address);
  return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
}

gboolean
vo_sip_trust_allows (VoSipTrust *self, GInetAddress *source)
{
  g_autoptr(GInetAddress) address = NULL;

  if (self->any)
    return TRUE;
  if (!source)
    return FALSE;
  address = trust_unmap (source);
  for (guint i = 0; i < self->servers->len; i++)
    if (g_inet_address_equal (self->servers->pdata[i], address))
      return TRUE;
  for (guint i = 0; i < self->sources->len; i++)
    if (g_inet_address_mask_matches (self->sources->pdata[i], address))
      return TRUE;
  return FALSE;
}
