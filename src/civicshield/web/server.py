"""Run the console with uvicorn (one process: the login limiter and the
SQLite store live in it)."""

from __future__ import annotations

import uvicorn

from civicshield.web.app import create_app


def serve(workspace, db_url: str | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    app = create_app(workspace, db_url)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
