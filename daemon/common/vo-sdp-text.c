/* vo-sdp-text.c: the m= lines Sofia-SIP 1.12.11 can parse, checked as text.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-sdp-text.h"

#include <string.h>

/* Sofia-SIP 1.12.11 loops, allocating until memory runs out, on an m= line
 * whose format list has a character that is no RFC 4566 token ("m=audio 5
 * X @", "m=audio 5 X /1"; fixed upstream by freeswitch/sofia-sip a953f25
 * "fix parse m-line"; found by tests/fuzz/fuzz-sdp). Such SDP is refused
 * before Sofia reads it: each m= line must be media SP port["/"n] SP proto
 * then tokens, read the way Sofia reads it. */
#define SDP_TOKEN "-!#$%&'*+.^_`{|}~0123456789" \
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

static gboolean
m_line_parsable (const char *line)
{
  const char *p = line + 2 + strspn (line + 2, " \t");
  gsize n;

  if (!(n = strspn (p, SDP_TOKEN)) || p[n] != ' ')
    return FALSE;
  p += n + strspn (p + n, " ");
  if (!(n = strspn (p, "0123456789")))
    return FALSE;
  p += n;
  if (*p == '/') {
    if (!(n = strspn (++p, "0123456789")))
      return FALSE;
    p += n;
  }
  p += strspn (p, " ");
  if (!(n = strspn (p, "/" SDP_TOKEN)))
    return FALSE;
  p += n;
  return p[strspn (p, " " SDP_TOKEN)] == '\0';
}

gboolean
vo_sdp_text_parsable (const char *sdp, gsize len)
{
  for (gsize i = 0; i < len;) {
    gsize end = i;

    while (end < len && sdp[end] != '\r' && sdp[end] != '\n')
      end++;
    /* Sofia starts a line after any CR or LF, past spaces and tabs. */
    while (i < end && (sdp[i] == ' ' || sdp[i] == '\t'))
      i++;
    if (end - i >= 2 && sdp[i] == 'm' && sdp[i + 1] == '=') {
      g_autofree char *line = g_strndup (sdp + i, end - i);

      if (strlen (line) != end - i || !m_line_parsable (line))
        return FALSE;
    }
    i = end + 1;
  }
  return TRUE;
}
