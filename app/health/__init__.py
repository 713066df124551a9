"""/healthz: liveness, database reachability and the scheduler's heartbeat.

Above the domains (it reads app.scheduling), so it is not part of app/web, the kernel below
them."""
