/* test-sip-trust.c: which source addresses VoSipTrust lets through.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-sip-trust.h"
#include "vo-error.h"

#include <string.h>

static gboolean
allows (VoSipTrust *trust, const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  g_assert_nonnull (address);
  return vo_sip_trust_allows (trust, address);
}

static void
test_nothing_trusted_by_default (void)
{
  g_autoptr(VoSipTrust) trust = vo_sip_trust_new ();

  g_assert_false (allows (trust, "127.0.0.1"));
  g_assert_false (allows (trust, "::1"));
  g_assert_false (vo_sip_trust_allows (trust, NULL));
}

static void
test_servers_by_address_only (void)
{
  g_autoptr(VoSipTrust) trust = vo_sip_trust_new ();

  vo_sip_trust_set_servers (trust, "sip:192.0.2.10:5080;transport=tcp", "[2001:db8::5]:5060");
  g_assert_true (allows (trust, "192.0.2.10"));
  g_assert_true (allows (trust, "2001:db8::5"));
  g_assert_false (allows (trust, "192.0.2.11"));
  /* An IPv4 packet on a dual-stack socket. */
  g_assert_true (allows (trust, "::ffff:192.0.2.10"));
  g_assert_false (allows (trust, "::ffff:192.0.2.11"));
  /* A new account replaces the old servers. */
  vo_sip_trust_set_servers (trust, "198.51.100.1", NULL);
  g_assert_false (allows (trust, "192.0.2.10"));
  g_assert_true (allows (trust, "198.51.100.1"));
}

static void
test_configured_sources (void)
{
  g_autoptr(VoSipTrust) trust = vo_sip_trust_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_sip_trust_set_sources (trust, " 10.1.0.0/16 ; 2001:db8::/32, 192.0.2.7",
                                           &error));
  g_assert_no_error (error);
  g_assert_true (allows (trust, "10.1.200.3"));
  g_assert_false (allows (trust, "10.2.0.1"));
  g_assert_true (allows (trust, "2001:db8:1::1"));
  g_assert_true (allows (trust, "192.0.2.7"));
  g_assert_false (allows (trust, "192.0.2.8"));

  g_assert_true (vo_sip_trust_set_sources (trust, "any", &error));
  g_assert_true (allows (trust, "203.0.113.9"));
  g_assert_true (vo_sip_trust_set_sources (trust, "", &error));
  g_assert_false (allows (trust, "203.0.113.9"));
}

static void
test_bad_sources_named (void)
{
  g_autoptr(VoSipTrust) trust = vo_sip_trust_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (vo_sip_trust_set_sources (trust, "192.0.2.7", NULL));
  g_assert_false (vo_sip_trust_set_sources (trust, "192.0.2.7, pbx.example.com", &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "pbx.example.com"));
  /* A refused list changes nothing. */
  g_assert_true (allows (trust, "192.0.2.7"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-trust/nothing-by-default", test_nothing_trusted_by_default);
  g_test_add_func ("/sip-trust/servers-by-address", test_servers_by_address_only);
  g_test_add_func ("/sip-trust/configured-sources", test_configured_sources);
  g_test_add_func ("/sip-trust/bad-sources-named", test_bad_sources_named);
  return g_test_run ();
}
