/* test-contact-number.c: numbers in any format are the same lookup key;
 * extensions and SIP URIs are keys of their own; search forms.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-contact-number.h"

static void
assert_keys (const char *text, const char *region, const char *const *expected)
{
  g_auto(GStrv) keys = vo_contact_number_keys (text, region);
  g_autofree char *got = g_strjoinv (",", keys);
  g_autofree char *want = g_strjoinv (",", (GStrv) expected);

  g_assert_cmpstr (got, ==, want);
}

static void
test_national_and_international (void)
{
  const char *amsterdam[] = { "tel:+31201234567", NULL };

  assert_keys ("+31 20 123 4567", "NL", amsterdam);
  assert_keys ("020-1234567", "NL", amsterdam);
  assert_keys ("0031 20 123 45 67", "NL", amsterdam);
  assert_keys ("(020) 123.4567", "NL", amsterdam);
  assert_keys ("tel:+31-20-123-4567;phone-context=x", "NL", amsterdam);
  /* The same international number whatever the region. */
  assert_keys ("+31 20 123 4567", "DE", amsterdam);
  assert_keys ("+31201234567", NULL, amsterdam);
}

static void
test_without_region (void)
{
  /* A national number cannot be placed: its digits are the key. */
  const char *national[] = { "tel:0201234567", NULL };
  assert_keys ("020 123 4567", NULL, national);
  assert_keys ("020 123 4567", "", national);
}

static void
test_extensions (void)
{
  const char *ext[] = { "ext:201", NULL };
  const char *uri[] = { "sip:201@vo.test", "ext:201", NULL };
  const char *number_uri[] = { "sip:+31201234567@vo.test", "tel:+31201234567", NULL };

  assert_keys ("201", "NL", ext);
  assert_keys (" 2 01 ", "NL", ext);
  assert_keys ("sip:201@VO.test;user=phone", "NL", uri);
  assert_keys ("sip:+31201234567@vo.test", "NL", number_uri);
}

static void
test_sip_uris (void)
{
  const char *alice[] = { "sip:alice@vo.test", NULL };

  assert_keys ("sip:Alice@VO.test", NULL, alice);
  assert_keys ("sips:alice@vo.test:5061;transport=tls", NULL, alice);
  assert_keys ("<sip:alice@vo.test>", NULL, (const char *[]) { NULL });
}

static void
test_not_numbers (void)
{
  const char *none[] = { NULL };

  assert_keys ("", "NL", none);
  assert_keys ("alice", "NL", none);
  assert_keys ("sip:nohost", "NL", none);
  assert_keys ("tel:abc", "NL", none);
  assert_keys (NULL, "NL", none);
  g_assert_false (vo_contact_number_is_number ("12a"));
  g_assert_false (vo_contact_number_is_number ("+-"));
  g_assert_true (vo_contact_number_is_number ("+31 (0)20"));
}

static void
test_terms (void)
{
  g_auto(GStrv) terms = vo_contact_number_terms ("+31 20 123 4567", "NL");
  g_auto(GStrv) ext = vo_contact_number_terms ("201", "NL");
  g_auto(GStrv) none = vo_contact_number_terms ("alice", "NL");

  g_assert_true (g_strv_contains ((const char *const *) terms, "31201234567"));
  g_assert_true (g_strv_contains ((const char *const *) terms, "0201234567"));
  g_assert_cmpuint (g_strv_length (ext), ==, 1);
  g_assert_cmpstr (ext[0], ==, "201");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static void
test_search_words (void)
{
  g_auto(GStrv) number = vo_contact_search_words ("+31 20 1");
  g_auto(GStrv) idd = vo_contact_search_words ("0031 20");
  g_auto(GStrv) national = vo_contact_search_words (" 020-12 ");
  g_auto(GStrv) names = vo_contact_search_words ("  de  Vries\tjan ");
  g_auto(GStrv) empty = vo_contact_search_words ("   ");

  g_assert_cmpstr (number[0], ==, "31201");
  g_assert_cmpstr (idd[0], ==, "3120");
  g_assert_cmpstr (national[0], ==, "02012");
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  g_assert_cmpstr (names[0], ==, "de");
  g_assert_cmpstr (names[2], ==, "jan");
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/contact-number/national-and-international", test_national_and_international);
  g_test_add_func ("/contact-number/without-region", test_without_region);
  g_test_add_func ("/contact-number/extensions", test_extensions);
  g_test_add_func ("/contact-number/sip-uris", test_sip_uris);
  g_test_add_func ("/contact-number/not-numbers", test_not_numbers);
  g_test_add_func ("/contact-number/terms", test_terms);
  g_test_add_func ("/contact-number/search-words", test_search_words);
  return g_test_run ();
}
