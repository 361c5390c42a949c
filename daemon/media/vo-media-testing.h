/* vo-media-testing.h: hooks for tests/unit/test-media.c only. Production code
 * never includes this; the daemon's own test knobs are the VO_MEDIA_SOURCE,
 * VO_MEDIA_SINK and VO_MEDIA_RING_SINK environment variables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-media-ringer.h"
#include "vo-media-session.h"

#include <gst/gst.h>

G_BEGIN_DECLS

/* Like VO_MEDIA_SOURCE / VO_MEDIA_SINK, but for one session, so two sessions
 * in one process can play different tones. Applies from the next start or
 * device change. */
void vo_media_session_set_endpoints_for_testing (VoMediaSession *self, const char *source,
                                                 const char *sink);

/* The element called @name in the running pipeline (searched recursively),
 * or NULL (also when no pipeline exists). Free with gst_object_unref(). */
GstElement *vo_media_session_get_element_for_testing (VoMediaSession *self, const char *name);
GstElement *vo_media_ringer_get_element_for_testing (VoMediaRinger *self, const char *name);

G_END_DECLS
