/* vo-ctl-service.c: the commands that need the Virtual Office service —
 * reset-password, recover-username and photo.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE /* memfd_create */
#include "config.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>

#include "vo-ctl-common.h"

/* An upload of up to 2 MiB to the service goes through the daemon before
 * the answer comes back: more than the D-Bus default on a slow link. */
#define PHOTO_TIMEOUT_MS (60 * 1000)

#define PHOTO_USAGE "[set FILE | clear]"
#define PHOTO_DESCRIPTION \
  "Actions:\n" \
  "  (none)      print the path of the cached copy of your photo (nothing when\n" \
  "              there is none)\n" \
  "  set FILE    upload FILE as your photo: a JPEG or PNG (the daemon checks the\n" \
  "              content, not the name), at most 2 MiB\n" \
  "  clear       remove your photo (vo-ctl passes an empty memfd: a file of size 0\n" \
  "              clears the photo)\n" \
  "\n" \
  "Needs an account signed in through the Virtual Office service."

/* Prints MESSAGE, or {"message": MESSAGE} with --json. */
static void
print_message (VoCtl *ctl, const char *message)
{
  g_autoptr (JsonBuilder) builder = NULL;

  if (!ctl->json) {
    g_print ("%s\n", message);
    return;
  }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  vo_ctl_print_builder_json (builder);
}

/* reset-password, recover-username */

/* Both commands take exactly one argument, of which the service does not
 * tell whether it knows it; only the call and the sentence differ. */
typedef gboolean (*RecoveryCall) (VoDbusAccount1 *proxy, const char *argument,
                                  GDBusCallFlags call_flags, gint timeout_msec,
                                  GCancellable *cancellable, GError **error);

typedef struct {
  const char *name;
  const char *parameter;
  const char *summary;
  RecoveryCall call;
  const char *done; /* the sentence after "If ARGUMENT" */
} Recovery;

static const Recovery reset_password = {
  "reset-password", "USER",
  "Ask the Virtual Office service to e-mail USER a link to choose a new password.\n"
  "Works signed out too, with [service] url in vo.conf.",
  vo_dbus_account1_call_reset_password_sync,
  " is a Virtual Office user, a reset link is on its way to their e-mail address.",
};

static const Recovery recover_username = {
  "recover-username", "EMAIL",
  "Ask the Virtual Office service to e-mail the user name of the account created with "
  "EMAIL.\nWorks signed out too, with [service] url in vo.conf.",
  vo_dbus_account1_call_recover_username_sync,
  " belongs to a Virtual Office user, their user name is on its way to it.",
};

static int
run_recovery (const Recovery *recovery, VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VoDbusAccount1) account = NULL;
  g_autofree char *message = NULL;

  context = vo_ctl_option_context_new (ctl, recovery->name, recovery->parameter,
                                       recovery->summary, NULL);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;
  if (argc < 2)
    return vo_ctl_usage_error (recovery->name, "missing %s", recovery->parameter);
  if (argc > 2)
    return vo_ctl_usage_error (recovery->name, "too many arguments");

  account = vo_ctl_proxy (ctl, account1, ACCOUNT1, VO_OBJECT_PATH, &error);
  if (!account ||
      !recovery->call (account, argv[1], G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
    return vo_ctl_fail (error);

  message = g_strconcat ("If ", argv[1], recovery->done, NULL);
  print_message (ctl, message);
  return VO_CTL_EXIT_OK;
}

static int
run_reset_password (VoCtl *ctl, int argc, char **argv)
{
  return run_recovery (&reset_password, ctl, argc, argv);
}

static int
run_recover_username (VoCtl *ctl, int argc, char **argv)
{
  return run_recovery (&recover_username, ctl, argc, argv);
}

/* photo */

/* An empty file that is no file on disk: what SetProfilePhoto takes as
 * "no photo". */
static int
open_empty (GError **error)
{
  int fd = memfd_create ("vo-ctl-no-photo", MFD_CLOEXEC);

  if (fd < 0) {
    int saved_errno = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "cannot make an empty file to clear the photo with: %s",
                 g_strerror (saved_errno));
  }
  return fd;
}

static gboolean
set_photo (VoCtl *ctl, int fd, GError **error)
{
  g_autoptr (VoDbusAccount1) account = NULL;
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new_from_array (&fd, 1); /* takes fd */

  account = vo_ctl_proxy (ctl, account1, ACCOUNT1, VO_OBJECT_PATH, error);
  return account &&
         vo_dbus_account1_call_set_profile_photo_sync (account, g_variant_new_handle (0),
                                                       G_DBUS_CALL_FLAGS_NONE, PHOTO_TIMEOUT_MS,
                                                       fds, NULL, NULL, error);
}

/* The path of the cached photo, fresh from the daemon ("" when none). */
static char *
get_photo_path (VoCtl *ctl, GError **error)
{
  g_autoptr (GVariant) account = vo_ctl_get_all (ctl, vo_dbus_account1_interface_info (),
                                                 VO_OBJECT_PATH, error);

  return account ? g_strdup (vo_ctl_lookup_string (account, "PhotoPath")) : NULL;
}

static int
print_photo_path (VoCtl *ctl)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = get_photo_path (ctl, &error);
  g_autoptr (JsonBuilder) builder = NULL;

  if (!path)
    return vo_ctl_fail (error);
  if (!ctl->json) {
    /* Nothing at all without a photo, so that "$(vo-ctl photo)" is a path or empty. */
    if (*path)
      g_print ("%s\n", path);
    return VO_CTL_EXIT_OK;
  }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "photo-path");
  json_builder_add_string_value (builder, path);
  json_builder_end_object (builder);
  vo_ctl_print_builder_json (builder);
  return VO_CTL_EXIT_OK;
}

static int
run_photo (VoCtl *ctl, int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean clear;
  int fd;

  context = vo_ctl_option_context_new (ctl, "photo", PHOTO_USAGE,
                                       "Show, set or clear your profile photo.", NULL);
  g_option_context_set_description (context, PHOTO_DESCRIPTION);
  if (!vo_ctl_parse (context, &argc, &argv))
    return VO_CTL_EXIT_USAGE;

  if (argc == 1)
    return print_photo_path (ctl);
  clear = g_str_equal (argv[1], "clear") && argc == 2;
  if (!clear && !(g_str_equal (argv[1], "set") && argc == 3))
    return vo_ctl_usage_error ("photo", "use 'photo', 'photo set FILE' or 'photo clear'");

  /* Find the daemon before opening anything it could not take. */
  if (!vo_ctl_connect (ctl, &error))
    return vo_ctl_fail (error);
  fd = clear ? open_empty (&error) : vo_ctl_open_file (argv[2], "a JPEG or PNG image file", &error);
  if (fd < 0 || !set_photo (ctl, fd, &error))
    return vo_ctl_fail (error);

  if (ctl->json)
    return print_photo_path (ctl);
  if (clear) {
    g_print ("Profile photo cleared.\n");
    return VO_CTL_EXIT_OK;
  }
  path = get_photo_path (ctl, &error);
  if (!path)
    return vo_ctl_fail (error);
  g_print ("Profile photo set: %s\n", path);
  return VO_CTL_EXIT_OK;
}

const VoCtlCommand vo_ctl_service_commands[] = {
  { "reset-password", "E-mail a password reset link (Virtual Office service)",
    run_reset_password },
  { "recover-username", "E-mail the user name of an address (Virtual Office service)",
    run_recover_username },
  { "photo", "Show, set or clear the profile photo", run_photo },
  { NULL }
};
