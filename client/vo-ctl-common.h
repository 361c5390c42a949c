/* vo-ctl-common.h: what every vo-ctl command group shares — the command
 * table types, option parsing, the bus and proxies, errors and output.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vo-dbus-generated.h"

G_BEGIN_DECLS

/* Exit statuses: 0 done, 1 the daemon (or the bus) said no, 2 bad command line. */
typedef enum {
  VO_CTL_EXIT_OK = 0,
  VO_CTL_EXIT_FAILURE = 1,
  VO_CTL_EXIT_USAGE = 2,
} VoCtlExit;

/* State shared by the whole run: global options and the bus, opened lazily. */
typedef struct {
  gboolean json;
  GDBusConnection *bus;
  gboolean daemon_checked; /* vo_ctl_connect() found the daemon */
} VoCtl;

/* Runs one command; argv[0] is the command name. Returns a VoCtlExit. */
typedef int (*VoCtlRunFunc) (VoCtl *ctl, int argc, char **argv);

typedef struct {
  const char *name;
  const char *summary;
  VoCtlRunFunc run;
} VoCtlCommand;

/* Command groups: one file each, a { NULL }-terminated table each, all listed
 * in vo-ctl.c. */
extern const VoCtlCommand vo_ctl_account_commands[];
extern const VoCtlCommand vo_ctl_settings_commands[];
extern const VoCtlCommand vo_ctl_calls_commands[];
extern const VoCtlCommand vo_ctl_monitor_commands[];
extern const VoCtlCommand vo_ctl_history_commands[];
extern const VoCtlCommand vo_ctl_forwarding_commands[];
extern const VoCtlCommand vo_ctl_presence_commands[];
extern const VoCtlCommand vo_ctl_messages_commands[];

/* Command line */

/* An option context for one command: "Usage: vo-ctl NAME [OPTION…] PARAMETERS",
 * the command's entries (may be NULL) plus --json. */
GOptionContext *vo_ctl_option_context_new (VoCtl              *ctl,
                                           const char         *name,
                                           const char         *parameters,
                                           const char         *summary,
                                           const GOptionEntry *entries);

/* Parses a command's options and leaves only its positional arguments in
 * argc and argv (argv[0] is kept). Returns FALSE after printing a usage error. */
gboolean vo_ctl_parse (GOptionContext *context, int *argc, char ***argv);

/* Prints "vo-ctl: MESSAGE" and a hint to COMMAND's help; returns VO_CTL_EXIT_USAGE. */
int vo_ctl_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Bus */

/* The session bus; once TRUE, ctl->bus is set. */
gboolean vo_ctl_get_bus (VoCtl *ctl, GError **error);

/* The session bus with vo-daemon on it, started by D-Bus activation if it can be. */
gboolean vo_ctl_connect (VoCtl *ctl, GError **error);

VoDbusAccount1 *vo_ctl_account_proxy (VoCtl *ctl, GError **error);
VoDbusSettings1 *vo_ctl_settings_proxy (VoCtl *ctl, GError **error);

/* All properties of INTERFACE on the root object, fresh from the daemon (a{sv}). */
GVariant *vo_ctl_get_all (VoCtl *ctl, const char *interface, GError **error);

/* A property of PROXY's interface: the cached value, else asked for with Get. */
GVariant *vo_ctl_get_property (GDBusProxy *proxy, const char *name, GError **error);

/* Errors */

/* Prints ERROR for people ("vo-ctl: …", remote prefix removed); returns
 * VO_CTL_EXIT_FAILURE. */
int vo_ctl_fail (GError *error);

/* Prints "vo-ctl: MESSAGE"; returns VO_CTL_EXIT_FAILURE. */
int vo_ctl_fail_literal (const char *message);

/* Output */

/* "AllowCellularData" → "allow-cellular-data". */
char *vo_ctl_kebab_case (const char *name);

/* VALUE for people: strings bare, booleans true/false, arrays joined by ", ". */
char *vo_ctl_format_value (GVariant *value);

/* "Name: value" (no trailing blank when the value is empty). */
void vo_ctl_print_field (const char *name, const char *value);

/* The string at KEY of an a{sv} dictionary, "" when absent. */
const char *vo_ctl_lookup_string (GVariant *dict, const char *key);

/* µs since the epoch as local "YYYY-MM-DD HH:MM". */
char *vo_ctl_format_time (gint64 us);

/* NODE as JSON on stdout, followed by a newline, then flushed. */
void vo_ctl_print_json (JsonNode *node, gboolean pretty);

G_END_DECLS
