/* vo-tls-problem.c: a refused certificate in words.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-tls-problem.h"
#include "vo-text.h"

char *
vo_tls_certificate_cn (GTlsCertificate *certificate)
{
  g_autofree char *subject = NULL;
  g_auto(GStrv) parts = NULL;
  char *cn = NULL;

  g_object_get (certificate, "subject-name", &subject, NULL);
  if (!subject)
    return NULL;
  parts = g_strsplit (subject, ",", -1);
  for (guint i = 0; parts[i]; i++) {
    const char *part = g_strstrip (parts[i]);

    if (g_str_has_prefix (part, "CN=")) {
      g_free (cn);
      cn = g_strdup (part + 3);
    }
  }
  return cn;
}

/* "a.example, 192.0.2.1": the names @certificate was issued for (its
 * subjectAltNames, else its CN), made printable, or NULL. */
static char *
certificate_names (GTlsCertificate *certificate)
{
  g_autoptr(GPtrArray) dns = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *cn = NULL;

  if (!certificate)
    return NULL;
  g_object_get (certificate, "dns-names", &dns, "ip-addresses", &ips, NULL);
  for (guint i = 0; dns && i < dns->len && i < 4; i++) {
    gsize size = 0;
    const char *name = g_bytes_get_data (g_ptr_array_index (dns, i), &size);

    g_string_append_printf (names, "%s%.*s", names->len ? ", " : "", (int) size, name);
  }
  for (guint i = 0; ips && i < ips->len && i < 4; i++) {
    g_autofree char *ip = g_inet_address_to_string (g_ptr_array_index (ips, i));

    g_string_append_printf (names, "%s%s", names->len ? ", " : "", ip);
  }
  if (names->len)
    return vo_text_printable (names->str, 200);
  cn = vo_tls_certificate_cn (certificate);
  return vo_text_printable (cn, 200);
}

static char *
certificate_date (GTlsCertificate *certificate, gboolean after)
{
  g_autoptr(GDateTime) date = NULL;

  if (certificate)
    date = after ? g_tls_certificate_get_not_valid_after (certificate)
                 : g_tls_certificate_get_not_valid_before (certificate);
  return date ? g_date_time_format (date, "%Y-%m-%d %H:%M UTC") : g_strdup ("an unknown date");
}

char *
vo_tls_problem_describe (const VoTlsParty *party, GTlsCertificateFlags errors,
                         GTlsCertificate *peer, const char *host, const char *ca_file)
{
  g_autofree char *names = NULL;
  g_autofree char *date = NULL;

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA) {
    if (ca_file)
      return g_strdup_printf ("%s certificate for %s is not trusted (unknown CA): it is not "
                              "signed by a CA in %s, the %s of vo.conf; check that file, or "
                              "someone may be impersonating the %s",
                              party->whose, host, ca_file, party->ca_key, party->owner);
    return g_strdup_printf ("%s certificate for %s is not trusted (unknown CA): it is not "
                            "signed by an authority this computer trusts. If your company uses "
                            "its own CA, set %s in vo.conf to its certificate (PEM) and restart "
                            "vo-daemon; otherwise someone may be impersonating the %s",
                            party->whose, host, party->ca_key, party->owner);
  }
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY) {
    names = certificate_names (peer);
    return g_strdup_printf ("%s certificate was issued for %s, not %s (wrong name): %s, or ask "
                            "the %s's administrator for a certificate for %s",
                            party->whose, names ? names : "another name", host,
                            party->right_name, party->owner, host);
  }
  if (errors & G_TLS_CERTIFICATE_EXPIRED) {
    date = certificate_date (peer, TRUE);
    return g_strdup_printf ("%s certificate for %s expired on %s: ask the %s's administrator "
                            "to renew it (or check this computer's clock)",
                            party->whose, host, date, party->owner);
  }
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED) {
    date = certificate_date (peer, FALSE);
    return g_strdup_printf ("%s certificate for %s is not valid before %s: check this "
                            "computer's clock", party->whose, host, date);
  }
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup_printf ("%s certificate for %s has been revoked: ask the %s's "
                            "administrator for a new one", party->whose, host, party->owner);
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup_printf ("%s certificate for %s uses an insecure algorithm: ask the %s's "
                            "administrator for a new one", party->whose, host, party->owner);
  return g_strdup_printf ("%s certificate for %s could not be verified: ask the %s's "
                          "administrator to check it", party->whose, host, party->owner);
}
