/* test-dial-target.c: what a person dials becomes the right SIP URI.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-call-names.h"
#include "vo-dial-target.h"
#include "vo-error.h"

static void
check (const char *target, const char *country, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = vo_dial_target_to_uri (target, "vo.test", country, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (uri, ==, expected);
}

static void
check_invalid (const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = vo_dial_target_to_uri (target, "vo.test", "31", &error);

  g_assert_null (uri);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "'"));
}

static void
test_extensions_and_names (void)
{
  check ("201", NULL, "sip:201@vo.test");
  check (" 201 ", NULL, "sip:201@vo.test");
  check ("bob", NULL, "sip:bob@vo.test");
  check ("first.last", NULL, "sip:first.last@vo.test");
  check ("bob@example.com", NULL, "sip:bob@example.com");
  check ("bob@127.0.0.1:5080", NULL, "sip:bob@127.0.0.1:5080");
}

static void
test_numbers (void)
{
  check ("+31 20 123 4567", NULL, "sip:+31201234567@vo.test;user=phone");
  check ("020-1234567", "31", "sip:+31201234567@vo.test;user=phone");
  check ("(020) 123.4567", "31", "sip:+31201234567@vo.test;user=phone");
  check ("0031201234567", NULL, "sip:+31201234567@vo.test;user=phone");
  /* Without a country code a national number is dialled as it is. */
  check ("020-1234567", NULL, "sip:0201234567@vo.test;user=phone");
  check ("0201234567", NULL, "sip:0201234567@vo.test;user=phone");
}

static void
test_uris (void)
{
  check ("sip:carol@vo.test", NULL, "sip:carol@vo.test");
  check ("sips:carol@pbx.example.com:5061", NULL, "sips:carol@pbx.example.com:5061");
  check ("tel:+31201234567", NULL, "sip:+31201234567@vo.test;user=phone");
  check ("tel:+31-20-123-4567;phone-context=x", NULL, "sip:+31201234567@vo.test;user=phone");
}

static void
test_invalid (void)
{
  const char *bad[] = { "", "   ", "not a number!", "sip:", "tel:abc", "1-2", "+1",
                        "+1234567890123456", "mailto:bob@example.com", "bob@", "@vo.test",
                        "bob@exa mple.com", "sip:bob@exa mple.com", "b\xc3\xb6" "b",
                        /* URI headers would be copied into the INVITE */
                        "sip:x@vo.test?X-Injected=dial", "sips:x@vo.test?Route=%3Csip:e%3E",
                        NULL };

  for (guint i = 0; bad[i]; i++)
    check_invalid (bad[i]);
}

/* Which targets Dial, Send and Transfer look up as contact names first:
 * never a number, extension, address or URI. */
static void
test_names (void)
{
  const char *names[] = { "alice", "Alice Smith", "Zoë Ñúñez", "personal:6f1c", "company:bob",
                          "carol-x", "bob.b", NULL };
  const char *not_names[] = { "", "201", "+31 20 123 4567", "020-1234567", "(020) 123",
                              "bob@example.com", "sip:bob@vo.test", "sips:bob@vo.test",
                              "tel:+31201234567", NULL };

  for (guint i = 0; names[i]; i++)
    g_assert_true (vo_call_names_is_name (names[i]));
  for (guint i = 0; not_names[i]; i++)
    g_assert_false (vo_call_names_is_name (not_names[i]));
  /* No contacts: nothing is a contact's name, and parsing goes on as before. */
  g_assert_null (vo_call_names_target (NULL, "alice", FALSE, NULL, NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dial-target/extensions-and-names", test_extensions_and_names);
  g_test_add_func ("/dial-target/numbers", test_numbers);
  g_test_add_func ("/dial-target/uris", test_uris);
  g_test_add_func ("/dial-target/invalid", test_invalid);
  g_test_add_func ("/dial-target/names", test_names);
  return g_test_run ();
}
