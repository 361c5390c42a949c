"""The reference Virtual Office service: docs/service-api.md over HTTPS with aiohttp.

Modules, one job each:
  main       command line, TLS, start-up and the ready line
  app        the aiohttp application: routes, request log, problem+json, body limits
  problems   RFC 7807 errors (ProblemError and the named types)
  storage    the service's sqlite3 state (users, sessions, tokens, events, reset tokens,
             favorites)
  directory_store  the directory table: entries, tombstones, revisions, sync-token epoch
  kamailio   the kamailio database: subscriber rows and the vo_forwarding table
  auth       passwords (scrypt), tokens (only their hashes are stored), bearer checks
  session    /v1/session, /v1/session/refresh
  profile    /v1/sip-account, /v1/me, /v1/me/photo
  photos     image uploads checked, photo files served (ETag, 304, Range)
  directory  /v1/directory (keyset pages, delta sync), its photos, users' entries,
             the directory.changed event
  favorites  /v1/favorites
  recovery   password reset (mail, HTML form, confirm) and user-name recovery
  forwarding /v1/forwarding
  events     the /v1/events WebSocket and the per-user event hub
  mail       outgoing mail by SMTP (smtplib in an executor)
  admin      /admin/v1/... (users, revoke, faults)
  admin_directory  /admin/v1/directory/... (colleagues, photos, generate, expire tokens)
  generate   the generated colleagues (names, numbers, tiny PNG photos)
  faults     the fault modes of /admin/v1/faults

It shares no code with the daemon.
"""
