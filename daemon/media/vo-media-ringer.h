/* vo-media-ringer.h: the ring tone of an incoming call.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VO_TYPE_MEDIA_RINGER (vo_media_ringer_get_type ())
G_DECLARE_FINAL_TYPE (VoMediaRinger, vo_media_ringer, VO, MEDIA_RINGER, GObject)

/* Cheap: no pipeline exists until start. */
VoMediaRinger *vo_media_ringer_new (void);

/* Rings on @device (the RingOutput setting: a PipeWire node.name or
 * object.serial; "" or NULL: the default output) until stopped. Starting
 * again while ringing moves the tone to @device. VO_MEDIA_RING_SINK replaces
 * the PipeWire output by a bin description (tests, diagnosis). */
gboolean vo_media_ringer_start (VoMediaRinger *self, const char *device, GError **error);
/* Silences the tone and releases the pipeline. */
void vo_media_ringer_stop (VoMediaRinger *self);
gboolean vo_media_ringer_is_ringing (VoMediaRinger *self);

G_END_DECLS
