/* vo-service-error.c: the service's error domain and its mapping to VoError.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vo-service-error.h"
#include "vo-error.h"

G_DEFINE_QUARK (vo-service-error-quark, vo_service_error)

gboolean
vo_service_error_is_transient (const GError *error)
{
  return error && error->domain == VO_SERVICE_ERROR &&
         (error->code == VO_SERVICE_ERROR_UNREACHABLE || error->code == VO_SERVICE_ERROR_SERVER ||
          error->code == VO_SERVICE_ERROR_UNREADABLE);
}

GError *
vo_service_error_to_vo (const GError *error)
{
  VoError code = VO_ERROR_FAILED;

  if (error->domain != VO_SERVICE_ERROR)
    return g_error_copy (error);
  switch ((VoServiceErrorCode) error->code) {
  case VO_SERVICE_ERROR_INVALID_CREDENTIALS:
  case VO_SERVICE_ERROR_SESSION_ENDED:
    code = VO_ERROR_AUTH_FAILED;
    break;
  case VO_SERVICE_ERROR_FORBIDDEN:
    code = VO_ERROR_PERMISSION_DENIED;
    break;
  case VO_SERVICE_ERROR_UNREACHABLE:
  case VO_SERVICE_ERROR_SERVER:
  case VO_SERVICE_ERROR_UNREADABLE:
  case VO_SERVICE_ERROR_CERTIFICATE:
    code = VO_ERROR_NETWORK;
    break;
  case VO_SERVICE_ERROR_INVALID_REQUEST:
  case VO_SERVICE_ERROR_TOO_LARGE:
  case VO_SERVICE_ERROR_UNSUPPORTED_TYPE:
    code = VO_ERROR_INVALID_ARGUMENT;
    break;
  case VO_SERVICE_ERROR_NOT_FOUND:
    code = VO_ERROR_NOT_FOUND;
    break;
  case VO_SERVICE_ERROR_CONFLICT:
    code = VO_ERROR_INVALID_STATE;
    break;
  case VO_SERVICE_ERROR_SYNC_EXPIRED:
  case VO_SERVICE_ERROR_CANCELLED:
  default:
    code = VO_ERROR_FAILED;
    break;
  }
  return g_error_new_literal (VO_ERROR, code, error->message);
}
