"""`make cluster`: PostgreSQL, Redis, two Rasa replicas and HAProxy on this machine, same code as `make run`.

Each module has one job: packages (install what is missing), service_user (run the servers as `jep`),
postgres and redis_server (the two data servers), haproxy (the load balancer), layout (ports and
directories) and runner (start, supervise, stop).
"""
