"""The demo's own web server (Werkzeug's development server), answering the requests it refuses
before the app sees them — a request line over 64 KB, too many headers, a malformed request
line — in Chinese, as the app answers everything else. (Production runs gunicorn: Procfile.)"""

from __future__ import annotations

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, run_simple

REFUSED = {
    400: "请求格式有误",
    414: "请求地址过长，请缩短检索内容后重试",
    431: "请求头过大或过多",
    501: "不支持的请求方法",
    505: "不支持的 HTTP 版本",
}


class ChineseRefusals(WSGIRequestHandler):
    """The server's own refusals, said in Chinese (the status line keeps its standard English
    phrase: it must be Latin-1)."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        text = REFUSED.get(code, "请求无法处理")
        body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{code} {text}</title>'
                f"<h1>{text}</h1><p>错误代码 {code}</p></html>").encode("utf-8")
        self.log_error("code %d, message %s", code, message)
        has_body = code >= 200 and code not in (204, 304)
        self.send_response(code)
        self.send_header("Connection", "close")
        self.close_connection = True
        if has_body:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if has_body and self.command != "HEAD":
            self.wfile.write(body)


def serve(app: Flask, port: int, host: str = "127.0.0.1") -> None:
    run_simple(host, port, app, use_reloader=False, threaded=True, request_handler=ChineseRefusals)
