/* test-call-address.c: the SDP address is found without blocking, once per
 * registrar, and calls waiting for it are never left hanging.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-call-address.h"

typedef struct {
  guint calls;
  char *address;
  gboolean got_null;
} Result;

static void
on_address (const char *address, gpointer user_data)
{
  Result *result = user_data;

  result->calls++;
  g_free (result->address);
  result->address = g_strdup (address);
  result->got_null = address == NULL;
}

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->address, g_free);
}

static void
test_bind_wins (void)
{
  g_autoptr(VoCallAddress) finder = vo_call_address_new ();
  Result result = { 0 };

  vo_call_address_get (finder, "192.0.2.7", "sip:pbx.invalid", on_address, &result);
  g_assert_cmpuint (result.calls, ==, 1);
  g_assert_cmpstr (result.address, ==, "192.0.2.7");
  result_clear (&result);
}

/* No registrar (or "*" bound): loopback, at once. A literal address needs no
 * lookup: the route to it, at once. */
static void
test_no_lookup_needed (void)
{
  g_autoptr(VoCallAddress) finder = vo_call_address_new ();
  Result result = { 0 };

  vo_call_address_get (finder, "*", NULL, on_address, &result);
  g_assert_cmpuint (result.calls, ==, 1);
  g_assert_cmpstr (result.address, ==, "127.0.0.1");
  vo_call_address_get (finder, "", "sip:127.0.0.1:5060", on_address, &result);
  g_assert_cmpuint (result.calls, ==, 2);
  g_assert_cmpstr (result.address, ==, "127.0.0.1");
  result_clear (&result);
}

/* A name is resolved on the main loop: nothing is answered before it is
 * looked up, then every waiter is, and the next call gets it at once. */
static void
test_name_resolved_asynchronously (void)
{
  g_autoptr(VoCallAddress) finder = vo_call_address_new ();
  Result first = { 0 }, second = { 0 }, later = { 0 };

  vo_call_address_get (finder, NULL, "sip:localhost", on_address, &first);
  vo_call_address_get (finder, NULL, "sip:localhost", on_address, &second);
  g_assert_cmpuint (first.calls, ==, 0);
  while (first.calls == 0 || second.calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (first.calls, ==, 1);
  g_assert_nonnull (first.address);
  g_assert_cmpstr (first.address, ==, second.address);

  vo_call_address_get (finder, NULL, "sip:localhost", on_address, &later);
  g_assert_cmpuint (later.calls, ==, 1);
  g_assert_cmpstr (later.address, ==, first.address);
  result_clear (&first);
  result_clear (&second);
  result_clear (&later);
}

/* Freed while a lookup is under way: the waiter hears NULL (stopping), once. */
static void
test_free_answers_waiters (void)
{
  VoCallAddress *finder = vo_call_address_new ();
  Result result = { 0 };

  vo_call_address_get (finder, NULL, "sip:localhost", on_address, &result);
  g_assert_cmpuint (result.calls, ==, 0);
  vo_call_address_free (finder);
  g_assert_cmpuint (result.calls, ==, 1);
  g_assert_true (result.got_null);
  /* The cancelled lookup finishes later without touching the freed finder. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (result.calls, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/call-address/bind-wins", test_bind_wins);
  g_test_add_func ("/call-address/no-lookup-needed", test_no_lookup_needed);
  g_test_add_func ("/call-address/name-resolved-asynchronously", test_name_resolved_asynchronously);
  g_test_add_func ("/call-address/free-answers-waiters", test_free_answers_waiters);
  return g_test_run ();
}
