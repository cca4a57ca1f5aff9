"""What Gradio 6 takes at mount/launch time rather than in ``gr.Blocks``: the stylesheet and the theme,
and the script the chat, example and passage panels load (their citation and example clicks)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

__all__ = ["PANEL_JS", "UI_CSS", "ui_theme"]

_STATIC = Path(__file__).with_name("static")
UI_CSS = (_STATIC / "newsqa.css").read_text(encoding="utf-8")
PANEL_JS = (_STATIC / "chat.js").read_text(encoding="utf-8")


def ui_theme() -> gr.themes.Base:
    # System fonts only: the default theme fetches Google Fonts, and newsqa runs offline.
    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=system, font_mono=mono)
