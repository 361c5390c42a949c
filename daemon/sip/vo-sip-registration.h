/* vo-sip-registration.h: one REGISTER binding, kept alive.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vo-sip-stack.h"
#include "vo-states.h"

G_BEGIN_DECLS

typedef enum {
  VO_SIP_FAILURE_NONE,
  VO_SIP_FAILURE_AUTH,     /* the registrar refused our credentials: not retried */
  VO_SIP_FAILURE_NETWORK,  /* no answer or a transport error: retried with backoff */
  VO_SIP_FAILURE_REFUSED,  /* another final error from the registrar: retried */
  VO_SIP_FAILURE_CERTIFICATE, /* the TLS server's certificate was refused: not retried */
} VoSipFailure;

/* What to register; strings are copied. */
typedef struct {
  const char *user;         /* user part of the address-of-record */
  const char *domain;       /* host[:port] of the address-of-record */
  const char *registrar;    /* sip:/sips: URI REGISTER is sent to */
  const char *proxy;        /* outbound proxy URI, or NULL */
  const char *display_name; /* or NULL */
  guint expires_s;          /* asked for in REGISTER */
  guint retry_max_s;        /* backoff cap */
  guint keepalive_s;        /* OPTIONS to our own address this often while
                             * registered, 0 for none: see registration_ping */
} VoSipRegistrationInfo;

#define VO_TYPE_SIP_REGISTRATION (vo_sip_registration_get_type ())
G_DECLARE_FINAL_TYPE (VoSipRegistration, vo_sip_registration, VO, SIP_REGISTRATION, GObject)

VoSipRegistration *vo_sip_registration_new (VoSipStack *stack, const VoSipRegistrationInfo *info,
                                            const char *password);

/* Sends the first REGISTER. Progress is reported by the "changed" signal. */
void vo_sip_registration_start (VoSipRegistration *self);
/* REGISTERs again now (the network changed), or retries now if failed. */
void vo_sip_registration_refresh (VoSipRegistration *self);

/* Un-REGISTERs (bounded wait) and stops refreshing. Always completes; when
 * the registrar did not confirm, vo_sip_registration_get_error() says so. */
void vo_sip_registration_stop_async (VoSipRegistration *self, GAsyncReadyCallback callback,
                                     gpointer user_data);
void vo_sip_registration_stop_finish (VoSipRegistration *self, GAsyncResult *result);

/* UNREGISTERED, REGISTERING, REGISTERED or FAILED (never BLOCKED). */
VoRegistration vo_sip_registration_get_state (VoSipRegistration *self);
VoSipFailure vo_sip_registration_get_failure (VoSipRegistration *self);
/* A sentence for people, empty unless the state is failed. */
const char *vo_sip_registration_get_error (VoSipRegistration *self);
/* The address-of-record, sip:user@domain. */
const char *vo_sip_registration_get_aor (VoSipRegistration *self);

G_END_DECLS
