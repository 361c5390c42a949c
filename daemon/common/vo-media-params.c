/* vo-media-params.c: the names of SRTP policies and suites.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-media-params.h"

#include <string.h>

typedef struct {
  VoMediaSrtpSuite suite;
  const char *name;
} SuiteInfo;

static const SuiteInfo suites[] = {
  { VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80" },
  { VO_MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32" },
};

static const char *const policy_names[] = { "off", "optional", "mandatory" };

gboolean
vo_media_srtp_policy_parse (const char *text, VoMediaSrtpPolicy *policy)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));

  for (guint i = 0; i < G_N_ELEMENTS (policy_names); i++)
    if (g_ascii_strcasecmp (stripped, policy_names[i]) == 0) {
      *policy = (VoMediaSrtpPolicy) i;
      return TRUE;
    }
  return FALSE;
}

const char *
vo_media_srtp_policy_name (VoMediaSrtpPolicy policy)
{
  return (guint) policy < G_N_ELEMENTS (policy_names) ? policy_names[policy] : "off";
}

static const SuiteInfo *
suite_info (VoMediaSrtpSuite suite)
{
  for (guint i = 0; i < G_N_ELEMENTS (suites); i++)
    if (suites[i].suite == suite)
      return &suites[i];
  return NULL;
}

const char *
vo_media_srtp_suite_name (VoMediaSrtpSuite suite)
{
  const SuiteInfo *info = suite_info (suite);

  return info ? info->name : NULL;
}

VoMediaSrtpSuite
vo_media_srtp_suite_from_name (const char *name, gsize len)
{
  for (guint i = 0; name && i < G_N_ELEMENTS (suites); i++)
    if (strlen (suites[i].name) == len && strncmp (suites[i].name, name, len) == 0)
      return suites[i].suite;
  return VO_MEDIA_SRTP_NONE;
}
