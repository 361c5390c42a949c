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

/* The generated skeletons, implementing their methods on the core objects
 * they export: Calls1 on the root, Call1 per call. */
#define VO_TYPE_DBUS_CALLS (vo_dbus_calls_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusCalls, vo_dbus_calls, VO, DBUS_CALLS, VoDbusCalls1Skeleton)

struct _VoDbusCalls {
  VoDbusCalls1Skeleton parent_instance;
  VoCallManager *manager;
  GDBusObjectManagerServer *object_manager;   /* where calls appear */
  GHashTable *objects;                        /* VoCall * → VoDbusObjectSkeleton * */
};

static void vo_dbus_calls_iface_init (VoDbusCalls1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusCalls, vo_dbus_calls, VO_DBUS_TYPE_CALLS1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_CALLS1,
                                                      vo_dbus_calls_iface_init))

#define VO_TYPE_DBUS_CALL (vo_dbus_call_get_type ())
G_DECLARE_FINAL_TYPE (VoDbusCall, vo_dbus_call, VO, DBUS_CALL, VoDbusCall1Skeleton)

struct _VoDbusCall {
  VoDbusCall1Skeleton parent_instance;
  VoCall *call;
  VoCallManager *manager;
};

static void vo_dbus_call_iface_init (VoDbusCall1Iface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VoDbusCall, vo_dbus_call, VO_DBUS_TYPE_CALL1_SKELETON,
                               G_IMPLEMENT_INTERFACE (VO_DBUS_TYPE_CALL1,
                                                      vo_dbus_call_iface_init))

static char *
call_path (VoCall *call)
{
  return g_strdup_printf ("%s/calls/%u", VO_OBJECT_PATH, vo_call_get_id (call));
}

static VoCall *
call_of (gpointer skeleton)
{
  return VO_DBUS_CALL (skeleton)->call;
}

static VoCallManager *
manager_of (gpointer skeleton)
{
  return VO_DBUS_CALL (skeleton)->manager;
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
vo_dbus_call_dispose (GObject *object)
{
  VoDbusCall *self = VO_DBUS_CALL (object);

  g_clear_object (&self->call);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (vo_dbus_call_parent_class)->dispose (object);
}

static void
vo_dbus_call_class_init (VoDbusCallClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_call_dispose;
}

static void
vo_dbus_call_iface_init (VoDbusCall1Iface *iface)
{
  iface->handle_answer = on_answer;
  iface->handle_hangup = on_hangup;
  iface->handle_reject = on_reject;
  iface->handle_hold = on_hold;
  iface->handle_resume = on_resume;
  iface->handle_send_dtmf = on_send_dtmf;
  iface->handle_transfer = on_transfer;
}

static void
vo_dbus_call_init (VoDbusCall *self)
{
}

static void
on_call_added (VoCallManager *manager, VoCall *call, gpointer user_data)
{
  VoDbusCalls *self = user_data;
  g_autofree char *path = call_path (call);
  g_autoptr(VoDbusObjectSkeleton) object = vo_dbus_object_skeleton_new (path);
  g_autoptr(VoDbusCall) skeleton = g_object_new (VO_TYPE_DBUS_CALL, NULL);

  skeleton->call = g_object_ref (call);
  skeleton->manager = g_object_ref (manager);
  vo_dbus_mirror_properties (G_OBJECT (call), G_DBUS_INTERFACE_SKELETON (skeleton), mirrored);
  g_signal_connect (skeleton, "notify::muted", G_CALLBACK (on_skeleton_muted), NULL);
  g_signal_connect_object (call, "dtmf-received", G_CALLBACK (on_call_dtmf), skeleton, 0);

  vo_dbus_object_skeleton_set_call1 (object, VO_DBUS_CALL1 (skeleton));
  g_dbus_object_manager_server_export (self->object_manager, G_DBUS_OBJECT_SKELETON (object));
  g_hash_table_insert (self->objects, call, g_object_ref (object));
  if (vo_call_is_incoming (call))
    vo_dbus_calls1_emit_incoming (VO_DBUS_CALLS1 (self), path);
}

static void
on_call_ended (VoCallManager *manager, VoCall *call, gpointer user_data)
{
  VoDbusCalls *self = user_data;
  VoDbusObjectSkeleton *object = g_hash_table_lookup (self->objects, call);
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
  g_dbus_object_manager_server_unexport (self->object_manager, path);
  g_hash_table_remove (self->objects, call);
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
         GVariant *options)
{
  g_autoptr(GError) error = NULL;
  const VoDbusOption no_options[] = { { NULL } };

  if (!vo_dbus_options_parse (options, "Dial", no_options, &error)) {
    vo_error_return_gerror (invocation, error);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  vo_call_manager_dial_async (VO_DBUS_CALLS (skeleton)->manager, target, on_dialled,
                              invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
vo_dbus_calls_dispose (GObject *object)
{
  VoDbusCalls *self = VO_DBUS_CALLS (object);

  g_clear_pointer (&self->objects, g_hash_table_unref);
  g_clear_object (&self->manager);
  g_clear_object (&self->object_manager);
  G_OBJECT_CLASS (vo_dbus_calls_parent_class)->dispose (object);
}

static void
vo_dbus_calls_class_init (VoDbusCallsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vo_dbus_calls_dispose;
}

static void
vo_dbus_calls_iface_init (VoDbusCalls1Iface *iface)
{
  iface->handle_dial = on_dial;
}

static void
vo_dbus_calls_init (VoDbusCalls *self)
{
  self->objects = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

GDBusInterfaceSkeleton *
vo_dbus_calls_new (VoCallManager *manager, GDBusObjectManagerServer *object_manager)
{
  VoDbusCalls *self = g_object_new (VO_TYPE_DBUS_CALLS, NULL);

  self->manager = g_object_ref (manager);
  self->object_manager = g_object_ref (object_manager);
  g_signal_connect_object (manager, "call-added", G_CALLBACK (on_call_added), self, 0);
  g_signal_connect_object (manager, "call-ended", G_CALLBACK (on_call_ended), self, 0);
  return G_DBUS_INTERFACE_SKELETON (self);
}
