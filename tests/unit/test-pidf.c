/* test-pidf.c: building and reading PIDF presence documents.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-sip-pidf.h"
#include "vo-error.h"

#include <string.h>

#define ALICE "sip:alice@vo.test"

static void
assert_parses_to (const char *body, const char *want_status, const char *want_note)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *note = NULL;

  g_assert_true (vo_sip_pidf_parse (body, strlen (body), &status, &note, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (status, ==, want_status);
  g_assert_cmpstr (note, ==, want_note);
}

static void
assert_refused (const char *body, gsize length)
{
  g_autoptr(GError) error = NULL;
  char *status = (char *) "untouched";
  char *note = (char *) "untouched";

  g_assert_false (vo_sip_pidf_parse (body, length, &status, &note, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (status, ==, "untouched");
  g_assert_cmpstr (note, ==, "untouched");
}

static void
test_round_trip (void)
{
  static const char *const statuses[] = { "available", "away", "busy", "dnd", "on-the-phone",
                                          NULL };

  for (guint i = 0; statuses[i]; i++) {
    g_autofree char *body = vo_sip_pidf_build (ALICE, statuses[i], "Back at 3");

    assert_parses_to (body, statuses[i], "Back at 3");
  }
}

static void
test_offline_has_no_note (void)
{
  g_autofree char *body = vo_sip_pidf_build (ALICE, "offline", "secret plans");

  g_assert_null (strstr (body, "secret"));
  g_assert_nonnull (strstr (body, "<basic>closed</basic>"));
  assert_parses_to (body, "offline", "");
}

static void
test_build_shape (void)
{
  g_autofree char *available = vo_sip_pidf_build (ALICE, "available", "");
  g_autofree char *dnd = vo_sip_pidf_build (ALICE, "dnd", NULL);
  g_autofree char *away = vo_sip_pidf_build (ALICE, "away", NULL);

  g_assert_true (g_str_has_prefix (available, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  g_assert_nonnull (strstr (available, "entity=\"sip:alice@vo.test\""));
  g_assert_nonnull (strstr (available, "<basic>open</basic>"));
  /* Available is open with no activity and no empty note. */
  g_assert_null (strstr (available, "activities"));
  g_assert_null (strstr (available, "<note>"));
  g_assert_nonnull (strstr (away, "<rpid:activities><rpid:away/></rpid:activities>"));
  /* dnd is busy for everyone: busy is the only activity (Linphone shows an
   * <rpid:other> as "Moved"), with a marker in our own namespace, which
   * other clients skip and our daemons read back. */
  g_assert_nonnull (strstr (dnd, "<rpid:activities><rpid:busy/></rpid:activities>"));
  g_assert_null (strstr (dnd, "<rpid:other>"));
  g_assert_nonnull (strstr (dnd, "do-not-disturb"));
}

static void
test_note_is_escaped (void)
{
  const char *note = "Tom & Jerry <\"cartoon\"> 'show' — été ✓";
  g_autofree char *body = vo_sip_pidf_build (ALICE, "away", note);

  g_assert_null (strstr (body, "Tom & Jerry"));
  assert_parses_to (body, "away", note);
}

/* As kamailio's presence_xml merges two publications, other prefixes. */
static void
test_foreign_documents (void)
{
  assert_parses_to ("<?xml version='1.0' encoding='UTF-8'?>\n"
                    "<presence xmlns='urn:ietf:params:xml:ns:pidf' "
                    "xmlns:dm='urn:ietf:params:xml:ns:pidf:data-model' "
                    "xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid' "
                    "entity='sip:bob@vo.test'>"
                    "<tuple id='a'><status><basic>closed</basic></status></tuple>"
                    "<tuple id='b'><status><basic>open</basic></status>"
                    "<note>In the lab</note></tuple>"
                    "<dm:person id='p'><rpid:activities><rpid:meeting/></rpid:activities>"
                    "</dm:person></presence>",
                    "busy", "In the lab");
  /* Other prefixes; blanks around the basic status. */
  assert_parses_to ("<p:presence xmlns:p='urn:ietf:params:xml:ns:pidf' "
                    "xmlns:d='urn:ietf:params:xml:ns:pidf:data-model' "
                    "xmlns:r='urn:ietf:params:xml:ns:pidf:rpid' entity='sip:c@x'>"
                    "<p:tuple id='t'><p:status><p:basic> open </p:basic></p:status></p:tuple>"
                    "</p:presence>",
                    "available", "");
  /* Default namespaces per element; the person's note wins over the others,
   * and an RPID activity that means away. */
  assert_parses_to ("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:c@x'>"
                    "<tuple id='t'><status><basic>open</basic></status>"
                    "<note>tuple</note></tuple>"
                    "<person xmlns='urn:ietf:params:xml:ns:pidf:data-model' id='p'>"
                    "<activities xmlns='urn:ietf:params:xml:ns:pidf:rpid'><vacation/>"
                    "</activities><note>person</note></person>"
                    "<note>presence</note></presence>",
                    "away", "person");
  /* Linphone-style on-the-phone plus a foreign element we do not know. */
  assert_parses_to ("<presence xmlns='urn:ietf:params:xml:ns:pidf' "
                    "xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid' "
                    "xmlns:dm='urn:ietf:params:xml:ns:pidf:data-model' "
                    "xmlns:x='urn:example:ext' entity='sip:c@x'>"
                    "<tuple id='t'><status><basic>open</basic><x:mood>calm</x:mood></status>"
                    "<timestamp>2024-01-01T00:00:00Z</timestamp></tuple>"
                    "<dm:person id='p'><rpid:activities><rpid:busy/><rpid:on-the-phone/>"
                    "</rpid:activities></dm:person></presence>",
                    "on-the-phone", "");
  /* No namespaces at all (sloppy peers): still clear enough. */
  assert_parses_to ("<presence entity='sip:c@x'><tuple id='t'><status><basic>open</basic>"
                    "</status></tuple><person><activities><other>DND</other><busy/>"
                    "</activities></person></presence>",
                    "dnd", "");
  /* An <rpid:other> that is not our marker is just busy. */
  assert_parses_to ("<presence xmlns='urn:ietf:params:xml:ns:pidf' "
                    "xmlns:dm='urn:ietf:params:xml:ns:pidf:data-model' "
                    "xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid' entity='sip:c@x'>"
                    "<tuple id='t'><status><basic>open</basic></status></tuple>"
                    "<dm:person id='p'><rpid:activities><rpid:busy/>"
                    "<rpid:other>Writing</rpid:other></rpid:activities></dm:person></presence>",
                    "busy", "");
}

static void
test_closed_or_empty_is_offline (void)
{
  assert_parses_to ("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:c@x'/>",
                    "offline", "");
  assert_parses_to ("<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='sip:c@x'>"
                    "<tuple id='t'><status/></tuple></presence>",
                    "offline", "");
  /* Closed wins over activities: nobody is on the phone while offline. */
  assert_parses_to ("<presence xmlns='urn:ietf:params:xml:ns:pidf' "
                    "xmlns:dm='urn:ietf:params:xml:ns:pidf:data-model' "
                    "xmlns:rpid='urn:ietf:params:xml:ns:pidf:rpid' entity='sip:c@x'>"
                    "<tuple id='t'><status><basic>closed</basic></status><note>x</note></tuple>"
                    "<dm:person id='p'><rpid:activities><rpid:on-the-phone/></rpid:activities>"
                    "</dm:person></presence>",
                    "offline", "");
}

static void
test_long_note_is_cut (void)
{
  g_autofree char *long_note = g_strnfill (1000, 'a');
  g_autofree char *body = vo_sip_pidf_build (ALICE, "away", long_note);
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *note = NULL;

  g_assert_true (vo_sip_pidf_parse (body, strlen (body), &status, &note, &error));
  g_assert_cmpint (g_utf8_strlen (note, -1), ==, VO_SIP_PIDF_MAX_NOTE);
}

static void
test_malformed_is_refused (void)
{
  static const char *const bodies[] = {
    "",
    "   ",
    "not xml at all",
    "<presence xmlns='urn:ietf:params:xml:ns:pidf'><tuple>",
    "<presence xmlns='urn:ietf:params:xml:ns:pidf'></tuple></presence>",
    "<html><body>404</body></html>",
    "<presence xmlns='urn:example:other'/>",
    "<presence xmlns='urn:ietf:params:xml:ns:pidf'>&unknown;</presence>",
    "<presence xmlns='urn:ietf:params:xml:ns:pidf' entity='a\"/>",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><presence>&a;</presence>",
  };
  g_autoptr(GString) deep = g_string_new ("<presence xmlns='urn:ietf:params:xml:ns:pidf'>");
  g_autofree char *huge = g_malloc0 (VO_SIP_PIDF_MAX_BODY + 2);
  const char bad_utf8[] = "<presence xmlns='urn:ietf:params:xml:ns:pidf'><note>\xff\xfe"
                          "</note></presence>";
  const char with_nul[] = "<presence xmlns='urn:ietf:params:xml:ns:pidf'>\0</presence>";

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    assert_refused (bodies[i], strlen (bodies[i]));
  assert_refused (NULL, 0);
  assert_refused (bad_utf8, sizeof bad_utf8 - 1);
  assert_refused (with_nul, sizeof with_nul - 1);
  memset (huge, ' ', VO_SIP_PIDF_MAX_BODY + 1);
  assert_refused (huge, VO_SIP_PIDF_MAX_BODY + 1);
  for (guint i = 0; i < 100; i++)
    g_string_append (deep, "<x>");
  assert_refused (deep->str, deep->len);
}

/* Every prefix of a valid document: refused or read, never a crash. */
static void
test_truncated_documents (void)
{
  g_autofree char *body = vo_sip_pidf_build (ALICE, "dnd", "Do not call");
  gsize length = strlen (body);

  for (gsize cut = 0; cut < length; cut++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *status = NULL;
    g_autofree char *note = NULL;

    if (vo_sip_pidf_parse (body, cut, &status, &note, &error))
      g_assert_nonnull (status);
    else
      g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pidf/round-trip", test_round_trip);
  g_test_add_func ("/pidf/offline-has-no-note", test_offline_has_no_note);
  g_test_add_func ("/pidf/build-shape", test_build_shape);
  g_test_add_func ("/pidf/note-is-escaped", test_note_is_escaped);
  g_test_add_func ("/pidf/foreign-documents", test_foreign_documents);
  g_test_add_func ("/pidf/closed-or-empty-is-offline", test_closed_or_empty_is_offline);
  g_test_add_func ("/pidf/long-note-is-cut", test_long_note_is_cut);
  g_test_add_func ("/pidf/malformed-is-refused", test_malformed_is_refused);
  g_test_add_func ("/pidf/truncated-documents", test_truncated_documents);
  return g_test_run ();
}
