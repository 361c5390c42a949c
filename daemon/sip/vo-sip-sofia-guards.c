/* vo-sip-sofia-guards.c: Sofia-SIP 1.12.11 functions that hostile input
 * breaks, replaced for the whole process by guarded versions.
 *
 * Debian's libsofia-sip-ua0 (1.12.11) has parser bugs that are fixed (or
 * not) only upstream, and Sofia reaches them by itself, before the daemon
 * sees a request: its offer/answer engine (SOA) parses the SDP of every
 * incoming INVITE in nua_invite_server_preprocess(). The library calls both
 * functions below through its PLT, so a definition in the executable takes
 * their place everywhere (ELF symbol interposition); each checks its input
 * and then calls the library's own (dlsym RTLD_NEXT). This file is linked
 * into the vo-daemon executable itself, never into a library, so that the
 * executable exports these symbols.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "vo-sip"

#include "vo-sdp-text.h"

#include <dlfcn.h>
#include <string.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/url.h>

typedef sdp_parser_t *(*SdpParseFunc) (su_home_t *, char const[], issize_t, int);
typedef isize_t (*UrlParamFunc) (char const *, char const *, char[], isize_t);

static gpointer
library_function (const char *name)
{
  gpointer function = dlsym (RTLD_NEXT, name);

  if (!function)
    g_error ("Sofia-SIP's %s() is missing: %s", name, dlerror ());
  return function;
}

/* An m= line with a non-token format ("m=audio 5 RTP/AVP @") makes the
 * library allocate until memory runs out: such SDP is given to it as an
 * empty message instead, which it refuses as "bad SDP message" (SOA then
 * answers the INVITE 400 or 488, and the call never exists). */
sdp_parser_t *
sdp_parse (su_home_t *home, char const msg[], issize_t msgsize, int flags)
{
  static gsize found;
  static SdpParseFunc library_sdp_parse;
  gsize len;

  if (g_once_init_enter (&found)) {
    library_sdp_parse = (SdpParseFunc) library_function ("sdp_parse");
    g_once_init_leave (&found, 1);
  }
  len = msg ? (msgsize < 0 ? strlen (msg) : (gsize) msgsize) : 0;
  if (msg && !vo_sdp_text_parsable (msg, len)) {
    g_debug ("Refused SDP with an m= line Sofia-SIP cannot parse");
    return library_sdp_parse (home, "", 0, flags);
  }
  return library_sdp_parse (home, msg, msgsize, flags);
}

/* The library reads past the end of @params when its last parameter only
 * begins with @tag (";userx" for "user"; still so upstream): a ';' after
 * the last parameter gives it the end it looks for. */
isize_t
url_param (char const *params, char const *tag, char value[], isize_t vlen)
{
  static gsize found;
  static UrlParamFunc library_url_param;
  g_autofree char *terminated = NULL;

  if (g_once_init_enter (&found)) {
    library_url_param = (UrlParamFunc) library_function ("url_param");
    g_once_init_leave (&found, 1);
  }
  if (params)
    terminated = g_strconcat (params, ";", NULL);
  return library_url_param (terminated ? terminated : params, tag, value, vlen);
}
