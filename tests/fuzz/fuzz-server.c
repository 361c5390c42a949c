/* fuzz-server.c: what a person types as a SIP server, user or trusted
 * sources (SignIn, vo.conf [sip] trusted-sources).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-fuzz.h"
#include "vo-sip-trust.h"
#include "vo-sip-uri.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const transports[] = { "udp", "tcp", "tls" };
  g_autofree char *text = vo_fuzz_string (data, size);
  g_autoptr(VoSipTrust) trust = vo_sip_trust_new ();
  g_autofree char *host = NULL;

  vo_sip_host_port_is_valid (text);
  vo_sip_user_is_valid (text);
  for (guint i = 0; i < G_N_ELEMENTS (transports); i++) {
    g_autofree char *uri = vo_sip_server_uri (text, transports[i], "registrar", NULL);
  }
  host = vo_sip_server_host (text);
  vo_sip_trust_set_sources (trust, text, NULL);
  return 0;
}
