/* test-config.c: vo.conf, settings validation, server address checks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-config.h"
#include "vo-error.h"
#include "vo-network-monitor.h"
#include "vo-settings.h"
#include "vo-sip-uri.h"

#include <glib/gstdio.h>

static char *
make_dir (void)
{
  char *dir = g_dir_make_tmp ("vo-config-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_cmpint (system (cmd), ==, 0);
}

static void
test_roundtrip (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "vo.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoConfig) config = vo_config_load (dir, &error);
  g_autoptr(VoConfig) again = NULL;
  g_autofree char *value = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (vo_config_set_string (config, "account", "user", "alice", &error));
  g_assert_true (vo_config_set_boolean (config, "settings", "allow-cellular-data", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = vo_config_load (dir, &error);
  g_assert_no_error (error);
  value = vo_config_get_string (again, "account", "user");
  g_assert_cmpstr (value, ==, "alice");
  g_assert_true (vo_config_get_boolean (again, "settings", "allow-cellular-data", FALSE));
  g_assert_cmpint (vo_config_get_int (again, "sip", "retry-max", 60), ==, 60);

  g_assert_true (vo_config_remove_group (again, "account", &error));
  g_clear_object (&again);
  again = vo_config_load (dir, &error);
  g_clear_pointer (&value, g_free);
  value = vo_config_get_string (again, "account", "user");
  g_assert_cmpstr (value, ==, "");
  remove_dir (dir);
}

static void
test_broken_file_is_an_error (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "vo.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoConfig) config = NULL;

  g_assert_true (g_file_set_contents (path, "this is [not a key file\n\x01", -1, NULL));
  config = vo_config_load (dir, &error);
  g_assert_null (config);
  g_assert_error (error, VO_ERROR, VO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  remove_dir (dir);
}

static void
test_bad_values_fall_back (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "vo.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VoConfig) config = NULL;

  g_assert_true (g_file_set_contents (path, "[sip]\nretry-max=lots\n[settings]\n"
                                            "allow-cellular-data=maybe\n", -1, NULL));
  config = vo_config_load (dir, &error);
  g_assert_no_error (error);
  g_test_expect_message ("vo-account", G_LOG_LEVEL_WARNING, "*retry-max*");
  g_assert_cmpint (vo_config_get_int (config, "sip", "retry-max", 60), ==, 60);
  g_test_expect_message ("vo-account", G_LOG_LEVEL_WARNING, "*allow-cellular-data*");
  g_assert_false (vo_config_get_boolean (config, "settings", "allow-cellular-data", FALSE));
  g_test_assert_expected_messages ();
  remove_dir (dir);
}

static void
test_settings_validation (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VoConfig) config = vo_config_load (dir, &error);
  g_autoptr(VoNetworkMonitor) network = vo_network_monitor_new ();
  g_autoptr(VoSettings) settings = vo_settings_new (config, network);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *stored = NULL;
  const char *bad_numbers[] = { "abc", "12", "+", "++31612345678", "06-1234\n", "1234567890123456789012", NULL };
  const char *good_numbers[] = { "", "+31 6 1234 5678", "020-1234567", "(020) 123.4567", NULL };

  g_value_init (&value, G_TYPE_STRING);
  for (guint i = 0; bad_numbers[i]; i++) {
    g_value_set_string (&value, bad_numbers[i]);
    g_assert_false (vo_settings_set (settings, "mobile-number", &value, &error));
    g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }
  for (guint i = 0; good_numbers[i]; i++) {
    g_value_set_string (&value, good_numbers[i]);
    g_assert_true (vo_settings_set (settings, "mobile-number", &value, &error));
    g_assert_no_error (error);
  }
  g_value_set_string (&value, "alsa\x01out");
  g_assert_false (vo_settings_set (settings, "audio-output", &value, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_value_set_string (&value, "wifi");
  g_assert_false (vo_settings_set (settings, "network-type", &value, &error));
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* What was accepted is what is stored. */
  stored = vo_config_get_string (config, "settings", "mobile-number");
  g_assert_cmpstr (stored, ==, "(020) 123.4567");
  remove_dir (dir);
}

static void
test_server_addresses (void)
{
  const char *valid[] = { "pbx.example.com", "127.0.0.1", "127.0.0.1:5060", "[::1]:5080",
                          "a-b.c", NULL };
  const char *invalid[] = { "", "exa mple:99999", "host:0", "host:65536", "host:", ":5060",
                            "-bad.example", "bad..example", "[::1", "h\xc3\xa9.example", NULL };

  for (guint i = 0; valid[i]; i++)
    g_assert_true (vo_sip_host_port_is_valid (valid[i]));
  for (guint i = 0; invalid[i]; i++)
    g_assert_false (vo_sip_host_port_is_valid (invalid[i]));
}

static void
test_server_uri (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *udp = vo_sip_server_uri ("pbx.example.com:5080", "udp", "registrar", &error);
  g_autofree char *tcp = vo_sip_server_uri ("sip:pbx.example.com", "tcp", "registrar", &error);
  g_autofree char *tls = vo_sip_server_uri ("pbx.example.com", "tls", "registrar", &error);
  g_autofree char *host = vo_sip_server_host ("sip:pbx.example.com:5080");
  g_autofree char *bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (udp, ==, "sip:pbx.example.com:5080");
  g_assert_cmpstr (tcp, ==, "sip:pbx.example.com;transport=tcp");
  g_assert_cmpstr (tls, ==, "sips:pbx.example.com");
  g_assert_cmpstr (host, ==, "pbx.example.com");

  bad = vo_sip_server_uri ("sip:alice@pbx.example.com", "udp", "registrar", &error);
  g_assert_null (bad);
  g_assert_error (error, VO_ERROR, VO_ERROR_INVALID_ARGUMENT);
}

static void
test_user_names (void)
{
  g_assert_true (vo_sip_user_is_valid ("alice"));
  g_assert_true (vo_sip_user_is_valid ("201"));
  g_assert_true (vo_sip_user_is_valid ("first.last+tag"));
  g_assert_false (vo_sip_user_is_valid (""));
  g_assert_false (vo_sip_user_is_valid ("al ice"));
  g_assert_false (vo_sip_user_is_valid ("a@b"));
  g_assert_false (vo_sip_user_is_valid ("a<b>"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/roundtrip", test_roundtrip);
  g_test_add_func ("/config/broken-file", test_broken_file_is_an_error);
  g_test_add_func ("/config/bad-values-fall-back", test_bad_values_fall_back);
  g_test_add_func ("/settings/validation", test_settings_validation);
  g_test_add_func ("/sip/server-addresses", test_server_addresses);
  g_test_add_func ("/sip/server-uri", test_server_uri);
  g_test_add_func ("/sip/user-names", test_user_names);
  return g_test_run ();
}
