/* vo-sip-stack.h: Sofia-SIP's user agent on the GLib main loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VO_TYPE_SIP_STACK (vo_sip_stack_get_type ())
G_DECLARE_FINAL_TYPE (VoSipStack, vo_sip_stack, VO, SIP_STACK, GObject)

/* Creates the stack with UDP and TCP transports on @bind_host ("" or "*" for
 * every address), ephemeral ports. Everything runs on the default main context. */
VoSipStack *vo_sip_stack_new (const char *bind_host, GError **error);

/* The nua_t *; typed as a pointer so this header stays free of Sofia's. */
gpointer vo_sip_stack_get_nua (VoSipStack *self);
gboolean vo_sip_stack_has_tls (VoSipStack *self);

/* nua_shutdown, then waits for nua_r_shutdown (bounded), then nua_destroy. */
void vo_sip_stack_shutdown_async (VoSipStack *self, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean vo_sip_stack_shutdown_finish (VoSipStack *self, GAsyncResult *result,
                                       GError **error);

G_END_DECLS
