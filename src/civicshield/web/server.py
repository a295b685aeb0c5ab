"""Run the console with uvicorn.  Sessions and the failed-login count live
in the case store (or Redis), so several such processes can share one store."""

from __future__ import annotations

import uvicorn

from civicshield.web.app import create_app


def serve(workspace, db_url: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          redis_url: str | None = None) -> None:
    app = create_app(workspace, db_url, redis_url=redis_url)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
