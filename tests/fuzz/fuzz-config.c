/* fuzz-config.c: vo.conf as the daemon reads it at start (GKeyFile plus our
 * typed getters), and the values in it that the daemon parses further: the
 * servers and the trusted-sources list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-config.h"
#include "vo-fuzz.h"
#include "vo-sip-trust.h"
#include "vo-sip-uri.h"

#include <glib/gstdio.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *dir, *path;
  g_autoptr(VoConfig) config = NULL;
  g_autoptr(VoSipTrust) trust = NULL;
  g_autofree char *registrar = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *sources = NULL;
  g_autofree char *uri = NULL;

  if (!dir) {
    dir = g_dir_make_tmp ("vo-fuzz-config-XXXXXX", NULL);
    g_assert (dir);
    path = g_build_filename (dir, "vo.conf", NULL);
  }
  /* No fsync (the default when replacing a file): a run is thousands of writes. */
  g_assert (g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                      G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  config = vo_config_load (dir, NULL);
  if (!config)
    return 0;
  vo_config_get_int (config, "calls", "max-incoming", 4);
  vo_config_get_int (config, "media", "rtp-timeout", 30);
  vo_config_get_boolean (config, "sip", "anything", FALSE);
  registrar = vo_config_get_string (config, "account", "registrar");
  proxy = vo_config_get_string (config, "account", "proxy");
  sources = vo_config_get_string (config, "sip", "trusted-sources");
  uri = vo_sip_server_uri (registrar, "udp", "registrar", NULL);
  trust = vo_sip_trust_new ();
  vo_sip_trust_set_sources (trust, sources, NULL);
  return 0;
}
