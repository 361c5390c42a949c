/* vo-ctl-common.h: what every vo-ctl command group shares — the command
 * table types, option parsing, the bus and proxies (vo-ctl-bus.c), errors,
 * output and tables (vo-ctl-table.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vo-dbus-generated.h"

G_BEGIN_DECLS

/* The standard interfaces vo-ctl reads signals of; ours are named by the
 * generated vo_dbus_*_interface_info (). */
#define VO_CTL_PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"
#define VO_CTL_OBJECT_MANAGER_INTERFACE "org.freedesktop.DBus.ObjectManager"

#define VO_CTL_NOT_RUNNING_MESSAGE \
  "vo-daemon is not running on the session bus (" VO_BUS_NAME ")"

/* --limit not given: the daemon's default page. */
#define VO_CTL_LIMIT_UNSET G_MININT

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
extern const VoCtlCommand vo_ctl_service_commands[];
extern const VoCtlCommand vo_ctl_settings_commands[];
extern const VoCtlCommand vo_ctl_dial_commands[];
extern const VoCtlCommand vo_ctl_calls_commands[];
extern const VoCtlCommand vo_ctl_monitor_commands[];
extern const VoCtlCommand vo_ctl_history_commands[];
extern const VoCtlCommand vo_ctl_forwarding_commands[];
extern const VoCtlCommand vo_ctl_presence_commands[];
extern const VoCtlCommand vo_ctl_messages_commands[];
extern const VoCtlCommand vo_ctl_contacts_commands[];

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

/* Bus (vo-ctl-bus.c): the only place that talks to the bus by hand; every
 * command goes through the generated VoDbus proxies. */

/* The session bus; once TRUE, ctl->bus is set. */
gboolean vo_ctl_get_bus (VoCtl *ctl, GError **error);

/* The session bus with vo-daemon on it, started by D-Bus activation if it can be. */
gboolean vo_ctl_connect (VoCtl *ctl, GError **error);

/* Whether vo-daemon owns its name now. Also a barrier: the bus answers after
 * it has handled every match rule sent before. */
gboolean vo_ctl_daemon_is_running (VoCtl *ctl);

/* A signal vo-daemon sent. */
typedef void (*VoCtlSignalFunc) (const char *path,
                                 const char *interface,
                                 const char *member,
                                 GVariant   *parameters,
                                 gpointer    user_data);

/* Calls FUNC for every signal vo-daemon sends from now on (the match rule
 * goes out before anything sent after this). Returns the subscription, for
 * g_dbus_connection_signal_unsubscribe (). */
guint vo_ctl_subscribe_daemon_signals (VoCtl *ctl, VoCtlSignalFunc func, gpointer user_data);

/* A proxy of PROXY_TYPE (a VO_DBUS_TYPE_*_PROXY) for INFO's interface on the
 * object at PATH, with the daemon found (or started) first. */
gpointer vo_ctl_proxy_new (VoCtl              *ctl,
                           GType               proxy_type,
                           GDBusInterfaceInfo *info,
                           const char         *path,
                           GDBusProxyFlags     flags,
                           GError            **error);

/* A proxy that only calls methods: no property cache, no signals. */
#define VO_CTL_METHOD_PROXY_FLAGS \
  (G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS)

/* vo_ctl_proxy (ctl, history1, HISTORY1, VO_OBJECT_PATH, &error) is a
 * VoDbusHistory1 to call methods with. */
#define vo_ctl_proxy(ctl, iface, IFACE, path, error)                                       \
  vo_ctl_proxy_new ((ctl), VO_DBUS_TYPE_##IFACE##_PROXY, vo_dbus_##iface##_interface_info (), \
                    (path), VO_CTL_METHOD_PROXY_FLAGS, (error))

/* Account1 on the root object, its properties cached and followed. */
VoDbusAccount1 *vo_ctl_account_proxy (VoCtl *ctl, GError **error);

/* All properties of INFO's interface on the object at PATH, fresh from the
 * daemon (a{sv}). */
GVariant *vo_ctl_get_all (VoCtl *ctl, GDBusInterfaceInfo *info, const char *path, GError **error);

/* A property of PROXY's interface: the cached value, else asked for with Get. */
GVariant *vo_ctl_get_property (gpointer proxy, const char *name, GError **error);

/* Sets a property of PROXY's interface with Properties.Set, which (unlike the
 * generated setters) reports the daemon's refusal. Takes VALUE if floating. */
gboolean vo_ctl_set_property (gpointer    proxy,
                              const char *name,
                              GVariant   *value,
                              int         timeout_ms,
                              GError    **error);

/* The daemon's objects (VoDbusObjects), read with GetManagedObjects. */
GDBusObjectManager *vo_ctl_object_manager (VoCtl *ctl, GError **error);

/* PROXY's cached properties as an a{sv} (floating). */
GVariant *vo_ctl_cached_properties (gpointer proxy);

/* PATH opened for reading, refused unless it is a regular file (a FIFO or
 * a terminal would leave the daemon reading forever): "PATH is not a file:
 * give WHAT". Returns the fd, or -1. */
int vo_ctl_open_file (const char *path, const char *what, GError **error);

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

/* An empty a{sv} (floating): no options. */
#define vo_ctl_no_options() g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)

/* The string at KEY of an a{sv} dictionary, "" when absent. */
const char *vo_ctl_lookup_string (GVariant *dict, const char *key);

/* µs since the epoch as local "YYYY-MM-DD HH:MM". */
char *vo_ctl_format_time (gint64 us);

/* NODE as JSON on stdout, followed by a newline, then flushed. */
void vo_ctl_print_json (JsonNode *node, gboolean pretty);

/* The member NAME of the object BUILDER is in: VALUE as JSON, null when
 * VALUE is NULL. */
void vo_ctl_json_add_member (JsonBuilder *builder, const char *name, GVariant *value);

/* VALUE as pretty JSON on stdout. */
void vo_ctl_print_variant_json (GVariant *value);

/* What BUILDER holds (complete) as pretty JSON on stdout. */
void vo_ctl_print_builder_json (JsonBuilder *builder);

/* Tables (vo-ctl-table.c) */

/* TEXT in WIDTH columns, cut with "…" or padded with blanks, then two blanks. */
void vo_ctl_append_cell (GString *line, const char *text, guint width);

/* A table whose columns are as wide as their widest cell. */
typedef struct _VoCtlTable VoCtlTable;

VoCtlTable *vo_ctl_table_new (guint n_columns);
void vo_ctl_table_free (VoCtlTable *table);
/* Columns are at least WIDTH wide. */
void vo_ctl_table_set_min_width (VoCtlTable *table, guint column, guint width);
/* A row of n_columns cells; NULL cells (at the end) are left out. */
void vo_ctl_table_add_row (VoCtlTable *table, const char *const *cells);
/* One line a row, each starting with INDENT, two blanks between the columns,
 * no blanks after the last cell; no newline after the last line. */
char *vo_ctl_table_format (VoCtlTable *table, const char *indent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoCtlTable, vo_ctl_table_free)

G_END_DECLS
