/* vo-dbus-calls.c: Calls1 on the root, Call1 objects under /org/virtualoffice/calls.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "vo-dbus"

#include "config.h"
#include "vo-dbus-calls.h"
#include "vo-enum-types.h"
#include "vo-dbus-generated.h"
#include "vo-dbus-util.h"
#include "vo-dbus-error.h"
#include "vo-dbus-options.h"

static const char *const mirrored[] = {
  "state", "direction", "remote-uri", "remote-name", "contact-id", "start-time", "answer-time",
  "muted", "held", "remote-held", "codec", "encrypted", "end-reason",
  "media-error", NULL
};

typedef struct {
  VoCallManager *manager;
  GDBusObjectManagerServer *object_manager;
  VoDbusCalls1 *skeleton;   /* not owned: it owns us */
  GHashTable *objects;      /* VoCall * → VoDbusObjectSkeleton * */
} CallsGlue;

static void
calls_glue_free (CallsGlue *glue)
{
  g_signal_handlers_disconnect_by_data (glue->manager, glue);
  g_hash_table_unref (glue->objects);
  g_object_unref (glue->manager);
  g_object_unref (glue->object_manager);
  g_free (glue);
}

static char *
call_path (VoCall *call)
{
  return g_strdup_printf ("%s/calls/%u", VO_OBJECT_PATH, vo_call_get_id (call));
}

static VoCall *
call_of (gpointer skeleton)
{
  return g_object_get_data (G_OBJECT (skeleton), "vo-call");
}

static VoCallManager *
manager_of (gpointer skeleton)
{
  return g_object_get_data (G_OBJECT (skeleton), "vo-call-manager");
}

/* Simple actions share one shape: call, then answer or return the error. */
typedef gboolean (*CallAction) (VoCall *call, GError **error);

static void
run_action (GDBusMethodInvocation *invocation, gboolean ok, GError *error)
{
  if (ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    vo_error_return_gerror (invocation, error);
  g_clear_error (&error);
}

static gboolean
on_answer (VoDbusCall1 *skeleton, GDBusMethodInvocation *invocation)
{
  GError *error = NULL;
  gboolean ok = vo_call_manager_answer (manager_of (skeleton), call_of (skeleton), &error);

  run_action (invocation, ok, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

#define SIMPLE_ACTION(name, func)                                              \
  static gboolean name (VoDbusCall1 *skeleton, GDBusMethodInvocation *invocation) \
  {                                                                            \
    GError *error = NULL;                                                      \
    gboolean ok = func (call_of (skeleton), &error);                           \
    run_action (invocation, ok, error);                                        \
    return G_DBUS_METHOD_INVOCATION_HANDLED;                                   \
  }

SIMPLE_ACTION (on_hangup, vo_call_hangup)
SIMPLE_ACTION (on_reject, vo_call_reject)

/* Hold() and Resume() answer once the peer has answered the re-INVITE. */
static void
on_hold_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  gboolean ok = vo_call_hold_finish (VO_CALL (source), result, &error);

  run_action (user_data, ok, error);
}

static gboolean
on_hold (VoDbusCall1 *skeleton, GDBusMethodInvocation *invocation)
{
  vo_call_hold_async (call_of (skeleton), TRUE, on_hold_done, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_resume (VoDbusCall1 *skeleton, GDBusMethodInvocation *invocation)
{
  vo_call_hold_async (call_of (skeleton), FALSE, on_hold_done, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_send_dtmf (VoDbusCall1 *skeleton, GDBusMethodInvocation *invocation, const char *digits)
{
  GError *error = NULL;
  gboolean ok = vo_call_send_dtmf (call_of (skeleton), digits, &error);

  run_action (invocation, ok, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_transferred (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  GError *error = NULL;
  gboolean ok = vo_call_manager_transfer_finish (VO_CALL_MANAGER (source), result, &error);

  run_action (invocation, ok, error);
}

static gboolean
on_transfer (VoDbusCall1 *skeleton, GDBusMethodInvocation *invocation, const char *target)
{
  vo_call_manager_transfer_async (manager_of (skeleton), call_of (skeleton), target,
                                  on_transferred, g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_skeleton_muted (GObject *skeleton, GParamSpec *pspec, gpointer user_data)
{
  /* Properties.Set Muted: pass it to the call (equal values are ignored). */
  vo_call_set_muted (call_of (skeleton), vo_dbus_call1_get_muted (VO_DBUS_CALL1 (skeleton)));
}

static void
on_call_dtmf (VoCall *call, const char *digit, gpointer user_data)
{
  vo_dbus_call1_emit_dtmf_received (VO_DBUS_CALL1 (user_data), digit);
}

static void
on_call_added (VoCallManager *manager, VoCall *call, gpointer user_data)
{
  CallsGlue *glue = user_data;
  g_autofree char *path = call_path (call);
  g_autoptr(VoDbusObjectSkeleton) object = vo_dbus_object_skeleton_new (path);
  g_autoptr(VoDbusCall1) skeleton = vo_dbus_call1_skeleton_new ();

  g_object_set_data_full (G_OBJECT (skeleton), "vo-call", g_object_ref (call), g_object_unref);
  g_object_set_data_full (G_OBJECT (skeleton), "vo-call-manager", g_object_ref (manager),
                          g_object_unref);
  vo_dbus_mirror_properties (G_OBJECT (call), G_DBUS_INTERFACE_SKELETON (skeleton), mirrored);
  g_signal_connect (skeleton, "handle-answer", G_CALLBACK (on_answer), NULL);
  g_signal_connect (skeleton, "handle-hangup", G_CALLBACK (on_hangup), NULL);
  g_signal_connect (skeleton, "handle-reject", G_CALLBACK (on_reject), NULL);
  g_signal_connect (skeleton, "handle-hold", G_CALLBACK (on_hold), NULL);
  g_signal_connect (skeleton, "handle-resume", G_CALLBACK (on_resume), NULL);
  g_signal_connect (skeleton, "handle-send-dtmf", G_CALLBACK (on_send_dtmf), NULL);
  g_signal_connect (skeleton, "handle-transfer", G_CALLBACK (on_transfer), NULL);
  g_signal_connect (skeleton, "notify::muted", G_CALLBACK (on_skeleton_muted), NULL);
  g_signal_connect_object (call, "dtmf-received", G_CALLBACK (on_call_dtmf), skeleton, 0);

  vo_dbus_object_skeleton_set_call1 (object, skeleton);
  g_dbus_object_manager_server_export (glue->object_manager, G_DBUS_OBJECT_SKELETON (object));
  g_hash_table_insert (glue->objects, call, g_object_ref (object));
  if (vo_call_is_incoming (call))
    vo_dbus_calls1_emit_incoming (glue->skeleton, path);
}

static void
on_call_ended (VoCallManager *manager, VoCall *call, gpointer user_data)
{
  CallsGlue *glue = user_data;
  VoDbusObjectSkeleton *object = g_hash_table_lookup (glue->objects, call);
  g_autoptr(VoDbusCall1) skeleton = NULL;
  g_autofree char *path = call_path (call);

  if (!object)
    return;
  skeleton = vo_dbus_object_get_call1 (VO_DBUS_OBJECT (object));
  if (skeleton) {
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (skeleton));
    vo_dbus_call1_emit_ended (skeleton, vo_enum_to_nick (VO_TYPE_CALL_END_REASON,
                                                         vo_call_get_end_reason (call)));
    g_signal_handlers_disconnect_by_data (call, skeleton);
  }
  /* Ended goes out before InterfacesRemoved: the object leaves the bus last. */
  g_dbus_object_manager_server_unexport (glue->object_manager, path);
  g_hash_table_remove (glue->objects, call);
}

static void
on_dialled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VoCall) call = vo_call_manager_dial_finish (VO_CALL_MANAGER (source), result,
                                                        &error);
  g_autofree char *path = NULL;

  if (!call) {
    vo_error_return_gerror (invocation, error);
    return;
  }
  path = call_path (call);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", path));
}

static gboolean
on_dial (VoDbusCalls1 *skeleton, GDBusMethodInvocation *invocation, const char *target,
         GVariant *options, gpointer user_data)
{
  CallsGlue *glue = user_data;
  g_autoptr(GError) error = NULL;
  const VoDbusOption no_options[] = { { NULL } };

  if (!vo_dbus_options_parse (options, "Dial", no_options, &error)) {
    vo_error_return_gerror (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  vo_call_manager_dial_async (glue->manager, target, on_dialled, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

GDBusInterfaceSkeleton *
vo_dbus_calls_new (VoCallManager *manager, GDBusObjectManagerServer *object_manager)
{
  VoDbusCalls1 *skeleton = vo_dbus_calls1_skeleton_new ();
  CallsGlue *glue = g_new0 (CallsGlue, 1);

  glue->manager = g_object_ref (manager);
  glue->object_manager = g_object_ref (object_manager);
  glue->skeleton = skeleton;
  glue->objects = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_object_set_data_full (G_OBJECT (skeleton), "vo-calls-glue", glue,
                          (GDestroyNotify) calls_glue_free);
  g_signal_connect (skeleton, "handle-dial", G_CALLBACK (on_dial), glue);
  g_signal_connect (manager, "call-added", G_CALLBACK (on_call_added), glue);
  g_signal_connect (manager, "call-ended", G_CALLBACK (on_call_ended), glue);
  return G_DBUS_INTERFACE_SKELETON (skeleton);
}
