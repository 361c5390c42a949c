/* main.c: vo-daemon's command line; everything else is in the core library.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-daemon"

#include "config.h"
#include "vo-daemon.h"
#include "vo-dbus-service.h"

#include <glib-unix.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

typedef struct {
  GMainLoop *loop;
  VoDaemon *daemon;
  VoDbusService *service;
  gboolean shutting_down;
  int exit_code;
} App;

static void
on_shut_down (GObject *source, GAsyncResult *result, gpointer user_data)
{
  App *app = user_data;

  vo_daemon_shutdown_finish (VO_DAEMON (source), result);
  g_main_loop_quit (app->loop);
}

static void
app_shutdown (App *app, int exit_code)
{
  if (app->shutting_down)
    return;
  app->shutting_down = TRUE;
  app->exit_code = exit_code;
  g_message ("Shutting down");
  vo_daemon_shutdown_async (app->daemon, on_shut_down, app);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  app_shutdown (user_data, EXIT_SUCCESS);
  return G_SOURCE_CONTINUE;
}

static void
on_name_acquired (VoDbusService *service, gpointer user_data)
{
  App *app = user_data;

  vo_daemon_start (app->daemon);
}

static void
on_name_lost (VoDbusService *service, gboolean was_owner, gpointer user_data)
{
  App *app = user_data;

  if (!was_owner)
    g_printerr ("vo-daemon: the name %s is already taken on this bus; stop the other "
                "vo-daemon or start this one with --replace\n", VO_BUS_NAME);
  /* Replaced by a newer daemon: leave quietly, un-REGISTERing first. */
  app_shutdown (app, was_owner ? EXIT_SUCCESS : EXIT_FAILURE);
}

static GDBusConnection *
open_bus (const char *address, GError **error)
{
  if (address)
    return g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, error);
  return g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
}

/* Sofia-SIP keeps every TCP connection a peer opens (idle ones for half an
 * hour) and has no limit of its own: the usual soft limit of 1024
 * descriptors goes quickly, and then calls cannot open their RTP sockets.
 * Take what the hard limit allows (systemd gives 524288). */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_warning ("Cannot raise the open-file limit: %s", g_strerror (errno));
}

int
main (int argc, char **argv)
{
  gboolean replace = FALSE, verbose = FALSE, version = FALSE, session_bus = FALSE;
  g_autofree char *bus_address = NULL;
  const GOptionEntry entries[] = {
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
      "Replace a vo-daemon already running on the bus", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "session-bus", 0, 0, G_OPTION_ARG_NONE, &session_bus,
      "Use the session bus (the default)", NULL },
    { "bus-address", 0, 0, G_OPTION_ARG_STRING, &bus_address,
      "Connect to the message bus at ADDRESS instead of the session bus", "ADDRESS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Virtual Office daemon");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(VoDaemon) daemon = NULL;
  g_autoptr(VoDbusService) service = NULL;
  App app = { 0 };

  setlocale (LC_ALL, "");
  raise_fd_limit ();
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Owns one Virtual Office account and offers it on D-Bus as "
                                "org.virtualoffice.");
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("vo-daemon: %s\nTry vo-daemon --help\n", error->message);
    return 2;
  }
  if (version) {
    printf ("vo-daemon %s\n", PACKAGE_VERSION);
    return EXIT_SUCCESS;
  }
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  signal (SIGPIPE, SIG_IGN);

  /* Config and database before the bus: a fatal start error (garbage vo.conf
   * or vo.db, read-only data folder) then exits before GDBus's worker thread
   * has a connection to close; exiting while it does aborts inside GLib. */
  daemon = vo_daemon_new (NULL, NULL, &error);
  if (!daemon) {
    g_printerr ("vo-daemon: %s\n", error->message);
    return EXIT_FAILURE;
  }

  connection = open_bus (bus_address, &error);
  if (!connection) {
    g_printerr ("vo-daemon: cannot connect to the %s: %s\n",
                bus_address ? "given bus" : "session bus", error->message);
    return EXIT_FAILURE;
  }
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  loop = g_main_loop_new (NULL, FALSE);
  app.loop = loop;
  app.daemon = daemon;

  service = vo_dbus_service_new (connection, daemon, replace, &error);
  if (!service) {
    g_printerr ("vo-daemon: cannot export the D-Bus objects: %s\n", error->message);
    /* Let the worker thread finish with the connection before exit. */
    g_dbus_connection_close_sync (connection, NULL, NULL);
    return EXIT_FAILURE;
  }
  app.service = service;
  g_signal_connect (service, "name-acquired", G_CALLBACK (on_name_acquired), &app);
  g_signal_connect (service, "name-lost", G_CALLBACK (on_name_lost), &app);
  g_unix_signal_add (SIGTERM, on_unix_signal, &app);
  g_unix_signal_add (SIGINT, on_unix_signal, &app);

  g_message ("vo-daemon %s started", PACKAGE_VERSION);
  g_main_loop_run (loop);

  vo_dbus_service_unexport (service);
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  g_clear_object (&service);
  g_clear_object (&daemon);
  g_message ("Stopped");
  return app.exit_code;
}
