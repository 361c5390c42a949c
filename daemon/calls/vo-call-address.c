/* vo-call-address.c: the SDP address: the route to the registrar.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-calls"

#include "vo-call-address.h"
#include "vo-sip-route.h"
#include "vo-sip-uri.h"

#include <string.h>

typedef struct {
  VoCallAddressFunc func;
  gpointer user_data;
} Waiter;

struct _VoCallAddress {
  char *address;        /* found for @address_for */
  char *address_for;    /* the registrar */
  GCancellable *lookup; /* the name lookup under way, for @lookup_for */
  char *lookup_for;
  GQueue waiters;       /* Waiter *, for the lookup */
};

VoCallAddress *
vo_call_address_new (void)
{
  VoCallAddress *self = g_new0 (VoCallAddress, 1);

  g_queue_init (&self->waiters);
  return self;
}

static void
address_flush (VoCallAddress *self, const char *address)
{
  g_autofree char *copy = g_strdup (address);  /* a waiter may make us forget it */
  Waiter *waiter;

  while ((waiter = g_queue_pop_head (&self->waiters))) {
    waiter->func (copy, waiter->user_data);
    g_free (waiter);
  }
}

void
vo_call_address_free (VoCallAddress *self)
{
  if (!self)
    return;
  /* The lookup's callback sees the cancellation and leaves @self alone. */
  if (self->lookup)
    g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
  address_flush (self, NULL);
  g_free (self->address);
  g_free (self->address_for);
  g_free (self->lookup_for);
  g_free (self);
}

void
vo_call_address_forget (VoCallAddress *self)
{
  g_clear_pointer (&self->address, g_free);
}

/* The local address of the route to @remote; @remote itself when there is
 * no route, 127.0.0.1 without a registrar. */
static char *
address_route_to (GInetAddress *remote)
{
  char *local;

  if (!remote)
    return g_strdup ("127.0.0.1");
  local = vo_sip_route_local_address_to (remote);
  return local ? local : g_inet_address_to_string (remote);
}

static void
address_found (VoCallAddress *self, const char *registrar, char *address)
{
  g_free (self->address);
  g_free (self->address_for);
  self->address = address;
  self->address_for = g_strdup (registrar);
}

static void
on_registrar_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VoCallAddress *self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_resolver_free_addresses (addresses);
    return;
  }
  if (error)
    g_message ("Cannot resolve the registrar %s: %s", self->lookup_for, error->message);
  g_clear_object (&self->lookup);
  address_found (self, self->lookup_for, address_route_to (addresses ? addresses->data : NULL));
  g_resolver_free_addresses (addresses);
  address_flush (self, self->address);
}

void
vo_call_address_get (VoCallAddress *self, const char *bind, const char *registrar,
                     VoCallAddressFunc func, gpointer user_data)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) remote = NULL;
  g_autoptr(GResolver) resolver = NULL;
  Waiter *waiter;

  if (bind && *bind && !g_str_equal (bind, "*")) {
    func (bind, user_data);
    return;
  }
  if (self->address && g_strcmp0 (registrar, self->address_for) == 0) {
    func (self->address, user_data);
    return;
  }
  host = registrar ? vo_sip_server_host (registrar) : NULL;
  if (host && host[0] == '[') {
    char *inner = g_strndup (host + 1, strlen (host) - 2);

    g_free (host);
    host = inner;
  }
  remote = host ? g_inet_address_new_from_string (host) : NULL;
  if (!host || remote) {
    address_found (self, registrar, address_route_to (remote));
    func (self->address, user_data);
    return;
  }
  waiter = g_new0 (Waiter, 1);
  waiter->func = func;
  waiter->user_data = user_data;
  g_queue_push_tail (&self->waiters, waiter);
  if (self->lookup)
    return;
  self->lookup = g_cancellable_new ();
  g_free (self->lookup_for);
  self->lookup_for = g_strdup (registrar);
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, self->lookup, on_registrar_resolved, self);
}
