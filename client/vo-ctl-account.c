/* vo-ctl-account.c: the account commands — status, sign-in (SIP-only or
 * through the Virtual Office service), sign-out, wait.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vo-ctl-common.h"

/* SignIn answers only once the registrar has (or the daemon's own SIP
 * timeout has run out), so it needs longer than the D-Bus default. */
#define SIGN_IN_TIMEOUT_MS (60 * 1000)
#define PASSWORD_MAX 4096


/* A password: wiped before it is freed. */
typedef char *VoCtlSecret;

static void
secret_free (char *secret)
{
  if (!secret)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (VoCtlSecret, secret_free, NULL)

/* status */

typedef struct {
  GDBusInterfaceInfo *(*interface) (void); /* the generated vo_dbus_*_interface_info */
  const char *property;
  gboolean only_when_set; /* text shows the line only when the value is not empty */
} StatusField;

/* Text and JSON show these in this order; JSON keys are the kebab-case names
 * and JSON always has every key. The profile fields come from the Virtual
 * Office service and are empty in SIP-only mode, so text leaves them out then. */
static const StatusField status_fields[] = {
  { vo_dbus_account1_interface_info, "State" },
  { vo_dbus_account1_interface_info, "Registration" },
  { vo_dbus_account1_interface_info, "ServiceState" },
  { vo_dbus_account1_interface_info, "LastError" },
  { vo_dbus_account1_interface_info, "Username" },
  { vo_dbus_account1_interface_info, "DisplayName" },
  { vo_dbus_account1_interface_info, "Extension", TRUE },
  { vo_dbus_account1_interface_info, "Company", TRUE },
  { vo_dbus_account1_interface_info, "SipUri" },
  { vo_dbus_account1_interface_info, "PhotoPath", TRUE },
  { vo_dbus_account1_interface_info, "Capabilities" },
  { vo_dbus_settings1_interface_info, "NetworkType" },
  { vo_dbus_settings1_interface_info, "CallsAllowed" },
};

#define STATUS_DESCRIPTION \
  "ServiceState is the Virtual Office service's:\n" \
  "  none        SIP-only account (signed in with --registrar, or signed out)\n" \
  "  connecting  signing in to the service\n" \
  "  online      the service answers; profile, photo and recovery work\n" \
  "  offline     the service cannot be reached or fails; calls still work, the\n" \
  "              daemon keeps retrying, LastError says why\n" \
  "  error       the service session ended or its certificate was refused:\n" \
  "              sign in again (LastError says why)\n" \
  "Extension, Company and PhotoPath come from the service; they are shown when set."

static int
print_status (VoCtl *ctl)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) account = NULL;
  g_autoptr (GVariant) settings = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  account = vo_ctl_get_all (ctl, vo_dbus_account1_interface_info (), VO_OBJECT_PATH, &error);
  if (!account)
    return vo_ctl_fail (error);
  settings = vo_ctl_get_all (ctl, vo_dbus_settings1_interface_info (), VO_OBJECT_PATH, &error);
  if (!settings)
    return vo_ctl_fail (error);

  json_builder_begin_object (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (status_fields); i++) {
    const StatusField *field = &status_fields[i];
    GVariant *all = field->interface == vo_dbus_account1_interface_info ? account : settings;
    g_autoptr (GVariant) value = g_variant_lookup_value (all, field->property, NULL);
    g_autofree char *key = vo_ctl_kebab_case (field->property);
    g_autofree char *text = value ? vo_ctl_format_value (value) : NULL;

    vo_ctl_json_add_member (builder, key, value);

    /* Every other line always, LastError too (empty when all is well):
     * scripts can rely on that set of lines. */
    if (!ctl->json && !(field->only_when_set && !(text && *text)))
      vo_ctl_print_field (field->property, text);
  }
  json_builder_end_object (builder);

  if (ctl->json)
    vo_ctl_print_builder_json (builder);
  return VO_CTL_EXIT_OK;
}

static int
run_status (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;

  context = vo_ctl_option_context_new (ctl, "status", NULL,
                                       "Show the account, its registration, the Virtual Office "
                                       "service and whether calls are allowed on the current "
                                       "network.",
                                       NULL);
  g_option_context_set_description (context, STATUS_DESCRIPTION);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc > 1)
    return vo_ctl_usage_error ("status", "too many arguments");

  return print_status (ctl);
}

/* sign-in: the password */

static volatile sig_atomic_t prompt_fd = -1;
static struct termios prompt_saved;

/* Gives the terminal its echo back before dying of the signal, as if we had
 * never caught it. Only async-signal-safe calls here. */
static void
on_prompt_signal (int signo)
{
  if (prompt_fd >= 0) {
    tcsetattr (prompt_fd, TCSAFLUSH, &prompt_saved);
    if (write (prompt_fd, "\n", 1) < 0) {
      /* nothing left to do */
    }
  }
  signal (signo, SIG_DFL);
  raise (signo);
}

/* Reads up to a newline or end of file from FD into a new string; a line
 * without any byte before end of file is no password at all. */
static char *
read_password_line (int fd, GError **error)
{
  char buffer[PASSWORD_MAX];
  gsize length = 0;
  gboolean got_any = FALSE;
  char *line;

  for (;;) {
    char c;
    ssize_t n = read (fd, &c, 1);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int saved_errno = errno;

      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot read the password: %s", g_strerror (saved_errno));
      return NULL;
    }
    if (n == 0)
      break;
    got_any = TRUE;
    if (c == '\n')
      break;
    if (length + 1 >= sizeof buffer) {
      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the password is longer than %d characters", PASSWORD_MAX - 1);
      return NULL;
    }
    buffer[length++] = c;
  }

  if (!got_any) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no password was given");
    return NULL;
  }
  if (length > 0 && buffer[length - 1] == '\r')
    length--;
  line = g_strndup (buffer, length);
  explicit_bzero (buffer, sizeof buffer);
  return line;
}

/* Prompts on the controlling terminal with echo off; echo comes back even
 * when the user presses ^C. */
static char *
read_password_tty (GError **error)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct sigaction old_actions[G_N_ELEMENTS (signals)];
  struct sigaction action = { 0 };
  struct termios noecho;
  int in_fd, out_fd;
  int tty_fd;
  char *password;

  tty_fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  in_fd = tty_fd >= 0 ? tty_fd : STDIN_FILENO;
  out_fd = tty_fd >= 0 ? tty_fd : STDERR_FILENO;

  if (tcgetattr (in_fd, &prompt_saved) < 0) {
    int saved_errno = errno;

    if (tty_fd >= 0)
      close (tty_fd);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot turn off echo on the terminal: %s", g_strerror (saved_errno));
    return NULL;
  }

  action.sa_handler = on_prompt_signal;
  sigemptyset (&action.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, &old_actions[i]);

  noecho = prompt_saved;
  noecho.c_lflag &= ~(tcflag_t) ECHO;
  noecho.c_lflag |= ECHONL;
  prompt_fd = in_fd;
  tcsetattr (in_fd, TCSAFLUSH, &noecho);

  if (write (out_fd, "Password: ", strlen ("Password: ")) < 0) {
    /* the prompt is a courtesy; reading still works */
  }
  password = read_password_line (in_fd, error);

  tcsetattr (in_fd, TCSAFLUSH, &prompt_saved);
  prompt_fd = -1;
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &old_actions[i], NULL);
  if (tty_fd >= 0)
    close (tty_fd);
  return password;
}

/* sign-in */

/* "Signed in as sip:…" (and the service's state after a sign-in through
 * it), read fresh: the proxy's cache may not have seen the daemon's
 * PropertiesChanged yet when the SignIn reply arrives. */
static void
print_signed_in (VoCtl *ctl, const char *user)
{
  g_autoptr (GVariant) account = vo_ctl_get_all (ctl, vo_dbus_account1_interface_info (),
                                                    VO_OBJECT_PATH, NULL);
  const char *sip_uri = account ? vo_ctl_lookup_string (account, "SipUri") : "";
  const char *service_state = account ? vo_ctl_lookup_string (account, "ServiceState") : "";

  g_print ("Signed in as %s.\n", *sip_uri ? sip_uri : user);
  if (*service_state && !g_str_equal (service_state, "none"))
    g_print ("Virtual Office service: %s.\n", service_state);
}

/* --service takes an https URL with a host: the service speaks HTTPS only
 * (docs/service-api.md §1), so anything else is a typo caught before the
 * password is asked for. */
static gboolean
service_url_is_valid (const char *url, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  /* The URL is not repeated in the messages: it may hold a password. */
  if (uri && g_uri_get_userinfo (uri)) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--service must not carry a user name or password: give the user "
                         "as USER and the password when asked");
    return FALSE;
  }
  if (!uri || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      !g_uri_get_host (uri) || !*g_uri_get_host (uri)) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--service needs the https:// URL of the Virtual Office service "
                         "(https://HOST[:PORT][/PATH])");
    return FALSE;
  }
  return TRUE;
}

/* Only the options given: the daemon applies its defaults to the others. */
static void
add_option (GVariantBuilder *options, const char *key, const char *value)
{
  if (value)
    g_variant_builder_add (options, "{sv}", key, g_variant_new_string (value));
}

#define SIGN_IN_DESCRIPTION \
  "Two ways to sign in:\n" \
  "  through the Virtual Office service: USER and password only, with --service URL\n" \
  "      or with [service] url in vo.conf; the service provides the SIP account,\n" \
  "      the profile (extension, company, photo) and password recovery;\n" \
  "  SIP-only: --registrar (and --domain, --proxy, --transport as needed).\n" \
  "A service with a certificate of a private CA needs [service] ca-file in vo.conf.\n" \
  "\n" \
  "Examples:\n" \
  "  vo-ctl sign-in alice --service https://vo.example.com\n" \
  "  vo-ctl sign-in alice@example.com --registrar pbx.example.com --transport tls"

static int
run_sign_in (VoCtl *ctl, int argc, char **argv)
{
  g_autofree char *registrar = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *proxy = NULL;
  g_autofree char *transport = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *service = NULL;
  gboolean password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "service", 0, 0, G_OPTION_ARG_STRING, &service,
      "The Virtual Office service's https:// URL (then no SIP option is needed)", "URL" },
    { "registrar", 0, 0, G_OPTION_ARG_STRING, &registrar,
      "Where REGISTER goes (host[:port] or sip:/sips: URI)", "HOST" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
      "SIP domain of the address (default: the registrar's host)", "DOMAIN" },
    { "proxy", 0, 0, G_OPTION_ARG_STRING, &proxy, "Outbound proxy (host[:port] or URI)",
      "PROXY" },
    { "transport", 0, 0, G_OPTION_ARG_STRING, &transport, "udp (default), tcp or tls",
      "TRANSPORT" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "Name shown to the people called",
      "NAME" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      "Read the password from the first line of standard input", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusAccount1) account = NULL;
  g_auto (VoCtlSecret) password = NULL;
  g_auto (GVariantBuilder) options = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  const char *user;

  context = vo_ctl_option_context_new (ctl, "sign-in", "USER",
                                       "Sign in and register. USER is a name or name@domain.\n"
                                       "The password is asked for on the terminal, or read from "
                                       "standard input with --password-stdin.",
                                       entries);
  g_option_context_set_description (context, SIGN_IN_DESCRIPTION);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 2)
    return vo_ctl_usage_error ("sign-in", "missing USER");
  if (argc > 2)
    return vo_ctl_usage_error ("sign-in", "too many arguments");
  user = argv[1];

  if (service && !service_url_is_valid (service, &error))
    return vo_ctl_usage_error ("sign-in", "%s", error->message);
  if (transport && !g_strv_contains ((const char *const[]){ "udp", "tcp", "tls", NULL }, transport))
    return vo_ctl_usage_error ("sign-in", "unknown transport '%s' (use udp, tcp or tls)",
                               transport);
  if (!password_stdin && !isatty (STDIN_FILENO))
    return vo_ctl_usage_error ("sign-in", "standard input is not a terminal, so the password "
                                          "cannot be asked for: pass it on standard input with "
                                          "--password-stdin");

  /* Find the daemon before asking for a password it could not use. */
  account = vo_ctl_account_proxy (ctl, &error);
  if (!account)
    return vo_ctl_fail (error);

  password = password_stdin ? read_password_line (STDIN_FILENO, &error)
                            : read_password_tty (&error);
  if (!password)
    return vo_ctl_fail (error);

  add_option (&options, "service", service);
  add_option (&options, "registrar", registrar);
  add_option (&options, "domain", domain);
  add_option (&options, "proxy", proxy);
  add_option (&options, "transport", transport);
  add_option (&options, "display-name", display_name);

  if (!vo_dbus_account1_call_sign_in_sync (account, user, password,
                                           g_variant_builder_end (&options),
                                           G_DBUS_CALL_FLAGS_NONE, SIGN_IN_TIMEOUT_MS, NULL,
                                           &error))
    return vo_ctl_fail (error);

  if (ctl->json)
    return print_status (ctl);

  print_signed_in (ctl, user);
  return VO_CTL_EXIT_OK;
}

/* sign-out */

static int
run_sign_out (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusAccount1) account = NULL;

  context = vo_ctl_option_context_new (ctl, "sign-out", NULL,
                                       "Un-register, forget the stored password and sign out.",
                                       NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc > 1)
    return vo_ctl_usage_error ("sign-out", "too many arguments");

  account = vo_ctl_account_proxy (ctl, &error);
  if (!account)
    return vo_ctl_fail (error);
  if (!vo_dbus_account1_call_sign_out_sync (account, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return vo_ctl_fail (error);

  if (ctl->json)
    return print_status (ctl);
  g_print ("Signed out.\n");
  return VO_CTL_EXIT_OK;
}

/* wait */

typedef struct {
  GMainLoop *loop;
  VoDbusAccount1 *account;
  double timeout;
  guint timeout_id;
  gboolean done;
  int status;
  char *message; /* why it failed, for people */
} WaitData;

static char *
get_string_property (VoDbusAccount1 *account, const char *name)
{
  g_autoptr (GVariant) value = vo_ctl_get_property (account, name, NULL);

  if (!value || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_strdup ("");
  return g_variant_dup_string (value, NULL);
}

static void
wait_finish (WaitData *data, int status, const char *message)
{
  if (data->done)
    return;
  data->done = TRUE;
  data->status = status;
  data->message = g_strdup (message);
  g_main_loop_quit (data->loop);
}

static void
wait_check (WaitData *data)
{
  g_autofree char *registration = get_string_property (data->account, "Registration");
  g_autofree char *state = NULL;
  g_autofree char *last_error = NULL;

  if (g_str_equal (registration, "registered")) {
    wait_finish (data, VO_CTL_EXIT_OK, NULL);
    return;
  }

  /* Error is the state of a refused password: nothing will register until
   * someone signs in again. */
  state = get_string_property (data->account, "State");
  if (g_str_equal (state, "error")) {
    last_error = get_string_property (data->account, "LastError");
    wait_finish (data, VO_CTL_EXIT_FAILURE, *last_error ? last_error : "sign-in failed");
  }
}

static void
on_properties_changed (GDBusProxy *proxy,
                       GVariant   *changed,
                       GStrv       invalidated,
                       gpointer    user_data)
{
  wait_check (user_data);
}

static void
on_name_owner_changed (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (object));

  if (!owner)
    wait_finish (user_data, VO_CTL_EXIT_FAILURE,
                 "vo-daemon left the session bus while waiting for registration");
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  WaitData *data = user_data;
  g_autofree char *last_error = get_string_property (data->account, "LastError");
  g_autofree char *message = NULL;

  data->timeout_id = 0;
  if (*last_error)
    message = g_strdup (last_error);
  else
    message = g_strdup_printf ("timed out after %g s waiting for registration", data->timeout);
  wait_finish (data, VO_CTL_EXIT_FAILURE, message);
  return G_SOURCE_REMOVE;
}

static int
run_wait (VoCtl *ctl, int argc, char **argv)
{
  double timeout = 30;
  const GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout, "Give up after S seconds (default 30)",
      "S" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusAccount1) account = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *message = NULL;
  WaitData data = { 0 };

  context = vo_ctl_option_context_new (ctl, "wait", "registered",
                                       "Wait until the account is registered. Fails as soon as "
                                       "the password is refused, or when time runs out.",
                                       entries);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 2)
    return vo_ctl_usage_error ("wait", "missing what to wait for (registered)");
  if (argc > 2)
    return vo_ctl_usage_error ("wait", "too many arguments");
  if (!g_str_equal (argv[1], "registered"))
    return vo_ctl_usage_error ("wait", "cannot wait for '%s' (only: registered)", argv[1]);
  if (!(timeout >= 0 && timeout <= G_MAXUINT / 1000))
    return vo_ctl_usage_error ("wait", "--timeout needs a number of seconds, not %g", timeout);

  account = vo_ctl_account_proxy (ctl, &error);
  if (!account)
    return vo_ctl_fail (error);

  loop = g_main_loop_new (NULL, FALSE);
  data.loop = loop;
  data.account = account;
  data.timeout = timeout;

  /* The proxy listens to PropertiesChanged from before it read the
   * properties, so no change can fall between this check and the signal. */
  wait_check (&data);
  if (!data.done) {
    g_signal_connect (account, "g-properties-changed", G_CALLBACK (on_properties_changed), &data);
    g_signal_connect (account, "notify::g-name-owner", G_CALLBACK (on_name_owner_changed), &data);
    data.timeout_id = g_timeout_add ((guint) (timeout * 1000), on_wait_timeout, &data);
    g_main_loop_run (loop);
    g_clear_handle_id (&data.timeout_id, g_source_remove);
    g_signal_handlers_disconnect_by_data (account, &data);
  }

  message = g_steal_pointer (&data.message);
  if (data.status != VO_CTL_EXIT_OK)
    return vo_ctl_fail_literal (message);
  return VO_CTL_EXIT_OK;
}

const VoCtlCommand vo_ctl_account_commands[] = {
  { "status", "Show the account and registration state", run_status },
  { "sign-in", "Sign in to an account and register", run_sign_in },
  { "sign-out", "Un-register and forget the password", run_sign_out },
  { "wait", "Wait until registered", run_wait },
  { NULL }
};
