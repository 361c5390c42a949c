/* fuzz-service-json.c: every answer of the Virtual Office service the
 * daemon reads (daemon/service/vo-service-json.c,
 * vo-service-json-directory.c), and the problem+json mapper
 * (vo-service-problem.c), fed the same bytes as a body.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-service-json.h"
#include "vo-service-problem.h"

#include <string.h>

/* A parser's error says it is unreadable, names the host, and is UTF-8. */
static void
check_error (GError *error)
{
  g_assert (error && error->domain == VO_SERVICE_ERROR);
  g_assert (error->code == VO_SERVICE_ERROR_UNREADABLE);
  g_assert (g_utf8_validate (error->message, -1, NULL));
  g_assert (strstr (error->message, "fuzz.test"));
}

typedef gpointer (*Parse) (GBytes *body, const char *host, GError **error);

static const struct {
  Parse parse;
  GDestroyNotify free;
} parsers[] = {
  { (Parse)vo_service_parse_tokens, (GDestroyNotify)vo_service_tokens_free },
  { (Parse)vo_service_parse_forwarding, (GDestroyNotify)g_ptr_array_unref },
  { (Parse)vo_service_parse_forwarding_rule, (GDestroyNotify)vo_service_forwarding_rule_free },
  { (Parse)vo_service_parse_event, (GDestroyNotify)vo_service_event_free },
  { (Parse)vo_service_parse_photo_etag, g_free },
};

/* A directory page holds only what the contract allows: good ids, lists
 * within their limits, never NULL, and a "next" inside /v1/directory. */
static void
check_directory_page (GBytes *body)
{
  g_autoptr (VoServiceDirectoryPage) page = NULL;
  GError *error = NULL;

  page = vo_service_parse_directory_page (body, "fuzz.test", &error);
  if (!page) {
    check_error (error);
    g_clear_error (&error);
    return;
  }
  g_assert (page->items->len <= VO_SERVICE_DIRECTORY_MAX_ITEMS && page->deleted);
  g_assert (page->next ? vo_service_directory_next_is_valid (page->next) && !page->sync_token
                       : page->sync_token != NULL);
  for (guint i = 0; i < page->items->len; i++) {
    VoServiceDirectoryEntry *entry = g_ptr_array_index (page->items, i);

    g_assert (vo_service_directory_id_is_valid (entry->id));
    g_assert (entry->numbers && g_strv_length (entry->numbers) <= VO_SERVICE_DIRECTORY_MAX_VALUES);
    g_assert (entry->emails && g_strv_length (entry->emails) <= VO_SERVICE_DIRECTORY_MAX_VALUES);
    g_assert (g_utf8_validate (entry->display_name, -1, NULL) && entry->company && entry->department
              && !strpbrk (entry->sip_uri, "\r\n"));
  }
  for (guint i = 0; page->deleted[i]; i++)
    g_assert (vo_service_directory_id_is_valid (page->deleted[i]));
}

static void
check_favorites (GBytes *body)
{
  g_auto (GStrv) ids = NULL;
  GError *error = NULL;

  ids = vo_service_parse_favorites (body, "fuzz.test", &error);
  if (!ids) {
    check_error (error);
    g_clear_error (&error);
    return;
  }
  for (guint i = 0; ids[i]; i++)
    g_assert (vo_service_favorite_id_is_valid (ids[i]));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) body = g_bytes_new (data, size);
  g_autoptr (VoServiceSipAccount) account = NULL;
  g_autoptr (VoServiceProfile) profile = NULL;
  g_autofree char *type = NULL;
  g_autoptr (GError) problem = NULL;
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (parsers); i++) {
    gpointer result = parsers[i].parse (body, "fuzz.test", &error);

    if (result)
      parsers[i].free (result);
    else
      check_error (error);
    g_clear_error (&error);
  }
  /* What reaches SIP holds no line break; text for people is UTF-8. */
  account = vo_service_parse_sip_account (body, "fuzz.test", &error);
  if (account)
    g_assert (!strpbrk (account->registrar, "\r\n") && !strpbrk (account->auth_user, "\r\n"));
  else
    check_error (error);
  g_clear_error (&error);
  profile = vo_service_parse_profile (body, "fuzz.test", &error);
  if (profile)
    g_assert (profile->capabilities && g_utf8_validate (profile->display_name, -1, NULL)
              && (!*profile->country || strlen (profile->country) == 2));
  else
    check_error (error);
  g_clear_error (&error);
  check_directory_page (body);
  check_favorites (body);

  type = vo_service_problem_type ("application/problem+json", body);
  problem = vo_service_error_from_response (400 + (size % 200), "application/problem+json", body,
                                            "fuzz.test");
  g_assert (problem && problem->domain == VO_SERVICE_ERROR);
  g_assert (g_utf8_validate (problem->message, -1, NULL) && !strpbrk (problem->message, "\r\n"));
  return 0;
}
