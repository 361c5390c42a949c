/* vo-sip-call-private.h: what the stack and the call share inside sip/, in
 * Sofia's types; the core sees only vo-sip-call.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-call.h"
#include "vo-sip-nua.h"

G_BEGIN_DECLS

/* Takes over the new incoming INVITE @sip on @nh (the stack then announces
 * the call with "incoming-call"). */
VoSipCall *vo_sip_call_new_incoming (VoSipStack *stack, nua_handle_t *nh, const sip_t *sip);

G_END_DECLS
