"""Plain pages: the list of municipalities, a municipality's start page, the chat page, the
accessibility statement, the health check, and the embeddable widget's files."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template, send_from_directory

from .helpers import catalogue, kommun_or_404

bp = Blueprint("pages", __name__)
STATIC = Path(__file__).parent / "static"


@bp.get("/")
def index():
    kommuner = sorted(catalogue().kommuner.values(), key=lambda k: k.namn)
    return render_template("index.html", kommuner=kommuner)


@bp.get("/<kommun>/")
def kommun_start(kommun):
    return render_template("kommun.html", kommun=kommun_or_404(kommun))


@bp.get("/<kommun>/chatt")
def chatt(kommun):
    return render_template("chatt.html", kommun=kommun_or_404(kommun))


@bp.get("/tillganglighet")
def tillganglighet():
    return render_template("tillganglighet.html", kommuner=sorted(catalogue().kommuner.values(), key=lambda k: k.namn))


@bp.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


def _static_file(name: str, mimetype: str):
    # Short cache: a municipality's page keeps working across our deployments, and fixes arrive soon.
    resp = send_from_directory(STATIC, name, mimetype=mimetype, max_age=300)
    return resp


@bp.get("/widget.js")
def widget_js():
    return _static_file("widget.js", "text/javascript")


@bp.get("/widget.css")
def widget_css():
    return _static_file("widget.css", "text/css")
