-- Forwarding rules in kamailio's database: written by the reference service
-- (PUT /v1/forwarding/...), read by tests/fixtures/kamailio.cfg.in (sqlops) to
-- forward calls for a user with no registered contact. tests/vo_harness/kamailio.py
-- creates it with kamailio's own tables, so kamailio starts without the service.
CREATE TABLE IF NOT EXISTS vo_forwarding (
    username VARCHAR(64) NOT NULL,
    condition VARCHAR(16) NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    target VARCHAR(255) NOT NULL DEFAULT '',
    timeout INTEGER NOT NULL DEFAULT 20,
    PRIMARY KEY (username, condition)
);
