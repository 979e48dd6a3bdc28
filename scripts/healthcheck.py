"""Container health check for the web service: GET /healthz must answer 200.

Run inside the web container (docker-compose.yml). It asks gunicorn directly, so it
sends what the reverse proxy would: a Host from ALLOWED_HOSTS and X-Forwarded-Proto,
otherwise Django answers 400 (unknown host) or 301 (SECURE_SSL_REDIRECT).
"""

import http.client
import os
import sys


def host_header():
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    if host == "*":
        return "localhost"
    return host.lstrip(".")


def main():
    port = int(os.environ.get("PORT", "8000"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(
            "GET", "/healthz", headers={"Host": host_header(), "X-Forwarded-Proto": "https"}
        )
        status = conn.getresponse().status
    except OSError as error:
        print(f"unhealthy: {error}")
        return 1
    finally:
        conn.close()
    if status != 200:
        print(f"unhealthy: /healthz answered {status}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
