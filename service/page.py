"""The moderator page: paste an article, press Analyze, see the suspicious words highlighted."""
from __future__ import annotations

from flask import Blueprint, send_from_directory

page = Blueprint("page", __name__, static_folder="static", static_url_path="/static")


@page.get("/")
def index():
    return send_from_directory(page.static_folder, "index.html")
