/* vo-ctl-call.h: one call as the call commands see it (dial, calls and the
 * actions on a call), how to find it and how to print it.
 *
 * A call is named by its number N (the last part of /org/virtualoffice/calls/N,
 * shown as ID by `vo-ctl calls`) or by its object path; with a single call
 * the name may be left out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-ctl-common.h"

G_BEGIN_DECLS

#define VO_CTL_CALLS_PATH VO_OBJECT_PATH "/calls"

/* One call as the daemon announced it. */
typedef struct {
  guint64 number; /* N of VO_CTL_CALLS_PATH/N; 0 when the path has another form */
  char *path;
  GVariant *properties; /* Call1's a{sv} */
} VoCtlCall;

/* Takes PROPERTIES (a floating or a full reference). */
VoCtlCall *vo_ctl_call_new (const char *path, GVariant *properties);
void vo_ctl_call_free (VoCtlCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoCtlCall, vo_ctl_call_free)

/* Replaces the call's properties with PROPERTIES (floating or full). */
void vo_ctl_call_set_properties (VoCtlCall *call, GVariant *properties);

/* A Call1 property, "" / 0 / FALSE when absent. */
const char *vo_ctl_call_string (const VoCtlCall *call, const char *name);
gint64 vo_ctl_call_int64 (const VoCtlCall *call, const char *name);
gboolean vo_ctl_call_boolean (const VoCtlCall *call, const char *name);

/* "call 3 (Bob)" */
char *vo_ctl_call_label (const VoCtlCall *call);

/* The call's properties with State ended and EndReason REASON (when known). */
void vo_ctl_call_set_ended (VoCtlCall *call, const char *reason);

/* The daemon's calls (VoCtlCall), in order of their number. */
GPtrArray *vo_ctl_list_calls (VoCtl *ctl, GError **error);

/* Call1's properties of PATH, fresh (a{sv}). */
GVariant *vo_ctl_get_call_properties (VoCtl *ctl, const char *path, GError **error);

/* What D-Bus answers for an object that is not (or no longer) there. */
gboolean vo_ctl_is_gone_error (const GError *error);

/* CALLS as a table with a title line, each line starting with INDENT. */
char *vo_ctl_format_calls_table (GPtrArray *calls, const char *indent);

/* The call as JSON: {id, path, the Call1 properties in kebab-case}. */
void vo_ctl_add_call_json (JsonBuilder *builder, const VoCtlCall *call);
void vo_ctl_print_call_json (const VoCtlCall *call);

G_END_DECLS
