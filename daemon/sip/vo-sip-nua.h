/* vo-sip-nua.h: the one place that includes Sofia's nua.h, so every file
 * agrees on what the handle magic is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

/* Every nua handle the daemon creates carries one of these as its magic; the
 * stack passes the handle's events to @func. */
typedef struct VoSipHandleMagic VoSipHandleMagic;
#define NUA_HMAGIC_T VoSipHandleMagic
#define NUA_MAGIC_T void
#define SU_ROOT_MAGIC_T void

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/url.h>

typedef void (*VoSipEventFunc) (gpointer owner, nua_event_t event, int status,
                                const char *phrase, nua_handle_t *nh, const sip_t *sip,
                                tagi_t tags[]);

struct VoSipHandleMagic {
  VoSipEventFunc func;
  gpointer owner;
};
